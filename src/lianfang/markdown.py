"""Markdown escaping, for every output that writes Markdown from workbook values.

The validation report (``--format markdown``) and the handbook (its Jinja filters) both write
workbook text into Markdown; this is the one place that knows how. Markdown is not HTML, so
nothing autoescapes: every value from a workbook or handbook.yaml goes through ``md`` (running
text) or ``mdcell`` (a table cell). Both turn ``<`` ``>`` ``&`` into entities, so no raw HTML
from a workbook reaches the output, and backslash-escape the characters Markdown would read as
markup.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import quote

# what starts a block construct at the beginning of a line: heading, quote, list, rule, table
_BLOCK_START = re.compile(r"^(\s*)([#>+=-]|\d+(?=[.)]))")
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\u2028\u2029\x0b\x0c\x85]")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
_ONE_LINE_NOT = re.compile(r"[\t\r\n\u2028\u2029\x0b\x0c\x85]")  # what mdcell splits or replaces


def text_of(value: Any) -> str:
    """Any model value as the text shown: enums by their Chinese value, dates ISO, None empty."""
    if value is None:
        return ""
    if hasattr(value, "value") and isinstance(value.value, str):  # a vocabulary member
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "、".join(text_of(v) for v in value)
    return str(value)


# one pass over the text: entities for HTML, a backslash before inline markup, controls dropped
_TRANSLATION = {ord(ch): "\\" + ch for ch in "\\`*_[]~|!"}
_TRANSLATION.update({ord(ch): entity for ch, entity in _HTML.items()})
_TRANSLATION.update({c: None for c in [*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F]})


def _escape_inline(text: str) -> str:
    return text.translate(_TRANSLATION)


def md(value: Any) -> str:
    """Running text: one line of Markdown that shows exactly ``value``.

    Line breaks become ``<br>`` so the text cannot open a new block (a heading, a list, a table);
    a leading ``#``, ``>``, ``-``, ``+``, ``=`` or ``1.`` is escaped for the same reason.
    """
    return _escape(text_of(value), block=True)


def mdcell(value: Any) -> str:
    """A table cell: ``|`` escaped, line breaks as ``<br>``, outer spaces trimmed, no raw HTML.

    The result always stays in one cell of a GitHub-flavoured Markdown table. Block markers need
    no escaping inside a cell (a cell holds inline content only), so ``100.0%`` stays as written.
    """
    text = text_of(value)
    if not _ONE_LINE_NOT.search(text):  # most cells: one line, so only trimmed and escaped
        return _escape_inline(text.strip())
    text = "\n".join(line.strip() for line in _LINE_BREAKS.split(text.replace("\t", " "))).strip("\n ")
    return _escape(text, block=False)


def _escape(text: str, *, block: bool) -> str:
    out = []
    for line in _LINE_BREAKS.split(text.replace("\t", " ")):
        # leading spaces would make an indented code block at the start of a paragraph
        line = _escape_inline(line.lstrip(" ") if block else line)
        if block:
            line = _BLOCK_START.sub(lambda m: m.group(1) + _escape_block(m.group(2)), line)
        out.append(line)
    return "<br>".join(out)


def _escape_block(marker: str) -> str:
    if marker[0].isdigit():
        return marker + "\\"  # "1." → "1\." (the dot follows)
    return "\\" + marker


def mdlink(path: Any) -> str:
    """A relative link target, percent-encoded so spaces and brackets do not end the link."""
    return quote(text_of(path).replace("\\", "/"), safe="/")


def anchor(value: Any) -> str:
    """An HTML id made of ASCII letters, digits, ``-`` and ``_`` only (safe in ``<a id="…">``)."""
    slug = _ANCHOR_UNSAFE.sub("-", text_of(value)).strip("-")
    return slug or "x"
