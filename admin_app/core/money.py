"""Amounts of money: exact, never binary floats (五(三) station funds; issue 16).

Stored as whole 分 (an int: the database adds them exactly), typed and shown in 元 with
two decimals through `decimal.Decimal`."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .errors import DomainError

CENT = Decimal("0.01")
MAX_FEN = 10**12  # 100 亿元: a typing mistake beyond any station's budget


def parse(text, label: str = "金额", field: str | None = None) -> int:
    """'12,345.6' / '１２３４５.６０元' / '12345' → 分 (1234560); a clear Chinese message for
    anything else (negative, more than two decimals, not a number)."""
    raw = str(text or "").strip()
    raw = raw.translate(str.maketrans("０１２３４５６７８９．，", "0123456789.,"))
    raw = raw.replace(",", "").replace("元", "").replace("￥", "").replace("¥", "").strip()
    if not raw:
        raise DomainError(f"请填写{label}。", field)
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise DomainError(f"{label}须为数字，以元为单位，如 12345.67。", field) from None
    if not value.is_finite():
        raise DomainError(f"{label}须为数字，以元为单位，如 12345.67。", field)
    if value <= 0:
        raise DomainError(f"{label}须大于 0。", field)
    if value != value.quantize(CENT):
        raise DomainError(f"{label}最多保留两位小数（到分）。", field)
    fen = int(value * 100)
    if fen >= MAX_FEN:
        raise DomainError(f"{label}过大，请核对（以元为单位）。", field)
    return fen


def yuan(fen: int | None) -> Decimal:
    """分 → 元 as an exact Decimal with two places (for sheets and sums shown)."""
    return (Decimal(int(fen or 0)) / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def text(fen: int | None) -> str:
    """分 → '12,345.67'."""
    return f"{yuan(fen):,.2f}"
