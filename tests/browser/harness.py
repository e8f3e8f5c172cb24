"""Real-browser accessibility checks: axe-core, focus, reflow, contrast, target size.

Every helper here raises AssertionError with a message naming the page, the
rule and the element, so a failing run says exactly what to fix.
"""

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

HERE = Path(__file__).parent
AXE_JS = HERE / "vendor" / "axe.min.js"
ARTIFACTS = HERE / "artifacts"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run",
]

# Paths the crawler never follows: files, feeds and actions that are not pages.
# The visitor's language links switch the rest of a crawl to another language: the
# English crawl has its own test.
# Pages of one kind (same path but for ids) the crawl checks. Twice on SQLite, with
# different data; once on PostgreSQL, where the run is about the database (does every
# kind of page work on it?) and axe or the HTML checker would find what SQLite's run
# finds: the CI's second run stays as long as the page kinds, not twice as long.
PER_KIND = 1 if os.environ.get("PATIENTLAB_TEST_BROWSER_DATABASE_URL", "").startswith(
    "postgresql") else 2
SKIP_PATH = re.compile(r"^/(static/|healthz$|langue/)|\.(ics|csv|pdf|json)$")


def chromium_path() -> str:
    for candidate in ("/usr/lib/chromium/chromium", "/usr/bin/chromium"):
        if Path(candidate).exists():
            return candidate
    raise RuntimeError("Debian's chromium is missing: run `make test`, which installs it")


def settle(page) -> None:
    """Wait until the page is as a person sees it: the « load » event (its stylesheets
    and images) and its fonts. Without it, axe may measure a page whose stylesheet is
    not applied yet (``target-size`` on skip links and header buttons). Cheap when the
    page is already loaded."""
    page.wait_for_load_state("load")
    page.evaluate("async () => { await document.fonts.ready; }")


def run_axe(page) -> list[dict]:
    """axe-core violations on the current page (axe is injected at document start),
    once it is loaded and styled."""
    settle(page)
    return page.evaluate(
        """async (tags) => {
            const results = await window.axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            });
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map(n => n.target.join(" ")).slice(0, 5),
            }));
        }""",
        AXE_TAGS,
    )


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"{url}:"]
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']}")
        lines.extend(f"      at {target}" for target in v["targets"])
    return "\n".join(lines)


def assert_no_axe_violations(page, label: str = "") -> None:
    violations = run_axe(page)
    assert not violations, "axe-core violations\n" + format_violations(
        label or page.url, violations)


@dataclass
class CrawlReport:
    role: str
    pages: list[str] = field(default_factory=list)
    error_states: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    # The HTML as served (not the DOM after scripts), for the Nu HTML Checker.
    sources: dict[str, bytes] = field(default_factory=dict)


def local_path(base_url: str, href: str) -> str | None:
    """The same-site path (with query) of a link, or None for anything else."""
    if not href or href.startswith(("mailto:", "tel:", "javascript:")):
        return None
    absolute, _fragment = urldefrag(urljoin(base_url + "/", href))
    parts = urlsplit(absolute)
    base = urlsplit(base_url)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if SKIP_PATH.search(parts.path):
        return None
    return path


LINKS_AND_GET_FORMS = """() => {
    const out = [];
    for (const a of document.querySelectorAll('a[href]:not([download])')) out.push(a.getAttribute('href'));
    for (const f of document.querySelectorAll('form')) {
        if ((f.getAttribute('method') || 'get').toLowerCase() !== 'get') continue;
        const params = new URLSearchParams(new FormData(f));
        out.push((f.getAttribute('action') || location.pathname) + '?' + params.toString());
    }
    return out;
}"""

# POST forms worth submitting empty: those with something for a person to fill.
FILLABLE_POST_FORMS = """() => {
    const forms = [...document.querySelectorAll('form')].filter(f =>
        (f.getAttribute('method') || 'get').toLowerCase() === 'post');
    return forms.map((f, i) => ({
        index: i,
        fillable: f.querySelectorAll(
            'input[type=text], input[type=email], input[type=password], input:not([type]),'
            + ' textarea, select').length > 0,
    })).filter(f => f.fillable).map(f => f.index);
}"""

SUBMIT_EMPTY = """(index) => {
    const forms = [...document.querySelectorAll('form')].filter(f =>
        (f.getAttribute('method') || 'get').toLowerCase() === 'post');
    const form = forms[index];
    for (const el of form.querySelectorAll(
            'input[type=text], input[type=email], input[type=password], input:not([type]), textarea')) {
        el.value = '';
    }
    for (const el of form.querySelectorAll('input[type=checkbox]')) el.checked = false;
    const button = form.querySelector('button[type=submit], input[type=submit], button:not([type])');
    if (button) { button.click(); } else { form.requestSubmit(); }
}"""


