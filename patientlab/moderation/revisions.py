"""Changes to published text: the published version stays public while the change waits.

A text already public (results, an answer, a project's lay summary) that its author
changes is not taken off the site: the new values wait beside it in a ``Revision`` until
a moderator approves them (copied onto the text) or refuses them (the published version
stays, the author is told why). Saving the same text again changes nothing. The author
may edit their waiting change as often as they like; the moderator decides on the version
they read. Wikis and Decidim work the same way.

Each feature registers what may be revised (``register``): its model, the fields a
revision holds, how to show them to a moderator and how to apply them. Moderated kinds
(``services.Kind``) go through ``submit_change``, which also handles texts not public
yet (edited in place, as before); other texts (a project's lay summary, which has its own
publication workflow) call ``propose`` once public.
"""

import difflib
import hashlib
import hmac
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import abort, current_app, has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, func, or_, select

from patientlab.auth.models import User
from patientlab.core import audit
from patientlab.core.errors import ServiceError
from patientlab.core.mail import notify
from patientlab.core.models import utcnow
from patientlab.core.permissions import MODERATION
from patientlab.core.registries import registry
from patientlab.core.sanitize import plain_text
from patientlab.extensions import db
from patientlab.networks import context

from .models import REFUSAL_REASONS, Revision

# What ``propose`` and ``submit_change`` did, for the page to say it.
UNCHANGED = "unchanged"  # same text as before: nothing happened
PENDING = "pending"  # the change waits for a moderator; the published version stays
WITHDRAWN = "withdrawn"  # back to the published text: the waiting change is dropped
APPLIED = "applied"  # written onto the text at once (not public yet, or trusted author)


@dataclass(frozen=True)
class Revisable:
    """A text that may change after publication.

    ``show(values)`` gives what a moderator compares, as (label, plain text) pairs, from a
    dict of the fields' values; two versions that show the same are the same text.
    ``apply(item, values)`` writes approved values onto the item (setattr by default);
    ``on_approved(item)`` runs after (search index, project page cache…); ``read(item)``
    gives the item's values in that shape when it is not simply its fields.
    """

    name: str
    label: object
    model: type
    fields: tuple[str, ...]
    show: Callable[[dict], list[tuple[Any, str]]]
    url: Callable[[Any], str]
    describe: Callable[[Any], str]
    apply: Callable[[Any, dict], None] | None = None
    on_approved: Callable[[Any], None] | None = None
    # The item's current values in the revision's shape (its fields by default).
    read: Callable[[Any], dict] | None = None
    # The item's network, and the SQL conditions keeping one network's rows
    # (services.Kind says the same); None for text of the whole platform.
    network_of: Callable[[Any], int | None] | None = None
    in_network: Callable[[int], list] | None = None

    def values_of(self, item) -> dict:
        if self.read is not None:
            return self.read(item)
        return {name: getattr(item, name) for name in self.fields}

    def write(self, item, values: dict) -> None:
        """Write ``values`` (all the fields, or only those a revision changed) onto the
        item: the fields not in ``values`` keep their current value."""
        full = {**self.values_of(item), **values}
        if self.apply is not None:
            self.apply(item, full)
        else:
            for name in self.fields:
                setattr(item, name, full[name])

    def same(self, one: dict, other: dict) -> bool:
        return _shown(self.show(one)) == _shown(self.show(other))

    def changed_fields(self, published: dict, values: dict) -> dict:
        """The fields of ``values`` that differ from ``published`` as a reader sees them."""
        shown = _shown(self.show(published))
        return {name: values[name] for name in self.fields
                if name in values and values[name] != published.get(name)
                and _shown(self.show({**published, name: values[name]})) != shown}

    def with_change(self, item, revision_values: dict) -> dict:
        """The text as it would read with a waiting change: the published values, the
        fields it changes replaced."""
        return {**self.values_of(item), **revision_values}


def _revisables() -> dict[str, Revisable]:
    """This application's registry (core.registries)."""
    return registry("patientlab.moderation.revisables")


