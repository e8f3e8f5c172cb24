from sqlalchemy import select

from patientlab.auth import services as svc
from patientlab.auth.models import CharterAcceptance
from patientlab.core.audit import AuditEntry
from patientlab.extensions import db
from tests.factories import UserFactory, make_application, make_assignment

BODY = "1. Confidentialité.\n2. Liens d’intérêts.\n3. Respect."


def test_new_version_makes_reviewers_accept_it_before_going_on(web):
    UserFactory(email="admin@exemple.fr", roles=["admin"])
    martine = UserFactory(email="martine@exemple.fr", roles=["patient_expert"])
    assignment = make_assignment(make_application(), martine)
    db.session.commit()

    web.login("admin@exemple.fr")
    page = web.submit("/admin/charte", {"version": "", "summary": "", "body": ""})
    assert "Donnez un numéro de version" in page.get_data(as_text=True)
    page = web.submit("/admin/charte", {"version": "2026-1", "summary": "x", "body": BODY})
    assert "Ce numéro de version existe déjà" in page.get_data(as_text=True)
    response = web.submit("/admin/charte", {"version": "2027-1", "summary":
                                            "Les relectures se font aussi par téléphone.",
                                            "body": BODY})
    assert response.status_code == 302
    assert db.session.scalar(select(AuditEntry.action).where(
        AuditEntry.action == "charter.published"))
    assert "Version 2027-1" in web.get("/charte").get_data(as_text=True)
    web.logout()

    web.login("martine@exemple.fr")
    response = web.get(f"/relectures/{assignment.id}")
    assert response.status_code == 302
    assert "/compte/charte" in response.headers["Location"]
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "Les relectures se font aussi par téléphone." in page
    page = web.submit("/compte/charte", {"next": f"/relectures/{assignment.id}"})
    assert "Cochez la case pour accepter la charte" in page.get_data(as_text=True)
    response = web.submit("/compte/charte", {"charter": "y",
                                             "next": f"/relectures/{assignment.id}"})
    assert response.headers["Location"].endswith(f"/relectures/{assignment.id}")
    assert web.get(f"/relectures/{assignment.id}").status_code == 200
    versions = db.session.scalars(select(CharterAcceptance.version).where(
        CharterAcceptance.user_id == martine.id)).all()
    assert sorted(versions) == ["2026-1", "2027-1"]


def test_people_who_do_not_review_are_not_asked(web):
    admin = UserFactory(email="admin@exemple.fr", roles=["admin"])
    UserFactory(email="claire@exemple.fr", roles=["researcher"])
    svc.publish_charter(admin, "2027-1", "Changement.", BODY)
    db.session.commit()
    web.login("claire@exemple.fr")
    assert web.get("/projets/mes-projets").status_code == 200
    assert web.get("/compte/charte").status_code == 302
