"""Data at national scale for benchmarks: `flask --app wsgi bench-seed --scale N`.

At scale 1: 10,000 users, 1,000 published projects, 50 calls with 2,000 applications
and 10,000 reviews, 200 events with 50,000 registrations, 2,000 questions (half waiting
for moderation) and 20,000 audit entries. Rows go in with bulk
INSERTs (one statement per batch), so a scale-1 seed takes well under two minutes on
SQLite. The password of every account is `bench-patientlab-2026`.
"""

import random
from datetime import timedelta

from sqlalchemy import insert, select

from patientlab.auth.models import User, UserRole
from patientlab.calls import services as call_svc
from patientlab.calls.models import (
    Application,
    Assignment,
    Call,
    Criterion,
    Review,
    ReviewAnswer,
)
from patientlab.core import days
from patientlab.core.audit import AuditEntry
from patientlab.core.models import utcnow
from patientlab.core.security import Role, hash_password
from patientlab.events.models import Event, Registration
from patientlab.extensions import db
from patientlab.projects import services as project_svc
from patientlab.projects.models import Project, ProjectCancerType, ProjectTheme, Question

PASSWORD = "bench-patientlab-2026"  # noqa: S105 - published benchmark password  # nosec B105
BASE = {"users": 10_000, "projects": 1_000, "calls": 50, "applications": 2_000,
        "reviews_per_application": 5, "events": 200, "registrations": 50_000,
        "questions": 2_000, "journal": 20_000}
BATCH = 2_000
WORDS = ["fatigue", "sommeil", "nutrition", "activité physique", "douleur", "travail",
         "famille", "aidants", "immunothérapie", "qualité de vie", "parcours", "dépistage"]



# Real towns for the evenings, so that the public list's filter has places to filter by.
TOWNS = [("Lyon", "69003", "69"), ("Marseille", "13005", "13"), ("Lille", "59000", "59"),
         ("Rennes", "35000", "35"), ("Toulouse", "31000", "31"), ("Brest", "29200", "29"),
         ("Ajaccio", "20000", "2A"), ("Saint-Denis", "97400", "974")]


def _town(i: int) -> dict:
    town, postcode, department = TOWNS[i % len(TOWNS)]
    return {"address": f"{postcode} {town}", "town": town, "postcode": postcode,
            "department": department}

def _bulk(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(model), rows[start:start + BATCH])


def _ids(column, condition) -> list[int]:
    return list(db.session.scalars(select(column).where(condition).order_by(column)))


def _networks(count: int) -> list[int]:
    """The ids of ``count`` networks: those that exist, then new ones (« banc-2 »…)."""
    from patientlab.networks.models import Network

    ids = list(db.session.scalars(select(Network.id).order_by(Network.id)))
    for n in range(len(ids), count):
        network = Network(slug=f"banc-{n + 1}", name=f"Cancéropôle de banc d’essai {n + 1}",
                          short_name=f"Banc {n + 1}")
        db.session.add(network)
        db.session.flush()
        ids.append(network.id)
    return ids[:count]


