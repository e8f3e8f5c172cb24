"""Published text changed by its author stays public until a moderator approves the change:
results, answers to questions and a project's page (moderation.revisions)."""

import html
import re

import pytest
from sqlalchemy import func, select

from patientlab.core.models import utcnow
from patientlab.core.typography import french_spacing as fr
from patientlab.extensions import db
from patientlab.moderation.models import ModerationState as S
from patientlab.moderation.models import Revision
from patientlab.projects import services as projects
from patientlab.projects.models import Answer, ProjectResults, ProjectUpdate
from tests.conftest import outbox
from tests.factories import UserFactory, make_project

WAITING = "Votre modification attend la relecture de l’équipe de modération"


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _seen(web, revision_id) -> str:
    """What the moderator's decision form posts to say which change they read."""
    page = web.get(f"/clara/moderation/modifications/{revision_id}").get_data(as_text=True)
    return html.unescape(re.search(r'name="seen_version"[^>]*value="([^"]*)"', page).group(1))


def _textareas(page: str) -> dict[str, str]:
    """What each edit box of a page holds, as the person sees it."""
    return {name: html.unescape(re.sub(r"^\r?\n", "", text)).replace("\r\n", "\n")
            for name, text in re.findall(
        r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S)}


@pytest.fixture
def published(app):
    """Dr Morel's published project with its published results, stored as HTML the way
    the demo and imported texts are; a moderator; a follower."""
    UserFactory(email="lucas@exemple.fr", roles=["moderator"])
    owner = UserFactory(email="morel@exemple.fr", name="Dr Morel", roles=["researcher"])
    project = make_project(owner, title="Dormir mieux après un cancer du sein")
    results = ProjectResults(
        project_id=project.id, author_id=owner.id, moderation_state=S.PUBLISHED,
        searched="<p>Si 6 séances aident à dormir.</p>",
        found="<p>Elles dorment 35 minutes de plus.</p><p>La visioconférence marche "
              "aussi.</p>",
        means="", next_steps="", falc_text="", first_published_at=utcnow())
    db.session.add(results)
    db.session.commit()
    return project, results


def _edit_results(web, project, **changes):
    """Open the edit page, keep what the boxes show, change some, save."""
    url = f"/clara/projets/{project.id}/resultats/modifier"
    boxes = _textareas(web.get(url).get_data(as_text=True))
    boxes.update(changes)
    return web.submit(url, {**boxes, "save": "1"}, follow=True)


def test_results_edit_box_shows_text_not_stored_html(web, published):
    project, _results = published
    web.login("morel@exemple.fr")
    boxes = _textareas(web.get(f"/clara/projets/{project.id}/resultats/modifier")
                       .get_data(as_text=True))
    assert boxes["found"] == "Elles dorment 35 minutes de plus.\n\nLa visioconférence " \
                             "marche aussi."
    assert "<p>" not in "".join(boxes.values())


def test_resaving_published_results_unchanged_keeps_them_public(web, published):
    project, results = published
    web.login("morel@exemple.fr")
    before = len(outbox())
    page = _page(_edit_results(web, project))
    assert fr("Rien n’a changé.") in page
    db.session.refresh(results)
    assert results.moderation_state == S.PUBLISHED
    assert db.session.scalar(select(func.count()).select_from(Revision)) == 0
    assert len(outbox()) == before
    web.logout()
    assert web.get(f"/clara/projets/{project.id}/resultats").status_code == 200


