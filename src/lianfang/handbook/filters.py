"""Jinja filters of the handbook templates: escaping for Markdown, links and anchors.

The handbook is Markdown, not HTML, so the environment does not autoescape; every value that
comes from a workbook or from handbook.yaml goes through ``md`` (running text) or ``mdcell``
(a table cell). Both turn ``<`` ``>`` ``&`` into entities, so no raw HTML from a workbook reaches
the output, and backslash-escape the characters Markdown would read as markup.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import quote

from jinja2 import Environment

# what starts a block construct at the beginning of a line: heading, quote, list, rule, table
_BLOCK_START = re.compile(r"^(\s*)([#>+=-]|\d+(?=[.)]))")
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\u2028\u2029\x0b\x0c\x85]")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


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
    text = text_of(value).replace("\t", " ")
    text = "\n".join(line.strip() for line in _LINE_BREAKS.split(text)).strip("\n ")
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


def demote_headings(markdown: str, levels: int) -> str:
    """Shift every ATX heading of an included document down ``levels`` levels (max 6).

    Headings inside fenced code blocks are left alone.
    """
    out = []
    fence: str | None = None
    for line in markdown.splitlines():
        stripped = line.lstrip()
        m = re.match(r"(`{3,}|~{3,})", stripped)
        if m:
            if fence is None:
                fence = m.group(1)[0]
            elif stripped.startswith(fence * 3):
                fence = None
        elif fence is None:
            h = re.match(r"^( {0,3})(#{1,6})(\s|$)", line)
            if h:
                depth = min(6, len(h.group(2)) + levels)
                line = h.group(1) + "#" * depth + line[len(h.group(1)) + len(h.group(2)):]
        out.append(line)
    return "\n".join(out)


def yamlstr(value: Any) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is valid YAML)."""
    import json

    return json.dumps(text_of(value), ensure_ascii=False)


FILTERS = {
    "md": md,
    "mdcell": mdcell,
    "mdlink": mdlink,
    "anchor": anchor,
    "text": text_of,
    "yamlstr": yamlstr,
}


def install(env: Environment) -> Environment:
    """Add the handbook filters and globals to a Jinja environment."""
    from lianfang.coverage import percent
    from lianfang.i18n import tr

    env.filters.update(FILTERS)
    env.globals["percent"] = percent  # the one rate format of every output
    env.globals["tr"] = tr
    return env
