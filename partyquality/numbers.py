"""Numbers as Vietnamese documents write them (DOMAIN.md §8): 1.572 and
68,6 % (a full stop between thousands, a decimal comma, a space before the
per cent sign), shares under 1 % with two decimals (0,13 %), and years never
grouped (2025, not 2.025).

Every rendering of a report (page, PDF, Word, chart) formats through here;
the workbook keeps real numbers and gives Excel the matching formats.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def grouped(value: int) -> str:
    """1572 → "1.572"."""
    return f"{value:,}".replace(",", ".")


def decimal(value: float, digits: int = 1) -> str:
    """1572.25 → "1.572,3" (halves rounded up, as people round by hand)."""
    rounded = Decimal(repr(float(value))).quantize(
        Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP
    )
    return (
        f"{rounded:,.{digits}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    )


def share_digits(value: float) -> int:
    """Two decimals for a share under 1 % (0,13 %), else one."""
    return 2 if 0 < abs(value) < 1 else 1


def percent(value: float) -> str:
    """68.63 → "68,6 %"; 0.125 → "0,13 %"."""
    return f"{decimal(value, share_digits(value))} %"


def points(value: float) -> str:
    """A change in percentage points, signed: "+1,5", "-50,0", "0,0"."""
    text = decimal(value)
    if text.lstrip("-") == "0,0":
        return "0,0"
    return text if text.startswith("-") else "+" + text


def year(value: int) -> str:
    """Years are never grouped: 2025."""
    return str(value)
