from datetime import datetime

from flask import has_app_context
from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from patientlab.associations.models import Association
from patientlab.core.models import UTCDateTime, utcnow
from patientlab.core.security import Role, new_session_token
from patientlab.extensions import db
from patientlab.networks import context
from patientlab.networks.models import NetworkRole


class RequestStatus:
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200), default="")
    name: Mapped[str] = mapped_column(String(120))
    pseudonym: Mapped[str] = mapped_column(String(60), default="")
    association_id: Mapped[int | None] = mapped_column(
        ForeignKey("association.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locale: Mapped[str | None] = mapped_column(String(5))
    # Flask-Login's id: changing it ends every session of this account.
    session_token: Mapped[str] = mapped_column(
        String(64), unique=True, default=new_session_token
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Suspended accounts may log in to read and to export their data, nothing else.
    suspended_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    suspension_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    suspended_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL", name="fk_user_suspended_by_id"))
    # Retention: when the person was told that their inactive account will be erased.
    inactivity_warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Trusted authors are published at once and moderated afterwards.
    trusted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Two-step login (TOTP, RFC 6238): the shared secret, when it was turned on, and the
    # last time step accepted, so that a code cannot be used twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    # Display preferences (also kept in a cookie for visitors).
    pref_text_size: Mapped[int] = mapped_column(Integer, default=100)
    pref_high_contrast: Mapped[bool] = mapped_column(Boolean, default=False)
    pref_dyslexia_font: Mapped[bool] = mapped_column(Boolean, default=False)
    pref_wide_spacing: Mapped[bool] = mapped_column(Boolean, default=False)
    pref_reduced_motion: Mapped[bool] = mapped_column(Boolean, default=False)

    association: Mapped[Association | None] = relationship(lazy="joined")
    role_rows: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin",
        foreign_keys="UserRole.user_id",
    )
    # Roles held in one network (coordination, organisation, moderation).
    network_role_rows: Mapped[list[NetworkRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", foreign_keys=[NetworkRole.user_id],
    )

    def get_id(self) -> str:
        return self.session_token

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def roles(self) -> set[str]:
        """The person's roles here: their own across the platform, and those held in the
        network this request is about (in every network on a page of the whole
        platform, such as « Mon espace », whose lists then name each item's network)."""
        network_id = context.current_id() if has_app_context() else None
        return {row.role for row in self.role_rows} | {
            row.role for row in self.network_role_rows
            if network_id is None or row.network_id == network_id}

    @property
    def roles_anywhere(self) -> set[str]:
        """Every role the person holds, in any network: what an action on the whole
        account (a suspension) must weigh, whatever network's address it is done under."""
        return {row.role for row in self.role_rows} | {
            row.role for row in self.network_role_rows}

    def roles_in(self, network_id: int) -> set[str]:
        """The roles that count in ``network_id``: the person's own and that network's."""
        return {row.role for row in self.role_rows} | {
            row.role for row in self.network_role_rows if row.network_id == network_id}

    def network_ids_with(self, *roles: str) -> set[int]:
        """The networks in which the person holds one of ``roles``."""
        return {row.network_id for row in self.network_role_rows if row.role in roles}

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def has_any_role(self, roles) -> bool:
        return bool(self.roles & set(roles))

    @property
    def is_suspended(self) -> bool:
        return self.suspended_until is not None and self.suspended_until > utcnow()

    @property
    def has_two_step_login(self) -> bool:
        return self.totp_enabled_at is not None and bool(self.totp_secret)

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def can_review(self) -> bool:
        """Validated patient experts and association representatives may review."""
        return self.has_any_role(Role.REVIEWERS)

    @property
    def public_name(self) -> str:
        return self.pseudonym or self.name

    @property
    def visitor_name(self) -> str:
        """What people who are not logged in see: the chosen public name, or the first name
        and the initial of the last (« Martine D. »), never a full real name, which next to
        a question on cancer research would tell a stranger of an illness."""
        if self.pseudonym:
            return self.pseudonym
        parts = self.name.split()
        if len(parts) < 2:
            return self.name
        return f"{parts[0]} {parts[-1][:1]}."

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email!r}>"


class UserRole(db.Model):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(30), primary_key=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(back_populates="role_rows", foreign_keys=[user_id])


class RoleRequest(db.Model):
    """A request to hold a role that a coordinator must validate."""

    __tablename__ = "role_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(10), default=RequestStatus.PENDING, index=True)
    motivation: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class CharterAcceptance(db.Model):
    """Which version of the participation charter a user accepted, and when."""

    __tablename__ = "charter_acceptance"
    __table_args__ = (UniqueConstraint("user_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    version: Mapped[str] = mapped_column(String(20))
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CharterVersion(db.Model):
    """A version of the participation charter, with its whole text in French and English
    (rich text, cleaned by core.sanitize): reviewers accept each new version."""

    __tablename__ = "charter_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(20), unique=True)
    summary: Mapped[str] = mapped_column(Text, default="")  # what changed, in plain words
    summary_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    body: Mapped[str] = mapped_column(Text)
    # Empty for the versions published before the English text was asked for: the
    # French text is shown, marked as French.
    body_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"))

    def text_in(self, lang: str) -> tuple[str, str]:
        """The whole text to show in ``lang``, and the language it is written in."""
        if lang == "en" and self.body_en:
            return self.body_en, "en"
        return self.body, "fr"

    def summary_in(self, lang: str) -> tuple[str, str]:
        if lang == "en" and self.summary_en:
            return self.summary_en, "en"
        return self.summary, "fr"


@event.listens_for(CharterVersion.__table__, "after_create")
def _first_version(table, connection, **_):
    """A database made from the models (development, tests) starts with the first
    version's text, as the migrations give it to the others."""
    from .charter_seed import first_version

    connection.execute(table.insert().values(**first_version()))


class RecoveryCode(db.Model):
    """A single-use code that replaces the authenticator app when the phone is lost.

    Only a hash is kept: the person sees the codes once, when they are made.
    """

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
