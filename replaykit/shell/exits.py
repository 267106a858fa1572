"""The exit codes of the ``replaykit`` command, defined once.

``EXIT_TABLE`` is the one list of codes and what they mean; ``--help`` renders it
(``exit_codes_help``), and a test checks that the documentation's tables list the same
codes in the same order. The codes follow BSD's ``sysexits.h`` where one fits.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "EXIT_DATA",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_IO",
    "EXIT_NO_INPUT",
    "EXIT_OK",
    "EXIT_PIPE",
    "EXIT_TABLE",
    "EXIT_USAGE",
    "exit_codes_help",
]

EXIT_OK: Final = 0
EXIT_USAGE: Final = 64  # EX_USAGE
EXIT_DATA: Final = 65  # EX_DATAERR
EXIT_NO_INPUT: Final = 66  # EX_NOINPUT
EXIT_INTERNAL: Final = 70  # EX_SOFTWARE
EXIT_IO: Final = 74  # EX_IOERR
EXIT_INTERRUPTED: Final = 130
EXIT_PIPE: Final = 141

#: ``(code, meaning)`` of every exit code, in order.
EXIT_TABLE: Final = (
    (0, "complete: nothing to repair, resume allowed"),
    (1, "repair needed, or resume refused"),
    (2, "journal rejected (replay stopped at a rejected record; lint found faults)"),
    (3, "complete, but an advisory at or above --fail-on remains (only with --fail-on)"),
    (EXIT_USAGE, "usage error (unknown option, bad value, conflicting options)"),
    (
        EXIT_DATA,
        "bad input data (undecodable line or row, torn tail, not gzip, empty journal,"
        " not an SQLite database, unknown store layout, missing table, unknown run)",
    ),
    (
        EXIT_NO_INPUT,
        "input missing or unreadable, a database server unreachable; standard input closed",
    ),
    (EXIT_INTERNAL, "internal error (REPLAYKIT_DEBUG=1 shows the traceback)"),
    (
        EXIT_IO,
        "output cannot be written (disk full, file too large, standard output closed,"
        " a database import cannot write)",
    ),
    (EXIT_INTERRUPTED, "interrupted (Ctrl-C)"),
    (EXIT_PIPE, "output closed early (for example by `| head`)"),
)


def exit_codes_help(
    codes: tuple[int, ...] | None = None, meanings: dict[int, str] | None = None
) -> str:
    """The table as a ``--help`` epilog block: ``codes`` only (in table order), with
    ``meanings`` saying what a code means for one command."""
    lines = ["\b", "Exit codes:"]
    for code, meaning in EXIT_TABLE:
        if codes is None or code in codes:
            words = (meanings or {}).get(code, meaning).split()
            row = f"  {code:<4} "
            for word in words:
                if len(row) + len(word) > 78 and row.strip():
                    lines.append(row.rstrip())
                    row = " " * 7
                row += word + " "
            lines.append(row.rstrip())
    return "\n".join(lines)
