"""Content stores: manifest, directory (never escaping it) and SQLite table."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from replaykit.shell import (
    DirectoryContent,
    ManifestContent,
    Problem,
    SourceError,
    SqliteContent,
    safe_ref_name,
)


def test_manifest_keeps_spaces_and_skips_empty_lines(tmp_path: Path) -> None:
    manifest = tmp_path / "refs.txt"
    manifest.write_bytes(b"content.1\r\n\n content 2 \ncontent.3")
    assert ManifestContent(str(manifest)).refs() == {"content.1", " content 2 ", "content.3"}
    assert "content.3" in ManifestContent(str(manifest))


def test_manifest_problems(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as missing:
        ManifestContent(str(tmp_path / "nope")).refs()
    assert missing.value.problem is Problem.NOT_FOUND
    with pytest.raises(SourceError) as folder:
        ManifestContent(str(tmp_path)).refs()
    assert folder.value.problem is Problem.IS_DIRECTORY
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"ok\n\xff\n")
    with pytest.raises(SourceError) as undecodable:
        ManifestContent(str(bad)).refs()
    assert (undecodable.value.problem, undecodable.value.line) == (Problem.UNDECODABLE, 2)


def _store(tmp_path: Path) -> Path:
    store = tmp_path / "store"
    store.mkdir()
    (store / "content.1").write_text("a")
    (store / "content 2").write_text("b")
    (store / "nested").mkdir()
    (store / "nested" / "content.3").write_text("c")
    (tmp_path / "outside").write_text("secret")
    os.symlink(tmp_path / "outside", store / "link.out")
    os.symlink(store / "content.1", store / "link.in")
    return store


def test_directory_lists_regular_files_directly_inside(tmp_path: Path) -> None:
    store = DirectoryContent(str(_store(tmp_path)))
    assert store.refs() == {"content.1", "content 2", "link.in"}


@pytest.mark.parametrize(
    "ref",
    ["../outside", "nested/content.3", "nested", ".", "..", "", "content.1\x00", "/etc/passwd"],
)
def test_directory_refs_that_would_leave_it_are_missing(tmp_path: Path, ref: str) -> None:
    root = _store(tmp_path)
    fresh = DirectoryContent(str(root))
    assert ref not in fresh  # the lookup path, before any listing
    listed = DirectoryContent(str(root))
    listed.refs()
    assert ref not in listed
    assert ref not in listed.refs()


def test_directory_absolute_path_to_a_real_file_is_missing(tmp_path: Path) -> None:
    root = _store(tmp_path)
    assert str(root / "content.1") not in DirectoryContent(str(root))
    assert "link.out" not in DirectoryContent(str(root))
    assert "content.1" in DirectoryContent(str(root))


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ref=st.text(alphabet=st.sampled_from(list("./\\\x00~a1 ")), max_size=12))
def test_a_ref_found_is_always_a_file_directly_inside(tmp_path: Path, ref: str) -> None:
    root = tmp_path / "h"
    if not root.exists():
        root.mkdir()
        (root / "a").write_text("x")
        (root / "a.1").write_text("x")
        (root / "1").mkdir()
        (root / "1" / "a").write_text("x")
        (tmp_path / "a~").write_text("outside")
    if ref in DirectoryContent(str(root)):
        assert safe_ref_name(ref)
        assert os.path.dirname(os.path.realpath(root / ref)) == os.path.realpath(root)
        assert ref in {"a", "a.1"}


def test_directory_problems(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as missing:
        DirectoryContent(str(tmp_path / "nope")).refs()
    assert missing.value.problem is Problem.NOT_FOUND
    file = tmp_path / "file"
    file.write_text("x")
    with pytest.raises(SourceError) as not_directory:
        DirectoryContent(str(file)).refs()
    assert not_directory.value.problem is Problem.NOT_DIRECTORY


def test_sqlite_content_table(tmp_path: Path) -> None:
    database = tmp_path / "c.sqlite"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE content_refs (ref TEXT PRIMARY KEY)")
        connection.executemany("INSERT INTO content_refs VALUES (?)", [("c.1",), ("../c.2",)])
    before = database.read_bytes()
    assert SqliteContent(str(database)).refs() == {"c.1", "../c.2"}
    assert database.read_bytes() == before


def test_sqlite_content_problems(tmp_path: Path) -> None:
    database = tmp_path / "c.sqlite"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE content_refs (name TEXT)")
    with pytest.raises(SourceError) as no_column:
        SqliteContent(str(database)).refs()
    assert no_column.value.problem is Problem.MISSING_TABLE and "ref" in str(no_column.value)
    text = tmp_path / "t.sqlite"
    text.write_text("hello " * 1000)
    with pytest.raises(SourceError) as not_database:
        SqliteContent(str(text)).refs()
    assert not_database.value.problem is Problem.NOT_DATABASE


def test_manifest_lines_are_bounded(tmp_path: Path) -> None:
    """An endless manifest (``/dev/zero``) or a huge line fails at once, not with a
    MemoryError: a content ref is at most 512 bytes, a manifest line at most 64 KiB."""
    path = tmp_path / "zeros.txt"
    path.write_bytes(b"content.1\n" + b"\0" * (200 * 1024))
    with pytest.raises(SourceError) as caught:
        ManifestContent(str(path)).refs()
    assert caught.value.line == 2 and "longer than 65536 bytes" in caught.value.message
    if os.path.exists("/dev/zero"):
        with pytest.raises(SourceError):
            ManifestContent("/dev/zero").refs()


def test_manifest_byte_order_mark_is_named(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfcontent.1\n")
    with pytest.raises(SourceError) as caught:
        ManifestContent(str(path)).refs()
    assert caught.value.line == 1 and "byte order mark" in caught.value.message
