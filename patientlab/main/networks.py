"""The networks' own pages: the list of networks (``/reseaux``), each network's home
page (``/paca/``: what it runs, its contacts, who is responsible for the data) and its
privacy and legal notices. The home page composes the features' public lists, limited to
the network, as the platform's home page composes them for all networks."""

from dataclasses import dataclass

from flask import render_template, url_for
from flask_babel import lazy_gettext as _l

from patientlab.calls import services as calls
from patientlab.core import highlights
from patientlab.events.services import listing as evenings
from patientlab.networks import context
from patientlab.projects import services as projects

from .routes import bp

#: How many evenings, calls and projects a network's home page shows of each.
SHOWN = 3


@dataclass(frozen=True)
class Section:
    key: str  # the id of the section's heading
    title: object
    items: list[highlights.Item]
    more_href: str
    more_label: object
    empty: object


def _sections(network) -> list[Section]:
    return [
        Section("prochaines-soirees", _l("Ses prochaines soirées « Parle-Moi »"),
                evenings.coming_highlights(SHOWN, network_id=network.id),
                url_for("events.index"), _l("Toutes ses soirées"),
                _l("Aucune soirée n’est annoncée pour le moment.")),
        Section("appels-ouverts", _l("Ses appels « Expérience patient » en cours"),
                calls.current_highlights(SHOWN, network_id=network.id),
                url_for("calls.index"), _l("Tous ses appels"),
                _l("Aucun appel n’est ouvert en ce moment.")),
        Section("derniers-projets", _l("Ses derniers projets expliqués simplement"),
                projects.latest_highlights(SHOWN, network_id=network.id),
                url_for("projects.index"), _l("Tous ses projets"),
                _l("Aucun projet n’est encore publié.")),
    ]


@bp.route("/reseaux")
def networks():
    return render_template("main/networks.html", networks=context.all_networks().values())


# Without its slash too: werkzeug would otherwise add it to any one-segment address
# (``/nulle-part``, ``/langue``) before the converter says it is no network's.
@bp.route("/<known_network:network>/", strict_slashes=False)
def network_home():
    network = context.current()
    return render_template("main/network.html", network=network, sections=_sections(network))


def _notice(kind: str):
    network = context.current()
    if kind == "privacy":
        text = network.privacy_notice
        heading = _l("Données personnelles : %(network)s", network=network.name)
    else:
        text = network.legal_notice
        heading = _l("Mentions légales : %(network)s", network=network.name)
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return render_template("main/network_notice.html", network=network, heading=heading,
                           paragraphs=paragraphs)


@bp.route("/<network:network>/confidentialite")
def network_privacy():
    return _notice("privacy")


@bp.route("/<network:network>/mentions-legales")
def network_legal():
    return _notice("legal")
