"""Administration: accounts and roles, associations, settings, charter versions, journal."""


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from patientlab.core import navigation, notifications, privacy
    from patientlab.core.permissions import ADMINISTRATION

    from . import services as svc
    from .routes import bp

    app.register_blueprint(bp)
    notifications.register_kind(notifications.Kind(
        svc.NEWS, _l("Nouvelles de la plateforme"),
        _l("Quelques messages par an de l’équipe : nouveautés, appels, rencontres."),
        default=notifications.WEEKLY, order=900))
    privacy.keep("platform_setting.updated_by_id", "who changed a setting: kept")
    navigation.register(navigation.MenuEntry(160, "admin.index", _l("Administration"),
                                             navigation.PERSONAL, ADMINISTRATION))
