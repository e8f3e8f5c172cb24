"""`flask events …`: the command-line tools of « Parle-Moi »."""

import click

from patientlab.core.transaction import unit_of_work


@click.group("events")
def events():
    """« Parle-Moi » events."""


@events.command("purge")
@click.option("--days", type=int, default=None,
              help="Days after an event (default: the admin setting, else EVENT_PURGE_DAYS, 90).")
def events_purge(days):
    """Erase registrants' personal data some days after each event."""
    from patientlab.core.settings import setting

    from .services.after_evening import purge_personal_data

    days = setting("EVENT_PURGE_DAYS") if days is None else days
    if days < 0:
        raise click.BadParameter("must be 0 or more", param_hint="--days")
    with unit_of_work():
        erased = purge_personal_data(days)
    click.echo(f"registrations erased: {erased} (events ended more than {days} days ago)")
