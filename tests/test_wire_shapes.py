"""Decoding structure (WIRE.md sections 1.1-1.3, 1.8, 5, 7): presence, null, lists,
repeated keys and unknown keys.
"""

from __future__ import annotations

import pytest
from wire_support import decoded, edit, failure, text_lines

from replaykit import to_json
from replaykit.model import RecoveryMarker

INTENT = text_lines("output-delivery-mixed")[1]
RECOVERY = text_lines("crash-recovery")[7]


# Required fields and null (sections 1.2, 5). ------------------------------------------------


@pytest.mark.parametrize(
    ("path", "where"),
    [
        ("journal_seq", "$.journal_seq"),
        ("record_id", "$.record_id"),
        ("subject_ref", "$.subject_ref"),
        ("event_index.privacy_class", "$.event_index.privacy_class"),
        ("payload", "$.payload"),
        ("payload.record.delivery_id", "$.payload.record.delivery_id"),
        ("payload.record.dedupe_key", "$.payload.record.dedupe_key"),
        ("payload.record.effect_intent.kind", "$.payload.record.effect_intent.kind"),
        ("payload.record.destination.retention", "$.payload.record.destination.retention"),
    ],
)
def test_decode_rejects_missing_or_null_required_field(path: str, where: str) -> None:
    missing = failure(edit(INTENT, path, delete=True))
    assert missing.path == where
    assert "missing" in missing.message or "nothing" in missing.message
    null = failure(edit(INTENT, path, None))
    assert null.path == where
    assert null.message.endswith("got null")


@pytest.mark.parametrize("path", ["subject_ref", "payload", "payload.record"])
def test_decode_missing_struct_says_missing_required_field(path: str) -> None:
    """A missing object field gets the same message as any other missing field."""
    error = failure(edit(INTENT, path, delete=True))
    assert error.message == "missing required field"


@pytest.mark.parametrize(
    "path",
    [
        "turn_id",
        "destination",
        "payload.record.idempotency_key",
        "payload.record.effect_intent.destination",
    ],
)
def test_decode_treats_missing_and_null_option_alike(path: str) -> None:
    """An Option field may be missing or null; both decode equal and are left out."""
    without = decoded(edit(INTENT, path, delete=True))
    with_null = decoded(edit(INTENT, path, None))
    assert without == with_null
    assert to_json(with_null) == edit(INTENT, path, delete=True)


@pytest.mark.parametrize(
    "path", ["related_refs", "tags", "content_refs", "payload.record.policy_refs"]
)
def test_decode_defaulted_list_rules(path: str) -> None:
    """A defaulted list: missing gives [], [] is accepted and left out, null is rejected."""
    without = decoded(edit(INTENT, path, delete=True))
    empty = decoded(edit(INTENT, path, []))
    assert without == empty
    assert to_json(empty) == edit(INTENT, path, delete=True)
    error = failure(edit(INTENT, path, None))
    assert error.path == "$." + path
    assert error.message == "expected an array, got null"


def test_decode_required_list_must_be_present() -> None:
    """``RecoveryMarker.unsafe_pending`` has no default: missing and null are errors."""
    missing = failure(edit(RECOVERY, "payload.unsafe_pending", delete=True))
    assert (missing.path, missing.message) == ("$.payload.unsafe_pending", "missing required field")
    null = failure(edit(RECOVERY, "payload.unsafe_pending", None))
    assert null.path == "$.payload.unsafe_pending"


def test_encode_writes_empty_required_list() -> None:
    record = decoded(edit(RECOVERY, "payload.unsafe_pending", []))
    assert isinstance(record.payload, RecoveryMarker)
    assert record.payload.unsafe_pending == ()
    assert '"payload":{"type":"recovery","unsafe_pending":[],' in to_json(record)


def test_decode_rejects_wrong_list_element() -> None:
    error = failure(edit(INTENT, "payload.record.policy_refs", [{"kind": "host"}]))
    assert (error.path, error.message) == (
        "$.payload.record.policy_refs[0].id",
        "missing required field",
    )
    error = failure(edit(INTENT, "tags", ["ok", 3]))
    assert error.path == "$.tags[1]"


# Repeated and unknown keys (sections 1.1, 1.8). --------------------------------------------


def _insert_after(line: str, anchor: str, text: str) -> str:
    assert line.count(anchor) >= 1
    return line.replace(anchor, anchor + text, 1)


@pytest.mark.parametrize(
    ("anchor", "extra", "where"),
    [
        ('{"journal_schema_version":1', ',"journal_seq":9', "$.journal_seq"),
        ('"event_index":{', '"run_id":"r",', "$.event_index.run_id"),
        ('"payload":{', '"type":"output_delivery",', "$.payload.type"),
        ('"payload":{', '"record_type":"intent",', "$.payload.record_type"),
        ('"record":{', '"sink_ref":"x",', "$.payload.record.sink_ref"),
        ('"delivery_kind":{', '"type":"final_message",', "$.payload.record.delivery_kind.type"),
    ],
)
def test_decode_rejects_repeated_known_key(anchor: str, extra: str, where: str) -> None:
    """A repeated known key (the ``type`` tag included) is a duplicate-field error."""
    error = failure(_insert_after(INTENT, anchor, extra))
    assert error.path == where
    assert error.message == f"duplicate field {where.rsplit('.', 1)[1]!r}"


def test_decode_accepts_repeated_unknown_key() -> None:
    text = _insert_after(INTENT, '"record":{', '"zz":1,"zz":[2],"zz":null,')
    assert decoded(text) == decoded(INTENT)


@pytest.mark.parametrize(
    "anchor",
    [
        "{",
        '"subject_ref":{',
        '"source":{',
        '"event_index":{',
        '"payload":{',
        '"record":{',
        '"effect_intent":{',
        '"delivery_kind":{',
        '"policy_refs":[{',
    ],
)
def test_decode_ignores_unknown_keys_at_every_level(anchor: str) -> None:
    """Unknown keys are dropped, whatever their value, and not re-encoded."""
    text = _insert_after(INTENT, anchor, '"unknown_x":{"a":[1.5,-0,null,"\\u0000"]},')
    record = decoded(text)
    assert record == decoded(INTENT)
    assert to_json(record) == INTENT
