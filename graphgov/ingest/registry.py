"""The parser registry. Built-in formats register here exactly as an outside one would.

A format is a name, a ``detect(filename, head) -> score`` function (0: not this format; the highest
score wins) and a pure ``parse(fp, source, ctx)`` that yields records from a binary file object.
Outside packages can add formats through the ``graphgov.formats`` entry-point group, each entry
pointing at a :class:`Format`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from ..diagnostics import Diagnostics, SourceStats
from ..errors import InputError, ParseError
from ..settings import Settings, default_settings
from . import jsonstrict, yamlsafe
from .organisation import AnyRecord
from .text import decode, read_bytes


@dataclass
class ParseContext:
    """What a parser needs besides the bytes: settings, the diagnostics sink and its file's counts."""

    source: str = "<input>"
    settings: Settings = field(default_factory=default_settings)
    diag: Diagnostics | None = None
    stats: SourceStats | None = None
    format: str = ""
    path: Path | None = None

    def __post_init__(self) -> None:
        if self.diag is None:
            self.diag = Diagnostics(lenient=bool(self.settings.lenient))
        if self.stats is None:
            self.stats = self.diag.start_source(self.source, self.format)

    # counting: every record a parser looks at is read (and numbered: its origin); the records it
    # yields carry that number, so that the graph builder can count it as used; rejected and ignored
    # ones are marked by reject() and ignore()
    def count(self, n: int = 1) -> int:
        """Count ``n`` records as read; returns the origin (number) of the last one."""
        assert self.stats is not None
        return self.stats.grow(n)

    def claim(self, rec: Any, origin: int | None = None) -> Any:
        """Give ``rec`` the record counted last (or ``origin``) as one it comes from; for a parser
        that collects records and yields them at the end, or states one record again (merged):
        the graph builder then counts each of them as used. Returns ``rec``."""
        o = origin or self.origin
        cur = rec.origin
        if not cur:
            new: int | list[int] = o
        elif isinstance(cur, list):
            if cur[-1] != o:
                cur.append(o)
            return rec
        else:
            new = cur if cur == o else [cur, o]
        object.__setattr__(rec, "origin", new)
        return rec

    @property
    def origin(self) -> int:
        """The number of the record last counted as read (the records yielded now carry it)."""
        assert self.stats is not None
        return self.stats.read

    def reject(
        self,
        code: str,
        message: str,
        error: type[InputError] = InputError,
        origin: int | None = None,
    ) -> None:
        assert self.diag is not None
        self.diag.reject(code, message, self.source, error, origin or self.origin)

    def ignore(self, reason: str, origin: int | None = None) -> None:
        """The record last counted (or ``origin``) is passed over on purpose, for ``reason`` (a
        short category shown in the summary: ``kind not modelled: Location``, ``comment row``)."""
        assert self.diag is not None
        self.diag.ignore(self.source, origin or self.origin, reason)

    def problem(self, code: str, message: str, error: type[InputError] = InputError) -> None:
        assert self.diag is not None
        self.diag.problem(code, message, self.source, error)

    def warn(self, code: str, message: str) -> None:
        assert self.diag is not None
        self.diag.warn(code, message, self.source)

    # shared readers
    def text(self, fp: BinaryIO, expect: str = "text") -> str:
        limit = int(float(self.settings.max_input_mb) * (1 << 20))
        data = read_bytes(fp, self.source, limit)
        text = decode(data, self.source, self.settings.encoding, expect)
        inner = text.find("\ufeff")
        if inner >= 0:
            line = text.count("\n", 0, inner) + 1
            self.problem(
                "inner-bom",
                f"{self.source}:{line}: a byte-order mark (U+FEFF) in the middle of the file, "
                "as when two exports are joined with cat; the text after it would start with an "
                "invisible character — remove it (or join the files with tail -n +2 for CSV)",
            )
        return text

    def json(self, fp: BinaryIO) -> Any:
        return jsonstrict.loads(self.text(fp, "JSON"), self.source, self.settings.max_nesting)

    def yaml_documents(self, fp: BinaryIO) -> list[tuple[int, Any]]:
        return yamlsafe.load_all(
            self.text(fp, "YAML"),
            self.source,
            self.settings.max_nesting,
            self.settings.max_yaml_alias_nodes,
        )

    def check_id(self, node_id: str, where: str) -> bool:
        """Refuse ids over the hard cap (``max_id_chars``). Returns False when the record was rejected."""
        cap = int(self.settings.max_id_chars)
        if len(node_id) > cap:
            self.reject(
                "id-too-long",
                f"{where}: id is {len(node_id)} characters, over the {cap}-character limit — shorten it or raise max_id_chars",
            )
            return False
        return True


ParseFn = Callable[[BinaryIO, str, ParseContext | None], Iterator[AnyRecord]]
DetectFn = Callable[[str, str], int]


@dataclass(frozen=True)
class Format:
    name: str
    summary: str
    detection: str  # how it is recognised, for `graphgov formats` and the README
    detect: DetectFn
    parse: ParseFn
    direction: str = ""
    fields: str = ""


FORMATS: dict[str, Format] = {}


def register_format(fmt: Format) -> Format:
    """Add a format to the registry (later registrations of the same name replace earlier ones)."""
    FORMATS[fmt.name] = fmt
    return fmt


def get_format(name: str) -> Format:
    _load_plugins()
    try:
        return FORMATS[name]
    except KeyError:
        msg = f"unknown format '{name}' — known formats: {', '.join(sorted(FORMATS))}"
        raise InputError(msg) from None


def detect_format(source: str, head: str) -> Format:
    """The format with the highest detection score for this file, or an error listing what was tried."""
    _load_plugins()
    name = Path(source).name.lower()
    scored = sorted(((fmt.detect(name, head), fmt.name) for fmt in FORMATS.values()), reverse=True)
    if not scored or scored[0][0] <= 0:
        tried = ", ".join(sorted(FORMATS))
        msg = f"{source}: not a format graphgov reads (tried {tried}) — name the format as PATH:FORMAT if it is one of them"
        raise ParseError(msg)
    return FORMATS[scored[0][1]]


_plugins_loaded = False


def _load_plugins() -> None:
    global _plugins_loaded
    if _plugins_loaded:
        return
    _plugins_loaded = True
    from importlib.metadata import entry_points

    for ep in entry_points(group="graphgov.formats"):
        fmt = ep.load()
        if isinstance(fmt, Format):
            register_format(fmt)
