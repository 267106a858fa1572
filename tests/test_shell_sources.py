"""Journal sources: one contract for every backend, then what each one adds."""

from __future__ import annotations

import gzip
import io
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_support import example_lines, record_line, write_lines
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from replaykit import JournalRecord, ReplayConfig, from_json, lint, replay, to_json
from replaykit.shell import (
    SCHEMA,
    JsonlJournal,
    Problem,
    SourceError,
    SqliteJournal,
    import_journal,
    open_journal,
)
from replaykit.shell.sources import JournalSource
from replaykit.shell.sources import jsonl as sources_module

Backend = Callable[[Path, list[bytes]], JournalSource]


def _jsonl(tmp: Path, lines: list[bytes]) -> JournalSource:
    return open_journal(str(write_lines(tmp / "j.jsonl", lines)))


def _gzip(tmp: Path, lines: list[bytes]) -> JournalSource:
    path = tmp / "j.jsonl.gz"
    path.write_bytes(gzip.compress(b"".join(line + b"\n" for line in lines)))
    return open_journal(str(path))


def _stream(tmp: Path, lines: list[bytes]) -> JournalSource:
    data = b"".join(line + b"\r\n" for line in lines)  # CRLF line endings work too
    return open_journal("-", stdin=io.BufferedReader(io.BytesIO(data)))


def _sqlite(tmp: Path, lines: list[bytes]) -> JournalSource:
    path = tmp / "j.sqlite"
    import_journal(_jsonl(tmp, lines), str(path), replace=True)
    return open_journal(str(path))


BACKENDS: dict[str, Backend] = {
    "jsonl": _jsonl,
    "gzip": _gzip,
    "stream": _stream,
    "sqlite": _sqlite,
}


@pytest.fixture(params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest) -> Backend:
    return BACKENDS[request.param]


@pytest.mark.parametrize("example", ["crash-recovery", "output-delivery-mixed"])
def test_every_backend_yields_the_records_in_order(
    backend: Backend, tmp_path: Path, example: str
) -> None:
    lines = example_lines(example)
    source = backend(tmp_path, lines)
    records = list(source)
    assert [to_json(record) for record in records] == [line.decode() for line in lines]
    assert source.location == len(lines)


def test_every_backend_gives_raw_bytes_and_locations(backend: Backend, tmp_path: Path) -> None:
    lines = example_lines("tool-run-completed")
    entries = list(backend(tmp_path, lines).entries())
    assert [raw for _, raw, _ in entries] == lines
    assert [location for location, _, _ in entries] == list(range(1, len(lines) + 1))


def test_every_backend_keeps_rejected_records_in_place(backend: Backend, tmp_path: Path) -> None:
    lines = example_lines("crash-recovery")
    bad = [*lines[:4], lines[0], record_line(lines[5], journal_seq=2), *lines[4:]]
    config = ReplayConfig("resume_replay")
    expected = lint([from_json(JournalRecord, line).unwrap() for line in bad], config)
    report = lint(backend(tmp_path, bad), config)
    assert [index for index, _ in report.faults] == [index for index, _ in expected.faults]
    assert report.result == expected.result
    assert (
        replay(backend(tmp_path, bad), config).failure().record_id
        == expected.faults[0][1].record_id
    )


def test_every_backend_names_the_place_of_a_bad_record(backend: Backend, tmp_path: Path) -> None:
    lines = example_lines("crash-recovery")
    bad = [*lines[:2], record_line(lines[2], agent_id=""), *lines[3:]]
    with pytest.raises(SourceError) as caught:
        list(backend(tmp_path, bad))
    error = caught.value
    assert error.problem is Problem.UNDECODABLE
    assert error.path == "$.agent_id"
    assert "identifier is empty" in str(error)
    assert error.line == 3 or "position=3" in str(error.row)


def test_every_backend_refuses_an_empty_journal(backend: Backend, tmp_path: Path) -> None:
    if backend is _sqlite:
        path = tmp_path / "empty.sqlite"
        with sqlite3.connect(path) as connection:
            connection.executescript(SCHEMA)
        source: JournalSource = SqliteJournal(str(path))
    else:
        source = backend(tmp_path, [])
    with pytest.raises(SourceError) as caught:
        list(source)
    assert caught.value.problem is Problem.EMPTY


