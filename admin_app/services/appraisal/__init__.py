"""工作考核 (附件2 3.1.2, 附件3 督导考核; issue 16): what each village 儿童主任 and each
station did in a period (上半年, 下半年, 全年), computed from the records themselves,
never typed. Each figure is the length of a list of items (`items`), so the list a
figure links to is the list it counts.

What each figure counts, for the archives of a village (an archive belongs to the
village it is filed under today) and a period P whose days are Beijing dates:

| figure | counts |
|---|---|
| planned 应走访 | planned visits (visit plan, 5.1) due in P and before today; an archive no longer 在册 counts only those that were made |
| on_time 按时走访 | of those, made on or before the due date (a visit fulfils a planned visit due up to 7 days after it) |
| late 逾期完成 | of those, made after the due date |
| missed 逾期未访 | of those, not made |
| visits 走访记录 | visits made (by their date) in P |
| created 新建档案 | archives whose history begins (建档) in P |
| reviews 审核 | decisions of the 儿童督导员 (审核通过 or 退回修改) made in P; each with its time in days since the archive became 待督导员审核 |
| returned 退回修改 | of those, the returns |
| overdue 当前逾期待办 | as of today, whatever P: the dated to-dos past their date (走访逾期, 审核逾期, 评估逾期, 高风险未按期走访), each with its age in days |
| reports 发现报告 | cases (附件4) reported in P and entered by the village's 儿童主任; for a station, every case of the township |
| checked, discrepancies 督导抽查 | spot-check items checked in P, and those found 有出入 or 查无此人/未走访 |
| last activity 最近活动 | the latest of the 儿童主任's log-in, history entries, visits entered and cases entered |

A station's figures are its villages' lists put together (its reports and last activity
are the township's own). Reading one township costs its roster, one `_id $in` read of
the visit books and the histories of its archives, and three indexed queries; the
figures are kept (`AppraisalFigures`) until the roster changes, the day changes or
`KEEP` has passed, so a county's or a city's page reads what is kept.
"""

import json
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from ...core import clock
from ...documents import ChildHistory, Place, User, VisitBook
from ...documents.appraisal import AppraisalFigures
from ...documents.case import Case
from ...documents.constants import (
    APPRAISAL_FIGURES,
    ROLE_VILLAGE,
    ROLES,
    TODOS,
    TOWNSHIP,
    VILLAGE,
)
from ...documents.spot_check import SpotCheck
from ..children import roster
from ..figures import todos

FIGURES = dict(APPRAISAL_FIGURES)
OVERDUE_KINDS = ("visit_overdue", "review_overdue", "assessment_overdue", "high_risk_unvisited")
PENDING = "待督导员审核"
DECISIONS = ("审核通过", "退回修改")
BAD_CHECKS = ("discrepancy", "not_found")
KEEP = timedelta(minutes=10)
TODO_LABELS = dict(TODOS)
VILLAGE_ROLE = dict(ROLES)[ROLE_VILLAGE]


def _day(value) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return clock.local_date(value)
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value


def _utc(day: date) -> datetime:
    """The first instant of a Beijing day, as stored."""
    return clock.from_local(datetime.combine(day, time()))


def _item(row: dict, day, note: str = "", days: int | None = None, **more) -> dict:
    return {
        "child": row["id"],
        "name": row.get("name", ""),
        "village": row.get("village"),
        "date": day.isoformat() if day else "",
        "note": note,
        "days": days,
        **more,
    }


def _visits(row: dict, book: dict, p: dict, today: date, out: dict) -> None:
    made = {v.get("id"): v for v in book.get("visits") or []}
    active = row.get("status") == "active"
    for entry in book.get("plan") or []:
        due = _day(entry.get("due"))
        if due is None or not (p["start"] <= due <= p["end"]) or due >= today:
            continue
        visit = made.get(entry.get("done_by")) if entry.get("done_by") else None
        if visit is None and not active:
            continue
        out["planned"].append(_item(row, due, "计划走访"))
        if visit is None:
            out["missed"].append(_item(row, due, "未走访", (today - due).days))
            continue
        done = _day(visit.get("date"))
        late = (done - due).days
        kind = "late" if late > 0 else "on_time"
        note = f"{done.isoformat()} 走访" + (f"，晚 {late} 天" if late > 0 else "")
        out[kind].append(_item(row, due, note, max(late, 0)))
    for visit in book.get("visits") or []:
        day = _day(visit.get("date"))
        if day and p["start"] <= day <= p["end"]:
            out["visits"].append(_item(row, day, visit.get("visitors", "")))


