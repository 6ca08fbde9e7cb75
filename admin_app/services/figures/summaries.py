"""Each township's children figures (to-do counts, 在册 by category, risk, school and
village), kept in one small document per township, so that a county, city or province
reads one document per township instead of every roster row.

The stored figures do not depend on the day: a dated to-do (todos.WINDOWS) is kept as a
count of rows per date, so today's count is a sum over those dates and a new day needs
no new computation. Dates before the day of computing count together as "past"; dates
beyond HORIZON days are left out, so figures serve for VALID_DAYS days.

A roster write bumps its township's `stamp` (roster._touch) and tells this module
(`changed`); the keeper thread of the process computes that township's figures again
at once, so a reader finds them current. Figures computed at an older stamp, or out of
their days, are computed again on the read that finds them. A station or village user's
own figures are always computed from the rows, through the same functions, so the
cached sum and the list a figure links to agree.
"""

import json
import threading
import time
from collections import Counter
from datetime import date, datetime, timedelta

from ...core import clock
from ...documents import Place, RosterSummary
from ...documents.constants import TOWNSHIP, VILLAGE
from ..children import roster
from . import todos

NONE = "_none"  # the key counting rows without a value
COUNTERS = ("categories", "risk", "school", "village")
PAST = "past"  # the dates before the day the figures were computed
HORIZON = 200  # days ahead whose dates are kept
VALID_DAYS = HORIZON - max(last for _, last in todos.WINDOWS.values())


def _pack_dates(counter: Counter, day: date) -> dict[str, int]:
    out: dict[str, int] = {}
    horizon = day + timedelta(days=HORIZON)
    for when, n in counter.items():
        if when < day:
            out[PAST] = out.get(PAST, 0) + n
        elif when <= horizon:
            out[when.isoformat()] = n
    return out


def stored(rows: list[dict], day: date) -> dict:
    """The figures of these rows as kept, good from `day` for VALID_DAYS days."""
    active = [r for r in rows if r.get("status") == "active"]
    dated = {kind: Counter() for kind in todos.WINDOWS}
    for r in active:
        for kind in todos.WINDOWS:
            when = todos.due_date(r, kind)
            if when is not None:
                dated[kind][when] += 1
    return {
        "day": day.isoformat(),
        "active": len(active),
        "states": {kind: sum(1 for r in active if test(r)) for kind, test in todos.STATES.items()},
        "dates": {kind: _pack_dates(c, day) for kind, c in dated.items()},
        "categories": dict(Counter(c for r in active for c in r.get("categories") or [])),
        "risk": dict(Counter(r.get("risk") or NONE for r in active)),
        "school": dict(Counter(r.get("school") or NONE for r in active)),
        "village": dict(Counter(r.get("village") or NONE for r in active)),
    }


def on(figures: dict, today: date) -> dict:
    """Stored figures as of `today` (within their days): the to-dos counted."""
    day = date.fromisoformat(figures["day"])
    found = dict(figures["states"])
    for kind, counts in figures["dates"].items():
        n = 0
        for when, k in counts.items():
            d = day - timedelta(days=1) if when == PAST else date.fromisoformat(when)
            if todos.in_window(kind, d, today):
                n += k
        found[kind] = n
    out = {key: figures[key] for key in ("active", *COUNTERS)}
    out["todos"] = {kind: found.get(kind, 0) for kind in todos.KINDS}
    return out


def summarize(rows: list[dict], today: date) -> dict:
    """The figures of these rows on `today`."""
    return on(stored(rows, today), today)


def merge(summaries) -> dict:
    """The sum of several summaries."""
    out = {"active": 0, "todos": Counter(), **{k: Counter() for k in COUNTERS}}
    for s in summaries:
        out["active"] += s.get("active", 0)
        out["todos"].update(s.get("todos") or {})
        for key in COUNTERS:
            out[key].update(s.get(key) or {})
    return {k: (dict(v) if isinstance(v, Counter) else v) for k, v in out.items()}


def _usable(doc: dict, today: date) -> dict | None:
    """The doc's stored figures if they are of its current roster and serve `today`."""
    if doc.get("computed") != doc.get("stamp", 0):
        return None
    figures = doc.get("decoded")
    if figures is None:
        if not doc.get("figures"):
            return None
        figures = json.loads(doc["figures"])
        if doc.get("token"):
            _decoded[doc["_id"]] = (doc["token"], doc["computed"], figures)
    if set(figures["dates"]) != set(todos.WINDOWS) or set(figures["states"]) != set(todos.STATES):
        return None  # kept before a to-do was added or removed: computed again
    day = date.fromisoformat(figures["day"])
    return figures if day <= today <= day + timedelta(days=VALID_DAYS) else None


# Decoded stored figures kept in this process, by township: (token, computed, figures).
# The token is random and new at every roster write, so a hit is the stored document
# itself; a province's page then reads 259 small documents instead of 259 large ones.
_decoded: dict[str, tuple[str, int, dict]] = {}
_HEAD = {"stamp": 1, "computed": 1, "token": 1}
# Each township's figures as of a day, from those stored figures: ((token, stamp, day),
# figures), used while the stored figures are of that stamp (computed = stamp). Counting the dated to-dos into today's windows cost a province's landing page
# 259 townships × every kept date (about 20 ms, scripts/benchmark.py) on every request;
# the same stored figures on the same day give the same counts. Read only.
_on_day: dict[str, tuple[tuple, dict]] = {}


def forget() -> None:
    """Drop this process's decoded figures (tests that change stored figures by hand)."""
    _decoded.clear()
    _on_day.clear()


