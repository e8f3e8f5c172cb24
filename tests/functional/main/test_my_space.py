"""« Mon espace »: each person's pending work, built from fixed data, per role; and the
coordination's counts on /coordination/."""

from datetime import timedelta

from patientlab.calls.models import Review, ReviewAnswer, ReviewStatus
from patientlab.core import pending
from patientlab.core.models import utcnow
from patientlab.core.typography import french_spacing as fr
from patientlab.events.services.registration import RegistrationData, register
from patientlab.extensions import db
from patientlab.projects import services as projects
from patientlab.projects.models import Publication, Question
from tests.factories import (
    NetworkFactory,
    RoleRequestFactory,
    UserFactory,
    make_application,
    make_assignment,
    make_call,
    make_event,
    make_project,
)


def guest(name, n, email=None, **fields):
    return RegistrationData(name=name, email=email or f"p{n}@exemple.fr", privacy_consent=True,
                            **fields)


def titles(app, user, **kwargs):
    """{group key: [task titles]} for ``user``, as « Mon espace » lists them."""
    with app.test_request_context():
        return {g.source.key: [t.title for t in g.tasks]
                for g in pending.for_user(user, **kwargs)}


def facts(app, user, key):
    """Each task's facts after the first, its network's short name (« Mon espace » lists
    several networks' work together), checked here."""
    with app.test_request_context():
        group = next(g for g in pending.for_user(user) if g.source.key == key)
        assert all(t.facts[:1] == ("CLARA",) for t in group.tasks), [t.facts for t in group.tasks]
        return [list(t.facts[1:]) for t in group.tasks]


def test_a_reviewer_sees_the_declaration_the_draft_with_its_progress_and_the_returned_review(app):
    martine = UserFactory(roles=["patient_expert"])
    call = make_call(state="review")
    make_assignment(make_application(call=call, title="Dormir mieux"), martine,
                                 status="pending")
    drafted = make_assignment(make_application(call=call, title="Reprendre le travail"),
                              martine)
    first, second = call.criteria[0], call.criteria[1]
    db.session.add(Review(assignment_id=drafted.id, status=ReviewStatus.DRAFT, answers=[
        ReviewAnswer(criterion_id=first.id, score=4), ReviewAnswer(criterion_id=second.id,
                                                                   comment="Clair.")]))
    returned = make_assignment(make_application(call=call, title="Bouger"), martine)
    db.session.add(Review(assignment_id=returned.id, status=ReviewStatus.RETURNED))
    sent = make_assignment(make_application(call=call, title="Déjà envoyée"), martine)
    db.session.add(Review(assignment_id=sent.id, status=ReviewStatus.SUBMITTED))
    db.session.flush()

    listed = titles(app, martine)["relectures"]
    assert listed[-1] == fr("Reformuler votre relecture de « Bouger »")  # no deadline: after
    assert set(listed[:-1]) == {fr("Dire si vous avez un lien avec « Dormir mieux »"),
                               fr("Relire « Reprendre le travail »")}
    progress = [f for f in facts(app, martine, "relectures") if "questions" in f[0]]
    assert progress[0][0] == f"2 questions sur {len(call.criteria)}"
    assert progress[0][1].startswith("au plus tard le ")


def test_an_applicant_sees_the_draft_to_finish_and_the_feedback_to_answer(app):
    researcher = UserFactory(roles=["researcher"])
    make_application(researcher, make_call(state="open"), submitted=False, title="Brouillon",
                     budget_summary="")
    answered = make_application(researcher, make_call(state="responses"), title="Avis reçus")
    answered.feedback_released_at = utcnow() - timedelta(days=2)
    db.session.flush()

    # The answer is due before the open call closes: it comes first.
    assert titles(app, researcher)["candidatures"] == [
        fr("Répondre aux avis des patients sur « Avis reçus »"),
        fr("Terminer et envoyer votre candidature « Brouillon »")]
    assert facts(app, researcher, "candidatures")[1][0] == fr("il manque : le budget")


def test_a_team_sees_questions_to_answer_and_a_summary_returned(app):
    researcher = UserFactory(roles=["researcher"])
    project = make_project(researcher, title="Bouger pendant la chimiothérapie")
    db.session.add(Question(project_id=project.id, author_id=UserFactory().id,
                            body="Combien de séances ?", moderation_state="published"))
    make_project(researcher, published=False, title="À reprendre").publication = \
        Publication.RETURNED
    db.session.flush()

    assert set(titles(app, researcher)["projets"]) == {
        fr("Répondre à 1 question sur « Bouger pendant la chimiothérapie »"),
        fr("Retravailler le résumé « À reprendre »")}


