"""LF301–LF308: is everything covered — every risk by measures, every power by risks and flows.

What "covered" and "all three phases" mean is ``lianfang.coverage``'s (``phases_missing_from``); the
rules ask it per object on the model's indexes rather than through ``compute_coverage``, which
builds every figure of the report (0.47 s on the 30,000-risk benchmark workbook, LF301 0.04 s).

A value the reader could not read is "already reported": a rule whose answer depends on it stays
silent rather than guess. A row that repeats an ID (LF107) is not a second risk point or power:
per-object rules look at the first row of each ID. A required table absent from the file (LF101) is not counted against
the other tables either (no "every risk point is uncovered" because 防控措施 is missing).
"""

from __future__ import annotations

from collections.abc import Iterator

from lianfang.coverage import phases_missing_from
from lianfang.findings import Finding, Severity
from lianfang.i18n import tr
from lianfang.model.vocab import Disposition, Phase, PostTier, RiskCategory, RiskLevel
from lianfang.model.workbook import Workbook
from lianfang.rules.base import Context, Rule, missing_table, register

# how many IDs a message lists before it says "and N more"
MAX_LISTED = 10
PHASE_TEXT = {p: p.value for p in Phase}  # an enum's .value is a slow property; LF302 asks per finding


def listing(ids: list[str]) -> str:
    """``FX-01、FX-02`` — at most MAX_LISTED, then ``等 N 项`` / ``and N more``."""
    shown = "、".join(ids[:MAX_LISTED])
    if len(ids) > MAX_LISTED:
        shown += tr("等 {n} 项", " and {n} more", n=len(ids))
    return shown


@register
class UncoveredRisk(Rule):
    """A risk point has no measure at all in 防控措施 (one-to-one, 一对一).

    The seed asks for a measure for every risk point (有一个风险点，就要有相对应的防控措施). The finding
    sits on the risk point's row (its 风险点编号), object the risk point.

    Passing::

        risks:    [{id: FX-01, …}]
        measures: [{id: CS-01, risk: FX-01, …}]

    Failing (object ``FX-02``)::

        risks:    [{id: FX-01, …}, {id: FX-02, …}]
        measures: [{id: CS-01, risk: FX-01, …}]
    """

    doc_zh = """
    风险点在防控措施表中没有任何措施（违反“一对一”）。

    实施方案要求“有一个风险点，就要有相对应的防控措施”。发现项位于该风险点所在行（风险点编号），
    对象为该风险点。防控措施表整张缺失时（已报 LF101）不再逐个报告。

    通过：风险点 FX-01 有措施 CS-01（风险点编号 FX-01）。

    不通过：风险点 FX-02 没有任何一条措施的风险点编号是 FX-02。
    """

    code = "LF301"
    name = "uncovered-risk"
    severity = Severity.ERROR
    title_zh = "风险点没有防控措施"
    title_en = "risk point without a measure"
    fix_zh = "按“一对一”要求，在防控措施表中为该风险点制定至少一条具体措施。"
    fix_en = "One-to-one: add at least one concrete measure for this risk point in 防控措施."

    def check(self, workbook: Workbook, ctx: Context) -> Iterator[Finding]:
        if missing_table(workbook, "measures"):
            return
        answered = workbook.measures_by_risk
        for risk in workbook.risks_by_id.values():  # a repeated ID (LF107) is one risk point here
            if risk.id in answered:
                continue
            yield self.finding(
                ctx.tr("风险点 {o} 没有对应的防控措施", "risk point {o} has no prevention measure", o=risk.mention),
                at=risk.loc("id"), object=risk.id, field="id")


