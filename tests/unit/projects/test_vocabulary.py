"""The rules of the glossary and plain words: the national lists and each network's own
(patientlab/projects/terms.py, writing.py)."""

import pytest
from sqlalchemy import event, select

from patientlab.core.audit import AuditEntry
from patientlab.core.errors import ServiceError
from patientlab.core.security import Role
from patientlab.extensions import db
from patientlab.projects import services as svc
from patientlab.projects import terms, writing
from tests.factories import FIRST_NETWORK, NetworkFactory, UserFactory, make_project


@pytest.fixture
def paca():
    return NetworkFactory(slug="paca", name="Cancéropôle PACA")


@pytest.fixture
def admin():
    return UserFactory(roles=[Role.ADMIN])


def _coordinator(network=None):
    return UserFactory(roles=[Role.COORDINATOR], roles__network=network)


def test_a_network_sees_the_national_terms_and_its_own_in_one_query(admin, paca):
    terms.save_term(admin, None, "Cohorte", "Un groupe.")
    terms.save_term(admin, None, "Biopsie", "Un morceau.", paca.id)
    terms.save_term(admin, None, "Essai", "Une étude.", FIRST_NETWORK)
    db.session.flush()  # the journal's entries
    statements = []

    def record(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        found = [t.term for t in terms.glossary(paca.id)]
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert found == ["Biopsie", "Cohorte"]
    assert len(statements) == 1
    assert [t.term for t in terms.glossary(FIRST_NETWORK)] == ["Cohorte", "Essai"]
    assert [t.term for t in terms.glossary(None)] == ["Cohorte"]


def test_who_keeps_which_list(admin, paca):
    clara, theirs = _coordinator(), _coordinator(paca)
    assert terms.may_keep(clara, FIRST_NETWORK)
    assert not terms.may_keep(clara, paca.id)
    assert terms.may_keep(theirs, paca.id)
    assert not terms.may_keep(theirs, FIRST_NETWORK)
    assert not terms.may_keep(clara, None)
    assert not terms.may_keep(theirs, None)
    assert terms.may_keep(admin, None)
    assert terms.may_keep(admin, paca.id)
    assert not terms.may_keep(UserFactory(roles=[Role.RESEARCHER]), FIRST_NETWORK)
    assert not terms.may_keep(None, FIRST_NETWORK)


def test_a_coordinator_changes_nothing_of_another_network_nor_the_national_list(admin, paca):
    national = terms.save_term(admin, None, "Cohorte", "Un groupe.")
    clara = terms.save_term(admin, None, "Essai", "Une étude.", FIRST_NETWORK)
    word = writing.save_plain_word(admin, None, "ancillaire", "annexe", FIRST_NETWORK)
    theirs = _coordinator(paca)
    for call in (lambda: terms.save_term(theirs, national, "Cohorte", "Changé."),
                 lambda: terms.save_term(theirs, clara, "Essai", "Changé."),
                 lambda: terms.save_term(theirs, None, "Placebo", "Rien.", None),
                 lambda: terms.save_term(theirs, None, "Placebo", "Rien.", FIRST_NETWORK),
                 lambda: terms.delete_term(theirs, national),
                 lambda: writing.save_plain_word(theirs, word, "ancillaire", "x"),
                 lambda: writing.delete_plain_word(theirs, word)):
        with pytest.raises(PermissionError):
            call()


def test_a_network_word_never_repeats_a_national_one(admin, paca):
    terms.save_term(admin, None, "Cohorte", "Un groupe.")
    writing.save_plain_word(admin, None, "ancillaire", "annexe")
    theirs = _coordinator(paca)
    with pytest.raises(ServiceError, match="glossaire national") as refused:
        terms.save_term(theirs, None, "cohorte !", "Le nôtre.", paca.id)
    assert refused.value.field == "term"
    with pytest.raises(ServiceError, match="liste nationale") as refused:
        writing.save_plain_word(theirs, None, "Ancillaire", "autre", paca.id)
    assert refused.value.field == "word"


def test_two_networks_may_explain_the_same_word_but_the_nation_then_may_not(admin, paca):
    mine = terms.save_term(_coordinator(), None, "Biopsie", "Chez nous.", FIRST_NETWORK)
    theirs = terms.save_term(_coordinator(paca), None, "Biopsie", "Chez eux.", paca.id)
    assert mine.slug == theirs.slug == "biopsie"
    with pytest.raises(ServiceError, match="propre au Cancéropôle"):
        terms.save_term(admin, None, "Biopsie", "Pour tous.", None)
    writing.save_plain_word(_coordinator(paca), None, "ancillaire", "annexe", paca.id)
    with pytest.raises(ServiceError, match="propre au Cancéropôle PACA"):
        writing.save_plain_word(admin, None, "ancillaire", "annexe", None)


def test_numbered_anchors_count_the_lists_a_page_shows(admin, paca):
    terms.save_term(admin, None, "化疗", "Chimiothérapie.", paca.id)
    assert terms.save_term(admin, None, "放疗", "Radiothérapie.", FIRST_NETWORK).slug == "terme"
    assert terms.save_term(admin, None, "手术", "Chirurgie.", None).slug == "terme-2"


def test_an_edited_term_stays_in_its_own_list_and_the_journal_names_it(admin, paca):
    term = terms.save_term(_coordinator(paca), None, "Biopsie", "Un morceau.", paca.id)
    terms.save_term(admin, term, "Biopsie", "Un petit morceau.", None)
    assert term.network_id == paca.id
    terms.delete_term(admin, term)
    assert set(db.session.scalars(select(AuditEntry.summary))) == {"Biopsie (network=paca)"}
    assert len(db.session.scalars(select(AuditEntry)).all()) == 3


def test_a_projects_summary_and_writing_help_use_its_networks_words(admin, paca):
    terms.save_term(admin, None, "biopsie", "Un morceau.", paca.id)
    terms.save_term(admin, None, "placebo", "Sans produit.", FIRST_NETWORK)
    writing.save_plain_word(admin, None, "ancillaire", "complémentaire", paca.id)
    text = "Une étude ancillaire avec une biopsie et un placebo."
    project = make_project(network_id=paca.id, what=text)
    assert [t.term for t in svc.lay_summary(project).terms] == ["biopsie"]
    analysis = writing.summary_analysis(project).overall
    assert analysis.explained == ["biopsie"]
    assert [f.alternatives for f in analysis.flags if f.word == "ancillaire"] == [
        ("complémentaire",)]
    elsewhere = writing.analyse_section(text, FIRST_NETWORK)
    assert elsewhere.explained == ["placebo"]
    assert all(not f.alternatives for f in elsewhere.flags)
