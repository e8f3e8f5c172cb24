"""A visitor's registration form carries no CSRF token (so that the evening's pages are
the same for every visitor and can be kept): it is accepted only when the browser says
it was posted from our own pages (Sec-Fetch-Site: same-origin, else an Origin of ours),
as OWASP's CSRF cheat sheet describes. A person logged in keeps the token."""

import pytest
from sqlalchemy import func, select

from patientlab.events.models import Registration
from patientlab.extensions import db
from tests.factories import UserFactory, make_event

FORM = {"name": "Paul Martin", "email": "paul@exemple.fr", "seats": "1",
        "privacy_consent": "y"}


def _registrations() -> int:
    return db.session.scalar(select(func.count(Registration.id)))


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site", "Origin": "https://autre.localhost"},
    {"Sec-Fetch-Site": "cross-site", "Origin": "http://localhost"},
    {"Origin": "null"},
    {},
], ids=["foreign-origin", "cross-site", "same-site", "cross-site-with-our-origin",
        "null-origin", "no-header"])
def test_a_visitors_registration_not_posted_from_our_pages_is_refused(client, headers):
    event = make_event()
    db.session.commit()
    answer = client.post(f"/clara/evenements/{event.id}/inscription", data=FORM, headers=headers)
    assert answer.status_code == 403
    page = answer.get_data(as_text=True)
    assert "ne vient pas d’une page de notre site" in page
    assert "<h1" in page  # the site's own error page, not a bare refusal
    assert _registrations() == 0


@pytest.mark.parametrize("headers", [
    {"Sec-Fetch-Site": "same-origin"},
    {"Origin": "http://localhost"},
    {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"},
], ids=["fetch-metadata", "origin-only", "both"])
def test_a_visitors_registration_from_our_pages_works_without_a_token(client, headers):
    event = make_event()
    db.session.commit()
    answer = client.post(f"/clara/evenements/{event.id}/inscription", data=FORM, headers=headers)
    assert answer.status_code in (302, 303)
    assert _registrations() == 1


def test_a_logged_in_persons_registration_still_needs_its_token(web):
    """Logged in, the form acts for an account: the CSRF token is asked as everywhere,
    and the page carries it."""
    event = make_event()
    UserFactory(email="lea@exemple.fr", name="Léa Martin")
    db.session.commit()
    web.login("lea@exemple.fr")
    url = f"/clara/evenements/{event.id}/inscription"
    page = web.get(f"{url}?places=1").get_data(as_text=True)
    assert 'name="csrf_token"' in page
    same_origin = {"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"}
    without = web.client.post(url, data={**FORM, "email": "lea@exemple.fr"},
                              headers=same_origin)
    assert without.status_code in (400, 303)
    assert _registrations() == 0
    sent = web.submit(url, {**FORM, "email": "lea@exemple.fr"}, form_url=f"{url}?places=1")
    assert sent.status_code in (302, 303)
    assert _registrations() == 1


def test_the_configured_public_address_is_our_origin_too(app, client):
    """Behind a proxy that ends TLS, the request may look like http://… while the browser
    says https://our-host: PUBLIC_URL's origin is ours as well."""
    event = make_event()
    db.session.commit()
    public = app.config["PUBLIC_URL"].rstrip("/")
    answer = client.post(f"/clara/evenements/{event.id}/inscription", data=FORM,
                         headers={"Origin": public})
    assert answer.status_code in (302, 303)
