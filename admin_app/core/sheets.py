"""Spreadsheets in and out: one way to read an uploaded .xlsx or CSV as rows, and one way
to write a table as .xlsx and as CSV.

Columns wide enough for Chinese (a CJK character is two columns wide), the header row
bold and frozen, numbers kept as numbers, text cleaned of characters a workbook cannot
hold, and no cell that a spreadsheet would run as a formula.
"""

import csv
import io
import re
import unicodedata
import warnings
import zipfile
from decimal import Decimal

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from . import text
from .errors import DomainError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"  # its media type
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


# ---- the look of every workbook we write ----
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)  # a table's cell lines
HEAD_FILL = PatternFill("solid", fgColor="E9ECEF")  # a table's header row
BOLD = Font(bold=True)
_SIGNED = re.compile(r"^[+-]?\d+$")
SIGNED_FORMAT = "+0;-0;0"  # 净增减: +7 stays +7 and is a number


def title_rows(ws, title: str, subtitle: str, width: int) -> None:
    """A sheet's title (large, bold) and the line under it (单位, 统计期间), each across
    `width` columns."""
    ws.append([guard(title)])
    ws.append([guard(subtitle)])
    ws.cell(ws.max_row - 1, 1).font = Font(bold=True, size=14)
    ws.cell(ws.max_row - 1, 1).alignment = Alignment(horizontal="left")
    if width > 1:
        ws.merge_cells(
            start_row=ws.max_row - 1, start_column=1, end_row=ws.max_row - 1, end_column=width
        )
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=width)


def style_header(cells, boxed: bool = True) -> None:
    """Header cells: bold, centred, shaded; lined when the table is `boxed`."""
    for cell in cells:
        cell.font = BOLD
        cell.fill = HEAD_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if boxed:
            cell.border = BOX


def header_row(ws, labels, boxed: bool = True) -> None:
    """Append a table's header row."""
    ws.append([guard(str(v)) for v in labels])
    style_header(ws[ws.max_row], boxed)


def number(value):
    """A figure as a number (so the sheet can add it; a signed change keeps its sign on
    screen through SIGNED_FORMAT), other values guarded."""
    if isinstance(value, str) and _SIGNED.match(value):
        return int(value)
    return guard(value)


def body_row(ws, values, bold: bool = False) -> None:
    """Append a lined table row: figures as numbers, text guarded."""
    ws.append([number(v) for v in values])
    for cell, raw in zip(ws[ws.max_row], values, strict=False):
        cell.border = BOX
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        if bold:
            cell.font = BOLD
        if isinstance(raw, str) and raw[:1] in "+-" and _SIGNED.match(raw):
            cell.number_format = SIGNED_FORMAT


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
        for cell, v in zip(ws[ws.max_row], values, strict=False):
            if isinstance(v, Decimal):  # money (core/money.py): exact, shown to the 分
                cell.number_format = "#,##0.00"
        for i, v in enumerate(values):
            widths[i] = max(widths[i], display_width(v))
    style_header(ws[1], boxed=False)
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


# ---- reading an upload ----
MAX_COLUMNS = 60  # columns read per row; a 台账 has about 20
MAX_READ_ROWS = 20_000  # rows read from any upload (an import takes at most 5,000 of them)
MAX_UNPACKED = 64 * 1024 * 1024  # what an .xlsx may unpack to (a 5,000-row 台账: ~5 MB)
BLANK_TAIL = 1000  # this many blank rows in a row end the table (Excel keeps formatted blanks)
_BROKEN_XLSX = "无法读取该 Excel 文件，请确认是 .xlsx 格式且未损坏。"


def read_rows(filename: str, data: bytes) -> list[list]:
    """The rows of the first sheet of an uploaded .xlsx, or of a CSV in UTF-8 or GBK,
    blank tails cut. A file that cannot be read raises DomainError saying why, in Chinese."""
    name = (filename or "").lower().strip()
    if name.endswith(".xlsx"):
        return _xlsx_rows(data)
    if name.endswith(".csv"):
        try:
            rows = []
            for row in csv.reader(io.StringIO(_decode_csv(data))):
                rows.append(_cells(row))
                _count(rows)
            return rows
        except csv.Error as exc:
            raise DomainError("CSV 文件格式有误，无法读取。") from exc
    if name.endswith(".xls"):
        raise DomainError(
            "只支持 .xlsx 或 .csv 文件；旧版 .xls 文件请在 Excel 中“另存为” .xlsx 后再导入。"
        )
    raise DomainError("只支持 .xlsx 或 .csv 文件。")


def _cells(row) -> list:
    """At most MAX_COLUMNS cells, text cleaned of control characters (core/text.py)."""
    return [text.clean(c) if isinstance(c, str) else c for c in list(row)[:MAX_COLUMNS]]


def _count(rows: list) -> None:
    if len(rows) > MAX_READ_ROWS:
        raise DomainError(f"表格超过 {MAX_READ_ROWS} 行，请拆分成多个文件后再上传。")


def _unpacked_size_ok(data: bytes) -> None:
    """Refuse a zip bomb before anything is unpacked: the sizes the archive declares bound
    what zipfile will ever inflate, so memory stays bounded."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DomainError(_BROKEN_XLSX) from exc
    if sum(m.file_size for m in members) > MAX_UNPACKED or len(members) > 1000:
        raise DomainError(
            f"该 Excel 文件解压后超过 {MAX_UNPACKED // (1024 * 1024)} MB，不像一份台账；"
            "请确认文件无误，或拆分后再上传。"
        )


def _xlsx_rows(data: bytes) -> list[list]:
    _unpacked_size_ok(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it ignores
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        raise DomainError(_BROKEN_XLSX) from exc
    try:
        rows, blank = [], 0
        for row in wb.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS):
            rows.append(_cells(row))
            blank = 0 if any(c is not None and str(c).strip() for c in row) else blank + 1
            if blank >= BLANK_TAIL:
                break
            _count(rows)
        return rows
    except DomainError:
        raise
    except Exception as exc:
        raise DomainError(_BROKEN_XLSX) from exc
    finally:
        wb.close()


def _decode_csv(data: bytes) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise DomainError("无法识别 CSV 文件的编码，请另存为 UTF-8 或 GBK 编码。")
