"""LF501–LF506: power-operation flows — can they be drawn and followed, are they fast enough, is there an internal one."""

from __future__ import annotations

import re
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


# -- time limits as days (LF505) ------------------------------------------------------------------

WORKING, CALENDAR = "working", "calendar"
_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUMBER = r"(\d+|[零一二两三四五六七八九十]{1,3})"
_DURATION = re.compile(_NUMBER + r"\s*(?:个)?\s*(工作日|自然日|日|天)")
_BRACKETS = re.compile(r"（[^（）]*）|\([^()]*\)")
# what may stand around the one duration of a plain time limit: 受理之日起5个工作日内办结
_BEFORE = re.compile(r"^(?:(?:自|从)?(?:受理|申请|立案|收到申请|接收委托)?(?:之日起|后))?$")
_AFTER = re.compile(r"^(?:内|以内|之内)?(?:办结|完成)?$")
_ZERO = ("当场", "即办", "即时")
_ONE = ("当日", "当天")


def _cn_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        t = _CN_DIGITS.get(tens, None) if tens else 1
        o = _CN_DIGITS.get(ones, None) if ones else 0
        return None if t is None or o is None else t * 10 + o
    return _CN_DIGITS.get(text) if len(text) == 1 else None


def days(text: str | None, *, promised: bool = False) -> tuple[int, str | None] | None:
    """A time limit as (days, kind): ``5个工作日`` → (5, working), ``3日`` → (3, calendar),
    ``当场``/``即办`` → (0, None), ``当日``/``当天`` → (1, None); None when it cannot be read.

    ``promised``: a power's limit that names 承诺 days (``法定45日，承诺20个工作日``) is read as those.
    """
    if not text:
        return None
    plain = _BRACKETS.sub("", text).replace(" ", "").replace("\u3000", "").rstrip("。.")
    if promised and "承诺" in plain:
        plain = plain[plain.index("承诺") + 2:]
        m = _DURATION.match(plain)
        if m is None:
            return None
        plain = m.group(0)
    if plain in _ZERO:
        return 0, None
    if plain in _ONE:
        return 1, None
    found = list(_DURATION.finditer(plain))
    if len(found) != 1:
        return None
    m = found[0]
    if not (_BEFORE.match(plain[:m.start()]) and _AFTER.match(plain[m.end():])):
        return None
    n = _cn_number(m.group(1))
    if n is None:
        return None
    return n, WORKING if m.group(2) == "工作日" else CALENDAR


def fastest_days(flow: Flow) -> tuple[int, str | None] | None:
    """The fewest days from the first step to an end step (edges back to an earlier step left out),
    adding every step's limit on the way; None when a limit or a link cannot be read, or the kinds
    of days are mixed."""
    if not flow.steps or any(s.id is None or s.next is None for s in flow.steps):
        return None
    index: dict[str, int] = {}
    for i, s in enumerate(flow.steps):
        index.setdefault(s.id, i)
    limits = [days(s.time_limit) for s in flow.steps]
    if any(x is None for x in limits):
        return None
    kinds = {k for _, k in limits if k is not None}  # type: ignore[misc]
    if len(kinds) > 1:
        return None
    best: list[int | None] = [None] * len(flow.steps)
    best[0] = limits[0][0]  # type: ignore[index]
    result: int | None = None
    for i, step in enumerate(flow.steps):  # forward edges only: one pass in order is enough
        here = best[i]
        if here is None or index[step.id] != i:
            continue
        if not step.next:
            result = here if result is None else min(result, here)
            continue
        for target, _condition in step.transitions:
            j = index.get(target)
            if j is None or j <= i:
                continue
            cost = here + limits[j][0]  # type: ignore[index]
            if best[j] is None or cost < best[j]:
                best[j] = cost
    if result is None:
        return None
    return result, (kinds.pop() if kinds else None)


def _days_text(ctx: Context, n: int, kind: str | None) -> str:
    if kind == WORKING:
        return ctx.tr("{n} 个工作日", "{n} working days", n=n)
    return ctx.tr("{n} 日", "{n} days", n=n)


