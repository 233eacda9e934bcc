"""Errors raised by graphgov.

Every error graphgov raises on purpose derives from :class:`GraphGovError`, so a caller
can catch one class. The command line turns these into a message and an exit status;
nothing else does.

::

    GraphGovError
    ├── InputError          bad input: a file, a reference, a value        (exit 3)
    │   ├── ParseError      the file breaks its format; names path:line:col
    │   ├── ReferenceError_ a reference matches no node, or several
    │   └── ConflictError   two sources disagree about one node or edge
    ├── ConfigError         a setting or a policy file is wrong          (exit 3)
    ├── UsageError          options that cannot go together              (exit 2)
    ├── OutputError         an output cannot be written, or would overwrite an input (exit 4)
    └── EngineError         the Dask cluster cannot be reached or cannot finish (exit 5)

Messages follow one form: ``path:line:col: what is wrong — how to fix it``; the command line
prints them as ``graphgov: error: <message>`` (see :data:`EXIT_STATUSES`). Where an error
knows its place, it also carries it as a value, :attr:`GraphGovError.place` (file, line, column,
JSON path or field), so that callers never parse the message back.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The exit statuses of every command, in one place (the README's table is tested against it).
EXIT_STATUSES = {
    0: "success (for `gate`: no rule broken)",
    1: "findings: `gate` found a broken rule",
    2: "usage: unknown option, missing argument, options that cannot go together",
    3: "input invalid: a file, record, setting, policy or snapshot is unusable (nothing written)",
    4: "output not written: the folder is missing or read-only, the disk is full, the output would overwrite an input, or the graph does not fit in memory",
    5: "engine: the Dask cluster cannot be reached or cannot finish (`--engine dask`)",
    70: "internal error: a bug in graphgov (rerun with --debug for the traceback and report it)",
}


def exit_statuses_markdown() -> str:
    """The README's table of exit statuses, from :data:`EXIT_STATUSES`.

    >>> exit_statuses_markdown().splitlines()[2]
    '| 0 | success (for `gate`: no rule broken) |'
    """
    rows = [f"| {code} | {text} |" for code, text in EXIT_STATUSES.items()]
    return "\n".join(["| status | meaning |", "|---:|---|", *rows])


@dataclass(frozen=True)
class Place:
    """Where something is: a file and, when known, a line, a column and a JSON path or field.

    >>> str(Place("a.csv", 3)), str(Place("m.json", 2, 7)), str(Place("m.json", path="$.nodes[0]"))
    ('a.csv:3', 'm.json:2:7', 'm.json: $.nodes[0]')
    """

    file: str
    line: int | None = None
    column: int | None = None
    path: str | None = None  # a JSON path, or the field of a record

    def __str__(self) -> str:
        out = where(self.file, self.line, self.column)
        return f"{out}: {self.path}" if self.path else out


class Where(str):
    """A provenance: the text reports show (``a.csv:3``, ``m.json: $.nodes[0]``), carrying its
    place as a value (:attr:`place`), so that a reader of the graph (SARIF, ``--select file:``,
    ``graphgov ingest``) takes the file and line from it and never parses the text back.

    >>> w = at("a.csv", 3); (w, w.place.file, w.place.line, f"{w}: bad" )
    ('a.csv:3', 'a.csv', 3, 'a.csv:3: bad')
    """

    place: Place

    def __new__(cls, text: str, place: Place) -> Where:
        self = super().__new__(cls, text)
        self.place = place
        return self

    def __reduce__(self) -> tuple[type[Where], tuple[str, Place]]:
        return (Where, (str(self), self.place))


def at(
    file: str, line: int | None = None, column: int | None = None, path: str | None = None
) -> Where:
    """The provenance ``file[:line[:column]][: path]`` as a :class:`Where`."""
    p = Place(str(file), line or None, column or None, path)
    return Where(str(p), p)


def place_of(where: object) -> Place | None:
    """The structured place of a provenance entry, or None for plain text (an old snapshot)."""
    place = getattr(where, "place", None)
    return place if isinstance(place, Place) else None


class GraphGovError(Exception):
    """Base class of every error graphgov raises on purpose.

    ``place`` is where the problem is, when the raiser knows it (a :class:`Place`), and ``reason``
    what is wrong without the place (for callers that show the place their own way).
    """

    exit_code = 1

    def __init__(
        self, message: str = "", *, place: Place | None = None, reason: str | None = None
    ) -> None:
        super().__init__(message)
        self.place = place
        self.reason = reason

    @property
    def file(self) -> str | None:
        return self.place.file if self.place else None

    @property
    def line(self) -> int | None:
        return self.place.line if self.place else None

    @property
    def column(self) -> int | None:
        return self.place.column if self.place else None


class InputError(GraphGovError):
    """An input file, a record in it, or a value is unusable."""

    exit_code = 3


class ParseError(InputError):
    """A file does not follow the format it claims (or was detected as)."""


class ReferenceError_(InputError):  # noqa: N801 - avoid shadowing the builtin ReferenceError
    """A reference names no node, or more than one."""


class ConflictError(InputError):
    """Two sources state different values for the same fact."""


class ConfigError(GraphGovError):
    """A setting, configuration file or policy file is wrong."""

    exit_code = 3


class UsageError(GraphGovError):
    """Options that contradict each other (two outputs that are one file, for example)."""

    exit_code = 2


class OutputError(GraphGovError):
    """An output cannot be written safely."""

    exit_code = 4


class EngineError(GraphGovError):
    """The Dask cluster (``engine = dask``) cannot be reached, or cannot finish the work."""

    exit_code = 5


def where(path: str, line: int | None = None, col: int | None = None) -> str:
    """Format a location as ``path:line:col`` (parts that are unknown are left out).

    >>> where("a.csv", 3)
    'a.csv:3'
    >>> where("m.json", 2, 7)
    'm.json:2:7'
    >>> where("x.yaml")
    'x.yaml'
    """
    out = str(path)
    if line is not None:
        out += f":{line}"
        if col is not None:
            out += f":{col}"
    return out
