"""Administration: accounts and roles, associations, settings, charter versions, journal."""


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from patientlab.core import navigation, privacy
    from patientlab.core.permissions import ADMINISTRATION

    from .routes import bp

    app.register_blueprint(bp)
    privacy.keep("platform_setting.updated_by_id", "who changed a setting: kept")
    navigation.register(navigation.MenuEntry(160, "admin.index", _l("Administration"),
                                             navigation.PERSONAL, ADMINISTRATION))
