from datetime import datetime, time

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from patientlab.core.errors import ServiceError
from patientlab.core.forms import add_service_error
from patientlab.core.locking import start_write_transaction
from patientlab.core.models import utcnow
from patientlab.core.sanitize import editable
from patientlab.core.security import TokenError, acting_user, private_page, roles_required
from patientlab.core.spreadsheet import csv_for_excel
from patientlab.core.views import transaction
from patientlab.events import services as svc
from patientlab.events.forms import (
    CancelEventForm,
    CancelRegistrationForm,
    CheckInForm,
    EventForm,
    MessageForm,
    OrganiserCancelForm,
    PublicationForm,
    RegistrationForm,
    ResendLinkForm,
    SeatsForm,
)
from patientlab.events.models import ACCOMMODATIONS, EVENT_THEMES, EventFormat
from patientlab.events.models import RegistrationStatus as S
from patientlab.extensions import db, limiter

bp = Blueprint("events", __name__)
org = Blueprint("organisation", __name__, url_prefix="/organisation/evenements")


def _config(name):
    return lambda: current_app.config[name]




# --- Public ------------------------------------------------------------------------


@bp.route("/evenements/")
def index():
    past = request.args.get("periode") == "passees"
    theme = request.args.get("theme", "")
    fmt = request.args.get("format", "")
    events = svc.list_events(past=past, theme=theme, fmt=fmt)
    return render_template("events/index.html", events=events, past=past, theme=theme,
                           fmt=fmt, counts=svc.counts_for([e.id for e in events]),
                           themes=EVENT_THEMES, formats=EventFormat.LABELS)


def _detail(event, form=None, status=200):
    if form is None:
        form = RegistrationForm(formdata=None)
        user = acting_user()
        if user is not None:
            form.name.data, form.email.data = user.name, user.email
    counts = svc.counts_for([event.id])[event.id]
    return render_template("events/detail.html", event=event, form=form, counts=counts,
                           left=svc.seats_left(event, counts),
                           problem=svc.registration_problem(event),
                           needs=ACCOMMODATIONS, now=utcnow()), status


@bp.route("/evenements/<int:event_id>")
def detail(event_id):
    return _detail(svc.get_public_event_or_404(event_id, acting_user()))


def _event_key() -> str:
    return f"event:{request.view_args.get('event_id')}"


@bp.route("/evenements/<int:event_id>/inscription", methods=["POST"])
@limiter.limit(_config("RATE_LIMIT_EVENT_REGISTER_PER_IP"), methods=["POST"])
@limiter.limit(_config("RATE_LIMIT_EVENT_REGISTER_PER_EVENT"), methods=["POST"],
               key_func=_event_key)
def register(event_id):
    """The answer is the same whether or not the address was already registered: only
    the address's owner learns it, by mail. A person logged in with that very address
    (proved) sees their registration at once."""
    event = svc.get_public_event_or_404(event_id, acting_user())
    form = RegistrationForm()
    if not form.validate_on_submit():
        return _detail(event, form)
    start_write_transaction()
    data = svc.RegistrationData(
        name=form.name.data, email=form.email.data, seats=form.seats.data,
        needs=form.needs.data or [], needs_other=form.needs_other.data or "",
        needs_consent=form.needs_consent.data, privacy_consent=form.privacy_consent.data,
        locale=str(get_locale()))
    user, new = acting_user(), True
    try:
        registration = svc.register(event_id, data, user=user)
    except svc.AlreadyRegistered as already:
        registration, new = already.registration, False
        svc.tell_already_registered(registration, locale=str(get_locale()))
    except ServiceError as error:
        db.session.rollback()
        add_service_error(form, error)
        return _detail(svc.get_public_event_or_404(event_id, user), form)
    own = svc.is_own_address(user, registration)
    db.session.commit()
    if own:
        return redirect(url_for("events.registration", token=svc.link_token(registration),
                                nouvelle=1 if new else None))
    session["registration_sent_to"] = registration.email
    return redirect(url_for("events.registration_sent", event_id=event_id))


@bp.route("/evenements/<int:event_id>/inscription/merci")
@private_page
def registration_sent(event_id):
    return render_template("events/registration_sent.html",
                           event=svc.get_public_event_or_404(event_id, acting_user()),
                           email=session.pop("registration_sent_to", ""))


def _registration_or_400(token):
    try:
        return svc.registration_for_token(token)
    except TokenError as error:
        abort(Response(render_template("events/bad_link.html", expired=error.expired),
                       status=400))


