"""Count the links (``url_for``) in templates that go up or sideways between packages.

A template under templates/<package>/ belongs to that package; base.html, macros/,
errors/ and mail/ belong to core. A link goes down when the endpoint's package is in a
lower layer of the import-linter layers contract (pyproject.toml), up when it is in a
higher one, sideways when it is another package of the same layer. Links up or sideways
should go through the navigation registry (core.navigation) or be given by the package
that composes (the research cycle adds its links to the features' pages).

    python scripts/template_links.py            # the counts
    python scripts/template_links.py --list     # and each link
    python scripts/template_links.py --max 12   # exit 1 above 12 links up or sideways
"""

import argparse
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = "core"
URL_FOR = re.compile(r"url_for\(\s*['\"]([A-Za-z_]+)\.[A-Za-z_]+['\"]")
BLUEPRINT = re.compile(r"Blueprint\(\s*['\"]([A-Za-z_]+)['\"]")


def layers() -> dict[str, int]:
    """Package → its layer, 0 the lowest."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contract = next(c for c in config["tool"]["importlinter"]["contracts"]
                    if c["type"] == "layers")
    found = {}
    for height, layer in enumerate(reversed(contract["layers"])):
        for name in layer.split("|"):
            found[name.strip().removeprefix("patientlab.")] = height
    return found


def blueprints() -> dict[str, str]:
    """Blueprint name → the package that defines it."""
    found = {}
    for path in (ROOT / "patientlab").rglob("*.py"):
        for name in BLUEPRINT.findall(path.read_text()):
            found[name] = path.relative_to(ROOT / "patientlab").parts[0]
    return found


def links():
    """(template, its package, endpoint's package, direction) for each url_for."""
    height = layers()
    owner = blueprints()
    for path in sorted((ROOT / "templates").rglob("*.*")):
        relative = path.relative_to(ROOT / "templates")
        package = relative.parts[0] if len(relative.parts) > 1 else CORE
        if package not in height:
            package = CORE
        for blueprint in URL_FOR.findall(path.read_text()):
            if blueprint == "static":
                continue
            target = owner.get(blueprint, "?")
            if target == package:
                continue
            if target not in height:
                direction = "unknown"
            elif height[target] < height[package]:
                direction = "down"
            elif height[target] > height[package]:
                direction = "up"
            else:
                direction = "sideways"
            yield str(relative), package, target, direction


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--max", type=int, default=None)
    args = parser.parse_args()
    found = list(links())
    counts: dict[str, int] = {}
    for template, package, target, direction in found:
        counts[direction] = counts.get(direction, 0) + 1
        if args.list and direction != "down":
            print(f"{direction:9} {template}: {package} -> {target}")
    bad = counts.get("up", 0) + counts.get("sideways", 0) + counts.get("unknown", 0)
    print(f"cross-package url_for in templates: {len(found)}; "
          + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
          + f"; up or sideways: {bad}")
    return 1 if args.max is not None and bad > args.max else 0


if __name__ == "__main__":
    sys.exit(main())
