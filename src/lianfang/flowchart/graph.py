"""A flow of a workbook as a chart: plain data, built without Graphviz.

``build_chart(workbook, flow)`` turns one 流程 and its 流程环节 into a ``Chart`` — lanes (one per
responsible body, internal flows only), nodes (one per step), edges (one per 下一环节 item, with
its condition), the risk points marked on the steps and, for an external flow, the panel the
applicant reads (办理主体, 依据, 材料, 时限, 地点, 电话, 收费, 监督渠道). ``flowchart.dot`` renders it.

Whether a flow can be drawn is decided by the rules' findings (``flowchart.plan_workbook``);
``build_chart`` only refuses, with ``BrokenFlow``, a flow it cannot draw truthfully, which the
rules report as errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lianfang.model.vocab import FlowKind, Phase, RiskLevel
from lianfang.model.workbook import Flow, Measure, PowerItem, Workbook

_PHASE_ORDER = {p: i for i, p in enumerate(Phase)}


@dataclass(frozen=True, slots=True)
class MeasureLine:
    """One measure answering a marked risk point, for the risk table."""

    id: str | None
    phase: Phase | None
    description: str | None


@dataclass(frozen=True, slots=True)
class RiskMark:
    """A risk point marked on the chart (▲ and its ID), with what the risk table shows."""

    id: str
    level: RiskLevel | None
    description: str | None
    measures: tuple[MeasureLine, ...] = ()


@dataclass(frozen=True, slots=True)
class Node:
    """One step: a box. ``key`` is the DOT node ID (never user text)."""

    key: str
    step_id: str
    name: str
    actor: str  # the 责任主体 as written; shown on the box where the lane does not say it all
    time_limit: str | None = None
    risks: tuple[str, ...] = ()  # IDs of the risk points marked on this step
    level: RiskLevel | None = None  # the highest level among them, which colours the box
    start: bool = False
    end: bool = False


@dataclass(frozen=True, slots=True)
class Edge:
    tail: str  # node keys
    head: str
    condition: str | None = None
    back: bool = False  # returns to a step already on the way here (a loop); does not rank


@dataclass(frozen=True, slots=True)
class Lane:
    """A swimlane: the steps of one responsible body (a department, or a body such as 局党组),
    lanes in order of first appearance. ``body`` is the lane's title."""

    key: str
    body: str
    nodes: tuple[str, ...]


# panel rows of an external chart, in the order they are shown
PANEL_FIELDS = ("subject", "basis", "materials", "time_limit", "place", "phone", "fee", "supervision")


@dataclass(frozen=True, slots=True)
class PanelRow:
    field: str  # one of PANEL_FIELDS
    values: tuple[str, ...]  # empty when the workbook gives nothing
    from_power: bool = False  # the flow left it empty and the power's value is shown


@dataclass(frozen=True, slots=True)
class Panel:
    rows: tuple[PanelRow, ...]

    def row(self, field: str) -> PanelRow:
        return next(r for r in self.rows if r.field == field)


@dataclass(frozen=True, slots=True)
class Chart:
    kind: FlowKind
    unit_code: str | None
    unit_name: str | None
    flow_id: str
    flow_name: str  # the flow's 流程名称, or its power's name
    power_id: str
    power_name: str | None
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    lanes: tuple[Lane, ...] = ()  # internal charts only
    risks: tuple[RiskMark, ...] = ()  # every marked risk point, in order of first mark
    panel: Panel | None = None  # external charts only

    @property
    def start(self) -> Node:
        return self.nodes[0]

    @property
    def ends(self) -> tuple[Node, ...]:
        return tuple(n for n in self.nodes if n.end)


class BrokenFlow(Exception):
    """A flow that cannot be drawn truthfully (a reference that does not resolve, a value that
    could not be read). The findings of the rules say why; this only stops the drawing."""

    def __init__(self, flow_id: str | None):
        super().__init__(flow_id)
        self.flow_id = flow_id


