"""The ``replaykit`` commands, one module each (as click's own examples are laid out).

Each module holds one click command with its options; what several commands share
lives beside this package: the journal options and settings (``shell.options``), the
renderers (``shell.render``), the step-by-step helpers (``shell.stepping``), the
debugger's session (``shell.debug``). ``shell.cli`` puts the commands in one group and
turns their outcomes and errors into exit codes.
"""

from __future__ import annotations

from typing import Final

import click

from replaykit.shell.commands import (
    audit,
    checkpoints,
    debug,
    diff,
    explain,
    history,
    import_,
    lint,
    minimize,
    replay,
    report,
    show,
)

__all__ = [
    "COMMANDS",
    "audit",
    "checkpoints",
    "debug",
    "diff",
    "explain",
    "history",
    "import_",
    "lint",
    "minimize",
    "replay",
    "report",
    "show",
]

#: Every command, in the order ``--help`` lists them.
COMMANDS: Final[tuple[click.Command, ...]] = (
    replay.replay,
    lint.lint,
    history.history,
    show.show,
    diff.diff_command,
    explain.explain_command,
    explain.whatif_command,
    debug.debug,
    report.report,
    minimize.minimize,
    import_.import_,
    checkpoints.checkpoints,
    audit.audit_command,
)
