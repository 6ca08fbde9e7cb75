"""Spreadsheets going out: one way to write a table as .xlsx and as CSV.

Columns wide enough for Chinese (a CJK character is two columns wide), the header row
bold and frozen, numbers kept as numbers, text cleaned of characters a workbook cannot
hold, and no cell that a spreadsheet would run as a formula.
"""

import csv
import io
import unicodedata

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from . import text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_WIDTH = 60


def guard(value):
    """A cell value safe for a spreadsheet: cleaned text, never a formula."""
    if isinstance(value, str):
        value = text.clean(value)
        if value[:1] in FORMULA_STARTS:
            return "'" + value
    return value


def display_width(value) -> int:
    """How many columns a value takes on screen (CJK characters take two)."""
    return sum(
        2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in str(value or "")
    )


def xlsx(title: str, headers: list[str], rows) -> bytes:
    """One sheet called `title` (the list's name), the header row first."""
    wb = Workbook()
    ws = wb.active
    ws.title = _sheet_title(title)
    ws.append([str(h) for h in headers])
    widths = [display_width(h) for h in headers]
    for row in rows:
        values = [guard(v) for v in row]
        ws.append(values)
        for i, v in enumerate(values):
            widths[i] = max(widths[i], display_width(v))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="center")
    ws.freeze_panes = "A2"
    for i, width in enumerate(widths):
        ws.column_dimensions[ws.cell(row=1, column=i + 1).column_letter].width = min(
            MAX_WIDTH, width + 2
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(headers: list[str], rows) -> bytes:
    """CSV that Excel on Windows opens with Chinese intact (UTF-8 with a BOM)."""
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf)
    writer.writerow([str(h) for h in headers])
    for row in rows:
        writer.writerow(["" if v is None else guard(v) for v in row])
    return buf.getvalue().encode("utf-8")


def _sheet_title(title: str) -> str:
    cleaned = "".join(ch for ch in str(title) if ch not in "[]:*?/\\")
    return (cleaned or "数据")[:31]