@bp.route("/inscriptions/<token>")
@private_page
def registration(token):
    reg = _registration_or_400(token)
    return render_template("events/registration.html", registration=reg, event=reg.event,
                           token=token, new=request.args.get("nouvelle") == "1",
                           needs=ACCOMMODATIONS, now=utcnow(),
                           position=svc.waiting_position(reg))


@bp.route("/inscriptions/<token>/annuler", methods=["GET", "POST"])
@private_page
def cancel_registration(token):
    """A page that asks to confirm (no JavaScript needed), then cancels."""
    reg = _registration_or_400(token)
    form = CancelRegistrationForm()
    if reg.status == S.CANCELLED or not form.validate_on_submit():
        if reg.status == S.CANCELLED or request.method == "POST":
            return redirect(url_for("events.registration", token=token))
        return render_template("events/cancel_registration.html", registration=reg,
                               event=reg.event, token=token, form=form,
                               waiting=svc.counts_for([reg.event_id])[reg.event_id].waiting)
    start_write_transaction()
    with transaction() as done:
        promoted = svc.cancel_registration(reg.id, actor=acting_user())
    if done:
        flash(_("Votre inscription est annulée. Merci de nous avoir prévenus.")
              + (" " + _("Votre place va à une personne de la liste d’attente.")
                 if promoted else ""), "success")
    return redirect(url_for("events.registration", token=token))


@bp.route("/evenements/<int:event_id>.ics")
def event_ics(event_id):
    event = svc.get_public_event_or_404(event_id, acting_user())
    return Response(svc.calendar_for([event]), mimetype="text/calendar",
                    headers={"Content-Disposition":
                             f'attachment; filename="parle-moi-{event.id}.ics"'})


@bp.route("/evenements.ics")
def feed():
    return Response(svc.calendar_for(svc.list_events()), mimetype="text/calendar")


# --- Organisers ------------------------------------------------------------------------

@org.route("/")
@roles_required(*svc.MANAGERS)
def events():
    items = svc.managed_events(acting_user())
    return render_template("events/organiser/index.html", events=items,
                           counts=svc.counts_for([e.id for e in items]))


def _local(day, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=svc.PARIS)


def _event_data(form) -> svc.EventData:
    from datetime import UTC

    starts = _local(form.date.data, form.start_time.data).astimezone(UTC)
    ends = _local(form.date.data, form.end_time.data).astimezone(UTC)
    opens = (_local(form.opens_on.data, time(0, 0)).astimezone(UTC)
             if form.opens_on.data else None)
    closes = (_local(form.closes_on.data, time(23, 59)).astimezone(UTC)
              if form.closes_on.data else None)
    return svc.EventData(
        title=form.title.data, theme=form.theme.data, description=form.description.data or "",
        speakers=form.speakers.data or "", programme=form.programme.data or "",
        starts_at=starts, ends_at=ends, format=form.format.data,
        venue_name=form.venue_name.data or "", address=form.address.data or "",
        online_info=form.online_info.data or "", step_free=form.step_free.data,
        hearing_loop=form.hearing_loop.data, sign_language=form.sign_language.data,
        live_captions=form.live_captions.data, quiet_room=form.quiet_room.data,
        transport=form.transport.data or "", capacity=form.capacity.data,
        registration_opens_at=opens, registration_closes_at=closes,
        join_url=form.join_url.data or "", dial_in=form.dial_in.data or "",
        replay_url=form.replay_url.data or "")


def _fill(form, event) -> None:
    local_start = event.starts_at.astimezone(svc.PARIS)
    form.date.data = local_start.date()
    form.start_time.data = local_start.time()
    form.end_time.data = event.ends_at.astimezone(svc.PARIS).time()
    form.description.data = editable(event.description)
    form.opens_on.data = (event.registration_opens_at.astimezone(svc.PARIS).date()
                          if event.registration_opens_at else None)
    form.closes_on.data = (event.registration_closes_at.astimezone(svc.PARIS).date()
                           if event.registration_closes_at else None)


def _save(form, event):
    if form.validate_on_submit():
        if event is not None:
            start_write_transaction()
            event = svc.get_event_or_404(event.id)
        with transaction(form) as done:
            saved, told = svc.save_event(acting_user(), event, _event_data(form))
        if done:
            flash(_("La soirée est enregistrée."), "success")
            if told:
                flash(ngettext("%(num)d personne inscrite a reçu un e-mail avec les "
                               "nouvelles informations.",
                               "%(num)d personnes inscrites ont reçu un e-mail avec les "
                               "nouvelles informations.", told), "info")
            return redirect(url_for("organisation.dashboard", event_id=saved.id))
    return render_template("events/organiser/edit.html", form=form, event=event,
                           cancel_form=CancelEventForm(formdata=None))


