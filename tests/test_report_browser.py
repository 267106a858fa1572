"""The report in a real browser: headless Chromium (Debian's) driven by Playwright.

Every step of every bundled example and runtime journal is checked twice: the state the
page rebuilds (``window.replaykit.stateAt(n)``) and the state it displays (``#state-raw``)
against the library's snapshot of that step; the verdict against ``replay --json``.
Then the page is used as a person would: clicks, arrow keys, the slider, deep links,
search; and fed hostile text, which must show as written and never run.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from cli_support import DATA, run_cli
from playwright.sync_api import Browser, Page
from report_support import HOSTILE, JOURNALS, hostile_journal, page_document, replay_json

from replaykit import ReplayConfig, ReplayMode, load, replay
from replaykit.shell.browser import chromium, open_report
from replaykit.timetravel import Timeline, snapshot

_RESUME = ReplayConfig(ReplayMode.RESUME_REPLAY)
RUNTIME = DATA / "runtime"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    yield opened
    context.close()
    assert errors == []


def _report(journal: str | Path, out: Path, *args: str) -> Path:
    done = run_cli("report", journal, "-o", out, *args)
    assert done.code == 0, done.err
    return out


def _states(journal: str) -> list[Any]:
    timeline = Timeline(load(journal).unwrap(), _RESUME)
    return [orjson.loads(orjson.dumps(snapshot(state))) for state in timeline]


def _shown(page: Page) -> Any:
    return json.loads(page.locator("#state-raw").text_content() or "null")


def _selected(page: Page) -> int:
    selected: int = page.evaluate("window.replaykit.selected()")
    return selected


@pytest.mark.parametrize("journal", JOURNALS, ids=lambda j: Path(j).name)
def test_every_step_matches_the_library(journal: str, page: Page, tmp_path: Path) -> None:
    path = _report(journal, tmp_path / "run.html")
    open_report(page, path)
    states = _states(journal)
    assert page.evaluate("window.replaykit.stepCount()") == len(states) - 1
    assert page.evaluate("window.replaykit.verdict()") == replay_json(journal)
    rebuilt = page.evaluate(
        "[...Array(window.replaykit.stepCount() + 1).keys()].map(n => window.replaykit.stateAt(n))"
    )
    assert rebuilt == states
    for n, state in enumerate(states):
        page.evaluate("n => window.replaykit.select(n)", n)
        assert _shown(page) == state, n
        assert page.locator("#step-number").text_content() == str(n)


def test_clicks_keys_slider_and_deep_links(page: Page, tmp_path: Path) -> None:
    path = _report("example:crash-recovery", tmp_path / "run.html")
    states = _states("example:crash-recovery")
    open_report(page, path, step=8)
    assert _selected(page) == 8 and _shown(page) == states[8]
    assert page.locator("#steps .step-row.selected").get_attribute("data-step") == "8"
    page.locator('#steps .step-row[data-step="3"]').click()
    assert _selected(page) == 3 and _shown(page) == states[3]
    assert page.evaluate("location.hash") == "#step=3"
    page.locator("body").press("ArrowRight")
    page.locator("body").press("ArrowRight")
    assert _selected(page) == 5 and _shown(page) == states[5]
    page.locator("body").press("ArrowLeft")
    assert _selected(page) == 4
    page.locator("body").press("End")
    assert _selected(page) == len(states) - 1
    page.locator("body").press("Home")
    assert _selected(page) == 0 and _shown(page) == states[0]
    page.locator("#step-slider").fill("6")
    assert _selected(page) == 6 and _shown(page) == states[6]
    page.locator("#next").click()
    assert _selected(page) == 7
    page.evaluate("location.hash = '#step=2'")
    page.wait_for_function("window.replaykit.selected() === 2")
    assert _shown(page) == states[2]
    page.locator("#record").get_by_text("journal.run.example.crash.0002").first.wait_for()
    diff = page.locator("#diff li.op")
    assert diff.count() == 2  # last_journal_seq and the seen record


def test_a_cause_links_to_its_step_and_lanes_show_what_is_open(page: Page, tmp_path: Path) -> None:
    path = _report("example:crash-recovery", tmp_path / "run.html")
    open_report(page, path)
    assert page.locator("#verdict").get_attribute("data-status") == "repair_needed"
    cause = page.locator("#causes li.cause").first
    assert "effect.file.write.1" in (cause.text_content() or "")
    cause.locator('a.step-link[data-step="8"]').click()
    assert _selected(page) == 8
    assert page.locator("#timeline .lane.open").count() == 2
    assert page.locator("#timeline .marker-checkpoint").count() == 2
    assert page.locator("#timeline .marker-recovery").count() == 2
    assert page.locator("#timeline .marker-terminal").count() == 1


def test_search_filters_the_steps(page: Page, tmp_path: Path) -> None:
    path = _report("example:crash-recovery", tmp_path / "run.html")
    open_report(page, path)
    page.locator("#search").fill("effect.provider.1")
    page.wait_for_function("document.querySelector('#match-count').textContent.length > 0")
    shown = page.locator("#steps .step-row:visible")
    steps = {shown.nth(i).get_attribute("data-step") for i in range(shown.count())}
    assert "4" in steps and "1" not in steps
    page.locator("#search").press("Enter")
    assert _selected(page) == 4


def test_hostile_text_shows_as_written_and_never_runs(page: Page, tmp_path: Path) -> None:
    journal = hostile_journal(tmp_path / "hostile.jsonl")
    path = _report(journal, tmp_path / "run.html", "--title", HOSTILE[0])
    open_report(page, path)
    document = page_document(path.read_bytes())
    verdict = replay_json(str(journal))
    assert page.evaluate("window.replaykit.verdict()") == verdict
    for n in range(len(document["steps"]) + 1):
        page.evaluate("n => window.replaykit.select(n)", n)
        record = page.locator("#record").text_content() or ""
        if n:
            assert json.loads(record[record.index("{") :]) == document["steps"][n - 1]["record"]
    text = page.locator("#steps").text_content() or ""
    assert HOSTILE[0] in text and HOSTILE[1] in text
    assert page.title() == HOSTILE[0]
    assert page.evaluate("window.__pwned") is None
    assert page.locator("img").count() == 0


def test_the_page_makes_no_request(browser: Browser, tmp_path: Path) -> None:
    path = _report("example:output-delivery-mixed", tmp_path / "run.html")
    context = browser.new_context()
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    open_report(page, path)
    page.locator("body").press("End")
    context.close()
    assert requests == [path.resolve().as_uri()]


def test_notebook_iframe_renders_the_same_page(page: Page) -> None:
    records = load("example:crash-recovery").unwrap()
    page.set_content(Timeline(records, _RESUME)._repr_html_())
    frame = page.frame_locator("iframe")
    frame.locator("html[data-ready=true]").wait_for()
    assert frame.locator("#verdict").get_attribute("data-status") == "repair_needed"
    page.set_content(replay(records, _RESUME).unwrap()._repr_html_())
    page.frame_locator("iframe").locator("html[data-ready=true]").wait_for()


def test_advisories_show_beside_the_verdict_and_on_the_timeline(page: Page, tmp_path: Path) -> None:
    path = _report(RUNTIME / "run-tool-result-crash.jsonl", tmp_path / "run.html")
    open_report(page, path)
    shown = page.locator("#advisories li.advisory")
    assert [
        (shown.nth(i).get_attribute("data-code"), shown.nth(i).get_attribute("data-severity"))
        for i in range(shown.count())
    ] == [("tool-call-open", "danger"), ("terminal-trailer", "info")]
    assert page.locator("#timeline .marker-advisory.severity-danger").count() == 1
    assert page.locator("#timeline .marker-advisory").count() == 2
    assert "repair_needed" in (shown.nth(1).text_content() or "")
    shown.nth(0).locator('a.step-link[data-step="8"]').click()
    assert _selected(page) == 8
    document = page_document(path.read_bytes())
    assert page.evaluate("window.replaykit.document().advisories") == document["advisories"]


def test_the_documented_screenshot_command(tmp_path: Path) -> None:
    path = _report("example:crash-recovery", tmp_path / "crash.html")
    png = tmp_path / "img" / "shot.png"
    command = [sys.executable, "-m", "replaykit.shell.browser", str(path), str(png)]
    done = subprocess.run([*command, "--step", "8"], capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000
    assert sorted(p.name for p in png.parent.iterdir()) == ["shot.png"]
    missing = subprocess.run(
        [*command[:3], str(tmp_path / "nope.html"), str(png)], capture_output=True, check=False
    )
    assert missing.returncode == 66 and b"Traceback" not in missing.stderr
    assert b"nope.html" in missing.stderr


def test_the_kind_filter_keeps_one_record_kind(page: Page, tmp_path: Path) -> None:
    path = _report("example:crash-recovery", tmp_path / "run.html")
    open_report(page, path)
    page.locator("#kind-filter").select_option("checkpoint")
    shown = page.locator("#steps .step-row:visible")
    steps = sorted(int(shown.nth(i).get_attribute("data-step") or -1) for i in range(shown.count()))
    assert steps == [7, 10]
    assert "2" in (page.locator("#match-count").text_content() or "")
    page.locator("#kind-filter").select_option("")
    assert page.locator("#steps .step-row:visible").count() == 12  # step 0 and 11 records
