"""The termination plan: every step checked by re-running the real metrics and verdicts on changed
inputs (a changed register file read by graphgov.load), the minimum cut checked against brute force."""

from __future__ import annotations

import itertools
import json
import random

import networkx as nx
import pytest
import yaml
from conftest import DATA

import graphgov
from graphgov.analysis.plan import hard_subgraph, minimum_hard_cut, plan

AS_OF = "2026-11-30"
TRIAGE = "model:claims-triage-llm"


def sample(register=None):
    settings = graphgov.load_settings(None, {"as_of": AS_OF})
    return graphgov.load(
        DATA / "org", register=register or DATA / "register.yaml", settings=settings
    )


def merged_register(tmp_path, fragments, name="changed.yaml"):
    """The sample register with fragments applied by hand (fields replaced, dependencies appended),
    written as a new register file: the 'changed inputs' of a plan."""
    reg = yaml.safe_load((DATA / "register.yaml").read_text())
    for frag in fragments:
        for key, fields in (frag.get("systems") or {}).items():
            entry = reg["systems"].setdefault(key, {})
            for field, value in fields.items():
                if isinstance(value, dict):
                    entry[field] = {**(entry.get(field) or {}), **value}
                else:
                    entry[field] = value
        reg.setdefault("dependencies", []).extend(frag.get("dependencies") or [])
    path = tmp_path / name
    path.write_text(yaml.safe_dump(reg, sort_keys=True))
    return path


def verdict_of(G, node):
    """The verdict and score from graphgov's public review function, nothing from plan.py."""
    data = graphgov.write_review(G)
    system = next(s for s in data["systems"] if s["node"] == node)
    return (
        system["verdict"],
        system["metrics"]["irreversibility"],
        [r["code"] for r in system["reasons"]],
    )


def test_triage_plan_steps_equal_a_rerun_on_the_changed_inputs(tmp_path):
    G = sample()
    result = plan(G, TRIAGE)
    assert result["before"]["verdict"] == "not terminable"
    steps = result["steps"]
    assert steps and steps[-1]["verdict"] == "terminable"
    assert all(s["verdict"] != "terminable" for s in steps[:-1])  # shortest: nothing ends earlier
    fragments, removed = [], []
    for i, step in enumerate(steps):
        if "register" in step:
            assert not removed, "register steps come before decoupling"
            fragments.append(step["register"])
        else:
            removed.extend(tuple(e) for e in step["remove_edges"])
        H = sample(merged_register(tmp_path, fragments, f"step{i}.yaml"))
        H.remove_edges_from(removed)
        verdict, irr, codes = verdict_of(H, TRIAGE)
        assert (verdict, irr, codes) == (
            step["verdict"],
            step["irreversibility"],
            step["reason_codes"],
        ), step["action"]
        assert (
            graphgov.analyze(H).set_index("node").loc[TRIAGE, "failure_set"] == step["failure_set"]
        )


def test_every_plan_step_is_needed():
    """Leaving any one step out (re-simulated by the public functions) no longer ends terminable."""
    G = sample()
    steps = plan(G, TRIAGE)["steps"]
    from graphgov.analysis.plan import apply_records, fragment_records

    for skip in range(len(steps)):
        H = G
        for i, step in enumerate(steps):
            if i == skip:
                continue
            if "register" in step:
                H = apply_records(H, fragment_records(step["register"]))
            else:
                H = H.copy()
                H.remove_edges_from(tuple(e) for e in step["remove_edges"])
        assert verdict_of(H, TRIAGE)[0] != "terminable", steps[skip]["action"]


def test_greedy_decoupling_takes_the_largest_reduction_first():
    # p has three direct dependents; decoupling the one carrying the heavy chain lowers the score most
    G = nx.DiGraph()
    G.add_node(
        "p",
        pilot=True,
        criticality=2,
        authority=dict.fromkeys(
            ("authorized_by", "monitored_by", "recalibration", "termination"), "Board"
        ),
        assumptions=[{"statement": "s", "last_reviewed": "2026-11-01"}],
        readiness_gate={"passed_at": "2026-01-01"},
        reversibility={"safe_state": "off", "last_drill": "2026-11-01"},
    )
    chain = [f"c{i}" for i in range(8)]
    for a, b in itertools.pairwise(["heavy", *chain]):
        G.add_edge(a, b, strength="hard")
    for i, n in enumerate(chain):
        G.add_node(n, criticality=5, owner=f"team{i}", kind="dashboard" if i % 2 else "service")
    G.add_edge("p", "heavy", strength="hard")
    G.add_edge("p", "light", strength="hard")
    G.add_edge("p", "mid", strength="hard")
    G.add_edge("mid", "m2", strength="hard")
    settings = graphgov.load_settings(None, {"as_of": AS_OF, "weight_age": 0})
    from graphgov.review.policy import Policy

    result = plan(G, "p", settings, Policy(top_tier_at=40, termination_authority_required_at=40))
    assert result["before"]["reason_codes"] == ["top-tier"]
    targets = [s["remove_edges"][0][1] for s in result["steps"]]
    assert targets[0] == "heavy"
    assert result["steps"][-1]["verdict"] == "terminable"
    assert result["steps"][-1]["irreversibility"] < 40


