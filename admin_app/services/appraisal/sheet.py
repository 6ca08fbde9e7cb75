"""The 儿童主任工作考核表 of one village for one period: its figures (prefilled), the
township 儿童督导员's grade and comment (saved with the figures they were given on),
as a page, as Word (doc_templates/appraisal_sheet.docx) and as Excel; and the summary of
the stations of a county (or a city) for the same period (Word and Excel)."""

import io
import json

from openpyxl import Workbook

from ...core import clock, dates, sheets
from ...documents import DomainError, Place, station_name
from ...documents.appraisal import AppraisalSheet
from ...documents.constants import APPRAISAL_GRADES, TOWNSHIP, VILLAGE
from .. import audit
from ..word import rendering
from . import side_by_side, total, township_figures

GRADES = dict(APPRAISAL_GRADES)
MAX_COMMENT = 1000
NONE = "—"


def _n(value, unit: str = "") -> str:
    return NONE if value is None else f"{value}{unit}"


def lines(f: dict) -> list[tuple[str, str, str, str | None]]:
    """(项目, 数值, 说明, the figure whose list it counts) of a set of figures: what the
    page, the Word sheet and the Excel sheet print, in this order."""
    rate = f"（按时率 {f['on_time_rate']}%）" if f.get("on_time_rate") is not None else ""
    review = f"平均用时 {_n(f['review_days_avg'], ' 天')}，最长 {_n(f['review_days_max'], ' 天')}"
    overdue = (
        f"截至今日；最久 {_n(f['overdue_oldest'], ' 天')}，平均 {_n(f['overdue_avg'], ' 天')}"
        + (f"；高风险从未走访 {f['never_visited']} 人" if f.get("never_visited") else "")
    )
    return [
        ("应走访（次）", str(f["planned"]), "本期到期（截至昨日）的计划走访", "planned"),
        ("按时走访（次）", f"{f['on_time']}{rate}", "在计划日期当日或之前完成", "on_time"),
        ("逾期完成（次）", str(f["late"]), "晚于计划日期完成", "late"),
        ("逾期未访（次）", str(f["missed"]), "到期未走访", "missed"),
        ("走访记录（次）", str(f["visits"]), "本期实际走访（含计划外）", "visits"),
        ("新建档案（份）", str(f["created"]), "本期建档", "created"),
        ("档案审核（次）", str(f["reviews"]), review, "reviews"),
        ("退回修改（次）", str(f["returned"]), "督导员退回要求修改", "returned"),
        ("当前逾期待办（项）", str(f["overdue"]), overdue, "overdue"),
        ("发现报告（件）", str(f["reports"]), "本期报告的侵害或困境线索", "reports"),
        ("督导抽查核实（项）", str(f["checked"]), f"其中有出入 {f['discrepancies']} 项", "checked"),
        ("最近活动", (f["last_activity"] or NONE), "登录、建档修改、走访、报告", None),
    ]


def sheet_id(village: str, p: dict) -> str:
    return f"{village}|{p['year']}|{p['kind']}"


def village_inside(user, village: str | None) -> str:
    """The village, when it is one and lies inside the user's place."""
    info = Place.info(village)
    if info is None or info["level"] != VILLAGE or user.place not in info["place_path"]:
        raise DomainError("该村（居）不存在或不在您的管辖范围内。", "village")
    return village


def read(user, village: str, p: dict) -> dict:
    """{village, township, figures (today), sheet (saved or None), graded (its figures),
    directors} of a village inside the user's place."""
    village = village_inside(user, village)
    township = Place.path_of(village)[3]
    found = township_figures(township, p)
    sheet = AppraisalSheet.objects(pk=sheet_id(village, p)).order_by().first()
    return {
        "village": village,
        "township": township,
        "figures": found["villages"].get(village) or found_empty(found),
        "directors": found["directors"].get(village, []),
        "sheet": sheet,
        "graded": json.loads(sheet.figures) if sheet and sheet.figures else None,
    }


def found_empty(found: dict) -> dict:
    """The figures of a village with no archive yet: zeros."""
    zero = {k: (0 if isinstance(v, int) else None) for k, v in found["station"].items()}
    return zero