#: A network's slug before one of its pages' first segments: /paca/projets/3 and
#: /clara/projets/12 are the same kind of page, made by the same template.
NETWORK_PREFIX = re.compile(
    r"^/[a-z][a-z0-9-]{1,29}(?=/(appels|candidatures|comite|confidentialite|coordination|"
    r"evenements|facile-a-lire|glossaire|inscriptions|mentions-legales|moderation|"
    r"organisation|projets|relectures)(/|$|\.|\?))")


def page_kind(path: str) -> str:
    """/clara/projets/12?page=2 → /<network>/projets/#?page: pages that share a
    template, in whichever network."""
    base, _, query = path.partition("?")
    keys = "&".join(sorted(part.split("=")[0] for part in query.split("&") if part))
    base = NETWORK_PREFIX.sub("/<network>", base)
    return re.sub(r"\d+", "#", base) + (f"?{keys}" if keys else "")


def crawl(context, base_url: str, role: str, *, max_pages: int = 300,
          per_kind: int = PER_KIND) -> CrawlReport:
    """Visit every same-site page reachable from / and check each with axe-core.

    Each POST form with fields is also submitted empty, and its error state checked.
    Pages of the same kind (same path but for ids, same query keys) are checked
    ``per_kind`` times at most, so the crawl grows with the number of page types,
    not with the amount of data. A link that answers 403 or 404 is a broken link: a
    page offered it to someone it refuses, or built it for another network.
    """
    kinds: dict[str, int] = {}
    report = CrawlReport(role)
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda msg: console_errors.append(msg.text)
            if msg.type == "error" else None)
    queue = ["/"]
    seen = {"/"}
    linked_from: dict[str, str] = {}
    while queue and len(report.pages) < max_pages:
        path = queue.pop(0)
        response = page.goto(base_url + path)
        status = response.status if response else 0
        if status >= 500 or status == 0:
            report.failures.append(f"{path}: HTTP {status}")
            continue
        if status in (403, 404) and path in linked_from:
            report.failures.append(f"{path}: HTTP {status}, linked from {linked_from[path]}")
        report.pages.append(path)
        report.sources[path] = response.body()
        _check(page, f"{role} {path}", report)
        _check_reflow(page, f"{role} {path}", report)
        for href in page.evaluate(LINKS_AND_GET_FORMS):
            target = local_path(base_url, href)
            if target and target not in seen:
                seen.add(target)
                linked_from[target] = path
                kind = page_kind(target)
                if kinds.get(kind, 0) < per_kind:
                    kinds[kind] = kinds.get(kind, 0) + 1
                    queue.append(target)
        for index in page.evaluate(FILLABLE_POST_FORMS):
            page.goto(base_url + path)
            with page.expect_navigation() as navigation:
                page.evaluate(SUBMIT_EMPTY, index)
            if navigation.value is not None:
                report.sources[f"{path} — form {index + 1} submitted empty"] = \
                    navigation.value.body()
            report.error_states.append(f"{path} (form {index + 1})")
            _check(page, f"{role} {path} — form {index + 1} submitted empty", report)
    if console_errors:
        report.failures.append(f"console errors (CSP or script): {console_errors[:5]}")
    page.close()
    return report


# The platform's own display preferences (classes on <html>, as the server sets them),
# alone and all together: at 320 CSS pixels none may make a page scroll sideways
# (WCAG 1.4.10, RGAA 10.11).
DISPLAY_PREFERENCES = {
    "texte 150 %": "pl-text-150",
    "texte 200 %": "pl-text-200",
    "espacement": "pl-text-100 pl-spacing",
    "police dyslexie": "pl-text-100 pl-dyslexia",
    "contraste": "pl-text-100 pl-contrast",
    "tout ensemble": "pl-text-200 pl-spacing pl-dyslexia pl-contrast",
}

REFLOW = """async (classes) => {
    const html = document.documentElement;
    const before = html.className;
    const wider = {};
    for (const [name, value] of Object.entries(classes)) {
        html.className = value;
        await document.fonts.ready;
        const overflow = Math.max(html.scrollWidth, document.body.scrollWidth) - html.clientWidth;
        if (overflow > 0) {
            const culprits = [...document.querySelectorAll('main *')]
                .filter(el => el.getBoundingClientRect().right > html.clientWidth + 1)
                .slice(0, 3).map(el => el.tagName.toLowerCase()
                    + (el.className && typeof el.className === 'string'
                       ? '.' + el.className.trim().split(/\\s+/).join('.') : ''));
            wider[name] = overflow + 'px (' + culprits.join(', ') + ')';
        }
    }
    html.className = before;
    return wider;
}"""


def _check_reflow(page, label: str, report: CrawlReport) -> None:
    viewport = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 640})
    try:
        wider = page.evaluate(REFLOW, DISPLAY_PREFERENCES)
    finally:
        page.set_viewport_size(viewport)
    for name, by in wider.items():
        report.failures.append(f"{label}: at 320 px with « {name} », {by} wider than the screen")


