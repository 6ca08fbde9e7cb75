"""Reading the uploaded file (xlsx or CSV in any usual encoding) as rows under its header."""

import csv
import io
import warnings

from openpyxl import load_workbook

from .columns import (
    BLANK_TAIL,
    HEADER_ALIASES,
    MAX_COLUMNS,
    MAX_ROWS,
    TEMPLATE_HEADERS,
    ImportFileError,
    _norm,
    _text,
)
from .villages import _user_village


# ---- reading the file ----
def _decode_csv(data: bytes) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(["无法识别 CSV 文件的编码，请另存为 UTF-8 或 GBK 编码。"])


def _raw_rows(filename: str, data: bytes):
    """(line number, [cell values]) of every row of the first sheet, blank tails cut."""
    name = (filename or "").lower().strip()
    if name.endswith(".xlsx"):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # openpyxl warns about styles it ignores
                wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds on a broken file
            raise ImportFileError(["无法读取该 Excel 文件，请确认是 .xlsx 格式且未损坏。"]) from exc
        try:
            ws = wb.worksheets[0]
            rows = []
            blank = 0
            for row in ws.iter_rows(values_only=True, max_col=MAX_COLUMNS):
                rows.append(list(row))
                blank = blank + 1 if not any(_text(c) for c in row) else 0
                if blank >= BLANK_TAIL:
                    break
            return list(enumerate(rows, start=1))
        except Exception as exc:
            raise ImportFileError(["无法读取该 Excel 文件，请确认是 .xlsx 格式且未损坏。"]) from exc
        finally:
            wb.close()
    if name.endswith(".csv"):
        text = _decode_csv(data)
        try:
            rows = [r[:MAX_COLUMNS] for r in csv.reader(io.StringIO(text))]
        except csv.Error as exc:
            raise ImportFileError(["CSV 文件格式有误，无法读取。"]) from exc
        return list(enumerate(rows, start=1))
    if name.endswith(".xls"):
        raise ImportFileError(
            ["只支持 .xlsx 或 .csv 文件；旧版 .xls 文件请在 Excel 中“另存为” .xlsx 后再导入。"]
        )
    raise ImportFileError(["只支持 .xlsx 或 .csv 文件。"])


def _norm_header(value) -> str:
    text = _norm(_text(value)).rstrip("*＊").lstrip("*＊")
    return HEADER_ALIASES.get(text, text)


def _table(filename: str, data: bytes, user) -> tuple[dict[str, int], list[tuple[int, list]]]:
    """The column of each known header and the non-blank data rows."""
    rows = _raw_rows(filename, data)
    header_at = None
    for i, (_line, row) in enumerate(rows[:10]):
        names = {_norm_header(c) for c in row}
        if "姓名" in names and ({"身份证号码", "出生日期", "性别"} & names):
            header_at = i
            break
    if header_at is None:
        raise ImportFileError(
            [
                "找不到表头：第一行应为“姓名”“性别”“身份证号码”“出生日期”等列名（请先下载导入模板，按模板填写）。"
            ]
        )
    col: dict[str, int] = {}
    for i, cell in enumerate(rows[header_at][1]):
        name = _norm_header(cell)
        if name in TEMPLATE_HEADERS and name not in col:
            col[name] = i
    missing = []
    if "身份证号码" not in col and "出生日期" not in col:
        missing.append("身份证号码”或“出生日期")
    if "村（居）代码" not in col and "村（居）名称" not in col and _user_village(user) is None:
        missing.append("村（居）代码”或“村（居）名称")
    if missing:
        raise ImportFileError([f"表头缺少“{m}”列。" for m in missing])
    body = [(line, row) for line, row in rows[header_at + 1 :] if any(_text(c) for c in row)]
    if not body:
        raise ImportFileError(["文件中没有可导入的数据行。"])
    if len(body) > MAX_ROWS:
        raise ImportFileError(
            [
                f"文件共有 {len(body)} 行数据，超过每次最多 {MAX_ROWS} 行的上限，请拆分成多个文件分批导入。"
            ]
        )
    return col, body
