"""``replaykit.testing.predicates``: the ``--keep`` language over a journal's lint report."""

from __future__ import annotations

import pytest
from returns.result import Failure

from replaykit import LintReport, ReplayConfig, ReplayMode, lint
from replaykit.testing import builders as b
from replaykit.testing.predicates import KEEP_FIELDS, keep_predicate, parse_keep

RESUME = ReplayConfig(ReplayMode.RESUME_REPLAY)


@pytest.fixture(scope="module")
def crash() -> LintReport:
    """An open non-idempotent effect, an unresolved output, a stale record, sealed."""
    records = b.journal(
        b.effect_intent("effect.1"),
        b.output_intent("output.delivery.1", content_refs=["content.1"]),
        b.checkpoint(loop_state="awaiting_tool_result"),
        b.run_lifecycle("failed"),
    )
    stale = b.with_envelope(b.message(), journal_seq=1, record_id="journal.stale")
    config = ReplayConfig(ReplayMode.RESUME_REPLAY, available_content_refs=[])
    return lint([*records, stale], config)


def holds(expr: str, report: LintReport) -> bool:
    return parse_keep(expr).unwrap()(report)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("status=repair_needed", True),
        ("status=complete", False),
        ("status!=complete", True),
        ("mode=resume_replay", True),
        ("resume_allowed=false", True),
        ("resume_allowed=true", False),
        ("terminal_status=failed", True),
        ("terminal_status=none", False),
        ("next_loop_state=awaiting_tool_result", True),
        ("latest_journal_seq=4", True),
        ("latest_journal_seq=5", False),
        ("repair_kind=non_idempotent_pending_side_effect", True),
        ("repair_kind=checkpoint_invalid", False),
        ("repair_kind!=checkpoint_invalid", True),
        ("repair_kind=*", True),
        ("unsafe_effect=effect.1", True),
        ("unsafe_effect=effect.2", False),
        ("missing_content_ref=content.1", True),
        ("missing_content_ref=*", True),
        ("output_decision=unsafe_pending", True),
        ("output_decision=completed_by_dedupe_proof", False),
        ("fault", True),
        ("no_fault", False),
        ("fault=InvalidStateTransition", True),
        ("fault=strictly increasing", True),
        ("fault=RecoveryRepairNeeded", False),
        ("  status = repair_needed  ", True),
    ],
)
def test_expressions_test_the_lint_report(crash: LintReport, expr: str, expected: bool) -> None:
    assert holds(expr, crash) is expected


def test_list_fields_with_star_need_a_non_empty_list() -> None:
    clean = lint(b.journal(b.message()), RESUME)
    assert not holds("repair_kind=*", clean)
    assert holds("repair_kind!=*", clean)
    assert holds("terminal_status=none", clean)
    assert holds("no_fault", clean)


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("colour=red", "unknown field 'colour'"),
        ("status=done", "status must be one of complete, repair_needed"),
        ("repair_kind=oops", "repair_kind must be one of"),
        ("resume_allowed=yes", "resume_allowed must be true or false"),
        ("latest_journal_seq=-1", "non-negative integer"),
        ("status=*", "'*' only applies to list fields"),
        ("status=", "missing value"),
        ("status", "expected FIELD=VALUE"),
    ],
)
def test_bad_expressions_are_reported(expr: str, message: str) -> None:
    parsed = parse_keep(expr)
    assert isinstance(parsed, Failure)
    assert message in parsed.failure()


def test_keep_predicate_requires_every_expression(crash: LintReport) -> None:
    records = b.journal(b.effect_intent("effect.1"))
    both = keep_predicate(["status=repair_needed", "unsafe_effect=effect.1"], RESUME).unwrap()
    assert both(records)
    not_both = keep_predicate(["status=repair_needed", "fault"], RESUME).unwrap()
    assert not not_both(records)
    assert isinstance(keep_predicate(["status=repair_needed", "nope"], RESUME), Failure)


def test_every_field_is_documented_in_the_module_grammar() -> None:
    from replaykit.testing import predicates

    doc = predicates.__doc__ or ""
    assert all(field in doc for field in KEEP_FIELDS)
