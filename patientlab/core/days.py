"""Calendar days in Europe/Paris, as the instants stored in the database (UTC).

People give dates (« jusqu’au 31 mars inclus »); the database keeps instants. A day
starts at 00:00 in Paris, and a deadline on a day is stored as the first instant of the
next day, exclusive, so that the whole last day counts whatever the daylight-saving
offset.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=PARIS).astimezone(UTC)


def end_of_day(day: date) -> datetime:
    """The first instant after ``day`` in Paris: a deadline on ``day`` is exclusive of it."""
    return start_of_day(day + timedelta(days=1))


def last_day(deadline: datetime) -> date:
    """The last day included before an exclusive deadline."""
    return (deadline - timedelta(microseconds=1)).astimezone(PARIS).date()


def paris_day(moment: datetime) -> date:
    return moment.astimezone(PARIS).date()


def today() -> date:
    """Today in Paris: between 22:00 and midnight UTC it is already tomorrow there."""
    return datetime.now(PARIS).date()
