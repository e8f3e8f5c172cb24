"""The selection committee on fixed data: preliminary → discussion → final →
recommendation → decision, equal votes and the groups' medians, conflicts, the pages'
permissions and the minutes."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from patientlab.calls import committee as cm
from patientlab.calls import reviewing
from patientlab.calls.models import Decision
from patientlab.core.audit import AuditEntry
from patientlab.core.errors import ServiceError
from patientlab.core.models import utcnow
from patientlab.core.security import Role
from patientlab.extensions import db
from tests.factories import UserFactory, make_application, make_assignment, make_call
from tests.unit.calls.test_committee import build_meeting, write_review

PATIENTS = ["martine@exemple.fr", "karim@exemple.fr", "jeanne@exemple.fr"]
SCIENTISTS = ["claire@exemple.fr", "paul@exemple.fr", "nadia@exemple.fr"]


@pytest.fixture
def meeting(app):
    """A call in its response period, two applications, three patients and three
    scientists on the committee, everyone present."""
    chair = UserFactory(email="anne@exemple.fr", roles=[Role.COORDINATOR])
    call = make_call(state="responses")
    first = make_application(call=call, title="Dormir mieux")
    second = make_application(call=call, title="Bouger ensemble")
    session = cm.create_session(chair, call, "Comité de mars", utcnow() + timedelta(days=3),
                                "Salle 2", "", 9)
    people = {}
    for email in PATIENTS:
        people[email] = UserFactory(email=email, roles=[Role.PATIENT_EXPERT])
        cm.add_member(chair, session, people[email], cm.PATIENT)
    for email in SCIENTISTS:
        people[email] = UserFactory(email=email, roles=[Role.RESEARCHER])
        cm.add_member(chair, session, people[email], cm.SCIENTIST)
    for member in session.members:
        cm.set_present(chair, session, member, True)
    db.session.commit()
    return {"chair": chair, "session": session, "first": first, "second": second,
            "people": people, "items": {i.application_id: i for i in session.items}}


def _score_all(meeting, item, scores, *, final):
    for email, score in zip(PATIENTS + SCIENTISTS, scores, strict=True):
        if score is None:
            continue
        user = meeting["people"][email]
        if final:
            cm.save_final(user, item, score)
        else:
            cm.save_preliminary(user, item, score, "Un commentaire.")


def test_the_full_cycle_from_preliminary_scores_to_the_decision(meeting):
    item = meeting["items"][meeting["first"].id]
    _score_all(meeting, item, [8, 7, 8, 4, 5, 3], final=False)
    with pytest.raises(ServiceError):  # finals only once the chair opens the item
        cm.save_final(meeting["people"][PATIENTS[0]], item, 8)
    cm.open_item(meeting["chair"], item)
    with pytest.raises(ServiceError):  # preliminary scores are closed now
        cm.save_preliminary(meeting["people"][PATIENTS[0]], item, 5, "")
    _score_all(meeting, item, [8, 8, 7, 6, 6, 5], final=True)
    spread = cm.spread(item)
    assert spread.preliminary == [3, 4, 5, 7, 8, 8]
    assert spread.final == [5, 6, 6, 7, 8, 8]
    assert spread.committee_score == 6.7  # (8+8+7+6+6+5) / 6: every member counts the same
    assert (spread.patient_median, spread.scientist_median) == (8.0, 6.0)
    assert spread.differed  # 2 points apart: patients pulled this one up
    assert spread.changed == 5
    cm.save_notes(meeting["chair"], item, "Les patients soulignent le sommeil.")
    cm.record_recommendation(meeting["chair"], item, cm.FUND,
                             "Le projet répond à un besoin que les patients ont dit.")
    assert item.state == cm.DONE
    assert meeting["session"].current_item_id is None
    # The recommendation feeds the decision, which stays the coordination's.
    recommended = cm.recommendation_for(meeting["first"])
    assert (recommended.recommendation, recommended.reasons) == (
        Decision.FUNDED, "Le projet répond à un besoin que les patients ont dit.")
    reviewing.record_decision(meeting["chair"], meeting["first"], recommended.recommendation,
                              recommended.reasons)
    assert meeting["first"].decision == Decision.FUNDED


def test_only_present_members_final_scores_count(meeting):
    item = meeting["items"][meeting["first"].id]
    cm.open_item(meeting["chair"], item)
    _score_all(meeting, item, [9, 9, 9, 1, 1, 1], final=True)
    absent = next(m for m in meeting["session"].members if m.user.email == SCIENTISTS[0])
    cm.set_present(meeting["chair"], meeting["session"], absent, False)
    spread = cm.spread(item)
    assert spread.final == [1, 1, 9, 9, 9]
    assert spread.committee_score == 5.8


def test_conflicted_members_neither_see_nor_score_and_leave_the_room(meeting, web):
    item = meeting["items"][meeting["first"].id]
    karim = meeting["people"]["karim@exemple.fr"]
    # A reviewer who declared a conflict on the application as a reviewer.
    make_assignment(meeting["first"], karim, status="conflict")
    claire = meeting["people"]["claire@exemple.fr"]
    cm.declare_conflict(claire, item)
    db.session.commit()
    assert cm.conflicted(karim, item)
    assert cm.conflicted(claire, item)
    with pytest.raises(PermissionError):
        cm.save_preliminary(karim, item, 5, "")
    cm.open_item(meeting["chair"], item)
    with pytest.raises(PermissionError):
        cm.save_final(claire, item, 1)
    _score_all(meeting, item, [7, None, 7, None, 7, 7], final=True)
    spread = cm.spread(item)
    assert spread.out_of_room == 2
    assert spread.final == [7, 7, 7, 7]

    web.login("karim@exemple.fr")
    response = web.get(f"/clara/comite/{meeting['session'].id}/points/{item.id}")
    assert response.status_code == 403
    # The item's link says why, not the generic « accès refusé ».
    assert "Vous êtes sorti ou sortie de la salle pour « Dormir mieux »" in _text(response)
    assert "Annuler : je ne sors pas de la salle" not in _text(response)  # not declared here
    # Sent anyway (an old tab): the same page, nothing saved.
    url = f"/clara/comite/{meeting['session'].id}/points/{item.id}"
    response = web.submit(f"{url}/note-finale", {"final-score": "1", "final-submit": "1"},
                          form_url=f"/clara/comite/{meeting['session'].id}")
    assert response.status_code == 403
    assert "Vous êtes sorti ou sortie de la salle pour « Dormir mieux »" in _text(response)
    db.session.expire_all()
    assert cm.spread(item).final == [7, 7, 7, 7]
    page = _text(web.get(f"/clara/comite/{meeting['session'].id}"))
    # The agenda names the project (the member knows which one they left the room for).
    assert ("<p>Dormir mieux — <strong>Vous êtes sorti ou sortie de la salle pour ce "
            "projet.</strong></p>") in page


def _text(response) -> str:
    return response.get_data(as_text=True).replace("\u00a0", " ").replace("\u202f", " ")


def test_leaving_the_room_is_confirmed_and_can_be_taken_back_until_the_item_opens(
        meeting, web):
    session = meeting["session"]
    item = meeting["items"][meeting["first"].id]
    martine = meeting["people"][PATIENTS[0]]
    cm.save_preliminary(martine, item, 7, "Utile.")
    db.session.commit()
    web.login(PATIENTS[0])
    agenda = _text(web.get(f"/clara/comite/{session.id}"))
    # A real button leading to a page that says what happens: nothing is saved yet.
    assert f'method="get" action="/clara/comite/{session.id}/conflit/{item.id}"' in agenda
    confirm = _text(web.get(f"/clara/comite/{session.id}/conflit/{item.id}"))
    assert "Sortir de la salle pour « Dormir mieux » ?" in confirm
    assert "Votre note préliminaire (7) est mise de côté" in confirm
    assert "Vous ne verrez plus ce projet et ne le noterez pas." in confirm
    assert not cm.conflicted(martine, item)

    url = f"/clara/comite/{session.id}/conflit/{item.id}"
    assert web.submit(url).status_code == 302
    assert cm.conflicted(martine, item)
    assert cm.spread(item, rows=None).preliminary == []  # set aside: not counted…
    member = cm.member_of(martine, session)
    agenda = _text(web.get(f"/clara/comite/{session.id}"))
    assert "Annuler : je ne sors pas de la salle" in agenda
    # …and found again when she takes it back.
    undo = f"/clara/comite/{session.id}/conflit/{item.id}/annuler/{member.id}"
    assert web.submit(undo, form_url=f"/clara/comite/{session.id}").status_code == 302
    assert not cm.conflicted(martine, item)
    assert cm.my_scores(martine, session)[item.id].preliminary == 7

    # The chair can take it back too; both are in the history.
    cm.declare_conflict(martine, item)
    db.session.commit()
    web.logout()
    web.login("anne@exemple.fr")
    agenda = _text(web.get(f"/clara/comite/{session.id}"))
    assert f"Faire revenir {martine.name} dans la salle" in agenda
    assert web.submit(undo, form_url=f"/clara/comite/{session.id}").status_code == 302
    assert not cm.conflicted(martine, item)
    actions = [e.action for e in db.session.scalars(select(AuditEntry).where(
        AuditEntry.action.like("committee.conflict%")).order_by(AuditEntry.id))]
    assert actions == ["committee.conflict_declared", "committee.conflict_withdrawn",
                       "committee.conflict_declared", "committee.conflict_withdrawn"]

    # Once the chair opens the item the declaration is final and the score dropped.
    cm.declare_conflict(martine, item)
    cm.open_item(meeting["chair"], item)
    db.session.commit()
    assert cm.my_scores(martine, session)[item.id].preliminary is None
    with pytest.raises(ServiceError):
        cm.withdraw_conflict(martine, item, member)
    web.logout()
    web.login(PATIENTS[0])
    assert "Annuler : je ne sors pas de la salle" not in _text(
        web.get(f"/clara/comite/{session.id}"))


def test_someone_else_cannot_take_a_members_declaration_back(meeting, web):
    session = meeting["session"]
    item = meeting["items"][meeting["first"].id]
    martine = meeting["people"][PATIENTS[0]]
    cm.declare_conflict(martine, item)
    db.session.commit()
    member = cm.member_of(martine, session)
    web.login(PATIENTS[1])
    assert web.submit(f"/clara/comite/{session.id}/conflit/{item.id}/annuler/{member.id}",
                      form_url=f"/clara/comite/{session.id}").status_code == 403
    assert cm.conflicted(martine, item)


def test_the_members_minutes_keep_everyones_numbering(meeting, web):
    session = meeting["session"]
    first = meeting["items"][meeting["first"].id]
    cm.declare_conflict(meeting["people"][PATIENTS[0]], first)
    db.session.commit()
    web.login(PATIENTS[0])
    page = _text(web.get(f"/clara/comite/{session.id}/proces-verbal"))
    # The same numbers as everyone's (hers used to skip the project and renumber).
    for number, item in enumerate(session.items, start=1):
        assert f"{number}. {item.application.title}" in page
    assert "Vous êtes sorti ou sortie de la salle pour ce projet." in page


def test_only_members_and_the_coordination_see_a_session(meeting, web):
    UserFactory(email="autre@exemple.fr", roles=[Role.PATIENT_EXPERT])
    db.session.commit()
    web.login("autre@exemple.fr")
    assert web.get(f"/clara/comite/{meeting['session'].id}").status_code == 403
    assert web.get("/clara/comite/999999").status_code == 404


def test_the_chair_adds_a_member_from_the_session_page(meeting, web):
    session = meeting["session"]
    UserFactory(email="ines@exemple.fr", name="Inès Moreau", roles=[Role.PATIENT_EXPERT])
    db.session.commit()
    url = f"/clara/comite/{session.id}"
    web.login(PATIENTS[0])
    assert web.submit(f"{url}/membres", {"membre-email": "ines@exemple.fr",
                                         "membre-group": cm.PATIENT},
                      form_url=url).status_code == 403  # a member does not add members
    web.logout()
    web.login("anne@exemple.fr")
    assert f'action="{url}/membres"' in _text(web.get(url))
    page = _text(web.submit(f"{url}/membres", {"membre-email": "personne@exemple.fr",
                                               "membre-group": cm.PATIENT}, form_url=url))
    assert "Aucun compte n’a cette adresse." in page
    assert 'value="personne@exemple.fr"' in page  # nothing typed is lost
    response = web.submit(f"{url}/membres", {"membre-email": "ines@exemple.fr",
                                             "membre-group": cm.PATIENT}, form_url=url)
    assert response.headers["Location"].endswith(url)
    assert "Inès Moreau est membre du comité." in _text(web.get(url))
    db.session.expire_all()
    assert len(session.members) == 7


def test_notes_sent_with_an_expired_token_come_back_on_the_item_page(meeting, web):
    from patientlab.core.kept import KeptForm

    item = meeting["items"][meeting["first"].id]
    cm.open_item(meeting["chair"], item)
    db.session.commit()
    url = f"/clara/comite/{meeting['session'].id}/points/{item.id}"
    web.login("anne@exemple.fr")
    response = web.client.post(f"{url}/notes", headers={"Origin": "http://localhost"}, data={
        "csrf_token": "périmé", "notes-notes": "Le sommeil compte.", "notes-submit": "1"})
    assert response.status_code == 303
    assert response.headers["Location"] == url  # the page the form is on, not its address
    page = _text(web.get(url))
    assert "Le sommeil compte." in page
    assert "Nous avons gardé ce que vous aviez écrit" in page
    assert web.submit(f"{url}/notes", {"notes-notes": "Le sommeil compte.",
                                       "notes-submit": "1"}, form_url=url).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(KeptForm)) == 0


def test_a_refused_recommendation_shows_the_saved_notes_beside_its_error(meeting, web):
    item = meeting["items"][meeting["first"].id]
    cm.open_item(meeting["chair"], item)
    db.session.commit()
    url = f"/clara/comite/{meeting['session'].id}/points/{item.id}"
    web.login("anne@exemple.fr")
    assert web.submit(f"{url}/notes", {"notes-notes": "Le sommeil compte.",
                                       "notes-submit": "1"}, form_url=url).status_code == 302
    page = _text(web.submit(f"{url}/recommandation", {
        "avis-recommendation": cm.FUND, "avis-submit": "1"}, form_url=url))
    assert "Le sommeil compte." in page  # the notes box is not blank: no saved text lost


def test_a_member_scores_through_the_pages_and_finds_the_current_item(meeting, web):
    session, item = meeting["session"], meeting["items"][meeting["second"].id]
    web.login("martine@exemple.fr")
    url = f"/clara/comite/{session.id}/points/{item.id}"
    page = web.submit(f"{url}/note-preliminaire", {"prelim-score": "12", "prelim-submit": "1"},
                      form_url=url).get_data(as_text=True)
    assert "Choisissez une des réponses proposées." in page or "de 1 à 9" in page
    assert web.submit(f"{url}/note-preliminaire", {
        "prelim-score": "7", "prelim-comment": "Utile.", "prelim-submit": "1"},
        form_url=url).status_code == 302
    cm.open_item(meeting["chair"], item)
    db.session.commit()
    page = web.get(f"/clara/comite/{session.id}").get_data(as_text=True)
    assert f'href="/clara/comite/{session.id}/points/{item.id}"' in page
    assert "discute en ce moment" in page
    assert web.submit(f"{url}/note-finale", {"final-score": "8", "final-submit": "1"},
                      form_url=url).status_code == 302
    assert web.client.post(url).status_code == 405  # each form has its own address
    assert cm.my_scores(meeting["people"]["martine@exemple.fr"], session)[item.id].final == 8


def test_the_minutes_list_attendance_conflicts_scores_and_recommendations(meeting, web):
    item = meeting["items"][meeting["first"].id]
    cm.declare_conflict(meeting["people"]["paul@exemple.fr"], item)
    cm.open_item(meeting["chair"], item)
    _score_all(meeting, item, [8, 8, 8, 6, None, 6], final=True)
    cm.record_recommendation(meeting["chair"], item, cm.CONDITIONAL,
                             "À condition d’ajouter un groupe d’aidants.")
    db.session.commit()
    web.login("anne@exemple.fr")
    page = web.get(f"/clara/comite/{meeting['session'].id}/proces-verbal").get_data(as_text=True)
    assert "Dormir mieux" in page
    assert "Financer sous conditions." in page
    assert "ajouter un groupe d’aidants" in page
    assert "Sortis de la salle" in page


def test_a_recommendation_needs_its_reasons(meeting):
    item = meeting["items"][meeting["first"].id]
    cm.open_item(meeting["chair"], item)
    with pytest.raises(ServiceError):
        cm.record_recommendation(meeting["chair"], item, cm.FUND, "  ")
    with pytest.raises(ServiceError):
        cm.record_recommendation(meeting["chair"], item, "peut-être", "Oui.")


# --- The reviewer's gates, the closed session, the minutes (security and journeys) ------


@pytest.fixture
def reviewed(app):
    """The unit tests' meeting (call under review): Martine reviews the first application
    and has not declared her interests, Karim's review is sent but not released, another
    reviewer's is released, a last one waits for moderation."""
    data = build_meeting()
    first = data["first"]
    write_review(make_assignment(first), "Très clair pour les patients.",
                 release_by=data["chair"])
    write_review(make_assignment(first), "Pas encore relu par la coordination.")
    make_assignment(first, data["people"]["martine"], status="pending")
    write_review(make_assignment(first, data["people"]["karim"]), "Mon avis.")
    db.session.commit()
    data["url"] = f"/clara/comite/{data['session'].id}/points/{data['item'].id}"
    return data


