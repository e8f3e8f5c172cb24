from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from patientlab.auth.models import User
from patientlab.core.models import UTCDateTime, utcnow
from patientlab.extensions import db
from patientlab.moderation.models import Moderated

CANCER_TYPES = {
    "sein": _l("Cancer du sein"),
    "poumon": _l("Cancer du poumon"),
    "colorectal": _l("Cancer colorectal"),
    "prostate": _l("Cancer de la prostate"),
    "hematologie": _l("Leucémies et lymphomes"),
    "peau": _l("Mélanome et cancers de la peau"),
    "gynecologique": _l("Cancers gynécologiques"),
    "orl": _l("Cancers ORL"),
    "pancreas": _l("Cancer du pancréas"),
    "pediatrie": _l("Cancers de l’enfant et de l’adolescent"),
    "tous": _l("Tous les cancers"),
}

THEMES = {
    "qualite-de-vie": _l("Qualité de vie"),
    "nutrition-activite": _l("Nutrition et activité physique"),
    "entourage": _l("Entourage familial et aidants"),
    "prevention": _l("Prévention et dépistage"),
    "traitements": _l("Traitements et effets secondaires"),
    "emploi": _l("Travail et retour à l’emploi"),
    "inegalites": _l("Inégalités et accès aux soins"),
    "apres-cancer": _l("Vivre après un cancer"),
}

REGIONS = {
    "est": "Cancéropôle Est",
    "grand-ouest": "Cancéropôle Grand Ouest",
    "ile-de-france": "Cancéropôle Île-de-France",
    "clara": "Cancéropôle Lyon Auvergne-Rhône-Alpes (CLARA)",
    "nord-ouest": "Cancéropôle Nord-Ouest",
    "provence": "Cancéropôle Provence-Alpes-Côte d’Azur",
    "grand-sud-ouest": "Cancéropôle Grand Sud-Ouest",
}


class ResearchStatus:
    PREPARING = "preparing"
    RUNNING = "running"
    FINISHED = "finished"
    LABELS = {
        PREPARING: _l("En préparation"),
        RUNNING: _l("En cours"),
        FINISHED: _l("Terminé"),
    }


class Publication:
    DRAFT = "draft"
    SUBMITTED = "submitted"
    PUBLISHED = "published"
    RETURNED = "returned"
    LABELS = {
        DRAFT: _l("Brouillon"),
        SUBMITTED: _l("En attente de publication"),
        PUBLISHED: _l("Publié"),
        RETURNED: _l("À retravailler"),
    }


class Project(db.Model):
    __tablename__ = "project"
    __table_args__ = (
        Index("ix_project_publication_published_at", "publication", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The network that runs it (its address starts with the network's slug).
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="RESTRICT"),
                                            index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"),
                                          index=True)
    title: Mapped[str] = mapped_column(String(200))
    title_sort: Mapped[str] = mapped_column(String(200), index=True, default="")
    teaser: Mapped[str] = mapped_column(String(400), default="")
    research_status: Mapped[str] = mapped_column(String(12), default=ResearchStatus.PREPARING,
                                                 index=True)
    region: Mapped[str] = mapped_column(String(30), default="")
    team: Mapped[str] = mapped_column(Text, default="")
    lab: Mapped[str] = mapped_column(String(200), default="")
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    # Lay summary, sanitised rich text
    why: Mapped[str] = mapped_column(Text, default="")
    what: Mapped[str] = mapped_column(Text, default="")
    change: Mapped[str] = mapped_column(Text, default="")
    involvement: Mapped[str] = mapped_column(Text, default="")
    scientific_abstract: Mapped[str] = mapped_column(Text, default="")
    # Easy-to-read version (FALC): plain text, one sentence per line
    falc_text: Mapped[str] = mapped_column(Text, default="")
    # Publication workflow
    publication: Mapped[str] = mapped_column(String(12), default=Publication.DRAFT)
    return_reason: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Accent-free, lower-case text of title, teaser and summary, for search
    search_text: Mapped[str] = mapped_column(Text, default="")
    # Its French stems (core.search), which SQLite's full-text index holds
    search_stems: Mapped[str] = mapped_column(Text, default="", server_default="")

    owner: Mapped[User] = relationship(lazy="joined", foreign_keys=[owner_id])
    cancer_type_rows: Mapped[list["ProjectCancerType"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin")
    theme_rows: Mapped[list["ProjectTheme"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin")

    @property
    def cancer_types(self) -> list[str]:
        return sorted(row.slug for row in self.cancer_type_rows)

    @property
    def themes(self) -> list[str]:
        return sorted(row.slug for row in self.theme_rows)

    @property
    def is_published(self) -> bool:
        return self.publication == Publication.PUBLISHED

    @property
    def has_falc(self) -> bool:
        return bool(self.falc_text.strip())


class ProjectCancerType(db.Model):
    __tablename__ = "project_cancer_type"

    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"),
                                            primary_key=True)
    slug: Mapped[str] = mapped_column(String(30), primary_key=True, index=True)


class ProjectTheme(db.Model):
    __tablename__ = "project_theme"

    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"),
                                            primary_key=True)
    slug: Mapped[str] = mapped_column(String(30), primary_key=True, index=True)


class Question(Moderated, db.Model):
    """A question about a project: pre-moderated, answered publicly by the team."""

    __tablename__ = "project_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"),
                                            index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"),
                                                  index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    project: Mapped[Project] = relationship(lazy="joined")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id], lazy="joined")
    answer: Mapped["Answer | None"] = relationship(
        back_populates="question", uselist=False, lazy="selectin", cascade="all, delete-orphan")

    @property
    def published_answer(self) -> "Answer | None":
        return self.answer if self.answer is not None and self.answer.is_published else None


