"""Accounts: registration, login, verification, reset, profile, preferences, suspension."""


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from patientlab.core import navigation, notifications, pending, reminders
    from patientlab.core.permissions import COORDINATION

    from . import digests, gates, privacy
    from .pending import validation_tasks
    from .routes import bp

    app.register_blueprint(bp)
    gates.init_app(app)
    notifications.register_pages(settings="auth.notifications", unsubscribe="auth.unsubscribe")
    reminders.register("digests", digests.send_digests)
    app.jinja_env.filters["digest_text"] = digests.digest_text
    privacy.register()
    navigation.register(navigation.MenuEntry(900, "auth.profile", _l("Mon compte"),
                                             navigation.PERSONAL))
    pending.register(pending.Source(50, "validations", _l("Personnes à valider"),
                                    validation_tasks, COORDINATION, shared=True))
