"""Time `graphgov ingest` of a generated 20,000-entity Backstage catalog against PyYAML's C loader
merely loading the same file, in the same run (issue 11: within 5 times).

    python tools/bench_yaml_catalog.py [ENTITIES]

Prints both times and their ratio. The catalog is generated fresh in a temporary folder: components
with owner, lifecycle, system, tags, annotations, links, dependsOn and providesApis; one API per ten
components; systems and groups.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path


def catalog(n: int) -> str:
    docs = []
    for g in range(20):
        docs.append(
            f"apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-{g}\n"
            f"spec:\n  type: team\n  parent: dept-{g % 4}\n  children: []\n"
        )
    for s in range(50):
        docs.append(
            f"apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: system-{s}\n"
            f"spec:\n  owner: team-{s % 20}\n"
        )
    apis = max(1, n // 10)
    for a in range(apis):
        docs.append(
            f"apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: api-{a}\n"
            f"  description: API number {a}\nspec:\n  type: openapi\n  lifecycle: production\n"
            f"  owner: team-{a % 20}\n  system: system-{a % 50}\n  definition: |\n    openapi: 3.0.0\n"
        )
    for c in range(n - apis - 70):
        deps = "".join(f"    - component:svc-{d}\n" for d in (c - 1, c - 7) if d >= 0)
        docs.append(
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n"
            f"  name: svc-{c}\n  description: Service number {c} of the estate\n"
            f"  tags: [python, tier-{c % 3}]\n  annotations:\n    github.com/project-slug: acme/svc-{c}\n"
            f'    graphgov.io/criticality: "{1 + c % 5}"\n'
            f"  links:\n    - url: https://example.com/svc-{c}\n      title: Runbook\n"
            f"spec:\n  type: service\n  lifecycle: {'experimental' if c % 50 == 0 else 'production'}\n"
            f"  owner: team-{c % 20}\n  system: system-{c % 50}\n"
            f"  providesApis: [api-{c % apis}]\n" + (f"  dependsOn:\n{deps}" if deps else "")
        )
    return "---\n".join(docs)


def main() -> None:
    import yaml

    from graphgov.cli import main as cli

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "catalog-info.yaml"
        path.write_text(catalog(n), encoding="utf-8")
        size = path.stat().st_size
        start = time.perf_counter()
        with path.open("rb") as fp:
            docs = list(yaml.load_all(fp, Loader=yaml.CSafeLoader))
        c_load = time.perf_counter() - start
        start = time.perf_counter()
        cli(["ingest", str(path), "-q"], standalone_mode=False)
        ingest = time.perf_counter() - start
    print(f"{len(docs)} documents, {size / 1e6:.1f} MB")
    print(f"yaml.load_all(CSafeLoader): {c_load:.2f} s")
    print(f"graphgov ingest:            {ingest:.2f} s")
    print(f"ratio:                      {ingest / c_load:.1f}")


if __name__ == "__main__":
    main()
