"""Give the French catalogue its typography (patientlab/core/typography.py): every
msgstr gets its no-break spaces. Run by `make translations` before compiling (so a
message added with ordinary spaces gets them too); writes only when something changed."""

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from patientlab.core.typography import french_spacing  # noqa: E402

CATALOGUE = ROOT / "translations" / "fr" / "LC_MESSAGES" / "messages.po"


def main() -> int:
    with CATALOGUE.open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    changed = 0
    for message in catalog:
        if not message.id or not message.string:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        fixed = tuple(french_spacing(text) for text in strings)
        if fixed != strings:
            message.string = fixed if isinstance(message.string, tuple) else fixed[0]
            changed += 1
    if changed:
        with CATALOGUE.open("wb") as handle:
            write_po(handle, catalog, width=100)
        print(f"French typography: {changed} messages given their no-break spaces")
    return 0


if __name__ == "__main__":
    sys.exit(main())
