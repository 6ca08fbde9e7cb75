"""Work reports: the station's half-year report and yearly summary (三(二) 每半年向乡镇人民政府
汇报), and the county's yearly filing of station construction and operation (五(一)).

Every figure is computed, never typed. Children come from the township rosters, visits
from each child's VisitBook and archive dates from the Child, both read by `_id` (the only
fast lookup on FerretDB/SQLite); cases, referrals and the work records are small
collections and are read with `in_scope`. The narrative parts (概述, 存在问题, 下步打算)
are drafted here from the figures and edited by the clerk before the Word file is made.
"""

import io
import re
from collections import Counter
from datetime import date, datetime, timedelta
from types import SimpleNamespace

from bson import ObjectId
from bson.errors import InvalidId
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from . import progress, roster, summaries, todos, word
from .core import clock
from .documents import Child, Place, Station, TransferTrace, VisitBook, station_name
from .documents.base import DomainError
from .documents.case import Case, Referral
from .documents.constants import (
    ACCEPTANCE_RESULTS,
    ACTIVITY_PLACES,
    BUILD_STATUSES,
    BUILT,
    CASE_CLASSES,
    CASE_STEPS,
    CATEGORIES,
    CHILD_STATUSES,
    COUNTY,
    FIRST_VISIT_HOURS,
    PUBLICITY_KINDS,
    RISK_LEVELS,
    SCHOOL_STATUSES,
    SETUP_MODES,
    STAFF_ROLES,
    TOWNSHIP,
)
from .documents.records import CommunityActivity, HalfYearReport, PublicityEvent, WorkPlan
from .documents.visit import VISIT_KINDS

KINDS = (("H1", "上半年"), ("H2", "下半年"), ("year", "全年"))
KIND_LABELS = dict(KINDS)
FIRST_YEAR = 2023  # the plan's first year
TRAINING_KINDS = ("director_training", "volunteer_training")
DECREASE_STATUSES = ("moved", "adult", "deceased", "closed")
TODO_LABELS = (
    ("review_overdue", "档案审核已超期"),
    ("review", "档案待督导员审核"),
    ("visit_overdue", "计划走访已逾期"),
    ("high_risk_unvisited", "高风险儿童超过走访周期未走访"),
    ("turning_18", "90 天内年满 18 周岁，需办理档案变更"),
    ("first_visit_overdue", "严重侵害案件 24 小时首次家访已超时未记录"),
    ("late_referrals", "转介反馈已逾期"),
)
TEMPLATES = {
    "H1": "report_half_year.docx",
    "H2": "report_half_year.docx",
    "year": "report_year_summary.docx",
    "filing": "report_county_filing.docx",
}
NARRATIVE = (("summary", "工作情况概述"), ("problems", "存在问题"), ("next_steps", "下步打算"))
FILING_NARRATIVE = (("summary", "建设运营情况说明"), ("problems", "存在问题及下步工作"))
NARRATIVE_LIMIT = 4000  # HalfYearReport's text fields hold this much


# ---- periods ------------------------------------------------------------------------


def period(kind: str, year: int) -> dict:
    """{kind, year, start, end, label, previous}: 上半年 1.1–6.30, 下半年 7.1–12.31, 全年."""
    if kind not in KIND_LABELS:
        raise DomainError("请选择上半年、下半年或全年。", "kind")
    year = int(year)
    if not FIRST_YEAR <= year <= 2100:
        raise DomainError(f"年份应在 {FIRST_YEAR} 年之后。", "year")
    start, end = {
        "H1": (date(year, 1, 1), date(year, 6, 30)),
        "H2": (date(year, 7, 1), date(year, 12, 31)),
        "year": (date(year, 1, 1), date(year, 12, 31)),
    }[kind]
    label = f"{year}年度" if kind == "year" else f"{year}年{KIND_LABELS[kind]}"
    previous = {"H1": ("H2", year - 1), "H2": ("H1", year), "year": ("year", year - 1)}[kind]
    return {
        "kind": kind,
        "year": year,
        "start": start,
        "end": end,
        "label": label,
        "previous": previous,
        "range": f"{word.cn_day(start)}至{word.cn_day(end)}",
    }


def default_period(today: date | None = None) -> tuple[str, int]:
    """The half that is running (a report is written at its end)."""
    today = today or clock.today()
    return ("H1" if today.month <= 6 else "H2"), today.year