def test_edited_published_results_stay_public_until_approved(web, published):
    project, results = published
    web.login("morel@exemple.fr")
    page = _page(_edit_results(web, project, found="Elles dorment 40 minutes de plus."))
    assert WAITING in page
    # The team goes on editing its waiting text, not the published one.
    edit = web.get(f"/clara/projets/{project.id}/resultats/modifier").get_data(as_text=True)
    assert _textareas(edit)["found"] == "Elles dorment 40 minutes de plus."
    assert WAITING in html.unescape(edit)
    web.logout()

    # Visitors still read the published results.
    public = _page(web.get(f"/clara/projets/{project.id}/resultats"))
    assert "35 minutes de plus" in public
    assert "40 minutes" not in public

    # The moderator sees what changed, word by word, and approves.
    web.login("lucas@exemple.fr")
    queue = _page(web.get("/clara/moderation/"))
    revision = db.session.scalar(select(Revision))
    url = f"/clara/moderation/modifications/{revision.id}"
    assert url in queue
    assert url in web.get(f"/clara/moderation/project_resultss/{results.id}").get_data(as_text=True)
    review = web.get(url).get_data(as_text=True)
    assert re.search(r"<del>.*35.*</del>", review)
    assert re.search(r"<ins>.*40.*</ins>", review)
    assert "visioconférence" in review  # what was removed is shown too
    web.submit(url, {"decision": "publish", "seen_version": _seen(web, revision.id)})
    web.logout()

    public = _page(web.get(f"/clara/projets/{project.id}/resultats"))
    assert "40 minutes de plus" in public
    assert "35 minutes" not in public
    db.session.refresh(results)
    assert results.is_published
    assert results.moderated_by_id is not None
    [mail] = outbox("morel@exemple.fr")
    assert "modification est publiée" in mail.subject
    body = html.unescape(mail.body_text)
    # Which text and which section changed, with the blank lines a mail needs.
    assert fr("modification de « Résultats d’un projet » sur « Dormir mieux") in body
    assert "\n\nCe que nous avons trouvé\nElles dorment 40 minutes de plus.\n\nhttp" in body
    assert "Ce que nous avons cherché" not in body


def test_refused_change_leaves_published_results_in_place(web, published):
    project, _results = published
    web.login("morel@exemple.fr")
    _edit_results(web, project, found="Appelez le Dr X au 06 12 34 56 78.")
    web.logout()
    revision = db.session.scalar(select(Revision))
    web.login("lucas@exemple.fr")
    url = f"/clara/moderation/modifications/{revision.id}"
    page = _page(web.submit(url, {"decision": "refuse", "seen_version": _seen(web, revision.id)}))
    assert "Choisissez la raison." in page
    web.submit(url, {"decision": "refuse", "reason": "identifying",
                     "seen_version": _seen(web, revision.id)})
    web.logout()
    assert db.session.scalar(select(func.count()).select_from(Revision)) == 0
    public = _page(web.get(f"/clara/projets/{project.id}/resultats"))
    assert "35 minutes de plus" in public
    assert "06 12" not in public
    [mail] = outbox("morel@exemple.fr")
    assert "pas été publiée" in mail.subject
    body = html.unescape(mail.body_text)
    assert "version publiée avant reste en ligne" in body
    assert "\n\nRaison" in body
    assert "\n\n\n" not in body


def test_moderator_decides_only_the_version_they_read(web, published):
    project, _results = published
    web.login("morel@exemple.fr")
    _edit_results(web, project, found="Version une.")
    _edit_results(web, project, found="Version deux.")
    web.logout()
    revision = db.session.scalar(select(Revision))
    assert revision.version == 2
    web.login("lucas@exemple.fr")
    web.submit(f"/clara/moderation/modifications/{revision.id}",
               {"decision": "publish", "seen_version": "1"})
    assert db.session.scalar(select(Revision.id)) == revision.id, "not decided"
    web.logout()
    assert "Version" not in _page(web.get(f"/clara/projets/{project.id}/resultats"))


def test_going_back_to_the_published_text_withdraws_the_change(web, published):
    project, _results = published
    web.login("morel@exemple.fr")
    _edit_results(web, project, found="Autre chose.")
    page = _page(_edit_results(web, project, found="Elles dorment 35 minutes de plus.\n\n"
                               "La visioconférence marche aussi."))
    assert "modification en attente est retirée" in page
    assert db.session.scalar(select(func.count()).select_from(Revision)) == 0