def _docs(townships: list[str]) -> dict[str, dict]:
    """The summary documents, their stored figures from this process's copy when current."""
    heads = roster.summary_docs(townships, _HEAD)
    out, wanted = {}, []
    for township in townships:
        head = heads.get(township) or {}
        hit = _decoded.get(township)
        if hit and head.get("token") and hit[:2] == (head["token"], head.get("computed")):
            out[township] = {**head, "decoded": hit[2]}
        else:
            wanted.append(township)
    if wanted:
        out.update(roster.summary_docs(wanted))
    return out


def _cached(townships: list[str], today: date) -> dict[str, dict]:
    coll = RosterSummary._get_collection()
    docs = _docs(townships)
    out = {}
    for township in townships:
        doc = docs.get(township) or {}
        key = (doc.get("token"), doc.get("stamp", 0), today)  # figures of this roster version
        hit = _on_day.get(township)
        if key[0] and hit and hit[0] == key and doc.get("computed") == key[1]:  # same, same day
            out[township] = hit[1]
            continue
        figures = _usable(doc, today)
        if figures is None:
            rows = roster.township_rows(township, token=doc.get("token"))
            figures = stored(rows, today)
            if doc.get("token"):
                _decoded[township] = (doc["token"], doc.get("stamp", 0), figures)
            coll.update_one(
                {"_id": township},
                {
                    "$set": {
                        "computed": doc.get("stamp", 0),
                        "figures": json.dumps(figures, ensure_ascii=False, separators=(",", ":")),
                    },
                    "$unset": {"summary": "", "day": ""},  # the per-day figures before 2026-12
                },
                upsert=True,
            )
        out[township] = on(figures, today)
        if key[0]:  # stored now for this roster version (computed = stamp)
            _on_day[township] = (key, out[township])
    return out


def by_township(user, area: str | None = None, today: date | None = None) -> dict[str, dict]:
    """{township key: summary} inside the user's place (or an area within it)."""
    today = today or clock.today()
    place = area if area and roster.inside(area, user.place) else user.place
    level = (Place.info(place) or {}).get("level")
    if level in (TOWNSHIP, VILLAGE) or today != clock.today():
        grouped: dict[str, list] = {t: [] for t in roster.townships_in(place)}
        for row in roster.rows_for(user, area=place):
            grouped.setdefault(row["township"], []).append(row)
        return {t: summarize(rows, today) for t, rows in grouped.items()}
    return _cached(roster.townships_in(place), today)


def for_user(user, area: str | None = None, today: date | None = None) -> dict:
    """The summed figures of the user's place (or of an area within it)."""
    return merge(by_township(user, area, today).values())


def refresh(today: date | None = None, townships=None) -> int:
    """Make every township's figures (or these townships') current now; `flask
    warm-figures` and the keeper thread. Returns how many townships it looked at."""
    from .. import appraisal  # 工作考核 keeps what the same rosters say (services/appraisal)

    if townships is None:
        coll = Place._get_collection()
        townships = [p["_id"] for p in coll.find({"level": TOWNSHIP}, {"_id": 1})]
    done = len(_cached(list(townships), today or clock.today()))
    appraisal.refresh(townships)
    return done


# ---- the keeper: one thread per process computes figures ahead of the readers ----
# At start-up and every day at 00:05 (Ningxia time) it makes every township's figures
# current (figures serve VALID_DAYS days, so most are); after a roster write it computes
# that township's figures again, a moment later, so no page waits for them.
_keeper_lock = threading.Lock()
_keeper: threading.Thread | None = None
_stop = threading.Event()
_wake = threading.Event()
_pending: set[str] = set()
WARM_AT = (0, 5)
SETTLE_SECONDS = 0.5  # writes come in bursts (an import, a visit's archive and book)


def changed(townships) -> None:
    """These townships' rosters were written (roster._touch): compute their figures soon."""
    if _keeper is None or not _keeper.is_alive():
        return  # no keeper in this process (commands, tests): readers compute
    with _keeper_lock:
        _pending.update(townships)
    _wake.set()


def seconds_until_next_warm(now: datetime) -> float:
    """Seconds from `now` (aware) to the next 00:05 in Ningxia."""
    local = now.astimezone(clock.TZ)
    target = local.replace(hour=WARM_AT[0], minute=WARM_AT[1], second=0, microsecond=0)
    if target <= local:
        target = (local + timedelta(days=1)).replace(
            hour=WARM_AT[0], minute=WARM_AT[1], second=0, microsecond=0
        )
    return (target - local).total_seconds()


def _keep(logger, stop: threading.Event) -> None:
    warm_due = True
    while not stop.is_set():
        try:
            if warm_due:
                started = time.monotonic()
                n = refresh()
                logger.info("warm-figures: %d townships in %.1f s", n, time.monotonic() - started)
            else:
                stop.wait(SETTLE_SECONDS)
                with _keeper_lock:
                    towns = sorted(_pending)
                    _pending.clear()
                if towns:
                    refresh(townships=towns)
        except Exception:  # noqa: BLE001 - a failed run must not end the loop; pages compute
            logger.exception("warm-figures failed; pages compute their figures themselves")
        warm_due = not _wake.wait(seconds_until_next_warm(clock.now()))
        _wake.clear()


def start_warmer(app) -> threading.Thread:
    """Start (once per process) the keeper thread of the figures."""
    global _keeper
    with _keeper_lock:
        if _keeper is None or not _keeper.is_alive():
            _stop.clear()
            _keeper = threading.Thread(
                target=_keep, args=(app.logger, _stop), name="warm-figures", daemon=True
            )
            _keeper.start()
        return _keeper


def stop_warmer() -> None:
    """End the keeper thread (tests)."""
    _stop.set()
    _wake.set()
    if _keeper is not None:
        _keeper.join(timeout=30)
    _wake.clear()
    _pending.clear()
