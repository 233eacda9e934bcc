"""Property tests (Hypothesis): random Unicode, with hostile fragments mixed in, in every text field
of an inventory, a register and a baseline snapshot never becomes markup or script.

- review.md rendered by markdown-it (CommonMark with raw HTML *allowed*, plus GFM tables) has no
  HTML token, no link, and no image but the three charts;
- review.html and the map, opened in headless Chromium offline, raise no dialog, page error or
  console error, and review.html holds no element graphgov did not write.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from test_hardening_markdown import assert_inert

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

HOSTILE = [
    "```",
    "`",
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(2)</script>",
    "[x](javascript:alert(3))",
    "<a href='javascript:alert(4)'>y</a>",
    "&lt;b&gt;",
    "&#60;script&#62;",
    "| --- |",
    "\n<script>alert(5)</script>\n",
    "<!--",
    "\x1b[2J",
    "\u202e",
    "**",
    "_",
    "![i](x.png)",
    "<https://x>",
    "{{7*7}}",
    "\\",
    "    indented",
    "# heading",
    "\r\n- list",
]
text = st.lists(
    st.one_of(
        st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12),
        st.sampled_from(HOSTILE),
    ),
    min_size=1,
    max_size=4,
).map("".join)
FIELDS = ("name", "owner", "description", "authorized_by", "monitored_by", "termination")


def inventory(ids: list[str], values: dict[str, str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["id", "lifecycle", "depends_on", "criticality", *FIELDS])
    w.writerow([ids[0], "experimental", "", "4", *(values[f] for f in FIELDS)])
    w.writerow([ids[1], "production", ids[0].replace(";", ""), "5", *(values[f] for f in FIELDS)])
    return buf.getvalue()


def run_review(cli, tmp_path, ids, values, role):
    work = tmp_path / "w"
    work.mkdir(exist_ok=True)
    inv = work / "inv.csv"
    inv.write_text(inventory(ids, values), encoding="utf-8", errors="surrogatepass")
    base = work / "base.json"
    r = cli("snapshot", inv, "-o", base, "--as-of", "2026-01-01", "--lenient", "-q")
    if r.exit_code != 0:
        return None, r  # refused as input (exit 3): nothing written, nothing to render
    from graphgov.review.snapshot_columns import from_columnar

    doc = from_columnar(json.loads(base.read_text(encoding="utf-8")), str(base))
    doc["version"] = 2  # edited in the object-per-item layout, which is still read
    for node in doc["graph"]["nodes"]:
        node["attrs"]["authority"] = {role: values["owner"], "termination": values["name"]}
    base.write_text(json.dumps(doc), encoding="utf-8")
    out = work / "rev"
    r = cli(
        "review", inv, "--baseline", base, "-o", out, "--as-of", "2026-02-01", "--lenient", "-q"
    )
    return out, r


@settings(
    max_examples=20,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    ids=st.lists(text, min_size=2, max_size=2, unique=True),
    values=st.fixed_dictionaries({f: text for f in FIELDS}),
    role=text,
)
def test_review_markdown_never_carries_markup(cli, tmp_path, ids, values, role):
    out, r = run_review(cli, tmp_path, ids, values, role)
    assert "Traceback" not in r.output
    if out is None:
        assert r.exit_code == 3, r.output
        return
    assert r.exit_code == 0, r.output
    assert_inert((out / "review.md").read_text(encoding="utf-8"))


@pytest.mark.browser
@pytest.mark.slow
def test_review_html_and_map_never_run_a_script(cli, tmp_path):
    from test_review_browser import CHROMIUM, open_offline

    if not CHROMIUM.exists():
        pytest.skip("no Chromium at /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    from test_review_browser import ARGS

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)

        @settings(
            max_examples=8,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        )
        @given(
            ids=st.lists(text, min_size=2, max_size=2, unique=True),
            values=st.fixed_dictionaries({f: text for f in FIELDS}),
            role=text,
        )
        def check(ids, values, role):
            out, r = run_review(cli, tmp_path, ids, values, role)
            if out is None:
                return
            assert r.exit_code == 0, r.output
            ctx, page, problems, requests = open_offline(browser, out / "review.html")
            try:
                bad = page.evaluate(
                    """() => [...document.querySelectorAll('*')].flatMap(e => {
                        const out = [];
                        if (['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'SVG', 'MATH', 'LINK', 'BASE',
                             'FORM', 'INPUT', 'BUTTON', 'VIDEO', 'AUDIO', 'TEMPLATE'].includes(e.tagName))
                            out.push(e.tagName);
                        for (const a of e.attributes) {
                            if (a.name.startsWith('on')) out.push(e.tagName + '@' + a.name);
                            if (/^\\s*javascript:/i.test(a.value)) out.push(e.tagName + '@' + a.name + '=js');
                        }
                        return out;
                    })"""
                )
                assert bad == [], bad
                assert page.locator("img").count() == 3
                assert problems == [], problems
            finally:
                ctx.close()
            m = out.parent / "map.html"
            r = cli("map", out.parent / "inv.csv", "-o", m, "--lenient", "-q")
            assert r.exit_code == 0, r.output
            ctx, page, problems, requests = open_offline(browser, m)
            try:
                page.wait_for_timeout(200)
                assert [x for x in problems if "dialog" in x or "pageerror" in x] == [], problems
                assert all(u.startswith(("file:", "data:")) for u in requests), requests
            finally:
                ctx.close()

        try:
            check()
        finally:
            browser.close()
