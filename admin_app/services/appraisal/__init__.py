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
are the township's own); a county's or a city's total, its stations' put together.

Cost. What the visit books and the histories say is read per township (its roster, one
`_id $in` read of the books and one of the histories of its archives) and kept
(`AppraisalFigures`) as dates and counts that do not depend on the day (a planned
visit's due date, a to-do's date), so today's figures are counted from what is kept and
a new day needs no new reading; it is read again only when the township's roster or its
工作考核 ledger changed (`_token`: every write of an archive, a visit, a review or an
assessment changes one of them), by the first reader or by the keeper thread
(services/figures/summaries.py). What changes without the
roster (cases, spot checks, log-ins) is read live for the page's whole place: three
indexed queries bounded by the period.
"""

import json
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta

from ...core import clock, dates
from ...documents import ChildHistory, Place, User, VisitBook
from ...documents.appraisal import AppraisalFigures
from ...documents.case import Case
from ...documents.constants import APPRAISAL_FIGURES, ROLE_VILLAGE, TODOS, TOWNSHIP, VILLAGE
from ...documents.spot_check import SpotCheck
from ..children import roster
from ..figures import todos
from ..reports import periods
from . import ledger

FIGURES = dict(APPRAISAL_FIGURES)
OVERDUE_KINDS = ("visit_overdue", "review_overdue", "assessment_overdue", "high_risk_unvisited")
PENDING = "待督导员审核"
DECISIONS = ("审核通过", "退回修改")
BAD_CHECKS = ("discrepancy", "not_found")
CHECK_DAYS = 366  # a spot check's items are verified within a year of its draw
NEVER = "never"  # a high-risk child never visited: overdue since always
TODO_LABELS = dict(TODOS)
FORM = 3  # the shape of what is kept: a kept document of another shape is read again


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


def _latest(activity: dict, who, at) -> None:
    if who and at and (activity.get(who) is None or at > activity[who]):
        activity[who] = at


# ---- what the visit books, histories and roster say, whatever the day (one township) ---
RAW = ("plan", "visits", "created", "reviews", "returned", "dated")


def _visits(row: dict, book: dict, p: dict, out: dict) -> None:
    made = {v.get("id"): v for v in book.get("visits") or []}
    active = row.get("status") == "active"
    for entry in book.get("plan") or []:
        due = _day(entry.get("due"))
        if due is None or not (p["start"] <= due <= p["end"]):
            continue
        visit = made.get(entry.get("done_by")) if entry.get("done_by") else None
        if visit is None:
            if active:  # an archive no longer 在册 owes no visit
                out["plan"].append(_item(row, due, "未走访", state="open"))
            continue
        done = _day(visit.get("date"))
        late = (done - due).days
        note = f"{dates.cn_date(done)}走访" + (f"，晚 {late} 天" if late > 0 else "")
        state = "late" if late > 0 else "on_time"
        out["plan"].append(_item(row, due, note, max(late, 0), state=state))
    for visit in book.get("visits") or []:
        day = _day(visit.get("date"))
        if day and p["start"] <= day <= p["end"]:
            out["visits"].append(_item(row, day, visit.get("visitors", "")))


def _history(row: dict, entries: list, p: dict, out: dict, activity: dict) -> None:
    since = None  # when the archive last became 待督导员审核
    for entry in sorted((e for e in entries if e.get("at")), key=lambda e: e["at"]):
        at, action = entry["at"], entry.get("action")
        day = _day(at)
        _latest(activity, entry.get("by"), at)
        inside = p["start"] <= day <= p["end"]
        who = entry.get("by_name") or entry.get("by") or ""
        if action == "建档" and inside:
            out["created"].append(_item(row, day, f"{who}建档"))
        if action in DECISIONS:
            if inside:
                days = (day - _day(since)).days if since else None
                out["reviews"].append(_item(row, day, f"{action}（{who}）", days))
                if action == "退回修改":
                    out["returned"].append(_item(row, day, entry.get("note", ""), days))
            since = None
        elif since is None and (entry.get("changes") or {}).get("审核状态", [None])[-1] == PENDING:
            since = at


def _dated(row: dict, out: dict) -> None:
    """The row's dated to-dos that may fall overdue, with their dates (any date)."""
    if row.get("status") != "active":
        return
    for kind in OVERDUE_KINDS:
        due = todos.due_date(row, kind)
        if due is not None:
            day = None if due == todos.NEVER else due
            out["dated"].append(_item(row, day, TODO_LABELS.get(kind, kind), kind=kind))


