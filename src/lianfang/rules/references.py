"""LF201–LF205: references between tables (职权编号, 岗位编号, 风险点编号, 下一环节).

A finding about an unknown reference sits on the cell (or YAML value) that holds the reference and
names the referring row as its ``object``, never the missing target. A reference whose value could
not be read was already reported by the reader and is not checked again; references into a
required table that is absent from the file (LF101) are not checked either.
"""

from __future__ import annotations

from collections.abc import Iterator

from lianfang.findings import Finding, Severity
from lianfang.i18n import tr
from lianfang.model.workbook import Workbook
from lianfang.rules.base import Context, Rule, missing_table, register


class _CaseHints:
    """Suggests ``QL-01`` for ``ql-01`` (IDs are case-sensitive). The case-folded index is built
    on the first unknown reference: most workbooks have none, and a large one has tens of
    thousands of IDs."""

    def __init__(self, ids):
        self._ids = ids
        self._folded: dict[str, str] | None = None

    def __call__(self, value: str) -> str:
        if self._folded is None:
            self._folded = {i.casefold(): i for i in self._ids}
        near = self._folded.get(value.casefold())
        if near is None:
            return ""
        return tr("（是否应为「{n}」？编号区分大小写）", " (did you mean {n!r}? IDs are case-sensitive)", n=near)


def step_object(flow_id: str | None, step_id: str | None) -> str | None:
    """The ``object`` of a finding about a flow step: ``FLOW/STEP`` (e.g. ``LC-06/2``)."""
    if flow_id is None or step_id is None:
        return None
    return f"{flow_id}/{step_id}"


@register
class UnknownPower(Rule):
    """A 职权编号 that is not in 职权目录.

    Checked: 风险点.职权编号 (``risks[].power``) and 流程.职权编号 (``flows[].power``). IDs are
    case-sensitive; when only the case differs the message suggests the right spelling.

    Passing::

        powers: [{id: QL-01, …}]
        risks:  [{id: FX-01, power: QL-01, …}]

    Failing (finding on FX-01's ``power`` value, object ``FX-01``)::

        risks:  [{id: FX-01, power: QL-09, …}]
    """

    doc_zh = """
    引用了职权目录中不存在的职权编号。

    检查 风险点 表的「职权编号」和 流程 表的「职权编号」。编号区分大小写；若仅大小写不同，提示会给出正确写法。
    发现项位于填写该编号的单元格，对象为引用它的那一行（如风险点 FX-01），而不是不存在的目标。

    通过：职权目录有 QL-01，风险点 FX-01 的职权编号为 QL-01。

    不通过：风险点 FX-01 的职权编号为 QL-09，而职权目录中没有 QL-09。
    """

    code = "LF201"
    name = "unknown-power"
    severity = Severity.ERROR
    title_zh = "职权编号不存在"
    title_en = "unknown power"
    fix_zh = "改为职权目录中已有的职权编号，或在职权目录中补充该职权。"
    fix_en = "Use a power ID from 职权目录, or add the power there."

    def check(self, workbook: Workbook, ctx: Context) -> Iterator[Finding]:
        if missing_table(workbook, "powers"):
            return
        known = workbook.powers_by_id
        hint = _CaseHints(known)
        for risk in workbook.risks:
            if risk.power is not None and risk.power not in known:
                yield self.finding(
                    ctx.tr("风险点 {o} 的职权编号「{v}」在职权目录中不存在{h}", "risk point {o}: power {v!r} is not in the power list{h}",
                       o=risk.mention, v=risk.power, h=hint(risk.power)),
                    at=risk.loc("power"), object=risk.id, field="power")
        for flow in workbook.flows:
            if flow.power is not None and flow.power not in known:
                yield self.finding(
                    ctx.tr("流程 {o} 的职权编号「{v}」在职权目录中不存在{h}", "flow {o}: power {v!r} is not in the power list{h}",
                       o=flow.mention, v=flow.power, h=hint(flow.power)),
                    at=flow.loc("power"), object=flow.id, field="power")


