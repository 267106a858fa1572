"""``python -m replaykit``: the ``replaykit`` command line.

``main`` is also the console script (``[project.scripts] replaykit``).
"""

from __future__ import annotations

from replaykit.shell.cli import main

__all__ = ["main"]

if __name__ == "__main__":
    main()
