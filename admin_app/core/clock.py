"""The product's one clock: every rule asks here for "now" and for "today in Ningxia".

Nothing else in the product reads the wall clock. Stored times are timezone-aware UTC cut
to the millisecond (what MongoDB keeps, so a value read back equals the value written);
people see, type, print and export Beijing time (Asia/Shanghai: UTC+8 all year round).
Tests move this clock with time-machine; elapsed-time measurements use `time.monotonic`,
which is not a clock of dates.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")
# A time may lie this far ahead of the server's clock before it counts as "in the
# future": the clock on a clerk's computer or phone runs a little ahead of ours.
FUTURE_TOLERANCE = timedelta(minutes=5)
ADULT_AGE = 18


def _to_ms(value: datetime) -> datetime:
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def now() -> datetime:
    """The current time: timezone-aware UTC, to the millisecond (as stored)."""
    return _to_ms(datetime.now(UTC))


def local_now() -> datetime:
    """The current time in Beijing time."""
    return now().astimezone(TZ)


def today() -> date:
    """Today's date in Ningxia."""
    return local_now().date()


def to_local(value: datetime) -> datetime:
    """A stored time in Beijing time (a naive value is UTC, as MongoDB keeps it)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(TZ)


def from_local(value: datetime) -> datetime:
    """A Beijing wall-clock time (as typed or printed) as stored: aware UTC, to the ms."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=TZ)
    return _to_ms(value.astimezone(UTC))


def local_date(value: date | datetime) -> date:
    """The Ningxia calendar date of a stored time (a date is returned as it is)."""
    return to_local(value).date() if isinstance(value, datetime) else value


def is_future(value: date | datetime | None) -> bool:
    """True when a date lies after today, or a time after now (with FUTURE_TOLERANCE)."""
    if value is None:
        return False
    if isinstance(value, datetime):
        stored = value if value.tzinfo else value.replace(tzinfo=UTC)
        return stored > now() + FUTURE_TOLERANCE
    return value > today()


def refuse_future(value: date | datetime | None, label: str, field: str | None = None) -> None:
    """The one "not in the future" rule: DomainError naming the field when it is."""
    from .errors import DomainError

    if is_future(value):
        when = "现在" if isinstance(value, datetime) else "今天"
        raise DomainError(f"{label}不能晚于{when}。", field)


def age_on(birth: date, day: date) -> int:
    """Full years of age on `day` (a birthday counts on the day itself)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def birthday(birth: date, years: int) -> date:
    """The day someone born on `birth` turns `years` (29 February: 1 March)."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:
        return date(birth.year + years, 3, 1)


def turns_adult(birth: date) -> date:
    """The day a child turns 18 and leaves the archive's scope (附件2 1)."""
    return birthday(birth, ADULT_AGE)
