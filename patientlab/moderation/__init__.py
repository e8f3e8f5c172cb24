"""Moderation of what users write: states, decisions, queue."""


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from patientlab.core import navigation, pending
    from patientlab.core.permissions import MODERATION
    from patientlab.networks import context as network_context

    from . import models, privacy, services
    from .pending import moderation_tasks
    from .routes import bp
    from .settings import register_settings

    network_context.register_blueprint(app, bp)
    navigation.register_places(appeal_suspension="moderation.appeal_suspension")
    privacy.register()
    register_settings()
    app.jinja_env.globals.update(
        ModerationState=models.ModerationState, REFUSAL_REASONS=models.REFUSAL_REASONS,
        REPORT_REASONS=models.REPORT_REASONS, AppealOutcome=models.AppealOutcome)
    navigation.register(navigation.MenuEntry(
        150, "moderation.index", _l("Modération"), navigation.PERSONAL, MODERATION,
        count=lambda: sum(services.counts().values())))
    pending.register(pending.Source(70, "moderation", _l("Modération"), moderation_tasks,
                                    MODERATION))
