"""Throughput of PatientLab's heaviest public pages against each page's own ceiling.

The ceiling of a page is a bare Flask handler returning that page's exact bytes from
memory (bench.bare), under the same gunicorn (2 sync workers): what Python can serve for
those bytes. Both servers run side by side and are measured in interleaved rounds (app,
ceiling, app, ceiling…; 3 rounds of 5 s each with wrk -t1 -c8 --latency on loopback);
medians are kept. Beside req/s and latency, the **worker CPU per request** (utime + stime
of the serving processes over a run, divided by the requests wrk counted) is much less
noisy on a shared machine.

**Other processes.** Each run also records the CPU the rest of the machine used meanwhile
(« others », in cores: /proc/stat's busy time minus that of this benchmark's own
processes — servers, nginx, wrk, itself): a ceiling measured on a busy shared machine
once came out at half its quiet value. A run during which others used more than
``PATIENTLAB_BENCH_DISTURBANCE`` cores (0.25) is run again, up to
``PATIENTLAB_BENCH_RETRIES`` times (3); the least disturbed is kept, and the table flags
a page whose kept runs were still disturbed.

**Behind nginx.** The visitors' pages with the page cache warm are measured once more
through Debian's nginx as production runs it (`make nginx` installs it): Debian's own
nginx.conf, with the ``location`` block SECURITY.md gives for production in place of
the sites, on a loopback port; their ceiling is the bare app behind the same nginx.

SQLite seeded with ``bench-seed --scale 1`` (10,000 accounts, 1,000 projects, 200
evenings…) and, unless ``PATIENTLAB_BENCH_SCALES=1``, ``--scale 10`` too. Writes
{"throughput": [{page, via, rps, ceiling_rps, ratio, cpu_ms, p50_ms, p99_ms, bytes,
cached, scale, others_cores, runs_redone, runs_disturbed}]} into bench/results.json.
"""

import json
import os
import re
import resource
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
WORKERS, CONNECTIONS = "2", "8"
DURATION = os.environ.get("PATIENTLAB_BENCH_SECONDS", "5") + "s"  # of each wrk run
ROUNDS = int(os.environ.get("PATIENTLAB_BENCH_ROUNDS", "3"))
TICKS = os.sysconf("SC_CLK_TCK")
TICK_MS = 1000 / TICKS
# Cores the rest of the machine may use during a run before it is run again.
DISTURBANCE = float(os.environ.get("PATIENTLAB_BENCH_DISTURBANCE", "0.25"))
RETRIES = int(os.environ.get("PATIENTLAB_BENCH_RETRIES", "3"))
# Goals of #23 without a page cache: share of each page's own ceiling.
GOALS = {"home": 0.35, "project search": 0.10, "event page": 0.12}
P99_GOAL_MS = 50
CACHED_GOAL = 0.40  # with the visitors' page cache warm
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
DEBIAN_NGINX_CONF = Path("/etc/nginx/nginx.conf")
PRODUCTION_PROXY = ROOT / "SECURITY.md"  # its ```nginx block is what production runs


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(process: subprocess.Popen, url: str, name: str) -> None:
    for _ in range(200):
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{name} did not start")


def _serve(app: str, env: dict, probe: str) -> tuple[subprocess.Popen, str]:
    port = _port()
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", WORKERS, "--worker-class", "sync",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", app],
        cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    _wait(process, base + probe, app)
    return process, base


def production_location(upstream: str) -> str:
    """The ``location`` block SECURITY.md tells production to put in nginx, proxying to
    ``upstream`` (host:port) instead of the documented gunicorn address."""
    found = re.search(r"```nginx\n(.*?)```", PRODUCTION_PROXY.read_text(), re.S)
    if found is None or "proxy_pass http://127.0.0.1:8000;" not in found.group(1):
        raise RuntimeError("SECURITY.md no longer has the nginx block the bench runs "
                           "(« location / { proxy_pass http://127.0.0.1:8000; … } »)")
    return found.group(1).replace("http://127.0.0.1:8000", f"http://{upstream}")


