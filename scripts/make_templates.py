"""Build the three official forms (附件5, 附件6, 附件7) and the case dossier as docxtpl templates.

    .venv/bin/python scripts/make_templates.py [OUT_DIR]

Writes doc_templates/help_request_form.docx (附件5 未成年人疑似伤害事件求助登记表),
doc_templates/mandatory_report_form.docx (附件6 未成年人保护强制报告登记表),
doc_templates/referral_record_form.docx (附件7 未成年人保护服务转介记录表) and
doc_templates/case_dossier.docx (附件4 step 8 组卷归档: 未成年人保护个案卷宗).
`main` builds the three forms, `write_dossier` the dossier.

Every field of each form appears in the seed's order and words. Values are plain
`{{ placeholders }}` (one run each, so Word never splits them); check-box groups and
dates arrive from admin_app/services/word/ as ready strings. The output is byte-for-byte
reproducible: fixed document properties and fixed zip timestamps.
"""

import sys
from pathlib import Path

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm, Pt

sys.path.insert(0, str(Path(__file__).resolve().parent))
from docx_kit import (  # noqa: E402 - the generators' shared kit
    HEI,
    SONG,
    reproducible,
    set_defaults,
    set_run_fonts,
)
from docx_kit import add_text as kit_add_text  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "doc_templates"

BODY_PT = 12  # 小四
HINT_PT = 9  # the small print under a label
TITLE_PT = 18  # 小二
LABEL_PT = 16  # 三号

# Column widths (cm) of the 7-column grid every form uses:
# section | label | value | label | value | label | value  (sum = 21 - 2 × 2.2 = 16.6)
WIDTHS = (1.2, 2.8, 2.7, 1.5, 2.5, 2.1, 3.8)

# A row is a list of cells: (kind, text, span). Kinds:
#   "S" section header (text stacked one character per line; merged down over `rows`
#       rows, given as span=(1, rows)), "^" continuation of the section above,
#   "L" label, "V" value placeholder (text is the variable name), "H" hint + value
#       (text is (hint, variable)).
# A row may carry a minimum height in cm as its last element (a float).
# PAGE between rows ends the table and starts the rest on a new sheet, so a section is
# never cut in two by the page end.
PAGE = "page"


def child_rows(name_label="姓名", address_label="住址"):
    """未成年人信息: the three rows every form shares."""
    return [
        [
            ("S", "未成年人信息", (1, 3)),
            ("L", name_label, 1),
            ("V", "child_name", 1),
            ("L", "性别", 1),
            ("V", "child_gender", 1),
            ("L", "年龄", 1),
            ("V", "child_age", 1),
            1.0,
        ],
        [
            ("^", "", 1),
            ("L", address_label, 1),
            ("V", "child_address", 3),
            ("L", "联系电话", 1),
            ("V", "child_phone", 1),
            1.0,
        ],
        [
            ("^", "", 1),
            ("L", "监护人姓名", 1),
            ("V", "guardian_name", 1),
            ("L", "身份", 1),
            ("V", "guardian_identity", 1),
            ("L", "联系电话", 1),
            ("V", "guardian_phone", 1),
            1.0,
        ],
    ]


def filled_row(filler_label="填写人"):
    return [
        ("L", filler_label, 2),
        ("V", "filled_by", 2),
        ("L", "填写日期", 1),
        ("V", "filled_on", 2),
        1.0,
    ]


HELP_REQUEST = {
    "file": "help_request_form.docx",
    "number": "附件5",
    "title": "未成年人疑似伤害事件求助登记表",
    "date_line": None,
    "rows": [
        *child_rows(),
        [
            ("S", "情况陈述", (1, 2)),
            ("L", "地点", 1),
            ("V", "location", 3),
            ("L", "时间", 1),
            ("V", "occurred_at", 1),
            1.0,
        ],
        [("^", "", 1), ("L", "具体经过", 1), ("V", "account", 5), 7.0],
        [
            ("S", "疑似施害者", (1, 2)),
            ("L", "姓名", 1),
            ("V", "perp_name", 1),
            ("L", "身份", 1),
            ("V", "perp_identity", 3),
            1.2,
        ],
        [
            ("^", "", 1),
            ("L", "住址", 1),
            ("V", "perp_address", 3),
            ("L", "联系电话", 1),
            ("V", "perp_phone", 1),
            1.2,
        ],
        [("L", "附件\n（文字记录、图片等相关证明）", 2), ("V", "attachment_note", 5), 3.0],
        filled_row(),
    ],
}

