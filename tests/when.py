"""Dates for test data, relative to the suite's frozen clock (tests/conftest.py).

The suite runs at one instant (today, or `./scripts/test.sh --today 2027-12-31T23:30`);
test data is built from it, never from a calendar date written in a test, so the suite
passes on any date. A test about a calendar of its own moves the clock itself.
"""

from datetime import date, datetime, timedelta

from stdnum.cn import ric

from admin_app.core import clock


def today() -> date:
    return clock.today()


def days_ago(n: int) -> date:
    return clock.today() - timedelta(days=n)


def days_ahead(n: int) -> date:
    return clock.today() + timedelta(days=n)


def born(years: int, days: int = 0) -> date:
    """The birth date of a child `years` years and `days` days old today."""
    return clock.birthday(clock.today(), -years) - timedelta(days=days)


def id_number(birth: date | str, seq: str = "123", area: str = "640104") -> str:
    """A valid 身份证 number (the last digit of `seq` odd for a boy, even for a girl)."""
    digits = birth.replace("-", "") if isinstance(birth, str) else f"{birth:%Y%m%d}"
    body = area + digits + seq
    return body + ric.calc_check_digit(body + "0")  # stdnum wants a placeholder check digit


def beijing(text: str) -> datetime:
    """A Beijing wall-clock time ("2027-12-31 23:30") as the product stores it (UTC)."""
    return clock.from_local(datetime.fromisoformat(text))


def typed(value: date | datetime) -> str:
    """How a clerk types a date (2026-12-01) or a time (2026-12-01 21:15, Beijing time)."""
    if isinstance(value, datetime):
        return f"{clock.to_local(value):%Y-%m-%d %H:%M}"
    return value.isoformat()


def minutes_ago(n: int) -> datetime:
    """A time `n` minutes ago, to the minute (as typed into a form)."""
    now = clock.now().replace(second=0, microsecond=0)
    return now - timedelta(minutes=n)
