"""Charts drawn as inline SVG (no script, no fonts fetched): lines over time, or bars.
Text is escaped; sizes are fixed, the scale is the data's maximum."""

from __future__ import annotations

from html import escape

from audits.reports.model import Chart

W, H, PAD = 720, 260, 40
COLOURS = ("#b91c1c", "#ea580c", "#ca8a04", "#2563eb", "#6b7280", "#059669", "#7c3aed")


def draw(chart: Chart, names: dict[str, str]) -> str:
    """The chart as an <svg> element; `names`: series key -> its heading."""
    top = max([v for _, values in chart.series for v in values] + [1.0])
    n = max(len(chart.x), 1)
    step = (W - 2 * PAD) / n
    parts = [_axes(top)]
    if chart.kind == "bars":
        values = chart.series[0][1] if chart.series else ()
        for i, v in enumerate(values):
            h = (H - 2 * PAD) * v / top
            x = PAD + i * step
            parts.append(f'<rect x="{x + step * 0.1:.1f}" y="{H - PAD - h:.1f}" '
                         f'width="{step * 0.8:.1f}" height="{h:.1f}" fill="{COLOURS[3]}">'
                         f"<title>{escape(chart.x[i])}: {v:g}</title></rect>")  # fmt: skip
    else:
        for k, (key, values) in enumerate(chart.series):
            points = " ".join(f"{PAD + (i + 0.5) * step:.1f},{_y(v, top):.1f}"
                              for i, v in enumerate(values))  # fmt: skip
            colour = COLOURS[k % len(COLOURS)]
            parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" '
                         f'stroke-width="2"><title>{escape(names.get(key, key))}</title>'
                         "</polyline>")  # fmt: skip
            parts.append(f'<text x="{W - PAD + 4}" y="{PAD + 14 * k}" fill="{colour}" '
                         f'font-size="11">{escape(names.get(key, key))}</text>')  # fmt: skip
    label_every = max(1, n // 12)
    for i in range(0, len(chart.x), label_every):
        parts.append(f'<text x="{PAD + (i + 0.5) * step:.1f}" y="{H - PAD + 14}" font-size="10" '
                     f'text-anchor="middle">{escape(chart.x[i][:14])}</text>')  # fmt: skip
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{W + 80}" height="{H}" '
            f'viewBox="0 0 {W + 80} {H}" role="img">{"".join(parts)}</svg>')  # fmt: skip


def _axes(top: float) -> str:
    return (f'<line x1="{PAD}" y1="{H - PAD}" x2="{W - PAD}" y2="{H - PAD}" stroke="#333"/>'
            f'<line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{H - PAD}" stroke="#333"/>'
            f'<text x="{PAD - 4}" y="{PAD}" font-size="10" text-anchor="end">{top:g}</text>'
            f'<text x="{PAD - 4}" y="{H - PAD}" font-size="10" text-anchor="end">0</text>'
            )  # fmt: skip


def _y(value: float, top: float) -> float:
    return H - PAD - (H - 2 * PAD) * value / top