def _check(page, label: str, report: CrawlReport) -> None:
    violations = run_axe(page)
    if violations:
        report.failures.append(format_violations(label, violations))
    headings = page.locator("h1").count()
    if headings != 1:
        report.failures.append(f"{label}: {headings} <h1> elements (one expected)")
    small = small_targets(page)
    if small:
        report.failures.append(f"{label}: targets smaller than 24×24 px: {small}")


# --- Colour contrast ---------------------------------------------------------

def _channel(value: float) -> float:
    value /= 255
    return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4


def _luminance(rgb: tuple[float, float, float]) -> float:
    r, g, b = (_channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def parse_rgb(css: str) -> tuple[float, float, float]:
    numbers = [float(n) for n in re.findall(r"[\d.]+", css)[:3]]
    return numbers[0], numbers[1], numbers[2]


def contrast_ratio(fg: str, bg: str) -> float:
    light, dark = sorted((_luminance(parse_rgb(fg)), _luminance(parse_rgb(bg))), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# --- Focus -------------------------------------------------------------------

FOCUS_STATE = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return {body: true};
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    const cx = Math.min(Math.max(rect.left + rect.width / 2, 0), innerWidth - 1);
    const cy = Math.min(Math.max(rect.top + rect.height / 2, 0), innerHeight - 1);
    const top = document.elementFromPoint(cx, cy);
    return {
        body: false,
        tag: el.tagName.toLowerCase(),
        id: el.id,
        text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 60),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
        shadow: style.boxShadow !== 'none',
        covered: !!top && top !== el && !el.contains(top) && !top.contains(el)
                 && !(el.labels && [...el.labels].some(l => l.contains(top))),
    };
}"""


def focus_state(page) -> dict:
    return page.evaluate(FOCUS_STATE)


def assert_focus_visible(page, where: str) -> dict:
    state = focus_state(page)
    assert not state["body"], f"{where}: focus was lost to <body>"
    assert state["outline"] or state["shadow"], f"{where}: no visible focus on {state}"
    assert not state["covered"], f"{where}: focused element is covered: {state}"
    return state


def tab_until(page, predicate_js: str, where: str, *, shift: bool = False,
              limit: int = 60) -> dict:
    """Press Tab until the focused element matches ``predicate_js`` (a JS
    function taking the element). Every stop must show a visible focus."""
    key = "Shift+Tab" if shift else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        state = assert_focus_visible(page, where)
        if page.evaluate(f"({predicate_js})(document.activeElement)"):
            return state
    raise AssertionError(f"{where}: {limit} × {key} never reached the element")


def scroll_overflow(page) -> int:
    """How many CSS pixels the page overflows horizontally (0 is good)."""
    return page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth")


SMALL_TARGETS = """() => {
    const selector = 'header a, header button, nav a, nav button, footer a, form button,'
        + ' form input[type=submit], form input[type=checkbox], form input[type=radio],'
        + ' form select, form input[type=text], form input[type=email], form input[type=password]';
    const small = [];
    for (const el of document.querySelectorAll(selector)) {
        const rect = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        if (style.visibility === 'hidden' || style.display === 'none') continue;
        if (rect.right < 0 || rect.bottom < 0) continue;  // off-screen skip links
        if (rect.width === 0 && rect.height === 0) continue;
        if (rect.width < 24 || rect.height < 24) {
            small.push(`${el.tagName.toLowerCase()} "${(el.innerText || el.value || el.id).trim().slice(0, 40)}" ${Math.round(rect.width)}×${Math.round(rect.height)}`);
        }
    }
    return small;
}"""


def small_targets(page) -> list[str]:
    return page.evaluate(SMALL_TARGETS)


# --- Valid HTML (RGAA 8.2): the W3C Nu HTML Checker -------------------------------

VNU = HERE.parents[1] / ".tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def nu_html_errors(sources: dict[str, bytes], folder: Path) -> list[str]:
    """Errors of the Nu HTML Checker (`make vnu` installs it) over the pages as served,
    in one run of the checker: « label: line: message »."""
    import json
    import shutil
    import subprocess

    java = shutil.which("java")
    assert java, "Java is missing: run `make vnu`"
    assert VNU.exists(), "the Nu HTML Checker is missing: run `make vnu`"
    folder.mkdir(parents=True, exist_ok=True)
    labels = {}
    for index, (label, body) in enumerate(sources.items()):
        target = folder / f"page-{index}.html"
        target.write_bytes(body)
        labels[target.name] = label
    result = subprocess.run(  # noqa: S603 - fixed command line
        [java, "-Xss4m", "-jar", str(VNU), "--errors-only", "--format", "json",
         "--exit-zero-always", str(folder)], capture_output=True, text=True, check=True)
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    return [f"{labels.get(m.get('url', '').rsplit('/', 1)[-1], m.get('url'))}: "
            f"line {m.get('lastLine')}: "
            f"{m.get('message')}" for m in messages if m.get("type") == "error"]
