"""The fast path for journal lines: msgspec decodes, a round trip proves, code converts.

Journal lines written by the reference runtime are canonical: compact JSON, keys in
declaration order, absent values left out. For such a line this module does in C what
the exact path (``_json`` + ``_codegen``) does in Python:

1. msgspec decodes the line into mirror ``Struct`` types generated from the model's wire
   metadata (types, enum values, integer signs, required fields, tagged unions);
2. msgspec encodes the structs again, and the fast path applies only if that gives back
   the line byte for byte (and the same for the record inside an output-delivery
   payload). Equal bytes prove what msgspec does not check itself: no repeated key, no
   unknown key, no ``-0`` or other odd number, no ``null`` or ``[]`` written for an
   absent value;
3. generated functions build the attrs model from the structs, checking what neither
   step covers (the u64 upper bound) and interning the small reference objects as the
   exact path does.

The round trip is exact for text too: msgspec refuses invalid UTF-8, lone surrogates
and raw control characters, and escapes exactly as serde_json does (``\\n``, ``\\"``,
``\\u001f``; non-ASCII, ``/`` and U+2028/U+2029 raw), so a line with a needless or
upper-case escape comes back different and steps aside. Every line that passes is the
record's canonical encoding, and its duplicate digest is taken over the line.

What msgspec cannot check of an identifier (the reference counts its length in UTF-8
bytes and refuses control characters) is checked by the conversion functions. On a
*clean* line (ASCII, no backslash, no DEL) every string is printable ASCII as written,
so the length msgspec checked is all there is to it; those lines take the ``cv_``
family of conversion functions, every other line the ``cx_`` family, which checks each
identifier against the whole rule.

A payload the reducer ignores (``OtherPayload``) is left raw by a second decoder of the
record (tried first when the line's payload tag names such a payload). On a clean line
the mirrors of its shape table decode it (``_fast_payloads``); on any other line msgspec
parses it and the Python check of its shape (``_payloads``) checks it. Either way it
must be canonical, and its bytes are the payload value.

Anything else (a validation error, unequal bytes, invalid text) returns ``None`` and the
caller takes the exact path, which gives the same value or the precise error. So this
path changes speed only; ``tests/test_wire_fast.py`` checks that both paths agree.

Speed (callgrind, the first 5,000 lines of the 100k benchmark journal, runtime-like
records of 1.7 KB): 141.5k instructions per line, against 274k on the exact path.
msgspec's decode and re-encode take about a third; BLAKE2b over the 40% of lines that
need a duplicate digest 8%; the generated conversion and the objects it builds most of
the rest.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Callable
from typing import Annotated, Any, Final, Union

import attrs
import msgspec

from replaykit.model import (
    IGNORED_PAYLOAD_TYPES,
    JournalRecord,
    OtherPayload,
    duplicate_allowed,
)
from replaykit.model._generated import execute, unique
from replaykit.model._wirespec import BOOL, ID, STR, U64, Presence
from replaykit.model.ids import MAX_ID_LEN, id_error
from replaykit.wire._codegen import (
    CACHE_SIZE,
    INTERNED,
    UINT_MAX,
    Namespace,
    construct,
    wire_fields,
)
from replaykit.wire._fast_payloads import build as build_payloads
from replaykit.wire._json import Bad
from replaykit.wire._unions import PAYLOAD_CHECKS, SHAPE_CHECKS

__all__ = ["build"]


#: An identifier on a clean line (see ``decode_record``): only its length is left to check.
_ID: Final = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_ID_LEN)]


class _Slow(Exception):
    """The line needs the exact path."""


class _Builder:
    """Mirror structs and conversion functions for one model, generated once."""

    def __init__(
        self,
        payloads: dict[str, type],
        outputs: dict[str, type],
        kinds: dict[str, type],
    ) -> None:
        #: (model class, union tag or None) -> its mirror: a class nested both in a union
        #: and as a plain field (``EffectIntent``) has a tagged and a plain mirror.
        self.structs: dict[tuple[type, str | None], Any] = {}
        self.ns = Namespace()
        self.globals = self.ns.globals
        self.globals.update(Slow=_Slow, U64MAX=UINT_MAX[U64], id_error=id_error)
        self.kinds = kinds
        payload_structs = [self.mirror(cls, tag) for tag, cls in payloads.items()]
        self.output_payload = msgspec.defstruct(
            "OutputDeliveryPayload",
            [("record_type", str), ("record", msgspec.Raw)],
            kw_only=True,
            tag="output_delivery",
            tag_field="type",
            gc=False,
        )
        self.payload_type = _union(*payload_structs, self.output_payload)
        self.output_decoders = {
            tag: msgspec.json.Decoder(self.mirror(cls)) for tag, cls in outputs.items()
        }
        self.mirror(JournalRecord)
        #: The record with its payload left as raw JSON: for payloads the reducer ignores.
        self.other_record = self.define(JournalRecord, None, msgspec.Raw, "JournalRecordOther")
        #: Interning caches, shared by both families of conversion functions.
        self.caches: dict[type, str] = {}
        #: Conversion functions by mirror struct: ``cv`` for clean lines, ``cx`` for any.
        self.by_struct: dict[str, dict[Any, Any]] = {}
        for prefix in ("cv", "cx"):
            for cls in [*payloads.values(), *outputs.values(), *kinds.values(), JournalRecord]:
                self.convert(cls, prefix)
            self.by_struct[prefix] = {
                struct: self.globals[f"{prefix}_{unique(cls)}"]
                for (cls, _), struct in self.structs.items()
            }

    # -- mirror structs ------------------------------------------------------------

    def field_type(self, kind: Any) -> Any:
        if kind == STR:
            return str
        if kind == ID:
            # The rest of the identifier rule holds for every string of a clean line.
            return _ID
        if kind in UINT_MAX:
            # msgspec bounds stop at int64; the u64 top is checked in the conversion.
            if kind == U64:
                return Annotated[int, msgspec.Meta(ge=0)]
            return Annotated[int, msgspec.Meta(ge=0, le=UINT_MAX[kind])]
        if kind == BOOL:
            return bool
        if isinstance(kind, type) and issubclass(kind, enum.Enum):
            return kind
        if kind == "payload":
            return self.payload_type
        if kind == "delivery_kind":
            return _union(*(self.mirror(cls, tag) for tag, cls in self.kinds.items()))
        if attrs.has(kind):
            return self.mirror(kind)
        raise _Unsupported(kind)

    def mirror(self, cls: type, tag: str | None = None) -> Any:
        found = self.structs.get((cls, tag))
        if found is not None:
            return found
        struct = self.define(cls, tag)
        self.structs[cls, tag] = struct
        return struct

    def define(self, cls: type, tag: str | None, payload: Any = None, name: str = "") -> Any:
        """A new mirror struct of ``cls`` (``payload``: another type for its payload)."""
        fields: list[tuple[Any, ...]] = []
        for _, wire, kind, presence in wire_fields(cls):
            kind_type = payload if kind == "payload" and payload else self.field_type(kind)
            if presence is Presence.REQUIRED:
                fields.append((wire, kind_type))
            elif presence is Presence.OPTIONAL:
                fields.append((wire, _union(kind_type, None), None))
            elif presence is Presence.LIST:
                fields.append((wire, _tuple_of(kind_type), ()))
            elif presence is Presence.LIST_REQUIRED:
                fields.append((wire, _tuple_of(kind_type)))
            else:  # written as null: never omitted, so never this path's round trip
                raise _Unsupported(cls)
        return msgspec.defstruct(
            name or cls.__name__,
            fields,
            kw_only=True,
            omit_defaults=True,
            frozen=True,
            gc=False,  # short-lived, acyclic: never worth tracking
            tag=tag,
            tag_field="type" if tag is not None else None,
        )

    # -- conversion ----------------------------------------------------------------

    def convert(self, cls: type, prefix: str) -> None:
        """Generate ``{prefix}_{cls}``: mirror struct -> model value. The ``cx`` family
        also checks identifiers against the whole rule (control characters, UTF-8
        length), which on a clean line always holds once msgspec checked the length."""
        name = f"{prefix}_{unique(cls)}"
        if name in self.globals:
            return
        self.globals[name] = None  # types may nest
        lines = [f"def {name}(s):"]
        if cls in INTERNED:
            cache = self.caches.get(cls) or self.caches.setdefault(cls, self.ns.name({}, "cache"))
            lines += [f"    hit = {cache}.get(s)", "    if hit is not None: return hit"]
        values = []
        for index, (_, wire, kind, presence) in enumerate(wire_fields(cls)):
            lines += self._value(kind, presence, f"v{index}", f"s.{wire}", prefix)
            values.append(f"v{index}")
        lines += construct(self.ns, cls, values)
        if cls in INTERNED:
            lines.append(f"    if len({cache}) >= {CACHE_SIZE}: {cache}.clear()")
            lines.append(f"    {cache}[s] = o")
        lines.append("    return o")
        execute("\n".join(lines) + "\n", self.globals, f"conversion to {cls.__qualname__}")

    def _value(self, kind: Any, presence: Presence, var: str, value: str, prefix: str) -> list[str]:
        """Lines that set ``var`` to the model value of struct field ``value``."""
        many = presence in (Presence.LIST, Presence.LIST_REQUIRED)
        optional = presence is Presence.OPTIONAL
        if kind == U64 and not many:
            check = f"{var} is not None and {var} > U64MAX" if optional else f"{var} > U64MAX"
            return [f"    {var} = {value}", f"    if {check}: raise Slow"]
        if kind == ID and prefix == "cx":
            bad = "not ({0}.isascii() and {0}.isprintable()) and id_error({0}) is not None"
            if many:
                return [
                    f"    {var} = {value}",
                    f"    for e in {var}:",
                    f"        if {bad.format('e')}: raise Slow",
                ]
            test = f"{var} is not None and {bad.format(var)}" if optional else bad.format(var)
            return [f"    {var} = {value}", f"    if {test}: raise Slow"]
        if kind in ("payload", "delivery_kind"):
            return [f"    {var} = {prefix}_union({value})"]
        if attrs.has(kind):
            self.convert(kind, prefix)
            func = f"{prefix}_{unique(kind)}"
            if many:
                return [f"    {var} = tuple(map({func}, {value}))"]
            if optional:
                return [f"    {var} = {value}", f"    if {var} is not None: {var} = {func}({var})"]
            return [f"    {var} = {func}({value})"]
        return [f"    {var} = {value}"]


class _Unsupported(Exception):
    """A wire kind this path has no mirror for (the caller's tables are wrong)."""


def _union(*types: Any) -> Any:
    return Union.__getitem__(types)


def _tuple_of(item: Any) -> Any:
    return tuple.__class_getitem__((item, ...))


_PAYLOAD_TAG: Final = b'"payload":{"type":"'
_IGNORED_TAGS: Final = frozenset(tag.encode() for tag in IGNORED_PAYLOAD_TYPES)


def _ignored_tag(raw: bytes) -> bool:
    """Whether the line's payload looks like one the reducer ignores (canonical lines
    write the payload last, its ``type`` first)."""
    start = raw.rfind(_PAYLOAD_TAG) + len(_PAYLOAD_TAG)
    if start < len(_PAYLOAD_TAG):
        return False
    return raw[start : raw.find(b'"', start)] in _IGNORED_TAGS


def build(
    payloads: dict[str, type], outputs: dict[str, type], kinds: dict[str, type]
) -> Callable[[bytes], JournalRecord | None]:
    """The fast decoder of journal lines, for these payload, output-record and
    delivery-kind variants (by tag); lines of any other payload take the exact path."""
    builder = _Builder(payloads, outputs, kinds)
    decoder = msgspec.json.Decoder(builder.structs[JournalRecord, None])
    other_decoder = msgspec.json.Decoder(builder.other_record)
    encode = msgspec.json.Encoder().encode
    decode_any = msgspec.json.Decoder().decode
    output_payload = builder.output_payload
    output_decoders = builder.output_decoders
    convert_clean = builder.globals[f"cv_{unique(JournalRecord)}"]
    convert_any = builder.globals[f"cx_{unique(JournalRecord)}"]
    set_digest = JournalRecord.__dict__["_digest"].__set__
    blake2b = hashlib.blake2b
    convert_payload = build_payloads(builder.mirror, SHAPE_CHECKS.kind, _Slow)

    def other_clean(raw: msgspec.Raw) -> OtherPayload:
        """An ignored payload of a clean line, checked by the mirrors of its shape and
        proven canonical (``_fast_payloads``)."""
        try:
            return convert_payload(bytes(raw))
        except Bad:  # a check of an externally tagged value: the exact path says where
            raise _Slow from None

    def other_any(raw: msgspec.Raw) -> OtherPayload:
        """An ignored payload of any line: msgspec parses it (refusing invalid UTF-8,
        lone surrogates and raw control characters), the Python check of its shape
        checks it, and its canonical form must encode to the bytes as written."""
        written = bytes(raw)
        data = decode_any(written)
        tag = data.get("type") if data.__class__ is dict else None
        check = PAYLOAD_CHECKS.get(tag) if tag.__class__ is str else None
        if check is None:
            raise _Slow
        try:
            canonical = check(data)
        except Bad:
            raise _Slow from None
        if encode(canonical) != written:
            raise _Slow
        return OtherPayload(type=str(tag), json=written)

    def union_converter(prefix: str, other: Callable[[msgspec.Raw], OtherPayload]) -> Any:
        by_struct = builder.by_struct[prefix]

        def convert_union(struct: Any) -> Any:  # a payload or delivery-kind mirror
            if struct.__class__ is msgspec.Raw:
                return other(struct)
            if struct.__class__ is output_payload:
                adjacent: Any = struct  # type, record_type and the record's raw bytes
                decode = output_decoders.get(adjacent.record_type)
                if decode is None:
                    raise _Slow
                raw = adjacent.record
                record = decode.decode(raw)
                if encode(record) != bytes(raw):
                    raise _Slow
                return by_struct[record.__class__](record)
            return by_struct[struct.__class__](struct)

        return convert_union

    builder.globals["cv_union"] = union_converter("cv", other_clean)
    builder.globals["cx_union"] = union_converter("cx", other_any)

    def decode_record(raw: bytes) -> JournalRecord | None:
        """The record of a canonical journal line (white space stripped), or ``None``
        (see the module's documentation)."""
        try:
            if _ignored_tag(raw):  # a guess: a wrong one only costs the other decoder
                struct = other_decoder.decode(raw)
            else:
                try:
                    struct = decoder.decode(raw)
                except msgspec.ValidationError:  # perhaps a payload the reducer ignores
                    struct = other_decoder.decode(raw)
            if encode(struct) != raw:
                return None
            clean = raw.isascii() and b"\\" not in raw and b"\x7f" not in raw
            record: JournalRecord = (convert_clean if clean else convert_any)(struct)
        except (msgspec.MsgspecError, _Slow, UnicodeError, ValueError, TypeError, RecursionError):
            return None
        if duplicate_allowed(record):
            set_digest(record, blake2b(raw, digest_size=16).digest())
        return record

    return decode_record
