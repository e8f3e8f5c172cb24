import json

from sqlalchemy import select

from patientlab.core.audit import AuditEntry
from patientlab.events import services as events
from patientlab.extensions import db
from patientlab.projects import services as projects
from tests.factories import UserFactory, make_event, make_project


def test_a_person_downloads_everything_we_hold_as_json_and_html(web):
    karim = UserFactory(email="karim@exemple.fr", name="Karim Benali",
                        roles=["association_rep"])
    projects.ask_question(karim, make_project(), "Combien de séances ?")
    event = make_event()
    events.register(event.id, events.RegistrationData(
        name="Karim Benali", email="karim@exemple.fr", seats=2, privacy_consent=True,
        needs=["step_free"], needs_consent=True))
    UserFactory(email="autre@exemple.fr")
    db.session.commit()
    web.login("karim@exemple.fr")
    page = web.get("/compte/donnees").get_data(as_text=True)
    assert "Charte de participation, version 2026-1" in page
    assert "besoins d’accessibilité transmis aux organisateurs" in page

    response = web.get("/compte/donnees.json")
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(response.data)
    assert data["account"]["email"] == "karim@exemple.fr"
    assert data["questions"][0]["question"] == "Combien de séances ?"
    assert data["event_registrations"][0]["accessibility_needs"] == ["step_free"]
    assert data["event_registrations"][0]["seats"] == 2
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
    events.register(event.id, events.RegistrationData(
        name="Karim Benali", email="karim@exemple.fr", seats=1, privacy_consent=True))
    waiting = events.register(event.id, events.RegistrationData(
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
