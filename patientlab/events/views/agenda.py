"""The national agenda (``/agenda``): a page of the whole platform, without a network in
its address, that lists every network's evenings to come; and its calendar feed."""

from flask import Blueprint, Response, render_template, request

from patientlab.core.pagination import page_number
from patientlab.events.models import EVENT_THEMES, EventFormat
from patientlab.events.services import agenda, ics, listing
from patientlab.networks import context

bp = Blueprint("agenda", __name__)


@bp.route("/agenda")
def index():
    towns = agenda.towns()
    filters = agenda.read_filters(request.args, towns)
    results = agenda.agenda_page(filters, page_number(request.args.get("page")))
    return render_template("events/agenda.html", results=results, filters=filters,
                           page_args=filters.query(), networks=context.all_networks(),
                           regions=agenda.regions(), towns=towns, themes=EVENT_THEMES,
                           formats=EventFormat.LABELS,
                           counts=listing.counts_for([e.id for e in results.items]))


@bp.route("/agenda.ics")
def feed():
    """The agenda's evenings as a calendar to subscribe to (``?ville=Marseille``)."""
    filters = agenda.read_filters(request.args, None)
    return Response(ics.calendar_for(agenda.agenda_events(filters)), mimetype="text/calendar")
