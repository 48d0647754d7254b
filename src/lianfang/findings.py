"""Findings: what a reader or a rule says about a workbook, and where."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


class Location(NamedTuple):
    """Where a finding sits: sheet/row/column/cell in xlsx, line/col in YAML (all 1-based).

    A named tuple (immutable, like the rest of a finding): a large workbook makes tens of
    thousands of findings, and a tuple is made and dropped at a third of a dataclass's cost."""

    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    line: int | None = None
    col: int | None = None

    @property
    def cell(self) -> str | None:
        if self.column and self.row:
            return f"{self.column}{self.row}"
        return None

    def describe(self) -> str:
        """Short human form: ``风险点!A9``, ``风险点 第9行``, ``12:5``."""
        if self.line is not None:
            return f"{self.line}:{self.col or 1}"
        if self.sheet is None:
            return ""
        if self.cell:
            return f"{self.sheet}!{self.cell}"
        if self.row:
            return f"{self.sheet}!{self.row}:{self.row}"
        return self.sheet


NOWHERE = Location()


class Finding(NamedTuple):
    """One problem: which rule, how serious, what and where (a named tuple, as Location is)."""

    code: str
    name: str
    severity: Severity
    message: str
    location: Location = NOWHERE
    object: str | None = None
    field: str | None = None

    def to_dict(self) -> dict[str, Any]:
        loc = self.location
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "sheet": loc.sheet,
            "row": loc.row,
            "column": loc.column,
            "cell": loc.cell,
            "line": loc.line,
            "col": loc.col,
            "object": self.object,
            "field": self.field,
        }

    def sort_key(self, sheet_order: dict[str, int] | None = None) -> tuple:
        return sort_key(sheet_order or {})(self)

    def with_severity(self, severity: Severity) -> Finding:
        return self._replace(severity=severity)


def sort_key(sheet_order: dict[str, int]) -> Callable[[Finding], tuple]:
    """The order of findings.md: sheet order (or line), then row, then code. One key function
    per sort rather than a method call per finding (a large workbook sorts tens of thousands)."""
    get = sheet_order.get

    def key(f: Finding) -> tuple:
        loc = f.location
        sheet = loc.sheet
        return (get(sheet or "", -1 if sheet is None else 999), loc.line or 0, loc.row or 0, f.code,
                loc.col or 0, loc.column or "")

    return key


@dataclass(slots=True)
class FileReport:
    """Every finding about one file."""

    path: str
    unit: str | None = None
    findings: list[Finding] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = {s.value: 0 for s in Severity}
        for f in self.findings:
            counts[f.severity.value] += 1
        return counts

    @property
    def ok(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self.findings)


def flatten(findings: list[Finding], *keys: str) -> list[tuple]:
    """Findings as tuples of the named keys (``"code", "object"``), for one-line test asserts."""
    out = []
    for f in findings:
        d = f.to_dict()
        out.append(tuple(d[k] for k in keys))
    return out
