"""Township rosters: the compact rows list pages, searches and to-dos are computed from.

Each township has one `Roster` document (_id = township key) holding one small row per
child, updated with a single `$set rows.<child id>` (atomic on one document, no
positional operator: FerretDB and MongoDB alike). A list for any place reads the
rosters of the townships inside it by `_id`, so no page ever scans the children
collection. `flask rebuild-rosters` rebuilds them from the archives.
"""

from datetime import date

from .documents import Child, Place, Roster
from .documents.constants import TOWNSHIP, VILLAGE


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
    }


def put(child: Child) -> None:
    """Write the child's row into its township's roster, leaving its visit dates alone."""
    fields = {f"rows.{child.pk}.{k}": v for k, v in row_of(child).items()}
    Roster._get_collection().update_one({"_id": child.township}, {"$set": fields}, upsert=True)


def put_many(children) -> None:
    """Write many rows with one update per township (imports: FerretDB rewrites the whole
    roster document on every update, so one write per child grows with the township)."""
    by_township: dict[str, dict] = {}
    for child in children:
        fields = by_township.setdefault(child.township, {})
        fields.update({f"rows.{child.pk}.{k}": v for k, v in row_of(child).items()})
    coll = Roster._get_collection()
    for township, fields in by_township.items():
        coll.update_one({"_id": township}, {"$set": fields}, upsert=True)


def set_visit_dates(child: Child, next_visit: date | None, last_visit: date | None) -> None:
    """Update only the visit dates of a child's row."""
    Roster._get_collection().update_one(
        {"_id": child.township},
        {
            "$set": {
                f"rows.{child.pk}.next_visit": next_visit.isoformat() if next_visit else None,
                f"rows.{child.pk}.last_visit": last_visit.isoformat() if last_visit else None,
            }
        },
    )


def remove(child_id, township: str) -> None:
    Roster._get_collection().update_one({"_id": township}, {"$unset": {f"rows.{child_id}": ""}})


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


def rows_for(user) -> list[dict]:
    """Every row inside the user's place, each with its child id as `id`."""
    coll = Roster._get_collection()
    village = user.place if (Place.info(user.place) or {}).get("level") == VILLAGE else None
    out = []
    for township in townships_in(user.place):
        doc = coll.find_one({"_id": township})
        if not doc:
            continue
        for cid, row in (doc.get("rows") or {}).items():
            if village and row.get("village") != village:
                continue
            row["id"] = cid
            row["township"] = township
            row.setdefault("next_visit", None)
            row.setdefault("last_visit", None)
            out.append(row)
    return out


def rebuild() -> int:
    """Rebuild every roster from the archives (repair after a crash or a manual change)."""
    from .visits_book import visit_dates

    rosters: dict[str, dict] = {}
    for child in Child.objects:
        rosters.setdefault(child.township, {})[str(child.pk)] = {
            **row_of(child),
            **visit_dates(child.pk),
        }
    coll = Roster._get_collection()
    coll.delete_many({})
    for township, rows in rosters.items():
        coll.insert_one({"_id": township, "rows": rows})
    return sum(len(r) for r in rosters.values())
