"""Utilisation over time (stacked areas), idle time (histogram) and the risk map (heat map),
each as one standalone SVG string. Tooltips are SVG `<title>` elements: they need no script."""

from __future__ import annotations

from math import sqrt

from coloring.report.series import STATES, RiskCell, Stay, Timeline
from coloring.report.svg import (
    GRID,
    INK,
    MUTED,
    STATE_COLOURS,
    document,
    empty,
    esc,
    exact,
    f1,
    grouped,
    legend,
    rect,
    tenge,
    text,
    y_axis,
)

WIDTH = 1100
NO_REGION = "(no region)"


def render_utilisation(line: Timeline, label: str) -> str:
    top = max(line.allocated, default=0)
    if top <= 0:
        return empty(WIDTH, 160, label, "nothing allocated by the instant")
    height, left, right, upper, lower = 340, 86, 200, 16, 290
    n = len(line.buckets)
    xs = [left + i * (WIDTH - left - right) / n for i in range(n + 1)]
    body, high = y_axis(left, WIDTH - right, upper, lower, top)

    def y(v: int) -> float:
        return lower - (lower - upper) * v / high

    base = [0] * (n + 1)
    for state in STATES:
        values = [0, *line.states[state]]
        ceiling = [b + v for b, v in zip(base, values, strict=True)]
        if any(values):
            forward = " ".join(f"{f1(xs[i])},{f1(y(ceiling[i]))}" for i in range(n + 1))
            back = " ".join(f"{f1(xs[i])},{f1(y(base[i]))}" for i in reversed(range(n + 1)))
            body.append(
                f'<polygon class="area" points="{forward} {back}" fill="{STATE_COLOURS[state]}" '
                f'fill-opacity="0.85"><title>{esc(state)}</title></polygon>'
            )
        base = ceiling
    allocated = " ".join(f"{f1(xs[i])},{f1(y(v))}" for i, v in enumerate([0, *line.allocated]))
    body.append(f'<polyline points="{allocated}" fill="none" stroke="{INK}" stroke-width="2"/>')
    every = max(1, -(-n // 9))
    for i, bucket in enumerate(line.buckets):
        if i % every == 0:
            body.append(text((xs[i] + xs[i + 1]) / 2, lower + 18, bucket.label, "middle", 11))
        tip = [f"{line.unit} {bucket.label} (at its end)", f"allocated: {exact(line.allocated[i])}"]
        tip += [f"{s}: {exact(line.states[s][i])}" for s in STATES]
        body.append(
            rect(
                xs[i],
                upper,
                xs[i + 1] - xs[i],
                lower - upper,
                "#000000",
                "\n".join(tip),
                ' fill-opacity="0" class="hover"',
            )
        )
    body.append(text(left, lower + 38, f"by {line.unit}; KZT", size=11, extra=f' fill="{MUTED}"'))
    body += legend(WIDTH - right + 20, upper + 4, [(s, STATE_COLOURS[s]) for s in STATES])
    body.append(
        f'<line x1="{WIDTH - right + 20}" y1="{upper + 100}" x2="{WIDTH - right + 32}" '
        f'y2="{upper + 100}" stroke="{INK}" stroke-width="2"/>'
    )
    body.append(text(WIDTH - right + 38, upper + 104, "allocated"))
    return document(WIDTH, height, body, label)


def render_stays(stays: list[Stay], limit_days: int, label: str) -> str:
    if not stays:
        return empty(WIDTH, 160, label, "no deliveries to intermediaries by the instant")
    height, left, right, upper, lower = 300, 86, 200, 16, 250
    span = max(max(s.days for s in stays), limit_days) + 1
    width_days = max(1, -(-span // 60))
    n = -(-span // width_days)
    within, over, money = _binned(stays, width_days, n)
    top = max(a + b for a, b in zip(within, over, strict=True))
    body, high = y_axis(left, WIDTH - right, upper, lower, top, fmt="count")
    slot = (WIDTH - left - right) / n

    def y(v: int) -> float:
        return lower - (lower - upper) * v / high

    for i in range(n):
        if not within[i] and not over[i]:
            continue
        days = f"{i * width_days}" + (f"-{(i + 1) * width_days - 1}" if width_days > 1 else "")
        tip = (
            f"stayed {days} day(s): {grouped(within[i] + over[i])} deliveries, "
            f"{exact(money[i])} delivered; {grouped(over[i])} over the limit"
        )
        x = left + i * slot + 1
        # a bar that is not empty stays visible (2 px at least) next to much taller ones
        low = min(y(within[i]), lower - 2) if within[i] else lower
        body.append(rect(x, low, slot - 2, lower - low, STATE_COLOURS["held"], tip))
        if over[i]:
            high_y = min(y(within[i] + over[i]), low - 2)
            body.append(rect(x, high_y, slot - 2, low - high_y, STATE_COLOURS["idle"], tip))
    body += _limit_line(left + limit_days / width_days * slot, upper, lower, limit_days)
    every = max(1, -(-n // 15))
    for i in range(0, n, every):
        body.append(text(left + (i + 0.5) * slot, lower + 16, str(i * width_days), "middle", 11))
    body.append(
        text(
            left,
            lower + 36,
            "days the delivery's last unit stayed with the holder "
            "(until it left, or until the instant); deliveries",
            size=11,
            extra=f' fill="{MUTED}"',
        )
    )
    body += legend(
        WIDTH - right + 20,
        upper + 4,
        [
            ("within the limit", STATE_COLOURS["held"]),
            ("longer: IDLE_FUNDS", STATE_COLOURS["idle"]),
        ],
    )
    return document(WIDTH, height, body, label)


def _binned(stays: list[Stay], width_days: int, n: int) -> tuple[list[int], list[int], list[int]]:
    """Deliveries within the limit, over it, and the money delivered, in `n` bins of
    `width_days` days."""
    within, over, money = [0] * n, [0] * n, [0] * n
    for s in stays:
        i = s.days // width_days
        (over if s.over else within)[i] += s.count
        money[i] += s.amount
    return within, over, money


def _limit_line(limit_x: float, upper: int, lower: int, limit_days: int) -> list[str]:
    """The dashed vertical line at `max_idle_days`, with its label."""
    return [
        f'<line x1="{f1(limit_x)}" y1="{upper}" x2="{f1(limit_x)}" y2="{lower}" '
        'stroke="#c62828" stroke-width="1.5" stroke-dasharray="5,4"/>',
        text(
            limit_x + 4,
            upper + 12,
            f"max_idle_days = {limit_days}",
            size=11,
            extra=' fill="#c62828"',
        ),
    ]


def _heat(share: float) -> str:
    """White to dark red; the square root keeps small amounts visible."""
    t = sqrt(max(0.0, min(1.0, share)))
    low, high = (255, 245, 240), (165, 15, 21)
    r, g, b = (round(a + (z - a) * t) for a, z in zip(low, high, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def at_risk_by_region(cells: dict[tuple[str, str], RiskCell]) -> dict[str, int]:
    """Money at risk per region, the most first (ties by name): the risk map's rows, in the
    report's chart and on the web page alike."""
    per_region: dict[str, int] = {}
    for (region, _), cell in cells.items():
        per_region[region] = per_region.get(region, 0) + cell.at_risk
    return {r: per_region[r] for r in sorted(per_region, key=lambda r: (-per_region[r], r))}


def render_risk(
    cells: dict[tuple[str, str], RiskCell], programs: list[str], label: str, most: int = 40
) -> str:
    if not cells:
        return empty(WIDTH, 160, label, "no findings by the instant")
    per_region = at_risk_by_region(cells)
    regions = list(per_region)[:most]
    left, upper, row = 180, 48, 36
    cell_w = min(240.0, (WIDTH - left - 20) / max(1, len(programs)))
    height = upper + row * len(regions) + 40
    peak = max(c.at_risk for c in cells.values()) or 1
    body = []
    for j, program in enumerate(programs):
        body.append(
            text(
                left + (j + 0.5) * cell_w, upper - 12, program, "middle", 12, ' font-weight="bold"'
            )
        )
    for i, region in enumerate(regions):
        ry = upper + i * row
        body.append(text(left - 8, ry + row / 2 + 4, region or NO_REGION, "end"))
        for j, program in enumerate(programs):
            cell = cells.get((region, program))
            x = left + j * cell_w
            if cell is None:
                body.append(
                    rect(x + 1, ry + 1, cell_w - 2, row - 2, "#fafafa", extra=f' stroke="{GRID}"')
                )
                continue
            tip = f"{region or NO_REGION} x {program}"
            body += _risk_cell(cell, tip, x, ry, cell_w, row, cell.at_risk / peak)
    hidden = len(per_region) - len(regions)
    note = "money at risk: each finding's subject counted once, at its largest amount; KZT"
    if hidden:
        note += f"; {hidden} more region(s) not shown"
    body.append(text(left, height - 14, note, size=11, extra=f' fill="{MUTED}"'))
    return document(WIDTH, height, body, label)


def _risk_cell(
    cell: RiskCell, where: str, x: float, ry: int, cell_w: float, row: int, share: float
) -> list[str]:
    """One region x program square: shaded by its `share` of the largest, its tooltip listing
    the rules."""
    count = sum(n for n, _ in cell.by_rule.values())
    lines = [f"{where}: {exact(cell.at_risk)} at risk"]
    lines += [f"{rule}: {n} ({exact(a)})" for rule, (n, a) in sorted(cell.by_rule.items())]
    ink = "#ffffff" if share > 0.35 else INK
    return [
        rect(x + 1, ry + 1, cell_w - 2, row - 2, _heat(share), "\n".join(lines), ' class="cell"'),
        text(
            x + cell_w / 2,
            ry + row / 2 + 4,
            f"{tenge(cell.at_risk)} \u00b7 {count} finding(s)",
            "middle",
            11,
            f' fill="{ink}" pointer-events="none"',
        ),
    ]
