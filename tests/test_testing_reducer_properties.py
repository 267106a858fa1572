"""Properties of the reducer, on journals drawn from ``replaykit.testing.strategies``.

- determinism: the same journal gives the same bytes under any ``PYTHONHASHSEED``;
- the lenient fold (``lint``) and the strict one (``replay``) agree.

The model-based check (against ``bench/floor.py``) is in ``test_replay_model.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from returns.result import Failure, Success

from replaykit import (
    JournalRecord,
    ReplayConfig,
    lint,
    replay,
    to_json,
)
from replaykit.testing import strategies as s

FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

FOLD_SCRIPT = textwrap.dedent(
    """
    import sys
    from replaykit import JournalRecord, ReplayConfig, from_json, lint, to_json
    from replaykit.testing.snapshots import canonical_json, snapshot_data
    for line in open(sys.argv[1], encoding="utf-8"):
        case = __import__("json").loads(line)
        records = [from_json(JournalRecord, r).unwrap() for r in case["records"]]
        config = ReplayConfig(case["mode"], case["refs"], case["policy"])
        report = lint(records, config)
        print(to_json(report.result))
        print(canonical_json(snapshot_data(report.state)), end="")
    """
)


def test_folds_are_the_same_bytes_under_two_hash_seeds(tmp_path: Path) -> None:
    cases: list[dict[str, Any]] = []

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.one_of(s.journals(gaps=True), s.adversarial_journals()), s.replay_configs())
    def collect(records: list[JournalRecord], config: ReplayConfig) -> None:
        refs = config.available_content_refs
        cases.append(
            {
                "records": [to_json(r) for r in records],
                "mode": config.mode.value,
                "refs": None if refs is None else sorted(refs),
                "policy": config.missing_content_policy.value,
            }
        )

    collect()
    journal = tmp_path / "cases.jsonl"
    journal.write_text("".join(json.dumps(c) + "\n" for c in cases), encoding="utf-8")
    script = tmp_path / "fold.py"
    script.write_text(FOLD_SCRIPT, encoding="utf-8")
    outputs = []
    for seed in ("0", "4242"):
        env = {"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"}
        done = subprocess.run(
            [sys.executable, str(script), str(journal)],
            env=env,
            capture_output=True,
            check=True,
        )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    results = [line for line in outputs[0].splitlines() if line.startswith(b'{"mode":')]
    assert len(results) == len(cases)


@FAST
@given(s.journals(gaps=True), s.replay_configs())
def test_lenient_fold_equals_strict_fold_without_faults(
    records: list[JournalRecord], config: ReplayConfig
) -> None:
    report = lint(records, config)
    assert report.ok
    assert replay(records, config) == Success(report.result)


@FAST
@given(s.adversarial_journals(), s.replay_configs())
def test_strict_fold_stops_at_the_lenient_folds_first_fault(
    records: list[JournalRecord], config: ReplayConfig
) -> None:
    report = lint(records, config)
    strict = replay(records, config)
    if report.ok:
        assert strict == Success(report.result)
        return
    index, first = report.faults[0]
    assert isinstance(strict, Failure)
    assert strict.failure() == first  # the same error, record id, seq and state
    assert first.record_id == records[index].record_id
    assert lint(records[:index], config).ok
