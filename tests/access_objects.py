"""One of every kind of object a page can be about, in one network, for the access
matrices (``tests/functional/test_access_matrix.py``, every role on every route, and
``test_access_matrix_networks.py``, the same roles held in another network).

``build_objects()`` makes the first network's (CLARA's) with the accounts the matrix logs
in as (``<role>@exemple.fr``); ``build_objects(network, prefix="b.", mark="Bêta")`` makes
another network's with accounts ``b.<role>@exemple.fr`` whose network roles are held in
that network only, and titles that carry ``mark`` so that a page can be searched for
another network's objects. Returns the values of every URL argument.
"""

import io

from patientlab.calls.committee import AgendaItem, CommitteeSession
from patientlab.core.models import utcnow
from patientlab.core.security import Role
from patientlab.extensions import db
from patientlab.projects.models import PlainWord
from tests.factories import (
    FIRST_NETWORK,
    AssociationFactory,
    RoleRequestFactory,
    UserFactory,
    make_application,
    make_assignment,
    make_call,
    make_event,
    make_project,
)

ROLES = ["visitor", "citizen", Role.PATIENT_EXPERT, Role.ASSOCIATION_REP, Role.RESEARCHER,
         Role.ORGANISER, Role.MODERATOR, Role.COORDINATOR, Role.ADMIN]


def build_objects(network=None, *, prefix: str = "", mark: str = "",
                  national: bool = True) -> dict:
    """Every object of one network (``network``: the first one when None), its own
    glossary term and plain word among them. ``national``: also the platform's own objects
    (an association, a request to be recognised), made once per test."""
    from patientlab.calls import reviewing
    from patientlab.calls import services as call_svc
    from patientlab.events.models import Registration
    from patientlab.moderation.models import Revision
    from patientlab.projects import services as svc
    from patientlab.projects.models import GlossaryTerm, Milestone, ProjectResults

    network_id = network.id if network is not None else FIRST_NETWORK
    here = {"network": network} if network is not None else {}
    title = (lambda text: f"{text} {mark}") if mark else (lambda text: text)
    researcher = UserFactory(email=f"{prefix}researcher@exemple.fr", roles=[Role.RESEARCHER])
    project = make_project(researcher, falc_text="Une phrase simple.", network_id=network_id,
                           title=title("Bouger pendant la chimiothérapie"))
    question = svc.ask_question(UserFactory(), project, title("Une question ?"))
    question.moderation_state = "published"
    term = GlossaryTerm(term=title("cohorte"), slug=title("cohorte").lower().replace(" ", "-"),
                        definition="Un groupe.", network_id=network_id)
    plain = PlainWord(word=title("ancillaire"), alternatives="complémentaire",
                      network_id=network_id)
    db.session.add_all([term, plain])
    db.session.flush()
    found = {"term_id": term.id, "word_id": plain.id}
    if national:
        request = RoleRequestFactory()
        db.session.flush()
        found.update(request_id=request.id)
    organiser = UserFactory(email=f"{prefix}organiser@exemple.fr", roles=[Role.ORGANISER],
                            roles__network=network)
    event = make_event(organiser, network_id=network_id,
                       title=title("Parler du cancer en famille"))
    registration = Registration(event_id=event.id, name="Nadia", email="nadia@exemple.fr",
                                seats=1, status="confirmed", link_key="k")
    db.session.add(registration)
    users = {}
    for role in ROLES:
        if role not in ("visitor", Role.RESEARCHER, Role.ORGANISER):
            users[role] = UserFactory(email=f"{prefix}{role}@exemple.fr",
                                      roles=[] if role == "citizen" else [role], **{
                                          f"roles__{key}": value for key, value in here.items()})
    call = make_call(network_id=network_id, title=title("Oncostarter – Expérience patient"))
    application = make_application(researcher, call, title=title("Mieux dormir après un cancer"))
    call_svc.store_attachment(researcher, application, io.BytesIO(b"%PDF-1.4 test"), "p.pdf")
    assignment = make_assignment(application, users[Role.PATIENT_EXPERT])
    review = reviewing.save_review(users[Role.PATIENT_EXPERT], assignment, {})
    db.session.commit()
    if national:
        association = AssociationFactory()
        db.session.flush()
        found.update(association_id=association.id)
    application.decision = "funded"
    milestone = Milestone(project_id=project.id, label=title("Les inclusions commencent"),
                          planned_on=utcnow().date(), moderation_state="published")
    results = ProjectResults(project_id=project.id, found="<p>Oui.</p>",
                             moderation_state="published")
    db.session.add_all([milestone, results])
    db.session.flush()
    revision = Revision(kind="project_results", object_id=results.id, author_id=researcher.id,
                        values={"searched": "", "found": "Oui, et plus.", "means": "",
                                "next_steps": "", "falc_text": ""})
    db.session.add(revision)
    meeting = CommitteeSession(call_id=call.id, title=title("Comité"), meets_at=utcnow(),
                               items=[AgendaItem(application_id=application.id, position=1)])
    db.session.add(meeting)
    db.session.commit()
    return {**found, "fmt": "json", "section": "why", "reader_id": 1,
            "lang": "en", "session_id": meeting.id, "member_id": 1,
            "point_id": meeting.items[0].id,
            "milestone_id": milestone.id, "update_id": 1, "revision_id": revision.id,
            "kind": "question", "item_id": question.id, "user_id": question.author_id,
            "call_id": call.id, "application_id": application.id,
            "assignment_id": assignment.id, "review_id": review.id,
            "criterion_id": call.criteria[0].id, "project_id": project.id,
            "question_id": question.id, "token": "jeton-invalide", "filename": "css/x.css",
            "event_id": event.id, "registration_id": registration.id,
            "network": network.slug if network is not None else "clara",
            "network_id": network_id}
