"""Findings: what a reader or a rule says about a workbook, and where."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True, slots=True)
class Location:
    """Where a finding sits: sheet/row/column/cell in xlsx, line/col in YAML (all 1-based)."""

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


def _location_init(self, sheet=None, row=None, column=None, line=None, col=None,
                   _s=(Location.sheet.__set__, Location.row.__set__, Location.column.__set__,
                       Location.line.__set__, Location.col.__set__)) -> None:
    # the slots' own setters: a frozen dataclass's __init__ goes through object.__setattr__ per
    # field, and a large workbook makes tens of thousands of locations and findings
    _s[0](self, sheet)
    _s[1](self, row)
    _s[2](self, column)
    _s[3](self, line)
    _s[4](self, col)


Location.__init__ = _location_init

NOWHERE = Location()


@dataclass(frozen=True, slots=True)
class Finding:
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
        loc = self.location
        order = (sheet_order or {}).get(loc.sheet or "", -1 if loc.sheet is None else 999)
        return (order, loc.line or 0, loc.row or 0, self.code, loc.col or 0, loc.column or "")


def _finding_init(self, code, name, severity, message, location=NOWHERE, object=None, field=None,  # noqa: A002
                  _s=(Finding.code.__set__, Finding.name.__set__, Finding.severity.__set__, Finding.message.__set__,
                      Finding.location.__set__, Finding.object.__set__, Finding.field.__set__)) -> None:
    _s[0](self, code)
    _s[1](self, name)
    _s[2](self, severity)
    _s[3](self, message)
    _s[4](self, location)
    _s[5](self, object)
    _s[6](self, field)


Finding.__init__ = _finding_init  # as Location's, for speed


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
