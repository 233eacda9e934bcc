"""review.md never carries input text as markup: ids, every text field and snapshot values.

The Markdown is rendered with markdown-it in CommonMark mode with raw HTML *allowed* (the unsafe
setting renderers such as markdown-it or cmark-gfm --unsafe use), plus GFM tables; no HTML token
may come out of it, and the hostile text must be visible as text.
"""

from __future__ import annotations

import json

import pytest

markdown_it = pytest.importorskip("markdown_it")

HOSTILE = '```<img src="x" onerror="alert(1)">'


def md_tokens(text: str) -> list:
    md = markdown_it.MarkdownIt("commonmark", {"html": True}).enable("table")
    out = []

    def walk(tokens):
        for t in tokens:
            out.append(t)
            walk(t.children or [])

    walk(md.parse(text))
    return out


def assert_inert(markdown: str, *visible: str) -> None:
    tokens = md_tokens(markdown)
    raw = [t.content for t in tokens if t.type in ("html_inline", "html_block")]
    assert raw == [], raw
    links = [t.attrs.get("href") for t in tokens if t.type == "link_open"]
    assert links == [], links
    images = sorted(str(t.attrs.get("src")) for t in tokens if t.type == "image")
    assert all(src.endswith(".png") and "/" not in src for src in images), images
    shown = " ".join(t.content for t in tokens if t.type in ("text", "code_inline"))
    for v in visible:
        assert v in shown, (v, shown[:500])


def test_backticks_in_an_id_do_not_close_the_code_span(cli, write, tmp_path):
    # the reproduction from issue 13: three backticks, then an image tag
    src = write("x.csv", 'id,lifecycle\n"```<img src=""x"" onerror=""alert(1)"">",experimental\n')
    out = tmp_path / "rev"
    r = cli("review", src, "-o", out, "--as-of", "2026-01-01", "-q")
    assert r.exit_code == 0, r.output
    text = (out / "review.md").read_text(encoding="utf-8")
    assert_inert(text, HOSTILE)
    html = markdown_it.MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    assert '<img src="x"' not in html and "&lt;img" in html


def test_snapshot_role_names_and_values_are_escaped(cli, write, tmp_path):
    src = write(
        "s.csv",
        "id,lifecycle,authorized_by,monitored_by,recalibration,termination\n"
        "p,experimental,a,b,c,\n",
    )
    snap = tmp_path / "base.json"
    r = cli("snapshot", src, "-o", snap, "--as-of", "2026-01-01", "-q")
    assert r.exit_code == 0, r.output
    from graphgov.review.snapshot_columns import from_columnar

    data = from_columnar(json.loads(snap.read_text(encoding="utf-8")), str(snap))
    data["version"] = 2  # edited in the object-per-item layout, which is still read
    role = "<script>alert(1)</script>"
    for node in data["graph"]["nodes"]:
        if node["id"] == "p":
            node["attrs"]["authority"] = {
                role: "*boss* <b>x</b>",
                "termination": "[x](javascript:y)",
            }
    snap.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "rev"
    r = cli("review", src, "--baseline", snap, "-o", out, "--as-of", "2026-02-01", "-q")
    assert r.exit_code == 0, r.output
    text = (out / "review.md").read_text(encoding="utf-8")
    assert "Authorities that disappeared" in text
    assert_inert(text, role, "*boss* <b>x</b>", "[x](javascript:y)")
