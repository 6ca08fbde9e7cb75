"""Build the wall bulletins (上墙材料) of a station as docxtpl templates.

    .venv/bin/python scripts/make_bulletins.py [OUT_DIR]

Writes to doc_templates/:
  bulletin_workflow.docx  附件3 「XX乡镇（街道）未成年人保护工作站工作流程图」
  bulletin_disposal.docx  附件4 「未成年人保护工作站发现报告处置流程图」
  bulletin_sign.docx      四(一)2 the sign 「XX乡镇（街道）未成年人保护工作站」, with the QR code
                          of the station's public report page under the name (issue 15)
  bulletin_duties.docx    附件2 3.1 儿童督导员职责 (page 1) and 3.2 儿童社工职责 (page 2)
  bulletin_rules.docx     四(三) 工作制度 / 工作流程 / 岗位职责 (one page each)
  bulletin_report_poster.docx  the public report page's QR code, the station's phone and
                          the national hotlines (issue 15; {{ qr_image }} is an image)

Every sheet is A3 landscape, to be read on a wall from two metres: titles 36 pt and up,
boxes and lines 16 pt and up. The charts are tables: a box is a bordered cell, an arrow a
borderless cell holding "↓" or "→", a box over several columns is a merged cell, so each
chart reads top to bottom (and, inside a step, left to right) as the seed draws it.

Three placeholders, the same in every template: {{ station_name }} in the title (the
registered name, 「<乡镇（街道）>未成年人保护工作站」), {{ station_address }} and
{{ station_phone }} in the footer. Filled by admin_app/services/bulletins.py.

The rules sheet is our text, drawn from the plan (三, 四(二), 四(三), 五(二)) and its
附件2; stations cannot edit it yet. Output is byte-for-byte reproducible (fixed document
properties and zip entry times), as tests/test_bulletins.py checks.
"""

import sys
import tomllib
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt

sys.path.insert(0, str(Path(__file__).resolve().parent))
from docx_kit import HEI, SONG, reproducible, set_defaults, write_all  # noqa: E402 - the kit
from docx_kit import add_text as kit_add_text  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "doc_templates"


# A3 landscape.
PAGE_W, PAGE_H = 42.0, 29.7
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM, FOOTER_DIST = 1.5, 0.8, 1.5, 0.5
TEXT_W = PAGE_W - 2 * MARGIN_X  # 39 cm
CELL_PAD = 0.15  # left/right cell margin (cm)

TITLE_PT = 36
SUBTITLE_PT = 28
SIGN_PT = 66
STEP_PT = 20  # the numbered steps of 附件4
KEY_PT = 18  # the chart's headings (接待服务, 生活受困 …)
BOX_PT = 16  # the text of a box
ARROW_PT = 26
FOOTER_PT = 16
RULE_PT = 20  # the rules sheet

GRAY = "D9D9D9"
LIGHT = "EDEDED"

NAME = "{{ station_name }}"
PHONE = "{{ station_phone }}"
ADDRESS = "{{ station_address }}"

SOURCE = (
    "依据《宁夏乡镇（街道）未成年人保护工作站建设实施方案》（宁夏回族自治区民政厅，2023年3月31日）"
)


# ---- document-wide settings ---------------------------------------------------------


def setup_document(doc, title):
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(PAGE_W), Cm(PAGE_H)
    section.left_margin = section.right_margin = Cm(MARGIN_X)
    section.top_margin, section.bottom_margin = Cm(MARGIN_TOP), Cm(MARGIN_BOTTOM)
    section.header_distance = Cm(0.6)
    section.footer_distance = Cm(FOOTER_DIST)
    set_defaults(doc, BOX_PT, "scripts/make_bulletins.py", title)
    footer(doc)


def add_text(paragraph, text, *, size=BOX_PT, bold=False, east_asia=SONG):
    return kit_add_text(paragraph, text, size=size, bold=bold, east_asia=east_asia)


def tight(paragraph, size, factor=1.25):
    """Exact line height (Noto CJK's own line gap is large) and no space around."""
    fmt = paragraph.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(round(size * factor, 1))


