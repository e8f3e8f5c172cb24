"""Each network's glossary and plain words beside the national ones: what its pages show,
who keeps which list, and one network's words never reached from another's."""

import html

import pytest
from sqlalchemy import select

from patientlab.core.audit import AuditEntry
from patientlab.core.security import Role
from patientlab.core.typography import french_spacing as fr
from patientlab.extensions import db
from patientlab.projects.models import GlossaryTerm, PlainWord
from tests.factories import FIRST_NETWORK, NetworkFactory, UserFactory, make_project


def _term(word, network_id=None, definition="Une définition."):
    term = GlossaryTerm(term=word, slug=word.lower().replace(" ", "-"), definition=definition,
                        network_id=network_id)
    db.session.add(term)
    db.session.flush()
    return term


def _word(word, network_id=None, alternatives="plus simple"):
    entry = PlainWord(word=word, alternatives=alternatives, network_id=network_id)
    db.session.add(entry)
    db.session.flush()
    return entry


@pytest.fixture
def paca():
    return NetworkFactory(slug="paca", short_name="PACA", name="Cancéropôle PACA")


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_a_networks_glossary_shows_the_national_terms_and_its_own_in_order(web, paca):
    _term("cohorte")
    _term("biopsie", paca.id)
    _term("essai", FIRST_NETWORK)
    db.session.commit()
    page = _text(web.get("/paca/glossaire"))
    assert page.index("biopsie") < page.index("cohorte")
    assert "essai" not in page  # CLARA's own
    own = page.split('id="terme-biopsie"')[1].split("</dd>")[0]
    assert "propre au Cancéropôle PACA" in own
    national = page.split('id="terme-cohorte"')[1].split("</dd>")[0]
    assert "propre au" not in national
    clara = _text(web.get("/clara/glossaire"))
    assert "essai" in clara
    assert "cohorte" in clara
    assert "biopsie" not in clara


def test_a_projects_explained_words_and_writing_help_are_its_networks(web, paca):
    _term("cohorte")
    _term("biopsie", paca.id)
    _term("placebo", FIRST_NETWORK)
    _word("ancillaire", paca.id, "complémentaire")
    coordinator = UserFactory(email="anne@exemple.fr", roles=[Role.COORDINATOR],
                              roles__network=paca)
    project = make_project(coordinator, network_id=paca.id,
                           what="Une cohorte, une biopsie et un placebo.")
    project.publication = "published"
    db.session.commit()
    page = _text(web.get(f"/paca/projets/{project.id}"))
    assert 'href="#terme-cohorte"' in page
    assert 'href="#terme-biopsie"' in page
    assert 'href="#terme-placebo"' not in page
    web.login("anne@exemple.fr")
    paca_help = _text(web.submit("/paca/projets/lisibilite/why",
                                 {"text": "Une étude ancillaire."},
                                 form_url=f"/paca/projets/{project.id}/modifier"))
    assert "complémentaire" in paca_help


def test_a_coordinator_adds_to_their_networks_list_only(web, paca):
    UserFactory(email="anne@exemple.fr", roles=[Role.COORDINATOR], roles__network=paca)
    _term("cohorte")
    db.session.commit()
    web.login("anne@exemple.fr")
    form = _text(web.get("/paca/glossaire/gerer"))
    assert 'name="scope"' not in form  # no choice of list
    assert "Tenu par l’administration" in form  # the national term, not to change
    assert "/glossaire/" not in form.split("cohorte</th>")[1].split("</tr>")[0]
    response = web.submit("/paca/glossaire/gerer", {"term": "Biopsie",
                                                    "definition": "Un petit morceau."})
    assert response.status_code == 302
    term = db.session.scalar(select(GlossaryTerm).where(GlossaryTerm.term == "Biopsie"))
    assert term.network_id == paca.id
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "glossary.create"))
    assert entry.summary == "Biopsie (network=paca)"
    web.submit("/paca/glossaire/mots-simples", {"word": "ancillaire", "alternatives": "annexe"})
    assert db.session.scalar(select(PlainWord.network_id)) == paca.id


