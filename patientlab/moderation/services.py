"""One moderation workflow for every kind of user-written content.

States: pending → published or refused; published → hidden (by a moderator, or
automatically after K distinct reports); hidden or refused → published (restore).
A decision is applied only if the item is still in the state the moderator saw, so
two moderators deciding at once cannot both win (and the author gets one mail).
Authors may appeal a refusal or a hiding once; another moderator decides.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, literal, select, union_all, update

from patientlab.auth.models import User
from patientlab.core import audit
from patientlab.core.errors import ServiceError
from patientlab.core.mail import notify
from patientlab.core.models import utcnow
from patientlab.core.pagination import Page
from patientlab.core.permissions import MODERATION
from patientlab.core.registries import registry
from patientlab.core.sanitize import plain_text
from patientlab.core.settings import setting
from patientlab.core.urls import external_url
from patientlab.extensions import db
from patientlab.networks import context

from . import revisions
from .models import (
    REFUSAL_REASONS,
    Appeal,
    AppealOutcome,
    ContentReport,
    Revision,
)
from .models import ModerationState as S

MODERATORS = MODERATION


@dataclass(frozen=True)
class Kind:
    """A kind of moderated content: its model, its text, where it is shown and what
    happens when it is published. Each feature registers its own kinds
    (``register_kind``) from its init_app; moderation imports none of them.

    ``public_where`` gives the SQL conditions, beyond its own published state, under which
    an item is shown to everyone (a question on a published project); None for content
    that is never listed among a person's public contributions.
    """

    name: str
    label: object
    model: type
    text_attr: str
    url: Callable[[Any], str]
    describe: Callable[[Any], str]
    on_publish: Callable[[Any], None] | None = None
    public_where: Callable[[], list] | None = None
    # Other facts a moderator needs on the item's page: (label, text) pairs.
    details: Callable[[Any], list[tuple[Any, str]]] | None = None
    # Whether a moderator may correct the text in place (plain-text kinds); a text made
    # of several rich sections is refused or hidden instead, and its team rewrites it.
    editable: bool = True
    # The fields its author may change once it is public (revisions.Revisable): the change
    # waits for a moderator beside the published version. Empty: not changed once public.
    fields: tuple[str, ...] = ()
    # How a moderator compares two versions of those fields, as (label, plain text) pairs
    # (one pair, the kind's label and its text, by default).
    revision_show: Callable[[dict], list[tuple[Any, str]]] | None = None
    # The network an item belongs to (its project's, its evening's, its call's), and the
    # SQL conditions that keep the kind's rows of one network (``in_network(network_id)``):
    # a network's moderation queue lists, and its addresses reach, that network's items
    # only. None for content of the whole platform (a member's presentation), which every
    # network's moderators see.
    network_of: Callable[[Any], int | None] | None = None
    in_network: Callable[[int], list] | None = None

    def facts(self, item) -> list[tuple[Any, str]]:
        return self.details(item) if self.details else []

    def text(self, item) -> str:
        return getattr(item, self.text_attr)

    def public_url(self, item) -> str:
        return self.url(item)

    def context(self, item) -> str:
        return self.describe(item)


def _kind_registry() -> dict[str, Kind]:
    """This application's registry (core.registries)."""
    return registry("patientlab.moderation.kinds")


def register_kind(kind: Kind) -> None:
    _kind_registry()[kind.name] = kind
    if kind.fields:
        revisions.register(revisions.Revisable(
            kind.name, kind.label, kind.model, kind.fields,
            show=kind.revision_show or (
                lambda values: [(kind.label, kind.text(kind.model(**values)))]),
            url=kind.url, describe=kind.describe,
            network_of=kind.network_of, in_network=kind.in_network))


def _kinds() -> dict[str, Kind]:
    return _kind_registry()


def kind_of(name: str) -> Kind:
    kind = _kinds().get(name)
    if kind is None:
        abort(404)
    return kind


def kinds() -> dict[str, Kind]:
    return dict(_kind_registry())