def footer(doc):
    """The station's name, address and phone at the foot of every sheet."""
    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text in (NAME, "　　地址：", ADDRESS, "　　联系电话：", PHONE):
        add_text(paragraph, text, size=FOOTER_PT, east_asia=HEI)


def first_paragraph(doc):
    return doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()


def title(doc, text, *, size=TITLE_PT, page_break=False, before=0, after=10):
    paragraph = doc.add_paragraph() if page_break or doc.paragraphs else first_paragraph(doc)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt = paragraph.paragraph_format
    fmt.page_break_before = page_break
    fmt.keep_with_next = True
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(round(size * 1.2, 1))
    add_text(paragraph, text, size=size, bold=True, east_asia=HEI)
    return paragraph


def note(doc, text, *, size=14, before=8, align=WD_ALIGN_PARAGRAPH.RIGHT):
    paragraph = doc.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_before = Pt(before)
    add_text(paragraph, text, size=size)
    return paragraph


def end_mark(doc):
    """A hairline last paragraph: Word needs one after a table, and it must not add a page."""
    paragraph = doc.add_paragraph()
    tight(paragraph, 1, 1)
    add_text(paragraph, "", size=1)


# ---- charts: tables of boxes and arrows ---------------------------------------------

# Cell kinds: (east-asian font, size, bold, border eighths of a point, shading, align)
STYLES = {
    "S": (HEI, STEP_PT, True, 18, GRAY, "center"),  # a numbered step (附件4)
    "K": (HEI, KEY_PT, True, 12, LIGHT, "center"),  # a heading box
    "M": (HEI, KEY_PT, True, 12, None, "center"),  # a closing box (汇总, 回访, 归档 …)
    "B": (SONG, BOX_PT, False, 8, None, "center"),  # a box of text
    "L": (SONG, BOX_PT, False, 8, None, "left"),  # a box of left-aligned text
    "A": (HEI, ARROW_PT, True, 0, None, "center"),  # an arrow, no border
    "N": (HEI, BOX_PT, True, 0, None, "center"),  # a connector label, no border
    "n": (HEI, BOX_PT, True, 0, None, "left"),  # what goes down an arrow, no border
    "R": (HEI, ARROW_PT, True, 0, None, "right"),  # an arrow reaching the box on its right
    "J": (HEI, BOX_PT, True, 8, None, "center"),  # a jump to a later step (dashed border)
    "]": (HEI, ARROW_PT, True, 12, None, "center"),  # an arrow gathering the rows beside it
    "-": (HEI, ARROW_PT, True, 0, None, "center"),  # a line joining a box to a "]" bracket
    "": (SONG, BOX_PT, False, 0, None, "center"),  # empty space
}
ARROWS = ("A", "R", "]")
_TCPR_ORDER = (
    "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection "
    "tcFitText vAlign hideMark headers cellIns cellDel cellMerge tcPrChange"
).split()


def _tcpr_put(tc, element):
    """Insert `element` into the cell's tcPr in schema order, replacing one of its kind."""
    tc_pr = tc.get_or_add_tcPr()
    tag = element.tag.split("}")[1]
    for old in tc_pr.findall(qn(f"w:{tag}")):
        tc_pr.remove(old)
    later = set(_TCPR_ORDER[_TCPR_ORDER.index(tag) + 1 :])
    for i, child in enumerate(tc_pr):
        if child.tag.split("}")[1] in later:
            tc_pr.insert(i, element)
            return
    tc_pr.append(element)


def _borders(tc, sides, line="single"):
    """sides: {"top": size or None (nil)} for top/left/bottom/right."""
    parts = []
    for side in ("top", "left", "bottom", "right"):
        size = sides.get(side)
        if size:
            parts.append(f'<w:{side} w:val="{line}" w:sz="{size}" w:space="0" w:color="000000"/>')
        else:
            parts.append(f'<w:{side} w:val="nil"/>')
    _tcpr_put(tc, parse_xml(f"<w:tcBorders {nsdecls('w')}>{''.join(parts)}</w:tcBorders>"))


def _shade(tc, fill):
    _tcpr_put(
        tc, parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{fill}"/>')
    )


