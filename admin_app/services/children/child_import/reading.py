"""Reading the uploaded file (xlsx or CSV in any usual encoding) as rows under its header."""

from ....core import sheets
from ....core.errors import DomainError
from .columns import HEADER_ALIASES, MAX_ROWS, TEMPLATE_HEADERS, ImportFileError, _norm, _text
from .villages import _user_village


def _raw_rows(filename: str, data: bytes):
    """(line number, [cell values]) of every row of the first sheet, blank tails cut."""
    try:
        return list(enumerate(sheets.read_rows(filename, data), start=1))
    except DomainError as exc:
        raise ImportFileError([exc.message]) from exc


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
