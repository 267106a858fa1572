"""The ``replaykit`` command: a click group, and the one place that picks exit codes.

Commands return an ``Outcome`` (or nothing) and let ``SourceError`` and click's usage
errors rise; ``run`` turns all of them into an exit code and at most one line on
standard error. Anything else is an internal error (exit 70), shown without a
traceback unless ``REPLAYKIT_DEBUG=1``.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence
from typing import Final

import click

from replaykit.model.ids import id_error
from replaykit.replay import lint as lint_fold
from replaykit.replay import replay as replay_fold
from replaykit.shell.cmd_minimize import minimize
from replaykit.shell.debug import debug
from replaykit.shell.errors import Problem, SourceError
from replaykit.shell.exits import (
    EXIT_DATA,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_IO,
    EXIT_NO_INPUT,
    EXIT_OK,
    EXIT_PIPE,
    EXIT_USAGE,
    exit_codes_help,
)
from replaykit.shell.importer import import_journal
from replaykit.shell.options import (
    EXIT_CODES_HELP,
    JOURNAL_HELP,
    Feed,
    JournalArgs,
    Outcome,
    PipeClosed,
    Settings,
    color_wanted,
    journal_arguments,
    outcome_of,
)
from replaykit.shell.render import (
    fault_json,
    lint_json,
    lint_text,
    one_line,
    plural,
    rejected_text,
    verdict_text,
)
from replaykit.shell.sources import JsonlJournal, open_journal
from replaykit.shell.stepping import diff_command, history, show
from replaykit.wire import to_json_bytes

__all__ = ["EXIT_CODES", "PROBLEM_EXIT_CODES", "main", "run"]


#: The exit code for each way a command can end.
EXIT_CODES: Final = {Outcome.COMPLETE: 0, Outcome.REPAIR_NEEDED: 1, Outcome.REJECTED: 2}

#: The exit code for each kind of bad input.
PROBLEM_EXIT_CODES: Final = {
    Problem.NOT_FOUND: EXIT_NO_INPUT,
    Problem.UNREADABLE: EXIT_NO_INPUT,
    Problem.IS_DIRECTORY: EXIT_NO_INPUT,
    Problem.NOT_DIRECTORY: EXIT_NO_INPUT,
    Problem.UNDECODABLE: EXIT_DATA,
    Problem.TORN_TAIL: EXIT_DATA,
    Problem.NOT_GZIP: EXIT_DATA,
    Problem.EMPTY: EXIT_DATA,
    Problem.NOT_DATABASE: EXIT_DATA,
    Problem.MISSING_TABLE: EXIT_DATA,
    Problem.UNKNOWN_RUN: EXIT_DATA,
    Problem.CONFLICT: EXIT_DATA,
    Problem.CANNOT_WRITE: EXIT_IO,
    Problem.AMBIGUOUS_RUN: EXIT_USAGE,
}


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=EXIT_CODES_HELP,
)
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour the output: auto colours a terminal unless NO_COLOR is set.",
)
@click.version_option(package_name="agent-replaykit", message="%(prog)s %(version)s")
@click.pass_context
def main_group(context: click.Context, color: str) -> None:
    """Replay durable agent-run journals: may the run resume, and what needs repair?

    Start with `replaykit replay example:crash-recovery`.
    """
    context.obj = Settings(color=color_wanted(color), progress=sys.stderr.isatty())


_EPILOG: Final = JOURNAL_HELP + "\n\n" + EXIT_CODES_HELP
_IMPORT_EPILOG: Final = """\b
JOURNAL is a JSONL file (gzip when it ends in .gz), `-` for standard input, or
example:NAME for a journal bundled with replaykit.

