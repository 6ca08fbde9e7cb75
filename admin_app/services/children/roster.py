"""Township rosters: the compact rows list pages, searches and to-dos are computed from.

Each township has one `Roster` document (_id = township key): `rows.<child id>` is the
child's list row packed as one JSON string, `visits.<child id>` its next and last visit
dates as "YYYY-MM-DD|YYYY-MM-DD". Each is written with a single `$set` (atomic on one
document; the embedded server serialises writes, see tools/ferretdb/serialize.go). A
list for any place reads the rosters of the townships inside it by `_id`, so no page
ever scans the children collection. Rows are strings because FerretDB decodes nested
documents slowly: 800 rows of 17 fields read in 70 ms nested, 24 ms as strings
(measured 2026-11-29, docs/NOTES.md). `flask rebuild-rosters` rebuilds them from the
archives.
"""

import json
import threading
from collections import OrderedDict
from datetime import date
from uuid import uuid4

from ...documents import Child, Place, Roster, RosterSummary
from ...documents.constants import TOWNSHIP, VILLAGE


def row_of(child: Child) -> dict:
    """The list row of an archive (dates as ISO text); visit dates are kept by the visit book."""
    return {
        "name": child.name,
        "gender": child.gender,
        "birth": child.birth_date.isoformat(),
        "village": child.place,
        "id_number": child.id_number or "",
        "phones": [g.phone for g in child.guardians or [] if g.phone],
        "categories": list(child.categories or []),
        "risk": child.risk_level,
        "school": child.school_status or "",
        "guardianship": child.guardianship or "",
        "status": child.status,
        "review": child.review_status,
        "review_due": child.review_due.isoformat() if child.review_due else None,
        "director": child.director or "",
        "frequency": child.visit_frequency,
        "agreement": bool(child.care_agreement_date),
        "assessed": child.last_assessment.isoformat() if child.last_assessment else None,
        "next_assessment": (child.next_assessment.isoformat() if child.next_assessment else None),
    }


def _pack(row: dict) -> str:
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"))


def _visit_text(next_visit: date | str | None, last_visit: date | str | None) -> str:
    """ "next|last" with ISO dates, empty for none (dates or ISO text accepted)."""

    def iso(value):
        return value.isoformat() if isinstance(value, date) else (value or "")

    return f"{iso(next_visit)}|{iso(last_visit)}"


def _touch(townships) -> None:
    """Tell the township figures (admin_app/services/figures/summaries.py) that these
    rosters changed. Called after the roster write, never before: a reader that saw the
    old stamp then recomputes on its next read."""
    from ..figures import summaries

    coll = RosterSummary._get_collection()
    towns = set(townships)
    for township in towns:
        coll.update_one(
            {"_id": township},
            {"$inc": {"stamp": 1}, "$set": {"token": uuid4().hex}},
            upsert=True,
        )
    summaries.changed(towns)


def put(child: Child) -> None:
    """Write the child's row into its township's roster, leaving its visit dates alone."""
    Roster._get_collection().update_one(
        {"_id": child.township}, {"$set": {f"rows.{child.pk}": _pack(row_of(child))}}, upsert=True
    )
    _touch([child.township])


def put_many(children, next_visits: dict | None = None) -> None:
    """Write the rows of many new archives, and their next visits ({child: date}), with one
    update per township (imports: every update rewrites the whole roster document, so
    one write per child would grow with the township)."""
    by_township: dict[str, dict] = {}
    for child in children:
        fields = by_township.setdefault(child.township, {})
        fields[f"rows.{child.pk}"] = _pack(row_of(child))
        if next_visits and child in next_visits:
            fields[f"visits.{child.pk}"] = _visit_text(next_visits[child], None)
    coll = Roster._get_collection()
    for township, fields in by_township.items():
        coll.update_one({"_id": township}, {"$set": fields}, upsert=True)
    _touch(by_township)


def set_visit_dates(child: Child, next_visit: date | None, last_visit: date | None) -> None:
    """Update only the visit dates of a child's row."""
    Roster._get_collection().update_one(
        {"_id": child.township},
        {"$set": {f"visits.{child.pk}": _visit_text(next_visit, last_visit)}},
        upsert=True,
    )
    _touch([child.township])


def remove(child_id, township: str) -> None:
    from ..appraisal import ledger

    Roster._get_collection().update_one(
        {"_id": township}, {"$unset": {f"rows.{child_id}": "", f"visits.{child_id}": ""}}
    )
    ledger.forget(child_id, township)
    _touch([township])


def touch(townships) -> None:
    """These townships' figures changed outside their rosters (services/appraisal/ledger.py):
    a new token, as after a roster write."""
    _touch(townships)


def _decode(township: str, doc: dict | None) -> list[dict]:
    if not doc:
        return []
    visits = doc.get("visits") or {}
    out = []
    for cid, packed in (doc.get("rows") or {}).items():
        row = json.loads(packed) if isinstance(packed, str) else packed  # nested: before 2026-11
        row["id"] = cid
        row["township"] = township
        next_visit, _, last_visit = (visits.get(cid) or "|").partition("|")
        row["next_visit"] = next_visit or row.get("next_visit")
        row["last_visit"] = last_visit or row.get("last_visit")
        out.append(row)
    return out


