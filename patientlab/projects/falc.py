"""FALC versions checked by the people they are written for (Inclusion Europe's rules).

The coordination keeps reading panels (an ESAT's workshop, an association's group) and
invites their readers: each gets a personal link, no account or e-mail needed. A reader
marks each paragraph of a FALC text « j'ai compris » or « je n'ai pas compris », with a
comment if they want. The text gets its « Facile à lire et à comprendre » badge once
FALC_READERS_NEEDED readers understood every paragraph of its current version; a change
to the text starts the check again. Everything is in the journal.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, delete, func, select

from patientlab.auth.models import User
from patientlab.core import audit, settings
from patientlab.core.errors import ServiceError
from patientlab.core.models import utcnow
from patientlab.core.permissions import EDITORS
from patientlab.core.sanitize import plain_text
from patientlab.core.security import TokenError, make_token, read_token
from patientlab.extensions import db
from patientlab.networks import context

from .models import FalcPanel, FalcReader, FalcReading, Project, Publication

PURPOSE = "falc-reader"
#: A reader's link works as long as the coordination keeps it: no time limit.
LINK_MAX_AGE = 5 * 365 * 24 * 3600
NEEDED = "FALC_READERS_NEEDED"


def _ensure_editor(actor) -> None:
    if actor is None or not actor.has_any_role(EDITORS):
        raise PermissionError("only the coordination runs the FALC panels")


def paragraphs(project: Project) -> list[list[str]]:
    """The text's paragraphs, each a list of lines: blocks between blank lines, or each
    line when the text has no blank line (one sentence per line, as FALC asks)."""
    text = project.falc_text.replace("\r\n", "\n").strip()
    if not text:
        return []
    blocks = [b for b in text.split("\n\n") if b.strip()]
    if len(blocks) == 1:
        return [[line.strip()] for line in text.split("\n") if line.strip()]
    return [[line.strip() for line in b.split("\n") if line.strip()] for b in blocks]


def version(project: Project) -> str:
    return hashlib.sha256(project.falc_text.strip().encode("utf-8")).hexdigest()[:16]


# --- The coordination's side -------------------------------------------------------


def panels() -> list[FalcPanel]:
    return list(db.session.scalars(select(FalcPanel).order_by(FalcPanel.name)))


def readers() -> list[FalcReader]:
    return list(db.session.scalars(select(FalcReader).order_by(FalcReader.panel_id,
                                                               FalcReader.id)))


def create_panel(actor: User, name: str) -> FalcPanel:
    _ensure_editor(actor)
    name = plain_text(name)
    if db.session.scalar(select(FalcPanel).where(func.lower(FalcPanel.name) == name.lower())):
        raise ServiceError(_l("Ce groupe de relecture existe déjà."), field="name")
    panel = FalcPanel(name=name)
    db.session.add(panel)
    db.session.flush()
    audit.record(actor, "falc.panel_created", panel, summary=name)
    return panel


def invite_reader(actor: User, panel: FalcPanel, name: str) -> FalcReader:
    _ensure_editor(actor)
    reader = FalcReader(panel_id=panel.id, name=plain_text(name), key=secrets.token_hex(16))
    db.session.add(reader)
    db.session.flush()
    audit.record(actor, "falc.reader_invited", reader, summary=panel.name)
    return reader


def revoke_reader(actor: User, reader: FalcReader) -> None:
    """The reader's link stops working; their readings stay."""
    _ensure_editor(actor)
    reader.active = False
    reader.key = secrets.token_hex(16)
    audit.record(actor, "falc.reader_revoked", reader, summary=reader.panel.name)


def reader_link_token(reader: FalcReader) -> str:
    return make_token(PURPOSE, {"r": reader.id, "k": reader.key})


def reader_for_token(token: str) -> FalcReader:
    payload = read_token(PURPOSE, token, LINK_MAX_AGE)
    reader = db.session.get(FalcReader, payload.get("r")) if isinstance(payload, dict) else None
    if reader is None or not reader.active or not secrets.compare_digest(
            reader.key, str(payload.get("k", ""))):
        raise TokenError(expired=False)
    return reader


# --- The reader's side -------------------------------------------------------------


