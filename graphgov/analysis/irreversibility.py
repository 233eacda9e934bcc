"""The irreversibility score: a weighted mean of six saturating factors, each in [0, 1].

::

    f_reach  = min(1, ln(1 + k·w / reach_saturation) / ln(1 + k))
               w = blast_radius_weighted (a fixed saturation point: reading unrelated inputs
               never changes a node's f_reach)
    f_hard   = failure_set / blast_radius                 (0 when blast_radius is 0)
    f_depth  = min(1, integration_depth / depth_saturation)
    f_sinks  = min(1, decision_sinks / sinks_saturation)
    f_spread = min(1, owners_affected / spread_saturation)
    f_age    = min(1, days_in_production / age_saturation_days)   (0 when unknown)

    irreversibility = 100 · Σ wᵢ·fᵢ / Σ wᵢ       (rounded to 0.1)
    tier: reversible < tier_costly ≤ costly < tier_entrenched ≤ entrenched < tier_irreversible ≤ irreversible

Time in production starts at the node's ``scaled_at`` date, else at the earliest ``since`` date of
its outgoing edges (when its first dependent was seen); with neither it is unknown.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Hashable
from typing import TYPE_CHECKING

from ..model import SCALED_AT, SINCE, Tier
from ..settings import Settings

if TYPE_CHECKING:
    import networkx as nx

FACTORS = ("f_reach", "f_hard", "f_depth", "f_sinks", "f_spread", "f_age")
WEIGHT_OF = {
    "f_reach": "weight_reach",
    "f_hard": "weight_hard",
    "f_depth": "weight_depth",
    "f_sinks": "weight_sinks",
    "f_spread": "weight_spread",
    "f_age": "weight_age",
}


def production_start(G: nx.DiGraph, as_of: dt.date) -> dict[Hashable, tuple[dt.date, str] | None]:
    """When each node entered production, and how that is known (``scaled_at`` or ``first dependent``)."""
    out: dict[Hashable, tuple[dt.date, str] | None] = {}
    for n, data in G.nodes(data=True):
        scaled = data.get(SCALED_AT)
        if scaled:
            out[n] = (dt.date.fromisoformat(scaled), "scaled_at")
            continue
        dates = [d for _, _, d in G.out_edges(n, data=SINCE) if d]
        out[n] = (dt.date.fromisoformat(min(dates)), "first dependent seen") if dates else None
    return out


def saturate(value: float, at: float) -> float:
    """Linear up to ``at``, then 1.

    >>> saturate(3, 6), saturate(9, 6), saturate(0, 6)
    (0.5, 1.0, 0.0)
    """
    return min(1.0, max(0.0, value / at))


def factors(
    *,
    blast_radius: int,
    weighted: int,
    failure: int,
    depth: int,
    sinks: int,
    owners: int,
    days: int | None,
    settings: Settings,
) -> dict[str, float]:
    k = float(settings.reach_log_scale)
    f_reach = min(1.0, math.log1p(k * weighted / float(settings.reach_saturation)) / math.log1p(k))
    return {
        "f_reach": f_reach,
        "f_hard": failure / blast_radius if blast_radius else 0.0,
        "f_depth": saturate(depth, settings.depth_saturation),
        "f_sinks": saturate(sinks, settings.sinks_saturation),
        "f_spread": saturate(owners, settings.spread_saturation),
        "f_age": saturate(days, settings.age_saturation_days) if days is not None else 0.0,
    }


def score(f: dict[str, float], settings: Settings) -> float:
    weights = {name: float(getattr(settings, WEIGHT_OF[name])) for name in FACTORS}
    total = sum(weights.values())
    return round(100.0 * sum(weights[n] * f[n] for n in FACTORS) / total, 1)


def tier(value: float, settings: Settings) -> str:
    if value >= settings.tier_irreversible:
        return Tier.IRREVERSIBLE.value
    if value >= settings.tier_entrenched:
        return Tier.ENTRENCHED.value
    if value >= settings.tier_costly:
        return Tier.COSTLY.value
    return Tier.REVERSIBLE.value


def days_in_production(start: tuple[dt.date, str] | None, as_of: dt.date) -> int | None:
    if start is None:
        return None
    return max(0, (as_of - start[0]).days)
