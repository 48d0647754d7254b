"""``lianfang diff --format text|markdown|json``: the ``WorkbookDiff`` as a reviewer reads it.

Text: the title, both files, a summary (counts per kind), then the details section by section,
a group per object (a risk point with its measures). Markdown: the same, as tables a reviewer
pastes into a reply, every value escaped for its cell (``mdcell``). JSON: the change model as it
is, documented in docs/diff.md.
"""

from __future__ import annotations

import json

from lianfang import __version__
from lianfang.diff.model import WorkbookDiff
from lianfang.diff.view import (
    counts_rows,
    describe,
    describe_head,
    is_long_text,
    sections,
    show,
    side_line,
    summary,
    title,
    what,
)
from lianfang.handbook.filters import md, mdcell
from lianfang.i18n import tr
from lianfang.report.style import section_number

JSON_VERSION = 1


def render_text(diff: WorkbookDiff) -> str:
    lines = [title(diff), "  " + side_line(tr("旧", "old"), diff.old), "  " + side_line(tr("新", "new"), diff.new), "",
             summary(diff)]
    if not diff.empty:
        width = max(len(str(n)) for _, _, n in counts_rows(diff))
        lines += [f"  {str(n).rjust(width)}  {words}" for _, words, n in counts_rows(diff)]
    for i, sec in enumerate(sections(diff), start=1):
        lines += ["", f"{section_number(i)}{sec.title}"]
        for g in sec.groups:
            indent = "  "
            if g.heading:
                lines.append("  " + g.heading)
                indent = "    "
            for c in g.changes:
                if is_long_text(c):
                    lines.append(f"{indent}- {describe_head(c, g.key)}")
                    lines.append(f"{indent}    {tr('旧', 'old')}{tr('：', ': ')}{show(c.old)}")
                    lines.append(f"{indent}    {tr('新', 'new')}{tr('：', ': ')}{show(c.new)}")
                else:
                    lines.append(f"{indent}- {describe(c, g.key)}")
    return "\n".join(lines) + "\n"


def render_markdown(diff: WorkbookDiff) -> str:
    lines = [f"### {md(title(diff))}", "", f"- {md(side_line(tr('旧', 'old'), diff.old))}",
             f"- {md(side_line(tr('新', 'new'), diff.new))}", "", md(summary(diff))]
    if not diff.empty:
        lines += ["", f"| {tr('变化', 'change')} | {tr('数量', 'count')} |", "|---|---:|"]
        lines += [f"| {mdcell(words)} | {n} |" for _, words, n in counts_rows(diff)]
    head = f"| {tr('对象', 'object')} | {tr('变化', 'change')} | {tr('旧', 'old')} | {tr('新', 'new')} |"
    for i, sec in enumerate(sections(diff), start=1):
        lines += ["", f"#### {md(section_number(i) + sec.title)}", "", head, "|---|---|---|---|"]
        for g in sec.groups:
            for c in g.changes:
                obj = g.heading or ""
                change = describe_head(c, g.key) if is_long_text(c) else what(c, g.key)
                old = show(c.old) if c.field is not None else ""
                new = show(c.new) if c.field is not None else ""
                lines.append(f"| {mdcell(obj)} | {mdcell(change)} | {mdcell(old)} | {mdcell(new)} |")
    return "\n".join(lines) + "\n"


def to_json(diff: WorkbookDiff) -> dict:
    """The JSON document (docs/diff.md): stable keys, every key always present."""
    def side(s):
        return {"path": s.path, "unit": s.unit, "name": s.name, "year": s.year}

    return {
        "version": JSON_VERSION,
        "tool": f"lianfang {__version__}",
        "old": side(diff.old),
        "new": side(diff.new),
        "summary": {"changes": len(diff.changes), "kinds": diff.counts()},
        "changes": [c.to_dict() for c in diff.changes],
    }


def render_json(diff: WorkbookDiff) -> str:
    return json.dumps(to_json(diff), ensure_ascii=False, indent=2) + "\n"