def build_chart(wb: Workbook, flow: Flow, guide_fields: frozenset[str] | None = None) -> Chart:
    """The chart of ``flow``; raises ``BrokenFlow`` when it cannot be drawn truthfully.

    ``guide_fields``: the items of an external chart's 办事指南 to show (``PANEL_FIELDS`` names; all
    when None). The 公示 leaves out what is not public rather than show it as 「（未填写）」."""
    _require_drawable(wb, flow)
    power = wb.powers_by_id[flow.power]
    key_of = {step.id: f"s{i}" for i, step in enumerate(flow.steps, start=1)}

    nodes = []
    for i, step in enumerate(flow.steps):
        marked = tuple(dict.fromkeys(step.risks))
        levels = [wb.risks_by_id[r].level for r in marked if wb.risks_by_id[r].level is not None]
        nodes.append(Node(
            key=key_of[step.id], step_id=step.id, name=step.name, actor=step.actor,
            time_limit=step.time_limit, risks=marked,
            level=max(levels, key=lambda lv: lv.rank) if levels else None,
            start=i == 0, end=step.is_end,
        ))

    back = _back_edges(flow)
    edges = tuple(
        Edge(key_of[step.id], key_of[target], condition, (step.id, target) in back)
        for step in flow.steps
        for target, condition in step.transitions
    )

    lanes: tuple[Lane, ...] = ()
    if flow.kind is FlowKind.INTERNAL:
        departments = post_departments(wb)
        by_body: dict[str, list[str]] = {}
        for n in nodes:
            by_body.setdefault(responsible_body(n.actor, departments), []).append(n.key)
        lanes = tuple(Lane(f"lane{i}", body, tuple(keys)) for i, (body, keys) in enumerate(by_body.items(), start=1))

    marked_ids = dict.fromkeys(r for n in nodes for r in n.risks)
    risks = tuple(_risk_mark(wb, rid) for rid in marked_ids)

    unit = wb.unit
    return Chart(
        kind=flow.kind,
        unit_code=unit.code if unit is not None else None,
        unit_name=unit.name if unit is not None else None,
        flow_id=flow.id,
        flow_name=flow.name or power.name or flow.id,
        power_id=power.id,
        power_name=power.name,
        nodes=tuple(nodes),
        edges=edges,
        lanes=lanes,
        risks=risks,
        panel=_panel(flow, power, guide_fields) if flow.kind is FlowKind.EXTERNAL else None,
    )


def _require_drawable(wb: Workbook, flow: Flow) -> None:
    """Stop at what the chart cannot show: the rules report each of these as an error
    (LF103/LF104/LF107/LF201/LF203/LF204/LF501), so this only guards the drawing."""
    ok = (flow.id is not None and flow.kind is not None and flow.power in wb.powers_by_id and flow.steps
          and all(s.id is not None and s.name is not None and s.actor is not None
                  and s.next is not None and s.risks is not None for s in flow.steps))
    if ok:
        ids = [s.id for s in flow.steps]
        ok = (len(set(ids)) == len(ids)
              and all(t in ids for s in flow.steps for t, _ in s.transitions)
              and all(r in wb.risks_by_id for s in flow.steps for r in s.risks))
    if not ok:
        raise BrokenFlow(flow.id)


# Role words that follow a department's name in a 责任主体 (医政科科长, 医政科承办人员): the lane
# is the department, the role stays on the box. Longest first, so 副科长 wins over 科长.
ROLE_WORDS = tuple(sorted((
    "承办人员", "承办人", "承办员", "经办人", "经办人员", "工作人员", "执法人员", "执法员", "科员",
    "科长", "副科长", "主任", "副主任", "负责人", "主管", "组长", "会计", "出纳", "管理员",
    "信息员", "档案员", "文秘档案员", "统计员", "审核员", "审核人员", "验收员", "采购员", "药师",
    "医师", "医生", "护士长", "专员",
), key=len, reverse=True))
# what a department's name ends with, so that 分管副局长 is not read as 分管副 + 局长
DEPARTMENT_ENDINGS = ("科", "科室", "室", "办", "处", "所", "站", "中心", "部", "部门", "组", "队", "窗口",
                      "委员会", "库", "房", "股", "局", "院")
_REMARK = re.compile(r"[（(][^（）()]*[）)]")  # （2名以上）, （授权签字人）
_SEPARATORS = re.compile(r"[、，,；;/]|或")


def post_departments(wb: Workbook) -> dict[str, str]:
    """Post name → its 所在部门, for the posts whose name and department are both readable."""
    return {p.name: p.department for p in wb.posts if p.name and p.department}


