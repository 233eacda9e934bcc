"""Verdicts and reason codes, one small scenario each, worked out by hand.

Only integration depth weighs (saturation 4), so the irreversibility of a node is 25 × its depth:
one layer of dependents is 25 (costly), two 50 (entrenched), three 75 (irreversible).
"""

from __future__ import annotations

import copy
import datetime as dt

import networkx as nx
import pytest

from graphgov.analysis.table import node_metrics
from graphgov.errors import ConfigError, ParseError
from graphgov.review.policy import DEFAULT_POLICY, load_policy, policy_from_dict
from graphgov.review.verdict import CONDITIONAL, NOT_TERMINABLE, REASONS, TERMINABLE, verdicts
from graphgov.settings import default_settings

AS_OF = dt.date(2026, 9, 30)
SETTINGS = default_settings().replace(
    weight_reach=0,
    weight_hard=0,
    weight_sinks=0,
    weight_spread=0,
    weight_age=0,
    weight_depth=1,
    depth_saturation=4,
)
GOVERNED = {
    "lifecycle": "pilot",
    "kind": "model",
    "authority": {
        "authorized_by": "CRO",
        "monitored_by": "ml-ops",
        "recalibration": "ml-team",
        "termination": "CRO",
    },
    "assumptions": [{"statement": "inputs are English", "last_reviewed": "2026-08-01"}],
    "readiness_gate": {"passed_at": "2026-01-10", "approved_by": "AI board"},
    "reversibility": {
        "safe_state": "manual queue",
        "last_drill": "2026-06-01",
        "kill_switch": True,
    },
}


def scenario(depth=1, change=None, edges=(), **attrs):
    """Pilot p (fully governed unless changed) with a chain of ``depth`` soft dependents d1 → d2 …"""
    G = nx.DiGraph()
    data = copy.deepcopy(GOVERNED)
    data.update(attrs)
    if change:
        change(data)
    G.add_node("p", **data)
    prev = "p"
    for i in range(1, depth + 1):
        G.add_node(f"d{i}", criticality=2, lifecycle="production")
        G.add_edge(prev, f"d{i}", strength="soft")
        prev = f"d{i}"
    for u, v, d in edges:
        G.add_edge(u, v, **d)
    return G


def judge(G, policy=DEFAULT_POLICY, settings=SETTINGS):
    rows = node_metrics(G, settings, AS_OF)
    return rows, verdicts(G, rows, settings, AS_OF, policy)["p"]


def test_fully_governed_costly_pilot_is_terminable():
    rows, v = judge(scenario(depth=1))
    assert rows["p"]["irreversibility"] == 25.0
    assert (v.verdict, v.codes) == (TERMINABLE, [])


def test_top_tier_is_not_terminable():
    rows, v = judge(scenario(depth=3))
    assert rows["p"]["irreversibility"] == 75.0
    assert (v.verdict, v.codes) == (NOT_TERMINABLE, ["top-tier"])
    assert v.reasons[0].sentence == "irreversibility 75 is in the top tier (75 or more)"


def test_entrenched_without_termination_authority_is_not_terminable():
    _, v = judge(scenario(depth=2, change=lambda d: d["authority"].pop("termination")))
    assert v.verdict == NOT_TERMINABLE
    assert v.codes == ["entrenched-without-termination-authority", "missing-authority-termination"]


def test_costly_without_termination_authority_is_only_conditional():
    _, v = judge(scenario(depth=1, change=lambda d: d["authority"].pop("termination")))
    assert (v.verdict, v.codes) == (CONDITIONAL, ["missing-authority-termination"])


def critical_edge(strength="hard"):
    return [("p", "core", {"strength": strength})]


def test_critical_hard_dependent_without_safe_state_is_not_terminable():
    G = scenario(depth=0, change=lambda d: d.pop("reversibility"), edges=critical_edge())
    G.nodes["core"]["criticality"] = 4
    _, v = judge(G)
    assert (v.verdict, v.codes) == (NOT_TERMINABLE, ["critical-failure-without-safe-state"])
    assert "fails 1 node of criticality 4 or more (core)" in v.reasons[0].sentence


