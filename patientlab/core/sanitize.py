"""The only place where user-written text is cleaned.

Every text a user writes goes through one of these functions before it is
stored. Plain text is normalised (Unicode NFC, no control characters) and is
escaped by Jinja when shown. Rich text is limited to a tight allowlist; the
strict Content-Security-Policy is the second wall. Keeping every bleach call in
this module means the engine can be swapped (for example for nh3) in one file.
"""

import re
import unicodedata

import bleach
from bleach.linkifier import Linker

ALLOWED_TAGS = frozenset({"p", "br", "ul", "ol", "li", "strong", "em", "a"})
ALLOWED_ATTRIBUTES = {"a": ["href"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"

# C0/C1 control characters except tab, line feed and carriage return; also the
# zero-width and bidirectional formatting characters that can disguise text.
_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]"
)


def plain_text(value: str | None, *, multiline: bool = False) -> str:
    """Normalise a plain-text field: NFC, no control characters, trimmed.

    Single-line fields also fold every run of white space into one space.
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = _CONTROL.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if multiline:
        lines = [line.rstrip() for line in text.split("\n")]
        text = "\n".join(lines)
        text = re.sub(r"\n{3,}", "\n\n", text)
    else:
        text = re.sub(r"\s+", " ", text)
    return text.strip()


def _set_link_rel(attrs, new=False):
    attrs[(None, "rel")] = LINK_REL
    return attrs


_linker = Linker(callbacks=[_set_link_rel], parse_email=False)


def rich_text(value: str | None) -> str:
    """Clean user HTML down to paragraphs, lists, emphasis and safe links."""
    if not value:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = _CONTROL.sub("", text)
    cleaned = bleach.clean(
        text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )
    # Every surviving link gets rel="noopener noreferrer nofollow".
    cleaned = _linker.linkify(cleaned)
    return cleaned.strip()


_BLOCK_TAG = re.compile(r"<(p|ul|ol)\b", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^\s*[-•*]\s+")


def _blocks_from_plain(text: str) -> str:
    """Blank lines separate paragraphs; lines starting with « - » make a list."""
    html = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if all(_LIST_ITEM.match(line) for line in lines):
            items = "".join(f"<li>{_LIST_ITEM.sub('', line).strip()}</li>" for line in lines)
            html.append(f"<ul>{items}</ul>")
        else:
            html.append("<p>" + "<br>".join(line.strip() for line in lines) + "</p>")
    return "".join(html)


def render_rich_text(stored: str | None):
    """HTML for display of a stored rich-text field, as Markup (safe to insert).

    The stored value already went through rich_text(); it is cleaned again here
    so that what reaches a page has always just passed the allowlist.
    """
    from markupsafe import Markup

    if not stored:
        return Markup("")
    html = stored if _BLOCK_TAG.search(stored) else _blocks_from_plain(stored)
    return Markup(rich_text(html))  # noqa: S704 - output of the allowlist cleaner  # nosec


def editable(stored: str | None) -> str:
    """The stored rich text as the author typed it, for a textarea (Jinja escapes it)."""
    import html

    return html.unescape(stored or "")
