"""Excel/CSV in and out of the allocation table (附件1)."""

import io

from openpyxl import Workbook

from ...core import sheets
from ...documents import Allocation, DomainError, Place
from ...documents.constants import MAX_TARGET

HEADERS = (
    "县区代码",
    "市",
    "县（区）",
    "任务总数（附件1）",
    "2023年建设任务",
    "2024年建设任务",
    "分年已确认",
    "备注",
)


class AllocationImportError(Exception):
    """The file has problems; nothing was imported. `errors` are Chinese, one per problem."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def allocation_workbook(allocations) -> bytes:
    """附件1 as an .xlsx file, one row per county, with the sums at the bottom."""
    wb = Workbook()
    ws = wb.active
    ws.title = "建设任务分配表"
    sheets.title_rows(ws, "未成年人保护工作站建设任务分配表", "单位：个", 1)
    sheets.header_row(ws, HEADERS, boxed=False)
    for a in allocations:
        info = Place.info(a.place) or {}
        city = Place.name_of(info.get("place_path", [None, None])[1]) if info else ""
        ws.append(
            [
                info.get("code", a.place),
                city,
                info.get("name", ""),
                a.plan_total,
                a.target_2023,
                a.target_2024,
                "是" if a.split_confirmed else "否",
                a.note or "",
            ]
        )
    last = ws.max_row
    ws.append(
        ["合计", "", "", f"=SUM(D4:D{last})", f"=SUM(E4:E{last})", f"=SUM(F4:F{last})", "", ""]
    )
    for col, width in zip("ABCDEFGH", (16, 10, 12, 18, 16, 16, 12, 30), strict=True):
        ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _rows_from(filename: str, data: bytes) -> list[list]:
    try:
        return sheets.read_rows(filename, data)
    except DomainError as exc:
        raise AllocationImportError([exc.message]) from exc


def _int(value, label: str, line: int, errors: list[str]):
    if value is None or str(value).strip() == "":
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        errors.append(f"第 {line} 行：{label}“{value}”不是数字。")
        return None
    if number != int(number):
        errors.append(f"第 {line} 行：{label}应为整数。")
        return None
    number = int(number)
    if number < 0:
        errors.append(f"第 {line} 行：{label}不能为负数。")
    elif number > MAX_TARGET:
        errors.append(f"第 {line} 行：{label}不能超过 {MAX_TARGET}。")
    return number


def _header(rows) -> tuple[int, dict[str, int]]:
    """(row index of the header, column index by header text); refuse a file without one."""
    header_at = next(
        (
            i
            for i, r in enumerate(rows[:10])
            if r and any(str(c or "").strip() == "2023年建设任务" for c in r)
        ),
        None,
    )
    if header_at is None:
        raise AllocationImportError(
            [
                "找不到表头：文件应含“县区代码”“2023年建设任务”“2024年建设任务”列（可先下载本表作模板）。"
            ]
        )
    header = [str(c or "").strip() for c in rows[header_at]]
    col = {h: i for i, h in enumerate(header)}
    if "2024年建设任务" not in col or ("县区代码" not in col and "县（区）" not in col):
        raise AllocationImportError(["表头缺少“县区代码”（或“县（区）”）或“2024年建设任务”列。"])
    return header_at, col


def _check_split(allocation, t23, t24, line: int, errors: list[str]) -> None:
    """The row held to the edit form's own rule (Allocation.check), with its line number."""
    if any(e.startswith(f"第 {line} 行") for e in errors):
        return  # a number already refused: one message a line
    trial = Allocation(plan_total=allocation.plan_total, target_2023=t23, target_2024=t24)
    try:
        trial.check()
    except DomainError as exc:
        errors.append(f"第 {line} 行：{exc.message}")


def read_allocation_table(filename: str, data: bytes, allowed_query) -> list[tuple]:
    """Validate a whole file and return [(allocation, {field: value})]; raise if any row is wrong.

    Rows are matched by 县区代码 (or by the county's name); only counties in
    `allowed_query` (the user's scope) may be changed.
    """
    rows = _rows_from(filename, data)
    header_at, col = _header(rows)
    by_code = {}
    by_name = {}
    for a in allowed_query:
        info = Place.info(a.place) or {}
        by_code[info.get("code")] = a
        by_name[info.get("name")] = a
    errors: list[str] = []
    changes = []
    seen = set()
    for offset, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        cells = [str(c).strip() if c is not None else "" for c in row]
        if not any(cells) or cells[0] in ("合计", "总计"):
            continue

        def get(name, cells=cells):
            i = col.get(name)
            return cells[i] if i is not None and i < len(cells) else ""

        code, name = get("县区代码"), get("县（区）")
        allocation = by_code.get(code) if code else by_name.get(name)
        if allocation is None:
            errors.append(f"第 {offset} 行：县（区）“{code or name}”不存在或不在您的管辖范围内。")
            continue
        if allocation.pk in seen:
            errors.append(f"第 {offset} 行：县（区）“{code or name}”重复出现。")
            continue
        seen.add(allocation.pk)
        t23 = _int(get("2023年建设任务"), "2023年建设任务", offset, errors)
        t24 = _int(get("2024年建设任务"), "2024年建设任务", offset, errors)
        _check_split(allocation, t23, t24, offset, errors)
        values = {"target_2023": t23, "target_2024": t24}
        if "备注" in col:
            note = get("备注")
            if len(note) > 500:
                errors.append(f"第 {offset} 行：备注不能超过 500 字。")
            values["note"] = note or None
        changes.append((allocation, values))
    if errors:
        raise AllocationImportError(errors)
    if not changes:
        raise AllocationImportError(["文件中没有可导入的数据行。"])
    return changes