class Answer(Moderated, db.Model):
    """The project team's public answer to a question, moderated like every text."""

    __tablename__ = "project_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("project_question.id", ondelete="CASCADE"), unique=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"),
                                                  index=True)
    body: Mapped[str] = mapped_column(Text)
    # When the text last changed: the moderation queue's age counts from there.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The asker is told once, when an answer is first published.
    asker_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    question: Mapped[Question] = relationship(back_populates="answer", lazy="joined")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id], lazy="joined")


class ClarityRating(db.Model):
    """« Was this clear? » — a patient expert's 1–5 rating of a lay summary."""

    __tablename__ = "clarity_rating"
    __table_args__ = (
        UniqueConstraint("project_id", "user_id"),
        CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"),
                                            index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    score: Mapped[int] = mapped_column(Integer)
    unclear: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


#: Rows of the national glossary and plain-word list: no network.
NATIONAL_ROW = text("network_id IS NULL")


def _unique_per_network(table: str, column: str) -> tuple:
    """``column`` once in each network's own list and once in the national list (a
    unique constraint alone lets NULL network ids repeat a word)."""
    return (UniqueConstraint("network_id", column, name=f"uq_{table}_network_{column}"),
            Index(f"uq_{table}_national_{column}", column, unique=True,
                  sqlite_where=NATIONAL_ROW, postgresql_where=NATIONAL_ROW))


class GlossaryTerm(db.Model):
    """A word explained on the glossary page: the national glossary's (``network_id``
    empty), shown in every network, or one network's own, shown in its pages only."""

    __tablename__ = "glossary_term"
    __table_args__ = (*_unique_per_network("glossary_term", "term"),
                      *_unique_per_network("glossary_term", "slug"))

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int | None] = mapped_column(
        ForeignKey("network.id", ondelete="CASCADE"), index=True)
    term: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(140))
    definition: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PlainWord(db.Model):
    """The « mots simples » list: a hard word or phrase (« ancillaire », « critère de
    jugement ») and the plain words to use instead, one per line; national (``network_id``
    empty) or one network's own, like the glossary."""

    __tablename__ = "plain_word"
    __table_args__ = _unique_per_network("plain_word", "word")

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int | None] = mapped_column(
        ForeignKey("network.id", ondelete="CASCADE"), index=True)
    word: Mapped[str] = mapped_column(String(120))
    alternatives: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def alternative_list(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.alternatives.splitlines() if line.strip())


# --- FALC reading panels -------------------------------------------------------------


class FalcPanel(db.Model):
    """A group of readers who check easy-to-read texts (an ESAT's FALC workshop, an
    association's group): the page says the panel's name once they have checked."""

    __tablename__ = "falc_panel"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FalcReader(db.Model):
    """One reader of a panel, known by a first name: no account, no e-mail; their
    personal link (signed, with ``key``) opens their pages. A new key revokes it."""

    __tablename__ = "falc_reader"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("falc_panel.id", ondelete="CASCADE"),
                                          index=True)
    name: Mapped[str] = mapped_column(String(120))
    key: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    panel: Mapped[FalcPanel] = relationship(lazy="joined")


class FalcReading(db.Model):
    """A reader's answer for one paragraph of one version of a FALC text."""

    __tablename__ = "falc_reading"
    __table_args__ = (UniqueConstraint("reader_id", "project_id", "version", "paragraph"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reader_id: Mapped[int] = mapped_column(ForeignKey("falc_reader.id", ondelete="CASCADE"),
                                           index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"),
                                            index=True)
    version: Mapped[str] = mapped_column(String(16))  # of the text read (falc.version)
    paragraph: Mapped[int] = mapped_column(Integer)  # 1, 2, 3…
    understood: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# --- Following a project: milestones, news, results -------------------------------------


class Milestone(Moderated, db.Model):
    """A step of the project's timeline, planned for a month and, later, reached:
    « Les inclusions commencent », « 200 personnes incluses », « Premiers résultats »."""

    __tablename__ = "project_milestone"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"),
                                            index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    label: Mapped[str] = mapped_column(String(200))
    planned_on: Mapped[date | None] = mapped_column(Date)
    reached_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    project: Mapped[Project] = relationship(lazy="joined")


class ProjectUpdate(Moderated, db.Model):
    """A short piece of news from the team, in plain words; followers are told once it
    is public."""

    __tablename__ = "project_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"),
                                            index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"),
                                                  index=True)
    body: Mapped[str] = mapped_column(Text)
    # The milestone this news says is reached, if any.
    milestone_id: Mapped[int | None] = mapped_column(
        ForeignKey("project_milestone.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    followers_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    project: Mapped[Project] = relationship(lazy="joined")
    milestone: Mapped[Milestone | None] = relationship(lazy="joined")


RESULT_FIELDS = ("searched", "found", "means", "next_steps")


class ProjectResults(Moderated, db.Model):
    """« Ce que nous avons trouvé »: the results told in plain words, in four sections
    like the lay summary, with an easy-to-read version if the team writes one."""

    __tablename__ = "project_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"),
                                            unique=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    searched: Mapped[str] = mapped_column(Text, default="")
    found: Mapped[str] = mapped_column(Text, default="")
    means: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    falc_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # First made public: followers and past evenings' registrants are told once.
    first_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    project: Mapped[Project] = relationship(lazy="joined")

    @property
    def moderation_text(self) -> str:
        """What a moderator reads: the four sections and the easy-to-read version."""
        from patientlab.core.text import plain_from_html

        parts = [plain_from_html(getattr(self, name), links=True) for name in RESULT_FIELDS]
        return "\n\n".join(part for part in [*parts, self.falc_text] if part.strip())
