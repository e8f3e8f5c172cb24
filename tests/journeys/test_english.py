"""A visitor and Martine read the platform in English: every label in English, French
content marked lang="fr" so that screen readers read it in French, dates in words."""

import re

from sqlalchemy import select

from patientlab.auth.models import User
from patientlab.demo import DEMO_PASSWORD
from patientlab.extensions import db
from patientlab.projects.models import GlossaryTerm
from tests.content_language import problems_of
from tests.factories import make_application, make_assignment, make_call, make_event, make_project

MARTINE = "patient@exemple.fr"
FRENCH = {
    "project title": "Respirer mieux après un cancer du poumon",
    "project teaser": "Des exercices de souffle à faire chez soi",
    "event title": "Parle-Moi : le souffle et la fatigue",
    "call title": "Oncostarter : la vie après les traitements",
    "application title": "Chanter pour retrouver son souffle",
    "glossary": "Un essai où l’on compare deux façons de soigner",
}
# Labels of the interface that must be in English on an English page.
FRENCH_LABELS = ("Accueil", "Me connecter", "Pas du tout", "Tout à fait", "Insuffisant",
                 "En partie", "Le projet est-il important", "À rendre au plus tard",
                 "Enregistrer le brouillon", "Relire avant d’envoyer")
MONTH = re.compile(r"(January|February|March|April|May|June|July|August|September|"
                   r"October|November|December) \d{1,2}, \d{4}")


def _build(journey_app):
    with journey_app.app_context():
        if not db.session.scalar(select(GlossaryTerm).where(GlossaryTerm.slug == "essai-compare")):
            db.session.add(GlossaryTerm(term="essai comparé", slug="essai-compare",
                                        definition=FRENCH["glossary"] + "."))
        project = make_project(title=FRENCH["project title"], teaser=FRENCH["project teaser"],
                               why="Un essai comparé avec des patientes de Lille.")
        event = make_event(title=FRENCH["event title"])
        call = make_call(state="review", title=FRENCH["call title"])
        martine = db.session.scalar(select(User).where(User.email == MARTINE))
        application = make_application(call=call, title=FRENCH["application title"])
        assignment = make_assignment(application, martine)
        db.session.commit()
        return project.id, event.id, call.id, assignment.id


def _read(page, look, label):
    look(page, label)
    html = page.content()
    assert '<html lang="en"' in html, label
    found = problems_of(html, FRENCH, FRENCH_LABELS)
    assert not found, f"{label}:\n" + "\n".join(found)
    return page.inner_text("main")


def test_a_visitor_and_martine_read_the_platform_in_english(
        journey_app, journey_url, phone, log_in, look):
    project_id, event_id, call_id, assignment_id = _build(journey_app)

    # A visitor whose browser asks for English.
    page = phone(text_size=150, locale="en-GB").new_page()
    page.goto(journey_url + "/")
    _read(page, look, "home in English")
    page.goto(journey_url + "/clara/projets/")
    _read(page, look, "projects in English")
    page.goto(f"{journey_url}/clara/projets/{project_id}")
    main = _read(page, look, "a project in English")
    assert FRENCH["project title"] in main
    # The explained word leads to its explanation, and back to the text.
    page.get_by_role("link", name="essai comparé").first.click()
    page.get_by_role("link", name=re.compile("Back to the text")).click()
    assert page.url.endswith("#mot-essai-compare")
    page.goto(f"{journey_url}/clara/evenements/{event_id}")
    main = _read(page, look, "an evening in English")
    assert MONTH.search(main), main[:500]
    page.goto(journey_url + "/clara/evenements/")
    _read(page, look, "evenings in English")
    page.goto(f"{journey_url}/clara/appels/{call_id}")
    main = _read(page, look, "a call in English")
    assert "Does the project matter to patients and their families?" in main
    assert MONTH.search(main)
    page.goto(journey_url + "/clara/glossaire")
    _read(page, look, "glossary in English")

    # Martine, who chose English for her account.
    with journey_app.app_context():
        db.session.scalar(select(User).where(User.email == MARTINE)).locale = "en"
        db.session.commit()
    try:
        context = phone(text_size=150, locale="en-GB")
        page = log_in(context, MARTINE, DEMO_PASSWORD)
        page.goto(journey_url + "/clara/relectures/")
        main = _read(page, look, "my reviews in English")
        assert FRENCH["application title"] in main
        assert MONTH.search(main)
        page.goto(f"{journey_url}/clara/relectures/{assignment_id}")
        main = _read(page, look, "review form in English")
        assert "Due by on" not in main
        assert re.search(r"Due by\s+" + MONTH.pattern, main)
        for label in ("1 – Not at all", "5 – Completely", "Poor", "Excellent", "No", "Yes"):
            assert page.get_by_label(label, exact=True).count(), label
        page.get_by_role("button", name="Save the draft").click()
        _read(page, look, "draft saved in English")
    finally:
        with journey_app.app_context():
            db.session.scalar(select(User).where(User.email == MARTINE)).locale = "fr"
            db.session.commit()
