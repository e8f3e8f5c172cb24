"""The organiser's pages for one registration: see it, change its seats, move it to
another evening, write a note, resend its link, cancel it — and register someone who
called, with a confirmation to print for people without e-mail."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from patientlab.core.days import PARIS
from patientlab.core.locking import start_write_transaction
from patientlab.core.models import utcnow
from patientlab.core.security import acting_user, roles_required
from patientlab.core.transaction import attempt
from patientlab.events.forms import (
    CalledForm,
    MoveForm,
    NoteForm,
    OrganiserCancelForm,
    PhoneRegistrationForm,
    ResendLinkForm,
    SeatsForm,
)
from patientlab.events.models import ACCOMMODATIONS
from patientlab.events.models import RegistrationSource as Source
from patientlab.events.models import RegistrationStatus as S
from patientlab.events.services import access, mails, organiser_registrations, seating
from patientlab.events.services import figures as evening_figures
from patientlab.events.services import registration as registering

from .organiser import org
from .public import registration_data


def _move_form(event, registration, form=None):
    form = form or MoveForm(formdata=None, prefix="move")
    form.target.choices = [(0, _("Choisissez une soirée"))] + [
        (e.id, f"{e.title} — {e.starts_at.astimezone(PARIS):%d/%m/%Y %H:%M}")
        for e in organiser_registrations.same_theme_evenings(event, acting_user())]
    return form


def _registration_page(event, registration, status=200, **forms):
    forms.setdefault("seats_form", SeatsForm(formdata=None, prefix="seats",
                                             seats=registration.seats))
    forms.setdefault("cancel_form", OrganiserCancelForm(formdata=None, prefix="cancel"))
    forms.setdefault("note_form", NoteForm(formdata=None, prefix="note",
                                           note=registration.note))
    forms["move_form"] = _move_form(event, registration, forms.get("move_form"))
    return render_template(
        "events/organiser/registration.html", event=event, registration=registration,
        resend_form=ResendLinkForm(formdata=None, prefix="resend"),
        called_form=CalledForm(formdata=None, prefix="called"), call_about=mails.CALL_ABOUT,
        needs=ACCOMMODATIONS, position=seating.waiting_position(registration), S=S,
        SOURCES=Source.LABELS, now=utcnow(), **forms), status


def _managed_registration(event_id, registration_id):
    """The evening the acting organiser runs, and one of its registrations (403 / 404)."""
    event = access.get_managed_event(event_id, acting_user())
    return event, access.get_registration_of(event, registration_id)


def _back(event, registration_id, anchor=""):
    return redirect(url_for("organisation.registration_detail", event_id=event.id,
                            registration_id=registration_id) + anchor)


@org.route("/<int:event_id>/inscriptions/<int:registration_id>")
@roles_required(*access.MANAGERS)
def registration_detail(event_id, registration_id):
    return _registration_page(*_managed_registration(event_id, registration_id))


@org.route("/<int:event_id>/inscriptions/<int:registration_id>/places", methods=["POST"])
@roles_required(*access.MANAGERS)
def change_seats(event_id, registration_id):
    event, registration = _managed_registration(event_id, registration_id)
    form = SeatsForm(prefix="seats")
    if form.validate_on_submit():
        start_write_transaction()
        with attempt(form) as done:
            organiser_registrations.change_seats(acting_user(), event, registration_id,
                                                 form.seats.data)
        if done:
            flash(_("Le nombre de places est changé. La personne est prévenue."), "success")
            return _back(event, registration_id)
    return _registration_page(event, registration, seats_form=form)


@org.route("/<int:event_id>/inscriptions/<int:registration_id>/deplacer", methods=["POST"])
@roles_required(*access.MANAGERS)
def move(event_id, registration_id):
    event, registration = _managed_registration(event_id, registration_id)
    form = _move_form(event, registration, MoveForm(prefix="move"))
    if form.validate_on_submit():
        start_write_transaction()
        with attempt(form) as done:
            moved = organiser_registrations.move_registration(
                acting_user(), event, registration_id, form.target.data)
        if done:
            flash(_("L’inscription est déplacée vers « %(title)s ». La personne est prévenue.",
                    title=moved.event.title), "success")
            return redirect(url_for("organisation.registration_detail",
                                    event_id=moved.event_id, registration_id=moved.id))
    return _registration_page(event, registration, move_form=form)


@org.route("/<int:event_id>/inscriptions/<int:registration_id>/note", methods=["POST"])
@roles_required(*access.MANAGERS)
def note(event_id, registration_id):
    event, registration = _managed_registration(event_id, registration_id)
    form = NoteForm(prefix="note")
    if form.validate_on_submit():
        with attempt(form) as done:
            organiser_registrations.save_note(acting_user(), event, registration_id,
                                              form.note.data or "")
        if done:
            flash(_("La note est enregistrée."), "success")
            return _back(event, registration_id, "#note")
    return _registration_page(event, registration, note_form=form)


@org.route("/<int:event_id>/inscriptions/<int:registration_id>/prevenue", methods=["POST"])
@roles_required(*access.MANAGERS)
def called(event_id, registration_id):
    event, registration = _managed_registration(event_id, registration_id)
    if CalledForm(prefix="called").validate_on_submit():
        with attempt() as done:
            organiser_registrations.mark_called(acting_user(), event, registration_id)
        if done:
            flash(_("C’est noté : l’appel à %(name)s est fait.", name=registration.display_name),
                  "success")
    return redirect(url_for("organisation.dashboard", event_id=event.id) + "#a-prevenir")


@org.route("/<int:event_id>/inscriptions/<int:registration_id>/lien", methods=["POST"])
@roles_required(*access.MANAGERS)
def resend_registration_link(event_id, registration_id):
    event, registration = _managed_registration(event_id, registration_id)
    if registration.email and ResendLinkForm(prefix="resend").validate_on_submit():
        with attempt() as done:
            registering.resend_link(registration)
        if done:
            flash(_("Le lien est renvoyé à %(email)s.", email=registration.email), "success")
    return _back(event, registration_id)


@org.route("/<int:event_id>/inscriptions/<int:registration_id>/annuler", methods=["POST"])
@roles_required(*access.MANAGERS)
def cancel_one(event_id, registration_id):
    event, registration = _managed_registration(event_id, registration_id)
    form = OrganiserCancelForm(prefix="cancel")
    if form.validate_on_submit():
        start_write_transaction()
        with attempt(form) as done:
            registering.cancel_registration(registration_id, actor=acting_user())
        if done:
            flash(_("L’inscription est annulée. La personne est prévenue."), "success")
            return redirect(url_for("organisation.dashboard", event_id=event.id))
    return _registration_page(event, registration, cancel_form=form)


@org.route("/<int:event_id>/inscriptions/<int:registration_id>/confirmation")
@roles_required(*access.MANAGERS)
def printed_confirmation(event_id, registration_id):
    """A confirmation to print and post, or to read out, for someone without e-mail."""
    event, registration = _managed_registration(event_id, registration_id)
    return render_template("events/organiser/confirmation.html", event=event,
                           registration=registration, S=S,
                           position=seating.waiting_position(registration))


@org.route("/<int:event_id>/inscrire", methods=["GET", "POST"])
@roles_required(*access.MANAGERS)
def register_by_phone(event_id):
    event = access.get_managed_event(event_id, acting_user())
    form = PhoneRegistrationForm().offer_needs(event.format)
    if form.validate_on_submit():
        start_write_transaction()
        with attempt(form) as done:
            registration = registering.register_by_phone(acting_user(), event,
                                                         registration_data(form))
        if done:
            flash(_("Inscription enregistrée pour %(name)s : %(status)s.",
                    name=registration.display_name, status=S.LABELS[registration.status]),
                  "success")
            return _back(event, registration.id)
    return render_template("events/organiser/register.html", event=event, form=form,
                           figures=evening_figures.figures_of(event))
