"""The safe YAML loader gives the same data and the same refusals on libyaml and on PyYAML's Python
parser (the fallback when libyaml is missing)."""

from __future__ import annotations

import pytest

from graphgov.errors import ParseError
from graphgov.ingest import yamlsafe

BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{p}: &{p} [" + ",".join(["*" + c] * 9) + "]\n"
    for p, c in zip("bcdefghi", "abcdefgh", strict=True)
)


@pytest.fixture(params=["libyaml", "python"])
def loader(request, monkeypatch):
    if request.param == "libyaml":
        if not yamlsafe.HAVE_LIBYAML:
            pytest.skip("PyYAML was built without libyaml")
    else:
        monkeypatch.setattr(yamlsafe, "HAVE_LIBYAML", False)
    return yamlsafe.load_all


def test_libyaml_is_used_when_present():
    import yaml

    assert yaml.__with_libyaml__ == yamlsafe.HAVE_LIBYAML


def test_plain_scalars_stay_text_and_lines_are_kept(loader):
    ((line, doc),) = loader(
        "a: no\nb: 001\nc: 2024-01-01\nd: ~\ne: 1:20\nf: !!int 3\ng:\n  - x\n", "x.yaml"
    )
    assert line == 1
    assert doc == {
        "a": "no",
        "b": "001",
        "c": "2024-01-01",
        "d": None,
        "e": "1:20",
        "f": "3",
        "g": ["x"],
    }
    assert doc.line_of("g") == 7 and doc["g"].line_of(0) == 8


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (
            'x: !!python/object/apply:os.system ["touch pwned.txt"]\n',
            "x.yaml:1:4: unsupported YAML tag",
        ),
        ("a: &x [1, *x]\n", "recursive alias"),
        ("a: &x {b: *x}\n", "recursive alias"),
        ("m:\n  name: a\n  name: b\n", "duplicate key 'name' (lines 2 and 3)"),
        ("nodes:\n\t- id: a\n", "x.yaml:2:1:"),
        ("[" * 10000, "nesting deeper than"),
        (BOMB, "aliases expand to more than 100000 nodes"),
    ],
    ids=["python-tag", "recursive-seq", "recursive-map", "duplicate", "tab", "deep", "bomb"],
)
def test_refusals(loader, doc, message):
    with pytest.raises(ParseError, match=message.replace("(", r"\(").replace(")", r"\)")):
        loader(doc, "x.yaml")


def test_tab_hint_and_nesting_setting(loader):
    with pytest.raises(ParseError, match="use spaces, not tabs"):
        loader("nodes:\n\t- id: a\n", "x.yaml")
    with pytest.raises(ParseError, match="nesting deeper than 5"):
        loader("a: [[[[[[1]]]]]]\n", "x.yaml", max_nesting=5)
    assert loader("a: &d {o: 1}\nb: *d\n", "x.yaml", alias_budget=3)[0][1]["b"] == {"o": "1"}
    with pytest.raises(ParseError, match="more than 2 nodes"):
        loader("a: &d {o: 1}\nb: *d\n", "x.yaml", alias_budget=2)
