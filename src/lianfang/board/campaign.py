"""The campaign (专项工作) the bureau runs over its units: phases with dates and what each expects.

The seed (实施方案 四) names the phases and their windows by 旬: 清权确权 7月上旬～8月上旬, 查找廉政风险点
8月上旬～9月中旬, 公示 9月中旬～10月上旬, 制定防控措施 9月中旬～12月中旬, 处置纠正问题 10月下旬～12月中旬, and
检查验收 the next spring. ``default_phases(year)`` turns those windows into dates of a given year (上旬 the
1st–10th, 中旬 the 11th–20th, 下旬 the 21st–end of month); ``handbook.yaml``'s ``campaign:`` section
may replace any date.

What a phase *expects* of a unit is one of ``EXPECTATIONS``, each a test of the unit's checked
workbook (``phase_done``); whether the unit is done, on time, late or not started follows from that
and the as-of date (``phase_state``).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from lianfang.i18n import tr


class Expectation(StrEnum):
    """What a unit must have done for a phase to count as done."""

    SUBMITTED = "submitted"  # its workbook is there and readable
    POWERS = "powers"  # 清权确权: powers listed, every kept power has a flow (流程图)
    RISKS_REVIEWED = "risks_reviewed"  # 查找风险点: risk points present, none 待审核 or 发回重找
    PUBLISHED = "published"  # 公示: status 已公示
    MEASURES = "measures"  # 制定措施: every risk point has a measure (一对一)
    ALERTS_HANDLED = "alerts_handled"  # 处置纠正: every 预警处置 has a 处置结果
    MEASURES_DONE = "measures_done"  # 检查验收: every measure 已落实


EXPECTATION_TEXT: dict[Expectation, tuple[str, str]] = {
    Expectation.SUBMITTED: ("工作簿已报送且可读取", "the workbook is submitted and readable"),
    Expectation.POWERS: ("已列出职权，每项保留的职权都有流程", "powers listed, every kept power has a flow"),
    Expectation.RISKS_REVIEWED: ("已查找风险点，且全部审核通过", "risk points found and all reviewed (通过)"),
    Expectation.PUBLISHED: ("状态为已公示", "status is 已公示"),
    Expectation.MEASURES: ("每个风险点都有防控措施（一对一）", "every risk point has a measure (one-to-one)"),
    Expectation.ALERTS_HANDLED: ("每条预警处置都有处置结果", "every alert has a result"),
    Expectation.MEASURES_DONE: ("全部防控措施已落实", "every measure is 已落实"),
}


class PhaseState(StrEnum):
    DONE = "done"  # expectation met (on time, as far as lianfang can tell)
    DONE_LATE = "done_late"  # met, but its date (确认日期) is after the phase's end
    ON_TIME = "on_time"  # the phase is open and not yet met
    LATE = "late"  # the phase has ended and it is not met
    NOT_STARTED = "not_started"  # the phase has not begun (and is not met)

    @property
    def label(self) -> str:
        zh, en = _STATE_TEXT[self]
        return tr(zh, en)

    @property
    def behind(self) -> bool:
        return self in (PhaseState.LATE, PhaseState.DONE_LATE)


_STATE_TEXT = {
    PhaseState.DONE: ("已完成", "done"),
    PhaseState.DONE_LATE: ("逾期完成", "done late"),
    PhaseState.ON_TIME: ("进行中", "in progress"),
    PhaseState.LATE: ("逾期未完成", "late"),
    PhaseState.NOT_STARTED: ("未开始", "not started"),
}


class Phase(BaseModel):
    """One phase of the campaign as handbook.yaml writes it."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    start: date | None = None
    end: date | None = None
    expects: Expectation | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Phase:
        if self.start and self.end and self.end < self.start:
            raise ValueError(tr("结束日期 {e} 早于开始日期 {s}", "end {e} is before start {s}", e=self.end, s=self.start))
        return self


