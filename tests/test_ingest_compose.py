"""docker-compose: services, depends_on (list and map), links, project names, bad input."""

from __future__ import annotations

import pytest
from ingest_helpers import run

import graphgov
from graphgov.errors import InputError, ParseError
from graphgov.ingest.compose import parse_compose

COMPOSE = """\
name: Shop
x-defaults: &defaults
  restart: always
services:
  web:
    <<: *defaults
    image: nginx
    depends_on:
      api:
        condition: service_healthy
      cache:
        condition: service_started
        required: false
  api:
    image: shop/api
    depends_on: [db]
    links: ["auth:login"]
  db:
    image: postgres:16
  cache:
    image: redis
  auth:
"""


def compose(text, source="docker-compose.yml", **kw):
    return run(parse_compose, text, source, "compose", **kw)


def test_services_and_edges():
    p = compose(COMPOSE)
    G = p.graph()
    assert set(G) == {f"service:shop/{n}" for n in ("web", "api", "db", "cache", "auth")}
    assert G.edges["service:shop/api", "service:shop/web"]["condition"] == "service_healthy"
    assert G.edges["service:shop/api", "service:shop/web"]["strength"] == "hard"
    assert (
        G.edges["service:shop/cache", "service:shop/web"]["strength"] == "soft"
    )  # required: false
    assert G.has_edge("service:shop/db", "service:shop/api")
    assert G.edges["service:shop/auth", "service:shop/api"]["relation"] == "link"
    assert G.nodes["service:shop/db"]["extra"]["image"] == "postgres:16"
    df = graphgov.analyze(G).set_index("node")
    assert df.loc["service:shop/db", "blast_radius"] == 2
    assert p.stats.read == 5


def test_project_is_the_folder_without_a_name(tmp_path):
    folder = tmp_path / "Payments"
    folder.mkdir()
    (folder / "compose.yaml").write_text(
        "services:\n  app:\n    image: x\n    depends_on: [ghost]\n"
    )
    G = graphgov.rich(graphgov.load(folder / "compose.yaml"))
    assert G.graph["inputs"][0]["format"] == "compose"
    assert G.has_edge("service:payments/ghost", "service:payments/app")
    assert G.nodes["service:payments/ghost"]["unresolved"] is True  # a warning, not an error


def test_bad_inputs():
    with pytest.raises(
        ParseError, match=r"docker-compose.yml:1: 'services' must map service names"
    ):
        compose("services: [a, b]\n")
    with pytest.raises(
        InputError, match=r"docker-compose.yml:3: depends_on of 'a' must be a list or a mapping"
    ):
        compose("services:\n  a:\n    depends_on: b\n")
    with pytest.raises(ParseError, match=r"docker-compose.yml:4:5: duplicate key 'image'"):
        compose("services:\n  a:\n    image: x\n    image: y\n")
