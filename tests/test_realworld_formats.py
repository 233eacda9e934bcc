"""Every real Backstage, dbt, OpenLineage and CycloneDX file in ../shared/realworld, read on its own.

How the expected counts were established (each file read on its own, as `graphgov.load(path)` does;
the counts were first worked out by reading the files, then cross-checked with small throw-away
scripts that use only `json` / `yaml.safe_load_all`, not graphgov):

- **Backstage**: nodes = the file's entities other than Group, User and Location (organisation and
  pointers, not dependency nodes), plus one unresolved placeholder for every referenced entity the
  file does not define (`system: audio-playback`, `owner` is not a reference). Edges = `dependsOn`
  + `dependencyOf` + `providesApis` + `consumesApis` entries (distinct pairs). Containment links =
  `system` + `domain` + `subdomainOf` + `subcomponentOf` + `skills` + `plugins` entries.
  `components/invalid-component.yaml` has `name: invalid component` (a space): an error in strict mode,
  one rejected entity in lenient mode. The model catalog's `dependsOn` and `dependencyOf` state the
  same three pairs from both ends, and its API says `dependencyOf: component:ibm-granite-…`, which is
  a Resource: 5 edges, and one unresolved `component:` placeholder (4 nodes).
- **dbt**: nodes = models, seeds, snapshots, sources, exposures, metrics, semantic models and saved
  queries (tests, unit tests, operations left out); edges = distinct (parent, child) pairs of
  `parent_map` ∪ `depends_on.nodes` where both ends are kept. In the duckdb manifest the 3 sources
  `raw_data.{customers,orders,products}` name the very tables the 3 seeds create
  (`duckdb.raw_data.customers`, ...), so their `relation:` aliases join them: 21 declared, 18 nodes.
- **OpenLineage**: nodes = distinct datasets and jobs on an input → job → output edge; edges =
  distinct (input, job) and (job, output) pairs over all events. dbt test jobs (`test.*`, integration
  DBT) and the audit tables they write are left out (dbt_include_tests off), as are jobs with no
  dataset (`*.sql.N`); build_ol_events.json: 186 events → 9 jobs and 7 datasets, 15 edges. Files with
  placeholders (`{{RUN_START_TIME}}`, `${json-unit.any-string}`) in `eventTime` fail in strict mode
  and load in lenient mode with one warning per event. The LineageFacet spec fragments: entries and
  their inputs (`mixed-sources`: 2 inputs of one dataset entry → 3 nodes, 2 edges); the dataset-level
  fragment and the column-lineage fragment name no dataset of their own (strict: a clear error;
  lenient: the fragment is one rejected record); the
  implicit-job fragment has no enclosing job (strict error; lenient: 1 rejected entry).
  `spark/pysparkCLLEnd.json` has a job without `name` (a json-unit expectation): strict error, lenient
  one rejected event.
- **CycloneDX**: nodes = `metadata.component` + every component and service, nested ones too, where
  components sharing a purl are one node (juice-shop's flat npm BOM installs 52 package versions in
  several places: 1,116 elements, 137 repeats, 979 nodes); edges = distinct `dependsOn` pairs
  (+ `provides`, + data flows between elements: valid-saasbom's bi-directional flows add the 5 reverse
  edges `service → ms-*`); containment = nested elements. `invalid-dependency-1.6.json`: two
  dependency entries without a usable `ref` (strict error; lenient: 2 rejected, 1 edge kept).
- **SPDX** (optional format): nodes = packages, files, snippets, AI and dataset packages (people,
  licences, tools, documents are not nodes) + one unresolved node per relationship end defined in
  another document (example6: 2 elements + 6 outside ends = 8); edges = distinct pairs of the
  dependency-like relationships (dependsOn, links, trainedOn/testedOn on one pair merge, generates,
  usesTool, hasDataFile; simplehtr: 7 dependsOn + 2 model←dataset = 9, its one repeated relationship
  read once); containment = distinct `contains` pairs (appbomination 3.0 writes 5 of its 13 twice).
  The SPDX 2.2 and 3.0 versions of appbomination give the same 4 dependency edges.
- **Kiali** (optional format): nodes = the non-box nodes (boxes group, they are not systems); edges =
  distinct (source, target) pairs (test_complex_graph lists one pair twice: 9 edges, 8 distinct).
  The two multi-cluster graphs keep a service's copies in each cluster apart (mc_source: reviews and
  reviews v2 in kukulcan and in tzotz). Self-loops count as edges (workload/app/service graphs:
  2-3 each).
- **docker-compose** (optional): nodes = `services` entries; edges = `depends_on` + `links` entries
  (socialNetwork: 19, mostly to jaeger-agent and databases; mediaMicroservices: none).
- **Kubernetes** (optional): nodes = Deployments/StatefulSets/... and Services, plus unresolved
  Services named by env vars and defined nowhere in the file; edges = one per Service selector match
  + one per `*_ADDR`-style env var naming a Service + one per NetworkPolicy ingress peer. The release
  manifest: 12 Deployments + 12 Services + `shoppingassistantservice` (named by frontend's env, only
  defined in a kustomize component) = 25 nodes; 12 selector edges + 17 `*_ADDR` edges = 29. Each
  network-policy file alone: the policy's app and its callers, all unresolved (the workloads live
  in the release manifest). ServiceAccounts, Istio resources and kustomization files are not nodes.
- **OpenMetadata** (optional): 7 `{from, to}` edges between 8 entities.
"""

