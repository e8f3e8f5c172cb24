"""French typography for the interface's own text: a no-break space before « : » and
inside « », a narrow no-break space before « ; ! ? », so that no « : », « » », « ? » or
« ! » starts a line on its own (Imprimerie nationale's rules). Applied to the French catalogue by
`make translations` (scripts/french_typography.py) and checked by
tests/unit/test_translations.py; user-written text stays as typed.
"""

import re

NBSP = "\u00a0"
NARROW_NBSP = "\u202f"

_BEFORE_HIGH = re.compile(r" +([;!?])")
_BEFORE_CLOSING = re.compile(r" +([:»])")
_AFTER_OPENING = re.compile(r"« +")


def french_spacing(text: str) -> str:
    text = _BEFORE_HIGH.sub(NARROW_NBSP + r"\1", text)
    text = _BEFORE_CLOSING.sub(NBSP + r"\1", text)
    return _AFTER_OPENING.sub("«" + NBSP, text)