MANDATORY_REPORT = {
    "file": "mandatory_report_form.docx",
    "number": "附件6",
    "title": "未成年人保护强制报告登记表",
    "date_line": None,
    "rows": [
        [("S", "报告人信息", (1, 5)), ("L", "公开或匿名", 1), ("V", "reporter_public_boxes", 5)],
        [
            ("^", "", 1),
            ("L", "报告人姓名", 1),
            ("V", "reporter_name", 2),
            ("L", "联系方式", 1),
            ("V", "reporter_contact", 2),
            0.9,
        ],
        [("^", "", 1), ("L", "报告人身份", 1), ("V", "reporter_identity_boxes", 5)],
        [("^", "", 1), ("L", "报告方式", 1), ("V", "report_method_boxes", 5)],
        [("^", "", 1), ("L", "报告时间", 1), ("V", "reported_at", 5), 0.9],
        *child_rows("未成年人姓名", "居住地址"),
        [
            ("S", "情况陈述", (1, 2)),
            ("L", "案件发生地", 1),
            ("V", "scene", 3),
            ("L", "发生时间", 1),
            ("V", "occurred_at", 1),
            1.0,
        ],
        [("^", "", 1), ("L", "案件经过", 1), ("V", "account", 5), 5.0],
        [
            ("S", "疑似施害者", (1, 1)),
            ("L", "姓名", 1),
            ("V", "perp_name", 1),
            ("L", "身份", 1),
            ("V", "perp_identity", 3),
            1.2,
        ],
        PAGE,
        [("S", "未成年人具体状态", (1, 4)), ("L", "身体状态", 1), ("V", "physical_state", 5), 4.0],
        [("^", "", 1), ("L", "精神状态", 1), ("V", "mental_state", 5), 4.0],
        [("^", "", 1), ("L", "行为表现", 1), ("V", "behaviour", 5), 4.0],
        [
            ("^", "", 1),
            ("L", "未成年人对伤害案件的认知与评价", 1),
            (
                "H",
                (
                    "（认识、理解与评价：对施害者行为的认识、关系及信任程度、"
                    "亲密程度、继续相处意愿等）",
                    "child_view",
                ),
                5,
            ),
            5.0,
        ],
        [("L", "附件\n（文字记录、图片等相关信息）", 2), ("V", "attachment_note", 5), 4.0],
        filled_row(),
    ],
}

REFERRAL = {
    "file": "referral_record_form.docx",
    "number": "附件7",
    "title": "未成年人保护服务转介记录表",
    "date_line": "referred_on",
    "rows": [
        *child_rows(),
        [
            ("S", "转介服务记录", (1, 1)),
            ("L", "转介理由", 1),
            (
                "H",
                ("（目击或了解到的未成年人伤害案件具体发展过程与情形，描述性话语）", "reason"),
                5,
            ),
            7.0,
        ],
        [("S", "转介信息", (1, 4)), ("L", "转介接收单位", 1), ("V", "unit_name", 5), 1.1],
        [("^", "", 1), ("L", "单位地址", 1), ("V", "unit_address", 5), 1.1],
        [("^", "", 1), ("L", "对接负责人姓名", 1), ("V", "unit_contact_name", 5), 1.1],
        [("^", "", 1), ("L", "联系方式", 1), ("V", "unit_contact_phone", 5), 1.1],
        [("L", "未保工作站后续跟进计划", 2), ("V", "follow_up_plan", 5), 4.0],
        filled_row("填写人姓名"),
    ],
}

FORMS = (HELP_REQUEST, MANDATORY_REPORT, REFERRAL)


# ---- document-wide settings ---------------------------------------------------------


def setup_document(doc):
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    section.header_distance = section.footer_distance = Cm(1.2)
    set_defaults(doc, BODY_PT, "scripts/make_templates.py")


def add_text(paragraph, text, *, size=BODY_PT, bold=False, east_asia=SONG):
    return kit_add_text(paragraph, text, size=size, bold=bold, east_asia=east_asia)


def placeholder(name):
    return "{{ " + name + " }}"


# ---- the table ----------------------------------------------------------------------


def set_cell_margins(table, left=0.12, right=0.12, top=0.05, bottom=0.05):
    tbl_pr = table._tbl.tblPr
    margins = parse_xml(
        f"<w:tblCellMar {nsdecls('w')}>"
        f'<w:top w:w="{int(top * 567)}" w:type="dxa"/>'
        f'<w:left w:w="{int(left * 567)}" w:type="dxa"/>'
        f'<w:bottom w:w="{int(bottom * 567)}" w:type="dxa"/>'
        f'<w:right w:w="{int(right * 567)}" w:type="dxa"/>'
        "</w:tblCellMar>"
    )
    tbl_pr.append(margins)
    layout = parse_xml(f'<w:tblLayout {nsdecls("w")} w:type="fixed"/>')
    tbl_pr.append(layout)