def test_credited_safe_state_turns_the_critical_failure_into_a_fallback():
    G = scenario(depth=0, edges=critical_edge())
    G.nodes["core"]["criticality"] = 5
    rows, v = judge(G)
    assert rows["p"]["_safe_state_credited"] is True
    assert (v.verdict, v.codes) == (TERMINABLE, [])


def test_soft_critical_dependent_only_degrades():
    G = scenario(depth=0, change=lambda d: d.pop("reversibility"), edges=critical_edge("soft"))
    G.nodes["core"]["criticality"] = 5
    assert judge(G)[1].verdict == TERMINABLE


def test_stale_drill_gives_no_credit_and_is_a_reason():
    # drill 2025-08-01 is 425 days before 2026-09-30 (window 365): the critical failure counts again
    G = scenario(
        depth=0,
        change=lambda d: d["reversibility"].update(last_drill="2025-08-01"),
        edges=critical_edge(),
    )
    G.nodes["core"]["criticality"] = 4
    _, v = judge(G)
    assert (v.verdict, v.codes) == (
        NOT_TERMINABLE,
        ["critical-failure-without-safe-state", "stale-drill"],
    )
    assert (
        v.reasons[1].sentence
        == "the last switch-off drill (2025-08-01) is older than 365 days, so no safe state is credited"
    )


def test_stale_drill_alone_is_conditional():
    _, v = judge(
        scenario(depth=1, change=lambda d: d["reversibility"].update(last_drill="2025-08-01"))
    )
    assert (v.verdict, v.codes) == (CONDITIONAL, ["stale-drill"])


def test_policy_drill_window_decides_the_credit():
    policy = policy_from_dict({"drill_window_days": 500})
    settings = policy.settings_for(SETTINGS)
    G = scenario(
        depth=0,
        change=lambda d: d["reversibility"].update(last_drill="2025-08-01"),
        edges=critical_edge(),
    )
    G.nodes["core"]["criticality"] = 4
    _, v = judge(G, policy, settings)
    assert (v.verdict, v.codes) == (TERMINABLE, [])


def test_safe_state_never_drilled():
    _, v = judge(scenario(depth=1, change=lambda d: d["reversibility"].pop("last_drill")))
    assert (v.verdict, v.codes) == (CONDITIONAL, ["safe-state-never-drilled"])


@pytest.mark.parametrize(
    ("role", "code"),
    [
        ("authorized_by", "missing-authority-authorized-by"),
        ("monitored_by", "missing-authority-monitored-by"),
        ("recalibration", "missing-authority-recalibration"),
        ("termination", "missing-authority-termination"),
    ],
)
def test_each_missing_authority_is_a_governance_gap(role, code):
    _, v = judge(scenario(depth=1, change=lambda d: d["authority"].pop(role)))
    assert (v.verdict, v.codes) == (CONDITIONAL, [code])
    assert v.authorities[role] is None


@pytest.mark.parametrize("placeholder", ["TBD", " tbd ", "n/a", "?", "Unknown", "-"])
def test_an_unnamed_authority_is_an_absent_authority(placeholder):
    _, v = judge(scenario(depth=1, change=lambda d: d["authority"].update(termination=placeholder)))
    assert v.codes == ["missing-authority-termination"]
    assert "is a placeholder, not a name" in v.reasons[0].sentence


def test_no_assumptions():
    _, v = judge(scenario(depth=1, change=lambda d: d.pop("assumptions")))
    assert (v.verdict, v.codes) == (CONDITIONAL, ["no-assumptions"])


