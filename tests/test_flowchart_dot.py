"""``Chart`` → DOT: golden files, colours, the risk table, the panel, hostile text, reproducibility.

The golden files in ``tests/golden/flowchart/`` are the whole DOT source of four charts: the two
flows of the test fixture and one internal and one external flow of the bundled examples. When a
change to the drawing is intended, regenerate them and look at the diff::

    LIANFANG_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_flowchart_dot.py
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from defusedxml import ElementTree

from lianfang.flowchart.dot import (
    DEFAULT_FONT,
    LEVEL_COLOURS,
    clean,
    html_text,
    plain,
    to_dot,
    wrap,
)
from lianfang.flowchart.graph import build_chart
from lianfang.flowchart.render import ChartFormat, render
from lianfang.i18n import set_lang
from lianfang.io.reader import read_workbook
from lianfang.model.vocab import FlowKind, Phase, RiskLevel
from lianfang.model.workbook import Flow, Measure, PowerItem, RiskPoint, Step, Unit, Workbook

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "flowchart" / "unit.yaml"
EXAMPLE = ROOT / "examples" / "units" / "chwsj.yaml"
GOLDEN = ROOT / "tests" / "golden" / "flowchart"
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def dot_program() -> str:
    """Graphviz is part of the setup (make setup installs it): its absence is a failure, not a skip."""
    dot = shutil.which("dot")
    if dot is None:
        pytest.fail("Graphviz's dot is not installed: run `make setup` (or apt-get install graphviz)")
    return dot


def chart_of(path: Path, flow_id: str):
    wb = read_workbook(path).workbook
    return build_chart(wb, wb.flows_by_id[flow_id])


@pytest.mark.parametrize(("source", "flow_id", "golden"), [
    (FIXTURE, "LC-01", "CSWSJ_LC-01_internal.dot"),
    (FIXTURE, "LC-02", "CSWSJ_LC-02_external.dot"),
    (EXAMPLE, "LC-02", "CHWSJ_LC-02_internal.dot"),
    (EXAMPLE, "LC-01", "CHWSJ_LC-01_external.dot"),
])
def test_golden_dot(source, flow_id, golden, check_golden):
    check_golden(golden, to_dot(chart_of(source, flow_id)))


def test_golden_files_render_without_a_warning(dot_program):
    for path in sorted(GOLDEN.glob("*.dot")):
        svg = render(path.read_text(encoding="utf-8"), ChartFormat.SVG, dot_program)
        assert ElementTree.fromstring(svg).tag == f"{SVG_NS}svg", path.name


# -- what the DOT says ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def internal_dot() -> str:
    return to_dot(chart_of(FIXTURE, "LC-01"))


@pytest.fixture(scope="module")
def external_dot() -> str:
    return to_dot(chart_of(FIXTURE, "LC-02"))


def statement(dot: str, key: str) -> str:
    """The DOT statement of node ``key`` (one line per statement in the graphviz library's output)."""
    return next(line for line in dot.splitlines() if line.strip().startswith(f"{key} ["))


def test_lanes_are_clusters_labelled_with_the_actor(internal_dot):
    assert re.findall(r"subgraph (cluster_lane\d+)", internal_dot) == ["cluster_lane1", "cluster_lane2", "cluster_lane3"]
    assert re.findall(r'label="([^"]+)" labeljust', internal_dot) == ["政务窗口", "医政科", "局领导"]


def test_step_boxes_show_name_time_limit_and_marks(internal_dot):
    s2 = statement(internal_dot, "s2")
    assert "<B>材料审查</B>" in s2 and "时限：5个工作日" in s2 and "▲FX-02 ▲FX-01" in s2


def test_steps_are_coloured_by_their_highest_risk_level(internal_dot):
    assert f'fillcolor="{LEVEL_COLOURS[RiskLevel.LOW]}"' in statement(internal_dot, "s1")
    assert f'fillcolor="{LEVEL_COLOURS[RiskLevel.HIGH]}"' in statement(internal_dot, "s2")
    assert f'fillcolor="{LEVEL_COLOURS[RiskLevel.MEDIUM]}"' in statement(internal_dot, "s3")
    assert "fillcolor" not in statement(internal_dot, "s4")


def test_start_and_end_are_visible(internal_dot):
    assert 'start [label="开始"' in internal_dot and 'end [label="结束"' in internal_dot
    assert "start -> s1" in internal_dot and "s4 -> end" in internal_dot and "s5 -> end" in internal_dot
    assert "penwidth=2" in statement(internal_dot, "s1") and "penwidth=2" in statement(internal_dot, "s5")
    assert "penwidth" not in statement(internal_dot, "s2")


def test_branch_labels_and_the_loop_back_does_not_rank(internal_dot):
    assert 's2 -> s3 [label="材料齐全"]' in internal_dot
    assert 's3 -> s5 [label="不同意"]' in internal_dot
    back = next(line for line in internal_dot.splitlines() if "s2 -> s1" in line)
    assert 'label="需补正"' in back and "constraint=false" in back and "style=dashed" in back
    assert sum("constraint=false" in line for line in internal_dot.splitlines()) == 1


def test_risk_table_with_legend_levels_descriptions_and_measures_by_phase(internal_dot):
    table = statement(internal_dot, "risk_table")
    assert "图例" in table and all(f"{lv.value}风险环节" in table for lv in RiskLevel)
    for text in ("FX-01", "对符合条件的申请不予受理", "【前期预防】公开审批依据、条件、程序和时限",
                 "审查超时或授意不按规定承办", "（未制定防控措施）"):
        assert text in table
    assert table.index("【前期预防】需赴现场") < table.index("【后期处置】每月通报")
    assert "risk_table" in internal_dot.split("end -> ", 1)[1].split("\n", 1)[0]  # below the chart


def test_no_risk_table_without_marks():
    wb = read_workbook(FIXTURE).workbook
    for flow in wb.flows:
        for step in flow.steps:
            step.risks = []
    dot = to_dot(build_chart(wb, wb.flows_by_id["LC-01"]))
    assert "risk_table" not in dot and "▲" not in dot


def test_external_chart_has_the_applicants_panel_and_no_lanes(external_dot):
    assert "cluster" not in external_dot
    panel = statement(external_dot, "panel")
    for text in ("办事指南", "办理主体", "医政科", "《中华人民共和国医师法》第十三条", "1. 医师执业注册申请审核表",
                 "3. 健康体检证明", "20个工作日", "办理地点", "（未填写）", "0551-87654321", "不收费",
                 "1. 监督电话：0551-12345678", "2. 局纪检组"):
        assert text in panel, text
    assert "政务窗口" in statement(external_dot, "s1")  # who handles the step, for the applicant


def test_title_names_the_unit_the_kind_and_the_power(internal_dot, external_dot):
    assert "医疗机构执业许可内部流程" in internal_dot and "测试市卫生局 · 权力运行内部流程图" in internal_dot
    assert "职权 QL-01 医疗机构执业许可" in internal_dot
    assert "权力运行外部流程图" in external_dot and "医师执业注册" in external_dot


def test_font_is_used_everywhere(internal_dot):
    assert internal_dot.count(f'fontname="{DEFAULT_FONT}"') == 3  # graph, node, edge defaults
    other = to_dot(chart_of(FIXTURE, "LC-01"), font="Source Han Sans SC")
    assert other.count('fontname="Source Han Sans SC"') == 3 and DEFAULT_FONT not in other


def test_fixed_words_follow_the_language():
    set_lang("en")
    dot = to_dot(chart_of(FIXTURE, "LC-01"))
    assert "Start" in dot and "internal power-operation flowchart" in dot and "time limit: 5个工作日" in dot
    assert "开始" not in dot


def test_the_same_chart_gives_the_same_dot_and_svg(dot_program):
    a = to_dot(chart_of(FIXTURE, "LC-01"))
    b = to_dot(chart_of(FIXTURE, "LC-01"))
    assert a == b
    assert render(a, ChartFormat.SVG, dot_program) == render(b, ChartFormat.SVG, dot_program)


# -- text helpers ---------------------------------------------------------------------------------

def test_wrap_counts_chinese_as_two_columns_and_hangs_closing_punctuation():
    assert wrap("一二三四五六", 6) == ["一二三", "四五六"]
    assert wrap("一二三，四", 6) == ["一二三，", "四"]
    assert wrap("hello world again", 11) == ["hello world", "again"]
    assert wrap("第一行\n第二行", 40) == ["第一行", "第二行"]
    assert wrap("", 10) == [""]


def test_clean_drops_what_xml_cannot_hold():
    assert clean("a\x00b\x07c\x1bd\ufffe\r\ne\tf") == "abcd\ne f"
    assert clean(None) == ""


def test_plain_and_html_escaping():
    assert plain('a\\nb "c" <d>') == 'a\\\\nb "c" <d>'
    assert type(plain("<x>")).__name__ == "NoHtml"
    assert plain("两\n行") == "两\\n行"
    assert html_text('<b>&"x"</b>\n第二行') == "&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;<BR/>第二行"
    assert html_text("\\N \\G") == "&#92;&#92;N &#92;&#92;G"


# -- hostile text ---------------------------------------------------------------------------------

HOSTILE = [
    '"quoted"', "<b>bold</b>", "back\\slash", "esc \\n \\l \\N \\G", "{brace} [x]", "]", '"', "&amp; & <",
    "<<x>>", "a -> b [color=red]", "}; digraph x {", "<TABLE>", "'single'", "line\nbreak", "ctrl\x01\x07x",
]


def hostile_workbook() -> Workbook:
    h = HOSTILE
    unit = Unit(name=h[0] + h[1], code="EVIL", year=2026, status="草稿")
    power = PowerItem(id="QL-01", name=h[2], content="x", level="单位", subject=h[3], basis=h[4], time_limit=h[5])
    risks = [RiskPoint(id="FX-01", power="QL-01", category="业务流程", description=h[6] + h[7], level="高"),
             RiskPoint(id="FX-02", power="QL-01", category="业务流程", description=h[8], level="低")]
    measures = [Measure(id="CS-01", risk="FX-01", phase=Phase.PREVENT, description=h[9], owner="x"),
                Measure(id="CS-02", risk="FX-02", phase=Phase.HANDLE, description=h[10], owner="x")]
    steps = [
        Step(id="1", name=h[11], actor=h[12], time_limit=h[13], next=['2(a"b<c>&\\n])', "3"], risks=["FX-01"]),
        Step(id="2", name=h[14], actor=h[0], next=["1({x} -> y)"], risks=["FX-02"]),
        Step(id="3", name=h[1], actor=h[3]),
    ]
    flows = [
        Flow(id="LC-01", power="QL-01", kind=FlowKind.INTERNAL, name=h[9], steps=steps),
        Flow(id="LC-02", power="QL-01", kind=FlowKind.EXTERNAL, materials=h[:6], supervision=h[6:12],
             place=h[12], phone=h[13], fee=h[14], steps=[s.model_copy() for s in steps]),
    ]
    return Workbook(unit=unit, powers=[power], risks=risks, measures=measures, flows=flows)


def svg_texts(svg: bytes) -> tuple[list, str]:
    root = ElementTree.fromstring(svg)
    groups = [g.get("class") for g in root.iter(f"{SVG_NS}g")]
    text = "\n".join("".join(t.itertext()) for t in root.iter(f"{SVG_NS}text"))
    return groups, text


@pytest.mark.parametrize("flow_id", ["LC-01", "LC-02"])
def test_hostile_text_renders_literally_and_injects_nothing(dot_program, flow_id):
    wb = hostile_workbook()
    chart = build_chart(wb, wb.flows_by_id[flow_id])
    svg = render(to_dot(chart), ChartFormat.SVG, dot_program)  # raises if dot reports an error
    groups, text = svg_texts(svg)
    # exactly the nodes, edges and lanes of the chart: start, 3 steps, end, tables
    tables = 2 if flow_id == "LC-02" else 1
    assert groups.count("node") == 5 + tables
    assert groups.count("edge") == 1 + 3 + 1  # from start, the flow's three, into end (links to tables are invisible)
    assert groups.count("cluster") == (3 if flow_id == "LC-01" else 0)
    shown = HOSTILE if flow_id == "LC-02" else [*HOSTILE[:4], *HOSTILE[6:]]  # basis, power time limit: external
    for item in [x for x in shown if x != "ctrl\x01\x07x"]:
        for line in item.split("\n"):
            assert line.strip() in text, (flow_id, line)
    assert "ctrlx" in text
    assert 'a"b<c>&\\n]' in text  # a condition, as a plain label
    assert "{x} -> y" in text


def test_a_graph_with_hostile_text_is_one_graph(dot_program):
    wb = hostile_workbook()
    src = to_dot(build_chart(wb, wb.flows_by_id["LC-01"]))
    # dot -Tcanon re-prints the graph it parsed: one digraph, no extra node named after user text
    import subprocess

    canon = subprocess.run([dot_program, "-Tcanon"], input=src.encode(), capture_output=True, check=True).stdout.decode()
    assert len(re.findall(r"^digraph ", canon, re.M)) == 1
    assert len(re.findall(r"^\tsubgraph ", canon, re.M)) == 3  # the three lanes
    node_ids = set(re.findall(r"^\t+(\w+)\s+\[", canon, re.M)) - {"graph", "node", "edge", "subgraph"}
    assert node_ids == {"start", "s1", "s2", "s3", "end", "risk_table"}