def test_a_person_sees_their_coming_evenings_and_waiting_place_but_not_past_or_cancelled(app):
    # Registered with his own, proved address: only that links a registration to him.
    karim = UserFactory(name="Karim Benali", email="karim@exemple.fr",
                        email_verified_at=utcnow())
    full = make_event(capacity=1, days=5, title="Soirée complète")
    register(full.id, guest("Une autre", 1))
    register(full.id, guest("Karim", 2, email=karim.email), user=karim)
    register(make_event(days=20, title="Soirée en janvier").id,
             guest("Karim", 3, email=karim.email, seats=2), user=karim)
    cancelled = make_event(days=8, title="Soirée annulée")
    register(cancelled.id, guest("Karim", 4, email=karim.email), user=karim)
    cancelled.cancelled_at = utcnow()
    db.session.flush()

    assert titles(app, karim) == {"mes-inscriptions": ["Soirée complète", "Soirée en janvier"]}
    places = [f[1] for f in facts(app, karim, "mes-inscriptions")]
    assert places == ["sur liste d’attente, position 1", "2 places confirmées"]


def links(app, user):
    """{group key: [task links]} for ``user`` on « Mon espace » (no network's page)."""
    with app.test_request_context("/mon-espace"):
        return {g.source.key: [t.href for t in g.tasks] for g in pending.for_user(user)}


def test_each_task_of_my_space_links_to_its_own_networks_page(app):
    """« Mon espace » belongs to no network: a review for one network, an evening of
    another, each leads to its own network's address."""
    other = NetworkFactory()
    martine = UserFactory(roles=["patient_expert"], email="martine@exemple.fr",
                          email_verified_at=utcnow())
    assignment = make_assignment(make_application(call=make_call(state="review")), martine,
                                 status="pending")
    evening = make_event(days=6, title="Soirée à Marseille", network_id=other.id)
    register(evening.id, guest("Martine", 8, email=martine.email), user=martine)
    organiser = UserFactory(roles=["organiser"], roles__network=other)
    theirs = make_event(organiser, days=3, title="Soirée à Nice", network_id=other.id)
    db.session.flush()

    found = links(app, martine)
    assert found["relectures"] == [f"/clara/relectures/{assignment.id}"]
    [registration] = found["mes-inscriptions"]
    assert registration.startswith(f"/{other.slug}/inscriptions/")
    assert links(app, organiser)["soirees"] == [
        f"/{other.slug}/organisation/evenements/{theirs.id}"]


def test_an_organiser_prepares_the_evenings_of_the_week_and_hears_of_full_ones(app):
    organiser = UserFactory(roles=["organiser"])
    soon = make_event(organiser, days=3, title="Jeudi", capacity=1)
    register(soon.id, guest("Nadia", 5, needs=["step_free"], needs_consent=True))
    # Zoé waits: her need is not one to prepare yet.
    register(soon.id, guest("Zoé", 7, seats=2, needs=["lsf"], needs_consent=True))
    later = make_event(organiser, days=30, title="Mars", capacity=1)
    register(later.id, guest("Paul", 6))
    make_event(organiser, days=40, title="Rien à faire")
    make_event(days=2, title="Pas la mienne")
    db.session.flush()

    assert titles(app, organiser)["soirees"] == [fr("Préparer « Jeudi »"),
                                                 fr("« Mars » est complète")]
    jeudi = facts(app, organiser, "soirees")[0]
    assert jeudi[1:] == [fr("Personnes inscrites confirmées : 1"),
                         fr("Places libres : 0 sur 1"),
                         fr("Personnes sur liste d’attente : 2"), "1 besoin à préparer"]


def test_the_coordination_sees_validations_reviews_publication_and_closing_calls(app):
    coordinator = UserFactory(roles=["coordinator"])
    RoleRequestFactory()
    RoleRequestFactory()
    call = make_call(state="open", application_deadline=utcnow() + timedelta(days=3))
    review_call = make_call(state="review", title="Appel en relecture")
    assignment = make_assignment(make_application(call=review_call))
    db.session.add(Review(assignment_id=assignment.id, status=ReviewStatus.SUBMITTED))
    project = make_project(published=False)
    projects.submit_for_publication(project.owner, project)
    db.session.flush()

    listed = titles(app, coordinator)
    assert listed["validations"] == ["2 personnes attendent d’être validées"]
    assert listed["publication"] == ["1 résumé attend sa publication"]
    assert fr(f"L’appel « {call.title} » ferme bientôt") in listed["appels"]
    assert "1 candidature a des relectures à lire" in listed["appels"]
    # /coordination/ shows the same counts for the whole coordination.
    assert titles(app, coordinator, shared_only=True).keys() == {
        "validations", "publication", "appels"}


def test_the_coordination_never_counts_an_application_it_is_involved_in(app):
    coordinator = UserFactory(roles=["coordinator", "researcher"])
    call = make_call(state="review")
    mine = make_assignment(make_application(coordinator, call))
    db.session.add(Review(assignment_id=mine.id, status=ReviewStatus.SUBMITTED))
    db.session.flush()
    assert "appels" not in titles(app, coordinator)


