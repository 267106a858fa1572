"""The system's Chromium, headless, through Playwright for Python: for the report's
browser tests, its benchmark and the documentation's screenshot.

Playwright is a test extra (``pip install 'agent-replaykit[test]'``) and drives the
Chromium the machine has (Debian's ``chromium``; ``.ci/system-deps`` installs it), never
a browser of its own download. ``REPLAYKIT_CHROMIUM`` names another executable.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

__all__ = ["CHROMIUM", "chromium", "chromium_path", "open_report"]

CHROMIUM: Final = "/usr/bin/chromium"
#: Headless, and quiet on a machine without a network: no background connections.
_ARGS: Final = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


def chromium_path() -> str:
    """The Chromium executable: ``$REPLAYKIT_CHROMIUM``, else Debian's."""
    return os.environ.get("REPLAYKIT_CHROMIUM", CHROMIUM)


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium with a fresh profile, closed at the end of the block."""
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if not os.access(path, os.X_OK):
        raise FileNotFoundError(
            f"no Chromium at {path}: install Debian's chromium (bash .ci/system-deps)"
            " or set REPLAYKIT_CHROMIUM"
        )
    with sync_playwright() as playwright:  # each launch has a fresh temporary profile
        browser = playwright.chromium.launch(executable_path=path, args=list(_ARGS))
        try:
            yield browser
        finally:
            browser.close()


def open_report(page: Page, path: Path, *, step: int | None = None) -> None:
    """Load a report page from ``path`` (at ``#step=N``) and wait until it is ready."""
    url = path.resolve().as_uri() + ("" if step is None else f"#step={step}")
    page.goto(url)
    # A selector, not wait_for_function: the page's CSP forbids the eval that polls it.
    page.locator("html[data-ready='true']").wait_for(state="attached")


def screenshot(report: Path, png: Path, *, step: int | None = None, width: int = 1400) -> None:
    """A PNG of the report page at ``report`` (at ``step``), the whole page's height."""
    with chromium() as browser:
        page = browser.new_page(viewport={"width": width, "height": 900})
        open_report(page, report, step=step)
        png.parent.mkdir(parents=True, exist_ok=True)
        temporary = png.with_name(f".{png.name}.tmp")
        page.screenshot(path=str(temporary), full_page=True, type="png")
        os.replace(temporary, png)


def main(argv: list[str] | None = None) -> int:
    """``python -m replaykit.shell.browser REPORT.html PNG [--step N]``."""
    parser = argparse.ArgumentParser(
        prog="python -m replaykit.shell.browser",
        description="Take a screenshot of a replaykit report page in headless Chromium.",
    )
    parser.add_argument("report", type=Path, help="the page `replaykit report` wrote")
    parser.add_argument("png", type=Path, help="where to write the screenshot (PNG)")
    parser.add_argument("--step", type=int, help="the step to select (as `show` numbers them)")
    args = parser.parse_args(argv)
    try:
        from playwright.sync_api import Error as BrowserError
    except ImportError:
        print(
            "replaykit: error: Playwright for Python is not installed"
            " (pip install 'agent-replaykit[test]')",
            file=sys.stderr,
        )
        return 66
    try:
        screenshot(args.report, args.png, step=args.step)
    except (OSError, BrowserError) as error:
        print(f"replaykit: error: {args.report}: {error}", file=sys.stderr)
        return 66
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