def _history(row: dict, entries: list, p: dict, out: dict, activity: dict) -> None:
    since = None  # when the archive last became 待督导员审核
    for entry in sorted(entries, key=lambda e: e.get("at") or datetime.min):
        at = entry.get("at")
        if at is None:
            continue
        day = _day(at)
        _latest(activity, entry.get("by"), at)
        inside = p["start"] <= day <= p["end"]
        action = entry.get("action")
        if action == "建档" and inside:
            out["created"].append(_item(row, day, f"{entry.get('by_name') or entry.get('by')}建档"))
        if action in DECISIONS:
            if inside:
                days = (day - _day(since)).days if since else None
                who = entry.get("by_name") or entry.get("by") or ""
                out["reviews"].append(_item(row, day, f"{action}（{who}）", days))
                if action == "退回修改":
                    out["returned"].append(_item(row, day, entry.get("note", ""), days))
            since = None
        elif (
            since is None
            and (entry.get("changes") or {}).get("审核状态", [None, None])[-1] == PENDING
        ):
            since = at


def _overdue(row: dict, today: date, out: dict) -> None:
    if row.get("status") != "active":
        return
    for kind in OVERDUE_KINDS:
        due = todos.due_date(row, kind)
        if due is None or not todos.in_window(kind, due, today):
            continue
        days = None if due == todos.NEVER else (today - due).days
        day = None if due == todos.NEVER else due
        out["overdue"].append(_item(row, day, TODO_LABELS.get(kind, kind), days))


def _latest(activity: dict, who, at) -> None:
    if who and at and (activity.get(who) is None or at > activity[who]):
        activity[who] = at


def _empty() -> dict:
    return {code: [] for code in FIGURES}


def items(township: str, p: dict, today: date | None = None) -> dict:
    """{"villages": {village: {figure: [item]}}, "station": {figure: [item]},
    "directors": {village: [(username, name)]}, "activity": {village or "": datetime}} of
    one township for the period `p` (services/reports/periods.py: period)."""
    today = today or clock.today()
    rows = roster.township_rows(township)
    by_id = {r["id"]: r for r in rows}
    villages = {key: _empty() for key, _ in Place.choices_under(township, VILLAGE)}
    for r in rows:
        villages.setdefault(r.get("village"), _empty())
    activity: dict = {}
    ids = list(by_id)
    for book in VisitBook._get_collection().find({"_id": {"$in": ids}}, {"plan": 1, "visits": 1}):
        row = by_id[book["_id"]]
        _visits(row, book, p, today, villages[row.get("village")])
        for v in book.get("visits") or []:
            _latest(activity, v.get("recorded_by"), v.get("recorded_at"))
    for doc in ChildHistory._get_collection().find({"_id": {"$in": ids}}, {"entries": 1}):
        row = by_id[doc["_id"]]
        _history(row, doc.get("entries") or [], p, villages[row.get("village")], activity)
    for r in rows:
        _overdue(r, today, villages[r.get("village")])
    users = list(
        User.objects(scope3=township).only(
            "username", "display_name", "role", "place", "last_login_at"
        )
    )
    for u in users:
        _latest(activity, u.username, u.last_login_at)
    station = _station_cases(township, p, activity, users, villages)
    _spot_checks(township, p, villages)
    directors = defaultdict(list)
    for u in users:
        if u.role == ROLE_VILLAGE and u.place in villages:
            directors[u.place].append((u.username, u.display_name))
    last = {
        v: max((activity[n] for n, _ in directors.get(v, []) if n in activity), default=None)
        for v in villages
    }
    last[""] = max((activity[u.username] for u in users if u.username in activity), default=None)
    for code in FIGURES:
        if code != "reports":
            station[code] = [i for v in villages.values() for i in v[code]]
    return {
        "villages": villages,
        "station": station,
        "directors": dict(directors),
        "activity": last,
    }


def _station_cases(township, p, activity, users, villages) -> dict:
    """The township's cases reported in P (the station's 发现报告); each village's are those
    its 儿童主任 entered."""
    village_of = {u.username: u.place for u in users if u.role == ROLE_VILLAGE}
    station = _empty()
    found = (
        Case.objects(scope3=township, reported_at__gte=_utc(p["start"]))
        .filter(reported_at__lt=_utc(p["end"] + timedelta(days=1)))
        .only("number", "child_info", "reported_at", "created_by", "created_at", "channel")
        .order_by("reported_at")
    )
    for case in found:
        day = _day(case.reported_at)
        item = {
            "case": str(case.pk),
            "child": case.child_info.child if case.child_info else None,
            "name": case.child_info.name if case.child_info else "",
            "village": village_of.get(case.created_by),
            "date": day.isoformat(),
            "note": f"案件 {case.number}",
            "days": None,
        }
        station["reports"].append(item)
        _latest(activity, case.created_by, case.created_at)
        if item["village"] in villages:
            villages[item["village"]]["reports"].append(item)
    return station