from __future__ import annotations

import pytest
from conftest import REALWORLD, realworld

import graphgov
from graphgov.errors import InputError

FORMATS = (
    "backstage",
    "dbt",
    "openlineage",
    "cyclonedx",
    "spdx",
    "service-deps/kiali",
    "openmetadata",
)
# folders that also hold files of no graphgov format: only the files matching the pattern
PATTERNS = (("service-deps/DeathStarBench", "*.yml"), ("service-deps/microservices-demo", "*.yaml"))

# path: (format, nodes, edges, containment links, rejected) for a file that loads in strict mode
OK = {
    "backstage/backstage-showcase/catalog-entities/all.yaml": ("backstage", 0, 0, 0, 0),
    "backstage/backstage-showcase/catalog-entities/apis.yaml": ("backstage", 0, 0, 0, 0),
    "backstage/backstage-showcase/catalog-entities/apis/nexus-repo-manager-3.yaml": (
        "backstage",
        2,
        0,
        1,
        0,
    ),
    "backstage/backstage-showcase/catalog-entities/apis/petstore.yaml": ("backstage", 2, 0, 1, 0),
    "backstage/backstage-showcase/catalog-entities/components.yaml": ("backstage", 0, 0, 0, 0),
    "backstage/backstage-showcase/catalog-entities/components/showcase.yaml": (
        "backstage",
        7,
        5,
        1,
        0,
    ),
    "backstage/backstage-showcase/catalog-entities/groups.yaml": ("backstage", 0, 0, 0, 0),
    "backstage/backstage-showcase/catalog-entities/groups/janus-authors.yaml": (
        "backstage",
        0,
        0,
        0,
        0,
    ),
    "backstage/backstage-showcase/catalog-entities/groups/rhdh-team.yaml": (
        "backstage",
        0,
        0,
        0,
        0,
    ),
    "backstage/backstage-showcase/catalog-entities/resources.yaml": ("backstage", 0, 0, 0, 0),
    "backstage/backstage-showcase/catalog-entities/resources/argocd.yaml": (
        "backstage",
        2,
        0,
        1,
        0,
    ),
    "backstage/backstage-showcase/catalog-entities/resources/github.yaml": (
        "backstage",
        2,
        0,
        1,
        0,
    ),
    "backstage/backstage-showcase/catalog-entities/resources/keycloak.yaml": (
        "backstage",
        2,
        0,
        1,
        0,
    ),
    "backstage/backstage-showcase/catalog-entities/resources/obc.yaml": ("backstage", 2, 0, 1, 0),
    "backstage/backstage-showcase/catalog-entities/resources/pgdb.yaml": ("backstage", 2, 0, 1, 0),
    "backstage/backstage-showcase/catalog-entities/systems.yaml": ("backstage", 0, 0, 0, 0),
    "backstage/backstage-showcase/catalog-entities/systems/janus-idp.yaml": (
        "backstage",
        1,
        0,
        0,
        0,
    ),
    "backstage/backstage/acme/backstage-group.yaml": ("backstage", 0, 0, 0, 0),
    "backstage/backstage/acme/boxoffice-group.yaml": ("backstage", 0, 0, 0, 0),
    "backstage/backstage/acme/infrastructure-group.yaml": ("backstage", 0, 0, 0, 0),
    "backstage/backstage/acme/org.yaml": ("backstage", 0, 0, 0, 0),
    "backstage/backstage/acme/team-a-group.yaml": ("backstage", 0, 0, 0, 0),
    "backstage/backstage/acme/team-b-group.yaml": ("backstage", 0, 0, 0, 0),
    "backstage/backstage/acme/team-c-group.yaml": ("backstage", 0, 0, 0, 0),
    "backstage/backstage/acme/team-d-group.yaml": ("backstage", 0, 0, 0, 0),
    "backstage/backstage/ai-resources/code-review-plugin.yaml": ("backstage", 4, 0, 3, 0),
    "backstage/backstage/ai-resources/company-ai-marketplace.yaml": ("backstage", 4, 0, 3, 0),
    "backstage/backstage/ai-resources/frontend-design-skill.yaml": ("backstage", 2, 0, 1, 0),
    "backstage/backstage/ai-resources/use-internal-apis-rule.yaml": ("backstage", 2, 0, 1, 0),
    "backstage/backstage/all-ai-resources.yaml": ("backstage", 0, 0, 0, 0),
    "backstage/backstage/all-components.yaml": ("backstage", 0, 0, 0, 0),
    "backstage/backstage/all-domains.yaml": ("backstage", 0, 0, 0, 0),
    "backstage/backstage/all.yaml": ("backstage", 0, 0, 0, 0),
    "backstage/backstage/apis/backstage-mcp-server-api.yaml": ("backstage", 1, 0, 0, 0),
    "backstage/backstage/apis/local-ai-model-server-api.yaml": ("backstage", 1, 0, 0, 0),
    "backstage/backstage/apis/wayback-archive-api.yaml": ("backstage", 1, 0, 0, 0),
    "backstage/backstage/apis/wayback-search-api.yaml": ("backstage", 1, 0, 0, 0),
    "backstage/backstage/components/artist-lookup-component.yaml": ("backstage", 2, 0, 1, 0),
    "backstage/backstage/components/petstore-component.yaml": ("backstage", 4, 3, 0, 0),
    "backstage/backstage/components/playback-lib-component.yaml": ("backstage", 2, 0, 1, 0),
    "backstage/backstage/components/playback-order-component.yaml": ("backstage", 1, 0, 0, 0),
    "backstage/backstage/components/podcast-api-component.yaml": ("backstage", 2, 0, 1, 0),
    "backstage/backstage/components/queue-proxy-component.yaml": ("backstage", 2, 0, 1, 0),
    "backstage/backstage/components/searcher-component.yaml": ("backstage", 1, 0, 0, 0),
    "backstage/backstage/components/shuffle-api-component.yaml": ("backstage", 2, 0, 1, 0),
    "backstage/backstage/components/wayback-archive-component.yaml": ("backstage", 2, 1, 0, 0),
    "backstage/backstage/components/wayback-archive-ingestion-component.yaml": (
        "backstage",
        2,
        0,
        1,
        0,
    ),
    "backstage/backstage/components/wayback-archive-storage-component.yaml": (
        "backstage",
        2,
        0,
        1,
        0,
    ),
    "backstage/backstage/components/wayback-search-component.yaml": ("backstage", 3, 2, 0, 0),
    "backstage/backstage/components/www-artist-component.yaml": ("backstage", 2, 0, 1, 0),
    "backstage/backstage/domains/artists-domain.yaml": ("backstage", 2, 0, 1, 0),
    "backstage/backstage/domains/audio-domain.yaml": ("backstage", 1, 0, 0, 0),
    "backstage/backstage/domains/playback-domain.yaml": ("backstage", 1, 0, 0, 0),
    "backstage/backstage/resources/artists-db-resource.yaml": ("backstage", 2, 0, 1, 0),
    "backstage/backstage/systems/artist-engagement-portal-system.yaml": ("backstage", 2, 0, 1, 0),
    "backstage/backstage/systems/audio-playback-system.yaml": ("backstage", 2, 0, 1, 0),
    "backstage/backstage/systems/podcast-system.yaml": ("backstage", 2, 0, 1, 0),
    "backstage/demo/catalog-info.yaml": ("backstage", 2, 1, 0, 0),
    "backstage/demo/examples/ai-resources.yaml": ("backstage", 7, 0, 6, 0),
    "backstage/demo/examples/mcp-server-api.yaml": ("backstage", 1, 0, 0, 0),
    "backstage/model-catalog-example/developer-model-service/catalog-info.yaml": (
        "backstage",
        4,
        5,
        0,
        0,
    ),
    "dbt/OpenLineage/build/target/manifest.json": ("dbt", 3, 1, 0, 0),
    "dbt/OpenLineage/postgres/target/manifest.json": ("dbt", 8, 8, 0, 0),
    "dbt/OpenLineage/structured_logs/duckdb/test_singular_tests/target/manifest.json": (
        "dbt",
        18,
        22,
        0,
        0,
    ),
    "dbt/OpenLineage/test/target/manifest.json": ("dbt", 6, 4, 0, 0),
    "dbt/dbt-artifacts-parser/v1/jaffle_shop/manifest.json": ("dbt", 11, 12, 0, 0),
    "dbt/dbt-artifacts-parser/v4/jaffle_shop/manifest.json": ("dbt", 8, 5, 0, 0),
    "dbt/dbt-artifacts-parser/v8/jaffle_shop_at_1_4_3/manifest.json": ("dbt", 10, 8, 0, 0),
    "dbt/dbt-artifacts-parser/v10/jaffle_shop/manifest.json": ("dbt", 9, 8, 0, 0),
    "dbt/dbt-artifacts-parser/v11/jaffle_shop/manifest.json": ("dbt", 38, 33, 0, 0),
    "dbt/dbt-artifacts-parser/v12/jaffle_shop/manifest_1.10.json": ("dbt", 47, 57, 0, 0),
    "openlineage/OpenLineage/client-python/serde_example_dataset_event.json": (
        "openlineage",
        1,
        0,
        0,
        0,
    ),
    "openlineage/OpenLineage/client-python/serde_example_job_event.json": (
        "openlineage",
        3,
        2,
        0,
        0,
    ),
    "openlineage/OpenLineage/dbt-structured-logs/postgres/build_ol_events.json": (
        "openlineage",
        16,
        15,
        0,
        0,
    ),
    "openlineage/OpenLineage/fluentd/event_full.json": ("openlineage", 2, 2, 0, 0),
    "openlineage/OpenLineage/hive/cllComplexQueryCTEJoinsComplete.json": (
        "openlineage",
        5,
        4,
        0,
        0,
    ),
    "openlineage/OpenLineage/spec-tests/LineageFacet/dataset-to-job.json": (
        "openlineage",
        2,
        1,
        0,
        0,
    ),
    "openlineage/OpenLineage/spec-tests/LineageFacet/generator.json": ("openlineage", 1, 0, 0, 0),
    "openlineage/OpenLineage/spec-tests/LineageFacet/job-to-dataset.json": (
        "openlineage",
        2,
        1,
        0,
        0,
    ),
    "openlineage/OpenLineage/spec-tests/LineageFacet/job-to-job.json": ("openlineage", 2, 1, 0, 0),
    "openlineage/OpenLineage/spec-tests/LineageFacet/mixed-sources.json": (
        "openlineage",
        3,
        2,
        0,
        0,
    ),
    "openlineage/marquez/api-test-resources/apples/1_pick_apples.json": ("openlineage", 3, 2, 0, 0),
    "openlineage/marquez/api-test-resources/apples/2_apple_filling.json": (
        "openlineage",
        4,
        3,
        0,
        0,
    ),
    "openlineage/marquez/api-test-resources/apples/3_apple_cider.json": ("openlineage", 4, 3, 0, 0),
    "openlineage/marquez/api-test-resources/apples/5_apple_vinegar.json": (
        "openlineage",
        3,
        2,
        0,
        0,
    ),
    "openlineage/marquez/api-test-resources/apples/6_apple_pie.json": ("openlineage", 3, 2, 0, 0),
    "openlineage/marquez/api-test-resources/apples/7_pick_different_apples.json": (
        "openlineage",
        3,
        2,
        0,
        0,
    ),
    "openlineage/marquez/api-test-resources/apples/8_apple_filling.json": (
        "openlineage",
        5,
        4,
        0,
        0,
    ),
    "openlineage/marquez/api-test-resources/apples/9_apple_pie.json": ("openlineage", 3, 2, 0, 0),
    "openlineage/marquez/api-test-resources/event_full.json": ("openlineage", 2, 2, 0, 0),
    "openlineage/marquez/api-test-resources/event_large.json": ("openlineage", 2, 2, 0, 0),
    "cyclonedx/bom-examples/CBOM/Example-With-Dependencies/bom.json": ("cyclonedx", 4, 3, 0, 0),
    "cyclonedx/bom-examples/SBOM/cern-lhc-vdm-editor-e564943/bom.json": ("cyclonedx", 44, 0, 0, 0),
    "cyclonedx/bom-examples/SBOM/dropwizard-1.3.15/bom.json": ("cyclonedx", 168, 170, 0, 0),
    "cyclonedx/bom-examples/SBOM/juice-shop/via_npm/flat/bom.1.4.json": (
        "cyclonedx",
        979,
        1660,
        0,
        0,
    ),
    "cyclonedx/bom-examples/SBOM/laravel-7.12.0/bom.1.4.json": ("cyclonedx", 63, 113, 0, 0),
    "cyclonedx/bom-examples/SBOM/proton-bridge/proton-bridge-v1.8.0.bom.json": (
        "cyclonedx",
        202,
        232,
        0,
        0,
    ),
    "cyclonedx/bom-examples/SaaSBOM/apigateway-microservices-datastores/bom.json": (
        "cyclonedx",
        7,
        6,
        5,
        0,
    ),
    "cyclonedx/specification/tools/src/test/resources/1.6/valid-dependency-1.6.json": (
        "cyclonedx",
        3,
        1,
        0,
        0,
    ),
    "cyclonedx/specification/tools/src/test/resources/1.6/valid-machine-learning-1.6.json": (
        "cyclonedx",
        1,
        0,
        0,
        0,
    ),
    "cyclonedx/specification/tools/src/test/resources/1.6/valid-saasbom-1.6.json": (
        "cyclonedx",
        7,
        11,
        5,
        0,
    ),
    "cyclonedx/specification/tools/src/test/resources/1.6/valid-service-1.6.json": (
        "cyclonedx",
        2,
        1,
        0,
        0,
    ),
    "spdx/spdx-examples/ai/example01/spdx3.0/simplehtr-example.json": ("spdx", 46, 9, 35, 0),
    "spdx/spdx-examples/ai/example02/spdx3.0/sbom.spdx3.json": ("spdx", 17, 8, 15, 0),
    "spdx/spdx-examples/dataset/example01/spdx3.0/example01.spdx3.json": ("spdx", 3, 0, 2, 0),
    "spdx/spdx-examples/software/example12/spdx3.0/hello-src.spdx3.json": ("spdx", 13, 0, 12, 0),
    "spdx/spdx-examples/software/example6/spdx3.0/example6-bin.json": ("spdx", 8, 7, 1, 0),
    "spdx/spdx-examples/software/example9/spdx2.2/appbomination.spdx.json": ("spdx", 17, 4, 8, 0),
    "spdx/spdx-examples/software/example9/spdx3.0/appbomination.spdx3.json": ("spdx", 22, 4, 13, 0),
    "service-deps/kiali/graph/api/testdata/test_ambient_graph.expected": ("kiali", 4, 5, 0, 0),
    "service-deps/kiali/graph/api/testdata/test_app_graph.expected": ("kiali", 11, 14, 0, 0),
    "service-deps/kiali/graph/api/testdata/test_complex_graph.expected": ("kiali", 10, 8, 0, 0),
    "service-deps/kiali/graph/api/testdata/test_mc_source_graph.expected": ("kiali", 15, 13, 0, 0),
    "service-deps/kiali/graph/api/testdata/test_service_graph.expected": ("kiali", 10, 13, 0, 0),
    "service-deps/kiali/graph/api/testdata/test_versioned_app_graph.expected": (
        "kiali",
        13,
        18,
        0,
        0,
    ),
    "service-deps/kiali/graph/api/testdata/test_workload_graph.expected": ("kiali", 13, 18, 0, 0),
    "service-deps/kiali/mesh/api/testdata/test_mesh_graph.expected": ("kiali", 9, 8, 0, 0),
    "service-deps/DeathStarBench/mediaMicroservices/docker-compose.yml": ("compose", 33, 0, 0, 0),
    "service-deps/DeathStarBench/socialNetwork/docker-compose.yml": ("compose", 27, 19, 0, 0),
    "service-deps/microservices-demo/kustomize/components/network-policies/kustomization.yaml": (
        "kubernetes",
        0,
        0,
        0,
        0,
    ),
    "service-deps/microservices-demo/kustomize/components/network-policies/network-policy-adservice.yaml": (
        "kubernetes",
        2,
        1,
        0,
        0,
    ),
    "service-deps/microservices-demo/kustomize/components/network-policies/network-policy-cartservice.yaml": (
        "kubernetes",
        3,
        2,
        0,
        0,
    ),
    "service-deps/microservices-demo/kustomize/components/network-policies/network-policy-checkoutservice.yaml": (
        "kubernetes",
        2,
        1,
        0,
        0,
    ),
    "service-deps/microservices-demo/kustomize/components/network-policies/network-policy-currencyservice.yaml": (
        "kubernetes",
        3,
        2,
        0,
        0,
    ),
    "service-deps/microservices-demo/kustomize/components/network-policies/network-policy-deny-all.yaml": (
        "kubernetes",
        0,
        0,
        0,
        0,
    ),
    "service-deps/microservices-demo/kustomize/components/network-policies/network-policy-emailservice.yaml": (
        "kubernetes",
        2,
        1,
        0,
        0,
    ),
    "service-deps/microservices-demo/kustomize/components/network-policies/network-policy-frontend.yaml": (
        "kubernetes",
        0,
        0,
        0,
        0,
    ),
    "service-deps/microservices-demo/kustomize/components/network-policies/network-policy-loadgenerator.yaml": (
        "kubernetes",
        0,
        0,
        0,
        0,
    ),
    "service-deps/microservices-demo/kustomize/components/network-policies/network-policy-paymentservice.yaml": (
        "kubernetes",
        2,
        1,
        0,
        0,
    ),
    "service-deps/microservices-demo/kustomize/components/network-policies/network-policy-productcatalogservice.yaml": (
        "kubernetes",
        4,
        3,
        0,
        0,
    ),
    "service-deps/microservices-demo/kustomize/components/network-policies/network-policy-recommendationservice.yaml": (
        "kubernetes",
        2,
        1,
        0,
        0,
    ),
    "service-deps/microservices-demo/kustomize/components/network-policies/network-policy-redis.yaml": (
        "kubernetes",
        2,
        1,
        0,
        0,
    ),
    "service-deps/microservices-demo/kustomize/components/network-policies/network-policy-shippingservice.yaml": (
        "kubernetes",
        3,
        2,
        0,
        0,
    ),
    "service-deps/microservices-demo/kustomize/components/shopping-assistant/kustomization.yaml": (
        "kubernetes",
        0,
        0,
        0,
        0,
    ),
    "service-deps/microservices-demo/kustomize/components/shopping-assistant/shoppingassistantservice.yaml": (
        "kubernetes",
        2,
        1,
        0,
        0,
    ),
    "service-deps/microservices-demo/release/istio-manifests.yaml": ("kubernetes", 0, 0, 0, 0),
    "service-deps/microservices-demo/release/kubernetes-manifests.yaml": (
        "kubernetes",
        25,
        29,
        0,
        0,
    ),
    "openmetadata/OpenMetadata/ingestion/examples/sample_data/lineage/lineage.json": (
        "openmetadata",
        8,
        7,
        0,
        0,
    ),
}

