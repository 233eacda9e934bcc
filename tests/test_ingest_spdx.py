"""SPDX 3 JSON-LD and SPDX 2 JSON: ids, relationship directions, scopes, bad inputs, purl joins."""

from __future__ import annotations

import json

import pytest
from ingest_helpers import run

import graphgov
from graphgov.errors import InputError, ParseError
from graphgov.ingest.spdx import parse_spdx

CTX = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"


def el(kind: str, sid: str, **kw) -> dict:
    return {"type": kind, "spdxId": sid, "creationInfo": "_:ci", **kw}


def rel(rtype: str, src: str, *dst: str, scope: str | None = None, sid: str | None = None) -> dict:
    out = {
        "type": "LifecycleScopedRelationship" if scope else "Relationship",
        "spdxId": sid or f"urn:rel:{rtype}:{src}:{dst[0]}",
        "creationInfo": "_:ci",
        "relationshipType": rtype,
        "from": src,
        "to": list(dst),
    }
    if scope:
        out["scope"] = scope
    return out


def v3(*graph: dict) -> dict:
    return {
        "@context": CTX,
        "@graph": [{"type": "CreationInfo", "@id": "_:ci", "specVersion": "3.0.1"}, *graph],
    }


def spdx(data, source: str = "sbom.spdx3.json", **kw):
    return run(parse_spdx, json.dumps(data), source, "spdx", **kw)


AI = v3(
    el(
        "software_Package",
        "urn:app",
        name="app",
        software_primaryPurpose="application",
        software_packageUrl="pkg:pypi/app@1",
    ),
    el(
        "software_Package",
        "urn:np",
        name="numpy",
        software_primaryPurpose="library",
        software_packageUrl="pkg:pypi/numpy@1.26.0",
    ),
    el("ai_AIPackage", "urn:model", name="classifier", ai_typeOfModel=["transformer"]),
    el("dataset_DatasetPackage", "urn:data", name="training-set"),
    el("software_File", "urn:weights", name="weights.bin", software_primaryPurpose="model"),
    el("Person", "urn:alice", name="Alice"),
    el("simplelicensing_LicenseExpression", "urn:lic", simplelicensing_licenseExpression="MIT"),
    rel("dependsOn", "urn:app", "urn:np", "urn:model"),
    rel("trainedOn", "urn:model", "urn:data"),
    rel("generates", "urn:model", "urn:weights"),
    rel("contains", "urn:app", "urn:weights"),
    rel("hasDeclaredLicense", "urn:app", "urn:lic"),
    rel("describes", "urn:app", "urn:np"),
    rel("usesTool", "urn:app", "urn:np", scope="build", sid="urn:tool"),
)


def test_v3_nodes_kinds_and_directions():
    p = spdx(AI)
    G = p.graph()
    assert set(G) == {
        "urn:app",
        "urn:np",
        "urn:model",
        "urn:data",
        "urn:weights",
    }  # no people, no licences
    assert [
        G.nodes[n]["kind"] for n in ("urn:app", "urn:np", "urn:model", "urn:data", "urn:weights")
    ] == ["application", "library", "model", "dataset", "file"]
    # from dependsOn to: to → from
    assert G.has_edge("urn:np", "urn:app") and G.has_edge("urn:model", "urn:app")
    assert G.has_edge("urn:data", "urn:model")  # trainedOn
    assert G.has_edge("urn:model", "urn:weights")  # generates: from → to
    assert not G.has_edge("urn:app", "urn:weights")  # contains is containment
    assert G.graph["structure"] == [
        {
            "source": "urn:app",
            "target": "urn:weights",
            "relation": "contains",
            "provenance": "sbom.spdx3.json: $['@graph'][11].to[0]",
        }
    ]
    assert G.nodes["urn:np"]["aliases"] == ["pkg:pypi/numpy@1.26.0"]
    df = graphgov.analyze(G).set_index("node")
    assert df.loc["urn:data", "blast_radius"] == 3  # model, app, weights


def test_build_scope_and_optional_dependencies_are_soft():
    G = spdx(AI).graph()
    # usesTool (build) and dependsOn on the same pair: an explicit soft wins over an unstated strength
    assert G.edges["urn:np", "urn:app"]["strength"] == "soft"
    assert G.edges["urn:np", "urn:app"]["scope"] == "build"
    G = spdx(
        v3(
            el("software_Package", "urn:a"),
            el("software_Package", "urn:b"),
            rel("hasOptionalDependency", "urn:a", "urn:b"),
        )
    ).graph()
    assert G.edges["urn:b", "urn:a"]["strength"] == "soft"


def test_reference_to_an_element_of_another_document_is_a_warning_and_unresolved():
    p = spdx(
        v3(
            el("software_Package", "urn:a"),
            rel("dependsOn", "urn:a", "https://other.example/doc#SPDXRef-lib"),
        )
    )
    G = p.graph()
    assert G.nodes["https://other.example/doc#SPDXRef-lib"]["unresolved"] is True
    assert [
        m
        for m in p.messages("warning")
        if "dependsOn reference 'https://other.example/doc#SPDXRef-lib' is not defined" in m
    ]


def test_repeated_identical_element_is_read_once_differing_duplicate_is_an_error():
    same = rel("dependsOn", "urn:a", "urn:b", sid="urn:r")
    p = spdx(v3(el("software_Package", "urn:a"), el("software_Package", "urn:b"), same, dict(same)))
    assert p.graph().number_of_edges() == 1
    assert p.messages("warning") == [
        "sbom.spdx3.json: $['@graph'][4].spdxId: 'urn:r' is repeated, identical to $['@graph'][3]; read once"
    ]
    bad = v3(
        el("software_Package", "urn:a", name="one"), el("software_Package", "urn:a", name="two")
    )
    with pytest.raises(
        InputError,
        match=r"sbom.spdx3.json: \$\['@graph'\]\[2\].spdxId: 'urn:a' is defined twice, differently \(first at \$\['@graph'\]\[1\]\)",
    ):
        spdx(bad)
    p = spdx(bad, lenient=True)
    assert len(p.nodes) == 1 and p.stats.rejected == 1


