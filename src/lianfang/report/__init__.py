"""Validation reports: one formatter module per ``--format``, chosen through ``FORMATS``.

Every formatter is a function ``render(files, options) -> str | bytes`` over the checked files of
one run (``lianfang.pipeline.CheckedFile``: the checking happens there, this package only formats;
bytes are UTF-8, written as they are: the JSON formats). Adding a format is one module and one line
in ``FORMATS``; nothing else branches on it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from lianfang import __version__
from lianfang.findings import FileReport, Severity

if TYPE_CHECKING:
    from lianfang.pipeline import CheckedFile

TOOL_NAME = "lianfang"
# where SARIF consumers send a user who wants to know more about the tool
INFORMATION_URI = "https://pypi.org/project/lianfang/"


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """What a formatter may depend on besides the files."""

    version: str = __version__
    strict: bool = False  # warnings fail the run (and the review opinion)
    as_of: date = field(default_factory=date.today)
    color: bool = False  # escape codes for a colour terminal (the styled formats only)
    skipped: int = 0  # files passed over as plainly not workbooks (the text summary line counts them)

    @property
    def tool(self) -> str:
        return f"{TOOL_NAME} {self.version}"


def fails(report: FileReport, strict: bool) -> bool:
    """Whether this file makes the run fail: an error, or a warning under ``--strict``."""
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    return any(f.severity in failing for f in report.findings)


def totals(files: Sequence[CheckedFile]) -> dict[str, int]:
    """The JSON ``summary``: files, files without error, and findings per severity."""
    out = {"files": len(files), "ok": sum(1 for c in files if c.report.ok)}
    for s in Severity:
        out[s.value] = sum(c.report.counts()[s.value] for c in files)
    return out


Render = Callable[[Sequence["CheckedFile"], RenderOptions], str | bytes]


def _load(target: str) -> Callable:
    """``"module:function"`` under lianfang.report, imported now: a run imports only the
    formatter it uses (the xlsx one would bring in openpyxl for every ``validate``)."""
    module, _, function = target.partition(":")
    return getattr(importlib.import_module(f"lianfang.report.{module}"), function)


@dataclass(frozen=True, slots=True)
class OutputFormat:
    name: str
    target: str  # "module:function" of the formatter, a ``Render``
    # True: coloured when RenderOptions.color says the output is a colour terminal
    styled: bool = False

    @property
    def render(self) -> Render:
        return _load(self.target)


FORMATS: dict[str, OutputFormat] = {
    f.name: f
    for f in (
        OutputFormat("text", "text:render", styled=True),
        OutputFormat("review", "review:render", styled=True),
        OutputFormat("json", "json_report:render"),
        OutputFormat("github", "github:render"),
        OutputFormat("junit", "junit:render"),
        OutputFormat("sarif", "sarif:render"),
        OutputFormat("markdown", "markdown:render"),
    )
}


@dataclass(frozen=True, slots=True)
class CoverageFormat:
    name: str
    target: str  # "module:function": (Coverage, RenderOptions) -> str | bytes, one unit
    styled: bool = False
    binary: bool = False  # bytes, written to a file only (one unit at a time)
    # "module:function": (list of Coverage, RenderOptions), several units; None: one after another
    several: str | None = None

    @property
    def render(self) -> Callable[..., str | bytes]:
        return _load(self.target)

    def render_many(self, units: Sequence[object], options: RenderOptions) -> str | bytes:
        """One unit as ``render`` gives it; several as ``several`` does (or one after another, a blank line between)."""
        if len(units) == 1:
            return self.render(units[0], options)
        if self.several is not None:
            return _load(self.several)(units, options)
        return "\n".join(str(self.render(u, options)) for u in units)


COVERAGE_FORMATS: dict[str, CoverageFormat] = {
    f.name: f
    for f in (
        CoverageFormat("text", "coverage_text:render_coverage", styled=True),
        CoverageFormat("json", "json_report:render_coverage", several="json_report:render_coverages"),
        CoverageFormat("xlsx", "coverage_xlsx:render_coverage", binary=True),
    )
}
