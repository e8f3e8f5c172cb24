import pytest
from sqlalchemy import select

from patientlab.auth import services as svc
from patientlab.auth.models import CharterAcceptance, RequestStatus, RoleRequest, User
from patientlab.core.audit import AuditEntry
from patientlab.core.errors import ServiceError
from patientlab.core.security import Role, TokenError, make_token
from patientlab.extensions import db
from tests.conftest import PASSWORD, link_in, outbox
from tests.factories import AssociationFactory, RoleRequestFactory, UserFactory


def _registration(**overrides):
    data = {"email": "Martine.Dubois@Exemple.fr", "password": PASSWORD, "name": "Martine Dubois",
            "profile": svc.Profile.PATIENT_EXPERT, "charter_accepted": True,
            "motivation": "Je veux aider."}
    data.update(overrides)
    return svc.Registration(**data)


def _audit_actions():
    return [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_registering_as_patient_expert_creates_a_pending_request_and_stores_the_charter(app):
    user = svc.register(_registration())
    assert user.email == "martine.dubois@exemple.fr"
    assert user.roles == set()
    assert not user.can_review
    request = db.session.scalar(select(RoleRequest).where(RoleRequest.user_id == user.id))
    assert request.role == Role.PATIENT_EXPERT
    assert request.status == RequestStatus.PENDING
    charter = db.session.scalar(
        select(CharterAcceptance).where(CharterAcceptance.user_id == user.id))
    assert charter.version == app.config["CHARTER_VERSION"]
    assert charter.accepted_at is not None
    assert "account.register" in _audit_actions()


def test_registration_sends_a_verification_link():
    user = svc.register(_registration())
    [message] = outbox(user.email)
    assert "/compte/verifier/" in link_in(message)
    assert user.email_verified_at is None


def test_patient_expert_must_accept_the_charter():
    with pytest.raises(svc.ServiceError) as excinfo:
        svc.register(_registration(charter_accepted=False))
    assert excinfo.value.field == "charter"


def test_researcher_gets_the_role_without_validation():
    user = svc.register(_registration(profile=svc.Profile.RESEARCHER, charter_accepted=False))
    assert user.roles == {Role.RESEARCHER}
    assert db.session.scalar(select(RoleRequest).where(RoleRequest.user_id == user.id)) is None


def test_association_representative_is_linked_to_the_association():
    association = AssociationFactory()
    user = svc.register(_registration(profile=svc.Profile.ASSOCIATION_REP,
                                      association_id=association.id, charter_accepted=False))
    assert user.association_id == association.id
    request = db.session.scalar(select(RoleRequest).where(RoleRequest.user_id == user.id))
    assert request.role == Role.ASSOCIATION_REP


def test_registering_a_taken_address_mails_the_owner_and_reveals_nothing():
    owner = UserFactory(email="claire@exemple.fr")
    assert svc.register(_registration(email="CLAIRE@exemple.fr")) is None
    [message] = outbox("claire@exemple.fr")
    assert "déjà un compte" in message.body_text
    assert db.session.query(User).count() == 1
    assert owner.password_hash  # untouched


def test_verifying_the_address_marks_it_verified_once():
    user = svc.register(_registration())
    token = link_in(outbox(user.email)[0]).rsplit("/", 1)[1]
    assert svc.verify_email(token).email_verified_at is not None
    first = user.email_verified_at
    svc.verify_email(token)
    assert user.email_verified_at == first


def test_verification_link_for_an_old_address_is_refused():
    user = UserFactory(email_verified_at=None)
    token = make_token(svc.VERIFY, {"id": user.id, "email": "ancienne@exemple.fr"})
    with pytest.raises(TokenError):
        svc.verify_email(token)


def test_authenticate_accepts_the_right_password_only():
    user = UserFactory(email="anne@exemple.fr")
    assert svc.authenticate("Anne@Exemple.fr", PASSWORD) is user
    assert user.last_login_at is not None
    assert svc.authenticate("anne@exemple.fr", "mauvais mot de passe") is None
    assert svc.authenticate("personne@exemple.fr", PASSWORD) is None


def test_inactive_accounts_cannot_log_in():
    UserFactory(email="suspendu@exemple.fr", active=False)
    assert svc.authenticate("suspendu@exemple.fr", PASSWORD) is None


def test_password_reset_link_works_once_and_ends_other_sessions():
    user = UserFactory(email="karim@exemple.fr")
    old_session = user.session_token
    svc.request_password_reset("karim@exemple.fr")
    token = link_in(outbox("karim@exemple.fr")[0]).rsplit("/", 1)[1]
    svc.reset_password(token, "une toute nouvelle phrase secrète")
    assert svc.authenticate("karim@exemple.fr", "une toute nouvelle phrase secrète") is user
    assert user.session_token != old_session
    with pytest.raises(TokenError):
        svc.reset_password(token, "encore une autre phrase secrète")


def test_password_reset_for_unknown_address_sends_nothing():
    svc.request_password_reset("inconnu@exemple.fr")
    assert outbox() == []


def test_change_password_needs_the_current_one():
    user = UserFactory()
    with pytest.raises(svc.ServiceError) as excinfo:
        svc.change_password(user, "pas le bon mot de passe", "une nouvelle phrase secrète")
    assert excinfo.value.field == "current_password"
    old_token = user.session_token
    svc.change_password(user, PASSWORD, "une nouvelle phrase secrète")
    assert svc.authenticate(user.email, "une nouvelle phrase secrète") is user
    assert user.session_token != old_token
    assert "account.change_password" in _audit_actions()


def test_change_email_takes_effect_only_after_the_new_address_is_confirmed():
    user = UserFactory(email="ancienne@exemple.fr")
    svc.request_email_change(user, PASSWORD, "Nouvelle@Exemple.fr")
    assert user.email == "ancienne@exemple.fr"
    [message] = outbox("nouvelle@exemple.fr")
    token = link_in(message).rsplit("/", 1)[1]
    svc.confirm_email_change(token)
    assert user.email == "nouvelle@exemple.fr"
    assert outbox("ancienne@exemple.fr"), "the old address is told"
    with pytest.raises(TokenError):
        svc.confirm_email_change(token)


def test_change_email_to_a_taken_address_changes_nothing_and_warns_its_owner():
    UserFactory(email="prise@exemple.fr")
    user = UserFactory(email="moi@exemple.fr")
    svc.request_email_change(user, PASSWORD, "prise@exemple.fr")
    assert user.email == "moi@exemple.fr"
    [message] = outbox("prise@exemple.fr")
    assert "Rien n’a changé" in message.body_text


def test_update_profile_cleans_the_text():
    user = UserFactory()
    svc.update_profile(user, name="  Martine\u200b Dubois ", pseudonym="Martine D.",
                       bio="Ligne 1\r\n\r\n\r\nLigne 2", association_id=None)
    assert user.name == "Martine Dubois"
    from patientlab.members.services import bio_of

    assert bio_of(user).body == "Ligne 1\n\nLigne 2"
    assert bio_of(user).moderation_state == "pending"  # read by a moderator first


def test_coordinator_approves_a_request_and_the_person_can_review():
    coordinator = UserFactory(roles=[Role.COORDINATOR])
    request = RoleRequestFactory(role=Role.PATIENT_EXPERT)
    svc.approve_role_request(coordinator, request)
    assert request.status == RequestStatus.APPROVED
    assert request.decided_by_id == coordinator.id
    assert request.user.can_review
    [message] = outbox(request.user.email)
    assert "acceptée" in message.subject
    assert "role.approve" in _audit_actions()


def test_coordinator_refuses_with_a_reason_that_is_mailed():
    coordinator = UserFactory(roles=[Role.COORDINATOR])
    request = RoleRequestFactory()
    with pytest.raises(svc.ServiceError):
        svc.refuse_role_request(coordinator, request, "   ")
    svc.refuse_role_request(coordinator, request, "Merci de compléter votre présentation.")
    assert request.status == RequestStatus.REFUSED
    assert not request.user.can_review
    [message] = outbox(request.user.email)
    assert "Merci de compléter votre présentation." in message.body_text
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "role.refuse")).one()
    assert entry.reason == "Merci de compléter votre présentation."


