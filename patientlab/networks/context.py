"""The network a request is about: read from the address, given to every link.

Every page that belongs to a network has its slug first in its address
(``/clara/appels/3``). Flask's URL processors (the pattern of its documentation's
« internationalised URLs ») take the slug out before the view runs, keep the network in
``g.network`` and put it back into every ``url_for`` made during the request, so the
features' own views and templates do not pass it around.

A page without a network (the home page, the account, « Mon espace », the national
agenda) links to a network's page by naming it: ``url_for(…, network=slug)``.
"""

from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.headerregistry import Address

from flask import abort, g, has_app_context, has_request_context, redirect, request
from sqlalchemy import select
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import BaseConverter, RequestRedirect, ValidationError

from patientlab.extensions import db
from patientlab.networks.models import Network

#: What a slug looks like: lowercase ASCII letters, digits and hyphens, a letter first.
SLUG_PATTERN = r"[a-z][a-z0-9-]{1,29}"


class NetworkConverter(BaseConverter):
    """``<network:network>``: a slug-shaped segment (checked against the table later)."""

    regex = SLUG_PATTERN


class KnownNetworkConverter(NetworkConverter):
    """``<known_network:network>``, for an address of one segment (a network's home page,
    ``/paca/``): only a network's slug matches, so that the platform's other addresses of
    that shape keep their own answer (``/langue`` is 405 to a GET, ``/evenements/`` from
    before networks leads to the first network's, ``/nulle-part`` is not found)."""

    def to_python(self, value):
        if by_slug(value) is None:
            raise ValidationError()
        return value


def all_networks() -> dict[int, Network]:
    """Every network by id, read once per request (a handful of rows)."""
    found = g.get("_networks")
    if found is None:
        rows = db.session.execute(select(Network).order_by(Network.id)).scalars().all()
        found = g._networks = {row.id: row for row in rows}
    return found


def by_slug(slug: str) -> Network | None:
    for network in all_networks().values():
        if network.slug == slug:
            return network
    return None


def by_id(network_id: int | None) -> Network | None:
    return all_networks().get(network_id) if network_id is not None else None


def slug_of(network_id: int) -> str:
    """The slug of ``network_id``, for links to its pages from elsewhere (a mail, a page
    of the whole platform)."""
    return all_networks()[network_id].slug


def default_network() -> Network | None:
    """The first network made (the one existing data was moved into)."""
    networks = all_networks()
    return networks[min(networks)] if networks else None


def current() -> Network | None:
    """The network of this request's address, None on a page of the whole platform."""
    return g.get("network")


def current_id() -> int | None:
    network = g.get("network")
    return network.id if network is not None else None


def ensure_in_current(network_id: int | Iterable[int] | None) -> None:
    """404 when an object of another network is reached through this network's address:
    a network's page never shows what belongs to another, whatever the id. An object run
    by several networks together (a joint call) gives all of theirs."""
    network = g.get("network")
    if network is None:
        return
    ids = (network_id,) if network_id is None or isinstance(network_id, int) else network_id
    if network.id not in ids:
        abort(404)


def scoped(statement, column):
    """``statement`` limited to the current network (unchanged on a platform page)."""
    network = g.get("network")
    return statement if network is None else statement.where(column == network.id)


def scoped_where(statement, condition):
    """``scoped`` for objects run by several networks: ``condition(network_ids)`` says
    which rows are the networks' (e.g. ``Call.run_by``)."""
    network = g.get("network")
    return statement if network is None else statement.where(condition([network.id]))


def _pull(endpoint, values):
    if values and "network" in values:
        network = by_slug(values.pop("network"))
        if network is None:
            abort(404)
        g.network = network


def _push(endpoint, values):
    if "network" in values:
        return
    from flask import current_app

    if not current_app.url_map.is_endpoint_expecting(endpoint, "network"):
        return
    network = implied_network()
    if network is not None:
        values["network"] = network.slug


def implied_network() -> Network | None:
    """The network meant when none is named: this address's (or the one a job acts for,
    ``within``), else the one whose host name was used, else the first network."""
    return g.get("network") or host_network() or default_network()


def host_network() -> Network | None:
    """The network whose own host name this request came to, if any."""
    host = request.host.split(":", 1)[0].lower() if request else ""
    for network in all_networks().values():
        if network.host and network.host.lower() == host:
            return network
    return None


def _older_address():
    """Addresses made before networks (in mails already sent, in bookmarks) lead to the
    same page in the network all earlier data was moved into (308 keeps the method)."""
    error = request.routing_exception
    if not isinstance(error, NotFound) or isinstance(error, MethodNotAllowed):
        if request.path == "/" and (network := host_network()) is not None:
            return redirect(f"{request.script_root}/{network.slug}/", 302)
        return None
    network = default_network()
    if network is None:
        return None
    from flask import current_app

    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        adapter.match(f"/{network.slug}{request.path}", method=request.method)
    except (NotFound, MethodNotAllowed):
        return None
    except RequestRedirect:  # a slash to add: the address exists under the prefix
        pass
    target = f"{request.script_root}/{network.slug}{request.path}"
    query = request.query_string.decode("latin-1")
    return redirect(f"{target}?{query}" if query else target, 308)


