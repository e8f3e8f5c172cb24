"""Jinja filters and globals used by every template."""

from flask import request
from flask_babel import get_locale
from flask_login import current_user

from patientlab.core.i18n import (
    LANGUAGE_NAMES,
    date_long,
    datetime_long,
    datetime_short,
    decimal,
    time_short,
)
from patientlab.core.sanitize import render_rich_text
from patientlab.core.security import Role, role_label


def register_template_helpers(app) -> None:
    app.jinja_env.filters["date_long"] = date_long
    app.jinja_env.filters["datetime_long"] = datetime_long
    app.jinja_env.filters["datetime_short"] = datetime_short
    app.jinja_env.filters["role_label"] = role_label
    app.jinja_env.filters["time_short"] = time_short
    app.jinja_env.filters["rich"] = render_rich_text
    app.jinja_env.filters["decimal"] = decimal
    from patientlab.events.models import EVENT_THEMES, EventFormat

    app.jinja_env.globals.update(EVENT_THEMES=EVENT_THEMES, EventFormat=EventFormat)
    app.jinja_env.globals["Role"] = Role
    from patientlab.moderation.models import (
        REFUSAL_REASONS,
        REPORT_REASONS,
        AppealOutcome,
        ModerationState,
    )
    from patientlab.projects.models import (
        CANCER_TYPES,
        REGIONS,
        THEMES,
        Publication,
        ResearchStatus,
    )

    app.jinja_env.globals.update(
        CANCER_TYPES=CANCER_TYPES, THEMES=THEMES, REGIONS=REGIONS, Publication=Publication,
        ResearchStatus=ResearchStatus, ModerationState=ModerationState,
        REFUSAL_REASONS=REFUSAL_REASONS, REPORT_REASONS=REPORT_REASONS,
        AppealOutcome=AppealOutcome)
    from patientlab.calls.models import (
        COI_REASONS,
        ApplicationStatus,
        AssignmentStatus,
        CallState,
        CriterionKind,
        Decision,
        ReviewStatus,
        Visibility,
    )
    from patientlab.core.days import last_day

    app.jinja_env.filters["last_day"] = last_day
    app.jinja_env.globals.update(
        CallState=CallState, ApplicationStatus=ApplicationStatus,
        AssignmentStatus=AssignmentStatus, ReviewStatus=ReviewStatus, Decision=Decision,
        CriterionKind=CriterionKind, Visibility=Visibility, COI_REASONS=COI_REASONS)
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _inject():
        locale = str(get_locale())
        user = current_user if current_user and current_user.is_authenticated else None
        return {
            "html_lang": locale,
            "other_languages": [code for code in app.config["LANGUAGES"] if code != locale],
            "current_path": request.path if request else "/",
            "is_coordinator": bool(user and user.has_any_role((Role.COORDINATOR, Role.ADMIN))),
            "is_moderator": bool(user and user.has_any_role((Role.MODERATOR, Role.ADMIN))),
            "moderation_waiting": _moderation_waiting,
            "is_organiser": bool(user and user.has_any_role((Role.ORGANISER, Role.ADMIN))),
            "is_reviewer": bool(user and user.has_any_role((*Role.REVIEWERS, Role.ADMIN))),
            "is_researcher": bool(user and user.has_any_role(
                (Role.RESEARCHER, Role.COORDINATOR, Role.ADMIN))),
        }


def _moderation_waiting() -> int:
    """Items waiting for a moderator (pending, reported, appealed), for the navigation."""
    from patientlab.moderation.services import counts

    return sum(counts().values())