def test_a_network_term_repeating_a_national_one_is_refused_next_to_the_field(web, paca):
    UserFactory(email="anne@exemple.fr", roles=[Role.COORDINATOR], roles__network=paca)
    _term("cohorte")
    _word("ancillaire")
    db.session.commit()
    web.login("anne@exemple.fr")
    page = _text(web.submit("/paca/glossaire/gerer", {"term": "Cohorte",
                                                      "definition": "Mon texte à garder."}))
    message = "Ce terme est déjà dans le glossaire national (« cohorte »)"
    assert 'href="#term"' in page.split('class="error-summary"')[1]  # in the summary
    assert fr(message) in page.split('id="term-error"')[1].split("</p>")[0]  # by the field
    assert "Mon texte à garder." in page
    assert 'value="Cohorte"' in page
    page = _text(web.submit("/paca/glossaire/mots-simples", {"word": "Ancillaire",
                                                              "alternatives": "annexe"}))
    assert fr("déjà dans la liste nationale (« ancillaire »)") in page.split(
        'id="word-error"')[1].split("</p>")[0]
    assert db.session.scalar(select(GlossaryTerm).where(GlossaryTerm.network_id == paca.id)) \
        is None


@pytest.mark.parametrize(("slug", "status"), [("paca", 404), ("clara", 403)])
def test_a_paca_coordinator_cannot_touch_a_clara_term_under_either_address(web, paca, slug,
                                                                            status):
    UserFactory(email="anne@exemple.fr", roles=[Role.COORDINATOR], roles__network=paca)
    term = _term("essai", FIRST_NETWORK)
    word = _word("ancillaire", FIRST_NETWORK)
    db.session.commit()
    web.login("anne@exemple.fr")
    own = "/paca/glossaire/gerer"
    assert web.get(f"/{slug}/glossaire/{term.id}/modifier").status_code == status
    assert web.submit(f"/{slug}/glossaire/{term.id}/modifier", {
        "term": "Essai", "definition": "Changé."}, form_url=own).status_code == status
    assert web.submit(f"/{slug}/glossaire/{term.id}/supprimer",
                      form_url=own).status_code == status
    assert web.get(f"/{slug}/glossaire/mots-simples/{word.id}").status_code == status
    assert web.submit(f"/{slug}/glossaire/mots-simples/{word.id}/supprimer",
                      form_url=own).status_code == status
    db.session.expire_all()
    assert db.session.get(GlossaryTerm, term.id).definition == "Une définition."
    assert db.session.get(PlainWord, word.id) is not None


def test_the_national_terms_are_the_administrations(web, paca):
    UserFactory(email="anne@exemple.fr", roles=[Role.COORDINATOR], roles__network=paca)
    term = _term("cohorte")
    word = _word("ancillaire")
    db.session.commit()
    web.login("anne@exemple.fr")
    own = "/paca/glossaire/gerer"
    assert web.get(f"/paca/glossaire/{term.id}/modifier").status_code == 403
    assert web.submit(f"/paca/glossaire/{term.id}/supprimer", form_url=own).status_code == 403
    assert web.get(f"/paca/glossaire/mots-simples/{word.id}").status_code == 403
    assert db.session.get(GlossaryTerm, term.id) is not None


def test_an_administrator_chooses_the_national_list_or_the_networks(web, paca):
    UserFactory(email="admin@exemple.fr", roles=[Role.ADMIN])
    _term("placebo", paca.id)
    db.session.commit()
    web.login("admin@exemple.fr")
    form = _text(web.get("/paca/glossaire/gerer"))
    assert "Celui du Cancéropôle PACA seulement" in form
    assert "Le glossaire national, montré dans tous les réseaux" in form
    web.submit("/paca/glossaire/gerer", {"scope": "national", "term": "Cohorte",
                                         "definition": "Un groupe."})
    web.submit("/paca/glossaire/gerer", {"scope": "reseau", "term": "Biopsie",
                                         "definition": "Un morceau."})
    found = dict(db.session.execute(select(GlossaryTerm.term, GlossaryTerm.network_id)).all())
    assert found == {"placebo": paca.id, "Cohorte": None, "Biopsie": paca.id}
    summaries = set(db.session.scalars(select(AuditEntry.summary).where(
        AuditEntry.action == "glossary.create")))
    assert summaries == {"Cohorte (national)", "Biopsie (network=paca)"}
    # A national term a network already has: refused, naming the network.
    page = _text(web.submit("/clara/glossaire/gerer", {"scope": "national", "term": "Placebo",
                                                       "definition": "Sans produit."}))
    assert "déjà dans le glossaire propre au Cancéropôle PACA" in page.split(
        'id="term-error"')[1]
    # The national term is theirs under any network's address.
    assert web.get(f"/clara/glossaire/{_id('Cohorte')}/modifier").status_code == 200
    web.submit("/paca/glossaire/mots-simples", {"scope": "national", "word": "ancillaire",
                                                "alternatives": "annexe"})
    assert db.session.scalar(select(PlainWord.network_id)) is None


def _id(word):
    return db.session.scalar(select(GlossaryTerm.id).where(GlossaryTerm.term == word))
