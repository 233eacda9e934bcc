"""What went wrong while reading, counted so that nothing is lost silently.

For every source file: ``records read = records used + records rejected + records ignored``, each
side counted on its own. A parser counts a record as *read* when it meets it
(:meth:`graphgov.ingest.registry.ParseContext.count`, which numbers it: its *origin*); every graph
record it yields carries that number. A record is *used* when something it stated reached the graph
(the graph builder marks it, :meth:`Diagnostics.land`), *rejected* when it was refused with a reason
(:meth:`Diagnostics.reject`) and *ignored* when the parser passed it over on purpose, naming why (a
kind graphgov does not model, a comment row: :meth:`Diagnostics.ignore`). A record partly used and
partly rejected (a node kept, one of its references refused) counts as used, and as ``partial``.
A record that is none of the three is *unaccounted*: that is a bug, shown in the summary, never
hidden. In strict mode (the default) a bad record raises; with ``lenient`` it becomes a counted
warning and the record is listed as rejected.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .errors import InputError


@dataclass(frozen=True)
class Finding:
    """One warning or rejected record. ``message`` already names the place."""

    level: str  # "warning" or "rejected"
    code: str
    message: str
    source: str | None = None

    def as_dict(self) -> dict[str, str]:
        return {
            "level": self.level,
            "code": self.code,
            "source": self.source or "",
            "message": self.message,
        }


USED, REJECTED, IGNORED = 1, 2, 4  # the marks a read record can collect


@dataclass
class SourceStats:
    """One file's counts. ``read`` is counted by the parser; ``used``, ``rejected``, ``ignored``,
    ``partial`` and ``unaccounted`` are counted from the marks its records collected (each read
    record is the first of used, rejected, ignored that it was marked; else unaccounted)."""

    path: str
    format: str
    read: int = 0
    nodes: int = 0
    edges: int = 0
    warnings: int = 0
    stray: int = 0  # marks for a record this file never counted as read: a bug, never hidden
    marks: bytearray = field(default_factory=bytearray, repr=False, compare=False)
    why_ignored: dict[int, str] = field(default_factory=dict, repr=False, compare=False)

    def grow(self, n: int) -> int:
        """Count ``n`` records as read; returns the origin (1-based number) of the last."""
        self.read += n
        if len(self.marks) < self.read:
            self.marks.extend(bytes(self.read - len(self.marks)))
        return self.read

    def mark(self, origin: int | None, bit: int) -> None:
        if origin is None or not 1 <= origin <= len(self.marks):
            self.stray += 1
            return
        self.marks[origin - 1] |= bit

    def mark_range(self, first: int, count: int, bit: int) -> None:
        """Mark origins ``first .. first + count - 1`` (the bulk path: one mark per edge row)."""
        if count <= 0:
            return
        if first < 1 or first + count - 1 > len(self.marks):
            self.stray += count
            return
        import numpy as np

        view = np.frombuffer(self.marks, dtype=np.uint8)
        view[first - 1 : first - 1 + count] |= bit

    def _states(self) -> tuple[Any, Any, Any, Any]:
        """(used, rejected, ignored, partial) as boolean arrays over the records read."""
        import numpy as np

        m = np.frombuffer(bytes(self.marks[: self.read]), dtype=np.uint8)
        used = (m & USED) != 0
        refused = (m & REJECTED) != 0
        rejected = refused & ~used
        ignored = ((m & IGNORED) != 0) & ~used & ~refused
        return used, rejected, ignored, used & refused

    @property
    def used(self) -> int:
        """Records something of which reached the graph."""
        return int(self._states()[0].sum())

    @property
    def rejected(self) -> int:
        """Records refused with a reason (and nothing of them used)."""
        return int(self._states()[1].sum())

    @property
    def ignored(self) -> int:
        """Records passed over on purpose, by a named reason (:attr:`ignored_by`)."""
        return int(self._states()[2].sum())

    @property
    def partial(self) -> int:
        """Used records of which a part was rejected (a reference, for example)."""
        return int(self._states()[3].sum())

    @property
    def unaccounted(self) -> int:
        """Records read that are neither used, rejected nor ignored: a bug, never hidden."""
        used, rejected, ignored, _ = self._states()
        return self.read - int(used.sum()) - int(rejected.sum()) - int(ignored.sum())

    @property
    def ignored_by(self) -> dict[str, int]:
        import numpy as np

        by: Counter[str] = Counter()
        for i in np.nonzero(self._states()[2])[0].tolist():
            by[self.why_ignored.get(i + 1, "unnamed")] += 1
        return dict(sorted(by.items()))

    def settle(self) -> None:
        """The counts are final (the graph is built); a hook for checks (tests/conftest.py)."""


@dataclass
class Diagnostics:
    lenient: bool = False
    findings: list[Finding] = field(default_factory=list)
    sources: dict[str, SourceStats] = field(default_factory=dict)
    max_listed: int = 10_000

    def warn(self, code: str, message: str, source: str | None = None) -> None:
        """Record a warning (never fatal)."""
        self._add(Finding("warning", code, message, source))

    def problem(
        self,
        code: str,
        message: str,
        source: str | None = None,
        error: type[InputError] = InputError,
    ) -> None:
        """Something is wrong with the input: raise in strict mode, warn in lenient mode."""
        if not self.lenient:
            raise error(message)
        self._add(Finding("warning", code, message, source))

    def reject(
        self,
        code: str,
        message: str,
        source: str | None = None,
        error: type[InputError] = InputError,
        origin: int | list[int] | None = None,
    ) -> None:
        """A record cannot be used: raise in strict mode; in lenient mode count it as rejected.

        ``origin`` is the record's number in ``source`` (from the parser's count), or a list."""
        if not self.lenient:
            raise error(message)
        self._add(Finding("rejected", code, message, source))
        if source is not None and source in self.sources:
            for o in origin if isinstance(origin, list) else [origin]:
                self.sources[source].mark(o, REJECTED)

    def ignore(self, source: str, origin: int | None, reason: str) -> None:
        """The parser passed a record over on purpose; ``reason`` names the category (counted)."""
        stats = self.sources.get(source)
        if stats is None:
            return
        stats.mark(origin, IGNORED)
        if origin is not None:
            stats.why_ignored[origin] = reason  # the last (most specific) reason given

    def land(self, source: str | None, origin: int | list[int] | None) -> None:
        """Something the record ``origin`` of ``source`` (or each of a list) stated reached the graph."""
        if source is None:
            return
        stats = self.sources.get(source)
        if stats is None:
            return
        if isinstance(origin, list):
            for o in origin:
                stats.mark(o, USED)
        else:
            stats.mark(origin, USED)

    def land_record(self, rec: Any) -> None:
        """:meth:`land` for a graph record (its file and origin are attributes)."""
        # an edge names its file in ``source_file`` (its ``source`` is the edge's start)
        source = rec.source_file if hasattr(rec, "target") else rec.source
        self.land(source if isinstance(source, str) else None, getattr(rec, "origin", None))

    def settle(self) -> None:
        """Count every file's records from their marks (after the graph is built)."""
        for stats in self.sources.values():
            stats.settle()

    def _add(self, finding: Finding) -> None:
        self.findings.append(finding)
        if finding.level == "warning" and finding.source in self.sources:
            self.sources[finding.source].warnings += 1

    def start_source(self, path: str, fmt: str) -> SourceStats:
        stats = SourceStats(path, fmt)
        self.sources[path] = stats
        return stats

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "warning"]

    @property
    def rejected(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "rejected"]

    def counts_by_code(self) -> dict[str, int]:
        return dict(sorted(Counter(f.code for f in self.findings).items()))

    def ignored_by(self) -> dict[str, int]:
        """Ignored records over all files, by reason."""
        by: Counter[str] = Counter()
        for s in self.sources.values():
            by.update(s.ignored_by)
        return dict(sorted(by.items()))

    def summary(self) -> str:
        """One line: files, records read = used + rejected + ignored (by reason), warnings."""
        stats = self.sources.values()
        read = sum(s.read for s in stats)
        used = sum(s.used for s in stats)
        rej = sum(s.rejected for s in stats)
        ign = sum(s.ignored for s in stats)
        partial = sum(s.partial for s in stats)
        lost = sum(s.unaccounted for s in stats) + sum(s.stray for s in stats)
        formats = Counter(s.format for s in stats)
        fmt = ", ".join(f"{k}: {v}" for k, v in sorted(formats.items()))
        why = ", ".join(f"{k}: {v}" for k, v in self.ignored_by().items())
        out = (
            f"read {len(self.sources)} file(s) ({fmt}): {read} records, {used} used"
            + (f" ({partial} in part)" if partial else "")
            + f", {rej} rejected, {ign} ignored"
            + (f" ({why})" if why else "")
        )
        if lost:
            out += f", {lost} UNACCOUNTED (a bug in graphgov: please report it)"
        return out + f"; {len(self.warnings)} warning(s)"
