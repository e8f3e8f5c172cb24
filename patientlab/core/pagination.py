"""One page of a long list: the items shown, how many there are in all, which page."""

import math
import re
from dataclasses import dataclass, field

# Only ASCII digits, and few of them: « ² », « 1⁰ » (which str.isdigit() accepts and int()
# refuses) or a 4,300-digit number give the first page, never a server error.
_PAGE = re.compile(r"[0-9]{1,6}")
MAX_PAGE = 100_000


def page_number(raw: str | None) -> int:
    """The page asked for in a query string, between 1 and MAX_PAGE (1 when unreadable)."""
    value = (raw or "").strip()
    if not _PAGE.fullmatch(value):
        return 1
    return min(max(int(value), 1), MAX_PAGE)


@dataclass
class Page:
    total: int
    page: int
    per_page: int
    items: list = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    def window(self, radius: int = 2) -> list[int | None]:
        """The page numbers a pagination shows: the first, the last and those within
        ``radius`` of this one, in order, None where numbers are left out. As many
        whatever the number of pages."""
        pages = self.pages
        near = range(max(1, self.page - radius), min(pages, self.page + radius) + 1)
        numbers: list[int | None] = []
        previous = 0
        for number in sorted({1, pages, *near}):
            if number - previous > 1:
                numbers.append(None)
            numbers.append(number)
            previous = number
        return numbers

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @classmethod
    def of(cls, total: int, requested: int, per_page: int) -> "Page":
        """An empty page numbered ``requested``, brought back within the pages that exist;
        fill ``items`` with ``per_page`` rows from ``offset``."""
        pages = max(1, math.ceil(total / per_page))
        return cls(total, min(max(requested, 1), pages), per_page)
