"""English pages: French user content is marked lang="fr" (WCAG 3.1.2), every label is
in English, dates are written in words."""

import re

from patientlab.calls import reviewing as rv
from patientlab.extensions import db
from patientlab.projects.models import GlossaryTerm
from tests import content_language
from tests.factories import (
    UserFactory,
    make_application,
    make_assignment,
    make_call,
    make_event,
    make_project,
)

# Words people wrote, in French, each found in one piece of content.
FRENCH = {
    "project title": "Mieux dormir après un cancer du sein",
    "project teaser": "Des nuits plus calmes pendant les traitements",
    "project why": "La fatigue gêne la vie quotidienne",
    "event title": "Parle-Moi : la fatigue au quotidien",
    "event venue": "Maison des associations",
    "call title": "Oncostarter : expérience des patientes",
    "call description": "Un appel pour financer des projets utiles aux malades",
    "application title": "Marcher ensemble après la chimiothérapie",
    "application summary": "Des promenades en groupe pour reprendre des forces",
    "review comment": "Les personnes âgées risquent de rester seules",
    "glossary term": "Une cohorte est un groupe suivi",
}


def problems_of(html: str) -> list[str]:
    return content_language.problems_of(html, FRENCH)


def _content():
    db.session.add(GlossaryTerm(term="cohorte", slug="cohorte",
                                definition=FRENCH["glossary term"] + "."))
    project = make_project(title=FRENCH["project title"], teaser=FRENCH["project teaser"],
                           why=FRENCH["project why"] + " : une cohorte en parle.")
    event = make_event(title=FRENCH["event title"], venue_name=FRENCH["event venue"])
    call = make_call(state="review", title=FRENCH["call title"],
                     description=FRENCH["call description"] + ".")
    martine = UserFactory(email="martine@exemple.fr", roles=["patient_expert"], locale="en")
    application = make_application(call=call, title=FRENCH["application title"],
                                   lay_summary=FRENCH["application summary"] + ".")
    assignment = make_assignment(application, martine)
    answers = {c.id: rv.AnswerData(score=c.max_score or None, comment=FRENCH["review comment"]
                                   if i == 2 else "")
               for i, c in enumerate(call.criteria)}
    rv.save_review(martine, assignment, answers)
    db.session.commit()
    return project, event, call, assignment


def _english(client):
    client.set_cookie("lang", "en")


def test_a_visitor_reads_french_content_marked_as_french_in_english_pages(client):
    project, event, call, _assignment = _content()
    _english(client)
    pages = ["/", "/clara/projets/", f"/clara/projets/{project.id}", "/clara/evenements/",
             f"/clara/evenements/{event.id}", "/clara/appels/", f"/clara/appels/{call.id}",
             "/clara/glossaire"]
    found = []
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert '<html lang="en"' in html, url
        found += [f"{url}: {problem}" for problem in problems_of(html)]
    assert not found, "\n".join(found)
    # The questions of the grid are the default ones: in English beside English labels.
    html = client.get(f"/clara/appels/{call.id}").get_data(as_text=True)
    assert "Does the project matter to patients and their families?" in html
    assert "Le projet est-il important" not in html


def test_a_reviewer_reads_her_review_pages_in_english(web):
    _project, _event, _call, assignment = _content()
    web.login("martine@exemple.fr")
    found = []
    for url in ("/clara/relectures/", f"/clara/relectures/{assignment.id}",
                f"/clara/relectures/{assignment.id}/verifier",
                f"/clara/relectures/{assignment.id}/imprimer"):
        response = web.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert '<html lang="en"' in html, url
        found += [f"{url}: {problem}" for problem in problems_of(html)]
        # No French label of the grid beside the English ones.
        for french in ("Le projet est-il important", "Pas du tout", "Tout à fait",
                       "Insuffisant", "En partie"):
            if french in html:
                found.append(f"{url}: French label {french!r}")
    assert not found, "\n".join(found)
    html = web.get(f"/clara/relectures/{assignment.id}").get_data(as_text=True)
    assert "Due by on" not in re.sub(r"<[^>]+>", " ", html).replace("  ", " ")


def test_the_checker_finds_unmarked_french_and_numeric_dates():
    assert problems_of(f'<html lang="en"><p>{FRENCH["project title"]}</p></html>')
    assert problems_of('<html lang="en"><p>on 1/10/27, 6:30 PM</p></html>')
    assert not problems_of(f'<html lang="en"><p><span lang="fr">{FRENCH["project title"]}'
                           "</span> on October 1, 2027</p></html>")


def test_an_organiser_reads_dates_in_words_in_english(web):
    organiser = UserFactory(email="olivia@exemple.fr", roles=["organiser"], locale="en")
    make_event(organiser, title=FRENCH["event title"])
    db.session.commit()
    web.login("olivia@exemple.fr")
    html = web.get("/clara/organisation/evenements/").get_data(as_text=True)
    assert problems_of(html) == []
    # « October 1, 2027 at 6:30 PM », never « 1/10/27 ».
    assert re.search(r"[A-Z][a-z]+ \d{1,2}, \d{4}", html)
