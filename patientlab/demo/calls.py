"""Demo « Expérience patient » calls: one closed with released feedback, answers and
decisions, one in review (assignments at every step), one open for applications."""

from datetime import datetime, time, timedelta

from sqlalchemy import select

from patientlab.auth.models import User
from patientlab.calls import services as svc
from patientlab.calls.models import (
    Application,
    ApplicationStatus,
    Assignment,
    AssignmentStatus,
    Call,
    CallPartner,
    Decision,
    Review,
    ReviewAnswer,
    ReviewStatus,
)
from patientlab.core import audit, days
from patientlab.core.models import utcnow
from patientlab.demo.networks import first_network_id
from patientlab.extensions import db
from patientlab.networks.models import Network

DESCRIPTION = (
    "Oncostarter finance des projets de recherche jeunes et prometteurs. Ce volet "
    "« Expérience patient » soutient des projets qui partent de ce que vivent les personnes "
    "malades et leurs proches : qualité de vie, parcours de soins, retour au travail, "
    "vie de famille.\n\nChaque projet est relu par des patientes et patients experts et des "
    "représentantes et représentants d’associations du groupe ECLAIR, avec les comités de "
    "la Ligue contre le "
    "cancer. Leur avis compte dans la décision du comité.")
ELIGIBILITY = (
    "Équipes de recherche de la région, publiques ou associatives.\n"
    "Au moins un patient ou une association associé au projet dès sa préparation.\n"
    "Financement jusqu’à 30 000 € sur 12 à 18 mois.")

# title, description days: opens, application deadline, reviews, responses, results
CALLS = [
    ("Oncostarter 2025 – Expérience patient", -300, -240, -200, -170, -150),
    ("Oncostarter 2026 – Expérience patient", -60, -10, 12, 30, 45),
    ("Oncostarter 2027 – Expérience patient", -5, 50, 80, 95, 110),
]

APPLICATIONS = {
    # call index: [(owner email, title, lay summary, team)]
    0: [("chercheur@exemple.fr", "Mieux dormir après un cancer du sein",
         "Beaucoup de femmes dorment mal pendant des mois après les traitements. Le manque de "
         "sommeil rend la fatigue plus lourde.\n\nNous voulons tester des séances de groupe, "
         "animées par une infirmière, pour apprendre à mieux dormir. Les séances ont lieu près "
         "de chez les patientes ou en visioconférence.",
         "Dr Claire Morel, épidémiologiste, Centre Léon Bérard\nMarie-Hélène Duval, infirmière "
         "en pratique avancée\nDeux patientes partenaires du comité du Rhône"),
        ("julien.faure@exemple.fr", "Un carnet de bord numérique pour les aidants",
         "Les proches aidants ont du mal à suivre les rendez-vous et les traitements. Nous "
         "voulons créer avec eux un carnet de bord sur téléphone.",
         "Dr Julien Faure, sociologue, Université Lyon 2\nUne association de proches aidants")],
    1: [("chercheur@exemple.fr", "Retour au travail après un cancer colorectal",
         "Reprendre le travail après un cancer du côlon est souvent difficile : fatigue, "
         "troubles digestifs, regard des collègues.\n\nNous voulons suivre 200 personnes "
         "pendant un an et tester un accompagnement par un ergonome et un ancien patient.",
         "Dr Claire Morel, Centre Léon Bérard\nDr Paul Girard, médecin du travail\nUn patient "
         "partenaire, ancien salarié en reconversion"),
        ("amina.haddad@exemple.fr", "Parler de la sexualité pendant les traitements",
         "La sexualité change souvent pendant un cancer, mais on en parle peu avec les "
         "soignants. Nous voulons former les équipes et proposer un livret écrit avec des "
         "patients et leurs partenaires.",
         "Dr Amina Haddad, psychologue, Hospices civils de Lyon\nDeux patientes partenaires"),
        ("julien.faure@exemple.fr", "Transport vers les soins en zone rurale",
         "Dans les campagnes, aller à la radiothérapie tous les jours peut prendre trois "
         "heures. Nous voulons comprendre les solutions qui marchent et les faire connaître.",
         "Dr Julien Faure, Université Lyon 2\nLigue contre le cancer, comité de l’Isère")],
    2: [],
}

EXTRA_PEOPLE = [
    # email, name, role
    ("sylvie.caron@exemple.fr", "Sylvie Caron", "patient_expert"),
    ("helene.robert@exemple.fr", "Hélène Robert", "patient_expert"),
    ("jacques.petit@exemple.fr", "Jacques Petit", "association_rep"),
    ("julien.faure@exemple.fr", "Julien Faure", "researcher"),
    ("amina.haddad@exemple.fr", "Amina Haddad", "researcher"),
]

