"""`graphgov snapshot`, `graphgov review`, `graphgov diff` and `graphgov gate`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from .common import (
    CliError,
    emit,
    guard,
    infer_format,
    input_options,
    say,
)
from .engine import engine_options, engine_session


def _policy_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--policy",
        type=click.Path(dir_okay=False),
        help="Policy file (YAML); default: the documented default policy.",
    )(fn)


def _baseline_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--baseline",
        type=click.Path(dir_okay=False),
        help="Last quarter's snapshot (from `graphgov snapshot`).",
    )(fn)


@click.command()
@input_options
@engine_options
@_policy_option
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="Snapshot file to write (JSON, written atomically).",
)
@guard
def snapshot(
    load,
    policy,
    output,
):  # type: ignore[no-untyped-def]
    """Write a versioned snapshot (graph, metrics, verdicts, settings, input hashes): next quarter's baseline."""
    from ..review.policy import load_policy
    from ..review.snapshot import write_snapshot

    settings = load.settings()
    pol = load_policy(policy)
    with engine_session(settings, load.quiet):
        if load.select or load.exclude:
            G = load.graph(settings, [output])
            load.announce(G, "writing the snapshot")
            payload = write_snapshot(
                G, output, settings, settings.today, pol, select=load.select, exclude=load.exclude
            )
        else:
            payload = _snapshot_of_core(load, settings, pol, output)
    if not load.quiet:
        say(
            f"wrote snapshot of {len(payload['graph']['nodes']['id'])} nodes, {len(payload['verdicts'])} verdicts as of {payload['as_of']} to {output}"
        )


def _snapshot_of_core(load, settings, pol, output):  # type: ignore[no-untyped-def]
    """A snapshot written from the columnar core: bulk edge lists never become a networkx graph."""
    from ..engine.table import metric_table
    from ..progress import Progress
    from ..reports.output import write_atomic
    from ..review.snapshot import snapshot_pieces, write_snapshot
    from ..review.snapshot_columns import core_payload

    prog = Progress(enabled=not load.quiet)
    with prog.stage("reading"):
        core = load.core(settings, [output])
    if core.nx_graph is not None:
        return write_snapshot(core.nx_graph, output, settings, settings.today, pol)
    load.announce(core, "writing the snapshot")
    scored = pol.settings_for(settings)
    table = metric_table(core, scored, scored.today, progress=prog)
    import gc

    with prog.stage("writing"):
        # millions of small lists and no cycles among them: the cycle collector would only rescan
        gc.disable()
        try:
            payload = core_payload(core, table, scored, scored.today, pol)
            write_atomic(output, snapshot_pieces(payload, output))
        finally:
            gc.enable()
    return payload


@click.command()
@input_options
@engine_options
@_policy_option
@_baseline_option
@click.option(
    "--history",
    multiple=True,
    type=click.Path(),
    help="Earlier snapshots to chart: files, or folders of *.json snapshots (may be repeated).",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder for review.html, review.md, review.csv and the charts (created if missing).",
)
@guard
def review(
    load,
    policy,
    baseline,
    history,
    output,
):  # type: ignore[no-untyped-def]
    """The quarterly termination-capacity review: verdicts, reasons, charts, changes since the baseline."""
    from ..review.policy import load_policy
    from ..review.render import write_review
    from ..review.report import build_review, review_of_core
    from ..review.snapshot import read_snapshot

    settings = load.settings()
    pol = load_policy(policy)
    base = read_snapshot(baseline) if baseline else None
    hist = [read_snapshot(h) for h in _snapshot_files(history)]
    _not_inside_inputs(output, load.inputs)
    with engine_session(settings, load.quiet):
        core = None
        if not (load.select or load.exclude or base is not None):
            from ..progress import Progress

            prog = Progress(enabled=not load.quiet)
            with prog.stage("reading"):
                core = load.core(settings, [])
        if core is not None and core.nx_graph is None:
            # a bulk edge list: no networkx graph of the whole estate
            load.announce(core, "building the review")
            data = review_of_core(core, settings, pol, hist, settings.today, progress=prog)
        else:
            G = core.nx_graph if core is not None else load.graph(settings, [])
            load.announce(G, "building the review")
            data = build_review(
                G,
                settings,
                pol,
                base,
                hist,
                settings.today,
                select=load.select,
                exclude=load.exclude,
            )
    files = write_review(data, output, bom=bool(settings.csv_bom), inputs=load.input_paths())
    click.echo(_systems_table(data), nl=False)
    if not load.quiet:
        c = data["summary"]["counts"]
        n = data["summary"]["systems"]
        say(
            f"{n} pilot-derived system{'' if n == 1 else 's'}: {c['not terminable']} not terminable, "
            f"{c['conditionally terminable']} conditionally terminable, {c['terminable']} terminable"
        )
        say(f"wrote {len(files)} files to {output}")