@pytest.mark.parametrize("reviewed", ["2026-03-01", None, "2026-10-15"])
def test_assumptions_not_reviewed_within_the_window(reviewed):
    # 2026-03-01 is 213 days before the as-of date (window 180); never; and after the as-of date
    extra = {"statement": "prices stay low", "last_reviewed": reviewed}
    _, v = judge(scenario(depth=1, change=lambda d: d["assumptions"].append(extra)))
    assert (v.verdict, v.codes) == (CONDITIONAL, ["assumptions-not-reviewed"])
    assert v.reasons[0].sentence.startswith("1 of 2 assumptions not reviewed within 180 days")


def test_assumption_reviewed_exactly_at_the_window_edge_counts():
    # 2026-04-03 is 180 days before 2026-09-30
    _, v = judge(
        scenario(depth=1, change=lambda d: d["assumptions"][0].update(last_reviewed="2026-04-03"))
    )
    assert v.codes == []


@pytest.mark.parametrize(
    "gate", [None, {"approved_by": "board"}, {"passed_at": "2026-12-01", "approved_by": "board"}]
)
def test_no_readiness_gate_record(gate):
    def change(d):
        d.pop("readiness_gate")
        if gate:
            d["readiness_gate"] = gate

    _, v = judge(scenario(depth=1, change=change))
    assert (v.verdict, v.codes) == (CONDITIONAL, ["no-readiness-gate"])


def test_a_gate_record_without_approver_is_still_a_record():
    _, v = judge(scenario(depth=1, readiness_gate={"passed_at": "2026-01-10"}))
    assert v.codes == []


def test_gradient_crossing_the_top_tier_within_two_quarters():
    # d1 was there 90 days ago (undated), d2 arrived 2026-08-01: 25 → 50, +25 per quarter,
    # (75 − 50)/25 = 1 quarter ≤ 2
    G = scenario(depth=1, edges=[("d1", "d2", {"strength": "soft", "since": "2026-08-01"})])
    rows, v = judge(G)
    assert (
        rows["p"]["irreversibility"],
        rows["p"]["gradient"],
        rows["p"]["quarters_to_irreversible"],
    ) == (50.0, 25.0, 1.0)
    assert (v.verdict, v.codes) == (CONDITIONAL, ["gradient-crosses-top-tier"])
    assert v.reasons[0].sentence == "at +25 per quarter it reaches 75 in 1 quarters (within 2)"


def test_slow_gradient_is_no_reason():
    G = scenario(depth=1, edges=[("d1", "d2", {"strength": "soft", "since": "2026-08-01"})])
    _, v = judge(G, policy_from_dict({"gradient_horizon_quarters": 0.5}))
    assert v.codes == []


def test_every_reason_code_is_covered_by_a_scenario_here():
    import inspect
    import sys

    source = inspect.getsource(sys.modules[__name__])
    for code in REASONS:
        assert f'"{code}"' in source, code


def test_all_reasons_are_listed_and_the_worst_decides():
    def change(d):
        d.pop("assumptions")
        d.pop("readiness_gate")
        d["authority"] = {}

    _, v = judge(scenario(depth=3, change=change))
    assert v.verdict == NOT_TERMINABLE
    assert v.codes == [
        "top-tier",
        "entrenched-without-termination-authority",
        "missing-authority-authorized-by",
        "missing-authority-monitored-by",
        "missing-authority-recalibration",
        "missing-authority-termination",
        "no-assumptions",
        "no-readiness-gate",
    ]


def test_derived_nodes_get_verdicts_and_others_do_not():
    G = scenario(depth=1)
    G.add_node("child", derived_from=["p"])
    G.add_edge("p", "child", strength="soft")
    rows = node_metrics(G, SETTINGS, AS_OF)
    assert sorted(verdicts(G, rows, SETTINGS, AS_OF)) == ["child", "p"]


