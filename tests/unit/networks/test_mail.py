"""Mail written for a network comes from it: its sender, its signature, its contact."""

from flask_babel import lazy_gettext as _l

from patientlab.core.mail import send_pending
from patientlab.networks import context
from tests.factories import NetworkFactory, UserFactory
from tests.unit.core.test_mail import RecordingTransport


def _paca():
    return NetworkFactory(slug="paca", short_name="PACA",
                          name="Cancéropôle Provence-Alpes-Côte d’Azur",
                          mail_sender_name="Parle-Moi – Cancéropôle PACA",
                          mail_sender_address="parle-moi@paca.exemple.fr",
                          contact_email="contact@paca.exemple.fr",
                          signature="L’équipe « Parle-Moi » du Cancéropôle PACA")


def _mail(user):
    from patientlab.core.mail import notify

    return notify(user, _l("Mot de passe modifié"), "password_changed")


def test_a_mail_written_for_a_network_is_sent_and_signed_in_its_name(app):
    paca = _paca()
    user = UserFactory(email="martine@exemple.fr", name="Martine")
    with app.test_request_context("/"), context.within(paca):
        message = _mail(user)
    assert message.sender == "Parle-Moi – Cancéropôle PACA <parle-moi@paca.exemple.fr>"
    assert "L’équipe « Parle-Moi » du Cancéropôle PACA" in message.body_text
    assert "contact@paca.exemple.fr" in message.body_text
    assert "L’équipe PatientLab" not in message.body_text
    transport = RecordingTransport()
    send_pending(transport=transport)
    sent = [m for m in transport.sent if m["To"] == "martine@exemple.fr"]
    assert sent[0]["From"] == message.sender


def test_outside_a_network_or_without_its_address_the_platform_writes(app):
    quiet = NetworkFactory(mail_sender_address="")
    user = UserFactory(email="karim@exemple.fr", name="Karim")
    with app.test_request_context("/"):
        national = _mail(user)
        with context.within(quiet):
            unnamed = _mail(user)
    for message in (national, unnamed):
        assert message.sender == ""
        assert "L’équipe PatientLab" in message.body_text
    transport = RecordingTransport()
    send_pending(transport=transport)
    assert {m["From"] for m in transport.sent} == {app.config["MAIL_FROM"]}


def test_within_gives_back_the_network_it_found(app):
    paca = _paca()
    with app.test_request_context("/"):
        assert context.current() is None
        with context.within(paca.id):
            assert context.current().slug == "paca"
        assert context.current() is None


def test_an_address_the_mail_library_refuses_leaves_the_platform_as_sender(app):
    broken = NetworkFactory(mail_sender_address="parle-moi@@paca")
    user = UserFactory(email="nadia@exemple.fr", name="Nadia")
    with app.test_request_context("/"), context.within(broken):
        message = _mail(user)
    assert message.sender == ""


def test_a_reminder_sent_by_a_job_comes_from_the_evening_s_network(app):
    from datetime import timedelta

    from patientlab.core.mail import OutboxMessage
    from patientlab.core.models import utcnow
    from patientlab.events.models import Registration
    from patientlab.events.services import registration as registrations
    from patientlab.extensions import db
    from tests.factories import make_event

    paca = _paca()
    event = make_event(network_id=paca.id, days=1)
    db.session.add(Registration(event_id=event.id, name="Nadia", email="nadia@exemple.fr",
                                seats=1, status="confirmed", link_key="k",
                                confirmed_at=utcnow() - timedelta(days=3)))
    db.session.flush()
    assert registrations.send_reminders() == 1
    message = db.session.query(OutboxMessage).filter_by(recipient="nadia@exemple.fr").one()
    assert message.sender == "Parle-Moi – Cancéropôle PACA <parle-moi@paca.exemple.fr>"
    assert "/paca/inscriptions/" in message.body_text
    assert "L’équipe « Parle-Moi » du Cancéropôle PACA" in message.body_text
