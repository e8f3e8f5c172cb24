"""Throughput of PatientLab's heaviest public pages against each page's own ceiling.

The ceiling of a page is a bare Flask handler returning that page's exact bytes from
memory (bench.bare), under the same gunicorn (2 sync workers): what Python can serve for
those bytes. Both servers run side by side and are measured in interleaved rounds (app,
ceiling, app, ceiling…; 3 rounds of 5 s each with wrk -t1 -c8 --latency on loopback);
medians are kept. Beside req/s and latency, the **worker CPU per request** (utime + stime
of the gunicorn workers over a run, divided by the requests wrk counted) is much less
noisy on a shared machine.

SQLite seeded with ``bench-seed --scale 1`` (10,000 accounts, 1,000 projects, 200
evenings…) and, unless ``PATIENTLAB_BENCH_SCALES=1``, ``--scale 10`` too. Writes
{"throughput": [{page, rps, ceiling_rps, ratio, cpu_ms, p50_ms, p99_ms, bytes, cached,
scale}]} into bench/results.json.
"""

import json
import os
import re
import secrets
import shutil
import socket
import statistics
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
ROUNDS = int(os.environ.get("PATIENTLAB_BENCH_ROUNDS", "3"))
TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")
# Goals of #23 without a page cache: share of each page's own ceiling.
GOALS = {"home": 0.35, "project search": 0.10, "event page": 0.12}
P99_GOAL_MS = 50
CACHED_GOAL = 0.40  # with the visitors' page cache warm


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(app: str, env: dict, probe: str) -> tuple[subprocess.Popen, str]:
    port = _port()
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", WORKERS, "--worker-class", "sync",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", app],
        cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(base + probe, timeout=2)
            return process, base
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{app} did not start")


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def _cpu_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
    return total


def _ms(value: str) -> float:
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    if found is None:
        raise RuntimeError(f"wrk latency not understood: {value!r}")
    number, unit = found.groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def _wrk(url: str, master: int) -> dict:
    pids = _workers(master)
    before = _cpu_ticks(pids)
    out = subprocess.run(["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency",
                          url], capture_output=True, text=True, check=True).stdout
    cpu = _cpu_ticks(pids) - before
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} error responses\n{out}")
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            # The distribution's own lines: « 92.50% » ends the line of thread stats.
            "p50_ms": _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
            "p99_ms": _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),
            "cpu_ms": cpu * TICK_MS / max(requests, 1)}


def _pages(base: str) -> list[tuple[str, str]]:
    listing = urllib.request.urlopen(base + "/evenements/").read().decode()
    event = re.search(r'href="/evenements/(\d+)"', listing).group(1)
    return [("home", "/"), ("project search", "/projets/?q=fatigue"),
            ("event page", f"/evenements/{event}")]