def fill_cell(cell, kind, text):
    paragraph = cell.paragraphs[0]
    if kind == "S":
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        add_text(paragraph, "\n".join(text), bold=True)
    elif kind == "L":
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        label, _, hint = text.partition("\n")
        add_text(paragraph, label)
        if hint:
            small = cell.add_paragraph()
            small.alignment = WD_ALIGN_PARAGRAPH.CENTER
            add_text(small, hint, size=HINT_PT)
    elif kind == "V":
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
        run = add_text(paragraph, placeholder(text))
        if text.endswith("_boxes"):
            # □ and ☑ are "weak" characters: at the start of a line LibreOffice sets them
            # in the Latin font, smaller than the rest. Option lines use 宋体 throughout.
            set_run_fonts(run._element.get_or_add_rPr(), latin=SONG)
    elif kind == "H":
        hint, name = text
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
        add_text(paragraph, hint, size=HINT_PT)
        add_text(cell.add_paragraph(), placeholder(name))


def build_table(doc, rows):
    ncols = len(WIDTHS)
    table = doc.add_table(rows=len(rows), cols=ncols)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    set_cell_margins(table)
    for i, width in enumerate(WIDTHS):
        table.columns[i].width = Cm(width)
    for row in table.rows:
        for i, cell in enumerate(row.cells):
            cell.width = Cm(WIDTHS[i])

    pending = []  # (row, col, span_rows, kind, text) of section cells to merge downward
    for r, spec in enumerate(rows):
        height = spec[-1] if isinstance(spec[-1], float) else None
        cells = [c for c in spec if not isinstance(c, float)]
        if sum(c[2][0] if isinstance(c[2], tuple) else c[2] for c in cells) != ncols:
            raise ValueError(f"row {r} does not fill {ncols} columns: {spec}")
        col = 0
        for kind, text, span in cells:
            width = span[0] if isinstance(span, tuple) else span
            if kind == "S":
                pending.append((r, col, span[1], text))
            elif kind != "^":
                cell = table.cell(r, col)
                if width > 1:
                    cell = cell.merge(table.cell(r, col + width - 1))
                fill_cell(cell, kind, text)
            col += width
        row = table.rows[r]
        row.height = Cm(height or 1.0)
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        # A row never breaks across pages: each box stays whole on one sheet.
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))
    for r, col, span_rows, text in pending:
        cell = table.cell(r, col)
        if span_rows > 1:
            cell = cell.merge(table.cell(r + span_rows - 1, col))
        fill_cell(cell, "S", text)
    return table


def build(form) -> bytes:
    doc = Document()
    setup_document(doc)
    doc.core_properties.title = f"{form['number']} {form['title']}"

    label = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    add_text(label, form["number"], size=LABEL_PT, east_asia=HEI)

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(6)
    title.paragraph_format.space_after = Pt(12)
    add_text(title, form["title"], size=TITLE_PT, bold=True)

    if form["date_line"]:
        date = doc.add_paragraph()
        date.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        date.paragraph_format.space_after = Pt(6)
        add_text(date, placeholder(form["date_line"]))

    chunks = [[]]
    for row in form["rows"]:
        if row == PAGE:
            chunks.append([])
        else:
            chunks[-1].append(row)
    for i, rows in enumerate(chunks):
        if i:
            brk = doc.add_paragraph()
            brk.paragraph_format.page_break_before = True
            add_text(brk, "", size=2)
            brk.paragraph_format.line_spacing = Pt(2)
        build_table(doc, rows)
    return reproducible(doc)


# ---- the case dossier (组卷归档) ------------------------------------------------------

DOSSIER_FILE = "case_dossier.docx"
COVER_TITLE_PT = 26  # 一号
HEADING_PT = 14  # 四号
TOTAL_WIDTH = 16.6  # 21 - 2 × 2.2


def grid(doc, widths, rows=0):
    """An empty fixed-layout grid table, centered, with the forms' cell margins."""
    if abs(sum(widths) - TOTAL_WIDTH) > 0.01 and len(widths) > 2:
        raise ValueError(f"columns {widths} do not fill the text width")
    table = doc.add_table(rows=rows, cols=len(widths))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    set_cell_margins(table)
    for i, width in enumerate(widths):
        table.columns[i].width = Cm(width)
    return table


