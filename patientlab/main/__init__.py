"""Public pages: home, accessibility statement, privacy notice, charter, health check."""


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from patientlab.core import navigation

    from . import networks  # noqa: F401 (its routes join bp)
    from .routes import bp

    app.register_blueprint(bp)
    from patientlab.core import highlights, page_cache

    # The home page shows the features' highlights; the other pages, the global scope.
    page_cache.register(app, "main.home", highlights.scopes)
    for endpoint in ("main.accessibility", "main.charter", "main.privacy", "main.networks",
                     "main.network_privacy", "main.network_legal"):
        page_cache.register(app, endpoint)
    # A network's home page shows its own highlights (limited to it): the same scopes.
    page_cache.register(app, "main.network_home", highlights.scopes)
    navigation.register_places(
        home="main.home", my_space="main.my_space", accessibility="main.accessibility",
        privacy="main.privacy", charter="main.charter", set_language="main.set_language",
        choose_language="main.choose_language", networks="main.networks",
        network="main.network_home")
    navigation.register(navigation.MenuEntry(10, "main.home", _l("Accueil")))
    navigation.register(navigation.MenuEntry(90, "main.my_space", _l("Mon espace"),
                                             navigation.PERSONAL))
