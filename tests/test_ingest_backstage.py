"""Backstage catalog YAML: identity, edge direction, containment, fields, and every bad input."""

from __future__ import annotations

import os

import pytest
from conftest import realworld
from ingest_helpers import run

import graphgov
from graphgov.errors import InputError, ParseError
from graphgov.ingest.backstage import NAME_RULE, parse_backstage
from graphgov.ingest.register import parse_register


def bs(text: str, source: str = "catalog-info.yaml", **kw):
    return run(parse_backstage, text, source, "backstage", **kw)


def entity(
    kind: str, name: str, spec: str = "", meta: str = "", api: str = "backstage.io/v1alpha1"
) -> str:
    out = f"apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: {name}\n{meta}"
    if spec:
        out += "spec:\n" + spec
    return out


CATALOG = "---\n".join(
    [
        entity(
            "Component",
            "web",
            "  type: website\n  lifecycle: production\n  owner: team-a\n  system: shop\n  dependsOn: [resource:orders-db]\n  consumesApis: [payments]\n",
        ),
        entity(
            "API",
            "payments",
            "  type: openapi\n  lifecycle: production\n  owner: group:default/team-b\n",
        ),
        entity(
            "Component",
            "payments",
            "  type: service\n  lifecycle: experimental\n  owner: user:guest\n  providesApis: [payments]\n",
        ),
        entity(
            "Resource",
            "orders-db",
            "  type: database\n  owner: team-b\n  dependencyOf: [component:payments]\n",
        ),
        entity("System", "shop", "  owner: team-a\n  domain: commerce\n"),
    ]
)


def test_identity_edges_and_direction():
    p = bs(CATALOG)
    G = p.graph()
    assert set(G) >= {
        "component:default/web",
        "api:default/payments",
        "component:default/payments",
        "resource:default/orders-db",
        "system:default/shop",
    }
    # the same name under two kinds is two nodes
    assert G.nodes["api:default/payments"]["kind"] == "api"
    assert G.nodes["component:default/payments"]["kind"] == "component"
    # dependsOn: the dependency reaches the dependent; dependencyOf says the same from the other end
    assert G.has_edge("resource:default/orders-db", "component:default/web")
    assert G.has_edge("resource:default/orders-db", "component:default/payments")
    # the API depends on its provider, the consumer on the API
    assert (
        G.edges["component:default/payments", "api:default/payments"]["relation"] == "provides-api"
    )
    assert G.edges["api:default/payments", "component:default/web"]["relation"] == "consumes-api"
    # containment is kept apart, not a dependency
    assert not G.has_edge("system:default/shop", "component:default/web")
    links = {(s["source"], s["target"], s["relation"]) for s in G.graph["structure"]}
    assert ("system:default/shop", "component:default/web", "contains:system") in links
    assert ("domain:default/commerce", "system:default/shop", "contains:domain") in links
    # the blast radius of the payments provider reaches the web consumer through the API
    df = graphgov.analyze(G).set_index("node")
    assert df.loc["component:default/payments", "blast_radius"] == 2
    assert bool(df.loc["component:default/payments", "pilot"]) is True  # lifecycle experimental
    assert bool(df.loc["component:default/web", "pilot"]) is False


def test_fields_feed_the_node_and_owners_are_written_as_backstage_shows_them():
    p = bs(CATALOG)
    G = p.graph()
    web = G.nodes["component:default/web"]
    assert (web["type"], web["lifecycle"], web["owner"], web["system"]) == (
        "website",
        "production",
        "team-a",
        "shop",
    )
    assert G.nodes["api:default/payments"]["owner"] == "team-b"  # group:default/team-b
    assert G.nodes["component:default/payments"]["owner"] == "user:guest"
    assert web["provenance"] == ["catalog-info.yaml:1"]
    assert p.stats.read == 5 and p.stats.rejected == 0


