"""Writing a text cell that Excel shows as written and never runs as a formula.

Workbooks are untrusted: a 风险描述 of ``=HYPERLINK(...)`` or ``+cmd|...`` must stay text. openpyxl
turns a string starting with ``=`` into a formula and ``#N/A`` into an error cell, so the type is
forced back to string after assignment; text that a person editing the cell could turn into a
formula also gets Excel's quote prefix (the hidden leading ``'``), which keeps it text on edit.
Every Excel writer (workbook, coverage, handbook) writes text through ``set_text``.
"""

from __future__ import annotations

import re

from openpyxl.cell.cell import Cell

# characters XML 1.0 cannot carry, and CR (an XML parser turns it into LF): written escaped
_NOT_XML = re.compile("[^\t\n\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Excel reads _xHHHH_ in a string as an escaped character, so a literal one is escaped itself
_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
# what Excel (and CSV consumers) would take as the start of a formula
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Excel's limit for the text of one cell
MAX_CELL_CHARS = 32767


def excel_text(text: str) -> str:
    """``text`` as it must be stored so that Excel shows exactly ``text``.

    A literal ``_xHHHH_`` is escaped as ``_x005F_xHHHH_``, and a character XML cannot carry (a
    control character other than tab and line feed, or CR) is written in Excel's own escape
    ``_xHHHH_``; Excel and the reader (calamine) turn both back into the original text. The
    non-characters U+FFFE, U+FFFF and lone surrogates are dropped.
    """
    text = _ESCAPE_LIKE.sub(r"_x005F_\1", text)
    return _NOT_XML.sub(_escape, text)


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    # U+FFFE, U+FFFF and lone surrogates are not characters at all: no reader gives them back
    return "" if code >= 0xD800 else f"_x{code:04X}_"


def needs_quote_prefix(text: str) -> bool:
    return text.startswith(FORMULA_START)


def set_text(cell: Cell, text: str) -> Cell:
    """Write ``text`` into ``cell`` as a string cell, whatever it starts with.

    Assign a named style (``cell.style = …``) before, not after: it resets the quote prefix.
    """
    cell.value = excel_text(text)
    cell.data_type = "s"
    if needs_quote_prefix(text):
        cell.quotePrefix = True
    return cell
