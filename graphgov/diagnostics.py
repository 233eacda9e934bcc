"""What went wrong while reading, counted so that nothing is lost silently.

For every source file: ``records read = records used + records rejected``. In strict mode
(the default) a bad record raises; with ``lenient`` it becomes a counted warning and the
record is listed as rejected.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

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


@dataclass
class SourceStats:
    path: str
    format: str
    read: int = 0
    used: int = 0
    rejected: int = 0
    nodes: int = 0
    edges: int = 0
    warnings: int = 0


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
    ) -> None:
        """A record cannot be used: raise in strict mode; in lenient mode count it as rejected."""
        if not self.lenient:
            raise error(message)
        self._add(Finding("rejected", code, message, source))
        if source is not None and source in self.sources:
            self.sources[source].rejected += 1

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

    def summary(self) -> str:
        """One line: files, records, warnings, rejected."""
        read = sum(s.read for s in self.sources.values())
        used = sum(s.used for s in self.sources.values())
        rej = sum(s.rejected for s in self.sources.values())
        formats = Counter(s.format for s in self.sources.values())
        fmt = ", ".join(f"{k}: {v}" for k, v in sorted(formats.items()))
        return (
            f"read {len(self.sources)} file(s) ({fmt}): {read} records, {used} used, "
            f"{rej} rejected; {len(self.warnings)} warning(s)"
        )
