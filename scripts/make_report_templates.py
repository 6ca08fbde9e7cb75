"""Build the work-report templates (docxtpl) of admin_app/services/reports/.

    .venv/bin/python scripts/make_report_templates.py [OUT_DIR]

Writes doc_templates/appraisal_sheet.docx and appraisal_summary.docx (儿童主任工作考核表,
the county's 未保站工作考核汇总表), doc_templates/assessment_sheet.docx (监护状况与风险等级评估表, 4.2.1/4.2.3),
doc_templates/report_half_year.docx (三(二) 每半年向乡镇人民政府（街道办事处）汇报),
doc_templates/report_year_summary.docx (the station's 年度工作总结) and
doc_templates/report_county_filing.docx (五(一) the county's yearly filing of station
construction and operation with 自治区民政厅儿童福利处).

A4, 宋体, formal report style: title, 报送单位 and date, sections 一、二、三… with tables of
figures and the narrative the clerk edited. Page setup, fonts, tables and the
reproducible zip come from scripts/make_templates.py (imported, not changed), so the
reports look like the official forms and a rebuild is byte-for-byte identical.
"""

import sys
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_templates as base  # noqa: E402
from docx_kit import write_all  # noqa: E402

OUT_DIR = base.OUT_DIR
TABLE_PT = 10.5  # 五号
SMALL_PT = 9  # 小五, the wide station table
SECTION_PT = 14  # 四号 黑体 section headings
NUMERALS = "一二三四五六七八九十"

HALF_YEAR_FILE = "report_half_year.docx"
YEAR_SUMMARY_FILE = "report_year_summary.docx"
COUNTY_FILING_FILE = "report_county_filing.docx"

FIGURE_COLUMNS = (("类别", "group", 4.6), ("项目", "item", 8.0), ("数量", "value", 4.0))
TASK_COLUMNS = (("项目", "item", 8.3), ("数值", "value", 8.3))
STATION_COLUMNS = (
    ("序号", "no", 1.0),
    ("乡镇（街道）", "township", 2.0),
    ("未保站名称", "station", 3.0),
    ("设置方式", "mode", 2.2),
    ("建设状态", "build", 1.8),
    ("验收", "acceptance", 1.8),
    ("工作人员（人）", "staff", 1.8),
    ("在册儿童（人）", "children", 1.5),
    ("本年案件（件）", "cases", 1.5),
)
CENTERED = (
    *("no", "value", "staff", "children", "cases"),
    *("planned", "on_time", "missed", "visits", "created", "reviews", "overdue", "reports"),
    "checked",
)  # figures sit in the middle of their cell
FIGURE_SECTIONS = (
    ("儿童信息管理情况", "children_rows", "无在册儿童"),
    ("走访巡查情况", "visit_rows", "无走访数据"),
    ("个案处置与服务转介情况", "case_rows", "本期无案件"),
    ("宣传培训与关爱服务情况", "service_rows", "本期无活动"),
)


def ph(name: str) -> str:
    return base.placeholder(name)


def new_document(title: str) -> Document:
    doc = Document()
    base.setup_document(doc)
    doc.core_properties.title = title
    doc.core_properties.comments = "由 scripts/make_report_templates.py 生成"
    base.page_number_footer(doc)
    return doc


def title_block(doc, lines) -> None:
    """The report's title, one centered bold line each (小二 宋体)."""
    for i, text in enumerate(lines):
        p = doc.paragraphs[0] if i == 0 and doc.paragraphs else doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_before = Pt(12 if i == 0 else 0)
        p.paragraph_format.space_after = Pt(4)
        p.paragraph_format.keep_with_next = True
        base.add_text(p, text, size=base.TITLE_PT, bold=True)


def info_lines(doc, pairs) -> None:
    """报送单位 / 报送对象 / 统计期间 / 报送日期 under the title."""
    for i, (label, value) in enumerate(pairs):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_before = Pt(8 if i == 0 else 0)
        p.paragraph_format.space_after = Pt(12 if i == len(pairs) - 1 else 0)
        base.add_text(p, f"{label}：", size=TABLE_PT, bold=True)
        base.add_text(p, value, size=TABLE_PT)


def body(doc, text: str, *, indent=True, space_after=0):
    """A body paragraph: first line indented two characters, 1.5 line spacing."""
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.line_spacing = 1.5
    fmt.space_after = Pt(space_after)
    if indent:
        fmt.first_line_indent = Pt(base.BODY_PT * 2)
    base.add_text(p, text)
    return p