def test_annotations_with_the_prefix_carry_register_fields_and_unknown_kinds_and_fields_are_kept():
    text = entity(
        "AiResource",
        "Summariser",
        "  type: skill\n  owner: team-a\n  agents: [claude-code]\n",
        meta="  title: The Summariser\n  annotations:\n    graphgov.io/criticality: '4'\n    graphgov.io/pilot: 'true'\n    backstage.io/techdocs-ref: dir:.\n",
    )
    G = bs(text).graph()
    node = G.nodes["airesource:default/summariser"]
    assert node["name"] == "Summariser"  # display spelling kept, id lower-cased
    assert node["criticality"] == 4 and node["pilot"] is True
    assert node["extra"]["agents"] == ["claude-code"]
    assert node["extra"]["annotations"] == {"backstage.io/techdocs-ref": "dir:."}
    assert node["extra"]["title"] == "The Summariser"


def test_bad_annotation_value_names_the_annotation():
    text = entity(
        "Component",
        "web",
        "  owner: a\n",
        meta="  annotations:\n    graphgov.io/criticality: '9'\n",
    )
    with pytest.raises(
        InputError,
        match=r"catalog-info.yaml:6: annotation graphgov.io/criticality: criticality must be a whole number from 1 to 5",
    ):
        bs(text)


def test_references_match_case_insensitively():
    text = (
        entity("Component", "Payments", "  owner: a\n")
        + "---\n"
        + entity("Component", "web", "  owner: a\n  dependsOn: [Component:Default/PAYMENTS]\n")
    )
    G = bs(text).graph()
    assert G.has_edge("component:default/payments", "component:default/web")
    assert not any(d.get("unresolved") for _, d in G.nodes(data=True))


def test_two_entities_differing_only_by_case_are_an_error():
    text = entity("Component", "payments") + "---\n" + entity("component", "Payments")
    with pytest.raises(
        InputError,
        match=r"document 2: entity component:default/Payments is already defined at line 1 as Component:default/payments",
    ):
        bs(text)


def test_a_component_named_in_the_register_by_its_short_name_is_found():
    p = bs(
        entity("Component", "checkout", "  owner: a\n")
        + "---\n"
        + entity("API", "checkout-api", "  owner: a\n")
    )
    reg = run(
        parse_register, "systems:\n  checkout:\n    criticality: 5\n", "register.yaml", "register"
    )
    G = graphgov.build_graph(p.records + reg.records, p.diag)
    assert G.nodes["component:default/checkout"]["criticality"] == 5


def test_a_short_name_shared_by_two_kinds_is_reported_never_guessed():
    p = bs(CATALOG)
    reg = run(
        parse_register, "systems:\n  payments:\n    criticality: 5\n", "register.yaml", "register"
    )
    with pytest.raises(
        InputError,
        match=r"'payments' matches 2 nodes \(api:default/payments, component:default/payments\)",
    ):
        graphgov.build_graph(p.records + reg.records, p.diag)


def test_dangling_reference_is_a_warning_and_stays_visible():
    p = bs(
        entity("Component", "web", "  owner: a\n  dependsOn: [resource:ghost-db]\n"), lenient=False
    )
    G = p.graph()
    assert G.nodes["resource:default/ghost-db"]["unresolved"] is True
    assert G.has_edge("resource:default/ghost-db", "component:default/web")
    assert any(
        "catalog-info.yaml:7: spec.dependsOn: depends-on reference 'resource:default/ghost-db' is not defined"
        in m
        for m in p.messages("warning")
    )


def test_group_and_user_entities_are_not_dependency_nodes_and_locations_are_not_followed_by_default():
    text = (
        entity("Group", "team-a", "  type: team\n  children: []\n")
        + "---\n"
        + entity("User", "jdoe", "  memberOf: [team-a]\n")
        + "---\n"
        + entity("Location", "all", "  targets: [./other.yaml]\n")
    )
    p = bs(text)
    assert p.nodes == [] and p.edges == []
    # the group's place in the organisation is kept apart (it feeds owner_parent, not the graph)
    assert [(r.group, r.parent, r.children) for r in p.records] == [("team-a", None, ())]
    assert p.stats.read == 3 and p.stats.rejected == 0