def _tc_at(tr, column):
    """The <w:tc> of a row that starts at grid column `column`."""
    position = 0
    for tc in tr.tc_lst:
        if position == column:
            return tc
        position += tc.grid_span
    raise ValueError(f"no cell starts at column {column}")


def _line(cell):
    """A rule across the whole cell at mid-height, edge to edge (no cell margins)."""
    _tcpr_put(
        cell._tc,
        parse_xml(
            f"<w:tcMar {nsdecls('w')}>"
            '<w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tcMar>'
        ),
    )
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    tight(paragraph, 1, 1.0)
    paragraph._p.get_or_add_pPr().append(
        parse_xml(
            f"<w:pBdr {nsdecls('w')}>"
            '<w:bottom w:val="single" w:sz="12" w:space="0" w:color="000000"/></w:pBdr>'
        )
    )


def _fill(cell, kind, text, size=None):
    if kind == "-":
        return _line(cell)
    font, default_size, bold, _, _, align = STYLES[kind]
    size = size or default_size
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    arrow = kind in ARROWS
    if arrow:  # a glyph, not a line of text: no margin above or below it
        _tcpr_put(
            cell._tc,
            parse_xml(
                f"<w:tcMar {nsdecls('w')}>"
                '<w:top w:w="0" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/></w:tcMar>'
            ),
        )
    for i, line in enumerate(text.split("\n")):
        paragraph = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        paragraph.alignment = {
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "left": WD_ALIGN_PARAGRAPH.LEFT,
            "right": WD_ALIGN_PARAGRAPH.RIGHT,
        }[align]
        tight(paragraph, size, 1.0 if arrow else 1.25)
        add_text(paragraph, line, size=size, bold=bold, east_asia=font)


def chart(doc, widths, rows):
    """A fixed grid of boxes and arrows.

    `widths` are the grid's column widths (cm). A row is a list of cells, optionally
    ending with a minimum height in cm (a float). A cell is (kind, content, span):
    `kind` a key of STYLES or "^" (the continuation of a cell merged down from above);
    `span` is the number
    of columns, or (columns, rows) for a cell merged down over several rows.
    """
    table = _fixed_table(doc, widths, len(rows))
    for r, c, cols, down, kind, content, size in _regions(table, rows, len(widths)):
        cell = table.cell(r, c)
        if cols > 1 or down > 1:
            cell = cell.merge(table.cell(r + down - 1, c + cols - 1))
        _fill(cell, kind, content, size)
        for i in range(down):
            _frame(_tc_at(table.rows[r + i]._tr, c), kind, top=i == 0, bottom=i == down - 1)
    return table


def _fixed_table(doc, widths, nrows):
    """A centred table of fixed column widths (cm) and the grid's cell margins."""
    table = doc.add_table(rows=nrows, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # <w:tblLayout w:type="fixed"/>
    tbl_pr = table._tbl.tblPr
    tbl_pr.find(qn("w:tblLayout")).addnext(
        parse_xml(
            f"<w:tblCellMar {nsdecls('w')}>"
            f'<w:top w:w="{int(0.08 * 567)}" w:type="dxa"/>'
            f'<w:left w:w="{int(CELL_PAD * 567)}" w:type="dxa"/>'
            f'<w:bottom w:w="{int(0.08 * 567)}" w:type="dxa"/>'
            f'<w:right w:w="{int(CELL_PAD * 567)}" w:type="dxa"/>'
            "</w:tblCellMar>"
        )
    )
    width = tbl_pr.find(qn("w:tblW"))
    if width is not None:
        width.set(qn("w:type"), "dxa")
        width.set(qn("w:w"), str(sum(Cm(w).twips for w in widths)))
    for i, w in enumerate(widths):
        table.columns[i].width = Cm(w)
    for row in table.rows:
        for i, cell in enumerate(row.cells):
            cell.width = Cm(widths[i])
    return table


def _regions(table, rows, ncols):
    """[(row, column, columns, rows, kind, content, size)] of the grid; rows sized."""
    regions = []
    for r, spec in enumerate(rows):
        height = spec[-1] if isinstance(spec[-1], float) else None
        cells = [c for c in spec if not isinstance(c, float)]
        column = 0
        for kind, content, span, *size in cells:
            cols, down = span if isinstance(span, tuple) else (span, 1)
            if kind != "^":
                regions.append((r, column, cols, down, kind, content, size[0] if size else None))
            column += cols
        if column != ncols:
            raise ValueError(f"row {r} covers {column} of {ncols} columns: {spec}")
        row = table.rows[r]
        row.height = Cm(height or 0.6)
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        row._tr.get_or_add_trPr().append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))
    return regions


