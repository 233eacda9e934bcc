"""Termination-capacity verdicts: for every pilot-derived node, can we still switch it off?

A node is **not terminable** when any of these holds (reason codes in brackets):

- its irreversibility is in the top tier, ``top_tier_at`` (75) or more [``top-tier``];
- it is at ``termination_authority_required_at`` (50) or more and names no termination authority
  [``entrenched-without-termination-authority``];
- switching it off fails a node of criticality ``critical_criticality`` (4) or more, and it has no
  credited safe state (declared, and drilled within the drill window) [``critical-failure-without-safe-state``].

It is **conditionally terminable** when none of those holds but one of these does:

- a required decision authority is unnamed (empty or a placeholder such as "TBD": an unnamed
  authority is an absent authority) [``missing-authority-authorized-by``, ``missing-authority-monitored-by``,
  ``missing-authority-recalibration``, ``missing-authority-termination``];
- no assumption is documented [``no-assumptions``], or one was not reviewed within the assumption
  window [``assumptions-not-reviewed``];
- there is no scale-readiness gate record (no ``passed_at`` date on or before the as-of date)
  [``no-readiness-gate``];
- its last switch-off drill is older than the drill window [``stale-drill``], or a safe state is
  declared but was never drilled [``safe-state-never-drilled``];
- at its gradient it reaches the top tier within ``gradient_horizon_quarters`` (2) quarters
  [``gradient-crosses-top-tier``].

Otherwise it is **terminable**. Every reason that holds is listed (not only the worst), each as a
stable code and a sentence; the policy's ``ignore_reasons`` leaves codes out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

import networkx as nx

from ..model import ASSUMPTIONS, AUTHORITY, READINESS_GATE, REVERSIBILITY
from .policy import DEFAULT_POLICY, Policy

TERMINABLE = "terminable"
CONDITIONAL = "conditionally terminable"
NOT_TERMINABLE = "not terminable"
VERDICTS = (TERMINABLE, CONDITIONAL, NOT_TERMINABLE)
RANK = {v: i for i, v in enumerate(VERDICTS)}

ROLE_WORDS = {
    "authorized_by": "authorizing",
    "monitored_by": "monitoring",
    "recalibration": "recalibration",
    "termination": "termination",
}

#: every reason code, and the verdict it leads to
REASONS: dict[str, str] = {
    "top-tier": NOT_TERMINABLE,
    "entrenched-without-termination-authority": NOT_TERMINABLE,
    "critical-failure-without-safe-state": NOT_TERMINABLE,
    "missing-authority-authorized-by": CONDITIONAL,
    "missing-authority-monitored-by": CONDITIONAL,
    "missing-authority-recalibration": CONDITIONAL,
    "missing-authority-termination": CONDITIONAL,
    "no-assumptions": CONDITIONAL,
    "assumptions-not-reviewed": CONDITIONAL,
    "no-readiness-gate": CONDITIONAL,
    "stale-drill": CONDITIONAL,
    "safe-state-never-drilled": CONDITIONAL,
    "gradient-crosses-top-tier": CONDITIONAL,
}


def authority_code(role: str) -> str:
    return "missing-authority-" + role.replace("_", "-")


@dataclass(frozen=True)
class Reason:
    code: str
    sentence: str

    @property
    def verdict(self) -> str:
        return REASONS[self.code]

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "verdict": self.verdict, "sentence": self.sentence}


@dataclass
class Verdict:
    node: Hashable
    verdict: str
    reasons: list[Reason] = field(default_factory=list)
    authorities: dict[str, str | None] = field(default_factory=dict)
    assumptions: list[dict[str, Any]] = field(default_factory=list)
    failure_critical: list[Hashable] = field(default_factory=list)

    @property
    def codes(self) -> list[str]:
        return [r.code for r in self.reasons]

    def as_dict(self) -> dict[str, Any]:
        return {
            "node": self.node,
            "verdict": self.verdict,
            "reasons": [r.as_dict() for r in self.reasons],
            "authorities": dict(self.authorities),
        }


def _num(value: float) -> str:
    return f"{value:g}"


def _date(value: Any) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def failure_critical_nodes(
    G: nx.DiGraph,
    node: Hashable,
    settings: Any,
    as_of: dt.date,
    criticality: int,
    impact_result: Mapping[str, Any] | None = None,
) -> list[Hashable]:
    """Nodes that fail when ``node`` is switched off and whose criticality (unknown: the default) is at least ``criticality``."""
    if impact_result is None:
        from ..analysis.impact import impact

        impact_result = impact(G, cast(str, node), settings, as_of)
    default = int(settings.default_criticality)
    fast = getattr(impact_result["rows"], "failing_at_least", None)
    if fast is not None:  # rows of a core's search, made when read: the arrays say it at once
        return list(fast(criticality, default))
    out = []
    for row in impact_result["rows"]:
        crit = row["criticality"] if row["criticality"] is not None else default
        if row["effect"] == "fails" and crit >= criticality:
            out.append(row["node"])
    return sorted(out, key=str)


def verdict_for(
    G: nx.DiGraph,
    node: Hashable,
    row: Mapping[str, Any],
    settings: Any,
    as_of: dt.date,
    policy: Policy = DEFAULT_POLICY,
    impact_result: Mapping[str, Any] | None = None,
) -> Verdict:
    """The verdict of one pilot-derived node from its metric row (see the module docstring)."""
    data = G.nodes[node]
    reasons: list[Reason] = []
    irr = float(row["irreversibility"])
    authority = data.get(AUTHORITY) or {}
    named = {
        role: policy.named(authority.get(role))
        for role in ("authorized_by", "monitored_by", "recalibration", "termination")
    }

    # --- not terminable
    if irr >= policy.top_tier_at:
        reasons.append(
            Reason(
                "top-tier",
                f"irreversibility {_num(irr)} is in the top tier ({_num(policy.top_tier_at)} or more)",
            )
        )
    if irr >= policy.termination_authority_required_at and named["termination"] is None:
        reasons.append(
            Reason(
                "entrenched-without-termination-authority",
                f"irreversibility {_num(irr)} is {_num(policy.termination_authority_required_at)} or more and no termination authority is named",
            )
        )
    credited = bool(row.get("_safe_state_credited"))
    critical = failure_critical_nodes(
        G, node, settings, as_of, policy.critical_criticality, impact_result
    )
    if critical and not credited:
        shown = ", ".join(map(str, critical[:5])) + (
            f" and {len(critical) - 5} more" if len(critical) > 5 else ""
        )
        reasons.append(
            Reason(
                "critical-failure-without-safe-state",
                f"switching it off fails {len(critical)} node{'s' if len(critical) != 1 else ''} of criticality {policy.critical_criticality} or more ({shown}) and it has no credited safe state",
            )
        )

    # --- conditionally terminable
    for role in policy.required_authorities:
        if named[role] is None:
            raw = authority.get(role)
            how = (
                f"'{raw}' is a placeholder, not a name"
                if raw not in (None, "")
                else "nobody is named"
            )
            reasons.append(Reason(authority_code(role), f"no {ROLE_WORDS[role]} authority: {how}"))
    assumptions = list(data.get(ASSUMPTIONS) or [])
    window = int(policy.assumption_window_days)
    if not assumptions:
        if policy.require_assumptions:
            reasons.append(
                Reason("no-assumptions", "no assumptions are documented, so none can be audited")
            )
    else:
        stale = []
        for a in assumptions:
            day = _date(a.get("last_reviewed"))
            if day is None or day > as_of or (as_of - day).days > window:
                stale.append(a)
        if stale:
            dates = ", ".join(sorted({str(a.get("last_reviewed") or "never") for a in stale}))
            reasons.append(
                Reason(
                    "assumptions-not-reviewed",
                    f"{len(stale)} of {len(assumptions)} assumptions not reviewed within {window} days (last reviewed: {dates})",
                )
            )
    gate = data.get(READINESS_GATE) or {}
    if policy.require_readiness_gate:
        passed = _date(gate.get("passed_at"))
        if passed is None:
            reasons.append(
                Reason("no-readiness-gate", "no scale-readiness gate record (no passed_at date)")
            )
        elif passed > as_of:
            reasons.append(
                Reason(
                    "no-readiness-gate",
                    f"the scale-readiness gate is dated {passed.isoformat()}, after the as-of date",
                )
            )
    rev = data.get(REVERSIBILITY) or {}
    drill = _date(rev.get("last_drill"))
    drill_window = policy.drill_window(settings)
    if drill is not None and drill <= as_of and (as_of - drill).days > drill_window:
        reasons.append(
            Reason(
                "stale-drill",
                f"the last switch-off drill ({drill.isoformat()}) is older than {drill_window} days, so no safe state is credited",
            )
        )
    elif rev.get("safe_state") and (drill is None or drill > as_of):
        reasons.append(
            Reason(
                "safe-state-never-drilled",
                "a safe state is declared but was never drilled, so it is not credited",
            )
        )
    gradient = row.get("gradient")
    if gradient is not None and gradient == gradient:  # known (not None, not NaN)
        from ..analysis.gradient import quarters_to

        # rounded as the quarters_to_irreversible column is, so the reason and the column agree
        q = quarters_to(irr, float(gradient), float(policy.top_tier_at))
        if q is not None and irr < policy.top_tier_at and q <= policy.gradient_horizon_quarters:
            reasons.append(
                Reason(
                    "gradient-crosses-top-tier",
                    f"at {gradient:+g} per quarter it reaches {_num(policy.top_tier_at)} in {q:g} quarters (within {_num(policy.gradient_horizon_quarters)})",
                )
            )

    reasons = [r for r in reasons if r.code not in policy.ignore_reasons]
    worst = max((RANK[r.verdict] for r in reasons), default=0)
    return Verdict(
        node=node,
        verdict=VERDICTS[worst],
        reasons=reasons,
        authorities=named,
        assumptions=[dict(a) for a in assumptions],
        failure_critical=critical,
    )


def verdicts(
    G: nx.DiGraph,
    rows: Mapping[Hashable, Mapping[str, Any]],
    settings: Any,
    as_of: dt.date,
    policy: Policy = DEFAULT_POLICY,
    impacts: Mapping[Hashable, Mapping[str, Any]] | None = None,
) -> dict[Hashable, Verdict]:
    """Verdicts of every pilot-derived node, keyed by node (sorted by id)."""
    out = {}
    for n in sorted((n for n, r in rows.items() if r["pilot_derived"]), key=str):
        out[n] = verdict_for(G, n, rows[n], settings, as_of, policy, (impacts or {}).get(n))
    return out


def worse(old: str | None, new: str) -> bool:
    """Did the verdict get worse?

    >>> worse("terminable", "not terminable"), worse("not terminable", "terminable"), worse(None, "terminable")
    (True, False, False)
    """
    return old is not None and RANK[new] > RANK[old]
