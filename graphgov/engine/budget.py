"""What a run will take: memory and time estimated from the graph's size, before the work starts.

The figures come from ``benchmarks/bench_analyze.py`` on this project's 2-core machine (see the
README's performance section): the engine holds about :data:`BYTES_PER_EDGE` bytes per edge and
:data:`BYTES_PER_NODE` per node at its peak, on top of :data:`FIXED_BYTES` (the interpreter, the
libraries and the chunk rows), and processes about :data:`EDGES_PER_SECOND` edges a second end
to end. A graph whose estimate exceeds the memory available is refused before it is worked on.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..errors import OutputError

BYTES_PER_EDGE = 450
BYTES_PER_NODE = 700
FIXED_BYTES = 600 << 20
EDGES_PER_SECOND = 150_000


@dataclass(frozen=True)
class Estimate:
    nodes: int
    edges: int
    bytes: int
    seconds: float

    def describe(self) -> str:
        return f"about {self.seconds:.0f} s and {self.bytes / 2**30:.1f} GiB"

    def check(self, available: int | None = None) -> None:
        free = available_memory() if available is None else available
        if free is not None and self.bytes > free:
            msg = (
                f"a graph of {self.nodes:,} nodes and {self.edges:,} edges needs about "
                f"{self.bytes / 2**30:.1f} GiB, and {free / 2**30:.1f} GiB is available — "
                "run it on a larger machine, or split the inputs (see the README: performance)"
            )
            raise OutputError(msg)


def estimate(nodes: int, edges: int) -> Estimate:
    """The estimate for a graph of this size.

    >>> estimate(1_000_000, 4_000_000).describe()
    'about 33 s and 2.9 GiB'
    """
    size = FIXED_BYTES + BYTES_PER_NODE * nodes + BYTES_PER_EDGE * edges
    return Estimate(nodes, edges, size, max(1.0, (edges + nodes) / EDGES_PER_SECOND))


def available_memory() -> int | None:
    """MemAvailable from /proc/meminfo (bytes), or None where it cannot be read;
    ``GRAPHGOV_MEMORY_BYTES`` replaces it (for containers whose limit /proc does not show)."""
    override = env_override()
    if override is not None:
        return override
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def memory_message() -> str:
    free = available_memory()
    avail = f" ({free / 2**30:.1f} GiB was available)" if free is not None else ""
    return (
        f"out of memory{avail} — the graph is too large for this machine; run it on a larger one, "
        "or split the inputs (see the README: performance)"
    )


def env_override() -> int | None:
    """``GRAPHGOV_MEMORY_BYTES`` replaces the memory available (for tests and containers)."""
    value = os.environ.get("GRAPHGOV_MEMORY_BYTES")
    return int(value) if value and value.isdigit() else None