def responsible_body(actor: str, departments: dict[str, str] | None = None) -> str:
    """The body whose lane a step goes in: the department of ``actor``.

    The first body named (a step 卫生监督执法员、计划财务科 is led by the first), without a remark
    in brackets; a post of the workbook by that name gives its department; else the text before
    a role word (``医政科科长`` → ``医政科``) when that text names a department; else the body as
    written (``分管副局长``, ``局党组``).
    """
    first = _SEPARATORS.split(_REMARK.sub("", actor).strip(), maxsplit=1)[0].strip() or actor.strip()
    if departments and first in departments:
        return departments[first]
    for word in ROLE_WORDS:
        if first.endswith(word) and len(first) > len(word):
            dept = first[: -len(word)]
            if dept.endswith(DEPARTMENT_ENDINGS):
                return dept
    return first


def step_ranks(chart: Chart) -> dict[str, int]:
    """Each step's row: the longest way to it from a step nothing leads to, loops left out
    (close to the ranks ``dot`` gives)."""
    forward = [e for e in chart.edges if not e.back and e.tail != e.head]
    rank = {n.key: 0 for n in chart.nodes}
    # forward edges form a DAG (the back edges closed every loop): relax in topological order
    preds: dict[str, list[str]] = {n.key: [] for n in chart.nodes}
    for e in forward:
        preds[e.head].append(e.tail)
    done: set[str] = set()
    order: list[str] = []

    def visit(key: str) -> None:
        stack = [(key, iter(preds[key]))]
        while stack:
            node, it = stack[-1]
            for p in it:
                if p not in done:
                    done.add(p)
                    stack.append((p, iter(preds[p])))
                    break
            else:
                order.append(node)
                stack.pop()

    for n in chart.nodes:
        if n.key not in done:
            done.add(n.key)
            visit(n.key)
    for key in order:
        for p in preds[key]:
            rank[key] = max(rank[key], rank[p] + 1)
    return rank


def _back_edges(flow: Flow) -> set[tuple[str, str]]:
    """Edges to a step on the current depth-first path from the first step (loops back).

    Depth-first in written order, so the result depends only on the workbook; steps not
    reachable from the first one are walked afterwards, in written order.
    """
    succ = {s.id: [t for t, _ in s.transitions] for s in flow.steps}
    state: dict[str, int] = {}  # 1 = on the path, 2 = done
    back: set[tuple[str, str]] = set()
    for root in succ:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(succ[root]))]
        while stack:
            node, children = stack[-1]
            for child in children:
                if state.get(child) == 1:
                    back.add((node, child))
                elif child not in state:
                    state[child] = 1
                    stack.append((child, iter(succ[child])))
                    break
            else:
                state[node] = 2
                stack.pop()
    return back


def _risk_mark(wb: Workbook, rid: str) -> RiskMark:
    risk = wb.risks_by_id[rid]
    measures: list[Measure] = sorted(wb.measures_by_risk.get(rid, []),
                                     key=lambda m: _PHASE_ORDER.get(m.phase, len(_PHASE_ORDER)))
    return RiskMark(rid, risk.level, risk.description,
                    tuple(MeasureLine(m.id, m.phase, m.description) for m in measures))


def _panel(flow: Flow, power: PowerItem, fields: frozenset[str] | None = None) -> Panel:
    def one(value: str | None) -> tuple[str, ...]:
        return (value,) if value else ()

    def with_default(own: str | None, default: str | None) -> tuple[tuple[str, ...], bool]:
        return (one(own), False) if own else (one(default), bool(default))

    subject, subject_p = with_default(flow.subject, power.subject)
    basis, basis_p = with_default(flow.basis, power.basis)
    rows = (
        PanelRow("subject", subject, subject_p),
        PanelRow("basis", basis, basis_p),
        PanelRow("materials", tuple(m for m in flow.materials or () if m)),
        PanelRow("time_limit", one(power.time_limit), bool(power.time_limit)),
        PanelRow("place", one(flow.place)),
        PanelRow("phone", one(flow.phone)),
        PanelRow("fee", one(flow.fee)),
        PanelRow("supervision", tuple(s for s in flow.supervision or () if s)),
    )
    return Panel(rows if fields is None else tuple(r for r in rows if r.field in fields))
