"""One page of a long list: the items shown, how many there are in all, which page."""

import math
from dataclasses import dataclass, field


@dataclass
class Page:
    total: int
    page: int
    per_page: int
    items: list = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @classmethod
    def of(cls, total: int, requested: int, per_page: int) -> "Page":
        """An empty page numbered ``requested``, brought back within the pages that exist;
        fill ``items`` with ``per_page`` rows from ``offset``."""
        pages = max(1, math.ceil(total / per_page))
        return cls(total, min(max(requested, 1), pages), per_page)
