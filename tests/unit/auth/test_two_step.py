"""Two-step login rules, without HTTP: codes used once, recovery codes, who must have it."""

from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from patientlab.auth import two_step
from patientlab.auth.models import RecoveryCode
from patientlab.core.audit import AuditEntry
from patientlab.core.models import utcnow
from patientlab.extensions import db
from tests.conftest import outbox
from tests.factories import PASSWORD, UserFactory


def _code(user, when=None):
    return pyotp.TOTP(user.totp_secret).at(when or utcnow())


def _entries(action):
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


@pytest.fixture
def anne():
    """A patient expert who turns two-step login on."""
    user = UserFactory(email="anne@exemple.fr", roles=["patient_expert"])
    two_step.secret_for_setup(user)
    return user


def test_roles_with_confidential_access_must_set_it_up():
    for role in ("admin", "coordinator", "moderator"):
        person = UserFactory(roles=[role])
        assert two_step.is_required(person)
        person.totp_enabled_at = None
        assert two_step.needs_setup(person)
    expert = UserFactory(roles=["patient_expert"])
    assert not two_step.is_required(expert)
    assert not two_step.needs_setup(expert)


def test_the_set_up_secret_stays_the_same_until_it_is_finished(anne):
    first = anne.totp_secret
    assert len(first) == 32
    assert two_step.secret_for_setup(anne) == first
    assert two_step.grouped(first).count(" ") == 7
    uri = two_step.provisioning_uri(anne, first)
    assert uri.startswith("otpauth://totp/PatientLab:anne%40exemple.fr?secret=" + first)
    assert two_step.qr_code_data_uri(uri).startswith("data:image/svg+xml")


def test_enabling_needs_a_right_code_and_gives_ten_recovery_codes(anne):
    with pytest.raises(two_step.TwoStepError) as error:
        two_step.enable(anne, "000000" if _code(anne) != "000000" else "111111", PASSWORD)
    assert error.value.field == "code"
    assert not anne.has_two_step_login

    codes = two_step.enable(anne, _code(anne), PASSWORD)
    assert anne.has_two_step_login
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert all(len(code) == 11 and code[5] == "-" for code in codes)
    stored = list(db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == anne.id)))
    assert len(stored) == 10
    assert not any(code.replace("-", "") in row.code_hash for code in codes for row in stored)
    assert stored[0].code_hash.startswith("$argon2id$")
    assert _entries("account.two_step_enabled")[0].actor_id == anne.id
    assert "activée" in outbox("anne@exemple.fr")[-1].subject
    with pytest.raises(two_step.TwoStepError):
        two_step.enable(anne, _code(anne), PASSWORD)


def test_a_code_works_once(anne):
    now = utcnow()
    two_step.enable(anne, _code(anne, now - timedelta(seconds=30)), PASSWORD, now=now)
    assert two_step.check_code(anne, _code(anne, now), now=now) == "app"
    assert two_step.check_code(anne, _code(anne, now), now=now) is None  # replayed
    later = now + timedelta(seconds=30)
    assert two_step.check_code(anne, _code(anne, later), now=later) == "app"


def test_a_code_from_a_slightly_late_or_early_phone_is_accepted(anne):
    now = utcnow()
    two_step.enable(anne, _code(anne, now - timedelta(minutes=5)), PASSWORD,
                    now=now - timedelta(minutes=5))
    assert two_step.check_code(anne, _code(anne, now - timedelta(seconds=30)), now=now) == "app"
    assert two_step.check_code(anne, _code(anne, now + timedelta(seconds=30)), now=now) == "app"
    stale = _code(anne, now - timedelta(seconds=95))
    if stale not in {_code(anne, now + timedelta(seconds=d)) for d in (-30, 0, 30)}:
        assert two_step.check_code(anne, stale, now=now) is None


def test_spaces_and_wrong_shapes(anne):
    now = utcnow()
    two_step.enable(anne, _code(anne, now - timedelta(seconds=60)), PASSWORD,
                    now=now - timedelta(seconds=60))
    code = _code(anne, now)
    assert two_step.check_code(anne, f" {code[:3]} {code[3:]} ", now=now) == "app"
    for wrong in ("", "12345", "1234567", "abcdef", "x" * 500, "١٢٣٤٥٦"):
        assert two_step.check_code(anne, wrong, now=now) is None


def test_a_recovery_code_works_once_and_the_owner_is_told(anne):
    codes = two_step.enable(anne, _code(anne), PASSWORD)
    assert two_step.check_code(anne, codes[3].upper().replace("-", " ")) == "recovery"
    assert two_step.check_code(anne, codes[3]) is None
    assert two_step.recovery_codes_left(anne) == 9
    assert _entries("account.recovery_code_used")
    mail = outbox("anne@exemple.fr")[-1]
    assert "code de secours" in mail.subject
    assert "Il vous en reste 9." in mail.body_text


def test_new_recovery_codes_replace_the_old_ones(anne):
    old = two_step.enable(anne, _code(anne), PASSWORD)
    with pytest.raises(two_step.TwoStepError) as error:
        two_step.new_recovery_codes(anne, "pas le bon")
    assert error.value.field == "password"
    new = two_step.new_recovery_codes(anne, PASSWORD)
    assert two_step.check_code(anne, old[0]) is None
    assert two_step.check_code(anne, new[0]) == "recovery"
    assert _entries("account.recovery_codes_renewed")


def test_turning_it_off_needs_the_password(anne):
    two_step.enable(anne, _code(anne), PASSWORD)
    with pytest.raises(two_step.TwoStepError):
        two_step.turn_off(anne, "pas le bon")
    assert anne.has_two_step_login
    two_step.turn_off(anne, PASSWORD)
    assert not anne.has_two_step_login
    assert anne.totp_secret is None
    assert two_step.recovery_codes_left(anne) == 0
    assert _entries("account.two_step_disabled")
    assert "désactivée" in outbox("anne@exemple.fr")[-1].subject


def test_an_admin_resets_it_for_someone_who_lost_phone_and_codes():
    moderator = UserFactory(email="paul@exemple.fr", roles=["moderator"])
    token = moderator.session_token
    admin_user = UserFactory(roles=["admin"])
    with pytest.raises(two_step.TwoStepError):
        two_step.reset_by_admin(UserFactory(roles=["coordinator"]), moderator, "Rappelé.")
    with pytest.raises(two_step.TwoStepError) as error:
        two_step.reset_by_admin(admin_user, moderator, "  ")
    assert error.value.field == "reason"
    two_step.reset_by_admin(admin_user, moderator, "Rappelé au numéro connu.")
    assert not moderator.has_two_step_login
    assert moderator.session_token != token  # every session ends
    assert two_step.needs_setup(moderator)
    entry = _entries("user.two_step_reset")[0]
    assert (entry.actor_id, entry.object_id, entry.reason) == (
        admin_user.id, moderator.id, "Rappelé au numéro connu.")
    assert "réinitialisée" in outbox("paul@exemple.fr")[-1].subject


def test_nothing_works_for_an_account_without_it():
    person = UserFactory()
    assert two_step.check_code(person, "123456") is None
    with pytest.raises(two_step.TwoStepError):
        two_step.turn_off(person, PASSWORD)
