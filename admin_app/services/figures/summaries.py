"""Each township's children figures (to-do counts, 在册 by category, risk, school and
village), cached per day, so that a county, city or province reads one small document
per township instead of every roster row.

A roster write bumps its township's `stamp` (roster._touch); figures computed at an
older stamp, or on another day (the to-dos move with the date), are recomputed from the
roster on the next read. A station or village user's own figures are always computed
from the rows, and the same `summarize` serves both, so the cached sum and the list a
figure links to agree.
"""

import threading
import time
from collections import Counter
from datetime import date, datetime, timedelta

from ...core import clock
from ...documents import Place, RosterSummary
from ...documents.constants import TOWNSHIP, VILLAGE
from ..children import roster
from . import todos

NONE = "_none"  # the key counting rows without a value (FerretDB refuses an empty key)
COUNTERS = ("categories", "risk", "school", "village")


def summarize(rows: list[dict], today: date) -> dict:
    active = [r for r in rows if r.get("status") == "active"]
    return {
        "active": len(active),
        "todos": {kind: len(todos.todo_rows(rows, kind, today)) for kind in todos.KINDS},
        "categories": dict(Counter(c for r in active for c in r.get("categories") or [])),
        "risk": dict(Counter(r.get("risk") or NONE for r in active)),
        "school": dict(Counter(r.get("school") or NONE for r in active)),
        "village": dict(Counter(r.get("village") or NONE for r in active)),
    }


def merge(summaries) -> dict:
    """The sum of several summaries."""
    out = {"active": 0, "todos": Counter(), **{k: Counter() for k in COUNTERS}}
    for s in summaries:
        out["active"] += s.get("active", 0)
        out["todos"].update(s.get("todos") or {})
        for key in COUNTERS:
            out[key].update(s.get(key) or {})
    return {k: (dict(v) if isinstance(v, Counter) else v) for k, v in out.items()}


def _cached(townships: list[str], today: date) -> dict[str, dict]:
    coll = RosterSummary._get_collection()
    docs = roster.summary_docs(townships)
    day = today.isoformat()
    out = {}
    for township in townships:
        doc = docs.get(township) or {}
        stamp = doc.get("stamp", 0)
        if doc.get("day") == day and doc.get("computed") == stamp and "summary" in doc:
            out[township] = doc["summary"]
            continue
        summary = summarize(roster.township_rows(township, token=doc.get("token")), today)
        coll.update_one(
            {"_id": township},
            {"$set": {"day": day, "computed": stamp, "summary": summary}},
            upsert=True,
        )
        out[township] = summary
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


def refresh(today: date | None = None) -> int:
    """Compute every township's figures now (`flask warm-figures`, e.g. at 00:05 daily)."""
    towns = [p["_id"] for p in Place._get_collection().find({"level": TOWNSHIP}, {"_id": 1})]
    return len(_cached(towns, today or clock.today()))


# ---- computed ahead: at start-up and every day at 00:05 (Ningxia time) ----
_warmer_lock = threading.Lock()
_warmer: threading.Thread | None = None
_stop = threading.Event()
WARM_AT = (0, 5)


def seconds_until_next_warm(now: datetime) -> float:
    """Seconds from `now` (aware) to the next 00:05 in Ningxia."""
    local = now.astimezone(clock.TZ)
    target = local.replace(hour=WARM_AT[0], minute=WARM_AT[1], second=0, microsecond=0)
    if target <= local:
        target = (local + timedelta(days=1)).replace(
            hour=WARM_AT[0], minute=WARM_AT[1], second=0, microsecond=0
        )
    return (target - local).total_seconds()


def _warm_loop(logger, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            started = time.monotonic()
            n = refresh()
            logger.info("warm-figures: %d townships in %.1f s", n, time.monotonic() - started)
        except Exception:  # noqa: BLE001 - a failed run must not end the loop; pages compute
            logger.exception("warm-figures failed; pages compute their figures themselves")
        stop.wait(seconds_until_next_warm(clock.now()))


def start_warmer(app) -> threading.Thread:
    """Start (once per process) the thread that computes every township's figures, so the
    first county or province page of the day does not wait for all the rosters."""
    global _warmer
    with _warmer_lock:
        if _warmer is None or not _warmer.is_alive():
            _stop.clear()
            _warmer = threading.Thread(
                target=_warm_loop, args=(app.logger, _stop), name="warm-figures", daemon=True
            )
            _warmer.start()
        return _warmer


def stop_warmer() -> None:
    """End the warming thread (tests)."""
    _stop.set()
    if _warmer is not None:
        _warmer.join(timeout=30)
