"""Power-operation flowcharts (权力运行流程图) drawn from the workbook, so they never disagree with it.

workbook → ``graph.build_chart`` (plain data) → ``dot.to_dot`` (DOT text) → ``render.render_all``
(files). This module picks the flows to draw, names their files and explains the flows it
refuses: a flow whose references do not resolve is not drawn, and the findings that say why are
the same as ``lianfang validate`` gives for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lianfang.findings import Finding, Location, Severity
from lianfang.flowchart.dot import DEFAULT_FONT, to_dot
from lianfang.flowchart.graph import BrokenFlow, Chart, Problem, build_chart
from lianfang.flowchart.render import ChartFormat, Job
from lianfang.i18n import tr
from lianfang.io.build import ReadResult
from lianfang.model.vocab import FlowKind
from lianfang.model.workbook import Flow, Workbook

__all__ = [
    "DEFAULT_FONT", "BrokenFlow", "Chart", "ChartFormat", "Job", "Refusal", "WorkbookCharts",
    "build_chart", "chart_file_name", "explain", "plan_workbook", "select_flows", "to_dot",
]

# ASCII, so a file name survives web servers, zip files and every shell unchanged
KIND_SUFFIX = {FlowKind.INTERNAL: "internal", FlowKind.EXTERNAL: "external"}

# the rules whose findings say why a flow cannot be drawn (besides what the reader found)
REFERENCE_RULES = ("LF201", "LF203", "LF204", "LF501")
_NAMES = {"LF103": "missing-value", "LF107": "duplicate-id", "LF201": "unknown-power", "LF203": "unknown-risk",
          "LF204": "unknown-step", "LF501": "flow-no-end"}


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


def plan_workbook(result: ReadResult, display: str, fmt: ChartFormat, font: str = DEFAULT_FONT,
                  kinds: set[FlowKind] | None = None, wanted: list[str] | None = None) -> WorkbookCharts:
    """The chart jobs of one read workbook (nothing is rendered or written here)."""
    wb = result.workbook
    out = WorkbookCharts(display, result.unit_code)
    if wb is None:
        out.findings = [f for f in result.findings if f.severity is Severity.ERROR]
        return out
    if wb.code is None:
        out.findings = [f for f in result.findings if f.field == "code"] or [
            _finding("LF103", tr("单位代码无法读取，流程图文件无从命名", "the unit code could not be read, so no chart file can be named"))]
        return out
    flows, out.matched = select_flows(wb, kinds, wanted)
    known: list[Finding] | None = None
    for flow in flows:
        try:
            chart = build_chart(wb, flow)
        except BrokenFlow as e:
            if known is None:
                known = _known_findings(result)
            out.refused.append(Refusal(flow.id, explain(e.problems, known)))
            continue
        out.charts.append(chart)
        out.jobs.append(Job(chart_file_name(wb.code, chart.flow_id, chart.kind, fmt), to_dot(chart, font)))
    return out


def _known_findings(result: ReadResult) -> list[Finding]:
    """The reader's findings and those of the reference rules: what validate would say."""
    from lianfang.config import Settings
    from lianfang.rules import REGISTRY  # noqa: F401  (importing the package registers every rule)
    from lianfang.rules.engine import run_rules

    return list(result.findings) + run_rules(result, Settings(select=set(REFERENCE_RULES)))


def explain(problems: list[Problem], known: list[Finding]) -> list[Finding]:
    """The findings behind ``problems``: validate's own at the same place, else the problem itself."""
    out: list[Finding] = []
    for p in problems:
        same = [f for f in known if f.severity is Severity.ERROR and p.at != Location()
                and f.location == p.at and f.field in (p.field, None)]
        for f in same or [_finding(p.code, p.message, p.at, p.object, p.field)]:
            if f not in out:
                out.append(f)
    return out


def _finding(code: str, message: str, at: Location | None = None, obj: str | None = None,
             field_name: str | None = None) -> Finding:
    from lianfang.rules import REGISTRY

    rule = REGISTRY.get(code)
    if rule is not None:
        return rule.finding(message, at=at, object=obj, field=field_name)
    return Finding(code, _NAMES.get(code, ""), Severity.ERROR, message, at or Location(), obj, field_name)
