"""Numbers as French readers write them: every report's text, chart, page and PDF uses these."""

from decimal import Decimal

from django.utils.formats import number_format

Number = int | float | Decimal
THIN = "\u202f"  # French thousands separator (espace fine insécable)


def format_number(value: Number | None, *, decimals: int | None = None) -> str:
    """`1234567` → `1 234 567`, `12.5` → `12,5` (French typography, narrow no-break space)."""
    if value is None:
        return "—"
    if decimals is None:
        decimals = 0 if is_whole(value) else 1
    text = f"{Decimal(str(value)):,.{decimals}f}"
    return text.replace(",", THIN).replace(".", ",")


def is_whole(value: Number) -> bool:
    return Decimal(str(value)) == Decimal(str(value)).to_integral_value()


def percent(value: float | None, *, signed: bool = False) -> str:
    """« +12,5 % » (French decimal comma); « — » when there is no base to compare with."""
    if value is None:
        return "—"
    text = number_format(round(value * 100, 1), decimal_pos=1)  # it truncates, never rounds
    return f"{'+' if signed and value > 0 else ''}{text} %"