@dataclass(frozen=True)
class OtherWork:
    """Work for moderators kept by a feature (lay summaries to publish), shown below the
    queue: how many, a heading for that number, and a link to the feature's own page."""

    name: str
    count: Callable[[], int]
    heading: Callable[[int], str]
    endpoint: str
    link_label: object


def _other_work() -> dict[str, OtherWork]:
    """This application's registry (core.registries)."""
    return registry("patientlab.moderation.other_work")


def register_other_work(work: OtherWork) -> None:
    _other_work()[work.name] = work


def other_work() -> list[tuple[OtherWork, int]]:
    return [(work, work.count()) for work in _other_work().values()]


@dataclass(frozen=True)
class Contribution:
    kind: Kind
    item: Any


def _public_conditions(kind: Kind, author_id: int) -> list:
    """What makes ``author_id``'s items of ``kind`` readable by everyone."""
    model = kind.model
    return [model.author_id == author_id, model.moderation_state == S.PUBLISHED,
            *kind.public_where()]


def _public_kinds() -> list[Kind]:
    return [kind for kind in _kinds().values() if kind.public_where is not None]


def public_contributions(author_id: int, limit: int) -> list[Contribution]:
    """What the person wrote that everyone can read now, newest first, across kinds."""
    found = []
    for kind in _public_kinds():
        found += [Contribution(kind, item) for item in db.session.scalars(
            select(kind.model).where(*_public_conditions(kind, author_id))
            .order_by(kind.model.created_at.desc()).limit(limit))]
    found.sort(key=lambda c: c.item.created_at, reverse=True)
    return found[:limit]


def speaks_in_public(author_id: int) -> bool:
    """The person has at least one contribution that everyone can read."""
    return any(db.session.scalar(select(exists().where(*_public_conditions(kind, author_id))))
               for kind in _public_kinds())


def network_of(kind: Kind, item) -> int | None:
    """The network ``item`` belongs to; None for content of the whole platform."""
    return kind.network_of(item) if kind.network_of is not None else None


def scoped(kind: Kind, statement, network_id: int | None = None):
    """``statement`` on ``kind``'s rows limited to this address's network, or to
    ``network_id`` (unchanged on a page of the whole platform, and for content of the whole
    platform)."""
    network_id = network_id or context.current_id()
    if network_id is None or kind.in_network is None:
        return statement
    return statement.where(*kind.in_network(network_id))


def _link(kind: Kind, item) -> dict:
    """``url_for`` arguments for a link to ``item`` from a mail (its own network's page)."""
    network_id = network_of(kind, item)
    return context.link(network_id) if network_id is not None else {}


def get_item_or_404(kind: Kind, item_id: int):
    """An item of ``kind`` of this address's network (404 for another network's)."""
    item = db.session.get(kind.model, item_id)
    if item is None:
        abort(404)
    network_id = network_of(kind, item)
    if network_id is not None:
        context.ensure_in_current(network_id)
    return item


def is_moderator(user, network_id: int | None = None) -> bool:
    """Whether ``user`` moderates: in ``network_id`` when the item's network is known
    (whoever calls, a request or a command), else here."""
    if user is None or not user.is_authenticated:
        return False
    roles = user.roles if network_id is None else user.roles_in(network_id)
    return bool(roles & set(MODERATORS))


def _ensure_moderator(user, network_id: int | None = None) -> None:
    if not is_moderator(user, network_id):
        raise PermissionError("moderators only")


# --- Trust: pre-moderation for new accounts, post-moderation for trusted ones ---------------


def is_trusted(user: User) -> bool:
    if user.trusted_at is not None:
        return True
    needed = setting("MODERATION_TRUST_AFTER")
    if not needed:
        return False
    published = sum(db.session.scalar(
        select(func.count()).select_from(kind.model).where(
            kind.model.author_id == user.id, kind.model.moderation_state == S.PUBLISHED,
            kind.model.moderated_by_id.is_not(None))) or 0 for kind in _kinds().values())
    return published >= needed


def initial_state(user: User) -> str:
    return S.PUBLISHED if is_trusted(user) else S.PENDING