def _frame(tc, kind, top: bool, bottom: bool):
    """Borders and shading of one grid cell of a region of `kind`."""
    _, _, _, border, fill, _ = STYLES[kind]
    if kind == "]":
        _borders(tc, {"left": border})
    elif border:
        _borders(
            tc,
            {
                "left": border,
                "right": border,
                "top": border if top else None,
                "bottom": border if bottom else None,
            },
            "dashed" if kind == "J" else "single",
        )
    if fill:
        _shade(tc, fill)


def box_row(kinds_texts, gap_kind=""):
    """Cells of one row of the 15-column grid of 附件3 (box, gap, box, …, box)."""
    out = []
    for i, (kind, text) in enumerate(kinds_texts):
        if i:
            out.append((gap_kind, "", 1))
        out.append((kind, text, 1))
    return out


# ---- 附件3 工作流程图 -------------------------------------------------------------------

WORKFLOW_PLAN = "制定年度工作计划"
WORKFLOW_BRANCHES = ("接待服务", "日常管理")
# (category, what the station does, what follows when the case qualifies)
WORKFLOW_CATEGORIES = (
    (
        "生活受困",
        "联系村（居）民委员会调查核实",
        "符合条件的报乡镇人民政府（街道办事处）审批开展生活救助和帮扶",
    ),
    ("监护缺失", "联系村（居）民委员会落实临时监护", "符合法定情形的报县级未保中心临时监护"),
    ("权益保障", "分类并转介相关部门办理", "符合条件的报县级职能部门审批开展帮扶"),
    ("发现报告", "多渠道收集，按照诉求分类处置流程进行分类办理", None),
    (
        "宣传培训",
        "开展各种法规政策宣传活动和儿童主任培训，引导社会力量参与未成年人保护工作",
        None,
    ),
    (
        "定期排查",
        "建立未成年人信息台账，做好动态管理；定期走访和重点核查辖区内散居孤儿、农村留守儿童、困境儿童",
        None,
    ),
    (
        "教育指导",
        "开展家庭教育指导、儿童主任日常管理；村（居）未成年人关爱服务场所指导",
        None,
    ),
    ("督导考核", "定期调度各村（居）未保和儿童福利保障等工作", None),
)
# The closing steps, 接待服务's side first: each pair is one level of the chart.
WORKFLOW_CLOSING = (
    ("收集汇总办理情况", "分析乡镇（街道）未保工作形势"),
    ("跟踪回访", "定期向乡镇人民政府（街道办事处）汇报"),
    ("组卷归档", "工作总结"),
)

BOX_W = 4.45  # 8 boxes and 7 gaps fill the 39 cm line
GAP_W = (TEXT_W - 8 * BOX_W) / 7


def build_workflow() -> bytes:
    doc = Document()
    setup_document(doc, "工作流程图（附件3）")
    title(doc, f"{NAME}工作流程图", after=14)

    widths = [BOX_W if i % 2 == 0 else GAP_W for i in range(15)]
    arrow, blank = ("A", "↓", 1), ("", "", 1)
    # Two arrows, each centred under one half (columns 0–6 and 8–14) of the grid.
    fork = [("", "", 2), ("A", "↓", 3), ("", "", 5), ("A", "↓", 3), ("", "", 2), 0.9]
    every = [*box_row([("A", "↓")] * 8), 0.9]
    left_three = [arrow, blank, arrow, blank, arrow, blank, ("^", "", 1)]
    for _ in range(4):
        left_three += [blank, ("^", "", 1)]
    rows = [
        [("", "", 2), ("K", WORKFLOW_PLAN, 11), ("", "", 2), 1.4],
        fork,
        [("K", WORKFLOW_BRANCHES[0], 7), blank, ("K", WORKFLOW_BRANCHES[1], 7), 1.4],
        every,
        [*box_row([("K", c[0]) for c in WORKFLOW_CATEGORIES]), 1.4],
        every,
    ]
    # The actions; where no outcome follows, the action's box runs down past that row.
    actions = []
    for i, (_, action, outcome) in enumerate(WORKFLOW_CATEGORIES):
        if i:
            actions.append(blank)
        actions.append(("B", action, 1) if outcome else ("B", action, (1, 3)))
    rows.append([*actions, 1.6])
    rows.append([*left_three, 0.9])
    outcomes = []
    for i, (_, _, outcome) in enumerate(WORKFLOW_CATEGORIES):
        if i:
            outcomes.append(blank)
        outcomes.append(("B", outcome, 1) if outcome else ("^", "", 1))
    rows.append([*outcomes, 2.6])
    rows.append(every)
    for level, (left, right) in enumerate(WORKFLOW_CLOSING):
        if level:
            rows.append(fork)
        rows.append([("M", left, 7), blank, ("M", right, 7), 1.4])
    chart(doc, widths, rows)
    end_mark(doc)
    return reproducible(doc)


