"""Working days (附件2 4.1.1: an archive is reviewed within 5 working days).

Which days are worked, in order of authority:
1. a year's 放假调休 arrangement entered by the province (documents/calendar.py);
2. chinese-calendar's data (statutory holidays and make-up working days; 1.11 knows
   the years up to 2026);
3. Monday to Friday, for a year neither knows, and the result says so.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar

from ..documents.calendar import HolidayYear


@dataclass(frozen=True)
class DueDate:
    due: date
    exact: bool  # False when a year without holiday data was crossed (weekends only)

    @property
    def note(self) -> str:
        return "" if self.exact else "（该年度法定节假日数据暂缺，仅按周末推算）"


@dataclass
class WorkCalendar:
    """Answers about working days for one computation; each year's arrangement is read
    from the database once (by `_id`), so a change by the province governs at once."""

    _years: dict[int, dict | None] = field(default_factory=dict)

    def entered(self, year: int) -> dict | None:
        """{"off": set of holidays, "on": set of make-up working days} entered for `year`."""
        if year not in self._years:
            doc = HolidayYear.objects(pk=year).order_by().first()
            self._years[year] = (
                None
                if doc is None
                else {
                    "off": {d for span in doc.holidays or [] for d in span.days()},
                    "on": {m.day for m in doc.workdays or []},
                }
            )
        return self._years[year]

    def is_workday(self, day: date) -> tuple[bool, bool]:
        """(is it a working day, is the answer from holiday data)."""
        for year in (day.year, day.year - 1, day.year + 1):  # spans reach across New Year
            entry = self.entered(year)
            if entry is not None and day in entry["off"]:
                return False, True
            if entry is not None and day in entry["on"]:
                return True, True
        if self.entered(day.year) is not None:
            return day.weekday() < 5, True
        try:
            return chinese_calendar.is_workday(day), True
        except NotImplementedError:
            return day.weekday() < 5, False


def is_workday(day: date) -> tuple[bool, bool]:
    """(is it a working day, is the answer from holiday data)."""
    return WorkCalendar().is_workday(day)


def add_workdays(start: date, days: int, calendar: WorkCalendar | None = None) -> DueDate:
    """The date `days` working days after `start` (start itself not counted)."""
    calendar = calendar or WorkCalendar()
    day, left, exact = start, days, True
    while left > 0:
        day += timedelta(days=1)
        work, known = calendar.is_workday(day)
        exact = exact and known
        if work:
            left -= 1
    return DueDate(day, exact)


def library_knows(year: int) -> bool:
    """Whether chinese-calendar carries the arrangement of `year`."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
        return True
    except NotImplementedError:
        return False


def source_of(year: int) -> str:
    """Where the working days of `year` come from, in words."""
    if WorkCalendar().entered(year) is not None:
        return "自治区民政厅录入的放假调休安排"
    if library_knows(year):
        return "chinese-calendar 内置的国务院放假调休安排"
    return "暂无数据，仅按周末推算"


# From 1 November the State Council's arrangement of next year is due (it is published in
# the autumn); the province is reminded until it is entered.
REMIND_FROM = (11, 1)


def next_year_missing(today: date) -> int | None:
    """Next year, when it is time to enter its arrangement and nobody has."""
    if (today.month, today.day) < REMIND_FROM:
        return None
    year = today.year + 1
    if WorkCalendar().entered(year) is not None or library_knows(year):
        return None
    return year
