"""The review's charts as PNG bytes (matplotlib's object API with the Agg canvas, imported only when drawing)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

TIER_COLOURS = (
    ("reversible", "#e8f5e9"),
    ("costly", "#fff8e1"),
    ("entrenched", "#ffe0b2"),
    ("irreversible", "#ffcdd2"),
)
MAX_LABELS = 12  # names written on a chart (and lines drawn over time); more would be unreadable
VERDICT_COLOURS = {
    "terminable": "#2e7d32",
    "conditionally terminable": "#f9a825",
    "not terminable": "#c62828",
}


def _figure(width: float, height: float) -> Any:
    """A figure that draws with Agg, without pyplot: no global backend is touched (notebooks keep theirs)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)  # a renderer to measure label boxes with, without pyplot
    return fig


def _png(fig: Any) -> bytes:
    import warnings

    buf = io.BytesIO()
    with warnings.catch_warnings():
        # a name in a script the font lacks is drawn as boxes; that is not worth failing a report over
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from font")
        warnings.filterwarnings("ignore", message=r"Matplotlib currently does not support")
        fig.savefig(buf, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    return buf.getvalue()


def _label(text: Any, width: int = 28) -> str:
    """A name as a chart label: one line, hidden characters as escapes, ``$`` not read as
    mathtext, and a leading ``_`` kept (matplotlib leaves such labels out of the legend).

    >>> _label("_x$"), _label("a\\x1bb")
    (' _x\\\\$', 'a\\\\x1bb')
    """
    from ..textsafe import one_line

    s = one_line(text).replace("$", r"\$")
    s = " " + s if s.startswith("_") else s
    return s if len(s) <= width else s[: width - 1] + "…"


def _bands(ax: Any, settings: Any) -> None:
    bounds = (
        0.0,
        float(settings.tier_costly),
        float(settings.tier_entrenched),
        float(settings.tier_irreversible),
        100.0,
    )
    for i, (name, colour) in enumerate(TIER_COLOURS):
        ax.axhspan(bounds[i], bounds[i + 1], color=colour, zorder=0)
        ax.text(
            1.0,
            (bounds[i] + bounds[i + 1]) / 2,
            name,
            transform=ax.get_yaxis_transform(),
            ha="right",
            va="center",
            fontsize=8,
            color="#555",
        )


def kind_label(name: Any, kind: Any, width: int = 40) -> str:
    """A node's name qualified by its kind, so that a Component and an API of one name differ.

    >>> kind_label("wayback-archive", "api"), kind_label("wayback-archive", "component")
    ('wayback-archive (api)', 'wayback-archive (component)')
    """
    return _label(f"{name} ({kind})", width)


def unique_labels(items: Sequence[Mapping[str, Any]], width: int = 40) -> list[str]:
    """Kind-qualified labels, one per item; items whose labels would still repeat get their id."""
    labels = [kind_label(i.get("name", i["node"]), i.get("kind", "unknown"), width) for i in items]
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    return [
        _label(str(i["node"]), width) if counts[label] > 1 else label
        for i, label in zip(items, labels, strict=True)
    ]


def _overlaps(a: Any, b: Any) -> bool:
    return not (a.x1 <= b.x0 or b.x1 <= a.x0 or a.y1 <= b.y0 or b.y1 <= a.y0)


def place_labels(fig: Any, ax: Any, points: Sequence[tuple[float, float, str]]) -> list[Any]:
    """Write each label near its point, moved until its box overlaps no other label and no marker
    (measured with the renderer, not guessed); returns the text objects."""
    renderer = fig.canvas.get_renderer()
    placed: list[Any] = []
    boxes: list[Any] = []
    from matplotlib.transforms import Bbox

    for x, y, _ in points:  # the markers themselves
        px, py = ax.transData.transform((x, y))
        boxes.append(Bbox([[px - 4, py - 4], [px + 4, py + 4]]))
    offsets = [(6, 2)]
    for k in range(1, 40):
        offsets += [(6, 2 + 9 * k), (6, 2 - 9 * k), (-6 - 14 * (k % 3), 2 + 9 * k)]
    for x, y, text in points:
        chosen = None
        for dx, dy in offsets:
            t = ax.annotate(
                text, (x, y), textcoords="offset points", xytext=(dx, dy), fontsize=7, zorder=4
            )
            box = t.get_window_extent(renderer=renderer).expanded(1.05, 1.1)
            if not any(_overlaps(box, b) for b in boxes):
                chosen = (t, box)
                break
            t.remove()
        if (
            chosen is None
        ):  # no free place in reach: keep the first one (never happens with numbers)
            t = ax.annotate(
                text, (x, y), textcoords="offset points", xytext=offsets[0], fontsize=7, zorder=4
            )
            chosen = (t, t.get_window_extent(renderer=renderer))
        placed.append(chosen[0])
        boxes.append(chosen[1])
    return placed


def irreversibility_vs_depth(
    systems: Sequence[Mapping[str, Any]], settings: Any, keys: Mapping[Any, int] | None = None
) -> bytes:
    """Irreversibility against integration depth for the pilot-derived nodes, over the tier bands.

    Points are keyed by node id: each carries its number in ``keys`` (the review's key table says
    which system it is); points at the same spot share one label, and labels never overlap."""
    fig = _figure(7, 4.5)
    ax = fig.subplots()
    _bands(ax, settings)
    keys = keys or {s["node"]: i for i, s in enumerate(systems, 1)}
    xs = [s["metrics"]["integration_depth"] for s in systems]
    spots: dict[tuple[float, float], list[int]] = {}
    for s in systems:
        m = s["metrics"]
        ax.scatter(
            m["integration_depth"],
            m["irreversibility"],
            color=VERDICT_COLOURS[s["verdict"]],
            edgecolor="black",
            zorder=3,
            s=40,
        )
        spot = (float(m["integration_depth"]), float(m["irreversibility"]))
        spots.setdefault(spot, []).append(keys[s["node"]])
    ax.set_xlim(-0.5, max([*xs, 1]) + 1.5)
    ax.set_ylim(0, 100)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("integration depth (layers of dependents)")
    ax.set_ylabel("irreversibility (0-100)")
    ax.set_title("Pilot-derived systems: irreversibility against integration depth")
    for verdict, colour in VERDICT_COLOURS.items():
        ax.scatter([], [], color=colour, edgecolor="black", label=verdict)
    ax.legend(loc="upper left", fontsize=7)
    points = [
        (x, y, ", ".join(map(str, sorted(numbers))))
        for (x, y), numbers in sorted(spots.items(), key=lambda kv: (-kv[0][1], kv[0][0]))
    ]
    place_labels(fig, ax, points)
    return _png(fig)


def time_limits(days: Sequence[Any]) -> tuple[Any, Any]:
    """An x range that fits the dates: their span plus a margin (45 days each side for one date).

    >>> import datetime as dt
    >>> time_limits([dt.date(2026, 11, 30)])
    (datetime.date(2026, 10, 16), datetime.date(2027, 1, 14))
    """
    import datetime as dt

    lo, hi = min(days), max(days)
    pad = max(dt.timedelta(days=45), (hi - lo) * 0.05)
    return lo - pad, hi + pad


def irreversibility_over_time(
    systems: Sequence[Mapping[str, Any]], settings: Any, keys: Mapping[Any, int] | None = None
) -> bytes:
    """Each pilot-derived system's irreversibility over the snapshots given and now, keyed by node id."""
    import datetime as dt

    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    fig = _figure(7, 5.5)
    ax = fig.subplots()
    _bands(ax, settings)
    keys = keys or {s["node"]: i for i, s in enumerate(systems, 1)}
    shown = sorted(systems, key=lambda s: (-s["metrics"]["irreversibility"], str(s["node"])))[
        :MAX_LABELS
    ]
    labels = unique_labels(shown, 32)
    every_day = []
    for s, label in zip(shown, labels, strict=True):
        pts = s["series"]
        days = [dt.date.fromisoformat(d) for d, _ in pts]
        every_day += days
        values = [v for _, v in pts]
        ax.plot(days, values, marker="o", label=f"{keys[s['node']]}. {label}", zorder=3)
    if every_day:
        ax.set_xlim(*time_limits(every_day))
        locator = AutoDateLocator(minticks=3, maxticks=8)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    ax.set_ylim(0, 100)
    ax.set_ylabel("irreversibility (0-100)")
    more = f" (the {len(shown)} highest of {len(systems)})" if len(shown) < len(systems) else ""
    dates = sorted(set(every_day))
    if len(dates) == 1:
        more += (
            f"\nonly one date ({dates[0].isoformat()}): pass --baseline or --history for a trend"
        )
    ax.set_title(
        "Irreversibility of each pilot-derived system over the snapshots" + more, fontsize=10
    )
    if systems:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, fontsize=7)
    return _png(fig)


