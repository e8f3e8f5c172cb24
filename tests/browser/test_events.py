"""« Parle-Moi » in the browser: registering by keyboard, check-in on a phone, the
organiser's pages of the night and after."""

from patientlab.core.typography import french_spacing as fr
from tests.browser.conftest import log_in
from tests.browser.harness import assert_no_axe_violations, scroll_overflow, tab_until


def mail_link(live_app, base_url, email):
    """The personal link of the last mail to ``email``, on the test server."""
    import re

    from sqlalchemy import select

    from patientlab.core.mail import OutboxMessage
    from patientlab.extensions import db

    with live_app.app_context():
        body = db.session.scalars(select(OutboxMessage.body_text).where(
            OutboxMessage.recipient == email).order_by(OutboxMessage.id.desc())).first()
        db.session.remove()
    path = re.search(r"https?://[^/\s]+(/[a-z][a-z0-9-]+/inscriptions/\S+)", body).group(1)
    return base_url + path


def test_visitor_registers_herself_and_her_husband_with_the_keyboard(new_context, base_url,
                                                                     live_app):
    page = new_context().new_page()
    page.goto(base_url + "/clara/evenements/")
    tab_until(page, "el => el.tagName === 'A' && el.innerText.includes('parler aux enfants')",
              "list → evening")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_until(page, "el => el.id === 'places-1'", "registration: how many people")
    page.keyboard.press("ArrowDown")  # 2 people
    tab_until(page, "el => el.tagName === 'BUTTON' && el.innerText.includes('Continuer')",
              "registration: continue")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_until(page, "el => el.id === 'name'", "registration: name")
    page.keyboard.type("Chantal Mercier")
    tab_until(page, "el => el.id === 'email'", "registration: e-mail")
    page.keyboard.type("chantal.mercier@exemple.fr")
    tab_until(page, "el => el.id === 'needs-0'", "registration: step-free access")
    page.keyboard.press("Space")
    tab_until(page, "el => el.id === 'needs_consent'", "registration: needs consent")
    page.keyboard.press("Space")
    tab_until(page, "el => el.id === 'privacy_consent'", "registration: privacy consent")
    page.keyboard.press("Space")
    tab_until(page, "el => el.tagName === 'BUTTON' && el.innerText.includes('M’inscrire')",
              "registration: submit")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Nous avons envoyé un e-mail à chantal.mercier@exemple.fr" in page.inner_text("main")
    assert_no_axe_violations(page, "registration sent")
    page.goto(mail_link(live_app, base_url, "chantal.mercier@exemple.fr"))
    assert fr("Places confirmées : 2.") in page.inner_text("main")
    assert "Accès sans marche" in page.inner_text("main")
    assert_no_axe_violations(page, "registration confirmation")


IN_VIEW = """el => { const r = el.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight; }"""


def test_check_in_at_375_px_by_keyboard_one_person_at_a_time(new_context, base_url):
    """Search on top; each person of a group checked in on their own; the result said
    inside the card, where the person is looking, without a jump off-screen."""
    context = log_in(new_context(viewport={"width": 375, "height": 667}, has_touch=True),
                     base_url, "organisation@exemple.fr")
    page = context.new_page()
    page.goto(base_url + "/clara/organisation/evenements/2/accueil")
    assert scroll_overflow(page) == 0
    assert_no_axe_violations(page, "check-in at 375 px")
    assert page.evaluate(IN_VIEW, page.locator("#q").element_handle())
    tab_until(page, "el => el.id === 'q'", "check-in: search")
    page.keyboard.type("Camille")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    card = page.locator("main .check-in-item").first
    assert "Lina A." in card.inner_text()  # her companion, named
    tab_until(page, "el => el.tagName === 'BUTTON' && el.innerText.includes('Pointer l’arrivée')",
              "card: Camille")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    status = page.locator("main [role=status]")
    assert fr("Arrivée pointée : Camille A.") in status.inner_text()
    assert page.evaluate(IN_VIEW, status.element_handle()), "the result is off-screen"
    tab_until(page, "el => el.tagName === 'BUTTON' && el.innerText.includes('Pointer l’arrivée')",
              "card: her companion")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert fr("Arrivée pointée : Lina A.") in page.locator("main [role=status]").inner_text()
    assert "2 sur 2 arrivées" in page.locator("main .check-in-item").first.inner_text()
    for button in page.locator("main .check-in-item button").all():
        assert button.bounding_box()["height"] >= 44
    assert scroll_overflow(page) == 0
    assert_no_axe_violations(page, "check-in after two arrivals")


def test_the_night_and_after_pages_have_zero_violations(new_context, base_url):
    """The phone registration, one registration with its forms, the printed
    confirmation and the record of a held evening (chart and table)."""
    context = log_in(new_context(), base_url, "organisation@exemple.fr")
    page = context.new_page()
    page.goto(base_url + "/clara/organisation/evenements/2")
    page.click("main table a >> nth=0")
    registration = page.url
    for url in (base_url + "/clara/organisation/evenements/2/inscrire", registration,
                registration + "/confirmation",
                base_url + "/clara/organisation/evenements/4/bilan"):
        page.goto(url)
        assert page.locator("h1").count() == 1
        assert_no_axe_violations(page, url)
    assert page.locator("svg.chart").count() == 1
    page.goto(base_url + "/clara/organisation/evenements/2/inscrire")
    page.click("main button[type=submit]")
    assert page.locator(".error-summary").count() == 1
    assert_no_axe_violations(page, "phone registration with errors")


def test_organiser_dashboard_and_sheet_have_zero_violations(new_context, base_url):
    context = log_in(new_context(), base_url, "organisation@exemple.fr")
    page = context.new_page()
    for path in ("/clara/organisation/evenements/", "/clara/organisation/evenements/2",
                 "/clara/organisation/evenements/2/feuille-de-presence",
                 "/clara/organisation/evenements/2/modifier"):
        page.goto(base_url + path)
        assert_no_axe_violations(page, path)


def test_cancelling_by_keyboard_asks_to_confirm_first(new_context, base_url, live_app):
    from datetime import timedelta

    from sqlalchemy import select

    from patientlab.core.models import utcnow
    from patientlab.events.models import Event
    from patientlab.events.services.mails import link_token
    from patientlab.events.services.registration import RegistrationData, register
    from patientlab.extensions import db

    with live_app.app_context():
        event = db.session.scalars(select(Event).where(
            Event.starts_at > utcnow() + timedelta(days=2), Event.cancelled_at.is_(None))
            .order_by(Event.starts_at)).first()
        registration = register(event.id, RegistrationData(
            name="Odile Garnier", email="odile.garnier@exemple.fr", privacy_consent=True))
        token = link_token(registration)
        from patientlab.networks.models import Network

        slug = db.session.get(Network, event.network_id).slug  # the next one may be PACA's
        db.session.commit()
        db.session.remove()
    page = new_context().new_page()
    page.goto(f"{base_url}/{slug}/inscriptions/{token}")
    tab_until(page, "el => el.tagName === 'A' && el.innerText.includes('Annuler mon inscription')",
              "registration → cancel link")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert fr("Annuler mon inscription ?") in page.inner_text("h1")
    assert_no_axe_violations(page, "cancel confirmation")
    tab_until(page, "el => el.tagName === 'BUTTON' && el.innerText.includes('Oui, annuler')",
              "confirmation → yes")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Votre inscription est annulée" in page.inner_text("main")
    assert "Ajouter à mon agenda" not in page.inner_text("main")
    assert_no_axe_violations(page, "registration cancelled")
