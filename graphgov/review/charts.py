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
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


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
    s = str(text).replace("$", r"\$")
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


def irreversibility_vs_depth(systems: Sequence[Mapping[str, Any]], settings: Any) -> bytes:
    """Irreversibility against integration depth for the pilot-derived nodes, over the tier bands."""
    fig = _figure(7, 4.5)
    ax = fig.subplots()
    _bands(ax, settings)
    xs = [s["metrics"]["integration_depth"] for s in systems]
    labelled = {
        id(s) for s in sorted(systems, key=lambda s: -s["metrics"]["irreversibility"])[:MAX_LABELS]
    }
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
        if id(s) in labelled:
            ax.annotate(
                _label(s["name"]),
                (m["integration_depth"], m["irreversibility"]),
                textcoords="offset points",
                xytext=(5, 4),
                fontsize=7,
                zorder=4,
            )
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
    return _png(fig)


def irreversibility_over_time(systems: Sequence[Mapping[str, Any]], settings: Any) -> bytes:
    """Each pilot-derived system's irreversibility over the snapshots given and now."""
    import datetime as dt

    fig = _figure(7, 4.5)
    ax = fig.subplots()
    _bands(ax, settings)
    shown = sorted(systems, key=lambda s: (-s["metrics"]["irreversibility"], str(s["node"])))[
        :MAX_LABELS
    ]
    for s in shown:
        pts = s["series"]
        days = [dt.date.fromisoformat(d) for d, _ in pts]
        values = [v for _, v in pts]
        ax.plot(days, values, marker="o", label=_label(s["name"]), zorder=3)
    ax.set_ylim(0, 100)
    ax.set_ylabel("irreversibility (0-100)")
    more = f" (the {len(shown)} highest of {len(systems)})" if len(shown) < len(systems) else ""
    ax.set_title("Irreversibility of each pilot-derived system over the snapshots" + more)
    if systems:
        ax.legend(loc="best", fontsize=7)
    fig.autofmt_xdate()
    return _png(fig)


def blast_radius_top(rows: Sequence[Mapping[str, Any]], top: int = 12) -> bytes:
    """The blast radius of the nodes with the largest blast radius (pilot-derived ones in red)."""
    chosen = sorted(rows, key=lambda r: (-r["blast_radius"], str(r["node"])))[:top]
    chosen = list(reversed(chosen))
    fig = _figure(7, 0.35 * max(len(chosen), 3) + 1.2)
    ax = fig.subplots()
    colours = ["#c62828" if r["pilot_derived"] else "#607d8b" for r in chosen]
    ax.barh(
        [_label(r["name"], 36) for r in chosen], [r["blast_radius"] for r in chosen], color=colours
    )
    for i, r in enumerate(chosen):
        ax.text(r["blast_radius"], i, f" {r['blast_radius']}", va="center", fontsize=7)
    ax.set_xlabel("blast radius (transitive dependents)")
    ax.set_title(f"Blast radius of the top {len(chosen)} nodes (red: pilot-derived)")
    return _png(fig)
