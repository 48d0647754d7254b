"""Power-operation flowcharts (权力运行流程图) drawn from the workbook, so they never disagree with it.

workbook → ``graph.build_chart`` (plain data) → ``dot.to_dot`` (DOT text) → ``render.render_all``
(files). This module picks the flows to draw, names their files and explains the flows it
refuses: a flow whose references do not resolve is not drawn, and the findings that say why are
the same as ``lianfang validate`` gives for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from lianfang.findings import Finding, Severity
from lianfang.flowchart.dot import DEFAULT_FONT, to_dot
from lianfang.flowchart.graph import BrokenFlow, Chart, build_chart
from lianfang.flowchart.pages import PageSize
from lianfang.flowchart.render import ChartFormat, Job
from lianfang.i18n import tr
from lianfang.model.vocab import FlowKind
from lianfang.model.workbook import Flow, Workbook

__all__ = [
    "DEFAULT_FONT", "BrokenFlow", "Chart", "ChartFormat", "Job", "PageSize", "Refusal", "WorkbookCharts",
    "build_chart", "chart_file_name", "flow_findings", "plan_workbook", "select_flows", "to_dot",
]

# ASCII, so a file name survives web servers, zip files and every shell unchanged
KIND_SUFFIX = {FlowKind.INTERNAL: "internal", FlowKind.EXTERNAL: "external"}


def chart_file_name(unit_code: str, flow_id: str, kind: FlowKind, fmt: ChartFormat) -> str:
    """``CHYY_LC-01_internal.svg``: unit code and flow ID are IDs (letters, digits, ``-_.``)."""
    return f"{unit_code}_{flow_id}_{KIND_SUFFIX[kind]}.{fmt.value}"


def select_flows(wb: Workbook, kinds: set[FlowKind] | None = None,
                 wanted: list[str] | None = None) -> tuple[list[Flow], set[str]]:
    """The flows to draw and which of ``wanted`` matched.

    ``wanted`` holds flow IDs (``LC-01``) or unit-qualified ones (``CHYY:LC-01``); empty or None
    means every flow. A flow of a kind not in ``kinds`` is left out (a flow whose kind could not
    be read is kept, and refused when drawn).
    """
    code = wb.code
    matched: set[str] = set()
    out = []
    for flow in wb.flows:
        if kinds and flow.kind is not None and flow.kind not in kinds:
            continue
        if wanted:
            names = {w for w in wanted if w == flow.id or (code is not None and w == f"{code}:{flow.id}")}
            if not names:
                continue
            matched |= names
        out.append(flow)
    return out, matched


@dataclass
class Refusal:
    """A flow that was not drawn, and the findings that say why."""

    flow_id: str | None
    findings: list[Finding]


@dataclass
class WorkbookCharts:
    """What one workbook gives: chart jobs, refused flows, problems with the file as a whole."""

    path: str
    unit: str | None = None
    jobs: list[Job] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # the file could not be drawn from at all
    matched: set[str] = field(default_factory=set)


def flow_findings(flow: Flow, findings: list[Finding], first: bool = True) -> list[Finding]:
    """The findings scoped to ``flow``: about the flow (object ``LC-01``) or one of its steps
    (``LC-01/3``), including the references they hold (LF201 power, LF203 risk, LF204 next step).

    Of a repeated flow ID, ``first`` is the flow drawn: a repeat's LF107 is not its business.
    A flow whose ID could not be read is found by the place of its ID cell.
    """
    if flow.id is None:
        at = flow.loc("id")
        return [f for f in findings if f.location == at]
    prefix = flow.id + "/"
    out = [f for f in findings if f.object == flow.id or (f.object or "").startswith(prefix)]
    if first:
        out = [f for f in out if not (f.code == "LF107" and f.object == flow.id and f.location != flow.loc("id"))]
    return out


def plan_workbook(wb: Workbook | None, findings: list[Finding], display: str, fmt: ChartFormat,
                  font: str = DEFAULT_FONT, kinds: set[FlowKind] | None = None,
                  wanted: list[str] | None = None, unit: str | None = None,
                  page: PageSize = PageSize.A4, table: bool = False,
                  guide_fields: frozenset[str] | None = None,
                  sources: Mapping[str, str] | None = None) -> WorkbookCharts:
    """The chart jobs of one checked workbook (nothing is rendered or written here).

    ``findings`` are the reader's and the rules' (``lianfang.report.check_workbook``): a flow is
    drawn when none of the findings scoped to it is an error, and refused with those findings
    otherwise, so the reasons are exactly what ``lianfang validate`` says. ``guide_fields``: the
    办事指南 items external charts show (all when None; ``build_chart``). ``sources``: DOT sources
    made earlier from the same workbook, findings and font, by file name (the handbook's plan
    cache), used instead of making them again (``to_dot`` is nearly all of the time here).
    """
    out = WorkbookCharts(display, unit if unit is not None else (wb.code if wb is not None else None))
    if wb is None:
        out.findings = [f for f in findings if f.severity is Severity.ERROR]
        return out
    if wb.code is None:
        out.findings = [f for f in findings if f.field == "code" and f.severity is Severity.ERROR] or [
            _no_code_finding()]
        return out
    flows, out.matched = select_flows(wb, kinds, wanted)
    by_flow: dict[str | None, list[Finding]] = {}  # one pass over the findings, not one per flow
    for f in findings:
        if f.object:
            by_flow.setdefault(f.object.split("/", 1)[0], []).append(f)
    for flow in flows:
        first = flow.id is not None and wb.flows_by_id.get(flow.id) is flow
        candidates = by_flow.get(flow.id, []) if flow.id is not None else findings
        scoped = flow_findings(flow, candidates, first)
        errors = [f for f in scoped if f.severity is Severity.ERROR]
        if not errors and first:
            try:
                chart = build_chart(wb, flow, guide_fields)
            except BrokenFlow:
                # a rule switched off or downgraded by the settings: what they still say, or the fact
                errors = scoped or [_no_code_finding(flow)]
            else:
                out.charts.append(chart)
                name = chart_file_name(wb.code, chart.flow_id, chart.kind, fmt)
                source = sources.get(name) if sources is not None else None
                out.jobs.append(Job(name, source if source is not None else to_dot(chart, font), chart, font, page, table))
                continue
        out.refused.append(Refusal(flow.id, errors or scoped))
    return out


def _no_code_finding(flow: Flow | None = None) -> Finding:
    from lianfang.rules import REGISTRY

    rule = REGISTRY.get("LF103")
    assert rule is not None  # the reader's rule is always registered
    if flow is None:
        return rule.finding(tr("单位代码无法读取，流程图文件无从命名", "the unit code could not be read, so no chart file can be named"))
    return rule.finding(tr("流程 {f} 有无法读取或无法解析的内容，无法绘制", "flow {f} holds values that cannot be read or resolved, so it cannot be drawn",
                           f=flow.id or "?"), at=flow.loc("id"), object=flow.id, field="id")
