"""Workbook → ``Chart``: lanes, nodes, edges, loops, risk marks, the panel, and the refusal of broken flows.

Pure data: nothing here needs Graphviz.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lianfang.findings import Location
from lianfang.flowchart import KIND_SUFFIX, chart_file_name, select_flows
from lianfang.flowchart.graph import BrokenFlow, Edge, build_chart, flow_problems
from lianfang.flowchart.render import ChartFormat
from lianfang.io.reader import read_workbook
from lianfang.model.vocab import FlowKind, Phase, RiskLevel
from lianfang.model.workbook import Flow, Step

FIXTURE = Path(__file__).parent / "fixtures" / "flowchart" / "unit.yaml"


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

def test_lanes_are_actors_in_order_of_first_appearance(internal):
    assert [(lane.actor, lane.nodes) for lane in internal.lanes] == [
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


# -- refusing a flow that cannot be drawn truthfully ---------------------------------------------

def codes(wb, flow) -> list[tuple[str, str | None, str | None]]:
    return [(p.code, p.object, p.field) for p in flow_problems(wb, flow)]


def test_unknown_next_step_risk_point_and_power(wb):
    flow = Flow(id="LC-09", power="QL-99", kind=FlowKind.INTERNAL, steps=[
        Step(id="1", name="受理", actor="窗口", next=["2", "7(同意)"], risks=["FX-01", "FX-77"]),
        Step(id="2", name="办结", actor="窗口"),
    ])
    assert codes(wb, flow) == [("LF201", "LC-09", "power"), ("LF204", "LC-09/1", "next"), ("LF203", "LC-09/1", "risks")]
    with pytest.raises(BrokenFlow) as e:
        build_chart(wb, flow)
    assert e.value.flow_id == "LC-09" and len(e.value.problems) == 3


def test_repeated_step_id_and_a_flow_without_steps(wb):
    flow = _flow(("1", ["2"]), ("2", []), ("2", []))
    assert codes(wb, flow) == [("LF107", "LC-09/2", "id")]
    assert codes(wb, _flow()) == [("LF501", "LC-09", "id")]


def test_a_repeated_flow_id_is_drawn_once(wb):
    dup = wb.flows_by_id["LC-01"].model_copy()
    wb.flows.append(dup)
    assert codes(wb, dup) == [("LF107", "LC-01", "id")]
    assert codes(wb, wb.flows_by_id["LC-01"]) == []


def test_values_the_reader_could_not_read_are_problems_not_crashes(wb):
    flow = Flow.model_construct(id="LC-09", power=None, kind=None, steps=[
        Step.model_construct(id=None, name="受理", actor="窗口", next=[], risks=[]),
        Step.model_construct(id="2", name=None, actor=None, next=None, risks=None),
    ], materials=None, supervision=None)
    assert codes(wb, flow) == [
        ("LF103", "LC-09", "kind"), ("LF103", "LC-09", "power"), ("LF103", None, "id"),
        ("LF103", "LC-09/2", "name"), ("LF103", "LC-09/2", "actor"), ("LF103", "LC-09/2", "next"),
        ("LF103", "LC-09/2", "risks"),
    ]


def test_problems_point_at_the_cell_that_holds_the_reference(tmp_path):
    text = FIXTURE.read_text(encoding="utf-8").replace('next: ["2"], risks: [FX-04]', 'next: ["9"], risks: [FX-04]')
    path = tmp_path / "unit.yaml"
    path.write_text(text, encoding="utf-8")
    wb = read_workbook(path).workbook
    (problem,) = flow_problems(wb, wb.flows_by_id["LC-02"])
    line = next(i for i, t in enumerate(text.splitlines(), start=1) if 'next: ["9"]' in t)
    assert problem.code == "LF204" and problem.at.line == line and problem.at != Location()


def test_a_risk_whose_level_could_not_be_read_is_marked_without_colour(wb):
    wb.risks_by_id["FX-03"].level = None
    chart = build_chart(wb, wb.flows_by_id["LC-01"])
    s3 = next(n for n in chart.nodes if n.key == "s3")
    assert (s3.risks, s3.level) == (("FX-03",), None)


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