def _raw(township: str, p: dict) -> dict:
    """{"villages": {village: {RAW list: [item]}}, "activity": {user name: datetime}}:
    from the township's ledger (ledger.py), or for a period before its horizon from the
    visit books and histories themselves."""
    rows = roster.township_rows(township)
    by_id = {r["id"]: r for r in rows}
    villages = {key: {k: [] for k in RAW} for key, _ in Place.choices_under(township, VILLAGE)}
    for r in rows:
        villages.setdefault(r.get("village"), {k: [] for k in RAW})
        _dated(r, villages[r.get("village")])
    activity: dict = {}
    ids = list(by_id)
    if p["start"] >= ledger.horizon():
        doc = ledger.township(township, ids)
        for cid, packed in (doc.get("children") or {}).items():
            if cid in by_id:  # else moved away or removed since
                _from_ledger(by_id[cid], ledger.unpack(packed), p, villages, activity)
        return {"villages": villages, "activity": activity}
    for book in VisitBook._get_collection().find({"_id": {"$in": ids}}, {"plan": 1, "visits": 1}):
        row = by_id[book["_id"]]
        _visits(row, book, p, villages[row.get("village")])
        for v in book.get("visits") or []:
            _latest(activity, v.get("recorded_by"), v.get("recorded_at"))
    for doc in ChildHistory._get_collection().find({"_id": {"$in": ids}}, {"entries": 1}):
        row = by_id[doc["_id"]]
        _history(row, doc.get("entries") or [], p, villages[row.get("village")], activity)
    return {"villages": villages, "activity": activity}


def _from_ledger(row: dict, entry: dict, p: dict, villages: dict, activity: dict) -> None:
    out = villages[row.get("village")]
    start, end = p["start"].isoformat(), p["end"].isoformat()
    active = row.get("status") == "active"
    for k in ("plan", "visits", "created", "reviews", "returned"):
        for i in entry[k]:
            if not start <= i["date"] <= end:
                continue
            if k == "plan" and i["state"] == "open" and not active:
                continue  # an archive no longer 在册 owes no visit
            out[k].append(
                {
                    **i,
                    "child": row["id"],
                    "name": row.get("name", ""),
                    "village": row.get("village"),
                }
            )
    for who, at in entry["act"].items():
        _latest(activity, who, datetime.fromisoformat(at))


# ---- what changes without the roster: cases, spot checks, users (a whole place) -------
def _live(place: str, p: dict) -> dict:
    """The place's cases reported in P, spot-check items checked in P and users: three
    queries on the scope index, bounded by the period (indexes.py)."""
    cases = []
    found = (
        Case.objects.under(place)
        .filter(reported_at__gte=_utc(p["start"]), reported_at__lt=_utc(p["end"] + timedelta(1)))
        .only("number", "child_info", "reported_at", "created_by", "created_at", "place_path")
    )
    for case in found:
        info = case.child_info
        cases.append(
            {
                "case": str(case.pk),
                "child": info.child if info else None,
                "name": info.name if info else "",
                "township": (case.place_path + [None] * 4)[3],
                "date": _day(case.reported_at).isoformat(),
                "note": f"案件 {case.number}",
                "days": None,
                "by": case.created_by,
                "at": case.created_at,
            }
        )
    checks = []
    drawn = SpotCheck.objects.under(place).filter(
        drawn_on__gte=p["start"] - timedelta(CHECK_DAYS), drawn_on__lte=p["end"]
    )
    for check in drawn.only("place", "place_path", "items"):
        for item in check.items:
            day = item.checked_on
            if item.result == "pending" or day is None or not p["start"] <= day <= p["end"]:
                continue
            row = {"id": item.child, "name": item.child_name, "village": check.place}
            what = "走访" if item.kind == "visit" else "档案"
            entry = _item(row, day, f"{what}核实：{item.note or ''}", result=item.result)
            entry["township"] = check.place_path[3]
            checks.append(entry)
    users = list(
        User.objects.under(place).only(
            "username", "display_name", "role", "place", "place_path", "last_login_at"
        )
    )
    return {"cases": cases, "checks": checks, "users": users}


