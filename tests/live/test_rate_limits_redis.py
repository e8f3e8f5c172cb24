"""Rate limits hold across gunicorn workers when their counters live in a real Redis.

A real redis-server (Debian's package, installed by `make test`) and a real gunicorn
with two workers, on loopback ports of their own. With memory:// each worker would count
on its own and let up to twice the limit through; with Redis exactly the limit passes.
"""

import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from patientlab import create_app
from patientlab.extensions import db
from tests.factories import ensure_first_network

LIMIT = 5
ATTEMPTS = 16
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(check, what, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.1)
    pytest.fail(f"{what} did not start")


@pytest.fixture
def redis_url(tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is missing: `make test` installs Debian's redis-server")
    port = _free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import redis

        client = redis.Redis(host="127.0.0.1", port=port)
        _wait_for(client.ping, "redis-server")
        client.close()
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def gunicorn_url(tmp_path, redis_url):
    database = os.environ.get("PATIENTLAB_TEST_BROWSER_DATABASE_URL") or (
        f"sqlite:///{tmp_path / 'limits.sqlite3'}")
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database})
    with app.app_context():
        db.create_all()
        ensure_first_network()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    port = _free_port()
    env = {**os.environ, "PATIENTLAB_ENV": "testing", "PATIENTLAB_DATABASE_URL": database,
           "PATIENTLAB_INSTANCE_PATH": str(tmp_path), "PATIENTLAB_RATELIMIT_ENABLED": "true",
           "PATIENTLAB_RATELIMIT_STORAGE_URI": redis_url,
           "PATIENTLAB_RATE_LIMIT_LOGIN_PER_IP": f"{LIMIT} per minute",
           "PATIENTLAB_RATE_LIMIT_LOGIN_PER_ACCOUNT": "100 per minute"}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(lambda: urllib.request.urlopen(url + "/healthz", timeout=2).status == 200,
                  "gunicorn")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def _failed_login(url: str, index: int) -> int:
    """One person, with their own session: the login page, then a wrong password."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(url + "/compte/connexion", timeout=30).read().decode()
    body = urllib.parse.urlencode({"csrf_token": TOKEN.search(page).group(1),
                                   "email": f"personne{index}@exemple.fr",
                                   "password": "mauvais mot de passe"}).encode()
    request = urllib.request.Request(url + "/compte/connexion", data=body,
                                     headers={"Connection": "close"})
    try:
        return opener.open(request, timeout=30).status
    except urllib.error.HTTPError as error:
        return error.code


def test_two_workers_share_one_login_limit_through_redis(gunicorn_url):
    statuses = [_failed_login(gunicorn_url, i) for i in range(ATTEMPTS)]
    assert statuses.count(200) == LIMIT, statuses
    assert statuses.count(429) == ATTEMPTS - LIMIT