def register(revisable: Revisable) -> None:
    _revisables()[revisable.name] = revisable


def revisables() -> dict[str, Revisable]:
    return dict(_revisables())


def of_current_network(name_column, id_column, kinds: dict, national=(),
                       network_id: int | None = None) -> list:
    """Conditions keeping the rows that name a kind (``name_column``) and an item
    (``id_column``) — a waiting change, a report, an appeal — about an item of this
    address's network or of the whole platform. ``kinds``: by name, anything with a
    ``model`` and an ``in_network`` (None for the whole platform's). None on a page of the
    whole platform (unless ``network_id`` names one). One condition, whatever the number of
    rows."""
    network_id = network_id or context.current_id()
    if network_id is None:
        return []
    whole = [*national, *(name for name, kind in kinds.items() if kind.in_network is None)]
    return [or_(name_column.in_(whole), *(
        and_(name_column == name, id_column.in_(
            select(kind.model.id).where(*kind.in_network(network_id))))
        for name, kind in kinds.items() if kind.in_network is not None))]


def _in_current_network() -> list:
    return of_current_network(Revision.kind, Revision.object_id, _revisables())


def revisable_of(name: str) -> Revisable:
    found = _revisables().get(name)
    if found is None:
        abort(404)
    return found


def _shown(pairs) -> list[tuple[str, str]]:
    return [(str(label), re.sub(r"\s+", " ", text or "").strip()) for label, text in pairs]


def pending_revision(name: str, item) -> Revision | None:
    if item is None or item.id is None:
        return None
    return db.session.scalar(select(Revision).where(Revision.kind == name,
                                                    Revision.object_id == item.id))


def pending_values(name: str, item, author: User | None = None) -> dict | None:
    """The waiting change (of ``author`` only, if given), to fill their edit form with:
    the published text with the fields it changes replaced."""
    revision = pending_revision(name, item)
    if revision is None or (author is not None and revision.author_id != author.id):
        return None
    return revisable_of(name).with_change(item, dict(revision.values))


def other_change(name: str, item, reader: User) -> tuple[User | None, Revision] | None:
    """The change waiting on ``item`` and its author, when someone else than ``reader``
    wrote it (their edit form starts from the published text and says so)."""
    revision = pending_revision(name, item)
    if revision is None or revision.author_id == reader.id:
        return None
    author = db.session.get(User, revision.author_id) if revision.author_id else None
    return author, revision


def pending_values_of(name: str, ids: list[int]) -> dict[int, dict]:
    """The waiting changes of several texts of one kind, by text id, in one query."""
    if not ids:
        return {}
    return {revision.object_id: dict(revision.values) for revision in db.session.scalars(
        select(Revision).where(Revision.kind == name, Revision.object_id.in_(ids)))}


def propose(author: User, revisable: Revisable, item, values: dict, *,
            at_once: bool = False) -> str:
    """``author`` changes ``item``, already public, to ``values``.

    Same text as the published one (or as the change already waiting): nothing happens.
    ``at_once`` (a trusted author, a coordinator) writes it onto the item directly.
    Otherwise the change waits for a moderator and the published version stays public.
    """
    waiting = pending_revision(revisable.name, item)
    published = revisable.values_of(item)
    if waiting is not None and waiting.author_id != author.id:
        # Someone else's change waits: it stays for a moderator to decide, whatever this
        # person does. Their own change starts from the published text.
        changed = revisable.changed_fields(published, values)
        if not changed:
            return UNCHANGED
        if not at_once:
            other = db.session.get(User, waiting.author_id) if waiting.author_id else None
            raise ServiceError(_l(
                "Une modification de %(name)s attend déjà la relecture de l’équipe de "
                "modération : votre modification pourra être faite une fois celle-ci "
                "publiée ou refusée.", name=other.public_name if other else "—"))
        revisable.write(item, changed)
        db.session.flush()
        audit.record(author, "moderation.revision_applied", item,
                     summary=f"fields={','.join(changed)} waiting={waiting.id}")
        return APPLIED
    current = (revisable.with_change(item, dict(waiting.values)) if waiting is not None
               else published)
    if revisable.same(values, current):
        return UNCHANGED
    changed = revisable.changed_fields(published, values)
    if not changed:
        db.session.delete(waiting)
        db.session.flush()
        audit.record(author, "moderation.revision_withdrawn", item)
        return WITHDRAWN
    if at_once:
        if waiting is not None:
            db.session.delete(waiting)
        revisable.write(item, changed)
        db.session.flush()
        audit.record(author, "moderation.revision_applied", item)
        return APPLIED
    now = utcnow()
    if waiting is None:
        waiting = Revision(kind=revisable.name, object_id=item.id, values=changed, version=1,
                           created_at=now)
        db.session.add(waiting)
    else:
        waiting.values = changed
        waiting.version = (waiting.version or 0) + 1
    waiting.author_id = author.id
    waiting.updated_at = now
    db.session.flush()
    audit.record(author, "moderation.revision_submitted", item,
                 summary=f"revision={waiting.id} version={waiting.version}")
    return PENDING


