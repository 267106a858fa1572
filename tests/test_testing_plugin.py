"""The pytest plugin, used by a test project the way a user would (``pytester``).

Each project runs in a subprocess with nothing but the installed packages: the
``pytest11`` entry point loads the plugin, syrupy stores the snapshots.
"""

from __future__ import annotations

import json
import sys
import textwrap
from importlib.metadata import entry_points
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

SNAPSHOTS = Path("__snapshots__")

RESULT_TEST = """
from replaykit import ReplayConfig, ReplayMode, replay
from replaykit.testing import builders as b

def test_result(replay_snapshot):
    records = b.journal(b.effect_intent("effect.1"){more})
    assert replay_snapshot == replay(records, ReplayConfig(ReplayMode.RESUME_REPLAY)).unwrap()
"""

TRACE_TEST = """
from replaykit import ReplayConfig, ReplayMode
from replaykit.testing import builders as b

def test_trace(snapshot_trace):
    records = b.journal(b.run_lifecycle(), b.effect_intent("effect.1"){more})
    snapshot_trace(records, ReplayConfig(ReplayMode.AUDIT_REPLAY))
"""


def write_test(pytester: pytest.Pytester, name: str, template: str, more: str = "") -> None:
    pytester.makepyfile(**{name: textwrap.dedent(template.replace("{more}", more))})


