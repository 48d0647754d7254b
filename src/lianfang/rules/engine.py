"""Running the catalogue over a workbook: reader findings first, then every enabled rule."""

from __future__ import annotations

from pathlib import Path

from lianfang.config import Settings
from lianfang.findings import FileReport, Finding
from lianfang.io.build import ReadResult
from lianfang.io.format import SHEET_ORDER
from lianfang.io.reader import read_workbook
from lianfang.rules.base import REGISTRY, Context


def run_rules(result: ReadResult, settings: Settings) -> list[Finding]:
    """Reader findings and rule findings, with configured severities, sorted as findings.md says."""
    found: list[Finding] = list(result.findings)
    wb = result.workbook
    if wb is not None:
        ctx = Context(as_of=settings.as_of, options=settings.options)
        for rule in REGISTRY:
            if rule.on_read or not settings.enabled(rule.code):
                continue
            found.extend(rule().check(wb, ctx))
    out = [f2 for f in found if (f2 := settings.apply(f)) is not None]
    return sort_findings(out, wb.origin.sheets if wb is not None else {})


def sort_findings(findings: list[Finding], sheet_names: dict[str, str] | None = None) -> list[Finding]:
    """By sheet order (or line), then row, then code."""
    order = dict(SHEET_ORDER)
    # sheets as named in the file keep the spec's order
    from lianfang.io.format import SPEC_BY_KEY

    for key, name in (sheet_names or {}).items():
        if key in SPEC_BY_KEY:
            order[name] = SHEET_ORDER[SPEC_BY_KEY[key].sheet]
    return sorted(findings, key=lambda f: f.sort_key(order))


def check_file(path: str | Path, settings: Settings, display_path: str | None = None) -> FileReport:
    """Read and check one file; never raises for a bad file."""
    result = read_workbook(path)
    findings = run_rules(result, settings)
    return FileReport(path=display_path or str(path), unit=result.unit_code, findings=findings)