def new_row(table, widths, height=0.8, header=False):
    row = table.add_row()
    for i, cell in enumerate(row.cells):
        cell.width = Cm(widths[i])
    row.height = Cm(height)
    row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    tr_pr = row._tr.get_or_add_trPr()
    if header:  # repeated at the top of every page the table runs over
        tr_pr.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
    else:
        tr_pr.append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))
    return row


def put(cell, text, *, bold=False, center=False, size=BODY_PT):
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.LEFT
    add_text(paragraph, text, bold=bold, size=size)


def tag_row(table, widths, tag):
    """A row holding only a docxtpl row tag ({%tr for … %}); docxtpl replaces it whole."""
    row = new_row(table, widths, height=0.5)
    cell = row.cells[0].merge(row.cells[-1]) if len(widths) > 1 else row.cells[0]
    add_text(cell.paragraphs[0], "{%tr " + tag + " %}")


def loop_table(doc, columns, items, item, empty):
    """Header row, one row per item of the list `items`, or one row saying `empty`.

    `columns` is a list of (header, key, width); a cell shows `{{ item.key }}`.
    """
    widths = [w for _, _, w in columns]
    table = grid(doc, widths)
    head = new_row(table, widths, height=0.8, header=True)
    for cell, (label, _, _) in zip(head.cells, columns, strict=True):
        put(cell, label, bold=True, center=True)
    tag_row(table, widths, f"for {item} in {items}")
    row = new_row(table, widths, height=0.8)
    for cell, (_, key, _) in zip(row.cells, columns, strict=True):
        put(cell, placeholder(f"{item}.{key}"))
    tag_row(table, widths, "else")
    row = new_row(table, widths, height=0.8)
    cell = row.cells[0].merge(row.cells[-1])
    put(cell, empty, center=True)
    tag_row(table, widths, "endfor")
    return table


def label_table(doc, rows, widths=(3.3, 5.0, 3.3, 5.0)):
    """Label/value pairs, two to a row: rows of (label, key) pairs; a single pair spans."""
    table = grid(doc, list(widths))
    for pairs in rows:
        row = new_row(table, widths, height=0.9)
        if len(pairs) == 1:
            label, key = pairs[0]
            put(row.cells[0], label, center=True)
            put(row.cells[1].merge(row.cells[3]), placeholder(key))
            continue
        for i, (label, key) in enumerate(pairs):
            put(row.cells[2 * i], label, center=True)
            put(row.cells[2 * i + 1], placeholder(key))
    return table


def heading(doc, text, *, page_break=False, center=False, size=HEADING_PT):
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.page_break_before = page_break
    paragraph.paragraph_format.space_before = Pt(12)
    paragraph.paragraph_format.space_after = Pt(6)
    paragraph.paragraph_format.keep_with_next = True
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_text(paragraph, text, size=size, bold=center, east_asia=SONG if center else HEI)
    return paragraph


def tag_paragraph(doc, tag):
    """A paragraph holding only a docxtpl paragraph tag ({%p for … %}), replaced whole."""
    add_text(doc.add_paragraph(), "{%p " + tag + " %}")


def page_number_footer(doc):
    """第 N 页 at the foot of every page, for numbering the 卷内目录's 页次 by hand."""
    footer = doc.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_text(footer, "第 ", size=10.5)
    footer._p.append(
        parse_xml(
            f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
        )
    )
    add_text(footer, " 页", size=10.5)


COVER_ROWS = (
    ("案件编号", "number"),
    ("未成年人", "child_name"),
    ("受理未保站", "station"),
    ("立案日期", "opened_on"),
    ("归档日期", "archived_on"),
    ("保管期限", "retention"),
    ("立卷人", "archived_by"),
)
BASICS = (
    (("案件编号", "number"), ("来源渠道", "channel")),
    (("分类", "klass"), ("报告时间", "reported_at")),
    (("立案日期", "opened_on"), ("归档日期", "archived_on")),
    (("危机评估", "assessment"), ("严重家暴或不法侵害", "serious_harm")),
    (("首次家访", "first_visit"), ("儿童档案", "child_archive")),
    (("未成年人姓名", "child_name"), ("性别", "child_gender")),
    (("年龄", "child_age"), ("联系电话", "child_phone")),
    (("住址", "child_address"),),
    (("监护人姓名", "guardian_name"), ("身份", "guardian_identity")),
    (("监护人联系电话", "guardian_phone"),),
    (("情况摘要", "summary"),),
)
CONTENTS = (
    ("序号", "no", 1.5),
    ("文件名称", "title", 8.6),
    ("日期", "date", 4.0),
    ("页次", "", 2.5),
)
EVENTS = (
    ("时间", "at", 3.2),
    ("环节", "step", 2.4),
    ("办理人", "by", 2.2),
    ("所做工作", "done", 3.8),
    ("说明/理由", "note", 5.0),
)
REFERRALS = (
    ("日期", "date", 3.0),
    ("接收单位", "unit", 3.4),
    ("理由", "reason", 4.4),
    ("状态", "status", 1.6),
    ("反馈", "feedback", 4.2),
)
CONFERENCES = (
    ("日期", "held_on", 3.0),
    ("参加部门及人员", "parties", 4.0),
    ("会商决定", "decisions", 7.0),
    ("提请县（区）未保办", "escalated", 2.6),
)
VISITS = (
    ("日期", "date", 3.0),
    ("类型", "kind", 1.8),
    ("走访人员", "visitors", 2.4),
    ("走访情况", "findings", 6.2),
    ("提供的服务", "services", 3.2),
)