def test_location_targets_are_followed_when_asked(tmp_path):
    (tmp_path / "all.yaml").write_text(
        entity("Location", "all", "  targets: [./svc.yaml, ./missing.yaml]\n")
    )
    (tmp_path / "svc.yaml").write_text(entity("Component", "svc", "  owner: a\n"))
    G = graphgov.rich(
        graphgov.load(
            tmp_path / "all.yaml",
            settings=graphgov.load_settings(overrides={"follow_locations": True}, environ={}),
        )
    )
    assert "component:default/svc" in G
    messages = [f.message for f in G.graph["diagnostics"].warnings]
    assert any("Location target './missing.yaml' does not exist" in m for m in messages)
    assert "component:default/svc" not in graphgov.rich(
        graphgov.load(tmp_path / "all.yaml", lenient=False)
    )


# --------------------------------------------------------------------------- bad input
def test_missing_kind():
    text = "apiVersion: backstage.io/v1alpha1\nmetadata:\n  name: web\n"
    with pytest.raises(
        InputError,
        match=r"catalog-info.yaml:1: document 1: kind is missing — every entity needs apiVersion and kind",
    ):
        bs(text)


def test_missing_api_version():
    with pytest.raises(InputError, match=r"document 1: apiVersion is missing"):
        bs("kind: Component\nmetadata:\n  name: web\n")


def test_unknown_root_field():
    text = entity("Component", "web") + "owner: team-a\n"
    with pytest.raises(
        InputError,
        match=r"catalog-info.yaml:5: document 1: unknown root field 'owner' — an entity has apiVersion, kind, metadata, spec",
    ):
        bs(text)


@pytest.mark.parametrize("name", ['"payments service"', "a" * 64, "-svc", "a/b", "svc-"])
def test_invalid_names_quote_the_rule(name):
    with pytest.raises(InputError) as err:
        bs(entity("Component", name))
    message = str(err.value)
    assert "catalog-info.yaml:4: document 1: invalid metadata.name" in message
    assert NAME_RULE in message
    assert "[a-zA-Z0-9] separated by any of [-_.], at most 63 characters" in message


def test_valid_name_edge_cases_are_accepted():
    for name in ("a" * 63, "a.b_c-d", "A1"):
        assert bs(entity("Component", name)).nodes


def test_multi_document_file_with_one_bad_document():
    text = (
        entity("Component", "one")
        + "---\n"
        + entity("9Comp", "two")
        + "---\n"
        + entity("Component", "three")
    )
    with pytest.raises(InputError, match=r"catalog-info.yaml:7: document 2: invalid kind '9Comp'"):
        bs(text)
    p = bs(text, lenient=True)
    assert [n.id for n in p.nodes] == ["component:default/one", "component:default/three"]
    assert p.stats.read == 3 and p.stats.rejected == 1
    (message,) = p.messages("rejected")
    assert (
        message.startswith("catalog-info.yaml:7: document 2:")
        and "a letter followed by letters and digits" in message
    )


def test_yaml_python_tag_is_refused_and_nothing_runs(tmp_path):
    sentinel = tmp_path / "pwned.txt"
    text = (
        entity("Component", "web")
        + f'spec:\n  x: !!python/object/apply:os.system ["touch {sentinel}"]\n'
    )
    with pytest.raises(ParseError, match=r"catalog-info.yaml:6:\d+: unsupported YAML tag"):
        bs(text)
    assert not os.path.exists(sentinel)


def test_yaml_alias_bomb_is_refused():
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(
            f"{cur}: &{cur} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]"
        )
    text = (
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: web\nspec:\n"
        + "\n".join("  " + line for line in lines)
        + "\n"
    )
    with pytest.raises(ParseError, match=r"aliases expand to more than 100000 nodes"):
        bs(text)


