"""Requests per second of PatientLab's heaviest public pages, beside a bare Flask app.

Both are served by gunicorn with the same workers (2 sync workers, the production
example) and driven by wrk on loopback. The database is SQLite seeded with
`bench-seed --scale 1` (1,000 projects, 200 events…). Writes
{"throughput": [{"page", "rps", "bare_rps", "ratio"}]} into bench/results.json.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).with_name("results.json")
BIN = Path(sys.executable).parent
WORKERS, DURATION, CONNECTIONS = "2", "5s", "8"
TARGET = 0.40


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(app: str, env: dict) -> tuple[subprocess.Popen, str]:
    port = _port()
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", WORKERS, "--worker-class", "sync",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", app],
        cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz" if "wsgi" in app else base, timeout=1)
            return process, base
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{app} did not start")


def _wrk(url: str) -> float:
    out = subprocess.run(["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{DURATION}", url],
                         capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} error responses\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def main() -> int:
    if not shutil.which("wrk"):
        print("wrk is missing: run `make bench` (it installs Debian's wrk)")
        return 1
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "PATIENTLAB_ENV": "production",
               "PATIENTLAB_SECRET_KEY": "banc-d-essai-" + "x" * 40,
               "PATIENTLAB_DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
               "PATIENTLAB_INSTANCE_PATH": folder, "PATIENTLAB_LOG_LEVEL": "WARNING",
               "PATIENTLAB_MAIL_SEND_AFTER_COMMIT": "false"}
        flask = [str(BIN / "flask"), "--app", "wsgi"]
        subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True,
                       capture_output=True)
        subprocess.run([*flask, "bench-seed", "--scale", "1"], cwd=ROOT, env=env, check=True,
                       capture_output=True)
        bare, bare_base = _serve("bench.bare:app", env)
        try:
            bare_rps = _wrk(bare_base + "/")
        finally:
            bare.terminate()
            bare.wait()
        app, base = _serve("wsgi:app", env)
        try:
            page = urllib.request.urlopen(base + "/evenements/").read().decode()
            event = re.search(r'href="/evenements/(\d+)"', page).group(1)
            pages = [("home", "/"), ("project list, search", "/projets/?q=fatigue"),
                     ("event page with form", f"/evenements/{event}")]
            rows = []
            for name, path in pages:
                rps = _wrk(base + path)
                rows.append({"page": name, "rps": round(rps, 1), "bare_rps": round(bare_rps, 1),
                             "ratio": round(rps / bare_rps, 3)})
        finally:
            app.terminate()
            app.wait()
    print(f"{'page':<24} {'req/s':>8} {'bare':>8} {'ratio':>7}")
    for row in rows:
        flag = "" if row["ratio"] >= TARGET else f"  ← below {TARGET:.0%}"
        print(f"{row['page']:<24} {row['rps']:>8} {row['bare_rps']:>8} "
              f"{row['ratio']:>7.1%}{flag}")
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["throughput"] = rows
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
