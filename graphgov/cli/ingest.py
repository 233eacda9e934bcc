"""`graphgov ingest` (validate and summarise inputs) and `graphgov formats` (the parsers)."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

import click

from ..errors import place_of
from .common import emit, guard, input_options

FILE_COLUMNS = (
    "path",
    "format",
    "records",
    "used",
    "rejected",
    "ignored",
    "nodes",
    "edges",
    "warnings",
)
FORMAT_COLUMNS = ("format", "files", *FILE_COLUMNS[2:])


def ingest_summary(G: nx.DiGraph) -> dict[str, Any]:
    """Per file and per format: records read = used + rejected + ignored (each counted on its own:
    graphgov/diagnostics.py), the ignored ones by reason, nodes and edges, warnings; and the graph.

    A file's ``nodes`` and ``edges`` are the distinct graph nodes and edges whose provenance names
    that file (a node stated by two files counts for both); the ``graph`` totals count each once.
    """
    diag = G.graph["diagnostics"]
    paths = sorted(diag.sources, key=len, reverse=True)  # longest first: a path may prefix another

    def owner(where: Any) -> str | None:
        place = place_of(where)  # the file as a value (graphgov.errors.Where)
        if place is not None:
            return place.file if place.file in diag.sources else None
        for p in paths:  # plain text (no structured place): the file it starts with
            if str(where).startswith(p):
                return p
        return None

    nodes: dict[str, set[str]] = defaultdict(set)
    edges: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for n, data in G.nodes(data=True):
        for where in data.get("provenance") or []:
            p = owner(where)
            if p is not None:
                nodes[p].add(n)
    for u, v, data in G.edges(data=True):
        for where in data.get("provenance") or []:
            p = owner(where)
            if p is not None:
                edges[p].add((u, v))
    files = []
    for path, s in sorted(diag.sources.items()):
        files.append(
            {
                "path": path,
                "format": s.format,
                "records": s.read,
                "used": s.used,
                "rejected": s.rejected,
                "ignored": s.ignored,
                "nodes": len(nodes[path]),
                "edges": len(edges[path]),
                "warnings": s.warnings,
                "ignored_by": dict(s.ignored_by),
                "used_in_part": s.partial,
                "unaccounted": s.unaccounted + s.stray,
            }
        )
    formats: dict[str, dict[str, Any]] = {}
    for row in files:
        agg = formats.setdefault(
            row["format"],
            {
                "format": row["format"],
                "files": 0,
                "records": 0,
                "used": 0,
                "rejected": 0,
                "ignored": 0,
                "warnings": 0,
                "_n": set(),
                "_e": set(),
            },
        )
        agg["files"] += 1
        for key in ("records", "used", "rejected", "ignored", "warnings"):
            agg[key] += row[key]
        agg["_n"] |= nodes[row["path"]]
        agg["_e"] |= edges[row["path"]]
    for agg in formats.values():
        agg["nodes"] = len(agg.pop("_n"))
        agg["edges"] = len(agg.pop("_e"))
    unresolved = sum(1 for _, d in G.nodes(data=True) if d.get("unresolved"))
    return {
        "files": files,
        "formats": [formats[k] for k in sorted(formats)],
        "graph": {
            "nodes": G.number_of_nodes(),
            "edges": G.number_of_edges(),
            "unresolved": unresolved,
            "containment": len(G.graph.get("structure") or []),
            "cycles": G.graph.get("cycle_count", 0),
            "warnings": len(diag.warnings),
            "rejected": len(diag.rejected),
        },
        "findings": [f.as_dict() for f in diag.findings],
    }


@click.command()
@input_options(select=False)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write the summary here (written atomically; never over an input).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Summary format.",
)
@guard
def ingest(
    load,
    output,
    fmt,
):  # type: ignore[no-untyped-def]
    """Read INPUT... and summarise what was read, per file and per format (no metrics).

    Each file's format is detected (or named as PATH:FORMAT); a file that breaks its format stops
    the run with the place and the fix, unless --lenient turns bad records into counted rejects.
    """
    from ..reports.tables import to_json, to_table

    settings = load.settings()
    G = load.graph(settings, [output])
    summary = ingest_summary(G)
    if fmt == "json":
        text = to_json(summary)
    else:
        g = summary["graph"]
        text = (
            to_table(FILE_COLUMNS, summary["files"])
            + "\n"
            + to_table(FORMAT_COLUMNS, summary["formats"])
            + f"\ngraph: {g['nodes']} nodes, {g['edges']} edges ({g['unresolved']} unresolved nodes, "
            f"{g['containment']} containment links, {g['cycles']} cycles); {g['warnings']} warnings, {g['rejected']} rejected\n"
        )
    emit(text, output)


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "markdown"]),
    default="table",
    show_default=True,
    help="Output format (markdown: the README's formats table).",
)
@guard
def formats(fmt):  # type: ignore[no-untyped-def]
    """List the input formats graphgov reads, how each is detected, and its edge direction."""
    from ..ingest import FORMATS, get_format
    from ..reports.tables import to_json, to_table

    get_format(next(iter(FORMATS)))  # loads formats registered by other packages too
    rows = [
        {
            "format": f.name,
            "what": f.summary,
            "detection": f.detection,
            "direction": f.direction,
            "fields": f.fields,
        }
        for f in sorted(FORMATS.values(), key=lambda f: f.name)
    ]
    if fmt == "json":
        text = to_json(rows)
    elif fmt == "markdown":
        text = formats_markdown(rows)
    else:
        text = to_table(("format", "what", "detection"), rows)
    emit(text, None)


def formats_markdown(rows: list[dict[str, str]]) -> str:
    """The formats table as Markdown (pipes inside cells escaped)."""

    def esc(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    out = [
        "| format | detection | edge direction (`u → v`: v depends on u) | fields → attributes |",
        "|---|---|---|---|",
    ]
    for r in rows:
        out.append(
            f"| `{r['format']}` | {esc(r['detection'])} | {esc(r['direction'])} | {esc(r['fields'])} |"
        )
    return "\n".join(out) + "\n"