# Scores for the default criteria, in order (None for free-text questions), and comments.
REVIEWS = [
    ([5, 4, None, 4, 3, 3, 5, None],
     ["Le sommeil est un vrai problème dont on parle trop peu après les traitements.", "",
      "Les femmes qui travaillent en horaires décalés risquent de ne pas pouvoir venir aux "
      "séances du soir.", "", "", "", "Un projet utile, que je recommande.", ""]),
    ([4, 4, None, 2, 2, 3, 4, None],
     ["", "", "Pensez aux personnes qui n’ont pas internet pour les séances à distance.",
      "On ne sait pas si les patientes partenaires seront dédommagées.",
      "Le résumé utilise des mots comme « TCC-I » sans les expliquer.", "", "",
      "Projet solide, mais l’implication des patientes doit être précisée."]),
    ([5, 5, None, 5, 4, 2, 4, None],
     ["", "", "Les personnes âgées qui vivent seules.", "",
      "", "Huit séances de deux heures, c’est beaucoup quand on est fatiguée.", "", ""]),
    ([4, 3, None, 4, 3, 3, 4, None],
     ["", "", "Les femmes qui ne parlent pas bien le français.", "", "", "", "", ""]),
]


def _person(email: str, name: str, role: str) -> User:
    from patientlab.demo import _user

    user, new = _user(email, name)
    if new:
        from patientlab.auth.models import UserRole

        db.session.add(UserRole(user_id=user.id, role=role))
        if role in ("patient_expert", "association_rep"):
            from patientlab.auth.models import CharterAcceptance

            db.session.add(CharterAcceptance(user_id=user.id, version="2026-1"))
        db.session.flush()
    return user


def _review(assignment: Assignment, call: Call, index: int, status: str, when) -> Review:
    scores, comments = REVIEWS[index % len(REVIEWS)]
    review = Review(assignment_id=assignment.id, status=status, created_at=when,
                    updated_at=when, submitted_at=None if status == ReviewStatus.DRAFT else when,
                    released_at=when if status == ReviewStatus.RELEASED else None, answers=[])
    for criterion, score, comment in zip(call.criteria, scores, comments, strict=False):
        review.answers.append(ReviewAnswer(criterion_id=criterion.id, score=score,
                                           comment=comment))
    db.session.add(review)
    return review