def test_edited_published_answer_stays_public_until_approved(web, published):
    project, _results = published
    asker = UserFactory(email="karim@exemple.fr")
    question = projects.ask_question(asker, project, "Combien de séances ?")
    question.moderation_state = S.PUBLISHED
    db.session.add(Answer(question_id=question.id, author_id=project.owner_id,
                          body="Six séances.", moderation_state=S.PUBLISHED))
    db.session.commit()
    web.login("morel@exemple.fr")
    form = {f"reponse-{question.id}-answer": "Six séances.",
            f"reponse-{question.id}-submit": "1"}
    url = f"/clara/projets/{project.id}/questions/{question.id}/reponse"
    page = _page(web.submit(url, form, form_url=f"/clara/projets/{project.id}",
                            prefix=f"reponse-{question.id}-", follow=True))
    assert fr("Rien n’a changé.") in page
    form[f"reponse-{question.id}-answer"] = "Six séances d’une heure."
    page = _page(web.submit(url, form, form_url=f"/clara/projets/{project.id}",
                            prefix=f"reponse-{question.id}-", follow=True))
    assert WAITING in page
    assert _textareas(page)[f"reponse-{question.id}-answer"] == "Six séances d’une heure."
    web.logout()
    public = _page(web.get(f"/clara/projets/{project.id}"))
    assert "Six séances." in public
    assert "d’une heure" not in public

    web.login("lucas@exemple.fr")
    revision = db.session.scalar(select(Revision))
    assert revision.kind == "answer"
    web.submit(f"/clara/moderation/modifications/{revision.id}",
               {"decision": "publish", "seen_version": _seen(web, revision.id)})
    web.logout()
    assert "Six séances d’une heure." in _page(web.get(f"/clara/projets/{project.id}"))
    assert outbox("karim@exemple.fr") == [], "the asker was told once, at first publication"


def _project_form(page: str) -> dict:
    """Every field of the project's edit form as it is shown."""
    data: dict = _textareas(page)
    for tag in re.findall(r"<input\b[^>]*>", page):
        attrs = dict(re.findall(r'([a-z-]+)="([^"]*)"', tag))
        name, kind = attrs.get("name", ""), attrs.get("type", "text")
        if not name or name == "csrf_token":
            continue
        if kind in ("checkbox", "radio"):
            if " checked" in tag:
                data.setdefault(name, []).append(html.unescape(attrs.get("value", "")))
        elif kind in ("text", "date", "hidden"):
            data[name] = html.unescape(attrs.get("value", ""))
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page,
                                    re.S):
        for option in re.findall(r"<option\b[^>]*>", options):
            if " selected" in option:
                data[name] = html.unescape(re.search(r'value="([^"]*)"', option).group(1))
    return data


def test_edited_published_summary_stays_public_until_approved(web, published):
    project, _results = published
    web.login("morel@exemple.fr")
    url = f"/clara/projets/{project.id}/modifier"
    form = _project_form(web.get(url).get_data(as_text=True))
    assert form["why"] == "La fatigue gêne la vie."
    page = _page(web.submit(url, {**form, "save": "1"}, follow=True))
    assert fr("Rien n’a changé.") in page
    form["why"] = "La fatigue gêne la vie de tous les jours."
    page = _page(web.submit(url, {**form, "save": "1"}, follow=True))
    assert WAITING in page
    assert _project_form(web.get(url).get_data(as_text=True))["why"] == form["why"]
    web.logout()
    public = _page(web.get(f"/clara/projets/{project.id}"))
    assert "La fatigue gêne la vie." in public
    assert "tous les jours" not in public

    web.login("lucas@exemple.fr")
    revision = db.session.scalar(select(Revision))
    review = web.get(f"/clara/moderation/modifications/{revision.id}").get_data(as_text=True)
    assert "Pourquoi cette recherche" in html.unescape(review)
    assert re.search(r"<ins>.*tous.*</ins>", review)
    web.submit(f"/clara/moderation/modifications/{revision.id}",
               {"decision": "publish", "seen_version": _seen(web, revision.id)})
    web.logout()
    assert "La fatigue gêne la vie de tous les jours." in _page(
        web.get(f"/clara/projets/{project.id}"))
    assert projects.search_projects(projects.SearchQuery(q="jours")).total == 1


def test_edited_published_news_stays_public_until_approved(web, published):
    project, _results = published
    news = ProjectUpdate(project_id=project.id, author_id=project.owner_id,
                         body="120 personnes ont rejoint l’étude.",
                         moderation_state=S.PUBLISHED, followers_told_at=utcnow())
    db.session.add(news)
    db.session.commit()
    web.login("morel@exemple.fr")
    url = f"/clara/projets/{project.id}/suivi/nouvelles/{news.id}"
    prefix = f"nouvelle-{news.id}-"
    page = _page(web.submit(url, {f"{prefix}body": "120 personnes ont rejoint l’étude."},
                            form_url=f"/clara/projets/{project.id}/suivi", prefix=prefix,
                            follow=True))
    assert fr("Rien n’a changé.") in page
    page = _page(web.submit(url, {f"{prefix}body": "150 personnes ont rejoint l’étude."},
                            form_url=f"/clara/projets/{project.id}/suivi", prefix=prefix,
                            follow=True))
    assert WAITING in page
    assert _textareas(page)[f"{prefix}body"] == "150 personnes ont rejoint l’étude."
    web.logout()
    public = _page(web.get(f"/clara/projets/{project.id}"))
    assert "120 personnes" in public
    assert "150 personnes" not in public

    web.login("lucas@exemple.fr")
    revision = db.session.scalar(select(Revision))
    assert revision.kind == "project_update"
    before = len(outbox())
    web.submit(f"/clara/moderation/modifications/{revision.id}",
               {"decision": "publish", "seen_version": _seen(web, revision.id)})
    web.logout()
    assert "150 personnes" in _page(web.get(f"/clara/projets/{project.id}"))
    assert [m.recipient for m in outbox()[before:]] == ["morel@exemple.fr"], \
        "only the author hears of it: followers were told of the news once"


