"""Accounts: registration, login, verification, reset, profile, preferences, suspension."""


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from patientlab.core import navigation, notifications, page_cache, pending, reminders
    from patientlab.core.permissions import COORDINATION

    # What an account's change shows publicly: its name, pseudonym, association, whether
    # it still exists. Logging in, passwords, settings and the rest do not.
    page_cache.register_private_columns(
        app, "user", "email", "password_hash", "created_at", "email_verified_at",
        "last_login_at", "locale", "session_token", "inactivity_warned_at", "trusted_at",
        "totp_secret", "totp_enabled_at", "totp_last_step", "pref_text_size",
        "pref_high_contrast", "pref_dyslexia_font", "pref_wide_spacing",
        "pref_reduced_motion")
    page_cache.register_key_part(app, _display_preferences)

    from . import digests, gates, privacy
    from .pending import validation_tasks
    from .routes import bp

    app.register_blueprint(bp)
    navigation.register_places(
        login="auth.login", logout="auth.logout", profile="auth.profile",
        preferences="auth.preferences", resend_verification="auth.resend_verification",
        extend_session="auth.extend_session")
    gates.init_app(app)
    notifications.register_pages(settings="auth.notifications", unsubscribe="auth.unsubscribe")
    reminders.register("digests", digests.send_digests)
    app.jinja_env.filters["digest_text"] = digests.digest_text
    privacy.register()
    navigation.register(navigation.MenuEntry(900, "auth.profile", _l("Mon compte"),
                                             navigation.PERSONAL))
    pending.register(pending.Source(50, "validations", _l("Personnes à valider"),
                                    validation_tasks, COORDINATION, shared=True))


def _display_preferences() -> str:
    """A visitor's display preferences (their cookie), for the page cache's key."""
    from flask import request

    from .preferences import PREFS_COOKIE, Preferences

    return Preferences.from_cookie(request.cookies.get(PREFS_COOKIE)).to_cookie()