def nginx_config(folder: Path, servers: dict[int, str]) -> str:
    """Debian's nginx.conf as installed, with this run's pid and log files, and one
    server per ``{port: upstream}`` (SECURITY.md's location block) in place of the
    sites; in the foreground, so that the benchmark owns the process."""
    conf = DEBIAN_NGINX_CONF.read_text()
    conf = re.sub(r"^\s*pid\s+[^;]+;", f"pid {folder}/nginx.pid;", conf, flags=re.M)
    conf = re.sub(r"^(\s*)error_log\s+[^;]+;", rf"\1error_log {folder}/nginx-error.log;",
                  conf, flags=re.M)
    conf = re.sub(r"^(\s*)access_log\s+[^;]+;", rf"\1access_log {folder}/nginx-access.log;",
                  conf, flags=re.M)
    sites = "\n".join(
        f"\tserver {{\n\t\tlisten 127.0.0.1:{port};\n\t\tserver_name _;\n"
        + "".join(f"\t\t{line}\n" for line in production_location(upstream).splitlines())
        + "\t}" for port, upstream in servers.items())
    conf, count = re.subn(r"^\s*include\s+/etc/nginx/sites-enabled/\*;", lambda _m: sites,
                          conf, flags=re.M)
    if not count:
        raise RuntimeError(f"{DEBIAN_NGINX_CONF} does not include sites-enabled as Debian's")
    if os.geteuid() != 0:  # no user switch; temporary files where this user may write
        conf = re.sub(r"^\s*user\s+[^;]+;", "", conf, flags=re.M)
        temps = "".join(f"\t{kind}_temp_path {folder}/nginx-{kind};\n"
                        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        conf = conf.replace("http {\n", "http {\n" + temps, 1)
    return "daemon off;\n" + conf


def _nginx(folder: Path, upstreams: dict[str, str]) -> tuple[subprocess.Popen, dict[str, str]]:
    """One nginx in front of each ``{kind: base URL}``: {kind: nginx's base URL}."""
    ports = {kind: _port() for kind in upstreams}
    config = folder / "nginx.conf"
    config.write_text(nginx_config(folder, {
        ports[kind]: base.removeprefix("http://") for kind, base in upstreams.items()}))
    process = subprocess.Popen([NGINX, "-e", str(folder / "nginx-error.log"),
                                "-p", str(folder), "-c", str(config)])
    bases = {kind: f"http://127.0.0.1:{port}" for kind, port in ports.items()}
    for base in bases.values():
        _wait(process, base + "/", "nginx")
    return process, bases


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in
                Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _stat(pid) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _cpu_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        fields = _stat(pid)
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
    return total


def _busy_ticks() -> int:
    """The whole machine's busy time (/proc/stat: user, nice, system, irq, softirq, steal)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return user + nice + system + irq + softirq + steal


def _own_ticks() -> int:
    """The CPU time of this process and of every process it started (servers, nginx)."""
    parents: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            fields = _stat(entry.name)
        except OSError:  # ended meanwhile
            continue
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        ticks[pid] = int(fields[11]) + int(fields[12])
    mine, total = os.getpid(), 0
    for pid, cpu in ticks.items():
        ancestor = pid
        while ancestor > 1 and ancestor != mine:
            ancestor = parents.get(ancestor, 0)
        if ancestor == mine:
            total += cpu
    return total


def _children_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _ms(value: str) -> float:
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    if found is None:
        raise RuntimeError(f"wrk latency not understood: {value!r}")
    number, unit = found.groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def _wrk_once(url: str, masters: list[int], headers: dict) -> dict:
    pids = [pid for master in masters for pid in _children(master)]
    before = _cpu_ticks(pids)
    busy, own, waited, started = (_busy_ticks(), _own_ticks(), _children_seconds(),
                                  time.perf_counter())
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    elapsed = time.perf_counter() - started
    # Everything the machine did meanwhile, less ours: the servers' and nginx's processes
    # (still running), wrk's (ended, counted among the children waited for).
    others = ((_busy_ticks() - busy - (_own_ticks() - own)) / TICKS
              - (_children_seconds() - waited)) / elapsed
    cpu = _cpu_ticks(pids) - before
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} error responses\n{out}")
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            # The distribution's own lines: « 92.50% » ends the line of thread stats.
            "p50_ms": _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
            "p99_ms": _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),
            "cpu_ms": cpu * TICK_MS / max(requests, 1),
            "others": max(others, 0.0)}


def _wrk(url: str, masters: list[int], headers: dict) -> dict:
    """One run; again (up to RETRIES times) while other processes used more than
    DISTURBANCE cores. The least disturbed run is kept, with how many were redone."""
    tries = []
    for _attempt in range(RETRIES + 1):
        tries.append(_wrk_once(url, masters, headers))
        if tries[-1]["others"] <= DISTURBANCE:
            break
        print(f"  {url}: others used {tries[-1]['others']:.2f} cores, run again", flush=True)
    kept = min(tries, key=lambda run: run["others"])
    return {**kept, "redone": len(tries) - 1, "disturbed": kept["others"] > DISTURBANCE}


def _pages(base: str) -> list[dict]:
    """The measured pages: a name, a path and the request headers wrk sends."""
    listing = urllib.request.urlopen(base + "/evenements/").read().decode()
    event = re.search(r'href="/evenements/(\d+)"', listing).group(1)
    return [{"name": "home", "path": "/", "headers": {}},
            {"name": "project search", "path": "/projets/?q=fatigue", "headers": {}},
            {"name": "event page", "path": f"/evenements/{event}", "headers": {}}]


def _capture(base: str, pages: list[dict], folder: Path) -> dict:
    """Each page's bytes and type, for the ceiling server (bench.bare)."""
    served = {}
    for page in pages:
        request = urllib.request.Request(base + page["path"], headers=page["headers"])
        response = urllib.request.urlopen(request)
        body = response.read()
        file = folder / f"page-{len(served)}.html"
        file.write_bytes(body)
        served[page["path"]] = {"file": str(file), "type": response.headers["Content-Type"],
                                "name": page["name"], "bytes": len(body)}
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
    # (cached, via) -> (processes whose workers serve, base URL); the ceiling's kind is None.
    targets: dict = {}
    processes: list[subprocess.Popen] = []
    try:
        app, app_base = _serve("wsgi:app", {**env, "PATIENTLAB_PAGE_CACHE": "false"},
                               "/healthz")
        processes.append(app)
        targets[(False, "app")] = ([app.pid], app_base)
        if cached:
            warm, warm_base = _serve("wsgi:app", {**env, "PATIENTLAB_PAGE_CACHE": "true"},
                                     "/healthz")
            processes.append(warm)
            targets[(True, "app")] = ([warm.pid], warm_base)
        pages = _pages(app_base)
        served = _capture(app_base, pages, folder)
        bare, bare_base = _serve("bench.bare:app", env, "/")
        processes.append(bare)
        ceilings = {"app": ([bare.pid], bare_base)}
        if cached and NGINX:
            nginx, bases = _nginx(folder, {"warm": warm_base, "ceiling": bare_base})
            processes.append(nginx)
            targets[(True, "nginx")] = ([warm.pid, nginx.pid], bases["warm"])
            ceilings["nginx"] = ([bare.pid, nginx.pid], bases["ceiling"])
        elif cached:
            print("nginx is missing (`make nginx` installs Debian's): "
                  "the cached pages are not measured behind it", flush=True)
        runs: dict = {}
        for _round in range(ROUNDS):
            for page in pages:
                for kind, (masters, base) in [*targets.items(),
                                              *(((None, via), ceiling)
                                                for via, ceiling in ceilings.items())]:
                    runs.setdefault((page["path"], kind), []).append(
                        _wrk(base + page["path"], masters, page["headers"]))
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait()
    rows = []
    for page in pages:
        path = page["path"]
        for (is_cached, via) in targets:
            mine, ceiling = runs[(path, (is_cached, via))], runs[(path, (None, via))]
            rps, ceiling_rps = _median(mine, "rps"), _median(ceiling, "rps")
            both = mine + ceiling
            rows.append({"page": page["name"], "via": via, "rps": round(rps, 1),
                         "ceiling_rps": round(ceiling_rps, 1),
                         "ratio": round(rps / ceiling_rps, 3),
                         "cpu_ms": round(_median(mine, "cpu_ms"), 2),
                         "ceiling_cpu_ms": round(_median(ceiling, "cpu_ms"), 2),
                         "p50_ms": round(_median(mine, "p50_ms"), 1),
                         "p99_ms": round(_median(mine, "p99_ms"), 1),
                         "bytes": served[path]["bytes"], "cached": is_cached, "scale": scale,
                         "others_cores": round(_median(both, "others"), 2),
                         "others_max_cores": round(max(run["others"] for run in both), 2),
                         "runs_redone": sum(run["redone"] for run in both),
                         "runs_disturbed": sum(run["disturbed"] for run in both)})
    return rows


def _report(rows: list[dict]) -> None:
    print(f"Runs redone while other processes used more than {DISTURBANCE:g} cores "
          f"(up to {RETRIES} times); « others »: median cores they used, app and ceiling runs.")
    print(f"{'page':<16} {'via':>5} {'cache':>5} {'scale':>5} {'req/s':>7} {'ceiling':>8} "
          f"{'ratio':>6} {'cpu ms':>7} {'p50':>6} {'p99':>6} {'bytes':>7} {'others':>6} "
          f"{'redone':>6}")
    for row in rows:
        goal = CACHED_GOAL if row["cached"] else GOALS.get(row["page"])
        flag = ""
        if row["scale"] == 1 and goal and row["ratio"] < goal:
            flag += f"  ← below {goal:.0%}"
        if row["scale"] == 1 and row["p99_ms"] > P99_GOAL_MS:
            flag += f"  ← p99 over {P99_GOAL_MS} ms"
        if row["runs_disturbed"]:
            flag += f"  ← {row['runs_disturbed']} run(s) disturbed (others over {DISTURBANCE:g})"
        print(f"{row['page']:<16} {row['via']:>5} {'yes' if row['cached'] else 'no':>5} "
              f"{row['scale']:>5g} {row['rps']:>7} {row['ceiling_rps']:>8} "
              f"{row['ratio']:>6.1%} {row['cpu_ms']:>7} {row['p50_ms']:>6} "
              f"{row['p99_ms']:>6} {row['bytes']:>7} {row['others_cores']:>6.2f} "
              f"{row['runs_redone']:>6}{flag}")
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
