"""CSV files that spreadsheets open safely: UTF-8 with a byte-order mark (so Excel reads
the accents) and no cell that a spreadsheet would run as a formula."""

import csv
import io
from collections.abc import Iterable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """Spreadsheets run cells starting with = + - @ (or a tab/return) as formulas."""
    return "'" + value if value[:1] in FORMULA_START else value


def csv_for_excel(rows: Iterable[Iterable], separator: str = ";") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\r\n")
    writer.writerows(rows)
    return "\ufeff" + out.getvalue()
