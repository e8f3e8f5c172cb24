"""A reader who follows a glossary link can go back to where they were reading."""

import re

from patientlab.extensions import db
from patientlab.projects.models import GlossaryTerm
from tests.factories import make_project


def _text(response):
    return response.get_data(as_text=True)


def _project_with_a_term():
    db.session.add(GlossaryTerm(term="cohorte", slug="cohorte",
                                definition="Un groupe de personnes suivies."))
    project = make_project(title="Mieux dormir", why="Une cohorte de femmes.")
    db.session.commit()
    return project


def test_an_explained_word_leads_back_to_the_place_in_the_text(client):
    project = _project_with_a_term()
    page = _text(client.get(f"/clara/projets/{project.id}"))
    # The word in the text has an id; its explanation links back to it.
    assert re.search(r'<a href="#terme-cohorte" id="mot-cohorte"', page)
    assert '<a href="#mot-cohorte">' in page
    back = page.split('<a href="#mot-cohorte">')[1].split("</a>")[0]
    assert "Revenir au texte" in back
    assert "cohorte" in back


def test_the_whole_glossary_offers_the_way_back_to_the_project(client):
    project = _project_with_a_term()
    page = _text(client.get(f"/clara/projets/{project.id}"))
    link = re.search(r'href="(/clara/glossaire\?depuis=[^"]+)"', page).group(1)
    link = link.replace("&amp;", "&")
    glossary = _text(client.get(link))
    back = f'href="/clara/projets/{project.id}#mots-expliques"'
    assert back in glossary
    assert "Mieux dormir" in glossary.split(back)[1].split("</a>")[0]

    # The entry the reader came for has the way back beside its explanation.
    entry = _text(client.get(f"/clara/glossaire?depuis=/clara/projets/{project.id}%23mot-cohorte"
                             "&terme=cohorte"))
    dl = entry.split('id="terme-cohorte"')[1].split("</dl>")[0]
    assert f'href="/clara/projets/{project.id}#mot-cohorte"' in dl


def test_the_way_back_is_a_local_path_only(client):
    _project_with_a_term()
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)",
                   "\\\\evil.example", "projets/1"):
        page = _text(client.get("/clara/glossaire", query_string={"depuis": target,
                                                            "terme": "cohorte"}))
        assert 'class="back-link"' not in page
        assert "Revenir à" not in page
    page = _text(client.get("/clara/glossaire", query_string={"depuis": "/clara/evenements/"}))
    assert 'href="/clara/evenements/"' in page
    assert "Revenir à la page où vous étiez" in page
