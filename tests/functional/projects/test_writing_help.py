"""The writing help on the project pages: each section's note, the live check, the
coordination's plain words and the one-step « add to the glossary »."""

import pytest
from sqlalchemy import select

from patientlab.core.security import Role
from patientlab.core.typography import french_spacing as fr
from patientlab.extensions import db
from patientlab.projects import writing
from patientlab.projects.models import GlossaryTerm, PlainWord
from tests.factories import UserFactory

DENSE = ("Cette étude ancillaire évaluera les PROs des patients EGFR muté à M3 et M6. "
         "L’observance sera mesurée.")
FORM = {"title": "Mon projet", "teaser": "Une phrase.", "research_status": "preparing",
        "region": "", "why": DENSE, "what": "Nous suivons des femmes pendant trois mois.",
        "change": "Mieux soigner.", "involvement": "Des patientes relisent.",
        "cancer_types": "sein", "themes": "traitements"}


def test_each_section_gets_its_own_note_with_the_words_to_change(web):
    UserFactory(email="claire@exemple.fr", roles=[Role.RESEARCHER])
    db.session.add(PlainWord(word="ancillaire", alternatives="complémentaire"))
    db.session.commit()
    web.login("claire@exemple.fr")
    page = web.submit("/clara/projets/nouveau", {**FORM, "check": "1"}).get_data(as_text=True)
    why = page.split('id="lisibilite-why"')[1].split("</div>")[0]
    assert fr("« Pourquoi cette recherche ? » :") in why
    for word in ("PROs", "EGFR", "M3", "M6"):
        assert f"<strong>{word}</strong>" in why
    assert fr("Mots simples : complémentaire.") in why
    assert "observance" in why
    what = page.split('id="lisibilite-what"')[1].split("</div>")[0]
    assert "Aucun mot à revoir." in what
    assert "Nombres écrits en lettres" in page  # « trois mois », in the overall box
    assert "Ajouter « EGFR » au glossaire" not in page  # only for the coordination


def test_the_live_check_returns_one_sections_note(web):
    UserFactory(email="claire@exemple.fr", roles=[Role.RESEARCHER])
    db.session.commit()
    web.login("claire@exemple.fr")
    response = web.submit("/clara/projets/lisibilite/why", {"text": DENSE},
                          form_url="/clara/projets/nouveau")
    assert response.status_code == 200
    assert "<strong>EGFR</strong>" in response.get_data(as_text=True)
    unknown = web.submit("/clara/projets/lisibilite/titre", {"text": DENSE},
                         form_url="/clara/projets/nouveau")
    assert unknown.status_code == 404


def test_the_coordination_adds_a_flagged_word_to_the_glossary_in_one_step(web):
    UserFactory(email="anne@exemple.fr", roles=[Role.COORDINATOR])
    db.session.commit()
    web.login("anne@exemple.fr")
    page = web.submit("/clara/projets/nouveau", {**FORM, "check": "1"}).get_data(as_text=True)
    assert 'href="/clara/glossaire/gerer?terme=EGFR"' in page
    form_page = web.get("/clara/glossaire/gerer?terme=EGFR").get_data(as_text=True)
    assert 'value="EGFR"' in form_page
    web.submit("/clara/glossaire/gerer", {"term": "EGFR", "definition": "Un gène de la tumeur."})
    assert db.session.scalar(select(GlossaryTerm).where(GlossaryTerm.term == "EGFR"))
    # Explained now: linked on the page, no longer flagged.
    page = web.submit("/clara/projets/nouveau", {**FORM, "check": "1"}).get_data(as_text=True)
    why = page.split('id="lisibilite-why"')[1].split("</div>")[0]
    assert "<strong>EGFR</strong>" not in why


def test_the_coordination_keeps_the_plain_words_with_errors_next_to_the_fields(web):
    UserFactory(email="anne@exemple.fr", roles=[Role.COORDINATOR])
    UserFactory(email="claire@exemple.fr", roles=[Role.RESEARCHER])
    db.session.commit()
    web.login("anne@exemple.fr")
    page = web.submit("/clara/glossaire/mots-simples", {"word": "ancillaire", "alternatives": ""}
                      ).get_data(as_text=True)
    assert "Donnez au moins un mot simple" in page
    assert 'value="ancillaire"' in page
    response = web.submit("/clara/glossaire/mots-simples", {
        "word": "ancillaire", "alternatives": "complémentaire\nannexe"})
    assert response.status_code == 302
    entry = db.session.scalar(select(PlainWord))
    assert entry.alternative_list == ("complémentaire", "annexe")
    clash = web.submit("/clara/glossaire/mots-simples", {"word": "Ancillaire", "alternatives": "x"})
    assert "déjà dans la liste" in clash.get_data(as_text=True)
    web.submit(f"/clara/glossaire/mots-simples/{entry.id}/supprimer",
               form_url="/clara/glossaire/mots-simples")
    assert db.session.scalar(select(PlainWord)) is None

    web.submit("/compte/deconnexion", form_url="/mon-espace")
    web.login("claire@exemple.fr")
    assert web.get("/clara/glossaire/mots-simples").status_code == 403


def test_only_the_coordination_changes_the_plain_words(app):
    researcher = UserFactory(roles=[Role.RESEARCHER])
    with pytest.raises(PermissionError):
        writing.save_plain_word(researcher, None, "ancillaire", "annexe")
