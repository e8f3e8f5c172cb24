import pytest

from patientlab import ConfigurationError, create_app

KEY = "Qm3v9ZsX1pL-7rTn0wYc_4kHdG8aEjUo2fBiVxNz5yRq"  # random-looking, 44 characters


@pytest.fixture(autouse=True)
def _one_process(monkeypatch):
    """These production apps run in this one process (rate limits in its memory), and
    leave the shared limiter as the other tests expect (each create_app turned it on and
    gave it its own storage: the next tests' forms got 429)."""
    from patientlab.extensions import limiter

    monkeypatch.setenv("PATIENTLAB_SINGLE_PROCESS", "1")
    before = dict(vars(limiter))
    yield
    vars(limiter).clear()
    vars(limiter).update(before)


def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch):
    monkeypatch.delenv("PATIENTLAB_SECRET_KEY", raising=False)
    monkeypatch.setenv("PATIENTLAB_DATABASE_URL", "postgresql+psycopg://x@localhost/x")
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app("production")
    monkeypatch.setenv("PATIENTLAB_SECRET_KEY", "dev-only-secret-change-me")
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app("production")


@pytest.mark.parametrize("secret", [
    "", "   ", "dev-only-secret-change-me", "DEV-ONLY-SECRET-CHANGE-ME-" + KEY, KEY[:31],
    "x" * 48, "changeme" * 6, "0123456789" * 4])
def test_production_refuses_a_development_missing_short_or_repetitive_secret(monkeypatch,
                                                                             secret):
    monkeypatch.setenv("PATIENTLAB_SECRET_KEY", secret)
    monkeypatch.setenv("PATIENTLAB_DATABASE_URL", "postgresql+psycopg://x@localhost/x")
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app("production")


@pytest.mark.parametrize("name", ["SECRET_KEY_FALLBACKS", "WTF_CSRF_SECRET_KEY"])
def test_production_refuses_a_development_key_among_the_other_keys(monkeypatch, name):
    monkeypatch.setenv("PATIENTLAB_SECRET_KEY", KEY)
    monkeypatch.setenv("PATIENTLAB_DATABASE_URL", "postgresql+psycopg://x@localhost/x")
    weak = '["dev-only-secret-change-me"]' if name == "SECRET_KEY_FALLBACKS" else "court"
    monkeypatch.setenv(f"PATIENTLAB_{name}", weak)
    with pytest.raises(ConfigurationError, match=name):
        create_app("production")


def test_gunicorn_lets_no_request_header_set_the_wsgi_environ():
    """config/gunicorn.conf.py as gunicorn reads it: no SCRIPT_NAME or PATH_INFO from a
    header (gunicorn's default takes them from a local proxy), X-Forwarded-Proto alone
    from a proxy on this machine, headers with an underscore dropped."""
    from pathlib import Path

    from gunicorn.config import Config

    config = Config()
    namespace: dict = {}
    path = Path(__file__).resolve().parents[2] / "config" / "gunicorn.conf.py"
    exec(compile(path.read_text(), str(path), "exec"), namespace)  # noqa: S102 - our file
    for name, value in namespace.items():
        if name in config.settings:
            config.set(name, value)
    assert config.forwarder_headers == []
    assert config.forwarded_allow_ips == ["127.0.0.1", "::1"]
    assert config.secure_scheme_headers == {"X-FORWARDED-PROTO": "https"}
    assert config.header_map == "drop"
    assert config.logger_class.__name__ == "AccessLogger"


def test_production_refuses_to_start_without_a_database_url(monkeypatch):
    monkeypatch.setenv("PATIENTLAB_SECRET_KEY", KEY)
    monkeypatch.delenv("PATIENTLAB_DATABASE_URL", raising=False)
    with pytest.raises(ConfigurationError, match="DATABASE_URL"):
        create_app("production")


def test_production_settings_are_secure(monkeypatch):
    monkeypatch.setenv("PATIENTLAB_SECRET_KEY", KEY)
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
    monkeypatch.setenv("PATIENTLAB_SECRET_KEY", KEY)
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


def test_production_refuses_rate_limits_counted_in_each_worker(monkeypatch):
    """memory:// (the default) counts in each gunicorn worker: with `make serve-prod`'s
    two workers every limit was doubled. Production refuses it unless it says it runs one
    process, and names the setting to use."""
    monkeypatch.setenv("PATIENTLAB_SECRET_KEY", KEY)
    monkeypatch.setenv("PATIENTLAB_DATABASE_URL", "postgresql+psycopg://x@localhost/x")
    monkeypatch.delenv("PATIENTLAB_SINGLE_PROCESS")
    monkeypatch.delenv("PATIENTLAB_RATELIMIT_STORAGE_URI", raising=False)
    with pytest.raises(ConfigurationError,
                       match=r"PATIENTLAB_RATELIMIT_STORAGE_URI=redis://.*PATIENTLAB_SINGLE_PROCESS=1"):
        create_app("production")
    monkeypatch.setenv("PATIENTLAB_RATELIMIT_STORAGE_URI", "memory://")
    with pytest.raises(ConfigurationError, match="memory://"):
        create_app("production")
    monkeypatch.setenv("PATIENTLAB_SINGLE_PROCESS", "1")
    assert create_app("production").config["RATELIMIT_STORAGE_URI"] == "memory://"
    monkeypatch.delenv("PATIENTLAB_SINGLE_PROCESS")
    monkeypatch.setenv("PATIENTLAB_RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    assert create_app("production").config["RATELIMIT_STORAGE_URI"].startswith("redis://")


def test_host_cookies_have_the_root_path_under_an_application_root(monkeypatch, tmp_path):
    """A « __Host- » cookie must have « Path=/ »: under APPLICATION_ROOT=/patientlab the
    session cookie had « Path=/patientlab », which browsers refuse: no session, no login,
    no form token under a path."""
    from http.cookies import SimpleCookie

    from patientlab.extensions import db

    monkeypatch.setenv("PATIENTLAB_SECRET_KEY", KEY)
    monkeypatch.setenv("PATIENTLAB_DATABASE_URL", f"sqlite:///{tmp_path}/root.sqlite3")
    monkeypatch.setenv("PATIENTLAB_PUBLIC_URL", "https://patientlab.example.org/patientlab")
    monkeypatch.setenv("PATIENTLAB_APPLICATION_ROOT", "/patientlab")
    monkeypatch.setenv("PATIENTLAB_INSTANCE_PATH", str(tmp_path))
    app = create_app("production")
    with app.app_context():
        db.create_all()
    try:
        answer = app.test_client().get("/patientlab/compte/connexion",
                                       base_url="https://patientlab.example.org")
        assert answer.status_code == 200
        cookies = [SimpleCookie(value) for value in answer.headers.getlist("Set-Cookie")]
        session = next(c["__Host-session"] for c in cookies if "__Host-session" in c)
        assert (session["path"], session["domain"], bool(session["secure"])) == ("/", "", True)
        assert 'action="/patientlab/compte/connexion"' in answer.get_data(as_text=True)
    finally:
        with app.app_context():
            db.engine.dispose()
