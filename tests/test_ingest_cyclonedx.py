"""CycloneDX JSON: ids, dependencies, nesting, services and data flows, ML models, bad inputs."""

from __future__ import annotations

import json

import pytest
from conftest import realworld
from ingest_helpers import run

import graphgov
from graphgov.errors import InputError, ParseError
from graphgov.ingest.cyclonedx import parse_cyclonedx

SERIAL = "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79"
BASE = "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#"


def bom(spec: str = "1.6", serial: str | None = SERIAL, **extra) -> dict:
    b: dict = {"bomFormat": "CycloneDX", "specVersion": spec, "version": 1}
    if serial:
        b["serialNumber"] = serial
    b.update(extra)
    return b


def cdx(data, source: str = "bom.json", **kw):
    raw = data if isinstance(data, bytes | str) else json.dumps(data, indent=1)
    return run(parse_cyclonedx, raw, source, "cyclonedx", **kw)


APP = bom(
    metadata={
        "component": {"bom-ref": "app", "type": "application", "name": "shop"},
        "lifecycles": [{"phase": "operations"}],
    },
    components=[
        {
            "bom-ref": "pkg:npm/a@1",
            "type": "library",
            "name": "a",
            "version": "1",
            "purl": "pkg:npm/a@1",
            "components": [{"bom-ref": "a-inner", "type": "library", "name": "a-inner"}],
        },
        {
            "bom-ref": "b",
            "type": "library",
            "name": "b",
            "purl": "pkg:npm/b@2",
            "properties": [
                {"name": "graphgov.io/criticality", "value": "4"},
                {"name": "other", "value": "x"},
            ],
        },
    ],
    dependencies=[
        {"ref": "app", "dependsOn": ["pkg:npm/a@1", "b"]},
        {"ref": "pkg:npm/a@1", "dependsOn": ["b"]},
        {"ref": "b"},
    ],
)


def test_ids_edges_and_nesting():
    p = cdx(APP)
    G = p.graph()
    assert set(G) == {BASE + "app", BASE + "pkg:npm/a@1", BASE + "a-inner", BASE + "b"}
    # {ref: R, dependsOn: [D]} gives D → R
    assert set(G.edges) == {
        (BASE + "pkg:npm/a@1", BASE + "app"),
        (BASE + "b", BASE + "app"),
        (BASE + "b", BASE + "pkg:npm/a@1"),
    }
    # nested components are containment, kept apart
    assert [(s["source"], s["target"]) for s in G.graph["structure"]] == [
        (BASE + "pkg:npm/a@1", BASE + "a-inner")
    ]
    assert G.nodes[BASE + "app"]["kind"] == "application"
    assert G.nodes[BASE + "b"]["kind"] == "library"
    assert G.nodes[BASE + "b"]["criticality"] == 4  # a property under the annotation prefix
    assert G.nodes[BASE + "app"]["extra"]["bom_lifecycles"] == ["operations"]
    assert G.nodes[BASE + "b"]["aliases"] == ["pkg:npm/b@2"]
    assert p.stats.read == 7  # 4 elements + 3 dependency entries
    df = graphgov.analyze(G).set_index("node")
    assert df.loc[BASE + "b", "blast_radius"] == 2


def test_two_boms_without_serial_numbers_do_not_collide_but_the_same_purl_joins(tmp_path):
    one = bom(
        serial=None,
        components=[
            {"bom-ref": "x", "type": "library", "name": "x"},
            {"bom-ref": "lib", "type": "library", "name": "lib", "purl": "pkg:pypi/lib@1.0"},
        ],
    )
    two = bom(
        serial=None,
        components=[
            {"bom-ref": "x", "type": "library", "name": "x"},
            {"bom-ref": "other-ref", "type": "library", "name": "lib", "purl": "pkg:pypi/lib@1.0"},
        ],
    )
    (tmp_path / "one.json").write_text(json.dumps(one))
    (tmp_path / "two.json").write_text(json.dumps(two))
    G = graphgov.rich(graphgov.load(tmp_path))
    xs = sorted(n for n in G if n.endswith("#x"))
    assert len(xs) == 2  # bom-ref "x" in two BOMs: two nodes
    libs = [n for n, d in G.nodes(data=True) if d["name"] == "lib"]
    assert len(libs) == 1  # one package, seen by both BOMs
    assert "pkg:pypi/lib@1.0" in G.nodes[libs[0]]["aliases"]


def test_dangling_dependency_is_a_warning_and_an_unresolved_node():
    b = bom(
        components=[{"bom-ref": "a", "type": "library", "name": "a"}],
        dependencies=[{"ref": "a", "dependsOn": ["ghost"]}],
    )
    p = cdx(b)  # strict mode: still a warning
    G = p.graph()
    assert G.nodes[BASE + "ghost"]["unresolved"] is True
    assert G.has_edge(BASE + "ghost", BASE + "a")
    (warning,) = p.messages("warning")
    assert warning.startswith(
        f"bom.json: $.dependencies[0].dependsOn[0]: depends-on reference '{BASE}ghost' is not defined"
    )


