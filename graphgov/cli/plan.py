"""`graphgov plan`: what would make a pilot-derived system terminable again."""

from __future__ import annotations

import click

from .common import emit, guard, input_options


@click.command()
@click.argument("node")
@input_options(select=False)
@click.option(
    "--policy",
    type=click.Path(dir_okay=False),
    help="Policy file (YAML); default: the documented default policy.",
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False),
    help="Last quarter's snapshot: the gradient is measured against it (as in `graphgov review`).",
)
@click.option(
    "--what-if",
    "what_if",
    type=click.Path(dir_okay=False),
    help="A register fragment (YAML or CSV) to try: the plan shows the state after it and starts from there.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the plan here.")
@guard
def plan(
    node,
    load,
    policy,
    baseline,
    what_if,
    fmt,
    output,
):  # type: ignore[no-untyped-def]
    """The termination plan of NODE: the shortest list of actions that makes it terminable.

    Each step (name an authority, review assumptions, record the gate, run the drill, declare a
    safe state, decouple a dependent) comes with the verdict, irreversibility and failure set after
    it, re-simulated with the real metrics and verdict rules. When switching NODE off fails a
    critical node, the minimum cut of hard edges that would need fallbacks is given too.
    """
    from ..analysis.plan import plan as make_plan
    from ..analysis.plan import plan_json, plan_text
    from ..reports.tables import to_json
    from ..review.policy import load_policy
    from ..review.snapshot import read_snapshot

    settings = load.settings()
    pol = load_policy(policy)
    base = read_snapshot(baseline) if baseline else None
    G = load.graph(settings, [output])
    load.announce(G, "planning")
    result = make_plan(G, node, settings, pol, baseline=base, what_if=what_if)
    emit(to_json(plan_json(result)) if fmt == "json" else plan_text(result), output)
