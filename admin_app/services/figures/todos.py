"""To-dos computed from the data, never typed: per user, inside the user's place."""

from datetime import date, timedelta

from ...core import clock, periods
from ...documents.constants import ARCHIVE_TODOS, FREQUENCY_PERIODS


def _d(value):
    return date.fromisoformat(value) if value else None


def todo_rows(rows: list[dict], kind: str, today: date | None = None) -> list[dict]:
    """The rows a to-do of `kind` is about (only archives still 在册)."""
    today = today or clock.today()
    active = [r for r in rows if r.get("status") == "active"]
    if kind == "review":
        return [r for r in active if r.get("review") == "pending"]
    if kind == "returned":
        return [r for r in active if r.get("review") == "returned"]
    if kind == "review_overdue":
        return [
            r
            for r in active
            if r.get("review") == "pending" and r.get("review_due") and _d(r["review_due"]) < today
        ]
    if kind == "visit_overdue":
        return [r for r in active if r.get("next_visit") and _d(r["next_visit"]) < today]
    if kind == "visit_soon":
        soon = today + timedelta(days=7)
        return [r for r in active if r.get("next_visit") and today <= _d(r["next_visit"]) <= soon]
    if kind == "turning_18":
        limit = today + timedelta(days=90)
        return [r for r in active if today <= clock.turns_adult(_d(r["birth"])) <= limit]
    if kind == "high_risk_unvisited":
        out = []
        for r in active:
            if r.get("risk") != "high":
                continue
            period = FREQUENCY_PERIODS.get(r.get("frequency"), "month")
            last = _d(r.get("last_visit"))
            if last is None or periods.next_after(last, period) < today:
                out.append(r)
        return out
    return []


KINDS = tuple(kind for kind, _ in ARCHIVE_TODOS)


def counts(user, today: date | None = None) -> dict[str, int]:
    """How many archives each to-do concerns, for the landing page (from the cached
    township figures, admin_app/services/figures/summaries.py)."""
    from . import summaries

    found = summaries.for_user(user, today=today)["todos"]
    return {kind: found.get(kind, 0) for kind in KINDS}


def case_todos(user) -> dict:
    """Serious cases whose first home visit is due or overdue (5.2), late referral feedback."""
    from ...documents.case import Case
    from .. import cases
    from ..cases import referrals

    due = [
        (c, cases.first_visit_state(c))
        for c in Case.objects.in_scope(user)
        .filter(serious_harm=True, first_visit_at=None)
        .only(
            "number",
            "child_info",
            "first_visit_due",
            "serious_harm",
            "first_visit_at",
            "place_path",
        )
    ]
    due.sort(key=lambda pair: pair[0].first_visit_due)
    # Reports not yet taken in hand (发现报告, not serious: those are listed above), a
    # village 儿童主任's among them, newest first; at most NEW_REPORTS_SHOWN.
    new = list(
        Case.objects.in_scope(user)
        .filter(step="intake", serious_harm=False)
        .only("number", "child_info", "reported_at", "channel", "place_path")
        .order_by("-reported_at")
        .limit(NEW_REPORTS_SHOWN)
    )
    return {"first_visits": due, "late_referrals": referrals.late(user), "new_reports": new}


NEW_REPORTS_SHOWN = 20
