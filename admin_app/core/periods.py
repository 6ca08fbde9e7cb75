"""Calendar periods: a visit 每月一次 falls once in every calendar month, on the same day
(clamped to the month's end: 31 January, 28 February, 31 March …), 每季度一次 once a
quarter, 每半年一次 once a half-year, 每半月一次 twice a month (the day and the day 15
later or earlier), 每周一次 every seven days.

Periods are named: "week", "half_month", "month", "quarter", "half_year".
"""

import calendar
from collections.abc import Iterator
from datetime import date, timedelta

MONTHS = {"month": 1, "quarter": 3, "half_year": 6}


def add_months(day: date, months: int, on_day: int | None = None) -> date:
    """`day` moved by whole months, on `on_day` (default: its own day) clamped to the
    month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(on_day or day.day, last))


def _half_month_days(anchor: date) -> tuple[int, int]:
    first = anchor.day if anchor.day <= 15 else anchor.day - 15
    return first, first + 15


def dates_from(anchor: date, period: str, until: date) -> Iterator[date]:
    """The due dates from `anchor` (included) up to `until` (included), one per period."""
    if period == "week":
        day = anchor
        while day <= until:
            yield day
            day += timedelta(days=7)
        return
    if period == "half_month":
        days = _half_month_days(anchor)
        month = date(anchor.year, anchor.month, 1)
        while month <= until:
            for d in days:
                due = add_months(month, 0, d)
                if anchor <= due <= until:
                    yield due
            month = add_months(month, 1, 1)
        return
    step = MONTHS[period]
    k = 0
    while (due := add_months(anchor, step * k)) <= until:
        yield due
        k += 1


def next_after(day: date, period: str) -> date:
    """The date one period after `day` (when the next visit falls due after a visit)."""
    if period == "week":
        return day + timedelta(days=7)
    if period == "half_month":
        return day + timedelta(days=15) if day.day <= 15 else add_months(day, 1, day.day - 15)
    return add_months(day, MONTHS[period])


def period_of(day: date, period: str) -> tuple:
    """The calendar period a date falls in (two dates in one period: one visit too many)."""
    if period == "week":
        iso = day.isocalendar()
        return (iso.year, iso.week)
    if period == "half_month":
        return (day.year, day.month, day.day > 15)
    return (day.year, (day.month - 1) // MONTHS[period])