# path: (strict error message (regex), lenient counts (nodes, edges, rejected, warnings) or None when
# the file is refused in lenient mode too)
BROKEN = {
    "backstage/backstage/components/invalid-component.yaml": (
        r"invalid-component.yaml:4: document 1: invalid metadata.name 'invalid component' — names are strings of \[a-zA-Z0-9\] separated by any of \[-_.\], at most 63 characters",
        (0, 0, 1, 0),
    ),
    "openlineage/OpenLineage/flink/expected_kafka.json": (
        r"expected_kafka.json: /eventTime: eventTime is a placeholder '\$\{json-unit.any-string\}', not a value",
        (4, 3, 0, 2),  # the placeholder, and the missing producer
    ),
    "openlineage/marquez/docker/metadata.template.json": (
        r"metadata.template.json: /0/eventTime: eventTime is a placeholder '\{\{RUN_START_TIME\}\}', not a value",
        (26, 27, 0, 26),  # one placeholder per event
    ),
    "openlineage/OpenLineage/spark/pysparkCLLEnd.json": (
        r"pysparkCLLEnd.json: /job/name: missing or empty — every job has a namespace and a name",
        (0, 0, 1, 2),  # and no eventTime, no producer
    ),
    "openlineage/OpenLineage/spec-tests/LineageFacet/implicit-job.json": (
        r"implicit-job.json: /lineage/entries/0: a job without namespace and name",
        (0, 0, 1, 0),
    ),
    "openlineage/OpenLineage/spec-tests/LineageFacet/dataset-to-dataset.json": (
        r"dataset-to-dataset.json: /lineage: a dataset lineage facet on its own, not an OpenLineage event",
        (0, 0, 1, 0),
    ),
    "openlineage/OpenLineage/spec-tests/ColumnLineageDatasetFacet/1.json": (
        r"1.json: \$.columnLineage: a column-lineage facet on its own, not an OpenLineage event",
        (0, 0, 1, 0),
    ),
    "cyclonedx/specification/tools/src/test/resources/1.6/invalid-dependency-1.6.json": (
        r"invalid-dependency-1.6.json: \$.dependencies\[0\].ref: missing — every dependency names the component it is about",
        (3, 1, 2, 0),
    ),
}