def texts_to_read() -> list[Project]:
    """The easy-to-read texts of this address's network's published projects."""
    return [p for p in db.session.scalars(context.scoped(select(Project).where(
        Project.publication == Publication.PUBLISHED, Project.falc_text != ""), Project.network_id)
        .order_by(Project.published_at.desc())) if p.has_falc]


def has_read(reader: FalcReader, project: Project) -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(FalcReading).where(
        FalcReading.reader_id == reader.id, FalcReading.project_id == project.id,
        FalcReading.version == version(project))))


def record_readings(reader: FalcReader, project: Project,
                    answers: dict[int, tuple[bool | None, str]],
                    now: datetime | None = None) -> bool:
    """A reader's answers for every paragraph of the current version (1, 2, 3…);
    True when this reading gives the text its badge."""
    if not project.is_published or not project.has_falc:
        raise PermissionError("not a FALC text to read")
    count = len(paragraphs(project))
    missing = [n for n in range(1, count + 1) if answers.get(n, (None, ""))[0] is None]
    if missing:
        raise ServiceError(_l("Pour chaque partie, choisissez « J’ai compris » ou « Je n’ai "
                              "pas compris »."), field=f"paragraph_{missing[0]}")
    before = check(project).granted
    current = version(project)
    now = now or utcnow()
    db.session.execute(delete(FalcReading).where(
        FalcReading.reader_id == reader.id, FalcReading.project_id == project.id,
        FalcReading.version == current).execution_options(synchronize_session=False))
    for number in range(1, count + 1):
        understood, comment = answers[number]
        db.session.add(FalcReading(reader_id=reader.id, project_id=project.id,
                                   version=current, paragraph=number,
                                   understood=bool(understood),
                                   comment=plain_text(comment or "", multiline=True)[:1000],
                                   created_at=now))
    db.session.flush()
    understood_all = all(answers[n][0] for n in range(1, count + 1))
    audit.record(None, "falc.reading_recorded", project,
                 summary=f"reader {reader.id}: "
                         f"{'all understood' if understood_all else 'not all understood'}")
    granted = not before and check(project).granted
    if granted:
        audit.record(None, "falc.badge_granted", project, summary=project.title)
    return granted


@dataclass
class Check:
    needed: int
    readers: int  # readers who understood every paragraph of the current version
    panels: list[str]
    on: datetime | None  # the last of those readings

    @property
    def granted(self) -> bool:
        return self.readers >= self.needed


def needed() -> int:
    return settings.setting(NEEDED)


def check(project: Project) -> Check:
    needed_ = needed()
    count = len(paragraphs(project))
    rows = db.session.execute(
        select(FalcReading.reader_id, func.count(),
               func.sum(case((FalcReading.understood.is_(True), 1), else_=0)),
               func.max(FalcReading.created_at))
        .where(FalcReading.project_id == project.id, FalcReading.version == version(project))
        .group_by(FalcReading.reader_id)).all()
    good = [(reader_id, last) for reader_id, answered, understood, last in rows
            if count and answered == count and int(understood or 0) == count]
    names = []
    if good:
        names = sorted({r.panel.name for r in db.session.scalars(
            select(FalcReader).where(FalcReader.id.in_([g[0] for g in good])))})
    return Check(needed_, len(good), names, max((g[1] for g in good), default=None))


@dataclass
class Remark:
    paragraph: int
    text: str
    understood: bool
    comment: str


def remarks(project: Project) -> list[Remark]:
    """What readers did not understand, or said, on the current version: for the team."""
    texts = [" ".join(lines) for lines in paragraphs(project)]
    rows = db.session.scalars(select(FalcReading).where(
        FalcReading.project_id == project.id, FalcReading.version == version(project),
        (FalcReading.understood.is_(False)) | (FalcReading.comment != ""))
        .order_by(FalcReading.paragraph, FalcReading.id))
    return [Remark(r.paragraph, texts[r.paragraph - 1] if r.paragraph <= len(texts) else "",
                   r.understood, r.comment) for r in rows]


def register_settings() -> None:
    settings.register(NEEDED, settings.Definition(
        _l("Lecteurs FALC nécessaires pour le logo « Facile à lire »"),
        _l("Nombre de lecteurs d’un groupe de relecture qui doivent avoir compris chaque "
           "partie d’un texte FALC avant qu’il reçoive le logo."), 1, 10))
