import re
from contextlib import contextmanager

from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from patientlab.core.security import Role
from patientlab.core.typography import french_spacing as fr
from patientlab.extensions import db
from patientlab.moderation.models import ModerationState
from patientlab.projects.models import ClarityRating, Project, Publication, Question
from tests.conftest import outbox
from tests.factories import UserFactory, make_project


@contextmanager
def count_queries():
    statements = []

    def record(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def test_list_page_queries_do_not_grow_with_the_number_of_projects(client):
    owner = UserFactory(roles=[Role.RESEARCHER])
    for i in range(10):
        make_project(owner, title=f"Projet {i}")
    db.session.commit()
    with count_queries() as small:
        assert client.get("/clara/projets/?q=fatigue&cancer=sein").status_code == 200
    for i in range(490):
        make_project(owner, title=f"Projet bis {i}")
    db.session.commit()
    with count_queries() as large:
        page = client.get("/clara/projets/?q=fatigue&cancer=sein").get_data(as_text=True)
    assert "500 projets trouvés" in page
    assert len(small) == len(large), (len(small), len(large))
    assert len(large) <= 6


def test_list_page_has_search_filters_and_accessible_pagination(client):
    owner = UserFactory(roles=[Role.RESEARCHER])
    for i in range(25):
        make_project(owner, title=f"Projet {i:02d}")
    db.session.commit()
    page = client.get("/clara/projets/?sort=titre").get_data(as_text=True)
    assert '<form method="get"' in page
    assert 'aria-label="Pages de résultats"' in page
    assert 'aria-current="page"' in page
    assert 'href="/clara/projets/?page=2&amp;sort=titre"' in page
    page2 = client.get("/clara/projets/?sort=titre&page=2").get_data(as_text=True)
    assert "Projet 24" in page2
    assert "<title>Projets de recherche — page 2" in page2
    # Bad page numbers do not break the page.
    assert client.get("/clara/projets/?page=abc").status_code == 200
    assert client.get("/clara/projets/?page=-3").status_code == 200


def test_detail_shows_structured_summary_glossary_and_scientific_abstract(client):
    from patientlab.projects.models import GlossaryTerm

    db.session.add(GlossaryTerm(term="cohorte", slug="cohorte", definition="Un groupe suivi."))
    project = make_project(what="Nous suivons une cohorte de femmes.",
                           scientific_abstract="Étude prospective.")
    db.session.commit()
    page = client.get(f"/clara/projets/{project.id}").get_data(as_text=True)
    for heading in ("Pourquoi cette recherche ?", "Ce que l’équipe va faire",
                    "Ce que cela pourrait changer pour les patients",
                    "Comment les patients sont associés"):
        assert fr(heading) in page  # French typography: « recherche ? »
    assert '<a href="#terme-cohorte" id="mot-cohorte" class="glossary-term">cohorte</a>' in page
    assert '<dt id="terme-cohorte"><dfn>cohorte</dfn></dt>' in page
    assert "<details" in page
    assert "Étude prospective." in page


def test_falc_version_without_its_logo_until_readers_checked_it(client):
    unchecked = make_project(falc_text="Une phrase.\nUne autre phrase.")
    plain = make_project()
    db.session.commit()
    assert "Facile à lire et à comprendre" in client.get(
        f"/clara/projets/{unchecked.id}").get_data(as_text=True)
    page = client.get(f"/clara/projets/{unchecked.id}/facile-a-lire").get_data(as_text=True)
    assert "<p>Une autre phrase.</p>" in page
    assert "falc-badge" not in page
    assert client.get(f"/clara/projets/{plain.id}/facile-a-lire").status_code == 404


def test_unpublished_project_is_invisible_and_editing_others_is_403(web, make_user):
    draft = make_project(published=False)
    published = make_project()
    db.session.commit()
    assert web.get(f"/clara/projets/{draft.id}").status_code == 404
    assert web.get("/clara/projets/999999").status_code == 404
    make_user(Role.RESEARCHER, email="autre@exemple.fr")
    web.login("autre@exemple.fr")
    assert web.get(f"/clara/projets/{draft.id}/modifier").status_code == 404
    assert web.get(f"/clara/projets/{published.id}/modifier").status_code == 403
    response = web.submit(f"/clara/projets/{published.id}/modifier", {"title": "Piraté"},
                          form_url="/clara/projets/nouveau")
    assert response.status_code == 403


def test_researcher_writes_checks_readability_saves_and_submits(web, make_user):
    make_user(Role.RESEARCHER, email="claire@exemple.fr")
    make_user(Role.COORDINATOR, email="anne@exemple.fr")
    web.login("claire@exemple.fr")
    long_text = ("Cette étude multicentrique randomisée évaluera l’efficacité d’une "
                 "immunothérapie adjuvante sur la survie sans progression des patientes "
                 "atteintes d’un cancer du sein métastatique avec des biomarqueurs.")
    form = {"title": "Mon projet", "teaser": "Une phrase.", "research_status": "preparing",
            "region": "", "why": long_text, "what": "Nous suivons des femmes.",
            "change": "Mieux soigner.", "involvement": "Des patientes relisent.",
            "cancer_types": "sein", "themes": "traitements"}
    page = web.submit("/clara/projets/nouveau", {**form, "check": "Vérifier la lisibilité"}
                      ).get_data(as_text=True)
    assert "Lisibilité du résumé" in page
    assert re.search(r"Score\s: \d+ sur 100, (très )?difficile", page)
    assert "multicentrique" in page
    assert long_text in page  # nothing lost
    assert db.session.scalar(select(Project)) is None  # checking does not save

    response = web.submit("/clara/projets/nouveau", {**form, "save": "Enregistrer"})
    assert response.status_code == 302
    project = db.session.scalar(select(Project))
    assert project.publication == Publication.DRAFT
    edit_page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert fr("Score :") in edit_page

    web.submit(f"/clara/projets/{project.id}/soumettre",
               form_url=f"/clara/projets/{project.id}/modifier")
    db.session.expire_all()
    assert db.session.get(Project, project.id).publication == Publication.SUBMITTED
    assert outbox("anne@exemple.fr")


def test_publication_page_sends_publish_and_send_back_to_their_own_addresses(web, make_user):
    owner = make_user(Role.RESEARCHER, email="claire@exemple.fr")
    make_user(Role.MODERATOR, email="lucas@exemple.fr")
    returned = make_project(owner, published=False, title="À revoir")
    published = make_project(owner, published=False, title="Prêt")
    returned.publication = published.publication = Publication.SUBMITTED
    db.session.commit()
    web.login("lucas@exemple.fr")
    page_url = f"/clara/projets/{returned.id}/publication"
    page = web.get(page_url).get_data(as_text=True)
    assert f'action="{page_url}/publier"' in page
    assert f'action="{page_url}/renvoyer"' in page

    # Sending back without a message: the page again, the message asked for, nothing saved.
    response = web.submit(f"{page_url}/renvoyer", {"send_back-reason": ""},
                          form_url=page_url, prefix="send_back-")
    assert response.status_code == 200
    assert "Dites à l’équipe ce qu’elle doit changer." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Project, returned.id).publication == Publication.SUBMITTED

    response = web.submit(f"{page_url}/renvoyer", {"send_back-reason": "Le titre."},
                          form_url=page_url, prefix="send_back-")
    assert response.headers["Location"].endswith("/clara/projets/a-publier")
    db.session.expire_all()
    assert db.session.get(Project, returned.id).publication == Publication.RETURNED
    assert outbox("claire@exemple.fr")

    # Publishing one that no longer waits: the service's message, back to its page.
    response = web.submit(f"{page_url}/publier", prefix="publish-", form_url=page_url)
    assert response.headers["Location"].endswith(page_url)
    assert "Ce projet n’attend pas de publication." in _text_of(web.get(page_url))

    ready_url = f"/clara/projets/{published.id}/publication"
    response = web.submit(f"{ready_url}/publier", prefix="publish-", form_url=ready_url)
    assert response.headers["Location"].endswith("/clara/projets/a-publier")
    db.session.expire_all()
    assert db.session.get(Project, published.id).publication == Publication.PUBLISHED
    assert web.client.post(page_url).status_code == 405


