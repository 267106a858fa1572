"""``replaykit audit``: every run of one or more sources, one row per run."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import sys
import time
from collections import Counter
from collections.abc import Iterator
from typing import IO, Final

import attrs
import click

from replaykit.model import MissingContentPolicy
from replaykit.replay import ReplayConfig
from replaykit.shell.advice import AdviceArgs, advice_arguments
from replaykit.shell.audit import (
    VERDICTS,
    Dask,
    Executor,
    InProcess,
    Processes,
    Row,
    audit,
    discover,
)
from replaykit.shell.exits import (
    EXIT_DATA,
    EXIT_INTERRUPTED,
    EXIT_NO_INPUT,
    EXIT_OK,
    exit_codes_help,
)
from replaykit.shell.options import MODES, StoreContent, build_config, config_options
from replaykit.shell.output import Settings, atomic_file
from replaykit.shell.render import plural
from replaykit.timetravel.advisories import CODES, Severity

__all__ = ["audit_command"]

_EPILOG: Final = """\b
Each SOURCE is a store of the runtime (a file-store directory, an SQLite
database, a postgresql:// URL with --scope and --schema), a JSONL journal,
a folder of JSONL journals (*.jsonl, *.jsonl.gz, *.ndjson, searched
recursively) or a glob of them; example:NAME works too.

\b
Exit code: the worst verdict of all runs, in this order:
  0    every run complete
  1    some run needs repair (or may not resume)
  2    some run rejected by the reference
  3    only with --fail-on: every run complete, but some run has an
       advisory at or above that severity
  65   some input unreadable as data (a bad line or row, an unknown layout)
  66   some input missing or unreadable (66 wins over 65)
  64   usage error; 130 interrupted (what finished is still written)
""" + exit_codes_help((70, 74), None)

_CODES: Final = {"complete": 0, "repair_needed": 1, "rejected": 2}
_NO_INPUT: Final = ("not_found", "unreadable", "is_directory", "not_directory")
_CSV_FIELDS: Final = (
    "source",
    "run_id",
    "records",
    "verdict",
    "resume_allowed",
    "repairs",
    "fault_index",
    "fault_record_id",
    "fault_journal_seq",
    "fault_kind",
    "fault_message",
    "error",
    "advisories",
)


def _exit_code(counts: Counter[str], problems: set[str]) -> int:
    if counts["unreadable"]:
        return EXIT_NO_INPUT if problems & set(_NO_INPUT) else EXIT_DATA
    for verdict in ("rejected", "repair_needed"):
        if counts[verdict]:
            return _CODES[verdict]
    return EXIT_OK


def _first_fault(row: Row) -> str:
    if row.fault is not None:
        return f"step {row.fault['index'] + 1} {row.fault['record_id']}: {row.fault['message']}"
    if row.error is not None:
        return row.error
    return ""


_HEADER: Final = (
    f"{'run':<48} {'records':>8} {'verdict':<14} {'resume':<6} {'repairs':>7}"
    f"  {'advisories':<12} first fault\n"
)
_SEVERITIES: Final = ("danger", "warning", "info")


def _advice_cell(row: Row) -> str:
    """``-``, or how many advisories and the worst severity (``2 danger``)."""
    if not row.advisories:
        return "-"
    found = {severity for _, severity, _ in row.advisories}
    worst = next(severity for severity in _SEVERITIES if severity in found)
    return f"{len(row.advisories)} {worst}"


def _table_row(row: Row) -> str:
    resume = {True: "yes", False: "NO", None: "-"}[row.resume_allowed]
    where = row.source if row.run_id is None else f"{row.source} {row.run_id}"
    head = f"{where:<48} {row.records:>8} {row.verdict:<14} {resume:<6} {row.repairs:>7}"
    return f"{head}  {_advice_cell(row):<12} {_first_fault(row)}".rstrip()


def _csv_line(row: Row) -> str:
    fault = row.fault or {}
    values = [
        row.source,
        row.run_id or "",
        row.records,
        row.verdict,
        "" if row.resume_allowed is None else str(row.resume_allowed).lower(),
        row.repairs,
        fault.get("index", ""),
        fault.get("record_id", ""),
        fault.get("journal_seq", ""),
        fault.get("kind", ""),
        fault.get("message", ""),
        row.error or "",
        " ".join(f"{code}:{severity}" for code, severity, _ in row.advisories),
    ]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue()


@click.command("audit", epilog=_EPILOG)
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@click.option("--scope", metavar="SCOPE", help="The Postgres store scope of postgresql:// sources.")
@click.option("--schema", metavar="SCHEMA", help="The Postgres schema (default: public).")
@config_options
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "jsonl", "csv"]),
    default="table",
    show_default=True,
    help="A table for people, one JSON object per run, or CSV.",
)
@click.option("-o", "--output", metavar="FILE", help="Write the rows to FILE (atomically).")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Local worker processes (default: the machine's cores; 1 runs in this process).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Run on this Dask distributed cluster (e.g. tcp://127.0.0.1:8786) instead.",
)
@advice_arguments
@click.pass_obj
def audit_command(
    settings: Settings,
    /,
    sources: tuple[str, ...],
    scope: str | None,
    schema: str | None,
    mode: str,
    content_manifest: str | None,
    content_dir: str | None,
    content_db: str | None,
    content_from_store: bool,
    content_store: str | None,
    missing_content_policy: str,
    output_format: str,
    output: str | None,
    workers: int | None,
    scheduler: str | None,
    advice: AdviceArgs,
) -> int:
    """Replay every run of every SOURCE and write one row per run.

    Rows come in (source, run) order: the run, its records, its verdict (complete,
    repair_needed, rejected, unreadable), whether it may resume, its repairs and the
    first fault. --format jsonl gives, per run: source, run_id, records, verdict,
    resume_allowed, result (the bytes `replay --json` prints, or null), fault
    ({index, record_id, journal_seq, kind, message} or null), error (or null) and, with
    --advisories, advisories ([{code, severity, steps}]). The table's advisories column
    counts each run's advisories and names the worst severity; the summary on standard
    error counts them by code. Runs are spread over local processes (--workers)
    or a Dask cluster (--scheduler); one bad run never stops the audit.
    """
    if workers is not None and scheduler is not None:
        raise click.UsageError("--workers and --scheduler exclude each other")
    config = _config(
        settings,
        mode,
        content_manifest,
        content_dir,
        content_db,
        content_from_store,
        content_store,
        missing_content_policy,
        scope,
        schema,
    )
    executor: Executor
    if scheduler is not None:
        executor = Dask(scheduler)
    else:
        count = workers if workers is not None else (os.cpu_count() or 1)
        executor = InProcess() if count == 1 else Processes(count)
    tasks = discover(sources, scope=scope, schema=schema, content_from_store=content_from_store)
    started = time.perf_counter()
    counts: Counter[str] = Counter()
    advised: Counter[str] = Counter()
    severe = False
    problems: set[str] = set()
    records = 0
    interrupted = False
    with _sink(output) as sink:
        if output_format == "table":
            sink.write(_HEADER)
        elif output_format == "csv":
            sink.write(",".join(_CSV_FIELDS) + "\n")
        bar = _Bar(len(tasks), settings.progress)
        try:
            for found in audit(tasks, config, executor=executor, on_row=bar.update):
                kept = tuple(item for item in found.advisories if item[0] not in advice.ignore)
                row = attrs.evolve(found, advisories=kept)
                advised.update(code for code, _, _ in kept)
                if advice.fail_on is not None and row.verdict == "complete":
                    threshold = Severity(advice.fail_on).rank
                    severe |= any(Severity(item[1]).rank >= threshold for item in kept)
                counts[row.verdict] += 1
                records += row.records
                if row.problem is not None:
                    problems.add(row.problem)
                if output_format == "jsonl":
                    line = row.to_json(advisories=advice.in_json)
                    sink.write(line.decode("utf-8") + "\n")
                elif output_format == "csv":
                    sink.write(_csv_line(row))
                else:
                    sink.write(_table_row(row) + "\n")
                sink.flush()
        except KeyboardInterrupt:
            interrupted = True
            done = sum(counts.values())
            if output_format == "jsonl":
                sink.write(f'{{"incomplete":true,"runs_done":{done},"runs_total":{len(tasks)}}}\n')
            else:
                sink.write(f"# incomplete: interrupted after {done} of {len(tasks)} runs\n")
        finally:
            bar.close()
    elapsed = time.perf_counter() - started
    summary = ", ".join(f"{counts[verdict]} {verdict}" for verdict in VERDICTS)
    rate = records / elapsed if elapsed > 0 else 0.0
    by_code = ", ".join(f"{code} {advised[code]}" for code in CODES if advised[code])
    settings.note(
        f"audit: {plural(sum(counts.values()), 'run')} ({summary}), {plural(records, 'record')}"
        f" in {elapsed:.1f} s ({rate:,.0f} records/s)"
        + (f"; advisories: {by_code}" if by_code else "")
        + (
            f"; INCOMPLETE: interrupted after {sum(counts.values())} of {len(tasks)} runs"
            if interrupted
            else ""
        )
    )
    if interrupted:
        return EXIT_INTERRUPTED
    code = _exit_code(counts, problems)
    return 3 if code == EXIT_OK and severe else code


def _config(
    settings: Settings,
    mode: str,
    content_manifest: str | None,
    content_dir: str | None,
    content_db: str | None,
    content_from_store: bool,
    content_store: str | None,
    missing_content_policy: str,
    scope: str | None,
    schema: str | None,
) -> ReplayConfig:
    if content_from_store:
        others = [content_manifest, content_dir, content_db, content_store]
        if any(value is not None for value in others):
            raise click.UsageError("--content-from-store excludes the other content options")
        # every run gets the content ids of its own store (read once per store per worker)
        return ReplayConfig(
            MODES[mode.lower()], frozenset(), MissingContentPolicy(missing_content_policy)
        )
    store = None
    if content_store is not None:
        store = StoreContent(content_store, scope, schema)
    return build_config(
        settings,
        mode,
        content_manifest,
        content_dir,
        content_db,
        missing_content_policy,
        content_store=store,
    )


class _Bar:
    """Runs and records done, on standard error when it is a terminal."""

    def __init__(self, total: int, show: bool) -> None:
        self.total = total
        self.show = show
        self.done = 0
        self.records = 0

    def update(self, row: Row) -> None:
        self.done += 1
        self.records += row.records
        if self.show:
            click.echo(
                f"\r{self.done}/{self.total} runs, {self.records:,} records", err=True, nl=False
            )

    def close(self) -> None:
        if self.show and self.done:
            click.echo("", err=True)


@contextlib.contextmanager
def _sink(output: str | None) -> Iterator[IO[str]]:
    """Standard output, or ``output`` written atomically (``atomic_file``): it appears
    at the end, also after Ctrl-C (with what finished, as the audit catches it)."""
    if output is None or output == "-":
        yield sys.stdout
        return
    with atomic_file(output) as handle:
        yield handle
