from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.exceptions import Forbidden, NotFound

from patientlab.core.audit import AuditEntry
from patientlab.core.errors import ServiceError
from patientlab.core.models import utcnow
from patientlab.core.security import Role
from patientlab.extensions import db
from patientlab.moderation.models import ModerationState
from patientlab.projects import clarity, terms
from patientlab.projects import services as svc
from patientlab.projects.glossary import Term, mark_terms
from patientlab.projects.models import GlossaryTerm, Publication
from tests.conftest import outbox
from tests.factories import FIRST_NETWORK, UserFactory, make_project


def _search(**kwargs):
    return svc.search_projects(svc.SearchQuery(**kwargs))


def _titles(page):
    return [p.title for p in page.items]


# --- Search --------------------------------------------------------------------

def test_search_ignores_case_and_accents():
    make_project(title="Cancer du Sein et fatigue")
    make_project(title="Nutrition, activité physique", cancer_types=["colorectal"])
    assert _titles(_search(q="sein")) == ["Cancer du Sein et fatigue"]
    assert _titles(_search(q="SEIN")) == ["Cancer du Sein et fatigue"]
    assert "Nutrition, activité physique" in _titles(_search(q="nutrition"))
    assert "Nutrition, activité physique" in _titles(_search(q="activite"))
    assert "Nutrition, activité physique" in _titles(_search(q="ACTIVITÉ"))


def test_search_needs_every_word_and_searches_the_summary():
    make_project(title="Projet A", why="Les aidants sont épuisés.")
    make_project(title="Projet B", why="Les aidants vont bien.")
    assert _titles(_search(q="aidants epuises")) == ["Projet A"]


def test_search_syntax_typed_by_a_person_is_only_words():
    """Wildcards and the full-text engines' operators are not operators here: only the
    words count (none at all: no filter)."""
    make_project(title="Projet zeste 100 %")
    make_project(title="Bouger")
    assert _titles(_search(q="%")) == _titles(_search())
    for q in ("zeste*", "(zeste)", "zeste |", "zeste:* & !", "-zeste", "zeste_", '"zeste"',
              "^zeste", "zeste\\"):
        assert _titles(_search(q=q)) == ["Projet zeste 100 %"], q
    assert _titles(_search(q='zeste" OR "bouger')) == []  # every word is required


def test_unpublished_projects_are_never_listed():
    make_project(title="Brouillon secret", published=False)
    assert _search().total == 0


def test_filters_by_cancer_type_theme_and_status():
    make_project(title="Sein", cancer_types=["sein"], themes=["qualite-de-vie"],
                 research_status="running")
    make_project(title="Poumon", cancer_types=["poumon"], themes=["entourage"],
                 research_status="finished")
    assert _titles(_search(cancer="poumon")) == ["Poumon"]
    assert _titles(_search(theme="qualite-de-vie")) == ["Sein"]
    assert _titles(_search(status="finished")) == ["Poumon"]
    assert _search(cancer="inconnu").total == 2  # unknown filter values are ignored


def test_sort_by_title_or_most_recent():
    old = make_project(title="Zèbre")
    old.published_at = utcnow() - timedelta(days=5)
    make_project(title="Abeille")
    make_project(title="Écureuil")
    assert _titles(_search(sort="titre")) == ["Abeille", "Écureuil", "Zèbre"]
    assert _titles(_search(sort="recent"))[-1] == "Zèbre"


def test_pagination_by_twenty():
    owner = UserFactory(roles=[Role.RESEARCHER])
    for i in range(45):
        make_project(owner, title=f"Projet {i:02d}")
    first = _search(sort="titre")
    assert (first.total, first.pages, len(first.items)) == (45, 3, 20)
    last = _search(sort="titre", page=3)
    assert _titles(last) == ["Projet 40", "Projet 41", "Projet 42", "Projet 43", "Projet 44"]
    assert _search(sort="titre", page=99).page == 3


# --- Permissions and workflow ------------------------------------------------------

def test_unpublished_project_is_404_for_the_public_and_other_researchers():
    project = make_project(published=False)
    other = UserFactory(roles=[Role.RESEARCHER])
    with pytest.raises(NotFound):
        svc.get_project_or_404(project.id, None)
    with pytest.raises(NotFound):
        svc.get_project_or_404(project.id, other)
    assert svc.get_project_or_404(project.id, project.owner) is project
    with pytest.raises(NotFound):
        svc.get_project_or_404(999999, project.owner)


