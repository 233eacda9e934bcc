"""Writing the review: ``review.html`` (self-contained), ``review.md``, ``review.csv`` and the PNG charts.

The HTML page has no script at all, embeds its charts as ``data:`` PNG images, loads nothing from
the network (a Content-Security-Policy meta tag forbids it), and escapes every text that comes from
the inputs; ``://`` in input text is written as ``&#58;//`` so that the file holds no URL.
"""

from __future__ import annotations

import base64
import html
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..analysis.columns import REVIEW_COLUMNS
from ..analysis.irreversibility import FACTORS, WEIGHT_OF
from ..analysis.table import COLUMNS
from ..reports.blast_radius import DECIMALS
from ..reports.tables import cell, to_csv
from ..textsafe import md_code, md_text
from .verdict import VERDICTS

CHARTS = (
    ("irreversibility_vs_depth.png", "Irreversibility against integration depth"),
    ("irreversibility_over_time.png", "Irreversibility over the snapshots"),
    ("blast_radius_top.png", "Blast radius of the top nodes"),
)
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
MAX_LISTED = 200
ROLES = ("authorized_by", "monitored_by", "recalibration", "termination")
CSV_COLUMNS = (
    "node",
    "name",
    "kind",
    "owner",
    "verdict",
    "reason_codes",
    "reasons",
    *[c for c in COLUMNS if c not in ("node", "name", "kind", "owner")],
    "gradient_source",
    "safe_state_credited",
    "failure_critical",
    *ROLES,
    "readiness_gate_passed_at",
    "readiness_gate_approved_by",
    "last_drill",
    "assumptions",
    "assumptions_last_reviewed",
    "assumptions_stale",
    "vendor_exposure",
    "baseline_verdict",
    "baseline_irreversibility",
    "plan_steps",
    "plan",
    "plan_min_cut",
)


def fmt(value: Any, column: str = "") -> str:
    """A number as the blast-radius CSV writes it (same decimals), empty for unknown.

    >>> fmt(49.25, "irreversibility"), fmt(None, "gradient"), fmt(3), fmt(True)
    ('49.2', '', '3', 'true')
    """
    return str(cell(value, DECIMALS.get(column)))


def esc(value: Any) -> str:
    """HTML-escape any text (and keep URLs from being URLs).

    >>> esc('<img src=x onerror="a()">'), esc("see https://x")
    ('&lt;img src=x onerror=&quot;a()&quot;&gt;', 'see https&#58;//x')
    """
    return html.escape("" if value is None else str(value), quote=True).replace("://", "&#58;//")


def md(value: Any) -> str:
    """Markdown-safe text, also in a table cell: no raw HTML, markup, pipes or line breaks
    (:func:`graphgov.textsafe.md_text`).

    >>> md("a|b <script>\\nc")
    'a\\\\|b \\\\<script\\\\> c'
    """
    return md_text(value)


def code(value: Any) -> str:
    """A Markdown code span outside tables: its fence is longer than any backtick run inside
    (:func:`graphgov.textsafe.md_code`).

    >>> code("a`b <i>"), code("plain"), code("```<img>")
    ('`` a`b <i> ``', '`plain`', '```` ```<img> ````')
    """
    return md_code(value)


def charts(review: Mapping[str, Any]) -> dict[str, bytes]:
    """The three charts as PNG bytes, keyed by file name."""
    from . import charts as ch

    systems = review["systems"]
    settings = review["settings"]
    keys = chart_keys(review)
    return {
        CHARTS[0][0]: ch.irreversibility_vs_depth(systems, settings, keys),
        CHARTS[1][0]: ch.irreversibility_over_time(systems, settings, keys),
        CHARTS[2][0]: ch.blast_radius_top(list(review["rows"].values())),
    }


def chart_keys(review: Mapping[str, Any]) -> dict[Any, int]:
    """The number each system carries on the charts (its place in the review), keyed by node id."""
    return {s["node"]: i for i, s in enumerate(review["systems"], 1)}