def role_link_values(endpoint: str, user, roles: tuple[str, ...]) -> dict:
    """``url_for`` values for a link, on a page of the whole platform, to a page of a
    network's role (the menu's « Coordination », « Mes soirées », « Mon espace »'s people
    to validate): the network where the person holds one of ``roles``. Without it the
    link leads to the first network, which refuses a PACA coordinator. A role held
    across the platform (admin), or in the first network, keeps the default."""
    from flask import current_app

    if g.get("network") is not None or not current_app.url_map.is_endpoint_expecting(
            endpoint, "network"):
        return {}
    if {row.role for row in user.role_rows} & set(roles):
        return {}
    held = user.network_ids_with(*roles)
    default = default_network()
    if not held or (default is not None and default.id in held):
        return {}
    return {"network": slug_of(min(held))}


def register_blueprint(app, blueprint) -> None:
    """Register a feature's blueprint under ``/<network>`` (its own prefix after it)."""
    prefix = "/<network:network>" + (blueprint.url_prefix or "")
    app.register_blueprint(blueprint, url_prefix=prefix)


def init_app(app) -> None:
    app.url_map.converters["network"] = NetworkConverter
    app.url_map.converters["known_network"] = KnownNetworkConverter
    app.url_value_preprocessor(_pull)
    app.url_defaults(_push)
    app.before_request(_older_address)
    from patientlab.core import fragments, navigation
    from patientlab.core.mail import sender_hook

    with app.app_context():
        sender_hook(mail_sender)
        navigation.register_link_values(role_link_values)
        fragments.register_key_part(links_network)
        navigation.register_in_network(lambda: has_request_context() and "network" in g)


def links_network() -> str:
    """The network links lead to when they do not name one (``_push``): kept parts of
    pages (core.fragments) are kept for each."""
    if not has_request_context():
        return ""
    network = g.get("network") or host_network()
    return network.slug if network is not None else ""


def for_new() -> Network:
    """The network a thing made now belongs to (``implied_network``: commands and jobs
    outside any address make it in the first network)."""
    network = implied_network()
    if network is None:
        raise LookupError("no network exists yet: run the migrations")
    return network


@contextmanager
def within(network: Network | int | None):
    """Act for ``network`` outside its addresses (a job, a command): links and mail are
    its own until the block ends. ``None`` leaves the current network as it is."""
    if network is None:
        yield
        return
    if isinstance(network, int):
        network = all_networks()[network]
    previous = g.get("network")
    g.network = network
    try:
        yield
    finally:
        if previous is None:
            g.pop("network", None)
        else:
            g.network = previous


@dataclass(frozen=True)
class Signer:
    name: str
    short_name: str
    email: str


def mail_sender():
    """The current network's name and address on its mail, when it has set them."""
    if not has_app_context():
        return None
    network = g.get("network")
    if network is None or not network.mail_sender_address:
        return None
    try:  # the mail library writes it into the header, encoded as needed
        sender = str(Address(display_name=network.mail_sender_name or network.name,
                             addr_spec=network.mail_sender_address))
    except (ValueError, IndexError, HeaderParseError):  # an address it cannot use
        return None
    return sender, Signer(network.signature or network.name, network.short_name,
                          network.contact_email or network.mail_sender_address)


# --- Pages of the whole platform: items of several networks together ---------------------


def where_held(user, roles) -> set[int] | None:
    """The networks whose items ``user`` works on with ``roles``: this address's network;
    on a page of the whole platform (« Mon espace »), those where they hold one of
    ``roles`` — None for all, when they hold one across the platform (administration)."""
    network = g.get("network") if has_request_context() else None
    if network is not None:
        return {network.id}
    if {row.role for row in user.role_rows} & set(roles):
        return None
    return {row.network_id for row in user.network_role_rows if row.role in roles}


def held(statement, column, user, roles):
    """``statement`` limited to the networks where ``user`` works with ``roles``
    (``where_held``): one condition on the indexed network column."""
    ids = where_held(user, roles)
    return statement if ids is None else statement.where(column.in_(sorted(ids)))


def held_where(statement, condition, user, roles):
    """``held`` for objects run by several networks (``condition`` as in ``scoped_where``)."""
    ids = where_held(user, roles)
    return statement if ids is None else statement.where(condition(sorted(ids)))


def link(network_id: int) -> dict:
    """``url_for`` arguments for a link to an item of ``network_id`` from anywhere."""
    return {"network": slug_of(network_id)}


def label(network_id: int) -> tuple[str, ...]:
    """The network's short name, to show beside an item on a page of the whole platform
    (nothing on a network's own page, whose items are all its own)."""
    if has_request_context() and g.get("network") is not None:
        return ()
    return (all_networks()[network_id].short_name,)
