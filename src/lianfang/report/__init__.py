"""Validation reports: one formatter module per ``--format``, chosen through ``FORMATS``.

Every formatter is a function ``render(files, options) -> str | bytes`` over the checked files of
one run (bytes are UTF-8, written as they are: the JSON formats). Adding a format is one module and one line in ``FORMATS``; nothing else branches on it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from lianfang import __version__
from lianfang.config import Settings
from lianfang.findings import FileReport, Severity
from lianfang.io.reader import read_workbook
from lianfang.model.workbook import Workbook
from lianfang.rules.engine import run_rules

TOOL_NAME = "lianfang"
# where SARIF consumers send a user who wants to know more about the tool
INFORMATION_URI = "https://pypi.org/project/lianfang/"


@dataclass(slots=True)
class CheckedFile:
    """One file's report, with the model that was read (None when the file was unreadable).

    The model lets the text report speak in the unit's own terms (its name, its risk points).
    """

    report: FileReport
    workbook: Workbook | None = None
    since: Any = None  # lianfang.diff.since.SinceView under ``validate --since``: the text report adds it

    @property
    def format(self) -> str | None:
        """``"xlsx"`` or ``"yaml"`` as read, else guessed from the file name."""
        if self.workbook is not None and self.workbook.origin.format:
            return self.workbook.origin.format
        suffix = Path(self.report.path).suffix.lower()
        return "yaml" if suffix in (".yaml", ".yml") else "xlsx" if suffix in (".xlsx", ".xlsm") else None


def check_workbook(path: str | Path, settings: Settings, display_path: str | None = None) -> CheckedFile:
    """Read and check one file, keeping the model; never raises for a bad file."""
    result = read_workbook(path)
    findings = run_rules(result, settings)
    report = FileReport(path=display_path or str(path), unit=result.unit_code, findings=findings)
    return CheckedFile(report, result.workbook)


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


Render = Callable[[Sequence[CheckedFile], RenderOptions], str | bytes]


@dataclass(frozen=True, slots=True)
class OutputFormat:
    name: str
    render: Render
    # True: coloured when RenderOptions.color says the output is a colour terminal
    styled: bool = False


def _formats() -> dict[str, OutputFormat]:
    from lianfang.report import github, json_report, junit, markdown, review, sarif, text

    return {
        f.name: f
        for f in (
            OutputFormat("text", text.render, styled=True),
            OutputFormat("review", review.render, styled=True),
            OutputFormat("json", json_report.render),
            OutputFormat("github", github.render),
            OutputFormat("junit", junit.render),
            OutputFormat("sarif", sarif.render),
            OutputFormat("markdown", markdown.render),
        )
    }


FORMATS: dict[str, OutputFormat] = _formats()


@dataclass(frozen=True, slots=True)
class CoverageFormat:
    name: str
    render: Callable[..., str | bytes]  # (Coverage, RenderOptions): one unit
    styled: bool = False
    binary: bool = False  # bytes, written to a file only (one unit at a time)
    # (list of Coverage, RenderOptions): several units; None: one after another, a blank line between
    render_several: Callable[..., str] | None = None

    def render_many(self, units: Sequence[object], options: RenderOptions) -> str | bytes:
        """One unit as ``render`` gives it; several as ``render_several`` (or one after another)."""
        if len(units) == 1:
            return self.render(units[0], options)
        if self.render_several is not None:
            return self.render_several(units, options)
        return "\n".join(str(self.render(u, options)) for u in units)


def _coverage_formats() -> dict[str, CoverageFormat]:
    from lianfang.report import coverage_text, coverage_xlsx, json_report

    return {
        f.name: f
        for f in (
            CoverageFormat("text", coverage_text.render_coverage, styled=True),
            CoverageFormat("json", json_report.render_coverage, render_several=json_report.render_coverages),
            CoverageFormat("xlsx", coverage_xlsx.render_coverage, binary=True),
        )
    }


COVERAGE_FORMATS: dict[str, CoverageFormat] = _coverage_formats()