def test_yaml_duplicate_key():
    text = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n  name: b\n"
    with pytest.raises(
        ParseError, match=r"catalog-info.yaml:5:3: duplicate key 'name' \(lines 4 and 5\)"
    ):
        bs(text)


def test_detection_and_override(tmp_path):
    path = tmp_path / "catalog-info.yaml"
    path.write_text(entity("Component", "web"))
    G = graphgov.rich(graphgov.load(path))
    assert G.graph["inputs"][0]["format"] == "backstage"
    other = tmp_path / "entities.txt"
    other.write_text(entity("Component", "web"))
    G = graphgov.rich(graphgov.load(f"{other}:backstage"))
    assert "component:default/web" in G


def test_scaffolder_templates_are_detected_and_kept_as_nodes(tmp_path):
    path = tmp_path / "template.yaml"
    path.write_text(
        "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: new-service\nspec:\n  owner: team-a\n  type: service\n  steps: []\n"
    )
    G = graphgov.rich(graphgov.load(path))
    assert G.graph["inputs"][0]["format"] == "backstage"
    assert G.nodes["template:default/new-service"]["kind"] == "template"


def test_a_scaffolder_skeleton_is_recognised_in_the_message():
    with pytest.raises(
        InputError,
        match=r"invalid metadata.name '\$\{\{ values.name \}\}' \(a template placeholder: this looks like a scaffolder skeleton",
    ):
        bs(entity("Location", "${{ values.name }}"))


def test_tab_indentation_and_unclosed_bracket_name_line_and_column():
    with pytest.raises(
        ParseError, match=r"catalog-info.yaml:5:1: .*YAML indentation must use spaces, not tabs"
    ):
        bs(
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: web\n\towner: a\n"
        )
    with pytest.raises(ParseError, match=r"catalog-info.yaml:\d+:\d+: "):
        bs("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: web\n")


def test_empty_file_named_as_backstage(tmp_path):
    path = tmp_path / "catalog-info.yaml"
    path.write_bytes(b"")
    with pytest.raises(ParseError, match=r"catalog-info.yaml: file is empty"):
        graphgov.rich(graphgov.load(f"{path}:backstage"))


# --- links, labels, domain and the group hierarchy
def test_links_labels_and_domain_are_node_attributes():
    text = "---\n".join(
        [
            entity(
                "System",
                "shop",
                "  owner: team-a\n  domain: commerce\n",
                meta="  labels:\n    tier: gold\n  links:\n    - url: https://wiki.example/shop\n      title: Wiki\n      icon: docs\n    - title: no url\n",
            ),
            entity("Component", "web", "  type: website\n  owner: team-a\n  system: shop\n"),
        ]
    )
    p = bs(text)
    G = p.graph()
    shop = G.nodes["system:default/shop"]
    assert shop["domain"] == "commerce" and shop["labels"] == {"tier": "gold"}
    assert shop["links"] == [{"url": "https://wiki.example/shop", "title": "Wiki", "icon": "docs"}]
    assert any("metadata.links[1] has no url" in m for m in p.messages("warning"))
    # a component's domain is its system's
    assert G.nodes["component:default/web"]["domain"] == "commerce"


def test_the_owner_s_parent_group_is_known_from_parent_and_from_children():
    org = "---\n".join(
        [
            entity("Group", "acme", "  type: organization\n  children: [infra]\n"),
            entity("Group", "infra", "  type: department\n  children: []\n"),
            entity("Group", "team-a", "  type: team\n  parent: infra\n  children: []\n"),
        ]
    )
    comps = "---\n".join(
        [
            entity("Component", "web", "  type: website\n  owner: team-a\n"),
            entity("Component", "lb", "  type: service\n  owner: group:default/infra\n"),
            entity("Component", "tool", "  type: service\n  owner: user:guest\n"),
        ]
    )
    G = bs(org + "---\n" + comps).graph()
    assert G.nodes["component:default/web"]["owner_parent"] == "infra"
    assert G.nodes["component:default/lb"]["owner_parent"] == "acme"  # from acme's children
    assert "owner_parent" not in G.nodes["component:default/tool"]
    assert not any(n.startswith("group:") for n in G)  # groups stay out of the graph


