"""The main menu, built from what each feature registers in its ``init_app``.

The layout knows no feature: it lists ``menu(user)``. An entry names its endpoint, its
label, who sees it (a group of roles from core.permissions, or everyone) and, if it
has one, a count shown beside the label (the moderation queue).
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, url_for

from patientlab.core.permissions import has_any
from patientlab.core.registries import registry
from patientlab.core.urls import link_root

PUBLIC = "public"  # everyone, before the personal entries
PERSONAL = "personal"  # logged-in people, after the public entries


@dataclass(frozen=True)
class MenuEntry:
    order: int
    endpoint: str
    label: object  # a lazy string
    section: str = PUBLIC
    roles: tuple[str, ...] | None = None  # None: everyone in the section
    count: Callable[[], int] | None = None
    # Shown on a network's pages only (its own list, where the whole platform has another).
    network_only: bool = False

    def visible_to(self, user) -> bool:
        if self.section == PERSONAL and not (user and user.is_authenticated):
            return False
        return self.roles is None or has_any(user, self.roles)


@dataclass(frozen=True)
class MenuLink:
    href: str
    label: str


def _entries() -> dict[str, MenuEntry]:
    """This application's registry (core.registries)."""
    return registry("patientlab.navigation.entries")


def register(entry: MenuEntry) -> None:
    """Add (or replace) an entry; called from a feature's init_app."""
    _entries()[entry.endpoint] = entry
    _VISITOR_HREFS.clear()


def _places() -> dict[str, str]:
    """Name → endpoint of the pages lower layers link to (core.registries)."""
    return registry("patientlab.navigation.places")


def register_places(**endpoints: str) -> None:
    """Pages that templates of any package may link to by name (« home », « login »,
    « coordination »…), so that a lower layer's template (the layout, an account page)
    or a sibling's names no endpoint of a package it must not know. Called from the
    owning package's init_app."""
    _places().update(endpoints)


def place_url(name: str, **values) -> str:
    """The address of the page registered as ``name``, or "" when no package registered
    it (the link is then left out)."""
    endpoint = _places().get(name)
    return url_for(endpoint, **values) if endpoint else ""


def register_link_values(values: Callable[[str, object, tuple[str, ...]], dict]) -> None:
    """``values(endpoint, user, roles)``: what to add to ``url_for`` for a personal entry
    (the networks give the network where the person holds the entry's roles, on a page
    of the whole platform). Called once, from the owning package's init_app."""
    registry("patientlab.navigation.link_values", list)[:] = [values]


def _link_values(entry: MenuEntry, user) -> dict:
    hooks = registry("patientlab.navigation.link_values", list)
    if not hooks or entry.roles is None or not (user and user.is_authenticated):
        return {}
    return hooks[0](entry.endpoint, user, entry.roles)


def register_in_network(test: Callable[[], bool]) -> None:
    """``test()``: whether this page belongs to one network (entries ``network_only`` are
    left out elsewhere). Called once, from the owning package's init_app."""
    registry("patientlab.navigation.in_network", list)[:] = [test]


def _in_network() -> bool:
    tests = registry("patientlab.navigation.in_network", list)
    return bool(tests) and tests[0]()


def menu(user, section: str) -> list[MenuLink]:
    links = []
    in_network = None
    for entry in sorted(_entries().values(), key=lambda e: (e.order, e.endpoint)):
        if entry.section != section or not entry.visible_to(user):
            continue
        if entry.network_only:
            in_network = _in_network() if in_network is None else in_network
            if not in_network:
                continue
        label = str(entry.label)
        count = entry.count() if entry.count else 0
        if count:
            label = f"{label} ({count})"
        links.append(MenuLink(url_for(entry.endpoint, **_link_values(entry, user)), label))
    return links


def visitor_menu_key(current_path: str, extra_endpoints: tuple[str, ...]) -> str | None:
    """What a visitor's menu depends on, to keep it made once per language
    (core.fragments): the path when it is one of the menu's links (marked as the current
    page), else "". None when an entry a visitor sees has a count (never kept)."""
    hrefs = _visitor_hrefs(extra_endpoints)
    if hrefs is None:
        return None
    return current_path if current_path in hrefs else ""


_VISITOR_HREFS: dict[tuple, frozenset[str] | None] = {}
#: Applications × roots × entry lists: a handful in practice; never more than this.
MAX_VISITOR_HREFS = 64


def _visitor_hrefs(extra_endpoints: tuple[str, ...]) -> frozenset[str] | None:
    """The addresses of a visitor's menu, found once per application, root and entries
    (they are registered when the application starts). The root comes from
    configuration (core.urls.ApplicationRoot); the list is bounded all the same."""
    from patientlab.core.fragments import key_parts

    # The entries' links depend on the network the page is about (core.fragments).
    key = (id(current_app._get_current_object()), link_root(), extra_endpoints,
           *(part() for part in key_parts()))
    if key not in _VISITOR_HREFS:
        if len(_VISITOR_HREFS) >= MAX_VISITOR_HREFS:
            _VISITOR_HREFS.clear()
        entries = [e for e in _entries().values() if e.section == PUBLIC and e.visible_to(None)]
        _VISITOR_HREFS[key] = None if any(entry.count for entry in entries) else frozenset(
            url_for(endpoint) for endpoint in (*(e.endpoint for e in entries),
                                               *extra_endpoints))
    return _VISITOR_HREFS[key]