def test_allow_empty_gives_no_records(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    path.write_bytes(b"\n\n")
    assert list(JsonlJournal(path, allow_empty=True)) == []


def test_torn_tail_is_reported_or_skipped(tmp_path: Path) -> None:
    lines = example_lines("crash-recovery")
    data = b"".join(line + b"\n" for line in lines[:-1]) + lines[-1][:-20]
    path = tmp_path / "j.jsonl"
    path.write_bytes(data)
    with pytest.raises(SourceError) as caught:
        list(JsonlJournal(path))
    assert (caught.value.problem, caught.value.line) == (Problem.TORN_TAIL, len(lines))
    lenient = JsonlJournal(path, allow_torn_tail=True)
    assert len(list(lenient)) == len(lines) - 1
    assert lenient.torn_tail is not None and lenient.torn_tail.line == len(lines)
    assert path.read_bytes() == data


@pytest.mark.parametrize(
    ("edit", "torn"),
    [
        (lambda line: line[:-25], True),  # cut short in a string
        (lambda line: line[: line.index(b'"journal_seq":') + 15], True),  # in a number
        (lambda line: line[: line.rindex(b"}")], True),  # the closing brace missing
        (lambda line: line.replace(b'"journal_seq":', b'"journal_seq"=', 1), False),
        (lambda line: line[:-1] + b"]", False),  # full length, last character changed
        (lambda line: line + b"x", False),  # something after the record
        (lambda line: line.replace(b'"journal_seq":1', b'"journal_seq":-1', 1), False),
    ],
)
def test_only_a_prefix_of_json_is_a_torn_tail(
    edit: Callable[[bytes], bytes], torn: bool, tmp_path: Path
) -> None:
    """A last line without a newline is torn only if the writer could have been cut off
    while appending it: a strict prefix of JSON. A damaged line is bad data."""
    lines = example_lines("crash-recovery")
    path = tmp_path / "j.jsonl"
    path.write_bytes(b"\n".join([*lines[:-1], edit(lines[-1])]))
    with pytest.raises(SourceError) as caught:
        list(JsonlJournal(path))
    assert caught.value.problem is (Problem.TORN_TAIL if torn else Problem.UNDECODABLE)
    assert caught.value.line == len(lines)


def test_a_carriage_return_alone_is_no_record(tmp_path: Path) -> None:
    path = tmp_path / "cr.jsonl"
    path.write_bytes(b"\r")
    with pytest.raises(SourceError) as caught:
        list(JsonlJournal(path))
    assert caught.value.problem is Problem.EMPTY


def test_a_torn_line_in_the_middle_is_corruption(tmp_path: Path) -> None:
    lines = example_lines("crash-recovery")
    path = write_lines(tmp_path / "j.jsonl", [*lines[:3], lines[3][:-20], *lines[4:]])
    with pytest.raises(SourceError) as caught:
        list(JsonlJournal(path, allow_torn_tail=True))
    assert (caught.value.problem, caught.value.line) == (Problem.UNDECODABLE, 4)


def test_gzip_by_magic_on_a_stream() -> None:
    data = gzip.compress(b"\n".join(example_lines("tool-run-completed")) + b"\n")
    source = JsonlJournal(io.BufferedReader(io.BytesIO(data)))
    assert len(list(source)) == len(example_lines("tool-run-completed"))


def test_overlong_line_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources_module, "MAX_LINE_BYTES", 64)
    path = write_lines(tmp_path / "j.jsonl", example_lines("crash-recovery"))
    with pytest.raises(SourceError) as caught:
        list(JsonlJournal(path))
    assert caught.value.line == 1 and "longer than 64 bytes" in caught.value.message


def test_progress_reaches_the_file_size(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "j.jsonl", example_lines("crash-recovery"))
    source = JsonlJournal(path)
    list(source)
    assert source.progress() == (path.stat().st_size, path.stat().st_size)


