"""Coordinators' space: validations of patient experts and association representatives."""


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from patientlab.core import navigation
    from patientlab.core.permissions import COORDINATION

    from .routes import bp

    app.register_blueprint(bp)
    navigation.register(navigation.MenuEntry(130, "coordination.index", _l("Coordination"),
                                             navigation.PERSONAL, COORDINATION))