def section(doc, number: int, text: str):
    return base.heading(doc, f"{NUMERALS[number - 1]}、{text}", size=SECTION_PT)


def sub_heading(doc, text: str):
    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(6)
    p.paragraph_format.space_after = Pt(4)
    p.paragraph_format.keep_with_next = True
    base.add_text(p, text, bold=True)


def rows_table(doc, columns, items: str, empty: str, *, size=TABLE_PT, total=None):
    """Header (repeated on every page), one row per item of `items`, or one row `empty`.

    `total` is a list of cell texts for a last row after the loop (合计).
    """
    widths = [w for _, _, w in columns]
    table = base.grid(doc, widths)
    head = base.new_row(table, widths, height=0.8, header=True)
    for cell, (label, _, _) in zip(head.cells, columns, strict=True):
        base.put(cell, label, bold=True, center=True, size=size)
    base.tag_row(table, widths, f"for r in {items}")
    row = base.new_row(table, widths, height=0.7)
    for cell, (_, key, _) in zip(row.cells, columns, strict=True):
        base.put(cell, ph(f"r.{key}"), center=key in CENTERED, size=size)
    base.tag_row(table, widths, "else")
    row = base.new_row(table, widths, height=0.7)
    base.put(row.cells[0].merge(row.cells[-1]), empty, center=True, size=size)
    base.tag_row(table, widths, "endfor")
    if total:
        row = base.new_row(table, widths, height=0.7)
        for cell, text in zip(row.cells, total, strict=True):
            base.put(cell, text, bold=True, center=True, size=size)
    return table


def signature(doc, who: str, when: str) -> None:
    for i, text in enumerate((who, when)):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.space_before = Pt(24 if i == 0 else 0)
        base.add_text(p, text)


def narrative(doc, key: str) -> None:
    """The clerk's text: one paragraph; its line breaks become Word line breaks."""
    body(doc, ph(key))


# ---- the station's reports -----------------------------------------------------------


def figure_sections(doc, first: int) -> int:
    n = first
    for title, items, empty in FIGURE_SECTIONS:
        section(doc, n, title)
        rows_table(doc, FIGURE_COLUMNS, items, empty)
        n += 1
    return n


def build_half_year() -> bytes:
    doc = new_document("未成年人保护工作站半年工作情况汇报")
    title_block(doc, [ph("station"), f"{ph('period_label')}工作情况汇报"])
    info_lines(
        doc,
        [
            ("报送单位", ph("station")),
            ("报送对象", ph("reported_to")),
            ("统计期间", ph("period_range")),
            ("报送日期", ph("report_date")),
        ],
    )
    body(doc, f"{ph('reported_to')}：", indent=False)
    body(
        doc,
        "按照《宁夏乡镇（街道）未成年人保护工作站建设实施方案》“定期分析评估本辖区未成年人的"
        "相关情况……每半年向乡镇人民政府（街道办事处）汇报工作情况”的要求，现将"
        f"{ph('station')}{ph('period_label')}工作情况汇报如下。",
    )
    section(doc, 1, "工作情况概述")
    narrative(doc, "summary")
    n = figure_sections(doc, 2)
    section(doc, n, "存在问题")
    sub_heading(doc, "（一）系统待办事项（截至报送日）")
    rows_table(doc, FIGURE_COLUMNS, "problem_rows", "无待办事项")
    sub_heading(doc, "（二）问题分析")
    narrative(doc, "problems")
    section(doc, n + 1, "下步打算")
    narrative(doc, "next_steps")
    body(doc, "特此汇报。", space_after=0)
    signature(doc, ph("station"), ph("report_date"))
    return base.reproducible(doc)


def build_year_summary() -> bytes:
    doc = new_document("未成年人保护工作站年度工作总结")
    title_block(doc, [ph("station"), f"{ph('period_label')}工作总结"])
    info_lines(
        doc,
        [
            ("报送单位", ph("station")),
            ("统计期间", ph("period_range")),
            ("报送日期", ph("report_date")),
        ],
    )
    body(
        doc,
        f"{ph('period_label')}，{ph('station')}（{ph('place')}）按照《宁夏乡镇（街道）未成年人"
        "保护工作站建设实施方案》确定的职责，现将全年工作总结如下。",
    )
    section(doc, 1, "全年工作概述")
    narrative(doc, "summary")
    sub_heading(doc, "年度工作计划")
    body(doc, ph("work_plan"))
    sub_heading(doc, "向乡镇人民政府（街道办事处）汇报")
    body(doc, ph("half_year_reports"))
    n = figure_sections(doc, 2)
    section(doc, n, "存在问题")
    sub_heading(doc, "（一）系统待办事项（截至报送日）")
    rows_table(doc, FIGURE_COLUMNS, "problem_rows", "无待办事项")
    sub_heading(doc, "（二）问题分析")
    narrative(doc, "problems")
    section(doc, n + 1, "下一年度工作打算")
    narrative(doc, "next_steps")
    signature(doc, ph("station"), ph("report_date"))
    return base.reproducible(doc)


