"""The workbook a station fills in: headers, notes, an example row, pickers for the choices."""

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from stdnum.cn import ric

from ....core import sheets
from .columns import CHOICE_COLUMNS, MAX_ROWS, TEMPLATE_HEADERS

# ---- the template ----
EXAMPLE_ID_BASE = "64010420150304123"
TEMPLATE_NOTES = {
    "姓名": "必填。",
    "性别": "男 或 女；填写身份证号码时可不填（按号码推算）。",
    "身份证号码": "18 位；出生日期和性别须与号码一致。请将本列设为“文本”格式，以免 Excel 把号码变成科学计数。",
    "无身份证号码原因": "没有身份证号码时必填",
    "出生日期": "如 2015-03-04、2015/3/4 或 2015年3月4日；填写身份证号码时可不填。",
    "民族": "如 汉族、回族；不填为汉族。",
    "户籍状况": "不填为本地户籍",
    "村（居）代码": "12 位统计用区划代码；与“村（居）名称”二选一，都填时以代码为准。",
    "村（居）名称": "须在您的管辖范围内；村（居）儿童主任可不填（即本村（居））。",
    "详细住址": "不超过 200 字。",
    "就学状况": "",
    "学校": "",
    "困境类别": "可填多个，用“、”或“,”分隔",
    "监护状况": "不填为监护正常",
    "风险等级": "不填为低风险；高风险须填写风险原因。",
    "风险原因": "",
    "走访频次": "不填为每季度一次",
    "监护人姓名": "填写监护人时必填。",
    "监护人关系": "",
    "监护人电话": "",
}


def _example_id() -> str:
    return EXAMPLE_ID_BASE + ric.calc_check_digit(EXAMPLE_ID_BASE + "0")


def template_workbook(villages: list[tuple[str, str]] | None = None) -> bytes:
    """The import template: the headers, one example row, the allowed values.

    `villages` are (12-digit code, name) pairs of the user's villages: the first fills
    the example row and all are listed on the 说明 sheet.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = "儿童台账"
    sheets.header_row(ws, TEMPLATE_HEADERS, boxed=False)
    code, vname = (villages or [("", "")])[0]
    example = {
        "姓名": "张小明",
        "性别": "男",
        "身份证号码": _example_id(),
        "出生日期": date(2015, 3, 4),
        "民族": "汉族",
        "户籍状况": "本地户籍",
        "村（居）代码": code,
        "村（居）名称": vname,
        "详细住址": "三组 12 号",
        "就学状况": "在校",
        "学校": "中心小学",
        "困境类别": "农村留守儿童、家庭困境儿童",
        "监护状况": "父母双方外出务工",
        "风险等级": "低风险",
        "走访频次": "每季度一次",
        "监护人姓名": "张大山",
        "监护人关系": "祖父/外祖父",
        "监护人电话": "13900000000",
    }
    ws.append([example.get(h, "") for h in TEMPLATE_HEADERS])
    for i, h in enumerate(TEMPLATE_HEADERS, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = {"身份证号码": 22, "困境类别": 28}.get(
            h, max(10, len(h) * 2 + 2)
        )
        if h in ("身份证号码", "村（居）代码", "监护人电话"):
            ws.column_dimensions[letter].number_format = "@"
            ws.cell(row=2, column=i).number_format = "@"
        if h == "出生日期":
            ws.cell(row=2, column=i).number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"

    notes = wb.create_sheet("说明")
    sheets.header_row(notes, ("列名", "填写要求", "可填的值"), boxed=False)
    lists = {}
    for h in TEMPLATE_HEADERS:
        labels = [label for _, label in CHOICE_COLUMNS[h][0]] if h in CHOICE_COLUMNS else []
        notes.append([h, TEMPLATE_NOTES.get(h, ""), "、".join(labels)])
        lists[h] = labels
    notes.append([])
    notes.append(
        ["只读取第一个工作表；每个文件最多 5000 行；任何一行有误时，可选择只导入无误的行。"]
    )
    if villages:
        notes.append([])
        notes.append(["村（居）代码", "村（居）名称"])
        for c, n in villages:
            notes.append([c, n])
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["B"].width = 60
    notes.column_dimensions["C"].width = 80

    # Drop-down lists for the single-choice columns (values kept on a hidden sheet).
    options = wb.create_sheet("选项")
    options.sheet_state = "hidden"
    for n, h in enumerate(
        [h for h in TEMPLATE_HEADERS if h in CHOICE_COLUMNS and h != "困境类别"], start=1
    ):
        letter = get_column_letter(n)
        for row, label in enumerate(lists[h], start=1):
            options.cell(row=row, column=n, value=label)
        dv = DataValidation(
            type="list",
            formula1=f"选项!${letter}$1:${letter}${len(lists[h])}",
            allow_blank=True,
            errorStyle="warning",
            error=f"请从列表中选择{h}。",
            errorTitle="填写提示",
        )
        column = get_column_letter(TEMPLATE_HEADERS.index(h) + 1)
        dv.add(f"{column}2:{column}{MAX_ROWS + 1}")
        ws.add_data_validation(dv)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