def test_a_parent_and_a_children_list_that_disagree_are_reported_and_spec_parent_wins():
    org = "---\n".join(
        [
            entity("Group", "a", "  type: team\n  children: [x]\n"),
            entity("Group", "x", "  type: team\n  parent: b\n  children: []\n"),
            entity("Component", "web", "  type: website\n  owner: x\n"),
        ]
    )
    p = bs(org)
    G = p.graph()
    assert G.nodes["component:default/web"]["owner_parent"] == "b"
    assert any(
        "group 'a' lists 'x' as a child, but 'x' names 'b' as its parent" in m
        for m in p.messages("warning")
    )


def test_group_hierarchy_across_files_applies_to_other_formats_owners(write):
    write("org.yaml", entity("Group", "team-a", "  type: team\n  parent: data\n  children: []\n"))
    inv = write("inventory.csv", "id,kind,owner\nreport:weekly,report,team-a\n")
    G = graphgov.rich(graphgov.load(inv.parent))
    assert G.nodes["report:weekly"]["owner_parent"] == "data"


def test_real_acme_catalog_owners_have_parent_groups_and_components_their_domain():
    path = realworld("backstage", "backstage")
    G = graphgov.rich(
        graphgov.load(path, lenient=True)
    )  # the folder holds a deliberately invalid component
    assert G.nodes["component:default/wayback-search"]["owner"] == "team-a"
    assert G.nodes["component:default/wayback-search"]["owner_parent"] == "backstage"
    assert G.nodes["component:default/petstore"]["owner_parent"] == "boxoffice"
    # audio-playback's system is in the playback domain
    assert G.nodes["system:default/audio-playback"]["domain"] == "playback"
    assert G.nodes["component:default/playback-sdk"]["domain"] == "playback"
    assert G.nodes["component:default/shuffle-api"]["labels"] == {
        "goVersion": "go1.15.3",
        "category": "music",
    }
    assert [link["title"] for link in G.nodes["component:default/petstore"]["links"]] == [
        "GitHub Repo"
    ]
    with_parent = sorted(n for n, d in G.nodes(data=True) if d.get("owner_parent"))
    with_owner = sorted(n for n, d in G.nodes(data=True) if d.get("owner"))
    # every owner that is a group of the acme org has a parent; users and acme-corp itself have none
    assert set(with_owner) - set(with_parent) == {
        "component:default/playback-order",
        "component:default/searcher",
        "component:default/shuffle-api",
        "domain:default/audio",
        "domain:default/playback",
    }


def test_impact_shows_the_owner_s_parent_group_and_domain(write, cli):
    org = entity("Group", "team-a", "  type: team\n  parent: data-platform\n  children: []\n")
    catalog = "---\n".join(
        [
            entity("System", "shop", "  owner: team-a\n  domain: commerce\n"),
            entity("Resource", "db", "  type: database\n  owner: team-b\n"),
            entity(
                "Component",
                "web",
                "  type: website\n  owner: team-a\n  system: shop\n  dependsOn: [resource:db]\n",
            ),
        ]
    )
    write("org.yaml", org)
    path = write("catalog.yaml", catalog)
    G = graphgov.rich(graphgov.load(path.parent))
    row = graphgov.impact(G, "resource:default/db")["rows"][0]
    assert (row["node"], row["owner"], row["owner_parent"], row["domain"]) == (
        "component:default/web",
        "team-a",
        "data-platform",
        "commerce",
    )
    result = cli("impact", "resource:default/db", path.parent, "--format", "csv")
    assert result.exit_code == 0, result.output
    header, line = result.stdout.lstrip("\ufeff").splitlines()[:2]
    assert header == "node,effect,hops,kind,owner,owner_parent,domain,criticality,path"
    assert line.startswith("component:default/web,fails,1,component,team-a,data-platform,commerce,")
