"""« Expérience patient » calls: the call and its review form, applications,
assignments of reviewers, reviews, the applicant's answers and the decision."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from patientlab.auth.models import User
from patientlab.core.i18n import Translated, known_text
from patientlab.core.models import UTCDateTime, utcnow
from patientlab.extensions import db


class CallState:
    DRAFT = "draft"
    UPCOMING = "upcoming"
    OPEN = "open"
    REVIEW = "review"
    CLOSED = "closed"
    LABELS = {DRAFT: _l("brouillon"), UPCOMING: _l("à venir"), OPEN: _l("ouvert"),
              REVIEW: _l("en évaluation"), CLOSED: _l("clos")}


class CriterionKind:
    """Kinds of questions. Scored kinds are ordinal: a higher score is better, and every
    kind is shown the same way round, from the lowest answer to the highest, so that the
    same place (or the same arrow key) means the same thing on every question."""

    SCALE = "scale"      # 1 to 5, each level with a label
    CHOICE = "choice"    # non / en partie / oui
    QUALITY = "quality"  # insuffisant / passable / bien / excellent
    TEXT = "text"        # free text only
    LABELS = {SCALE: _l("Échelle de 1 à 5"), CHOICE: _l("Non, en partie, oui"),
              QUALITY: _l("Insuffisant, passable, bien, excellent"),
              TEXT: _l("Texte libre")}
    SCORED = (SCALE, CHOICE, QUALITY)
    CHOICES = {
        CHOICE: [(1, _l("Non")), (2, _l("En partie")), (3, _l("Oui"))],
        QUALITY: [(1, _l("Insuffisant")), (2, _l("Passable")), (3, _l("Bien")),
                  (4, _l("Excellent"))],
    }
    DEFAULT_ANCHORS = [_l("Pas du tout"), _l("Un peu"), _l("Moyennement"), _l("Beaucoup"),
                       _l("Tout à fait")]


class Visibility:
    SHARED = "shared"
    CONFIDENTIAL = "confidential"
    LABELS = {SHARED: _l("Partagé avec le porteur du projet"),
              CONFIDENTIAL: _l("Confidentiel : coordination et comité seulement")}


# The questions a new call starts with (services.default_criteria), asked of public
# reviewers at NIHR and PCORI, in plain French: (label, help, kind, required, comment
# when the score is at or below, visibility). Stored in French when a call is created,
# shown in the reader's language as long as nobody rewrote them (Criterion.display_label).
DEFAULT_QUESTIONS = (
    (_l("Le projet est-il important pour les patients et leurs proches ?"),
     _l("Pensez à votre expérience : la question posée compte-t-elle dans la vie des "
        "personnes malades et de leur entourage ?"), CriterionKind.SCALE, True, 2,
     Visibility.SHARED),
    (_l("Le projet peut-il apporter un bénéfice durable aux patients ?"),
     _l("Si le projet réussit, qu’est-ce qui changera pour les patients, et pour "
        "combien de temps ?"), CriterionKind.SCALE, True, 2, Visibility.SHARED),
    (_l("Qui risque d’être laissé de côté ?"),
     _l("Personnes âgées, éloignées des lieux de soin, qui parlent peu le français, "
        "en situation de handicap ou de précarité… Le projet pense-t-il à elles ?"),
     CriterionKind.TEXT, True, None, Visibility.SHARED),
    (_l("Les patients sont-ils bien impliqués dans le projet ?"),
     _l("Des patients ont-ils participé à la préparation ? Auront-ils un vrai rôle "
        "pendant le projet, et seront-ils dédommagés ?"), CriterionKind.SCALE, True, 2,
     Visibility.SHARED),
    (_l("Le résumé pour les patients est-il clair ?"),
     _l("Avez-vous compris le résumé sans aide ? Les mots techniques sont-ils "
        "expliqués ?"), CriterionKind.QUALITY, True, 2, Visibility.SHARED),
    (_l("Les contraintes pour les participants sont-elles acceptables ?"),
     _l("Déplacements, examens, temps, fatigue, questions éthiques : est-ce "
        "raisonnable pour des personnes malades ?"), CriterionKind.CHOICE, True, 2,
     Visibility.SHARED),
    (_l("Votre avis global sur le projet"),
     _l("Recommanderiez-vous de financer ce projet ?"), CriterionKind.SCALE, True, 2,
     Visibility.SHARED),
    (_l("Commentaire confidentiel pour le comité"),
     _l("Ce que vous voulez dire au comité sans que le porteur du projet le lise."),
     CriterionKind.TEXT, False, None, Visibility.CONFIDENTIAL),
)
DEFAULT_TEXTS = (*(row[0] for row in DEFAULT_QUESTIONS), *(row[1] for row in DEFAULT_QUESTIONS),
                 *CriterionKind.DEFAULT_ANCHORS)


class ApplicationStatus:
    DRAFT = "draft"
    SUBMITTED = "submitted"
    LABELS = {DRAFT: _l("brouillon"), SUBMITTED: _l("déposée")}


class Decision:
    FUNDED = "funded"
    CONDITIONAL = "conditional"
    NOT_FUNDED = "not_funded"
    LABELS = {FUNDED: _l("Financé"), CONDITIONAL: _l("Financé sous conditions"),
              NOT_FUNDED: _l("Non financé")}


class AssignmentStatus:
    PENDING = "pending"      # the reviewer has not yet declared their interests
    ACCEPTED = "accepted"    # no conflict: the reviewer may review
    CONFLICT = "conflict"    # conflict declared: no longer assigned
    LABELS = {PENDING: _l("déclaration de liens d’intérêts attendue"),
              ACCEPTED: _l("acceptée"), CONFLICT: _l("conflit d’intérêts déclaré")}


class ReviewStatus:
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"    # the coordination asked the reviewer to rephrase
    RELEASED = "released"    # shared with the applicant
    LABELS = {DRAFT: _l("brouillon"), SUBMITTED: _l("envoyée"),
              RETURNED: _l("à reformuler"), RELEASED: _l("transmise au porteur")}


COI_REASONS = {
    "knows_team": _l("Je connais personnellement l’équipe du projet"),
    "same_place": _l("Je me fais soigner ou je travaille dans le même établissement"),
    "involved": _l("Je participe au projet ou à un projet concurrent"),
    "other": _l("Autre lien"),
}


class Call(db.Model):
    __tablename__ = "call"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The network that runs it (its address starts with the network's slug).
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="RESTRICT"),
                                            index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    eligibility: Mapped[str] = mapped_column(Text, default="")
    # Instants in UTC. Deadlines are exclusive: the call accepts while now < deadline.
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    application_deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    review_deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    response_deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    results_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    form_frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    criteria: Mapped[list["Criterion"]] = relationship(
        back_populates="call", order_by="Criterion.position", cascade="all, delete-orphan",
        lazy="selectin")
    # The other networks that run it with the lead (read with the call, in one query for
    # a whole list).
    partner_rows: Mapped[list["CallPartner"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="CallPartner.network_id")

    @property
    def partner_ids(self) -> tuple[int, ...]:
        return tuple(row.network_id for row in self.partner_rows)

    @property
    def network_ids(self) -> tuple[int, ...]:
        """The networks that run the call: the lead first, then its partners."""
        return (self.network_id, *self.partner_ids)

    def network_for(self, user_network_ids) -> int:
        """The call's network to link ``user`` to: the first of the call's where they work
        (their own pages let them in), else the lead."""
        for network_id in self.network_ids:
            if network_id in user_network_ids:
                return network_id
        return self.network_id

    @classmethod
    def run_by(cls, network_ids):
        """A condition: the call is run by one of ``network_ids`` (lead or partner)."""
        ids = sorted(network_ids)
        return or_(cls.network_id.in_(ids), cls.id.in_(
            select(CallPartner.call_id).where(CallPartner.network_id.in_(ids))))

    def state(self, now: datetime) -> str:
        if self.published_at is None:
            return CallState.DRAFT
        if now < self.opens_at:
            return CallState.UPCOMING
        if now < self.application_deadline:
            return CallState.OPEN
        if now < self.results_at:
            return CallState.REVIEW
        return CallState.CLOSED

    def accepts_applications(self, now: datetime) -> bool:
        return self.state(now) == CallState.OPEN

    @property
    def is_form_frozen(self) -> bool:
        return self.form_frozen_at is not None


class CallPartner(db.Model):
    """A network that runs a call together with the call's own (lead) network: the call is
    in its lists, its pages answer under its address, its coordination manages it."""

    __tablename__ = "call_partner"

    call_id: Mapped[int] = mapped_column(
        ForeignKey("call.id", ondelete="CASCADE"), primary_key=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("network.id", ondelete="RESTRICT"), primary_key=True, index=True)


class Criterion(db.Model):
    __tablename__ = "call_criterion"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str] = mapped_column(String(300))
    help_text: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(10), default=CriterionKind.SCALE)
    anchors: Mapped[str] = mapped_column(Text, default="")  # five labels, one per line
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    # A comment is required when the score is at or below this value (None: never).
    comment_below: Mapped[int | None] = mapped_column(Integer)
    visibility: Mapped[str] = mapped_column(String(12), default=Visibility.SHARED)

    call: Mapped[Call] = relationship(back_populates="criteria")

    @property
    def is_scored(self) -> bool:
        return self.kind in CriterionKind.SCORED

    @property
    def is_shared(self) -> bool:
        return self.visibility == Visibility.SHARED

    @property
    def max_score(self) -> int:
        return {CriterionKind.SCALE: 5, CriterionKind.CHOICE: 3,
                CriterionKind.QUALITY: 4}.get(self.kind, 0)

    @property
    def display_label(self) -> str:
        """The question in the reader's language when it is one of the default questions;
        otherwise the coordinator's own words (marked ``lang="fr"`` by ``|written``)."""
        return known_text(self.label, DEFAULT_TEXTS)

    @property
    def display_help(self) -> str:
        return known_text(self.help_text, DEFAULT_TEXTS)

    def options(self) -> list[tuple[int, str]]:
        """(score, label), lowest first for every kind (1 to 5 for scales, « Non » to
        « Oui », « Insuffisant » to « Excellent »). The stored scores keep their meaning:
        only the order they are shown in is the same everywhere."""
        if self.kind == CriterionKind.SCALE:
            labels = [line.strip() for line in self.anchors.split("\n") if line.strip()]
            shown = ([known_text(label, DEFAULT_TEXTS) for label in labels] if len(labels) == 5
                     else [Translated(label) for label in CriterionKind.DEFAULT_ANCHORS])
            return [(n, Translated(f"{n} – {text}") if isinstance(text, Translated)
                     else f"{n} – {text}") for n, text in enumerate(shown, start=1)]
        return [(value, Translated(label))
                for value, label in CriterionKind.CHOICES.get(self.kind, [])]

    def score_label(self, score: int | None) -> str:
        return dict(self.options()).get(score, "") if score is not None else ""


