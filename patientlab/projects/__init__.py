"""Research projects, lay summaries, FALC versions, glossary, questions, clarity ratings."""


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from patientlab.core import (
        highlights,
        kept,
        navigation,
        notifications,
        pending,
        plain_language,
    )
    from patientlab.core.permissions import PUBLISHERS, RESEARCH

    from . import (
        falc,
        falc_views,  # noqa: F401 (its routes join the projects blueprint)
        followup,
        followup_views,  # noqa: F401 (its routes join the projects blueprint)
        models,
        news,
        privacy,
        search_index,
        services,
        writing,
    )
    from . import pending as projects_pending
    from .moderation import register_kinds
    from .routes import bp

    search_index.install()
    app.register_blueprint(bp)
    from patientlab.core import page_cache

    page_cache.register("projects.index", "projects.detail", "projects.falc",
                        "projects.results", "projects.glossary")
    privacy.register()
    news.register()
    followup.register()
    notifications.register_check("project_update", followup.visible_update)
    notifications.register_check("project_results", followup.visible_results)
    falc.register_settings()
    plain_language.register_vocabulary(writing.vocabulary)
    register_kinds()
    # Forms that post to an address of their own come back to the page that shows them
    # (what was typed is kept there when the token expired, and forgotten once sent).
    for endpoint, page in (("projects.publish", "projects.review"),
                           ("projects.send_back", "projects.review"),
                           ("projects.falc_new_panel", "projects.falc_panels"),
                           ("projects.falc_invite_reader", "projects.falc_panels")):
        kept.register_form_page(endpoint, page)
    app.jinja_env.globals.update(
        CANCER_TYPES=models.CANCER_TYPES, THEMES=models.THEMES, REGIONS=models.REGIONS,
        Publication=models.Publication, ResearchStatus=models.ResearchStatus)
    navigation.register(navigation.MenuEntry(20, "projects.index", _l("Projets de recherche")))
    highlights.register(highlights.Highlight(
        30, "derniers-projets", _l("Les derniers projets expliqués simplement"),
        services.latest_highlights, "projects.index", _l("Tous les projets"),
        _l("Aucun projet n’est encore publié.")))
    navigation.register(navigation.MenuEntry(100, "projects.mine", _l("Mes projets"),
                                             navigation.PERSONAL, RESEARCH))
    pending.register(pending.Source(30, "projets", _l("Mes projets"),
                                    projects_pending.team_tasks, RESEARCH))
    pending.register(pending.Source(55, "publication", _l("Résumés à publier"),
                                    projects_pending.publication_tasks, PUBLISHERS, shared=True))