@org.route("/nouvelle", methods=["GET", "POST"])
@roles_required(*svc.MANAGERS)
def new():
    return _save(EventForm(), None)


@org.route("/<int:event_id>/modifier", methods=["GET", "POST"])
@roles_required(*svc.MANAGERS)
def edit(event_id):
    event = svc.get_managed_event(event_id, acting_user())
    form = EventForm() if request.method == "POST" else EventForm(obj=event)
    if request.method == "GET":
        _fill(form, event)
    return _save(form, event)


@org.route("/<int:event_id>/annuler", methods=["POST"])
@roles_required(*svc.MANAGERS)
def cancel(event_id):
    event = svc.get_managed_event(event_id, acting_user())
    form = CancelEventForm()
    if form.validate_on_submit():
        with transaction() as done:
            told = svc.cancel_event(acting_user(), event, form.reason.data)
        if done:
            flash(_("La soirée est annulée. %(num)s inscription(s) prévenue(s) par e-mail.",
                    num=told), "success")
            return redirect(url_for("organisation.dashboard", event_id=event.id))
    else:
        flash(_("Expliquez en une phrase pourquoi la soirée est annulée."), "error")
    return redirect(url_for("organisation.edit", event_id=event.id) + "#annuler")


@org.route("/<int:event_id>")
@roles_required(*svc.MANAGERS)
def dashboard(event_id):
    event = svc.get_managed_event(event_id, acting_user())
    query = request.args.get("q", "")[:100]
    return render_template("events/organiser/dashboard.html", event=event, query=query,
                           registrations=svc.registrations_of(event, query),
                           counts=svc.counts_for([event.id])[event.id],
                           needs_summary=svc.needs_summary(event), needs=ACCOMMODATIONS,
                           positions=svc.waiting_positions(event), S=S,
                           publication_form=PublicationForm(formdata=None))


@org.route("/<int:event_id>/publication", methods=["POST"])
@roles_required(*svc.MANAGERS)
def publication(event_id):
    event = svc.get_managed_event(event_id, acting_user())
    form = PublicationForm()
    if form.validate_on_submit():
        with transaction() as done:
            if form.publish.data:
                svc.publish_event(acting_user(), event)
            else:
                svc.unpublish_event(acting_user(), event)
        if done:
            flash(_("La soirée est publiée : elle est visible de tous et les inscriptions "
                    "sont ouvertes.") if event.is_published else
                  _("La soirée est redevenue un brouillon."), "success")
    return redirect(url_for("organisation.dashboard", event_id=event.id))


@org.route("/<int:event_id>/message", methods=["GET", "POST"])
@roles_required(*svc.MANAGERS)
def message(event_id):
    event = svc.get_managed_event(event_id, acting_user())
    form = MessageForm()
    if form.validate_on_submit():
        with transaction(form) as done:
            sent = svc.message_registrants(acting_user(), event, form.subject.data,
                                           form.body.data, form.audiences.data)
        if done:
            flash(ngettext("Le message est envoyé à %(num)d personne.",
                           "Le message est envoyé à %(num)d personnes.", sent), "success")
            return redirect(url_for("organisation.dashboard", event_id=event.id))
    return render_template("events/organiser/message.html", event=event, form=form,
                           counts=svc.counts_for([event.id])[event.id])


def _registration_page(event, registration, seats_form=None, cancel_form=None, status=200):
    if seats_form is None:
        seats_form = SeatsForm(formdata=None, prefix="seats", seats=registration.seats)
    return render_template(
        "events/organiser/registration.html", event=event, registration=registration,
        seats_form=seats_form, resend_form=ResendLinkForm(formdata=None, prefix="resend"),
        cancel_form=cancel_form or OrganiserCancelForm(formdata=None, prefix="cancel"),
        needs=ACCOMMODATIONS, position=svc.waiting_position(registration), S=S,
        now=utcnow()), status


def _managed_registration(event_id, registration_id):
    """The evening the acting organiser runs, and one of its registrations (403 / 404)."""
    event = svc.get_managed_event(event_id, acting_user())
    return event, svc.get_registration_of(event, registration_id)


@org.route("/<int:event_id>/inscriptions/<int:registration_id>")
@roles_required(*svc.MANAGERS)
def registration_detail(event_id, registration_id):
    return _registration_page(*_managed_registration(event_id, registration_id))


@org.route("/<int:event_id>/inscriptions/<int:registration_id>/places", methods=["POST"])
@roles_required(*svc.MANAGERS)
def change_seats(event_id, registration_id):
    event, registration = _managed_registration(event_id, registration_id)
    form = SeatsForm(prefix="seats")
    if form.validate_on_submit():
        start_write_transaction()
        with transaction(form) as done:
            svc.change_seats(acting_user(), event, registration_id, form.seats.data)
        if done:
            flash(_("Le nombre de places est changé. La personne est prévenue par e-mail."),
                  "success")
            return redirect(url_for("organisation.registration_detail", event_id=event.id,
                                    registration_id=registration_id))
    return _registration_page(event, registration, seats_form=form)