def _text_of(response) -> str:
    return response.get_data(as_text=True)


def test_project_form_errors_are_listed_and_input_kept(web, make_user):
    make_user(Role.RESEARCHER, email="claire@exemple.fr")
    web.login("claire@exemple.fr")
    page = web.submit("/clara/projets/nouveau", {
        "title": "", "research_status": "running", "why": "x" * 4001,
        "start_date": "2026-05-01", "end_date": "2026-01-01", "save": "Enregistrer",
    }).get_data(as_text=True)
    assert fr("<title>Erreur :") in page
    assert "Donnez un titre au projet" in page
    assert "4 000 caractères au plus" in page
    assert "La date de fin doit venir après la date de début." in page
    assert 'value="2026-05-01"' in page


def test_question_flow_through_the_pages(web, make_user, app):
    project = make_project()
    make_user(Role.ASSOCIATION_REP, email="karim@exemple.fr")
    make_user(Role.MODERATOR, email="lucas@exemple.fr")
    db.session.commit()
    url = f"/clara/projets/{project.id}"
    web.login("karim@exemple.fr")
    page = web.submit(f"{url}/questions", {"body": ""}, form_url=url).get_data(as_text=True)
    assert "Écrivez votre question." in page
    web.submit(f"{url}/questions", {"body": "<b>Combien</b> de séances ?"}, form_url=url)
    page = web.get(url).get_data(as_text=True)
    assert "attend la relecture de l’équipe de modération" in page
    web.logout()

    question = db.session.scalar(select(Question))
    web.login("lucas@exemple.fr")
    queue = web.get("/clara/moderation/").get_data(as_text=True)
    assert "Combien" in queue
    web.submit(f"/clara/moderation/questions/{question.id}", {"decision": "publish",
                                                         "seen_state": "pending"})
    db.session.expire_all()
    assert db.session.get(Question, question.id).moderation_state == ModerationState.PUBLISHED
    page = web.get(url).get_data(as_text=True)
    assert "&lt;b&gt;Combien&lt;/b&gt; de séances ?" in page  # shown as text, never as HTML


