"""The review a board can read: inputs with what was dropped, charts keyed by node id with labels
that never overprint, a time axis that fits, tables that fit 1280 px (checked in Chromium, on the
sample and on a real Backstage estate with a Component and an API of one name)."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from pathlib import Path

import pytest
from conftest import DATA, realworld
from test_review_browser import browser  # noqa: F401  (the shared Chromium fixture)

from graphgov.review import charts
from graphgov.review.render import CSV_COLUMNS


def test_same_name_nodes_get_kind_qualified_distinct_labels():
    rows = [
        {
            "node": "component:default/wayback-archive",
            "name": "wayback-archive",
            "kind": "component",
        },
        {"node": "api:default/wayback-archive", "name": "wayback-archive", "kind": "api"},
        {"node": "api:other/wayback-archive", "name": "wayback-archive", "kind": "api"},
    ]
    labels = charts.unique_labels(rows)
    assert labels[0] == "wayback-archive (component)"
    assert labels[1:] == ["api:default/wayback-archive", "api:other/wayback-archive"]
    assert len(set(labels)) == 3


def test_labels_of_nearby_points_never_overlap():
    fig = charts._figure(7, 4.5)
    ax = fig.subplots()
    ax.set_xlim(-0.5, 3)
    ax.set_ylim(0, 100)
    points = [(1, 50 + 0.5 * i, str(i)) for i in range(12)] + [(1.02, 50, "12, 13")]
    texts = charts.place_labels(fig, ax, points)
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer=renderer) for t in texts]
    for a, b in itertools.combinations(boxes, 2):
        assert charts._overlaps(a, b) is False


def test_time_axis_fits_one_date_and_a_span():
    one = charts.time_limits([dt.date(2026, 11, 30)])
    assert (one[1] - one[0]).days == 90
    lo, hi = charts.time_limits([dt.date(2025, 11, 30), dt.date(2026, 11, 30)])
    assert lo < dt.date(2025, 11, 30) and (dt.date(2025, 11, 30) - lo).days <= 45


def review_page(browser, folder: Path, shots: Path, name: str):  # noqa: F811
    ctx = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.goto((folder / "review.html").as_uri())
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    rights = page.evaluate(
        "[...document.querySelectorAll('table, img')].map(t => t.getBoundingClientRect().right)"
    )
    assert max(rights) <= 1280
    titles = page.evaluate("[...document.querySelectorAll('#systems th')].map(t => t.title)")
    assert set(titles) <= set(CSV_COLUMNS) and "quarters_to_irreversible" in titles
    headers = page.evaluate("[...document.querySelectorAll('#systems th')].map(t => t.textContent)")
    assert not any("_" in h for h in headers)
    for section in ("summary", "charts", "inputs"):
        page.evaluate(f"document.getElementById('{section}').scrollIntoView()")
        page.screenshot(path=str(shots / f"{name}-{section}.png"))
    return ctx, page


@pytest.mark.browser
def test_backstage_review_is_readable(cli, browser, tmp_path):  # noqa: F811
    estate = realworld("backstage", "backstage")
    out = tmp_path / "review"
    r = cli("review", estate, "--lenient", "--as-of", "2026-11-30", "-o", out, "-q")
    assert r.exit_code == 0, r.output
    ctx, page = review_page(browser, out, tmp_path, "backstage")
    rows = page.evaluate(
        "[...document.querySelectorAll('table.inputs tbody tr')].map(r => [...r.cells].map(c => c.textContent))"
    )
    files = sorted(p for p in estate.rglob("*.yaml"))
    assert len(rows) == len(files)
    for path, _fmt, read, used, rejected, ignored, size, sha in rows:
        data = Path(path).read_bytes()
        assert sha == hashlib.sha256(data).hexdigest() and int(size) == len(data)
        assert int(read) == int(used) + int(rejected) + int(ignored)
    summary = page.inner_text("#inputs + p")
    assert "warning" in summary
    details = page.locator("details.findings")
    assert details.count() == 1
    # every warning and rejected record is listed; collapsed only when there are many
    import graphgov
    from graphgov.review.render import FINDINGS_OPEN

    diag = graphgov.rich(graphgov.load(estate, lenient=True)).graph["diagnostics"]
    levels = page.evaluate(
        "[...document.querySelectorAll('details.findings tbody tr')].map(r => r.cells[0].textContent)"
    )
    assert len(levels) == len(diag.findings) and "rejected" in levels
    is_open = page.evaluate("document.querySelector('details.findings').open")
    assert is_open is (len(levels) <= FINDINGS_OPEN)
    ctx.close()


@pytest.mark.browser
def test_sample_review_is_readable(cli, browser, tmp_path):  # noqa: F811
    out = tmp_path / "review"
    r = cli(
        "review",
        DATA / "org",
        "--register",
        DATA / "register.yaml",
        "--baseline",
        DATA / "history" / "2026-08-31.json",
        "--history",
        DATA / "history",
        "--as-of",
        "2026-11-30",
        "-o",
        out,
        "-q",
    )
    assert r.exit_code == 0, r.output
    ctx, page = review_page(browser, out, tmp_path, "sample")
    keys = page.evaluate(
        "[...document.querySelectorAll('table.key tbody tr')].map(r => r.cells[1].textContent)"
    )
    assert keys[0] == "model:claims-triage-llm" and len(keys) == 5
    assert page.evaluate("document.querySelector('details.findings').open") is True  # one warning
    ctx.close()