@register
class HighRiskPhases(Rule):
    """A 高 risk point lacks a measure in one of the three phases 前期预防, 中期监控, 后期处置.

    One finding per risk point, the message naming the missing phases. A risk point with no measure
    at all is LF301's and not reported here again; a risk point one of whose measures has an
    unreadable 防控阶段 is skipped (that measure may be the missing phase).

    Passing: FX-01 (高) with measures in 前期预防, 中期监控 and 后期处置.

    Failing (object ``FX-01``, message naming 后期处置)::

        risks:    [{id: FX-01, level: 高, …}]
        measures: [{id: CS-01, risk: FX-01, phase: 前期预防, …}, {id: CS-02, risk: FX-01, phase: 中期监控, …}]
    """

    doc_zh = """
    高风险点在 前期预防、中期监控、后期处置 三个阶段中缺少某一阶段的措施。

    每个风险点一条发现项，消息列出缺少的阶段。完全没有措施的风险点由 LF301 报告，这里不再重复；
    若该风险点某条措施的防控阶段无法读取，则跳过（那条措施可能正是缺少的阶段）。

    通过：高风险点 FX-01 有前期预防、中期监控、后期处置三条措施。

    不通过：高风险点 FX-01 只有前期预防和中期监控的措施（缺后期处置）。
    """

    code = "LF302"
    name = "high-risk-phases"
    severity = Severity.WARNING
    title_zh = "高风险点缺少某一防控阶段的措施"
    title_en = "high risk without all three phases"
    fix_zh = "高风险点应分别有前期预防、中期监控、后期处置措施，补齐缺少的阶段。"
    fix_en = "A 高 risk point needs measures in 前期预防, 中期监控 and 后期处置: add the missing phases."

    def check(self, workbook: Workbook, ctx: Context) -> Iterator[Finding]:
        by_risk = workbook.measures_by_risk
        high = RiskLevel.HIGH
        message = ctx.tr("高风险点 {o} 缺少 {p} 阶段的防控措施", "high risk point {o} has no measure in phase {p}").format
        code, name, severity = self.code, self.name, self.severity
        for risk in workbook.risks_by_id.values():
            if risk.level is not high:
                continue
            measures = by_risk.get(risk.id)
            if not measures:
                continue
            have = {m.phase for m in measures}
            if None in have:
                continue
            missing = phases_missing_from(have)  # the coverage report's definition, one home
            if missing:
                yield Finding(code, name, severity, message(o=risk.mention, p="、".join([PHASE_TEXT[p] for p in missing])),
                              risk.loc("id"), risk.id, "id")


@register
class PowerWithoutRisk(Rule):
    """A power that is kept (清理意见 保留 or 调整) has no risk point.

    Every power kept after 清权确权 is searched for risk points; a kept power with none usually means
    the search was skipped. Abolished powers (废止) are exempt.

    Passing: QL-01 (保留) with FX-01 on it; QL-02 (废止) with no risk point.

    Failing (object ``QL-03``): QL-03 (调整) and no risk point names QL-03.
    """

    doc_zh = """
    保留或调整的职权没有任何风险点。

    清权确权后保留（或调整）的职权都应查找风险点；没有风险点通常说明漏查了。废止的职权不在此列。

    通过：QL-01（保留）上有风险点 FX-01；QL-02（废止）没有风险点。

    不通过：QL-03（调整）上没有任何风险点。
    """

    code = "LF303"
    name = "power-without-risk"
    severity = Severity.WARNING
    title_zh = "职权没有风险点"
    title_en = "kept power without a risk point"
    fix_zh = "查找该职权的廉政风险点；确无风险的，在备注中说明理由。"
    fix_en = "Look for the integrity risks of this power; if there is none, say why in 备注."

    def check(self, workbook: Workbook, ctx: Context) -> Iterator[Finding]:
        if missing_table(workbook, "risks"):
            return
        by_power = workbook.risks_by_power
        for power in workbook.powers_by_id.values():
            if power.kept and power.id not in by_power:
                yield self.finding(
                    ctx.tr("职权 {o}（{n}）没有查找出任何风险点", "power {o} ({n}) has no risk point", o=power.mention, n=power.name or ""),
                    at=power.loc("id"), object=power.id, field="id")


@register
class TierNotCovered(Rule):
    """One of the three post tiers has no risk point on any of its posts.

    The seed asks to search 领导岗位, 中层岗位 and 其他重要岗位 separately. A tier is covered when some
    risk point's 岗位编号 is a post of that tier; a tier with no post at all is uncovered as well. One
    finding per tier, object null, located at the 岗位 sheet (YAML: the ``posts`` key). Skipped when
    a post's 岗位层次 or a risk point's 岗位编号 could not be read.

    Passing: risk points on GW-01 (领导岗位), GW-04 (中层岗位) and GW-08 (其他重要岗位).

    Failing: no risk point's 岗位编号 is a 领导岗位 post.
    """

    doc_zh = """
    三个岗位层次中，某一层次的岗位上没有任何风险点。

    实施方案要求查找中区别领导岗位、中层岗位和其他重要岗位三个层次。某层次“已覆盖”，是指有风险点的
    岗位编号是该层次的岗位；一个该层次岗位都没有，也算未覆盖。每个层次一条发现项，对象为空，位置为
    岗位表（YAML 中为 posts 键）。若有岗位的岗位层次或风险点的岗位编号无法读取，则不检查。

    通过：风险点分别落在 GW-01（领导岗位）、GW-04（中层岗位）、GW-08（其他重要岗位）上。

    不通过：没有任何风险点的岗位编号是领导岗位。
    """

    code = "LF304"
    name = "tier-not-covered"
    severity = Severity.WARNING
    title_zh = "岗位层次未覆盖"
    title_en = "post tier not covered"
    fix_zh = "为该层次的岗位查找风险点：领导岗位、中层岗位、其他重要岗位都应覆盖。"
    fix_en = "Find risk points on posts of this tier: leader, middle and other key posts must all be covered."

    def check(self, workbook: Workbook, ctx: Context) -> Iterator[Finding]:
        if missing_table(workbook, "posts") or missing_table(workbook, "risks"):
            return
        if any(p.tier is None for p in workbook.posts) or any(r.post is None and r.unreadable("post") for r in workbook.risks):
            return
        posts = workbook.posts_by_id
        present = {p.tier for p in workbook.posts}
        covered = {posts[r.post].tier for r in workbook.risks if r.post in posts}
        at = workbook.origin.table("posts")
        for tier in PostTier:
            if tier in covered:
                continue
            if tier in present:
                message = ctx.tr("「{t}」层次的岗位上没有任何风险点", "no risk point sits on a post of tier {t}", t=tier.value)
            else:
                message = ctx.tr("岗位表中没有「{t}」层次的岗位，该层次没有查找风险点", "there is no post of tier {t}, so none of its risk points", t=tier.value)
            yield self.finding(message, at=at, object=None, field="tier")