def _page(web, email, url):
    web.logout()
    web.login(email)
    response = web.get(url)
    return response.status_code, response.get_data(as_text=True)


def test_committee_item_applies_reviewer_gates(reviewed, web):
    web.login("martine@exemple.fr")
    status, page = _page(web, "martine@exemple.fr", reviewed["url"])
    assert status == 200
    assert "Dr Morel" not in page  # the application's team: nothing of it
    assert "Très clair pour les patients." not in page
    assert "Déclarer mes liens d’intérêts" in page
    assert 'name="prelim-score"' not in page

    _status, page = _page(web, "karim@exemple.fr", reviewed["url"])
    assert "Dr Morel" in page
    assert "Très clair pour les patients." not in page  # his own is not released yet
    assert "quand le vôtre sera envoyé et transmis" in page

    _status, page = _page(web, "claire@exemple.fr", reviewed["url"])
    assert "Dr Morel" in page
    assert "Très clair pour les patients." in page
    assert "Pas encore relu par la coordination." not in page  # never unmoderated
    assert "Mon avis." not in page

    _status, page = _page(web, "anne@exemple.fr", reviewed["url"])  # the chair neither
    assert "Pas encore relu par la coordination." not in page


def test_committee_item_feedback_caption_is_a_human_label(reviewed, web):
    _status, page = _page(web, "claire@exemple.fr", reviewed["url"])
    assert "(comite)" not in page
    assert "Résumé des réponses, question par question («\u00a0Dormir mieux\u00a0»)" in page


