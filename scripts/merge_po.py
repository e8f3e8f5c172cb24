"""A git merge driver for the translation catalogues: merges by message, not by line.

Two lines of work that each add messages sorted next to each other would conflict (or,
merged line by line, run one entry into the next). This driver reads the common
ancestor, ours and theirs as catalogues and keeps every message either side added,
removes what one side removed and the other left alone, and takes the side that changed
a translation; when both changed the same one differently, ours wins and the merge says
so. The result is written sorted, as `make babel-update` writes it.

Set up once per clone (the attribute is in .gitattributes):
    git config merge.catalogue.driver "python3 scripts/merge_po.py %O %A %B %P"
"""

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def _read(path: str, locale: str | None):
    with open(path, "rb") as handle:
        return read_po(handle, locale=locale)


def _key(message):
    return (message.id, message.context)


def _same(a, b) -> bool:
    """The same translation (flags such as python-format follow the code, not the
    translator: a side that only re-extracted must not hide the other side's change)."""
    return a.string == b.string


def merge(base_path: str, ours_path: str, theirs_path: str, name: str) -> int:
    parts = Path(name).parts
    locale = parts[1] if len(parts) > 2 and parts[0] == "translations" else None
    base, ours, theirs = (_read(p, locale) for p in (base_path, ours_path, theirs_path))
    base_by = {_key(m): m for m in base if m.id}
    ours_by = {_key(m): m for m in ours if m.id}
    theirs_by = {_key(m): m for m in theirs if m.id}
    conflicts = []
    for key, mine in list(ours_by.items()):
        other = theirs_by.get(key)
        before = base_by.get(key)
        if other is None:
            if before is not None and _same(mine, before):
                ours.delete(*key)  # they removed it, we left it alone
            continue
        if _same(mine, other):
            continue
        if before is not None and _same(mine, before):
            ours[key[0]] = other  # only they changed it
        elif before is None or not _same(other, before):
            conflicts.append(key[0])
    for key, other in theirs_by.items():
        if key in ours_by:
            continue
        if key in base_by and _same(other, base_by[key]):
            continue  # we removed it, they left it alone
        ours[key[0]] = other
    with open(ours_path, "wb") as handle:
        write_po(handle, ours, width=100, sort_output=True, ignore_obsolete=True,
                 omit_header=False)
    for message_id in conflicts:
        print(f"{name}: both sides changed « {message_id} »: ours kept", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(merge(*sys.argv[1:5]))
