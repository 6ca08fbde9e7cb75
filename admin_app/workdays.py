"""Working days: Chinese statutory holidays and make-up working days (chinese-calendar).

For a year the library has no data for, weekends alone count and the result says so.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar


@dataclass(frozen=True)
class DueDate:
    due: date
    exact: bool  # False when a year without holiday data was crossed (weekends only)

    @property
    def note(self) -> str:
        return "" if self.exact else "（该年度法定节假日数据暂缺，仅按周末推算）"


def is_workday(day: date) -> tuple[bool, bool]:
    """(is it a working day, is the answer from holiday data)."""
    try:
        return chinese_calendar.is_workday(day), True
    except NotImplementedError:
        return day.weekday() < 5, False


def add_workdays(start: date, days: int) -> DueDate:
    """The date `days` working days after `start` (start itself not counted)."""
    day, left, exact = start, days, True
    while left > 0:
        day += timedelta(days=1)
        work, known = is_workday(day)
        exact = exact and known
        if work:
            left -= 1
    return DueDate(day, exact)