# --- Moderators ---------------------------------------------------------------------------


@dataclass
class Change:
    """One field of a revision as a moderator reads it: before, after, and the words
    removed and added (``parts``: (\"same\" | \"removed\" | \"added\", text))."""

    label: str
    before: str
    after: str
    parts: list[tuple[str, str]]

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _words_diff(before: str, after: str) -> list[tuple[str, str]]:
    old, new = re.findall(r"\S+|\s+", before), re.findall(r"\S+|\s+", after)
    parts: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new,
                                                      autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("same", "".join(old[i1:i2])))
            continue
        if op in ("delete", "replace"):
            parts.append(("removed", "".join(old[i1:i2])))
        if op in ("insert", "replace"):
            parts.append(("added", "".join(new[j1:j2])))
    return parts


def changes(revisable: Revisable, item, revision: Revision) -> list[Change]:
    """Field by field, the published text and the waiting one (changed fields first
    would hide the order the reader knows: the text's own order is kept)."""
    before = revisable.show(revisable.values_of(item))
    after = {str(label): text for label, text
             in revisable.show(revisable.with_change(item, dict(revision.values)))}
    found = []
    for label, text in before:
        new = after.get(str(label), "")
        found.append(Change(str(label), text or "", new or "", _words_diff(text or "",
                                                                           new or "")))
    return found


@dataclass
class Waiting:
    revisable: Revisable
    revision: Revision
    item: Any


def waiting_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Revision).where(
        *_in_current_network())) or 0


def waiting(limit: int = 100) -> list[Waiting]:
    """The changes waiting for a moderator, oldest first (this address's network's)."""
    rows = list(db.session.scalars(select(Revision).where(*_in_current_network())
                                   .order_by(Revision.created_at, Revision.id).limit(limit)))
    found = []
    for revision in rows:
        revisable = _revisables().get(revision.kind)
        item = db.session.get(revisable.model, revision.object_id) if revisable else None
        if item is not None:
            found.append(Waiting(revisable, revision, item))
    return found


def get_waiting_or_404(revision_id: int) -> Waiting:
    revision = db.session.get(Revision, revision_id)
    revisable = _revisables().get(revision.kind) if revision is not None else None
    item = db.session.get(revisable.model, revision.object_id) if revisable else None
    if item is None:
        abort(404)
    if revisable.network_of is not None:
        context.ensure_in_current(revisable.network_of(item))
    return Waiting(revisable, revision, item)


def seen_token(revision: Revision) -> str:
    """What the moderator's form posts back: a digest of the change they read (which
    text, whose change, which version, which values). A decision counts only for that
    very change: not for a later version, nor for another change that reused its id (SQLite
    gives a deleted row's id to the next one, and versions start again at 1)."""
    shown = json.dumps([revision.id, revision.kind, revision.object_id, revision.author_id,
                        revision.version, revision.values], sort_keys=True, default=str,
                       ensure_ascii=False)
    return f"{revision.version}-{hashlib.sha256(shown.encode()).hexdigest()[:40]}"