class Application(db.Model):
    __tablename__ = "call_application"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"),
                                                 index=True)
    title: Mapped[str] = mapped_column(String(200))
    lay_summary: Mapped[str] = mapped_column(Text, default="")
    scientific_summary: Mapped[str] = mapped_column(Text, default="")
    involvement_plan: Mapped[str] = mapped_column(Text, default="")
    budget_summary: Mapped[str] = mapped_column(Text, default="")
    team: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default=ApplicationStatus.DRAFT, index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Optional PDF, stored outside static/ under a random name.
    attachment_key: Mapped[str] = mapped_column(String(64), default="")
    attachment_name: Mapped[str] = mapped_column(String(200), default="")
    attachment_size: Mapped[int] = mapped_column(Integer, default=0)
    feedback_released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response_general: Mapped[str] = mapped_column(Text, default="")
    response_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The answer being written, not yet sent (JSON: {"general": …, "comments": {id: …}}):
    # nobody else reads it, and it survives a session that expires.
    response_draft: Mapped[str] = mapped_column(Text, default="", server_default="")
    decision: Mapped[str] = mapped_column(String(12), default="")
    decision_rationale: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    call: Mapped[Call] = relationship(lazy="joined")
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id], lazy="joined")

    @property
    def is_submitted(self) -> bool:
        return self.status == ApplicationStatus.SUBMITTED


