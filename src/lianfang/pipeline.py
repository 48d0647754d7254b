"""The check pipeline: file → reader → model → rules → ``CheckedFile``.

Every command that checks workbooks goes through ``check_workbook``: validate (then a report
format), handbook build (then the handbook), coverage (reading only). What comes out is the
file's report (every finding, configured by the ``Settings`` of ``lianfang.config`` and sorted
as findings.md says) together with the model that was read, so an output can speak in the
unit's own terms. Nothing here formats anything: that is ``report/`` and the renderers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lianfang.config import Settings
from lianfang.findings import FileReport
from lianfang.io.reader import read_workbook
from lianfang.model.workbook import Workbook
from lianfang.rules.engine import run_rules


@dataclass(slots=True)
class CheckedFile:
    """One file's report, with the model that was read (None when the file was unreadable)."""

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


def check_workbook(path: str | Path, settings: Settings, display_path: str | None = None, *,
                   rules: bool = True, timings: dict[str, float] | None = None) -> CheckedFile:
    """Read and check one file, keeping the model; never raises for a bad file.

    ``rules=False`` stops after reading (the reader's findings, configured all the same);
    ``timings`` receives the seconds spent reading and running the rules."""
    t0 = time.perf_counter()
    result = read_workbook(path)
    t1 = time.perf_counter()
    findings = run_rules(result, settings, reading_only=not rules)
    if timings is not None:
        timings["read"] = t1 - t0
        timings["rules"] = time.perf_counter() - t1
    report = FileReport(path=display_path or str(path), unit=result.unit_code, findings=findings)
    return CheckedFile(report, result.workbook)
