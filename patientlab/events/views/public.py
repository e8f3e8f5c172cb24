"""The public pages of « Parle-Moi »: the evenings, registering, a person's own
registration (through their personal link), cancelling it, and the satisfaction question."""

import functools

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from patientlab.core.errors import FOREIGN_FORM_MESSAGE, render_error
from patientlab.core.i18n import prefer_language
from patientlab.core.locking import start_write_transaction
from patientlab.core.models import utcnow
from patientlab.core.places import DEPARTMENTS
from patientlab.core.security import (
    TokenError,
    acting_user,
    private_page,
    sent_from_our_pages,
)
from patientlab.core.text import normalise_email
from patientlab.core.transaction import attempt
from patientlab.events.forms import (
    CancelRegistrationForm,
    ChangeRegistrationForm,
    RegistrationForm,
    SatisfactionForm,
)
from patientlab.events.models import ACCOMMODATIONS, EVENT_THEMES, EventFormat
from patientlab.events.models import RegistrationStatus as S
from patientlab.events.services import after_evening, ics, listing, mails, seating
from patientlab.events.services import registration as registering
from patientlab.extensions import csrf, limiter

bp = Blueprint("events", __name__)


def _config(name):
    return lambda: current_app.config[name]


# --- Public ------------------------------------------------------------------------


@bp.route("/evenements/")
def index():
    past = request.args.get("periode") == "passees"
    theme = request.args.get("theme", "")
    fmt = request.args.get("format", "")
    department = request.args.get("departement", "")
    where = listing.Where(department=department if department in DEPARTMENTS else "",
                          town=request.args.get("ville", "").strip()[:100],
                          online=request.args.get("en_ligne") == "1")
    events = listing.list_events(past=past, theme=theme, fmt=fmt, where=where)
    return render_template("events/index.html", events=events, past=past, theme=theme,
                           fmt=fmt, where=where, counts=listing.counts_for([e.id for e in events]),
                           departments=listing.listed_departments(past=past),
                           department_names=DEPARTMENTS, themes=EVENT_THEMES,
                           formats=EventFormat.LABELS)


def _detail(event):
    counts = listing.counts_for([event.id])[event.id]
    return render_template("events/detail.html", event=event, counts=counts,
                           left=listing.seats_left(event, counts),
                           problem=listing.registration_problem(event),
                           needs=ACCOMMODATIONS, now=utcnow())


@bp.route("/evenements/<int:event_id>")
def detail(event_id):
    return _detail(listing.get_public_event_or_404(event_id, acting_user()))


def _event_key() -> str:
    return f"event:{request.view_args.get('event_id')}"


def _empty_form(event, seats) -> RegistrationForm:
    form = _registration_form(event, formdata=None)
    form.seats.data = seats
    user = acting_user()
    if user is not None:
        form.name.data, form.email.data = user.name, user.email
    return form


CANONICAL_PLACES = frozenset({"1", "2", "3", "4"})


def _form_page(event, form=None, status=200):
    """Registering, in two short steps that need no JavaScript: how many people come,
    then the fields for that many (a visitor alone never tabs through a group's)."""
    seats = None
    if form is None and g.get("kept_form") is not None:
        form = _registration_form(event)  # typed before a session ended
    if form is not None:
        seats = form.seats.data if form.seats.data in range(1, 5) else 1
    else:
        seats = request.args.get("places", type=int)
        if seats in range(1, 5):
            form = _empty_form(event, seats)
    counts = listing.counts_for([event.id])[event.id]
    return render_template("events/register.html", event=event, form=form, seats=seats,
                           counts=counts, left=listing.seats_left(event, counts),
                           problem=listing.registration_problem(event), now=utcnow()), status


def registration_data(form) -> registering.RegistrationData:
    """What the registration form says, for the service (the organiser's phone form too)."""
    return registering.RegistrationData(
        name=form.name.data, email=form.email.data or "", seats=form.seats.data,
        needs=form.needs.data or [], needs_other=form.needs_other.data or "",
        needs_consent=form.needs_consent.data, privacy_consent=form.privacy_consent.data,
        locale=str(get_locale()), phone=(form.phone.data or "") if "phone" in form else "",
        companions=[seating.CompanionData(entry.form.name.data or "",
                                          entry.form.needs.data or [],
                                          entry.form.needs_other.data or "")
                    for entry in form.companions])


def _email_key() -> str:
    """Rate-limit key for the address typed on the registration form, whoever posts it
    and from wherever: nobody's mailbox is filled with our mails."""
    email = normalise_email(request.form.get("email", ""))[:254]
    # No address typed: nothing to protect; counted per address like any post.
    return "registration-email:" + (email or "none:" + (request.remote_addr or ""))


# --- A visitor's registration: protected by its origin, not by a token ------------------
#
# The registration page is the same for every visitor, so that it can be kept and
# revalidated like any public page (core.page_cache): a CSRF token would make it one
# visitor's own, and every visitor would need a session. A visitor who is not logged in
# has no session to ride, so what a forged post could do is register someone else's
# address; OWASP's CSRF cheat sheet protects such a form by checking that the browser
# posted it from our own pages (Sec-Fetch-Site, else Origin; neither: refused). A person
# who is logged in gets the token as on every other form: the form acts for their account.