class Assignment(db.Model):
    __tablename__ = "review_assignment"
    __table_args__ = (UniqueConstraint("application_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("call_application.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                             index=True)
    status: Mapped[str] = mapped_column(String(10), default=AssignmentStatus.PENDING)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    coi_declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    coi_reason: Mapped[str] = mapped_column(String(20), default="")
    coi_details: Mapped[str] = mapped_column(Text, default="")
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    application: Mapped[Application] = relationship(lazy="joined")
    reviewer: Mapped[User] = relationship(foreign_keys=[reviewer_id], lazy="joined")
    # A draft review goes with its assignment when a coordinator withdraws it.
    review: Mapped["Review | None"] = relationship(back_populates="assignment", uselist=False,
                                                   lazy="selectin",
                                                   cascade="all, delete-orphan")


class Review(db.Model):
    __tablename__ = "review"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("review_assignment.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(10), default=ReviewStatus.DRAFT, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    return_message: Mapped[str] = mapped_column(Text, default="")
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    assignment: Mapped[Assignment] = relationship(back_populates="review")
    answers: Mapped[list["ReviewAnswer"]] = relationship(
        back_populates="review", cascade="all, delete-orphan", lazy="selectin")

    def answer_for(self, criterion_id: int) -> "ReviewAnswer | None":
        return next((a for a in self.answers if a.criterion_id == criterion_id), None)


class ReviewAnswer(db.Model):
    __tablename__ = "review_answer"
    __table_args__ = (UniqueConstraint("review_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(ForeignKey("call_criterion.id",
                                                         ondelete="CASCADE"), index=True)
    score: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    # The applicant's answer to this comment (« vous avez dit, nous avons fait »).
    response: Mapped[str] = mapped_column(Text, default="")

    review: Mapped[Review] = relationship(back_populates="answers")



class ReviewRating(db.Model):
    """The coordination's private rating of a review (« utile », « trop vague »…), to
    coach new reviewers. Reviewers see only their own anonymous summary; applicants
    never see ratings."""

    __tablename__ = "review_rating"
    __table_args__ = (UniqueConstraint("review_id", "rater_id"),)

    USEFUL, VAGUE, UNCONSTRUCTIVE = "useful", "too_vague", "not_constructive"
    LABELS = {USEFUL: _l("utile"), VAGUE: _l("trop vague"),
              UNCONSTRUCTIVE: _l("pas constructive")}

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"),
                                           index=True)
    rater_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    rating: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# --- The selection committee (rules and pages: committee.py) ----------------------------


class CommitteeSession(db.Model):
    __tablename__ = "committee_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    meets_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    scale_max: Mapped[int] = mapped_column(Integer, default=9)
    state: Mapped[str] = mapped_column(String(10), default="planned")  # committee.PLANNED
    current_item_id: Mapped[int | None] = mapped_column(Integer)
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    call: Mapped[Call] = relationship(lazy="joined")
    chair: Mapped[User | None] = relationship(foreign_keys=[chair_id], lazy="joined")
    items: Mapped[list["AgendaItem"]] = relationship(
        back_populates="session", order_by="AgendaItem.position", cascade="all, delete-orphan")
    members: Mapped[list["CommitteeMember"]] = relationship(
        back_populates="session", order_by="CommitteeMember.id", cascade="all, delete-orphan")


class CommitteeMember(db.Model):
    __tablename__ = "committee_member"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("committee_session.id",
                                                       ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    group: Mapped[str] = mapped_column(String(10))
    present: Mapped[bool] = mapped_column(Boolean, default=False)
    secretary: Mapped[bool] = mapped_column(Boolean, default=False)

    session: Mapped[CommitteeSession] = relationship(back_populates="members")
    user: Mapped[User] = relationship(lazy="joined")


class AgendaItem(db.Model):
    __tablename__ = "committee_item"
    __table_args__ = (UniqueConstraint("session_id", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("committee_session.id",
                                                       ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("call_application.id",
                                                           ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(10), default="waiting")  # committee.WAITING
    notes: Mapped[str] = mapped_column(Text, default="")
    recommendation: Mapped[str] = mapped_column(String(12), default="")
    reasons: Mapped[str] = mapped_column(Text, default="")

    session: Mapped[CommitteeSession] = relationship(back_populates="items")
    application: Mapped[Application] = relationship(lazy="joined")


class CommitteeScore(db.Model):
    """One member's scores on one item, and their conflict if they declared one."""

    __tablename__ = "committee_score"
    __table_args__ = (UniqueConstraint("item_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("committee_item.id", ondelete="CASCADE"),
                                         index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("committee_member.id",
                                                      ondelete="CASCADE"), index=True)
    conflict: Mapped[bool] = mapped_column(Boolean, default=False)
    preliminary: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    final: Mapped[int | None] = mapped_column(Integer)
    final_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
