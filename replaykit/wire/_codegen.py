"""Decoders and encoders generated once, at import time, from the model's wire metadata.

For every attrs class reachable from the wire types this module writes one decoding
function (parsed JSON -> instance, checking presence, types, ranges, ids, enum values
and repeated keys) and one encoding function (instance -> ``dict`` in declaration
order, leaving out what the reference leaves out). Generating straight-line code keeps
the per-record cost close to that of hand-written constructors while keeping one
description of each type: its attrs fields.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any, Final, NoReturn

import attrs
import orjson

from replaykit.model._generated import execute, unique
from replaykit.model._twin import build_lines, twin
from replaykit.model._wirespec import (
    BOOL,
    ID,
    STR,
    U16,
    U32,
    U64,
    WIRE_KEY,
    Presence,
)
from replaykit.model.ids import MAX_ID_LEN, id_error
from replaykit.model.refs import CorrelationEntry, DestinationRef, EntityRef, PolicyRef, SourceRef
from replaykit.model.shapes._dsl import U8
from replaykit.wire._json import Bad, DupDict, Float

__all__ = [
    "CACHE_SIZE",
    "INTERNED",
    "MISSING",
    "UINT_MAX",
    "Namespace",
    "bad_value",
    "check_object",
    "check_uint",
    "construct",
    "describe",
    "generate",
    "wire_fields",
]

MISSING: Final = object()
UINT_MAX: Final = {U8: 2**8 - 1, U16: 2**16 - 1, U32: 2**32 - 1, U64: 2**64 - 1}
_UINT_NAME: Final = {U8: "8", U16: "16", U32: "32", U64: "64"}


def describe(value: Any) -> str:
    """How a parsed JSON value is named in error messages."""
    if value is MISSING:
        return "nothing"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"integer {value}"
    if isinstance(value, Float | float):
        return f"number {value!r}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"string {shown!r}"
    if isinstance(value, list):
        return "an array"
    return "an object"


def bad_value(value: Any, expected: str, key: str | int) -> Bad:
    """The error for a field whose value is missing, null or of the wrong type."""
    if value is MISSING:
        return Bad("missing required field", key)
    if value is None:
        return Bad(f"expected {expected}, got null", key)
    return Bad(f"expected {expected}, got {describe(value)}", key)


def check_object(value: Any, known: frozenset[str]) -> dict[str, Any]:
    """``value`` as a JSON object with no repeated known key, or ``Bad``."""
    if value is MISSING:
        raise Bad("missing required field")
    if not isinstance(value, dict):
        raise Bad(f"expected an object, got {describe(value)}")
    if isinstance(value, DupDict):
        repeated = sorted(value.dups & known)
        if repeated:
            raise Bad(f"duplicate field {repeated[0]!r}", repeated[0])
    return value


def _check_id(value: Any, key: str | int) -> str:
    if not isinstance(value, str):
        raise bad_value(value, "an identifier string", key)
    error = id_error(value)
    if error is not None:
        raise Bad(error, key)
    return value


def check_uint(value: Any, kind: str, key: str | int) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0 or value > UINT_MAX[kind]:
            raise Bad(f"integer {value} is out of range for u{_UINT_NAME[kind]}", key)
        return value
    if value.__class__ is Float and value.big_integer():
        raise Bad(f"integer {value.short()} is out of range for u{_UINT_NAME[kind]}", key)
    raise bad_value(value, f"an unsigned {_UINT_NAME[kind]}-bit integer", key)


def _check_enum(value: Any, cls: type[enum.Enum], key: str | int) -> NoReturn:
    if isinstance(value, str):
        allowed = ", ".join(str(member.value) for member in cls)
        raise Bad(f"unknown {cls.__name__} value {value!r} (expected one of: {allowed})", key)
    raise bad_value(value, f"a {cls.__name__} string", key)


def _list(value: Any, key: str, item: Callable[[Any, int], Any]) -> tuple[Any, ...]:
    if value.__class__ is not list:
        raise bad_value(value, "an array", key)
    out = []
    for index, element in enumerate(value):
        try:
            out.append(item(element, index))
        except Bad as bad:
            raise bad.at(key) from None
    return tuple(out)


def _ids(value: Any, key: str) -> tuple[str, ...]:
    if value.__class__ is list:
        for element in value:
            if not (
                element.__class__ is str
                and element.isascii()
                and element.isprintable()
                and 0 < len(element) <= MAX_ID_LEN
            ):
                break
        else:
            return tuple(value)
    return _list(value, key, _check_id)


def _strs(value: Any, key: str) -> tuple[str, ...]:
    if value.__class__ is list:
        for element in value:
            if element.__class__ is not str:
                break
        else:
            return tuple(value)

    def item(element: Any, index: int) -> str:
        if element.__class__ is not str:
            raise bad_value(element, "a string", index)
        return str(element)

    return _list(value, key, item)


class Namespace:
    """The generated functions and what they refer to."""

    def __init__(self) -> None:
        self.globals: dict[str, Any] = {
            "MISSING": MISSING,
            "Bad": Bad,
            "bad_value": bad_value,
            "check_object": check_object,
            "_check_id": _check_id,
            "_check_uint": check_uint,
            "_check_enum": _check_enum,
            "_list": _list,
            "_ids": _ids,
            "_strs": _strs,
            "_MAXID": MAX_ID_LEN,
        }
        self.done: set[type] = set()

    def name(self, obj: Any, prefix: str) -> str:
        label = f"{prefix}_{getattr(obj, '__name__', 'x')}_{id(obj):x}"
        self.globals[label] = obj
        return label

    def decoder(self, cls: type) -> Callable[[Any], Any]:
        return self.globals[f"dec_{unique(cls)}"]  # type: ignore[no-any-return]

    def encoder(self, cls: type, prefix: str = "enc") -> Callable[[Any], dict[str, Any]]:
        return self.globals[f"{prefix}_{unique(cls)}"]  # type: ignore[no-any-return]


def _check_expr(ns: Namespace, kind: Any, var: str, key: str) -> list[str]:
    """Lines that check (and convert) ``var`` holding one value of ``kind``."""
    k = repr(key)
    if kind == STR:
        return [f"if {var}.__class__ is not str: raise bad_value({var}, 'a string', {k})"]
    if kind == ID:
        return [
            f"if not ({var}.__class__ is str and {var}.isascii() and {var}.isprintable()"
            f" and 0 < len({var}) <= _MAXID): {var} = _check_id({var}, {k})"
        ]
    if kind in UINT_MAX:
        return [
            f"if {var}.__class__ is not int or not (0 <= {var} <= {UINT_MAX[kind]}):"
            f" {var} = _check_uint({var}, {kind!r}, {k})"
        ]
    if kind == BOOL:
        return [f"if {var}.__class__ is not bool: raise bad_value({var}, 'true or false', {k})"]
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        table = ns.name({m.value: m for m in kind}, "enum")
        cls = ns.name(kind, "cls")
        return [
            f"{var} = {table}.get({var}, {var}) if {var}.__class__ is str else {var}",
            f"if {var}.__class__ is not {cls}: _check_enum({var}, {cls}, {k})",
        ]
    func = _kind_function(kind)
    return [
        "try:",
        f"    {var} = {func}({var})",
        "except Bad as bad:",
        f"    raise bad.at({k}) from None",
    ]


def _kind_function(kind: Any) -> str:
    if isinstance(kind, str):
        return f"dec_special_{kind}"
    return f"dec_{unique(kind)}"


def _list_expr(kind: Any, var: str, key: str) -> str:
    k = repr(key)
    if kind == ID:
        return f"{var} = _ids({var}, {k})"
    if kind == STR:
        return f"{var} = _strs({var}, {k})"
    func = _kind_function(kind)
    return f"{var} = _list({var}, {k}, item_{func})"


def wire_fields(cls: type) -> list[tuple[str, str, Any, Presence]]:
    out = []
    for field in attrs.fields(cls):
        if WIRE_KEY not in field.metadata:
            continue
        kind, presence = field.metadata[WIRE_KEY]
        out.append((field.name, field.metadata.get("wire_name", field.name), kind, presence))
    return out


def _nested(kind: Any) -> list[type]:
    if attrs.has(kind):
        return [kind]
    return []


def generate(ns: Namespace, cls: type) -> None:
    """Generate ``dec_<cls>`` and ``enc_<cls>`` (and those of every nested class)."""
    if cls in ns.done:
        return
    ns.done.add(cls)
    fields = wire_fields(cls)
    for _, _, kind, _ in fields:
        for nested in _nested(kind):
            generate(ns, nested)
    ns.globals[f"cls_{unique(cls)}"] = cls
    for _, _, kind, presence in fields:
        if presence in (Presence.LIST, Presence.LIST_REQUIRED) and kind not in (ID, STR):
            func = _kind_function(kind)
            ns.globals.setdefault(f"item_{func}", _item(ns, func))
    execute(_decoder_source(ns, cls, fields), ns.globals, f"decoder of {cls.__qualname__}")
    for prefix in ("enc", "encm"):
        source = _encoder_source(ns, cls, fields, prefix)
        execute(source, ns.globals, f"encoder of {cls.__qualname__}")
    if cls in INTERNED:
        memo: dict[int, tuple[Any, Any]] = {}
        ns.globals[f"memo_{unique(cls)}"] = memo
        ns.globals[f"encm_{unique(cls)}"] = _memoized(ns.globals[f"encm_{unique(cls)}"], memo)


#: Small reference objects that recur in almost every record. Their decoders return
#: one shared instance per distinct JSON object (bounded cache), which saves decoding
#: time and memory; their memoizing encoders (``encm_``) reuse the encoded form.
INTERNED: Final = frozenset({EntityRef, SourceRef, DestinationRef, PolicyRef, CorrelationEntry})
CACHE_SIZE: Final = 4096


def _memoized(
    encode: Callable[[Any], Any], memo: dict[int, tuple[Any, Any]]
) -> Callable[[Any], Any]:
    """``encode``, remembering each object's encoding (as an orjson fragment) by identity.

    The memo holds the object itself, so its ``id`` cannot be reused while remembered.
    """

    def encode_memoized(obj: Any) -> Any:
        data = orjson.Fragment(orjson.dumps(encode(obj)))
        if len(memo) >= CACHE_SIZE:
            memo.clear()
        memo[id(obj)] = (obj, data)
        return data

    return encode_memoized


def _item(ns: Namespace, func: str) -> Callable[[Any, int], Any]:
    def item(element: Any, index: int) -> Any:
        try:
            return ns.globals[func](element)
        except Bad as bad:
            raise bad.at(index) from None

    return item


def _decoder_source(ns: Namespace, cls: type, fields: list[tuple[str, str, Any, Presence]]) -> str:
    known = ns.name(frozenset(wire for _, wire, _, _ in fields), "known")
    lines = [f"def dec_{unique(cls)}(d):"]
    interned = cls in INTERNED
    if interned:
        cache = ns.name({}, "cache")
        lines += [
            "    key = None",
            "    if d.__class__ is dict:",
            "        try:",
            f"            hit = {cache}.get(key := tuple(d.items()))",
            "        except TypeError:",
            "            key = hit = None",
            "        if hit is not None: return hit",
            f"    else: d = check_object(d, {known})",
        ]
    else:
        lines.append(f"    if d.__class__ is not dict: d = check_object(d, {known})")
    for index, (_, wire, kind, presence) in enumerate(fields):
        var = f"v{index}"
        if presence is Presence.REQUIRED:
            lines.append(f"    {var} = d.get({wire!r}, MISSING)")
            lines += ["    " + line for line in _check_expr(ns, kind, var, wire)]
        elif presence in (Presence.OPTIONAL, Presence.NULLABLE):
            lines.append(f"    {var} = d.get({wire!r})")
            lines.append(f"    if {var} is not None:")
            lines += ["        " + line for line in _check_expr(ns, kind, var, wire)]
        else:
            lines.append(f"    {var} = d.get({wire!r}, MISSING)")
            if presence is Presence.LIST:
                lines.append(f"    if {var} is MISSING: {var} = ()")
                lines.append("    else:")
            else:
                lines.append("    if True:")
            lines.append(f"        {_list_expr(kind, var, wire)}")
    lines += construct(ns, cls, [f"v{index}" for index in range(len(fields))])
    if interned:
        lines.append("    if key is not None:")
        lines.append(f"        if len({cache}) >= {CACHE_SIZE}: {cache}.clear()")
        lines.append(f"        {cache}[key] = o")
    lines.append("    return o")
    return "\n".join(lines) + "\n"


def construct(ns: Namespace, cls: type, values: list[str]) -> list[str]:
    """Lines that make ``o``, a ``cls`` built without ``__init__`` (the values are checked
    already): its wire fields set to the expressions ``values``, in declaration order, and
    its other fields to their defaults, through the class's twin (``model._twin``). A
    class with validators, converters or ``__attrs_post_init__`` is built through
    ``__init__``, so that they run."""
    given = iter(values)
    exprs = {
        field.name: next(given) if WIRE_KEY in field.metadata else ns.name(field.default, "default")
        for field in attrs.fields(cls)
    }
    new = ns.name(object.__new__, "new")
    fields: Any = attrs.fields(cls)
    if hasattr(cls, "__attrs_post_init__") or any(
        f.validator is not None or f.converter is not None for f in fields
    ):  # its own checks must run: through __init__
        args = ", ".join(f"{f.alias}={exprs[f.name]}" for f in fields if f.init)
        return [f"    o = {ns.name(cls, 'cls')}({args})"]
    try:
        made = twin(cls)
    except TypeError:  # a subclass (the error variants): one descriptor call per field
        setters = [
            f"    {ns.name(cls.__dict__[name].__set__, 'set')}(o, {value})"
            for name, value in exprs.items()
        ]
        return [f"    o = {new}({ns.name(cls, 'cls')})", *setters]
    return build_lines(cls, exprs, (new, ns.name(made, "twin"), ns.name(cls, "cls")))


def _encoder_source(
    ns: Namespace, cls: type, fields: list[tuple[str, str, Any, Presence]], prefix: str
) -> str:
    lines = [f"def {prefix}_{unique(cls)}(o):", "    d = {}"]

    for attr, wire, kind, presence in fields:
        plain = not (attrs.has(kind) or (isinstance(kind, str) and kind not in _SCALARS))
        func = (
            ""
            if plain
            else (f"{prefix}_{unique(kind)}" if attrs.has(kind) else f"{prefix}_special_{kind}")
        )
        value = f"o.{attr}"
        one = "v" if plain else f"{func}(v)"
        if isinstance(kind, type) and issubclass(kind, enum.Enum):
            one = "v._value_"  # plain strings out, not enum members
        if presence is Presence.REQUIRED and prefix == "encm" and kind in INTERNED:
            memo = f"memo_{unique(kind)}"
            lines.append(f"    v = {value}")
            lines.append(f"    h = {memo}.get(id(v))")
            lines.append(f"    d[{wire!r}] = h[1] if h is not None and h[0] is v else {one}")
        elif presence is Presence.REQUIRED:
            lines.append(f"    v = {value}")
            lines.append(f"    d[{wire!r}] = {one}")
        elif presence is Presence.OPTIONAL:
            lines.append(f"    v = {value}")
            lines.append(f"    if v is not None: d[{wire!r}] = {one}")
        elif presence is Presence.NULLABLE:
            lines.append(f"    v = {value}")
            lines.append(f"    d[{wire!r}] = None if v is None else {one}")
        else:
            many = "list(vs)" if plain else f"[{func}(v) for v in vs]"
            lines.append(f"    vs = {value}")
            if presence is Presence.LIST:
                lines.append(f"    if vs: d[{wire!r}] = {many}")
            else:
                lines.append(f"    d[{wire!r}] = {many}")
    lines.append("    return d")
    return "\n".join(lines) + "\n"


_SCALARS: Final = frozenset({STR, ID, U16, U32, U64, BOOL})