class Campaign(BaseModel):
    """``campaign:`` in handbook.yaml; phases default to the seed's, dated in the handbook's year."""

    model_config = ConfigDict(extra="forbid")

    year: int | None = Field(default=None, ge=1900, le=2200)
    phases: list[Phase] = Field(default_factory=list)


@dataclass(frozen=True)
class DatedPhase:
    """A phase with every value filled: what the board works with."""

    name: str
    start: date
    end: date
    expects: Expectation


def _xun(year: int, month: int, xun: str, first: bool) -> date:
    """The first or last day of a 旬 (上旬, 中旬, 下旬) of a month."""
    last = calendar.monthrange(year, month)[1]
    lo, hi = {"上": (1, 10), "中": (11, 20), "下": (21, last)}[xun]
    return date(year, month, lo if first else hi)


# (name, start (year offset, month, 旬), end (year offset, month, 旬), expectation) — from the seed
SEED_PHASES: tuple[tuple[str, tuple[int, int, str], tuple[int, int, str], Expectation], ...] = (
    ("动员部署", (0, 6, "下"), (0, 7, "上"), Expectation.SUBMITTED),
    ("清权确权", (0, 7, "上"), (0, 8, "上"), Expectation.POWERS),
    ("查找廉政风险点", (0, 8, "上"), (0, 9, "中"), Expectation.RISKS_REVIEWED),
    ("公示廉政风险点", (0, 9, "中"), (0, 10, "上"), Expectation.PUBLISHED),
    ("制定防控措施", (0, 9, "中"), (0, 12, "中"), Expectation.MEASURES),
    ("处置纠正问题", (0, 10, "下"), (0, 12, "中"), Expectation.ALERTS_HANDLED),
    ("检查验收", (1, 1, "上"), (1, 3, "中"), Expectation.MEASURES_DONE),
)
_SEED_BY_NAME = {p[0]: p for p in SEED_PHASES}
# names units write for the same phases
_ALIASES = {"查找风险点": "查找廉政风险点", "公示": "公示廉政风险点", "公示风险点": "公示廉政风险点",
            "制定措施": "制定防控措施", "处置纠正": "处置纠正问题", "总结验收": "检查验收"}


def default_phases(year: int) -> list[DatedPhase]:
    """The seed's phases dated in ``year`` (检查验收 in the next year)."""
    return [_dated(name, year, None, None, None) for name, *_ in SEED_PHASES]


def _dated(name: str, year: int, start: date | None, end: date | None, expects: Expectation | None) -> DatedPhase:
    seed = _SEED_BY_NAME.get(_ALIASES.get(name, name))
    if seed is not None:
        _, (ys, ms, xs), (ye, me, xe), exp = seed
        start = start or _xun(year + ys, ms, xs, True)
        end = end or _xun(year + ye, me, xe, False)
        expects = expects or exp
    if start is None or end is None or expects is None:
        missing = [k for k, v in (("start", start), ("end", end), ("expects", expects)) if v is None]
        raise ValueError(tr("阶段「{n}」不是实施方案中的阶段，须写明 {m}", "phase {n!r} is not one of the seed's, so it needs {m}",
                            n=name, m="、".join(missing)))
    return DatedPhase(name, start, end, expects)


def dated_phases(campaign: Campaign | None, year: int) -> list[DatedPhase]:
    """The phases a board uses: those of ``campaign`` with seed defaults filled in, else the seed's."""
    if campaign is None or not campaign.phases:
        return default_phases(campaign.year or year if campaign else year)
    year = campaign.year or year
    return [_dated(p.name, year, p.start, p.end, p.expects) for p in campaign.phases]


def phase_state(phase: DatedPhase, done: bool, as_of: date, done_on: date | None = None) -> PhaseState:
    """Where a unit stands in a phase on ``as_of``."""
    if done:
        return PhaseState.DONE_LATE if done_on is not None and done_on > phase.end else PhaseState.DONE
    if as_of < phase.start:
        return PhaseState.NOT_STARTED
    if as_of <= phase.end:
        return PhaseState.ON_TIME
    return PhaseState.LATE