@register
class CategoryNotCovered(Rule):
    """One of the five risk categories has no risk point.

    The seed names five categories: 思想道德, 岗位职责, 业务流程, 制度机制, 外部环境. A category with no
    risk point is worth a note (info), object null, located at the 风险点 sheet. Skipped when a risk
    point's 风险类别 could not be read.

    Passing: at least one risk point in each of the five categories.

    Failing: no risk point has 风险类别 外部环境.
    """

    doc_zh = """
    五类风险中某一类没有任何风险点。

    实施方案列出思想道德、岗位职责、业务流程、制度机制、外部环境五个方面。某一类没有风险点时给出提示
    （info），对象为空，位置为风险点表。若有风险点的风险类别无法读取，则不检查。

    通过：五类各至少有一个风险点。

    不通过：没有风险类别为“外部环境”的风险点。
    """

    code = "LF305"
    name = "category-not-covered"
    severity = Severity.INFO
    title_zh = "风险类别未覆盖"
    title_en = "risk category not covered"
    fix_zh = "对照思想道德、岗位职责、业务流程、制度机制、外部环境五类风险补充查找。"
    fix_en = "Look again across the five categories: ethics, duty, process, institution, environment."

    def check(self, workbook: Workbook, ctx: Context) -> Iterator[Finding]:
        if missing_table(workbook, "risks") or any(r.category is None for r in workbook.risks):
            return
        present = {r.category for r in workbook.risks}
        at = workbook.origin.table("risks")
        for category in RiskCategory:
            if category not in present:
                yield self.finding(
                    ctx.tr("没有「{c}」类的风险点", "no risk point in category {c}", c=category.value),
                    at=at, object=None, field="category")


@register
class PowerWithoutFlow(Rule):
    """A kept power (保留 or 调整) has no flow.

    The seed asks to draw the power-operation flow of every power (绘制权力运行流程图). An absent
    流程 sheet is an empty table, so every kept power is reported.

    Passing: QL-01 (保留) and a flow LC-01 with 职权编号 QL-01.

    Failing (object ``QL-02``): QL-02 (保留) and no flow names QL-02.
    """

    doc_zh = """
    保留或调整的职权没有权力运行流程。

    实施方案要求对权力“绘制权力运行流程图”。没有流程表等同于流程表为空，每项保留的职权都会报告。

    通过：QL-01（保留）有流程 LC-01（职权编号 QL-01）。

    不通过：QL-02（保留）没有任何流程。
    """

    code = "LF306"
    name = "power-without-flow"
    severity = Severity.WARNING
    title_zh = "职权没有流程图"
    title_en = "kept power without a flow"
    fix_zh = "为该职权绘制权力运行流程（外部或内部流程）。"
    fix_en = "Draw a power-operation flow (external or internal) for this power."

    def check(self, workbook: Workbook, ctx: Context) -> Iterator[Finding]:
        by_power = workbook.flows_by_power
        for power in workbook.powers_by_id.values():
            if power.kept and power.id not in by_power:
                yield self.finding(
                    ctx.tr("职权 {o}（{n}）没有权力运行流程", "power {o} ({n}) has no flow", o=power.mention, n=power.name or ""),
                    at=power.loc("id"), object=power.id, field="id")