def seed_calls(coordinator: User, people: dict[str, User]) -> int:
    if db.session.scalar(select(Call).limit(1)) is not None:
        return 0
    for email, name, role in EXTRA_PEOPLE:
        people[email] = _person(email, name, role)
    now = utcnow()
    today = days.paris_day(now)
    reviewers = [people[e] for e in ("patient@exemple.fr", "association@exemple.fr",
                                     "sylvie.caron@exemple.fr", "helene.robert@exemple.fr",
                                     "jacques.petit@exemple.fr")]
    calls = []
    for title, opens, deadline, reviews, responses, results in CALLS:
        call = Call(network_id=first_network_id(), title=title, description=DESCRIPTION,
                    eligibility=ELIGIBILITY,
                    opens_at=days.start_of_day(today + timedelta(days=opens)),
                    application_deadline=days.end_of_day(today + timedelta(days=deadline)),
                    review_deadline=days.end_of_day(today + timedelta(days=reviews)),
                    response_deadline=days.end_of_day(today + timedelta(days=responses)),
                    results_at=days.start_of_day(today + timedelta(days=results)),
                    published_at=now + timedelta(days=opens - 7), created_by_id=coordinator.id,
                    criteria=svc.default_criteria())
        db.session.add(call)
        calls.append(call)
    db.session.flush()
    # The open call is run by CLARA and PACA together: PACA's coordination manages it too,
    # and PACA's reviewers may be invited.
    paca = db.session.scalar(select(Network.id).where(Network.slug == "paca"))
    if paca is not None:
        db.session.add(CallPartner(call_id=calls[2].id, network_id=paca))
        db.session.flush()

    apps: dict[int, list[Application]] = {}
    for index, rows in APPLICATIONS.items():
        call = calls[index]
        apps[index] = []
        for email, title, lay, team in rows:
            application = Application(
                call_id=call.id, owner_id=people[email].id, title=title, lay_summary=lay,
                scientific_summary="Étude prospective multicentrique ; critère principal "
                "évalué à 6 mois ; analyse en intention de traiter.",
                involvement_plan="Des patients ont relu le projet et siègent au comité de "
                "pilotage. Ils sont dédommagés pour leur temps.",
                budget_summary="28 000 € : vacations, déplacements des participants, "
                "dédommagement des patients partenaires.", team=team,
                status=ApplicationStatus.SUBMITTED,
                submitted_at=call.application_deadline - timedelta(days=3),
                created_at=call.opens_at + timedelta(days=5))
            db.session.add(application)
            apps[index].append(application)
    db.session.flush()

    # Closed call: every review released, answers, decisions.
    closed = calls[0]
    closed.form_frozen_at = closed.application_deadline + timedelta(days=10)
    released_at = closed.review_deadline
    for a_index, application in enumerate(apps[0]):
        count = 4 if a_index == 0 else 3
        for r_index, reviewer in enumerate(reviewers[:count]):
            assignment = Assignment(application_id=application.id, reviewer_id=reviewer.id,
                                    status=AssignmentStatus.ACCEPTED,
                                    assigned_by_id=coordinator.id,
                                    assigned_at=closed.application_deadline,
                                    coi_declared_at=closed.application_deadline)
            db.session.add(assignment)
            db.session.flush()
            _review(assignment, closed, r_index + a_index, ReviewStatus.RELEASED, released_at)
        application.feedback_released_at = released_at
    db.session.flush()
    first = apps[0][0]
    first.response_general = (
        "Merci pour vos relectures. Vous avez dit que les séances étaient longues et que "
        "les patientes partenaires n’étaient pas dédommagées : nous avons fait des séances "
        "d’une heure, et chaque patiente partenaire recevra 150 € par réunion.")
    first.response_sent_at = closed.response_deadline - timedelta(days=5)
    for review in db.session.scalars(select(Review).join(Assignment).where(
            Assignment.application_id == first.id)):
        for answer in review.answers:
            if "internet" in answer.comment:
                answer.response = ("Nous prêterons des tablettes et proposerons les séances "
                                   "par téléphone.")
    first.decision, first.decided_by_id = Decision.CONDITIONAL, coordinator.id
    first.decided_at = closed.results_at
    first.decision_rationale = ("Projet financé, à condition que les patientes partenaires "
                                "soient associées au choix des horaires des séances.")
    second = apps[0][1]
    second.decision, second.decided_by_id = Decision.NOT_FUNDED, coordinator.id
    second.decided_at = closed.results_at
    second.decision_rationale = ("Projet intéressant mais encore trop peu construit avec "
                                 "les aidants ; le comité encourage l’équipe à le représenter.")

    # Call in review: assignments at every step.
    review_call = calls[1]
    review_call.form_frozen_at = now - timedelta(days=3)
    martine, karim, sylvie, helene, jacques = reviewers
    plan = [
        (apps[1][0], martine, AssignmentStatus.ACCEPTED, ReviewStatus.DRAFT),
        (apps[1][0], karim, AssignmentStatus.PENDING, None),
        (apps[1][0], sylvie, AssignmentStatus.ACCEPTED, ReviewStatus.RELEASED),
        (apps[1][1], martine, AssignmentStatus.PENDING, None),
        (apps[1][1], helene, AssignmentStatus.ACCEPTED, ReviewStatus.SUBMITTED),
        (apps[1][1], jacques, AssignmentStatus.ACCEPTED, ReviewStatus.SUBMITTED),
    ]
    for index, (application, reviewer, status, review_status) in enumerate(plan):
        assignment = Assignment(application_id=application.id, reviewer_id=reviewer.id,
                                status=status, assigned_by_id=coordinator.id,
                                assigned_at=now - timedelta(days=8),
                                coi_declared_at=None if status == AssignmentStatus.PENDING
                                else now - timedelta(days=7))
        db.session.add(assignment)
        db.session.flush()
        if review_status is not None:
            review = _review(assignment, review_call, index, review_status,
                             now - timedelta(days=3 - index % 3))
            if review_status == ReviewStatus.DRAFT:
                for answer in review.answers[3:]:
                    answer.score, answer.comment = None, ""
    # Sylvie's review is already passed on: Dr Morel can answer it.
    apps[1][0].feedback_released_at = now - timedelta(days=1)
    db.session.flush()
    _committees(coordinator, people, closed, review_call, apps)
    _journal(coordinator)
    return len(calls)


