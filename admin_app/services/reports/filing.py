"""The county's yearly filing of station construction and operation (五(一)): figures, Word, Excel."""

import io
from collections import Counter
from datetime import date
from types import SimpleNamespace

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from ...core import clock, sheets
from ...documents import Place, Station
from ...documents.base import DomainError
from ...documents.case import Case
from ...documents.constants import (
    ACCEPTANCE_RESULTS,
    BUILD_STATUSES,
    BUILT,
    COUNTY,
    SETUP_MODES,
    STAFF_ROLES,
    TOWNSHIP,
)
from ...documents.records import HalfYearReport
from .. import word
from ..figures import summaries
from ..stations import progress
from .paper import TEMPLATES, paragraphs
from .periods import FIRST_YEAR, _day

# ---- the county's yearly filing (五(一)) ---------------------------------------------


def counties_for(user) -> list[dict]:
    """The counties a user may file or read the filing of: its own, or those inside its place."""
    info = Place.info(user.place) or {}
    if info.get("level") == COUNTY:
        return [info]
    if user.role not in ("city", "province"):
        return []
    return Place.children_of(user.place, COUNTY)


def _county(user, county: str | None) -> str:
    allowed = {c["_id"] for c in counties_for(user)}
    if county is None and len(allowed) == 1:
        county = next(iter(allowed))
    if county not in allowed:
        raise DomainError("该县（区）不存在或不在您的管辖范围内。", "county")
    return county


def _label(pairs, code, blank="—") -> str:
    return dict(pairs).get(code, blank) if code else blank


def county_filing(user, year: int, county: str | None = None) -> dict:
    """Per station: registry fields, built/accepted, staff, children and cases; plus the
    allocation target against what was built. Only counties inside the user's place."""
    year = int(year)
    if not FIRST_YEAR <= year <= 2100:
        raise DomainError(f"年份应在 {FIRST_YEAR} 年之后。", "year")
    key = _county(user, county)
    scope = SimpleNamespace(place=key, role="county")
    stations = {s.place: s for s in Station.objects.in_scope(scope)}
    cases = Counter()
    for c in Case.objects.in_scope(scope).only("reported_at", "place_path"):
        if _day(c.reported_at) and _day(c.reported_at).year == year and len(c.place_path) > 3:
            cases[c.place_path[3]] += 1
    reports = Counter()
    for r in HalfYearReport.objects.in_scope(scope).filter(year=year).only("place_path"):
        if len(r.place_path) > 3:
            reports[r.place_path[3]] += 1
    rows, unregistered = [], []
    figures = summaries.by_township(scope)
    for town in Place.children_of(key, TOWNSHIP):
        s = stations.get(town["_id"])
        fig = figures.get(town["_id"]) or summaries.summarize([], clock.today())
        if s is None:
            unregistered.append(town["name"])
        staff = Counter(m.staff_role for m in (s.staff if s else []) or [])
        members = (s.staff if s else []) or []
        rows.append(
            {
                "township": town["_id"],
                "township_name": town["name"],
                "code": town["code"],
                "station": s.name if s else "（未登记）",
                "registered": s is not None,
                "setup_mode": _label(SETUP_MODES, s.setup_mode if s else None),
                "build_status": _label(BUILD_STATUSES, s.build_status if s else None, "未登记"),
                "built": bool(s and s.build_status == BUILT and s.build_year),
                "build_year": (s.build_year if s else None),
                "filed_date": s.filed_date if s else None,
                "acceptance": _label(
                    ACCEPTANCE_RESULTS, s.acceptance_result if s else None, "未验收"
                ),
                "acceptance_date": s.acceptance_date if s else None,
                "accepted": bool(s and s.acceptance_result == "passed"),
                "sign_hung": bool(s and s.sign_hung),
                "staff": len(members),
                "staff_by_role": {code: staff.get(code, 0) for code, _ in STAFF_ROLES},
                "full_time": sum(1 for m in members if m.full_time),
                "qualified": sum(1 for m in members if (m.qualification or "none") != "none"),
                "children": fig["active"],
                "high_risk": (fig.get("risk") or {}).get("high", 0),
                "cases": cases.get(town["_id"], 0),
                "half_year_reports": reports.get(town["_id"], 0),
            }
        )
    allocation = None
    progress_rows = progress.county_rows(scope)
    if progress_rows:
        a = progress_rows[0]
        target = {2023: a.target_2023, 2024: a.target_2024}.get(year)
        allocation = {
            "plan_total": a.plan_total,
            "target_2023": a.target_2023,
            "target_2024": a.target_2024,
            "target_year": target,
            "split_confirmed": a.split_confirmed,
            "stations": a.stations,
            "built_total": a.built_total,
            "accepted": a.accepted,
            "percent": a.percent,
            "behind": list(a.behind),
        }
    built_in_year = sum(1 for r in rows if r["built"] and r["build_year"] == year)
    built_by_year = sum(1 for r in rows if r["built"] and r["build_year"] <= year)
    info = Place.info(key) or {}
    city = info.get("place_path", [None, None])[1] if info else None
    return {
        "county": key,
        "county_name": info.get("name", ""),
        "city_name": Place.name_of(city),
        "full_name": Place.full_name_of(key),
        "year": year,
        "deadline": progress.deadline(year),
        "today": clock.today(),
        "rows": rows,
        "unregistered": unregistered,
        "allocation": allocation,
        "townships": len(rows),
        "registered": sum(1 for r in rows if r["registered"]),
        "built": sum(1 for r in rows if r["built"]),
        "built_in_year": built_in_year,
        "built_by_year": built_by_year,
        "accepted": sum(1 for r in rows if r["accepted"]),
        "staff": sum(r["staff"] for r in rows),
        "children": sum(r["children"] for r in rows),
        "cases": sum(r["cases"] for r in rows),
    }