@pytest.fixture
def linked(published):
    """Published results whose text holds a link."""
    project, results = published
    results.found = ('<p>Voir <a href="https://exemple.fr/etude">7 femmes</a> suivies.</p>')
    db.session.commit()
    return project, results


def test_a_changed_link_address_is_shown_to_the_moderator(web, linked):
    """A link's address is part of what the moderator reads: changing it with a word
    (« 7 » → « 8 ») used to show only the word, and approving sent readers elsewhere."""
    project, _results = linked
    web.login("morel@exemple.fr")
    _edit_results(web, project,
                  found='Voir <a href="https://evil.example/phish">8 femmes</a> suivies.')
    web.logout()
    revision = db.session.scalar(select(Revision))
    web.login("lucas@exemple.fr")
    review = _page(web.get(f"/clara/moderation/modifications/{revision.id}"))
    added = " ".join(re.findall(r"<ins>(.*?)</ins>", review, re.S))
    removed = " ".join(re.findall(r"<del>(.*?)</del>", review, re.S))
    assert "(https://evil.example/phish)" in added
    assert "(https://exemple.fr/etude)" in removed
    # Each changed section under the heading readers see, and only those.
    diff = review.split("<details")[0]
    assert "<h3>Ce que nous avons trouvé</h3>" in diff
    assert "Ce que nous avons cherché" not in diff


def test_changing_only_a_link_address_is_a_change(web, linked):
    """« Rien n’a changé » was said when only a link's address changed: a broken link
    could not be fixed."""
    project, _results = linked
    web.login("morel@exemple.fr")
    page = _page(_edit_results(
        web, project, found='Voir <a href="https://exemple.fr/etude-2">7 femmes</a> suivies.'))
    assert WAITING in page
    revision = db.session.scalar(select(Revision))
    assert "https://exemple.fr/etude-2" in revision.values["found"]


def test_a_coordinator_edits_the_published_page_not_the_researchers_waiting_change(
        web, published):
    project, _results = published
    UserFactory(email="coord@exemple.fr", roles=["coordinator", "moderator"])
    web.login("morel@exemple.fr")
    url = f"/clara/projets/{project.id}/modifier"
    form = _project_form(web.get(url).get_data(as_text=True))
    web.submit(url, {**form, "why": "Lisez https://evil.example/phish", "save": "1"})
    web.logout()
    revision = db.session.scalar(select(Revision))

    web.login("coord@exemple.fr")
    page = web.get(url).get_data(as_text=True)
    form = _project_form(page)
    assert form["why"] == "La fatigue gêne la vie."
    assert "Une modification de Dr Morel attend la relecture" in html.unescape(page)
    assert f'href="/clara/moderation/modifications/{revision.id}"' in page
    page = _page(web.submit(url, {**form, "teaser": "Mieux dormir.", "save": "1"},
                            follow=True))
    assert WAITING not in page
    web.logout()
    public = _page(web.get(f"/clara/projets/{project.id}"))
    assert "Mieux dormir." in public
    assert "evil.example" not in public
    assert db.session.scalar(select(Revision.id)) == revision.id, "left to the moderators"


def test_results_edit_box_shows_a_link_as_typed_and_unchanged_stays_unchanged(web, linked):
    project, _results = linked
    web.login("morel@exemple.fr")
    boxes = _textareas(web.get(f"/clara/projets/{project.id}/resultats/modifier")
                       .get_data(as_text=True))
    assert boxes["found"] == 'Voir <a href="https://exemple.fr/etude">7 femmes</a> suivies.'
    assert fr("Rien n’a changé.") in _page(_edit_results(web, project))
