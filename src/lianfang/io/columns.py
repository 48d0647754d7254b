"""Excel column letters, without importing openpyxl.

Importing anything from openpyxl loads the whole package (and numpy when it is installed): about
a tenth of a second that every ``lianfang convert`` run as a git textconv would pay just to name
a column in a finding.
"""

from __future__ import annotations

from functools import lru_cache

MAX_COLUMN = 18_278  # ZZZ, as far as openpyxl names columns (Excel itself stops at XFD, 16,384)


@lru_cache(maxsize=1024)
def column_letter(index: int) -> str:
    """``1`` → ``A``, ``27`` → ``AA``, ``16384`` → ``XFD`` (as ``openpyxl.utils.get_column_letter``)."""
    if not 1 <= index <= MAX_COLUMN:
        raise ValueError(f"column index {index} is out of range 1–{MAX_COLUMN}")
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