# ---- 附件4 发现报告处置流程图 ------------------------------------------------------------

STEP_W, LINK_W = 4.2, 0.9
CONTENT_W = TEXT_W - STEP_W - LINK_W  # the cell holding a step's own chart
INNER_W = CONTENT_W  # the width of a step's own boxes
DISPOSAL_STEPS = (
    "1 发现报告",
    "2 分类转介",
    "3 危机评估",
    "4 强制干预",
    "5 协助安置",
    "6 跟踪转介",
    "7 跟踪回访",
    "8 组卷归档",
)
DISCOVERY = (
    "及时发现疑似案例，接受多渠道报告（未保热线，平台转接等）",
    "接受咨询求助，强制报告",
)
POLICY = (
    ("政策解释", "熟悉掌握未保和儿童福利政策，把握政策实施"),
    ("协助申办", "协助救助帮扶和保护政策申请，协助查询政策办理情况"),
)
INTERVENTION = ("报告上级（视情况）", "带离现场或紧急庇护")
PLACEMENT = (
    "协助家庭教育指导、监护指导",
    "协助协调家庭关系、修复亲子关系",
    "未成年人及其家庭困难帮扶",
    "未成年人及其家庭成员情绪处理、压力等心理服务",
    "协助联系专业人士对个案进行专业评估",
    "协助申请（紧急）人身安全保护令",
    "协助、联络安排临时安置",
    "配合相关部门介入、陪伴及协助受害未成年人及其家庭",
    # The seed prints 心里咨询, a slip for 心理咨询 (as constants.PLACEMENT_SERVICES has it).
    "协调其他专业服务支持（个案服务、心理咨询、医护、教育等）",
)
FOLLOW_REFERRAL = (
    "立案",
    "批评教育",
    "出具告诫书等",
    "转介个案服务、心理服务或医院受伤害未成年人跟进服务",
    "强制教育",
)
FOLLOW_UP = (
    "开展受伤害儿童康复状况及再受伤害可能评估",
    "开展儿童安置评估，回归正常家庭和学校生活",
    "临时安置，长期安置（收养、寄养、机构教育等）",
)
SUPPORT = "支持服务：困难帮扶、资源链接、后续服务"


def _spread(texts, widths, kind="B", gap=0.6):
    """One row of boxes with gaps between them: (widths, cells)."""
    out_w, cells = [], []
    for i, (text, w) in enumerate(zip(texts, widths, strict=True)):
        if i:
            out_w.append(gap)
            cells.append(("", "", 1))
        out_w.append(w)
        cells.append((kind, text, 1))
    return out_w, cells


def _fit(widths, total=INNER_W):
    """Scale the last column so the widths fill `total` exactly."""
    widths = list(widths)
    widths[-1] = round(total - sum(widths[:-1]), 3)
    if widths[-1] <= 0:
        raise ValueError(f"columns {widths} overflow {total} cm")
    return widths