def test_only_moderators_reach_the_queue(web, make_user):
    assert web.get("/clara/moderation/").status_code == 302
    make_user(Role.RESEARCHER, email="claire@exemple.fr")
    web.login("claire@exemple.fr")
    assert web.get("/clara/moderation/").status_code == 403
    assert web.get("/clara/projets/a-publier").status_code == 403
    assert web.get("/clara/glossaire/gerer").status_code == 403


def test_clarity_rating_from_the_page(web, make_user):
    project = make_project()
    make_user(Role.PATIENT_EXPERT, email="martine@exemple.fr")
    make_user(email="visiteuse@exemple.fr")
    db.session.commit()
    url = f"/clara/projets/{project.id}"
    web.login("visiteuse@exemple.fr")
    assert web.submit(f"{url}/clarte", {"score": "4"}, form_url=url).status_code == 403
    web.logout()
    web.login("martine@exemple.fr")
    page = web.submit(f"{url}/clarte", {"score": "9"}, form_url=url).get_data(as_text=True)
    assert "Il y a un problème" in page
    web.submit(f"{url}/clarte", {"score": "2", "unclear": "Le mot cohorte"}, form_url=url)
    rating = db.session.scalar(select(ClarityRating))
    assert (rating.score, rating.unclear) == (2, "Le mot cohorte")
    page = web.get(url).get_data(as_text=True)
    assert "Vous avez donné la note 2 sur 5" in page
    assert re.search(r'<input checked[^>]*value="2"', page)


def test_visitors_see_a_question_author_by_first_name_and_initial_never_the_full_name(client):
    from patientlab.moderation.models import ModerationState
    from patientlab.projects import services as projects_svc
    from tests.factories import UserFactory, make_project

    project = make_project()
    for user, text in ((UserFactory(name="Martine Dubois"), "Combien de séances ?"),
                       (UserFactory(name="Karim Benali", pseudonym="Karim du Rhône"),
                        "Et après ?")):
        question = projects_svc.ask_question(user, project, text)
        question.moderation_state = ModerationState.PUBLISHED
    db.session.commit()
    page = client.get(f"/clara/projets/{project.id}").get_data(as_text=True)
    assert "Martine D." in page
    assert "Dubois" not in page
    assert "Karim du Rhône" in page
    assert "Benali" not in page
