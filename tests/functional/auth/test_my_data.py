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
