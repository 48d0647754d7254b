"""Workbook → ``Chart``: lanes (one per responsible body), nodes, edges, loops, risk marks, the
panel, and which flows are drawn — decided by the rules' own findings.

Pure data: nothing here needs Graphviz.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lianfang.config import Settings
from lianfang.findings import Severity
from lianfang.flowchart import (
    KIND_SUFFIX,
    chart_file_name,
    flow_findings,
    plan_workbook,
    select_flows,
)
from lianfang.flowchart.graph import BrokenFlow, Edge, build_chart, responsible_body, step_ranks
from lianfang.flowchart.render import ChartFormat
from lianfang.io.reader import read_workbook
from lianfang.model.vocab import FlowKind, Phase, RiskLevel
from lianfang.model.workbook import Flow, Step
from lianfang.report import check_workbook

FIXTURE = Path(__file__).parent / "fixtures" / "flowchart" / "unit.yaml"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "units"


@pytest.fixture
def wb():
    result = read_workbook(FIXTURE)
    assert result.workbook is not None
    return result.workbook


@pytest.fixture
def internal(wb):
    return build_chart(wb, wb.flows_by_id["LC-01"])


@pytest.fixture
def external(wb):
    return build_chart(wb, wb.flows_by_id["LC-02"])


# -- internal chart -------------------------------------------------------------------------------

def test_lanes_are_bodies_in_order_of_first_appearance(internal):
    assert [(lane.body, lane.nodes) for lane in internal.lanes] == [
        ("政务窗口", ("s1", "s4")),
        ("医政科", ("s2", "s5")),
        ("局领导", ("s3",)),
    ]


def test_nodes_keep_name_actor_time_limit_and_generated_keys(internal):
    n = internal.nodes
    assert [(x.key, x.step_id, x.name, x.actor, x.time_limit) for x in n[:2]] == [
        ("s1", "1", "窗口受理", "政务窗口", "1个工作日"),
        ("s2", "2", "材料审查", "医政科", "5个工作日"),
    ]


def test_first_step_starts_and_steps_without_next_end(internal):
    assert [n.key for n in internal.nodes if n.start] == ["s1"]
    assert internal.start.key == "s1"
    assert [n.key for n in internal.ends] == ["s4", "s5"]


def test_edges_carry_conditions_in_either_bracket(internal):
    assert [(e.tail, e.head, e.condition) for e in internal.edges] == [
        ("s1", "s2", None),
        ("s2", "s3", "材料齐全"),
        ("s2", "s1", "需补正"),
        ("s3", "s4", "同意"),
        ("s3", "s5", "不同意"),
    ]


def test_only_the_loop_back_is_a_back_edge(internal):
    assert [(e.tail, e.head) for e in internal.edges if e.back] == [("s2", "s1")]


def test_risk_marks_and_the_highest_level_colours_the_step(internal):
    marks = {n.key: (n.risks, n.level) for n in internal.nodes}
    assert marks == {
        "s1": (("FX-01",), RiskLevel.LOW),
        "s2": (("FX-02", "FX-01"), RiskLevel.HIGH),
        "s3": (("FX-03",), RiskLevel.MEDIUM),
        "s4": ((), None),
        "s5": ((), None),
    }


def test_risk_table_lists_each_marked_risk_once_with_measures_by_phase(internal):
    assert [r.id for r in internal.risks] == ["FX-01", "FX-02", "FX-03"]
    fx02 = internal.risks[1]
    assert fx02.level is RiskLevel.HIGH and fx02.description == "审查超时或授意不按规定承办"
    # written CS-03 (后期处置) before CS-02 (前期预防): shown in phase order
    assert [(m.id, m.phase) for m in fx02.measures] == [("CS-02", Phase.PREVENT), ("CS-03", Phase.HANDLE)]
    assert internal.risks[2].measures == ()  # FX-03 has no measure: shown as such, not hidden


def test_internal_chart_has_no_panel_and_title_parts(internal):
    assert internal.panel is None
    assert (internal.kind, internal.unit_code, internal.unit_name, internal.flow_id, internal.flow_name,
            internal.power_id, internal.power_name) == (
        FlowKind.INTERNAL, "CSWSJ", "测试市卫生局", "LC-01", "医疗机构执业许可内部流程", "QL-01", "医疗机构执业许可")


# -- external chart -------------------------------------------------------------------------------

def test_external_chart_has_no_lanes_and_is_named_after_the_power(external):
    assert external.lanes == ()
    assert external.flow_name == "医师执业注册"  # 流程名称 left empty


def test_external_panel_takes_the_powers_values_where_the_flow_is_empty(external):
    rows = {r.field: (r.values, r.from_power) for r in external.panel.rows}
    assert rows == {
        "subject": (("医政科",), True),
        "basis": (("《中华人民共和国医师法》第十三条",), True),
        "materials": (("医师执业注册申请审核表", "医师资格证书", "健康体检证明"), False),
        "time_limit": (("20个工作日",), True),
        "place": ((), False),
        "phone": (("0551-87654321",), False),
        "fee": (("不收费",), False),
        "supervision": (("监督电话：0551-12345678", "局纪检组"), False),
    }
    assert [r.field for r in external.panel.rows] == ["subject", "basis", "materials", "time_limit",
                                                      "place", "phone", "fee", "supervision"]


def test_the_flows_own_subject_and_basis_win(wb):
    flow = wb.flows_by_id["LC-02"].model_copy(update={"subject": "政务服务中心", "basis": "《条例》第三条"})
    panel = build_chart(wb, flow).panel
    assert (panel.row("subject").values, panel.row("subject").from_power) == (("政务服务中心",), False)
    assert (panel.row("basis").values, panel.row("basis").from_power) == (("《条例》第三条",), False)


def test_external_steps_are_marked_too(external):
    assert [(n.key, n.risks, n.level) for n in external.nodes if n.risks] == [("s1", ("FX-04",), RiskLevel.LOW)]
    assert [r.id for r in external.risks] == ["FX-04"]


# -- loops ----------------------------------------------------------------------------------------

def _flow(*steps: tuple[str, list[str]], kind=FlowKind.INTERNAL) -> Flow:
    return Flow(id="LC-09", power="QL-01", kind=kind,
                steps=[Step(id=i, name=f"环节{i}", actor="科室", next=n) for i, n in steps])


def test_back_edges_self_loop_nested_loops_and_unreachable_steps(wb):
    flow = _flow(("1", ["2"]), ("2", ["2(再议)", "3"]), ("3", ["1(退回)", "4"]), ("4", []), ("5", ["3", "5"]))
    chart = build_chart(wb, flow)
    back = [(e.tail, e.head, e.condition) for e in chart.edges if e.back]
    assert back == [("s2", "s2", "再议"), ("s3", "s1", "退回"), ("s5", "s5", None)]
    # step 5 cannot be reached: it is drawn, and its edge into 3 (already done) is forward
    assert Edge("s5", "s3", None, False) in chart.edges


def test_a_flow_that_never_ends_is_drawn_without_end_steps(wb):
    chart = build_chart(wb, _flow(("1", ["2"]), ("2", ["1"])))
    assert chart.ends == () and [e.back for e in chart.edges] == [False, True]


def test_the_same_flow_gives_the_same_chart(wb):
    assert build_chart(wb, wb.flows_by_id["LC-01"]) == build_chart(wb, wb.flows_by_id["LC-01"])


# -- lanes: one per responsible body --------------------------------------------------------------

POSTS = {"行政审批承办员": "医政科", "卫生监督执法员": "政策法规与监督科", "文秘档案员": "办公室"}


@pytest.mark.parametrize(("actor", "body"), [
    ("医政科", "医政科"),
    ("医政科承办人员", "医政科"),  # a role word after a department
    ("医政科科长", "医政科"),
    ("政策法规与监督科副科长", "政策法规与监督科"),  # the longest role word wins
    ("计划财务科会计", "计划财务科"),
    ("检验科科长（授权签字人）", "检验科"),  # a remark in brackets is not part of the body
    ("卫生监督执法员（2名以上）", "政策法规与监督科"),  # a post of the workbook: its department
    ("行政审批承办员", "医政科"),
    ("卫生监督执法员、计划财务科", "政策法规与监督科"),  # a joint step goes in the first body's lane
    ("院党委会或院长办公会", "院党委会"),
    ("分管副局长", "分管副局长"),  # 分管副 is no department: the body as written
    ("分管副主任", "分管副主任"),
    ("局党组", "局党组"),
    ("疫苗管理员", "疫苗管理员"),  # 疫苗 is no department and no post here
    ("病案室管理员", "病案室"),
])
def test_responsible_body(actor, body):
    assert responsible_body(actor, POSTS) == body


def test_example_lanes_group_a_department_and_its_roles():
    """CHWSJ LC-02 had five lanes for 行政审批承办员/医政科承办人员/医政科/医政科科长/分管副局长."""
    wb = read_workbook(EXAMPLES / "chwsj.yaml").workbook
    chart = build_chart(wb, wb.flows_by_id["LC-02"])
    assert [(lane.body, len(lane.nodes)) for lane in chart.lanes] == [("医政科", 6), ("分管副局长", 1)]
    assert [n.actor for n in chart.nodes][:2] == ["行政审批承办员", "医政科承办人员"]  # the role stays on the box


def test_every_example_lane_holds_a_step_and_no_body_has_two_lanes():
    for path in sorted(EXAMPLES.glob("*.yaml")):
        wb = read_workbook(path).workbook
        for flow in wb.flows:
            chart = build_chart(wb, flow)
            bodies = [lane.body for lane in chart.lanes]
            assert len(bodies) == len(set(bodies)), (path.name, flow.id)
            assert all(lane.nodes for lane in chart.lanes)
            assert sorted(k for lane in chart.lanes for k in lane.nodes) == sorted(n.key for n in chart.nodes) or not chart.lanes


def test_step_ranks_leave_loops_out(internal):
    assert step_ranks(internal) == {"s1": 0, "s2": 1, "s3": 2, "s4": 3, "s5": 3}


# -- which flows are drawn: the rules' findings ----------------------------------------------------

def plan_of(path: Path):
    checked = check_workbook(path, Settings())
    return checked, plan_workbook(checked.workbook, checked.report.findings, path.name, ChartFormat.SVG)


def broken_copy(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    text = FIXTURE.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "unit.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_flow_with_an_error_is_refused_with_exactly_the_rules_findings(tmp_path):
    path = broken_copy(tmp_path, ('next: ["2"], risks: [FX-04]', 'next: ["9"], risks: [FX-77]'))
    checked, plan = plan_of(path)
    assert [c.flow_id for c in plan.charts] == ["LC-01"]
    (refusal,) = plan.refused
    assert refusal.flow_id == "LC-02"
    mine = [f for f in checked.report.findings if (f.object or "").startswith("LC-02") and f.severity is Severity.ERROR]
    assert refusal.findings == mine  # the same objects: codes, messages and places are validate's
    assert {f.code for f in refusal.findings} == {"LF203", "LF204"}


def test_unreadable_values_and_unknown_power_refuse_the_flow(tmp_path):
    path = broken_copy(tmp_path, ("kind: 外部", "kind: 外外"), ("power: QL-01\n    kind: 内部", "power: QL-99\n    kind: 内部"))
    _checked, plan = plan_of(path)
    assert plan.charts == []
    codes = {r.flow_id: sorted(f.code for f in r.findings) for r in plan.refused}
    assert codes == {"LC-01": ["LF201"], "LC-02": ["LF104"]}


def test_warnings_do_not_stop_a_flow(tmp_path):
    # LF503 (a step without 办理时限) is a warning: the flow is drawn
    path = broken_copy(tmp_path, ("time_limit: 1个工作日, next: [\"2\"]", "next: [\"2\"]"))
    checked, plan = plan_of(path)
    assert any(f.code == "LF503" for f in checked.report.findings)
    assert [c.flow_id for c in plan.charts] == ["LC-01", "LC-02"] and plan.refused == []


def test_a_flow_without_an_end_step_is_refused_as_lf501_says(tmp_path):
    path = broken_copy(tmp_path, ('{id: "3", name: 办结, actor: 政务窗口, time_limit: 2个工作日}',
                                  '{id: "3", name: 办结, actor: 政务窗口, time_limit: 2个工作日, next: ["1"]}'))
    _checked, plan = plan_of(path)
    assert [(r.flow_id, [f.code for f in r.findings]) for r in plan.refused] == [("LC-02", ["LF501"])]


def test_a_repeated_flow_id_draws_the_first_and_refuses_the_repeat(wb):
    dup = wb.flows_by_id["LC-01"].model_copy()
    wb.flows.append(dup)
    from lianfang.io.build import ReadResult
    from lianfang.rules.engine import run_rules

    findings = run_rules(ReadResult(wb, [], "x"), Settings())
    plan = plan_workbook(wb, findings, "x", ChartFormat.SVG)
    assert [c.flow_id for c in plan.charts] == ["LC-01", "LC-02"]
    assert [r.flow_id for r in plan.refused] == ["LC-01"]


def test_flow_findings_are_those_of_the_flow_and_its_steps(wb):
    from lianfang.findings import Finding, Location

    def f(obj):
        return Finding("LF204", "unknown-step", Severity.ERROR, "x", Location(), obj, None)
    found = [f("LC-01"), f("LC-01/2"), f("LC-011"), f("LC-02/1"), f(None), f("FX-01")]
    assert flow_findings(wb.flows_by_id["LC-01"], found) == found[:2]


def test_build_chart_refuses_what_it_cannot_draw_even_when_a_rule_is_switched_off(tmp_path):
    path = broken_copy(tmp_path, ('next: ["2"], risks: [FX-04]', 'next: ["9"], risks: [FX-04]'))
    checked = check_workbook(path, Settings(ignore={"LF204"}))
    assert not any(f.code == "LF204" for f in checked.report.findings)
    wb = checked.workbook
    with pytest.raises(BrokenFlow):
        build_chart(wb, wb.flows_by_id["LC-02"])
    plan = plan_workbook(wb, checked.report.findings, "x", ChartFormat.SVG)
    (refusal,) = plan.refused
    assert refusal.flow_id == "LC-02" and refusal.findings  # said, not drawn with a dangling arrow


def test_the_flowchart_package_has_no_checks_of_its_own():
    """Issue 11: no re-check of LF103/107/201/203/204/501 and no table of rule names."""
    import lianfang.flowchart as pkg
    import lianfang.flowchart.graph as graph

    assert not hasattr(graph, "flow_problems") and not hasattr(pkg, "_NAMES") and not hasattr(pkg, "explain")


# -- selection and file names ---------------------------------------------------------------------

def test_select_by_kind_and_by_id(wb):
    ids = lambda flows: [f.id for f in flows]  # noqa: E731
    assert ids(select_flows(wb)[0]) == ["LC-01", "LC-02"]
    assert ids(select_flows(wb, {FlowKind.INTERNAL})[0]) == ["LC-01"]
    assert ids(select_flows(wb, {FlowKind.EXTERNAL})[0]) == ["LC-02"]
    flows, matched = select_flows(wb, None, ["LC-02", "CSWSJ:LC-01", "LC-77", "OTHER:LC-01"])
    assert ids(flows) == ["LC-01", "LC-02"] and matched == {"LC-02", "CSWSJ:LC-01"}
    assert select_flows(wb, {FlowKind.INTERNAL}, ["LC-02"]) == ([], set())


def test_file_names_are_ascii(wb):
    assert chart_file_name("CSWSJ", "LC-01", FlowKind.INTERNAL, ChartFormat.SVG) == "CSWSJ_LC-01_internal.svg"
    assert chart_file_name("CSWSJ", "LC-02", FlowKind.EXTERNAL, ChartFormat.PNG) == "CSWSJ_LC-02_external.png"
    assert all(s.isascii() for s in KIND_SUFFIX.values())
