"""The door on the night, on a phone: find people by name, check them in one by one
(or a whole group), see what each person needs, and let in walk-ins while seats are free."""

from flask import redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from patientlab.core.locking import start_write_transaction
from patientlab.core.security import acting_user, roles_required
from patientlab.core.transaction import attempt
from patientlab.events.forms import CheckInForm, WalkInForm
from patientlab.events.models import ACCOMMODATIONS
from patientlab.events.models import RegistrationStatus as S
from patientlab.events.services import access, door, organiser_registrations, seating
from patientlab.events.services import figures as evening_figures

from .organiser import org

# What the last action did, said inside the card it concerns (where the person is
# looking on a phone), not in a message at the top of the page.
SAID = "check_in_said"


def _check_in_page(event, walk_in_form=None, status=200):
    query = request.args.get("q", "")[:100]
    found = organiser_registrations.registrations_of(event, query)
    figures = evening_figures.figures_of(event)
    # At the door, someone on the waiting list can be found by name too (not checked in:
    # they have no seat).
    waiting = [r for r in found if r.status == S.WAITING] if query else []
    said = session.pop(SAID, None)
    return render_template(
        "events/organiser/check_in.html", event=event, query=query,
        registrations=[r for r in found if r.status == S.CONFIRMED], waiting=waiting,
        positions=seating.waiting_positions(event), form=CheckInForm(formdata=None),
        walk_in_form=walk_in_form or WalkInForm(formdata=None, prefix="walk_in"),
        figures=figures, needs=ACCOMMODATIONS,
        said=said, everyone=door.EVERYONE), status


@org.route("/<int:event_id>/accueil")
@roles_required(*access.MANAGERS)
def check_in(event_id):
    return _check_in_page(access.get_managed_event(event_id, acting_user()))


def _person():
    value = request.args.get("personne", "")
    if value == door.EVERYONE:
        return door.EVERYONE
    return int(value) if value.isdigit() else None


@org.route("/<int:event_id>/accueil/<int:registration_id>", methods=["POST"])
@roles_required(*access.MANAGERS)
def arrived(event_id, registration_id):
    """One person of a registration arrives (``?personne=``: a companion, or the whole
    group), said in their card."""
    return _check_in(event_id, registration_id, present=True)


@org.route("/<int:event_id>/accueil/<int:registration_id>/annuler", methods=["POST"])
@roles_required(*access.MANAGERS)
def undo_arrival(event_id, registration_id):
    """A check-in made by mistake is undone, person by person as it was made."""
    return _check_in(event_id, registration_id, present=False)


def _check_in(event_id, registration_id, *, present: bool):
    event = access.get_managed_event(event_id, acting_user())
    if CheckInForm().validate_on_submit():
        with attempt() as done:
            who = door.set_checked_in(acting_user(), event, registration_id, present, _person())
        if done:
            session[SAID] = (registration_id, _("Arrivée pointée : %(name)s.", name=who)
                             if present else _("Pointage annulé : %(name)s.", name=who))
    return redirect(url_for("organisation.check_in", event_id=event.id,
                            q=request.args.get("q") or None) + f"#inscription-{registration_id}")


@org.route("/<int:event_id>/accueil/sans-inscription", methods=["POST"])
@roles_required(*access.MANAGERS)
def walk_in(event_id):
    event = access.get_managed_event(event_id, acting_user())
    form = WalkInForm(prefix="walk_in")
    if form.validate_on_submit():
        start_write_transaction()
        with attempt(form) as done:
            registration = door.add_walk_in(acting_user(), event, form.name.data or "",
                                            form.seats.data)
        if done:
            session[SAID] = (registration.id, _("Entrée sans inscription enregistrée : %(name)s.",
                                                name=registration.display_name))
            return redirect(url_for("organisation.check_in", event_id=event.id)
                            + f"#inscription-{registration.id}")
    return _check_in_page(event, walk_in_form=form)