def years(today: date | None = None) -> list[int]:
    today = today or clock.today()
    return list(range(today.year, FIRST_YEAR - 1, -1))


def _day(value) -> date | None:
    """The local (Ningxia) day of a date or a stored datetime."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return clock.local_date(value)
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value


def _within(value, p: dict) -> bool:
    day = _day(value)
    return day is not None and p["start"] <= day <= p["end"]


def _aware(value: datetime | None) -> datetime | None:
    return clock.to_local(value) if value is not None else None


# ---- the station's figures ----------------------------------------------------------


def township_of(user) -> str:
    """The township a station user reports for (a village user reports for its township)."""
    towns = roster.townships_in(user.place)
    info = Place.info(user.place) or {}
    if info.get("level") not in (TOWNSHIP, "village") or not towns:
        raise DomainError("工作报告由乡镇（街道）未保站编写。")
    return towns[0]


def _count(pairs, counter: Counter) -> list[dict]:  # pairs: a list, read twice
    """[{code, label, n}] in the order of a constants list, then unknown codes."""
    out = [{"code": code, "label": label, "n": counter.get(code, 0)} for code, label in pairs]
    known = {code for code, _ in pairs}
    for code, n in sorted(counter.items(), key=lambda kv: str(kv[0])):
        if code not in known:
            out.append({"code": code, "label": "未填写" if not code else str(code), "n": n})
    return out


def _child_dates(child_id: str) -> dict:
    """created_at / status / status_date of one archive, read by _id."""
    try:
        oid = ObjectId(child_id)
    except (InvalidId, TypeError):
        return {}
    return (
        Child._get_collection().find_one(
            {"_id": oid}, {"created_at": 1, "status": 1, "status_date": 1}
        )
        or {}
    )


def _children(rows: list[dict], p: dict, scope) -> dict:
    active = [r for r in rows if r.get("status") == "active"]
    categories, risk, school = Counter(), Counter(), Counter()
    for r in active:
        for c in r.get("categories") or []:
            categories[c] += 1
        risk[r.get("risk") or ""] += 1
        school[r.get("school") or ""] += 1
    new, decreased = 0, Counter()
    for r in rows:
        doc = _child_dates(r["id"])
        if _within(doc.get("created_at"), p):
            new += 1
        status = doc.get("status") or r.get("status")
        if status in DECREASE_STATUSES and _within(doc.get("status_date"), p):
            decreased[status] += 1
    # Archives moved to another township left this roster; the trace stays here.
    moved_away = sum(
        1 for t in TransferTrace.objects.in_scope(scope).only("moved_on") if _within(t.moved_on, p)
    )
    decreased["moved"] += moved_away
    decrease = sum(decreased.values())
    return {
        "total": len(active),
        "archives": len(rows),
        "by_category": _count(CATEGORIES, categories),
        "no_category": sum(1 for r in active if not r.get("categories")),
        "by_risk": _count(RISK_LEVELS, risk),
        "by_school": _count(SCHOOL_STATUSES, school),
        "by_status": _count(CHILD_STATUSES, Counter(r.get("status") for r in rows)),
        "new": new,
        "decrease": decrease,
        "decreased": _count([s for s in CHILD_STATUSES if s[0] != "active"], decreased),
        "net": new - decrease,
    }


def _visits(rows: list[dict], p: dict, today: date) -> dict:
    planned = done = overdue = upcoming = made = 0
    kinds, visited = Counter(), set()
    high = {r["id"] for r in rows if r.get("status") == "active" and r.get("risk") == "high"}
    for r in rows:
        book = VisitBook._get_collection().find_one({"_id": r["id"]}, {"plan": 1, "visits": 1})
        if not book:
            continue
        for entry in book.get("plan") or []:
            if not _within(entry.get("due"), p):
                continue
            planned += 1
            if entry.get("done_by"):
                done += 1
            elif _day(entry["due"]) < today:
                overdue += 1
            else:
                upcoming += 1
        for v in book.get("visits") or []:
            if _within(v.get("date"), p):
                made += 1
                kinds[v.get("kind")] += 1
                visited.add(r["id"])
    return {
        "planned": planned,
        "done": done,
        "overdue": overdue,
        "upcoming": upcoming,
        "rate": round(100 * done / planned) if planned else None,
        "made": made,
        "children": len(visited),
        "by_kind": _count(VISIT_KINDS, kinds),
        "high_risk": len(high),
        "high_risk_visited": len(high & visited),
    }


def first_visit_result(case, now: datetime | None = None) -> str:
    """24-hour rule (附件2 5.2) of a serious case: 'met', 'missed' or 'pending'."""
    now = now or clock.now()
    due = _aware(case.first_visit_due)
    at = _aware(case.first_visit_at)
    if due is None and case.reported_at is not None:
        due = _aware(case.reported_at) + timedelta(hours=FIRST_VISIT_HOURS)
    if due is None:
        return "pending"
    if at is not None:
        return "met" if at <= due else "missed"
    return "missed" if now > due else "pending"


def _cases(scope, p: dict) -> dict:
    cases = [
        c
        for c in Case.objects.in_scope(scope).only(
            "reported_at",
            "klass",
            "step",
            "serious_harm",
            "first_visit_due",
            "first_visit_at",
            "place_path",
        )
        if _within(c.reported_at, p)
    ]
    outcome = Counter(c.step if c.step in ("archived", "consult_closed") else "open" for c in cases)
    serious = [c for c in cases if c.serious_harm]
    rule = Counter(first_visit_result(c) for c in serious)
    return {
        "opened": len(cases),
        "by_class": _count(CASE_CLASSES, Counter(c.klass or "" for c in cases)),
        "by_step": _count(CASE_STEPS, Counter(c.step for c in cases)),
        "archived": outcome["archived"],
        "consult_closed": outcome["consult_closed"],
        "open": outcome["open"],
        "serious": len(serious),
        "first_visit_met": rule["met"],
        "first_visit_missed": rule["missed"],
        "first_visit_pending": rule["pending"],
    }


def _referrals(scope, p: dict, today: date) -> dict:
    sent = [r for r in Referral.objects.in_scope(scope) if _within(r.referred_on, p)]
    feedback = [r for r in sent if r.status in ("feedback", "closed")]
    late = [
        r
        for r in sent
        if r.status in ("sent", "received") and r.feedback_due and r.feedback_due < today
    ]
    late_feedback = 0
    for r in feedback:
        at = next((e.get("at") for e in r.status_log or [] if e.get("status") == "feedback"), None)
        if at is not None and r.feedback_due and _day(at) > r.feedback_due:
            late_feedback += 1
    return {
        "sent": len(sent),
        "feedback": len(feedback),
        "waiting": len(sent) - len(feedback),
        "late": len(late),
        "late_feedback": late_feedback,
    }


def _publicity(scope, p: dict) -> dict:
    events = [e for e in PublicityEvent.objects.in_scope(scope) if _within(e.held_on, p)]
    by_kind = []
    for code, label in PUBLICITY_KINDS:
        mine = [e for e in events if e.kind == code]
        by_kind.append(
            {
                "code": code,
                "label": label,
                "n": len(mine),
                "reached": sum(e.reached or 0 for e in mine),
            }
        )
    training = [e for e in events if e.kind in TRAINING_KINDS]
    return {
        "events": len(events),
        "reached": sum(e.reached or 0 for e in events),
        "by_kind": by_kind,
        "training": len(training),
        "training_reached": sum(e.reached or 0 for e in training),
    }


def _activities(scope, p: dict) -> dict:
    items = [a for a in CommunityActivity.objects.in_scope(scope) if _within(a.held_on, p)]
    by_venue = []
    for code, label in ACTIVITY_PLACES:
        mine = [a for a in items if a.venue == code]
        by_venue.append(
            {
                "code": code,
                "label": label,
                "n": len(mine),
                "children": sum(a.children or 0 for a in mine),
            }
        )
    return {
        "events": len(items),
        "children": sum(a.children or 0 for a in items),
        "by_venue": by_venue,
    }


def _open_problems(rows: list[dict], scope, today: date) -> dict:
    counts = {kind: len(todos.todo_rows(rows, kind, today)) for kind in todos.KINDS}
    case_todo = todos.case_todos(scope)
    from .cases import first_visit_state

    counts["first_visit_overdue"] = sum(
        1 for c, _ in case_todo["first_visits"] if first_visit_state(c) == "overdue"
    )
    counts["late_referrals"] = len(case_todo["late_referrals"])
    return counts


def station_figures(user, start: date, end: date, *, kind: str | None = None) -> dict:
    """The figures of the user's township for start..end (inclusive).

    Scope is the user's own place: a station sees only its township, whatever it asks.
    """
    township = township_of(user)
    scope = SimpleNamespace(place=township, role="station")
    today = clock.today()
    p = {"start": start, "end": end}
    if kind:
        p = period(kind, start.year)
    else:
        p = {
            "kind": "custom",
            "year": start.year,
            "start": start,
            "end": end,
            "label": f"{word.cn_day(start)}至{word.cn_day(end)}",
            "range": f"{word.cn_day(start)}至{word.cn_day(end)}",
        }
    rows = roster.township_rows(township)
    station = Station.objects.in_scope(scope).only("name").first()
    name = Place.name_of(township)
    return {
        "township": township,
        "township_name": name,
        "full_name": Place.full_name_of(township),
        "station": station.name if station else station_name(name),
        "government": government_of(township),
        "period": p,
        "today": today,
        "children": _children(rows, p, scope),
        "visits": _visits(rows, p, today),
        "cases": _cases(scope, p),
        "referrals": _referrals(scope, p, today),
        "publicity": _publicity(scope, p),
        "activities": _activities(scope, p),
        "todos": _open_problems(rows, scope, today),
        "half_year_reports": [
            {"half": r.half, "reported_on": r.reported_on}
            for r in HalfYearReport.objects.in_scope(scope).filter(year=p["year"])
        ],
        "work_plans": [
            {"title": w.title, "status": w.status}
            for w in WorkPlan.objects.in_scope(scope).filter(year=p["year"])
        ],
    }


def government_of(township: str) -> str:
    """乡镇人民政府 or 街道办事处: whom the station reports to (三(二))."""
    name = Place.name_of(township)
    return f"{name}办事处" if name.endswith("街道") else f"{name}人民政府"


# ---- the figures as rows (one list for the page, Word and Excel) ---------------------


def figure_sections(f: dict) -> list[dict]:
    """[{key, title, rows: [{group, item, value}]}]: every figure, labelled, in report order."""
    c, v, k, r, pub, act = (
        f["children"],
        f["visits"],
        f["cases"],
        f["referrals"],
        f["publicity"],
        f["activities"],
    )

    def block(group, items):
        out = []
        for i, (item, value) in enumerate(items):
            out.append({"group": group if i == 0 else "", "item": item, "value": str(value)})
        return out

    children = [
        *block("在册儿童", [("在册儿童总数（人）", c["total"]), ("档案总数（份）", c["archives"])]),
        *block(
            "按类别（人，可兼属）",
            [(x["label"], x["n"]) for x in c["by_category"]] + [("未标注类别", c["no_category"])],
        ),
        *block("按风险等级（人）", [(x["label"], x["n"]) for x in c["by_risk"]]),
        *block("按就学状况（人）", [(x["label"], x["n"]) for x in c["by_school"]]),
        *block("按档案状态（份）", [(x["label"], x["n"]) for x in c["by_status"]]),
        *block(
            "本期变化（份）",
            [("新建档", c["new"])]
            + [(f"减少：{x['label']}", x["n"]) for x in c["decreased"]]
            + [("净增减", f"{c['net']:+d}" if c["net"] else "0")],
        ),
    ]
    visits = [
        *block(
            "计划走访（次）",
            [
                ("本期计划走访", v["planned"]),
                ("已按计划完成", v["done"]),
                ("逾期未完成", v["overdue"]),
                ("尚未到期", v["upcoming"]),
                ("计划完成率", "—" if v["rate"] is None else f"{v['rate']}%"),
            ],
        ),
        *block(
            "实际走访",
            [("走访（次）", v["made"]), ("走访儿童（人）", v["children"])]
            + [(f"{x['label']}（次）", x["n"]) for x in v["by_kind"]],
        ),
        *block(
            "高风险儿童（人）",
            [("在册高风险儿童", v["high_risk"]), ("本期已走访", v["high_risk_visited"])],
        ),
    ]
    cases = [
        *block("本期受理（件）", [("受理案件", k["opened"])]),
        *block(
            "按分类（件）",
            [(x["label"] if x["code"] else "未分类", x["n"]) for x in k["by_class"]],
        ),
        *block("按当前环节（件）", [(x["label"], x["n"]) for x in k["by_step"]]),
        *block(
            "办理结果（件）",
            [
                ("已组卷归档", k["archived"]),
                ("咨询办结", k["consult_closed"]),
                ("办理中", k["open"]),
            ],
        ),
        *block(
            "严重侵害案件（件）",
            [
                ("严重家暴或不法侵害", k["serious"]),
                ("24 小时内首次家访", k["first_visit_met"]),
                ("超过 24 小时", k["first_visit_missed"]),
                ("尚在 24 小时内待家访", k["first_visit_pending"]),
            ],
        ),
        *block(
            "服务转介（次）",
            [
                ("转介", r["sent"]),
                ("已收到反馈", r["feedback"]),
                ("等待反馈", r["waiting"]),
                ("反馈已逾期", r["late"]),
                ("逾期后才反馈", r["late_feedback"]),
            ],
        ),
    ]
    services = [
        *block(
            "宣传培训",
            [("活动（场）", pub["events"]), ("覆盖（人次）", pub["reached"])]
            + [
                (x["label"], f"{x['n']} 场 / {x['reached']} 人次") for x in pub["by_kind"] if x["n"]
            ],
        ),
        *block(
            "其中培训",
            [("培训（场）", pub["training"]), ("参训（人次）", pub["training_reached"])],
        ),
        *block(
            "关爱服务阵地",
            [(x["label"], f"{x['n']} 场 / {x['children']} 人次") for x in act["by_venue"]],
        ),
    ]
    problems = block(
        "待办事项（截至报送日）",
        [(label, f["todos"].get(key, 0)) for key, label in TODO_LABELS],
    )
    return [
        {"key": "children", "title": "儿童信息管理（一人一档）", "rows": children},
        {"key": "visits", "title": "走访巡查", "rows": visits},
        {"key": "cases", "title": "个案处置与服务转介", "rows": cases},
        {"key": "services", "title": "宣传培训与关爱服务", "rows": services},
        {"key": "problems", "title": "需要解决的问题", "rows": problems},
    ]


# ---- narrative drafts ---------------------------------------------------------------


def draft_narrative(f: dict) -> dict:
    """A first draft of 工作情况概述 / 存在问题 / 下步打算 from the figures; the clerk edits it."""
    c, v, k, r, pub, act = (
        f["children"],
        f["visits"],
        f["cases"],
        f["referrals"],
        f["publicity"],
        f["activities"],
    )
    label = f["period"]["label"]
    cats = "、".join(f"{x['label']}{x['n']}人" for x in c["by_category"] if x["n"])
    high = next((x["n"] for x in c["by_risk"] if x["code"] == "high"), 0)
    summary = [
        f"{label}，{f['station']}围绕“一人一档”、走访巡查、个案处置和关爱服务开展工作。",
        f"截至报送日，辖区在册儿童{c['total']}人"
        + (f"，其中{cats}" if cats else "")
        + f"；高风险儿童{high}人。本期新建档{c['new']}份，减少{c['decrease']}份。",
        f"本期计划走访{v['planned']}次，已按计划完成{v['done']}次"
        + (f"（完成率{v['rate']}%）" if v["rate"] is not None else "")
        + f"，实际走访{v['made']}次、覆盖儿童{v['children']}人。",
        f"受理案件{k['opened']}件，已组卷归档{k['archived']}件、咨询办结{k['consult_closed']}件、"
        f"办理中{k['open']}件；严重侵害案件{k['serious']}件，24小时内首次家访{k['first_visit_met']}件。"
        f"服务转介{r['sent']}次，已收到反馈{r['feedback']}次。",
        f"开展宣传培训{pub['events']}场、覆盖{pub['reached']}人次（其中培训{pub['training']}场），"
        f"儿童之家、四点半课堂活动{act['events']}场、参与儿童{act['children']}人次。",
    ]
    problems = []
    t = f["todos"]
    if v["overdue"] or t.get("visit_overdue"):
        problems.append(
            f"部分计划走访未按期完成（本期逾期{v['overdue']}次，当前逾期待走访{t.get('visit_overdue', 0)}人）。"
        )
    if t.get("high_risk_unvisited"):
        problems.append(f"高风险儿童中有{t['high_risk_unvisited']}人超过走访周期未走访。")
    if k["first_visit_missed"]:
        problems.append(f"严重侵害案件中有{k['first_visit_missed']}件首次家访超过24小时。")
    if r["late"]:
        problems.append(f"转介反馈逾期{r['late']}次，需加强与接收单位的对接。")
    if t.get("review") or t.get("review_overdue"):
        problems.append(
            f"待审核档案{t.get('review', 0)}份（其中超期{t.get('review_overdue', 0)}份）。"
        )
    if not pub["training"]:
        problems.append("本期未开展儿童主任、志愿者培训。")
    if not problems:
        problems.append("（请填写本期工作中存在的问题。）")
    steps = [
        "按照走访计划做好定期走访和重点核查，及时更新“一人一档”信息台账。",
        "落实发现报告和个案处置流程，严重侵害案件24小时内完成首次家访。",
        "跟进服务转介反馈，继续开展政策宣传和儿童主任、志愿者培训。",
    ]
    return {
        "summary": "\n".join(summary),
        "problems": "\n".join(f"{i}. {p}" for i, p in enumerate(problems, 1)),
        "next_steps": "\n".join(f"{i}. {s}" for i, s in enumerate(steps, 1)),
    }


def clean_narrative(form, keys=("summary", "problems", "next_steps")) -> dict:
    """The narrative the clerk typed: cleaned for Word, cut at the record's limit."""
    return {key: word.clean(form.get(key, ""))[:NARRATIVE_LIMIT] for key in keys}


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

