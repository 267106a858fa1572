"""Run generated source so that tracebacks, ``pdb`` and coverage can show it.

replaykit writes straight-line code for its hot paths (decoders, encoders, state
copies). As attrs does for the methods it writes, each piece of source is compiled under
a file name of its own and registered in ``linecache``, so a traceback through generated
code shows the generated line, not ``<string>``.

>>> namespace = {}
>>> name = execute("def double(x):\\n    return 2 * x\\n", namespace, "double")
>>> namespace["double"](4), name.startswith("<replaykit generated double ")
(8, True)
>>> import linecache
>>> linecache.getline(name, 2)
'    return 2 * x\\n'
"""

from __future__ import annotations

import itertools
import linecache
from typing import Any, Final

__all__ = ["execute", "unique"]

_COUNTER: Final = itertools.count(1)


def execute(source: str, namespace: dict[str, Any], what: str) -> str:
    """``exec`` ``source`` in ``namespace`` under a unique file name (returned) that
    ``linecache`` knows; ``what`` says what the code is, for people reading a traceback."""
    filename = f"<replaykit generated {what} {next(_COUNTER)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)
    return filename


def unique(cls: type) -> str:
    """A name for generated functions of ``cls``, unique among classes alive together
    (two classes may share a ``__name__``; generated code is keyed by the class)."""
    return f"{cls.__name__}_{id(cls):x}"
