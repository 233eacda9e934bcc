"""The review of the bundled sample in a real headless Chromium, offline: no console errors, no
network, charts drawn, hostile text shown as text, and the numbers those of `graphgov analyze`."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SAMPLE = [ROOT / "data" / "org", "--register", ROOT / "data" / "register.yaml"]
BASE = ROOT / "data" / "history" / "2026-08-31.json"
HISTORY = sorted(p for p in (ROOT / "data" / "history").glob("*.json") if p != BASE)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    chromium = (
        CHROMIUM
        if CHROMIUM.exists()
        else (Path(shutil.which("chromium")) if shutil.which("chromium") else None)
    )
    if chromium is None:
        pytest.skip(
            "no Chromium at /usr/bin/chromium (install Debian's chromium package) — the browser tests need it"
        )
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(chromium), args=ARGS)
        yield b
        b.close()


def open_offline(browser, path: Path):
    ctx = browser.new_context(offline=True)
    page = ctx.new_page()
    problems: list[str] = []
    requests: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return ctx, page, problems, requests


def test_sample_review_opens_offline_without_errors_and_matches_analyze(cli, browser, tmp_path):
    out = tmp_path / "review"
    history = [a for h in HISTORY for a in ("--history", h)]
    r = cli(
        "review", *SAMPLE, "--baseline", BASE, *history, "--as-of", "2026-11-30", "-o", out, "-q"
    )
    assert r.exit_code == 0, r.output
    r = cli(
        "analyze",
        *SAMPLE,
        "--baseline",
        BASE,
        "--as-of",
        "2026-11-30",
        "--pilots-only",
        "-o",
        tmp_path / "a.csv",
        "-q",
    )
    assert r.exit_code == 0, r.output
    expected = {
        row["node"]: row
        for row in csv.DictReader((tmp_path / "a.csv").read_text(encoding="utf-8-sig").splitlines())
    }

    ctx, page, problems, requests = open_offline(browser, out / "review.html")
    try:
        assert problems == []
        assert all(u.startswith(("file:", "data:")) for u in requests), requests
        images = page.eval_on_selector_all(
            "img", "els => els.map(e => [e.complete, e.naturalWidth])"
        )
        assert len(images) == 3 and all(done and width > 100 for done, width in images)
        shown = page.eval_on_selector_all(
            "td[data-col]", "els => els.map(e => [e.dataset.node, e.dataset.col, e.textContent])"
        )
        assert {n for n, _, _ in shown} == set(expected)
        for node, column, text in shown:
            # the CSV writer neutralises a leading "-" (formula injection); a negative number in
            # the page is the same number
            assert text == expected[node][column].removeprefix("'"), (node, column)
        assert page.locator("h2#changes").count() == 1
        heading = page.locator("h1").inner_text()
        assert "as of 2026-11-30" in heading
    finally:
        ctx.close()


def test_hostile_text_is_shown_as_text(cli, browser, tmp_path, write):
    payload = "<img src=x onerror=alert(1)></script><script>alert(2)</script>"
    inv = write(
        "inv.csv",
        f'id,name,owner,lifecycle,description,depends_on\np,"{payload}","{payload}",pilot,x,\nq,n,"{payload}",production,,p\n',
    )
    reg = write(
        "reg.yaml",
        "systems:\n  p:\n    authority: {termination: '<b onmouseover=alert(3)>boss</b>'}\n",
    )
    out = tmp_path / "review"
    r = cli("review", inv, "--register", reg, "--as-of", "2026-09-30", "-o", out, "-q")
    assert r.exit_code == 0, r.output
    ctx, page, problems, _ = open_offline(browser, out / "review.html")
    try:
        page.hover("text=boss")
        assert problems == []
        assert page.locator("img").count() == 3  # only the charts
        assert payload in page.locator("body").inner_text()
    finally:
        ctx.close()
