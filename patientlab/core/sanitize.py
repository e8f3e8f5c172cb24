"""The only place where user-written text is cleaned.

Every text a user writes goes through one of these functions before it is
stored. Plain text is normalised (Unicode NFC, no control characters) and is
escaped by Jinja when shown. Rich text is limited to a tight allowlist; the
strict Content-Security-Policy is the second wall. Keeping every bleach call in
this module means the engine can be swapped (for example for nh3) in one file.
"""

import html
import re
import unicodedata
from functools import lru_cache

from bleach import html5lib_shim
from bleach.sanitizer import Cleaner

ALLOWED_TAGS = frozenset({"p", "br", "ul", "ol", "li", "strong", "em", "a"})
ALLOWED_ATTRIBUTES = {"a": ["href"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"

# Code points HTML forbids in a document (the W3C checker's « forbidden code point »),
# which XML, calendar files and mail do not want either: C0 and C1 controls but tab, line
# feed and carriage return; lone surrogates; the 66 noncharacters (U+FDD0–U+FDEF and the
# last two of each of the 17 planes, U+FFFE, U+FFFF, U+1FFFE … U+10FFFF).
_FORBIDDEN_CLASS = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(chr(plane * 0x10000 + 0xFFFE) + chr(plane * 0x10000 + 0xFFFF)
              for plane in range(17)))
_FORBIDDEN = re.compile(f"[{_FORBIDDEN_CLASS}]")
# Those, and the zero-width and bidirectional formatting characters that can disguise
# text (removed from what is stored, not from what is typed).
_CONTROL = re.compile(
    f"[{_FORBIDDEN_CLASS}\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]"
)


def without_forbidden(value: str) -> str:
    """``value`` without the code points HTML forbids. Every text a request brings (form
    fields, URL parameters) passes here as it is parsed (core.application.Request), so no
    page, export or mail can carry one; exports and mail pass here again for anything
    stored before."""
    return _FORBIDDEN.sub("", value) if _FORBIDDEN.search(value) else value


def _unescape(value: str) -> str:
    """``value`` with its character references resolved, without the code points HTML
    forbids: ``html.unescape`` gives raw C1 controls for « &#x81; », « &#x8d; »,
    « &#x8f; », « &#x90; » and « &#x9d; » (references HTML maps to nothing), which the
    cleaning of the typed text, done before, never saw."""
    return without_forbidden(html.unescape(value))


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


# Web addresses typed as plain text become links. The pattern has no nested
# repetition and every match starts at a literal « http », so finding them costs one
# pass over the text (bleach's own linkify is quadratic on inputs such as "a.b-" × 1000).
_BARE_URL = re.compile(r"\bhttps?://[^\s<>\"']+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?)]}»”’"


class _LinkFilter(html5lib_shim.Filter):
    """Every link gets rel="noopener noreferrer nofollow"."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] in ("StartTag", "EmptyTag") and token["name"] == "a":
                token["data"][(None, "rel")] = LINK_REL
            yield token


_cleaner = Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[_LinkFilter],
)

# Rich text is cleaned in linear time, whatever was typed.
#
# 1. One pass (str.find and anchored matches only) splits the input into tags and
#    text. Only allowed tags are kept, written anew (``<a>`` with its href alone), and
#    a closing tag closes only what is open: the markup is balanced and at most
#    MAX_DEPTH deep, so html5lib never meets the misnested or deeply nested input on
#    which its tree builder is quadratic (« <ul><li> » × 1000).
# 2. bleach cleans that markup, each text replaced by one placeholder (U+2063, which
#    _CONTROL removes from every input, so no text contains it): html5lib reads one
#    token per tag instead of one per « < » or « & » of the text.
# 3. The texts, unescaped once then escaped by the standard library, and with their web
#    addresses linked, take the places of the placeholders.
MAX_DEPTH = 12
# html5lib spends about as much on one tag as on a hundred characters of text: past
# this many tags in one text (a summary has a few dozen), further tags are dropped and
# their text kept, so that markup-dense input costs what ordinary text does.
MAX_TAGS = 300
_PLACEHOLDER = "\u2063"
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)((?:[\s/][^<>]*)?)>")
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
_VOID = frozenset({"br"})


def _link_text(text: str) -> str:
    """Escaped text, its bare web addresses made into links."""
    out, cursor = [], 0
    for match in _BARE_URL.finditer(text):
        url = match.group(0).rstrip(_URL_TRAILING)
        if len(url) <= len("https://"):
            continue
        start = match.start()
        out.append(html.escape(text[cursor:start], quote=False))
        href = html.escape(url, quote=True)
        out.append(f'<a href="{href}" rel="{LINK_REL}">{html.escape(url, quote=False)}</a>')
        cursor = start + len(url)
    out.append(html.escape(text[cursor:], quote=False))
    return "".join(out)


class _Markup:
    """The allowed tags of a text, balanced, and the texts between them."""

    def __init__(self):
        self.skeleton: list[str] = []
        self.texts: list[str] = []
        self.stack: list[str] = []
        self.pending: list[str] = []
        self.tags = 0

    def text(self, raw: str) -> None:
        if raw:
            self.pending.append(raw)

    def _flush(self) -> None:
        if not self.pending:
            return
        value = _unescape("".join(self.pending))
        self.pending.clear()
        self.texts.append(html.escape(value, quote=False) if "a" in self.stack
                          else _link_text(value))
        self.skeleton.append(_PLACEHOLDER)

    def tag(self, closing: bool, name: str, attributes: str) -> None:
        if name not in ALLOWED_TAGS or self.tags >= MAX_TAGS - len(self.stack):
            return  # (room is kept to close what is open)
        self._flush()
        self.tags += 1
        if name in _VOID:
            if not closing:
                self.skeleton.append(f"<{name}>")
            return
        if closing:
            if name in self.stack:  # close what is open inside it too
                while self.stack:
                    top = self.stack.pop()
                    self.skeleton.append(f"</{top}>")
                    if top == name:
                        break
            return
        if len(self.stack) >= MAX_DEPTH or (name == "a" and "a" in self.stack):
            return
        self.stack.append(name)
        href = _HREF.search(attributes) if name == "a" else None
        if href:
            value = _unescape(next(v for v in href.groups() if v is not None))
            self.skeleton.append(f'<a href="{html.escape(value, quote=True)}">')
        else:
            self.skeleton.append(f"<{name}>")

    def close_all(self) -> None:
        self._flush()
        self.skeleton.extend(f"</{name}>" for name in reversed(self.stack))
        self.stack.clear()


def _parse(text: str) -> _Markup:
    markup, cursor, end = _Markup(), 0, len(text)
    while cursor < end:
        lt = text.find("<", cursor)
        if lt < 0:
            markup.text(text[cursor:])
            break
        if text.startswith("<!--", lt):  # a comment goes, with what it hides
            markup.text(text[cursor:lt])
            close = text.find("-->", lt + 4)
            cursor = end if close < 0 else close + 3
            continue
        tag = _TAG.match(text, lt)
        if tag is None:  # a « < » that opens no tag is text
            next_lt = text.find("<", lt + 1)
            stop = end if next_lt < 0 else next_lt
            markup.text(text[cursor:stop])
            cursor = stop
            continue
        markup.text(text[cursor:lt])
        closing, name, attributes = tag.groups()
        markup.tag(bool(closing), name.lower(), attributes)
        cursor = tag.end()
    markup.close_all()
    return markup


def rich_text(value: str | None) -> str:
    """Clean user HTML down to paragraphs, lists, emphasis and safe links.

    Linear in the length of the text (see above); bleach has the last word on the tags.
    """
    if not value:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = _CONTROL.sub("", text)
    markup = _parse(text)
    cleaned = _cleaner.clean("".join(markup.skeleton)).split(_PLACEHOLDER)
    if len(cleaned) != len(markup.texts) + 1:  # never expected: fall back to text alone
        return html.escape(text, quote=False).strip()
    pieces = [cleaned[0]]
    for text_piece, after in zip(markup.texts, cleaned[1:], strict=True):
        pieces.append(text_piece)
        pieces.append(after)
    return "".join(pieces).strip()


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
    return Markup(_cleaned_for_display(stored))  # noqa: S704 - the allowlist's output  # nosec


@lru_cache(maxsize=4096)
def _cleaned_for_display(stored: str) -> str:
    """The same stored text always cleans to the same HTML: cleaned once per process
    and text, not on every page (5 ms for a 1,700-character summary section)."""
    html = stored if _BLOCK_TAG.search(stored) else _blocks_from_plain(stored)
    return rich_text(html)


_EDIT_BREAKS = (
    (re.compile(r"\s*<br\s*/?>\s*", re.IGNORECASE), "\n"),
    (re.compile(r"\s*</li>\s*<li\b[^>]*>\s*", re.IGNORECASE), "\n- "),
    (re.compile(r"\s*<li\b[^>]*>\s*", re.IGNORECASE), "- "),
    (re.compile(r"\s*</li>\s*", re.IGNORECASE), ""),
    (re.compile(r"\s*</?(p|ul|ol)\b[^>]*>\s*", re.IGNORECASE), "\n\n"),
)


_STORED_LINK = re.compile(r'<a\b[^<>]*?\bhref="([^"<>]*)"[^<>]*>(.*?)</a\s*>',
                          re.IGNORECASE | re.DOTALL)


def _typed_link(match: re.Match) -> str:
    """A link as its author typed it: a web address typed alone stays a bare address
    (rich_text links it again); a link whose words differ from its address keeps the one
    form rich_text reads for it, ``<a href="…">words</a>``, without the rel it adds."""
    href, inner = match.group(1), match.group(2)
    address = _unescape(href)
    after = match.string[match.end():match.end() + 1]
    bare = (_unescape(inner) == address and _BARE_URL.fullmatch(address) is not None
            and address[-1] not in _URL_TRAILING
            and (not after or after.isspace() or after in _URL_TRAILING + "<"))
    return inner if bare else f'<a href="{href}">{inner}</a>'


def editable(stored: str | None) -> str:
    """The stored rich text as the author types it, for a textarea (Jinja escapes it):
    paragraphs separated by a blank line and « - » list items, the form the edit boxes
    ask for, never the ``<p>`` of text stored as HTML (imported or written before); links
    as typed (``_typed_link``). Saved again, it is stored the same."""
    text = _STORED_LINK.sub(_typed_link, stored or "")
    if _BLOCK_TAG.search(text):
        for pattern, replacement in _EDIT_BREAKS:
            text = pattern.sub(replacement, text)
        text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return _unescape(text)
