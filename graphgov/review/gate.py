"""The gate: policy rules evaluated over the graph, for CI. Exit 1 when a rule is broken.

Rules (enable them in the policy's ``gate.rules``; the first three are on by default):

``GG001 termination-authority-above-tier``
    A pilot-derived node in ``gate.authority_tier`` (default entrenched) or a higher tier must name
    a termination authority. One finding per node.
``GG002 shadow-production-without-gate``
    A production or critical node may depend on a pilot-derived node only when that node has a
    scale-readiness gate record (a ``passed_at`` date on or before the as-of date). One finding per
    (production node, ungated pilot-derived ancestor), with the path.
``GG003 critical-hard-dependent``
    A pilot-derived node may not have hard dependents (its failure set) of criticality
    ``critical_criticality`` (4) or more, unless it has a credited safe state. One finding per
    (pilot-derived node, critical dependent), with the path.
``GG004 not-terminable``
    A pilot-derived node whose verdict is *not terminable*. One finding per node.

With a baseline snapshot, each finding is compared by its fingerprint (rule, node, related node)
with the findings of the baseline's graph (scored at its own date with the same settings and
policy): findings already there are ``unchanged`` and do not fail the gate; only ``new`` ones do.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import networkx as nx

from ..analysis.paths import bfs
from ..model import PROVENANCE, READINESS_GATE
from ..settings import Settings, default_settings
from .policy import DEFAULT_POLICY, GATE_RULES, TIERS, Policy
from .snapshot import Snapshot

RULE_TEXT = {
    "termination-authority-above-tier": "A pilot-derived node at or above the policy's tier must name a termination authority.",
    "shadow-production-without-gate": "No production or critical node may depend on a pilot-derived node that has no scale-readiness gate record.",
    "critical-hard-dependent": "No pilot-derived node may have hard dependents of high criticality without a credited safe state.",
    "not-terminable": "No pilot-derived node may be not terminable.",
}

#: what to do about each rule, shown as the rule's help in code-scanning tools
RULE_HELP = {
    "termination-authority-above-tier": "Name who may switch the system off: set authority.termination in the governance register (or the inventory) for the node, or lower its irreversibility.",
    "shadow-production-without-gate": "Record the scale-readiness gate of the pilot-derived node (readiness_gate.passed_at and approved_by in the register), or remove the production dependency on it.",
    "critical-hard-dependent": "Give the pilot-derived node a drilled safe state (reversibility.safe_state and a last_drill within the drill window), or make the critical dependents' edges soft or fallback.",
    "not-terminable": "Work through the verdict's reasons in `graphgov review`: name the authorities, record the readiness gate, document and review the assumptions, drill the safe state.",
}


@dataclass(frozen=True)
class Finding:
    rule: str
    node: Hashable
    message: str
    related: Hashable | None = None
    state: str = "new"  # new | unchanged (only meaningful with a baseline)

    @property
    def rule_id(self) -> str:
        return GATE_RULES[self.rule]

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.rule, str(self.node), "" if self.related is None else str(self.related))

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(
            "\x1f".join(self.key).encode("utf-8", "backslashreplace")
        ).hexdigest()[:32]

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "rule_id": self.rule_id,
            "node": self.node,
            "related": self.related,
            "message": self.message,
            "state": self.state,
            "fingerprint": self.fingerprint,
        }


def _gated(G: nx.DiGraph, node: Hashable, policy: Policy, as_of: dt.date) -> bool:
    gate = G.nodes[node].get(READINESS_GATE) or {}
    passed = gate.get("passed_at")
    return bool(passed) and str(passed)[:10] <= as_of.isoformat()


def findings(
    G: nx.DiGraph,
    settings: Settings | None = None,
    policy: Policy | None = None,
    as_of: dt.date | None = None,
    rows: Mapping[Hashable, Mapping[str, Any]] | None = None,
) -> list[Finding]:
    """Every broken rule of ``policy`` in ``G`` (all marked ``new``), sorted."""
    from ..flatten import rich

    G = rich(G)  # a loaded graph holds JSON text for its structured values
    from ..analysis.impact import impact
    from ..analysis.table import node_metrics
    from .verdict import NOT_TERMINABLE, failure_critical_nodes, verdict_for

    policy = policy or DEFAULT_POLICY
    settings = policy.settings_for(settings or G.graph.get("settings") or default_settings())
    as_of = as_of or settings.today
    if rows is None:
        rows = node_metrics(G, settings, as_of)
    derived = sorted((n for n, r in rows.items() if r["pilot_derived"]), key=str)
    rules = set(policy.gate_rules)
    out: list[Finding] = []
    if "termination-authority-above-tier" in rules:
        floor = TIERS.index(policy.gate_authority_tier)
        for n in derived:
            r = rows[n]
            if (
                TIERS.index(r["tier"]) >= floor
                and policy.named((G.nodes[n].get("authority") or {}).get("termination")) is None
            ):
                out.append(
                    Finding(
                        "termination-authority-above-tier",
                        n,
                        f"pilot-derived {n} is {r['tier']} (irreversibility {r['irreversibility']:g}) and names no termination authority",
                    )
                )
    if "shadow-production-without-gate" in rules:
        shadow = {n for n, r in rows.items() if r["shadow_production"]}
        if shadow:
            for p in derived:
                if _gated(G, p, policy, as_of):
                    continue
                tree = bfs(G.successors, p)  # one traversal per ungated pilot-derived node
                for s in sorted(shadow.intersection(tree.parent), key=str):
                    path = tree.text(s)
                    out.append(
                        Finding(
                            "shadow-production-without-gate",
                            s,
                            f"production node {s} depends on pilot-derived {p}, which has no scale-readiness gate record ({path})",
                            related=p,
                        )
                    )
    impacts: dict[Hashable, Any] = {}
    if "critical-hard-dependent" in rules:
        for n in derived:
            impacts[n] = impact(G, cast(str, n), settings, as_of)
            paths = {r["node"]: r["path"] for r in impacts[n]["rows"]}
            for d in failure_critical_nodes(
                G, n, settings, as_of, policy.critical_criticality, impacts[n]
            ):
                out.append(
                    Finding(
                        "critical-hard-dependent",
                        n,
                        f"pilot-derived {n} has a hard dependent of criticality {policy.critical_criticality} or more without a credited safe state: {paths[d]}",
                        related=d,
                    )
                )
    if "not-terminable" in rules:
        for n in derived:
            v = verdict_for(G, n, rows[n], settings, as_of, policy, impacts.get(n))
            if v.verdict == NOT_TERMINABLE:
                out.append(
                    Finding(
                        "not-terminable",
                        n,
                        f"pilot-derived {n} is not terminable: "
                        + "; ".join(r.sentence for r in v.reasons if r.verdict == NOT_TERMINABLE),
                    )
                )
    out.sort(key=lambda f: (f.rule_id, f.key))
    return out


def evaluate(
    G: nx.DiGraph,
    settings: Settings | None = None,
    policy: Policy | None = None,
    baseline: Snapshot | None = None,
    as_of: dt.date | None = None,
    *,
    select: Any = None,
    exclude: Any = None,
) -> dict[str, Any]:
    """Run the gate. Returns ``{"findings", "failed", "counts", ...}``; ``failed`` is what exit status 1 means.

    ``select`` / ``exclude`` (selection expressions) keep the findings about those nodes: a finding
    is kept when its node, or the node it relates to, is selected."""
    from ..flatten import rich

    G = rich(G)  # a loaded graph holds JSON text for its structured values
    from .snapshot import rescore

    policy = policy or DEFAULT_POLICY
    settings = policy.settings_for(settings or G.graph.get("settings") or default_settings())
    as_of = as_of or settings.today
    found = findings(G, settings, policy, as_of)
    if baseline is not None:
        base_rows, _ = rescore(baseline, settings, policy)
        old = {f.key for f in findings(baseline.graph, settings, policy, baseline.as_of, base_rows)}
        found = [
            Finding(f.rule, f.node, f.message, f.related, "unchanged" if f.key in old else "new")
            for f in found
        ]
    if select or exclude:
        from ..analysis.selection import select as select_nodes

        chosen = select_nodes(G, select, exclude, settings=settings)
        found = [f for f in found if f.node in chosen or f.related in chosen]
    new = sum(1 for f in found if f.state == "new")
    return {
        "as_of": as_of.isoformat(),
        "policy": policy.source,
        "rules": list(policy.gate_rules),
        "baseline": {"path": baseline.path, "as_of": baseline.as_of.isoformat()}
        if baseline is not None
        else None,
        "findings": found,
        "counts": {"total": len(found), "new": new, "unchanged": len(found) - new},
        "failed": new > 0,
        "inputs": list(G.graph.get("inputs") or []),
        "graph": G,
    }


def render_text(result: Mapping[str, Any]) -> str:
    lines = []
    with_base = result["baseline"] is not None
    for f in result["findings"]:
        state = f"{f.state:<9} " if with_base else ""
        lines.append(f"{state}{f.rule_id} {f.rule}: {f.message}")
    c = result["counts"]
    verdict = "FAIL" if result["failed"] else "ok"
    if with_base:
        lines.append(
            f"{verdict}: {c['new']} new violation(s), {c['unchanged']} unchanged since {result['baseline']['path']} ({result['baseline']['as_of']}); rules: {', '.join(result['rules'])}"
        )
    else:
        lines.append(f"{verdict}: {c['total']} violation(s); rules: {', '.join(result['rules'])}")
    return "\n".join(lines) + "\n"


def render_json(result: Mapping[str, Any]) -> str:
    from ..reports.tables import to_json

    payload = {k: v for k, v in result.items() if k not in ("graph", "findings")}
    payload["findings"] = [f.as_dict() for f in result["findings"]]
    return to_json(payload)


def _location(G: nx.DiGraph, node: Hashable, root: str | None = None) -> dict[str, Any]:
    """The node's logical location, and the physical one of its first provenance entry that
    carries a structured place (:class:`graphgov.errors.Where`: file, line, column as values;
    issue 13: never parsed back from the text), with its line when it has one (a JSON path
    has none)."""
    from ..errors import place_of

    loc: dict[str, Any] = {
        "logicalLocations": [{"name": str(node), "fullyQualifiedName": str(node), "kind": "object"}]
    }
    places = (G.nodes[node].get(PROVENANCE) or []) if node in G else []
    found = [p for p in map(place_of, places) if p is not None and p.file]
    if found:
        place = found[0]
        physical: dict[str, Any] = {"artifactLocation": _artifact(place.file, root)}
        if place.line is not None:
            region: dict[str, int] = {"startLine": max(1, int(place.line))}
            if place.column is not None:
                region["startColumn"] = max(1, int(place.column))
            physical["region"] = region
        loc["physicalLocation"] = physical
    return loc


def _uri(path: str) -> str:
    """A URI reference for a file path: percent-encoded from the path's bytes, so a file name
    that is not UTF-8 (Latin-1, read as surrogate escapes) is written exactly, never an error.

    >>> _uri("a b/c.csv"), _uri("caf\\udce9.csv")
    ('a%20b/c.csv', 'caf%E9.csv')
    """
    from urllib.parse import quote

    return quote(os.fsencode(path.replace("\\", "/")), safe="/._-~")


SRCROOT = "SRCROOT"


def _artifact(path: str, root: str | None) -> dict[str, Any]:
    """``{"uri": relative, "uriBaseId": "SRCROOT"}`` for a file under ``root`` (what code-scanning
    tools map to the repository), else an absolute ``file://`` URI."""
    p = Path(path)
    base = Path(root or os.getcwd()).resolve()
    try:
        rel = p.resolve().relative_to(base)
    except (ValueError, OSError):
        return {"uri": "file://" + _uri(p.resolve().as_posix())}
    return {"uri": _uri(rel.as_posix()), "uriBaseId": SRCROOT}


