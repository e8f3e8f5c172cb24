"""The organiser's pages of an evening: the list, preparing and publishing it, its
registrations at a glance, the message to registrants, the lists to print or download,
and the record of the evening once held (attendance, replay, satisfaction)."""

from datetime import UTC, datetime, time

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from patientlab.core.days import PARIS
from patientlab.core.locking import start_write_transaction
from patientlab.core.models import utcnow
from patientlab.core.sanitize import editable
from patientlab.core.security import acting_user, roles_required
from patientlab.core.spreadsheet import csv_for_excel
from patientlab.core.transaction import attempt
from patientlab.events.forms import (
    CalledForm,
    CancelEventForm,
    EventForm,
    HeldForm,
    MessageForm,
    PublicationForm,
)
from patientlab.events.models import ACCOMMODATIONS, SATISFACTION_SCORES
from patientlab.events.models import RegistrationSource as Source
from patientlab.events.models import RegistrationStatus as S
from patientlab.events.services import (
    access,
    after_evening,
    door,
    mails,
    organiser,
    seating,
)
from patientlab.events.services import figures as evening_figures
from patientlab.events.services.organiser_registrations import (
    calls_due,
    needs_summary,
    registrations_of,
)

org = Blueprint("organisation", __name__, url_prefix="/organisation/evenements")


@org.route("/")
@roles_required(*access.MANAGERS)
def events():
    groups = organiser.managed_evenings(acting_user())
    return render_template("events/organiser/index.html", groups=groups,
                           figures=evening_figures.figures_for(
                               [e for g in groups.values() for e in g]))


def _local(day, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=PARIS)


def _event_data(form) -> organiser.EventData:
    starts = _local(form.date.data, form.start_time.data).astimezone(UTC)
    ends = _local(form.date.data, form.end_time.data).astimezone(UTC)
    opens = (_local(form.opens_on.data, time(0, 0)).astimezone(UTC)
             if form.opens_on.data else None)
    closes = (_local(form.closes_on.data, time(23, 59)).astimezone(UTC)
              if form.closes_on.data else None)
    return organiser.EventData(
        title=form.title.data, theme=form.theme.data, description=form.description.data or "",
        speakers=form.speakers.data or "", programme=form.programme.data or "",
        starts_at=starts, ends_at=ends, format=form.format.data,
        venue_name=form.venue_name.data or "", address=form.address.data or "",
        town=form.town.data or "", postcode=form.postcode.data or "",
        online_info=form.online_info.data or "", step_free=form.step_free.data,
        hearing_loop=form.hearing_loop.data, sign_language=form.sign_language.data,
        live_captions=form.live_captions.data, quiet_room=form.quiet_room.data,
        transport=form.transport.data or "", capacity=form.capacity.data,
        registration_opens_at=opens, registration_closes_at=closes,
        join_url=form.join_url.data or "", dial_in=form.dial_in.data or "",
        replay_url=form.replay_url.data or "")


def _fill(form, event) -> None:
    local_start = event.starts_at.astimezone(PARIS)
    form.date.data = local_start.date()
    form.start_time.data = local_start.time()
    form.end_time.data = event.ends_at.astimezone(PARIS).time()
    form.description.data = editable(event.description)
    form.opens_on.data = (event.registration_opens_at.astimezone(PARIS).date()
                          if event.registration_opens_at else None)
    form.closes_on.data = (event.registration_closes_at.astimezone(PARIS).date()
                           if event.registration_closes_at else None)


def _save(form, event):
    if form.validate_on_submit():
        if event is not None:
            start_write_transaction()
            event = access.get_event_or_404(event.id)
        with attempt(form) as done:
            saved, told = organiser.save_event(acting_user(), event, _event_data(form))
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
@roles_required(*access.MANAGERS)
def new():
    return _save(EventForm(), None)