def test_closed_session_freezes_scores_on_the_pages(meeting, web):
    session, item = meeting["session"], meeting["items"][meeting["first"].id]
    cm.open_item(meeting["chair"], item)
    cm.save_final(meeting["people"][PATIENTS[0]], item, 6)
    cm.save_final(meeting["people"][PATIENTS[1]], item, 8)
    cm.close_session(meeting["chair"], session)
    db.session.commit()
    url = f"/clara/comite/{session.id}/points/{item.id}"
    web.login(PATIENTS[1])
    page = web.submit(f"{url}/note-finale", {"final-score": "1", "final-submit": "1"},
                      form_url=url)
    assert page.status_code == 200
    assert "Seule la présidence peut la rouvrir" in page.get_data(as_text=True)
    web.submit(f"/clara/comite/{session.id}/conflit/{item.id}",
               form_url=f"/clara/comite/{session.id}")
    db.session.expire_all()
    assert cm.spread(item).final == [6, 8]
    assert not cm.conflicted(meeting["people"][PATIENTS[1]], item)
    web.logout()
    web.login("anne@exemple.fr")
    web.submit(f"/clara/comite/{session.id}/membres/{session.members[0].id}/presence",
               form_url=f"/clara/comite/{session.id}")
    db.session.expire_all()
    assert session.members[0].present
    page = web.get(f"/clara/comite/{session.id}/proces-verbal").get_data(as_text=True)
    assert "«\u00a0Dormir mieux\u00a0», notes finales" in page