def submit_text(author: User, kind: Kind, item, *, review: bool = False) -> None:
    """New or rewritten text from ``author``: it waits for a moderator, or is published at
    once for a trusted author (moderated afterwards: audited, and the kind's publication
    hook runs, e.g. the asker is told). ``review``: it waits whatever the author's trust
    (a text a moderator hid or refused, rewritten)."""
    state = S.PENDING if review else initial_state(author)
    item.created_at = utcnow()
    item.resubmit(state)
    db.session.flush()
    if state == S.PUBLISHED:
        audit.record(author, "moderation.auto_published", item)
        if kind.on_publish is not None:
            kind.on_publish(item)


def submit_change(author: User, kind: Kind, item, values: dict) -> str:
    """``author`` writes or rewrites ``item`` (new or not) with ``values`` for the kind's
    fields. Public already: the change waits beside the published version (revisions),
    or is applied at once for an author a moderator trusted. Not public: written in place
    and sent to moderation again, as new text is. The same text again changes nothing. Returns one
    of revisions.UNCHANGED, PENDING, WITHDRAWN, APPLIED."""
    revisable = revisions.revisable_of(kind.name)
    if item.id is not None and item.is_published:
        # Only a trust a moderator gave (trusted_at) skips the wait: the automatic one,
        # earned by texts approved before, would let a text be approved harmless and
        # then rewritten (« bait and switch »).
        result = revisions.propose(author, revisable, item, values,
                                   at_once=author.trusted_at is not None)
        if result == revisions.APPLIED:
            submit_text(author, kind, item)
        return result
    if item.id is not None and revisable.same(values, revisable.values_of(item)):
        return revisions.UNCHANGED
    # A text a moderator (or readers' reports) took off the site goes back to a moderator
    # once rewritten, whatever trust its author has: trust is no way around a decision.
    taken_off = item.id is not None and item.moderation_state in (S.HIDDEN, S.REFUSED)
    if item.id is not None:
        revisions.drop(kind.name, item)  # rewritten in place: no older change waits
    revisable.write(item, values)
    db.session.flush()
    submit_text(author, kind, item, review=taken_off)
    return revisions.APPLIED


class OwnCase(PermissionError):
    """A moderator decided about themself: refused, and the attempt is in the audit log
    (the route commits it before answering 403)."""


def set_trust(moderator: User, user: User, trusted: bool) -> None:
    _ensure_moderator(moderator)
    if user.id == moderator.id:
        # Nobody decides about themself: trust skips the moderation of one's own texts.
        audit.record(moderator, "moderation.trust_refused_own", user,
                     summary="trusted" if trusted else "untrusted")
        db.session.flush()
        raise OwnCase("a moderator cannot decide their own trust")
    user.trusted_at = utcnow() if trusted else None
    db.session.flush()
    audit.record(moderator, "moderation.trust_granted" if trusted else "moderation.trust_removed",
                 user)


# --- Decisions ------------------------------------------------------------------------------


TRANSITIONS = {
    "publish": ((S.PENDING,), S.PUBLISHED),
    "refuse": ((S.PENDING,), S.REFUSED),
    "hide": ((S.PUBLISHED,), S.HIDDEN),
    "restore": ((S.HIDDEN, S.REFUSED), S.PUBLISHED),
}
DECISION_LABELS = {"publish": _l("Publier"), "refuse": _l("Refuser"), "hide": _l("Masquer"),
                   "restore": _l("Rétablir (publier à nouveau)")}