def _township_live(live: dict, township: str) -> dict:
    """The live parts of one township, per village ("" = the station's own)."""
    users = [u for u in live["users"] if township in (u.place_path or [])]
    village_of = {u.username: u.place for u in users if u.role == ROLE_VILLAGE}
    reports, checks = defaultdict(list), defaultdict(list)
    for case in live["cases"]:
        if case["township"] == township:
            item = {**case, "village": village_of.get(case["by"])}
            reports[""].append(item)
            if item["village"]:
                reports[item["village"]].append(item)
    for item in live["checks"]:
        if item["township"] == township:
            checks[item["village"]].append(item)
            checks[""].append(item)
    logins: dict = {}
    for u in users:
        _latest(logins, u.username, u.last_login_at)
    for case in live["cases"]:
        if case["township"] == township:
            _latest(logins, case["by"], case["at"])
    directors = defaultdict(list)
    for u in users:
        if u.role == ROLE_VILLAGE:
            directors[u.place].append((u.username, u.display_name))
    return {
        "reports": reports,
        "checks": checks,
        "logins": logins,
        "users": {u.username for u in users},
        "directors": dict(directors),
    }


def _last(activity: dict, names) -> datetime | None:
    return max((activity[n] for n in names if activity.get(n)), default=None)


# ---- the lists (what a figure links to) ----------------------------------------------
def _lists(raw: dict, today: date) -> dict:
    """A village's lists of items on `today`, from its raw items."""
    before = [i for i in raw["plan"] if date.fromisoformat(i["date"]) < today]
    missed = [
        {**i, "days": (today - date.fromisoformat(i["date"])).days}
        for i in before
        if i["state"] == "open"
    ]
    overdue = []
    for i in raw["dated"]:
        due = date.fromisoformat(i["date"]) if i["date"] else todos.NEVER
        if todos.in_window(i["kind"], due, today):
            overdue.append({**i, "days": (today - due).days if i["date"] else None})
    return {
        "planned": before,
        "on_time": [i for i in before if i["state"] == "on_time"],
        "late": [i for i in before if i["state"] == "late"],
        "missed": missed,
        "visits": raw["visits"],
        "created": raw["created"],
        "reviews": raw["reviews"],
        "returned": raw["returned"],
        "overdue": sorted(overdue, key=lambda i: i["date"]),
        "reports": [],
        "checked": [],
        "discrepancies": [],
    }


def items(township: str, p: dict, today: date | None = None) -> dict:
    """{"villages": {village: {figure: [item]}}, "station": {figure: [item]}} of one
    township for the period `p` (services/reports/periods.py: period) on `today`."""
    today = today or clock.today()
    raw = _raw(township, p)
    live = _township_live(_live(township, p), township)
    villages = {v: _lists(r, today) for v, r in raw["villages"].items()}
    station = {code: [i for v in villages.values() for i in v[code]] for code in FIGURES}
    for key, lists in [("", station), *villages.items()]:
        lists["reports"] = live["reports"].get(key, [])
        lists["checked"] = live["checks"].get(key, [])
        lists["discrepancies"] = [i for i in lists["checked"] if i["result"] in BAD_CHECKS]
    return {"villages": villages, "station": station}


