"""A child's visit book (one document, _id = the child's id): reading it by `_id`, adding
planned visits to it, the dates its roster row carries, and the page's overview."""

from ...core import clock, dates
from ...documents import PlannedVisit, VisitBook
from ...documents.visit import VISIT_KINDS

KIND_LABELS = dict(VISIT_KINDS)


def book_of(child) -> VisitBook | None:
    """The child's visit book (one read by _id), or None before the first plan or visit."""
    return VisitBook.objects(pk=str(child.pk)).first()


def _collection():
    return VisitBook._get_collection()


def _push_plans(child, entries: list[PlannedVisit]) -> None:
    for entry in entries:
        entry.validate()
    _collection().update_one(
        {"_id": str(child.pk)},
        {
            "$push": {"plan": {"$each": [e.to_mongo().to_dict() for e in entries]}},
            "$set": {"place_path": list(child.place_path)},
        },
        upsert=True,
    )


def visit_exists(child_id: str, visit_id: str) -> bool:
    """Whether the child's visit book holds a visit with this id (one read by _id)."""
    book = VisitBook._get_collection().find_one({"_id": str(child_id)}, {"visits.id": 1})
    return any(v.get("id") == visit_id for v in (book or {}).get("visits") or [])


def visit_dates(child_id) -> dict:
    """{"next_visit": iso or None, "last_visit": iso or None} from the child's visit book."""
    book = VisitBook.objects(pk=str(child_id)).first()
    if book is None:
        return {"next_visit": None, "last_visit": None}
    open_dates = [p.due for p in book.plan if not p.done_by]
    last = max((v.date for v in book.visits), default=None)
    return {
        "next_visit": min(open_dates).isoformat() if open_dates else None,
        "last_visit": last.isoformat() if last else None,
    }


# ---- reading, for the page ----
def overview(child) -> dict:
    """The plan (by due date, with a status) and the visits (newest first)."""
    today = clock.today()
    book = book_of(child)
    plan, visits = (list(book.plan), list(book.visits)) if book else ([], [])
    by_id = {v.id: v for v in visits}
    rows = []
    for p in sorted(plan, key=lambda p: p.due):
        done = by_id.get(p.done_by) if p.done_by else None
        if p.done_by:
            status, css = (
                (f"已完成（{dates.cn_date(done.date)}走访）" if done else "已完成"),
                "wbz-ok",
            )
        elif p.due < today:
            status, css = "已逾期", "wbz-bad"
        else:
            status, css = "待走访", ""
        rows.append({"plan": p, "kind": KIND_LABELS.get(p.kind, ""), "status": status, "css": css})
    visits.sort(key=lambda v: (v.date, v.recorded_at), reverse=True)
    open_dates = [p.due for p in plan if not p.done_by]
    return {
        "plan": rows,
        "visits": visits,
        "open_count": len(open_dates),
        "next_visit": min(open_dates, default=None),
        "last_visit": visits[0].date if visits else None,
    }
