"""The one exception base of lianfang: an error the user can be told about in plain words.

Every public exception of the package derives from ``LianfangError``: a bad configuration, a
path that holds no workbook, an output in the way, a handbook that cannot be built, Graphviz
missing. Its message is for the user (what and where, in the interface language); the CLI's
``main`` catches ``LianfangError`` once, prints the message without a traceback and exits with
``exit_status`` (2 of findings.md: the command could not run). A bad *workbook* is never an
exception: readers and rules turn it into findings.

Private signals inside one module (a reader giving up on a cell, say) are not part of this
hierarchy: they never leave their module.
"""

from __future__ import annotations


class LianfangError(Exception):
    """An error with a message for the user; the command stops with ``exit_status``."""

    exit_status: int = 2