def test_a_request_is_decided_only_once():
    coordinator = UserFactory(roles=[Role.COORDINATOR])
    request = RoleRequestFactory()
    svc.approve_role_request(coordinator, request)
    with pytest.raises(svc.ServiceError):
        svc.refuse_role_request(coordinator, request, "Trop tard")


def test_only_coordinators_and_admins_decide():
    researcher = UserFactory(roles=[Role.RESEARCHER])
    with pytest.raises(PermissionError):
        svc.approve_role_request(researcher, RoleRequestFactory())


def test_request_role_later_from_the_account():
    user = UserFactory()
    with pytest.raises(svc.ServiceError):
        svc.request_role(user, Role.PATIENT_EXPERT, charter_accepted=False)
    svc.request_role(user, Role.PATIENT_EXPERT, "motivée", charter_accepted=True)
    with pytest.raises(svc.ServiceError):
        svc.request_role(user, Role.PATIENT_EXPERT, charter_accepted=True)
    with pytest.raises(svc.ServiceError):
        svc.request_role(user, Role.ADMIN)


def test_an_address_has_one_spelling_wherever_it_is_compared():
    from patientlab.core.text import normalise_email

    for variant in ("Karim@Exemple.fr", " karim\u200b@exemple.fr ", "\uff4barim@exemple.fr",
                    "ka\u00adrim@exemple.fr", "karim@exemple.fr\u202e"):
        assert normalise_email(variant) == "karim@exemple.fr"
    karim = UserFactory(email="karim@exemple.fr")
    assert svc.get_user_by_email("KA\u200bRIM@exemple.fr") == karim


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_the_coordination_and_the_administration_are_offered_no_reviewer_request(role):
    """They validate the requests and read the reviews with their authors' names."""
    staff = UserFactory(roles=[role])
    assert svc.requestable_roles(staff) == []
    with pytest.raises(svc.ServiceError):
        svc.request_role(staff, Role.PATIENT_EXPERT, charter_accepted=True)


@pytest.mark.parametrize("role", [Role.ORGANISER, Role.MODERATOR, Role.RESEARCHER])
def test_organisers_moderators_and_researchers_may_still_ask_to_review(role):
    person = UserFactory(roles=[role])
    assert svc.requestable_roles(person) == [Role.PATIENT_EXPERT, Role.ASSOCIATION_REP]


def test_a_coordinator_does_not_decide_their_own_role_request():
    coordinator = UserFactory(roles=[Role.COORDINATOR])  # asked before joining the coordination
    request = RoleRequestFactory(user=coordinator, role=Role.PATIENT_EXPERT)
    with pytest.raises(ServiceError, match="votre propre demande"):
        svc.approve_role_request(request.user, request)
    with pytest.raises(ServiceError, match="votre propre demande"):
        svc.refuse_role_request(request.user, request, "Non.")
    assert request.status == RequestStatus.PENDING
