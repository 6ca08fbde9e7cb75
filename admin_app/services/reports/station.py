"""The station's figures for a period, each computed from the records of its township."""

from collections import Counter
from datetime import date, datetime, timedelta
from types import SimpleNamespace

from bson import ObjectId
from bson.errors import InvalidId

from ...core import clock
from ...documents import Child, Place, Station, TransferTrace, VisitBook, station_name
from ...documents.base import DomainError
from ...documents.case import Case, Referral
from ...documents.constants import (
    ACTIVITY_PLACES,
    CASE_CLASSES,
    CASE_STEPS,
    CATEGORIES,
    CHILD_STATUSES,
    CLOSED_STEPS,
    FIRST_VISIT_HOURS,
    GUARDIANSHIP_OUTCOMES,
    OPEN_REFERRAL_STATUSES,
    PUBLICITY_KINDS,
    RISK_LEVELS,
    SCHOOL_STATUSES,
    TODOS,
    TOWNSHIP,
)
from ...documents.records import CommunityActivity, HalfYearReport, PublicityEvent, WorkPlan
from ...documents.visit import VISIT_KINDS
from .. import word
from ..children import roster
from ..figures import todos
from .periods import _aware, _day, _within, period

TRAINING_KINDS = ("director_training", "volunteer_training")
DECREASE_STATUSES = ("moved", "adult", "deceased", "closed")
TODO_LABELS = tuple(t for t in TODOS if t[0] != "visit_soon")  # a report looks back

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


def _assessments(rows: list[dict], p: dict, today: date) -> dict:
    """监护与风险评估 of the period: made (人次), children assessed, the guardianship outcome
    of each child's latest assessment in the period; now: overdue for reassessment, never
    assessed (archives in the register)."""
    from ...documents.assessment import AssessmentBook

    made, outcomes = 0, Counter()
    coll = AssessmentBook._get_collection()
    for r in rows:
        if not r.get("assessed"):
            continue  # never assessed: no book to read
        book = coll.find_one({"_id": r["id"]}, {"entries.assessed_on": 1, "entries.outcome": 1})
        inside = [e for e in (book or {}).get("entries") or [] if _within(e.get("assessed_on"), p)]
        made += len(inside)
        if inside:
            outcomes[max(inside, key=lambda e: e["assessed_on"])["outcome"]] += 1
    active = [r for r in rows if r.get("status") == "active"]
    return {
        "made": made,
        "children": sum(outcomes.values()),
        "by_outcome": _count(GUARDIANSHIP_OUTCOMES, outcomes),
        "overdue": len(todos.todo_rows(rows, "assessment_overdue", today)),
        "never": sum(1 for r in active if not r.get("assessed")),
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
    outcome = Counter(c.step if c.step in CLOSED_STEPS else "open" for c in cases)
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
        if r.status in OPEN_REFERRAL_STATUSES and r.feedback_due and r.feedback_due < today
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
    from ..cases import first_visit_state

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
        "assessments": _assessments(rows, p, today),
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
