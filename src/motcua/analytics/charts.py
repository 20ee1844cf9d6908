"""Server-side inline SVG charts (no JavaScript, no CDN)."""

from __future__ import annotations

from html import escape

COLORS = ("#1f6feb", "#d9480f", "#2f9e44", "#7048e8")


def _frame(width: int, height: int, body: str, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>{body}</svg>'
    )


def line_chart(
    labels: list[str],
    series: dict[str, list[float]],
    title: str,
    percent: bool = True,
    width: int = 640,
    height: int = 220,
) -> str:
    """One or more lines over the labels; values are shares (0–1) when `percent`."""
    left, right, top, bottom = 44, 10, 10, 40
    w, h = width - left - right, height - top - bottom
    top_value = 1.0 if percent else max([1.0, *(v for vals in series.values() for v in vals)])
    n = max(1, len(labels) - 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + w * i / n, top + h * (1 - v / top_value)

    parts = []
    for k in range(5):
        v = top_value * k / 4
        _, y = xy(0, v)
        label = f"{v * 100:.0f}%" if percent else f"{v:,.0f}"
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + w}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{label}</text>')
    step = max(1, len(labels) // 8)
    for i, lab in enumerate(labels):
        if i % step == 0:
            x, _ = xy(i, 0)
            parts.append(
                f'<text x="{x:.1f}" y="{top + h + 14}" font-size="10" text-anchor="middle">{escape(lab)}</text>'
            )
    for si, (name, values) in enumerate(series.items()):
        color = COLORS[si % len(COLORS)]
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in enumerate(values)))
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{points}"/>')
        for i, v in enumerate(values):
            x, y = xy(i, v)
            shown = f"{v * 100:.1f}%" if percent else f"{v:,.0f}"
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"><title>{escape(labels[i])}: {shown}</title></circle>'
            )
        parts.append(f'<rect x="{left + 10 + si * 160}" y="{height - 14}" width="10" height="10" fill="{color}"/>')
        parts.append(f'<text x="{left + 24 + si * 160}" y="{height - 5}" font-size="11">{escape(name)}</text>')
    return _frame(width, height, "".join(parts), title)


def bar_chart(labels: list[str], series: dict[str, list[int]], title: str, width: int = 640, height: int = 220) -> str:
    """Grouped bars (e.g. received vs resolved per month)."""
    left, right, top, bottom = 54, 10, 10, 40
    w, h = width - left - right, height - top - bottom
    top_value = max([1, *(v for vals in series.values() for v in vals)])
    groups = max(1, len(labels))
    gw = w / groups
    bw = gw * 0.8 / max(1, len(series))
    parts = []
    for k in range(5):
        v = top_value * k / 4
        y = top + h * (1 - v / top_value)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + w}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{v:,.0f}</text>')
    step = max(1, len(labels) // 8)
    for i, lab in enumerate(labels):
        if i % step == 0:
            x = left + gw * (i + 0.5)
            parts.append(
                f'<text x="{x:.1f}" y="{top + h + 14}" font-size="10" text-anchor="middle">{escape(lab)}</text>'
            )
    for si, (name, values) in enumerate(series.items()):
        color = COLORS[si % len(COLORS)]
        for i, v in enumerate(values):
            x = left + gw * i + gw * 0.1 + bw * si
            bh = h * v / top_value
            parts.append(
                f'<rect x="{x:.1f}" y="{top + h - bh:.1f}" width="{bw:.1f}" height="{bh:.1f}" fill="{color}">'
                f"<title>{escape(labels[i])} — {escape(name)}: {v:,}</title></rect>"
            )
        parts.append(f'<rect x="{left + 10 + si * 160}" y="{height - 14}" width="10" height="10" fill="{color}"/>')
        parts.append(f'<text x="{left + 24 + si * 160}" y="{height - 5}" font-size="11">{escape(name)}</text>')
    return _frame(width, height, "".join(parts), title)
