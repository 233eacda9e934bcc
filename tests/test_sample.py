"""The bundled sample shows the scaling trap: three pilots at three stages."""

from __future__ import annotations

import datetime as dt

import networkx as nx
from conftest import DATA

import graphgov

AS_OF = dt.date(2026, 11, 26)


def load():
    return graphgov.load(DATA / "org", register=DATA / "register.yaml")


def test_sample_shape():
    G = load()
    assert G.number_of_nodes() >= 60
    kinds = {d["kind"] for _, d in G.nodes(data=True)}
    assert {"service", "dataset", "model", "dashboard", "process"} <= kinds
    strengths = {s for _, _, s in G.edges(data="strength")}
    assert {"hard", "soft", "fallback"} <= strengths
    assert any(d for _, _, d in G.edges(data="since"))
    assert any(len(c) > 1 for c in nx.strongly_connected_components(G))
    assert any(not d.get("owner") for _, d in G.nodes(data=True))
    authorities = [d.get("authority", {}) for _, d in G.nodes(data=True) if d.get("pilot")]
    assert any("termination" not in a for a in authorities)


def test_three_pilots_at_three_stages():
    df = graphgov.analyze(load(), as_of=AS_OF).set_index("node")
    pilots = df[df.pilot]
    assert len(pilots) >= 3
    tiers = dict(pilots["tier"])
    assert tiers["model:churn-forecast"] == "reversible"  # still contained
    assert tiers["model:doc-summariser"] in {"costly", "entrenched"}  # half-integrated
    assert tiers["model:claims-triage-llm"] == "irreversible"  # entrenched
    assert (
        pilots.loc["model:claims-triage-llm", "blast_radius"]
        > pilots.loc["model:doc-summariser", "blast_radius"]
        > pilots.loc["model:churn-forecast", "blast_radius"]
    )
    # derived and shadow production
    assert df.loc["model:claims-severity", "pilot_derived"]
    assert df.loc["model:reserving-model", "shadow_production"]
