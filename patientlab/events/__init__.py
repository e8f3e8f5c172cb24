"""« Parle-Moi » public evenings: events, registrations, waiting list, check-in."""


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from patientlab.auth.signals import address_confirmed
    from patientlab.core import first_steps, highlights, navigation, pending, reminders
    from patientlab.core.permissions import EVENT_MANAGERS
    from patientlab.networks import context as network_context

    from . import news, privacy
    from . import pending as events_pending
    from .cli import events as events_cli
    from .models import EVENT_THEMES, EventFormat
    from .services import after_evening, listing, registration
    from .views import agenda as national_agenda
    from .views import door, registrations  # noqa: F401 (their routes join org)
    from .views.organiser import org
    from .views.public import bp

    network_context.register_blueprint(app, bp)
    # The national agenda: every network's evenings, at an address without a network.
    app.register_blueprint(national_agenda.bp)
    from patientlab.core import page_cache

    _register_cached_pages(app, page_cache)
    privacy.register()
    news.register()
    network_context.register_blueprint(app, org)
    address_confirmed.connect(registration.claim_guest_registrations)
    reminders.register("event", registration.send_reminders)
    reminders.register("event_satisfaction", after_evening.send_satisfaction_requests)
    app.cli.add_command(events_cli)
    app.jinja_env.globals.update(EVENT_THEMES=EVENT_THEMES, EventFormat=EventFormat)
    # A network's own evenings on its pages; the agenda of every network elsewhere.
    navigation.register(navigation.MenuEntry(30, "events.index", _l("Soirées Parle-Moi"),
                                             network_only=True))
    navigation.register(navigation.MenuEntry(35, "agenda.index", _l("Agenda")))
    highlights.register(highlights.Highlight(
        10, "prochaines-soirees", _l("Les prochaines soirées « Parle-Moi »"),
        listing.coming_highlights, "agenda.index", _l("Toutes les soirées"),
        _l("Aucune soirée n’est annoncée pour le moment. Les soirées passées restent à "
           "découvrir."), shows=("events", "agenda")))
    first_steps.register(first_steps.Step(
        40, "prochaines-soirees-etape", _l("Venir à une soirée « Parle-Moi »"),
        _l("Vous y rencontrez des chercheuses, des chercheurs et d’autres patientes et "
           "patients experts. C’est gratuit et ouvert à toutes et à tous."),
        "agenda.index", _l("Toutes les soirées"), highlight="prochaines-soirees"))
    navigation.register(navigation.MenuEntry(140, "organisation.events", _l("Mes soirées"),
                                             navigation.PERSONAL, EVENT_MANAGERS))
    pending.register(pending.Source(40, "soirees", _l("Mes soirées à préparer"),
                                    events_pending.organiser_tasks, EVENT_MANAGERS))
    pending.register(pending.Source(100, "mes-inscriptions", _l("Mes inscriptions"),
                                    events_pending.my_registrations, agenda=True))


def _register_cached_pages(app, page_cache) -> None:
    """What the evenings' public pages show, and which of them a change touches: an
    evening's own page, the agenda (« agenda »: the lists that show seats left) and the
    evenings as other pages name them (« events »: a project's page, without seats). A
    registration changes its evening's page and the agenda, nothing else."""
    page_cache.register(app, "events.index", lambda: ("events", "agenda"))
    page_cache.register(app, "agenda.index", lambda: ("events", "agenda"))
    page_cache.register(app, "events.detail",
                        lambda event_id: (f"event:{event_id}", "projects"))
    page_cache.register(app, "events.register", lambda event_id: (f"event:{event_id}",))
    page_cache.register_scopes(app, "event", lambda event: (f"event:{event.id}", "events",
                                                            "agenda"))
    page_cache.register_scopes(app, "event_registration",
                               lambda registration: (f"event:{registration.event_id}",
                                                     "agenda"))
    # Taking a seat locks the evening's row by counting a change (lock_version): that
    # alone shows nowhere.
    page_cache.register_private_columns(app, "event", "lock_version")
    page_cache.register_private_tables(app, "event_satisfaction",
                                       "event_satisfaction_receipt", "event_companion")
