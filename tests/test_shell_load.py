"""``replaykit.load``: a whole journal in memory, decoded with the collector paused."""

from __future__ import annotations

import gc
import gzip
import io
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from returns.result import Failure

import replaykit
from replaykit import JournalRecord, from_json
from replaykit.examples import path as example_path
from replaykit.shell import JsonlJournal, Problem, SqliteJournal, import_journal, load

_EXAMPLE = Path(example_path("crash-recovery"))
_LINES = [line for line in _EXAMPLE.read_bytes().splitlines() if line]
_RECORDS = tuple(from_json(JournalRecord, line).unwrap() for line in _LINES)


def test_load_is_the_top_level_name() -> None:
    assert replaykit.load is load


@pytest.mark.parametrize("kind", ["path", "str", "example", "stream", "gzip"])
def test_load_reads_every_kind_of_jsonl_source(kind: str, tmp_path: Path) -> None:
    if kind == "path":
        source: object = _EXAMPLE
    elif kind == "str":
        source = str(_EXAMPLE)
    elif kind == "example":
        source = "example:crash-recovery"
    elif kind == "stream":
        source = io.BytesIO(_EXAMPLE.read_bytes())
    else:
        packed = tmp_path / "journal.jsonl.gz"
        packed.write_bytes(gzip.compress(_EXAMPLE.read_bytes()))
        source = packed
    records = load(source).unwrap()  # type: ignore[arg-type]
    assert isinstance(records, tuple)
    assert records == _RECORDS


def test_load_reads_a_database_and_an_open_source(tmp_path: Path) -> None:
    database = tmp_path / "runs.db"
    import_journal(JsonlJournal(_EXAMPLE), str(database))
    assert load(database).unwrap() == _RECORDS
    assert load(SqliteJournal(str(database))).unwrap() == _RECORDS
    with sqlite3.connect(database) as connection:  # load wrote nothing
        assert connection.execute("select count(*) from journal_records").fetchone() == (11,)


def test_load_reports_bad_input_as_a_failure(tmp_path: Path) -> None:
    broken = tmp_path / "broken.jsonl"
    broken.write_bytes(
        _LINES[0] + b"\n" + _LINES[1].replace(b'"journal_seq":2', b'"journal_seq":-2') + b"\n"
    )
    outcome = load(broken)
    assert isinstance(outcome, Failure)
    error = outcome.failure()
    assert (error.problem, error.line, error.path) == (Problem.UNDECODABLE, 2, "$.journal_seq")
    assert load(tmp_path / "missing.jsonl").failure().problem is Problem.NOT_FOUND


def test_load_keeps_a_torn_tail_out_only_when_allowed(tmp_path: Path) -> None:
    torn = tmp_path / "torn.jsonl"
    torn.write_bytes(b"\n".join(_LINES[:3]) + b"\n" + _LINES[3][:40])
    assert load(torn).failure().problem is Problem.TORN_TAIL
    assert load(torn, allow_torn_tail=True).unwrap() == _RECORDS[:3]


def test_load_restores_the_collector() -> None:
    gc.enable()
    assert load(_EXAMPLE).unwrap()
    assert gc.isenabled()
    gc.disable()
    try:
        assert load(_EXAMPLE).unwrap()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_importing_the_package_does_not_import_the_shell() -> None:
    code = "import sys, replaykit; print('replaykit.shell' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_load_freezes_only_when_asked() -> None:
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    load(_EXAMPLE).unwrap()
    assert gc.get_freeze_count() == 0
    try:
        records = load(_EXAMPLE, freeze=True).unwrap()
        assert gc.get_freeze_count() > 0
        assert records == _RECORDS
    finally:
        gc.unfreeze()


def test_load_leaves_its_records_old_and_nothing_frozen() -> None:
    """The records go to the oldest generation (no young collection walks them after
    the pause); nothing stays frozen; a caller's frozen objects stay frozen."""
    gc.unfreeze()
    records = load("example:output-delivery-mixed").unwrap()
    assert gc.get_freeze_count() == 0
    young = {id(o) for o in gc.get_objects(generation=0)}
    old = {id(o) for o in gc.get_objects(generation=2)}
    assert all(id(record) not in young and id(record) in old for record in records)
    keep = [[n] for n in range(100)]
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert frozen >= len(keep)
        load("example:crash-recovery").unwrap()
        assert gc.get_freeze_count() >= frozen  # not thawed by load
    finally:
        gc.unfreeze()
