"""The logs of the main flows record who did what (authentication events, refused
access) and never a password, a token, a TOTP or reset secret, or an accessibility need;
user input cannot forge a log line."""

import logging
import re

from tests.conftest import link_in, outbox
from tests.factories import PASSWORD, UserFactory, make_event

SECRET_NEED = "Besoin-très-personnel-4242"
NEW_PASSWORD = "une toute nouvelle phrase secrète"


def test_main_flows_log_events_but_no_secret(web, caplog):
    caplog.set_level(logging.DEBUG)
    UserFactory(email="martine@exemple.fr", roles=["patient_expert"])
    event = make_event()
    from patientlab.extensions import db

    db.session.commit()

    web.submit("/compte/connexion", {"email": "martine@exemple.fr",
                                     "password": "mauvais mot de passe secret"})
    web.login("martine@exemple.fr")
    assert web.get("/clara/coordination/").status_code == 403
    assert web.get("/clara/coordination/%0Afaux%20login%20ok%20user=1").status_code in (403, 404)
    url = f"/clara/evenements/{event.id}"
    web.submit(f"{url}/inscription", {"name": "Martine", "email": "martine@exemple.fr",
                                      "seats": "1", "privacy_consent": "y",
                                      "needs_consent": "y", "needs_other": SECRET_NEED},
               form_url=url)
    web.logout()
    web.submit("/compte/mot-de-passe-oublie", {"email": "martine@exemple.fr"})
    reset = link_in(outbox("martine@exemple.fr")[-1])
    web.submit(reset, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    web.login("martine@exemple.fr", NEW_PASSWORD)

    lines = [record.getMessage() for record in caplog.records]
    text = "\n".join(lines)
    assert re.search(r"login failed account='martine@exemple.fr' ip=", text)
    assert re.search(r"login ok user=\d+", text)
    assert re.search(r"logout user=\d+", text)
    assert re.search(r"access refused status=403 user=\d+ ip=\S+ path='/clara/coordination/'", text)
    assert "password reset user=" in text
    for secret in ("mauvais mot de passe secret", PASSWORD, NEW_PASSWORD, SECRET_NEED,
                   reset.rsplit("/", 1)[-1]):
        assert secret not in text, f"a secret reached the logs: {secret[:12]}…"
    # A newline typed in a URL stays inside one quoted log line.
    assert not any(line.startswith("faux login") for line in text.split("\n"))


def test_two_step_login_logs_events_but_neither_the_key_nor_the_codes(web, caplog):
    import pyotp

    from patientlab.auth import two_step
    from patientlab.extensions import db

    caplog.set_level(logging.DEBUG)
    anne = UserFactory(email="anne@exemple.fr")
    secret = two_step.secret_for_setup(anne)
    codes = two_step.enable(anne, pyotp.TOTP(secret).now(), PASSWORD)
    db.session.commit()
    web.submit("/compte/connexion", {"email": "anne@exemple.fr", "password": PASSWORD})
    web.submit("/compte/connexion/code", {"code": "000000"})
    web.submit("/compte/connexion/code", {"code": codes[0]})

    text = "\n".join(record.getMessage() for record in caplog.records)
    assert re.search(r"login password ok, code asked user=\d+", text)
    assert re.search(r"login code failed user=\d+ ip=", text)
    assert re.search(r"login ok user=\d+", text)
    for secret_text in (secret, *codes, codes[0].replace("-", "")):
        assert secret_text not in text


def test_working_tokens_never_reach_a_log_line(web, caplog):
    """Tokens in personal links are replaced by « <jeton> » in every log, access log
    included, while the route stays readable."""
    from types import SimpleNamespace

    from gunicorn.config import Config

    from patientlab.core.logs import AccessLogger, redact

    caplog.set_level(logging.DEBUG)
    UserFactory(email="martine@exemple.fr")
    from patientlab.extensions import db

    db.session.commit()
    web.submit("/compte/mot-de-passe-oublie", {"email": "martine@exemple.fr"})
    reset = link_in(outbox("martine@exemple.fr")[-1])
    token = reset.rsplit("/", 1)[1]
    logging.getLogger("werkzeug").info('127.0.0.1 - - "GET %s HTTP/1.1" 200 -', reset)
    logging.getLogger("patientlab.test").info("access refused path=%r", reset)
    assert token not in caplog.text
    assert "/compte/mot-de-passe/<jeton>" in caplog.text

    environ = {"REQUEST_METHOD": "GET", "RAW_URI": reset, "PATH_INFO": reset,
               "QUERY_STRING": "", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
               "HTTP_REFERER": "https://patientlab.fr" + reset, "HTTP_USER_AGENT": "test"}
    response = SimpleNamespace(status="200 OK", sent=10, headers=[], response_length=10)
    request = SimpleNamespace(headers=[("REFERER", "https://patientlab.fr" + reset)])
    atoms = AccessLogger(Config()).atoms(response, request, environ,
                                         SimpleNamespace(seconds=0, microseconds=1000))
    assert token not in " ".join(str(value) for value in atoms.values())
    assert atoms["r"] == "GET /compte/mot-de-passe/<jeton> HTTP/1.1"
    assert redact("/compte/mot-de-passe-oublie") == "/compte/mot-de-passe-oublie"


def test_a_registration_link_stops_working_a_week_after_its_evening(client):
    from datetime import timedelta

    from patientlab.core.models import utcnow
    from patientlab.core.security import TokenError
    from patientlab.events.services.mails import link_token, registration_for_token
    from patientlab.events.services.registration import RegistrationData, register

    event = make_event()
    registration = register(event.id, RegistrationData(
        name="Nadia", email="nadia@exemple.fr", privacy_consent=True))
    token = link_token(registration)
    assert registration_for_token(token) == registration
    event.starts_at = utcnow() - timedelta(days=9)
    event.ends_at = utcnow() - timedelta(days=8)
    import pytest

    with pytest.raises(TokenError) as error:
        registration_for_token(token)
    assert error.value.expired


def test_pages_with_personal_data_or_a_token_are_never_cached_even_for_visitors(client):
    from patientlab.events.services.mails import link_token
    from patientlab.events.services.registration import RegistrationData, register
    from patientlab.extensions import db

    event = make_event()
    registration = register(event.id, RegistrationData(
        name="Nadia", email="nadia@exemple.fr", privacy_consent=True))
    db.session.commit()
    response = client.get(f"/clara/inscriptions/{link_token(registration)}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/compte/mot-de-passe/x.y.z").headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
