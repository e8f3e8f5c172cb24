"""Project search on a real full-text engine (SQLite FTS5, PostgreSQL tsvector): French
stemming, accents and case ignored, every word required, stop words left out, ranked by
relevance; the same results on both databases (this file runs on each)."""

import pytest
from sqlalchemy import text

from patientlab.core import search
from patientlab.extensions import db
from patientlab.projects import services as svc
from tests.factories import make_project

PROJECTS = {
    "fatigue": {"title": "Bouger contre la fatigue", "teaser": "Moins de fatigue.",
                    "why": "La fatigue pèse sur la vie des patientes fatiguées.",
                    "what": "Un programme de marche.", "change": "Moins de fatigue."},
    "sommeil": {"title": "Mieux dormir après un cancer", "teaser": "Des nuits plus calmes.",
                    "why": "Beaucoup de femmes dorment mal ; la fatigue suit.",
                    "what": "Des séances sur le sommeil.", "change": "Un meilleur sommeil."},
    "chimio": {"title": "Manger pendant la chimiothérapie", "teaser": "Garder le goût.",
                   "why": "Les traitements changent le goût.", "what": "Des recettes.",
                   "change": "Mieux manger."},
    "travail": {"title": "Revenir au travail", "teaser": "Un retour en douceur.",
                    "why": "Reprendre son emploi est difficile.", "what": "Des entretiens.",
                    "change": "Un retour réussi."},
}

# query → the projects found, most relevant first (when the order is certain)
QUERIES = [
    ("fatigué", ["fatigue", "sommeil"]),
    ("FATIGUES", ["fatigue", "sommeil"]),
    ("la fatigue", ["fatigue", "sommeil"]),
    ("fatigue sommeil", ["sommeil"]),
    ("chimio", ["chimio"]),
    ("chimiothérapies", ["chimio"]),
    ("dormir", ["sommeil"]),
    ("travaux", []),  # « travaux » and « travail » have different stems
    ("emploi", ["travail"]),
    ("cancer du poumon", []),
]


@pytest.fixture
def projects(app):
    made = {key: make_project(**fields) for key, fields in PROJECTS.items()}
    db.session.flush()
    return made


def _found(projects, q, sort="pertinence"):
    ids = {p.id: key for key, p in projects.items()}
    page = svc.search_projects(svc.SearchQuery(q=q, sort=sort))
    return [ids[p.id] for p in page.items if p.id in ids]


@pytest.mark.parametrize(("q", "expected"), QUERIES)
def test_french_words_find_their_family(projects, q, expected):
    assert _found(projects, q) == expected


def test_the_most_relevant_comes_first_unless_asked_by_date(projects):
    # « fatigue » four times in the first, once in the second.
    assert _found(projects, "fatigue") == ["fatigue", "sommeil"]
    recent = _found(projects, "fatigue", sort="recent")
    assert sorted(recent) == ["fatigue", "sommeil"]


def test_words_that_are_only_stop_words_filter_nothing(projects):
    assert sorted(_found(projects, "le la les")) == sorted(PROJECTS)


def test_the_search_page_finds_by_stem(client, projects):
    page = client.get("/clara/projets/?q=fatigu%C3%A9es").get_data(as_text=True)
    assert "Bouger contre la fatigue" in page
    assert "Revenir au travail" not in page


def test_an_edited_project_is_found_by_its_new_words(projects):
    project = projects["travail"]
    data = svc.ProjectData(**{**PROJECTS["travail"], "why": "La fatigue revient au travail.",
                              "research_status": "running", "region": "", "lab": "",
                              "team": "", "cancer_types": ["sein"], "themes": ["emploi"],
                              "teaser": "Un retour.", "involvement": ""})
    svc._apply(project, data)
    db.session.flush()
    assert "travail" in _found(projects, "fatigue")


def test_stems_are_postgresql_s_own(app):
    """On PostgreSQL: the application's stems are the lexemes of to_tsvector('french')."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("compares with PostgreSQL's french configuration")
    sample = ("la fatigue des patientes fatiguées pendant les chimiothérapies ; elles "
              "dorment mal et mangent peu ; leur retour au travail après un cancer du sein")
    folded = " ".join(search.words(sample))
    lexemes = set(db.session.scalar(text(
        "SELECT tsvector_to_array(to_tsvector('french'::regconfig, :t))"), {"t": folded}))
    assert set(search.stems(sample).split()) == lexemes


def test_the_count_leaves_out_projects_not_published(projects):
    """On SQLite the count is read from the index less the unpublished matches; on
    PostgreSQL from the join: the same figures, filters or not."""
    make_project(published=False, title="Brouillon sur la fatigue")
    returned = make_project(title="Fatigue et travail, renvoyé")
    returned.publication = "returned"
    db.session.flush()
    for q, filters, expected in (("fatigue", {}, 2), ("fatigue", {"status": "running"}, 2),
                                 ("fatigue", {"status": "finished"}, 0),
                                 ("travail", {}, 1), ("poumon", {}, 0)):
        page = svc.search_projects(svc.SearchQuery(q=q, **filters))
        assert (page.total, len(page.items)) == (expected, expected), (q, filters)


def test_pages_of_a_search_leave_out_unpublished_projects_in_the_same_order(app):
    """Words alone (on SQLite read from the index, ranked by it) and the same words with
    a filter every project passes (the join) give the same pages."""
    for i in range(23):
        make_project(title=f"Fatigue et vie {i}", why="La fatigue " * (1 + i % 4))
    for i in range(3):
        make_project(published=False, title=f"Brouillon fatigue {i}")
    db.session.flush()
    pages = {}
    for filters in ({}, {"cancer": "sein"}):
        found = [svc.search_projects(svc.SearchQuery(q="fatigue", page=n, **filters))
                 for n in (1, 2)]
        assert [page.total for page in found] == [23, 23]
        pages[bool(filters)] = [[p.title for p in page.items] for page in found]
    words, filtered = pages[False], pages[True]
    assert [len(titles) for titles in words] == [20, 3]
    assert words == filtered
    assert not any("Brouillon" in title for titles in words for title in titles)
    assert len({t for titles in words for t in titles}) == 23
