"""Jinja filters of the handbook templates: the Markdown escaping of ``lianfang.markdown``,
links and anchors, and the handbook's own helpers (percentages, headings of included files).

The handbook is Markdown, not HTML, so the environment does not autoescape; every value that
comes from a workbook or from handbook.yaml goes through ``md`` or ``mdcell``.
"""

from __future__ import annotations

import re
from typing import Any

from jinja2 import Environment

from lianfang.markdown import anchor, md, mdcell, mdlink, text_of


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


def mdrow(cells: Any) -> str:
    """A table row's cells, each through ``mdcell``, joined by `` | `` (one filter call a row: the
    sandbox's per-item lookups of ``map("mdcell")`` were half of rendering the Markdown handbook)."""
    return " | ".join(mdcell(c) for c in cells)


FILTERS = {
    "md": md,
    "mdcell": mdcell,
    "mdrow": mdrow,
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
