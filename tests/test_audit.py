"""``replaykit audit``: every run of a store, in one process, in several, on Dask."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from cli_support import SCRIPT, example_lines, record_line, run_cli, write_lines
from store_support import write_file_store

from replaykit.replay import ReplayConfig
from replaykit.shell.audit import InProcess, Processes, Task, audit, chunks


def _mixed_store(root: Path) -> Path:
    """Runs that are complete, need repair, are rejected, and one that does not decode."""
    crash = example_lines("crash-recovery")
    tool = example_lines("tool-run-completed")
    rejected = [record_line(line, run_id="run.rejected") for line in crash]
    rejected.insert(3, rejected[1])  # a repeated non-idempotent record
    broken = [record_line(line, run_id="run.broken") for line in tool]
    broken[4] = record_line(broken[4], agent_id="")
    return write_file_store(
        root,
        {
            "run.example.crash": crash,
            "run.example.tool": tool,
            "run.rejected": rejected,
            "run.broken": broken,
        },
    )


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    return _mixed_store(tmp_path / "store")


def _jsonl(out: bytes) -> list[dict[str, object]]:
    return [orjson.loads(line) for line in out.splitlines()]


def test_one_row_per_run_with_the_pinned_fields(mixed: Path, tmp_path: Path) -> None:
    missing = tmp_path / "gone.jsonl"
    run = run_cli("audit", mixed, missing, "--format", "jsonl", "--workers", "1")
    assert run.code == 66  # some input missing: the worst verdict
    rows = _jsonl(run.out)
    assert [(row["source"], row["run_id"], row["verdict"]) for row in rows] == [
        (str(missing), None, "unreadable"),  # (source, run) order: gone.jsonl < store
        (str(mixed), "run.broken", "unreadable"),
        (str(mixed), "run.example.crash", "repair_needed"),
        (str(mixed), "run.example.tool", "complete"),
        (str(mixed), "run.rejected", "rejected"),
    ]
    assert all(
        list(row)
        == ["source", "run_id", "records", "verdict", "resume_allowed", "result", "fault", "error"]
        for row in rows
    )
    gone, broken, crash, tool, rejected = rows
    assert broken["result"] is None and "$.agent_id" in str(broken["error"])
    assert crash["resume_allowed"] is False and tool["resume_allowed"] is True
    assert rejected["fault"] == {
        "index": 2,  # the repeat sorts right after its twin: the store orders by seq
        "record_id": orjson.loads(example_lines("crash-recovery")[1])["record_id"],
        "journal_seq": orjson.loads(example_lines("crash-recovery")[1])["journal_seq"],
        "kind": "InvalidStateTransition",
        "message": "duplicate non-idempotent journal record during replay",
    }
    assert "no such file" in str(gone["error"])
    # result is exactly what `replay --json` prints for that run
    for row in (crash, tool):
        alone = run_cli("replay", mixed, "--run", str(row["run_id"]), "--json")
        line = next(
            line for line in run.out.splitlines() if f'"run_id":"{row["run_id"]}"'.encode() in line
        )
        assert b'"result":' + alone.out.rstrip(b"\n") + b',"fault"' in line
    assert "5 runs (1 complete, 1 repair_needed, 1 rejected, 2 unreadable)" in run.err


def test_exit_code_is_the_worst_verdict(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    tool = write_lines(tmp_path / "a" / "tool.jsonl", example_lines("tool-run-completed"))
    assert run_cli("audit", tool, "--workers", "1").code == 0
    crash = write_lines(tmp_path / "a" / "crash.jsonl", example_lines("crash-recovery"))
    assert run_cli("audit", tmp_path / "a", "--workers", "1").code == 1
    lines = example_lines("crash-recovery")
    write_lines(tmp_path / "a" / "rejected.jsonl", [*lines[:3], lines[1], *lines[3:]])
    assert run_cli("audit", tmp_path / "a", "--workers", "1").code == 2
    (tmp_path / "a" / "zbad.jsonl").write_bytes(b"{not json}\n")
    assert run_cli("audit", tmp_path / "a", "--workers", "1").code == 65
    listed = run_cli("audit", str(tmp_path / "a" / "*.jsonl"), "--workers", "1", "--format", "csv")
    assert listed.out.decode().splitlines()[0].startswith("source,run_id,records,verdict")
    assert len(listed.out.decode().splitlines()) == 5
    assert crash.exists()


def test_the_executors_give_the_same_bytes(mixed: Path, tmp_path: Path) -> None:
    outputs = {
        workers: run_cli("audit", mixed, "--format", "jsonl", "--workers", workers).out
        for workers in ("1", "2")
    }
    assert outputs["1"] == outputs["2"] and outputs["1"].count(b"\n") == 4
    table = run_cli("audit", mixed, "--workers", "2")
    assert table.out.decode().splitlines()[0].split()[:3] == ["run", "records", "verdict"]


@pytest.fixture(scope="module")
def dask_cluster() -> Iterator[str]:
    from distributed import LocalCluster

    cluster = LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    try:
        yield str(cluster.scheduler_address)
    finally:
        cluster.close()


def test_a_dask_cluster_gives_the_same_bytes(mixed: Path, dask_cluster: str) -> None:
    local = run_cli("audit", mixed, "--format", "jsonl", "--workers", "1")
    on_dask = run_cli("audit", mixed, "--format", "jsonl", "--scheduler", dask_cluster)
    assert on_dask.code == local.code == 65  # the broken run is bad data
    assert on_dask.out == local.out and on_dask.out.count(b"\n") == 4


def test_library_audit_with_each_executor(mixed: Path) -> None:
    config = ReplayConfig("resume_replay")
    one = [row.to_json() for row in audit([str(mixed)], config, executor=InProcess())]
    two = [row.to_json() for row in audit([str(mixed)], config, executor=Processes(2))]
    assert one == two and len(one) == 4


def test_big_runs_go_first_and_small_ones_share_chunks() -> None:
    tasks = [
        Task(f"s{n}", None, size=size) for n, size in enumerate([10, 5_000_000, 20, 3_000_000])
    ]
    work = chunks(tasks)
    assert [[task.source for task in chunk] for chunk in work] == [["s1"], ["s3"], ["s2", "s0"]]


def test_output_file_is_written_atomically(mixed: Path, tmp_path: Path) -> None:
    target = tmp_path / "audit.jsonl"
    target.write_bytes(b"old\n")
    run = run_cli("audit", mixed, "--format", "jsonl", "-o", target, "--workers", "1")
    assert run.code == 65 and run.out == b""
    assert len(_jsonl(target.read_bytes())) == 4
    assert sorted(os.listdir(tmp_path)) == ["audit.jsonl", "store"]


def test_ctrl_c_writes_what_finished_marked_incomplete(tmp_path: Path) -> None:
    folder = tmp_path / "journals"
    folder.mkdir()
    write_lines(folder / "a.jsonl", example_lines("crash-recovery"))
    write_lines(folder / "b.jsonl", example_lines("tool-run-completed"))
    os.mkfifo(folder / "z.jsonl")  # a journal whose writer never comes: the audit waits on it
    target = tmp_path / "out.jsonl"
    process = subprocess.Popen(
        [
            str(SCRIPT),
            "audit",
            str(folder),
            "--format",
            "jsonl",
            "-o",
            str(target),
            "--workers",
            "1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not any(
        name.startswith(".replaykit-") and (tmp_path / name).stat().st_size > 0
        for name in os.listdir(tmp_path)
    ):
        time.sleep(0.05)
    time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130, err
    rows = _jsonl(target.read_bytes())
    assert [row.get("verdict") for row in rows[:2]] == ["repair_needed", "complete"]
    assert rows[-1] == {"incomplete": True, "runs_done": 2, "runs_total": 3}
    assert b"INCOMPLETE" in err


def test_ctrl_c_on_the_process_group_stops_the_workers_cleanly(tmp_path: Path) -> None:
    """Ctrl-C at a terminal reaches the audit and its worker processes alike."""
    folder = tmp_path / "journals"
    folder.mkdir()
    write_lines(folder / "a.jsonl", example_lines("crash-recovery"))
    os.mkfifo(folder / "z.jsonl")  # a worker waits on it until interrupted
    target = tmp_path / "out.jsonl"
    process = subprocess.Popen(
        [
            str(SCRIPT),
            "audit",
            str(folder),
            "--format",
            "jsonl",
            "-o",
            str(target),
            "--workers",
            "2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    time.sleep(3)
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert b"Traceback" not in err and b"INCOMPLETE" in err
    rows = _jsonl(target.read_bytes())
    assert rows[-1]["incomplete"] is True and rows[-1]["runs_total"] == 2
