"""Two-step login through HTTP: the code page, forced set-up, the security page, admin reset."""

import re
import time
from datetime import timedelta

import pyotp
from sqlalchemy import select

from patientlab.auth import two_step
from patientlab.auth.models import User
from patientlab.core.models import utcnow
from patientlab.extensions import db
from tests.conftest import PASSWORD, outbox
from tests.factories import UserFactory, login_code

CODE_PAGE = "/compte/connexion/code"


def _password_step(web, email, next_url=""):
    return web.submit("/compte/connexion", {"email": email, "password": PASSWORD,
                                            "next": next_url})


def _user(email):
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def _wrong(code):
    return "000000" if code != "000000" else "111111"


def test_the_code_is_asked_after_the_password_and_before_anything_else(web):
    moderator = UserFactory(email="paul@exemple.fr", roles=["moderator"])
    response = _password_step(web, "paul@exemple.fr", next_url="/clara/moderation/")
    assert response.headers["Location"] == CODE_PAGE
    assert web.get("/compte/profil").status_code == 302  # not logged in yet

    page = web.get(CODE_PAGE).get_data(as_text=True)
    assert 'autocomplete="one-time-code"' in page
    assert "codes de secours" in page

    response = web.submit(CODE_PAGE, {"code": _wrong(login_code(moderator))})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in page
    assert "Ce code ne convient pas" in page
    assert web.get("/compte/profil").status_code == 302

    response = web.submit(CODE_PAGE, {"code": login_code(moderator)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/clara/moderation/"
    assert web.get("/compte/profil").status_code == 200


def test_the_same_code_does_not_open_a_second_session(web, client, app):
    moderator = UserFactory(email="paul@exemple.fr", roles=["moderator"])
    _password_step(web, "paul@exemple.fr")
    code = login_code(moderator)
    assert web.submit(CODE_PAGE, {"code": code}).status_code == 302

    other = type(web)(app.test_client())
    _password_step(other, "paul@exemple.fr")
    response = other.submit(CODE_PAGE, {"code": code})
    assert response.status_code == 200
    assert "Ce code ne convient pas" in response.get_data(as_text=True)


def test_a_recovery_code_lets_in_once_and_says_how_many_are_left(web):
    anne = UserFactory(email="anne@exemple.fr")
    two_step.secret_for_setup(anne)
    codes = two_step.enable(anne, pyotp.TOTP(anne.totp_secret).now(), PASSWORD)
    db.session.commit()
    _password_step(web, "anne@exemple.fr")
    response = web.submit(CODE_PAGE, {"code": codes[0]}, follow=True)
    assert "Il vous en reste 9." in response.get_data(as_text=True)
    web.logout()
    _password_step(web, "anne@exemple.fr")
    assert web.submit(CODE_PAGE, {"code": codes[0]}).status_code == 200


def test_the_code_page_expires(web, app):
    UserFactory(email="paul@exemple.fr", roles=["moderator"])
    _password_step(web, "paul@exemple.fr")
    with web.client.session_transaction() as session:
        late = int(time.time()) - app.config["LOGIN_CODE_MAX_AGE"] - 1
        session["_code_for"] = {**session["_code_for"], "at": late}
    response = web.get(CODE_PAGE)
    assert response.headers["Location"] == "/compte/connexion"
    page = web.get("/compte/connexion").get_data(as_text=True)
    assert "Votre connexion a expiré" in page


def test_without_a_password_first_there_is_no_code_page(web):
    response = web.get(CODE_PAGE)
    assert response.status_code == 302
    assert response.headers["Location"] == "/compte/connexion"


def test_a_role_that_requires_it_is_sent_to_the_set_up_first(web):
    coordinator = UserFactory(email="anne@exemple.fr", roles=["coordinator"])
    coordinator.totp_secret = coordinator.totp_enabled_at = None
    db.session.commit()
    web.login("anne@exemple.fr")
    response = web.get("/clara/coordination/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith(
        "/compte/securite/double-authentification?next=/clara/coordination/")
    setup = response.headers["Location"]
    # Forms are refused too, not only pages.
    refused = web.submit("/clara/coordination/appels/nouveau", {"title": "Appel"}, form_url=setup)
    assert refused.headers["Location"].startswith("/compte/securite/double-authentification")

    page = web.get(setup).get_data(as_text=True)
    secret = _user("anne@exemple.fr").totp_secret
    assert two_step.grouped(secret) in page  # the key as text, for those who cannot scan
    assert re.search(r'<img class="qr-code" src="data:image/svg\+xml[^"]*"[^>]* alt="Code QR', page)
    assert "obligatoire" in page

    response = web.submit(setup, {"code": "12345", "password": PASSWORD})
    assert response.status_code == 200
    assert "Ce code ne convient pas" in response.get_data(as_text=True)
    assert _user("anne@exemple.fr").totp_secret == secret  # typing again keeps the same key

    code = pyotp.TOTP(secret).now()
    # A session alone cannot bind the account to a phone: the password is asked.
    response = web.submit(setup, {"code": code, "password": "pas le bon mot de passe"})
    assert "Le mot de passe n’est pas le bon" in response.get_data(as_text=True)
    assert _user("anne@exemple.fr").totp_enabled_at is None
    response = web.submit(setup, {"code": code, "password": PASSWORD})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", page)
    assert len(codes) == 10
    assert 'href="/clara/coordination/"' in page  # then back to where the person was going
    assert response.headers["Cache-Control"].startswith("no-store")
    assert web.get("/clara/coordination/").status_code == 200
    assert "activée" in outbox("anne@exemple.fr")[-1].subject


def test_a_code_refused_before_any_key_was_kept_shows_the_key_kept_for_the_next_try(web):
    """The refusal rolls back what its request did, the key it made included: the page
    must then show the key the request stores, or the next code could never match."""
    UserFactory(email="lea@exemple.fr")
    web.login("lea@exemple.fr")
    assert _user("lea@exemple.fr").totp_secret is None
    setup = "/compte/securite/double-authentification"
    response = web.submit(setup, {"code": "12345", "password": PASSWORD},
                          form_url="/compte/profil")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Ce code ne convient pas" in page
    secret = _user("lea@exemple.fr").totp_secret
    assert secret
    assert two_step.grouped(secret) in page
    response = web.submit(setup, {"code": pyotp.TOTP(secret).now(), "password": PASSWORD})
    assert response.status_code == 200
    assert _user("lea@exemple.fr").totp_enabled_at is not None


def test_the_security_page_renews_codes_and_turns_off(web):
    anne = UserFactory(email="anne@exemple.fr")
    two_step.secret_for_setup(anne)
    old = two_step.enable(anne, pyotp.TOTP(anne.totp_secret).at(utcnow() - timedelta(seconds=30)),
                          PASSWORD)
    db.session.commit()
    web.login("anne@exemple.fr")
    page = web.get("/compte/securite").get_data(as_text=True)
    assert "Il vous reste 10 codes de secours." in page
    assert "Me déconnecter de tous mes appareils" in page

    response = web.submit("/compte/securite/codes-de-secours", {"codes-password": "faux"},
                          form_url="/compte/securite")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="codes-password-error"' in page
    assert "pas le bon" in page

    response = web.submit("/compte/securite/codes-de-secours", {"codes-password": PASSWORD},
                          form_url="/compte/securite")
    new = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", response.get_data(as_text=True))
    assert len(new) == 10
    assert not set(new) & set(old)

    response = web.submit("/compte/securite/double-authentification/desactiver",
                          {"off-password": PASSWORD}, form_url="/compte/securite")
    assert response.headers["Location"] == "/compte/securite"
    assert not _user("anne@exemple.fr").has_two_step_login


def test_a_required_role_turning_it_off_goes_straight_to_the_new_set_up(web):
    UserFactory(email="paul@exemple.fr", roles=["moderator"])
    web.login("paul@exemple.fr")
    page = web.get("/compte/securite").get_data(as_text=True)
    assert "Changer de téléphone" in page
    response = web.submit("/compte/securite/double-authentification/desactiver",
                          {"off-password": PASSWORD}, form_url="/compte/securite")
    assert response.headers["Location"] == "/compte/securite/double-authentification"
    assert web.get("/clara/moderation/").status_code == 302


def test_an_admin_resets_it_with_a_reason(web):
    UserFactory(email="admin@exemple.fr", roles=["admin"])
    paul = UserFactory(email="paul@exemple.fr", roles=["moderator"])
    db.session.commit()
    web.login("admin@exemple.fr")
    url = f"/admin/utilisateurs/{paul.id}"
    page = web.get(url).get_data(as_text=True)
    assert "Réinitialiser la double authentification" in page
    response = web.submit(f"{url}/double-authentification", {"two_step-reason": ""}, form_url=url)
    assert response.status_code == 200
    assert "Dites comment vous avez vérifié" in response.get_data(as_text=True)
    response = web.submit(f"{url}/double-authentification",
                          {"two_step-reason": "Rappelé au numéro connu."}, form_url=url)
    assert response.status_code == 302
    assert not _user("paul@exemple.fr").has_two_step_login
    assert "réinitialisée" in outbox("paul@exemple.fr")[-1].subject
