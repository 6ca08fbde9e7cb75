"""To-dos computed from the data, never typed: per user, inside the user's place."""

from datetime import date, timedelta

from ...core import clock, periods
from ...documents.constants import ARCHIVE_TODOS, FREQUENCY_PERIODS, LEFT_BEHIND


def _d(value):
    return date.fromisoformat(value) if value else None


# An archive's to-dos are of two sorts. A state to-do concerns a row by what it says.
STATES = {
    "review": lambda r: r.get("review") == "pending",
    "returned": lambda r: r.get("review") == "returned",
    # 农村留守儿童 without a 委托照护协议 (三(二); documents/child.py: care_agreement_date)
    "agreement_missing": lambda r: (
        LEFT_BEHIND in (r.get("categories") or []) and not r.get("agreement")
    ),
}
# A dated to-do concerns a row when the row's date for it falls in a window of days
# around today: (first, last) days after today, None for no bound. A window either has
# no first day or starts today or later (services/figures/summaries.py relies on it).
WINDOWS = {
    "review_overdue": (None, -1),
    "visit_overdue": (None, -1),
    "visit_soon": (0, 7),
    "turning_18": (0, 90),
    "high_risk_unvisited": (None, -1),
    "assessment_overdue": (None, -1),
    "assessment_soon": (0, 14),
}
NEVER = date.min  # a high-risk child never visited: due since always


def due_date(row: dict, kind: str) -> date | None:
    """The date a dated to-do turns on for this row (None: it never concerns the row)."""
    if kind == "review_overdue":
        return _d(row.get("review_due")) if row.get("review") == "pending" else None
    if kind in ("visit_overdue", "visit_soon"):
        return _d(row.get("next_visit"))
    if kind in ("assessment_overdue", "assessment_soon"):
        return _d(row.get("next_assessment"))  # set by the latest assessment (services/assessments)
    if kind == "turning_18":
        return clock.turns_adult(_d(row["birth"]))
    if kind == "high_risk_unvisited":
        if row.get("risk") != "high":
            return None
        last = _d(row.get("last_visit"))
        period = FREQUENCY_PERIODS.get(row.get("frequency"), "month")
        return NEVER if last is None else periods.next_after(last, period)
    raise KeyError(kind)


def in_window(kind: str, day: date, today: date) -> bool:
    first, last = WINDOWS[kind]
    if first is not None and day < today + timedelta(days=first):
        return False
    return last is None or day <= today + timedelta(days=last)


def todo_rows(rows: list[dict], kind: str, today: date | None = None) -> list[dict]:
    """The rows a to-do of `kind` is about (only archives still 在册)."""
    today = today or clock.today()
    active = [r for r in rows if r.get("status") == "active"]
    if kind in STATES:
        return [r for r in active if STATES[kind](r)]
    if kind in WINDOWS:
        return [
            r for r in active if (d := due_date(r, kind)) is not None and in_window(kind, d, today)
        ]
    return []


KINDS = tuple(kind for kind, _ in ARCHIVE_TODOS)


def counts(user, today: date | None = None) -> dict[str, int]:
    """How many archives each to-do concerns, for the landing page (from the cached
    township figures, admin_app/services/figures/summaries.py)."""
    from . import summaries

    found = summaries.for_user(user, today=today)["todos"]
    return {kind: found.get(kind, 0) for kind in KINDS}


def case_todos(user) -> dict:
    """Serious cases whose first home visit is due or overdue (5.2), new reports not yet
    taken in hand, late referral feedback: the first SHOWN of each (most urgent first),
    each with how many there are, every query answered from an index (indexes.py)."""
    from ...documents.case import Case
    from .. import cases
    from ..cases import public, referrals

    waiting = (
        Case.objects.in_scope(user)
        .filter(serious_harm=True, first_visit_at=None)
        .only("number", "child_info", "first_visit_due", "serious_harm", "first_visit_at")
        .order_by("first_visit_due")
    )
    due = [(c, cases.first_visit_state(c)) for c in waiting.limit(SHOWN)]
    # Reports not yet taken in hand (发现报告, not serious: those are listed above), a
    # village 儿童主任's among them, newest first.
    reports = (
        Case.objects.in_scope(user)
        .filter(step="intake", serious_harm=False)
        .only("number", "child_info", "reported_at", "channel")
        .order_by("-reported_at")
    )
    new = list(reports.limit(SHOWN))
    late = referrals.late(user)
    late_shown = list(late.limit(SHOWN))
    inbox, inbox_total = public.waiting(user, SHOWN)
    return {
        "public_reports": [(r, clock.now() > r.due) for r in inbox],
        "public_reports_total": inbox_total,
        "first_visits": due,
        "first_visits_total": waiting.count() if len(due) == SHOWN else len(due),
        "new_reports": new,
        "new_reports_total": reports.count() if len(new) == SHOWN else len(new),
        "late_referrals": late_shown,
        "late_referrals_total": late.count() if len(late_shown) == SHOWN else len(late_shown),
    }


SHOWN = 20  # items of each kind listed on the landing page
