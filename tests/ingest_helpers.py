"""Run one parser on inline bytes, the way graphgov.load runs it on a file."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import networkx as nx

from graphgov.diagnostics import Diagnostics
from graphgov.ingest.organisation import apply_organisation, split_records
from graphgov.ingest.registry import ParseContext
from graphgov.model import EdgeRecord, NodeRecord, build_graph
from graphgov.settings import default_settings


class Parsed:
    def __init__(self, records: list[Any], diag: Diagnostics, ctx: ParseContext) -> None:
        self.records = records
        self.diag = diag
        self.stats = ctx.stats

    @property
    def nodes(self) -> list[NodeRecord]:
        return [r for r in self.records if isinstance(r, NodeRecord)]

    @property
    def edges(self) -> list[EdgeRecord]:
        return [r for r in self.records if isinstance(r, EdgeRecord)]

    def graph(self) -> nx.DiGraph:
        records, org = split_records(self.records)
        G = build_graph(records, self.diag)
        apply_organisation(G, org, self.diag)
        return G

    def messages(self, level: str | None = None) -> list[str]:
        return [f.message for f in self.diag.findings if level is None or f.level == level]


def run(
    parse: Callable[..., Any],
    data: bytes | str,
    source: str,
    fmt: str,
    lenient: bool = False,
    **settings: Any,
) -> Parsed:
    if isinstance(data, str):
        data = data.encode("utf-8")
    s = default_settings().replace(lenient=lenient, **settings)
    diag = Diagnostics(lenient=lenient)
    ctx = ParseContext(source, s, diag, format=fmt)
    records = list(parse(io.BytesIO(data), source, ctx))
    return Parsed(records, diag, ctx)
