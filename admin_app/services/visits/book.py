"""Visit dates a child's roster row carries: the next planned visit and the last visit made."""

from ...documents.visit import VisitBook


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
