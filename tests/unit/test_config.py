import pytest

from patientlab import ConfigurationError, create_app


def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch):
    monkeypatch.delenv("PATIENTLAB_SECRET_KEY", raising=False)
    monkeypatch.setenv("PATIENTLAB_DATABASE_URL", "postgresql+psycopg://x@localhost/x")
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app("production")
    monkeypatch.setenv("PATIENTLAB_SECRET_KEY", "dev-only-secret-change-me")
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app("production")


def test_production_refuses_to_start_without_a_database_url(monkeypatch):
    monkeypatch.setenv("PATIENTLAB_SECRET_KEY", "x" * 48)
    monkeypatch.delenv("PATIENTLAB_DATABASE_URL", raising=False)
    with pytest.raises(ConfigurationError, match="DATABASE_URL"):
        create_app("production")


def test_production_settings_are_secure(monkeypatch):
    monkeypatch.setenv("PATIENTLAB_SECRET_KEY", "x" * 48)
    monkeypatch.setenv("PATIENTLAB_DATABASE_URL", "postgresql+psycopg://x@localhost/x")
    app = create_app("production")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://x@localhost/x"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert app.config["HSTS"] is True


def test_environment_variables_override_settings(monkeypatch):
    monkeypatch.setenv("PATIENTLAB_MAIL_SMTP_PORT", "2525")
    app = create_app("testing")
    assert app.config["MAIL_SMTP_PORT"] == 2525


def test_unknown_environment_is_refused():
    with pytest.raises(ConfigurationError):
        create_app("staging")


def test_production_answers_only_for_the_host_of_its_public_url(monkeypatch):
    monkeypatch.setenv("PATIENTLAB_SECRET_KEY", "x" * 48)
    monkeypatch.setenv("PATIENTLAB_DATABASE_URL", "sqlite://")
    monkeypatch.setenv("PATIENTLAB_PUBLIC_URL", "https://patientlab.example.org")
    app = create_app("production")
    assert app.config["TRUSTED_HOSTS"] == ["patientlab.example.org"]
    client = app.test_client()
    assert client.get("/healthz", headers={"Host": "attacker.example"}).status_code == 400
    assert client.get("/healthz", base_url="https://patientlab.example.org").status_code != 400
    with app.app_context():
        from patientlab.extensions import db

        db.engine.dispose()
