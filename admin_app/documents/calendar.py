"""A year's 放假调休 arrangement, entered by the province from the State Council's notice.

chinese-calendar carries the arrangements it was released with (1.11: up to 2026); the
State Council publishes each year's in the autumn before. An arrangement entered here
governs every deadline counted in working days (admin_app/services/workdays.py), for the dates it
names, in preference to the library.
"""

from datetime import date

from mongoengine import (
    DateField,
    EmbeddedDocument,
    EmbeddedDocumentField,
    IntField,
    ListField,
    StringField,
)

from .base import DomainError, ScopedDocument
from .constants import PROVINCE_CODE


class HolidaySpan(EmbeddedDocument):
    """One holiday: 春节 2027-02-06 to 2027-02-13."""

    name = StringField(required=True, max_length=20)
    first_day = DateField(required=True)
    last_day = DateField(required=True)

    def days(self) -> list[date]:
        from datetime import timedelta

        span = (self.last_day - self.first_day).days
        return [self.first_day + timedelta(days=i) for i in range(span + 1)]

    def __str__(self):
        return f"{self.name} {self.first_day}—{self.last_day}"


class MakeUpDay(EmbeddedDocument):
    """A weekend day worked to make up for a holiday (调休上班)."""

    day = DateField(required=True)
    note = StringField(max_length=50)

    def __str__(self):
        return f"{self.day} {self.note or ''}".strip()


class HolidayYear(ScopedDocument):
    """The 放假调休 arrangement of one year (`_id` = the year), kept by the province."""

    id = IntField(primary_key=True, min_value=2000, max_value=2100)
    holidays = ListField(EmbeddedDocumentField(HolidaySpan))
    workdays = ListField(EmbeddedDocumentField(MakeUpDay))
    source = StringField(max_length=200)  # 国办发明电〔2026〕X号 …

    meta = {"collection": "holiday_years"}

    def __str__(self):
        return f"{self.id}年放假调休安排"

    def check(self) -> None:
        """Dates that belong to the year (a span may reach into the neighbouring New Year),
        spans in order, no day both a holiday and a working day."""
        year = self.id
        if year is None:
            raise DomainError("请填写年度。", "id")
        self.set_place(PROVINCE_CODE)
        if not self.holidays:
            raise DomainError("请至少填写一个节假日（如元旦、春节）。", "holidays")
        low, high = date(year - 1, 12, 1), date(year + 1, 1, 31)
        off: set[date] = set()
        for span in self.holidays:
            if span.last_day < span.first_day:
                raise DomainError(f"“{span.name}”的结束日期早于开始日期。", "holidays")
            if span.first_day < low or span.last_day > high:
                raise DomainError(f"“{span.name}”的日期不在 {year} 年内。", "holidays")
            if (span.last_day - span.first_day).days > 15:
                raise DomainError(f"“{span.name}”超过 16 天，请核对日期。", "holidays")
            off.update(span.days())
        for made in self.workdays or []:
            if not low <= made.day <= high:
                raise DomainError(f"调休上班日 {made.day} 不在 {year} 年内。", "workdays")
            if made.day in off:
                raise DomainError(f"{made.day} 既是放假日又是调休上班日，请核对。", "workdays")