# ----------------------------------------------------------------------------------------- CSV
def csv_rows(review: Mapping[str, Any]) -> list[dict[str, Any]]:
    out = []
    for s in review["systems"]:
        m = s["metrics"]
        row = {c: m[c] for c in COLUMNS}
        row.update(
            {
                "verdict": s["verdict"],
                "reason_codes": "; ".join(r["code"] for r in s["reasons"]),
                "reasons": "; ".join(r["sentence"] for r in s["reasons"]),
                "gradient_source": m.get("_gradient_source"),
                "safe_state_credited": m["_safe_state_credited"],
                "failure_critical": len(s["failure_critical"]),
                "readiness_gate_passed_at": s["readiness_gate"].get("passed_at"),
                "readiness_gate_approved_by": s["readiness_gate"].get("approved_by"),
                "last_drill": s["reversibility"].get("last_drill"),
                "assumptions": len(s["assumptions"]),
                "assumptions_last_reviewed": "; ".join(
                    str(a["last_reviewed"] or "never") for a in s["assumptions"]
                ),
                "assumptions_stale": sum(1 for a in s["assumptions"] if a["status"] != "reviewed"),
                "vendor_exposure": "; ".join(str(v["node"]) for v in s["vendors"]),
                "baseline_verdict": s["baseline_verdict"],
                "baseline_irreversibility": s["baseline_irreversibility"],
                **_plan_cells(s.get("plan")),
            }
        )
        for role in ROLES:
            row[role] = s["authorities"].get(role)
        out.append(row)
    return out


def _plan_cells(plan: Mapping[str, Any] | None) -> dict[str, Any]:
    if plan is None:
        return {"plan_steps": 0, "plan": None, "plan_min_cut": None}
    cut = plan["decoupling"]
    return {
        "plan_steps": len(plan["steps"]),
        "plan": "; ".join(
            f"{i}. {st['action']} -> {st['verdict']} {st['irreversibility']:g}"
            for i, st in enumerate(plan["steps"], 1)
        ),
        "plan_min_cut": None if cut is None else "; ".join(f"{u} --> {v}" for u, v in cut["edges"]),
    }


def render_csv(review: Mapping[str, Any], bom: bool = True) -> tuple[str, list[str]]:
    """One row per pilot-derived node: verdict, reasons, every metric, authorities, review dates."""
    return to_csv(
        CSV_COLUMNS, csv_rows(review), bom=bom, decimals={**DECIMALS, "baseline_irreversibility": 1}
    )


