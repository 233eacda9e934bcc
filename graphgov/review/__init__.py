"""The quarterly termination-capacity review: snapshots, verdicts, the review report, diff and gate."""

from __future__ import annotations

from .policy import DEFAULT_POLICY, Policy, load_policy
from .snapshot import Snapshot, make_snapshot, read_snapshot, write_snapshot
from .verdict import REASONS, VERDICTS, Verdict, verdicts

__all__ = [
    "DEFAULT_POLICY",
    "REASONS",
    "VERDICTS",
    "Policy",
    "Snapshot",
    "Verdict",
    "load_policy",
    "make_snapshot",
    "read_snapshot",
    "verdicts",
    "write_snapshot",
]