# ---- the figures: kept counts and dates, counted on the day -------------------------
def _stored(raw: dict) -> dict:
    """A village's raw items as counts and dates (JSON), whatever the day."""
    plan = raw["plan"]
    days = [i["days"] for i in raw["reviews"] if i["days"] is not None]
    dated = defaultdict(Counter)
    for i in raw["dated"]:
        dated[i["kind"]][i["date"] or NEVER] += 1
    return {
        "on_time": Counter(i["date"] for i in plan if i["state"] == "on_time"),
        "open": Counter(i["date"] for i in plan if i["state"] == "open"),
        "late": sum(1 for i in plan if i["state"] == "late"),
        "visits": len(raw["visits"]),
        "created": len(raw["created"]),
        "reviews": len(raw["reviews"]),
        "review_days": [sum(days), len(days), max(days, default=None)],
        "returned": len(raw["returned"]),
        "dated": {kind: dict(c) for kind, c in dated.items()},
    }


def merge(stored: list[dict]) -> dict:
    """Several villages' (stations') kept figures as one."""
    out = {"on_time": Counter(), "open": Counter(), "dated": defaultdict(Counter)}
    out.update({k: 0 for k in ("late", "visits", "created", "reviews", "returned")})
    total, n, most = 0, 0, None
    for s in stored:
        out["on_time"].update(s["on_time"])
        out["open"].update(s["open"])
        for k in ("late", "visits", "created", "reviews", "returned"):
            out[k] += s[k]
        for kind, c in s["dated"].items():
            out["dated"][kind].update(c)
        total, n = total + s["review_days"][0], n + s["review_days"][1]
        if s["review_days"][2] is not None:
            most = s["review_days"][2] if most is None else max(most, s["review_days"][2])
    out["review_days"] = [total, n, most]
    return out


def _counted(s: dict, today: date) -> dict:
    """The figures that come from the kept counts and dates, on `today`."""
    day = today.isoformat()
    on_time = sum(n for d, n in s["on_time"].items() if d < day)
    missed = sum(n for d, n in s["open"].items() if d < day)
    planned = on_time + missed + s["late"]
    total, n, most = s["review_days"]
    ages, never = [], 0
    for kind, dates_ in s["dated"].items():
        for d, count in dates_.items():
            if d == NEVER:
                never += count if todos.in_window(kind, todos.NEVER, today) else 0
            elif todos.in_window(kind, date.fromisoformat(d), today):
                ages += [(today - date.fromisoformat(d)).days] * count
    return {
        "planned": planned,
        "on_time": on_time,
        "late": s["late"],
        "missed": missed,
        "visits": s["visits"],
        "created": s["created"],
        "reviews": s["reviews"],
        "returned": s["returned"],
        "overdue": len(ages) + never,
        "on_time_rate": round(on_time * 100 / planned) if planned else None,
        "review_days_avg": round(total / n, 1) if n else None,
        "review_days_max": most,
        "overdue_oldest": max(ages, default=None),
        "overdue_avg": round(sum(ages) / len(ages), 1) if ages else None,
        "never_visited": never,
    }


def _figures(s: dict, reports: list, checks: list, last, today: date) -> dict:
    out = _counted(s, today)
    out["reports"] = len(reports)
    out["checked"] = len(checks)
    out["discrepancies"] = sum(1 for i in checks if i["result"] in BAD_CHECKS)
    out["last_activity"] = dates.cn_datetime(last) if last else None
    return out


def _token(township: str) -> str:
    """What the kept figures of a township follow: its roster's token and its 工作考核
    ledger's (a history entry changes the ledger alone)."""
    return f"{roster.tokens([township])[township]}:{ledger.token(township)}"