@register
class FlowOverTimeLimit(Rule):
    """Even the fastest way through a flow takes more days than its power's 办理时限.

    The shortest path from the first step to an end step, edges back to an earlier step left out,
    adds up every step's 办理时限 on it; the power's 办理时限 is what the unit promises. Both are read
    as days: ``5个工作日``, ``3日``; ``当场``/``即办`` are 0 and ``当日``/``当天`` 1; a power's limit
    naming 承诺 days (``法定45日，承诺20个工作日``) is read as those. Working and calendar days are
    not mixed, and anything unreadable (an empty or free-text limit, an unreadable link) makes the
    rule silent for that flow. One finding per flow, on its row, the message giving both sums.

    Passing: QL-01 promises 10个工作日; LC-01 runs 1 (2个工作日) → 2 (5个工作日) → 3 (1个工作日).

    Failing (object ``LC-01``): the same flow when step 2 takes 10个工作日 (13 > 10).
    """

    doc_zh = """
    流程走最快的路径也超过了职权承诺的办理时限。

    从第一个环节到结束环节的最短路径（不计返回前面环节的连线）上，各环节办理时限相加；职权的办理时限是
    单位的承诺。两者都按天数读取：“5个工作日”“3日”；“当场”“即办”为 0，“当日”“当天”为 1；职权办理时限中
    写明“承诺”天数的（如“法定45日，承诺20个工作日”）按承诺天数。工作日与自然日不混算；任何一项读不出天数
    （为空、是描述性文字、下一环节无法读取），该流程就不检查。每个流程一条发现项，位于流程所在行，消息给出两个天数。

    通过：QL-01 承诺 10个工作日；LC-01 环节 1（2个工作日）→ 2（5个工作日）→ 3（1个工作日）。

    不通过：同一流程环节 2 需 10个工作日（合计 13，超过 10）。
    """

    code = "LF505"
    name = "flow-over-time-limit"
    severity = Severity.WARNING
    title_zh = "流程时限超过职权办理时限"
    title_en = "flow slower than its power's time limit"
    fix_zh = "核对各环节的办理时限：压缩环节时限，或如实写明职权承诺的办理时限。"
    fix_en = "Check each step's time limit: shorten the steps, or state the power's promised time limit truthfully."

    def check(self, workbook: Workbook, ctx: Context) -> Iterator[Finding]:
        powers = workbook.powers_by_id
        for flow in workbook.flows_by_id.values():
            power = powers.get(flow.power) if flow.power else None
            if power is None:
                continue
            promised = days(power.time_limit, promised=True)
            if promised is None:
                continue
            fastest = fastest_days(flow)
            if fastest is None:
                continue
            kind = promised[1] or fastest[1]
            if promised[1] and fastest[1] and promised[1] != fastest[1]:
                continue  # working and calendar days are not compared
            if fastest[0] > promised[0]:
                yield self.finding(
                    ctx.tr("流程 {o} 最快也需 {a}，超过职权 {p} 的办理时限 {b}",
                           "flow {o} takes at least {a}, more than the {b} of power {p}",
                           o=flow.id, p=power.id, a=_days_text(ctx, fastest[0], kind), b=_days_text(ctx, promised[0], kind)),
                    at=flow.loc("id"), object=flow.id, field="id")


@register
class NoInternalFlow(Rule):
    """A kept power (保留 or 调整) has an external flow but no internal flow.

    The seed asks for both charts: the external one tells the applicant what to bring, the internal
    one sets each step's responsible body and time limit, and it is where the risk points are
    marked. One finding per power, on its row, object the power. A power one of whose flows has an
    unreadable 流程类型 is not checked; a power with no flow at all is LF306's.

    Passing: QL-01 with LC-01 (外部) and LC-02 (内部).

    Failing (object ``QL-01``): QL-01 with LC-01 (外部) only.
    """

    doc_zh = """
    保留或调整的职权有外部流程，却没有内部流程。

    实施方案要求两种流程图：外部流程图告诉申请人需要提交什么，内部流程图规范各环节的责任主体和办理时限，
    风险点也标注在内部流程图上。每项职权一条发现项，位于职权所在行，对象为该职权。若该职权有流程的流程类型
    无法读取，则不检查；一个流程都没有的职权由 LF306 报告。

    通过：QL-01 有 LC-01（外部）和 LC-02（内部）。

    不通过：QL-01 只有 LC-01（外部）。
    """

    code = "LF506"
    name = "no-internal-flow"
    severity = Severity.WARNING
    title_zh = "职权只有外部流程，没有内部流程"
    title_en = "power with an external flow but no internal flow"
    fix_zh = "为该职权补画内部流程（各环节的责任主体和办理时限），并在环节上标注风险点。"
    fix_en = "Add the power's internal flow (each step's responsible body and time limit) and mark its risk points on the steps."

    def check(self, workbook: Workbook, ctx: Context) -> Iterator[Finding]:
        by_power = workbook.flows_by_power
        for power in workbook.powers_by_id.values():
            if not power.kept:
                continue
            flows = by_power.get(power.id)
            if not flows or any(f.kind is None for f in flows):
                continue
            kinds = {f.kind for f in flows}
            if FlowKind.EXTERNAL in kinds and FlowKind.INTERNAL not in kinds:
                yield self.finding(
                    ctx.tr("职权 {o}（{n}）只有外部流程，没有内部流程", "power {o} ({n}) has an external flow but no internal flow",
                           o=power.id, n=power.name or ""),
                    at=power.loc("id"), object=power.id, field="id")
