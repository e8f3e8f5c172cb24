"""Routes longer than a page of reading: the body of every view function (decorators and
docstring excluded), longest first. ``python scripts/route_lengths.py [--over N] [--max M]``:
with ``--max``, fails when more than M routes are over N lines (``make lint``: none over 15)."""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "patientlab"


def _is_route(decorator: ast.expr) -> bool:
    call = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(call, ast.Attribute) and call.attr in {"route", "get", "post"}


def routes():
    for path in sorted(ROOT.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if not any(_is_route(d) for d in node.decorator_list):
                continue
            body = node.body
            if (body and isinstance(body[0], ast.Expr)
                    and isinstance(getattr(body[0], "value", None), ast.Constant)
                    and isinstance(body[0].value.value, str)):
                body = body[1:]
            if not body:
                continue
            lines = {n for stmt in body for child in ast.walk(stmt)
                     for n in range(getattr(child, "lineno", 0),
                                    (getattr(child, "end_lineno", 0) or 0) + 1)
                     if getattr(child, "lineno", None)}
            yield len(lines), f"{path.relative_to(ROOT.parent)}:{node.lineno} {node.name}"


def main(argv: list[str]) -> int:
    over = int(argv[argv.index("--over") + 1]) if "--over" in argv else 15
    found = sorted(routes(), reverse=True)
    long = [(n, name) for n, name in found if n > over]
    for n, name in long:
        print(f"{n:4d}  {name}")
    print(f"{len(long)} of {len(found)} routes over {over} lines")
    if "--max" in argv and len(long) > int(argv[argv.index("--max") + 1]):
        print("Move the route's rules into its service, or its page into a helper.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