def test_only_the_owner_and_coordinators_edit():
    project = make_project()
    other = UserFactory(roles=[Role.RESEARCHER])
    coordinator = UserFactory(roles=[Role.COORDINATOR])
    with pytest.raises(Forbidden):
        svc.get_editable_project(project.id, other)
    assert svc.get_editable_project(project.id, coordinator) is project
    assert svc.get_editable_project(project.id, project.owner) is project


def test_publication_workflow_with_return_and_mails():
    coordinator = UserFactory(roles=[Role.COORDINATOR], email="anne@exemple.fr")
    moderator = UserFactory(roles=[Role.MODERATOR])
    project = make_project(published=False)
    owner = project.owner

    svc.submit_for_publication(owner, project)
    assert project.publication == Publication.SUBMITTED
    assert outbox("anne@exemple.fr"), "coordinators are told"
    with pytest.raises(ServiceError):
        svc.submit_for_publication(owner, project)

    with pytest.raises(PermissionError):
        svc.publish(owner, project)
    with pytest.raises(ServiceError):
        svc.return_to_author(moderator, project, "  ")
    svc.return_to_author(moderator, project, "Expliquez le mot cohorte.")
    assert project.publication == Publication.RETURNED
    [message] = outbox(owner.email)
    assert "Expliquez le mot cohorte." in message.body_text

    svc.update_project(owner, project, svc.ProjectData(**{**_data(project), "why": "Clair."}))
    assert project.publication == Publication.DRAFT
    svc.submit_for_publication(owner, project)
    svc.publish(coordinator, project)
    assert project.is_published
    assert project.published_at is not None
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"project.submit", "project.return", "project.update", "project.publish"} <= actions


def _data(project):
    return {"title": project.title, "teaser": project.teaser,
            "research_status": project.research_status, "region": project.region,
            "lab": project.lab, "team": project.team, "cancer_types": project.cancer_types,
            "themes": project.themes, "why": project.why, "what": project.what,
            "change": project.change, "involvement": project.involvement}


def test_an_incomplete_summary_cannot_be_submitted():
    project = make_project(published=False, involvement="", themes=[])
    with pytest.raises(ServiceError) as excinfo:
        svc.submit_for_publication(project.owner, project)
    message = str(excinfo.value.message)
    assert "Comment les patients sont associés" in message
    assert "au moins un thème" in message


def test_summaries_are_sanitised_on_save():
    project = make_project(why='<script>alert(1)</script><p onclick="x()">Texte</p>'
                               '<a href="javascript:alert(1)">lien</a>')
    assert "<script" not in project.why
    assert "onclick" not in project.why
    assert "javascript:" not in project.why
    html = str(svc.lay_summary(project).sections[0][2])
    assert "<p>" in html
    assert "Texte" in html


# --- Glossary ----------------------------------------------------------------------

def test_first_occurrence_of_each_glossary_term_is_linked_once():
    terms = [Term("essai clinique", "essai-clinique", "Une étude."),
             Term("essai", "essai", "Un test."), Term("Cohorte", "cohorte", "Un groupe.")]
    used = set()
    html = mark_terms(
        __import__("markupsafe").Markup(
            "<p>Un Essai Clinique suit une cohorte.</p><p>Un autre essai clinique ; "
            '<a href="https://x.fr">cohorte</a> essai.</p>'), terms, used)
    text = str(html)
    assert text.count('href="#terme-essai-clinique"') == 1
    assert ('<a href="#terme-essai-clinique" id="mot-essai-clinique" class="glossary-term">'
            "Essai Clinique</a>") in text
    assert text.count('href="#terme-cohorte"') == 1
    assert '<a href="https://x.fr">cohorte</a>' in text  # existing links untouched
    # The short term is not found inside the longer one; its first lone use is linked.
    assert '<a href="#terme-essai" id="mot-essai" class="glossary-term">essai</a>.</p>' in text
    assert used == {"essai-clinique", "cohorte", "essai"}


def test_lay_summary_lists_the_terms_it_explains():
    db.session.add(GlossaryTerm(term="biomarqueur", slug="biomarqueur", definition="Trace."))
    db.session.add(GlossaryTerm(term="radiothérapie", slug="radiotherapie", definition="Rayons."))
    project = make_project(what="Nous mesurons un biomarqueur dans le sang.")
    summary = svc.lay_summary(project)
    assert [t.slug for t in summary.terms] == ["biomarqueur"]


