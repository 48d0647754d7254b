"""考核: a weighted rubric over what lianfang knows of a unit, as the 检查验收 stage scores it.

Each criterion gives a share between 0 and 1; the unit's score is the sum of share × weight over
the criteria with a weight, out of the sum of the weights (scaled to 100). The defaults follow the
seed's requirements (一对一 measures, 前期预防/中期监控/后期处置 for high risks, 落实 measures, 集体定
before 公示, 定期轮岗交流) and can be reweighted or switched off (weight 0) in ``handbook.yaml``::

    assessment:
      weights: {coverage: 30, high_phases: 15, measures_done: 20, confirmed: 10,
                published: 5, rotation: 10, findings: 10}
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from lianfang.i18n import tr


class Criterion(StrEnum):
    COVERAGE = "coverage"
    HIGH_PHASES = "high_phases"
    MEASURES_DONE = "measures_done"
    CONFIRMED = "confirmed"
    PUBLISHED = "published"
    ROTATION = "rotation"
    FINDINGS = "findings"

    @property
    def label(self) -> str:
        zh, en = CRITERION_TEXT[self][:2]
        return tr(zh, en)

    @property
    def explanation(self) -> str:
        zh, en = CRITERION_TEXT[self][2:]
        return tr(zh, en)


CRITERION_TEXT: dict[Criterion, tuple[str, str, str, str]] = {
    Criterion.COVERAGE: ("一对一覆盖", "one-to-one coverage",
                         "有防控措施的风险点所占比例", "share of risk points that have a measure"),
    Criterion.HIGH_PHASES: ("高风险三阶段措施", "high risks, three phases",
                            "高风险点中前期预防、中期监控、后期处置措施齐全的比例（无高风险点时得满分）",
                            "share of 高 risk points with a measure in all three phases (full marks with none)"),
    Criterion.MEASURES_DONE: ("措施按期落实", "measures done on time",
                              "完成时限已到的措施中已落实的比例（没有到期措施时得满分）",
                              "share of measures past their due date that are 已落实 (full marks with none due)"),
    Criterion.CONFIRMED: ("集体研究确认", "collective confirmation",
                          "状态为已确认或已公示，且写明集体研究会议和确认日期",
                          "status 已确认 or 已公示 with the meeting and its date written"),
    Criterion.PUBLISHED: ("风险点公示", "risk points published", "状态为已公示", "status 已公示"),
    Criterion.ROTATION: ("定期轮岗交流", "rotation honoured",
                         "重点岗位中未到轮岗期限的比例（无重点岗位时得满分）",
                         "share of key posts not overdue for rotation (full marks with none)"),
    Criterion.FINDINGS: ("校验问题", "validation findings",
                         "没有错误得满分，每个警告扣 5%，有错误得 0 分",
                         "full marks without errors, 5% off per warning, nothing with an error"),
}

DEFAULT_WEIGHTS: dict[Criterion, float] = {
    Criterion.COVERAGE: 25,
    Criterion.HIGH_PHASES: 15,
    Criterion.MEASURES_DONE: 20,
    Criterion.CONFIRMED: 10,
    Criterion.PUBLISHED: 10,
    Criterion.ROTATION: 10,
    Criterion.FINDINGS: 10,
}
WARNING_PENALTY = 0.05


class Assessment(BaseModel):
    """``assessment:`` in handbook.yaml: weights by criterion; unnamed criteria keep their default."""

    model_config = ConfigDict(extra="forbid")

    weights: dict[Criterion, float] = Field(default_factory=dict)

    @field_validator("weights")
    @classmethod
    def _non_negative(cls, value: dict[Criterion, float]) -> dict[Criterion, float]:
        for k, v in value.items():
            if v < 0:
                raise ValueError(tr("权重不能为负数：{k}", "a weight cannot be negative: {k}", k=k.value))
        return value

    def effective(self) -> dict[Criterion, float]:
        weights = {**DEFAULT_WEIGHTS, **self.weights}
        if not any(weights.values()):
            raise ValueError(tr("所有权重都为 0，无法评分", "every weight is 0: nothing to score"))
        return weights


@dataclass(frozen=True)
class Facts:
    """What the rubric reads of one unit (counted once, by the board)."""

    risks: int
    covered: int
    high: int
    high_full: int
    measures_due: int
    measures_due_done: int
    confirmed: bool
    published: bool
    key_posts: int
    rotation_due: int
    errors: int
    warnings: int


@dataclass(frozen=True)
class Line:
    criterion: Criterion
    weight: float
    share: float

    @property
    def points(self) -> float:
        return self.weight * self.share


@dataclass(frozen=True)
class Score:
    lines: tuple[Line, ...]

    @property
    def total(self) -> float:
        """Out of 100."""
        weight = sum(line.weight for line in self.lines)
        return 100 * sum(line.points for line in self.lines) / weight if weight else 0.0


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def shares(f: Facts) -> dict[Criterion, float]:
    return {
        Criterion.COVERAGE: _share(f.covered, f.risks) if f.risks else 0.0,  # no risk point found: nothing covered
        Criterion.HIGH_PHASES: _share(f.high_full, f.high),
        Criterion.MEASURES_DONE: _share(f.measures_due_done, f.measures_due),
        Criterion.CONFIRMED: 1.0 if f.confirmed else 0.0,
        Criterion.PUBLISHED: 1.0 if f.published else 0.0,
        Criterion.ROTATION: _share(f.key_posts - f.rotation_due, f.key_posts),
        Criterion.FINDINGS: 0.0 if f.errors else max(0.0, 1 - WARNING_PENALTY * f.warnings),
    }


def score(facts: Facts, weights: dict[Criterion, float]) -> Score:
    s = shares(facts)
    return Score(tuple(Line(c, w, s[c]) for c, w in weights.items() if w))
