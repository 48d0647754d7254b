"""The one-to-one coverage of a workbook (一对一): which measures answer each risk point.

A pure function of the model: ``compute_coverage(workbook)`` lists every risk point with its
measures by phase (前期预防/中期监控/后期处置), uncovered risk points first, and counts per post
tier, risk level, department and risk category. Rendering lives in ``lianfang.report``.

Values that could not be read are ``None`` in the model (already reported by the reader): a risk
point without a readable ID cannot be answered by any measure and is left out; a risk whose post
or level is unreadable is counted under "unknown" (key ``None``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any

from lianfang.model.vocab import Phase, PostTier, RiskCategory, RiskLevel
from lianfang.model.workbook import Measure, Post, PowerItem, RiskPoint, Workbook

COVERAGE_VERSION = 1


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
        present = {m.phase for m in self.measures}
        return [p for p in Phase if p not in present]

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
        self.risks += 1
        self.answered += rc.covered
        self.high += rc.high
        self.high_full += rc.high_full

    @property
    def rate(self) -> float | None:
        return self.answered / self.risks if self.risks else None

    def to_data(self) -> dict[str, Any]:
        rate = self.rate
        return {"key": self.key, "risks": self.risks, "answered": self.answered, "high": self.high,
                "high_full": self.high_full, "rate": None if rate is None else round(rate, 4)}


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


def _tally(rows: Iterable[RiskCoverage], key: Callable[[RiskCoverage], Any], fixed: Iterable[Any] = ()) -> list[Tally]:
    """Tallies per key: the ``fixed`` keys first (even when empty), then others in order of appearance."""
    out: dict[Any, Tally] = {k: Tally(_value(k)) for k in fixed}
    for rc in rows:
        k = key(rc)
        if k not in out:
            out[k] = Tally(_value(k))
        out[k].add(rc)
    unknown = out.pop(None, None)
    return list(out.values()) + ([unknown] if unknown is not None else [])


def compute_coverage(wb: Workbook) -> Coverage:
    posts, powers = wb.posts_by_id, wb.powers_by_id
    by_risk = wb.measures_by_risk
    rows = [
        RiskCoverage(
            risk=r,
            measures=tuple(by_risk.get(r.id, ())),
            power=powers.get(r.power) if r.power is not None else None,
            post=posts.get(r.post) if r.post is not None else None,
        )
        for r in wb.risks
        if r.id is not None
    ]
    rows.sort(key=lambda rc: rc.covered)  # stable: uncovered first, workbook order kept
    total = Tally(None)
    for rc in rows:
        total.add(rc)
    known = wb.risks_by_id
    unit = wb.unit
    return Coverage(
        unit_name=unit.name if unit is not None else None,
        unit_code=unit.code if unit is not None else None,
        year=unit.year if unit is not None else None,
        rows=rows,
        total=total,
        by_tier=_tally(rows, lambda rc: rc.tier, PostTier),
        by_level=_tally(rows, lambda rc: rc.risk.level, RiskLevel),
        by_department=_tally(rows, lambda rc: rc.department),
        by_category=_tally(rows, lambda rc: rc.risk.category, RiskCategory),
        orphan_measures=[m for m in wb.measures if m.risk is not None and m.risk not in known],
    )
