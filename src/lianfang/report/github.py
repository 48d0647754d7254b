"""``--format github``: GitHub Actions workflow commands, one annotation per finding.

YAML findings carry ``line=``/``col=`` so GitHub marks the line; an xlsx file has no lines, so
the cell goes into the title instead. GitHub shows only the first annotations of a step, so a
plain summary line per file follows them in the log.
"""

from __future__ import annotations

from collections.abc import Sequence

from lianfang.findings import Finding, Severity
from lianfang.i18n import tr
from lianfang.pipeline import CheckedFile
from lianfang.report import RenderOptions

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """A message, escaped as GitHub's toolkit does (``%`` first so escapes are not doubled)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value: as data, and also ``:`` and ``,``, which separate properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(path: str, finding: Finding) -> str:
    loc = finding.location
    title = f"{finding.code} {finding.name}"
    props = [("file", path)]
    if loc.line is not None:
        props += [("line", str(loc.line)), ("col", str(loc.col or 1))]
    elif loc.sheet is not None:
        title = f"{title} {loc.describe()}"
    props.append(("title", title))
    head = ",".join(f"{k}={escape_property(v)}" for k, v in props)
    return f"::{COMMANDS[finding.severity]} {head}::{escape_data(finding.message)}"


def summary_line(c: CheckedFile) -> str:
    from lianfang.report.text import counts_text

    return tr("lianfang：{p}：{c}", "lianfang: {p}: {c}", p=c.report.path, c=counts_text(c.report.counts()))


def render(files: Sequence[CheckedFile], options: RenderOptions) -> str:
    lines = [annotation(c.report.path, f) for c in files for f in c.report.findings]
    # a plain log line (starting "lianfang", never "::") on one line whatever the path holds
    lines += [" ".join(summary_line(c).splitlines()) for c in files]
    return "\n".join(lines) + "\n"