def test_minutes_hide_preliminary_scores_until_the_item_is_opened(meeting, web):
    session, item = meeting["session"], meeting["items"][meeting["first"].id]
    _score_all(meeting, item, [2, 9, 9, 9, 9, 9], final=False)
    db.session.commit()
    caption = "«\u00a0Dormir mieux\u00a0», notes préliminaires"
    for email in ("anne@exemple.fr", PATIENTS[1]):
        _status, page = _page(web, email, f"/clara/comite/{session.id}/proces-verbal")
        assert caption not in page
        assert "Pas discuté\u00a0: les notes préliminaires restent confidentielles." in page
    cm.open_item(meeting["chair"], item)
    db.session.commit()
    assert caption in web.get(f"/clara/comite/{session.id}/proces-verbal").get_data(as_text=True)


def test_members_minutes_give_counts_not_names(meeting, web):
    session, item = meeting["session"], meeting["items"][meeting["first"].id]
    karim = meeting["people"]["karim@exemple.fr"]
    cm.declare_conflict(karim, item)
    cm.open_item(meeting["chair"], item)
    _score_all(meeting, item, [8, None, 8, 6, 6, 6], final=True)
    cm.record_recommendation(meeting["chair"], item, cm.FUND, "Utile.")
    db.session.commit()
    url = f"/clara/comite/{session.id}/proces-verbal"
    _status, page = _page(web, PATIENTS[0], url)
    assert "Sortis de la salle (liens avec le projet)" not in page
    assert "<dt>Sortis de la salle</dt><dd>1</dd>" in page
    _status, page = _page(web, "anne@exemple.fr", url)
    assert f"Sortis de la salle (liens avec le projet)\u00a0: {karim.public_name}" in page
    page = web.get(url + "?version=membres").get_data(as_text=True)
    assert "Sortis de la salle (liens avec le projet)" not in page
    assert "<dt>Sortis de la salle</dt><dd>1</dd>" in page