# ---- the county's filing (五(一)) -----------------------------------------------------


def build_county_filing() -> bytes:
    doc = new_document("乡镇（街道）未成年人保护工作站建设运营情况备案报告")
    title_block(
        doc,
        [
            f"{ph('full_name')}乡镇（街道）未成年人保护工作站",
            f"建设运营情况备案报告（{ph('year')}年度）",
        ],
    )
    info_lines(
        doc,
        [
            ("报送单位", f"{ph('county')}民政局"),
            ("报送对象", "自治区民政厅儿童福利处"),
            ("报送期限", f"{ph('deadline')}前"),
            ("报送日期", ph("report_date")),
        ],
    )
    body(doc, "自治区民政厅儿童福利处：", indent=False)
    body(
        doc,
        "按照《宁夏乡镇（街道）未成年人保护工作站建设实施方案》“各县（区）民政局于每年8月31日前"
        "完成年度未保站建设任务，并将所辖乡镇（街道）未保站建设运营情况报自治区民政厅儿童福利处"
        f"备案”的要求，现将{ph('county')}{ph('year')}年度未保站建设运营情况报告如下。",
    )
    section(doc, 1, "建设任务完成情况")
    rows_table(doc, TASK_COLUMNS, "task_rows", "无建设任务数据")
    section(doc, 2, "各未保站建设运营情况")
    rows_table(
        doc,
        STATION_COLUMNS,
        "station_rows",
        "辖区内无乡镇（街道）",
        size=SMALL_PT,
        total=[
            "合计",
            "",
            "",
            "",
            "",
            "",
            ph("totals.staff"),
            ph("totals.children"),
            ph("totals.cases"),
        ],
    )
    note = doc.add_paragraph()
    note.paragraph_format.space_before = Pt(4)
    base.add_text(
        note,
        "注：数据来自未保站登记、建设任务分配表和各站“一人一档”台账；明细见同名 Excel 附表。",
        size=SMALL_PT,
    )
    section(doc, 3, "建设运营情况说明")
    narrative(doc, "summary")
    section(doc, 4, "存在问题及下步工作")
    narrative(doc, "problems")
    body(doc, "特此报告，请予备案。")
    signature(doc, f"{ph('county')}民政局", ph("report_date"))
    return base.reproducible(doc)


# ---- 监护状况与风险等级评估表 (4.2.1, 4.2.3; issue 15) ------------------------------------

ASSESSMENT_FILE = "assessment_sheet.docx"
ITEM_COLUMNS = (
    ("类别", "group", 2.0),
    ("序号", "no", 1.0),
    ("评估指标", "text", 6.0),
    ("评估结果", "answers", 5.6),
    ("得分", "points", 2.0),
)


def build_assessment_sheet() -> bytes:
    doc = new_document("监护状况与风险等级评估表")
    title_block(doc, ["监护状况与风险等级评估表"])
    info_lines(doc, [("评估单位", ph("unit")), ("指标版本", ph("version"))])
    base.label_table(
        doc,
        [
            (("儿童姓名", "name"), ("性别", "gender")),
            (("出生日期", "birth"), ("年龄", "age")),
            (("居住地", "village"),),
            (("儿童类别", "categories"),),
            (("评估日期", "assessed_on"), ("评估方式", "method")),
            (("评估人", "assessors"),),
        ],
    )
    sub_heading(doc, "一、评估指标（每项得分 = 所选结果的分值 × 权重）")
    widths = [w for _, _, w in ITEM_COLUMNS]
    table = base.grid(doc, widths)
    head = base.new_row(table, widths, height=0.8, header=True)
    for cell, (label, _, _) in zip(head.cells, ITEM_COLUMNS, strict=True):
        base.put(cell, label, bold=True, center=True, size=TABLE_PT)
    base.tag_row(table, widths, "for r in items")
    row = base.new_row(table, widths, height=0.7)
    for cell, (_, key, _) in zip(row.cells, ITEM_COLUMNS, strict=True):
        base.put(cell, ph(f"r.{key}"), center=key in ("no", "points"), size=TABLE_PT)
    base.tag_row(table, widths, "endfor")
    sub_heading(doc, "二、评估结果")
    base.label_table(
        doc,
        [
            (("总分", "total"), ("各类得分", "by_group")),
            (("监护状况", "outcome"), ("风险等级", "grade")),
            (("走访频次", "frequency"), ("下次评估日期", "next_due")),
            (("主要问题", "found"),),
            (("评估说明", "note"),),
        ],
    )
    body(doc, ph("rules"), indent=False)
    signature(doc, "评估人（签字）：　　　　　　　　", "　　　　年　　月　　日")
    return base.reproducible(doc)


