import pytest

from patientlab.core.security import (
    TokenError,
    hash_password,
    is_common_password,
    make_token,
    read_token,
    safe_next_url,
    verify_password,
)


@pytest.mark.parametrize("target", ["/", "/compte/profil", "/clara/projets/?q=sein&page=2"])
def test_safe_next_url_accepts_local_paths(target):
    assert safe_next_url(target) == target


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)",
     "evil.example", "http:/evil", "/\x00x", "", None, "\\\\evil"],
)
def test_safe_next_url_refuses_other_sites_and_odd_values(target):
    assert safe_next_url(target) is None


def test_password_hash_is_argon2id_and_verifies():
    stored = hash_password("une phrase assez longue")
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "une phrase assez longue")
    assert not verify_password(stored, "une autre phrase longue")


def test_production_argon2_parameters_meet_owasp(app):
    from config import default

    assert default.ARGON2_MEMORY_COST >= 19 * 1024
    assert default.ARGON2_TIME_COST >= 2
    assert default.ARGON2_PARALLELISM >= 1
    app.config.update(ARGON2_TIME_COST=2, ARGON2_MEMORY_COST=19 * 1024)
    try:
        stored = hash_password("une phrase assez longue")
        assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    finally:
        from config import testing

        app.config.update(ARGON2_TIME_COST=testing.ARGON2_TIME_COST,
                          ARGON2_MEMORY_COST=testing.ARGON2_MEMORY_COST)


def test_empty_or_broken_hash_never_verifies():
    assert not verify_password("", "n’importe quoi de long")
    assert not verify_password("pas-un-hash", "n’importe quoi de long")


def test_common_passwords_are_recognised_whatever_the_case():
    assert is_common_password("123456789012")
    assert is_common_password("AzertyUiop123")
    assert is_common_password("password")
    assert not is_common_password("le chat dort sur le canapé bleu")


def test_signed_token_round_trip_and_purpose_separation():
    token = make_token("verify-email", {"id": 3})
    assert read_token("verify-email", token, 60) == {"id": 3}
    with pytest.raises(TokenError) as excinfo:
        read_token("reset-password", token, 60)
    assert not excinfo.value.expired


def test_tampered_token_is_refused():
    token = make_token("verify-email", {"id": 3})
    with pytest.raises(TokenError):
        read_token("verify-email", token[:-2] + "xx", 60)


def test_expired_token_is_reported_as_expired(monkeypatch):
    import time

    token = make_token("verify-email", {"id": 3})
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 3600)
    with pytest.raises(TokenError) as excinfo:
        read_token("verify-email", token, 60)
    assert excinfo.value.expired


def test_every_text_cell_of_every_export_is_neutralised_and_numbers_stay_numbers():
    from patientlab.core.spreadsheet import csv_for_excel

    text = csv_for_excel([["=cmd", "+1", "-2", "@x", "\tx", "ok"], [3, -1.5, None]])
    first, second = text.lstrip("\ufeff").split("\r\n")[:2]
    assert first == "'=cmd;'+1;'-2;'@x;'\tx;ok"
    assert second == "3;-1.5;"