def test_closing_a_session_says_what_is_left_and_asks_first(meeting, web):
    session = meeting["session"]
    web.login("anne@exemple.fr")
    page = web.get(f"/clara/comite/{session.id}").get_data(as_text=True)
    assert f'href="/clara/comite/{session.id}/cloturer"' in page
    page = web.get(f"/clara/comite/{session.id}/cloturer").get_data(as_text=True)
    assert "2 dossiers n’ont pas été discutés" in page
    db.session.expire_all()
    assert session.state == cm.PLANNED  # asking is not closing
    response = web.submit(f"/clara/comite/{session.id}/cloturer", {"submit": "1"})
    assert response.headers["Location"].endswith(f"/clara/comite/{session.id}/proces-verbal")
    db.session.expire_all()
    assert session.state == cm.CLOSED
    page = web.get(f"/clara/comite/{session.id}").get_data(as_text=True)
    assert "Rouvrir la séance" in page
    item = meeting["items"][meeting["second"].id]
    _status, page = _page(web, PATIENTS[0], f"/clara/comite/{session.id}/points/{item.id}")
    assert "Donnez votre note préliminaire" not in page
    assert 'name="prelim-score"' not in page
    assert "Il n’a pas été discuté." in page


def test_chair_reopens_a_closed_session_through_the_pages(meeting, web):
    session = meeting["session"]
    cm.close_session(meeting["chair"], session)
    db.session.commit()
    web.login("anne@exemple.fr")
    url = f"/clara/comite/{session.id}/rouvrir"
    page = web.submit(url, {"reason": ""}).get_data(as_text=True)
    assert "Dites pourquoi vous rouvrez la séance" in page
    assert web.submit(url, {"reason": "Un dossier oublié."}).status_code == 302
    db.session.expire_all()
    assert session.state == cm.OPEN
    web.logout()
    web.login(PATIENTS[0])
    assert web.get(url).status_code == 403