def grade(
    user, village: str, p: dict, grade_code: str, comment: str, version=None
) -> AppraisalSheet:
    """The 督导员's grade and comment: saved with today's figures (versioned: a sheet
    changed by someone else since it was opened is refused)."""
    data = read(user, village, p)
    if grade_code not in GRADES:
        raise DomainError("请选择考核等次（优秀、良好、合格、不合格）。", "grade")
    comment = (comment or "").strip()
    if not comment:
        raise DomainError("请填写考核意见。", "comment")
    if len(comment) > MAX_COMMENT:
        raise DomainError(f"考核意见不能超过 {MAX_COMMENT} 字。", "comment")
    sheet = data["sheet"]
    figures = json.dumps(data["figures"], ensure_ascii=False, sort_keys=True)
    directors = data["directors"]
    values = {
        "grade": grade_code,
        "comment": comment,
        "figures": figures,
        "director": directors[0][0] if directors else None,
        "director_name": "、".join(n for _, n in directors) or None,
    }
    if sheet is not None:
        if version is not None and str(sheet.version) != str(version):
            raise DomainError("该考核表已被他人修改，请刷新页面查看最新内容后重新提交。", "comment")
        if sheet.grade == grade_code and sheet.comment == comment:
            return sheet  # saved without a change: nothing written, the figures kept
        old = {"grade": sheet.grade, "comment": sheet.comment}
        for k, v in values.items():
            setattr(sheet, k, v)
        sheet.graded_by, sheet.graded_at = user.username, clock.now()
        sheet.save_versioned(user)
        audit.record(
            "update",
            sheet,
            changes={k: [old[k], values[k]] for k in old if old[k] != values[k]},
            detail=f"工作考核：{Place.full_name_of(village)} {p['label']}",
        )
        return sheet
    sheet = AppraisalSheet(id=sheet_id(village, p), year=p["year"], kind=p["kind"], **values)
    sheet.set_place(village)
    sheet.graded_by, sheet.graded_at = user.username, clock.now()
    sheet.save_new(user)
    audit.record("create", sheet, detail=f"工作考核：{Place.full_name_of(village)} {p['label']}")
    return sheet


def _printed(data: dict) -> tuple[dict, str]:
    """The figures a sheet prints: those graded on, or today's when not graded yet."""
    if data["graded"]:
        when = dates.cn_minute(data["sheet"].graded_at)
        return data["graded"], f"以下数字为评定时（{when}）的统计"
    return data["figures"], f"以下数字为 {dates.cn_minute(clock.now())} 的统计（尚未评定）"


def word_context(data: dict, p: dict) -> dict:
    figures, basis = _printed(data)
    sheet = data["sheet"]
    township = data["township"]
    return {
        "unit": rendering.clean(station_name(Place.name_of(township))),
        "period": f"{p['label']}（{p['range']}）",
        "village": rendering.clean(Place.full_name_of(data["village"])),
        "director": rendering.text(
            (sheet.director_name if sheet else None) or "、".join(n for _, n in data["directors"])
        ),
        "basis": basis,
        "rows": [
            {"item": a, "value": b, "note": rendering.clean(c)} for a, b, c, _ in lines(figures)
        ],
        "grade": GRADES.get(sheet.grade, "") if sheet else rendering.BLANK,
        "comment": rendering.text(sheet.comment if sheet else None),
        "graded": dates.cn_minute(sheet.graded_at) if sheet else rendering.BLANK,
    }


def word(user, village: str, p: dict) -> tuple[bytes, str]:
    data = read(user, village, p)
    out = rendering.render("appraisal_sheet", word_context(data, p))
    _audit_export(data, p, "Word")
    return out, f"儿童主任工作考核表_{Place.name_of(village)}_{p['label']}.docx"


def excel(user, village: str, p: dict) -> tuple[bytes, str]:
    data = read(user, village, p)
    figures, basis = _printed(data)
    sheet = data["sheet"]
    wb = Workbook()
    ws = wb.active
    ws.title = "工作考核表"
    sheets.title_rows(
        ws,
        "儿童主任工作考核表",
        f"{station_name(Place.name_of(data['township']))}　{Place.full_name_of(village)}　{p['label']}（{p['range']}）",
        3,
    )
    who = (sheet.director_name if sheet else None) or "、".join(n for _, n in data["directors"])
    sheets.body_row(ws, ["儿童主任", who or "（未设账号）", basis])
    sheets.header_row(ws, ["项目", "数值", "说明"])
    for row in lines(figures):
        sheets.body_row(ws, list(row[:3]))
    sheets.body_row(ws, ["考核等次", GRADES.get(sheet.grade, "") if sheet else "", ""], bold=True)
    sheets.body_row(ws, ["考核意见", sheet.comment if sheet else "", ""])
    sheets.body_row(ws, ["评定时间", dates.cn_minute(sheet.graded_at) if sheet else "", ""])
    for col, width in zip("ABC", (20, 24, 50), strict=True):
        ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    _audit_export(data, p, "Excel")
    return buf.getvalue(), f"儿童主任工作考核表_{Place.name_of(village)}_{p['label']}.xlsx"


def _audit_export(data: dict, p: dict, what: str) -> None:
    audit.record(
        "download",
        None,
        detail=f"下载工作考核表（{what}）：{Place.full_name_of(data['village'])} {p['label']}",
        place_path=Place.path_of(data["village"]),
    )


