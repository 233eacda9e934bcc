"""`graphgov analyze` and `graphgov impact`."""

from __future__ import annotations

import click

from .common import emit, guard, infer_format, input_options
from .engine import engine_options, engine_session


@click.command()
@input_options
@engine_options
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write the table here (written atomically; never over an input).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "json", "xlsx", "table"]),
    help="Output format (default: from -o's extension, else table).",
)
@click.option("--pilots-only", is_flag=True, help="Only pilot-derived nodes.")
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False),
    help="An earlier snapshot (`graphgov snapshot`): the gradient is measured against it.",
)
@click.option(
    "--plan",
    "plan_only",
    is_flag=True,
    help="Print the time and memory of the reach passes on 1..64 workers, measured on a few "
    "chunks of this input, and stop.",
)
@guard
def analyze(
    load,
    output,
    fmt,
    pilots_only,
    baseline,
    plan_only,
):  # type: ignore[no-untyped-def]
    """The blast-radius table: every metric for every node, highest irreversibility first."""
    from ..engine.table import metric_table, render_table
    from ..progress import Progress

    settings = load.settings()
    fmt = infer_format(fmt, output, ("csv", "json", "xlsx"), "table")
    base = None
    if baseline:
        from ..review.snapshot import read_snapshot

        base = read_snapshot(baseline)
    prog = Progress(enabled=not load.quiet)
    if plan_only:
        from ..engine.estimate import plan

        click.echo(plan(load.core(settings, [output])).text(), nl=False)
        return
    with engine_session(settings, load.quiet):  # the cluster is reached before the inputs are read
        with prog.stage("reading"):
            core = load.core(settings, [output])
        load.announce(core, "computing every metric")
        table = metric_table(core, settings, settings.today, baseline=base, progress=prog)
    keep = load.keep_mask(core, table, settings)  # --select / --exclude
    meta = {"as_of": settings.today.isoformat(), "graphgov_version": _version()}
    with prog.stage("rendering"):
        data, count, warnings = render_table(
            table,
            fmt,
            pilots_only=pilots_only,
            keep=keep,
            bom=bool(settings.csv_bom),
            meta=meta,
            stream=True,
        )
    with prog.stage("writing"):
        emit(data, output)
    for w in warnings:
        click.echo(f"  warning: {w}", err=True)
    if output and not load.quiet:
        click.echo(f"wrote {count} rows to {output}", err=True)


@click.command()
@click.argument("node")
@input_options
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the result here.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "xlsx"]),
    help="Output format (default: from -o's extension, else table).",
)
@click.option(
    "--direction",
    type=click.Choice(["down", "up", "both"]),
    default="down",
    show_default=True,
    help="down: what fails or degrades when NODE is off; up: what NODE depends on (what would fail or degrade it); both.",
)
@click.option(
    "--depth",
    type=click.IntRange(min=0),
    default=None,
    help="Only nodes at most this many hops away (default: any distance).",
)
@guard
def impact(
    node,
    load,
    output,
    fmt,
    direction,
    depth,
):  # type: ignore[no-untyped-def]
    """Switch NODE off: what fails, what degrades, and the path that carries each."""
    from ..analysis.impact import impact as simulate
    from ..analysis.impact import impact_columns
    from ..reports.tables import to_csv, to_json, to_table

    settings = load.settings()
    fmt = infer_format(fmt, output, ("csv", "json", "xlsx"), "table")
    G = load.graph(settings, [output])
    result = simulate(G, node, settings, direction=direction, depth=depth)
    chosen = load.selection(G, settings=settings)
    if chosen is not None:
        result = _keep(result, chosen)
    cols = impact_columns(result)
    if fmt == "json":
        text = to_json(result)
    elif fmt == "xlsx":
        from ..reports.xlsx import to_xlsx

        text, _ = to_xlsx(cols, result["rows"], sheet="impact")
    elif fmt == "csv":
        text, _ = to_csv(cols, result["rows"], bom=bool(settings.csv_bom))
    else:
        t = result["totals"]
        safe = (
            " (credited safe state: its hard edges act as fallbacks)"
            if result["safe_state_credited"]
            else ""
        )
        head = f"switching off {result['node']}{safe}: {t['fails']} fail, {t['degrades']} degrade, {t['affected']} affected"
        if direction != "down":
            head += f"; it depends on {t['upstream']} (a failure of {t['fails_it']} fails it)"
        head += "\n\n"
        text = head + (
            to_table(cols, result["rows"]) if result["rows"] else "nothing depends on it\n"
        )
    emit(text, output)


def _keep(result, chosen):  # type: ignore[no-untyped-def]
    """The impact rows of the selected nodes, with the totals recounted over them."""
    from ..analysis.impact import totals

    rows = [r for r in result["rows"] if r["node"] in chosen]
    return {**result, "rows": rows, "totals": totals(rows)}


def _version() -> str:
    from .. import __version__

    return __version__
