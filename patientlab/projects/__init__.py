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
    from patientlab.networks import context as network_context

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
        terms,
        writing,
    )
    from . import pending as projects_pending
    from .moderation import register_kinds
    from .routes import bp

    search_index.install()
    network_context.register_blueprint(app, bp)
    navigation.register_places(glossary="projects.glossary",
                               glossary_manage="projects.glossary_manage")
    from patientlab.core import page_cache

    _register_cached_pages(app, page_cache)
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
        Publication=models.Publication, ResearchStatus=models.ResearchStatus,
        keeps_vocabulary=terms.may_keep)
    navigation.register(navigation.MenuEntry(20, "projects.index", _l("Projets de recherche")))
    highlights.register(highlights.Highlight(
        30, "derniers-projets", _l("Les derniers projets expliqués simplement"),
        services.latest_highlights, "projects.index", _l("Tous les projets"),
        _l("Aucun projet n’est encore publié."), shows=("projects",)))
    navigation.register(navigation.MenuEntry(100, "projects.mine", _l("Mes projets"),
                                             navigation.PERSONAL, RESEARCH))
    pending.register(pending.Source(30, "projets", _l("Mes projets"),
                                    projects_pending.team_tasks, RESEARCH))
    pending.register(pending.Source(55, "publication", _l("Résumés à publier"),
                                    projects_pending.publication_tasks, PUBLISHERS, shared=True))


#: Tables whose rows belong to one project (their ``project_id``): a change shows on that
#: project's pages and in the lists of projects.
PROJECT_TABLES = ("project_cancer_type", "project_theme", "project_question",
                  "clarity_rating", "falc_reading", "project_milestone", "project_update",
                  "project_results")


def _register_cached_pages(app, page_cache) -> None:
    """What the projects' public pages show: the project (« project:<id> »), the evenings
    that present it (« events ») and the call that funded it (« calls »); the lists show
    « projects ». Other tables (the glossary, plain words, national or a network's…) are
    the global scope's."""
    def one_project(project_id):
        return (f"project:{project_id}", "events", "calls")

    page_cache.register(app, "projects.index", lambda: ("projects",))
    for endpoint in ("projects.detail", "projects.falc", "projects.results"):
        page_cache.register(app, endpoint, one_project)
    page_cache.register(app, "projects.glossary", lambda: ("projects",))
    page_cache.register_scopes(app, "project",
                               lambda project: (f"project:{project.id}", "projects"))
    for table in PROJECT_TABLES:
        page_cache.register_scopes(app, table,
                                   lambda row: (f"project:{row.project_id}", "projects"))