def files_of_these_formats() -> list[str]:
    if not REALWORLD.is_dir():
        return []
    out = []
    for fmt in FORMATS:
        out += [
            p.relative_to(REALWORLD).as_posix()
            for p in sorted((REALWORLD / fmt).rglob("*"))
            if p.is_file()
        ]
    for folder, pattern in PATTERNS:
        out += [
            p.relative_to(REALWORLD).as_posix()
            for p in sorted((REALWORLD / folder).rglob(pattern))
            if p.is_file()
        ]
    return out


def test_every_file_of_these_formats_is_listed():
    realworld()  # skip with the reason when the folder is absent
    assert sorted(files_of_these_formats()) == sorted(OK | BROKEN)


@pytest.mark.parametrize("rel", sorted(OK))
def test_file_loads_with_the_counts_read_by_hand(rel):
    fmt, nodes, edges, containment, rejected = OK[rel]
    G = graphgov.rich(graphgov.load(realworld(rel)))
    assert G.graph["inputs"][0]["format"] == fmt
    assert (G.number_of_nodes(), G.number_of_edges(), len(G.graph["structure"])) == (
        nodes,
        edges,
        containment,
    )
    diag = G.graph["diagnostics"]
    assert len(diag.rejected) == rejected
    (stats,) = diag.sources.values()
    assert stats.read == stats.used + stats.rejected + stats.ignored and stats.unaccounted == 0