def test_recommendation_warns_by_name_when_a_present_member_has_not_scored(meeting, web):
    session, item = meeting["session"], meeting["items"][meeting["first"].id]
    cm.open_item(meeting["chair"], item)
    _score_all(meeting, item, [8, 8, 8, 6, 6, None], final=True)
    db.session.commit()
    nadia = meeting["people"]["nadia@exemple.fr"].public_name
    url = f"/clara/comite/{session.id}/points/{item.id}"
    web.login("anne@exemple.fr")
    page = web.get(url).get_data(as_text=True)
    assert f"Pas encore de note finale de 1 membre présent\u00a0: {nadia}." in page
    assert 'name="final-score"' not in page  # the chair, not a member, never scores
    response = web.submit(f"{url}/notes", {"notes-notes": "Le sommeil compte.",
                                           "notes-submit": "1"}, form_url=url)
    assert response.headers["Location"].endswith(url)
    assert "Les notes de la discussion sur « Dormir mieux » sont enregistrées." in _text(
        web.get(url))
    db.session.expire_all()
    assert item.notes == "Le sommeil compte."
    data = {"avis-recommendation": cm.FUND, "avis-reasons": "Utile aux patientes.",
            "avis-submit": "1"}
    page = web.submit(f"{url}/recommandation", data, form_url=url).get_data(as_text=True)
    assert f"Pas encore de note finale de {nadia}." in page
    assert "Utile aux patientes." in page  # nothing typed is lost
    db.session.expire_all()
    assert item.state == cm.DISCUSSING
    assert web.submit(f"{url}/recommandation", {**data, "avis-without_scores": "y"},
                      form_url=url).status_code == 302
    db.session.expire_all()
    assert item.state == cm.DONE


def test_agenda_asks_a_reviewing_member_to_declare_interests_first(reviewed, web):
    _status, page = _page(web, "martine@exemple.fr", f"/clara/comite/{reviewed['session'].id}")
    assert "déclarez d’abord vos liens d’intérêts pour le lire et le noter" in page
    assert 'href="/clara/relectures/' in page


