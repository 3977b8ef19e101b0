"""Server-rendered SVG line charts (no JavaScript, no CDN, CSP-safe: presentation attributes only)."""

import math

from django.utils.html import escape
from django.utils.safestring import mark_safe

PALETTE = ["#1f6feb", "#d97706", "#059669", "#b91c1c", "#7c3aed", "#0891b2"]


def line_chart(labels, series, *, title, width=720, height=240, dashed=()):
    """`series`: [(name, [values or None])]. Names in `dashed` are drawn dashed (thresholds)."""
    values = [v for _n, vs in series for v in vs if v is not None and math.isfinite(v)]
    if not labels or not values:
        return mark_safe(f'<p class="muted">No numbers to chart for {escape(title)}.</p>')
    lo, hi = min(0.0, min(values)), max(values)
    hi = hi if hi > lo else lo + 1
    left, right, top, bottom = 56, 12, 12, 28
    pw, ph = width - left - right, height - top - bottom
    n = len(labels)

    def x(i):
        return left + (pw * i / (n - 1) if n > 1 else pw / 2)

    def y(v):
        return top + ph - (v - lo) / (hi - lo) * ph

    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'preserveAspectRatio="none" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for frac in (0, 0.5, 1):
        v = lo + (hi - lo) * frac
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#ccc" '
            f'stroke-width="1"/><text x="{left - 4}" y="{y(v) + 4:.1f}" text-anchor="end" '
            f'font-size="11" fill="currentColor">{v:,.0f}</text>'
        )
    step = max(1, n // 6)
    for i in range(0, n, step):
        parts.append(
            f'<text x="{x(i):.1f}" y="{height - 8}" text-anchor="middle" font-size="11" '
            f'fill="currentColor">{escape(labels[i])}</text>'
        )
    legend = []
    for k, (name, vs) in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        pts = " ".join(
            f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(vs) if v is not None and math.isfinite(v)
        )
        dash = ' stroke-dasharray="6 4"' if name in dashed else ""
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dash} points="{pts}"/>')
        legend.append(f'<li><span class="swatch swatch-{k % len(PALETTE)}"></span>{escape(name)}</li>')
    parts.append("</svg>")
    return mark_safe(
        f'<figure class="chart-wrap">{"".join(parts)}<figcaption><strong>{escape(title)}</strong>'
        f'<ul class="legend">'
        f"{''.join(legend)}</ul></figcaption></figure>"
    )
