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

from replaykit.shell.commands import COMMANDS
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
)
from replaykit.shell.options import EXIT_CODES_HELP
from replaykit.shell.output import Outcome, PipeClosed, Settings, color_wanted
from replaykit.shell.render import (
    one_line,
)

__all__ = ["EXIT_CODES", "PROBLEM_EXIT_CODES", "main", "run"]


#: The exit code for each way a command can end.
EXIT_CODES: Final = {
    Outcome.COMPLETE: 0,
    Outcome.REPAIR_NEEDED: 1,
    Outcome.REJECTED: 2,
    Outcome.ADVISED: 3,
}

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
    Problem.UNKNOWN_LAYOUT: EXIT_DATA,
    Problem.UNKNOWN_RUN: EXIT_DATA,
    Problem.CONFLICT: EXIT_DATA,
    Problem.UNSTORABLE: EXIT_DATA,
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


for _command in COMMANDS:
    main_group.add_command(_command)


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
