"""Page cache poisoned through the application root, under the real server.

gunicorn run with ``config/gunicorn.conf.py`` on a loopback port (the proxy's place: a
request from 127.0.0.1 is one gunicorn trusts). By default gunicorn lets such a request's
``SCRIPT_NAME`` header set the WSGI root; with our settings no header reaches the
environ, and the application takes its root from configuration anyway. The hostile
requests, sent twice, leave the next visitors' pages clean."""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from patientlab import create_app
from patientlab.extensions import db
from tests.factories import ensure_first_network, make_event

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = "attacker.example"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def _own_database(tmp_path):
    """A database of its own: on PostgreSQL a new one beside the browser tests' (whose
    tables the session's live app keeps), else a SQLite file."""
    shared = os.environ.get("PATIENTLAB_TEST_BROWSER_DATABASE_URL")
    if not shared:
        yield f"sqlite:///{tmp_path / 'root.sqlite3'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(shared)
    name = f"patientlab_root_{os.getpid()}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def served(tmp_path):
    with _own_database(tmp_path) as database:
        yield from _serve(tmp_path, database)


def _serve(tmp_path, database):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database})
    with app.app_context():
        db.drop_all()
        db.create_all()
        ensure_first_network()
        event = make_event(capacity=20)
        db.session.commit()
        event_id = event.id
        db.session.remove()
        db.engine.dispose()
    port = _free_port()
    env = {**os.environ, "PATIENTLAB_ENV": "testing", "PATIENTLAB_DATABASE_URL": database,
           "PATIENTLAB_INSTANCE_PATH": str(tmp_path)}
    env.pop("FORWARDED_ALLOW_IPS", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "--workers", "1",
         "--bind", f"127.0.0.1:{port}", "--access-logfile", os.devnull, "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if _get(port, "/healthz")[0] == 200:
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("gunicorn did not start")
                time.sleep(0.1)
        yield port, event_id
    finally:
        process.terminate()
        process.wait(timeout=20)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _get(port: int, path: str, headers: dict | None = None) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        answer = connection.getresponse()
        return answer.status, answer.read().decode("utf-8", "replace")
    finally:
        connection.close()


def test_the_real_server_never_takes_the_root_from_a_header(served):
    port, event_id = served
    page = f"/clara/evenements/{event_id}"
    hostile = {"SCRIPT_NAME": f"//{HOSTILE}", "X-Forwarded-Prefix": f"//{HOSTILE}",
               "X-Forwarded-Host": HOSTILE}
    for path in (f"//{HOSTILE}{page}", page):
        for _twice in range(2):
            status, body = _get(port, path, hostile)
            assert status < 500
            for link in re.findall(r'(?:href|action|src)="([^"]*)"', body):
                assert not link.startswith("//"), link
    for _visitor in range(4):
        status, body = _get(port, page)
        assert status == 200
        assert HOSTILE not in body
        assert f'action="/clara/evenements/{event_id}/inscription"' in body