def test_minutes_count_final_scores_and_hide_a_lone_groups_median(meeting, web):
    """One final score of three present members: the page says so, and a group median of
    one score (someone's own score) is not shown."""
    item = meeting["items"][meeting["first"].id]
    for member in meeting["session"].members:
        if member.user.email not in (PATIENTS[0], SCIENTISTS[0], SCIENTISTS[1]):
            cm.set_present(meeting["chair"], meeting["session"], member, False)
    cm.open_item(meeting["chair"], item)
    cm.save_final(meeting["people"][PATIENTS[0]], item, 8)
    cm.record_recommendation(meeting["chair"], item, cm.FUND, "Utile.", without_scores=True)
    db.session.commit()
    web.login(PATIENTS[1])
    page = _text(web.get(f"/clara/comite/{meeting['session'].id}/proces-verbal"))
    assert "1 note finale sur 3 membres présents" in page
    assert "moins de 2 notes : non affichée pour garder l’anonymat" in page
    assert "<dd>8</dd>" not in page  # Martine's own score, as her group's median
    assert "Note du comité" not in page


def test_a_member_who_has_not_declared_sees_no_scores(reviewed, web):
    item = reviewed["item"]
    cm.open_item(reviewed["chair"], item)
    cm.save_final(reviewed["people"]["karim"], item, 8)
    cm.save_final(reviewed["people"]["claire"], item, 3)
    db.session.commit()
    status, page = _page(web, "martine@exemple.fr", reviewed["url"])
    assert status == 200
    assert "Vous verrez les notes une fois vos liens d’intérêts déclarés." in page
    assert "notes finales : nombre de membres par note" not in page
    _status, page = _page(web, "martine@exemple.fr",
                          f"/clara/comite/{reviewed['session'].id}/proces-verbal")
    assert "Vous verrez les notes une fois vos liens d’intérêts déclarés." in page
    # Claire, who sits without reviewing it, sees them.
    _status, page = _page(web, "claire@exemple.fr", reviewed["url"])
    assert "2 notes finales sur 3 membres présents" in page.replace("\u00a0", " ")


def test_attendance_reads_right_before_and_after_the_session(meeting, web):
    session = meeting["session"]
    absent = session.members[0]
    for member in session.members:
        cm.set_present(meeting["chair"], session, member, False)
    db.session.commit()
    web.login("anne@exemple.fr")
    minutes = f"/clara/comite/{session.id}/proces-verbal"
    before = _text(web.get(minutes))
    # Before the session nobody is absent yet (everyone was « absent ou absente »).
    assert f"{absent.user.public_name} (présence pas encore notée)" in before
    assert "absent ou absente" not in before
    for member in session.members[1:]:
        cm.set_present(meeting["chair"], session, member, True)
    cm.close_session(meeting["chair"], session)
    db.session.commit()
    # After it, the member who did not come is not « pas encore là » any more.
    assert f"{absent.user.public_name} (n’était pas là)" in _text(web.get(minutes))
    agenda = _text(web.get(f"/clara/comite/{session.id}"))
    assert f"{absent.user.public_name} — n’était pas là" in agenda
    assert "pas encore là" not in agenda


def test_a_coordinator_finds_the_sessions_she_chairs(meeting, web):
    web.login("anne@exemple.fr")
    page = _text(web.get("/clara/comite/"))
    # She sits on none, but chairs this one: the page said « Vous ne siégez à aucun comité ».
    assert "Les séances que je préside" in page
    assert f'href="/clara/comite/{meeting["session"].id}">Comité de mars</a>' in page
    assert "Vous ne siégez à aucun comité" not in page
    session_page = _text(web.get(f"/clara/comite/{meeting['session'].id}"))
    assert f"<dt>Présidence</dt><dd>{meeting['chair'].public_name}</dd>" in session_page


def test_saving_a_score_says_which_and_what(meeting, web):
    item = meeting["items"][meeting["first"].id]
    web.login(PATIENTS[0])
    url = f"/clara/comite/{meeting['session'].id}/points/{item.id}"
    page = _text(web.submit(f"{url}/note-preliminaire", {"prelim-score": "7",
                                                         "prelim-submit": "1"},
                            form_url=url, follow=True))
    # It said « C’est enregistré. », whatever was saved.
    assert "Votre note préliminaire pour « Dormir mieux » est enregistrée : 7 sur 9." in page


def test_the_demo_committees_meet_at_two_in_the_afternoon(app):
    from patientlab.core.days import PARIS
    from patientlab.demo import seed

    seed()
    sessions = db.session.scalars(select(cm.CommitteeSession)).all()
    assert sessions
    assert {s.meets_at.astimezone(PARIS).strftime("%H:%M") for s in sessions} == {"14:00"}


