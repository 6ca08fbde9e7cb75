"""The station's report on paper: the Word file from its template and the Excel workbook."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from ...core import sheets
from .. import word
from .sections import figure_sections

TEMPLATES = {
    "H1": "report_half_year.docx",
    "H2": "report_half_year.docx",
    "year": "report_year_summary.docx",
    "filing": "report_county_filing.docx",
}

# ---- Word ---------------------------------------------------------------------------


def _rows(section: dict) -> list[dict]:
    return [{"group": r["group"], "item": r["item"], "value": r["value"]} for r in section["rows"]]


INDENT = "\u3000\u3000"  # two full-width spaces: the first-line indent of a Chinese paragraph


def paragraphs(value) -> str:
    """The clerk's text for Word: each line after the first indented like a new paragraph
    (the template indents the first). Nothing else changes: the text appears literally."""
    lines = word.clean(value).split("\n")
    return "\n".join(
        [lines[0]]
        + [line if not line or line[0] in " \u3000\t" else INDENT + line for line in lines[1:]]
    )


def station_context(f: dict, narrative: dict, reported_to: str = "") -> dict:
    """The context of report_half_year.docx / report_year_summary.docx (plain strings)."""
    p = f["period"]
    sections = {s["key"]: _rows(s) for s in figure_sections(f)}
    ctx = {
        "station": word.text(f["station"]),
        "period_label": p["label"],
        "period_range": p["range"],
        "reported_to": word.text(reported_to or f["government"]),
        "report_date": word.cn_day(f["today"]),
        "summary": paragraphs(narrative.get("summary")),
        "problems": paragraphs(narrative.get("problems")),
        "next_steps": paragraphs(narrative.get("next_steps")),
        "children_rows": sections["children"],
        "visit_rows": sections["visits"],
        "case_rows": sections["cases"],
        "service_rows": sections["services"],
        "problem_rows": sections["problems"],
    }
    if p.get("kind") == "year":
        del ctx["reported_to"]
        ctx["place"] = word.text(f["full_name"])
        ctx["work_plan"] = (
            "；".join(
                f"{word.clean(w['title'])}（{'已确定' if w['status'] == 'adopted' else '草稿'}）"
                for w in f["work_plans"]
            )
            or "本年度未在系统中登记工作计划"
        )
        halves = {"H1": "上半年", "H2": "下半年"}
        done = [
            f"{halves.get(h['half'], h['half'])}（{word.cn_day(h['reported_on'])}）"
            for h in sorted(f["half_year_reports"], key=lambda h: h["half"])
        ]
        ctx["half_year_reports"] = (
            f"本年度已向{f['government']}汇报 {len(done)} 次：" + "、".join(done)
            if done
            else f"本年度尚未登记向{f['government']}的半年汇报"
        )
    return ctx


def station_word(f: dict, narrative: dict, reported_to: str = "") -> bytes:
    name = TEMPLATES["year" if f["period"].get("kind") == "year" else "H1"]
    return word.render(name, station_context(f, narrative, reported_to))


# ---- Excel --------------------------------------------------------------------------


def station_workbook(f: dict) -> bytes:
    """The figures as .xlsx: one sheet, section by section (类别 | 项目 | 数量)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "工作报告数据"
    p = f["period"]
    sheets.title_rows(
        ws,
        f"{f['station']}{p['label']}工作数据",
        f"统计期间：{p['range']}；在册儿童及待办事项截至{word.cn_day(f['today'])}",
        4,
    )
    for i, section in enumerate(figure_sections(f), 1):
        ws.append([])
        ws.append([f"{'一二三四五六七八'[i - 1]}、{section['title']}"])
        ws.cell(ws.max_row, 1).font = Font(bold=True, size=12)
        sheets.header_row(ws, ("类别", "项目", "数量"))
        for r in section["rows"]:
            sheets.body_row(ws, (r["group"], r["item"], r["value"]))
    for col, width in zip("ABC", (26, 36, 20), strict=True):
        ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
