"""The wire shapes of the sixteen payloads the reducer ignores, as tables.

The reference runtime decodes every payload into its full Rust type, so a record whose
``message`` or ``tool`` payload has a missing field, an integer out of range or a
misspelled enum value is refused before replay sees it. replaykit keeps those payloads
as validated immutable JSON (``OtherPayload``), and these tables are the one
description both of its decoders, its encoder, the builders and the hypothesis
strategies work from (``PAYLOADS.md`` in the specification is their source).

``turn_lifecycle``, the seventeenth payload the reducer ignores, is a typed class of its
own (``TurnLifecycleRecord``).

>>> PAYLOADS["model_attempt"]
'ModelAttemptRecord'
>>> [(f.key, f.presence.value) for f in SHAPES["ProviderUsage"].fields][:2]
[('input_tokens', 'nullable'), ('output_tokens', 'nullable')]
"""

from __future__ import annotations

from replaykit.model.shapes import (  # noqa: F401  (each module declares its tables)
    _common,
    approval,
    conversation,
    isolation,
    streams,
    structured_output,
    subagents,
    tool,
)
from replaykit.model.shapes._dsl import (
    PAYLOADS,
    SHAPES,
    Enum,
    Field,
    Kind,
    Shape,
    Struct,
    Union,
    struct_of,
)

__all__ = ["PAYLOADS", "SHAPES", "Enum", "Field", "Kind", "Shape", "Struct", "Union", "struct_of"]
