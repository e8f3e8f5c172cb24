"""CSV files that spreadsheets open safely: UTF-8 with a byte-order mark (so Excel reads
the accents) and no cell that a spreadsheet would run as a formula."""

import csv
import io
from collections.abc import Iterable

from patientlab.core.sanitize import without_forbidden

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """Spreadsheets run cells starting with = + - @ (or a tab/return) as formulas; a
    code point HTML forbids (a text stored before input was cleaned) is left out."""
    value = without_forbidden(value)
    return "'" + value if value[:1] in FORMULA_START else value


def csv_for_excel(rows: Iterable[Iterable], separator: str = ";") -> str:
    """Every text cell goes through safe_cell here, so no column can be forgotten (the
    e-mail column of the registrations once was); numbers stay numbers."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\r\n")
    writer.writerows([safe_cell(cell) if isinstance(cell, str) else cell for cell in row]
                     for row in rows)
    return "\ufeff" + out.getvalue()
