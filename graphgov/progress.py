"""Progress of long work: one line per stage on a terminal, and stage timings on request.

A :class:`Progress` is handed down explicitly (never read from a global). On a terminal (stderr is a
TTY and ``--quiet`` is not given), a stage that runs longer than :data:`SHOW_AFTER` seconds shows
a bar with its name, its fraction done when the stage reports one, and the elapsed time; it is
replaced by the next stage. ``GRAPHGOV_TIMING=1`` (an environment setting for benchmarks) prints
each stage's wall time and the process's peak memory when it ends, whatever stderr is.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

SHOW_AFTER = 2.0


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Progress:
    """Stages of one command's work."""

    def __init__(self, stream: TextIO | None = None, *, enabled: bool = True) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.tty = enabled and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.timing = os.environ.get("GRAPHGOV_TIMING", "") not in ("", "0")
        self._name = ""
        self._start = 0.0
        self._shown = False
        self._t0 = time.perf_counter()
        self._open: Any = None

    @contextmanager
    def stage(self, name: str) -> Iterator[Progress]:
        self._name, self._start, self._shown = name, time.perf_counter(), False
        try:
            yield self
        finally:
            elapsed = time.perf_counter() - self._start
            if self._shown:
                self.stream.write("\r\x1b[2K")
                self.stream.flush()
            if self.timing:
                total = time.perf_counter() - self._t0
                self.stream.write(
                    f"[timing] {name:<28} {elapsed:7.2f} s  (total {total:7.2f} s, peak {peak_rss_mib():7.0f} MiB)\n"
                )
                self.stream.flush()

    def begin(self, name: str) -> None:
        """Start a stage that lasts until the next :meth:`begin` or :meth:`end`."""
        self.end()
        self._open = self.stage(name)
        self._open.__enter__()

    def end(self) -> None:
        opened = getattr(self, "_open", None)
        if opened is not None:
            self._open = None
            opened.__exit__(None, None, None)

    def update(self, done: int, total: int) -> None:
        """Report ``done`` of ``total`` units of the current stage."""
        if not self.tty:
            return
        elapsed = time.perf_counter() - self._start
        if elapsed < SHOW_AFTER and done < total:
            return
        width = 30
        frac = done / total if total else 1.0
        bar = "#" * int(frac * width)
        self.stream.write(
            f"\r\x1b[2K{self._name:<24} [{bar:<{width}}] {frac * 100:5.1f}%  {elapsed:6.1f} s"
        )
        self.stream.flush()
        self._shown = True

    def callback(self, label: str | None = None):  # type: ignore[no-untyped-def]
        """A ``(stage, done, total)`` callable for the engine."""

        def report(_stage: str, done: int, total: int) -> None:
            self.update(done, total)

        return report


QUIET = Progress(enabled=False)
QUIET.timing = (
    False  # work below a command's own stages (a plan's re-simulations) is not timed apart
)