""" + exit_codes_help(
    (0, 64, 65, 66, 70, 74, 130),
    {
        0: "imported",
        64: "usage error (unknown option, JOURNAL is already an SQLite database)",
        65: "bad input data (undecodable line, torn tail, not gzip, empty journal),"
        " DATABASE is not an SQLite database, or it already holds the run",
    },
)


@main_group.command(epilog=_EPILOG)
@journal_arguments
@click.option(
    "--json", "as_json", is_flag=True, help="Print the ReplayResult as JSON (wire bytes)."
)
@click.pass_obj
def replay(settings: Settings, args: JournalArgs, /, as_json: bool) -> Outcome:
    """Replay JOURNAL strictly and print the verdict.

    Says whether the run may resume and why not: each unsafe pending side effect with the
    record that created it, each missing content ref, each delivery to reconcile and each
    repair with its reason. The replay stops at the first rejected record (exit 2).
    """
    replay_config = args.config(settings)
    source = args.open()
    feed = Feed(source, progress=settings.progress)
    folded = replay_fold(feed, replay_config)
    settings.warn_torn_tail(source.torn_tail, feed.count)
    result = folded.value_or(None)
    if result is not None:
        if as_json:
            settings.echo_bytes(to_json_bytes(result))
        else:
            settings.echo(verdict_text(result, records=feed.count, name=source.name))
        return outcome_of(result)
    fault = folded.failure()
    if as_json:
        settings.echo(
            '{"rejected":'
            + fault_json(fault, index=feed.count - 1, unit=source.unit, location=source.location)
            + "}"
        )
    else:
        settings.echo(
            rejected_text(
                fault,
                unit=source.unit,
                location=source.location,
                records=feed.count,
                name=source.name,
            )
        )
    return Outcome.REJECTED


@main_group.command(epilog=_EPILOG)
@journal_arguments
@click.option("--json", "as_json", is_flag=True, help="Print the faults and the verdict as JSON.")
@click.pass_obj
def lint(settings: Settings, args: JournalArgs, /, as_json: bool) -> Outcome:
    """List every record of JOURNAL that a replay rejects, then the verdict without them.

    Each rejected record is shown with its line (or row), record id, seq, error kind and
    message. Exit 2 when any record is rejected, else the exit code of `replay`.
    """
    replay_config = args.config(settings)
    source = args.open()
    feed = Feed(source, progress=settings.progress, keep_locations=True)
    report = lint_fold(feed, replay_config)
    settings.warn_torn_tail(source.torn_tail, feed.count)
    locations = list(feed.locations or ())
    if as_json:
        settings.echo(lint_json(report, unit=source.unit, locations=locations))
    else:
        settings.echo(lint_text(report, unit=source.unit, locations=locations, name=source.name))
    return Outcome.REJECTED if report.faults else outcome_of(report.result)


@main_group.command(
    "import",
    epilog=_IMPORT_EPILOG,
)
@click.argument("journal", metavar="JOURNAL")
@click.argument("database", metavar="DATABASE")
@click.option(
    "--run-id",
    metavar="RUN",
    help="Store the records under this run id (default: the first record's).",
)
@click.option("--replace", is_flag=True, help="Replace the run if DATABASE already holds it.")
@click.option("--allow-torn-tail", is_flag=True, help="Import the records before a torn last line.")
@click.pass_obj
def import_(
    settings: Settings,
    /,
    journal: str,
    database: str,
    run_id: str | None,
    replace: bool,
    allow_torn_tail: bool,
) -> None:
    """Copy a JSONL JOURNAL into the SQLite DATABASE (see docs/cli.md for the layout).

    A new DATABASE is built in a temporary file and renamed into place; an existing one
    is changed in one transaction. Every record is decoded first, and nothing is written
    unless all of them decode.
    """
    if run_id is not None and (problem := id_error(run_id)) is not None:
        raise click.BadParameter(f"{run_id!r} is not a run id ({problem})", param_hint="--run-id")
    source = open_journal(journal, allow_torn_tail=allow_torn_tail)
    if not isinstance(source, JsonlJournal):
        raise click.UsageError("import reads JSONL journals; JOURNAL is already an SQLite database")
    summary = import_journal(source, database, run_id=run_id, replace=replace)
    settings.warn_torn_tail(source.torn_tail, summary.records)
    verb = "created" if summary.created else "updated"
    settings.echo(
        f"imported {plural(summary.records, 'record')} of run {summary.run_id}"
        f" into {summary.database} ({verb})"
    )


for _command in (history, show, diff_command, debug):
    _command.epilog = _EPILOG
    main_group.add_command(_command)
main_group.add_command(minimize)  # its own epilog: the --keep language


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``) and return its exit code."""
    if sys.stdout is None:  # started with standard output closed (`>&-`)
        click.echo("replaykit: error: standard output is closed", err=True)
        return EXIT_IO
    try:
        try:
            outcome = main_group.main(args=argv, prog_name="replaykit", standalone_mode=False)
            sys.stdout.flush()
        except BrokenPipeError:
            raise PipeClosed from None
    except PipeClosed:
        _silence_stdout()
        return EXIT_PIPE
    except click.exceptions.Exit as done:  # raised by --help/--version in some click versions
        return int(done.exit_code)
    except click.UsageError as error:
        error.show()
        return EXIT_USAGE
    except click.ClickException as error:
        click.echo(f"replaykit: error: {one_line(error.format_message())}", err=True)
        return EXIT_USAGE
    except click.Abort:
        click.echo("replaykit: interrupted", err=True)
        return EXIT_INTERRUPTED
    except SourceError as error:
        click.echo(f"replaykit: error: {one_line(str(error))}", err=True)
        return PROBLEM_EXIT_CODES[error.problem]
    except KeyboardInterrupt:
        click.echo("replaykit: interrupted", err=True)
        return EXIT_INTERRUPTED
    except OSError as error:
        # Inputs report their OSErrors as SourceErrors; what is left is the output
        # (a full disk, a file size limit, a closed or failing standard output).
        reason = error.strerror or str(error) or type(error).__name__
        click.echo(f"replaykit: error: cannot write the output: {reason}", err=True)
        _silence_stdout()
        return EXIT_IO
    except Exception as error:
        if os.environ.get("REPLAYKIT_DEBUG") == "1":
            traceback.print_exc()
        message = one_line(f"{type(error).__name__}: {error}")
        click.echo(
            f"replaykit: internal error: {message} (set REPLAYKIT_DEBUG=1 for details)", err=True
        )
        return EXIT_INTERNAL
    if isinstance(outcome, Outcome):
        return EXIT_CODES[outcome]
    if isinstance(outcome, int):  # --help and --version return 0 when not standalone
        return outcome
    return EXIT_OK


def _silence_stdout() -> None:
    """Point standard output at /dev/null so the interpreter's final flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def main(argv: Sequence[str] | None = None) -> None:
    """The console script: run the command line and exit with its code."""
    sys.exit(run(argv))