def test_a_moderator_sees_the_queue_counts(app):
    moderator = UserFactory(roles=["moderator"])
    db.session.add(Question(project_id=make_project().id, author_id=UserFactory().id,
                            body="Une question ?", moderation_state="pending"))
    db.session.flush()
    assert titles(app, moderator)["moderation"] == ["1 texte attend une décision"]


def test_login_lands_on_my_space_whose_empty_state_says_what_to_do(web):
    UserFactory(email="lea@exemple.fr")
    db.session.commit()
    response = web.submit("/compte/connexion", {"email": "lea@exemple.fr", "password": "x"})
    web.login("lea@exemple.fr")
    page = web.get("/mon-espace").get_data(as_text=True)
    assert fr("Rien ne vous attend pour le moment.") in page
    assert "Demander à devenir patiente experte" in page
    assert 'href="/mon-espace"' in page  # in the navigation
    assert response.status_code == 200


def test_my_space_lists_the_work_most_urgent_first_with_links(web):
    martine = UserFactory(email="martine@exemple.fr", roles=["patient_expert"])
    call = make_call(state="review", review_deadline=utcnow() + timedelta(days=2))
    assignment = make_assignment(make_application(call=call, title="Dormir mieux"), martine,
                                 status="pending")
    db.session.commit()
    web.login("martine@exemple.fr")
    page = web.get("/mon-espace").get_data(as_text=True)
    assert fr("1 chose vous attend.") in page
    assert f'href="/clara/relectures/{assignment.id}"' in page
    assert "bientôt" in page  # due in two days


def test_the_coordination_page_shows_the_pending_counts(web):
    UserFactory(email="coord@exemple.fr", roles=["coordinator"])
    RoleRequestFactory()
    db.session.commit()
    web.login("coord@exemple.fr")
    page = web.get("/clara/coordination/").get_data(as_text=True)
    assert "1 personne attend d’être validée" in page
    assert 'href="/clara/coordination/validations"' in page


def test_a_coordinator_s_space_and_account_offer_no_reviewer_request(web, make_user):
    """« Mon espace » offered a coordinator « Demander à devenir patiente experte ou
    patient expert »."""
    make_user("coordinator", email="anne@exemple.fr")
    web.login("anne@exemple.fr")
    for path in ("/mon-espace", "/compte/profil", "/charte"):
        page = web.get(path).get_data(as_text=True)
        assert "Demander à devenir patiente experte" not in page, path
        assert "Demander à représenter une association" not in page, path


def test_a_newcomer_s_space_offers_the_request(web, make_user):
    make_user(email="nadia@exemple.fr")
    web.login("nadia@exemple.fr")
    page = web.get("/mon-espace").get_data(as_text=True)
    assert ("Demander à devenir patiente experte ou patient expert, ou représenter une "
            "association") in page


def test_the_menu_of_a_platform_page_leads_to_the_network_where_the_role_is_held(web):
    """A PACA coordinator's « Coordination » and people to validate on « Mon espace » led
    to CLARA's pages, which refuse her; someone who holds the role in the first network
    keeps that one."""
    other = NetworkFactory()
    UserFactory(email="helene@exemple.fr", roles=["coordinator", "organiser"],
                roles__network=other)
    UserFactory(email="anne@exemple.fr", roles=["coordinator"])
    RoleRequestFactory()
    db.session.commit()
    web.login("helene@exemple.fr")
    page = web.get("/mon-espace").get_data(as_text=True)
    assert f'href="/{other.slug}/coordination/"' in page
    assert f'href="/{other.slug}/coordination/validations"' in page  # people to validate
    assert f'href="/{other.slug}/organisation/evenements/"' in page
    assert "/clara/coordination/" not in page
    page = web.get(f"/{other.slug}/coordination/").get_data(as_text=True)
    assert f'href="/{other.slug}/coordination/"' in page
    web.logout()
    web.login("anne@exemple.fr")
    assert 'href="/clara/coordination/"' in web.get("/mon-espace").get_data(as_text=True)


def test_my_space_leads_to_the_evenings_of_every_network(web, make_user):
    """« Voir les prochaines soirées » led to CLARA's evenings only, from a page of the
    whole platform: a person of Marseille never saw PACA's; it leads to the agenda."""
    make_user(email="nadia@exemple.fr")
    web.login("nadia@exemple.fr")
    page = web.get("/mon-espace").get_data(as_text=True)
    assert 'href="/agenda">Voir les prochaines soirées' in page
    main = page.split('<main', 1)[1].split('</main>', 1)[0]
    assert 'href="/clara/evenements/"' not in main