def _capture(base: str, pages, folder: Path) -> dict:
    """Each page's bytes and type, for the ceiling server (bench.bare)."""
    served = {}
    for name, path in pages:
        response = urllib.request.urlopen(base + path)
        body = response.read()
        file = folder / f"page-{len(served)}.html"
        file.write_bytes(body)
        served[path] = {"file": str(file), "type": response.headers["Content-Type"],
                        "name": name, "bytes": len(body)}
    index = folder / "pages.json"
    index.write_text(json.dumps(served))
    return served


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def measure(scale: float, folder: Path, cached: bool) -> list[dict]:
    env = {**os.environ, "PATIENTLAB_ENV": "production",
           "PATIENTLAB_SECRET_KEY": "banc-d-essai-" + secrets.token_urlsafe(32),
           "PATIENTLAB_DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
           "PATIENTLAB_INSTANCE_PATH": str(folder), "PATIENTLAB_LOG_LEVEL": "WARNING",
           "PATIENTLAB_MAIL_SEND_AFTER_COMMIT": "false",
           # Pages read by one address: no limit is measured (production refuses
           # per-worker counters otherwise).
           "PATIENTLAB_RATELIMIT_ENABLED": "false",
           "PATIENTLAB_BENCH_PAGES": str(folder / "pages.json")}
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    started = time.perf_counter()
    subprocess.run([*flask, "bench-seed", "--scale", str(scale)], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    print(f"scale {scale:g}: seeded in {time.perf_counter() - started:.0f} s", flush=True)
    servers, bare = {}, None
    try:
        servers[False] = _serve("wsgi:app", {**env, "PATIENTLAB_PAGE_CACHE": "false"},
                                "/healthz")
        if cached:
            servers[True] = _serve("wsgi:app", {**env, "PATIENTLAB_PAGE_CACHE": "true"},
                                   "/healthz")
        base = servers[False][1]
        pages = _pages(base)
        served = _capture(base, pages, folder)
        bare, bare_base = _serve("bench.bare:app", env, "/")
        runs: dict = {(path, kind): [] for _name, path in pages
                      for kind in (*servers, "ceiling")}
        for _round in range(ROUNDS):
            for _name, path in pages:
                for kind, (process, url) in servers.items():
                    runs[(path, kind)].append(_wrk(url + path, process.pid))
                runs[(path, "ceiling")].append(_wrk(bare_base + path, bare.pid))
    finally:
        for process in [p for p, _url in servers.values()] + [bare]:
            if process is not None:
                process.terminate()
                process.wait()
    rows = []
    for name, path in pages:
        ceiling = runs[(path, "ceiling")]
        ceiling_rps = _median(ceiling, "rps")
        for kind in servers:
            mine = runs[(path, kind)]
            rps = _median(mine, "rps")
            rows.append({"page": name, "rps": round(rps, 1),
                         "ceiling_rps": round(ceiling_rps, 1),
                         "ratio": round(rps / ceiling_rps, 3),
                         "cpu_ms": round(_median(mine, "cpu_ms"), 2),
                         "ceiling_cpu_ms": round(_median(ceiling, "cpu_ms"), 2),
                         "p50_ms": round(_median(mine, "p50_ms"), 1),
                         "p99_ms": round(_median(mine, "p99_ms"), 1),
                         "bytes": served[path]["bytes"], "cached": kind, "scale": scale})
    return rows


def _report(rows: list[dict]) -> None:
    print(f"{'page':<16} {'cache':>5} {'scale':>5} {'req/s':>7} {'ceiling':>8} {'ratio':>6} "
          f"{'cpu ms':>7} {'p50':>6} {'p99':>6} {'bytes':>7}")
    for row in rows:
        goal = CACHED_GOAL if row["cached"] else GOALS.get(row["page"])
        flag = ""
        if row["scale"] == 1 and goal and row["ratio"] < goal:
            flag += f"  ← below {goal:.0%}"
        if row["scale"] == 1 and row["p99_ms"] > P99_GOAL_MS:
            flag += f"  ← p99 over {P99_GOAL_MS} ms"
        print(f"{row['page']:<16} {'yes' if row['cached'] else 'no':>5} {row['scale']:>5g} "
              f"{row['rps']:>7} {row['ceiling_rps']:>8} {row['ratio']:>6.1%} "
              f"{row['cpu_ms']:>7} {row['p50_ms']:>6} {row['p99_ms']:>6} "
              f"{row['bytes']:>7}{flag}")
    by_page: dict[str, dict] = {}
    for row in rows:
        if not row["cached"]:
            by_page.setdefault(row["page"], {})[row["scale"]] = row
    for page, scales in by_page.items():
        if 1 in scales and 10 in scales:
            growth = scales[10]["cpu_ms"] / scales[1]["cpu_ms"]
            flag = "" if growth <= 1.3 else "  ← over 1.3×"
            print(f"{page}: worker CPU at scale 10 = {growth:.2f}× scale 1{flag}")


def main() -> int:
    if not shutil.which("wrk"):
        print("wrk is missing: run `make bench` (it installs Debian's wrk)")
        return 1
    scales = [float(s) for s in os.environ.get("PATIENTLAB_BENCH_SCALES", "1,10").split(",")]
    rows = []
    for scale in scales:
        with tempfile.TemporaryDirectory() as folder:
            # The page cache is measured at scale 1; data growth without it.
            rows += measure(scale, Path(folder), cached=scale == scales[0])
    for row in rows:
        row["scale"] = int(row["scale"]) if float(row["scale"]).is_integer() else row["scale"]
    _report(rows)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["throughput"] = rows
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