@org.route("/<int:event_id>/modifier", methods=["GET", "POST"])
@roles_required(*access.MANAGERS)
def edit(event_id):
    event = access.get_managed_event(event_id, acting_user())
    form = EventForm() if request.method == "POST" else EventForm(obj=event)
    if request.method == "GET":
        _fill(form, event)
    return _save(form, event)


@org.route("/<int:event_id>/annuler", methods=["POST"])
@roles_required(*access.MANAGERS)
def cancel(event_id):
    event = access.get_managed_event(event_id, acting_user())
    form = CancelEventForm()
    if form.validate_on_submit():
        with attempt() as done:
            told = organiser.cancel_event(acting_user(), event, form.reason.data)
        if done:
            flash(ngettext("La soirée est annulée. %(num)d personne inscrite est prévenue.",
                           "La soirée est annulée. %(num)d personnes inscrites sont "
                           "prévenues.", told), "success")
            return redirect(url_for("organisation.dashboard", event_id=event.id))
    else:
        flash(_("Expliquez en une phrase pourquoi la soirée est annulée."), "error")
    return redirect(url_for("organisation.edit", event_id=event.id) + "#annuler")


@org.route("/<int:event_id>")
@roles_required(*access.MANAGERS)
def dashboard(event_id):
    event = access.get_managed_event(event_id, acting_user())
    query = request.args.get("q", "")[:100]
    figures = evening_figures.figures_of(event)
    now = utcnow()
    after = _satisfaction(event) if event.starts_at <= now else {}
    return render_template("events/organiser/dashboard.html", event=event, query=query,
                           registrations=registrations_of(event, query), figures=figures,
                           arrivals=door.door_open(event, figures, now),
                           **after,
                           needs_summary=needs_summary(event), needs=ACCOMMODATIONS,
                           positions=seating.waiting_positions(event), S=S,
                           publication_form=PublicationForm(formdata=None),
                           calls=calls_due(event), called_form=CalledForm(formdata=None),
                           call_about=mails.CALL_ABOUT, now=now)


@org.route("/<int:event_id>/publier", methods=["POST"])
@roles_required(*access.MANAGERS)
def publish(event_id):
    event = access.get_managed_event(event_id, acting_user())
    if PublicationForm().validate_on_submit():
        with attempt() as done:
            organiser.publish_event(acting_user(), event)
        if done:
            flash(_("La soirée est publiée : elle est visible de tous et les inscriptions "
                    "sont ouvertes."), "success")
    return redirect(url_for("organisation.dashboard", event_id=event.id))


@org.route("/<int:event_id>/brouillon", methods=["POST"])
@roles_required(*access.MANAGERS)
def unpublish(event_id):
    event = access.get_managed_event(event_id, acting_user())
    if PublicationForm().validate_on_submit():
        with attempt() as done:
            organiser.unpublish_event(acting_user(), event)
        if done:
            flash(_("La soirée est redevenue un brouillon."), "success")
    return redirect(url_for("organisation.dashboard", event_id=event.id))


@org.route("/<int:event_id>/message", methods=["GET", "POST"])
@roles_required(*access.MANAGERS)
def message(event_id):
    event = access.get_managed_event(event_id, acting_user())
    form = MessageForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            sent = organiser.message_registrants(acting_user(), event, form.subject.data,
                                                 form.body.data, form.audiences.data)
        if done:
            flash(ngettext("Le message est envoyé à %(num)d personne.",
                           "Le message est envoyé à %(num)d personnes.", sent), "success")
            return redirect(url_for("organisation.dashboard", event_id=event.id))
    return render_template("events/organiser/message.html", event=event, form=form,
                           figures=evening_figures.figures_of(event))


@org.route("/<int:event_id>/inscrits.csv")
@roles_required(*access.MANAGERS)
def export(event_id):
    event = access.get_managed_event(event_id, acting_user())
    return Response(csv_for_excel(_export_rows(event)), mimetype="text/csv",
                    headers={"Content-Disposition":
                             f'attachment; filename="inscrits-{event.id}.csv"',
                             "Cache-Control": "no-store"})


