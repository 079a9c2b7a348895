"""Charts of trade series as inline SVG: no script, no network, readable in any browser and in print.

A chart shows one or more series over the same periods (months or years), the cut-off as a vertical
line, and the values an analyst checks (the first, the largest, the last) as labels. Each series' values
travel with it (``data-values``), so a reader or a test can check the drawing against the figures.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from typing import Final

WIDTH: Final = 640
HEIGHT: Final = 220
MARGIN: Final = {"left": 64, "right": 16, "top": 28, "bottom": 30}
COLOURS: Final = ("#b2182b", "#2166ac", "#4d9221", "#762a83")


@dataclass(frozen=True)
class Series:
    label: str
    points: tuple[tuple[str, float], ...]  # (period "2022" or "2022-03", value), in order


def short(value: float, currency: str = "USD") -> str:
    """$6.9M, EUR 1.2bn, $245k: as the explanations write amounts."""
    magnitude = abs(value)
    for size, suffix in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if magnitude >= size:
            digits = 0 if suffix == "k" else (2 if suffix == "bn" else 1)
            text = f"{value / size:.{digits}f}{suffix}"
            break
    else:
        text = f"{value:.0f}"
    return f"${text}" if currency == "USD" else f"{currency} {text}"


def line_chart(title: str, series: list[Series], *, cutoff: str | None = None, currency: str = "USD") -> str:
    """An SVG line chart of ``series`` over the union of their periods, with the cut-off marked."""
    periods = sorted({period for s in series for period, _ in s.points})
    if not periods:
        return ""
    top = max((value for s in series for _, value in s.points), default=0.0) or 1.0
    left, right, upper, lower = (MARGIN["left"], WIDTH - MARGIN["right"], MARGIN["top"],
                                 HEIGHT - MARGIN["bottom"])  # fmt: skip
    step = (right - left) / max(1, len(periods) - 1)
    x_of = {period: left + i * step for i, period in enumerate(periods)}

    def y(value: float) -> float:
        return lower - (lower - upper) * max(0.0, value) / top

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}" role="img" aria-label="{html.escape(title)}" class="chart">',
        f'<text x="{left}" y="16" font-size="13" font-weight="bold">{html.escape(title)}</text>',
        f'<line x1="{left}" y1="{lower}" x2="{right}" y2="{lower}" stroke="#999"/>',
        f'<line x1="{left}" y1="{upper}" x2="{left}" y2="{lower}" stroke="#999"/>',
        f'<text x="{left - 4}" y="{upper + 4}" font-size="10" text-anchor="end">{short(top, currency)}</text>',
        f'<text x="{left - 4}" y="{lower}" font-size="10" text-anchor="end">0</text>',
        f'<text x="{left}" y="{HEIGHT - 12}" font-size="10">{periods[0]}</text>',
        f'<text x="{right}" y="{HEIGHT - 12}" font-size="10" text-anchor="end">{periods[-1]}</text>',
    ]
    if cutoff is not None:
        after = [p for p in periods if p >= cutoff]
        if after and after[0] != periods[0]:
            x = x_of[after[0]] - step / 2
            parts.append(f'<line x1="{x:.1f}" y1="{upper}" x2="{x:.1f}" y2="{lower}" stroke="#555" '
                         f'stroke-dasharray="4 3" class="cutoff"/>')  # fmt: skip
            parts.append(f'<text x="{x + 3:.1f}" y="{upper + 10}" font-size="10">cut-off</text>')
    for i, one in enumerate(series):
        colour = COLOURS[i % len(COLOURS)]
        coords = " ".join(f"{x_of[p]:.1f},{y(v):.1f}" for p, v in one.points)
        values = html.escape(json.dumps([[p, v] for p, v in one.points]), quote=True)
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{coords}" '
                     f'data-label="{html.escape(one.label, quote=True)}" data-values="{values}"/>')  # fmt: skip
        parts.append(f'<text x="{right - 4}" y="{upper + 14 * (i + 1)}" font-size="11" fill="{colour}" '
                     f'text-anchor="end">{html.escape(one.label)}</text>')  # fmt: skip
    parts.append("</svg>")
    return "\n".join(parts)
