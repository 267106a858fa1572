"""``replaykit lint``: every record a replay rejects, then the verdict without them."""

from __future__ import annotations

import click

from replaykit.model import JournalRecord
from replaykit.replay import LintReport, ReplayFault, ReplayState, finish
from replaykit.shell.advice import (
    AdviceArgs,
    advice_arguments,
    advisories_lines,
    observe,
    stored_checkpoints,
    with_advisories,
)
from replaykit.shell.options import EPILOG, JournalArgs, journal_arguments
from replaykit.shell.output import Outcome, Settings, outcome_of
from replaykit.shell.progress import Feed
from replaykit.shell.render import lint_json, lint_text
from replaykit.timetravel.advisories import Advisor

__all__ = ["lint"]


class _Faults:
    """Every rejected record's index (from 0) and fault, as ``lint`` lists them."""

    def __init__(self) -> None:
        self.found: list[tuple[int, ReplayFault]] = []

    def see(
        self,
        number: int,
        record: JournalRecord,
        before: ReplayState,
        after: ReplayState,
        fault: ReplayFault | None,
    ) -> None:
        if fault is not None:
            self.found.append((number - 1, fault))


@click.command(epilog=EPILOG)
@journal_arguments
@click.option("--json", "as_json", is_flag=True, help="Print the faults and the verdict as JSON.")
@advice_arguments
@click.pass_obj
def lint(settings: Settings, args: JournalArgs, /, as_json: bool, advice: AdviceArgs) -> Outcome:
    """List every record of JOURNAL that a replay rejects, then the verdict without them.

    Each rejected record is shown with its line (or row), record id, seq, error kind and
    message, then the verdict and its advisories (--advisories adds them to --json).
    Exit 2 when any record is rejected, else the exit code of `replay`.
    """
    replay_config = args.config(settings)
    source = args.open()
    feed = Feed(source, progress=settings.progress, keep_locations=True)
    advisor = Advisor(replay_config)
    faults = _Faults()
    folded = observe(feed, source, advisor.start, [faults, advisor], strict=False)
    report = LintReport(finish(folded.state), tuple(faults.found), folded.state, folded.records)
    settings.warn_torn_tail(source.torn_tail, feed.count)
    stored = stored_checkpoints(args.store(), advisor.run_id)
    advisories = advice.keep(advisor.advisories(stored_checkpoints=stored))
    locations = list(feed.locations or ())
    if as_json:
        body = lint_json(report, unit=source.unit, locations=locations).encode()
        settings.echo_bytes(with_advisories(body, advisories) if advice.in_json else body)
    else:
        text = lint_text(report, unit=source.unit, locations=locations, name=source.name)
        settings.echo("\n".join([text, *advisories_lines(advisories)]))
    if report.faults:
        return Outcome.REJECTED
    return advice.outcome(outcome_of(report.result), advisories)