def build_dossier() -> bytes:
    doc = Document()
    setup_document(doc)
    doc.core_properties.title = "未成年人保护个案卷宗"
    page_number_footer(doc)

    # Page 1: the cover.
    first = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    first.paragraph_format.space_before = Pt(120)
    first.paragraph_format.space_after = Pt(60)
    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_text(first, "未成年人保护个案卷宗", size=COVER_TITLE_PT, bold=True)
    widths = (4.0, 9.0)
    cover = grid(doc, widths)
    for label, key in COVER_ROWS:
        row = new_row(cover, widths, height=1.3)
        put(row.cells[0], label, center=True, size=LABEL_PT)
        put(row.cells[1], placeholder(key), size=LABEL_PT)

    # Page 2: the table of contents; 页次 is left blank, numbered by hand from the footer.
    heading(doc, "卷内目录", page_break=True, center=True, size=TITLE_PT)
    contents = grid(doc, [w for _, _, w in CONTENTS])
    widths = [w for _, _, w in CONTENTS]
    head = new_row(contents, widths, header=True)
    for cell, (label, _, _) in zip(head.cells, CONTENTS, strict=True):
        put(cell, label, bold=True, center=True)
    tag_row(contents, widths, "for c in contents")
    row = new_row(contents, widths, height=0.9)
    for cell, (_, key, _) in zip(row.cells, CONTENTS, strict=True):
        if key:
            put(cell, placeholder(f"c.{key}"), center=key == "no")
    tag_row(contents, widths, "endfor")
    note = doc.add_paragraph()
    note.paragraph_format.space_before = Pt(6)
    add_text(note, "注：页次由立卷人按页脚页码填写。", size=10.5)

    # The dossier itself.
    heading(doc, "一、案件基本情况", page_break=True)
    label_table(doc, BASICS)

    heading(doc, "二、办理经过")
    loop_table(doc, EVENTS, "events", "e", "无办理记录")

    heading(doc, "三、登记表")
    # Each form is a filled copy of its own template (附件6, 附件5, 附件7), put in whole.
    tag_paragraph(doc, "for f in forms")
    add_text(doc.add_paragraph(), "{{p f.doc }}")
    tag_paragraph(doc, "endfor")
    tag_paragraph(doc, "if not forms")
    add_text(doc.add_paragraph(), "本案未关联求助登记表或强制报告登记表。")
    tag_paragraph(doc, "endif")

    heading(doc, "四、转介记录")
    loop_table(doc, REFERRALS, "referrals", "r", "无转介记录")

    heading(doc, "五、个案会商纪要")
    loop_table(doc, CONFERENCES, "conferences", "c", "无会商记录")

    heading(doc, "六、走访记录")
    loop_table(doc, VISITS, "visits", "v", "无走访记录")

    closing = doc.add_paragraph()
    closing.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    closing.paragraph_format.space_before = Pt(24)
    add_text(
        closing, f"立卷人：{placeholder('archived_by')}　　归档日期：{placeholder('archived_on')}"
    )
    return reproducible(doc)


def main(out_dir: Path = OUT_DIR) -> list[Path]:
    """The three official forms (the dossier is `write_dossier`)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for form in FORMS:
        path = out_dir / form["file"]
        path.write_bytes(build(form))
        written.append(path)
    return written


def write_dossier(out_dir: Path = OUT_DIR) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / DOSSIER_FILE
    path.write_bytes(build_dossier())
    return path


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT_DIR
    for path in [*main(out), write_dossier(out)]:
        print(path)