def kept(township: str, p: dict) -> dict:
    """{"villages": {village: kept figures}, "activity": {user: ISO time}} of a township,
    read again when its roster or its ledger changed since they were kept."""
    key = f"{township}|{p['year']}|{p['kind']}"
    token = _token(township)
    doc = AppraisalFigures._get_collection().find_one({"_id": key})
    if doc and doc.get("token") == token and doc.get("form") == FORM and doc.get("figures"):
        return json.loads(doc["figures"])
    raw = _raw(township, p)
    out = {
        "villages": {v: _stored(r) for v, r in raw["villages"].items()},
        "activity": {u: clock.to_local(at).isoformat() for u, at in raw["activity"].items()},
    }
    AppraisalFigures._get_collection().replace_one(
        {"_id": key},
        {
            "_id": key,
            "token": token,
            "form": FORM,
            "computed": clock.now(),
            "figures": json.dumps(out),
        },
        upsert=True,
    )
    return out


def _station(township: str, p: dict, live: dict, today: date) -> dict:
    """{"station", "villages", "directors", "parts"} of one township on `today`."""
    k = kept(township, p)
    mine = _township_live(live, township)
    activity = {u: datetime.fromisoformat(at) for u, at in k["activity"].items()}
    for u, at in mine["logins"].items():
        _latest(activity, u, clock.to_local(at))
    villages = {
        v: _figures(
            merge([s]),
            mine["reports"].get(v, []),
            mine["checks"].get(v, []),
            _last(activity, [n for n, _ in mine["directors"].get(v, [])]),
            today,
        )
        for v, s in k["villages"].items()
    }
    whole = merge(list(k["villages"].values()))
    last = _last(activity, mine["users"])
    reports, checks = mine["reports"].get("", []), mine["checks"].get("", [])
    return {
        "station": _figures(whole, reports, checks, last, today),
        "villages": villages,
        "directors": mine["directors"],
        "parts": (whole, reports, checks, last),
    }


def township_figures(township: str, p: dict, today: date | None = None) -> dict:
    """{"station": figures, "villages": {village: figures}, "directors": {village:
    [(user name, name)]}} of a township on `today`."""
    today = today or clock.today()
    return _station(township, p, _live(township, p), today)


def side_by_side(place: str, p: dict, today: date | None = None) -> list[dict]:
    """The stations inside a county or a city side by side: one row per township
    ({township, county, figures, parts}), in the order of the official codes; the live
    parts read once for the whole place."""
    today = today or clock.today()
    live = _live(place, p)
    rows = []
    for key, _ in Place.choices_under(place, TOWNSHIP):
        found = _station(key, p, live, today)
        rows.append(
            {
                "township": key,
                "county": Place.path_of(key)[2],
                "figures": found["station"],
                "parts": found["parts"],
            }
        )
    return rows


def total(rows: list[dict], today: date | None = None) -> dict:
    """The figures of several stations together, exactly (averages over all their items)."""
    today = today or clock.today()
    parts = [r["parts"] for r in rows]
    last = max((pt[3] for pt in parts if pt[3]), default=None)
    return _figures(
        merge([pt[0] for pt in parts]),
        [i for pt in parts for i in pt[1]],
        [i for pt in parts for i in pt[2]],
        last,
        today,
    )


def counties_of(rows: list[dict]) -> list[dict]:
    """Subtotals per county of side-by-side rows ({county, figures})."""
    by_county = defaultdict(list)
    for r in rows:
        by_county[r["county"]].append(r)
    return [{"county": c, "figures": total(rs)} for c, rs in by_county.items()]


def refresh(townships) -> int:
    """Keep the running half-year's and year's figures of these townships (the keeper
    thread after a roster write; `flask warm-figures`). Returns how many were read."""
    kind, year = periods.default_period()
    read = 0
    for township in townships:
        for p in (periods.period(kind, year), periods.period("year", year)):
            key = f"{township}|{p['year']}|{p['kind']}"
            doc = AppraisalFigures._get_collection().find_one({"_id": key}, {"token": 1, "form": 1})
            current = _token(township)
            if doc is None or doc.get("token") != current or doc.get("form") != FORM:
                kept(township, p)
                read += 1
    return read