def _opt(value) -> str:
    return "未确认" if value is None else str(value)


def filing_draft(f: dict) -> dict:
    a = f["allocation"]
    parts = [
        f"{f['year']}年，{f['county_name']}辖区共有乡镇（街道）{f['townships']}个，"
        f"已登记未保站{f['registered']}个，已建成{f['built']}个（其中本年度建成{f['built_in_year']}个），"
        f"验收合格{f['accepted']}个。",
        f"各未保站共有工作人员{f['staff']}人，在册儿童{f['children']}人，本年度受理案件{f['cases']}件。",
    ]
    if a:
        parts.append(
            f"按照建设任务分配表，本县（区）任务总数{a['plan_total']}个"
            + (f"，{f['year']}年任务{a['target_year']}个" if a["target_year"] is not None else "")
            + f"，截至{f['year']}年底应建成数与已建成{f['built_by_year']}个对照见附表。"
        )
    problems = list(a["behind"]) if a else ["未在建设任务分配表中找到本县（区）。"]
    if f["unregistered"]:
        problems.append("尚未登记未保站的乡镇（街道）：" + "、".join(f["unregistered"]) + "。")
    if not problems:
        problems.append("（请填写存在的问题及下步工作安排。）")
    return {
        "summary": "\n".join(parts),
        "problems": "\n".join(f"{i}. {p}" for i, p in enumerate(problems, 1)),
    }


def filing_context(f: dict, narrative: dict) -> dict:
    """The context of report_county_filing.docx (plain strings)."""
    a = f["allocation"] or {}
    task = [
        ("任务总数（附件1）", _opt(a.get("plan_total")) if a else "未分配"),
        ("2023年建设任务", _opt(a.get("target_2023")) if a else "—"),
        ("2024年建设任务", _opt(a.get("target_2024")) if a else "—"),
        (
            f"{f['year']}年建设任务",
            (
                _opt(a.get("target_year"))
                if f["year"] in (2023, 2024)
                else "—（附件1 只安排 2023、2024 两年）"
            )
            if a
            else "—",
        ),
        ("已登记未保站", str(f["registered"])),
        (f"{f['year']}年建成", str(f["built_in_year"])),
        (f"截至{f['year']}年底累计建成", str(f["built_by_year"])),
        ("验收合格", str(f["accepted"])),
        ("完成率（已建成/任务总数）", f"{a['percent']}%" if a else "—"),
        ("进度提示", "；".join(a.get("behind") or []) or "无" if a else "—"),
    ]
    stations = [
        {
            "no": str(i),
            "township": word.text(r["township_name"], ""),
            "station": word.text(r["station"], ""),
            "mode": r["setup_mode"],
            "build": r["build_status"] + (f"（{r['build_year']}年）" if r["build_year"] else ""),
            "acceptance": r["acceptance"]
            + (f"\n{word.cn_day(r['acceptance_date'])}" if r["acceptance_date"] else ""),
            "staff": f"{r['staff']}（专职{r['full_time']}）",
            "children": str(r["children"]),
            "cases": str(r["cases"]),
        }
        for i, r in enumerate(f["rows"], 1)
    ]
    return {
        "county": word.text(f["county_name"]),
        "full_name": word.text(f["full_name"]),
        "year": str(f["year"]),
        "deadline": word.cn_day(f["deadline"]),
        "report_date": word.cn_day(f["today"]),
        "summary": paragraphs(narrative.get("summary")),
        "problems": paragraphs(narrative.get("problems")),
        "task_rows": [{"item": k, "value": v} for k, v in task],
        "station_rows": stations,
        "totals": {
            "staff": str(f["staff"]),
            "children": str(f["children"]),
            "cases": str(f["cases"]),
        },
    }