DECISIONS = {"publish": _l("Publier la modification"),
             "refuse": _l("Refuser la modification (la version publiée reste en ligne)")}


def decide(moderator: User, entry: Waiting, decision: str, *, seen: str,
           reason: str = "", note: str = "", now: datetime | None = None) -> None:
    """Approve (the values are copied onto the text) or refuse (the published version
    stays; the author is told why). Only the version the moderator read is decided: if
    the author changed it meanwhile, or another moderator decided, or it is another
    change than the one read (``seen``: its ``seen_token``), nothing happens."""
    revision, item, revisable = entry.revision, entry.item, entry.revisable
    network_id = revisable.network_of(item) if revisable.network_of is not None else None
    roles = moderator.roles if network_id is None else moderator.roles_in(network_id)
    if not roles & set(MODERATION):
        raise PermissionError("moderators only")
    now = now or utcnow()
    if decision not in DECISIONS:
        raise ServiceError(_l("Choisissez une décision."), field="decision")
    note = plain_text(note, multiline=True)
    if decision == "refuse":
        if reason not in REFUSAL_REASONS:
            raise ServiceError(_l("Choisissez la raison."), field="reason")
        if reason == "other" and not note:
            raise ServiceError(_l("Précisez la raison."), field="note")
    else:
        reason = ""
    if revision.author_id == moderator.id:
        raise ServiceError(_l("C’est votre propre contribution : une autre personne de la "
                              "modération doit en décider."))
    values, author_id = dict(revision.values), revision.author_id
    full = revisable.with_change(item, values)
    published = dict(_shown(revisable.show(revisable.values_of(item))))
    shown = revisable.show(full)
    sections = [(str(label), text) for (label, text), (_label, flat)
                in zip(shown, _shown(shown), strict=True) if flat != published.get(str(label))]
    stale = ServiceError(_l("Cette modification a changé ou vient d’être traitée : rechargez "
                            "la page pour lire sa dernière version."))
    if not hmac.compare_digest(str(seen or "").encode(), seen_token(revision).encode()):
        raise stale
    gone = db.session.execute(
        delete(Revision).where(Revision.id == revision.id, Revision.version == revision.version,
                               Revision.kind == revision.kind,
                               Revision.object_id == revision.object_id)
        .execution_options(synchronize_session=False)).rowcount
    if gone != 1:
        raise stale
    db.session.expunge(revision)
    if decision == "publish":
        revisable.write(item, values)
        if hasattr(item, "moderated_by_id"):
            item.moderated_by_id = moderator.id
            item.moderated_at = now
        db.session.flush()
        if revisable.on_approved is not None:
            revisable.on_approved(item)
    audit.record(moderator, f"moderation.revision_{decision}", item,
                 summary=f"revision={revision.id}", reason=f"{reason} {note}".strip())
    author = db.session.get(User, author_id) if author_id else None
    if author is not None:
        notify(author, _l("Votre modification est publiée") if decision == "publish"
               else _l("Votre modification n’a pas été publiée"), "moderation_revision",
               decision=decision, reason=REFUSAL_REASONS.get(reason, ""), note=note,
               context=revisable.describe(item),
               what=str(revisable.label), sections=sections,
               url=_public_url(revisable, item))


def _public_url(revisable: Revisable, item) -> str:
    """The text's page on PUBLIC_URL (core.urls), for the mail; kinds give local paths."""
    if has_request_context():
        path = revisable.url(item)
    else:
        with current_app.test_request_context():
            path = revisable.url(item)
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def drop(name: str, item) -> None:
    """The text is gone or taken back: its waiting change goes with it."""
    db.session.execute(delete(Revision).where(Revision.kind == name,
                                              Revision.object_id == item.id)
                       .execution_options(synchronize_session=False))