def test_doc_summariser_plan_is_one_drill():
    result = plan(sample(), "Document summariser (LLM)")
    assert result["node"] == "model:doc-summariser"
    assert [s["code"] for s in result["steps"]] == ["stale-drill"]
    assert result["steps"][0]["verdict"] == "terminable"
    assert result["decoupling"] is None  # nothing critical fails


def test_decoupling_edges_as_a_register_fragment_remove_every_critical_failure(tmp_path):
    G = sample()
    result = plan(G, TRIAGE)
    d = result["decoupling"]
    assert d is not None and d["edges"]
    frag = {
        "dependencies": [{"source": u, "target": v, "strength": "fallback"} for u, v in d["edges"]]
    }
    H = sample(merged_register(tmp_path, [frag]))
    verdict, irr, codes = verdict_of(H, TRIAGE)
    assert (verdict, irr) == (d["verdict"], d["irreversibility"])
    assert "critical-failure-without-safe-state" not in codes
    assert "critical-failure-without-safe-state" in result["before"]["reason_codes"]


def brute_force_cut(G, node, targets):
    H = hard_subgraph(G)
    edges = sorted(H.edges, key=str)
    for k in range(len(edges) + 1):
        for combo in itertools.combinations(edges, k):
            R = H.copy()
            R.remove_edges_from(combo)
            reach = nx.descendants(R, node)
            if not any(t in reach for t in targets):
                return k
    raise AssertionError("unreachable")


@pytest.mark.parametrize("seed", range(40))
def test_minimum_cut_equals_brute_force(seed):
    rng = random.Random(seed)
    n = rng.randint(4, 8)
    G = nx.DiGraph()
    G.add_nodes_from(range(n))
    for u, v in itertools.permutations(range(n), 2):
        if rng.random() < 0.3:
            G.add_edge(u, v, strength=rng.choice(["hard", "hard", "soft", "fallback"]))
    reach = nx.descendants(hard_subgraph(G), 0)
    if not reach:
        G.add_edge(0, 1, strength="hard")
        reach = {1}
    targets = rng.sample(sorted(reach), k=min(len(reach), rng.randint(1, 3)))
    cut = minimum_hard_cut(G, 0, targets)
    assert len(cut) == brute_force_cut(G, 0, targets)
    R = hard_subgraph(G)
    R.remove_edges_from(cut)
    assert not set(targets) & nx.descendants(R, 0)
    assert all(G.edges[e]["strength"] == "hard" for e in cut)


def test_plan_json_has_the_documented_shape(cli):
    r = cli(
        "plan",
        TRIAGE,
        DATA / "org",
        "--register",
        DATA / "register.yaml",
        "--as-of",
        AS_OF,
        "-q",
        "--format",
        "json",
    )
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert set(data) == {"node", "before", "steps", "decoupling"}
    assert set(data["before"]) == {"verdict", "irreversibility", "reason_codes"}
    for step in data["steps"]:
        assert set(step) == {"action", "code", "verdict", "irreversibility", "failure_set"}
    assert data["steps"][-1]["verdict"] == "terminable"
    assert set(data["decoupling"]) == {"edges", "verdict", "irreversibility"}
    assert all(len(e) == 2 for e in data["decoupling"]["edges"])


def test_what_if_shows_the_state_after_the_fragment(cli, write, tmp_path):
    frag = write(
        "whatif.yaml",
        "systems:\n  model:claims-triage-llm:\n    authority: {termination: Head of Claims, recalibration: claims-ml}\n",
    )
    r = cli(
        "plan",
        TRIAGE,
        DATA / "org",
        "--register",
        DATA / "register.yaml",
        "--as-of",
        AS_OF,
        "-q",
        "--format",
        "json",
        "--what-if",
        frag,
    )
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    after = data["what_if"]
    H = sample(merged_register(tmp_path, [yaml.safe_load(frag.read_text())]))
    verdict, irr, codes = verdict_of(H, TRIAGE)
    assert (after["verdict"], after["irreversibility"], after["reason_codes"]) == (
        verdict,
        irr,
        codes,
    )
    assert "missing-authority-termination" in data["before"]["reason_codes"]
    assert "missing-authority-termination" not in after["reason_codes"]
    assert not any(s["code"].startswith("missing-authority") for s in data["steps"])


