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
``journal_output``; this module holds the generator of everything else, the driver and
the CLI.

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

from journal_output import Deliveries
from journal_shapes import (
    AGENT_ID,
    BASE_MILLIS,
    CHECKPOINT,
    EFFECT_ABANDON,
    EFFECT_FAMILIES,
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
    RESULT_OUTCOMES,
    RING,
    ROLES,
    RUN_COMPLETED_PAYLOAD,
    RUN_STARTED_PAYLOAD,
    SOURCE_RUN_LOOP,
    STOP_REASONS,
    UNSAFE_REASONS,
    WRITER,
    OpenEffect,
    entity_ref,
    pending_entry,
)

__all__ = ["generate_lines", "generate_records", "write_journal"]


class Generator:
    """Holds the generator state; one method per record shape (output deliveries are
    delegated to ``self.deliveries``)."""

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
        # Turns and attempts.
        self.turn_n = 1
        self.turn_id = "turn.1"
        self.turn_open = False
        self.turn_started = False
        self.attempt_n = 0
        self.message_n = 0
        # Effects.
        self.effect_n = 0
        self.open_effects: list[OpenEffect] = []  # closable, bounded by EFFECT_POOL_CAP
        self.abandoned: deque[OpenEffect] = deque(maxlen=RING)  # never closed
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
        turn_id = self.turn_id if turn else None
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

    # -- effects -------------------------------------------------------------------------

    def effect_intent(self) -> dict[str, object]:
        rand = self.rand
        r = rand()
        for family in EFFECT_FAMILIES:
            if r < family[0]:
                break
        _, fam, kind, dest, policies, summary = family
        self.effect_n += 1
        n = self.effect_n
        effect_id = f"effect.{fam}.{n}"
        subject = entity_ref("tool_call", f"tool.call.{effect_id}")
        related: list[object] = [entity_ref("effect", effect_id)]
        refs = self.new_refs("tool.args", self.ref_count())

        r = rand()
        idem: str | None = None
        dedupe: str | None = None
        env_idem = env_dedupe = False
        if r < 0.45:  # idempotency key, mirrored on the envelope
            idem, env_idem = f"idem.{fam}.{n}", True
        elif r < 0.55:  # idempotency key in the payload only
            idem = f"idem.{fam}.{n}"
        elif r < 0.60:  # both keys, both mirrored
            idem, dedupe, env_idem, env_dedupe = f"idem.{fam}.{n}", f"dedupe.{fam}.{n}", True, True
        elif r < 0.82:  # dedupe key, mirrored
            dedupe, env_dedupe = f"dedupe.{fam}.{n}", True
        elif r < 0.85:  # dedupe key in the payload only
            dedupe = f"dedupe.{fam}.{n}"
        # else: neither key (not retry-safe)

        payload: dict[str, object] = {
            "type": "effect_intent",
            "effect_id": effect_id,
            "kind": kind,
            "subject_ref": subject,
            "source": SOURCE_RUN_LOOP,
            "destination": dest,
        }
        if rand() < 0.3:
            payload["policy_refs"] = policies
        if idem is not None:
            payload["idempotency_key"] = idem
        if dedupe is not None:
            payload["dedupe_key"] = dedupe
        if refs:
            payload["content_refs"] = refs
        payload["redacted_summary"] = summary

        rec = self.envelope(
            "effect_intent",
            subject,
            payload,
            "effect",
            "intent",
            related=related,
            destination=dest,
            content_refs=refs,
            idempotency_key=idem if env_idem else None,
            dedupe_key=dedupe if env_dedupe else None,
        )
        entry: OpenEffect = (effect_id, f"{self.record_prefix}{self.seq:06d}", idem, dedupe)
        if rand() < EFFECT_ABANDON:
            self.abandoned.append(entry)
        else:
            self.open_effects.append(entry)
        return rec

    def effect_result(self) -> dict[str, object]:
        rand = self.rand
        pool = self.open_effects
        i = int(rand() * len(pool))
        entry = pool[i]
        pool[i] = pool[-1]
        pool.pop()
        effect_id = entry[0]

        r = rand()
        for outcome in RESULT_OUTCOMES:
            if r < outcome[0]:
                break
        _, status, summary = outcome
        refs = self.new_refs("tool.result", self.ref_count())
        payload: dict[str, object] = {
            "type": "effect_result",
            "effect_id": effect_id,
            "terminal_status": status,
        }
        if status == "completed":
            if rand() < 0.5:
                payload["external_operation_id"] = f"op.{effect_id}"
        elif status == "unknown":
            payload["reconciliation_ref"] = f"reconcile.{effect_id}"
        else:
            payload["error_ref"] = f"error.{effect_id}"
        if refs:
            payload["content_refs"] = refs
        payload["redacted_summary"] = summary
        subject = entity_ref("effect", effect_id)
        return self.envelope(
            "effect_result",
            subject,
            payload,
            "effect",
            "result",
            related=[subject],
            content_refs=refs,
        )

    def open_effect_sample(self, count: int) -> list[OpenEffect]:
        """Up to ``count`` distinct currently open effects (closable or abandoned)."""
        rand = self.rand
        candidates: list[OpenEffect] = []
        pool = self.open_effects
        ring = self.abandoned
        picked: set[str] = set()
        for _ in range(count * 2):
            if len(candidates) >= count:
                break
            if ring and (not pool or rand() < 0.5):
                entry = ring[int(rand() * len(ring))]
            elif pool:
                entry = pool[int(rand() * len(pool))]
            else:
                break
            if entry[0] not in picked:
                picked.add(entry[0])
                candidates.append(entry)
        return candidates

    # -- recovery and checkpoints --------------------------------------------------------

    def recovery(self) -> dict[str, object]:
        rand = self.rand
        entries = self.open_effect_sample(1 if rand() < 0.6 else 2)
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
            "turn_id": self.turn_id,
        }
        if self.attempt_n and rand() < 0.5:
            payload["attempt_id"] = f"attempt.{self.attempt_n}"
        payload["runtime_package_fingerprint"] = FINGERPRINT
        if rand() < 0.3:
            pending = self.open_effect_sample(1 + int(rand() * 2))
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

    # -- turns, messages, model attempts -------------------------------------------------

    def other(self) -> dict[str, object]:
        r = self.rand()
        if r < 0.40:
            return self.model_attempt()
        if r < 0.75:
            return self.message()
        return self.turn_lifecycle()

    def turn_lifecycle(self) -> dict[str, object]:
        if self.turn_open:
            status = "completed"
            self.turn_open = False
        else:
            if self.turn_started:
                self.turn_n += 1
                self.turn_id = f"turn.{self.turn_n}"
            status = "started"
            self.turn_open = self.turn_started = True
        turn_id = self.turn_id
        payload: dict[str, object] = {
            "type": "turn_lifecycle",
            "turn_id": turn_id,
            "run_ids": self.run_ids,
            "status": status,
            "input_message_id": f"message.{turn_id}.input",
        }
        if status == "completed":
            payload["output_message_id"] = f"message.{turn_id}.output"
        payload["redacted_summary"] = "turn lifecycle"
        return self.envelope(
            "turn",
            entity_ref("turn", turn_id),
            payload,
            "turn",
            f"turn_{status}",
            content_refs=self.old_refs(self.ref_count()),
        )

    def message(self) -> dict[str, object]:
        rand = self.rand
        self.message_n += 1
        message_id = f"message.{self.turn_id}.{self.message_n}"
        payload: dict[str, object] = {
            "type": "message",
            "message_id": message_id,
            "role": ROLES[int(rand() * len(ROLES))],
            "redacted_summary": "message committed",
        }
        return self.envelope(
            "message",
            entity_ref("message", message_id),
            payload,
            "message",
            "message_committed",
            content_refs=self.new_refs("message", self.ref_count()),
        )

    def model_attempt(self) -> dict[str, object]:
        rand = self.rand
        self.attempt_n += 1
        attempt_id = f"attempt.{self.attempt_n}"
        input_tokens = 200 + int(rand() * 8000)
        output_tokens = 16 + int(rand() * 1024)
        payload: dict[str, object] = {
            "type": "model_attempt",
            "provider_route_id": "route.fake.primary",
            "provider_model_id": "model.fake.large",
            "request_message_count": 1 + int(rand() * 40),
            "stop_reason": STOP_REASONS[int(rand() * len(STOP_REASONS))],
            "usage": {
                "input_tokens": input_tokens,
                "output_tokens": output_tokens,
                "total_tokens": input_tokens + output_tokens,
            },
        }
        return self.envelope(
            "model_attempt",
            entity_ref("attempt", attempt_id),
            payload,
            "model",
            "model_attempt_completed",
            attempt_id=attempt_id,
            content_refs=self.old_refs(self.ref_count()),
        )

    # -- driver --------------------------------------------------------------------------

    def next_record(self) -> dict[str, object]:
        r = self.rand()
        for entry in MIX:
            if r < entry[0]:
                break
        category = entry[1]
        if category == RESULT:
            if not self.open_effects:
                return self.effect_intent()
            return self.effect_result()
        if category == INTENT:
            if len(self.open_effects) >= EFFECT_POOL_CAP:
                return self.effect_result()
            return self.effect_intent()
        if category == OUTPUT:
            return self.deliveries.output()
        if category == CHECKPOINT:
            return self.checkpoint()
        if category == RECOVERY and (self.open_effects or self.abandoned):
            return self.recovery()
        return self.other()


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
        yield gen.turn_lifecycle()  # the first turn starts right after the run
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
