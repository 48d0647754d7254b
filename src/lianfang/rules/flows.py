"""LF501–LF504: power-operation flows — can they be drawn and followed."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from lianfang.findings import Finding, Severity
from lianfang.model.vocab import FlowKind
from lianfang.model.workbook import Flow, Step, Workbook
from lianfang.rules.base import Context, Rule, register
from lianfang.rules.references import step_object


def _is_end(step: Step) -> bool:
    # None is an unreadable 下一环节 (already reported): something was written, so not an end
    return step.next is not None and not step.next


@register
class FlowNoEnd(Rule):
    """A flow has no end step: every step has a 下一环节 (or the flow has no step at all).

    An end step (办结) is a step whose 下一环节 is empty. A flow whose steps all lead somewhere never
    ends; a flow with no step cannot be drawn and is reported here too. On the flow's row; a flow
    that repeats the ID of an earlier one (LF107) is not checked.

    Passing::

        steps:
          - {id: "1", name: 受理, next: ["2"], …}
          - {id: "2", name: 办结, …}

    Failing (object ``LC-01``)::

        steps:
          - {id: "1", name: 受理, next: ["2"], …}
          - {id: "2", name: 审查, next: ["1"], …}
    """

    doc_zh = """
    流程没有结束环节：每个环节都填了下一环节（或流程一个环节也没有）。

    下一环节为空的环节是结束环节（办结）。所有环节都通向别处的流程永远走不完；一个环节都没有的流程
    无法绘制，也在这里报告。位于该流程所在行；与前面流程编号重复的流程（已报 LF107）不检查。

    通过：环节 1 受理 → 环节 2 办结（下一环节为空）。

    不通过：环节 1 的下一环节为 2，环节 2 的下一环节为 1。
    """

    code = "LF501"
    name = "flow-no-end"
    severity = Severity.ERROR
    title_zh = "流程没有结束环节"
    title_en = "flow without an end step"
    fix_zh = "为流程设置办结环节（下一环节为空的环节）。"
    fix_en = "Give the flow an end step (one with an empty 下一环节)."

    def check(self, workbook: Workbook, ctx: Context) -> Iterator[Finding]:
        # a flow repeating an ID (LF107) may have lost its steps to the first (xlsx): not checked
        for flow in workbook.flows_by_id.values():
            if not flow.steps:
                message = ctx.tr("流程 {o} 没有任何环节", "flow {o} has no steps", o=flow.mention)
            elif not any(_is_end(s) for s in flow.steps):
                message = ctx.tr("流程 {o} 没有结束环节（每个环节都有下一环节）", "flow {o} has no end step (every step has a next step)", o=flow.mention)
            else:
                continue
            yield self.finding(message, at=flow.loc("id"), object=flow.id, field="id")


def unreachable(flow: Flow) -> list[Step]:
    """Steps that cannot be reached from the first step, following 下一环节 (breadth first, linear)."""
    index: dict[str, int] = {}
    for i, s in enumerate(flow.steps):
        if s.id is not None:
            index.setdefault(s.id, i)
    reached = [False] * len(flow.steps)
    reached[0] = True
    queue = deque([0])
    while queue:
        step = flow.steps[queue.popleft()]
        for target, _condition in step.transitions if step.next else ():
            j = index.get(target)
            if j is not None and not reached[j]:
                reached[j] = True
                queue.append(j)
    # a step repeating an ID (LF107) cannot be told apart from the first: not reported
    return [s for i, (s, ok) in enumerate(zip(flow.steps, reached, strict=True)) if not ok and index[s.id] == i]


@register
class UnreachableStep(Rule):
    """A step cannot be reached from the flow's first step.

    The start of a flow is its first step in order of appearance; following 下一环节 from there must
    reach every step. One finding per unreachable step, object ``FLOW/STEP``, on its 环节编号. A flow
    with an unreadable 下一环节 or 环节编号 is not checked (the missing link may be there), nor a step
    repeating an earlier step's 环节编号 (LF107).

    Passing: 1 → 2 → 3.

    Failing (object ``LC-01/4``): steps 1 → 2 → 3, and a step 4 that no 下一环节 names.
    """

    doc_zh = """
    从流程的第一个环节出发，沿下一环节无法到达某个环节。

    流程的起点是按出现顺序的第一个环节；从它出发沿下一环节应能到达每个环节。每个到达不了的环节一条发现项，
    对象为“流程编号/环节编号”，位于其环节编号。若流程中有环节的下一环节或环节编号无法读取，则不检查该流程；
    环节编号与前面环节重复的（已报 LF107）也不报告。

    通过：1 → 2 → 3。

    不通过：1 → 2 → 3，另有环节 4，没有任何下一环节指向它。
    """

    code = "LF502"
    name = "unreachable-step"
    severity = Severity.WARNING
    title_zh = "环节无法到达"
    title_en = "unreachable step"
    fix_zh = "在其他环节的“下一环节”中连到该环节，或删除多余的环节。"
    fix_en = "Link the step from another step's 下一环节, or remove it."

    def check(self, workbook: Workbook, ctx: Context) -> Iterator[Finding]:
        for flow in workbook.flows:
            if not flow.steps or any(s.next is None or s.id is None for s in flow.steps):
                continue
            for step in unreachable(flow):
                yield self.finding(
                    ctx.tr("流程 {f} 的环节 {s} 从第一个环节出发无法到达", "flow {f}: step {s} cannot be reached from the first step",
                       f=flow.mention, s=step.mention),
                    at=step.loc("id"), object=step_object(flow.id, step.id), field="id")


@register
class StepMissingTimeLimit(Rule):
    """A step of an internal flow (流程类型 内部) has no 办理时限.

    The internal flowchart sets out each step's responsible body and time limit (办理时限). One
    finding per step, object ``FLOW/STEP``, on its 办理时限.

    Passing: ``{id: "1", name: 初审, actor: 医政科, time_limit: 3个工作日}`` in an internal flow.

    Failing (object ``LC-02/1``): the same step without ``time_limit``.
    """

    doc_zh = """
    内部流程的环节没有办理时限。

    权力运行内部流程图要对各个环节的责任主体、办理时限进行规范。每个环节一条发现项，对象为“流程编号/环节编号”，
    位于其办理时限。

    通过：内部流程的环节“初审”，责任主体医政科，办理时限 3个工作日。

    不通过：同一环节没有填写办理时限。
    """

    code = "LF503"
    name = "step-missing-time-limit"
    severity = Severity.WARNING
    title_zh = "内部流程环节缺少办理时限"
    title_en = "internal step without a time limit"
    fix_zh = "为内部流程的每个环节填写办理时限。"
    fix_en = "Give every step of an internal flow a time limit."

    def check(self, workbook: Workbook, ctx: Context) -> Iterator[Finding]:
        for flow in workbook.flows:
            if flow.kind is not FlowKind.INTERNAL:
                continue
            for step in flow.steps:
                if not step.time_limit and not step.unreadable("time_limit"):
                    yield self.finding(
                        ctx.tr("内部流程 {f} 的环节 {s}（{n}）没有办理时限", "internal flow {f}: step {s} ({n}) has no time limit",
                           f=flow.mention, s=step.mention, n=step.name or ""),
                        at=step.loc("time_limit"), object=step_object(flow.id, step.id), field="time_limit")


@register
class ExternalFlowIncomplete(Rule):
    """An external flow (流程类型 外部) has no 所需材料 or no 监督渠道.

    The external flowchart tells the applicant every material to submit and where to complain
    (所需材料, 监督渠道). One finding per empty field, object the flow.

    Passing: an external flow with 所需材料 ``申请书、身份证明`` and 监督渠道 ``监督电话：0551-82312345``.

    Failing (object ``LC-01``, field ``supervision``): an external flow with no 监督渠道.
    """

    doc_zh = """
    外部流程没有所需材料或没有监督渠道。

    权力运行外部流程图要写明办理事项所需提交的全部材料和监督渠道。每个空项一条发现项，对象为该流程。

    通过：外部流程的所需材料“申请书、身份证明”，监督渠道“监督电话：0551-82312345”。

    不通过：外部流程没有填写监督渠道。
    """

    code = "LF504"
    name = "external-flow-incomplete"
    severity = Severity.WARNING
    title_zh = "外部流程信息不全"
    title_en = "external flow incomplete"
    fix_zh = "外部流程应列明所需材料和监督渠道（如监督电话）。"
    fix_en = "An external flow lists the materials required and the supervision channels (e.g. a phone)."

    def check(self, workbook: Workbook, ctx: Context) -> Iterator[Finding]:
        for flow in workbook.flows:
            if flow.kind is not FlowKind.EXTERNAL:
                continue
            for key, label_zh, label_en in (("materials", "所需材料", "materials to submit"),
                                            ("supervision", "监督渠道", "supervision channels")):
                if not getattr(flow, key) and not flow.unreadable(key):
                    yield self.finding(
                        ctx.tr("外部流程 {o} 没有写明{l}", "external flow {o} gives no {l}", o=flow.mention, l=ctx.tr(label_zh, label_en)),
                        at=flow.loc(key), object=flow.id, field=key)
