"""The applicant's answers to the feedback, and the decision on the application."""


import json
from datetime import datetime

from flask_babel import lazy_gettext as _l

from patientlab.auth.models import User
from patientlab.core import audit
from patientlab.core.errors import ServiceError
from patientlab.core.models import utcnow
from patientlab.core.sanitize import plain_text
from patientlab.core.urls import external_url
from patientlab.extensions import db
from patientlab.networks.context import slug_of

from ..models import (
    Application,
    ApplicationStatus,
    Decision,
)
from ..services import ensure_may_coordinate
from .assignments import assignments_of
from .feedback import feedback_for
from .notices import tell
from .reviews import SUBMITTED_STATES

# --- The applicant's answer ----------------------------------------------------------------


def can_respond(application: Application, now: datetime) -> bool:
    return (application.feedback_released_at is not None
            and now < application.call.response_deadline)


def _may_respond(user: User, application: Application, now: datetime) -> None:
    if application.owner_id != user.id:
        raise PermissionError("owner only")
    if application.feedback_released_at is None:
        raise ServiceError(_l("Les avis ne sont pas encore transmis."))
    if now >= application.call.response_deadline:
        raise ServiceError(_l("La date limite des réponses est passée : votre réponse n’a pas "
                              "été enregistrée."))


def _response_texts(application: Application, general: str, per_comment: dict[int, str]):
    released = feedback_for(application)
    answers = {answer.id: answer for summary in released.criteria
               for _letter, answer in summary.comments}
    texts = {aid: plain_text(text, multiline=True) for aid, text in per_comment.items()
             if aid in answers}
    return released, answers, plain_text(general, multiline=True), texts


def save_response_draft(user: User, application: Application, general: str,
                        per_comment: dict[int, str], now: datetime | None = None) -> None:
    """Keep what the team is writing without sending it: the reviewers read nothing until
    « Envoyer ma réponse »; the page shows the draft again, even after a new login."""
    _may_respond(user, application, now or utcnow())
    _released, _answers, general, texts = _response_texts(application, general, per_comment)
    application.response_draft = json.dumps(
        {"general": general, "comments": {str(aid): text for aid, text in texts.items()}},
        ensure_ascii=False)


def respond(user: User, application: Application, general: str, per_comment: dict[int, str],
            now: datetime | None = None) -> None:
    """« Vous avez dit, nous avons fait »: saved and shared with the reviewers."""
    now = now or utcnow()
    _may_respond(user, application, now)
    released, answers, general, texts = _response_texts(application, general, per_comment)
    if not general and not any(texts.values()):
        raise ServiceError(_l("Écrivez au moins une réponse : à un commentaire ou à "
                              "l’ensemble des avis."), field="general")
    application.response_general = general
    application.response_draft = ""
    for aid, text in texts.items():
        answers[aid].response = text
    first = application.response_sent_at is None
    application.response_sent_at = now
    db.session.flush()
    audit.record(user, "application.answered" if first else "application.answer_updated",
                 application)
    for _letter, review in released.reviews:
        assignment = review.assignment
        tell(assignment.reviewer, _l("Le porteur du projet a répondu aux avis des patients"),
              "applicant_answered", kind="feedback", about=f"assignment:{assignment.id}",
              application=application, first=first,
              url=external_url("reviews.detail", assignment_id=assignment.id,
                               _anchor="reponse-porteur",
                               network=slug_of(application.call.network_id)))


# --- Decision ----------------------------------------------------------------------------------


def record_decision(actor: User, application: Application, decision: str, rationale: str,
                    now: datetime | None = None) -> None:
    ensure_may_coordinate(actor, application)
    now = now or utcnow()
    if decision not in Decision.LABELS:
        raise ServiceError(_l("Choisissez la décision du comité."), field="decision")
    rationale = plain_text(rationale, multiline=True)
    if not rationale:
        raise ServiceError(_l("Expliquez la décision en quelques phrases : elle sera lue par "
                              "le porteur et par les relecteurs."), field="rationale")
    if application.status != ApplicationStatus.SUBMITTED:
        raise ServiceError(_l("Seule une candidature déposée peut recevoir une décision."))
    before = application.decision
    application.decision = decision
    application.decision_rationale = rationale
    application.decided_at = now
    application.decided_by_id = actor.id
    db.session.flush()
    audit.record(actor, "application.decided", application,
                 summary=f"{before or '-'} → {decision}", reason=rationale)
    if application.owner is not None:
        tell(application.owner, _l("Décision du comité sur votre candidature"),
              "decision_applicant", application=application,
              decision=Decision.LABELS[decision],
              url=external_url("applications.detail", application_id=application.id,
                               network=slug_of(application.call.network_id)))
    for assignment in assignments_of(application):
        if assignment.review is not None and assignment.review.status in SUBMITTED_STATES:
            tell(assignment.reviewer, _l("Décision du comité sur un projet que vous avez relu"),
                  "decision_reviewer", kind="feedback", about=f"assignment:{assignment.id}",
                  application=application,
                  decision=Decision.LABELS[decision],
                  url=external_url("reviews.detail", assignment_id=assignment.id,
                               _anchor="reponse-porteur",
                               network=slug_of(application.call.network_id)))
