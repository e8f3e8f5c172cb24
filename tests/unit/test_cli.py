from sqlalchemy import select

from patientlab.auth.models import User
from patientlab.core.mail import OutboxMessage, queue_mail
from patientlab.core.security import Role, verify_password
from patientlab.demo import DEMO_PASSWORD
from patientlab.extensions import db


def _run(app, *args, **kwargs):
    return app.test_cli_runner().invoke(args=list(args), **kwargs)


def test_create_admin_creates_a_verified_admin(app):
    result = _run(app, "create-admin", "Admin@Exemple.fr", "--password",
                  "une phrase d’administration")
    assert result.exit_code == 0, result.output
    assert "Admin account created: admin@exemple.fr" in result.output
    user = db.session.scalar(select(User).where(User.email == "admin@exemple.fr"))
    assert user.has_role(Role.ADMIN)
    assert user.is_verified
    assert verify_password(user.password_hash, "une phrase d’administration")


def test_create_admin_prompts_for_the_password(app):
    result = _run(app, "create-admin", "chef@exemple.fr",
                  input="une phrase d’administration\nune phrase d’administration\n")
    assert result.exit_code == 0, result.output


def test_create_admin_refuses_a_weak_password(app):
    result = _run(app, "create-admin", "chef@exemple.fr", "--password", "court")
    assert result.exit_code != 0
    assert "12" in result.output
    result = _run(app, "create-admin", "chef@exemple.fr", "--password", "azertyuiop123")
    assert result.exit_code != 0
    assert db.session.scalar(select(User)) is None


def test_create_admin_promotes_an_existing_account(app, make_user):
    make_user(Role.RESEARCHER, email="claire@exemple.fr")
    result = _run(app, "create-admin", "claire@exemple.fr", "--password",
                  "une phrase d’administration")
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == "claire@exemple.fr"))
    assert user.roles == {Role.ADMIN, Role.RESEARCHER}


def test_demo_seed_is_idempotent_and_prints_the_logins(app):
    first = _run(app, "demo-seed")
    assert first.exit_code == 0, first.output
    assert DEMO_PASSWORD in first.output
    for email in ("admin@exemple.fr", "coordination@exemple.fr", "patient@exemple.fr",
                  "association@exemple.fr", "chercheur@exemple.fr", "organisation@exemple.fr",
                  "moderation@exemple.fr"):
        assert email in first.output
    count = db.session.query(User).count()
    second = _run(app, "demo-seed")
    assert second.exit_code == 0
    assert "users +0" in second.output
    assert db.session.query(User).count() == count
    martine = db.session.scalar(select(User).where(User.email == "patient@exemple.fr"))
    assert martine.can_review
    assert verify_password(martine.password_hash, DEMO_PASSWORD)


def test_outbox_send_delivers_and_reports(app, tmp_path, make_user):
    from flask_babel import lazy_gettext as _l

    app.config["MAIL_DIR"] = str(tmp_path)
    user = make_user()
    queue_mail(user.email, _l("Confirmez votre adresse e-mail"), "verify_email", user=user,
               url="https://x.test/", hours=48)
    db.session.commit()
    result = _run(app, "outbox", "send")
    assert result.exit_code == 0, result.output
    assert "sent 1, failed 0" in result.output
    assert db.session.scalar(select(OutboxMessage)).sent_at is not None
    assert len(list(tmp_path.glob("*.eml"))) == 1


def test_outbox_send_exits_non_zero_when_a_message_fails(app, make_user):
    from flask_babel import lazy_gettext as _l

    app.config.update(MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=9)  # nothing listens there
    try:
        user = make_user()
        queue_mail(user.email, _l("Confirmez votre adresse e-mail"), "verify_email",
                   user=user, url="https://x.test/", hours=48)
        db.session.commit()
        result = _run(app, "outbox", "send")
        assert result.exit_code == 1
        assert "failed 1" in result.output
        message = db.session.scalar(select(OutboxMessage))
        db.session.refresh(message)
        assert message.sent_at is None
        assert message.attempts == 1
    finally:
        app.config.update(MAIL_SMTP_HOST="", MAIL_SMTP_PORT=587)


def test_reminders_send_is_idempotent(app):
    from patientlab.events.services.registration import RegistrationData, register
    from tests.factories import make_event

    event = make_event(days=1)
    register(event.id, RegistrationData(
        name="Nadia", email="nadia@exemple.fr", privacy_consent=True))
    db.session.commit()
    assert "event reminders queued: 1" in _run(app, "reminders", "send").output
    assert "event reminders queued: 0" in _run(app, "reminders", "send").output