def decide(moderator: User, kind: Kind, item, decision: str, *, seen_state: str,
           reason: str = "", note: str = "", now: datetime | None = None) -> None:
    _ensure_moderator(moderator, network_of(kind, item))
    now = now or utcnow()
    if decision not in TRANSITIONS:
        raise ServiceError(_l("Choisissez une décision."), field="decision")
    allowed, target = TRANSITIONS[decision]
    note = plain_text(note, multiline=True)
    if decision in ("refuse", "hide"):
        if reason not in REFUSAL_REASONS:
            raise ServiceError(_l("Choisissez la raison."), field="reason")
        if reason == "other" and not note:
            raise ServiceError(_l("Précisez la raison."), field="note")
    else:
        reason = ""
    if seen_state not in allowed:
        raise ServiceError(_l("Cette décision n’est pas possible dans l’état actuel."))
    if item.author_id == moderator.id:
        raise ServiceError(_l("C’est votre propre contribution : une autre personne de la "
                              "modération doit en décider."))
    pending = get_appeal(kind, item)
    if pending is not None and pending.decided_at is None:
        # The author appealed: the decision now changes through the appeal alone, decided
        # by someone other than who took the first one.
        raise ServiceError(_l("L’auteur a fait un recours contre la décision : elle ne "
                              "change plus que par la réponse à ce recours."))
    model = kind.model
    changed = db.session.execute(
        update(model).where(model.id == item.id, model.moderation_state == seen_state)
        .values(moderation_state=target, moderated_by_id=moderator.id, moderated_at=now,
                moderation_reason=reason, moderation_note=note)
        .execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        raise ServiceError(_l("Un autre modérateur vient de traiter ce contenu : rechargez la "
                              "page pour voir sa décision."))
    db.session.refresh(item)
    if target in (S.HIDDEN, S.REFUSED):
        # A change waiting beside the text goes with it: approving it later would put a
        # text back on the site that a moderator took off.
        revisions.drop(kind.name, item)
    _close_reports(kind, item, now)
    audit.record(moderator, f"moderation.{decision}", item,
                 summary=f"{seen_state} → {target}", reason=f"{reason} {note}".strip())
    if decision in ("refuse", "hide"):
        _mail_author(kind, item, decision, reason, note)
    elif decision == "publish" and kind.on_publish is not None:
        kind.on_publish(item)


def _close_reports(kind: Kind, item, now: datetime) -> None:
    db.session.execute(update(ContentReport).where(
        ContentReport.kind == kind.name, ContentReport.object_id == item.id,
        ContentReport.handled_at.is_(None)).values(handled_at=now)
        .execution_options(synchronize_session=False))


def _mail_author(kind: Kind, item, decision: str, reason: str, note: str) -> None:
    author = db.session.get(User, item.author_id) if item.author_id else None
    if author is None:
        return
    subject = (_l("Votre contribution n’a pas été publiée") if decision == "refuse"
               else _l("Votre contribution a été masquée"))
    notify(author, subject, "moderation_decision",
           decision=decision, reason=REFUSAL_REASONS.get(reason, ""),
           note=note, text=kind.text(item), context=kind.context(item),
           appeal_url=external_url("moderation.appeal", kind=kind.name, item_id=item.id,
                                  **_link(kind, item)))


def edit_text(moderator: User, kind: Kind, item, text: str) -> bool:
    """Edit out identifying details; the original stays in the audit trail."""
    _ensure_moderator(moderator, network_of(kind, item))
    if not kind.editable:
        raise ServiceError(_l("Ce texte ne se corrige pas ici : refusez-le en expliquant ce "
                              "que l’équipe doit retirer."))
    text = plain_text(text, multiline=True)
    if not text:
        raise ServiceError(_l("Le texte ne peut pas être vide : refusez ou masquez plutôt le "
                              "contenu."), field="text")
    before = kind.text(item)
    if text == before:
        return False
    setattr(item, kind.text_attr, text)
    db.session.flush()
    audit.record(moderator, "moderation.edited", item,
                 summary=f"before: {before}\nafter: {text}", reason="anonymisation")
    return True


def decide_many(moderator: User, refs: list[str], decision: str,
                reason: str = "") -> tuple[int, int]:
    """Publish or refuse several pending items named "kind-id" (e.g. "answer-12");
    returns (done, already decided or unknown)."""
    _ensure_moderator(moderator)
    if decision not in ("publish", "refuse"):
        raise ServiceError(_l("Choisissez une décision."), field="decision")
    if decision == "refuse" and reason not in REFUSAL_REASONS:
        raise ServiceError(_l("Choisissez la raison."), field="reason")
    wanted: dict[str, list[int]] = {}
    skipped = 0
    for ref in refs:
        name, _sep, number = str(ref).rpartition("-")
        if name in _kinds() and number.isdigit() and len(number) < 12:
            wanted.setdefault(name, []).append(int(number))
        else:
            skipped += 1
    done = 0
    for name, ids in wanted.items():
        kind = _kinds()[name]
        found = list(db.session.scalars(scoped(kind, select(kind.model).where(
            kind.model.id.in_(ids)))))
        skipped += len(set(ids)) - len(found)
        for item in found:
            try:
                decide(moderator, kind, item, decision, seen_state=S.PENDING, reason=reason)
            except ServiceError:
                skipped += 1
            else:
                done += 1
    return done, skipped


# --- Appeals ---------------------------------------------------------------------------------


def can_appeal(user, kind: Kind, item) -> bool:
    return (user is not None and item.author_id == user.id
            and item.moderation_state in (S.REFUSED, S.HIDDEN)
            and get_appeal(kind, item) is None)


def get_appeal(kind: Kind, item) -> Appeal | None:
    return db.session.scalar(select(Appeal).where(Appeal.kind == kind.name,
                                                  Appeal.object_id == item.id))


def _appeal_text(text: str) -> str:
    text = plain_text(text, multiline=True)
    if not text:
        raise ServiceError(_l("Expliquez en quelques phrases pourquoi la décision devrait "
                              "changer."), field="text")
    return text


def appeal(user: User, kind: Kind, item, text: str) -> Appeal:
    if item.author_id != user.id:
        raise PermissionError("authors only")
    if item.moderation_state not in (S.REFUSED, S.HIDDEN):
        raise ServiceError(_l("Cette contribution est publiée : il n’y a rien à contester."))
    if get_appeal(kind, item) is not None:
        raise ServiceError(_l("Vous avez déjà fait un recours pour cette contribution. Un seul "
                              "recours est possible."))
    text = _appeal_text(text)
    record = Appeal(kind=kind.name, object_id=item.id, author_id=user.id, text=text,
                    original_moderator_id=item.moderated_by_id)
    db.session.add(record)
    db.session.flush()
    audit.record(user, "moderation.appealed", item)
    return record


def _record_appeal_decision(moderator: User, record: Appeal, outcome: str, reason: str,
                            now: datetime, network_id: int | None = None) -> str:
    """The checks every appeal decision shares, then the decision itself, recorded only
    if nobody decided meanwhile. Returns the cleaned reason."""
    _ensure_moderator(moderator, network_id)
    if record.decided_at is not None:
        raise ServiceError(_l("Ce recours a déjà été tranché."))
    if record.author_id == moderator.id:
        raise ServiceError(_l("Ce recours porte sur votre propre contribution ou votre compte : "
                              "une autre personne de la modération doit le trancher."))
    if record.original_moderator_id == moderator.id:
        raise ServiceError(_l("Vous avez pris la première décision : un autre modérateur doit "
                              "trancher ce recours."))
    if outcome not in AppealOutcome.LABELS:
        raise ServiceError(_l("Choisissez de maintenir ou d’annuler la décision."),
                           field="outcome")
    reason = plain_text(reason, multiline=True)
    if not reason:
        raise ServiceError(_l("Expliquez votre réponse : elle sera envoyée à l’auteur."),
                           field="reason")
    changed = db.session.execute(
        update(Appeal).where(Appeal.id == record.id, Appeal.decided_at.is_(None))
        .values(decided_by_id=moderator.id, decided_at=now, outcome=outcome, reason=reason)
        .execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        raise ServiceError(_l("Ce recours a déjà été tranché."))
    db.session.refresh(record)
    return reason


def decide_appeal(moderator: User, kind: Kind, item, record: Appeal, outcome: str,
                  reason: str, now: datetime | None = None) -> None:
    now = now or utcnow()
    reason = _record_appeal_decision(moderator, record, outcome, reason, now,
                                     network_of(kind, item))
    if outcome == AppealOutcome.REVERSED:
        item.moderation_state = S.PUBLISHED
        item.moderated_by_id = moderator.id
        item.moderated_at = now
        item.moderation_reason = ""
        item.moderation_note = ""
        if kind.on_publish is not None:
            kind.on_publish(item)
    db.session.flush()
    audit.record(moderator, f"moderation.appeal_{outcome}", item, reason=reason)
    author = db.session.get(User, record.author_id) if record.author_id else None
    if author is not None:
        notify(author, _l("Réponse à votre recours"), "moderation_appeal", outcome=outcome,
               reason=reason, text=kind.text(item), context=kind.context(item))


# --- Appeals against a suspension (kind "account", object = the person) -------------


ACCOUNT = "account"


def suspension_appeal(user: User) -> Appeal | None:
    """The appeal against the current suspension, if any (one per suspension)."""
    if user.suspended_at is None:
        return None
    return db.session.scalar(select(Appeal).where(
        Appeal.kind == ACCOUNT, Appeal.object_id == user.id,
        Appeal.created_at >= user.suspended_at).order_by(Appeal.id.desc()).limit(1))


def can_appeal_suspension(user: User) -> bool:
    return user.is_suspended and suspension_appeal(user) is None


def appeal_suspension(user: User, text: str) -> Appeal:
    if not user.is_suspended:
        raise ServiceError(_l("Votre compte n’est pas suspendu."))
    if suspension_appeal(user) is not None:
        raise ServiceError(_l("Vous avez déjà fait un recours contre cette suspension. Un seul "
                              "recours est possible."))
    text = _appeal_text(text)
    record = Appeal(kind=ACCOUNT, object_id=user.id, author_id=user.id, text=text,
                    original_moderator_id=user.suspended_by_id)
    db.session.add(record)
    db.session.flush()
    audit.record(user, "moderation.appealed", user)
    return record


def decide_suspension_appeal(moderator: User, user: User, record: Appeal, outcome: str,
                             reason: str, now: datetime | None = None) -> None:
    now = now or utcnow()
    reason = _record_appeal_decision(moderator, record, outcome, reason, now)
    if outcome == AppealOutcome.REVERSED:
        user.suspended_until = None
        user.suspension_reason = ""
        user.suspended_by_id = None
    db.session.flush()
    audit.record(moderator, f"moderation.appeal_{outcome}", user, reason=reason)
    notify(user, _l("Réponse à votre recours"), "moderation_appeal", outcome=outcome, reason=reason,
           text=record.text, context="", account=True)


def open_suspension_appeals() -> list[tuple[Appeal, User]]:
    return list(db.session.execute(
        select(Appeal, User).join(User, User.id == Appeal.object_id)
        .where(Appeal.kind == ACCOUNT, Appeal.decided_at.is_(None))
        .order_by(Appeal.created_at)).all())


# --- Queue -----------------------------------------------------------------------------------


QUEUES = {
    "waiting": _l("En attente de relecture"),
    "reported": _l("Signalés"),
    "appeals": _l("Recours"),
    "unreviewed": _l("Publiés sans relecture (auteurs de confiance)"),
    "hidden": _l("Masqués"),
    "refused": _l("Refusés"),
}
# The queue's name in the address (?file=…), in French like every URL.
QUEUE_SLUGS = {"waiting": "attente", "reported": "signales", "appeals": "recours",
               "unreviewed": "publies", "hidden": "masques", "refused": "refuses"}


def queue_from_slug(slug: str | None) -> str:
    """The queue an address names; the waiting queue when it names none."""
    return next((key for key, value in QUEUE_SLUGS.items() if value == slug), "waiting")
PAGE_SIZE = 30


@dataclass
class QueueItem:
    kind: Kind
    item: object
    reports: int = 0
    appeal: Appeal | None = None


def _queue_filter(name: str, kind: Kind, stmt):
    model = kind.model
    if name == "waiting":
        return stmt.where(model.moderation_state == S.PENDING)
    if name == "reported":
        return stmt.where(model.moderation_state.in_((S.PUBLISHED, S.HIDDEN)), model.id.in_(
            select(ContentReport.object_id).where(ContentReport.kind == kind.name,
                                                  ContentReport.handled_at.is_(None))))
    if name == "appeals":
        return stmt.where(model.id.in_(select(Appeal.object_id).where(
            Appeal.kind == kind.name, Appeal.decided_at.is_(None))))
    if name == "unreviewed":
        return stmt.where(model.moderation_state == S.PUBLISHED,
                          model.moderated_by_id.is_(None))
    if name == "hidden":
        return stmt.where(model.moderation_state == S.HIDDEN)
    if name == "refused":
        return stmt.where(model.moderation_state == S.REFUSED)
    return stmt


def queue(name: str, *, kind_name: str = "", older_than_days: int = 0,
          page: int = 1) -> Page:
    """Oldest first across every kind. A handful of statements whatever the size."""
    selected = [k for k in _kinds().values() if not kind_name or k.name == kind_name]
    parts = []
    for kind in selected:
        model = kind.model
        part = select(literal(kind.name).label("kind"), model.id.label("id"),
                      model.created_at.label("at"))
        part = scoped(kind, _queue_filter(name, kind, part))
        if older_than_days:
            part = part.where(model.created_at <= utcnow() - timedelta(days=older_than_days))
        parts.append(part)
    everything = union_all(*parts).subquery()
    total = db.session.scalar(select(func.count()).select_from(everything)) or 0
    result = Page.of(total, page, PAGE_SIZE)
    rows = db.session.execute(
        select(everything.c.kind, everything.c.id)
        .order_by(everything.c.at, everything.c.kind, everything.c.id)
        .limit(PAGE_SIZE).offset(result.offset)).all()
    by_kind: dict[str, list[int]] = {}
    for kind_name_, item_id in rows:
        by_kind.setdefault(kind_name_, []).append(item_id)
    loaded: dict[tuple[str, int], QueueItem] = {}
    for name_, ids in by_kind.items():
        kind = _kinds()[name_]
        counts_ = dict(db.session.execute(
            select(ContentReport.object_id, func.count()).where(
                ContentReport.kind == name_, ContentReport.object_id.in_(ids),
                ContentReport.handled_at.is_(None)).group_by(ContentReport.object_id)).all())
        appeals = {a.object_id: a for a in db.session.scalars(select(Appeal).where(
            Appeal.kind == name_, Appeal.object_id.in_(ids)))}
        for item in db.session.scalars(select(kind.model).where(kind.model.id.in_(ids))):
            loaded[(name_, item.id)] = QueueItem(kind, item, counts_.get(item.id, 0),
                                                 appeals.get(item.id))
    result.items = [loaded[key] for key in (tuple(row) for row in rows) if key in loaded]
    return result


def _of_network(name_column, id_column, network_id: int | None = None) -> list:
    """Reports and appeals about an item of this address's network or ``network_id`` (or
    of the whole platform: a presentation, an account); none on a platform page."""
    # a suspension (an account's appeal) is the whole platform's, like a presentation
    return revisions.of_current_network(name_column, id_column, _kinds(), national=[ACCOUNT],
                                        network_id=network_id)


def counts(network_id: int | None = None) -> dict[str, int]:
    """How many items wait in each queue that needs a moderator (for the navigation), in
    this address's network or ``network_id`` (and in the whole platform's content)."""
    # One statement, whatever the number of kinds: it runs on every page a moderator sees.
    pending = [scoped(kind, select(func.count()).select_from(kind.model)
                      .where(kind.model.moderation_state == S.PENDING), network_id)
               .scalar_subquery() for kind in _kinds().values()]
    reported = select(func.count()).select_from(
        select(ContentReport.kind, ContentReport.object_id)
        .where(ContentReport.handled_at.is_(None),
               *_of_network(ContentReport.kind, ContentReport.object_id, network_id))
        .distinct().subquery()).scalar_subquery()
    appeals = select(func.count()).select_from(Appeal).where(
        Appeal.decided_at.is_(None),
        *_of_network(Appeal.kind, Appeal.object_id, network_id)).scalar_subquery()
    changed = select(func.count()).select_from(Revision).where(
        *revisions.of_current_network(Revision.kind, Revision.object_id,
                                      revisions.revisables(), network_id=network_id)
    ).scalar_subquery()
    *waiting, signalled, appealed = db.session.execute(
        select(*pending, changed, reported, appeals)).one()
    return {"waiting": sum(waiting), "reported": signalled, "appeals": appealed}