def test_glossary_is_maintained_by_coordinators_only():
    coordinator = UserFactory(roles=[Role.COORDINATOR])
    own = FIRST_NETWORK
    term = terms.save_term(coordinator, None, "Essai clinique", "Une étude.", own)
    assert (term.slug, term.network_id) == ("essai-clinique", own)
    with pytest.raises(ServiceError):
        terms.save_term(coordinator, None, "essai clinique", "Doublon.", own)
    for same_word in ("ESSAI-CLINIQUE", "Essai  clinique !", "éssai clinique"):
        with pytest.raises(ServiceError):  # same anchor in the page: the same word
            terms.save_term(coordinator, None, same_word, "Doublon.", own)
    # Words without a Latin letter get numbered anchors instead of clashing.
    first = terms.save_term(coordinator, None, "化疗", "Chimiothérapie, en chinois.", own)
    second = terms.save_term(coordinator, None, "放疗", "Radiothérapie, en chinois.", own)
    assert (first.slug, second.slug) == ("terme", "terme-2")
    assert terms.save_term(coordinator, first, "化疗", "Mise à jour.").slug == "terme"
    with pytest.raises(PermissionError):
        terms.save_term(UserFactory(roles=[Role.RESEARCHER]), None, "X", "Y", own)
    assert [t.term for t in terms.glossary(own)] == ["Essai clinique", "化疗", "放疗"]


# --- Questions ---------------------------------------------------------------------

def _decide(moderator, question, decision, reason="", note=""):
    """A moderator's decision on a question waiting in the queue."""
    from patientlab.moderation import services as moderation

    moderation.decide(moderator, moderation.kind_of("question"), question, decision,
                      seen_state=ModerationState.PENDING, reason=reason, note=note)


def test_question_is_premoderated_then_answered_with_notifications():
    project = make_project()
    asker = UserFactory(email="karim@exemple.fr")
    moderator = UserFactory(roles=[Role.MODERATOR])
    question = svc.ask_question(asker, project, "  Combien de séances ?  ")
    assert question.moderation_state == ModerationState.PENDING
    assert svc.published_questions(project) == []

    _decide(moderator, question, "publish")
    assert svc.published_questions(project) == [question]
    assert outbox(project.owner.email), "the team is told"
    with pytest.raises(ServiceError):
        _decide(moderator, question, "refuse", "insult")

    with pytest.raises(PermissionError):
        svc.answer_question(asker, question, "Je réponds à sa place")
    answer = svc.answer_question(project.owner, question, "Deux par semaine.")
    assert answer.body == "Deux par semaine."
    assert answer.moderation_state == ModerationState.PENDING  # moderated like any text
    assert question.published_answer is None
    assert outbox("karim@exemple.fr") == [], "the asker hears of it once it is public"
    from patientlab.moderation import services as moderation

    moderation.decide(moderator, moderation.kind_of("answer"), answer, "publish",
                      seen_state=ModerationState.PENDING)
    assert question.published_answer is answer
    [message] = outbox("karim@exemple.fr")
    assert "a répondu" in message.subject
    # A rewritten answer is read again while the published one stays public; the asker
    # is not mailed a second time.
    from patientlab.moderation import revisions

    svc.answer_question(project.owner, question, "Deux par semaine, une heure chacune.")
    assert question.published_answer is answer
    assert answer.body == "Deux par semaine."
    entry = revisions.waiting()[0]
    revisions.decide(moderator, entry, "publish", seen=revisions.seen_token(entry.revision))
    assert answer.body == "Deux par semaine, une heure chacune."
    assert len(outbox("karim@exemple.fr")) == 1


def test_refused_question_needs_a_reason_and_tells_the_author():
    project = make_project()
    question = svc.ask_question(UserFactory(email="paul@exemple.fr"), project, "Question ?")
    moderator = UserFactory(roles=[Role.MODERATOR])
    with pytest.raises(ServiceError):
        _decide(moderator, question, "refuse", "")
    with pytest.raises(ServiceError):
        _decide(moderator, question, "refuse", "other", "")
    _decide(moderator, question, "refuse", "identifying", "Retirez le nom.")
    assert question.moderation_state == ModerationState.REFUSED
    [message] = outbox("paul@exemple.fr")
    assert "Retirez le nom." in message.body_text
    with pytest.raises(PermissionError):
        _decide(UserFactory(roles=[Role.RESEARCHER]), question, "publish")


def test_unverified_people_cannot_ask_and_unpublished_projects_take_no_question():
    project = make_project()
    with pytest.raises(PermissionError):
        svc.ask_question(UserFactory(email_verified_at=None), project, "Question ?")
    with pytest.raises(NotFound):
        svc.ask_question(UserFactory(), make_project(published=False), "Question ?")


# --- Clarity ratings -----------------------------------------------------------------

