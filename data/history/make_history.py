"""Rebuild the quarterly snapshots of the bundled sample (Northwind Mutual) in this folder.

    python data/history/make_history.py            # from anywhere
    python data/history/make_history.py OUT_DIR    # write them elsewhere (the tests compare)

The organisation's past is reconstructed from its own dates: each snapshot holds the graph as it
stood at the quarter's end (edges first seen later are left out, undated edges count as present,
as for the gradient), and register facts dated after the quarter's end (assumption reviews, drills,
readiness gates) are not yet known then. Northwind Mutual's quarters end in February, May,
August and November. Over the quarters the document-summariser pilot gathers dependents and goes
from reversible (11.7) to entrenched, and the severity model derived from the claims-triage pilot
from reversible to entrenched. Snapshots are deterministic: running this again gives the same
bytes.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import graphgov
from graphgov.analysis.gradient import graph_at
from graphgov.review import write_snapshot

HERE = Path(__file__).resolve().parent
DATA = HERE.parent
QUARTERS = {d.isoformat(): d for d in (dt.date(2025, 11, 30), dt.date(2026, 2, 28), dt.date(2026, 5, 31), dt.date(2026, 8, 31))}


def as_known_on(G, day: dt.date):
    """The graph with edges and register facts dated after ``day`` left out."""
    H = graph_at(G, day)
    cutoff = day.isoformat()
    for _, data in H.nodes(data=True):
        gate = data.get("readiness_gate") or {}
        if gate.get("passed_at") and gate["passed_at"] > cutoff:
            data.pop("readiness_gate")
        rev = dict(data.get("reversibility") or {})
        if rev.get("last_drill") and rev["last_drill"] > cutoff:
            rev.pop("last_drill")
            data["reversibility"] = rev
        if data.get("assumptions"):
            data["assumptions"] = [
                {**a, "last_reviewed": a["last_reviewed"] if a.get("last_reviewed") and a["last_reviewed"] <= cutoff else None}
                for a in data["assumptions"]
            ]
    return H


def main(argv: list[str] | None = None) -> int:
    import os

    args = sys.argv[1:] if argv is None else argv
    out_dir = Path(args[0]).resolve() if args else HERE
    os.chdir(DATA.parent)  # input paths in the snapshots are relative to the repository root
    settings = graphgov.load_settings(environ={})
    G = graphgov.rich(graphgov.load("data/org", register="data/register.yaml", settings=settings))  # lists and mappings, to edit
    for name, day in QUARTERS.items():
        H = as_known_on(G, day)
        path = out_dir / f"{name}.json"
        payload = write_snapshot(H, path, settings.replace(as_of=day), day)
        counts = {}
        for v in payload["verdicts"]:
            counts[v["verdict"]] = counts.get(v["verdict"], 0) + 1
        print(f"{path}: {len(payload['graph']['nodes']['id'])} nodes, {len(payload['graph']['edges']['source'])} edges, verdicts {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
