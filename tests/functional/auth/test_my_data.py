import json
from datetime import timedelta

from sqlalchemy import select

from patientlab.core import notifications
from patientlab.core.audit import AuditEntry
from patientlab.core.models import utcnow
from patientlab.events.services.registration import RegistrationData, register
from patientlab.events.services.seating import CompanionData
from patientlab.extensions import db
from patientlab.projects import services as projects
from tests.factories import UserFactory, make_event, make_project


def test_a_person_downloads_everything_we_hold_as_json_and_html(web):
    karim = UserFactory(email="karim@exemple.fr", name="Karim Benali",
                        roles=["association_rep"])
    projects.ask_question(karim, make_project(), "Combien de séances ?")
    event = make_event()
    register(event.id, RegistrationData(
        name="Karim Benali", email="karim@exemple.fr", seats=2, privacy_consent=True,
        needs=["step_free"], needs_consent=True,
        companions=[CompanionData("Lina Benali", [], "Chien guide")]), user=karim)
    UserFactory(email="autre@exemple.fr")
    followed = make_project()
    notifications.follow(karim, "project", followed.id)
    db.session.commit()
    web.login("karim@exemple.fr")
    page = web.get("/compte/donnees").get_data(as_text=True)
    assert "Charte de participation, version 2026-1" in page
    assert "besoins d’accessibilité transmis à l’équipe de la soirée" in page

    response = web.get("/compte/donnees.json")
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(response.data)
    assert data["account"]["email"] == "karim@exemple.fr"
    assert data["questions"][0]["question"] == "Combien de séances ?"
    assert data["event_registrations"][0]["accessibility_needs"] == ["step_free"]
    assert data["event_registrations"][0]["seats"] == 2
    assert data["event_registrations"][0]["companions"][0]["name"] == "Lina Benali"
    assert data["event_registrations"][0]["companions"][0]["other_need"] == "Chien guide"
    follows = next(f for f in data["notifications"] if f.get("topic") == "project")
    assert follows["follows"] == [str(followed.id)]
    assert follows["since"][str(followed.id)].startswith(str(utcnow().year))  # ISO date
    assert "autre@exemple.fr" not in response.get_data(as_text=True)
    assert "password" not in response.get_data(as_text=True)

    html = web.get("/compte/donnees.html").get_data(as_text=True)
    assert "Inscriptions aux soirées" in html
    assert "Combien de séances ?" in html
    assert db.session.scalars(select(AuditEntry.summary).where(
        AuditEntry.action == "account.data_exported")).all() == ["json", "html"]
    assert web.get("/compte/donnees.pdf").status_code == 404


def test_erasing_my_account_keeps_what_i_wrote_for_others_without_my_name(web):
    from patientlab.auth.models import CharterAcceptance, User, UserRole
    from patientlab.events.models import Registration
    from tests.factories import PASSWORD

    karim = UserFactory(email="karim@exemple.fr", name="Karim Benali",
                        roles=["association_rep"])
    question = projects.ask_question(karim, make_project(), "Combien de séances ?")
    event = make_event(capacity=1)
    register(event.id, RegistrationData(
        name="Karim Benali", email="karim@exemple.fr", seats=1, privacy_consent=True))
    waiting = register(event.id, RegistrationData(
        name="Nadia", email="nadia@exemple.fr", seats=1, privacy_consent=True))
    db.session.commit()
    web.login("karim@exemple.fr")
    page = web.submit("/compte/supprimer", {"password": "mauvais mot de passe",
                                            "confirm": "y"}).get_data(as_text=True)
    assert "Ce n’est pas le bon mot de passe." in page
    page = web.submit("/compte/supprimer", {"password": PASSWORD}).get_data(as_text=True)
    assert "Cochez la case pour confirmer" in page
    response = web.submit("/compte/supprimer", {"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    erased = db.session.get(User, karim.id)
    assert erased.name == "Compte supprimé"
    assert "karim" not in erased.email
    assert not erased.active
    assert db.session.scalars(select(UserRole).where(UserRole.user_id == karim.id)).all() == []
    assert db.session.scalars(select(CharterAcceptance).where(
        CharterAcceptance.user_id == karim.id)).all() == []
    assert db.session.scalars(select(Registration.email)).all() == ["nadia@exemple.fr"]
    assert db.session.get(Registration, waiting.id).status == "confirmed"  # seat passed on
    assert db.session.get(type(question), question.id).body == "Combien de séances ?"
    assert web.get("/compte/profil").status_code == 302  # logged out
    assert web.submit("/compte/connexion", {"email": "karim@exemple.fr",
                                            "password": PASSWORD}).status_code == 200


def _guest_registration(email="nadia@exemple.fr"):
    event = make_event()
    registration = register(event.id, RegistrationData(
        name="Nadia Ferhat", email=email, seats=1, privacy_consent=True,
        needs=["step_free"], needs_other="Je viens avec mon chien guide", needs_consent=True))
    db.session.commit()
    return registration


def test_an_unconfirmed_account_never_sees_nor_erases_a_guest_registration_at_its_address(web):
    """A stranger signing up with a visitor's address must not read her health needs."""
    from patientlab.auth import retention
    from patientlab.events.models import Registration

    registration = _guest_registration()
    stranger = UserFactory(email="nadia@exemple.fr", email_verified_at=None)
    db.session.commit()
    web.login("nadia@exemple.fr")
    for url in ("/compte/donnees", "/compte/donnees.json", "/compte/donnees.html"):
        body = web.get(url).get_data(as_text=True)
        assert "chien guide" not in body
        assert "Nadia Ferhat" not in body
    assert json.loads(web.get("/compte/donnees.json").data)["event_registrations"] == []

    # Erasing the account, or the purge of unconfirmed accounts, leaves her seat alone.
    from patientlab.auth.erasure import erase_account
    from tests.factories import PASSWORD

    erase_account(stranger, PASSWORD)
    db.session.commit()
    old_stranger = UserFactory(email="nadia@exemple.fr", email_verified_at=None,
                               created_at=utcnow() - timedelta(days=40))
    db.session.commit()
    assert retention.purge()["unverified_erased"] == 1
    db.session.commit()
    assert old_stranger.email != "nadia@exemple.fr"
    kept = db.session.get(Registration, registration.id)
    assert kept is not None
    assert kept.status == "confirmed"
    assert kept.user_id is None


def test_a_guest_registration_becomes_mine_once_i_confirm_the_address(web):
    from patientlab.auth import services as accounts

    registration = _guest_registration()
    nadia = UserFactory(email="nadia@exemple.fr", email_verified_at=None)
    db.session.commit()
    token = accounts.make_token(accounts.VERIFY, {"id": nadia.id, "email": nadia.email})
    accounts.verify_email(token)
    db.session.commit()
    assert registration.user_id == nadia.id
    web.login("nadia@exemple.fr")
    assert "chien guide" in web.get("/compte/donnees.html").get_data(as_text=True)


def test_a_suspended_person_still_exports_and_erases_their_data(web):
    from patientlab.auth.models import User
    from tests.factories import PASSWORD

    karim = UserFactory(email="karim@exemple.fr", roles=["patient_expert"],
                        suspended_until=utcnow() + timedelta(days=10))
    db.session.commit()
    web.login("karim@exemple.fr")
    assert web.get("/compte/donnees").status_code == 200
    assert web.get("/compte/donnees.json").status_code == 200
    response = web.submit("/compte/supprimer", {"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    assert db.session.get(User, karim.id).name == "Compte supprimé"
