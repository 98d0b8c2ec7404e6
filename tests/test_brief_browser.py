"""The brief of the examples in a real (headless) Chromium: every section, no errors, nothing fetched, A4 print.

Chromium is Debian's ``chromium`` package driven by Playwright, as in
``tests/test_browser_e2e.py`` (no browser download; ``scripts/test`` installs
it). The screenshots and the PDF go to ``test-output/brief/``
(``CKG_TEST_OUTPUT`` overrides the folder).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from ceasefire_kg import brief
from tests import test_browser_e2e
from tests.cli_helpers import run_ckg
from tests.corpus import load_store
from tests.paths import EXAMPLES, REPO

OUTPUT = Path(os.environ.get("CKG_TEST_OUTPUT") or REPO / "test-output") / "brief"
PHONE_WIDTH = 390
#: The headless Chromium fixture of the Neo4j Browser tests (registered under its own name, chromium).
_chromium = test_browser_e2e.chromium


@pytest.fixture(scope="module")
def brief_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("brief-browser")
    store = load_store(folder / "store", [EXAMPLES])
    output = folder / "brief.html"
    result = run_ckg("brief", "--store", store, "--since", "2025-03-19", "-o", output)
    assert result.exit_code == 0, result.output
    return output


def open_page(chromium: Any, path: Path, width: int) -> tuple[Any, Any, list[str], list[str]]:
    """A page showing the brief, with every request it makes and every console error recorded."""
    context = chromium.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []

    def record(route: Any) -> None:
        requests.append(route.request.url)
        # Only the file itself may load; anything else would leave the page.
        if route.request.url == path.as_uri():
            route.continue_()
        else:
            route.abort()

    context.route("**/*", record)
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(path.as_uri(), wait_until="load")
    return context, page, requests, errors


def test_the_brief_opens_in_chromium_and_prints_to_a4(_chromium: Any, brief_file: Path) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    context, page, requests, errors = open_page(_chromium, brief_file, 1200)
    try:
        for anchor, title in brief.SECTIONS:
            heading = page.locator(f"section#{anchor} > h2")
            assert heading.inner_text() == title
            assert heading.is_visible()
        assert page.locator("svg.chart").count() == 2
        assert page.locator("#headline ul.blocking > li").count() == 2
        assert page.locator("#sources ol.sources > li").count() == 2
        page.screenshot(path=str(OUTPUT / "brief.png"), full_page=True)
        pdf = OUTPUT / "brief.pdf"
        page.emulate_media(media="print")
        page.pdf(path=str(pdf), format="A4", print_background=True)
        content = pdf.read_bytes()
        assert content.startswith(b"%PDF")
        # A4 is 595 x 842 points.
        assert b"/MediaBox [0 0 595" in content or b"/MediaBox[0 0 595" in content
    finally:
        context.close()
    assert requests == [brief_file.as_uri()]
    assert errors == []


def test_the_brief_fits_a_phone_screen(_chromium: Any, brief_file: Path) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    context, page, requests, errors = open_page(_chromium, brief_file, PHONE_WIDTH)
    try:
        # Wide tables scroll inside their own box; the page itself does not scroll sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
        assert page.locator("svg.chart").first.bounding_box()["width"] <= PHONE_WIDTH
        page.screenshot(path=str(OUTPUT / "brief-phone.png"), full_page=True)
    finally:
        context.close()
    assert requests == [brief_file.as_uri()]
    assert errors == []
