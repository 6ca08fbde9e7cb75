"""Dates and times as people in Ningxia read, print and type them (always Beijing time).

Shown: 2026年12月1日, 2026年12月1日 21:15; printed on the official forms: 2026年12月1日21时15分;
typed into a form: 2026-12-01 21:15, or the ways clerks write it by hand
(2026/12/1 21:15, 2026.12.1, 2026年12月1日21时15分, full-width digits …). A value that
cannot be read is refused with a Chinese message that says how to write it.
"""

import re
from datetime import date, datetime

from . import clock

DATE_EXAMPLE = "2026-12-01"
DATETIME_EXAMPLE = "2026-12-01 21:15"


# ---- shown and printed ----
def cn_date(value: date | datetime | None) -> str:
    """2026年12月1日 (a stored time gives its Beijing date)."""
    if value is None:
        return ""
    day = clock.local_date(value)
    return f"{day.year}年{day.month}月{day.day}日"


def cn_datetime(value: date | datetime | None) -> str:
    """2026年12月1日 21:15 in Beijing time (a date alone: 2026年12月1日)."""
    if value is None:
        return ""
    if not isinstance(value, datetime):
        return cn_date(value)
    local = clock.to_local(value)
    return f"{cn_date(local)} {local:%H:%M}"


def cn_minute(value: datetime | None) -> str:
    """2026年12月1日 21时15分, as the official forms print a time (附件6 报告时间)."""
    if value is None:
        return ""
    local = clock.to_local(value)
    return f"{cn_date(local)} {local:%H}时{local:%M}分"


def cn_when(value, note: str | None = None) -> str:
    """A time with its wording (“2026年12月1日 21:15（晚8时许）”), or the wording alone."""
    note = (note or "").strip()
    text = cn_datetime(value) if isinstance(value, datetime) else cn_date(value)
    if text and note:
        return f"{text}（{note}）"
    return text or note


def stamp(value: datetime | None = None) -> str:
    """20261201_2115: Beijing time for file names (now when no value is given)."""
    return f"{clock.to_local(value or clock.now()):%Y%m%d_%H%M}"


# ---- typed into forms ----
def input_date(value: date | datetime | None) -> str:
    """The text a date field shows: 2026-12-01."""
    return clock.local_date(value).isoformat() if value else ""


def input_datetime(value: datetime | None) -> str:
    """The text a date-time field shows: 2026-12-01 21:15 (Beijing time)."""
    return f"{clock.to_local(value):%Y-%m-%d %H:%M}" if value else ""


_FULL_WIDTH = str.maketrans("０１２３４５６７８９：／．－　", "0123456789:/.- ")
_DATE = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?"
_COMPACT_DATE = r"(\d{4})(\d{2})(\d{2})"
_TIME = r"(\d{1,2})\s*[:时点]\s*(\d{1,2})?\s*分?(?:\s*[:：]?\s*(\d{1,2})\s*秒?)?"
DATE_RE = re.compile(rf"^(?:{_DATE}|{_COMPACT_DATE})$")
DATETIME_RE = re.compile(rf"^(?:{_DATE}|{_COMPACT_DATE})\s*[T\s]?\s*{_TIME}$")


def normalise(text: str) -> str:
    """Full-width digits and punctuation made half-width, spaces collapsed."""
    return re.sub(r"\s+", " ", (text or "").translate(_FULL_WIDTH)).strip()


FIRST_YEAR, LAST_YEAR = 1900, 2100  # what a record of this product can be about


def _date_of(groups) -> date:
    y, m, d = (int(g) for g in (groups[0:3] if groups[0] else groups[3:6]))
    if not FIRST_YEAR <= y <= LAST_YEAR:
        raise ValueError(y)
    return date(y, m, d)


def parse_date(text: str) -> date:
    """A typed date; ValueError with a Chinese message when it is not one."""
    value = normalise(text)
    match = DATE_RE.match(value)
    if not match:
        raise ValueError(f"无法识别“{text.strip()}”：请按“年-月-日”填写，如 {DATE_EXAMPLE}。")
    try:
        return _date_of(match.groups())
    except ValueError:
        raise ValueError(f"“{text.strip()}”不是有效的日期，请核对年、月、日。") from None


def parse_datetime(text: str) -> datetime:
    """A typed Beijing date and time to the minute, as stored (aware UTC).

    ValueError with a Chinese message when the text is not a date and time.
    """
    value = normalise(text)
    match = DATETIME_RE.match(value)
    if not match:
        if DATE_RE.match(value):
            raise ValueError(
                f"请填写到“时:分”，如 {DATETIME_EXAMPLE}；时间不确切时请写在旁边的“时间说明”中。"
            )
        raise ValueError(
            f"无法识别“{text.strip()}”：请按“年-月-日 时:分”填写，如 {DATETIME_EXAMPLE}；"
            "约略的时间（如“晚8时许”）请写在旁边的“时间说明”中。"
        )
    groups = match.groups()
    hour, minute, second = (int(g) if g else 0 for g in groups[6:9])
    try:
        day = _date_of(groups)
        typed = datetime(day.year, day.month, day.day, hour, minute, second)
    except ValueError:
        raise ValueError(
            f"“{text.strip()}”不是有效的日期和时间，请核对年、月、日、时、分。"
        ) from None
    return clock.from_local(typed)