_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="E9ECEF")


def _safe(value):
    """No formula injection: a text cell may not start with = + - @."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


_SIGNED = re.compile(r"^[+-]?\d+$")
SIGNED_FORMAT = "+0;-0;0"  # 净增减: +7 stays +7 and is a number


def _number(value):
    """Counts as numbers (so the sheet can add them; a signed change keeps its sign on
    screen through SIGNED_FORMAT), other text as text."""
    if isinstance(value, str) and _SIGNED.match(value):
        return int(value)
    return _safe(value)


def _sheet_title(ws, title: str, subtitle: str, width: int) -> None:
    ws.append([_safe(title)])
    ws.append([_safe(subtitle)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)


def _header(ws, labels) -> None:
    ws.append(list(labels))
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
        cell.fill = _HEAD_FILL
        cell.border = _BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _body_row(ws, values) -> None:
    ws.append([_number(v) for v in values])
    for cell, raw in zip(ws[ws.max_row], values, strict=False):
        cell.border = _BOX
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        if isinstance(raw, str) and raw[:1] in "+-" and _SIGNED.match(raw):
            cell.number_format = SIGNED_FORMAT


def station_workbook(f: dict) -> bytes:
    """The figures as .xlsx: one sheet, section by section (类别 | 项目 | 数量)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "工作报告数据"
    p = f["period"]
    _sheet_title(
        ws,
        f"{f['station']}{p['label']}工作数据",
        f"统计期间：{p['range']}；在册儿童及待办事项截至{word.cn_day(f['today'])}",
        4,
    )
    for i, section in enumerate(figure_sections(f), 1):
        ws.append([])
        ws.append([f"{'一二三四五六七八'[i - 1]}、{section['title']}"])
        ws.cell(ws.max_row, 1).font = Font(bold=True, size=12)
        _header(ws, ("类别", "项目", "数量"))
        for r in section["rows"]:
            _body_row(ws, (r["group"], r["item"], r["value"]))
    for col, width in zip("ABC", (26, 36, 20), strict=True):
        ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


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
    _sheet_title(
        ws,
        f"{f['full_name']}乡镇（街道）未成年人保护工作站建设运营情况备案表（{f['year']}年度）",
        f"报送：自治区民政厅儿童福利处；期限：{word.cn_day(f['deadline'])}前；"
        f"制表日期：{word.cn_day(f['today'])}",
        width,
    )
    _header(ws, FILING_HEADERS)
    first = ws.max_row + 1
    for i, r in enumerate(f["rows"], 1):
        _body_row(
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
        cell.font = Font(bold=True)
        cell.border = _BOX
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
    _sheet_title(task, f"{f['full_name']}建设任务完成情况（{f['year']}年度）", "单位：个", 2)
    _header(task, ("项目", "数值"))
    for r in filing_context(f, {})["task_rows"]:
        _body_row(task, (r["item"], r["value"]))
    if f["unregistered"]:
        _body_row(task, ("尚未登记未保站的乡镇（街道）", "、".join(f["unregistered"])))
    task.column_dimensions["A"].width = 30
    task.column_dimensions["B"].width = 40
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
