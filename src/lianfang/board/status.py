"""The bureau's status board: one row per unit, built once from its checked workbook.

Every renderer (text, Markdown, JSON, Excel, HTML) reads ``Board``; nothing is counted twice. The
figures come from the model through ``lianfang.coverage.compute_coverage`` and from the rule
findings as configured (overdue measures are LF408's findings, rotation LF404's), so the board says
what ``lianfang validate`` says on the same date.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from lianfang.board.assessment import Criterion, Facts, Score, score
from lianfang.board.campaign import DatedPhase, Expectation, PhaseState, phase_state
from lianfang.coverage import compute_coverage
from lianfang.findings import Finding, Severity
from lianfang.model.vocab import MeasureStatus, ReviewStatus, RiskCategory, RiskLevel, UnitStatus
from lianfang.model.workbook import Workbook

LEVELS = tuple(level.value for level in RiskLevel)
CATEGORIES = tuple(c.value for c in RiskCategory)


@dataclass(frozen=True)
class PhaseCell:
    phase: DatedPhase
    state: PhaseState


@dataclass
class UnitRow:
    """One unit on the board. ``missing``: listed but no file; ``workbook`` None: unreadable."""

    file: str
    code: str | None = None
    name: str | None = None
    status: str | None = None
    missing: bool = False
    readable: bool = True
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    levels: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    categories: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0))
    risks: int = 0
    covered: int = 0
    measures: dict[str, int] = field(default_factory=lambda: dict.fromkeys((s.value for s in MeasureStatus), 0))
    overdue: int = 0
    rotation_due: int = 0
    returned_open: int = 0
    phases: list[PhaseCell] = field(default_factory=list)
    score: Score | None = None

    @property
    def label(self) -> str:
        return self.name or self.code or self.file

    @property
    def coverage_rate(self) -> float | None:
        return self.covered / self.risks if self.risks else None

    @property
    def done_rate(self) -> float | None:
        total = sum(self.measures.values())
        return self.measures[MeasureStatus.DONE.value] / total if total else None

    @property
    def behind(self) -> list[str]:
        """The phases this unit is late in (names), or why it is behind at all."""
        return [c.phase.name for c in self.phases if c.state is PhaseState.LATE]


@dataclass
class Board:
    title: str
    as_of: date
    phases: list[DatedPhase]
    rows: list[UnitRow]
    weights: dict[Criterion, float]

    @property
    def totals(self) -> UnitRow:
        """The sums over every unit, as a row (``phases`` and ``score`` left empty)."""
        t = UnitRow(file="", name="合计")
        for r in self.rows:
            t.errors += r.errors
            t.warnings += r.warnings
            t.infos += r.infos
            t.risks += r.risks
            t.covered += r.covered
            t.overdue += r.overdue
            t.rotation_due += r.rotation_due
            t.returned_open += r.returned_open
            for k, v in r.levels.items():
                t.levels[k] += v
            for k, v in r.categories.items():
                t.categories[k] += v
            for k, v in r.measures.items():
                t.measures[k] += v
        return t

    @property
    def missing(self) -> list[UnitRow]:
        return [r for r in self.rows if r.missing]

    @property
    def behind(self) -> list[UnitRow]:
        """Units missing, unreadable or late in a phase: the ones the office chases."""
        return [r for r in self.rows if r.missing or not r.readable or r.behind]

    def phase_counts(self, phase_index: int) -> Counter[PhaseState]:
        return Counter(r.phases[phase_index].state for r in self.rows if r.phases)


def phase_done(expects: Expectation, wb: Workbook | None, coverage_full: bool) -> bool:
    """Whether a unit's workbook meets what a phase expects."""
    if wb is None:
        return False
    if expects is Expectation.SUBMITTED:
        return True
    if expects is Expectation.POWERS:
        with_flow = {f.power for f in wb.flows}
        kept = [p for p in wb.powers if p.disposition is None or p.disposition.value != "废止"]
        return bool(wb.powers) and all(p.id in with_flow for p in kept)
    if expects is Expectation.RISKS_REVIEWED:
        return bool(wb.risks) and all(r.review is ReviewStatus.PASSED for r in wb.risks)
    if expects is Expectation.PUBLISHED:
        return wb.unit is not None and wb.unit.status is UnitStatus.PUBLISHED
    if expects is Expectation.MEASURES:
        return bool(wb.risks) and coverage_full
    if expects is Expectation.ALERTS_HANDLED:
        return all(a.result for a in wb.alerts)
    if expects is Expectation.MEASURES_DONE:
        return bool(wb.measures) and all(m.status is MeasureStatus.DONE for m in wb.measures)
    raise AssertionError(expects)  # pragma: no cover


def missing_row(file: str, phases: list[DatedPhase], as_of: date) -> UnitRow:
    row = UnitRow(file=file, missing=True, readable=False, name=Path(file).stem)
    row.phases = [PhaseCell(p, phase_state(p, False, as_of)) for p in phases]
    return row


def unit_row(file: str, wb: Workbook | None, findings: list[Finding], phases: list[DatedPhase], as_of: date,
             weights: dict[Criterion, float]) -> UnitRow:
    """The board's row for one read and checked unit (``wb`` None when it could not be read)."""
    row = UnitRow(file=file, readable=wb is not None)
    severities = Counter(f.severity for f in findings)
    row.errors, row.warnings, row.infos = (severities[s] for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
    codes = Counter(f.code for f in findings)
    row.overdue, row.rotation_due = codes["LF408"], codes["LF404"]
    if wb is None:
        row.phases = [PhaseCell(p, phase_state(p, False, as_of)) for p in phases]
        return row
    unit = wb.unit
    row.code, row.name = unit.code, unit.name
    row.status = unit.status.value if unit.status is not None else None
    cov = compute_coverage(wb)
    row.risks, row.covered = cov.total.risks, cov.total.answered
    for r in wb.risks:
        if r.level is not None:
            row.levels[r.level.value] += 1
        if r.category is not None:
            row.categories[r.category.value] += 1
        row.returned_open += r.review is ReviewStatus.RETURNED
    for m in wb.measures:
        if m.status is not None:
            row.measures[m.status.value] += 1
    full = row.risks > 0 and row.covered == row.risks
    confirmed = unit.status in (UnitStatus.CONFIRMED, UnitStatus.PUBLISHED) and bool(unit.confirmed_by) \
        and unit.confirmed_on is not None
    for p in phases:
        done = phase_done(p.expects, wb, full)
        # the one completion date a workbook records: the 集体研究 meeting that confirmed the risk points
        done_on = unit.confirmed_on if p.expects is Expectation.RISKS_REVIEWED else None
        row.phases.append(PhaseCell(p, phase_state(p, done, as_of, done_on)))
    due = [m for m in wb.measures if isinstance(m.due, date) and m.due < as_of]
    key_posts = sum(1 for p in wb.posts if p.key)
    facts = Facts(
        risks=row.risks, covered=row.covered, high=cov.total.high, high_full=cov.total.high_full,
        measures_due=len(due), measures_due_done=sum(1 for m in due if m.status is MeasureStatus.DONE),
        confirmed=confirmed, published=unit.status is UnitStatus.PUBLISHED,
        key_posts=key_posts, rotation_due=min(row.rotation_due, key_posts),
        errors=row.errors, warnings=row.warnings,
    )
    row.score = score(facts, weights)
    return row
