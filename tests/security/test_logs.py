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
    assert web.get("/coordination/").status_code == 403
    assert web.get("/coordination/%0Afaux%20login%20ok%20user=1").status_code in (403, 404)
    url = f"/evenements/{event.id}"
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
    assert re.search(r"access refused status=403 user=\d+ ip=\S+ path='/coordination/'", text)
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
    codes = two_step.enable(anne, pyotp.TOTP(secret).now())
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
