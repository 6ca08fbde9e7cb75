"""The period a report covers: 上半年, 下半年 or 全年 of a year."""

from datetime import date, datetime

from ...core import clock
from ...documents.base import DomainError
from .. import word

KINDS = (("H1", "上半年"), ("H2", "下半年"), ("year", "全年"))
KIND_LABELS = dict(KINDS)
FIRST_YEAR = 2023  # the plan's first year

# ---- periods ------------------------------------------------------------------------


def period(kind: str, year: int) -> dict:
    """{kind, year, start, end, label, previous}: 上半年 1.1–6.30, 下半年 7.1–12.31, 全年."""
    if kind not in KIND_LABELS:
        raise DomainError("请选择上半年、下半年或全年。", "kind")
    year = int(year)
    if not FIRST_YEAR <= year <= 2100:
        raise DomainError(f"年份应在 {FIRST_YEAR} 年之后。", "year")
    start, end = {
        "H1": (date(year, 1, 1), date(year, 6, 30)),
        "H2": (date(year, 7, 1), date(year, 12, 31)),
        "year": (date(year, 1, 1), date(year, 12, 31)),
    }[kind]
    label = f"{year}年度" if kind == "year" else f"{year}年{KIND_LABELS[kind]}"
    previous = {"H1": ("H2", year - 1), "H2": ("H1", year), "year": ("year", year - 1)}[kind]
    return {
        "kind": kind,
        "year": year,
        "start": start,
        "end": end,
        "label": label,
        "previous": previous,
        "range": f"{word.cn_day(start)}至{word.cn_day(end)}",
    }


def default_period(today: date | None = None) -> tuple[str, int]:
    """The half that is running (a report is written at its end)."""
    today = today or clock.today()
    return ("H1" if today.month <= 6 else "H2"), today.year


def years(today: date | None = None) -> list[int]:
    today = today or clock.today()
    return list(range(today.year, FIRST_YEAR - 1, -1))


def _day(value) -> date | None:
    """The local (Ningxia) day of a date or a stored datetime."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return clock.local_date(value)
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value


def _within(value, p: dict) -> bool:
    day = _day(value)
    return day is not None and p["start"] <= day <= p["end"]


def _aware(value: datetime | None) -> datetime | None:
    return clock.to_local(value) if value is not None else None