# ---- decoded rosters kept in this process, keyed by the roster's change token ----
# A roster write sets a new random token (_touch) after writing; a reader takes the
# token first, then the rows, so rows cached under a token are never older than it. A
# roster without a token (never written since the token came, or its summary deleted)
# gets one before its rows are read. Tokens are random, so a database emptied and filled
# again never matches rows cached before. Each process keeps its own copy.
CACHE_MAX_ROWS = 60_000  # about three counties
_cache: OrderedDict[str, tuple[str, list[dict]]] = OrderedDict()
_cache_rows = 0
_cache_lock = threading.Lock()


def summary_docs(townships, fields: dict | None = None) -> dict[str, dict]:
    """The `roster_summaries` documents of these townships (absent ones left out), or only
    `fields` of them (a projection)."""
    coll = RosterSummary._get_collection()
    wanted = set(townships)
    if len(wanted) > 30:  # one pass over the small collection beats hundreds of lookups
        return {d["_id"]: d for d in coll.find({}, fields) if d["_id"] in wanted}
    return {t: d for t in wanted if (d := coll.find_one({"_id": t}, fields))}


def tokens(townships) -> dict[str, str]:
    """The current change token of each township's roster."""
    coll = RosterSummary._get_collection()
    towns = list(townships)
    found = summary_docs(towns, {"token": 1})
    out = {}
    for town in towns:
        token = (found.get(town) or {}).get("token")
        if not token:
            token = uuid4().hex
            coll.update_one({"_id": town}, {"$set": {"token": token}}, upsert=True)
        out[town] = token
    return out


def forget_cache() -> None:
    global _cache_rows
    with _cache_lock:
        _cache.clear()
        _cache_rows = 0


def township_rows(
    township: str, village: str | None = None, token: str | None = None
) -> list[dict]:
    """The rows of one township (of one village of it), each with `id` and `township`:
    fresh dicts the caller may change."""
    global _cache_rows
    if not token:
        token = tokens([township])[township]
    with _cache_lock:
        hit = _cache.get(township)
        if hit is not None and hit[0] == token:
            _cache.move_to_end(township)
            rows = hit[1]
        else:
            rows = None
    if rows is None:
        rows = _decode(township, Roster._get_collection().find_one({"_id": township}))
        with _cache_lock:
            old = _cache.pop(township, None)
            _cache_rows -= len(old[1]) if old else 0
            _cache[township] = (token, rows)
            _cache_rows += len(rows)
            while _cache_rows > CACHE_MAX_ROWS and len(_cache) > 1:
                _, (_, dropped) = _cache.popitem(last=False)
                _cache_rows -= len(dropped)
    return [dict(r) for r in rows if not village or r.get("village") == village]


def townships_in(place_key: str) -> list[str]:
    """The township keys inside a place (the township itself, or its parent for a village)."""
    info = Place.info(place_key)
    if info is None:
        return []
    if info["level"] == TOWNSHIP:
        return [place_key]
    if info["level"] == VILLAGE:
        return [info["place_path"][3]]
    return [r["_id"] for r in Place.children_of(place_key, TOWNSHIP)]


def inside(place_key: str, scope_key: str) -> bool:
    """Whether a place lies inside (or is) the scope place."""
    info = Place.info(place_key)
    return info is not None and (place_key == scope_key or scope_key in info["place_path"])


def rows_for(user, area: str | None = None) -> list[dict]:
    """Every row inside the user's place (or inside `area`, a place within it; an area
    outside the user's place gives nothing), each with its child id as `id`."""
    place = user.place
    if area and area != place:
        if not inside(area, place):
            return []
        place = area
    village = place if (Place.info(place) or {}).get("level") == VILLAGE else None
    towns = townships_in(place)
    current = tokens(towns)
    out = []
    for township in towns:
        out.extend(township_rows(township, village, current[township]))
    return out


def rebuild() -> int:
    """Rebuild every roster from the archives (repair after a crash or a manual change).

    One township at a time: memory is bounded by the largest township (the whole province
    at once held 1 GB at 60,000 archives), and each roster is replaced by one write, so no
    list is ever empty while it runs. A save in a township while it is being rebuilt may
    be undone for that one row: run it when the system is quiet (`flask rebuild-rosters`).
    """
    from ..appraisal import ledger
    from ..visits.book import visit_dates

    coll = Roster._get_collection()
    towns = [p["_id"] for p in Place._get_collection().find({"level": TOWNSHIP}, {"_id": 1})]
    total = 0
    for township in towns:
        roster = {"rows": {}, "visits": {}}
        for child in Child.objects.under(township).order_by().no_cache():
            roster["rows"][str(child.pk)] = _pack(row_of(child))
            dates = visit_dates(child.pk)
            roster["visits"][str(child.pk)] = _visit_text(dates["next_visit"], dates["last_visit"])
        if roster["rows"]:
            coll.replace_one({"_id": township}, roster, upsert=True)
        else:
            coll.delete_one({"_id": township})
        ledger.rebuild(township, list(roster["rows"]))  # 工作考核's entries of the same archives
        _touch([township])  # its cached rows and figures are stale
        total += len(roster["rows"])
    return total
