"""``replaykit minimize``: shrink a journal to the records a property needs.

Reads the whole journal, runs ``replaykit.testing.minimize`` with the ``--keep``
predicates (``replaykit.testing.predicates``) and writes the 1-minimal subsequence as
JSONL: to standard output, or atomically to ``-o FILE`` (a temporary file in the same
directory, flushed and renamed over FILE, so a reader never sees half a journal).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Final

import click
from returns.result import Failure

from replaykit.model import JournalRecord
from replaykit.shell.exits import exit_codes_help
from replaykit.shell.options import JOURNAL_HELP, JournalArgs, journal_arguments
from replaykit.shell.output import Settings, write_output
from replaykit.shell.progress import Feed
from replaykit.testing import minimize as minimize_records
from replaykit.testing.predicates import keep_predicate
from replaykit.wire import to_json

__all__ = ["EXIT_HELP", "KEEP_HELP", "minimize"]

KEEP_HELP: Final = """\b
--keep EXPR (repeatable, all must hold) tests the lenient fold of a candidate
journal (rejected records are skipped, as `lint` does):
  status=complete|repair_needed      mode=audit_replay|resume_replay|repair_replay
  resume_allowed=true|false          latest_journal_seq=N
  terminal_status=S|none             next_loop_state=S|none
  repair_kind=KIND       some repair has KIND (e.g. non_idempotent_pending_side_effect)
  unsafe_effect=ID       some unsafe pending side effect has effect id ID
  missing_content_ref=REF            output_decision=DECISION (e.g. unsafe_pending)
  fault                  some record is rejected       no_fault   none is
  fault=TEXT             a rejected record's error kind is TEXT or its message has TEXT
FIELD!=VALUE negates; VALUE * on a list field (repair_kind, unsafe_effect,
missing_content_ref, output_decision) means "the list is not empty"."""


EXIT_HELP: Final = exit_codes_help(
    (0, 64, 65, 66, 70, 74, 130),
    {
        0: "the smaller journal was written",
        64: "usage error, --keep does not hold for JOURNAL itself, or FILE cannot be written",
    },
)


def _same_file(output: str, journal: str) -> bool:
    """Whether ``output`` names the file ``journal`` reads (through any path or link)."""
    try:
        return os.path.samefile(output, journal)
    except OSError:  # either does not exist (or JOURNAL is - or example:NAME)
        return False


def _jsonl(records: Sequence[JournalRecord]) -> str:
    return "".join(to_json(record) + "\n" for record in records)


@click.command(epilog=KEEP_HELP + "\n\n" + JOURNAL_HELP + "\n\n" + EXIT_HELP)
@journal_arguments
@click.option(
    "--keep",
    "keep",
    multiple=True,
    required=True,
    metavar="EXPR",
    help="A property the smaller journal must keep (see below); repeat to require several.",
)
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    default="-",
    show_default=True,
    help="Write the smaller journal to FILE (atomically), or `-` for standard output.",
)
@click.option(
    "--max-tests",
    type=click.IntRange(min=1),
    metavar="N",
    help="Stop after N candidate journals (the result may then not be 1-minimal).",
)
@click.pass_obj
def minimize(
    settings: Settings,
    args: JournalArgs,
    /,
    keep: tuple[str, ...],
    output: str,
    max_tests: int | None,
) -> None:
    """Shrink JOURNAL to a smallest subsequence of its records that keeps --keep.

    Delta debugging: the result keeps the records in order, unchanged, and removing any one
    of its records breaks a --keep property (it is 1-minimal). Example:

    \b
      replaykit minimize run.jsonl --keep status=repair_needed \\
          --keep repair_kind=non_idempotent_pending_side_effect -o small.jsonl
    """
    if output != "-" and _same_file(output, args.journal):
        raise click.UsageError(
            f"-o {output} is JOURNAL itself: write the smaller journal elsewhere"
            " (the input is never overwritten)"
        )
    replay_config = args.config(settings)
    predicate = keep_predicate(keep, replay_config)
    if isinstance(predicate, Failure):
        raise click.BadParameter(predicate.failure(), param_hint="--keep")
    source = args.open()
    records = list(Feed(source, progress=settings.progress))
    try:
        small = minimize_records(records, predicate.unwrap(), max_tests=max_tests)
    except ValueError:
        raise click.UsageError(
            f"--keep does not hold for {source.name} itself: nothing to minimize"
        ) from None
    text = _jsonl(small)
    write_output(output, text)
    kept = f"kept {len(small)} of {len(records)} records"
    settings.note(kept + ("" if output == "-" else f"; wrote {output}"))
