from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from patientlab.auth.models import User
from patientlab.core.models import UTCDateTime, utcnow
from patientlab.extensions import db
from patientlab.moderation.models import Moderated


class Bio(Moderated, db.Model):
    """The short presentation a person writes about themself, shown on their member page.

    Moderated like every text people write (it may reveal health details of someone
    else); the row is replaced when its author changes the text.
    """

    __tablename__ = "member_bio"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                           unique=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="joined")