def test_sqlite_rows_must_agree_with_their_records(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    import_journal(
        JsonlJournal(write_lines(tmp_path / "j.jsonl", example_lines("crash-recovery"))), str(path)
    )
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE journal_records SET journal_seq = 40 WHERE position = 4")
    with pytest.raises(SourceError) as caught:
        list(SqliteJournal(str(path)))
    assert "journal_seq=40" in str(caught.value) and "position=4" in str(caught.value)


def test_sqlite_is_opened_read_only(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    import_journal(
        JsonlJournal(write_lines(tmp_path / "j.jsonl", example_lines("crash-recovery"))), str(path)
    )
    before = path.read_bytes()
    path.chmod(0o444)
    try:
        assert len(list(SqliteJournal(str(path)))) == 11
    finally:
        path.chmod(0o644)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["j.jsonl", "j.sqlite"]


def test_open_journal_recognises_sqlite_by_header(tmp_path: Path) -> None:
    database = tmp_path / "j.sqlite"
    import_journal(
        JsonlJournal(write_lines(tmp_path / "j.jsonl", example_lines("crash-recovery"))),
        str(database),
    )
    renamed = tmp_path / "journal.data"
    database.rename(renamed)
    assert isinstance(open_journal(str(renamed)), SqliteJournal)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=300), line=st.integers(min_value=0, max_value=11))
def test_any_bytes_give_records_or_a_source_error(data: bytes, line: int) -> None:
    lines = example_lines("tool-run-completed")
    blob = b"".join(item + b"\n" for item in lines[:line]) + data
    try:
        records = list(JsonlJournal(io.BytesIO(blob), name="fuzz"))
    except SourceError as error:
        assert error.source == "fuzz"
        assert error.problem in {
            Problem.UNDECODABLE,
            Problem.TORN_TAIL,
            Problem.EMPTY,
            Problem.NOT_GZIP,
        }
        assert str(error).startswith("fuzz")
    else:
        assert len(records) >= line


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    block=st.integers(1, 4000),
    endings=st.lists(
        st.sampled_from([b"\n", b"\r\n", b"\n\n", b"\n \t\n"]), min_size=11, max_size=11
    ),
    last_newline=st.booleans(),
    torn=st.booleans(),
)
def test_lines_split_across_blocks_read_as_one(
    block: int,
    endings: list[bytes],
    last_newline: bool,
    torn: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Whatever the block size, every record, its line number and a torn tail come out
    as they would from a line-by-line reader."""
    monkeypatch.setattr(sources_module, "_BLOCK", block)
    lines = example_lines("crash-recovery")
    chunks = [line + ending for line, ending in zip(lines, endings, strict=True)]
    if torn:
        chunks[-1] = lines[-1][:-30]  # the writer died while appending the last record
    elif not last_newline:
        chunks[-1] = lines[-1]
    data = b"".join(chunks)
    numbers, records = [], []
    lineno = 0
    for chunk in chunks[:-1] if torn else chunks:
        parts = chunk.split(b"\n")
        for part in parts[:-1] if chunk.endswith(b"\n") else parts:
            lineno += 1
            if part.strip():
                numbers.append(lineno)
                records.append(from_json(JournalRecord, part).unwrap())
    source = JsonlJournal(io.BytesIO(data), allow_torn_tail=True)
    got = list(source.entries())
    assert [record for _, _, record in got] == records
    assert [number for number, _, _ in got] == numbers
    assert (source.torn_tail is not None) is torn
    if torn:
        assert source.torn_tail is not None and source.torn_tail.line == lineno + 1


def test_a_byte_order_mark_is_named(tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + b"\n".join(example_lines("crash-recovery")) + b"\n")
    with pytest.raises(SourceError) as caught:
        list(JsonlJournal(path))
    assert caught.value.line == 1 and "byte order mark" in caught.value.message


def test_a_gigabyte_of_newlines_is_rejected_quickly(tmp_path: Path) -> None:
    """Blank lines are counted in C, a block at a time: 64 MiB of them (a gzip of 64 KB)
    read in well under a second here, where a step per line took minutes per gigabyte."""
    path = tmp_path / "newlines.jsonl.gz"
    path.write_bytes(gzip.compress(b"\n" * (64 * 1024 * 1024), compresslevel=1))
    source = JsonlJournal(path)
    with pytest.raises(SourceError) as caught:
        list(source)
    assert caught.value.problem is Problem.EMPTY
    assert "only blank lines" in caught.value.message
    records = example_lines("crash-recovery")
    path.write_bytes(gzip.compress(b"\n" * 3_000_000 + b"\n".join(records) + b"\n"))
    numbered = [number for number, _, _ in JsonlJournal(path).entries()]
    assert numbered == list(range(3_000_001, 3_000_001 + len(records)))
