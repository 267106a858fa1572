"""Deterministic generator of synthetic, valid journals (JSONL) for benchmarks.

The records follow the wire format in ``WIRE.md`` (sections 1-8) and are shaped like the
ones the reference runtime writes (see ``spec/examples/*.jsonl``): compact JSON, keys in
declaration order, optional fields left out when absent and empty lists left out.

The journal starts with a ``run_lifecycle`` "started" record and then mixes, by share of
records, about 40% top-level effect intents, 38% effect results (each closing an intent that
is still open), 10% output-delivery records (intents, results, dedupes, reconciliations and
events), 5% checkpoints, 5% turn / message / model-attempt records and 1.5% recovery markers
(copying 1-2 currently open effects). About 5% of effect intents are never closed. No
terminal record is written unless ``terminal=True``, in which case the last record (for
``n > 1``) is a ``run_lifecycle`` "completed" record.

Only ``random.Random(seed).random()`` is used for randomness, so the output is byte-identical
for the same arguments on every machine. Memory use is flat: every pool of open state is
bounded.

The dicts yielded by :func:`generate_records` share sub-objects (source refs, destinations,
policy refs, ...) with each other; treat them as read-only. Those fixed parts, the mix and
the pool bounds live in ``journal_shapes``; the output-delivery records and their pool in
``journal_output``; effect intents and results and the open-effect pool in
``journal_effects``; turns, messages and model attempts in ``journal_turns``. This
module holds the envelope, recovery and checkpoint records, the driver and the CLI.

CLI::

    python bench/journal_gen.py N OUT.jsonl [--seed S] [--terminal]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
from collections import deque
from collections.abc import Iterator
from random import Random

from journal_effects import Effects
from journal_output import Deliveries
from journal_shapes import (
    AGENT_ID,
    BASE_MILLIS,
    CHECKPOINT,
    EFFECT_POOL_CAP,
    FINGERPRINT,
    INTENT,
    JOURNAL_BACKED,
    LOOP_STATES,
    MILLIS_STEP,
    MIX,
    OUTPUT,
    POLICY_RECOVERY,
    PRIVACY,
    RECOVERY,
    REDACTION,
    RESULT,
    RING,
    RUN_COMPLETED_PAYLOAD,
    RUN_STARTED_PAYLOAD,
    SOURCE_RUN_LOOP,
    UNSAFE_REASONS,
    WRITER,
    entity_ref,
    pending_entry,
)
from journal_turns import Conversation

__all__ = ["generate_lines", "generate_records", "write_journal"]


class Generator:
    """Holds the generator state; one method per record shape, with effects, output
    deliveries and turns delegated to ``self.effects``, ``self.deliveries`` and
    ``self.conversation``."""

    def __init__(self, seed: int, run_id: str) -> None:
        self.rand = Random(seed).random
        self.run_id = run_id
        self.record_prefix = f"journal.{run_id}."
        self.run_ref = entity_ref("run", run_id)
        self.run_ids: list[object] = [run_id]
        self.seq = 0
        # Content refs.
        self.content_n = 0
        self.recent_refs: deque[str] = deque(maxlen=RING)
        # Turns, messages and model attempts.
        self.conversation = Conversation(self)
        # Effects and the pool of open ones.
        self.effects = Effects(self)
        # Output deliveries.
        self.deliveries = Deliveries(self)
        # Checkpoints.
        self.checkpoint_n = 0
        self.covers = 0

    # -- helpers -------------------------------------------------------------------------

    def ref_count(self) -> int:
        r = self.rand()
        if r < 0.20:
            return 0
        if r < 0.65:
            return 1
        if r < 0.88:
            return 2
        return 3

    def new_refs(self, family: str, count: int) -> list[object]:
        refs: list[object] = []
        for _ in range(count):
            self.content_n += 1
            ref = f"content.{family}.{self.content_n}"
            refs.append(ref)
            self.recent_refs.append(ref)
        return refs

    def old_refs(self, count: int) -> list[object]:
        recent = self.recent_refs
        size = len(recent)
        if size == 0:
            return []
        rand = self.rand
        return [recent[int(rand() * size)] for _ in range(count)]

    def envelope(
        self,
        record_kind: str,
        subject: dict[str, object],
        payload: dict[str, object],
        family: str,
        event_kind: str,
        *,
        turn: bool = True,
        attempt_id: str | None = None,
        related: list[object] | None = None,
        source: dict[str, object] = SOURCE_RUN_LOOP,
        destination: dict[str, object] | None = None,
        index_destination: bool = False,
        tags: list[object] | None = None,
        content_refs: list[object] | None = None,
        idempotency_key: str | None = None,
        dedupe_key: str | None = None,
        checkpoint_ref: str | None = None,
    ) -> dict[str, object]:
        self.seq += 1
        seq = self.seq
        run_id = self.run_id
        turn_id = self.conversation.turn_id if turn else None
        rec: dict[str, object] = {
            "journal_schema_version": 1,
            "journal_seq": seq,
            "record_id": f"{self.record_prefix}{seq:06d}",
            "record_kind": record_kind,
            "run_id": run_id,
            "agent_id": AGENT_ID,
        }
        index: dict[str, object] = {"run_id": run_id, "agent_id": AGENT_ID}
        if turn_id is not None:
            rec["turn_id"] = turn_id
            index["turn_id"] = turn_id
        if attempt_id is not None:
            rec["attempt_id"] = attempt_id
        rec["subject_ref"] = subject
        if related:
            rec["related_refs"] = related
        rec["source"] = source
        if destination is not None:
            rec["destination"] = destination
        if tags:
            rec["tags"] = tags
        rec["delivery_semantics"] = JOURNAL_BACKED
        index["event_family"] = family
        index["event_kind"] = event_kind
        index["source"] = source
        if index_destination and destination is not None:
            index["destination"] = destination
        index["subject_ref"] = subject
        if related:
            index["related_refs"] = related
        if tags:
            index["tags"] = tags
        index["privacy_class"] = PRIVACY
        index["delivery_semantics"] = JOURNAL_BACKED
        rec["event_index"] = index
        rec["timestamp_millis"] = BASE_MILLIS + seq * MILLIS_STEP
        rec["runtime_package_fingerprint"] = FINGERPRINT
        rec["privacy"] = PRIVACY
        if content_refs:
            rec["content_refs"] = content_refs
        rec["redaction_policy_id"] = REDACTION
        if idempotency_key is not None:
            rec["idempotency_key"] = idempotency_key
        if dedupe_key is not None:
            rec["dedupe_key"] = dedupe_key
        if checkpoint_ref is not None:
            rec["checkpoint_ref"] = checkpoint_ref
        rec["payload"] = payload
        return rec

    # -- run lifecycle -------------------------------------------------------------------

    def run_started(self) -> dict[str, object]:
        return self.envelope(
            "run", self.run_ref, RUN_STARTED_PAYLOAD, "run", "run_started", turn=False
        )

    def run_completed(self) -> dict[str, object]:
        return self.envelope(
            "run", self.run_ref, RUN_COMPLETED_PAYLOAD, "run", "run_completed", turn=False
        )

    # -- recovery and checkpoints --------------------------------------------------------

    def recovery(self) -> dict[str, object]:
        rand = self.rand
        entries = self.effects.sample(1 if rand() < 0.6 else 2)
        unsafe: list[object] = [
            pending_entry(e, UNSAFE_REASONS[int(rand() * len(UNSAFE_REASONS))]) for e in entries
        ]
        payload: dict[str, object] = {
            "type": "recovery",
            "unsafe_pending": unsafe,
            "recovery_reason": "process restarted with pending effects",
            "policy_refs": POLICY_RECOVERY,
        }
        refs = self.old_refs(self.ref_count())
        return self.envelope(
            "recovery", self.run_ref, payload, "recovery", "marker", turn=False, content_refs=refs
        )

    def checkpoint(self) -> dict[str, object]:
        rand = self.rand
        self.checkpoint_n += 1
        k = self.checkpoint_n
        seq = self.seq + 1  # the seq this record will get
        covers = max(self.covers, seq - 1 - int(rand() * 4), 1)
        self.covers = covers
        checkpoint_id = f"checkpoint.bench.{k}"
        manifest = self.old_refs(int(rand() * 4))
        payload: dict[str, object] = {
            "type": "checkpoint",
            "checkpoint_id": checkpoint_id,
            "run_id": self.run_id,
            "checkpoint_seq": k,
            "covers_journal_seq": covers,
            "loop_state": LOOP_STATES[int(rand() * len(LOOP_STATES))],
            "turn_id": self.conversation.turn_id,
        }
        attempt_n = self.conversation.attempt_n
        if attempt_n and rand() < 0.5:
            payload["attempt_id"] = f"attempt.{attempt_n}"
        payload["runtime_package_fingerprint"] = FINGERPRINT
        if rand() < 0.3:
            pending = self.effects.sample(1 + int(rand() * 2))
            if pending:
                payload["pending_side_effects"] = [
                    pending_entry(e, "effect intent has no terminal result at checkpoint")
                    for e in pending
                ]
        if rand() < 0.05:
            payload["pending_approvals"] = [f"approval.request.{k}"]
        if manifest:
            payload["content_ref_manifest"] = manifest
        payload["state_hash"] = f"state.hash.{checkpoint_id}"
        payload["created_at_millis"] = BASE_MILLIS + seq * MILLIS_STEP - 2
        payload["writer_id"] = WRITER
        return self.envelope(
            "checkpoint",
            self.run_ref,
            payload,
            "checkpoint",
            "saved",
            content_refs=manifest,
            checkpoint_ref=checkpoint_id,
        )

    # -- driver --------------------------------------------------------------------------

    def next_record(self) -> dict[str, object]:
        r = self.rand()
        for entry in MIX:
            if r < entry[0]:
                break
        category = entry[1]
        effects = self.effects
        if category == RESULT:
            if not effects.open_effects:
                return effects.intent()
            return effects.result()
        if category == INTENT:
            if len(effects.open_effects) >= EFFECT_POOL_CAP:
                return effects.result()
            return effects.intent()
        if category == OUTPUT:
            return self.deliveries.output()
        if category == CHECKPOINT:
            return self.checkpoint()
        if category == RECOVERY and (effects.open_effects or effects.abandoned):
            return self.recovery()
        return self.conversation.other()


# Same output as json.dumps(obj, ensure_ascii=False, separators=(",", ":")).
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def generate_records(
    n: int, *, seed: int = 0, run_id: str = "run.bench.1", terminal: bool = False
) -> Iterator[dict[str, object]]:
    """Yield ``n`` journal records as dicts built in wire key order.

    The first record is a ``run_lifecycle`` "started" record. With ``terminal=True`` and
    ``n > 1`` the last record is a ``run_lifecycle`` "completed" record; otherwise the
    journal is left unsealed. Yielded dicts share sub-objects: do not mutate them.
    """
    if (
        not run_id
        or len(run_id.encode()) > 256
        or any(c < " " or "\x7f" <= c <= "\x9f" for c in run_id)
    ):
        raise ValueError("run_id must be a non-empty id of at most 256 bytes without control chars")
    if n <= 0:
        return
    gen = Generator(seed, run_id)
    yield gen.run_started()
    body = n - 2 if terminal and n > 1 else n - 1
    if body > 0:
        yield gen.conversation.turn_lifecycle()  # the first turn starts right after the run
        body -= 1
    next_record = gen.next_record
    for _ in range(body):
        yield next_record()
    if terminal and n > 1:
        yield gen.run_completed()


def generate_lines(
    n: int, *, seed: int = 0, run_id: str = "run.bench.1", terminal: bool = False
) -> Iterator[bytes]:
    """Yield each record of :func:`generate_records` as compact JSON bytes (no newline).

    Each line is exactly ``json.dumps(record, ensure_ascii=False, separators=(",", ":"))``
    encoded as UTF-8 (the reference encoder's bytes, WIRE.md §1.9); one shared encoder is
    used because building a new one per record, as ``json.dumps`` does, costs about 10%.
    """
    encode = _ENCODER.encode
    for record in generate_records(n, seed=seed, run_id=run_id, terminal=terminal):
        yield encode(record).encode()


def write_journal(
    path: str, n: int, *, seed: int = 0, run_id: str = "run.bench.1", terminal: bool = False
) -> None:
    """Write a JSONL journal of ``n`` records to ``path`` atomically (temp file + replace)."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".journal_gen.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb", buffering=1 << 20) as out:
            write = out.write
            for line in generate_lines(n, seed=seed, run_id=run_id, terminal=terminal):
                write(line)
                write(b"\n")
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic, valid JSONL journal.")
    parser.add_argument("n", type=int, help="number of records")
    parser.add_argument("out", help="output .jsonl path")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--run-id", default="run.bench.1", help="run id (default run.bench.1)")
    parser.add_argument(
        "--terminal", action="store_true", help="end with a run_lifecycle 'completed' record"
    )
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("n must be >= 0")
    write_journal(args.out, args.n, seed=args.seed, run_id=args.run_id, terminal=args.terminal)
    return 0


if __name__ == "__main__":
    sys.exit(main())
