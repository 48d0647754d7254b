"""Known edits to a unit workbook, written in code, for the tests of ``lianfang diff``.

Each edit changes a copy of a workbook the way a unit revising it would (references follow a
renumbering, a deleted risk point takes its measures along), so a test knows exactly which changes
the diff must report.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from lianfang.io.reader import read_workbook
from lianfang.model.vocab import Disposition, MeasureStatus, Phase, ReviewStatus, RiskLevel
from lianfang.model.workbook import Measure, RiskPoint, Step, Workbook

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "units"
REWORD_SUFFIX = "，并以补签材料掩盖"


def example(name: str = "chyy.yaml") -> Workbook:
    wb = read_workbook(EXAMPLES / name).workbook
    assert wb is not None
    return wb


def copy(wb: Workbook) -> Workbook:
    return Workbook.model_validate(wb.model_dump())


def renumber_risk(wb: Workbook, old: str, new: str) -> None:
    """Give a risk point a new ID, and every reference to it (measures, steps, institutions, alerts)."""
    for r in wb.risks:
        if r.id == old:
            r.id = new
    for m in wb.measures:
        if m.risk == old:
            m.risk = new
    for f in wb.flows:
        for s in f.steps:
            s.risks = [new if x == old else x for x in s.risks]
    for i in wb.institutions:
        i.risks = [new if x == old else x for x in i.risks]
    for a in wb.alerts:
        if a.risk == old:
            a.risk = new


def delete_risk(wb: Workbook, rid: str, touched: set | None = None) -> Counter:
    """Delete a risk point with its measures and the references to it; returns the changes the
    diff must report (the risk point, its measures, each step, institution or alert that named it).
    Given ``touched``, the steps and institutions edited are added to it instead of counted: two
    deletions editing one step make one change of that step."""
    expected = Counter({"risk.removed": 1})
    edited = touched if touched is not None else set()
    wb.risks = [r for r in wb.risks if r.id != rid]
    before = len(wb.measures)
    wb.measures = [m for m in wb.measures if m.risk != rid]
    expected["measure.removed"] += before - len(wb.measures)
    for f in wb.flows:
        for s in f.steps:
            if rid in s.risks:
                s.risks = [x for x in s.risks if x != rid]
                edited.add(("step.changed", f.id, s.id))
    for i in wb.institutions:
        if rid in i.risks:
            i.risks = [x for x in i.risks if x != rid]
            edited.add(("institution.changed", i.id))
    before = len(wb.alerts)
    wb.alerts = [a for a in wb.alerts if a.risk != rid]
    expected["alert.removed"] += before - len(wb.alerts)
    if touched is None:
        expected += Counter(kind for kind, *_ in edited)
    return +expected


def reword_risk(wb: Workbook, rid: str, suffix: str = REWORD_SUFFIX) -> None:
    risk(wb, rid).description += suffix


def relevel_risk(wb: Workbook, rid: str) -> str:
    """Move the level one step (高 → 中, 中 → 高, 低 → 中); returns the kind the diff must report."""
    r = risk(wb, rid)
    new = {RiskLevel.HIGH: RiskLevel.MEDIUM, RiskLevel.MEDIUM: RiskLevel.HIGH, RiskLevel.LOW: RiskLevel.MEDIUM}[r.level]
    kind = "risk.upgraded" if new.rank > r.level.rank else "risk.downgraded"
    r.level = new
    return kind


def add_risk(wb: Workbook, rid: str, power: str | None, post: str | None) -> None:
    wb.risks.append(RiskPoint(id=rid, power=power, post=post, category="外部环境",
                              description=f"新查找的风险点{rid}：供应商借学术会议名义输送利益", level="中"))
    wb.measures.append(Measure(id=f"CS-{rid}", risk=rid, phase="前期预防", description="签订廉洁购销协议并每季度开展回访",
                               owner="纪检监察室"))


def risk(wb: Workbook, rid: str) -> RiskPoint:
    return next(r for r in wb.risks if r.id == rid)


def measure(wb: Workbook, mid: str) -> Measure:
    return next(m for m in wb.measures if m.id == mid)


def finish_measure(wb: Workbook, mid: str) -> None:
    m = measure(wb, mid)
    m.status = MeasureStatus.DONE if m.status is not MeasureStatus.DONE else MeasureStatus.DOING


def rephase_measure(wb: Workbook, mid: str) -> None:
    m = measure(wb, mid)
    m.phase = Phase.HANDLE if m.phase is not Phase.HANDLE else Phase.PREVENT


def abolish_power(wb: Workbook, pid: str) -> None:
    next(p for p in wb.powers if p.id == pid).disposition = Disposition.ABOLISH


def return_risk(wb: Workbook, rid: str, note: str = "风险描述过于笼统，请结合岗位重新查找") -> None:
    r = risk(wb, rid)
    r.review = ReviewStatus.RETURNED
    r.review_note = note


def add_step(wb: Workbook, flow_id: str, step_id: str) -> None:
    flow = next(f for f in wb.flows if f.id == flow_id)
    flow.steps.append(Step(id=step_id, name="归档", actor="院办", time_limit="1个工作日"))