def test_relationship_without_to_list_is_rejected():
    doc = v3(
        el("software_Package", "urn:a"),
        {
            "type": "Relationship",
            "spdxId": "urn:r",
            "relationshipType": "dependsOn",
            "from": "urn:a",
            "to": "urn:b",
        },
    )
    with pytest.raises(
        InputError,
        match=r"\$\['@graph'\]\[2\]: a relationship needs relationshipType, from and a list 'to'",
    ):
        spdx(doc)


SPDX2 = {
    "spdxVersion": "SPDX-2.3",
    "SPDXID": "SPDXRef-DOCUMENT",
    "documentNamespace": "https://example.com/app-1.0",
    "externalDocumentRefs": [
        {"externalDocumentId": "DocumentRef-libs", "spdxDocument": "https://example.com/libs-2.0"}
    ],
    "packages": [
        {"SPDXID": "SPDXRef-app", "name": "app", "primaryPackagePurpose": "APPLICATION"},
        {
            "SPDXID": "SPDXRef-junit",
            "name": "junit",
            "externalRefs": [
                {
                    "referenceCategory": "PACKAGE-MANAGER",
                    "referenceType": "purl",
                    "referenceLocator": "pkg:maven/junit/junit@4.12",
                }
            ],
        },
        {"SPDXID": "SPDXRef-log", "name": "slf4j"},
    ],
    "files": [{"SPDXID": "SPDXRef-main", "fileName": "./Main.java"}],
    "relationships": [
        {
            "spdxElementId": "SPDXRef-DOCUMENT",
            "relatedSpdxElement": "SPDXRef-app",
            "relationshipType": "DESCRIBES",
        },
        {
            "spdxElementId": "SPDXRef-log",
            "relatedSpdxElement": "SPDXRef-app",
            "relationshipType": "DEPENDENCY_OF",
        },
        {
            "spdxElementId": "SPDXRef-junit",
            "relatedSpdxElement": "SPDXRef-app",
            "relationshipType": "TEST_DEPENDENCY_OF",
        },
        {
            "spdxElementId": "SPDXRef-app",
            "relatedSpdxElement": "DocumentRef-libs:SPDXRef-http",
            "relationshipType": "DEPENDS_ON",
        },
        {
            "spdxElementId": "SPDXRef-main",
            "relatedSpdxElement": "SPDXRef-app",
            "relationshipType": "CONTAINED_BY",
        },
        {
            "spdxElementId": "SPDXRef-app",
            "relatedSpdxElement": "SPDXRef-main",
            "relationshipType": "CONTAINS",
        },
    ],
}


def test_spdx2_ids_directions_and_external_documents():
    p = spdx(SPDX2, "app.spdx.json")
    G = p.graph()
    app = "https://example.com/app-1.0#SPDXRef-app"
    assert G.nodes[app]["kind"] == "application"
    assert G.has_edge("https://example.com/app-1.0#SPDXRef-log", app)
    assert G.edges["https://example.com/app-1.0#SPDXRef-junit", app]["strength"] == "soft"
    assert G.has_edge(
        "https://example.com/libs-2.0#SPDXRef-http", app
    )  # DocumentRef resolved, unresolved here
    assert G.nodes["https://example.com/libs-2.0#SPDXRef-http"]["unresolved"] is True
    assert len(G.graph["structure"]) == 1  # CONTAINS and CONTAINED_BY say the same once
    assert G.nodes["https://example.com/app-1.0#SPDXRef-junit"]["aliases"] == [
        "pkg:maven/junit/junit@4.12"
    ]


@pytest.mark.parametrize("version", ["SPDX-2.1", "SPDX-4.0"])
def test_unsupported_spdx_version(version):
    with pytest.raises(
        ParseError,
        match=rf"app.spdx.json: \$.spdxVersion: unsupported SPDX version '{version}' \(supported SPDX-2.2, SPDX-2.3 JSON and SPDX 3.0 JSON-LD\)",
    ):
        spdx(dict(SPDX2, spdxVersion=version), "app.spdx.json")


def test_truncated_json():
    text = json.dumps(AI, indent=1)
    with pytest.raises(ParseError, match=r"sbom.spdx3.json:\d+:\d+: unexpected end of file"):
        run(parse_spdx, text[: len(text) // 2], "sbom.spdx3.json", "spdx")


def test_the_same_package_in_spdx_and_cyclonedx_is_one_node(tmp_path):
    (tmp_path / "a.spdx3.json").write_text(json.dumps(AI))
    bom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": "urn:uuid:1",
        "version": 1,
        "components": [
            {"bom-ref": "np", "type": "library", "name": "numpy", "purl": "pkg:pypi/numpy@1.26.0"},
            {"bom-ref": "svc", "type": "application", "name": "svc"},
        ],
        "dependencies": [{"ref": "svc", "dependsOn": ["np"]}],
    }
    (tmp_path / "b.cdx.json").write_text(json.dumps(bom))
    G = graphgov.rich(graphgov.load(tmp_path))
    assert G.nodes["urn:np"]["formats"] == ["cyclonedx", "spdx"]
    df = graphgov.analyze(G).set_index("node")
    assert df.loc["urn:np", "blast_radius"] == 2  # the SPDX app and the CycloneDX service