def _spot_checks(township, p, villages) -> None:
    for check in SpotCheck.objects(scope3=township).only("place", "items", "drawn_on"):
        out = villages.setdefault(check.place, _empty())
        for item in check.items:
            day = item.checked_on
            if item.result == "pending" or day is None or not p["start"] <= day <= p["end"]:
                continue
            row = {"id": item.child, "name": item.child_name, "village": check.place}
            entry = _item(
                row, day, f"{'走访' if item.kind == 'visit' else '档案'}核实：{item.note or ''}"
            )
            entry["result"] = item.result
            out["checked"].append(entry)
            if item.result in BAD_CHECKS:
                out["discrepancies"].append(entry)


def figures_of(lists: dict, last=None) -> dict:
    """The figures of one list of items per figure: counts, and the times they carry."""
    out = {code: len(lists.get(code, [])) for code in FIGURES}
    planned = out["planned"]
    out["on_time_rate"] = round(out["on_time"] * 100 / planned) if planned else None
    review_days = [i["days"] for i in lists.get("reviews", []) if i["days"] is not None]
    out["review_days_avg"] = round(sum(review_days) / len(review_days), 1) if review_days else None
    out["review_days_max"] = max(review_days, default=None)
    ages = [i["days"] for i in lists.get("overdue", []) if i["days"] is not None]
    out["overdue_oldest"] = max(ages, default=None)
    out["overdue_avg"] = round(sum(ages) / len(ages), 1) if ages else None
    out["never_visited"] = sum(1 for i in lists.get("overdue", []) if i["days"] is None)
    out["last_activity"] = f"{clock.to_local(last):%Y-%m-%d %H:%M}" if last else None
    return out


def township_figures(township: str, p: dict, today: date | None = None) -> dict:
    """{"station": figures, "villages": {village: figures}, "directors": …} of a township,
    computed again when the roster changed, the day changed or KEEP passed."""
    today = today or clock.today()
    key = f"{township}|{p['year']}|{p['kind']}"
    token = roster.tokens([township])[township]
    kept = AppraisalFigures._get_collection().find_one({"_id": key})
    now = clock.now()
    if (
        kept
        and kept.get("day") == today.isoformat()
        and kept.get("token") == token
        and kept.get("computed")
        and clock.to_local(kept["computed"]) > now - KEEP
    ):
        return json.loads(kept["figures"])
    found = items(township, p, today)
    figures = {
        "station": figures_of(found["station"], found["activity"][""]),
        "villages": {
            v: figures_of(lists, found["activity"].get(v)) for v, lists in found["villages"].items()
        },
        "directors": found["directors"],
    }
    AppraisalFigures._get_collection().replace_one(
        {"_id": key},
        {
            "_id": key,
            "day": today.isoformat(),
            "token": token,
            "computed": now,
            "figures": json.dumps(figures),
        },
        upsert=True,
    )
    return figures


SUMMED = tuple(FIGURES) + ("never_visited",)


def total(rows: list[dict]) -> dict:
    """The figures of several stations together: counts summed, the largest of the
    largest, averages left out (they would need the items), the latest activity."""
    out = {code: sum(r[code] for r in rows) for code in SUMMED}
    out["on_time_rate"] = round(out["on_time"] * 100 / out["planned"]) if out["planned"] else None
    out["review_days_avg"] = out["overdue_avg"] = None
    out["review_days_max"] = max(
        (r["review_days_max"] for r in rows if r["review_days_max"] is not None), default=None
    )
    out["overdue_oldest"] = max(
        (r["overdue_oldest"] for r in rows if r["overdue_oldest"] is not None), default=None
    )
    out["last_activity"] = max(
        (r["last_activity"] for r in rows if r["last_activity"]), default=None
    )
    return out


def side_by_side(place: str, p: dict, today: date | None = None) -> list[dict]:
    """The stations inside a county or a city side by side: one row per township
    ({township, county, figures}), in the order of the official codes."""
    return [
        {
            "township": key,
            "county": Place.path_of(key)[2],
            "figures": township_figures(key, p, today)["station"],
        }
        for key, _ in Place.choices_under(place, TOWNSHIP)
    ]


def counties_of(rows: list[dict]) -> list[dict]:
    """Subtotals per county of side-by-side rows ({county, figures})."""
    by_county = defaultdict(list)
    for r in rows:
        by_county[r["county"]].append(r["figures"])
    return [{"county": c, "figures": total(f)} for c, f in by_county.items()]