def test_what_if_with_an_unknown_node_names_the_line(cli, write):
    frag = write(
        "whatif.yaml",
        "systems:\n  model:claims-triage-llm:\n    pilot: true\n  model:ghost:\n    pilot: true\n",
    )
    r = cli(
        "plan",
        TRIAGE,
        DATA / "org",
        "--register",
        DATA / "register.yaml",
        "--as-of",
        AS_OF,
        "-q",
        "--what-if",
        frag,
    )
    assert r.exit_code == 3
    assert "whatif.yaml:4" in r.output and "model:ghost" in r.output


def test_plan_of_a_node_that_is_not_pilot_derived_is_refused(cli):
    r = cli(
        "plan", "service:claims-routing", DATA / "org", "--register", DATA / "register.yaml", "-q"
    )
    assert r.exit_code == 3
    assert "not pilot-derived" in r.output


def test_plan_text_lists_the_steps(cli):
    r = cli(
        "plan", TRIAGE, DATA / "org", "--register", DATA / "register.yaml", "--as-of", AS_OF, "-q"
    )
    assert r.exit_code == 0, r.output
    assert "1. name the termination authority" in r.stdout
    assert "minimum cut of 2 hard edges" in r.stdout


def test_review_holds_the_plan_of_every_system_not_terminable(cli, tmp_path):
    import csv

    out = tmp_path / "rev"
    r = cli(
        "review",
        DATA / "org",
        "--register",
        DATA / "register.yaml",
        "--as-of",
        AS_OF,
        "-o",
        out,
        "-q",
    )
    assert r.exit_code == 0, r.output
    with open(out / "review.csv", encoding="utf-8-sig", newline="") as fh:
        rows = {row["node"]: row for row in csv.DictReader(fh)}
    G = sample()
    for node, row in rows.items():
        if row["verdict"] == "terminable":
            assert row["plan_steps"] == "0" and row["plan"] == ""
            continue
        p = plan(G, node)
        assert int(row["plan_steps"]) == len(p["steps"]) > 0
        assert row["plan"].endswith(f"-> terminable {p['steps'][-1]['irreversibility']:g}")
    html = (out / "review.html").read_text(encoding="utf-8")
    assert html.count("<h4>Termination plan</h4>") == sum(
        1 for r in rows.values() if r["verdict"] != "terminable"
    )
    assert "decouple job:triage-batch" in (out / "review.md").read_text(encoding="utf-8")


def _random_estate(seed):
    """A random graph with cycles, soft and hard edges, criticalities, owners, pilots, derived_from
    chains, safe states and authorities, plus parts that have nothing to do with the pilots."""
    rng = random.Random(seed)
    G = nx.DiGraph()
    n = 40
    for i in range(n):
        data = {"kind": rng.choice(["model", "dataset", "dashboard", "service"]), "name": f"n{i}"}
        if rng.random() < 0.6:
            data["criticality"] = rng.randint(1, 5)
        if rng.random() < 0.5:
            data["owner"] = f"team-{rng.randint(0, 4)}"
        if i % 9 == 0:
            data["pilot"] = True
            data["scaled_at"] = f"2026-0{rng.randint(1, 9)}-01"
            data["authority"] = {"authorized_by": "board"} if rng.random() < 0.5 else {}
            if rng.random() < 0.4:
                data["reversibility"] = {"safe_state": "manual queue", "last_drill": "2026-10-01"}
        G.add_node(f"n{i}", **data)
    for _ in range(90):
        u, v = rng.randrange(n), rng.randrange(n)
        if u != v:
            G.add_edge(f"n{u}", f"n{v}", strength=rng.choice(["hard", "hard", "soft", "fallback"]))
    for i in range(3, n, 13):  # derived from a pilot that it is not connected to
        G.nodes[f"n{i}"]["derived_from"] = [f"n{(i // 9) * 9}"]
    G.graph["settings"] = graphgov.load_settings(None, {"as_of": AS_OF})
    return G