@pytest.mark.parametrize("rel", sorted(BROKEN))
def test_broken_file_gives_a_clear_error(rel):
    message, lenient = BROKEN[rel]
    path = realworld(rel)
    with pytest.raises(InputError, match=message):
        graphgov.rich(graphgov.load(path))
    if lenient is None:
        with pytest.raises(InputError, match=message):
            graphgov.rich(graphgov.load(path, lenient=True))
        return
    G = graphgov.rich(graphgov.load(path, lenient=True))
    diag = G.graph["diagnostics"]
    assert (
        G.number_of_nodes(),
        G.number_of_edges(),
        len(diag.rejected),
        len(diag.warnings),
    ) == lenient


def test_backstage_example_catalog_as_a_whole():
    """The 59 entities of backstage/backstage read together: FORMATS.md's 7 unresolved references are
    `owner: guest` (an owner, not an edge here) and the 6 below."""
    G = graphgov.rich(graphgov.load(realworld("backstage", "backstage"), lenient=True))
    unresolved = sorted(n for n, d in G.nodes(data=True) if d.get("unresolved"))
    assert unresolved == [
        "airesource:default/security-review",
        "airesource:default/testing-plugin",
        "airesource:default/typescript-best-practices",
        "api:default/hello-world",
        "api:default/petstore",
        "api:default/streetlights",
    ]
    # 14 components (one invalid, rejected) + 4 APIs + 1 resource + 3 systems + 3 domains + 4 AI resources
    declared = [n for n, d in G.nodes(data=True) if not d.get("unresolved")]
    assert len(declared) == 13 + 4 + 1 + 3 + 3 + 4
    # wayback-search and wayback-archive are each a Component and an API
    assert {
        "component:default/wayback-search",
        "api:default/wayback-search",
        "component:default/wayback-archive",
        "api:default/wayback-archive",
    } <= set(G)
    assert G.has_edge(
        "component:default/wayback-search", "api:default/wayback-search"
    )  # provider → API
    assert G.has_edge(
        "api:default/wayback-archive", "component:default/wayback-search"
    )  # API → consumer
    df = graphgov.analyze(G).set_index("node")
    assert (
        df.loc["component:default/wayback-archive", "blast_radius"] == 3
    )  # its API, the consumer, the consumer's API
    pilots = {n for n in df.index if df.loc[n, "pilot"]}
    assert pilots == {n for n, d in G.nodes(data=True) if d.get("lifecycle") == "experimental"}
    assert len(pilots) == 6  # experimental: 4 components + 2 APIs in this subset


