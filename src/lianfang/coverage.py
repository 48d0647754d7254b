"""The one-to-one coverage of a workbook (一对一): which measures answer each risk point.

A pure function of the model, and the only place coverage and statistics are counted:
``compute_coverage(workbook)`` lists every risk point with its measures by phase (前期预防/中期监控/
后期处置), uncovered risk points first, counts per post tier, risk level, department and risk
category, and the unit's figures (kept powers with risk points and flows, risk points on charts,
measures done, institutions, alerts). ``lianfang coverage``, the coverage rules and every handbook
format consume it; ``percent`` is the one way a rate is written. Rendering lives elsewhere.

Values that could not be read are ``None`` in the model (already reported by the reader): a risk
point without a readable ID is still a risk point — it is counted (and uncovered, since no measure
can name it) and shown by ``risk_label`` as ``风险点（第 12 行）``; a risk whose post or level is
unreadable is counted under "unknown" (key ``None``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any

from lianfang.i18n import tr
from lianfang.model.vocab import MeasureStatus, Phase, PostTier, RiskCategory, RiskLevel
from lianfang.model.workbook import Measure, Post, PowerItem, RiskPoint, Workbook

COVERAGE_VERSION = 1


def percent(part: int, whole: int) -> str:
    """``part`` of ``whole`` for every output: ``87.5%``, ``100%``; ``—`` when there is nothing to count.

    One decimal, dropped when it is 0; a rate short of the whole never rounds up to ``100%``.
    """
    if not whole:
        return "—"
    return rate_percent(part / whole)


def rate_percent(rate: float | None) -> str:
    """A rate already divided (0.875), written as ``percent`` writes it; ``—`` for None."""
    if rate is None:
        return "—"
    value = round(100 * rate, 1)
    if value >= 100 and rate < 1:
        value = 99.9
    return f"{value:.1f}".removesuffix(".0") + "%"


def risk_label(risk: RiskPoint) -> str:
    """A risk point's ID, or where it is when its ID could not be read (``风险点（第 12 行）``)."""
    if risk.id:
        return risk.id
    label = getattr(risk, "label", None)  # a reader may name the record itself
    if isinstance(label, str) and label:
        return label
    source = risk.source
    row = source.row if source is not None and source.row is not None else (source.line if source is not None else None)
    if row is not None:
        return tr("风险点（第 {n} 行）", "risk point (row {n})", n=row)
    return tr("风险点（编号无法读取）", "risk point (ID unreadable)")


_PHASES = tuple(Phase)


def missing_phases(measures: Iterable[Measure]) -> list[Phase]:
    """The phases none of ``measures`` is in (a measure with an unreadable phase counts for none)."""
    return phases_missing_from({m.phase for m in measures})


def phases_missing_from(present: set[Phase | None]) -> list[Phase]:
    """The phases not in ``present``, in the order 前期预防, 中期监控, 后期处置."""
    return [p for p in _PHASES if p not in present]


@dataclass(frozen=True, slots=True)
class RiskCoverage:
    """One risk point with what answers it."""

    risk: RiskPoint
    measures: tuple[Measure, ...]
    power: PowerItem | None = None
    post: Post | None = None

    @property
    def covered(self) -> bool:
        return bool(self.measures)

    def by_phase(self, phase: Phase | None) -> list[Measure]:
        return [m for m in self.measures if m.phase == phase]

    @property
    def missing_phases(self) -> list[Phase]:
        return missing_phases(self.measures)

    @property
    def label(self) -> str:
        return risk_label(self.risk)

    @property
    def high(self) -> bool:
        return self.risk.level is RiskLevel.HIGH

    @property
    def high_full(self) -> bool:
        """A 高 risk point with a measure in each of the three phases."""
        return self.high and not self.missing_phases

    @property
    def tier(self) -> PostTier | None:
        return self.post.tier if self.post is not None else None

    @property
    def department(self) -> str | None:
        """The post's department; for a risk without a post, the power's 办理主体."""
        if self.post is not None and self.post.department:
            return self.post.department
        if self.power is not None and self.power.subject:
            return self.power.subject
        return None


@dataclass(slots=True)
class Tally:
    """Counts for one group of risk points; ``key`` None is "unknown"."""

    key: str | None
    risks: int = 0
    answered: int = 0
    high: int = 0
    high_full: int = 0

    def add(self, rc: RiskCoverage) -> None:
        self.count(rc.covered, rc.high, rc.high_full)

    def count(self, covered: bool, high: bool, high_full: bool) -> None:
        self.risks += 1
        self.answered += covered
        self.high += high
        self.high_full += high_full

    @property
    def rate(self) -> float | None:
        return self.answered / self.risks if self.risks else None

    def to_data(self) -> dict[str, Any]:
        rate = self.rate
        return {"key": self.key, "risks": self.risks, "answered": self.answered, "high": self.high,
                "high_full": self.high_full, "rate": None if rate is None else round(rate, 4)}


@dataclass(slots=True)
class Figures:
    """The unit's other figures the handbook reports beside the one-to-one coverage."""

    powers_kept: int = 0  # 保留/调整
    powers_with_risk: int = 0
    powers_with_flow: int = 0
    risks_on_chart: int = 0
    measures: int = 0
    measures_done: int = 0
    institutions: int = 0
    alerts: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(*(getattr(self, n) + getattr(other, n) for n in self.__dataclass_fields__))

    def to_data(self) -> dict[str, int]:
        return {n: getattr(self, n) for n in self.__dataclass_fields__}


