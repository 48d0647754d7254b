"""Running the catalogue over a workbook: reader findings first, then every enabled rule."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from lianfang.config import Settings
from lianfang.findings import FileReport, Finding, Severity, sort_key
from lianfang.io.build import ReadResult
from lianfang.io.format import SHEET_ORDER
from lianfang.io.reader import read_workbook
from lianfang.rules.base import REGISTRY, Context
from lianfang.rules.reading import reader_findings
from lianfang.speed import gc_paused


def run_rules(result: ReadResult, settings: Settings) -> list[Finding]:
    """Reader findings and rule findings, with configured severities, sorted as findings.md says."""
    with gc_paused():  # rules and sorting make no reference cycles (lianfang/speed.py)
        found = _configured(reader_findings(result.problems), settings)
        wb = result.workbook
        if wb is not None:
            ctx = Context(as_of=settings.as_of, options=settings.options)
            for rule in REGISTRY:
                if rule.on_read or not settings.enabled(rule.code):
                    continue
                if rule.code in settings.severities:
                    found.extend(_configured(rule().check(wb, ctx), settings))
                else:  # an enabled rule without a severity override: apply() would keep every finding as it is
                    found.extend(rule().check(wb, ctx))
        return sort_findings(found, wb.origin.sheets if wb is not None else {})


def _configured(found: Iterable[Finding], settings: Settings) -> list[Finding]:
    """``settings.apply`` to every finding, asked once per rule code and severity (there may be
    tens of thousands of findings and a handful of codes)."""
    verdicts: dict[tuple[str, Severity], Severity | None] = {}
    out: list[Finding] = []
    for f in found:
        key = (f.code, f.severity)
        if key not in verdicts:
            kept = settings.apply(f)
            verdicts[key] = None if kept is None else kept.severity
        severity = verdicts[key]
        if severity is not None:
            out.append(f if severity is f.severity else f.with_severity(severity))
    return out


def sort_findings(findings: list[Finding], sheet_names: dict[str, str] | None = None) -> list[Finding]:
    """By sheet order (or line), then row, then code."""
    order = dict(SHEET_ORDER)
    # sheets as named in the file keep the spec's order
    from lianfang.io.format import SPEC_BY_KEY

    for key, name in (sheet_names or {}).items():
        if key in SPEC_BY_KEY:
            order[name] = SHEET_ORDER[SPEC_BY_KEY[key].sheet]
    return sorted(findings, key=sort_key(order))


def check_file(path: str | Path, settings: Settings, display_path: str | None = None) -> FileReport:
    """Read and check one file; never raises for a bad file."""
    result = read_workbook(path)
    findings = run_rules(result, settings)
    return FileReport(path=display_path or str(path), unit=result.unit_code, findings=findings)
