"""Command-line tools: ``flask --app wsgi <command>``."""

import click
from flask import current_app
from sqlalchemy import select

from patientlab.core.security import Role, hash_password, is_common_password
from patientlab.core.transaction import unit_of_work
from patientlab.extensions import db


def register_cli(app) -> None:
    app.cli.add_command(create_admin)
    app.cli.add_command(demo_seed)
    app.cli.add_command(demo_code)
    app.cli.add_command(outbox)
    app.cli.add_command(reminders)
    app.cli.add_command(bench_seed)
    app.cli.add_command(privacy)


@click.command("create-admin")
@click.argument("email")
@click.option("--name", default="Administration", help="Nom affiché.")
@click.password_option(help="Mot de passe (demandé s’il n’est pas donné).")
def create_admin(email, name, password):
    """Create an administrator account, or give the admin role to an existing one."""
    from patientlab.core.text import normalise_email

    email = normalise_email(email)
    if "@" not in email:
        raise click.BadParameter("adresse e-mail invalide", param_hint="EMAIL")
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise click.BadParameter(f"au moins {minimum} caractères", param_hint="--password")
    if is_common_password(password):
        raise click.BadParameter("mot de passe trop courant", param_hint="--password")
    with unit_of_work():
        action = _make_admin(email, name, password)
    click.echo(f"Admin account {action}: {email}")


def _make_admin(email: str, name: str, password: str) -> str:
    from patientlab.auth.models import User, UserRole
    from patientlab.core import audit
    from patientlab.core.models import utcnow

    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name, password_hash=hash_password(password),
                    email_verified_at=utcnow())
        db.session.add(user)
        db.session.flush()
        action = "created"
    else:
        user.password_hash = hash_password(password)
        action = "updated"
    if not user.has_role(Role.ADMIN):
        db.session.add(UserRole(user_id=user.id, role=Role.ADMIN))
    audit.record(None, "admin.create_cli", user, summary=f"{action} {email}")
    return action



@click.command("demo-seed")
def demo_seed():
    """Fill the database with French demo data (safe to run again)."""
    from flask import current_app

    from patientlab.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TOTP_SECRET, seed

    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("demo data has published passwords: never in production")
    with unit_of_work():
        created = seed()
    click.echo("Demo data: " + ", ".join(f"{k} +{v}" for k, v in created.items()))
    click.echo(f"Demo accounts (password: {DEMO_PASSWORD}):")
    two_step = set(current_app.config["MFA_REQUIRED_ROLES"])
    for email, name, roles in DEMO_ACCOUNTS:
        mark = " *" if {role.split(" ", 1)[0] for role in roles} & two_step else ""
        click.echo(f"  {email:<26} {name} — {', '.join(roles)}{mark}")
    click.echo("* two-step login: after the password, type the code printed by "
               "`make demo-code` in another terminal, or add the key "
               f"{DEMO_TOTP_SECRET} to an authenticator app.")


@click.command("demo-code")
def demo_code():
    """The code the demo accounts' authenticator app shows now (two-step login)."""
    import pyotp
    from flask import current_app

    from patientlab.demo import DEMO_TOTP_SECRET

    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("no demo accounts in production")
    click.echo(pyotp.TOTP(DEMO_TOTP_SECRET).now())


@click.group("outbox")
def outbox():
    """Mail outbox."""


@outbox.command("send")
def outbox_send():
    """Deliver every due message; failures are retried later."""
    from patientlab.core.mail import send_pending

    sent, failed = send_pending()
    click.echo(f"sent {sent}, failed {failed} (will be retried)")
    if failed:
        raise SystemExit(1)


@click.group("reminders")
def reminders():
    """Reminder mails."""


@reminders.command("send")
def reminders_send():
    """Queue every reminder due now, as each feature registered them (evenings within
    48 hours, reviews due in 3 days…). Safe to re-run: each reminder is sent once."""
    from patientlab.core.reminders import run_all

    counts = run_all()  # each job its own unit of work
    for label, count in counts.items():
        click.echo(f"{label} reminders queued: {count}")


@click.command("bench-seed")
@click.option("--scale", type=float, default=1.0, show_default=True,
              help="1 = 10 000 comptes, 1 000 projets, 2 000 candidatures, 50 000 inscriptions.")
@click.option("--prefix", default="banc", show_default=True,
              help="Début des adresses e-mail et des titres créés.")
@click.option("--networks", type=click.IntRange(1, 50), default=1, show_default=True,
              help="Nombre de réseaux entre lesquels les projets, appels et soirées sont "
                   "répartis.")
def bench_seed(scale, prefix, networks):
    """Fill the database at national scale for benchmarks (bulk inserts)."""
    import time

    from patientlab.demo.scale import seed

    started = time.perf_counter()
    with unit_of_work():
        counts = seed(scale, prefix=prefix, networks=networks)
    click.echo(", ".join(f"{name}: {count}" for name, count in counts.items()))
    click.echo(f"done in {time.perf_counter() - started:.1f} s")


@click.group("privacy")
def privacy():
    """Personal data retention."""


@privacy.command("purge")
def privacy_purge():
    """Erase unconfirmed and long-inactive accounts (after a warning) and the personal data
    of past event registrations. Run daily; safe to run again."""
    from patientlab.auth.retention import purge

    with unit_of_work():
        counts = purge()
    for name, count in counts.items():
        click.echo(f"{name.replace('_', ' ')}: {count}")
