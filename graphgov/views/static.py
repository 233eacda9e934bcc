"""Static map pictures (PNG, SVG) with matplotlib: the view the HTML page opens on, same colours.

matplotlib is imported inside :func:`render_static`, so ``import graphgov`` stays light. The figure
is drawn on an Agg canvas without pyplot (no global state, no display needed); text is drawn with
math parsing off, so ``$`` in a name stays a dollar sign. SVG output is made reproducible (fixed
hash salt, no date).
"""

from __future__ import annotations

import io
import math
import warnings
from typing import Any

from .map import DX, DY, initial_view

_EDGE_STYLE: dict[int, Any] = {0: "solid", 1: (0, (5, 3)), 2: (0, (1, 2))}
_LABEL_CHARS = 28


def render_static(data: dict[str, Any], fmt: str) -> bytes:
    """Render the initial view of ``data`` (from :func:`graphgov.views.map.build_map_data`) as PNG or SVG bytes."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    view = initial_view(data)
    pos = {item: (x, y) for item, x, y in data["positions"]}
    nodes, groups = data["nodes"], data["groups"]
    tier_colors = data["tier_colors"]
    strings = data["strings"]
    xs = [p[0] for p in pos.values()] or [0.0]
    ys = [p[1] for p in pos.values()] or [0.0]
    width = max(8.0, min(40.0, (max(xs) - min(xs)) / 110.0 + 4.0))
    height = max(6.0, min(40.0, (max(ys) - min(ys)) / 45.0 + 3.0))
    rc: Any = {"svg.hashsalt": "graphgov", "svg.fonttype": "path", "path.simplify": True}
    with matplotlib.rc_context(rc), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph .* missing from", category=UserWarning)
        warnings.filterwarnings(
            "ignore", message=r"Matplotlib currently does not support", category=UserWarning
        )
        fig = Figure(figsize=(width + 3.2, height), dpi=100)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.01, 0.01, width / (width + 3.2) - 0.01, 0.93))
        ax.set_axis_off()
        ax.invert_yaxis()  # page coordinates: y grows downwards
        title = data["title"]
        fig.text(
            0.01,
            0.985,
            _clip(title, 120),
            ha="left",
            va="top",
            fontsize=12,
            fontweight="bold",
            parse_math=False,
        )
        summary = f"{len([i for i in view['items'] if i[0] == 'n'])} nodes"
        n_groups = len([i for i in view["items"] if i[0] == "g"])
        if n_groups:
            summary += f", {n_groups} groups of {data['total_nodes']} nodes (grouped by {data['group_key']})"
        summary += f", {len(view['links'])} links"
        if view["hidden_links"]:
            summary += f" ({view['hidden_links']} lighter links between groups not drawn)"
        fig.text(
            0.01, 0.955, summary, ha="left", va="top", fontsize=9, color="#555555", parse_math=False
        )

        # edges
        edge_index = {(f"n{u}", f"n{v}"): e for e in data["edges"] for u, v in [(e[0], e[1])]}
        relation_colors = data["relation_colors"]
        relations_seen: set[str] = set()
        for a, b in view["links"]:
            (x0, y0), (x1, y1) = pos[a], pos[b]
            e = edge_index.get((a, b))
            if e is not None:
                relation = (strings[e[3]] or "depends-on").split(",")[0]
                relations_seen.add(relation)
                color = relation_colors.get(relation, data["other_relation_color"])
                style = _EDGE_STYLE[e[2]]
                lw = 1.3
            else:
                color, style, lw = "#90a4ae", "solid", 1.0
            bend = abs(x1 - x0) > DX * 1.5 and abs(y1 - y0) < DY * 0.5  # as the page does
            ax.annotate(
                "",
                xy=(x1, y1),
                xytext=(x0, y0),
                arrowprops={
                    "connectionstyle": "arc3,rad=0.25" if bend else "arc3",
                    "arrowstyle": "-|>",
                    "color": color,
                    "linestyle": style,
                    "lw": lw,
                    "shrinkA": 9,
                    "shrinkB": 9,
                    "mutation_scale": 9,
                },
                zorder=1,
            )

        # nodes
        focus = {f"n{i}" for i in data["focus"]}
        for item in view["items"]:
            x, y = pos[item]
            k = int(item[1:])
            if item[0] == "n":
                node = nodes[k]
                color = tier_colors[node[3]]
                marker = "D" if node[4] & 1 else "o"
                size = (node[5] * 0.9) ** 2
                unresolved = bool(node[4] & 2)
                ax.scatter(
                    [x],
                    [y],
                    s=size,
                    c=color,
                    marker=marker,
                    zorder=3,
                    edgecolors="#000000" if unresolved or item in focus else "#37474f",
                    linewidths=2.5 if item in focus else (1.5 if unresolved else 0.8),
                    linestyle="--" if unresolved else "-",
                )
                label = _clip(node[1], _LABEL_CHARS)
                radius = node[5] * 0.45
            else:
                group = groups[k]
                radius = min(60.0, 14 + 5 * math.log2(1 + group["size"])) * 0.45
                ax.scatter(
                    [x],
                    [y],
                    s=(radius * 2) ** 2,
                    c=tier_colors[group["tier"]],
                    marker="s",
                    edgecolors="#263238",
                    linewidths=1.5,
                    zorder=3,
                )
                label = _clip(f"{group['label']} ({group['size']})", _LABEL_CHARS + 8)
            ax.annotate(
                label,
                (x, y),
                xytext=(0, -radius - 3),
                textcoords="offset points",
                ha="center",
                va="top",
                fontsize=7,
                zorder=4,
                parse_math=False,
            )
        pad_x, pad_y = 90.0, 60.0
        ax.set_xlim(min(xs) - pad_x, max(xs) + pad_x)
        ax.set_ylim(max(ys) + pad_y, min(ys) - pad_y)

        # legend
        handles = [
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                markersize=9,
                markerfacecolor=c,
                markeredgecolor="#37474f",
                label=t,
            )
            for t, c in zip(data["tiers"], tier_colors, strict=True)
        ]
        handles += [
            Line2D(
                [],
                [],
                marker="D",
                linestyle="",
                markersize=8,
                markerfacecolor="#b0bec5",
                markeredgecolor="#37474f",
                label="pilot-derived",
            ),
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                markersize=8,
                markerfacecolor="#ffffff",
                markeredgecolor="#000000",
                label="unresolved (dashed)",
            ),
            Line2D([], [], color="#546e7a", linestyle=_EDGE_STYLE[0], label="hard: fails"),
            Line2D([], [], color="#546e7a", linestyle=_EDGE_STYLE[1], label="soft: degrades"),
            Line2D([], [], color="#546e7a", linestyle=_EDGE_STYLE[2], label="fallback: switches"),
        ]
        if n_groups:
            handles.append(
                Line2D(
                    [],
                    [],
                    marker="s",
                    linestyle="",
                    markersize=9,
                    markerfacecolor="#b0bec5",
                    markeredgecolor="#263238",
                    label="group (worst tier)",
                )
            )
        for relation in sorted(relations_seen)[:12]:
            handles.append(
                Line2D(
                    [],
                    [],
                    color=relation_colors.get(relation, data["other_relation_color"]),
                    lw=2,
                    label=_clip(relation, 24),
                )
            )
        legend = fig.legend(
            handles=handles,
            loc="upper right",
            fontsize=8,
            title="size: blast radius; u → v: v depends on u",
            title_fontsize=7,
            frameon=True,
        )
        for t in legend.get_texts():
            t.set_parse_math(False)
        buf = io.BytesIO()
        metadata: dict[str, Any] = {"Date": None} if fmt == "svg" else {}
        fig.savefig(buf, format=fmt, metadata=metadata)
    return buf.getvalue()


def _clip(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"
