"""Registrations per second through the real app, 50 concurrent clients for 20 seats.

SQLite always; PostgreSQL too when PATIENTLAB_BENCH_POSTGRES_URL names an empty
database (`make bench` starts a throwaway cluster for it). Writes
{"registrations": [{"database", "per_second", "confirmed", "waiting", "lost"}]}
into bench/results.json.
"""

import http.cookiejar
import json
import logging
import os
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select
from werkzeug.serving import make_server

from patientlab import create_app
from patientlab.core.models import utcnow
from patientlab.events.models import Event, Registration
from patientlab.extensions import db

RESULTS = Path(__file__).with_name("results.json")
CLIENTS, SEATS = 50, 20


def _client(base, event_id, index, barrier, outcome):
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    opener.open(f"{base}/evenements/{event_id}", timeout=60).read()
    # A visitor's form carries no token: the browser says it comes from our page.
    body = urllib.parse.urlencode({
        "name": f"Personne {index}",
        "email": f"p{index}@exemple.fr", "seats": "1", "privacy_consent": "y"}).encode()
    request = urllib.request.Request(f"{base}/evenements/{event_id}/inscription", data=body,
                                     headers={"Origin": base, "Sec-Fetch-Site": "same-origin"})
    barrier.wait(timeout=60)
    try:
        outcome[index] = opener.open(request, timeout=60).status
    except urllib.error.HTTPError as error:
        outcome[index] = error.code


def run(database: str, url: str) -> dict:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "PROPAGATE_EXCEPTIONS": False})
    with app.app_context():
        db.drop_all()
        db.create_all()
        starts = utcnow() + timedelta(days=10)
        event = Event(title="Banc d’essai", theme="progres", starts_at=starts,
                      ends_at=starts + timedelta(hours=2), capacity=SEATS, lock_version=0,
                      published_at=utcnow())  # a draft would be a 404 for visitors
        db.session.add(event)
        db.session.commit()
        event_id = event.id
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    barrier, outcome = threading.Barrier(CLIENTS + 1), {}
    threads = [threading.Thread(target=_client, args=(base, event_id, i, barrier, outcome))
               for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=60)
    started = time.perf_counter()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.perf_counter() - started
    server.shutdown()
    with app.app_context():
        rows = dict(db.session.execute(
            select(Registration.status, func.count()).group_by(Registration.status)).all())
        db.session.remove()  # release the read lock before dropping the tables
        db.drop_all()
        db.engine.dispose()
    confirmed, waiting = rows.get("confirmed", 0), rows.get("waiting", 0)
    return {"database": database, "per_second": round(CLIENTS / elapsed, 1),
            "confirmed": confirmed, "waiting": waiting,
            "lost": CLIENTS - confirmed - waiting,
            "errors": sum(1 for status in outcome.values() if status != 200)}


def main() -> int:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        rows.append(run("sqlite", f"sqlite:///{folder}/bench.sqlite3"))
    if os.environ.get("PATIENTLAB_BENCH_POSTGRES_URL"):
        rows.append(run("postgresql", os.environ["PATIENTLAB_BENCH_POSTGRES_URL"]))
    print(f"{'database':<12} {'reg/s':>7} {'confirmed':>10} {'waiting':>8} {'lost':>5}")
    ok = True
    for row in rows:
        ok &= row["confirmed"] == SEATS and row["waiting"] == CLIENTS - SEATS and not row["lost"]
        print(f"{row['database']:<12} {row['per_second']:>7} {row['confirmed']:>10} "
              f"{row['waiting']:>8} {row['lost']:>5}")
        del row["errors"]
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["registrations"] = rows
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
