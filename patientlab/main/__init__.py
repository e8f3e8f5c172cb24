"""Public pages: home, accessibility statement, privacy notice, charter, health check."""


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from patientlab.core import navigation

    from .routes import bp

    app.register_blueprint(bp)
    from patientlab.core import page_cache

    page_cache.register("main.home", "main.accessibility", "main.charter", "main.privacy")
    navigation.register(navigation.MenuEntry(10, "main.home", _l("Accueil")))
    navigation.register(navigation.MenuEntry(90, "main.my_space", _l("Mon espace"),
                                             navigation.PERSONAL))
