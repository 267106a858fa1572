"""Shared command plumbing: the record feed and its progress bar, colour, configuration."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import click
import pytest
from cli_support import example_lines, write_lines

from replaykit.model import MissingContentPolicy, ReplayMode
from replaykit.shell import JsonlJournal
from replaykit.shell import progress as progress_module
from replaykit.shell.options import build_config
from replaykit.shell.output import Settings, color_wanted
from replaykit.shell.progress import Feed


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_feed_counts_records_and_keeps_their_lines(tmp_path: Path) -> None:
    lines = example_lines("crash-recovery")
    journal = write_lines(tmp_path / "j.jsonl", [lines[0], b"", *lines[1:]])
    feed = Feed(JsonlJournal(journal), progress=False, keep_locations=True)
    records = list(feed)
    assert feed.count == len(records) == len(lines)
    assert list(feed.locations or ()) == [1, *range(3, len(lines) + 2)]


def test_progress_bar_only_on_a_terminal_and_for_long_journals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = write_lines(tmp_path / "j.jsonl", example_lines("crash-recovery"))
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert len(list(Feed(JsonlJournal(journal), progress=True))) == 11
    assert terminal.getvalue() == ""  # a short journal: no bar
    monkeypatch.setattr(progress_module, "_PROGRESS_MIN_BYTES", 0)
    assert len(list(Feed(JsonlJournal(journal), progress=True))) == 11
    assert "replaying" in terminal.getvalue() and "100%" in terminal.getvalue()
    piped = io.StringIO()
    monkeypatch.setattr(sys, "stderr", piped)
    assert len(list(Feed(JsonlJournal(journal), progress=True))) == 11
    assert piped.getvalue() == ""


def test_color_is_for_terminals_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", _Terminal())
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert color_wanted("auto") is True
    monkeypatch.setenv("NO_COLOR", "1")
    assert color_wanted("auto") is False
    assert color_wanted("always") is True
    monkeypatch.setenv("NO_COLOR", "")  # empty means unset (no-color.org)
    assert color_wanted("auto") is True
    assert color_wanted("never") is False
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    assert color_wanted("auto") is False


def test_build_config_maps_modes_and_content(tmp_path: Path) -> None:
    settings = Settings()
    manifest = tmp_path / "refs.txt"
    manifest.write_text("content.1\ncontent.2\n")
    config = build_config(settings, "Audit", str(manifest), None, None, "request_host_repair")
    assert config.mode is ReplayMode.AUDIT_REPLAY
    assert config.available_content_refs == frozenset({"content.1", "content.2"})
    assert config.missing_content_policy is MissingContentPolicy.REQUEST_HOST_REPAIR
    unchecked = build_config(settings, "repair_replay", None, None, None, "fail")
    assert unchecked.available_content_refs is None
    with pytest.raises(click.UsageError):
        build_config(settings, "resume", str(manifest), str(tmp_path), None, "fail")
