import csv
import io
from datetime import date, timedelta

from patientlab.calls import reviewing as rv
from patientlab.coordination import participation as part
from patientlab.core import days
from patientlab.core.models import utcnow
from patientlab.events.models import Registration
from patientlab.extensions import db
from patientlab.projects import services as projects
from tests.factories import (
    AssociationFactory,
    UserFactory,
    make_application,
    make_assignment,
    make_call,
    make_event,
    make_project,
)

SCORES = [4, 3, None, 4, 3, 3, 4, None]
TEXTS = ["", "", "Les aidants.", "", "", "", "", ""]


def _review(assignment):
    call = assignment.application.call
    rv.save_review(assignment.reviewer, assignment, {
        c.id: rv.AnswerData(score=s, comment=t)
        for c, s, t in zip(call.criteria, SCORES, TEXTS, strict=True)})
    rv.submit_review(assignment.reviewer, assignment)


def _registration(event, email, seats, status="confirmed", present=False):
    db.session.add(Registration(event_id=event.id, name=email, email=email, seats=seats,
                                status=status, link_key="k",
                                checked_in_at=utcnow() if present else None,
                                present=seats if present else 0))


def test_figures_on_fixed_data():
    ligue = AssociationFactory(name="Ligue — Rhône")
    AssociationFactory(name="Association sans activité")
    karim = UserFactory(roles=["association_rep"], association_id=ligue.id)
    martine = UserFactory(roles=["patient_expert"])
    UserFactory(roles=["patient_expert"])  # validated, but did nothing
    call = make_call(state="review", title="Oncostarter 2026")
    other = make_call(state="review", title="Oncostarter bis")
    for reviewer in (karim, martine):
        _review(make_assignment(make_application(call=call), reviewer))
    _review(make_assignment(make_application(call=other), martine))
    make_assignment(make_application(call=other), karim)  # assigned, not reviewed
    project = make_project()
    question = projects.ask_question(martine, project, "Combien de temps ?")
    question.moderation_state = "published"
    projects.answer_question(project.owner, question, "Un an.").moderation_state = "published"
    other_question = projects.ask_question(martine, project, "Et la suite ?")
    other_question.moderation_state = "published"
    projects.answer_question(project.owner, other_question, "Pas encore relue.")  # pending
    projects.ask_question(UserFactory(), project, "Et après ?")
    past = make_event(days=-10, theme="nutrition", title="Bien manger")
    _registration(past, "a@exemple.fr", 2, present=True)
    _registration(past, "b@exemple.fr", 1)
    _registration(past, "c@exemple.fr", 3, status="waiting")
    family = make_event(days=-20, theme="entourage", title="En famille")
    _registration(family, "d@exemple.fr", 4, present=True)
    make_event(days=-400, theme="entourage", title="Trop ancienne")
    db.session.flush()

    today = days.today()
    data = part.participation(part.Period(today - timedelta(days=30), today))
    assert data.reviewers_validated == 3
    assert data.reviewers_active == 2
    assert data.reviews_submitted == 3
    assert (data.questions_asked, data.questions_answered) == (3, 1)
    assert data.reviews_per_call == [("Oncostarter 2026", 2), ("Oncostarter bis", 1)]
    assert data.events == [("En famille", "entourage", 4, 4), ("Bien manger", "nutrition", 3, 2)]
    assert data.themes == [("entourage", 4, 4), ("nutrition", 3, 2)]
    assert (data.registrations, data.attended) == (7, 6)
    assert data.associations_involved == ["Ligue — Rhône"]

    before = part.participation(part.Period(date(2000, 1, 1), today - timedelta(days=31)))
    assert before.reviews_submitted == 0
    assert [e[0] for e in before.events] == ["Trop ancienne"]

    rows = list(csv.reader(io.StringIO(part.as_csv(data).lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Rubrique", "Libellé", "Valeur", "Présents"]
    assert ["Général", "Relectures envoyées", "3", ""] in rows
    assert ["Soirée", "Bien manger", "3", "2"] in rows
    assert ["Association", "Ligue — Rhône", "", ""] in rows


def test_following_a_funded_project_counts_in_the_periods_it_covers():
    from patientlab.core import notifications
    from patientlab.cycle.models import ProjectFunding

    funded = make_project()
    db.session.add(ProjectFunding(project_id=funded.id, application_id=make_application(
        call=make_call(state="closed")).id))
    unfunded = make_project()
    early, late, older, elsewhere = (UserFactory() for _ in range(4))
    for person in (early, late, older):
        notifications.follow(person, "project", funded.id)
    notifications.follow(elsewhere, "project", unfunded.id)  # not a funded project
    db.session.flush()
    rows = {row.user_id: row for row in db.session.scalars(
        db.select(notifications.Subscription).where(
            notifications.Subscription.topic == "project"))}
    rows[early.id].created_at = utcnow() - timedelta(days=40)
    rows[older.id].created_at = None  # followed before dates were kept
    db.session.flush()

    def following(period):
        stage = next(s for s in part.participation(period).stages if s.key == "suivi")
        return stage.people

    today = days.today()
    assert following(part.Period(today - timedelta(days=30), today)) == 3
    assert following(part.Period(today - timedelta(days=60), today - timedelta(days=31))) == 2
    assert following(part.Period(date(2000, 1, 1), date(2000, 12, 31))) == 1
    assert notifications.follow_dates(early)[("project", str(funded.id))] == rows[
        early.id].created_at
