"""Everything PatientLab holds about one person (GDPR art. 15 and 20), as data that a
program reads (JSON) and a page that a person reads (HTML)."""

from patientlab.core import audit, privacy
from patientlab.core.models import utcnow
from patientlab.core.privacy import when

from .models import User


def collect(user: User) -> dict:
    """A plain dict: the account, then one list per section every feature declared to
    core.privacy (dates in ISO 8601, UTC)."""
    return {
        "exported_at": when(utcnow()),
        "account": {
            "email": user.email, "name": user.name, "public_name": user.pseudonym,
            "association": user.association.name if user.association else None,
            "language": user.locale, "created_at": when(user.created_at),
            "email_verified_at": when(user.email_verified_at),
            "last_login_at": when(user.last_login_at), "roles": sorted(user.roles),
            "suspended_until": when(user.suspended_until),
            # Whether two-step login is on; the secret and the recovery codes stay here.
            "two_step_login_since": when(user.totp_enabled_at),
            "display_preferences": {
                "text_size": user.pref_text_size, "high_contrast": user.pref_high_contrast,
                "dyslexia_font": user.pref_dyslexia_font,
                "wide_spacing": user.pref_wide_spacing,
                "reduced_motion": user.pref_reduced_motion},
        },
        **privacy.export(user),
    }


def section_titles() -> dict[str, str]:
    """The heading of each exported section, for the readable copy."""
    return {section.name: str(section.title) for section in privacy.sections()
            if section.export is not None}


def record_export(user: User, fmt: str) -> None:
    audit.record(user, "account.data_exported", user, summary=fmt)
