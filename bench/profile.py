"""Where a page's time goes, in process: cProfile over N requests of the test client to
each benchmarked page (SQLite at ``bench-seed --scale 1``, production settings, page
cache off), grouped into what the issue tracks: SQLAlchemy, Jinja, gettext, escape,
url_for, session and CSRF. ``python -m bench.profile [requests]``; writes
{"profile": [{page, ms, sqlalchemy_ms, jinja_ms, …, top: [[function, ms]…]}]} into
bench/results.json.
"""

import cProfile
import json
import os
import pstats
import re
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).with_name("results.json")
BIN = Path(sys.executable).parent

GROUPS = {
    "sqlalchemy_ms": ("/sqlalchemy/",),
    "jinja_ms": ("/jinja2/", "templates/"),
    "gettext_ms": ("gettext", "babel/support.py"),
    "escape_ms": ("markupsafe",),
    "url_for_ms": ("url_for", "werkzeug/routing/"),
    "session_csrf_ms": ("flask_wtf/csrf.py", "flask/sessions.py", "itsdangerous"),
}


def _setup(folder: str) -> dict:
    env = {**os.environ, "PATIENTLAB_ENV": "production",
           "PATIENTLAB_SECRET_KEY": "banc-d-essai-" + secrets.token_urlsafe(32),
           "PATIENTLAB_DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
           "PATIENTLAB_INSTANCE_PATH": folder, "PATIENTLAB_LOG_LEVEL": "WARNING",
           "PATIENTLAB_MAIL_SEND_AFTER_COMMIT": "false", "PATIENTLAB_PAGE_CACHE": "false",
           "PATIENTLAB_SINGLE_PROCESS": "1",  # the test client, in this process
           "PATIENTLAB_TRUSTED_HOSTS": '["localhost", "127.0.0.1"]'}
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    subprocess.run([*flask, "bench-seed", "--scale", "1"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    return env


def _grouped(stats: pstats.Stats, requests: int) -> dict:
    """Time spent inside each group's functions (tottime: no double counting)."""
    totals = dict.fromkeys(GROUPS, 0.0)
    for (filename, _line, name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        where = f"{filename}:{name}"
        for group, needles in GROUPS.items():
            if any(n in where for n in needles):
                totals[group] += tottime
                break
    return {group: round(value * 1000 / requests, 2) for group, value in totals.items()}


def _top(stats: pstats.Stats, requests: int, count: int = 12) -> list:
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:count]
    return [[f"{Path(f).name}:{line} {name}", round(tt * 1000 / requests, 3)]
            for (f, line, name), (_cc, _nc, tt, _ct, _c) in rows]


def main() -> int:
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with tempfile.TemporaryDirectory() as folder:
        env = _setup(folder)
        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        from wsgi import app

        client = app.test_client()
        listing = client.get("/evenements/").get_data(as_text=True)
        event = re.search(r'href="/evenements/(\d+)"', listing).group(1)
        pages = [("home", "/"), ("project search", "/projets/?q=fatigue"),
                 ("event page", f"/evenements/{event}")]
        rows = []
        for name, path in pages:
            for _ in range(20):  # warm: templates compiled, caches filled
                client.get(path)
            profiler = cProfile.Profile()
            started = time.perf_counter()
            profiler.enable()
            statuses = {client.get(path).status_code for _ in range(requests)}
            profiler.disable()
            if statuses != {200}:
                raise RuntimeError(f"{path}: answered {statuses}")
            wall = (time.perf_counter() - started) * 1000 / requests
            stats = pstats.Stats(profiler)
            rows.append({"page": name, "ms": round(wall, 2), **_grouped(stats, requests),
                         "top": _top(stats, requests)})
    for row in rows:
        groups = ", ".join(f"{k[:-3]} {v}" for k, v in row.items() if k in GROUPS)
        print(f"{row['page']}: {row['ms']} ms per request under the profiler ({groups})")
        for function, ms in row["top"][:8]:
            print(f"    {ms:>7.3f} ms  {function}")
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["profile"] = rows
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