@org.route("/<int:event_id>/inscriptions/<int:registration_id>/lien", methods=["POST"])
@roles_required(*svc.MANAGERS)
def resend_registration_link(event_id, registration_id):
    event, registration = _managed_registration(event_id, registration_id)
    if ResendLinkForm(prefix="resend").validate_on_submit():
        with transaction() as done:
            svc.resend_link(registration)
        if done:
            flash(_("Le lien est renvoyé à %(email)s.", email=registration.email), "success")
    return redirect(url_for("organisation.registration_detail", event_id=event.id,
                            registration_id=registration_id))


@org.route("/<int:event_id>/inscriptions/<int:registration_id>/annuler", methods=["POST"])
@roles_required(*svc.MANAGERS)
def cancel_one(event_id, registration_id):
    event, registration = _managed_registration(event_id, registration_id)
    form = OrganiserCancelForm(prefix="cancel")
    if form.validate_on_submit():
        start_write_transaction()
        with transaction(form) as done:
            svc.cancel_registration(registration_id, actor=acting_user())
        if done:
            flash(_("L’inscription est annulée. La personne est prévenue par e-mail."),
                  "success")
            return redirect(url_for("organisation.dashboard", event_id=event.id))
    return _registration_page(event, registration, cancel_form=form)


@org.route("/<int:event_id>/inscrits.csv")
@roles_required(*svc.MANAGERS)
def export(event_id):
    event = svc.get_managed_event(event_id, acting_user())
    rows = [[_("Nom"), _("E-mail"), _("Places"), _("État"), _("Inscrit le"), _("Présent"),
             _("Besoins")]]
    for reg in svc.registrations_of(event):
        needs = [str(ACCOMMODATIONS[k]) for k in reg.need_list]
        if reg.needs_other:
            needs.append(reg.needs_other)
        rows.append([reg.name, reg.email, reg.seats, str(S.LABELS[reg.status]),
                     reg.created_at.astimezone(svc.PARIS).strftime("%d/%m/%Y %H:%M"),
                     _("oui") if reg.checked_in_at else _("non"),
                     " ; ".join(needs)])
    return Response(csv_for_excel(rows), mimetype="text/csv",
                    headers={"Content-Disposition":
                             f'attachment; filename="inscrits-{event.id}.csv"',
                             "Cache-Control": "no-store"})


@org.route("/<int:event_id>/feuille-de-presence")
@roles_required(*svc.MANAGERS)
def attendance_sheet(event_id):
    event = svc.get_managed_event(event_id, acting_user())
    confirmed = [r for r in svc.registrations_of(event) if r.status == S.CONFIRMED]
    return render_template("events/organiser/sheet.html", event=event, registrations=confirmed,
                           needs=ACCOMMODATIONS)


@org.route("/<int:event_id>/accueil")
@roles_required(*svc.MANAGERS)
def check_in(event_id):
    event = svc.get_managed_event(event_id, acting_user())
    query = request.args.get("q", "")[:100]
    found = svc.registrations_of(event, query)
    # At the door, someone on the waiting list can be found by name too (not checked in:
    # they have no seat).
    waiting = [r for r in found if r.status == S.WAITING] if query else []
    return render_template("events/organiser/check_in.html", event=event, query=query,
                           registrations=[r for r in found if r.status == S.CONFIRMED],
                           waiting=waiting, positions=svc.waiting_positions(event),
                           form=CheckInForm(formdata=None),
                           counts=svc.counts_for([event.id])[event.id], needs=ACCOMMODATIONS)


@org.route("/<int:event_id>/accueil/<int:registration_id>", methods=["POST"])
@roles_required(*svc.MANAGERS)
def toggle_check_in(event_id, registration_id):
    event = svc.get_managed_event(event_id, acting_user())
    present = request.args.get("present") == "1"
    if CheckInForm().validate_on_submit():
        with transaction() as done:
            reg = svc.set_checked_in(acting_user(), event, registration_id, present)
        if done:
            if present:
                flash(_("%(name)s est pointé·e présent·e.", name=reg.name), "success")
            else:
                flash(_("Le pointage de %(name)s est annulé.", name=reg.name), "success")
    return redirect(url_for("organisation.check_in", event_id=event.id,
                            q=request.args.get("q") or None) + f"#inscription-{registration_id}")