@pytest.mark.parametrize("seed", range(3))
def test_plan_on_the_neighbourhood_equals_the_plan_on_the_whole_graph(seed, monkeypatch):
    """Plans re-simulate on the node's neighbourhood (what depends on it, what it depends on and
    the derived_from chains), each evaluation on its dependents only and its metric part once per
    distinct state: the same plan as re-simulating on the whole graph every time."""
    import graphgov.analysis.plan as plan_module
    from graphgov.analysis.table import node_metrics

    G = _random_estate(seed)
    rows = node_metrics(G)
    derived = [n for n in sorted(G) if rows[n]["pilot_derived"]]
    assert derived
    local = {n: plan(G, n) for n in derived}
    assert any(plan_module.neighbourhood(G, n).number_of_nodes() < len(G) for n in derived)
    # from the whole graph's columnar core (what the review gives): the same plans
    import graphgov.engine.metrics as metrics_module
    from graphgov.engine.core import from_networkx

    shared: list[bool] = []
    share = metrics_module.Reaches._share

    def spy(self, *args):  # the minimum cut's fallback state shares the series' bitsets
        shared.append(share(self, *args))
        return shared[-1]

    monkeypatch.setattr(metrics_module.Reaches, "_share", spy)
    core = from_networkx(G)
    assert {n: plan(G, n, core=core) for n in derived} == local
    if any(p["decoupling"] for p in local.values()):
        assert shared and all(shared)
    monkeypatch.undo()
    monkeypatch.setattr(plan_module, "neighbourhood", lambda G, node: G)
    monkeypatch.setattr(plan_module, "downstream", lambda G, node: G)
    evaluate = plan_module.evaluate
    monkeypatch.setattr(  # and nothing reused between evaluations
        plan_module, "evaluate", lambda *a, **k: evaluate(*a[:6], cache=None)
    )
    whole = {n: plan(G, n) for n in derived}
    assert local == whole
    assert any(p["steps"] for p in whole.values())


@pytest.mark.parametrize("seed", range(40))
def test_minimum_cut_on_the_core_equals_networkx(seed):
    """scipy's maximum flow on the core gives networkx's cut, edge for edge, on random graphs
    with cycles, antiparallel and soft edges, and random critical targets."""
    import random

    import networkx as nx

    from graphgov.analysis.plan import minimum_hard_cut, minimum_hard_cut_core
    from graphgov.engine.core import from_networkx

    rng = random.Random(seed)
    n = rng.randint(3, 60)
    G = nx.DiGraph()
    G.add_nodes_from(f"v{i}" for i in range(n))
    for _ in range(rng.randint(n, 4 * n)):
        u, v = f"v{rng.randrange(n)}", f"v{rng.randrange(n)}"
        G.add_edge(u, v, strength=rng.choice(["hard", "hard", "hard", "soft", "fallback"]))
    core = from_networkx(G)
    for _ in range(5):
        node = f"v{rng.randrange(n)}"
        targets = rng.sample(sorted(G), rng.randint(1, min(n, 8)))
        assert minimum_hard_cut_core(core, node, targets) == minimum_hard_cut(G, node, targets)


@pytest.mark.parametrize("seed", range(3))
def test_parts_made_ahead_on_a_thread_give_the_same_plans(seed):
    """The review makes each pilot's part (and its bitsets) on another thread while it plans the
    previous one: the same plans as parts made in turn."""
    import os
    import threading

    import graphgov.analysis.plan as plan_module
    from graphgov.analysis.table import node_metrics
    from graphgov.engine import kernels as K
    from graphgov.engine.core import from_networkx

    K.compile_kernels()  # the threaded path runs on compiled kernels
    G = _random_estate(seed)
    rows = node_metrics(G)
    derived = [n for n in sorted(G) if rows[n]["pilot_derived"]]
    core = from_networkx(G)
    index = core.index()
    made: list[str] = []
    make = plan_module.make_part

    def spy(*args, **kwargs):
        made.append(threading.current_thread().name)
        return make(*args, **kwargs)

    plan_module.make_part = spy
    try:
        parts = list(plan_module.parts_ahead(core, [index[n] for n in derived]))
    finally:
        plan_module.make_part = make
    if len(derived) > 1 and (os.cpu_count() or 1) > 1:
        assert all(name.startswith("graphgov-plans") for name in made)
    assert [p.node for p in parts] == derived
    ahead = {n: plan(G, n, core=core, part=p) for n, p in zip(derived, parts, strict=True)}
    assert ahead == {n: plan(G, n, core=core) for n in derived}