def test_duplicate_bom_ref_is_an_error():
    b = bom(
        components=[
            {"bom-ref": "a", "type": "library", "name": "a"},
            {"bom-ref": "a", "type": "library", "name": "a2"},
        ]
    )
    with pytest.raises(
        InputError,
        match=r"bom.json: \$.components\[1\]\['bom-ref'\]: duplicate bom-ref 'a', already used at \$.components\[0\]",
    ):
        cdx(b)
    p = cdx(b, lenient=True)
    assert len(p.nodes) == 1 and p.stats.rejected == 1


def test_dependency_without_ref_is_rejected_with_its_path():
    b = bom(
        components=[{"bom-ref": "a", "type": "library", "name": "a"}],
        dependencies=[{"dependsOn": []}, {"ref": "", "dependsOn": ["a"]}],
    )
    with pytest.raises(InputError, match=r"bom.json: \$.dependencies\[0\].ref: missing"):
        cdx(b)
    p = cdx(b, lenient=True)
    assert p.stats.rejected == 2 and p.edges == []


@pytest.mark.parametrize("spec", ["1.0", "2.0", "1.8"])
def test_unsupported_spec_version(spec):
    with pytest.raises(
        ParseError,
        match=rf"bom.json: \$.specVersion: unsupported CycloneDX version '{spec}' \(supported 1.2, 1.3, 1.4, 1.5, 1.6, 1.7\)",
    ):
        cdx(bom(spec=spec))


def test_missing_spec_version():
    b = bom()
    del b["specVersion"]
    with pytest.raises(ParseError, match=r"bom.json: \$.specVersion: missing"):
        cdx(b)


