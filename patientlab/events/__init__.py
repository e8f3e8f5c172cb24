"""« Parle-Moi » public evenings: events, registrations, waiting list, check-in."""


def init_app(app) -> None:
    from patientlab.auth.signals import address_confirmed

    from . import services
    from .routes import bp, org

    app.register_blueprint(bp)
    app.register_blueprint(org)
    address_confirmed.connect(services.claim_guest_registrations)