def _export_rows(event) -> list[list]:
    """The registrations, one a line, then the evening's figures under the list, with
    the words of the pages."""
    rows = [[_("Nom"), _("E-mail"), _("Téléphone"), _("Personnes"), _("État"),
             _("Inscription"), _("Inscrit le"), _("Personnes arrivées"), _("Personnes avec"),
             _("Besoins"), _("Note")]]
    positions = seating.waiting_positions(event)
    for reg in registrations_of(event):
        status = str(S.LABELS[reg.status])
        if reg.id in positions:
            status += ", " + _("position %(num)s", num=positions[reg.id])
        rows.append([reg.display_name, reg.email or "", reg.phone, reg.seats, status,
                     str(Source.LABELS.get(reg.source, "")),
                     reg.created_at.astimezone(PARIS).strftime("%d/%m/%Y %H:%M"),
                     reg.present, " ; ".join(c.name for c in reg.companions if c.name),
                     " ; ".join(reg.group_need_labels), reg.note])
    rows.append([])
    rows.extend([label, value] for label, value in figure_rows(evening_figures.figures_of(event)))
    return rows


@org.route("/<int:event_id>/feuille-de-presence")
@roles_required(*access.MANAGERS)
def attendance_sheet(event_id):
    event = access.get_managed_event(event_id, acting_user())
    confirmed = [r for r in registrations_of(event) if r.status == S.CONFIRMED]
    return render_template("events/organiser/sheet.html", event=event,
                           registrations=[r for r in confirmed if not r.is_walk_in],
                           walk_ins=[r for r in confirmed if r.is_walk_in],
                           figures=evening_figures.figures_of(event), needs=ACCOMMODATIONS)


def figure_rows(figures: evening_figures.Figures) -> list[tuple[str, int]]:
    """The evening's figures as (label, value), in the words of the pages' figures
    (templates/events/organiser/_figures.html), for the CSV file."""
    return [(_("Personnes inscrites confirmées"), figures.registered),
            (_("Inscriptions confirmées"), figures.registrations),
            (_("Personnes inscrites arrivées"), figures.arrived),
            (_("Entrées sans inscription"), figures.walk_ins),
            (_("Personnes dans la salle"), figures.in_the_room),
            (_("Places libres"), figures.left),
            (_("Capacité"), figures.capacity),
            (_("Personnes sur liste d’attente"), figures.waiting),
            (_("Inscriptions sur liste d’attente"), figures.waiting_registrations),
            (_("Personnes des inscriptions annulées"), figures.cancelled)]


def _satisfaction(event) -> dict:
    """Satisfaction of an evening, for templates/events/organiser/_figures."""
    satisfaction = after_evening.satisfaction_of(event)
    return {"satisfaction": satisfaction,
            "minimum": after_evening.SATISFACTION_MIN_SHOWN,
            "score_rows": [(str(label), satisfaction.counts[score])
                           for score, label in SATISFACTION_SCORES.items()]}


def _record_page(event, form, status=200):
    return render_template("events/organiser/record.html", event=event, form=form,
                           figures=evening_figures.figures_of(event), now=utcnow(),
                           **_satisfaction(event)), status


@org.route("/<int:event_id>/bilan", methods=["GET", "POST"])
@roles_required(*access.MANAGERS)
def record(event_id):
    """After the evening: held, who came, the replay for registrants, what they thought."""
    event = access.get_managed_event(event_id, acting_user())
    form = HeldForm() if request.method == "POST" else HeldForm(replay_url=event.replay_url)
    if form.validate_on_submit():
        with attempt(form) as done:
            sent = after_evening.record_evening(acting_user(), event, form.replay_url.data or "",
                                                form.send_replay.data)
        if done:
            flash(_("Le bilan de la soirée est enregistré.") + (" " + ngettext(
                "Le lien est envoyé à %(num)d personne.", "Le lien est envoyé à %(num)d "
                "personnes.", sent) if sent else ""), "success")
            return redirect(url_for("organisation.record", event_id=event.id))
    return _record_page(event, form)