def disposal_step2():
    # 咨询 → 政策咨询 → 政策解释 / 协助申办;  咨询 → 事件咨询;  报告案例;  求助案例
    # — the last three go on to 3 危机评估.
    w = _fit([3.2, 1.0, 3.4, 1.0, 3.6, 17.0, 0])
    up = ("^", "", 1)
    a = ("A", "→", 1)
    rows = [
        [
            ("K", "咨询", (1, 3)),
            ("A", "→", (1, 2)),
            ("B", "政策咨询", (1, 2)),
            a,
            ("K", POLICY[0][0], 1),
            ("L", POLICY[0][1], 1),
            ("", "", 1),
            0.9,
        ],
        [up, up, up, a, ("K", POLICY[1][0], 1), ("L", POLICY[1][1], 1), ("", "", 1), 0.9],
        [up, a, ("B", "事件咨询", 1), a, ("J", "转入\n3 危机评估", (1, 3)), ("", "", (2, 3)), 0.9],
        [("K", "报告案例", 1), ("R", "→", 3), up, ("^", "", 2), 0.9],
        [("K", "求助案例", 1), ("R", "→", 3), up, ("^", "", 2), 0.9],
    ]
    return w, rows


def disposal_step3():
    # 疑似伤害 → 报警（110）, 伤情处理;  无伤害;  then 低危 → 支持服务 → 5;  中高危 → 4.
    w = _fit([3.0, 1.0, 3.8, 0.4, 3.0, 1.2, 2.6, 1.0, 11.4, 1.0, 0])
    rows = [
        [
            ("K", "疑似伤害", 1),
            ("A", "→", 1),
            ("B", "报警（110）", 1),
            ("", "", 1),
            ("B", "伤情处理", 1),
            ("]", "→", (1, 2)),
            ("K", "低危", 1),
            ("A", "→", 1),
            ("B", SUPPORT, 1),
            ("A", "→", 1),
            ("J", "转入 5 协助安置", 1),
            0.9,
        ],
        [
            ("K", "无伤害", 1),
            ("-", "", 4),  # into the bracket that leads to 低危 / 中高危
            ("^", "", 1),
            ("K", "中高危", 1),
            ("R", "→", 3),
            ("J", "转入 4 强制干预", 1),
            0.9,
        ],
    ]
    return w, rows


