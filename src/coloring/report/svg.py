"""Small SVG building blocks: escaping, compact money labels, nice axis ticks, colours.

Amounts stay integers (tiyn) until they become pixel coordinates; labels are made from the
integers, so a chart never prints a rounded float as money.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from coloring.domain.money import format_tiyn

FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"
INK = "#263238"
GRID = "#e0e0e0"
MUTED = "#78909c"

ROLE_COLOURS = {
    "treasury": "#37474f",
    "operator": "#4e79a7",
    "bank": "#b07aa1",
    "leasing_company": "#b07aa1",
    "contractor": "#9c755f",
    "subcontractor": "#bab0ac",
    "farmer": "#edc948",
    "school": "#edc948",
    "dealer": "#86bcb6",
    "seller": "#86bcb6",
    "supplier": "#86bcb6",
    "other": "#ff9da7",
}
STATE_COLOURS = {
    "spent on purpose": "#59a14f",
    "spent with findings": "#e15759",
    "returned": "#8c9eab",
    "idle": "#f28e2b",
    "held": "#76b7b2",
}


def esc(text: object) -> str:
    return escape(str(text), quote=True)


def f1(x: float) -> str:
    """A coordinate with one decimal, without a trailing `.0`."""
    s = f"{x:.1f}"
    return s[:-2] if s.endswith(".0") else s


def tenge(tiyn: int) -> str:
    """Compact KZT: 950, 12.5 k, 3.40 mln, 1.25 bn, 12.3 trn (three significant digits)."""
    sign = "-" if tiyn < 0 else ""
    whole = abs(tiyn) // 100
    for size, unit in ((10**12, " trn"), (10**9, " bn"), (10**6, " mln"), (10**3, " k")):
        if whole >= size:
            hundredths = whole * 100 // size
            units, frac = divmod(hundredths, 100)
            if units >= 100:
                return f"{sign}{units}{unit}"
            if units >= 10:
                return f"{sign}{units}.{frac // 10}{unit}"
            return f"{sign}{units}.{frac:02d}{unit}"
    return f"{sign}{whole}"


def exact(tiyn: int) -> str:
    """For tooltips and tables: exact tenge with two decimals, `1250000.50 KZT`."""
    return f"{format_tiyn(tiyn)} KZT"


def grouped(n: int) -> str:
    return f"{n:,}"


def ticks(top: int, most: int = 5) -> list[int]:
    """0, step, 2 step, ... up to the first tick >= top; step is 1, 2 or 5 x 10^k."""
    if top <= 0:
        return [0, 1]
    raw = max(1, -(-top // most))
    magnitude = 10 ** (len(str(raw)) - 1)
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    n = -(-top // step)
    return [i * step for i in range(n + 1)]


def document(width: int, height: int, body: Iterable[str], label: str) -> str:
    """A standalone SVG (also valid inline in HTML) with a white background."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{esc(label)}" '
        f'font-family="{FONT}" font-size="12" fill="{INK}">'
        f"<title>{esc(label)}</title>"
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>' + "".join(body) + "</svg>"
    )


def text(
    x: float, y: float, content: str, anchor: str = "start", size: int = 12, extra: str = ""
) -> str:
    return (
        f'<text x="{f1(x)}" y="{f1(y)}" text-anchor="{anchor}" font-size="{size}"{extra}>'
        f"{esc(content)}</text>"
    )


def rect(x: float, y: float, w: float, h: float, fill: str, tip: str = "", extra: str = "") -> str:
    title = f"<title>{esc(tip)}</title>" if tip else ""
    return (
        f'<rect x="{f1(x)}" y="{f1(y)}" width="{f1(max(w, 0))}" height="{f1(max(h, 0))}" '
        f'fill="{fill}"{extra}>{title}</rect>'
    )


def empty(width: int, height: int, label: str, message: str) -> str:
    return document(
        width,
        height,
        [
            rect(0.5, 0.5, width - 1, height - 1, "none", extra=f' stroke="{GRID}"'),
            text(width / 2, height / 2, message, "middle", 14, f' fill="{MUTED}"'),
        ],
        label,
    )


def legend(x: float, y: float, items: Iterable[tuple[str, str]], step: int = 18) -> list[str]:
    out = []
    for i, (name, colour) in enumerate(items):
        out.append(rect(x, y + i * step, 12, 12, colour))
        out.append(text(x + 18, y + i * step + 10, name))
    return out


def y_axis(
    left: float, right: float, top: float, bottom: float, maximum: int, fmt: str = "tenge"
) -> tuple[list[str], int]:
    """Horizontal grid lines with labels; returns the elements and the axis maximum."""
    marks = ticks(maximum) if fmt != "tenge" else [m * 100 for m in ticks(-(-maximum // 100))]
    high = marks[-1]
    out = []
    for m in marks:
        y = bottom - (bottom - top) * m / high
        out.append(
            f'<line x1="{f1(left)}" y1="{f1(y)}" x2="{f1(right)}" y2="{f1(y)}" stroke="{GRID}"/>'
        )
        label = tenge(m) if fmt == "tenge" else grouped(m)
        out.append(text(left - 6, y + 4, label, "end", 11, f' fill="{MUTED}"'))
    return out, high
