"""Server-rendered SVG trend charts. Each chart has a <title> and <desc>, and the
page shows the same figures in a table beside it, so nothing depends on seeing it."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from hub.fidelity.models import Status

WIDTH, HEIGHT = 360, 150
LEFT, RIGHT, TOP, BOTTOM = 36, 10, 10, 24

_COLOURS = {
    Status.GREEN: "#00703c",
    Status.AMBER: "#b35c00",
    Status.RED: "#d4351c",
    Status.NONE: "#6f777b",
}


def _scale_max(trend) -> float:
    if trend.indicator.unit == "percent":
        return 100.0
    values = [c.figure.value for _, c in trend.points if c.figure.value is not None]
    bounds = [
        b
        for b in (trend.threshold.green_low, trend.threshold.green_high, trend.threshold.amber_high)
        if b is not None
    ]
    return max([1.0, *values, *bounds]) * 1.15


def trend_svg(trend, chart_id: str) -> SafeString:
    """A line of the indicator's monthly figures with the green band shaded."""
    points = trend.points
    top = _scale_max(trend)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(1, len(points) - 1)

    def y(value: float) -> float:
        return TOP + plot_h - plot_h * max(0.0, min(value, top)) / top

    parts = []
    low = trend.threshold.green_low if trend.threshold.green_low is not None else 0
    high = trend.threshold.green_high if trend.threshold.green_high is not None else top
    parts.append(
        f'<rect x="{LEFT}" y="{y(high):.1f}" width="{plot_w}" height="{max(0.0, y(low) - y(high)):.1f}" '
        f'class="fidelity-band" />'
    )
    parts.append(
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" class="fidelity-axis" />'
    )
    for tick in (0, top / 2, top):
        label = f"{tick:.0f}{'%' if trend.indicator.unit == 'percent' else ''}"
        parts.append(
            f'<text x="{LEFT - 4}" y="{y(tick) + 4:.1f}" text-anchor="end" class="fidelity-tick">{label}</text>'
        )
    coords = []
    for i, (month, cell) in enumerate(points):
        x = LEFT + i * step
        if i in (0, len(points) - 1):
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - 6}" text-anchor="middle" class="fidelity-tick">'
                f"{month:%b %y}</text>"
            )
        if cell.figure.value is None:
            continue
        coords.append(f"{x:.1f},{y(cell.figure.value):.1f}")
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y(cell.figure.value):.1f}" r="3.5" fill="{_COLOURS[cell.status]}" />'
        )
    if len(coords) > 1:
        parts.insert(2, f'<polyline points="{" ".join(coords)}" class="fidelity-line" />')
    recorded = [(m, c) for m, c in points if c.figure.value is not None]
    if recorded:
        last_month, last = recorded[-1]
        summary = (
            f"{len(points)} months shown. Latest, {last_month:%B %Y}: {last.figure.text}, "
            f"{last.status_label.lower()} (target {last.target})."
        )
    elif points and not points[-1][1].figure.recorded:
        summary = "Not yet recorded."
    else:
        summary = "No figures yet."
    title = escape(f"{trend.indicator.label} by month")
    return mark_safe(
        f'<svg class="fidelity-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">'
        f'<title id="{chart_id}-title">{title}</title>'
        f'<desc id="{chart_id}-desc">{escape(summary)} The shaded band is green; the table '
        f"below the chart gives every month.</desc>" + "".join(parts) + "</svg>"
    )