@register
class UnknownPost(Rule):
    """A 岗位编号 that is not in 岗位.

    Checked: every item of 职权目录.责任岗位 (``powers[].posts``) and 风险点.岗位编号
    (``risks[].post``). One finding per unknown item.

    Passing::

        posts:  [{id: GW-01, …}, {id: GW-02, …}]
        powers: [{id: QL-01, posts: [GW-01, GW-02], …}]

    Failing (object ``QL-01``, field ``posts``)::

        powers: [{id: QL-01, posts: [GW-01, GW-07], …}]
    """

    doc_zh = """
    引用了岗位表中不存在的岗位编号。

    检查 职权目录 的「责任岗位」（可填多个，逐个检查）和 风险点 的「岗位编号」。每个不存在的编号一条发现项。

    通过：岗位表有 GW-01、GW-02，职权 QL-01 的责任岗位为 GW-01、GW-02。

    不通过：职权 QL-01 的责任岗位为 GW-01、GW-07，而岗位表中没有 GW-07。
    """

    code = "LF202"
    name = "unknown-post"
    severity = Severity.ERROR
    title_zh = "岗位编号不存在"
    title_en = "unknown post"
    fix_zh = "改为岗位表中已有的岗位编号，或在岗位表中补充该岗位。"
    fix_en = "Use a post ID from 岗位, or add the post there."

    def check(self, workbook: Workbook, ctx: Context) -> Iterator[Finding]:
        if missing_table(workbook, "posts"):
            return
        known = workbook.posts_by_id
        hint = _CaseHints(known)
        for power in workbook.powers:
            for post in power.posts or ():
                if post not in known:
                    yield self.finding(
                        ctx.tr("职权 {o} 的责任岗位「{v}」在岗位表中不存在{h}", "power {o}: post {v!r} is not in the posts table{h}",
                           o=power.mention, v=post, h=hint(post)),
                        at=power.loc("posts"), object=power.id, field="posts")
        for risk in workbook.risks:
            if risk.post is not None and risk.post not in known:
                yield self.finding(
                    ctx.tr("风险点 {o} 的岗位编号「{v}」在岗位表中不存在{h}", "risk point {o}: post {v!r} is not in the posts table{h}",
                       o=risk.mention, v=risk.post, h=hint(risk.post)),
                    at=risk.loc("post"), object=risk.id, field="post")


@register
class UnknownRisk(Rule):
    """A 风险点编号 that is not in 风险点.

    Checked: 防控措施.风险点编号 (``measures[].risk``), 预警处置.风险点编号 (``alerts[].risk``), and
    every item of 流程环节.风险点编号 (``flows[].steps[].risks``, object ``FLOW/STEP``) and
    制度.风险点编号 (``institutions[].risks``).

    Passing::

        risks:    [{id: FX-01, …}]
        measures: [{id: CS-01, risk: FX-01, …}]

    Failing (object ``CS-01``, field ``risk``)::

        measures: [{id: CS-01, risk: FX-10, …}]
    """

    doc_zh = """
    引用了风险点表中不存在的风险点编号。

    检查 防控措施、预警处置 的「风险点编号」，以及 流程环节、制度 的「风险点编号」（可填多个，逐个检查；
    流程环节的对象写作「流程编号/环节编号」，如 LC-06/2）。

    通过：风险点表有 FX-01，措施 CS-01 的风险点编号为 FX-01。

    不通过：措施 CS-01 的风险点编号为 FX-10，而风险点表中没有 FX-10。
    """

    code = "LF203"
    name = "unknown-risk"
    severity = Severity.ERROR
    title_zh = "风险点编号不存在"
    title_en = "unknown risk point"
    fix_zh = "改为风险点表中已有的风险点编号，或删除该引用。"
    fix_en = "Use a risk point ID from 风险点, or remove the reference."

    def check(self, workbook: Workbook, ctx: Context) -> Iterator[Finding]:
        if missing_table(workbook, "risks"):
            return
        known = workbook.risks_by_id
        hint = _CaseHints(known)

        def unknown(what_zh: str, what_en: str, obj: str | None, value: str, at, field: str) -> Finding:
            return self.finding(
                ctx.tr("{w}{o} 的风险点编号「{v}」在风险点表中不存在{h}", "{e} {o}: risk point {v!r} is not in the risks table{h}",
                   w=what_zh, e=what_en, o=obj, v=value, h=hint(value)),
                at=at, object=obj, field=field)

        for m in workbook.measures:
            if m.risk is not None and m.risk not in known:
                yield unknown("措施 ", "measure", m.id, m.risk, m.loc("risk"), "risk")
        for a in workbook.alerts:
            if a.risk is not None and a.risk not in known:
                yield unknown("预警 ", "alert", a.id, a.risk, a.loc("risk"), "risk")
        for flow in workbook.flows:
            for step in flow.steps:
                for r in step.risks or ():
                    if r not in known:
                        yield unknown("流程环节 ", "flow step", step_object(flow.id, step.id), r, step.loc("risks"), "risks")
        for inst in workbook.institutions:
            for r in inst.risks or ():
                if r not in known:
                    yield unknown("制度 ", "institution", inst.id, r, inst.loc("risks"), "risks")


