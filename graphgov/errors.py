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
    ├── OutputError         an output cannot be written, or would overwrite an input (exit 4)
    └── EngineError         the Dask cluster cannot be reached or cannot finish (exit 5)

Messages follow one form: ``path:line:col: what is wrong — how to fix it``.
"""

from __future__ import annotations


class GraphGovError(Exception):
    """Base class of every error graphgov raises on purpose."""

    exit_code = 1


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
