"""« Expérience patient » calls: calls, applications, patient review, feedback, decisions."""


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from patientlab.core import first_steps, highlights, kept, navigation, pending, reminders
    from patientlab.core.days import last_day
    from patientlab.core.permissions import COORDINATION, RESEARCH, REVIEWERS
    from patientlab.networks import context as network_context

    from . import models, privacy, reviewing, services
    from . import pending as calls_pending
    from .views.applicant import UPLOAD_ENDPOINTS, applications
    from .views.committee import bp as committee_bp
    from .views.coordination import bp as call_admin_bp
    from .views.public import bp
    from .views.reviewer import bp as reviews_bp

    for blueprint in (bp, applications, reviews_bp, call_admin_bp, committee_bp):
        network_context.register_blueprint(app, blueprint)
    from patientlab.core import page_cache

    _register_cached_pages(app, page_cache)
    page_cache.register_private_tables(app, "review_answer", "review_rating", "committee_score",
                                       "committee_member", "committee_item",
                                       "committee_session")
    privacy.register()
    reviewing.notices.register_kinds()
    reminders.register("review", reviewing.send_review_reminders)
    app.config.setdefault("UPLOAD_ENDPOINTS", set()).update(UPLOAD_ENDPOINTS)
    app.jinja_env.filters["last_day"] = last_day
    app.jinja_env.globals.update(
        CallState=models.CallState, ApplicationStatus=models.ApplicationStatus,
        AssignmentStatus=models.AssignmentStatus, ReviewStatus=models.ReviewStatus,
        Decision=models.Decision, CriterionKind=models.CriterionKind,
        Visibility=models.Visibility, COI_REASONS=models.COI_REASONS)
    navigation.register(navigation.MenuEntry(40, "calls.index", _l("Appels à projets")))
    highlights.register(highlights.Highlight(
        20, "appels-ouverts", _l("Les appels « Expérience patient » en cours"),
        services.current_highlights, "calls.index", _l("Tous les appels"),
        _l("Aucun appel n’est ouvert en ce moment. Les appels passés et leurs résultats "
           "restent à lire."), shows=("calls",)))
    first_steps.register(first_steps.Step(
        10, "comment-relire", _l("Comment une relecture vous arrive"),
        _l("Quand un projet déposé à un appel correspond à votre expérience, la coordination "
           "vous le propose par e-mail. Vous dites d’abord si vous avez un lien avec l’équipe, "
           "puis vous lisez le projet et donnez votre avis avant la date limite, en plusieurs "
           "fois si vous le souhaitez. Si vous ne pouvez pas, dites-le simplement à la "
           "coordination."),
        "reviews.index", _l("Mes relectures")))
    first_steps.register(first_steps.Step(
        20, "guide-relecture", _l("Lire le guide de la relecture"),
        _l("Ce qu’on attend de votre avis, avec des exemples, en une page."),
        "reviews.guide", _l("Comment écrire une relecture qui aide l’équipe")))
    first_steps.register(first_steps.Step(
        30, "appels-en-cours", _l("Découvrir les appels en cours"),
        _l("Les projets que l’on vous proposera de relire sont déposés à ces appels."),
        "calls.index", _l("Tous les appels"), highlight="appels-ouverts"))
    navigation.register(navigation.MenuEntry(110, "applications.mine", _l("Mes candidatures"),
                                             navigation.PERSONAL, RESEARCH))
    navigation.register(navigation.MenuEntry(120, "reviews.index", _l("Mes relectures"),
                                             navigation.PERSONAL, REVIEWERS))
    pending.register(pending.Source(10, "relectures", _l("Mes relectures"),
                                    calls_pending.reviewer_tasks, REVIEWERS))
    pending.register(pending.Source(20, "candidatures", _l("Mes candidatures"),
                                    calls_pending.applicant_tasks, RESEARCH))
    pending.register(pending.Source(60, "appels", _l("Les appels à projets"),
                                    calls_pending.coordination_tasks, COORDINATION,
                                    shared=True))
    kept.register_form_page("applications.respond", "applications.detail")
    # Forms that post to an address of their own come back to the page that shows them
    # (what was typed is kept there when the token expired, and forgotten once sent).
    for endpoint, page in (("call_admin.edit_comments", "call_admin.review"),
                           ("call_admin.ask_rephrase", "call_admin.review"),
                           ("committee.add_member", "committee.session"),
                           ("committee.preliminary_score", "committee.item"),
                           ("committee.final_score", "committee.item"),
                           ("committee.notes", "committee.item"),
                           ("committee.recommend", "committee.item")):
        kept.register_form_page(endpoint, page)
    navigation.register(navigation.MenuEntry(125, "committee.index", _l("Comités"),
                                             navigation.PERSONAL, (*REVIEWERS, *COORDINATION)))
    pending.register(pending.Source(15, "comite", _l("Le comité de sélection"),
                                    calls_pending.committee_tasks))


def _register_cached_pages(app, page_cache) -> None:
    """What the calls' public pages show: the call (« call:<id> »: its criteria, its
    applications and decisions), the projects its results link to; the lists and the
    projects' funding lines show « calls »."""
    page_cache.register(app, "calls.index", lambda: ("calls",))
    page_cache.register(app, "calls.detail", lambda call_id: (f"call:{call_id}",))
    page_cache.register(app, "calls.results",
                        lambda call_id: (f"call:{call_id}", "projects"))
    page_cache.register_scopes(app, "call", lambda call: (f"call:{call.id}", "calls"))
    for table in ("call_criterion", "call_application"):
        page_cache.register_scopes(app, table, lambda row: (f"call:{row.call_id}", "calls"))
