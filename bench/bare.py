"""The same-bytes ceiling: a bare Flask app under the same gunicorn as PatientLab, that
returns each measured page's exact bytes (captured by bench.throughput) from memory."""

import json
import os
from pathlib import Path

from flask import Flask, Response, abort, request

app = Flask(__name__)
_PAGES: dict[str, tuple[bytes, str]] = {}

index = os.environ.get("PATIENTLAB_BENCH_PAGES")
if index and Path(index).exists():
    for path, page in json.loads(Path(index).read_text()).items():
        _PAGES[path] = (Path(page["file"]).read_bytes(), page["type"])


@app.route("/", defaults={"path": ""})
@app.route("/<path:path>")
def page(path):
    full = request.full_path.rstrip("?") if request.query_string else request.path
    found = _PAGES.get(full)
    if found is None:
        if not _PAGES and request.path == "/":
            return "Bonjour"
        abort(404)
    body, mimetype = found
    return Response(body, content_type=mimetype)
