"""Building frozen slotted instances at the speed of plain attribute stores.

A frozen attrs class refuses ``setattr``, so code that builds many instances without
``__init__`` (the generated decoders, the fold's state copies) has to set every slot
through its descriptor: one C call per field, the largest part of building a wide
object. ``twin(cls)`` is a plain class with exactly ``cls``'s slots. An instance of the
twin takes ordinary attribute stores (which CPython specialises to a direct slot
write), and assigning ``__class__ = cls`` afterwards turns it into a ``cls`` instance,
the same object ``cls(...)`` would have made. CPython allows that assignment between
classes of identical layout; a class with a ``__weakref__`` slot does not qualify, which
is why the model's classes are declared with ``weakref_slot=False``.

Generated code uses it as::

    o = new(Twin)        # object.__new__
    o.a = a
    o.b = b
    o.__class__ = Cls
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar

import attrs

from replaykit.model._generated import execute

__all__ = ["build_lines", "constructor", "generate", "twin"]

_T = TypeVar("_T")

_TWINS: Final[dict[type, type]] = {}


def twin(cls: type) -> type:
    """The mutable twin of the slotted class ``cls`` (made once, then cached).

    ``TypeError`` when ``cls`` cannot be built this way: no ``__slots__``, a
    ``__weakref__`` or ``__dict__`` slot, a base class with slots of its own, or (for an
    attrs class) validators, converters or ``__attrs_post_init__``, which building
    without ``__init__`` would skip.
    """
    found = _TWINS.get(cls)
    if found is not None:
        return found
    if attrs.has(cls):
        fields: Any = attrs.fields(cls)
        checked = [f.name for f in fields if f.validator is not None or f.converter is not None]
        if checked or hasattr(cls, "__attrs_post_init__"):
            what = f"fields {', '.join(checked)} validate or convert" if checked else "it has"
            what = what if checked else "it has __attrs_post_init__"
            raise TypeError(f"{cls.__qualname__} cannot be built without __init__: {what}")
    slots = cls.__dict__.get("__slots__")
    if slots is None or cls.__bases__ != (object,) or {"__weakref__", "__dict__"} & set(slots):
        raise TypeError(f"{cls.__qualname__} has no plain slot layout to twin")
    made: Any = type(f"{cls.__name__}Twin", (object,), {"__slots__": tuple(slots)})
    probe = object.__new__(made)
    probe.__class__ = cls  # raises TypeError if CPython sees the layouts differ
    _TWINS[cls] = made
    return made  # type: ignore[no-any-return]


def build_lines(
    cls: type, values: Mapping[str, str], names: tuple[str, str, str] = ("new", "Twin", "cls")
) -> list[str]:
    """Source lines (indented by four spaces) that leave in ``o`` a new ``cls`` whose fields
    are ``values`` (source expressions by field name), built through its twin; ``names``
    are what the generated code calls ``object.__new__``, ``twin(cls)`` and ``cls``."""
    new, made, target = names
    fields: Any = attrs.fields(cls)
    body = [f"    o.{field.name} = {values[field.name]}" for field in fields]
    return [f"    o = {new}({made})", *body, f"    o.__class__ = {target}"]


def generate(
    cls: type, name: str, params: str, values: Mapping[str, str], **env: Any
) -> Callable[..., Any]:
    """A function ``name(params)`` that returns a new ``cls`` whose fields are ``values``
    (source expressions by field name, evaluated with ``env`` as globals), built through
    ``cls``'s twin without ``__init__``."""
    lines = [f"def {name}({params}):", *build_lines(cls, values), "    return o"]
    namespace: dict[str, Any] = {"new": object.__new__, "Twin": twin(cls), "cls": cls, **env}
    execute("\n".join(lines) + "\n", namespace, f"{cls.__qualname__}.{name}")
    return namespace[name]  # type: ignore[no-any-return]


def constructor(cls: type[_T]) -> Callable[..., _T]:
    """A function that builds a ``cls`` from all its fields, positionally, in declaration
    order, without ``__init__``: for hot paths whose values need no conversion."""
    fields: Any = attrs.fields(cls)  # type: ignore[arg-type]
    names = [field.name for field in fields]
    return generate(cls, f"make_{cls.__name__}", ", ".join(names), {n: n for n in names})