# ---- 儿童主任工作考核表 and the county's summary (附件2 3.1.2, 附件3 督导考核; issue 16) ----

APPRAISAL_FILE = "appraisal_sheet.docx"
APPRAISAL_SUMMARY_FILE = "appraisal_summary.docx"
APPRAISAL_COLUMNS = (("项目", "item", 4.6), ("数值", "value", 3.6), ("说明", "note", 8.4))
SUMMARY_COLUMNS = (
    ("序号", "no", 0.8),
    ("乡镇（街道）", "township", 2.0),
    ("应走访", "planned", 1.0),
    ("按时走访（按时率）", "on_time", 1.8),
    ("逾期未访", "missed", 1.0),
    ("走访记录", "visits", 1.0),
    ("新建档案", "created", 1.0),
    ("审核/退回", "reviews", 1.2),
    ("逾期待办（最久天数）", "overdue", 1.7),
    ("发现报告", "reports", 1.0),
    ("抽查/有出入", "checked", 1.2),
    ("儿童主任考核 优秀/良好/合格/不合格/未评", "grades", 2.9),
)


def build_appraisal_sheet() -> bytes:
    doc = new_document("儿童主任工作考核表")
    title_block(doc, ["儿童主任工作考核表"])
    info_lines(doc, [("考核单位", ph("unit")), ("考核期间", ph("period"))])
    base.label_table(
        doc,
        [
            (("村（居）", "village"),),
            (("儿童主任", "director"),),
        ],
    )
    sub_heading(doc, "一、工作情况（由系统按记录统计）")
    body(doc, ph("basis"), indent=False)
    rows_table(doc, APPRAISAL_COLUMNS, "rows", "无统计数据")
    sub_heading(doc, "二、考核评定")
    base.label_table(
        doc,
        [
            (("考核等次", "grade"), ("评定时间", "graded")),
            (("考核意见", "comment"),),
        ],
    )
    signature(doc, "儿童督导员（签字）：　　　　　　　　", "　　　　年　　月　　日")
    return base.reproducible(doc)


def build_appraisal_summary() -> bytes:
    doc = new_document("未保站工作考核汇总表")
    title_block(doc, ["未保站工作考核汇总表"])
    info_lines(
        doc, [("汇总单位", ph("unit")), ("考核期间", ph("period")), ("打印时间", ph("printed"))]
    )
    rows_table(doc, SUMMARY_COLUMNS, "rows", "无未保站", size=SMALL_PT)
    body(
        doc,
        "说明：应走访为本期到期的计划走访；逾期待办为打印当日仍逾期的待办事项；"
        "审核/退回为督导员对儿童主任建档、修改的审核次数与其中退回修改的次数；"
        "抽查为督导抽查已核实的项数与其中有出入的项数。",
        indent=False,
    )
    signature(doc, "县（区）民政局（盖章）　　　　　　　　", "　　　　年　　月　　日")
    return base.reproducible(doc)


BUILDERS = {
    APPRAISAL_FILE: build_appraisal_sheet,
    APPRAISAL_SUMMARY_FILE: build_appraisal_summary,
    ASSESSMENT_FILE: build_assessment_sheet,
    HALF_YEAR_FILE: build_half_year,
    YEAR_SUMMARY_FILE: build_year_summary,
    COUNTY_FILING_FILE: build_county_filing,
}


def main(out_dir: Path = OUT_DIR) -> list[Path]:
    return write_all(BUILDERS, out_dir)


if __name__ == "__main__":
    for path in main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT_DIR):
        print(path)
