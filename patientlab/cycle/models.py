"""The links the research cycle owns: which funded application a project page was made
from, and which projects an evening presents. Calls, projects and events keep no key to
each other's tables; these two tables join them."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from patientlab.core.models import UTCDateTime, utcnow
from patientlab.extensions import db


class ProjectFunding(db.Model):
    """A project page made from (or linked to) a funded application: one page per
    application, one application per page."""

    __tablename__ = "project_funding"

    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"),
                                            primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("call_application.id", ondelete="CASCADE"), unique=True)
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the application's patient reviewers were invited to follow the project (once,
    # when the page is both linked and published).
    reviewers_invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class EveningProject(db.Model):
    """A research project an evening presents: chosen by its organiser or the
    coordination; the project page says « Présenté à la soirée du… »."""

    __tablename__ = "event_project"

    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"),
                                          primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"),
                                            primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the people who came were told that this project's results are published.
    results_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