@register
class RiskOffChart(Rule):
    """A risk point on a power that has flows is marked on none of their steps.

    Risk points are drawn beside the steps where they sit; a risk point of a charted power that no
    step lists in 风险点编号 will not appear on the chart (info). Skipped when a step of those flows
    has an unreadable 风险点编号.

    Passing: FX-01 on QL-01, and a step of QL-01's flow lists FX-01.

    Failing (object ``FX-02``): FX-02 on QL-01, listed by no step of QL-01's flows.
    """

    doc_zh = """
    风险点所在职权画有流程图，但该风险点没有标注在任何环节上。

    流程图在风险点所在的环节旁标注风险点；若没有任何环节的「风险点编号」列出它，图上就看不到（提示）。
    若这些流程有环节的风险点编号无法读取，则不检查。

    通过：FX-01 属于 QL-01，QL-01 的流程中有环节列出 FX-01。

    不通过：FX-02 属于 QL-01，QL-01 的所有流程环节都没有列出 FX-02。
    """

    code = "LF307"
    name = "risk-off-chart"
    severity = Severity.INFO
    title_zh = "风险点未标注在流程图上"
    title_en = "risk point not marked on its flow"
    fix_zh = "在流程环节的“风险点编号”中标注该风险点所在的环节。"
    fix_en = "Mark the risk point on the step where it sits (流程环节 风险点编号)."

    def check(self, workbook: Workbook, ctx: Context) -> Iterator[Finding]:
        marked: dict[str, set[str] | None] = {}  # power → risks marked on its flows (None: unknowable)
        for power_id, flows in workbook.flows_by_power.items():
            seen: set[str] | None = set()
            for flow in flows:
                for step in flow.steps:
                    if step.risks is None:
                        seen = None
                        break
                    seen.update(step.risks)
                if seen is None:
                    break
            marked[power_id] = seen
        message = ctx.tr("风险点 {o} 所在职权 {p} 有流程图，但没有标注在任何环节上",
                         "risk point {o} is on power {p}, which has flows, but no step marks it").format
        code, name, severity = self.code, self.name, self.severity
        for risk in workbook.risks_by_id.values():
            power = risk.power
            if power is None or power not in marked:
                continue
            seen = marked[power]
            if seen is not None and risk.id not in seen:
                yield Finding(code, name, severity, message(o=risk.mention, p=power), risk.loc("id"), risk.id, "id")


@register
class AbolishedPowerInUse(Rule):
    """A power marked 废止 (abolished) still has risk points, measures or flows.

    One finding per abolished power, on its 清理意见, naming what still uses it: its risk points,
    the measures of those risk points, and its flows. An abolished power should be cleared out of
    the other tables (or kept, 保留/调整, if it is still exercised).

    Passing: QL-09 (废止) and nothing names QL-09.

    Failing (object ``QL-09``): QL-09 (废止) while risk point FX-20 has 职权编号 QL-09.
    """

    doc_zh = """
    清理意见为“废止”的职权仍有风险点、防控措施或流程。

    每项废止的职权一条发现项，位于其清理意见，列出仍在使用它的风险点、这些风险点的措施和流程。
    废止的职权应从其他表中清理；若仍在行使，应改为保留或调整。

    通过：QL-09（废止），没有任何行引用 QL-09。

    不通过：QL-09（废止），而风险点 FX-20 的职权编号仍是 QL-09。
    """

    code = "LF308"
    name = "abolished-power-in-use"
    severity = Severity.WARNING
    title_zh = "废止的职权仍在使用"
    title_en = "abolished power still in use"
    fix_zh = "删除或改挂仍使用该废止职权的风险点、措施和流程。"
    fix_en = "Remove or reassign the risk points, measures and flows that still use the abolished power."

    def check(self, workbook: Workbook, ctx: Context) -> Iterator[Finding]:
        risks_by_power = workbook.risks_by_power
        flows_by_power = workbook.flows_by_power
        by_risk = workbook.measures_by_risk
        for power in workbook.powers_by_id.values():
            if power.disposition is not Disposition.ABOLISH:
                continue
            risks = [r.id for r in risks_by_power.get(power.id, ()) if r.id is not None]
            measures = [m.id for r in risks for m in by_risk.get(r, ()) if m.id is not None]
            flows = [f.id for f in flows_by_power.get(power.id, ()) if f.id is not None]
            if not (risks or flows):
                continue
            parts = []
            if risks:
                parts.append(ctx.tr("风险点 {x}", "risk points {x}", x=listing(risks)))
            if measures:
                parts.append(ctx.tr("防控措施 {x}", "measures {x}", x=listing(measures)))
            if flows:
                parts.append(ctx.tr("流程 {x}", "flows {x}", x=listing(flows)))
            yield self.finding(
                ctx.tr("职权 {o} 已废止，但仍有{u}", "power {o} is abolished but still has {u}",
                   o=power.mention, u=ctx.tr("；", "; ").join(parts)),
                at=power.loc("disposition"), object=power.id, field="disposition")
