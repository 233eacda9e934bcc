"""Small hostile inputs (a few kilobytes each) for graphgov, written to a folder.

Used by tools/hostile_bench.py (which times each one under /usr/bin/time and prints the numbers) and
by tests/test_hardening_hostile.py (which checks each run finishes with a clean exit status).
"""

from __future__ import annotations

import json
from pathlib import Path


def alias_bomb() -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 9)}]")
    return "systems:\n  " + "\n  ".join(lines) + "\n"


def merge_bomb() -> str:
    lines = ["x0: &x0 {a: 1, b: 2}"]
    for i in range(1, 12):
        lines.append(f"x{i}: &x{i} {{<<: [*x{i - 1}, *x{i - 1}], k{i}: 1}}")
    return "systems:\n  " + "\n  ".join(lines) + "\n"


def terraform_fan() -> str:
    # 320 resources -> one pseudo node -> 320 resources: the edges through the dropped node join
    # their ends, 102,400 edges from a few kilobytes
    n = 320
    out = ["digraph {"]
    out += [f'"t.a{i}" -> "var.v"' for i in range(n)]
    out += [f'"var.v" -> "t.b{i}"' for i in range(n)]
    return "\n".join(out) + "\n}\n"


def files() -> dict[str, bytes | str]:
    """name -> content (``name:FORMAT`` names force the format)."""
    deep_json = "[" * 100_000 + "]" * 100_000
    deep_yaml = "systems:\n  a: " + "[" * 10_000 + "]" * 10_000 + "\n"
    dup_keys = "{" + ",".join(['"id": "a"'] * 2000) + "}"
    return {
        "alias-bomb.yaml:register": alias_bomb(),
        "merge-bomb.yaml:register": merge_bomb(),
        "recursive-alias.yaml:register": "systems:\n  a: &x [1, *x]\n",
        "deep.json:inventory": deep_json,
        "deep.yaml:register": deep_yaml,
        "dup-keys.json:inventory": '{"nodes": [' + dup_keys + "]}",
        "dup-keys.yaml:register": "systems:\n  a:\n" + "    owner: t\n" * 2000,
        "one-huge-line.csv": "id,description\na," + "x" * 6000 + "\n",
        "wide-header.csv": ",".join(["id"] + [f"c{i}" for i in range(1500)]) + "\na\n",
        "many-commas.csv": "id,owner\n" + "a" + "," * 6000 + "\n",
        "regex-bait-ids.csv": "id,depends_on,since\n"
        + "".join(f"{'a' * 60}{i}{':' * 40},{'-' * 80},{'2' * 40}\n" for i in range(30)),
        "regex-bait.ndjson": json.dumps(
            {
                "eventType": "COMPLETE",
                "eventTime": "2" * 3000,
                "producer": "p",
                "run": {"runId": "{{" * 1000},
                "job": {"namespace": "n", "name": "j"},
                "inputs": [{"namespace": "://" * 500, "name": "." * 500}],
            }
        )
        + "\n",
        "k8s-env-bait.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\n"
        "spec: {template: {spec: {containers: [{name: c, env: [{name: DB_ADDR, value: '"
        + "a." * 2000
        + "'}, {name: X_URL, value: '"
        + "http://" * 300
        + "'}]}]}}}\n",
        "dangling-refs.csv": "id,depends_on\n"
        + "".join(f"svc-{i:03d},ghost-{i:03d}\n" for i in range(350)),
        "ambiguous-names.csv": "id,name,depends_on\n"
        + "".join(f"n{i},x,\n" for i in range(300))
        + "".join(f"d{i},d{i},x\n" for i in range(300)),
        "dense-cycles.csv:edges": "source,target\n"
        + "".join(f"n{i},n{j}\n" for i in range(40) for j in range(40) if i != j),
        "long-chain.csv:edges": "source,target\n" + "".join(f"{i},{i + 1}\n" for i in range(800)),
        "terraform-fan.dot": terraform_fan(),
        "nul-bytes.csv": b"id,owner\n" + b"\x00" * 4000,
        "utf16-no-bom.csv": "id,owner\na,b\n".encode("utf-16-le") * 200,
        "bom-storm.csv": "id,owner\n" + "\ufeffa,b\n" * 500,
        "control-chars.csv": "id,owner\n" + "".join(f"a\x1b[2J{i},t\n" for i in range(300)),
    }


def write_all(folder: Path) -> list[tuple[Path, str]]:
    """Write every input; returns (path, the argument naming it on the command line)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, content in files().items():
        base, _, fmt = name.partition(":")
        path = folder / base
        data = content.encode("utf-8") if isinstance(content, str) else content
        path.write_bytes(data)
        out.append((path, f"{path}:{fmt}" if fmt else str(path)))
    return out
