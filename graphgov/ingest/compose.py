"""docker-compose files (Compose specification, also the older ``version: "2"/"3"`` files).

Nodes: every entry of ``services``, as ``service:<project>/<name>``; the project is the top-level
``name`` or, as Docker Compose does, the name of the folder holding the file. Kind ``service``;
``image`` goes to ``extra``.

Edges (``u → v``: ``v`` depends on ``u``): ``A.depends_on: [B]`` (list or map) and
``A.links: [B[:alias]]`` give ``B → A``. ``depends_on`` with ``required: false`` is a ``soft`` edge.
A dependency on a service the file does not define is a warning (an unresolved node).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import ParseError
from ..model import EXTRA, KIND, NAME, EdgeRecord, NodeKind, NodeRecord, Record, Relation, Strength
from .registry import Format, ParseContext, register_format
from .yamlsafe import line_of

FORMAT = "compose"
_NAME_RE = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")


def project_name(data: Mapping[str, Any], source: str) -> str:
    """The Compose project: top-level ``name``, else the file's folder name (lower case).

    >>> project_name({}, "deploy/socialNetwork/docker-compose.yml")
    'socialnetwork'
    """
    name = data.get("name")
    if isinstance(name, str) and name.strip():
        return name.strip().lower()
    folder = Path(source).resolve().parent.name if source and not source.startswith("<") else ""
    return (folder or "default").lower()


def parse_compose(fp: BinaryIO, source: str, ctx: ParseContext | None = None) -> Iterator[Record]:
    """Parse a docker-compose file.

    >>> import io
    >>> doc = b"name: shop\\nservices:\\n  web:\\n    image: nginx\\n    depends_on: [db]\\n  db:\\n    image: postgres\\n"
    >>> [(e.source, e.target) for e in parse_compose(io.BytesIO(doc), "c.yml") if isinstance(e, EdgeRecord)]
    [('service:shop/db', 'service:shop/web')]
    """
    ctx = ctx or ParseContext(source, format=FORMAT)
    docs = ctx.yaml_documents(fp)
    if not docs:
        raise ParseError(f"{source}: no YAML document — a compose file has a top-level 'services:'")
    _, data = docs[0]
    if not isinstance(data, Mapping) or not isinstance(data.get("services"), Mapping):
        raise ParseError(
            f"{source}:{line_of(data, 'services', 1)}: 'services' must map service names to their settings"
        )
    project = project_name(data, source)
    services: Mapping[str, Any] = data["services"]

    def sid(name: str) -> str:
        return f"service:{project}/{name}"

    for name, spec in services.items():
        ctx.count()
        where = f"{source}:{line_of(services, name, 1)}"
        if not isinstance(spec, Mapping):
            if spec is None:
                spec = {}
            else:
                ctx.reject("bad-record", f"{where}: service '{name}' must be a mapping of settings")
                continue
        if not _NAME_RE.match(str(name)):
            ctx.reject(
                "invalid-name",
                f"{where}: service name {name!r} — Compose names are letters, digits, '.', '_' and '-'",
            )
            continue
        extra = {
            k: spec[k]
            for k in ("image", "hostname", "container_name")
            if isinstance(spec.get(k), str)
        }
        yield NodeRecord(
            sid(name),
            {KIND: NodeKind.SERVICE.value, NAME: str(name), EXTRA: extra},
            where,
            source=ctx.source,
            format=FORMAT,
        )
        deps = spec.get("depends_on")
        if isinstance(deps, list):
            items: list[tuple[str, Any]] = [(str(d), None) for d in deps if isinstance(d, str)]
        elif isinstance(deps, Mapping):
            items = [(str(d), opts) for d, opts in deps.items()]
        elif deps is None:
            items = []
        else:
            ctx.reject(
                "bad-field",
                f"{source}:{line_of(spec, 'depends_on', 1)}: depends_on of '{name}' must be a list or a mapping",
            )
            continue
        for dep, opts in items:
            soft = (
                isinstance(opts, Mapping) and str(opts.get("required", "true")).lower() == "false"
            )
            attrs = (
                {"condition": opts["condition"]}
                if isinstance(opts, Mapping) and opts.get("condition")
                else {}
            )
            yield EdgeRecord(
                sid(dep),
                sid(name),
                relation=Relation.DEPENDS_ON,
                strength=Strength.SOFT.value if soft else None,
                attrs=attrs,
                where=f"{source}:{line_of(spec, 'depends_on', 1)}",
                strict_refs=False,
                source_file=ctx.source,
            )
        for link in spec.get("links") or []:
            if isinstance(link, str) and link:
                yield EdgeRecord(
                    sid(link.split(":", 1)[0]),
                    sid(name),
                    relation="link",
                    where=f"{source}:{line_of(spec, 'links', 1)}",
                    strict_refs=False,
                    source_file=ctx.source,
                )


def _detect(name: str, head: str) -> int:
    if not name.endswith((".yml", ".yaml")):
        return 0
    compose_name = re.match(r"^(docker-)?compose([.-][\w.-]+)?\.ya?ml$", name) is not None
    top_services = re.search(r"^services\s*:", head, re.M) is not None
    if compose_name and top_services:
        return 95
    if (
        top_services
        and re.search(r"^\s+(image|build)\s*:", head, re.M)
        and not re.search(r"^(apiVersion|nodes|systems)\s*:", head, re.M)
    ):
        return 70
    return 0


register_format(
    Format(
        FORMAT,
        "docker-compose / Compose specification file",
        "YAML named `docker-compose*.yml` / `compose*.yaml` with top-level `services:`, or top-level `services:` whose entries have `image`/`build`",
        _detect,
        parse_compose,
        direction="`A.depends_on: [B]` and `A.links: [B]` give `B → A`",
        fields="id `service:PROJECT/NAME` (project: top-level `name`, else the folder); kind service; image, hostname → `extra`; `depends_on.required: false` → soft edge, `condition` → edge attribute",
    )
)