def test_the_english_pages_speak_of_a_meeting_and_of_who_left_the_room(meeting, web):
    item = meeting["items"][meeting["first"].id]
    cm.declare_conflict(meeting["people"][PATIENTS[0]], item)
    meeting["people"][PATIENTS[1]].locale = meeting["chair"].locale = "en"
    db.session.commit()
    web.login(PATIENTS[1])
    agenda = _text(web.get(f"/clara/comite/{meeting['session'].id}"))
    # « Leave the room: 1 member » read as an instruction.
    assert "Left the room: 1 member" in agenda
    web.logout()
    web.login("anne@exemple.fr")
    agenda = _text(web.get(f"/clara/comite/{meeting['session'].id}"))
    assert "End the meeting" in agenda
    assert "End the session" not in agenda  # « session » is for logging in only


def test_the_chair_is_warned_while_reviews_are_still_due(reviewed, web):
    """The chair opened and decided an item with 1 review in while the deadline was
    ahead, with no warning."""
    call = reviewed["call"]
    call.review_deadline = utcnow() + timedelta(days=12)
    db.session.commit()
    _status, page = _page(web, "anne@exemple.fr", reviewed["url"])
    page = page.replace("\u00a0", " ").replace("\u202f", " ")
    # Three reviews sent (one released, one waiting for moderation, Karim's), Martine's
    # still to come.
    from patientlab.core.i18n import date_long
    with web.client.application.test_request_context():
        day = date_long(call.review_deadline)
    assert (f"3 relectures reçues sur 4 ; les relectures sont attendues jusqu’au "
            f"{day}.").replace("\u00a0", " ") in page
    # Once the deadline has passed, no warning.
    call.review_deadline = utcnow() - timedelta(days=1)
    db.session.commit()
    _status, page = _page(web, "anne@exemple.fr", reviewed["url"])
    assert "relectures sont attendues" not in page


def test_a_reviewer_is_no_longer_asked_to_review_what_the_committee_decided(reviewed, app):
    from patientlab.core import pending

    martine = reviewed["people"]["martine"]
    call = reviewed["call"]
    call.review_deadline = utcnow() + timedelta(days=12)
    item = reviewed["item"]

    def tasks():
        with app.test_request_context():
            return [t.title.replace("\u00a0", " ") for g in pending.for_user(martine)
                    for t in g.tasks]

    assert any("Dormir mieux" in t and "lien" in t for t in tasks())
    cm.open_item(reviewed["chair"], item)
    cm.record_recommendation(reviewed["chair"], item, cm.FUND, "Utile.", without_scores=True)
    db.session.commit()
    listed = tasks()
    assert not any("Dormir mieux" in t and "lien" in t for t in listed)
    assert "« Dormir mieux » : le comité a décidé, votre relecture n’est plus attendue" in listed


def test_an_item_without_reviews_says_so_once(meeting, web):
    item = meeting["items"][meeting["second"].id]
    web.login(PATIENTS[0])
    page = _text(web.get(f"/clara/comite/{meeting['session'].id}/points/{item.id}"))
    assert "Aucune relecture transmise pour ce projet." in page
    assert "Pas encore de réponse." not in page  # once per question, before
    assert "Votre avis global sur le projet" not in page


def test_the_committee_reads_the_reviewers_overall_opinion(reviewed, web):
    _status, page = _page(web, "claire@exemple.fr", reviewed["url"])
    assert "Avis global des relecteurs" in page
    assert "Votre avis global sur le projet" not in page


def test_the_score_chart_says_which_scores_and_the_table_fits_a_phone(meeting, web):
    item = meeting["items"][meeting["first"].id]
    _score_all(meeting, item, [8, 7, 8, 4, 5, 3], final=False)
    cm.open_item(meeting["chair"], item)
    db.session.commit()
    web.login(PATIENTS[0])
    url = f"/clara/comite/{meeting['session'].id}/points/{item.id}"
    page = _text(web.get(url))
    # A visible heading says which scores the chart shows (only its SVG <title> did).
    assert ("<strong>Notes préliminaires (pas encore de note finale) : combien de membres "
            "ont donné chaque note</strong>") in page
    # The chart's text follows the reader's text size; the table stacks on a phone and
    # says what each figure counts (« Préliminaire 0 » read as a score of 0).
    assert 'class="chart chart--compact"' in page
    assert '<table class="table--stack">' in page
    assert 'data-label="Nombre de notes finales"' in page
    _score_all(meeting, item, [8, 8, 7, 6, 6, 5], final=True)
    db.session.commit()
    page = _text(web.get(url))
    assert "<strong>Notes finales : combien de membres ont donné chaque note</strong>" in page
