"""Bytes per main page, gzip-compressed: HTML + the CSS, JS and fonts it loads, and the
hosts it loads anything from (only itself is allowed). Target: ≤ 60 KB per page.

Writes {"page_weight": [{"page", "bytes_gzip", "third_party_hosts"}]} into
bench/results.json.
"""

import gzip
import json
import re
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from sqlalchemy import select

from patientlab import create_app
from patientlab.extensions import db

RESULTS = Path(__file__).with_name("results.json")
TARGET = 60 * 1024
BASE = "http://localhost"


class Resources(HTMLParser):
    """What a browser would fetch to show the page (not the links it could follow)."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and a.get("rel") in ("stylesheet", "icon", "preload") and a.get("href"):
            self.urls.append(a["href"])
        if tag in ("script", "img", "iframe", "audio", "video", "source", "embed") \
                and a.get("src"):
            self.urls.append(a["src"])


def _gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def weigh(client, path: str) -> dict:
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path}: HTTP {response.status_code}")
    html = response.data
    parser = Resources()
    parser.feed(html.decode())
    urls = [urljoin(BASE + path, u) for u in parser.urls]
    total, hosts = _gz(html), set()
    for url in urls:
        parts = urlsplit(url)
        if parts.netloc != urlsplit(BASE).netloc:
            hosts.add(parts.netloc)
            continue
        body = client.get(parts.path).data
        total += _gz(body)
        if parts.path.endswith(".css"):
            for ref in re.findall(rb"url\(['\"]?([^'\")]+)", body):
                ref_url = urljoin(url, ref.decode())
                host = urlsplit(ref_url).netloc
                if host != urlsplit(BASE).netloc and not ref_url.startswith("data:"):
                    hosts.add(host)
            # Fonts load only when a page asks for them (the dyslexia preference).
    return {"page": path, "bytes_gzip": total, "third_party_hosts": sorted(hosts)}


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/w.sqlite3",
                                     "SERVER_NAME": "localhost"})
        with app.app_context():
            db.create_all()
            from patientlab.calls.models import Call
            from patientlab.demo import seed
            from patientlab.events.models import Event
            from patientlab.projects.models import Project

            seed()
            db.session.commit()
            project = db.session.scalar(select(Project.id).where(
                Project.publication == "published"))
            event = db.session.scalar(select(Event.id).order_by(Event.starts_at.desc()))
            call = db.session.scalar(select(Call.id))
            db.session.remove()
        client = app.test_client()
        pages = ["/", "/projets/", f"/projets/{project}", "/evenements/",
                 f"/evenements/{event}", "/appels/", f"/appels/{call}", "/compte/inscription",
                 "/compte/connexion", "/accessibilite"]
        rows = [weigh(client, path) for path in pages]
        with app.app_context():
            db.engine.dispose()
    print(f"{'page':<28} {'KB gzip':>8}  other hosts")
    ok = True
    for row in rows:
        over = row["bytes_gzip"] > TARGET
        ok &= not over and not row["third_party_hosts"]
        print(f"{row['page']:<28} {row['bytes_gzip'] / 1024:>8.1f}  "
              f"{', '.join(row['third_party_hosts']) or 'none'}"
              f"{'  ← over 60 KB' if over else ''}")
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["page_weight"] = rows
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
