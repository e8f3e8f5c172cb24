"""Members' public pages: who someone is on the platform, and their moderated presentation."""


def init_app(app) -> None:
    from flask import url_for

    from patientlab.auth import presentation
    from patientlab.core import people

    from . import privacy, services
    from .moderation import register_kinds
    from .routes import bp

    app.register_blueprint(bp)
    privacy.register()
    register_kinds()
    presentation.register(presentation.PresentationProvider(services.bio_of, services.set_bio))
    people.register_person_page(lambda user_id: url_for("members.profile", user_id=user_id))
