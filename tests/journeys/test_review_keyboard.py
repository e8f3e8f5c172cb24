"""A reviewer who uses only the keyboard, with JavaScript off, reviews a project from
her invitation mail to the receipt: every step reachable by Tab, chosen by Space and the
arrow keys, sent by Enter, with the focus visible all along."""

from sqlalchemy import select

from patientlab.auth.models import User
from patientlab.calls import reviewing as rv
from patientlab.core.mail import send_pending
from patientlab.demo import DEMO_PASSWORD
from patientlab.extensions import db
from tests.factories import UserFactory, make_application, make_call

MARTINE = "patient@exemple.fr"
TITLE = "Jardiner pendant les traitements"

FOCUS = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute("name") || "",
          type: el.getAttribute("type") || "", text: (el.innerText || el.value || "").trim(),
          outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2};
}"""


def _build(journey_app):
    with journey_app.app_context():
        martine = db.session.scalar(select(User).where(User.email == MARTINE))
        martine.locale = "fr"
        coordinator = db.session.scalar(select(User).where(
            User.email == "coordination@exemple.fr"))
        researcher = UserFactory(email="chercheur.jardin@exemple.fr", roles=["researcher"])
        call = make_call(state="review", title="Oncostarter – Jardins")
        application = make_application(researcher, call, title=TITLE,
                                       lay_summary="Un jardin partagé à l’hôpital.")
        rv.assign(coordinator, application, [martine.id])
        db.session.commit()
        send_pending()


def tab_to(page, matches, limit=250):
    """Press Tab until the focused element matches; each stop has a visible focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS)
        if focused["tag"] != "body":
            assert focused["outline"], f"focus not visible on {focused}"
        if matches(focused):
            return focused
    raise AssertionError(f"never reached by Tab on {page.url}")


def submit(page):
    """Enter on the focused field or button sends the form; the next page loads."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def button(text):
    return lambda f: f["tag"] == "button" and f["text"].startswith(text)


def test_review_by_keyboard_without_javascript(journey_app, journey_url, laptop, look, mailbox):
    _build(journey_app)
    page = laptop(java_script_enabled=False).new_page()
    mail = mailbox.wait_for(to=MARTINE, subject_contains="vous attend pour relecture")
    assert TITLE in mail.text
    page.goto(mail.link(containing="/clara/relectures/"))
    look(page, "login (no JavaScript)")

    tab_to(page, lambda f: f["id"] == "email")
    page.keyboard.type(MARTINE)
    tab_to(page, lambda f: f["id"] == "password")
    page.keyboard.type(DEMO_PASSWORD)
    submit(page)
    assert "/clara/relectures/" in page.url
    look(page, "conflict of interest question (no JavaScript)")

    # « Non, je n’ai aucun lien »: the first radio of the group, chosen with Space.
    tab_to(page, lambda f: f["name"] == "conflict")
    page.keyboard.press("Space")
    assert page.get_by_label("Non, je n’ai aucun lien").is_checked()
    tab_to(page, button("Enregistrer ma déclaration"))
    submit(page)
    assert "Vous pouvez commencer la relecture" in page.inner_text("main")
    look(page, "review form (no JavaScript)")

    # Each scale: Tab into the group, Space on the lowest answer, the arrow keys go up.
    sections = page.locator("main section.criterion")
    names = []
    for index in range(sections.count()):
        radios = sections.nth(index).locator("input[type=radio]")
        if radios.count():
            names.append((radios.first.get_attribute("name"), radios.count()))
        else:
            names.append((sections.nth(index).locator("textarea").get_attribute("name"), 0))
    for name, count in names:
        if count:
            tab_to(page, lambda f, name=name: f["name"] == name)
            page.keyboard.press("Space")
            assert page.locator(f"input[name={name}]").first.is_checked()  # the lowest
            for _ in range(count - 1):
                page.keyboard.press("ArrowDown")  # one step higher each time
            assert page.locator(f"input[name={name}]").last.is_checked()  # the highest
        elif name != names[-1][0]:  # the confidential comment stays empty (optional)
            tab_to(page, lambda f, name=name: f["name"] == name)
            page.keyboard.type("Les personnes qui n’ont pas de jardin près de chez elles.")
    tab_to(page, button("Relire avant d’envoyer"))
    submit(page)
    assert "/verifier" in page.url
    main = page.inner_text("main")
    assert "5 – Tout à fait" in main
    assert "Excellent" in main
    look(page, "check before sending (no JavaScript)")
    tab_to(page, button("Envoyer ma relecture"))
    submit(page)
    assert "Votre relecture est envoyée" in page.inner_text("main")
    look(page, "my reviews (no JavaScript)")

    receipt = mailbox.wait_for(to=MARTINE, subject_contains="Votre relecture est envoyée")
    assert TITLE in receipt.subject
    page.goto(receipt.link(containing="/lire"))
    assert "Les personnes qui n’ont pas de jardin" in page.inner_text("main")
    look(page, "review read back (no JavaScript)")