@dataclass(slots=True)
class Coverage:
    unit_name: str | None
    unit_code: str | None
    year: int | None
    rows: list[RiskCoverage]
    total: Tally
    by_tier: list[Tally]
    by_level: list[Tally]
    by_department: list[Tally]
    by_category: list[Tally]
    # measures naming a risk point that does not exist (LF203 in validate)
    orphan_measures: list[Measure] = field(default_factory=list)
    figures: Figures = field(default_factory=Figures)

    @property
    def uncovered(self) -> list[RiskCoverage]:
        return [r for r in self.rows if not r.covered]

    @property
    def groups(self) -> list[tuple[str, list[Tally]]]:
        """The four tables of figures, by their English key."""
        return [("tier", self.by_tier), ("level", self.by_level),
                ("department", self.by_department), ("category", self.by_category)]

    def to_data(self) -> dict[str, Any]:
        """The JSON shape of ``lianfang coverage --format json``."""
        return {
            "version": COVERAGE_VERSION,
            "unit": {"code": self.unit_code, "name": self.unit_name, "year": self.year},
            "summary": self.total.to_data(),
            "risks": [_risk_data(r) for r in self.rows],
            **{f"by_{key}": [t.to_data() for t in tallies] for key, tallies in self.groups},
            "orphan_measures": [m.id for m in self.orphan_measures],
            "figures": self.figures.to_data(),
        }


def _value(x: Any) -> Any:
    if isinstance(x, Enum):
        return x.value
    if isinstance(x, date):
        return x.isoformat()
    return x


def _risk_data(rc: RiskCoverage) -> dict[str, Any]:
    r = rc.risk
    return {
        "id": r.id,
        "label": rc.label,
        "level": _value(r.level),
        "category": _value(r.category),
        "description": r.description,
        "power": r.power,
        "power_name": rc.power.name if rc.power is not None else None,
        "post": r.post,
        "post_name": rc.post.name if rc.post is not None else None,
        "department": rc.department,
        "tier": _value(rc.tier),
        "covered": rc.covered,
        "missing_phases": [p.value for p in rc.missing_phases],
        "measures": [
            {"id": m.id, "phase": _value(m.phase), "description": m.description, "owner": m.owner,
             "due": _value(m.due), "status": _value(m.status)}
            for m in rc.measures
        ],
    }


def _tally(rows: Iterable[RiskCoverage], key: Callable[[RiskCoverage], Any], fixed: Iterable[Any] = (),
           flags: list[tuple[bool, bool, bool]] | None = None) -> list[Tally]:
    """Tallies per key: the ``fixed`` keys first (even when empty), then others in order of appearance.

    ``flags``: each row's (covered, high, high_full), worked out once for the five tallies; the
    counts are summed in plain lists (a method call per row and tally cost half the time)."""
    rows = list(rows)
    flags = flags if flags is not None else [(rc.covered, rc.high, rc.high_full) for rc in rows]
    sums: dict[Any, list[int]] = {k: [0, 0, 0, 0] for k in fixed}
    for rc, (covered, high, full) in zip(rows, flags, strict=True):
        k = key(rc)
        acc = sums.get(k)
        if acc is None:
            acc = sums[k] = [0, 0, 0, 0]
        acc[0] += 1
        acc[1] += covered
        acc[2] += high
        acc[3] += full
    out = {k: Tally(_value(k), *acc) for k, acc in sums.items()}
    unknown = out.pop(None, None)
    return list(out.values()) + ([unknown] if unknown is not None else [])


def compute_coverage(wb: Workbook) -> Coverage:
    posts, powers = wb.posts_by_id, wb.powers_by_id
    by_risk = wb.measures_by_risk
    rows = [
        RiskCoverage(
            risk=r,
            measures=tuple(by_risk.get(r.id, ())) if r.id is not None else (),
            power=powers.get(r.power) if r.power is not None else None,
            post=posts.get(r.post) if r.post is not None else None,
        )
        for r in wb.risks
    ]
    rows.sort(key=lambda rc: rc.covered)  # stable: uncovered first, workbook order kept
    high = RiskLevel.HIGH
    all_phases = set(Phase)
    flags = []
    for rc in rows:
        is_high = rc.risk.level is high
        flags.append((bool(rc.measures), is_high, is_high and all_phases <= {m.phase for m in rc.measures}))
    total = Tally(None, len(flags), *(sum(column) for column in zip(*flags, strict=True))) if flags else Tally(None)
    known = wb.risks_by_id
    unit = wb.unit
    return Coverage(
        unit_name=unit.name if unit is not None else None,
        unit_code=unit.code if unit is not None else None,
        year=unit.year if unit is not None else None,
        rows=rows,
        total=total,
        by_tier=_tally(rows, lambda rc: rc.tier, PostTier, flags),
        by_level=_tally(rows, lambda rc: rc.risk.level, RiskLevel, flags),
        by_department=_tally(rows, lambda rc: rc.department, (), flags),
        by_category=_tally(rows, lambda rc: rc.risk.category, RiskCategory, flags),
        orphan_measures=[m for m in wb.measures if m.risk is not None and m.risk not in known],
        figures=_figures(wb),
    )


def _figures(wb: Workbook) -> Figures:
    kept = [p for p in wb.powers if p.kept]
    by_power, flows_by_power = wb.risks_by_power, wb.flows_by_power
    on_chart = {rid for f in wb.flows for s in f.steps for rid in (s.risks or ())}
    return Figures(
        powers_kept=len(kept),
        powers_with_risk=sum(1 for p in kept if by_power.get(p.id)),
        powers_with_flow=sum(1 for p in kept if flows_by_power.get(p.id)),
        risks_on_chart=sum(1 for r in wb.risks if r.id is not None and r.id in on_chart),
        measures=len(wb.measures),
        measures_done=sum(1 for m in wb.measures if m.status is MeasureStatus.DONE),
        institutions=len(wb.institutions),
        alerts=len(wb.alerts),
    )