def _registration_form(event, **kwargs) -> RegistrationForm:
    """The registration form; without its CSRF token for a visitor (checked by origin)."""
    if not current_user.is_authenticated:
        kwargs["meta"] = {"csrf": False}
    return RegistrationForm(**kwargs).offer_needs(event.format)


def _refused_registration_post():
    """None when the request may go on; else the page that refuses it."""
    if request.method != "POST":
        return None
    if current_user.is_authenticated:
        csrf.protect()  # Flask-WTF's own check (its error page, its kept form)
        return None
    if sent_from_our_pages():
        return None
    current_app.logger.info("registration refused: not from our pages path=%r",
                            request.path)
    return render_error(403, FOREIGN_FORM_MESSAGE)


def _from_our_pages(view):
    """The origin (or, logged in, the token) is checked before the limits count the post:
    a forged post from another site uses up nobody's tries, nor the evening's."""

    @functools.wraps(view)
    def checked(*args, **kwargs):
        refused = _refused_registration_post()
        return refused if refused is not None else view(*args, **kwargs)

    return checked


@bp.route("/evenements/<int:event_id>/inscription", methods=["GET", "POST"])
@csrf.exempt  # checked by origin or by token, first of all (above)
@_from_our_pages
@limiter.limit(_config("RATE_LIMIT_EVENT_REGISTER_PER_IP"), methods=["POST"])
@limiter.limit(_config("RATE_LIMIT_EVENT_REGISTER_PER_EVENT"), methods=["POST"],
               key_func=_event_key)
@limiter.limit(_config("RATE_LIMIT_EVENT_REGISTER_PER_EMAIL"), methods=["POST"],
               key_func=_email_key)
def register(event_id):
    """The answer is the same whether or not the address was already registered: only
    the address's owner learns it, by mail. A person logged in with that very address
    (proved) sees their registration at once."""
    event = listing.get_public_event_or_404(event_id, acting_user())
    if request.method == "GET":
        return _canonical_places(event) or _form_page(event)
    form = _registration_form(event)
    if not form.validate_on_submit():
        return _form_page(event, form)
    start_write_transaction()
    with attempt(form) as done:
        placed = registering.register_or_remind(event_id, registration_data(form),
                                                acting_user(), locale=str(get_locale()))
    if not done:
        return _form_page(event, form)
    return _registered(placed)


def _canonical_places(event):
    """« 02 », « +2 », « 0 », « abc »…: one address for each number of people, so that
    the page cache holds four pages at most."""
    places = request.args.get("places")
    if places is None or places in CANONICAL_PLACES:
        return None
    number = request.args.get("places", type=int)
    return redirect(url_for("events.register", event_id=event.id,
                            places=number if number in range(1, 5) else None))


def _registered(placed: registering.Placed):
    """Someone logged in with the address sees the registration; anyone else is told
    to read their mail, new address or not."""
    registration = placed.registration
    if placed.own:
        return redirect(url_for("events.registration", token=mails.link_token(registration),
                                nouvelle=1 if placed.new else None,
                                deja=None if placed.new else 1))
    session["registration_sent_to"] = registration.email
    return redirect(url_for("events.registration_sent", event_id=registration.event_id))


@bp.route("/evenements/<int:event_id>/inscription/merci")
@private_page
def registration_sent(event_id):
    return render_template("events/registration_sent.html",
                           event=listing.get_public_event_or_404(event_id, acting_user()),
                           email=session.pop("registration_sent_to", ""))


def _registration_or_400(token, read=mails.registration_for_token):
    try:
        reg = read(token)
    except TokenError as error:
        abort(Response(render_template("events/bad_link.html", expired=error.expired),
                       status=400))
    # The personal pages speak the language the person registered in (the mail's link).
    prefer_language(reg.locale)
    return reg


@bp.route("/inscriptions/<token>")
@private_page
def registration(token):
    reg = _registration_or_400(token)
    return render_template("events/registration.html", registration=reg, event=reg.event,
                           token=token, new=request.args.get("nouvelle") == "1",
                           already=request.args.get("deja") == "1",
                           needs=ACCOMMODATIONS, now=utcnow(),
                           position=seating.waiting_position(reg))


@bp.route("/inscriptions/<token>/annuler", methods=["GET", "POST"])
@private_page
def cancel_registration(token):
    """A page that asks to confirm (no JavaScript needed), then cancels."""
    reg = _registration_or_400(token)
    live = reg.status != S.CANCELLED
    if live and request.method != "POST":
        return render_template("events/cancel_registration.html", registration=reg,
                               event=reg.event, token=token, form=CancelRegistrationForm(),
                               waiting=listing.counts_for([reg.event_id])[reg.event_id].waiting)
    if live and CancelRegistrationForm().validate_on_submit():
        start_write_transaction()
        freed = reg.seats if reg.status == S.CONFIRMED else 0
        with attempt() as done:
            promoted = registering.cancel_registration(reg.id, actor=acting_user())
        if done:
            flash(_cancelled(freed, promoted), "success")
    return redirect(url_for("events.registration", token=token))