# ---- the summary of a county's (a city's) stations ----------------------------------

SUMMARY_HEADERS = [
    "序号",
    "乡镇（街道）",
    "应走访",
    "按时走访",
    "按时率",
    "逾期未访",
    "走访记录",
    "新建档案",
    "审核",
    "最长审核用时（天）",
    "退回修改",
    "当前逾期待办",
    "最久逾期（天）",
    "发现报告",
    "抽查核实",
    "抽查有出入",
    "儿童主任考核（优秀/良好/合格/不合格/未评）",
]


def _grades_of(township: str, p: dict) -> str:
    """How many of the township's village 儿童主任 got each grade this period."""
    villages = [k for k, _ in Place.choices_under(township, VILLAGE)]
    got = {
        s.place: s.grade
        for s in AppraisalSheet.objects(scope3=township, year=p["year"], kind=p["kind"]).only(
            "place", "grade"
        )
    }
    counts = [sum(1 for v in villages if got.get(v) == g) for g in GRADES]
    counts.append(sum(1 for v in villages if v not in got))
    return "/".join(str(c) for c in counts)


def summary_rows(user, place: str, p: dict) -> list[list]:
    info = Place.info(place)
    if info is None or user.place not in info["place_path"] or info["level"] in (TOWNSHIP, VILLAGE):
        raise DomainError("请选择您管辖范围内的县（区）或市。", "place")
    rows = side_by_side(place, p)
    out = []
    for n, r in enumerate(rows, 1):
        out.append(
            _summary_row(
                str(n), Place.name_of(r["township"]), r["figures"], _grades_of(r["township"], p)
            )
        )
    out.append(_summary_row("", "合计", total(rows), ""))
    return out


def _summary_row(no: str, name: str, f: dict, grades: str) -> list:
    rate = f"{f['on_time_rate']}%" if f["on_time_rate"] is not None else NONE
    return [
        no,
        name,
        f["planned"],
        f["on_time"],
        rate,
        f["missed"],
        f["visits"],
        f["created"],
        f["reviews"],
        _n(f["review_days_max"]),
        f["returned"],
        f["overdue"],
        _n(f["overdue_oldest"]),
        f["reports"],
        f["checked"],
        f["discrepancies"],
        grades,
    ]


def summary_excel(user, place: str, p: dict) -> tuple[bytes, str]:
    rows = summary_rows(user, place, p)
    title = f"{Place.full_name_of(place)}未保站工作考核汇总"
    wb = Workbook()
    ws = wb.active
    ws.title = "工作考核汇总"
    sheets.title_rows(
        ws,
        title,
        f"{p['label']}（{p['range']}），导出时间 {dates.cn_minute(clock.now())}",
        len(SUMMARY_HEADERS),
    )
    sheets.header_row(ws, SUMMARY_HEADERS)
    for row in rows:
        sheets.body_row(ws, row, bold=row[1] == "合计")
    for i, h in enumerate(SUMMARY_HEADERS):
        ws.column_dimensions[ws.cell(row=3, column=i + 1).column_letter].width = max(
            8, min(30, sheets.display_width(h) + 2)
        )
    buf = io.BytesIO()
    wb.save(buf)
    _audit_summary(place, p, "Excel")
    return buf.getvalue(), f"{title}_{p['label']}.xlsx"


def summary_word(user, place: str, p: dict) -> tuple[bytes, str]:
    rows = summary_rows(user, place, p)
    context = {
        "unit": rendering.clean(f"{Place.full_name_of(place)}民政局"),
        "period": f"{p['label']}（{p['range']}）",
        "printed": dates.cn_minute(clock.now()),
        "rows": [_word_row(row) for row in rows],
    }
    out = rendering.render("appraisal_summary", context)
    _audit_summary(place, p, "Word")
    return out, f"{Place.full_name_of(place)}未保站工作考核汇总_{p['label']}.docx"


def _word_row(r: list) -> dict:
    """A row of the Excel summary in the Word table's twelve columns."""
    return {
        "no": r[0],
        "township": rendering.clean(r[1]),
        "planned": str(r[2]),
        "on_time": f"{r[3]}（{r[4]}）" if r[4] != NONE else str(r[3]),
        "missed": str(r[5]),
        "visits": str(r[6]),
        "created": str(r[7]),
        "reviews": f"{r[8]}/{r[10]}",
        "overdue": f"{r[11]}（{r[12]}）" if r[12] != NONE else str(r[11]),
        "reports": str(r[13]),
        "checked": f"{r[14]}/{r[15]}",
        "grades": r[16],
    }


def _audit_summary(place: str, p: dict, what: str) -> None:
    audit.record(
        "download",
        None,
        detail=f"下载工作考核汇总（{what}）：{Place.full_name_of(place)} {p['label']}",
        place_path=Place.path_of(place),
    )