def test_clarity_rating_is_one_per_person_and_summarised():
    project = make_project()
    martine = UserFactory(roles=[Role.PATIENT_EXPERT])
    karim = UserFactory(roles=[Role.ASSOCIATION_REP])
    clarity.rate_clarity(martine, project, 2, "Le mot cohorte.")
    clarity.rate_clarity(martine, project, 3, "Le mot cohorte.")
    clarity.rate_clarity(karim, project, 5, "")
    summary = clarity.clarity_summaries([project.id])[project.id]
    assert summary.count == 2
    assert summary.average == 4.0
    assert summary.comments == ["Le mot cohorte."]
    with pytest.raises(ServiceError):
        clarity.rate_clarity(martine, project, 6, "")
    with pytest.raises(PermissionError):
        clarity.rate_clarity(UserFactory(), project, 4, "")


def test_dashboard_shows_ratings_and_questions_to_answer():
    project = make_project()
    other = make_project(project.owner, title="Autre")
    question = svc.ask_question(UserFactory(), project, "Question ?")
    _decide(UserFactory(roles=[Role.MODERATOR]), question, "publish")
    clarity.rate_clarity(UserFactory(roles=[Role.PATIENT_EXPERT]), project, 4, "")
    rows = {row.project.id: row for row in svc.dashboard(project.owner)}
    assert rows[project.id].to_answer == [question]
    assert rows[project.id].clarity.average == 4.0
    assert rows[other.id].to_answer == []
    assert rows[other.id].clarity.count == 0


def _summary_change(project, **changes):
    data = svc.data_from_values(svc.revision_values(project))
    return svc.data_from_values({**svc.revision_values(data), **changes})


def test_approving_a_summary_change_keeps_what_changed_since():
    """The change held a copy of every field: approving it brought back the research
    status « En cours » that publishing the results had set to « Terminé »."""
    from patientlab.moderation import revisions
    from patientlab.moderation.models import Revision

    project = make_project()
    moderator = UserFactory(roles=[Role.MODERATOR])
    assert svc.update_project(project.owner, project, _summary_change(
        project, why="La fatigue gêne la vie de tous les jours.")) == revisions.PENDING
    assert db.session.scalar(select(Revision)).values == {
        "why": "La fatigue gêne la vie de tous les jours."}
    project.research_status = "finished"  # the results were published meanwhile
    db.session.flush()
    [entry] = revisions.waiting()
    assert [change.label for change in revisions.changes(entry.revisable, entry.item,
                                                         entry.revision)
            if change.changed] == [str(svc.SECTION_TITLES["why"])]
    revisions.decide(moderator, entry, "publish", seen=revisions.seen_token(entry.revision))
    assert project.why == "La fatigue gêne la vie de tous les jours."
    assert project.research_status == "finished"


def test_a_coordinator_fix_leaves_the_researchers_waiting_change_to_the_moderators():
    """The coordinator's form was filled from the researcher's waiting change and saving
    it published that change at once and deleted it: no moderator ever read it."""
    from patientlab.moderation import revisions
    from patientlab.moderation.models import Revision

    project = make_project()
    coordinator = UserFactory(roles=[Role.COORDINATOR])
    svc.update_project(project.owner, project, _summary_change(
        project, why="Voir https://evil.example/phish"))
    # The coordinator starts from the published page and fixes a typo in the teaser.
    assert svc.pending_data(project, coordinator) is None
    author, waiting = svc.other_change(project, coordinator)
    assert author == project.owner
    assert svc.update_project(coordinator, project, _summary_change(
        project, teaser="Moins de fatigue, mieux dormir.")) == revisions.APPLIED
    assert project.teaser == "Moins de fatigue, mieux dormir."
    assert project.why == "La fatigue gêne la vie."
    assert db.session.scalar(select(Revision)) is waiting
    assert list(waiting.values) == ["why"]
    assert "evil.example" in waiting.values["why"]
    # The researcher still edits their own waiting change.
    assert "evil.example" in svc.pending_data(project, project.owner).why


def test_nobody_publishes_or_returns_their_own_project():
    moderator = UserFactory(roles=[Role.MODERATOR, Role.RESEARCHER])
    project = make_project(moderator, published=False)
    project.publication = Publication.SUBMITTED
    for decide in (lambda: svc.publish(moderator, project),
                   lambda: svc.return_to_author(moderator, project, "À revoir")):
        with pytest.raises(ServiceError, match="C’est votre projet"):
            decide()
    assert project.publication == Publication.SUBMITTED
    svc.publish(UserFactory(roles=[Role.MODERATOR]), project)
    assert project.publication == Publication.PUBLISHED
