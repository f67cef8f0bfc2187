"""Headless Chromium for the report tests: Debian's ``chromium`` driven by Playwright for Python.

Skipped only when chromium is absent and ``CI`` is unset; in CI a missing browser is a failure.
Install: ``apt-get install -y chromium`` and ``pip install playwright`` (never ``playwright install``:
the system browser is used through ``executable_path``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("NEWSQC_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: renders report.html in headless Chromium (CI runs them)")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if not os.environ.get("CI"):
            pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium); CI runs these tests")
        pytest.fail(f"{CHROMIUM} is missing: CI must install chromium and playwright")
    from playwright.sync_api import sync_playwright  # an ImportError here means: pip install playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


class Problems(list):
    """Console errors, uncaught exceptions, dialogs and non-file requests seen by a page."""


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    problems = Problems()

    def on_console(msg: Any) -> None:
        if msg.type == "error":
            problems.append(f"console.error: {msg.text}")

    def on_dialog(dialog: Any) -> None:
        problems.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    def on_request(req: Any) -> None:
        if not req.url.startswith(("file://", "data:")):
            problems.append(f"network request: {req.url}")

    pg.on("console", on_console)
    pg.on("pageerror", lambda exc: problems.append(f"pageerror: {exc}"))
    pg.on("dialog", on_dialog)
    pg.on("request", on_request)
    pg.problems = problems
    try:
        yield pg
    finally:
        ctx.close()