def seed(scale: float = 1.0, *, prefix: str = "banc", networks: int = 1) -> dict[str, int]:
    """Add the rows; returns how many of each. Run it on an empty or demo database.

    Projects, calls and evenings are shared out among ``networks`` networks (the same
    totals whatever their number); the first network's objects come first."""
    network_ids = _networks(networks)
    rng = random.Random(2026)  # noqa: S311 - reproducible benchmark data, not secrets  # nosec B311
    now = utcnow()
    counts = {k: max(1, round(v * scale)) if k != "reviews_per_application" else v
              for k, v in BASE.items()}
    password = hash_password(PASSWORD)

    # People: a few researchers and organisers, reviewers, and citizens.
    n_users = counts["users"]
    _bulk(User, [{"email": f"{prefix}{i}@exemple.fr", "name": f"Personne {prefix} {i}",
                  "password_hash": password, "email_verified_at": now, "locale": "fr",
                  "session_token": f"{prefix}-{i}-{rng.getrandbits(64):x}"}
                 for i in range(n_users)])
    user_ids = _ids(User.id, User.email.like(f"{prefix}%@exemple.fr"))
    researchers = user_ids[:max(1, n_users // 50)]
    organisers = user_ids[len(researchers):len(researchers) + max(1, n_users // 500)]
    reviewers = user_ids[len(researchers) + len(organisers):][:max(5, n_users // 15)]
    roles = ([{"user_id": u, "role": Role.RESEARCHER} for u in researchers]
             + [{"user_id": u, "role": Role.PATIENT_EXPERT if i % 5 else Role.ASSOCIATION_REP}
                for i, u in enumerate(reviewers)])
    _bulk(UserRole, roles)
    from patientlab.networks.models import NetworkRole, ReviewerNetwork

    # Each organiser works for every network, each reviewer may be invited by all.
    _bulk(NetworkRole, [{"user_id": u, "network_id": n, "role": Role.ORGANISER,
                         "granted_at": now} for u in organisers for n in network_ids])
    _bulk(ReviewerNetwork, [{"user_id": u, "network_id": n, "created_at": now}
                            for u in reviewers for n in network_ids])
    from flask import current_app

    from patientlab.auth.models import CharterAcceptance

    _bulk(CharterAcceptance, [{"user_id": u, "version": current_app.config["CHARTER_VERSION"],
                               "accepted_at": now} for u in reviewers])

    # Projects, built once through the service so that search text is right.
    template = Project(owner_id=researchers[0], network_id=network_ids[0],
                       cancer_type_rows=[], theme_rows=[])
    rows = []
    for i in range(counts["projects"]):
        topic = WORDS[i % len(WORDS)]
        project_svc._apply(template, project_svc.ProjectData(
            title=f"Projet {i} : {topic} après un cancer", teaser=f"Mieux vivre : {topic}.",
            research_status="running", region="clara", lab="Laboratoire", team="",
            cancer_types=["sein"], themes=["qualite-de-vie"],
            why=f"Le thème {topic} compte pour les patients.", what="Une étude.",
            change="Mieux vivre.", involvement="Des patientes relisent."))
        rows.append({column: getattr(template, column) for column in (
            "title", "title_sort", "teaser", "research_status", "region", "lab", "team",
            "why", "what", "change", "involvement", "search_text", "search_stems")}
            | {"owner_id": researchers[i % len(researchers)], "publication": "published",
               "network_id": network_ids[i % len(network_ids)],
               "published_at": now - timedelta(hours=i), "title": f"{prefix} {i} {topic}"})
    _bulk(Project, rows)
    project_ids = _ids(Project.id, Project.title.like(f"{prefix} %"))
    _bulk(ProjectCancerType, [{"project_id": p, "slug": "sein"} for p in project_ids])
    _bulk(ProjectTheme, [{"project_id": p, "slug": "qualite-de-vie"} for p in project_ids])

    # Calls, each with the default review form; applications; reviews.
    today = days.paris_day(now)
    calls = []
    for i in range(counts["calls"]):
        call = Call(network_id=network_ids[i % len(network_ids)], title=f"{prefix} appel {i}",
                    description="Appel de banc d’essai.",
                    opens_at=days.start_of_day(today - timedelta(days=60)),
                    application_deadline=days.end_of_day(today - timedelta(days=10)),
                    review_deadline=days.end_of_day(today + timedelta(days=12)),
                    response_deadline=days.end_of_day(today + timedelta(days=30)),
                    results_at=days.start_of_day(today + timedelta(days=45)),
                    published_at=now, form_frozen_at=now,
                    criteria=call_svc.default_criteria())
        db.session.add(call)
        calls.append(call)
    db.session.flush()
    per_call = max(1, counts["applications"] // len(calls))
    _bulk(Application, [{
        "call_id": call.id, "owner_id": researchers[(c * per_call + j) % len(researchers)],
        "title": f"{prefix} candidature {c}-{j}", "lay_summary": "Résumé simple.",
        "scientific_summary": "Méthode.", "involvement_plan": "Patients.",
        "budget_summary": "20 000 €.", "team": "Équipe", "status": "submitted",
        "submitted_at": now - timedelta(days=11)}
        for c, call in enumerate(calls) for j in range(per_call)])
    application_ids = _ids(Application.id, Application.title.like(f"{prefix} candidature %"))
    per_app = min(counts["reviews_per_application"], len(reviewers))
    _bulk(Assignment, [{"application_id": a, "reviewer_id": reviewers[(k * 7 + r) %
                                                                    len(reviewers)],
                        "status": "accepted", "assigned_at": now - timedelta(days=9)}
                       for k, a in enumerate(application_ids) for r in range(per_app)])
    assignment_ids = _ids(Assignment.id, Assignment.application_id.in_(
        select(Application.id).where(Application.title.like(f"{prefix} candidature %"))))
    _bulk(Review, [{"assignment_id": a, "status": "submitted", "submitted_at": now,
                    "created_at": now, "updated_at": now} for a in assignment_ids])
    criteria_of = {}
    for criterion in db.session.scalars(select(Criterion).where(
            Criterion.call_id.in_([c.id for c in calls]))):
        criteria_of.setdefault(criterion.call_id, []).append(criterion)
    answers = []
    for review_id, call_id in db.session.execute(
            select(Review.id, Application.call_id)
            .join(Assignment, Assignment.id == Review.assignment_id)
            .join(Application, Application.id == Assignment.application_id)
            .where(Review.assignment_id.in_(assignment_ids))):
        for criterion in criteria_of[call_id]:
            score = rng.randint(1, criterion.max_score) if criterion.is_scored else None
            answers.append({"review_id": review_id, "criterion_id": criterion.id,
                            "score": score, "comment": "Un avis." if score in (None, 1, 2)
                            else ""})
    _bulk(ReviewAnswer, answers)

    # Events and registrations (some evenings full, with a waiting list).
    n_events = counts["events"]
    _bulk(Event, [{
        "network_id": network_ids[i % len(network_ids)],
        "organiser_id": organisers[i % len(organisers)],
        "title": f"{prefix} soirée {i}",
        "theme": "progres", "starts_at": now + timedelta(days=i % 90 - 30, hours=18),
        "ends_at": now + timedelta(days=i % 90 - 30, hours=20), "capacity": 200,
        "format": "onsite", "venue_name": "Salle", "lock_version": 0, "published_at": now,
        **_town(i)} for i in range(n_events)])
    event_ids = _ids(Event.id, Event.title.like(f"{prefix} soirée %"))
    per_event = max(1, counts["registrations"] // len(event_ids))
    _bulk(Registration, [{
        "event_id": e, "name": f"Inscrit {k}", "email": f"{prefix}-{e}-{k}@exemple.fr",
        "seats": 1, "status": "confirmed" if k < 200 else "waiting", "created_at": now,
        "confirmed_at": now if k < 200 else None, "privacy_consent_at": now,
        "link_key": f"{e:x}{k:x}"} for e in event_ids for k in range(per_event)])
    # Questions on projects, half waiting for moderation; a long audit journal.
    _bulk(Question, [{
        "project_id": project_ids[i % len(project_ids)], "author_id": reviewers[i % len(
            reviewers)], "body": f"Question {i} : combien de temps dure l’étude ?",
        "created_at": now - timedelta(minutes=i),
        "moderation_state": "pending" if i % 2 else "published"}
        for i in range(counts["questions"])])
    _bulk(AuditEntry, [{
        "actor_id": user_ids[i % len(user_ids)], "action": "review.submitted",
        "object_type": "review", "object_id": i, "summary": "", "reason": "",
        "request_id": "", "created_at": now - timedelta(minutes=i)}
        for i in range(counts["journal"])])
    db.session.flush()
    return {"users": len(user_ids), "projects": len(project_ids), "calls": len(calls),
            "applications": len(application_ids), "reviews": len(assignment_ids),
            "events": len(event_ids), "registrations": per_event * len(event_ids),
            "questions": counts["questions"], "journal": counts["journal"]}
