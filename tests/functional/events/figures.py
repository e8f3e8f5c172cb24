"""Reading an organiser page's figures as a person reads them: each label with the
number that follows it (a list of terms, a table's rows, a CSV file's two columns)."""

import csv
import io
import re
from html.parser import HTMLParser


class _Pairs(HTMLParser):
    """Label → text of the value, from <dt>/<dd> and from <th>/<td> on a row."""

    def __init__(self):
        super().__init__()
        self.pairs: list[tuple[str, str]] = []
        self._tag, self._label, self._text = None, None, []

    def handle_starttag(self, tag, attrs):
        if tag in ("dt", "dd", "th", "td"):
            self._tag, self._text = tag, []

    def handle_endtag(self, tag):
        if tag != self._tag:
            return
        text = " ".join("".join(self._text).split())
        if tag in ("dt", "th"):
            self._label = text
        elif self._label is not None:
            self.pairs.append((self._label, text))
            self._label = None
        self._tag = None

    def handle_data(self, data):
        if self._tag:
            self._text.append(data)


def figures_in(page: str, labels) -> dict[str, int]:
    """The first number said after each of ``labels`` on the page (the first time the
    label appears)."""
    parser = _Pairs()
    parser.feed(page)
    found = {}
    for label, value in parser.pairs:
        if label in labels and label not in found:
            number = re.match(r"\d+", value)
            if number:
                found[label] = int(number.group())
    return found


def figures_in_csv(text: str, labels) -> dict[str, int]:
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    return {row[0]: int(row[1]) for row in rows if len(row) == 2 and row[0] in labels}
