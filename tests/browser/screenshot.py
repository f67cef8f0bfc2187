"""Regenerate the README screenshot: ``python -m tests.browser.screenshot [PNG]``.

Audits ``seeds/`` afresh into a temporary ``reports/seeds`` (the committed golden audit is left alone),
writes its report.html and saves the document view of the document with the most findings to PNG
(default ``docs/report-seeds.png``). Needs Debian's chromium and Playwright, like the browser tests.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from qc.cli import main as qc_main
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

REPO = Path(__file__).resolve().parents[2]


def main(argv: list[str]) -> int:
    png = Path(argv[0]).resolve() if argv else REPO / "docs" / "report-seeds.png"
    cwd = Path.cwd()
    with tempfile.TemporaryDirectory() as tmp:
        try:
            os.chdir(REPO)  # sources read "seeds/...", as in the committed audit
            if qc_main(["audit", "seeds", "--out", f"{tmp}/reports/seeds", "--html", "--jobs", "1", "--quiet"]):
                return 1
            shoot(Path(tmp) / "reports" / "seeds" / "report.html", png)
        finally:
            os.chdir(cwd)
    print(png)
    return 0


def shoot(report: Path, png: Path) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1360, "height": 860})
        page.goto(report.resolve().as_uri() + "#documents?sort=nf&dir=desc")
        page.locator("#docs-table a.doclink").first.click()
        page.wait_for_selector("#doc-text mark.hl")
        page.evaluate("() => window.scrollTo(0, 0)")
        page.mouse.move(5, 855)  # no hover outline on the first mark
        png.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(png))
        browser.close()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