def snapshot_files(pytester: pytest.Pytester) -> dict[str, str]:
    root = pytester.path / SNAPSHOTS
    return {
        str(p.relative_to(root)): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


#: The project needs no cache, and not hypothesis's plugin (whose re-import after each
#: in-process run, with assertion rewriting, would cost seconds).
QUIET = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest")


#: What an xdist worker running these tests sets; the project must not look like one.
XDIST_WORKER_ENV = ("PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT", "PYTEST_XDIST_TESTRUNUID")


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """Run the project's tests in this process (fast), as pytest's own plugin tests do."""
    with pytest.MonkeyPatch.context() as patch:
        for name in XDIST_WORKER_ENV:
            patch.delenv(name, raising=False)
        return pytester.runpytest(*QUIET, *args)


def run_subprocess(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """Run the project's tests in a fresh interpreter (for hash seeds and xdist)."""
    with pytest.MonkeyPatch.context() as patch:
        for name in XDIST_WORKER_ENV:
            patch.delenv(name, raising=False)
        return pytester.runpytest_subprocess(*QUIET, *args)


def test_the_plugin_is_registered_through_the_pytest11_entry_point() -> None:
    found = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert found.get("replaykit") == "replaykit.testing.pytest_plugin"


def test_snapshot_is_written_then_matched(pytester: pytest.Pytester) -> None:
    write_test(pytester, "test_result", RESULT_TEST)
    missing = run(pytester)
    missing.assert_outcomes(failed=1)
    missing.stdout.fnmatch_lines(["*Snapshot 'test_result' does not exist!*"])

    run(pytester, "--snapshot-update").assert_outcomes(passed=1)
    files = snapshot_files(pytester)
    assert list(files) == ["test_result/test_result.json"]
    text = files["test_result/test_result.json"]
    data = json.loads(text)
    assert data["status"] == "repair_needed"
    assert data["unsafe_pending_side_effects"][0]["effect_id"] == "effect.1"
    assert list(data) == sorted(data)  # canonical: sorted keys
    assert text.endswith("}\n") and '\n  "' in text  # indented, final newline

    run(pytester).assert_outcomes(passed=1)


def test_mismatch_is_reported_with_a_readable_diff(pytester: pytest.Pytester) -> None:
    write_test(pytester, "test_result", RESULT_TEST)
    run(pytester, "--snapshot-update").assert_outcomes(passed=1)
    before = snapshot_files(pytester)

    write_test(pytester, "test_result", RESULT_TEST, more=', b.effect_result("effect.1")')
    changed = run(pytester, "-vv")
    changed.assert_outcomes(failed=1)
    changed.stdout.fnmatch_lines(['*-*"status": "repair_needed"*', '*+*"status": "complete"*'])
    assert snapshot_files(pytester) == before  # a failing run writes nothing

    run(pytester, "--snapshot-update").assert_outcomes(passed=1)
    after = snapshot_files(pytester)
    assert json.loads(after["test_result/test_result.json"])["status"] == "complete"
    run(pytester).assert_outcomes(passed=1)


def test_unused_snapshots_are_reported_and_removed_on_update(pytester: pytest.Pytester) -> None:
    write_test(pytester, "test_result", RESULT_TEST)
    write_test(pytester, "test_trace", TRACE_TEST)
    run(pytester, "--snapshot-update").assert_outcomes(passed=2)
    assert len(snapshot_files(pytester)) == 2

    (pytester.path / "test_trace.py").write_text(
        "def test_other():\n    assert True\n", encoding="utf-8"
    )
    unused = run(pytester)
    unused.stdout.fnmatch_lines(["*1 snapshot unused*"])
    assert unused.ret != 0

    run(pytester, "--snapshot-update").assert_outcomes(passed=2)
    assert list(snapshot_files(pytester)) == ["test_result/test_result.json"]


def test_trace_fixture_snapshots_every_step(pytester: pytest.Pytester) -> None:
    write_test(pytester, "test_trace", TRACE_TEST)
    run(pytester, "--snapshot-update").assert_outcomes(passed=1)
    [text] = snapshot_files(pytester).values()
    document = json.loads(text)
    assert [s["record"]["payload"] for s in document["steps"]] == ["run_lifecycle", "effect_intent"]
    assert "<digest>" not in text  # unkeyed records have no digest to redact
    assert "1767225601" not in text  # no timestamps (records are summarised)

    write_test(pytester, "test_trace", TRACE_TEST, more=', b.run_lifecycle("completed")')
    changed = run(pytester, "-vv")
    changed.assert_outcomes(failed=1)
    changed.stdout.fnmatch_lines(["*trace does not match snapshot*", '*+*"terminal_status": *'])


def test_redaction_of_chosen_paths(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_redact=textwrap.dedent(
            """
            from replaykit import ReplayConfig, ReplayMode, lint
            from replaykit.testing import builders as b
            from replaykit.testing.syrupy_ext import redacting

            def test_redact(replay_snapshot):
                records = b.journal(b.effect_intent("effect.1"))
                report = lint(records, ReplayConfig(ReplayMode.RESUME_REPLAY))
                redact = redacting("/result/repair_needed/*/reason")
                assert replay_snapshot(extension_class=redact) == report
            """
        )
    )
    run(pytester, "--snapshot-update").assert_outcomes(passed=1)
    [text] = snapshot_files(pytester).values()
    data = json.loads(text)
    assert data["result"]["repair_needed"][0]["reason"] == "<redacted>"
    assert data["result"]["unsafe_pending_side_effects"][0]["unsafe_pending_reason"] != "<redacted>"


def test_snapshots_are_the_same_bytes_under_any_hash_seed(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(
        test_seeded=textwrap.dedent(
            """
            from replaykit import ReplayConfig, ReplayMode, Timeline
            from replaykit.testing import builders as b

            def test_state(replay_snapshot):
                records = b.journal(*[b.effect_intent(f"effect.{n}", dedupe_key=f"d.{n}")
                                      for n in range(12)], b.output_intent("o.1"))
                config = ReplayConfig(ReplayMode.AUDIT_REPLAY, available_content_refs=["x", "y"])
                assert replay_snapshot == Timeline(records, config)[-1]
            """
        )
    )
    texts = []
    for seed in ("1", "2"):
        monkeypatch.setenv("PYTHONHASHSEED", seed)
        for path in (pytester.path / SNAPSHOTS).rglob("*.json"):
            path.unlink()
        run_subprocess(pytester, "--snapshot-update").assert_outcomes(passed=1)
        texts.append(snapshot_files(pytester))
    assert texts[0] == texts[1]
    assert '"<digest>"' in next(iter(texts[0].values()))


def test_snapshots_survive_xdist_workers(pytester: pytest.Pytester) -> None:
    for n in range(4):
        write_test(pytester, f"test_part{n}", RESULT_TEST, more=f', b.message("message.{n}")')
        write_test(pytester, f"test_trace{n}", TRACE_TEST, more=f', b.message("message.{n}")')
    run_subprocess(pytester, "-p", "xdist", "-n", "2", "--snapshot-update").assert_outcomes(
        passed=8
    )
    assert len(snapshot_files(pytester)) == 8
    again = run_subprocess(pytester, "-p", "xdist", "-n", "2")
    again.assert_outcomes(passed=8)
    assert "unused" not in again.stdout.str()


def test_without_syrupy_pytest_still_runs_and_the_fixture_says_what_to_install(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_plain="def test_plain():\n    assert 1 + 1 == 2\n",
        test_snap="def test_snap(replay_snapshot):\n    assert replay_snapshot == 1\n",
    )
    blocker = textwrap.dedent(
        """
        import sys
        class NoSyrupy:
            def find_spec(self, name, path=None, target=None):
                if name == "syrupy" or name.startswith("syrupy."):
                    raise ModuleNotFoundError(f"No module named {name!r}")
                return None
        sys.meta_path.insert(0, NoSyrupy())
        import pytest
        sys.exit(pytest.main(["-p", "replaykit.testing.pytest_plugin", "-p", "no:cacheprovider"]))
        """
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
        for name in XDIST_WORKER_ENV:
            patch.delenv(name, raising=False)
        result = pytester.run(sys.executable, "-c", blocker)
    result.assert_outcomes(passed=1, errors=1)  # the fixture fails in setup
    result.stdout.fnmatch_lines(["*need syrupy: pip install 'agent-replaykit?testing?'"])
    assert "During handling" not in result.stdout.str()


def guide_module(name: str) -> str:
    """The Python block of docs/testing.md that starts with ``# content of NAME``."""
    text = (Path(__file__).resolve().parent.parent / "docs" / "testing.md").read_text("utf-8")
    for block in text.split("```python\n")[1:]:
        code = block.split("```", 1)[0]
        if code.startswith(f"# content of {name}\n"):
            return code
    raise AssertionError(f"docs/testing.md has no block for {name}")


def test_the_guides_snapshot_module_runs(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_replay_snapshots=guide_module("test_replay_snapshots.py"))
    run(pytester).assert_outcomes(failed=4)
    run(pytester, "--snapshot-update").assert_outcomes(passed=4)
    run(pytester).assert_outcomes(passed=4)
    files = snapshot_files(pytester)
    assert sorted(files) == [
        "test_replay_snapshots/test_diff_of_the_recovery.json",
        "test_replay_snapshots/test_state_without_reasons.json",
        "test_replay_snapshots/test_trace.json",
        "test_replay_snapshots/test_verdict.json",
    ]
    state = json.loads(files["test_replay_snapshots/test_state_without_reasons.json"])
    assert {r["reason"] for r in state["repair_needed"]} == {"<redacted>"}
    diff = json.loads(files["test_replay_snapshots/test_diff_of_the_recovery.json"])
    assert {op["path"] for op in diff} >= {"/repair_needed/0", "/unsafe_pending_side_effects/0"}