# ------------------------------------------------------------------------------ policy files
def test_policy_file_thresholds(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text(
        "version: 1\ntop_tier_at: 60\nrequired_authorities: [termination]\nrequire_assumptions: no\n"
        "ignore_reasons: [no-readiness-gate]\ngate:\n  rules: [not-terminable]\n  authority_tier: costly\n",
        encoding="utf-8",
    )
    policy = load_policy(path)
    assert (policy.top_tier_at, policy.required_authorities, policy.require_assumptions) == (
        60.0,
        ("termination",),
        False,
    )
    assert policy.gate_rules == ("not-terminable",) and policy.gate_authority_tier == "costly"
    _, v = judge(
        scenario(
            depth=3,
            change=lambda d: (
                d.pop("assumptions"),
                d.pop("readiness_gate"),
                d["authority"].pop("monitored_by"),
            ),
        ),
        policy,
    )
    assert v.codes == ["top-tier"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("top_tier: 60\n", "policy.yaml:1: unknown policy key 'top_tier'"),
        ("top_tier_at: high\n", "policy.yaml:1: top_tier_at must be a number, got 'high'"),
        ("x: 1\ntop_tier_at: 150\n", "unknown policy key 'x'"),
        ("top_tier_at: 150\n", "irreversibility thresholds are between 0 and 100"),
        ("critical_criticality: 7\n", "critical_criticality must be from 1 to 5"),
        ("required_authorities: [ceo]\n", "unknown authority 'ceo'"),
        ("ignore_reasons: [no-such-code]\n", "unknown reason code 'no-such-code'"),
        ("gate:\n  rules: [no-such-rule]\n", "policy.yaml:2: unknown gate rule 'no-such-rule'"),
        ("gate:\n  authority_tier: huge\n", "gate.authority_tier must be one of"),
        ("version: 2\n", "policy version '2' is not supported"),
        ("- a\n- b\n", "a policy is a mapping"),
        ("require_assumptions: maybe\n", "require_assumptions must be true or false"),
    ],
)
def test_policy_errors_name_file_and_line(tmp_path, text, message):
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_policy(path)
    assert message in str(err.value).replace(str(tmp_path) + "/", "")


def test_policy_yaml_is_safe(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text(
        'top_tier_at: !!python/object/apply:os.system ["touch pwned.txt"]\n', encoding="utf-8"
    )
    with pytest.raises(ParseError, match="unsupported YAML tag"):
        load_policy(path)
    assert not (tmp_path / "pwned.txt").exists()


def test_default_policy_when_none_given():
    assert load_policy(None) is DEFAULT_POLICY
    assert DEFAULT_POLICY.top_tier_at == 75.0 and DEFAULT_POLICY.assumption_window_days == 180


@pytest.mark.parametrize(
    ("gradient", "codes"), [(12.25, ["gradient-crosses-top-tier"]), (11.9, [])]
)
def test_gradient_reason_agrees_with_the_rounded_quarters_column(gradient, codes):
    from graphgov.review.verdict import verdict_for

    G = scenario(depth=1)
    rows = node_metrics(G, SETTINGS, AS_OF)
    # (75 − 50)/12.25 = 2.04, shown as 2.0 quarters: within 2; (75 − 50)/11.9 = 2.1: not
    row = {**rows["p"], "irreversibility": 50.0, "gradient": gradient}
    assert verdict_for(G, "p", row, SETTINGS, AS_OF).codes == codes


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n"
    for i in range(8)
)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty"),
        (b"top_tier_at: 60\ntop_tier_at: 70\n", "duplicate key 'top_tier_at'"),
        (BOMB.encode(), "alias"),
        (b"[" * 10_000, "nesting deeper than"),
        (b"top_tier_at: \xfc\n", "invalid UTF-8"),
        (b"top_tier_at: 60\n---\ntop_tier_at: 70\n", "holds one YAML document"),
    ],
)
def test_bad_policy_files_are_refused(tmp_path, content, message):
    from graphgov.errors import GraphGovError

    path = tmp_path / "policy.yaml"
    path.write_bytes(content)
    with pytest.raises(GraphGovError, match=message):
        load_policy(path)
