"""A flow (Sankey) diagram of one program's money as inline SVG.

Columns follow the program's route (hops from the treasury); participants off the route go one
column after their furthest payer; the five sinks (spent on purpose, spent with findings,
returned, held, idle) form the last column. Node heights and band widths are proportional to
money; a band that goes backwards (a round trip) is drawn as a loop.
"""

from __future__ import annotations

from collections import defaultdict

from coloring.report import svg
from coloring.report.flows import SINKS, Flows, Link, totals
from coloring.report.scope import Program
from coloring.report.svg import f1  # bare: the band paths below are built of it

WIDTH = 1100
NODE = 14
PAD = 12
TOP = 34
BOTTOM = 12
LEFT = 8
RIGHT = 230
HALO = ' paint-order="stroke" stroke="#ffffff" stroke-width="3" stroke-linejoin="round"'


def colour(f: Flows, key: str) -> str:
    if key in SINKS:
        return svg.STATE_COLOURS[SINKS[key]]
    return svg.ROLE_COLOURS.get(f.nodes[key].role, svg.ROLE_COLOURS["other"])


def columns(f: Flows, program: Program) -> dict[str, int]:
    """Column per node: hops of its role from the treasury, compacted; sinks last."""
    depth = program.role_depths()
    col = {k: depth[n.role] for k, n in f.nodes.items() if k not in SINKS and n.role in depth}
    for _ in range(len(f.nodes)):
        changed = False
        for link in f.links:
            if link.target in SINKS or link.source not in col:
                continue
            if f.nodes[link.target].role in depth:
                continue
            wanted = col[link.source] + 1
            if col.get(link.target, -1) < wanted:
                col[link.target] = wanted
                changed = True
        if not changed:
            break
    for k in f.nodes:
        if k not in SINKS:
            col.setdefault(k, 1)
    order = {c: i for i, c in enumerate(sorted(set(col.values())))}
    compact = {k: order[c] for k, c in col.items()}
    last = len(order)
    compact.update({k: last for k in f.nodes if k in SINKS})
    return compact


def render_sankey(f: Flows, program: Program, label: str) -> str:
    links = [link for link in f.links if link.amount > 0]
    if not links:
        return svg.empty(WIDTH, 160, label, "no money moved in this program by the instant")
    io = totals(f)
    value = {k: max(io.get(k, (0, 0))) for k in f.nodes}
    col = columns(f, program)
    n_cols = max(col.values()) + 1
    by_col: dict[int, list[str]] = defaultdict(list)
    for k in f.nodes:
        if value[k] > 0:
            by_col[col[k]].append(k)
    tallest = max(len(v) for v in by_col.values())
    height = max(320, min(1800, TOP + BOTTOM + tallest * 30))
    avail = height - TOP - BOTTOM
    scale = min(
        (avail - PAD * (len(keys) - 1)) / max(1, sum(value[k] for k in keys))
        for keys in by_col.values()
    )
    step = (WIDTH - LEFT - RIGHT - NODE) / max(1, n_cols - 1)
    x = {k: LEFT + col[k] * step for k in f.nodes}
    y: dict[str, float] = {}
    h = {k: max(1.0, value[k] * scale) for k in f.nodes}
    sink_rank = {k: i for i, k in enumerate(SINKS)}
    for c in range(n_cols):
        keys = by_col.get(c, [])
        if c == n_cols - 1 and all(k in SINKS for k in keys):
            keys.sort(key=lambda k: sink_rank[k])
        elif c > 0:
            keys.sort(key=lambda k: (_barycentre(k, links, y, h), -value[k], k))
        else:
            keys.sort(key=lambda k: (-value[k], k))
        used = sum(h[k] for k in keys) + PAD * (len(keys) - 1)
        cursor = TOP + max(0.0, (avail - used) / 2)
        for k in keys:
            y[k] = cursor
            cursor += h[k] + PAD
    body = _headers(f, col, x, n_cols)
    body += _bands(f, links, x, y, scale)
    for k in f.nodes:
        if k not in y:
            continue
        node = f.nodes[k]
        tip = f"{node.label}: {svg.exact(value[k])}" + (f" ({node.detail})" if node.detail else "")
        body.append(svg.rect(x[k], y[k], NODE, h[k], colour(f, k), tip))
        body.append(
            svg.text(
                x[k] + NODE + 4,
                y[k] + h[k] / 2 + 4,
                f"{node.label} {svg.tenge(value[k])}",
                size=11,
                extra=HALO,
            )
        )
    return svg.document(WIDTH, height, body, label)


def _barycentre(key: str, links: list[Link], y: dict[str, float], h: dict[str, float]) -> float:
    weight = total = 0.0
    for link in links:
        if link.target == key and link.source in y:
            total += (y[link.source] + h[link.source] / 2) * link.amount
            weight += link.amount
    return total / weight if weight else float("inf")


def _headers(f: Flows, col: dict[str, int], x: dict[str, float], n_cols: int) -> list[str]:
    roles: dict[int, list[str]] = defaultdict(list)
    where: dict[int, float] = {}
    for k, node in f.nodes.items():
        c = col[k]
        where[c] = x[k]
        name = "final use" if k in SINKS else node.role
        if name not in roles[c]:
            roles[c].append(name)
    return [
        svg.text(where[c], 18, " / ".join(roles[c]), size=11, extra=f' fill="{svg.MUTED}"')
        for c in range(n_cols)
        if c in where
    ]


def _bands(
    f: Flows, links: list[Link], x: dict[str, float], y: dict[str, float], scale: float
) -> list[str]:
    out_at = {k: y[k] for k in y}
    in_at = {k: y[k] for k in y}
    centre = {k: y[k] for k in y}
    ordered_out = sorted(links, key=lambda link: (centre.get(link.target, 0.0), link.target))
    start: dict[int, float] = {}
    for link in ordered_out:
        start[id(link)] = out_at[link.source]
        out_at[link.source] += link.amount * scale
    ordered_in = sorted(links, key=lambda link: (centre.get(link.source, 0.0), link.source))
    end: dict[int, float] = {}
    for link in ordered_in:
        end[id(link)] = in_at[link.target]
        in_at[link.target] += link.amount * scale
    out = []
    for link in links:
        w = max(0.6, link.amount * scale)
        x0, x1 = x[link.source] + NODE, x[link.target]
        y0, y1 = start[id(link)], end[id(link)]
        bend = max(40.0, (x1 - x0) / 2) if x1 > x0 else 80.0
        d = (
            f"M{f1(x0)},{f1(y0)} C{f1(x0 + bend)},{f1(y0)} {f1(x1 - bend)},{f1(y1)} "
            f"{f1(x1)},{f1(y1)} L{f1(x1)},{f1(y1 + w)} C{f1(x1 - bend)},{f1(y1 + w)} "
            f"{f1(x0 + bend)},{f1(y0 + w)} {f1(x0)},{f1(y0 + w)} Z"
        )
        source, target = f.nodes[link.source].label, f.nodes[link.target].label
        if link.target in ("=held", "=idle"):
            tip = f"{source}: {svg.exact(link.amount)} {target} at the instant"
        else:
            tip = f"{source} \u2192 {target}: {svg.exact(link.amount)} in " + (
                f"{svg.grouped(link.count)} payment(s)"
            )
        fill = colour(f, link.target if link.target in SINKS else link.source)
        out.append(
            f'<path class="band" d="{d}" fill="{fill}" fill-opacity="0.42">'
            f"<title>{svg.esc(tip)}</title></path>"
        )
    return out
