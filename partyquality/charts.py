"""Charts as server-side SVG, embedded alike by the web page and the PDF.

No JavaScript: a horizontal bar chart is a few rectangles and labels. Text is
escaped; sizes are fixed so WeasyPrint and browsers draw the same picture.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

from partyquality import numbers

# Colours distinguishable in greyscale print, first one the Party red.
PALETTE = ("#b3261e", "#3f6c9a", "#7f8c3a", "#8a5a9e")


@dataclass
class Series:
    name: str
    # None: no data (no bar is drawn, never a 0 % bar).
    values: Sequence[float | None]


def _fmt(value: float, unit: str) -> str:
    if unit == "%":
        return numbers.percent(value)
    return numbers.decimal(value) + unit


def bar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    unit: str = "%",
    width: int = 640,
    maximum: float | None = None,
) -> SafeString:
    """Horizontal grouped bars: one group per label, one bar per series."""
    label_w, value_w, bar_h, gap, top = 210, 58, 14, 10, 30
    n = max(len(series), 1)
    group_h = n * bar_h + gap
    legend_h = 18 if len(series) > 1 else 0
    height = top + legend_h + len(labels) * group_h + 6
    plot_w = width - label_w - value_w
    peak = maximum if maximum is not None else (100.0 if unit == "%" else 0.0)
    peak = max([peak, *(v for s in series for v in s.values if v is not None)]) or 1.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="PQ Sans, DejaVu Sans, sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    if len(series) > 1:
        x = label_w
        for i, s in enumerate(series):
            colour = PALETTE[i % len(PALETTE)]
            parts.append(
                f'<rect x="{x}" y="{top - 4}" width="10" height="10" fill="{colour}"/>'
                f'<text x="{x + 14}" y="{top + 5}">{escape(s.name)}</text>'
            )
            x += 24 + 7 * len(s.name)
    y0 = top + legend_h
    parts.append(
        f'<line x1="{label_w}" y1="{y0 - 2}" x2="{label_w}" '
        f'y2="{height - 4}" stroke="#444" stroke-width="1"/>'
    )
    for gi, label in enumerate(labels):
        gy = y0 + gi * group_h
        short = label if len(label) <= 34 else label[:33] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{gy + n * bar_h / 2 + 4:.1f}" '
            f'text-anchor="end">{escape(short)}</text>'
        )
        for si, s in enumerate(series):
            value = s.values[gi] if gi < len(s.values) else None
            if value is None:
                continue
            w = max(0.0, plot_w * value / peak)
            by = gy + si * bar_h
            colour = PALETTE[si % len(PALETTE)]
            parts.append(
                f'<rect x="{label_w}" y="{by}" width="{w:.1f}" '
                f'height="{bar_h - 2}" fill="{colour}"/>'
                f'<text x="{label_w + w + 4:.1f}" y="{by + bar_h - 4}">'
                f"{escape(_fmt(value, unit))}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 -- every text above is escaped