def _cancelled(freed: int, promoted: list) -> str:
    return _("Votre inscription est annulée. Merci de nous avoir prévenus.") + (
        " " + ngettext("Votre place va à une personne de la liste d’attente.",
                       "Vos places vont aux personnes de la liste d’attente.",
                       freed) if promoted else "")


def change_data(form) -> registering.ChangeData:
    return registering.ChangeData(
        seats=form.seats.data, needs=form.needs.data or [],
        needs_other=form.needs_other.data or "", needs_consent=form.needs_consent.data,
        companions=[seating.CompanionData(entry.form.name.data or "",
                                          entry.form.needs.data or [],
                                          entry.form.needs_other.data or "")
                    for entry in form.companions])


@bp.route("/inscriptions/<token>/modifier", methods=["GET", "POST"])
@private_page
def change_registration(token):
    """The registrant changes how many people come, who, and what they need: how many
    first, then the fields of that many people (no JavaScript needed)."""
    reg = _registration_or_400(token)
    if not registering.may_still_change(reg):
        flash(_("Cette inscription ne peut plus changer."), "error")
        return redirect(url_for("events.registration", token=token))
    if request.method != "POST" and g.get("kept_form") is None:
        return _how_many_page(reg, token)
    form = ChangeRegistrationForm().offer_needs(reg.event.format)
    if form.validate_on_submit():
        start_write_transaction()
        with attempt(form) as done:
            promoted = registering.change_registration(reg.id, change_data(form), acting_user())
        if done:
            return _changed(token, promoted)
        reg = _registration_or_400(token)  # as it is, after the rollback
    return _change_page(reg, token, form, form.seats.data)


def _how_many_page(reg, token):
    """How many people come (``?places=``), then the fields of that many people."""
    seats = request.args.get("places", type=int)
    form = ChangeRegistrationForm(formdata=None).offer_needs(reg.event.format) \
        .fill_from(reg, seats) if seats in range(1, 5) else None
    return _change_page(reg, token, form, seats)


def _change_page(reg, token, form, seats):
    event = reg.event
    if form is not None and seats not in range(1, 5):
        seats = reg.seats
    counts = listing.counts_for([event.id])[event.id]
    return render_template("events/change_registration.html", registration=reg, event=event,
                           token=token, form=form, seats=seats, now=utcnow(),
                           left=listing.seats_left(event, counts),
                           others_waiting=counts.waiting - (
                               reg.extra_seats if reg.status == S.CONFIRMED else reg.seats),
                           position=seating.waiting_position(reg))


def _changed(token, promoted):
    flash(_("Votre inscription est changée. Nous vous avons envoyé un e-mail qui le "
            "confirme.")
          + (" " + _("Les places que vous libérez vont à la liste d’attente.")
             if promoted else ""), "success")
    return redirect(url_for("events.registration", token=token))


@bp.route("/evenements/<int:event_id>.ics")
def event_ics(event_id):
    event = listing.get_public_event_or_404(event_id, acting_user())
    return Response(ics.calendar_for([event]), mimetype="text/calendar",
                    headers={"Content-Disposition":
                             f'attachment; filename="parle-moi-{event.id}.ics"'})


@bp.route("/inscriptions/<token>/agenda.ics")
@private_page
def registration_ics(token):
    """The registrant's own calendar file, as their registration stands: for a confirmed
    place at an online evening, it says how to join (never the public file); on the
    waiting list, a tentative evening that says so; cancelled (or the evening cancelled),
    the cancellation, so that an agenda which imported the evening drops it."""
    reg = _registration_or_400(token)
    if reg.status == S.CANCELLED or reg.event.is_cancelled:
        body = ics.calendar_for([reg.event], cancel=True)
    else:
        body = ics.calendar_for([reg.event], private=reg.status == S.CONFIRMED,
                                waiting=reg.status == S.WAITING)
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition":
                             f'attachment; filename="parle-moi-{reg.event_id}.ics"'})


@bp.route("/evenements.ics")
def feed():
    return Response(ics.calendar_for(listing.list_events()), mimetype="text/calendar")


@bp.route("/inscriptions/avis/<token>", methods=["GET", "POST"])
@private_page
def satisfaction(token):
    """The day-after question: one score and a word, anonymous."""
    reg = _registration_or_400(token, after_evening.registration_for_satisfaction)
    form = SatisfactionForm()
    if not reg.satisfaction_answered and form.validate_on_submit():
        start_write_transaction()
        with attempt(form) as done:
            after_evening.answer_satisfaction(reg, form.score.data, form.comment.data or "")
        if done:
            flash(_("Merci pour votre avis ! Il aide l’équipe à préparer les prochaines "
                    "soirées."), "success")
            return redirect(url_for("events.satisfaction", token=token))
    return render_template("events/satisfaction.html", registration=reg, event=reg.event,
                           form=form)
