"""Demo of the funding-to-results cycle: the closed call's funded project « Mieux dormir
après un cancer du sein » has its page, three milestones, two pieces of news, people who
follow it, a past evening where its results were told (with public slides), one to come,
and its published results."""

from datetime import timedelta

from sqlalchemy import select

from patientlab.auth.models import User
from patientlab.calls import api as calls
from patientlab.calls.models import Application, Decision
from patientlab.core import days, notifications
from patientlab.core.models import utcnow
from patientlab.core.sanitize import rich_text
from patientlab.cycle import services as cycle
from patientlab.cycle.models import EveningProject, ProjectFunding
from patientlab.events.models import Event
from patientlab.extensions import db
from patientlab.moderation.models import ModerationState
from patientlab.projects import followup
from patientlab.projects import services as projects
from patientlab.projects.models import (
    Milestone,
    Project,
    ProjectResults,
    ProjectUpdate,
    Publication,
    ResearchStatus,
)

FUNDED_TITLE = "Mieux dormir après un cancer du sein"
PAST_EVENING = "Mieux dormir après un cancer : ce que la recherche a trouvé"
NEXT_EVENING = "Bien manger et bouger pendant et après les traitements"
PUBLISHED = ModerationState.PUBLISHED


def seed_cycle(coordinator: User, people: dict[str, User]) -> int:
    application = db.session.scalar(select(Application).where(
        Application.title == FUNDED_TITLE, Application.decision.in_(
            (Decision.FUNDED, Decision.CONDITIONAL))))
    if application is None or cycle.project_of_application(application.id) is not None:
        return 0
    now = utcnow()
    today = days.paris_day(now)
    decided = application.decided_at or now - timedelta(days=150)
    ref = cycle.make_page(coordinator, calls.funding(application.id))
    project = db.session.get(Project, ref.id)
    projects.update_project(coordinator, project, projects.ProjectData(
        title=project.title,
        teaser="Des séances de groupe pour mieux dormir pendant et après les traitements.",
        research_status=ResearchStatus.RUNNING, region="clara",
        lab="Centre Léon Bérard, équipe Sommeil et cancer", team=project.team,
        cancer_types=["sein"], themes=["qualite-de-vie", "apres-cancer"],
        why="Beaucoup de femmes dorment mal pendant des mois après un cancer du sein. Le "
            "manque de sommeil rend la fatigue plus lourde et la vie de tous les jours plus "
            "difficile.",
        what=project.what,
        change="Si les séances aident, elles pourront être proposées dans les hôpitaux de la "
               "région, près de chez les patientes ou en visioconférence.",
        involvement="Deux patientes partenaires ont écrit le questionnaire avec l’équipe. Elles "
                    "choisissent les horaires des séances et sont dédommagées pour leur temps.",
        start_date=today - timedelta(days=140), end_date=today + timedelta(days=220)))
    project.publication = Publication.PUBLISHED
    project.published_at = decided + timedelta(days=12)
    db.session.get(ProjectFunding, project.id).reviewers_invited_at = project.published_at
    owner = project.owner_id

    def milestone(label, planned, reached):
        row = Milestone(project_id=project.id, author_id=owner, label=label,
                        planned_on=today + timedelta(days=planned),
                        reached_on=today + timedelta(days=reached) if reached is not None
                        else None, moderation_state=PUBLISHED,
                        created_at=decided + timedelta(days=15))
        db.session.add(row)
        return row

    started = milestone("Les premières patientes rejoignent l’étude", -130, -128)
    halfway = milestone("120 patientes sur 200 ont rejoint l’étude", -60, -55)
    milestone("Les résultats complets", 200, None)
    db.session.flush()
    for body, step, ago in (
            ("Les inclusions ont commencé : 12 patientes ont rejoint les premiers groupes, à "
             "Lyon et en visioconférence. Merci aux patientes partenaires qui ont choisi les "
             "horaires du soir.", started, 128),
            ("120 personnes sur 200 ont rejoint l’étude. Les premières patientes ont fini les "
             "6 séances : elles disent s’endormir plus vite. Les résultats seront présentés à "
             "une soirée « Parle-Moi ».", halfway, 55)):
        db.session.add(ProjectUpdate(project_id=project.id, author_id=owner, body=body,
                                     milestone_id=step.id, moderation_state=PUBLISHED,
                                     created_at=now - timedelta(days=ago),
                                     followers_told_at=now - timedelta(days=ago)))
    results_at = now - timedelta(days=10)
    db.session.add(ProjectResults(
        project_id=project.id, author_id=owner, moderation_state=PUBLISHED,
        # Written as the team types it in the edit box (blank line between paragraphs),
        # through the same cleaning as the form: never stored HTML the box would show.
        searched=rich_text("Nous voulions savoir si 6 séances de groupe, animées par une "
                           "infirmière, aident les femmes à mieux dormir après un cancer du "
                           "sein."),
        found=rich_text("Les 120 premières patientes dorment en moyenne 35 minutes de plus par "
                        "nuit après les séances. Elles se réveillent moins souvent.\n\nLes "
                        "séances en visioconférence marchent aussi bien que les séances sur "
                        "place."),
        means=rich_text("Des séances simples, près de chez soi ou à distance, peuvent aider. "
                        "Elles ne remplacent pas l’avis de votre médecin."),
        next_steps=rich_text("L’étude continue avec 80 patientes de plus. Les résultats "
                             "complets seront publiés l’an prochain."),
        falc_text="Beaucoup de femmes dorment mal après un cancer du sein.\nNous avons proposé "
                  "6 séances en groupe.\n\nAprès les séances, elles dorment mieux.\nElles "
                  "dorment 35 minutes de plus chaque nuit.",
        created_at=results_at, updated_at=results_at, first_published_at=results_at))
    events = {e.title: e for e in db.session.scalars(select(Event).where(
        Event.title.in_((PAST_EVENING, NEXT_EVENING))))}
    for position, title in enumerate((PAST_EVENING, NEXT_EVENING)):
        if title in events:
            db.session.add(EveningProject(
                event_id=events[title].id, project_id=project.id, position=position,
                added_by_id=coordinator.id, created_at=now - timedelta(days=60),
                results_told_at=results_at if title == PAST_EVENING else None))
    if PAST_EVENING in events:
        events[PAST_EVENING].materials_url = "https://video.exemple.fr/parle-moi/sommeil"
    for email in ("patient@exemple.fr", "association@exemple.fr", "sylvie.caron@exemple.fr"):
        if email in people:
            notifications.follow(people[email], followup.TOPIC, project.id)
    db.session.flush()
    return 1