def disposal_columns(texts, ncols, gap=0.6, height=0.9):
    """A list in `ncols` boxes side by side, in reading order down each box."""
    col = (INNER_W - gap * (ncols - 1)) / ncols
    per_box = -(-len(texts) // ncols)
    boxes = [
        "\n".join(f"• {t}" for t in texts[i : i + per_box]) for i in range(0, len(texts), per_box)
    ]
    widths, cells = _spread(boxes, [col] * len(boxes), kind="L", gap=gap)
    return _fit(widths), [[*cells, height]]


def follow_up_row():
    """7 跟踪回访: three boxes on one line (15 pt, the widest step)."""
    w, cells = _spread(FOLLOW_UP, [11.0, 11.0, 0], gap=0.3)
    cells = [(*c, 15) if c[0] else c for c in cells]
    return _fit(w), [[*cells, 0.9]]


def build_disposal() -> bytes:
    doc = Document()
    setup_document(doc, "发现报告处置流程图（附件4）")
    title(doc, f"{NAME}发现报告处置流程图", after=6)

    def spread(texts, widths, height=0.9):
        """Boxes left to right; the last takes the rest of the line unless `widths` is longer."""
        w, cells = _spread(texts, widths[: len(texts)])
        if len(widths) > len(texts):  # room left over on the right
            w.append(0)
            cells.append(("", "", 1))
        return _fit(w), [[*cells, height]]

    content = [
        spread(DISCOVERY, [19.0, 0]),
        disposal_step2(),
        disposal_step3(),
        spread(INTERVENTION, [10.0, 10.0, 0]),
        disposal_columns(PLACEMENT, 2),
        spread(FOLLOW_REFERRAL, [2.6, 3.6, 4.4, 15.6, 0]),
        follow_up_row(),
        None,
    ]
    # The arrow between two steps, and what goes down it.
    links = ("", "事件咨询、报告案例、求助案例", "中高危", "", "", "", "")
    for i, step in enumerate(DISPOSAL_STEPS):
        if i:
            label = links[i - 1]
            chart(
                doc,
                [STEP_W, LINK_W + CONTENT_W],
                [[("A", "↓", 1, 20), ("n", label, 1) if label else ("", "", 1), 0.7]],
            )
            end_mark(doc)
        step_chart(doc, step, content[i])
        end_mark(doc)
    return reproducible(doc)


def step_chart(doc, step, inner):
    """One step of 附件4: its numbered box, an arrow, and the step's own boxes to the right.

    Each step is a table of its own (a hairline paragraph between tables keeps them
    apart), so every step has the columns it needs.
    """
    if inner is None:
        return chart(doc, [STEP_W, LINK_W + CONTENT_W], [[("S", step, 1), ("", "", 1), 1.05]])
    widths, rows = inner
    n = len(rows)
    out = []
    for r, row in enumerate(rows):
        lead = [("S", step, (1, n)), ("A", "→", (1, n))] if r == 0 else [("^", "", 1), ("^", "", 1)]
        out.append([*lead, *row])
    if n == 1:
        out[0][-1] = max(out[0][-1], 1.05) if isinstance(out[0][-1], float) else 1.05
    return chart(doc, [STEP_W, LINK_W, *widths], out)


# ---- 四(一)2 the sign -------------------------------------------------------------------


def build_sign() -> bytes:
    doc = Document()
    setup_document(doc, "未保站标识（四(一)2）")
    table = chart(doc, [TEXT_W - 1.0], [[("", "", 1), 23.0]])
    cell = table.cell(0, 0)
    _borders(cell._tc, dict.fromkeys(("top", "left", "bottom", "right"), 48))
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    tight(paragraph, SIGN_PT, 1.3)
    add_text(paragraph, NAME, size=SIGN_PT, bold=True, east_asia=HEI)
    # The QR code of the station's public report page (issue 15), small, under the name.
    qr = cell.add_paragraph()
    qr.alignment = WD_ALIGN_PARAGRAPH.CENTER
    qr.paragraph_format.space_before = Pt(36)
    add_text(qr, "{{ qr_image }}", size=BOX_PT)
    caption = cell.add_paragraph()
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_text(caption, "扫码报告儿童受到伤害或处境危险", size=22, east_asia=HEI)
    end_mark(doc)
    return reproducible(doc)


# ---- the poster of the public report page (issue 15) ----------------------------------

POSTER_LINES = (
    "发现儿童被打骂、被虐待、无人照顾或处境危险，请告诉我们。",
    "手机扫描二维码即可报告，可以匿名，可以上传照片。",
    "工作人员会在 24 小时内处理。",
)


def build_report_poster() -> bytes:
    """QR code on the left ({{ qr_image }}, an InlineImage), what to do on the right, the
    station's phone and the national hotlines below."""
    doc = Document()
    setup_document(doc, "网上报告二维码海报")
    title(doc, "保护儿童　人人有责", size=TITLE_PT + 12, after=6)
    title(doc, NAME, size=SUBTITLE_PT, after=16)
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.width, right.width = Cm(15.0), Cm(TEXT_W - 15.0)
    qr = left.paragraphs[0]
    qr.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_text(qr, "{{ qr_image }}", size=BOX_PT)
    caption = left.add_paragraph()
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_text(caption, "扫码报告", size=24, bold=True, east_asia=HEI)
    right.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    for i, line in enumerate(POSTER_LINES):
        paragraph = right.paragraphs[0] if i == 0 else right.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(14)
        add_text(paragraph, line, size=28, bold=i == 0, east_asia=HEI if i == 0 else SONG)
    phone = right.add_paragraph()
    phone.paragraph_format.space_before = Pt(10)
    add_text(phone, f"未保站电话：{PHONE}", size=28, bold=True, east_asia=HEI)
    for number, label in (
        ("110", "紧急情况请拨打报警电话"),
        ("12345", "政务服务便民热线"),
        ("12349", "民政服务热线"),
    ):
        line = right.add_paragraph()
        add_text(line, f"{label}　{number}", size=24)
    end_mark(doc)
    return reproducible(doc)


# ---- 附件2 3.1 / 3.2 duty lists -------------------------------------------------------

TEXT = tomllib.loads((Path(__file__).resolve().parent / "bulletin_text.toml").read_text("utf-8"))
SUPERVISOR_DUTIES = tuple(TEXT["supervisor_duties"])
SOCIAL_WORKER_DUTIES = tuple(TEXT["social_worker_duties"])
DUTY_SHEETS = (
    ("儿童督导员职责", SUPERVISOR_DUTIES, "附件2《未成年人保护工作站服务指引》3.1", 26, 2.0),
    ("儿童社工职责", SOCIAL_WORKER_DUTIES, "附件2《未成年人保护工作站服务指引》3.2", 30, 4.0),
)


def numbered_list(doc, items, *, size, height, label_w=2.2):
    """Numbered items, one box each: a number column and the text."""
    rows = [
        [("K", str(i), 1, size), ("L", text, 1, size), height]
        for i, text in enumerate(items, start=1)
    ]
    return chart(doc, [label_w, TEXT_W - label_w], rows)


def build_duties() -> bytes:
    doc = Document()
    setup_document(doc, "儿童督导员职责、儿童社工职责（附件2 3.1、3.2）")
    for i, (heading, items, source, size, height) in enumerate(DUTY_SHEETS):
        title(doc, NAME, size=SUBTITLE_PT, page_break=bool(i), after=4)
        title(doc, heading, size=TITLE_PT + 8, after=18)
        numbered_list(doc, items, size=size, height=height)
        note(doc, f"{SOURCE}{source}", before=14)
    return reproducible(doc)


# ---- 四(三) 工作制度、工作流程、岗位职责 -------------------------------------------------------

# Our wording, drawn from the plan (scripts/bulletin_text.toml).
RULES = tuple(map(tuple, TEXT["rules"]))
FLOW_DAILY = tuple(map(tuple, TEXT["flow_daily"]))
FLOW_DISPOSAL = tuple(map(tuple, TEXT["flow_disposal"]))
POSTS = tuple(map(tuple, TEXT["posts"]))


def labelled_table(doc, items, *, label_w, size, height):
    rows = [[("K", label, 1, size), ("L", text, 1, size), height] for label, text in items]
    return chart(doc, [label_w, TEXT_W - label_w], rows)


def build_rules() -> bytes:
    doc = Document()
    setup_document(doc, "工作制度、工作流程、岗位职责（四(三)）")
    title(doc, f"{NAME}工作制度", after=14)
    labelled_table(doc, RULES, label_w=5.6, size=RULE_PT, height=1.6)

    title(doc, f"{NAME}工作流程", page_break=True, after=12)
    heading = doc.add_paragraph()
    add_text(heading, "一、日常工作流程（详见《工作流程图》）", size=22, bold=True, east_asia=HEI)
    heading.paragraph_format.space_after = Pt(6)
    labelled_table(doc, FLOW_DAILY, label_w=7.0, size=RULE_PT + 2, height=1.5)
    heading = doc.add_paragraph()
    heading.paragraph_format.space_before = Pt(14)
    heading.paragraph_format.space_after = Pt(6)
    add_text(
        heading,
        "二、发现报告处置流程（详见《发现报告处置流程图》）",
        size=22,
        bold=True,
        east_asia=HEI,
    )
    labelled_table(doc, FLOW_DISPOSAL, label_w=7.0, size=RULE_PT + 2, height=1.2)

    title(doc, f"{NAME}岗位职责", page_break=True, after=14)
    labelled_table(doc, POSTS, label_w=7.6, size=RULE_PT + 6, height=3.4)
    note(doc, f"本站制度{SOURCE}及其附件2《未成年人保护工作站服务指引》制定。", before=14)
    return reproducible(doc)


# ---- output -------------------------------------------------------------------------

BULLETINS = {
    "bulletin_workflow.docx": build_workflow,
    "bulletin_disposal.docx": build_disposal,
    "bulletin_sign.docx": build_sign,
    "bulletin_duties.docx": build_duties,
    "bulletin_rules.docx": build_rules,
    "bulletin_report_poster.docx": build_report_poster,
}


def main(out_dir: Path = OUT_DIR) -> list[Path]:
    return write_all(BULLETINS, out_dir)


if __name__ == "__main__":
    for path in main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT_DIR):
        print(path)