def test_truncated_json():
    text = json.dumps(APP, indent=1)
    with pytest.raises(ParseError, match=r"bom.json:\d+:\d+: unexpected end of file"):
        cdx(text[: len(text) // 2])


def test_services_nested_and_data_flows():
    b = bom(
        spec="1.6",
        services=[
            {
                "bom-ref": "gw",
                "name": "gateway",
                "data": [
                    {
                        "name": "to ms-1",
                        "flow": "outbound",
                        "classification": "PII",
                        "source": ["https://0.0.0.0"],
                        "destination": [BASE + "ms-1"],
                    },
                    {
                        "name": "from ms-2",
                        "flow": "inbound",
                        "source": [BASE + "ms-2"],
                        "destination": ["https://0.0.0.0"],
                    },
                    {
                        "name": "both",
                        "flow": "bi-directional",
                        "source": [BASE + "ms-3"],
                        "destination": [BASE + "ms-3"],
                    },
                ],
                "services": [
                    {"bom-ref": "ms-1", "name": "ms-1"},
                    {"bom-ref": "ms-2", "name": "ms-2"},
                    {"bom-ref": "ms-3", "name": "ms-3"},
                ],
            },
        ],
        dependencies=[{"ref": "gw", "dependsOn": ["ms-1"]}],
    )
    G = cdx(b).graph()
    assert G.nodes[BASE + "gw"]["kind"] == "service"
    assert G.edges[BASE + "gw", BASE + "ms-1"]["relation"] == "data-flow"
    assert G.edges[BASE + "gw", BASE + "ms-1"]["classification"] == "PII"
    assert G.edges[BASE + "ms-1", BASE + "gw"]["relation"] == "depends-on"
    assert G.has_edge(BASE + "ms-2", BASE + "gw")
    assert G.has_edge(BASE + "ms-3", BASE + "gw") and G.has_edge(BASE + "gw", BASE + "ms-3")
    assert G.nodes[BASE + "gw"]["extra"]["data_flow_endpoints"] == ["https://0.0.0.0"]
    assert len(G.graph["structure"]) == 3


def test_cbom_provides():
    b = bom(
        components=[
            {"bom-ref": "lib", "type": "library", "name": "lib"},
            {"bom-ref": "aes", "type": "cryptographic-asset", "name": "AES"},
        ],
        dependencies=[{"ref": "lib", "provides": ["aes"]}],
    )
    G = cdx(b).graph()
    assert G.edges[BASE + "lib", BASE + "aes"]["relation"] == "provides"


def test_machine_learning_model_component():
    b = bom(
        components=[
            {
                "bom-ref": "m",
                "type": "machine-learning-model",
                "name": "sd",
                "modelCard": {
                    "modelParameters": {
                        "approach": {"type": "supervised"},
                        "task": "text-to-image",
                        "datasets": [{"type": "dataset", "name": "Training Data"}],
                    },
                    "considerations": {"ethicalConsiderations": []},
                },
            }
        ]
    )
    G = cdx(b).graph()
    node = G.nodes[BASE + "m"]
    assert node["kind"] == "model" and node["type"] == "machine-learning-model"
    assert node["extra"]["model_card"] == {
        "approach": "supervised",
        "task": "text-to-image",
        "datasets": ["Training Data"],
        "considerations": {"ethicalConsiderations": []},
    }


def test_not_cyclonedx():
    with pytest.raises(ParseError, match=r"bom.json: \$.bomFormat: expected 'CycloneDX'"):
        cdx({"bomFormat": "SPDX"})


def test_model_card_metrics_considerations_and_dataset_references():
    b = bom(
        components=[
            {
                "bom-ref": "m",
                "type": "machine-learning-model",
                "name": "triage",
                "modelCard": {
                    "modelParameters": {"datasets": [{"ref": "claims-2024"}, {"name": "inline"}]},
                    "quantitativeAnalysis": {
                        "performanceMetrics": [
                            {"type": "f1", "value": "0.81", "slice": "motor"},
                            {
                                "type": "recall",
                                "value": "0.77",
                                "confidenceInterval": {"lowerBound": "0.7", "upperBound": "0.8"},
                            },
                        ]
                    },
                    "considerations": {
                        "technicalLimitations": ["not for commercial lines"],
                        "ethicalConsiderations": [
                            {"name": "bias", "mitigationStrategy": "reweighting"}
                        ],
                    },
                },
            },
            {
                "bom-ref": "claims-2024",
                "type": "data",
                "name": "claims 2024",
                "data": [
                    {
                        "type": "dataset",
                        "name": "claims",
                        "governance": {
                            "owners": [
                                {"organization": {"name": "Claims Data Office"}},
                                {"contact": {"name": "Ana Ruiz", "email": "ana@example.com"}},
                            ],
                            "stewards": [{"contact": {"email": "steward@example.com"}}],
                        },
                    }
                ],
            },
        ]
    )
    G = cdx(b).graph()
    card = G.nodes[BASE + "m"]["extra"]["model_card"]
    assert card["performance_metrics"] == [
        {"type": "f1", "value": "0.81", "slice": "motor"},
        {
            "type": "recall",
            "value": "0.77",
            "confidenceInterval": {"lowerBound": "0.7", "upperBound": "0.8"},
        },
    ]
    assert card["considerations"]["technicalLimitations"] == ["not for commercial lines"]
    assert card["considerations"]["ethicalConsiderations"][0]["mitigationStrategy"] == "reweighting"
    # a dataset reference is a dependency: the model is trained on that data
    edge = G.edges[BASE + "claims-2024", BASE + "m"]
    assert edge["relation"] == "trained-on"
    data = G.nodes[BASE + "claims-2024"]
    assert data["owner"] == "Claims Data Office"
    assert data["owners"] == ["Claims Data Office", "Ana Ruiz"]
    assert data["extra"]["governance"]["stewards"] == ["steward@example.com"]


def test_a_service_data_flow_governance_is_the_data_s_not_the_service_s_owner():
    b = bom(
        services=[
            {
                "bom-ref": "api",
                "name": "api",
                "data": [
                    {
                        "flow": "inbound",
                        "classification": "PII",
                        "governance": {"owners": [{"organization": {"name": "Customer"}}]},
                    }
                ],
            }
        ]
    )
    node = cdx(b).graph().nodes[BASE + "api"]
    assert "owner" not in node
    assert node["extra"]["data_governance"] == {"owners": ["Customer"]}


def test_real_model_card_keeps_metrics_and_considerations():
    path = realworld(
        "cyclonedx",
        "specification",
        "tools",
        "src",
        "test",
        "resources",
        "1.6",
        "valid-machine-learning-1.6.json",
    )
    G = graphgov.rich(graphgov.load(path))
    node = G.nodes["urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#component-a"]
    card = node["extra"]["model_card"]
    assert [m["type"] for m in card["performance_metrics"]] == ["The type of performance metric"]
    assert (
        card["performance_metrics"][0]["confidenceInterval"]["upperBound"]
        == "The upper bound of the confidence interval"
    )
    assert sorted(card["considerations"]) == [
        "ethicalConsiderations",
        "fairnessAssessments",
        "performanceTradeoffs",
        "technicalLimitations",
        "useCases",
        "users",
    ]
    assert (
        card["considerations"]["technicalLimitations"][1]
        == "Limited performance on non-photographic styles"
    )


def test_real_saasbom_data_flow_owner_is_kept_on_the_service():
    path = realworld(
        "cyclonedx",
        "specification",
        "tools",
        "src",
        "test",
        "resources",
        "1.6",
        "valid-saasbom-1.6.json",
    )
    G = graphgov.rich(graphgov.load(path))
    governed = {
        n: d["extra"]["data_governance"]
        for n, d in G.nodes(data=True)
        if "data_governance" in d["extra"]
    }
    assert governed == {
        "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#ms-1.example.com": {
            "owners": ["Customer Name"]
        }
    }
