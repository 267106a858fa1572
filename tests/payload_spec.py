"""Read the field tables of the payload specification (``shared/spec/PAYLOADS.md``).

The specification lists, for each of the seventeen payloads the reducer ignores, every
struct, tagged union and unit enum with its fields (key, JSON type, presence). This
module turns those tables into plain tuples so a test can compare them with
replaykit's own shape tables (``replaykit.model.shapes``). It reads Markdown only;
nothing here is used by replaykit itself.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

__all__ = ["SPEC", "SpecShapes", "read_spec"]

#: Where CI and the developers' machines keep the specification (beside the checkout).
SPEC = Path(__file__).resolve().parents[2] / "shared" / "spec" / "PAYLOADS.md"

_HEADING = re.compile(r"^(?:#### |\*\*)`([^`]+)`(?:\*\*)? — ")
_ROOT = re.compile(r'^### 4\.\d+ `"type": "(\w+)"` — `JournalRecordPayload::\w+\((\w+)\)`')
_ENUM = re.compile(r"^- \*\*`([^`]+)`\*\* — .*unit enum.*\d+ values?: (.*)$")
_VARIANT = re.compile(r'^Variant `"(\w+)": "(\w+)"`:')
_EXT_VARIANT = re.compile(r'^Variant `\{"(\w+)": \{…\}\}`:')
_UNIT_VARIANT = re.compile(r'^- `"(\w+)": "(\w+)"` — unit variant')
_ADJ_ROW = re.compile(r'^\| `"(\w+)"` \| object (?:`([^`]+)`|with .*) \| (newtype|struct) variant')
_ADJ_BODY = re.compile(r'^Struct variant `"record_type": "(\w+)"` — body object')
_INTERNAL = re.compile(r'^Enum, `#\[serde\(tag = "(\w+)", rename_all')
_ADJACENT = re.compile(r'^Enum, `#\[serde\(tag = "record_type", content = "record"')

Field = tuple[str, str, str]  # key, kind, presence


class SpecShapes:
    """The shapes of PAYLOADS.md: ``structs``, ``unions``, ``enums`` and ``roots``."""

    def __init__(self) -> None:
        self.structs: dict[str, list[Field]] = {}
        #: name -> (style, tag key, {variant: body struct name or None for a unit})
        self.unions: dict[str, tuple[str, str, dict[str, str | None]]] = {}
        self.enums: dict[str, list[str]] = {}
        self.roots: dict[str, str] = {}
        #: name -> the payload tag of the section that defines it ("" for section 3)
        self.section: dict[str, str] = {}


def _kind(json_type: str) -> str:
    text = json_type.replace("\\|", "|").strip()
    if text.endswith("| null"):
        text = text[: -len("| null")].strip()
    array = re.fullmatch(r"array\[ (.*) \]", text)
    if array:
        text = array.group(1)
    if text.startswith("string enum"):
        return str(re.findall(r"`([^`]+)`", text)[0])
    if text.startswith("string"):
        return "id" if "validated" in text and "unvalidated" not in text else "str"
    if text.startswith("integer"):
        width = re.search(r"integer (u\d+|usize)", text)
        assert width is not None, text
        return "u64" if width.group(1) == "usize" else width.group(1)
    if text.startswith("boolean"):
        return "bool"
    if text.startswith("object"):
        return str(re.findall(r"`([^`]+)`", text)[0])
    raise ValueError(f"unknown JSON type {json_type!r}")


def _presence(json_type: str, required: str, writes: str) -> str:
    array = json_type.strip().startswith("array[")
    if "required" in required:
        return "list_required" if array else "required"
    if array:
        return "list"
    return "nullable" if "`null`" in writes else "optional"


def _row(line: str) -> Field | None:
    cells = [cell.strip() for cell in line.replace("\\|", "\0").split("|")]
    if len(cells) < 9 or not cells[1].isdigit():
        return None
    cells = [cell.replace("\0", "\\|") for cell in cells]
    key = cells[2].strip("`")
    return key, _kind(cells[3]), _presence(cells[3], cells[4], cells[7])


def read_spec(path: Path = SPEC) -> SpecShapes:
    """Parse every table of the specification."""
    spec = SpecShapes()
    target: list[Field] | None = None
    union: tuple[str, str, dict[str, str | None]] | None = None
    union_name = ""
    section = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        root = _ROOT.match(line)
        if root:
            section = root.group(1)
            spec.roots[section] = root.group(2)
            continue
        enum = _ENUM.match(line)
        if enum:
            spec.enums[enum.group(1)] = re.findall(r"`([^`]*)`", enum.group(2))
            spec.section.setdefault(enum.group(1), section)
            continue
        heading = _HEADING.match(line)
        if heading:
            union_name = heading.group(1)
            spec.section.setdefault(union_name, section)
            target = spec.structs.setdefault(union_name, [])
            union = None
            continue
        internal = _INTERNAL.match(line)
        if internal and union_name:
            spec.structs.pop(union_name, None)
            union = spec.unions[union_name] = ("internal", internal.group(1), {})
            target = None
            continue
        if _ADJACENT.match(line) and union_name:
            spec.structs.pop(union_name, None)
            union = spec.unions[union_name] = ("adjacent", "record_type", {})
            target = None
            continue
        if line.startswith("Enum with **no serde attributes**") and union_name:
            spec.structs.pop(union_name, None)
            union = spec.unions[union_name] = ("external", "", {})
            target = None
            continue
        if union is not None:
            target = _union_line(line, union, union_name, spec, target)
            continue
        if target is not None:
            field = _row(line)
            if field:
                target.append(field)
    return spec


def _union_line(
    line: str,
    union: tuple[str, str, dict[str, str | None]],
    name: str,
    spec: SpecShapes,
    target: list[Field] | None,
) -> list[Field] | None:
    variants = union[2]
    found: Any = _VARIANT.match(line) or _EXT_VARIANT.match(line) or _ADJ_BODY.match(line)
    if found:
        variant = found.group(found.lastindex or 1)
        body = f"{name}::{variant}"
        variants[variant] = body
        return spec.structs.setdefault(body, [])
    unit = _UNIT_VARIANT.match(line)
    if unit:
        variants[unit.group(2)] = None
        return None
    row = _ADJ_ROW.match(line)
    if row:
        if row.group(3) == "newtype":
            variants[row.group(1)] = row.group(2)
        return None
    if target is not None:
        field = _row(line)
        if field:
            target.append(field)
    return target