def _systems_table(data: dict) -> str:  # type: ignore[type-arg]
    """One line per pilot-derived system on stdout: the verdict and the numbers behind it."""
    from ..reports.tables import to_table

    rows = []
    for system in data["systems"]:
        m = system["metrics"]
        rows.append(
            {
                "system": system["node"],
                "verdict": system["verdict"],
                "irreversibility": m["irreversibility"],
                "tier": m["tier"],
                "gradient": m["gradient"],
                "blast": m["blast_radius"],
                "depth": m["integration_depth"],
                "fail": m["failure_set"],
                "reasons": ", ".join(r["code"] for r in system["reasons"]),
            }
        )
    cols = (
        "system",
        "verdict",
        "irreversibility",
        "tier",
        "gradient",
        "blast",
        "depth",
        "fail",
        "reasons",
    )
    return to_table(
        cols,
        rows,
        decimals={"irreversibility": 1, "gradient": 1},
        headers={"irreversibility": "irrev", "gradient": "per 90 d"},
    )


def _not_inside_inputs(output: str, inputs: tuple[str, ...]) -> None:
    """A review folder inside an input folder would be read as input next time: refuse it."""
    from pathlib import Path

    from ..errors import OutputError
    from ..ingest import split_format

    out = Path(output).resolve()
    for item in inputs:
        folder = split_format(item)[0]
        if folder.is_dir():
            root = folder.resolve()
            if out == root or root in out.parents:
                raise OutputError(
                    f"-o {output} is inside the input folder {folder}: its files would be read as inputs next time — choose another folder"
                )


def _snapshot_files(paths: tuple[str, ...]) -> list[str]:
    from pathlib import Path

    out: list[str] = []
    for item in paths:
        p = Path(item)
        out.extend(str(f) for f in sorted(p.glob("*.json"))) if p.is_dir() else out.append(item)
    return out


@click.command()
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
@click.option(
    "--threshold",
    type=float,
    default=1.0,
    show_default=True,
    help="Smallest absolute change of a metric that is listed.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    help="Output format (default: from -o's extension, else table).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the changes here.")
@guard
def diff(old, new, threshold, fmt, output):  # type: ignore[no-untyped-def]
    """What changed between two snapshots: nodes, edges, metrics above a threshold, verdicts."""
    from ..reports.output import check_not_input
    from ..review.diff import diff_snapshots, render_diff
    from ..review.snapshot import read_snapshot

    if threshold < 0 or threshold != threshold:
        raise CliError("--threshold must be 0 or more", 2)
    if output:
        check_not_input(output, [old, new])
    a, b = read_snapshot(old), read_snapshot(new)
    fmt = infer_format(fmt, output, ("csv", "json"), "table")
    emit(render_diff(diff_snapshots(a, b, threshold), fmt, a, b), output)


@click.command()
@input_options
@_policy_option
@_baseline_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "sarif"]),
    default="text",
    show_default=True,
    help="Findings format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write the findings here (default: standard output).",
)
@click.option(
    "--sarif-root",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder SARIF file locations are relative to (default: the current folder, the repository root in CI).",
)
@guard
def gate(
    load,
    policy,
    baseline,
    fmt,
    output,
    sarif_root,
):  # type: ignore[no-untyped-def]
    """Check the policy's rules: exit 1 when one is broken (only new ones with --baseline), 0 when none; 3 for unusable input, 4 when the findings cannot be written."""
    from ..review.gate import evaluate, render_json, render_sarif, render_text
    from ..review.policy import load_policy
    from ..review.snapshot import read_snapshot

    settings = load.settings()
    pol = load_policy(policy)
    base = read_snapshot(baseline) if baseline else None
    G = load.graph(settings, [output])
    load.announce(G, "checking the policy")
    result = evaluate(
        G, settings, pol, base, settings.today, select=load.select, exclude=load.exclude
    )
    if fmt == "sarif":
        text = render_sarif(result, sarif_root)
    else:
        text = {"text": render_text, "json": render_json}[fmt](result)
    emit(text, output)
    if result["failed"]:
        click.get_current_context().exit(1)