def _root_uri(root: str | None) -> str:
    return "file://" + _uri(Path(root or os.getcwd()).resolve().as_posix().rstrip("/") + "/")


def render_sarif(result: Mapping[str, Any], root: str | None = None) -> str:
    """SARIF 2.1.0 (validates against the OASIS schema). File locations are relative to ``root``
    (default: the current folder), declared as ``originalUriBaseIds.SRCROOT``."""
    from .. import __version__
    from ..reports.tables import to_json

    G = result["graph"]
    rule_names = list(GATE_RULES)
    rules = [
        {
            "id": GATE_RULES[name],
            "name": "".join(part.capitalize() for part in name.split("-")),
            "shortDescription": {"text": name},
            "fullDescription": {"text": RULE_TEXT[name]},
            "help": {"text": f"{RULE_TEXT[name]} {RULE_HELP[name]}"},
            "defaultConfiguration": {"level": "error", "enabled": name in result["rules"]},
        }
        for name in rule_names
    ]
    results = []
    for f in result["findings"]:
        item: dict[str, Any] = {
            "ruleId": f.rule_id,
            "ruleIndex": rule_names.index(f.rule),
            "level": "error" if f.state == "new" else "note",
            "message": {"text": f.message},
            "locations": [_location(G, f.node, root)],
            "partialFingerprints": {"graphgovFinding/v1": f.fingerprint},
        }
        if result["baseline"] is not None:
            item["baselineState"] = f.state
        results.append(item)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "graphgov",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": rules,
            }
        },
        "results": results,
        "originalUriBaseIds": {SRCROOT: {"uri": _root_uri(root)}},
        "columnKind": "unicodeCodePoints",
        "properties": {
            "asOf": result["as_of"],
            "policy": result["policy"],
            "failed": result["failed"],
        },
    }
    artifacts = [
        {"location": _artifact(str(i["path"]), root), "hashes": {"sha-256": i["sha256"]}}
        for i in result["inputs"]
        if i.get("path") and i.get("sha256")
    ]
    if artifacts:
        run["artifacts"] = artifacts
    return to_json(
        {
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [run],
        }
    )
