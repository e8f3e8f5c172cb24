"""Reading a page as a screen reader would: each piece of text with the language it is
read in (the nearest lang attribute), to find French words read with English rules and
dates written as numbers."""

import re
from html.parser import HTMLParser

NUMERIC_DATE = re.compile(r"(?<![\d/])\d{1,2}/\d{1,2}/\d{2,4}(?![\d/])")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class _Texts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.texts = [], []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        lang = dict(attrs).get("lang")
        self.stack.append((tag, lang if lang is not None else
                           (self.stack[-1][1] if self.stack else None)))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if data.strip() and not any(tag in ("script", "style") for tag, _ in self.stack):
            self.texts.append((" ".join(data.split()), self.stack[-1][1] if self.stack
                               else None, [tag for tag, _ in self.stack]))


def texts(html: str) -> list[tuple[str, str | None, list[str]]]:
    """(text, language it is read in, enclosing tags) for each piece of text."""
    parser = _Texts()
    parser.feed(html)
    return parser.texts


def problems_of(html: str, french: dict[str, str], labels: tuple[str, ...] = ()) -> list[str]:
    """French content (``french``: what → words) read without lang="fr", French labels
    (``labels``) outside French content, and numeric dates (« 1/10/27 »)."""
    found = []
    for text, lang, tags in texts(html):
        if "title" in tags:  # the document title takes plain text
            continue
        for what, words in french.items():
            if words in text and lang != "fr":
                found.append(f"{what} without lang=fr: {text!r} (lang={lang})")
        for label in labels:
            if label in text and lang != "fr":
                found.append(f"French label {label!r}: {text!r}")
        if NUMERIC_DATE.search(text):
            found.append(f"numeric date: {text!r}")
    return found
