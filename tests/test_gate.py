"""`graphgov gate`: rules, exit codes 0/1/2, only-new with a baseline, text/JSON/SARIF outputs."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import ROOT

import graphgov
from graphgov.review import write_snapshot
from graphgov.review.gate import evaluate, findings
from graphgov.review.policy import policy_from_dict

SCHEMA = ROOT / "tests" / "fixtures" / "sarif" / "sarif-schema-2.1.0.json"

# pilot p → api (hard) → core (hard, criticality 5, production); p → sink (soft)
INVENTORY = (
    "id,kind,lifecycle,criticality,owner,depends_on\n"
    "p,model,pilot,,,\n"
    "api,api,production,3,team-a,p\n"
    "core,service,production,5,team-b,api\n"
)
GOVERNED = """systems:
  p:
    authority: {authorized_by: CRO, monitored_by: ops, recalibration: ml, termination: CRO}
    assumptions: [{statement: fine, last_reviewed: 2026-09-01}]
    readiness_gate: {passed_at: 2026-01-01, approved_by: board}
    reversibility: {safe_state: manual, last_drill: 2026-09-01}
"""
UNGATED = """systems:
  p:
    authority: {authorized_by: CRO}
    scaled_at: 2024-09-30
"""


@pytest.fixture
def org(write, tmp_path):
    def make(register: str, inventory: str = INVENTORY, folder: str = "now"):
        inv = write(f"{folder}/inv.csv", inventory)
        reg = write(f"{folder}/register.yaml", register)
        return inv, reg

    return make


def test_governed_org_passes(cli, org):
    inv, reg = org(GOVERNED)
    r = cli("gate", inv, "--register", reg, "--as-of", "2026-09-30", "-q")
    assert r.exit_code == 0, r.output
    assert r.stdout.strip().startswith("ok: 0 violation(s)")


def test_ungated_org_breaks_each_default_rule(cli, org):
    inv, reg = org(UNGATED)
    r = cli("gate", inv, "--register", reg, "--as-of", "2026-09-30", "-q")
    assert r.exit_code == 1, r.output
    lines = r.stdout.strip().splitlines()
    # p reaches weighted criticality 8 (f_reach ln(1 + 25·8/60) / ln(26) = 0.450), both
    # dependents fail (f_hard 1), depth 2 of 6, 2 owners of 5, two years in production (f_age 1):
    # 100·(0.25·0.450 + 0.15 + 0.15·2/6 + 0.15·2/5 + 0.15) = 52.3
    assert (
        lines[0]
        == "GG001 termination-authority-above-tier: pilot-derived p is entrenched (irreversibility 52.3) and names no termination authority"
    )
    # api and core are shadow production depending on the ungated pilot p
    assert (
        "GG002 shadow-production-without-gate: production node api depends on pilot-derived p, which has no scale-readiness gate record (p → api)"
        in lines
    )
    assert (
        "GG002 shadow-production-without-gate: production node core depends on pilot-derived p, which has no scale-readiness gate record (p → api → core)"
        in lines
    )
    # core (criticality 5) fails with p, and p has no safe state
    assert (
        "GG003 critical-hard-dependent: pilot-derived p has a hard dependent of criticality 4 or more without a credited safe state: p → api → core"
        in lines
    )
    assert lines[-1].startswith("FAIL: 4 violation(s)")


def test_rules_come_from_the_policy(cli, org, write):
    inv, reg = org(UNGATED)
    policy = write("policy.yaml", "gate:\n  rules: [not-terminable]\n")
    r = cli("gate", inv, "--register", reg, "--policy", policy, "--as-of", "2026-09-30", "-q")
    assert r.exit_code == 1
    assert r.stdout.splitlines()[0] == (
        "GG004 not-terminable: pilot-derived p is not terminable: irreversibility 52.3 is 50 or more and no termination authority"
        " is named; switching it off fails 1 node of criticality 4 or more (core) and it has no credited safe state"
    )


def test_unusable_input_exits_3_usage_2_output_4(cli, org, write, tmp_path):
    # the error contract: the same exit statuses as every other command
    inv, reg = org(UNGATED)
    r = cli("gate", tmp_path / "missing.csv")
    assert r.exit_code == 3 and r.stderr.startswith("graphgov: error: "), r.output
    bad_policy = write("bad.yaml", "nonsense: 1\n")
    r = cli("gate", inv, "--policy", bad_policy)
    assert r.exit_code == 3 and "unknown policy key 'nonsense'" in r.output
    bad_inv = write("bad.csv", "id,id\na,b\n")
    assert cli("gate", bad_inv).exit_code == 3
    bad_base = write("base.json", "[]")
    assert cli("gate", inv, "--baseline", bad_base).exit_code == 3
    assert cli("gate", inv, "--format", "xml").exit_code == 2  # usage error
    r = cli("gate", inv, "--register", reg, "-o", tmp_path / "no-such-folder" / "f.txt")
    assert r.exit_code == 4 and "does not exist" in r.output, r.output


def baseline_of(tmp_path, inv, reg, day="2026-06-30"):
    path = tmp_path / "base.json"
    write_snapshot(graphgov.load(inv, register=reg), path, as_of=dt.date.fromisoformat(day))
    return path


def test_baseline_only_new_violations_fail(cli, org, tmp_path):
    old_inv, old_reg = org(UNGATED, INVENTORY, "old")
    base = baseline_of(tmp_path, old_inv, old_reg)
    # nothing new: the same violations are all unchanged, the gate passes
    r = cli(
        "gate", old_inv, "--register", old_reg, "--baseline", base, "--as-of", "2026-09-30", "-q"
    )
    assert r.exit_code == 0, r.output
    assert r.stdout.strip().splitlines()[-1].startswith("ok: 0 new violation(s), 4 unchanged since")
    # a new critical hard dependent of the pilot: one new violation for it, and one new shadow node
    inv, reg = org(UNGATED, INVENTORY + "ledger,service,production,4,team-c,p\n", "now")
    r = cli(
        "gate",
        inv,
        "--register",
        reg,
        "--baseline",
        base,
        "--as-of",
        "2026-09-30",
        "-q",
        "--format",
        "json",
    )
    assert r.exit_code == 1, r.output
    data = json.loads(r.stdout)
    new = sorted(
        (f["rule_id"], f["node"], f["related"]) for f in data["findings"] if f["state"] == "new"
    )
    assert new == [("GG002", "ledger", "p"), ("GG003", "p", "ledger")]
    assert data["counts"] == {"new": 2, "total": 6, "unchanged": 4}
    assert data["failed"] is True


def sarif_validator():
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def test_sarif_validates_against_the_sarif_2_1_0_schema(cli, org, tmp_path):
    assert (
        json.loads(SCHEMA.read_text(encoding="utf-8"))["title"]
        == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    )
    old_inv, old_reg = org(UNGATED, INVENTORY, "old")
    base = baseline_of(tmp_path, old_inv, old_reg)
    inv, reg = org(UNGATED, INVENTORY + "ledger,service,production,4,team-c,p\n", "now")
    out = tmp_path / "gate.sarif"
    r = cli(
        "gate",
        inv,
        "--register",
        reg,
        "--baseline",
        base,
        "--as-of",
        "2026-09-30",
        "-q",
        "--format",
        "sarif",
        "-o",
        out,
    )
    assert r.exit_code == 1
    doc = json.loads(out.read_text(encoding="utf-8"))
    errors = sorted(sarif_validator().iter_errors(doc), key=str)
    assert not errors, [e.message for e in errors]
    run = doc["runs"][0]
    assert doc["version"] == "2.1.0" and run["tool"]["driver"]["name"] == "graphgov"
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["GG001", "GG002", "GG003", "GG004"]
    states = sorted((x["ruleId"], x["baselineState"], x["level"]) for x in run["results"])
    assert ("GG003", "new", "error") in states and ("GG003", "unchanged", "note") in states
    loc = next(
        x for x in run["results"] if x["ruleId"] == "GG002" and "ledger" in x["message"]["text"]
    )["locations"][0]
    assert loc["logicalLocations"][0]["name"] == "ledger"
    assert loc["physicalLocation"]["artifactLocation"]["uri"].endswith("now/inv.csv")
    assert loc["physicalLocation"]["region"]["startLine"] == 5


def test_sarif_without_findings_validates(cli, org):
    inv, reg = org(GOVERNED)
    r = cli("gate", inv, "--register", reg, "--as-of", "2026-09-30", "-q", "--format", "sarif")
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    assert not list(sarif_validator().iter_errors(doc))
    assert doc["runs"][0]["results"] == []


def test_authority_tier_of_the_policy():
    import networkx as nx

    G = nx.DiGraph()
    G.add_node("p", lifecycle="pilot")
    G.add_edge("p", "a", strength="soft")
    as_of = dt.date(2026, 9, 30)
    assert (
        findings(
            G,
            policy=policy_from_dict({"gate": {"rules": ["termination-authority-above-tier"]}}),
            as_of=as_of,
        )
        == []
    )
    found = findings(
        G,
        policy=policy_from_dict(
            {
                "gate": {
                    "rules": ["termination-authority-above-tier"],
                    "authority_tier": "reversible",
                }
            }
        ),
        as_of=as_of,
    )
    assert [(f.rule_id, f.node) for f in found] == [("GG001", "p")]


def test_gate_on_the_bundled_sample_fails_with_its_known_violations():
    G = graphgov.load(ROOT / "data" / "org", register=ROOT / "data" / "register.yaml")
    result = evaluate(G, as_of=dt.date(2026, 11, 30))
    assert result["failed"]
    rules = {f.rule_id for f in result["findings"]}
    assert {"GG001", "GG003"} <= rules
    assert all(f.node != "model:churn-forecast" for f in result["findings"])
