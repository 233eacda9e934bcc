"""`graphgov map`: an interactive, self-contained HTML dependency map (or a PNG/SVG picture)."""

from __future__ import annotations

import click

from .common import guard, input_options, say


@click.command(name="map")
@input_options
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="Write the map here (.html, .png or .svg; written atomically; never over an input).",
)
@click.option(
    "--focus",
    "focus",
    multiple=True,
    metavar="NODE",
    help="Open on this node (id, alias or unique name) and its neighbourhood; may be repeated.",
)
@click.option(
    "--depth",
    type=click.IntRange(min=0),
    default=2,
    show_default=True,
    help="Hops shown around the focus.",
)
@click.option(
    "--direction",
    type=click.Choice(["down", "up", "both"]),
    default="down",
    show_default=True,
    help="down: what depends on the focus; up: what it depends on; both.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "png", "svg"]),
    help="Output format (default: from -o's extension, else html).",
)
@click.option(
    "--group-by",
    type=click.Choice(["auto", "system", "owner", "kind"]),
    default="auto",
    show_default=True,
    help="How a large graph is summarised (auto: system, else owner, else kind).",
)
@click.option("--title", default=None, help="Heading of the map (shown as text).")
@guard
def map(
    load,
    output,
    focus,
    depth,
    direction,
    fmt,
    group_by,
    title,
):  # type: ignore[no-untyped-def]
    """An interactive dependency map: one offline HTML file to open in a browser and share.

    Nodes are coloured by irreversibility tier and sized by blast radius; pilot-derived nodes are
    diamonds; edges are solid (hard), dashed (soft) or dotted (fallback). Click a node to add its
    next hop; search by id or name; highlight a node's blast radius. Above the
    map_summary_threshold setting (or, without --focus, map_max_full_nodes) the map opens on groups.
    """
    from ..engine.table import metric_table
    from ..views.map import write_map

    settings = load.settings()
    # the columnar core: a bulk edge list is never turned into a networkx graph
    core = load.core(settings, [output])
    load.announce(core, "drawing the map")
    table = metric_table(core, settings, settings.today)
    result = write_map(
        core,
        output,
        table=table,
        focus=list(focus),
        select=list(load.select),
        exclude=list(load.exclude),
        depth=depth,
        direction=direction,
        format=fmt,
        group_by=group_by,
        title=title,
        settings=settings,
    )
    if not load.quiet:
        shown = f"{result.nodes - result.groups} nodes" + (
            f" and {result.groups} groups" if result.groups else ""
        )
        say(
            f"wrote {result.format} map to {output}: {result.mode} view, {shown}, {result.edges} edges shown"
            f" (the page holds {result.embedded_nodes} nodes, {result.embedded_edges} edges)"
        )
