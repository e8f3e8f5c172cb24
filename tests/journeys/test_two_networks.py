"""Journey 10, as far as the platform goes today: Martine, a validated patient expert,
has one account for two networks. She reviews for CLARA and, with the same account, goes
to a Parle-Moi evening of the Cancéropôle PACA; the mail leads her back to PACA's page."""

from datetime import timedelta

from sqlalchemy import select

from patientlab.auth.models import User
from patientlab.calls import reviewing as rv
from patientlab.core.mail import send_pending
from patientlab.core.models import utcnow
from patientlab.events.models import Event
from patientlab.extensions import db
from patientlab.networks.models import Network
from tests.factories import UserFactory, make_application, make_call

MARTINE = "patient@exemple.fr"
REVIEW_TITLE = "Dormir mieux pendant l’hormonothérapie"
EVENING = "Parle-Moi à Marseille : le sommeil après un cancer"


def plain(text: str) -> str:
    """The text as read: French typography's no-break spaces as spaces."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def _build(journey_app) -> int:
    """CLARA's coordination assigned Martine an application to review; PACA's organiser
    published an evening in Marseille."""
    with journey_app.app_context():
        martine = db.session.scalar(select(User).where(User.email == MARTINE))
        martine.locale = "fr"
        coordinator = db.session.scalar(select(User).where(
            User.email == "coordination@exemple.fr"))
        researcher = UserFactory(email="chercheur.sommeil@exemple.fr", name="Louis Perrin",
                                 roles=["researcher"])
        call = make_call(state="review", title="Oncostarter – Sommeil")
        application = make_application(researcher, call, title=REVIEW_TITLE,
                                       lay_summary="Des ateliers pour mieux dormir.",
                                       team="Dr Louis Perrin, Grenoble")
        rv.assign(coordinator, application, [martine.id])
        paca = db.session.scalar(select(Network).where(Network.slug == "paca"))
        nicolas = db.session.scalar(select(User).where(
            User.email == "organisation.paca@exemple.fr"))
        starts = (utcnow() + timedelta(days=10)).replace(hour=16, minute=30, second=0,
                                                         microsecond=0)
        evening = Event(network_id=paca.id, organiser_id=nicolas.id, title=EVENING,
                        theme="vivre", format="onsite", description="<p>Échanges.</p>",
                        venue_name="Cité des associations",
                        address="93 La Canebière, 13001 Marseille", town="Marseille",
                        postcode="13001", step_free=True, capacity=40, starts_at=starts,
                        ends_at=starts + timedelta(hours=2), lock_version=0,
                        published_at=utcnow())
        db.session.add(evening)
        db.session.commit()
        send_pending()
        return evening.id


def test_martine_reviews_for_clara_and_registers_for_a_paca_evening_with_one_account(
        journey_app, journey_url, phone, log_in, look, mailbox):
    evening_id = _build(journey_app)
    context = phone(text_size=150)

    # She logs in once: « Mon espace » shows her CLARA review, with a link into CLARA.
    page = log_in(context, MARTINE)
    page.goto(journey_url + "/mon-espace")
    look(page, "my space")
    task = page.get_by_role("link", name=f"Dire si vous avez un lien avec « {REVIEW_TITLE} »")
    assert "/clara/relectures/" in task.get_attribute("href")
    task.click()
    assert "/clara/relectures/" in page.url
    assert REVIEW_TITLE in page.inner_text("main")
    look(page, "her CLARA review")

    # PACA's evenings, with the same account and no second login.
    page.goto(journey_url + "/paca/evenements/")
    look(page, "PACA's evenings")
    listed = plain(page.inner_text("main"))
    assert "Marseille" in listed
    page.get_by_role("link", name=EVENING).click()
    assert f"/paca/evenements/{evening_id}" in page.url
    look(page, "PACA evening")
    page.get_by_role("button", name="Continuer").click()
    look(page, "registration form, logged in")
    # Her account fills in who she is: she does not type it again (WCAG 3.3.7).
    assert page.get_by_label("Nom et prénom").input_value() == "Martine Dubois"
    assert page.get_by_role("textbox", name="Adresse e-mail").input_value() == MARTINE
    page.get_by_label("J’accepte que mon nom et mon adresse e-mail", exact=False).check()
    page.get_by_role("button", name="M’inscrire").click()
    # Logged in with the address she registers: her registration at once, in PACA.
    assert "/paca/inscriptions/" in page.url
    assert EVENING in page.inner_text("main")
    look(page, "her PACA registration")

    # The confirmation mail leads to the PACA evening's registration page.
    mail = mailbox.wait_for(to=MARTINE, subject_contains="Inscription confirmée")
    assert EVENING in plain(mail.text)
    link = mail.link(containing="/inscriptions/")
    assert link.startswith(journey_url + "/paca/inscriptions/"), link
    assert not [href for href in mail.links if "/clara/" in href], mail.links
    page.goto(link)
    assert "/paca/inscriptions/" in page.url
    main = plain(page.inner_text("main"))
    assert EVENING in main
    assert "Place confirmée : 1." in main
    look(page, "registration page from the mail")

    # Back in « Mon espace »: her CLARA review and her PACA evening, side by side.
    page.goto(journey_url + "/mon-espace")
    evening = page.get_by_role("link", name=EVENING)
    assert "/paca/inscriptions/" in evening.get_attribute("href")
    review = page.get_by_role("link", name=f"Dire si vous avez un lien avec « {REVIEW_TITLE} »")
    assert "/clara/relectures/" in review.get_attribute("href")
    look(page, "my space with both networks")
    evening.click()
    assert EVENING in page.inner_text("main")
