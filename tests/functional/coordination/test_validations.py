from sqlalchemy import select

from patientlab.auth.models import RequestStatus, RoleRequest
from patientlab.core.security import Role
from patientlab.core.typography import french_spacing as fr
from patientlab.extensions import db
from tests.conftest import outbox
from tests.factories import RoleRequestFactory


def test_visitors_are_sent_to_login_and_others_are_refused(web, make_user):
    assert web.get("/clara/coordination/validations").status_code == 302
    make_user(Role.RESEARCHER, email="claire@exemple.fr")
    web.login("claire@exemple.fr")
    assert web.get("/clara/coordination/").status_code == 403
    assert web.get("/clara/coordination/validations").status_code == 403


def test_unknown_request_is_404(web, make_user):
    make_user(Role.COORDINATOR, email="anne@exemple.fr")
    web.login("anne@exemple.fr")
    assert web.get("/clara/coordination/validations/999999").status_code == 404


def test_coordinator_approves_a_patient_expert(web, make_user):
    make_user(Role.COORDINATOR, email="anne@exemple.fr")
    request = RoleRequestFactory(user__name="Jeanne Roussel", user__email="jeanne@exemple.fr")
    web.login("anne@exemple.fr")
    listing = web.get("/clara/coordination/validations").get_data(as_text=True)
    assert "Jeanne Roussel" in listing
    url = f"/clara/coordination/validations/{request.id}"
    page = web.get(url).get_data(as_text=True)
    # Each decision posts to its own address; the page itself takes no form.
    assert f'action="{url}/accepter"' in page
    assert f'action="{url}/refuser"' in page
    assert web.submit(url, {"approve-submit": "Valider"}, prefix="approve-").status_code == 405
    response = web.submit(f"{url}/accepter", {"approve-submit": "Valider"}, form_url=url,
                          prefix="approve-")
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get(RoleRequest, request.id)
    assert stored.status == RequestStatus.APPROVED
    assert stored.user.has_role(Role.PATIENT_EXPERT)
    assert outbox("jeanne@exemple.fr")


def test_refusing_needs_a_reason_then_mails_it(web, make_user):
    make_user(Role.COORDINATOR, email="anne@exemple.fr")
    request = RoleRequestFactory(user__email="paul@exemple.fr")
    web.login("anne@exemple.fr")
    url = f"/clara/coordination/validations/{request.id}"
    page = web.submit(f"{url}/refuser", {"refuse-submit": "Refuser", "refuse-reason": ""},
                      form_url=url, prefix="refuse-").get_data(as_text=True)
    assert "Expliquez la raison du refus" in page
    assert fr("<title>Erreur :") in page
    web.submit(f"{url}/refuser", {"refuse-submit": "Refuser",
                                  "refuse-reason": "Merci de préciser votre association."},
               form_url=url, prefix="refuse-")
    db.session.expire_all()
    stored = db.session.scalar(select(RoleRequest).where(RoleRequest.id == request.id))
    assert stored.status == RequestStatus.REFUSED
    [message] = outbox("paul@exemple.fr")
    assert "Merci de préciser votre association." in message.body_text


def test_a_decided_request_cannot_be_decided_again(web, make_user):
    make_user(Role.COORDINATOR, email="anne@exemple.fr")
    request = RoleRequestFactory()
    web.login("anne@exemple.fr")
    url = f"/clara/coordination/validations/{request.id}"
    web.submit(f"{url}/accepter", {"approve-submit": "Valider"}, form_url=url, prefix="approve-")
    page = web.submit(f"{url}/refuser", {"refuse-submit": "Refuser", "refuse-reason": "Non"},
                      form_url=url, prefix="refuse-", follow=True).get_data(as_text=True)
    assert "Cette demande a déjà été traitée." in page or "acceptée" in page
    db.session.expire_all()
    assert db.session.get(RoleRequest, request.id).status == RequestStatus.APPROVED