# Held committee: (final scores of Martine, Karim, Sylvie | Jacques, Hélène (scientists
# here), recommendation, reasons) per application of the closed call.
HELD = [
    ([7, 8, 7], [6, 5], [7, 8, 8], [6, 6], "conditional",
     "Le comité soutient le projet : les patientes ont dit que la fatigue pendant les "
     "traitements compte beaucoup. Il demande que les patientes partenaires choisissent "
     "les horaires des séances."),
    ([3, 4, 4], [5, 4], [3, 3, 4], [4, 4], "not_funded",
     "Le projet est intéressant, mais les aidants ne sont pas encore associés à sa "
     "construction. Le comité encourage l’équipe à le présenter de nouveau."),
]


def _at_two(moment):
    """A committee meets at 14 h 00 (Paris) on that day, not at the deadline's midnight."""
    day = (moment.astimezone(days.PARIS) if moment.tzinfo else moment).date()
    return datetime.combine(day, time(14, 0), tzinfo=days.PARIS)


def _committees(coordinator: User, people: dict[str, User], closed: Call, review_call: Call,
                apps: dict[int, list[Application]]) -> None:
    """One committee held for the closed call (scores, notes, recommendations, minutes)
    and one to come for the call under review (members invited, nothing scored yet)."""
    from patientlab.calls import committee as cm

    patients = [people[e] for e in ("patient@exemple.fr", "association@exemple.fr",
                                    "sylvie.caron@exemple.fr")]
    scientists = [people[e] for e in ("jacques.petit@exemple.fr", "helene.robert@exemple.fr")]
    held = cm.CommitteeSession(
        call_id=closed.id, title="Comité de sélection de l’appel 2025",
        meets_at=_at_two(closed.response_deadline + timedelta(days=7)),
        place="Cancéropôle, salle 2",
        chair_id=coordinator.id, state=cm.CLOSED)
    db.session.add(held)
    db.session.flush()
    members = [cm.CommitteeMember(session_id=held.id, user_id=u.id, group=g, present=True)
               for u, g in [(p, cm.PATIENT) for p in patients]
               + [(s, cm.SCIENTIST) for s in scientists]]
    members[1].secretary = True
    db.session.add_all(members)
    db.session.flush()
    for position, (application, row) in enumerate(zip(apps[0], HELD, strict=True), start=1):
        pre_p, pre_s, fin_p, fin_s, recommendation, reasons = row
        item = cm.AgendaItem(session_id=held.id, application_id=application.id,
                             position=position, state=cm.DONE, recommendation=recommendation,
                             reasons=reasons, notes="Discussion ouverte par la relectrice "
                             "la plus critique, puis tour de table.")
        db.session.add(item)
        db.session.flush()
        for member, pre, fin in zip(members, pre_p + pre_s, fin_p + fin_s, strict=True):
            db.session.add(cm.CommitteeScore(item_id=item.id, member_id=member.id,
                                             preliminary=pre, comment="Lu avec attention.",
                                             final=fin, final_at=held.meets_at))
    coming = cm.CommitteeSession(
        call_id=review_call.id, title="Comité de sélection de l’appel 2026",
        meets_at=_at_two(review_call.response_deadline + timedelta(days=5)),
        place="Cancéropôle, salle 2", online_url="https://visio.exemple.fr/comite-2026",
        chair_id=coordinator.id)
    db.session.add(coming)
    db.session.flush()
    coming.items = [cm.AgendaItem(application_id=a.id, position=n)
                    for n, a in enumerate(apps[1], start=1)]
    db.session.add_all([cm.CommitteeMember(session_id=coming.id, user_id=u.id, group=g)
                        for u, g in [(p, cm.PATIENT) for p in patients]
                        + [(s, cm.SCIENTIST) for s in scientists]])
    db.session.flush()


def _journal(coordinator: User) -> None:
    """The audit entries the services would have written, at the time they happened."""
    for assignment in db.session.scalars(select(Assignment)):
        audit.record(coordinator, "review.assigned", assignment).created_at = \
            assignment.assigned_at
    for review in db.session.scalars(select(Review).where(Review.submitted_at.is_not(None))):
        audit.record(review.assignment.reviewer, "review.submitted", review).created_at = \
            review.submitted_at
        if review.released_at is not None:
            audit.record(coordinator, "review.released", review).created_at = \
                review.released_at
    for application in db.session.scalars(select(Application).where(
            Application.decided_at.is_not(None))):
        entry = audit.record(coordinator, "application.decided", application,
                             summary=f"- → {application.decision}",
                             reason=application.decision_rationale)
        entry.created_at = application.decided_at
    db.session.flush()
