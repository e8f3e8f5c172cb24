"""Moderation of what users write: states, decisions, queue."""


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from patientlab.core import navigation
    from patientlab.core.permissions import MODERATION

    from . import models, privacy, services
    from .routes import bp
    from .settings import register_settings

    app.register_blueprint(bp)
    privacy.register()
    register_settings()
    app.jinja_env.globals.update(
        ModerationState=models.ModerationState, REFUSAL_REASONS=models.REFUSAL_REASONS,
        REPORT_REASONS=models.REPORT_REASONS, AppealOutcome=models.AppealOutcome)
    navigation.register(navigation.MenuEntry(
        150, "moderation.index", _l("Modération"), navigation.PERSONAL, MODERATION,
        count=lambda: sum(services.counts().values())))
