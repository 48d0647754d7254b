"""Standard output and error that never fail on a character the console cannot show.

A Chinese Windows console (or ``PYTHONIOENCODING=gbk``) cannot encode ✅, ✔ or most of Unicode;
Python would stop with ``UnicodeEncodeError`` in the middle of a report. Done once, before any
command runs, for every format and every command:

- redirected to a file or a pipe, the output is UTF-8 (what every report format promises and
  what a file in a repository should hold), whatever the locale says;
- on a console, its own encoding is kept and a character it cannot show becomes ``?``.
"""

from __future__ import annotations

import io
import sys


def make_safe(stream: object, *, utf8_when_redirected: bool = True) -> None:
    if not isinstance(stream, io.TextIOWrapper):
        return  # replaced by a test runner or an embedding program: theirs to decide
    try:
        console = stream.isatty()
    except (OSError, ValueError):
        console = False
    if console or not utf8_when_redirected:
        stream.reconfigure(errors="replace")
    else:
        stream.reconfigure(encoding="utf-8", errors="replace")


def prepare_standard_streams() -> None:
    make_safe(sys.stdout)
    # messages to a log in a pipe stay readable in the same encoding as the report
    make_safe(sys.stderr)
