"""The platform settings moderation owns (changed by admins in /admin/reglages)."""

from flask_babel import lazy_gettext as _l

from patientlab.core.settings import Definition, register


def register_settings() -> None:
    register("MODERATION_REPORTS_TO_HIDE", Definition(
        _l("Signalements qui masquent un contenu"),
        _l("Nombre de personnes différentes qui doivent signaler un contenu publié pour qu’il "
           "soit masqué en attendant l’équipe de modération."), 1, 50))
    register("MODERATION_REPORTER_MIN_DAYS", Definition(
        _l("Ancienneté des comptes dont les signalements comptent (jours)"),
        _l("Seuls les comptes à l’adresse confirmée et créés depuis au moins ce nombre de "
           "jours comptent pour masquer un contenu. Les autres signalements sont gardés pour "
           "les modérateurs."), 0, 365))
    register("MODERATION_TRUST_AFTER", Definition(
        _l("Contributions publiées avant la confiance"),
        _l("Après ce nombre de contributions publiées par l’équipe de modération, une personne est "
           "publiée tout de suite puis relue. 0 : jamais de confiance automatique."), 0, 100))