# ----------------------------------------------------------------------------------------- HTML
_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;max-width:1200px;color:#222;padding:0 1em}
h1{font-size:1.6em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:2em}h3{margin-top:1.6em}
table{border-collapse:collapse;margin:.6em 0;font-size:.9em}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}
.v{display:inline-block;padding:.1em .6em;border-radius:1em;color:#fff;font-weight:600;font-size:.85em}
.v-terminable{background:#2e7d32}.v-conditionally-terminable{background:#f9a825;color:#222}.v-not-terminable{background:#c62828}
.absent{color:#c62828;font-weight:600}.muted{color:#666}code{background:#f4f4f4;padding:0 .2em;word-break:break-all}
img{max-width:100%;border:1px solid #eee}.system{border-left:4px solid #ddd;padding-left:1em;margin-top:2em}
table{max-width:100%}td{overflow-wrap:anywhere}th{font-weight:600}th[title]{cursor:help;text-decoration:underline dotted}
#systems{width:100%;table-layout:fixed}#systems td{overflow-wrap:anywhere}th{overflow-wrap:normal;word-break:normal;hyphens:manual}.v{overflow-wrap:normal;word-break:normal}
#systems .reasons code{display:inline-block;margin:0 .2em .1em 0;word-break:normal;overflow-wrap:normal}
.charts{display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start}.charts figure{margin:0;flex:1 1 480px}.key{font-size:.85em}
details summary{cursor:pointer;font-weight:600}.findings td:nth-child(-n+2),.inputs td:nth-child(2){white-space:nowrap;overflow-wrap:normal}.findings td:nth-child(3){font-family:ui-monospace,monospace;font-size:.85em}
"""

#: the summary table's columns: (exact column name, human header, width in the fixed layout),
#: declared with the metric columns (graphgov/analysis/columns.py)
SUMMARY_COLUMNS = REVIEW_COLUMNS
FINDINGS_OPEN = 10  # more warnings than this are collapsed


def _badge(verdict: str | None) -> str:
    if not verdict:
        return '<span class="muted">—</span>'
    return f'<span class="v v-{verdict.replace(" ", "-")}">{esc(verdict)}</span>'


def _table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    cls: str = "",
    numeric: Sequence[int] = (),
) -> str:
    """Rows are already-escaped HTML cells."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = []
    for r in rows:
        tds = "".join(
            f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>"
            for i, c in enumerate(r)
        )
        body.append(f"<tr>{tds}</tr>")
    if not body:
        return '<p class="muted">none</p>'
    return (
        f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    )


def _metric_td(node: Any, column: str, value: Any) -> str:
    return f'<td class="num" data-node="{esc(node)}" data-col="{column}">{esc(fmt(value, column))}</td>'


def render_html(review: Mapping[str, Any], images: Mapping[str, bytes]) -> str:
    s = review["summary"]
    base = review["baseline"]
    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Termination-capacity review, {esc(review['as_of'])}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f'<h1>Termination-capacity review <span class="muted">as of {esc(review["as_of"])}</span></h1>',
        f'<p class="muted">graphgov {esc(review["graphgov_version"])}; policy: {esc(review["policy"]["source"])}; '
        + (
            f"baseline: <code>{esc(base['path'])}</code> ({esc(base['as_of'])})"
            if base
            else "no baseline (gradients from dated edges)"
        )
        + "</p>",
        '<nav><a href="#summary">Summary</a> · <a href="#charts">Charts</a> · <a href="#systems-detail">Systems</a> · '
        '<a href="#shadow">Shadow production</a> · <a href="#changes">Changes since the baseline</a> · <a href="#inputs">Inputs</a></nav>',
        '<h2 id="summary">Summary</h2>',
        f"<p>{s['systems']} pilot-derived system{'s' if s['systems'] != 1 else ''}.</p>",
    ]
    head = ["verdict", "now"] + (["baseline", "change"] if s["baseline_counts"] is not None else [])
    srows = []
    for v in VERDICTS:
        r = [_badge(v), esc(s["counts"][v])]
        if s["baseline_counts"] is not None:
            r += [esc(s["baseline_counts"][v]), esc(f"{s['change'][v]:+d}")]
        srows.append(r)
    out.append(_table(head, srows, "summary", numeric=range(1, 4)))
    cols = tuple(c for c, _, _ in SUMMARY_COLUMNS)
    trs = []
    for sys_ in review["systems"]:
        m = sys_["metrics"]
        tds = [
            f'<td><a href="#sys-{_anchor(sys_["node"])}">{esc(sys_["node"])}</a></td>',
            f"<td>{_badge(sys_['verdict'])}</td>",
        ]
        tds += [
            _metric_td(sys_["node"], c, m[c]) if c != "tier" else f"<td>{esc(m[c])}</td>"
            for c in cols
        ]
        tds.append(
            '<td class="reasons">'
            + " ".join(f"<code>{esc(r['code'])}</code>" for r in sys_["reasons"])
            + "</td>"
        )
        trs.append(f"<tr>{''.join(tds)}</tr>")
    if trs:
        heads = [("node", "system", "17%"), ("verdict", "verdict", "10.5%"), *SUMMARY_COLUMNS]
        heads.append(("reason_codes", "reasons", "22%"))
        hdr = "".join(
            f'<th title="{esc(col)}" style="width:{width}">{esc(human)}</th>'
            for col, human, width in heads
        )
        out.append(
            f'<table id="systems"><thead><tr>{hdr}</tr></thead><tbody>{"".join(trs)}</tbody></table>'
        )
    else:
        out.append('<p class="muted">No pilot-derived systems.</p>')

    out.append('<h2 id="charts">Charts</h2>')
    keys = chart_keys(review)
    out.append('<div class="charts">')
    for name, title in CHARTS[:2]:
        data = images.get(name)
        if data:
            out.append(
                f'<figure><img alt="{esc(title)}" src="data:image/png;base64,{base64.b64encode(data).decode("ascii")}"><figcaption>{esc(title)}</figcaption></figure>'
            )
    out.append("</div>")
    out.append(
        '<p class="muted">The numbers on the charts are the systems of this table (keyed by node id).</p>'
    )
    out.append(
        _table(
            ("#", "system", "name (kind)", "verdict", "irreversibility", "integration depth"),
            (
                [
                    esc(keys[sys_["node"]]),
                    f"<code>{esc(sys_['node'])}</code>",
                    esc(f"{sys_['name']} ({sys_['kind']})"),
                    _badge(sys_["verdict"]),
                    esc(fmt(sys_["metrics"]["irreversibility"], "irreversibility")),
                    esc(sys_["metrics"]["integration_depth"]),
                ]
                for sys_ in review["systems"]
            ),
            "key",
            numeric=(0, 4, 5),
        )
    )
    for name, title in CHARTS[2:]:
        data = images.get(name)
        if data:
            out.append(
                f'<figure><img alt="{esc(title)}" src="data:image/png;base64,{base64.b64encode(data).decode("ascii")}"><figcaption>{esc(title)}</figcaption></figure>'
            )

    out.append('<h2 id="systems-detail">Systems</h2>')
    for sys_ in review["systems"]:
        out.append(_system_html(sys_, review))

    out.append('<h2 id="shadow">Shadow production</h2>')
    out.append(
        "<p>Production or critical systems that are not pilot-derived but depend on one, with the path.</p>"
    )
    out.append(
        _table(
            ("node", "kind", "owner", "lifecycle", "criticality", "pilot ancestry", "path"),
            (
                [
                    esc(r["node"]),
                    esc(r["kind"]),
                    esc(r["owner"]),
                    esc(r["lifecycle"]),
                    esc(fmt(r["criticality"])),
                    esc(r["pilot_ancestry"]),
                    esc(r["path"]),
                ]
                for r in review["shadow"]
            ),
            "shadow",
            numeric=(4, 5),
        )
    )

    out.append('<h2 id="changes">Changes since the baseline</h2>')
    ch = review["changes"]
    if ch is None:
        out.append('<p class="muted">No baseline given (pass --baseline LAST_QUARTER.json).</p>')
    else:
        out.append(
            f"<p>{ch['nodes_added']} nodes added, {ch['nodes_removed']} removed; {ch['edges_added']} edges added, {ch['edges_removed']} removed.</p>"
        )
        out.append("<h3>Verdicts that got worse</h3>")
        out.append(
            _table(
                ("system", "before", "now", "new reasons"),
                (
                    [
                        esc(r["node"]),
                        _badge(r["before"]),
                        _badge(r["now"]),
                        esc(", ".join(r["new_reasons"]))
                        + (f' <span class="muted">({esc(r["note"])})</span>' if r["note"] else ""),
                    ]
                    for r in ch["worse_verdicts"]
                ),
            )
        )
        out.append("<h3>New dependents</h3>")
        out.append(
            _table(
                ("system", "new", "blast radius before", "now", "dependents"),
                (
                    [
                        esc(r["node"]),
                        esc(r["count"]),
                        esc(fmt(r["blast_radius_before"])),
                        esc(r["blast_radius_now"]),
                        esc(_clip(r["dependents"])),
                    ]
                    for r in ch["new_dependents"]
                ),
                numeric=(1, 2, 3),
            )
        )
        out.append("<h3>Lost fallbacks</h3>")
        out.append(
            _table(
                ("source", "target", "what"),
                (
                    [esc(r["source"]), esc(r["target"]), esc(r["what"])]
                    for r in ch["lost_fallbacks"]
                ),
            )
        )
        out.append("<h3>Authorities that disappeared</h3>")
        out.append(
            _table(
                ("node", "role", "was", "now"),
                (
                    [
                        esc(r["node"]),
                        esc(r["role"]),
                        esc(r["was"]),
                        f'<span class="absent">{esc(r["now"] or "absent")}</span>',
                    ]
                    for r in ch["authorities_disappeared"]
                ),
            )
        )

    out.append('<h2 id="inputs">Inputs</h2>')
    out.extend(_inputs_html(review))
    out.append("</body></html>\n")
    return "\n".join(out)


def _inputs_html(review: Mapping[str, Any]) -> list[str]:
    """Every file read (format, size, sha256, records read, used and rejected) and every warning
    and rejected record, collapsed when there are many."""
    load = review.get("load") or {"files": review["inputs"], "findings": []}
    files = load["files"]
    read = sum(f.get("read") or 0 for f in files)
    used = sum(f.get("used") or 0 for f in files)
    rejected = sum(f.get("rejected") or 0 for f in files)
    ignored = sum(f.get("ignored") or 0 for f in files)
    out = [
        f"<p>{len(files)} file{'s' if len(files) != 1 else ''}: {read} records read, {used} used, "
        f"{rejected} rejected, {ignored} ignored; {load.get('warnings', 0)} warning{'s' if load.get('warnings', 0) != 1 else ''}"
        + ("; read with --lenient" if load.get("lenient") else "")
        + ".</p>"
    ]
    heads = (
        ("path", "file"),
        ("format", "format"),
        ("read", "records read"),
        ("used", "used"),
        ("rejected", "rejected"),
        ("ignored", "ignored"),
        ("bytes", "bytes"),
        ("sha256", "sha256"),
    )
    th = "".join(f'<th title="{esc(c)}">{esc(h)}</th>' for c, h in heads)
    trs = []
    for f in files:
        cells = [
            f"<td><code>{esc(f.get('path'))}</code></td>",
            f"<td>{esc(f.get('format'))}</td>",
            *(
                f'<td class="num">{esc(fmt(f.get(c)))}</td>'
                for c in ("read", "used", "rejected", "ignored", "bytes")
            ),
            f'<td><code class="sha">{esc(f.get("sha256") or "")}</code></td>',
        ]
        trs.append(f"<tr>{''.join(cells)}</tr>")
    out.append(
        f'<table class="inputs"><thead><tr>{th}</tr></thead><tbody>{"".join(trs)}</tbody></table>'
        if trs
        else '<p class="muted">none</p>'
    )
    findings = load.get("findings") or []
    if findings:
        table = _table(
            ("level", "code", "message"),
            (
                [esc(f["level"]), f"<code>{esc(f['code'])}</code>", esc(f["message"])]
                for f in findings
            ),
            "findings",
        )
        n_warn = sum(1 for f in findings if f["level"] == "warning")
        label = f"{n_warn} warning{'s' if n_warn != 1 else ''} and {len(findings) - n_warn} rejected record{'s' if len(findings) - n_warn != 1 else ''}"
        opened = " open" if len(findings) <= FINDINGS_OPEN else ""
        out.append(
            f'<details class="findings"{opened}><summary>{esc(label)}</summary>{table}</details>'
        )
    else:
        out.append('<p class="muted">No warnings and no rejected records.</p>')
    return out


def _anchor(node: Any) -> str:
    import hashlib

    return hashlib.sha1(str(node).encode("utf-8", "backslashreplace")).hexdigest()[:12]


def _clip(items: Sequence[Any], limit: int = 12) -> str:
    shown = ", ".join(map(str, items[:limit]))
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _plan_html(plan: Mapping[str, Any]) -> str:
    """The termination plan: each step with the verdict, score and failure set after it."""
    steps = plan["steps"]
    out = ["<h4>Termination plan</h4>"]
    if not steps:
        out.append('<p class="muted">No plan found.</p>')
    else:
        out.append(
            f"<p>{len(steps)} step{'s' if len(steps) != 1 else ''} make it terminable; each result is re-simulated with the metrics and verdict rules.</p>"
        )
        out.append(
            _table(
                (
                    "#",
                    "action",
                    "answers",
                    "verdict after",
                    "irreversibility",
                    "failure set",
                    "reasons left",
                ),
                (
                    [
                        esc(i),
                        esc(st["action"]),
                        f"<code>{esc(st['code'])}</code>",
                        _badge(st["verdict"]),
                        esc(fmt(st["irreversibility"], "irreversibility")),
                        esc(st["failure_set"]),
                        esc(", ".join(st["reason_codes"]) or "none"),
                    ]
                    for i, st in enumerate(steps, 1)
                ),
                "plan",
                numeric=(0, 4, 5),
            )
        )
    cut = plan["decoupling"]
    if cut is not None:
        edges = ", ".join(f"{u} → {v}" for u, v in cut["edges"])
        out.append(
            f"<p>Instead of a safe state: fallbacks on the minimum cut of {len(cut['edges'])} hard edge{'s' if len(cut['edges']) != 1 else ''} "
            f"(<code>{esc(edges)}</code>) stop every critical failure; with those alone: {_badge(cut['verdict'])}, "
            f"irreversibility {esc(fmt(cut['irreversibility'], 'irreversibility'))}.</p>"
        )
    return "\n".join(out)


def _system_html(s: Mapping[str, Any], review: Mapping[str, Any]) -> str:
    m = s["metrics"]
    node = s["node"]
    out = [f'<section class="system" id="sys-{_anchor(node)}">']
    out.append(f"<h3>{esc(s['name'])} {_badge(s['verdict'])}</h3>")
    out.append(
        f"<p><code>{esc(node)}</code> · {esc(s['kind'])} · owner {esc(s['owner'] or 'none')} · lifecycle {esc(m['lifecycle'] or 'unknown')}</p>"
    )
    if s["reasons"]:
        out.append(
            "<ul>"
            + "".join(
                f"<li><code>{esc(r['code'])}</code> ({esc(r['verdict'])}): {esc(r['sentence'])}</li>"
                for r in s["reasons"]
            )
            + "</ul>"
        )
    else:
        out.append("<p>No reason against termination.</p>")
    if s["baseline_verdict"] is not None or s["baseline_irreversibility"] is not None:
        out.append(
            f"<p>At the baseline: {_badge(s['baseline_verdict'])}, irreversibility {esc(fmt(s['baseline_irreversibility'], 'irreversibility'))}.</p>"
        )

    imp = s["impact"]
    t = imp["totals"]
    if s.get("plan") is not None:
        out.append(_plan_html(s["plan"]))
    out.append("<h4>Suspension simulation</h4>")
    safe = (
        " A credited safe state turns its own hard edges into fallbacks."
        if imp["safe_state_credited"]
        else ""
    )
    out.append(
        f"<p>Switching it off: <strong>{t['fails']}</strong> fail, <strong>{t['degrades']}</strong> degrade, {t['affected']} affected.{safe}</p>"
    )
    rows = imp["rows"][:MAX_LISTED]
    out.append(
        _table(
            ("effect", "node", "kind", "criticality", "owner", "path"),
            (
                [
                    esc(r["effect"]),
                    esc(r["node"]),
                    esc(r["kind"]),
                    esc(fmt(r["criticality"])),
                    esc(r["owner"]),
                    esc(r["path"]),
                ]
                for r in rows
            ),
            "impact",
            numeric=(3,),
        )
    )
    if len(imp["rows"]) > MAX_LISTED:
        out.append(
            f'<p class="muted">… and {len(imp["rows"]) - MAX_LISTED} more (see <code>graphgov impact</code>).</p>'
        )

    out.append("<h4>Decision authorities</h4>")
    auth_rows = []
    for role in ROLES:
        name = s["authorities"].get(role)
        auth_rows.append([esc(role), esc(name) if name else '<span class="absent">absent</span>'])
    gate = s["readiness_gate"]
    auth_rows.append(
        [
            "scale-readiness gate",
            esc(
                f"passed {gate.get('passed_at')}, approved by {gate.get('approved_by') or 'nobody'}"
            )
            if gate.get("passed_at")
            else '<span class="absent">no record</span>',
        ]
    )
    rev = s["reversibility"]
    drill = rev.get("last_drill")
    credited = "credited" if m["_safe_state_credited"] else "not credited"
    auth_rows.append(
        [
            "safe state",
            esc(
                f"{rev.get('safe_state') or 'none declared'}; last drill {drill or 'never'}; {credited}"
            ),
        ]
    )
    auth_rows.append(
        [
            "rollback plan / kill switch",
            esc(
                f"{rev.get('rollback_plan') or 'none'} / {'yes' if rev.get('kill_switch') else 'no'}"
            ),
        ]
    )
    out.append(_table(("role", "named"), auth_rows, "authorities"))

    out.append("<h4>Assumption audit</h4>")
    out.append(
        _table(
            ("assumption", "last reviewed", "status"),
            (
                [esc(a["statement"]), esc(a["last_reviewed"] or "never"), esc(a["status"])]
                for a in s["assumptions"]
            ),
            "assumptions",
        )
    )

    out.append("<h4>Vendor exposure</h4>")
    out.append(
        _table(
            ("vendor component", "kind", "owner", "path"),
            (
                [esc(v["node"]), esc(v["kind"]), esc(v["owner"]), esc(v["path"])]
                for v in s["vendors"]
            ),
            "vendors",
        )
    )

    out.append("<h4>Irreversibility</h4>")
    settings = review["settings"]
    frows = [
        [esc(f), esc(fmt(m[f], f)), esc(fmt(float(getattr(settings, WEIGHT_OF[f])), "f_reach"))]
        for f in FACTORS
    ]
    out.append(_table(("factor", "value", "weight"), frows, "factors", numeric=(1, 2)))
    grad = m["gradient"]
    if grad is None:
        gtext = "unknown (no baseline and no dated edges or scaled_at below this system)"
    else:
        q = m["quarters_to_irreversible"]
        qtext = (
            f"reaches the top tier in {fmt(q, 'quarters_to_irreversible')} quarters"
            if q is not None
            else "does not reach the top tier at this rate"
        )
        gtext = f"{grad:+.2f} per quarter (from {m.get('_gradient_source')}); {qtext}"
    out.append(
        f"<p>Irreversibility <strong>{esc(fmt(m['irreversibility'], 'irreversibility'))}</strong> ({esc(m['tier'])}); gradient {esc(gtext)}.</p>"
    )
    out.append(f'<p class="muted">{esc(m["explain"])}</p>')
    out.append("</section>")
    return "\n".join(out)


# ------------------------------------------------------------------------------------- Markdown
def render_markdown(review: Mapping[str, Any]) -> str:
    """The review as Markdown. Every value from an input, a snapshot or the policy goes through
    :func:`md` (text) or :func:`code` (ids), so no renderer reads any of it as HTML or markup."""
    s = review["summary"]
    base = review["baseline"]
    lines = [f"# Termination-capacity review, as of {md(review['as_of'])}", ""]
    lines.append(
        f"graphgov {md(review['graphgov_version'])}; policy: {md(review['policy']['source'])}; "
        + (
            f"baseline: {code(base['path'])} ({md(base['as_of'])})"
            if base
            else "no baseline (gradients from dated edges)"
        )
    )
    lines += ["", "## Summary", "", f"{md(s['systems'])} pilot-derived systems.", ""]
    if s["baseline_counts"] is not None:
        lines += ["| verdict | now | baseline | change |", "|---|---:|---:|---:|"]
        lines += [
            f"| {md(v)} | {md(s['counts'][v])} | {md(s['baseline_counts'][v])} | {md(_signed(s['change'][v]))} |"
            for v in VERDICTS
        ]
    else:
        lines += ["| verdict | now |", "|---|---:|"]
        lines += [f"| {md(v)} | {md(s['counts'][v])} |" for v in VERDICTS]
    lines += [
        "",
        "| system | verdict | irreversibility | tier | gradient | quarters to irreversible | blast radius | failure set | reasons |",
        "|---|---|---:|---|---:|---:|---:|---:|---|",
    ]
    for sys_ in review["systems"]:
        m = sys_["metrics"]
        cells = [
            sys_["node"],
            sys_["verdict"],
            fmt(m["irreversibility"], "irreversibility"),
            m["tier"],
            fmt(m["gradient"], "gradient"),
            fmt(m["quarters_to_irreversible"], "quarters_to_irreversible"),
            m["blast_radius"],
            m["failure_set"],
            ", ".join(str(r["code"]) for r in sys_["reasons"]),
        ]
        lines.append("| " + " | ".join(md(c) for c in cells) + " |")
    lines += ["", "## Charts", ""]
    lines += [f"![{md(title)}]({name})" for name, title in CHARTS]
    lines += ["", "## Systems", ""]
    for sys_ in review["systems"]:
        m = sys_["metrics"]
        lines += [
            f"### {md(sys_['name'])}: {md(sys_['verdict'])}",
            "",
            f"{code(sys_['node'])}, {md(sys_['kind'])}, owner {md(sys_['owner'] or 'none')}",
            "",
        ]
        lines += [f"- {code(r['code'])}: {md(r['sentence'])}" for r in sys_["reasons"]] or [
            "- no reason against termination"
        ]
        if sys_.get("plan") is not None:
            lines += ["", *_plan_markdown(sys_["plan"])]
        t = sys_["impact"]["totals"]
        lines += [
            "",
            f"**Suspension simulation:** {md(t['fails'])} fail, {md(t['degrades'])} degrade"
            + (" (credited safe state)" if sys_["impact"]["safe_state_credited"] else "")
            + ".",
            "",
        ]
        # the rows come fails first: the first 20 of them that fail are the first 20 failing
        fails = [r for r in sys_["impact"]["rows"][:20] if r["effect"] == "fails"]
        if fails:
            lines += (
                ["| fails | criticality | path |", "|---|---:|---|"]
                + [
                    f"| {md(r['node'])} | {md(fmt(r['criticality']))} | {md(r['path'])} |"
                    for r in fails
                ]
                + [""]
            )
        lines.append(
            "**Decision authorities:** "
            + "; ".join(
                f"{role}: {md(sys_['authorities'].get(role)) if sys_['authorities'].get(role) else '**absent**'}"
                for role in ROLES
            )
        )
        gate = sys_["readiness_gate"]
        lines.append("")
        lines.append(
            "**Scale-readiness gate:** "
            + (
                f"passed {md(gate.get('passed_at'))}, approved by {md(gate.get('approved_by') or 'nobody')}"
                if gate.get("passed_at")
                else "**no record**"
            )
        )
        lines.append("")
        audit = sys_["assumptions"]
        lines.append(
            "**Assumption audit:** "
            + (
                "; ".join(
                    f"{md(a['statement'])} ({md(a['last_reviewed'] or 'never')}: {md(a['status'])})"
                    for a in audit
                )
                if audit
                else "none documented"
            )
        )
        lines.append("")
        lines.append(
            "**Vendor exposure:** "
            + (
                "; ".join(f"{md(v['node'])} ({md(v['path'])})" for v in sys_["vendors"])
                if sys_["vendors"]
                else "none"
            )
        )
        lines.append("")
        lines.append(
            "**Irreversibility:** "
            + f"{md(fmt(m['irreversibility'], 'irreversibility'))} ({md(m['tier'])}); "
            + ", ".join(f"{md(f)} {md(fmt(m[f], f))}" for f in FACTORS)
        )
        grad = m["gradient"]
        lines.append("")
        quarters = fmt(m["quarters_to_irreversible"], "quarters_to_irreversible")
        lines.append(
            "**Gradient:** "
            + (
                f"{md(_signed(grad, 2))} per quarter (from {md(m.get('_gradient_source'))}), quarters to irreversible: {md(quarters or 'never at this rate')}"
                if grad is not None
                else "unknown"
            )
        )
        lines.append("")
    lines += ["## Shadow production", ""]
    if review["shadow"]:
        lines += ["| node | lifecycle | criticality | path |", "|---|---|---:|---|"]
        lines += [
            f"| {md(r['node'])} | {md(r['lifecycle'])} | {md(fmt(r['criticality']))} | {md(r['path'])} |"
            for r in review["shadow"]
        ]
    else:
        lines.append("none")
    lines += ["", "## Changes since the baseline", ""]
    ch = review["changes"]
    if ch is None:
        lines.append("No baseline given.")
    else:
        lines.append(
            f"{md(ch['nodes_added'])} nodes added, {md(ch['nodes_removed'])} removed; "
            f"{md(ch['edges_added'])} edges added, {md(ch['edges_removed'])} removed."
        )
        lines += [
            "",
            "**Verdicts that got worse:** "
            + (
                "; ".join(
                    f"{md(r['node'])}: {md(r['before'] or 'new')} → {md(r['now'])}"
                    for r in ch["worse_verdicts"]
                )
                or "none"
            ),
        ]
        lines += [
            "",
            "**New dependents:** "
            + (
                "; ".join(
                    f"{md(r['node'])}: +{md(r['count'])} ({md(_clip(r['dependents'], 6))})"
                    for r in ch["new_dependents"]
                )
                or "none"
            ),
        ]
        lines += [
            "",
            "**Lost fallbacks:** "
            + (
                "; ".join(
                    f"{md(r['source'])} → {md(r['target'])}: {md(r['what'])}"
                    for r in ch["lost_fallbacks"]
                )
                or "none"
            ),
        ]
        lines += [
            "",
            "**Authorities that disappeared:** "
            + (
                "; ".join(
                    f"{md(r['node'])} {md(r['role'])} (was {md(r['was'])})"
                    for r in ch["authorities_disappeared"]
                )
                or "none"
            ),
        ]
    lines += ["", "## Inputs", ""]
    load = review.get("load") or {"files": review["inputs"], "findings": []}
    lines += [
        "| file | format | records read | used | rejected | ignored | sha256 |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    lines += [
        f"| {md(f.get('path'))} | {md(f.get('format'))} | {fmt(f.get('read'))} | {fmt(f.get('used'))} | {fmt(f.get('rejected'))} | {fmt(f.get('ignored'))} | {md(f.get('sha256') or '')} |"
        for f in load["files"]
    ]
    findings = load.get("findings") or []
    lines += ["", f"{len(findings)} warnings and rejected records" + (":" if findings else "."), ""]
    lines += [f"- {f['level']} `{f['code']}`: {md(f['message'])}" for f in findings]
    lines.append("")
    return "\n".join(lines)


def _plan_markdown(plan: Mapping[str, Any]) -> list[str]:
    steps = plan["steps"]
    lines = [
        f"**Termination plan:** {len(steps)} step{'s' if len(steps) != 1 else ''} (each re-simulated)",
        "",
    ]
    if steps:
        lines += [
            "| # | action | answers | verdict after | irreversibility | failure set |",
            "|---:|---|---|---|---:|---:|",
        ]
        lines += [
            f"| {i} | {md(st['action'])} | {md(st['code'])} | {md(st['verdict'])} | {md(fmt(st['irreversibility'], 'irreversibility'))} | {md(st['failure_set'])} |"
            for i, st in enumerate(steps, 1)
        ]
    cut = plan["decoupling"]
    if cut is not None:
        lines += [
            "",
            f"Instead of a safe state: fallbacks on the minimum cut of {len(cut['edges'])} hard edge{'s' if len(cut['edges']) != 1 else ''} ("
            + "; ".join(f"{md(u)} → {md(v)}" for u, v in cut["edges"])
            + f"); with those alone: {md(cut['verdict'])}, irreversibility {md(fmt(cut['irreversibility'], 'irreversibility'))}.",
        ]
    return lines


def _signed(value: Any, decimals: int = 0) -> str:
    """A change with its sign (``+3``, ``-0.25``); anything that is not a number as text."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return f"{value:+.{decimals}f}"


def write_review(
    review: Mapping[str, Any],
    out_dir: str | os.PathLike[str],
    *,
    bom: bool = True,
    inputs: Sequence[str] = (),
) -> list[str]:
    """Write review.html, review.md, review.csv, review.xlsx and the charts as the whole content of
    ``out_dir`` (written into a temporary folder and swapped into place: never a mix of two runs)."""
    from ..reports.output import check_not_input, write_folder

    folder = Path(out_dir)
    images = charts(review)
    csv_text, _ = render_csv(review, bom)
    from ..reports.xlsx import to_xlsx

    xlsx, _ = to_xlsx(
        CSV_COLUMNS,
        csv_rows(review),
        decimals={**DECIMALS, "baseline_irreversibility": 1},
        sheet="review",
    )
    files: dict[str, str | bytes] = {
        "review.html": render_html(review, images),
        "review.md": render_markdown(review),
        "review.csv": csv_text,
        "review.xlsx": xlsx,
        **images,
    }
    for name in files:
        check_not_input(folder / name, inputs)
    written = write_folder(folder, files)
    return written
