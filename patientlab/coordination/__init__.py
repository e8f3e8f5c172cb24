"""Coordinators' space: validations of patient experts and association representatives."""


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from patientlab.core import navigation, notifications
    from patientlab.core.permissions import COORDINATION
    from patientlab.networks import context as network_context

    from .routes import bp

    network_context.register_blueprint(app, bp)
    navigation.register_places(coordination="coordination.index",
                               participation="coordination.participation",
                               validations="coordination.validations")
    notifications.register_kind(notifications.Kind(
        "coordination", _l("Travail de la coordination : projets à publier, conflits "
                           "d’intérêts déclarés"), order=50, roles=COORDINATION))
    navigation.register(navigation.MenuEntry(130, "coordination.index", _l("Coordination"),
                                             navigation.PERSONAL, COORDINATION))
