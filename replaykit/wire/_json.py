"""Strict JSON text -> Python values, with a fast path and an exact path.

The reference decodes with serde_json, which is stricter than Python's ``json``: it
rejects repeated known keys, ``-0`` and fractions where integers are expected, lone
UTF-16 surrogates and nesting deeper than 127 levels. ``parse`` first tries orjson and
keeps its answer only when re-encoding that answer gives back the input byte for byte:
then the text had no repeated key, no ``-0``, no float written oddly, and nothing else
to check. Journals written by the reference runtime take this path. Anything else goes
through the exact path: the standard library parser with hooks that keep repeated keys
(``DupDict``), floats and ``-0`` (``Float``) visible to the typed decoders, followed by
a walk that rejects lone surrogates and excessive depth with a JSON path.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, Final

import orjson

__all__ = ["MAX_DEPTH", "Bad", "DupDict", "Float", "parse", "parse_compact", "walk"]

#: serde_json's recursion limit: 127 nested arrays/objects decode, the 128th fails.
MAX_DEPTH: Final = 127
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKET = re.compile(r"[\[\]{}]")


class Bad(Exception):
    """A decode failure; ``path`` collects the JSON path from the innermost part outwards."""

    def __init__(self, message: str, *path: str | int) -> None:
        super().__init__(message)
        self.message = message
        self.path: list[str | int] = list(path)

    def at(self, part: str | int) -> Bad:
        self.path.append(part)
        return self

    def json_path(self) -> str:
        """The path as one printable line: ``$.payload.record[0]["odd key"]``."""
        out = ["$"]
        for part in reversed(self.path):
            if isinstance(part, int):
                out.append(f"[{part}]")
            elif part == "$":
                continue
            elif _PLAIN_KEY.fullmatch(part):
                out.append(f".{part}")
            else:
                out.append(f"[{json.dumps(part)}]")
        return "".join(out)


class DupDict(dict[str, Any]):
    """A JSON object in which some keys were written more than once."""

    __slots__ = ("dups",)

    def __init__(self, pairs: list[tuple[str, Any]], dups: set[str]) -> None:
        super().__init__(pairs)
        self.dups = dups


class Float:
    """A number the typed decoders must reject: a fraction, an exponent, ``-0``, or an
    integer past 64 bits (serde_json reads those as floats). ``overflows`` when even a
    double cannot hold it: serde_json refuses such a number wherever it stands."""

    __slots__ = ("overflows", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.overflows = math.isinf(float(text))

    def big_integer(self) -> bool:
        """Whether this is an integer literal (past 64 bits), not a fraction or ``-0``."""
        return self.text != "-0" and self.text.lstrip("-").isdigit()

    def short(self) -> str:
        """The text, cut short for an error message."""
        return _short(self.text)

    def __repr__(self) -> str:
        return self.text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Float) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) == len(pairs):
        return result
    seen: set[str] = set()
    dups: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            dups.add(key)
        seen.add(key)
    # The reference keeps the first value it meets before failing; which one is kept
    # matters only for repeated *unknown* keys, which are ignored anyway.
    return DupDict(pairs, dups)


#: Integer literals longer than this may be past 64 bits (``-9223372036854775808`` has 20
#: characters, ``18446744073709551615`` 20); longer ones stay text (``Float``) unless they
#: fit, so no literal costs Python's quadratic ``int`` conversion or its digit limit.
_INT_TEXT: Final = 20


def _int(text: str) -> int | Float:
    if text == "-0":
        return Float(text)
    if len(text) > _INT_TEXT and len(text.lstrip("-").lstrip("0")) > _INT_TEXT:
        return Float(text)
    return int(text)


def _constant(text: str) -> Any:
    raise ValueError(f"{text} is not valid JSON")


_exact_decoder = json.JSONDecoder(
    object_pairs_hook=_pairs, parse_float=Float, parse_int=_int, parse_constant=_constant
)


def parse(data: bytes | str) -> Any:
    """Parse one JSON document strictly; raise ``Bad`` with a path on failure."""
    return parse_compact(data)[0]


def parse_compact(data: bytes | str) -> tuple[Any, bytes | None]:
    """``parse``, also giving the input bytes when they are exactly orjson's compact form.

    Those bytes are then free of repeated keys, ``-0`` and insignificant white space,
    so a caller can tell cheaply whether they are a value's canonical encoding.
    """
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    # White space around the document means nothing (a line read from a file keeps its
    # newline); the compact form is compared without it.
    raw = raw.strip(b" \t\r\n")
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass
    else:
        if orjson.dumps(value) == raw:
            # Depth can only pass the reference's limit with that many brackets.
            if raw.count(b"{") + raw.count(b"[") > MAX_DEPTH:
                walk(value, 0, False)
            return value, raw
    return _parse_exact(raw), None


def _parse_exact(raw: bytes) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Bad(f"invalid UTF-8 at byte {error.start}") from None
    if not text.strip():
        raise Bad("empty input: expected a JSON value")
    if text.count("[") + text.count("{") > MAX_DEPTH:
        _check_depth(text)
    try:
        value = _exact_decoder.decode(text)
    except json.JSONDecodeError as error:
        raise Bad(
            f"invalid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
    except ValueError as error:
        raise Bad(f"invalid JSON: {error}") from None
    except RecursionError:
        raise Bad(f"nesting deeper than {MAX_DEPTH} levels") from None
    walk(value, 0, _SURROGATE_ESCAPE.search(text) is not None)
    return value


def _check_depth(text: str) -> None:
    """Reject deep nesting before the recursive parser sees it (linear, skips strings)."""
    depth = 0
    for match in _BRACKET.finditer(_STRING.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise Bad(f"nesting deeper than {MAX_DEPTH} levels")
        else:
            depth -= 1


def walk(value: Any, depth: int, surrogates: bool) -> None:
    """Reject nesting deeper than the reference's limit and (if any) lone surrogates."""
    if isinstance(value, dict):
        if depth >= MAX_DEPTH:
            raise Bad(f"nesting deeper than {MAX_DEPTH} levels")
        for key, item in value.items():
            try:
                if surrogates and _SURROGATE.search(key):
                    raise Bad("object key contains a lone UTF-16 surrogate")
                walk(item, depth + 1, surrogates)
            except Bad as bad:
                raise bad.at(key) from None
    elif isinstance(value, list):
        if depth >= MAX_DEPTH:
            raise Bad(f"nesting deeper than {MAX_DEPTH} levels")
        for index, item in enumerate(value):
            try:
                walk(item, depth + 1, surrogates)
            except Bad as bad:
                raise bad.at(index) from None
    elif surrogates and isinstance(value, str) and _SURROGATE.search(value):
        raise Bad("string contains a lone UTF-16 surrogate")
    elif value.__class__ is Float:
        if value.overflows:
            raise Bad(f"number {value.short()} is out of range for a double")
    elif value.__class__ is float and not math.isfinite(value):
        raise Bad(f"number {value} is out of range for a double")
    elif value.__class__ is int and value.bit_length() > 64 and not _double(value):
        raise Bad("integer is out of range for a double")


def _double(value: int) -> bool:
    """Whether serde_json can read ``value`` (past 64 bits it reads a double)."""
    try:
        float(value)
    except OverflowError:
        return False
    return True


def _short(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:37]}..."
