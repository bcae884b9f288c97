"""The HTML page: one file, inline CSS, inline SVG, a few lines of inline script for the
findings table (click a row for its evidence, type to filter). A Content-Security-Policy that
forbids every network fetch makes "opens offline" a property of the file, not a promise."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from coloring.domain.money import format_tiyn
from coloring.i18n import N_, _, current
from coloring.projections.queries import Finding
from coloring.report.svg import esc, grouped, tenge

SECTIONS = {
    "flows": N_("Money flows"),
    "utilisation": N_("Utilisation over time"),
    "idle": N_("Idle time at intermediaries"),
    "risk": N_("Risk map"),
    "findings": N_("Findings"),
}

INTRO = {
    "flows": N_(
        "Per program, where the coloured money went: from the treasury through operators and "
        "intermediaries to its final use. Band widths are money; hover a band or a node for the "
        "amount. Payments that carry a finding end in <em>spent with findings</em>; units still "
        "held at the instant are <em>held</em> (within <code>max_idle_days</code>) or "
        "<em>idle</em>."
    ),
    "utilisation": N_(
        "Money allocated so far (the line) and where it was at the end of each period: "
        "the stacked areas always add up to the allocated amount."
    ),
    "idle": N_(
        "How long each delivery to an intermediary stayed until its last unit was passed on "
        "(or until the instant, when some of it is still there), against the program's "
        "<code>max_idle_days</code>. Bars right of the dashed line are IDLE_FUNDS findings."
    ),
    "risk": N_(
        "Findings known at the instant by region (of the payer, buyer, applicant or holder) "
        "and program, coloured by money at risk. Hover a cell for the findings by rule."
    ),
    "findings": N_(
        "Click a row for its evidence (the same text as <code>coloring explain</code>); "
        "type to filter."
    ),
}

CSS = """
body{font-family:"DejaVu Sans","Liberation Sans",Arial,Helvetica,sans-serif;color:#263238;
margin:24px auto;max-width:1140px;padding:0 16px;line-height:1.45}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:36px 0 6px;border-bottom:2px solid
#eceff1;padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}p.meta{color:#607d8b;margin:0}
p.intro{color:#455a64;font-size:14px;margin:4px 0 10px}figure{margin:0 0 14px}svg{max-width:100%;
height:auto;display:block}table{border-collapse:collapse;font-size:13px;width:100%}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eceff1}th{background:#f5f7f8}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tr.finding{cursor:pointer}tr.finding:hover{background:#fff8e1}tr.finding.open{background:#fff3e0}
tr.evidence td{background:#fafafa}pre{margin:0;white-space:pre-wrap;font-size:12px}
input#filter{width:320px;padding:5px 8px;margin:0 0 8px;font-size:14px}
.note{color:#8d6e63;font-size:13px}nav a{margin-right:14px;color:#1565c0}
"""

SCRIPT = """
(function(){
  function toggle(row){var ev=row.nextElementSibling;ev.hidden=!ev.hidden;
    row.classList.toggle('open',!ev.hidden);}
  var rows=document.querySelectorAll('tr.finding');
  rows.forEach(function(row){
    row.addEventListener('click',function(){toggle(row);});
    row.addEventListener('keydown',function(e){if(e.key==='Enter'){toggle(row);}});
  });
  var box=document.getElementById('filter');
  if(box){box.addEventListener('input',function(){
    var q=box.value.toLowerCase();
    rows.forEach(function(row){var show=!q||row.textContent.toLowerCase().indexOf(q)>=0;
      row.hidden=!show;if(!show){row.nextElementSibling.hidden=true;
      row.classList.remove('open');}});
  });}
})();
"""

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; font-src data:"
)


@dataclass(frozen=True)
class Figure:
    section: str
    title: str
    svg: str


@dataclass(frozen=True)
class Summary:
    program: str
    name: str
    allocated: int
    states: dict[str, int]
    findings: int


def render(
    *,
    title: str,
    meta: str,
    summaries: Sequence[Summary],
    figures: Sequence[Figure],
    findings: Sequence[tuple[Finding, list[str]]],
    total_findings: int,
    note: str = "",
    downloads: Sequence[tuple[str, str]] = (),
) -> str:
    """The page; `downloads` are (file name, what it holds) written next to it, linked."""
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{current().lang}"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>",
        f'<h1>{esc(title)}</h1><p class="meta">{esc(meta)}</p>',
        "<nav>" + "".join(f'<a href="#{k}">{_(v)}</a>' for k, v in SECTIONS.items()) + "</nav>",
    ]
    if note:
        out.append(f'<p class="note">{esc(note)}</p>')
    if downloads:
        out.append(
            '<p class="note">Download: '
            + "; ".join(
                f'<a href="{esc(name)}" download>{esc(name)}</a> ({esc(what)})'
                for name, what in downloads
            )
            + "</p>"
        )
    out.append(_summary(summaries))
    for key, heading in SECTIONS.items():
        out.append(f'<section id="{key}"><h2>{_(heading)}</h2><p class="intro">{_(INTRO[key])}</p>')
        if key == "findings":
            out.append(_findings(findings, total_findings))
        for fig in figures:
            if fig.section == key:
                out.append(f"<figure><h3>{esc(fig.title)}</h3>{fig.svg}</figure>")
        out.append("</section>")
    out.append(f"<script>{SCRIPT}</script></body></html>\n")
    return "\n".join(out)


def _summary(summaries: Sequence[Summary]) -> str:
    if not summaries:
        return ""
    states = list(summaries[0].states)
    head = "".join(
        f'<th class="num">{esc(s)}</th>' for s in [_("allocated"), *map(_, states), _("findings")]
    )
    rows = []
    for s in summaries:
        cells = [tenge(s.allocated), *(tenge(s.states[k]) for k in states), grouped(s.findings)]
        rows.append(
            f"<tr><td>{esc(s.program)}</td><td>{esc(s.name)}</td>"
            + "".join(f'<td class="num">{c}</td>' for c in cells)
            + "</tr>"
        )
    return (
        "<table><thead><tr><th>"
        + _("program")
        + "</th><th>"
        + _("name")
        + f"</th>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        + '<p class="meta">'
        + _("Amounts in KZT at the instant.")
        + "</p>"
    )


def _findings(rows: Sequence[tuple[Finding, list[str]]], total: int) -> str:
    if not rows:
        return "<p>" + _("No findings at the instant.") + "</p>"
    parts = []
    if total > len(rows):
        parts.append(
            f'<p class="note">Showing the first {grouped(len(rows))} of {grouped(total)} '
            "findings (by time, rule, subject); <code>coloring findings --format csv</code> "
            "lists them all.</p>"
        )
    parts.append(
        '<input id="filter" type="search" placeholder="'
        + esc(_("filter: rule, subject, program..."))
        + '">'
    )
    parts.append(
        "<table><thead><tr>"
        + "".join(f"<th>{_(h)}</th>" for h in ("at", "rule", "subject", "program"))
        + '<th class="num">'
        + _("amount (KZT)")
        + "</th><th>"
        + _("status")
        + "</th><th>"
        + _("participants")
        + "</th></tr></thead><tbody>"
    )
    for f, lines in rows:
        parts.append(
            f'<tr class="finding" tabindex="0"><td>{esc(f.at)}</td><td>{esc(f.rule)}</td>'
            f"<td>{esc(f.subject)}</td><td>{esc(f.program)}</td>"
            f'<td class="num">{format_tiyn(f.amount)}</td><td>{esc(f.status)}</td>'
            f"<td>{esc(', '.join(f.participants))}</td></tr>"
            f'<tr class="evidence" hidden><td colspan="7"><pre>{esc(chr(10).join(lines))}</pre>'
            "</td></tr>"
        )
    parts.append("</tbody></table>")
    return "".join(parts)