def test_every_cyclonedx_bom_loads_together():
    G = graphgov.rich(graphgov.load(realworld("cyclonedx"), lenient=True))
    assert G.number_of_nodes() > 1400
    # the ML model card marks a model node
    models = [n for n, d in G.nodes(data=True) if d.get("kind") == "model"]
    assert (
        len(models) == 1 and G.nodes[models[0]]["extra"]["model_card"]["approach"] == "supervised"
    )


def test_spdx_2_and_3_versions_of_one_sbom_give_the_same_dependencies():
    base = ("spdx", "spdx-examples", "software", "example9")
    G2 = graphgov.rich(graphgov.load(realworld(*base, "spdx2.2", "appbomination.spdx.json")))
    G3 = graphgov.rich(graphgov.load(realworld(*base, "spdx3.0", "appbomination.spdx3.json")))

    def named(G):
        return {
            (G.nodes[u]["name"], G.nodes[v]["name"], d["strength"])
            for u, v, d in G.edges(data=True)
        }

    assert (
        named(G2)
        == named(G3)
        == {
            ("hamcrest-core", "junit", "hard"),
            ("commons-lang3", "App-BOM-ination", "hard"),
            ("slf4j-api", "App-BOM-ination", "hard"),
            ("junit", "App-BOM-ination", "soft"),  # a test dependency
        }
    )


def test_kubernetes_network_policies_and_env_vars_tell_the_same_story():
    """Every NetworkPolicy "X may call Y" has an env var in X's Deployment naming Service Y."""
    demo = ("service-deps", "microservices-demo")
    G = graphgov.rich(
        graphgov.load(
            realworld(*demo, "release", "kubernetes-manifests.yaml"),
            realworld(*demo, "kustomize", "components", "network-policies"),
        )
    )
    allowed = {(u, v) for u, v, d in G.edges(data=True) if d["relation"] == "allowed-ingress"}
    assert len(allowed) == 15  # the sum of the per-file edge counts above
    for callee, caller in allowed:
        service = "service:" + callee.split(":", 1)[1]
        assert G.has_edge(service, caller), (
            f"{caller} may call {callee} but names no such service in its env"
        )
    assert not any(
        d.get("unresolved")
        for n, d in G.nodes(data=True)
        if n != "service:default/shoppingassistantservice"
    )
