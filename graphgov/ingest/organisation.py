"""Facts about the organisation that are not dependency nodes, applied after the graph is built.

Backstage Group entities are not nodes, but they say which group sits under which
(``spec.parent``, ``spec.children``). A parser states that as an :class:`OrgRecord`; after
:func:`graphgov.model.build_graph`, :func:`apply_organisation` gives every node whose ``owner`` is
such a group the attribute ``owner_parent`` (the parent group, written as the owner is:
``backstage`` for ``group:default/backstage``). The hierarchy is the organisation's, so it applies
to an owner whatever source named it (a dbt model owned by ``team-a`` gets team-a's parent too).
A value a source states itself (an inventory's ``owner_parent`` column) is kept.

It also gives a node the ``domain`` of its system when the node states none (a Backstage
Component's domain is its System's ``spec.domain``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostics
from ..model import DOMAIN, OWNER, OWNER_PARENT, SYSTEM, Record

if TYPE_CHECKING:
    import networkx as nx


@dataclass(frozen=True)
class OrgRecord:
    """A group of the organisation: ``group`` under ``parent``, over ``children`` (owner spellings)."""

    group: str
    parent: str | None = None
    children: tuple[str, ...] = ()
    where: str = ""
    source: str | None = None
    origin: int | list[int] = 0  # the record(s) read that stated it (for records used)


AnyRecord = Record | OrgRecord  # what a parser yields


def split_records(records: Iterable[AnyRecord]) -> tuple[list[Record], list[OrgRecord]]:
    """Graph records (for :func:`~graphgov.model.build_graph`) and organisation records, apart."""
    graph: list[Record] = []
    org: list[OrgRecord] = []
    for rec in records:
        if isinstance(rec, OrgRecord):
            org.append(rec)
        else:
            graph.append(rec)
    return graph, org


def parents(org: Iterable[OrgRecord], diag: Diagnostics | None = None) -> dict[str, str]:
    """Each group's parent. ``spec.parent`` wins over another group's ``children``; a disagreement
    between the two is a warning naming both places.

    >>> parents([OrgRecord("team-a", parent="backstage"), OrgRecord("acme", children=("infra",))])
    {'team-a': 'backstage', 'infra': 'acme'}
    """
    stated: dict[str, tuple[str, str]] = {}
    listed: dict[str, tuple[str, str]] = {}
    for rec in org:
        if rec.parent and rec.parent != rec.group:
            stated.setdefault(rec.group, (rec.parent, rec.where))
        for child in rec.children:
            if child != rec.group:
                listed.setdefault(child, (rec.group, rec.where))
    out = {group: parent for group, (parent, _) in stated.items()}
    for child, (parent, where) in listed.items():
        if child not in out:
            out[child] = parent
        elif out[child] != parent and diag is not None:
            diag.warn(
                "group-hierarchy",
                f"{where}: group '{parent}' lists '{child}' as a child, but '{child}' names "
                f"'{out[child]}' as its parent at {stated[child][1]}; the parent it names is used",
            )
    return out


def apply_organisation(
    G: nx.DiGraph, org: Iterable[OrgRecord], diag: Diagnostics | None = None
) -> None:
    """Set ``owner_parent`` and the system's ``domain`` on the nodes of ``G`` (in place)."""
    org = list(org)
    if diag is not None:
        for rec in org:  # a group's place in the organisation is used, node or not
            diag.land(rec.source, rec.origin)
    parent_of = parents(org, diag)
    for _, data in G.nodes(data=True):
        owner = data.get(OWNER)
        if parent_of and isinstance(owner, str) and owner in parent_of:
            data.setdefault(OWNER_PARENT, parent_of[owner])
        system = data.get(SYSTEM)
        if isinstance(system, str) and DOMAIN not in data:
            # Backstage writes a system as it shows it (``podcast``, ``other-ns/podcast``)
            ns, _, name = system.rpartition("/")
            sid = f"system:{ns or 'default'}/{name}".lower()
            domain = G.nodes[sid].get(DOMAIN) if sid in G else None
            if domain:
                data[DOMAIN] = domain