TOP_BLAST = 12  # bars of the blast-radius chart


def blast_radius_top(rows: Sequence[Mapping[str, Any]], top: int = TOP_BLAST) -> bytes:
    """The blast radius of the nodes with the largest blast radius (pilot-derived ones in red).

    Bars are keyed by node id (one bar per node, at its own position; a Component and an API of one
    name are two bars), labelled with the kind-qualified name, and each value is written at its bar."""
    chosen = sorted(rows, key=lambda r: (-r["blast_radius"], str(r["node"])))[:top]
    chosen = list(reversed(chosen))
    fig = _figure(7, 0.35 * max(len(chosen), 3) + 1.2)
    ax = fig.subplots()
    colours = ["#c62828" if r["pilot_derived"] else "#607d8b" for r in chosen]
    positions = list(range(len(chosen)))
    values = [r["blast_radius"] for r in chosen]
    ax.barh(positions, values, color=colours)
    ax.set_yticks(positions, unique_labels(chosen, 44))
    for pos, value in zip(positions, values, strict=True):
        ax.text(value, pos, f" {value}", va="center", fontsize=7)
    ax.set_xlim(0, max([*values, 1]) * 1.12)
    ax.set_xlabel("blast radius (transitive dependents)")
    ax.set_title(f"Blast radius of the top {len(chosen)} nodes (red: pilot-derived)")
    return _png(fig)