def filing_word(f: dict, narrative: dict) -> bytes:
    return word.render(TEMPLATES["filing"], filing_context(f, narrative))


FILING_HEADERS = (
    "序号",
    "乡镇（街道）代码",
    "乡镇（街道）",
    "未保站名称",
    "设置方式",
    "建设状态",
    "建成年份",
    "备案日期",
    "验收结果",
    "验收日期",
    "标识已悬挂",
    *(f"{label}（人）" for _, label in STAFF_ROLES),
    "工作人员合计（人）",
    "专职（人）",
    "持社工证（人）",
    "在册儿童（人）",
    "高风险儿童（人）",
    "本年度案件（件）",
    "半年汇报（次）",
)


def filing_workbook(f: dict) -> bytes:
    """The filing as .xlsx: the stations sheet and the allocation sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = "各未保站情况"
    width = len(FILING_HEADERS)
    sheets.title_rows(
        ws,
        f"{f['full_name']}乡镇（街道）未成年人保护工作站建设运营情况备案表（{f['year']}年度）",
        f"报送：自治区民政厅儿童福利处；期限：{word.cn_day(f['deadline'])}前；"
        f"制表日期：{word.cn_day(f['today'])}",
        width,
    )
    sheets.header_row(ws, FILING_HEADERS)
    first = ws.max_row + 1
    for i, r in enumerate(f["rows"], 1):
        sheets.body_row(
            ws,
            (
                i,
                r["code"],
                r["township_name"],
                r["station"],
                r["setup_mode"],
                r["build_status"],
                r["build_year"] or "",
                r["filed_date"] or "",
                r["acceptance"],
                r["acceptance_date"] or "",
                "是" if r["sign_hung"] else "否",
                *(r["staff_by_role"][code] for code, _ in STAFF_ROLES),
                r["staff"],
                r["full_time"],
                r["qualified"],
                r["children"],
                r["high_risk"],
                r["cases"],
                r["half_year_reports"],
            ),
        )
    last = ws.max_row
    total = ["合计"] + [""] * 10
    for col in range(12, width + 1):
        letter = get_column_letter(col)
        total.append(f"=SUM({letter}{first}:{letter}{last})" if last >= first else 0)
    ws.append(total)
    for cell in ws[ws.max_row]:
        cell.font = sheets.BOLD
        cell.border = sheets.BOX
    for row in ws.iter_rows(min_row=first, max_row=last):
        for cell in row:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    for col in range(1, width + 1):
        ws.column_dimensions[get_column_letter(col)].width = 12
    for letter, w in (("A", 6), ("B", 16), ("C", 14), ("D", 28), ("E", 20)):
        ws.column_dimensions[letter].width = w
    ws.freeze_panes = ws.cell(4, 4)

    task = wb.create_sheet("建设任务")
    sheets.title_rows(task, f"{f['full_name']}建设任务完成情况（{f['year']}年度）", "单位：个", 2)
    sheets.header_row(task, ("项目", "数值"))
    for r in filing_context(f, {})["task_rows"]:
        sheets.body_row(task, (r["item"], r["value"]))
    if f["unregistered"]:
        sheets.body_row(task, ("尚未登记未保站的乡镇（街道）", "、".join(f["unregistered"])))
    task.column_dimensions["A"].width = 30
    task.column_dimensions["B"].width = 40
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
