"""The report's document and page, checked against the CLI and the library (no browser).

The browser tests (``test_report_browser.py``) check what the page does with it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import jsonpatch
import orjson
import pytest
from cli_support import SCRIPT, assert_clean_failure, run_cli, unchanged
from report_support import (
    HOSTILE,
    JOURNALS,
    hostile_journal,
    page_document,
    replay_json,
    show_json,
)

from replaykit import ReplayConfig, ReplayMode, load, replay
from replaykit.shell.html import report_html
from replaykit.timetravel import Timeline, snapshot
from replaykit.timetravel.advisories import advise
from replaykit.wire import to_data


@pytest.mark.parametrize("journal", JOURNALS, ids=lambda j: Path(j).name)
def test_the_page_carries_the_verdict_and_every_state(journal: str, tmp_path: Path) -> None:
    out = tmp_path / "run.html"
    done = run_cli("report", journal, "-o", out)
    assert done.code == 0, done.err
    document = page_document(out.read_bytes())
    assert document["verdict"] == replay_json(journal)
    steps = document["steps"]
    state = document["initial"]
    assert state == show_json(journal, 0)
    timeline = Timeline(load(journal).unwrap(), ReplayConfig(ReplayMode.RESUME_REPLAY))
    for k, step in enumerate(steps, 1):
        state = jsonpatch.apply_patch(state, step["patch"])
        assert state == orjson.loads(orjson.dumps(snapshot(timeline[k]))), k
    assert len(steps) == len(timeline) - 1
    assert state == show_json(journal, len(steps))


def test_a_rejected_journal_shows_the_rejection_and_the_lenient_verdict(tmp_path: Path) -> None:
    journal = hostile_journal(tmp_path / "hostile.jsonl")
    out = tmp_path / "run.html"
    assert run_cli("report", journal, "-o", out).code == 0
    document = page_document(out.read_bytes())
    verdict = replay_json(str(journal))
    assert "rejected" in verdict
    assert document["verdict"] == verdict
    rejected = [k for k, step in enumerate(document["steps"], 1) if not step["accepted"]]
    assert rejected[0] == verdict["rejected"]["index"] + 1
    assert [m["step"] for m in document["markers"] if m["kind"] == "rejected"] == rejected
    lint = orjson.loads(run_cli("lint", journal, "--json").out)
    assert document["lenient"] == lint["result"]


def test_journal_text_never_reaches_the_html(tmp_path: Path) -> None:
    journal = hostile_journal(tmp_path / "hostile.jsonl")
    out = tmp_path / "run.html"
    assert run_cli("report", journal, "-o", out).code == 0
    page = out.read_text("utf-8")
    for text in ("window.__pwned", "onerror", "\u202e", "evil"):
        assert text not in page
    assert page.count("<script") == 2  # the data element and the page's own script
    document = page_document(page)
    assert any(HOSTILE[0] in step["id"] or HOSTILE[1] in step["id"] for step in document["steps"])


def test_a_title_is_escaped(tmp_path: Path) -> None:
    out = tmp_path / "run.html"
    assert run_cli("report", "example:crash-recovery", "-o", out, "--title", HOSTILE[0]).code == 0
    page = out.read_text("utf-8")
    assert "<title>&lt;/script&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt;</title>" in page
    assert page.count("<script") == 2
    assert page_document(page)["title"] == HOSTILE[0]


def test_lanes_and_markers_of_the_crash_recovery_run() -> None:
    records = load("example:crash-recovery").unwrap()
    page = report_html(records, ReplayConfig(ReplayMode.RESUME_REPLAY))
    document = page_document(page)
    lanes = {lane["id"]: lane for lane in document["lanes"]}
    assert [(lane["kind"], lane["start"], lane["end"], lane["status"], lane["open"])
            for lane in lanes.values()] == [
        ("effect", 3, None, "unsafe", True),
        ("effect", 4, None, "unsafe", True),
        ("effect", 5, 6, "unknown", False),
    ]  # fmt: skip
    assert lanes["effect.file.write.1"]["steps"] == [3, 7, 8]  # intent, checkpoint, recovery
    assert [(m["step"], m["kind"]) for m in document["markers"]] == [
        (7, "checkpoint"),
        (8, "recovery"),
        (9, "terminal"),
        (10, "checkpoint"),
        (11, "recovery"),
    ]
    causes = [cause["entity"]["id"] for cause in document["causes"]]
    assert causes[:2] == ["effect.file.write.1", "effect.provider.1"]


def test_delivery_lanes_close_or_stay_open() -> None:
    records = load("example:output-delivery-mixed").unwrap()
    document = page_document(report_html(records, ReplayConfig(ReplayMode.RESUME_REPLAY)))
    result = replay(records, ReplayConfig(ReplayMode.RESUME_REPLAY)).unwrap()
    deliveries = [lane for lane in document["lanes"] if lane["kind"] == "delivery"]
    assert deliveries
    in_doubt = {repair.delivery_id for repair in result.output_delivery_repairs}
    assert {lane["id"] for lane in deliveries if lane["open"]} == in_doubt
    for lane in deliveries:
        assert (lane["end"] is None) == lane["open"] or lane["status"] == "intent"


def test_the_page_is_the_same_bytes_under_any_hash_seed(tmp_path: Path) -> None:
    pages = []
    for seed in ("0", "1", "12345"):
        out = tmp_path / f"run-{seed}.html"
        done = subprocess.run(
            [str(SCRIPT), "report", "example:output-delivery-mixed", "-o", str(out)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        pages.append(out.read_bytes())
    assert pages[0] == pages[1] == pages[2]


def test_standard_output_and_the_library_give_the_same_page(tmp_path: Path) -> None:
    done = run_cli("report", "example:crash-recovery", "-o", "-", "--title", "crash")
    assert done.code == 0
    records = load("example:crash-recovery").unwrap()
    page = report_html(records, ReplayConfig(ReplayMode.RESUME_REPLAY), title="crash")
    assert page_document(done.out)["steps"] == page_document(page)["steps"]
    assert page_document(done.out)["verdict"] == page_document(page)["verdict"]


def test_bad_input_and_unwritable_output_fail_cleanly(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"journal_seq": "x"}\n')
    with unchanged(bad):
        assert_clean_failure(run_cli("report", bad, "-o", tmp_path / "x.html"), 65, "bad.jsonl")
    assert not (tmp_path / "x.html").exists()
    missing = tmp_path / "no" / "such" / "dir" / "x.html"
    done = run_cli("report", "example:crash-recovery", "-o", missing)
    assert done.code != 0 and "Traceback" not in done.err and str(missing) in done.err
    assert run_cli("report", "example:crash-recovery").code == 64  # -o is required


def test_an_existing_page_is_replaced_atomically(tmp_path: Path) -> None:
    out = tmp_path / "run.html"
    out.write_text("old")
    assert run_cli("report", "example:crash-recovery", "-o", out).code == 0
    assert out.read_text().startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.html"]


def test_notebooks_get_the_same_renderer_in_an_iframe() -> None:
    records = load("example:crash-recovery").unwrap()
    config = ReplayConfig(ReplayMode.RESUME_REPLAY)
    shown = Timeline(records, config)._repr_html_()
    assert shown.startswith("<iframe srcdoc=") and 'sandbox="allow-scripts"' in shown
    assert "&lt;!DOCTYPE html&gt;" in shown and "<script" not in shown
    result = replay(records, config).unwrap()
    assert "&lt;script" in result._repr_html_()


def test_the_library_page_does_not_depend_on_the_interpreter(tmp_path: Path) -> None:
    code = (
        "import sys; from replaykit import *; from replaykit.shell.html import report_html;"
        "r = load('example:crash-recovery').unwrap();"
        "sys.stdout.write(report_html(r, ReplayConfig(ReplayMode.RESUME_REPLAY)))"
    )
    pages = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            check=True,
        ).stdout
        for seed in ("3", "4")
    }
    assert len(pages) == 1


def test_the_document_carries_the_advisories_and_their_markers(tmp_path: Path) -> None:
    journal = Path(__file__).parent / "data" / "runtime" / "run-tool-result-crash.jsonl"
    out = tmp_path / "run.html"
    assert run_cli("report", journal, "-o", out).code == 0
    document = page_document(out.read_bytes())
    records = load(str(journal)).unwrap()
    expected = advise(records, ReplayConfig(ReplayMode.RESUME_REPLAY))
    assert document["advisories"] == [advisory.to_data() for advisory in expected]
    markers = [(m["step"], m["severity"]) for m in document["markers"] if m["kind"] == "advisory"]
    assert markers == [(8, "danger"), (12, "info")]
    steps = [m["step"] for m in document["markers"]]
    assert steps == sorted(steps)


def test_the_document_as_data_is_what_the_page_carries() -> None:
    from replaykit.replay import fold_steps, initial_state
    from replaykit.report import document_chunks, document_data

    records = load("example:output-delivery-mixed").unwrap()
    config = ReplayConfig(ReplayMode.RESUME_REPLAY)
    start = initial_state(config)
    run = records[0].run_id
    steps = fold_steps(start, records)
    chunks = document_chunks(steps, config, title="t", source="s", run=run, start=start)
    data = document_data(chunks)
    page = report_html(records, config, title="t", source="s")
    assert data == page_document(page)
    assert len(data["steps"]) == len(records)


def test_a_long_timeline_shows_its_verdict_in_a_notebook() -> None:
    from replaykit.shell.html import timeline_html

    records = load("example:crash-recovery").unwrap()
    timeline = Timeline(records, ReplayConfig(ReplayMode.RESUME_REPLAY))
    short = page_document(timeline_html(timeline, max_steps=11))
    assert len(short["steps"]) == 11 and short["sampling"] is None
    long = page_document(timeline_html(timeline, max_steps=10))
    assert long["steps"] == [] and "11 steps, more than a notebook shows (10)" in str(
        long["sampling"]
    )
    assert long["verdict"] == to_data(timeline.result(11))