@register
class UnknownStep(Rule):
    """A 下一环节 names a step that is not in the same flow.

    Each target of ``next`` (with or without a condition such as ``3(同意)``) must be the 环节编号 of
    a step of the same flow. The object is the step that names it, as ``FLOW/STEP``.

    Passing::

        steps:
          - {id: "1", next: ["2"], …}
          - {id: "2", …}

    Failing (object ``LC-01/1``, field ``next``)::

        steps:
          - {id: "1", next: ["2", "4(不同意)"], …}
          - {id: "2", …}
    """

    doc_zh = """
    「下一环节」填写了本流程中不存在的环节编号。

    下一环节中的每一项（可带条件，如 3(同意)）都必须是同一流程中某个环节的环节编号。
    对象为填写它的环节，写作「流程编号/环节编号」。

    通过：环节 1 的下一环节为 2，流程中有环节 2。

    不通过：环节 1 的下一环节为 2、4(不同意)，而流程中没有环节 4。
    """

    code = "LF204"
    name = "unknown-step"
    severity = Severity.ERROR
    title_zh = "下一环节不存在"
    title_en = "unknown next step"
    fix_zh = "下一环节只能填写本流程中已有的环节编号。"
    fix_en = "下一环节 may only name steps of the same flow."

    def check(self, workbook: Workbook, ctx: Context) -> Iterator[Finding]:
        for flow in workbook.flows:
            ids = {s.id for s in flow.steps if s.id is not None}
            for step in flow.steps:
                if not step.next:
                    continue
                for target, _condition in step.transitions:
                    if target not in ids:
                        yield self.finding(
                            ctx.tr("流程 {f} 环节 {s} 的下一环节「{v}」不是本流程的环节", "flow {f}, step {s}: next step {v!r} is not a step of this flow",
                               f=flow.mention, s=step.mention, v=target),
                            at=step.loc("next"), object=step_object(flow.id, step.id), field="next")


@register
class UnanchoredRisk(Rule):
    """A risk point has neither 职权编号 nor 岗位编号.

    Every risk point sits on a power, a post, or both. When one of the two was written but could not
    be read (a malformed ID, already reported as LF105), this rule stays silent.

    Passing::

        risks: [{id: FX-01, post: GW-03, …}]

    Failing (object ``FX-01``, at its ``power`` cell)::

        risks: [{id: FX-01, category: 思想道德, description: …, level: 低}]
    """

    doc_zh = """
    风险点既没有填职权编号，也没有填岗位编号。

    每个风险点都应落在某项职权或某个岗位上（或两者都有）。若其中一项已填写但无法读取（编号格式错误，
    已报 LF105），本规则不再重复报告。

    通过：风险点 FX-01 的岗位编号为 GW-03。

    不通过：风险点 FX-01 的职权编号和岗位编号都为空。
    """

    code = "LF205"
    name = "unanchored-risk"
    severity = Severity.ERROR
    title_zh = "风险点未关联职权或岗位"
    title_en = "risk point on neither a power nor a post"
    fix_zh = "填写该风险点所在的职权编号或岗位编号（至少一项）。"
    fix_en = "Give the power or the post the risk point sits on (at least one)."

    def check(self, workbook: Workbook, ctx: Context) -> Iterator[Finding]:
        for risk in workbook.risks:
            if risk.power is None and risk.post is None and not (risk.unreadable("power") or risk.unreadable("post")):
                yield self.finding(
                    ctx.tr("风险点 {o} 既没有职权编号也没有岗位编号，至少填写一项", "risk point {o} has neither a power nor a post; give at least one",
                       o=risk.mention),
                    at=risk.loc("power"), object=risk.id, field="power")