def test_reminders_send_reminds_reviewers_three_days_before_the_deadline(app):
    from datetime import timedelta

    from patientlab.core.models import utcnow
    from tests.factories import make_application, make_assignment, make_call

    call = make_call(state="review")
    call.review_deadline = utcnow() + timedelta(days=2)
    make_assignment(make_application(call=call))
    db.session.commit()
    assert "review reminders queued: 1" in _run(app, "reminders", "send").output
    assert "review reminders queued: 0" in _run(app, "reminders", "send").output


def test_events_purge_uses_the_configured_delay(app):
    from datetime import timedelta

    from patientlab.core.models import utcnow
    from patientlab.events.models import Registration
    from tests.factories import make_event

    event = make_event()
    event.starts_at = utcnow() - timedelta(days=100)
    event.ends_at = event.starts_at + timedelta(hours=2)
    db.session.add(Registration(event_id=event.id, name="Nadia", email="n@x.fr", seats=1,
                                status="confirmed", link_key="k"))
    db.session.commit()
    assert "erased: 0" in _run(app, "events", "purge", "--days", "120").output
    result = _run(app, "events", "purge")
    assert "erased: 1" in result.output
    assert "90 days" in result.output
    assert _run(app, "events", "purge", "--days", "-1").exit_code != 0


def test_bench_seed_fills_every_table_in_proportion(app):
    from sqlalchemy import func, select

    from patientlab.calls.models import Application, Review
    from patientlab.events.models import Registration
    from patientlab.projects.models import Project

    output = _run(app, "bench-seed", "--scale", "0.01", "--prefix", "essai").output
    assert "users: 100, projects: 10, calls: 1, applications: 20, reviews: 100" in output
    counts = [db.session.scalar(select(func.count()).select_from(model))
              for model in (Project, Application, Review, Registration)]
    assert counts == [10, 20, 100, 500]


def test_privacy_purge_runs_every_retention_job(app):
    output = _run(app, "privacy", "purge").output
    for line in ("unverified erased: 0", "inactive warned: 0", "inactive erased: 0",
                 "registrations erased: 0"):
        assert line in output


def test_demo_evenings_show_what_organisers_rely_on(app):
    """An online evening with its private link, a full one with a waiting list (and
    someone registered by phone without e-mail), and a past one held, with attendance
    (walk-ins included) and enough satisfaction answers to be shown."""
    from patientlab.core.places import department_of
    from patientlab.events.models import Event, EventFormat
    from patientlab.events.services.after_evening import satisfaction_of
    from patientlab.events.services.figures import figures_of
    from patientlab.events.services.listing import counts_for
    from patientlab.events.services.organiser_registrations import registrations_of

    assert _run(app, "demo-seed").exit_code == 0
    evenings = list(db.session.scalars(select(Event)))
    online = next(e for e in evenings if e.format == EventFormat.ONLINE)
    assert online.join_url.startswith("https://")
    counts = counts_for([e.id for e in evenings])
    full = next(e for e in evenings if counts[e.id].waiting)
    assert any(r.email is None and r.phone for r in registrations_of(full))
    held = next(e for e in evenings if e.held_at is not None)
    figures = figures_of(held)
    assert figures.arrived > 0
    assert figures.not_arrived > 0
    assert figures.walk_ins > 0
    # Every evening on site says its real town, postcode and department.
    assert all(e.town and department_of(e.postcode) == e.department
               for e in evenings if e.format == EventFormat.ONSITE)
    assert len({e.department for e in evenings if e.format == EventFormat.ONSITE}) > 1
    satisfaction = satisfaction_of(held)
    assert satisfaction.shown
    assert satisfaction.comments
    assert any(r.companions and r.companions[0].name
               for r in registrations_of(full))
    # The online evening has no room: neither the room's features nor its needs.
    from patientlab.events.models import ROOM_NEEDS

    assert not (online.step_free)
    assert not (online.hearing_loop)
    assert not (online.quiet_room)
    assert online.access_features
    online_needs = {key for r in registrations_of(online) for key in r.needs.split(",")
                    if key}
    assert online_needs
    assert not online_needs & ROOM_NEEDS
    assert not any(c.needs_other for r in registrations_of(online) for c in r.companions)
