"""A flow of a workbook as a chart: plain data, built without Graphviz.

``build_chart(workbook, flow)`` turns one 流程 and its 流程环节 into a ``Chart`` — lanes (one per
责任主体, internal flows only), nodes (one per step), edges (one per 下一环节 item, with its
condition), the risk points marked on the steps and, for an external flow, the panel the applicant
reads (办理主体, 依据, 材料, 时限, 地点, 电话, 收费, 监督渠道). ``flowchart.dot`` renders it.

A flow whose references do not resolve cannot be drawn truthfully, so ``build_chart`` refuses it
with ``BrokenFlow`` listing each problem at the place the workbook holds it.
"""

from __future__ import annotations

from dataclasses import dataclass

from lianfang.findings import Location
from lianfang.i18n import tr
from lianfang.io.format import FLOWS, STEPS
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
    actor: str
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
    """A swimlane: the steps of one 责任主体, lanes in order of first appearance."""

    key: str
    actor: str
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


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a flow cannot be drawn; ``code`` names the catalogue rule that reports it."""

    code: str
    message: str
    at: Location = Location()
    object: str | None = None
    field: str | None = None


class BrokenFlow(Exception):
    def __init__(self, flow_id: str | None, problems: list[Problem]):
        super().__init__(flow_id)
        self.flow_id = flow_id
        self.problems = problems


def flow_problems(wb: Workbook, flow: Flow) -> list[Problem]:
    """Everything that keeps ``flow`` from being drawn: unknown references and unreadable values.

    Values the reader could not read are ``None`` and were reported by it (the same location);
    they are listed here so that the flow is not drawn with holes.
    """
    out: list[Problem] = []
    fid = flow.id

    def unreadable(record, field: str, obj: str | None) -> None:
        spec = FLOWS if isinstance(record, Flow) else STEPS
        out.append(Problem("LF103", tr("「{h}」无法读取，流程 {f} 无法绘制", "{h} ({k}) could not be read, so flow {f} cannot be drawn",
                                       h=spec.by_key[field].header, k=field, f=fid or "?"),
                           record.loc(field), obj, field))

    if fid is None:
        unreadable(flow, "id", None)
    elif (first := wb.flows_by_id.get(fid)) is not None and first is not flow and any(f is flow for f in wb.flows):
        out.append(Problem("LF107", tr("流程编号 {f} 重复，只绘制第一个", "flow ID {f} is repeated; only the first is drawn", f=fid),
                           flow.loc("id"), fid, "id"))
    if flow.kind is None:
        unreadable(flow, "kind", fid)
    if flow.power is None:
        unreadable(flow, "power", fid)
    elif flow.power not in wb.powers_by_id:
        out.append(Problem("LF201", tr("流程 {f} 的职权编号「{p}」不存在", "flow {f}: power {p!r} does not exist", f=fid, p=flow.power),
                           flow.loc("power"), fid, "power"))
    if not flow.steps:
        out.append(Problem("LF501", tr("流程 {f} 没有任何环节", "flow {f} has no steps", f=fid), flow.loc("id"), fid, "id"))
    step_ids: set[str] = set()
    for step in flow.steps:
        obj = f"{fid}/{step.id}"
        if step.id is None:
            unreadable(step, "id", None)
        elif step.id in step_ids:
            out.append(Problem("LF107", tr("流程 {f} 的环节编号 {s} 重复", "flow {f}: step ID {s} is repeated", f=fid, s=step.id),
                               step.loc("id"), obj, "id"))
        else:
            step_ids.add(step.id)
        for field in ("name", "actor", "next", "risks"):
            if getattr(step, field) is None:
                unreadable(step, field, obj)
    for step in flow.steps:
        obj = f"{fid}/{step.id}"
        for target, _ in step.transitions if step.next is not None else ():
            if target not in step_ids:
                out.append(Problem("LF204", tr("环节 {o} 的下一环节「{t}」不在流程中", "step {o}: next step {t!r} is not in the flow", o=obj, t=target),
                                   step.loc("next"), obj, "next"))
        for rid in step.risks or ():
            if rid not in wb.risks_by_id:
                out.append(Problem("LF203", tr("环节 {o} 的风险点编号「{r}」不存在", "step {o}: risk point {r!r} does not exist", o=obj, r=rid),
                                   step.loc("risks"), obj, "risks"))
    return out


def build_chart(wb: Workbook, flow: Flow) -> Chart:
    """The chart of ``flow``; raises ``BrokenFlow`` when it cannot be drawn truthfully."""
    problems = flow_problems(wb, flow)
    if problems:
        raise BrokenFlow(flow.id, problems)
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
        by_actor: dict[str, list[str]] = {}
        for n in nodes:
            by_actor.setdefault(n.actor, []).append(n.key)
        lanes = tuple(Lane(f"lane{i}", actor, tuple(keys)) for i, (actor, keys) in enumerate(by_actor.items(), start=1))

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
        panel=_panel(flow, power) if flow.kind is FlowKind.EXTERNAL else None,
    )


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


def _panel(flow: Flow, power: PowerItem) -> Panel:
    def one(value: str | None) -> tuple[str, ...]:
        return (value,) if value else ()

    def with_default(own: str | None, default: str | None) -> tuple[tuple[str, ...], bool]:
        return (one(own), False) if own else (one(default), bool(default))

    subject, subject_p = with_default(flow.subject, power.subject)
    basis, basis_p = with_default(flow.basis, power.basis)
    return Panel((
        PanelRow("subject", subject, subject_p),
        PanelRow("basis", basis, basis_p),
        PanelRow("materials", tuple(m for m in flow.materials or () if m)),
        PanelRow("time_limit", one(power.time_limit), bool(power.time_limit)),
        PanelRow("place", one(flow.place)),
        PanelRow("phone", one(flow.phone)),
        PanelRow("fee", one(flow.fee)),
        PanelRow("supervision", tuple(s for s in flow.supervision or () if s)),
    ))
