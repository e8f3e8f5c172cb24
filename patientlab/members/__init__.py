"""Members' public pages: who someone is on the platform, and their moderated presentation."""


def init_app(app) -> None:
    from .moderation import register_kinds
    from .routes import bp

    app.register_blueprint(bp)
    register_kinds()
