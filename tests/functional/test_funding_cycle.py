"""From funding to results, across calls, projects and evenings, on fixed data: the
decision → the project page → news → followers told → evenings linked → results
published → the people who came to a past evening told; the permissions of each step;
the coordination's impact figures."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from patientlab.calls import api as calls
from patientlab.calls import reviewing
from patientlab.calls.models import Decision, Review, ReviewAnswer, ReviewStatus
from patientlab.coordination import impact
from patientlab.core import notifications
from patientlab.core.mail import OutboxMessage
from patientlab.core.models import utcnow
from patientlab.core.security import Role
from patientlab.core.typography import french_spacing as fr
from patientlab.cycle import services as cycle
from patientlab.cycle.models import ProjectFunding
from patientlab.events.models import Registration
from patientlab.extensions import db
from patientlab.moderation import services as moderation
from patientlab.projects import followup
from patientlab.projects import services as projects
from patientlab.projects.models import Project, Publication
from tests.conftest import outbox
from tests.factories import (
    UserFactory,
    make_application,
    make_assignment,
    make_call,
    make_event,
    make_project,
)

PRIVATE = ("Méthode confidentielle", "48 000 €", "Commentaire réservé au comité")


def _released_review(application, reviewer):
    assignment = make_assignment(application, reviewer)
    review = Review(assignment_id=assignment.id, status=ReviewStatus.RELEASED,
                    submitted_at=utcnow() - timedelta(days=200))
    db.session.add(review)
    db.session.flush()
    criterion = application.call.criteria[0]
    db.session.add(ReviewAnswer(review_id=review.id, criterion_id=criterion.id, score=5,
                                comment=PRIVATE[2]))
    return review


@pytest.fixture
def funded(app):
    """A closed call; Dr Morel's application reviewed by Martine and Karim; the
    coordinator records « financé »."""
    coordinator = UserFactory(email="anne@exemple.fr", name="Anne", roles=[Role.COORDINATOR])
    moderator = UserFactory(email="moderation@exemple.fr", roles=[Role.MODERATOR])
    researcher = UserFactory(email="morel@exemple.fr", name="Dr Morel",
                             roles=[Role.RESEARCHER])
    martine = UserFactory(email="martine@exemple.fr", name="Martine",
                          roles=[Role.PATIENT_EXPERT])
    karim = UserFactory(email="karim@exemple.fr", name="Karim", roles=[Role.PATIENT_EXPERT])
    organiser = UserFactory(email="organisation@exemple.fr", roles=[Role.ORGANISER])
    call = make_call(state="closed", title="Oncostarter 2026 – Expérience patient")
    application = make_application(
        researcher, call, title="Dormir mieux après un cancer du sein",
        lay_summary="Nous voulons aider les femmes à mieux dormir.",
        involvement_plan="Deux patientes écrivent le questionnaire avec nous.",
        scientific_summary=PRIVATE[0], budget_summary=PRIVATE[1], team="Dr Morel\nJulie Petit")
    for reviewer in (martine, karim):
        _released_review(application, reviewer)
    reviewing.record_decision(coordinator, application, Decision.FUNDED,
                              "Un projet utile, construit avec des patientes.")
    db.session.commit()
    return {"coordinator": coordinator, "moderator": moderator, "researcher": researcher,
            "martine": martine, "karim": karim, "organiser": organiser, "call": call,
            "application": application}


def _complete_and_publish(f, project):
    data = projects.ProjectData(
        title=project.title, teaser="Mieux dormir pendant et après les traitements.",
        research_status="running", region="clara", lab="Centre Léon Bérard",
        team=project.team, cancer_types=["sein"], themes=["qualite-de-vie"],
        why="Beaucoup de patientes dorment mal.", what=project.what,
        change="Des nuits plus reposantes.", involvement=project.involvement)
    projects.update_project(f["researcher"], project, data)
    projects.submit_for_publication(f["researcher"], project)
    projects.publish(f["coordinator"], project)
    db.session.commit()


def _publish(moderator, kind, item):
    moderation.decide(moderator, moderation.kind_of(kind), item, "publish",
                      seen_state=item.moderation_state)
    db.session.commit()


def test_the_whole_cycle_from_decision_to_results_told_at_the_evening(web, funded):
    f = funded
    application = f["application"]
    # The decision offers the page on the coordination's application page.
    web.login("anne@exemple.fr")
    page = web.get(
        f"/clara/coordination/appels/candidatures/{application.id}").get_data(as_text=True)
    assert f"/clara/projets/financement/{application.id}" in page

    # 1. The coordination makes the project page from the application.
    response = web.submit(f"/clara/projets/financement/{application.id}", {"project": "nouvelle"})
    assert response.status_code == 302
    project = db.session.scalar(select(Project).join(
        ProjectFunding, ProjectFunding.project_id == Project.id).where(
        ProjectFunding.application_id == application.id))
    assert project.owner_id == f["researcher"].id
    assert project.publication == Publication.DRAFT
    assert project.title == "Dormir mieux après un cancer du sein"
    assert "mieux dormir" in project.what
    assert "questionnaire" in project.involvement
    assert [m.subject for m in outbox("morel@exemple.fr")][-1] == \
        fr("Votre projet financé a sa page : complétez-la")
    # Nothing confidential came across.
    stored = " ".join(str(getattr(project, c.key)) for c in Project.__table__.columns)
    assert not any(secret in stored for secret in PRIVATE)
    # A second time: the page exists, nothing new.
    again = web.submit(f"/clara/projets/financement/{application.id}", {"project": "nouvelle"})
    assert again.status_code == 200
    assert db.session.scalar(select(db.func.count()).select_from(ProjectFunding).where(
        ProjectFunding.application_id == application.id)) == 1

    # 2. The team completes it; the coordination publishes; the reviewers are invited.
    before = len(outbox())
    _complete_and_publish(f, project)
    invitations = [m for m in outbox()[before:] if m.kind == "project_news"]
    assert sorted(m.recipient for m in invitations) == ["karim@exemple.fr",
                                                        "martine@exemple.fr"]
    assert all(f"/clara/projets/{project.id}#suivre" in m.body_text for m in invitations)
    public = web.get(f"/clara/projets/{project.id}").get_data(as_text=True)
    assert "Oncostarter 2026 – Expérience patient" in public
    assert "avec l’avis de 2 patientes et patients" in public
    assert f"/clara/appels/{f['call'].id}/resultats#candidature-{application.id}" in public
    assert not any(secret in public for secret in PRIVATE)
    results_page = web.get(f"/clara/appels/{f['call'].id}/resultats").get_data(as_text=True)
    assert "Un projet utile, construit avec des patientes." in results_page
    assert f"/clara/projets/{project.id}" in results_page
    web.logout()

    # 3. Martine follows it (once); Karim reads his project news once a day.
    web.login("martine@exemple.fr")
    assert web.submit(f"/clara/projets/{project.id}/suivre", {"follow": "Suivre ce projet"},
                      form_url=f"/clara/projets/{project.id}").status_code == 302
    web.submit(f"/clara/projets/{project.id}/suivre", {"follow": "Suivre ce projet"},
               form_url=f"/clara/projets/{project.id}")
    assert followup.follower_count(project) == 1
    web.logout()
    notifications.set_frequency(f["karim"], "project_news", notifications.DAILY)
    followup.follow(f["karim"], project)
    db.session.commit()

    # 4. The team posts a milestone and news; the moderator publishes the news.
    web.login("morel@exemple.fr")
    assert web.submit(f"/clara/projets/{project.id}/suivi/etapes",
                      {"label": "Les inclusions commencent", "planned_on": "2026-03-01"},
                      form_url=f"/clara/projets/{project.id}/suivi").status_code == 302
    milestone = followup.milestones_of(project, public_only=False)[0]
    before = len(outbox())
    assert web.submit(f"/clara/projets/{project.id}/suivi/nouvelles",
                      {"body": "Les inclusions ont commencé : 40 personnes sur 200.",
                       "milestone": str(milestone.id), "submit": "Publier la nouvelle"},
                      form_url=f"/clara/projets/{project.id}/suivi").status_code == 302
    update = followup.updates_of(project, public_only=False)[0]
    assert not update.is_published  # pre-moderated: nobody told yet
    assert len(outbox()) == before
    web.logout()
    _publish(f["moderator"], "milestone", milestone)
    _publish(f["moderator"], "project_update", update)
    news = [m for m in outbox()[before:] if m.about == f"project_update:{update.id}"]
    assert sorted((m.recipient, m.digest) for m in news) == [
        ("karim@exemple.fr", "daily"), ("martine@exemple.fr", "")]
    immediate = next(m for m in news if m.recipient == "martine@exemple.fr")
    assert "40 personnes sur 200" in immediate.body_text
    assert immediate.unsubscribe_url  # one-click unsubscribe of that kind
    assert milestone.reached_on is not None

    # 5. Two evenings present it: one past (two people came), one to come.
    past = make_event(f["organiser"], days=-5, title="Le sommeil et le cancer")
    future = make_event(f["organiser"], days=20, title="Dormir, bouger, manger")
    for email, status in (("lucie@exemple.fr", "confirmed"), ("paul@exemple.fr", "confirmed"),
                          ("annule@exemple.fr", "cancelled")):
        db.session.add(Registration(event_id=past.id, name=email.split("@")[0], email=email,
                                    seats=1, status=status, locale="fr", link_key="k"))
    db.session.add(Registration(event_id=future.id, name="Zoé", email="zoe@exemple.fr",
                                seats=1, status="confirmed", locale="fr", link_key="k"))
    db.session.commit()
    web.login("organisation@exemple.fr")
    for event in (past, future):
        search = web.get(f"/clara/organisation/evenements/{event.id}/projets?q=dormir")
        assert "Dormir mieux après un cancer du sein" in search.get_data(as_text=True)
        assert web.submit(f"/clara/organisation/evenements/{event.id}/projets/ajouter",
                          {"project_id": str(project.id)},
                          form_url=f"/clara/organisation/evenements/{event.id}/projets"
                          ).status_code == 302
    assert web.submit(f"/clara/organisation/evenements/{past.id}/projets/documents",
                      {"materials_url": "https://video.exemple.fr/sommeil"},
                      form_url=f"/clara/organisation/evenements/{past.id}/projets"
                      ).status_code == 302
    web.logout()
    public = web.get(f"/clara/projets/{project.id}").get_data(as_text=True)
    assert public.count("Présenté à la soirée du") == 2
    assert "https://video.exemple.fr/sommeil" in public
    assert f"/clara/evenements/{future.id}#inscription" in public
    assert "Dormir mieux après un cancer du sein" in web.get(
        f"/clara/evenements/{past.id}").get_data(as_text=True)

    # 6. Results: pre-moderated, then published; followers and the past evening's
    # confirmed registrants are told, once; the evening to come is not.
    web.login("morel@exemple.fr")
    assert web.submit(f"/clara/projets/{project.id}/resultats/modifier",
                      {"searched": "Si un programme simple aide à dormir.",
                       "found": "Les femmes du programme dormaient 40 minutes de plus.",
                       "save": "Enregistrer et envoyer"}).status_code == 302
    web.logout()
    results = followup.results_of(project)
    assert web.get(f"/clara/projets/{project.id}/resultats").status_code == 404
    before = len(outbox())
    _publish(f["moderator"], "project_results", results)
    told = outbox()[before:]
    assert sorted(m.recipient for m in told) == ["karim@exemple.fr", "lucie@exemple.fr",
                                                 "martine@exemple.fr", "paul@exemple.fr"]
    evening_mail = next(m for m in told if m.recipient == "lucie@exemple.fr")
    assert "Le sommeil et le cancer" in evening_mail.subject
    assert f"/clara/projets/{project.id}/resultats" in evening_mail.body_text
    page = web.get(f"/clara/projets/{project.id}/resultats").get_data(as_text=True)
    assert "40 minutes de plus" in page
    assert "Le sommeil et le cancer" in page
    db.session.refresh(project)
    assert project.research_status == "finished"

    # Rewritten and published again: nobody is told twice.
    results.found = "<p>Les femmes du programme dormaient 41 minutes de plus.</p>"
    moderation.submit_text(f["researcher"], moderation.kind_of("project_results"), results)
    db.session.commit()
    if not results.is_published:  # the team may be trusted by now (published texts)
        _publish(f["moderator"], "project_results", results)
    assert results.is_published
    assert len(outbox()) == before + len(told)

    # 7. The coordination's impact figures.
    [row] = impact.call_impact(f["call"])
    assert (row.project.id, row.milestones_planned, row.milestones_reached, row.updates,
            len(row.evenings), row.followers, row.results_published) == \
        (project.id, 1, 1, 1, 2, 2, True)
    csv = impact.impact_csv(f["call"], [row])
    assert "Dormir mieux après un cancer du sein;oui;1;1;1;2;2;oui" in csv
    web.login("anne@exemple.fr")
    page = web.get(f"/clara/coordination/appels/{f['call'].id}/impact")
    assert page.status_code == 200
    assert "Étapes atteintes par projet" in page.get_data(as_text=True)
    assert web.get(f"/clara/coordination/appels/{f['call'].id}/impact.csv").status_code == 200


def test_only_the_coordination_makes_the_page_never_the_applicant(web, funded):
    application = funded["application"]
    web.login("morel@exemple.fr")
    assert web.get(f"/clara/projets/financement/{application.id}").status_code == 403
    web.logout()
    coordinator_applicant = UserFactory(roles=[Role.COORDINATOR, Role.RESEARCHER])
    own = make_application(coordinator_applicant, funded["call"])
    reviewing.record_decision(funded["coordinator"], own, Decision.FUNDED, "Utile.")
    db.session.commit()
    funding = calls.funding(own.id)
    assert not cycle.may_make_page(coordinator_applicant, funding)
    with pytest.raises(PermissionError):
        cycle.make_page(coordinator_applicant, funding)
    # Not funded: no page to make.
    refused = make_application(call=funded["call"])
    reviewing.record_decision(funded["coordinator"], refused, Decision.NOT_FUNDED, "Non.")
    db.session.commit()
    web.login("anne@exemple.fr")
    assert web.get(f"/clara/projets/financement/{refused.id}").status_code == 404
    assert web.get("/clara/projets/financement/999999").status_code == 404


def test_linking_an_existing_project_of_the_team(web, funded):
    mine = make_project(funded["researcher"], title="Le sommeil des patientes")
    other = make_project(title="Un projet d’une autre équipe")
    db.session.commit()
    web.login("anne@exemple.fr")
    url = f"/clara/projets/financement/{funded['application'].id}"
    page = web.get(url).get_data(as_text=True)
    assert "Le sommeil des patientes" in page
    assert "autre équipe" not in page
    refused = web.submit(url, {"project": str(other.id)})
    assert refused.status_code == 200  # not a choice: an error next to the field
    assert "Not a valid choice" not in refused.get_data(as_text=True)
    before = len(outbox())
    assert web.submit(url, {"project": str(mine.id)}).status_code == 302
    assert db.session.get(ProjectFunding, mine.id).application_id == \
        funded["application"].id
    # Already published: the reviewers are invited at once.
    assert sorted(m.recipient for m in outbox()[before:]) == ["karim@exemple.fr",
                                                              "martine@exemple.fr"]


def test_only_the_team_writes_milestones_news_and_results(web, funded):
    project = make_project(funded["researcher"])
    db.session.commit()
    for email in ("anne@exemple.fr", "martine@exemple.fr"):
        UserFactory(email=f"autre-{email}", roles=[Role.RESEARCHER])
        web.login(email)
        assert web.get(f"/clara/projets/{project.id}/suivi").status_code == 403
        assert web.get(f"/clara/projets/{project.id}/resultats/modifier").status_code == 403
        assert web.submit(f"/clara/projets/{project.id}/suivi/nouvelles", {"body": "Faux."},
                          form_url=f"/clara/projets/{project.id}").status_code == 403
        web.logout()
    with pytest.raises(PermissionError):
        followup.post_update(funded["coordinator"], project, "Une nouvelle.")
    assert web.get(f"/clara/projets/{project.id}/suivi").status_code == 302  # to login


def test_bad_input_is_explained_next_to_the_field_and_kept(web, funded):
    project = make_project(funded["researcher"])
    db.session.commit()
    web.login("morel@exemple.fr")
    long = "Une phrase. " * 100
    page = web.submit(f"/clara/projets/{project.id}/suivi/nouvelles",
                      {"body": long, "submit": "Publier la nouvelle"},
                      form_url=f"/clara/projets/{project.id}/suivi").get_data(as_text=True)
    assert "1 000 caractères au plus" in page or "1000" in page
    assert "Une phrase. Une phrase." in page
    page = web.submit(f"/clara/projets/{project.id}/suivi/etapes",
                      {"label": "Premiers résultats"},
                      form_url=f"/clara/projets/{project.id}/suivi").get_data(as_text=True)
    assert "Donnez la date prévue" in page
    assert 'value="Premiers résultats"' in page
    page = web.submit(f"/clara/projets/{project.id}/resultats/modifier",
                      {"found": "Nous avons trouvé.", "save": "Enregistrer et envoyer"}
                      ).get_data(as_text=True)
    assert "Complétez au moins" in page
    assert "Nous avons trouvé." in page
    # The readability check reads the news without posting it.
    page = web.submit(f"/clara/projets/{project.id}/suivi/nouvelles",
                      {"body": "Le critère de jugement principal est la PFS.",
                       "check": "Vérifier la lisibilité"},
                      form_url=f"/clara/projets/{project.id}/suivi").get_data(as_text=True)
    assert "PFS" in page
    assert followup.updates_of(project, public_only=False) == []


def test_follows_are_one_per_person_removable_and_need_a_published_project(web, funded):
    project = make_project()
    draft = make_project(published=False)
    db.session.commit()
    anonymous = web.submit(f"/clara/projets/{project.id}/suivre", {"follow": "1"},
                           form_url=f"/clara/projets/{project.id}")
    assert anonymous.headers["Location"].startswith("/compte/connexion")
    web.login("martine@exemple.fr")
    url = f"/clara/projets/{project.id}/suivre"
    web.submit(url, {"follow": "1"}, form_url=f"/clara/projets/{project.id}")
    web.submit(url, {"follow": "1"}, form_url=f"/clara/projets/{project.id}")
    assert followup.follower_count(project) == 1
    page = web.get(f"/clara/projets/{project.id}").get_data(as_text=True)
    assert "Ne plus suivre ce projet" in page
    web.submit(url, {"unfollow": "1"}, form_url=f"/clara/projets/{project.id}")
    assert followup.follower_count(project) == 0
    assert web.submit(f"/clara/projets/{draft.id}/suivre", {"follow": "1"},
                      form_url=f"/clara/projets/{project.id}").status_code == 404


def test_linking_an_evening_is_for_its_organiser_or_the_coordination(web, funded):
    project = make_project()
    event = make_event(funded["organiser"])
    other_organiser = UserFactory(email="autre@exemple.fr", roles=[Role.ORGANISER])
    db.session.commit()
    url = f"/clara/organisation/evenements/{event.id}/projets"
    web.login("autre@exemple.fr")
    assert web.get(url).status_code == 403
    assert web.submit(f"{url}/ajouter", {"project_id": str(project.id)},
                      form_url="/").status_code == 403
    web.logout()
    web.login("anne@exemple.fr")
    assert web.get(url).status_code == 200
    assert web.submit(f"{url}/ajouter", {"project_id": str(project.id)},
                      form_url=url).status_code == 302
    assert [ref.id for ref in cycle.presented(event.id)] == [project.id]
    # An unpublished project, or the same one twice: refused with a message.
    draft = make_project(published=False)
    db.session.commit()
    with pytest.raises(Exception, match="publié"):
        cycle.add_project(funded["coordinator"], event, draft.id)
    with pytest.raises(Exception, match="déjà"):
        cycle.add_project(funded["coordinator"], event, project.id)
    with pytest.raises(PermissionError):
        cycle.add_project(other_organiser, event, project.id)
    page = web.submit(f"{url}/documents", {"materials_url": "javascript:alert(1)"})
    assert "adresse web" in page.get_data(as_text=True)


def test_news_of_an_unpublished_project_tell_nobody(app, funded):
    project = make_project(funded["researcher"], published=False)
    funded["researcher"].trusted_at = utcnow()
    update = followup.post_update(funded["researcher"], project, "Une nouvelle.")
    db.session.commit()
    assert update.is_published
    assert db.session.scalar(select(db.func.count()).select_from(OutboxMessage).where(
        OutboxMessage.about == f"project_update:{update.id}")) == 0
