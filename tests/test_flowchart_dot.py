"""``Chart`` → DOT: golden files, lanes, black-and-white risk marks, the palette, the risk table
as its own drawing, the panel, tooltips, hostile text, reproducibility.

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

from lianfang import palette
from lianfang.flowchart.dot import (
    DEFAULT_FONT,
    LEVEL_FILL,
    Part,
    clean,
    connector,
    html_text,
    mark_text,
    plain,
    risk_table_dot,
    risk_table_lines,
    risk_table_rows,
    role_on_box,
    to_dot,
    wrap,
)
from lianfang.flowchart.graph import build_chart
from lianfang.flowchart.layout import lane_order, text_em, two_lines
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


def test_lanes_are_columns_titled_with_the_body(internal_dot):
    assert re.findall(r"subgraph (cluster_lane\d+)", internal_dot) == ["cluster_lane1", "cluster_lane2", "cluster_lane3"]
    assert re.findall(r"label=<<B>([^<]+)</B>> labeljust=c labelloc=t", internal_dot) == ["政务窗口", "医政科", "局领导"]
    # placed by lianfang (flowchart.layout), every position fixed: each lane a column of its own
    # (its bounds), each step inside its lane, no invisible anchors
    assert "layout=nop2" in internal_dot and "style=invis" not in internal_dot
    bounds = [tuple(map(float, b.split(","))) for b in re.findall(r'bb="([^"]+)"', internal_dot)]
    assert len(bounds) == 3 and all(a[2] < b[0] for a, b in zip(bounds, bounds[1:], strict=False))
    lanes = re.split(r"subgraph cluster_lane\d+", internal_dot)[1:]
    for box, lane in zip(bounds, lanes, strict=True):
        for x, y in re.findall(r'\ts\d+ \[.*pos="([\d.]+),([\d.]+)"', lane.split("}")[0]):
            assert box[0] < float(x) < box[2] and box[1] < float(y) < box[3]
    assert all("fixedsize=true" in statement(internal_dot, f"s{i}") for i in range(1, 6))


def test_step_boxes_show_name_time_limit_and_marks_with_their_levels(internal_dot):
    s2 = statement(internal_dot, "s2")
    assert "<B>材料审查</B>" in s2 and "时限5个工作日" in s2
    # a step with two levels: each mark says its own, in its own ink
    assert f'<FONT COLOR="{palette.css(palette.LEVEL_INK["高"])}">▲FX-02 高</FONT>' in s2
    assert f'<FONT COLOR="{palette.css(palette.LEVEL_INK["低"])}">▲FX-01 低</FONT>' in s2
    assert 'POINT-SIZE="10"' not in s2  # marks at the body text size


def test_mark_text_writes_the_level():
    assert mark_text("FX-03", RiskLevel.HIGH) == "▲FX-03 高"
    assert mark_text("FX-03", None) == "▲FX-03 ?"


def test_steps_are_filled_by_their_highest_risk_level(internal_dot):
    assert f'fillcolor="{LEVEL_FILL[RiskLevel.LOW]}"' in statement(internal_dot, "s1")
    assert f'fillcolor="{LEVEL_FILL[RiskLevel.HIGH]}"' in statement(internal_dot, "s2")
    assert f'fillcolor="{LEVEL_FILL[RiskLevel.MEDIUM]}"' in statement(internal_dot, "s3")
    assert "fillcolor" not in statement(internal_dot, "s4")


def test_every_colour_is_from_the_one_palette(internal_dot, external_dot):
    chart = chart_of(FIXTURE, "LC-01")
    ours = {palette.css(c).upper() for c in (*palette.LEVEL_FILL.values(), *palette.LEVEL_INK.values(),
                                             palette.HEADER_FILL, palette.LANE_FILL, palette.LANE_BORDER,
                                             palette.BORDER, palette.MUTED_INK)}
    for dot in (internal_dot, external_dot, risk_table_dot(chart)):
        used = {c.upper() for c in re.findall(r"#[0-9A-Fa-f]{6}", dot)}
        assert used and used <= ours, used - ours
    import lianfang.flowchart.dot as module

    assert not hasattr(module, "LEVEL_COLOURS") and not hasattr(module, "MARK_COLOUR")


def test_the_role_stays_on_the_box():
    assert role_on_box("医政科科长", "医政科") == "科长"
    assert role_on_box("医政科", "医政科") == ""
    assert role_on_box("行政审批承办员", "医政科") == "行政审批承办员"
    assert role_on_box("医政科、药剂科", "医政科") == "医政科、药剂科"
    assert role_on_box("院党委会或院长办公会", "院党委会") == "院党委会或院长办公会"
    assert role_on_box("政务窗口", None) == "政务窗口"  # external charts: who handles the step


def test_start_and_end_are_visible_beside_the_first_and_last_step(internal_dot):
    assert 'start [label="开始"' in internal_dot and 'end [label="结束"' in internal_dot
    assert re.search(r"start -> s1 \[", internal_dot) and re.search(r"s4 -> end \[", internal_dot)
    assert re.search(r"s5 -> end \[", internal_dot)
    def pos(key: str) -> tuple[float, float]:
        x, y = re.search(r'pos="([\d.]+),([\d.]+)"', statement(internal_dot, key)).groups()
        return float(x), float(y)

    assert pos("start")[1] == pos("s1")[1] and pos("start")[0] < pos("s1")[0]  # beside, in its row
    assert pos("end")[1] == pos("s4")[1] and pos("end")[0] > pos("s4")[0]
    assert "penwidth=2" in statement(internal_dot, "s1") and "penwidth=2" in statement(internal_dot, "s5")
    assert "penwidth" not in statement(internal_dot, "s2")


def test_branch_labels_and_the_loop_back_does_not_rank(internal_dot):
    assert re.search(r's2 -> s3 \[label="材料齐全"', internal_dot)
    assert re.search(r's3 -> s5 \[label="不同意"', internal_dot)
    # the loop back s2 → s1 is drawn from s2 to s1, dashed, on a way of its own
    back = next(line for line in internal_dot.splitlines() if "需补正" in line)
    assert back.strip().startswith("s2 -> s1 [") and "style=dashed" in back and "dir=back" not in back
    # rows come from the steps' ranks (graph.step_ranks), where loops do not count: s2 below s1
    rows = {k: float(re.search(r'pos="[\d.]+,([\d.]+)"', statement(internal_dot, k)).group(1)) for k in ("s1", "s2", "s3")}
    assert rows["s1"] > rows["s2"] > rows["s3"]  # (Graphviz's y grows upwards)
    # the ways dot could lay loops out do not apply to a chart lianfang places itself
    assert to_dot(chart_of(FIXTURE, "LC-01"), turn_loops=False, loop_label_at_start=True) == internal_dot


def test_the_risk_table_is_not_in_the_chart(internal_dot, external_dot):
    assert "risk_table" not in internal_dot and "风险描述" not in internal_dot and "防控措施" not in external_dot


def test_risk_table_rows_are_data_in_order_of_first_mark_with_measures_by_phase():
    rows = risk_table_rows(chart_of(FIXTURE, "LC-01"))
    assert [(r.risk_id, r.level) for r in rows] == [("FX-01", "低"), ("FX-02", "高"), ("FX-03", "中")]
    assert rows[1].description == "审查超时或授意不按规定承办"
    assert rows[1].measures == ("【前期预防】需赴现场审查的至少2名以上承办人员", "【后期处置】每月通报办理时效，追究超时责任")
    assert rows[2].measures == ()  # FX-03 has no measure: shown as such


def test_risk_table_drawing(dot_program):
    chart = chart_of(FIXTURE, "LC-01")
    table = risk_table_dot(chart)
    for text in ("廉政风险点及防控措施", "▲FX-01", "对符合条件的申请不予受理", "【前期预防】公开审批依据、条件、程序和时限",
                 "审查超时或授意不按规定承办", "（未制定防控措施）"):
        assert text in table, text
    assert table.index("【前期预防】需赴现场") < table.index("【后期处置】每月通报")
    part = risk_table_dot(chart, rows=slice(1, 3), page=(2, 2))
    assert "▲FX-01" not in part and "▲FX-02" in part and "第2/2页" in part
    svg = render(table, ChartFormat.SVG, dot_program)
    assert "FX-03" in svg_texts(svg)[1]
    assert [risk_table_lines(r) for r in risk_table_rows(chart)] == [1, 3, 1]


def test_no_risk_marks_without_risks():
    wb = read_workbook(FIXTURE).workbook
    for flow in wb.flows:
        for step in flow.steps:
            step.risks = []
    chart = build_chart(wb, wb.flows_by_id["LC-01"])
    assert "▲" not in to_dot(chart) and risk_table_rows(chart) == []


def test_tooltips_name_steps_lanes_and_arrows_in_chinese(internal_dot):
    assert 'tooltip="环节 2 材料审查（医政科），风险点 FX-02、FX-01"' in statement(internal_dot, "s2")
    assert 'tooltip="泳道：医政科"' in internal_dot
    assert 'tooltip="材料审查 → 局长审批（材料齐全）"' in internal_dot
    assert 'tooltip="开始 → 窗口受理"' in internal_dot


def test_external_chart_has_the_applicants_panel_beside_the_steps(external_dot):
    assert "cluster_lane" not in external_dot and "subgraph cluster_panel" in external_dot
    cards = "\n".join(statement(external_dot, f"panel{i}") for i in range(1, 9))
    for text in ("办理主体", "医政科", "《中华人民共和国医师法》第十三条", "1.\u00a0医师执业注册申请审核表",
                 "3.\u00a0健康体检证明", "20个工作日", "办理地点", "（未填写）", "0551-87654321", "不收费",
                 "1.\u00a0监督电话：0551-12345678", "2.\u00a0局纪检组"):  # a number stays with its item
        assert text in cards, text
    assert "title=" not in cards
    assert "办事指南" in external_dot
    # each card in a step's row while there are rows: the procedure is not stretched
    assert re.search(r"\{\s*rank=same\s+s1\s+panel1\s*\}", external_dot)
    assert re.search(r"\{\s*rank=same\s+s3\s+panel3\s*\}", external_dot)
    assert "panel3 -> panel4 [style=invis]" in external_dot
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
    assert "Start" in dot and "internal power-operation flowchart" in dot and "time limit" in dot and "5个工作日" in dot
    assert "▲FX-02 high" in dot and "lane: 医政科" in dot
    assert "开始" not in dot


def test_the_same_chart_gives_the_same_dot_and_svg(dot_program):
    a = to_dot(chart_of(FIXTURE, "LC-01"))
    b = to_dot(chart_of(FIXTURE, "LC-01"))
    assert a == b
    assert render(a, ChartFormat.SVG, dot_program) == render(b, ChartFormat.SVG, dot_program)


# -- text helpers ---------------------------------------------------------------------------------

def test_connector_marks():
    assert [connector(n) for n in (1, 2, 20, 21)] == ["①", "②", "⑳", "(21)"]


def test_a_page_of_a_chart_joins_the_others_by_connector_marks():
    chart = chart_of(FIXTURE, "LC-01")
    # rows: s1 | s2 | s3 | s4 s5 ; page 1 = s1 s2, page 2 = s3 s4 s5
    marks = {"s1": 1, "s3": 2}
    first = to_dot(chart, part=Part(1, 2, frozenset({"s1", "s2"}), marks))
    second = to_dot(chart, part=Part(2, 2, frozenset({"s3", "s4", "s5"}), marks))
    assert "第1/2页" in first and "第2/2页" in second
    assert 'out2 [label="②→"' in first and re.search(r's2 -> out2 \[label="材料齐全"', first)
    assert "start -> s1" in first and "end" not in re.findall(r"^\t(\w+) \[", first, re.M)
    assert 'in2 [label="→②"' in second and "in2 -> s3" in second and "s4 -> end" in second
    assert "start" not in re.findall(r"^\t+(\w+) \[", second, re.M)
    assert "s3 ->" in second and "s2" not in re.findall(r"^\t+(\w+) \[", second, re.M)


def test_wrap_counts_chinese_as_two_columns_and_hangs_closing_punctuation():
    assert wrap("一二三四五六", 6) == ["一二三", "四五六"]
    assert wrap("一二三，四", 6) == ["一二三，", "四"]
    assert wrap("hello world again", 11) == ["hello world", "again"]
    assert wrap("第一行\n第二行", 40) == ["第一行", "第二行"]
    assert wrap("", 10) == [""]


def test_wrap_keeps_numbers_whole_and_breaks_chinese_text_anywhere_but_inside_them():
    assert wrap("时限每季度首月10日前", 15) == ["时限每季度首月", "10日前"]  # not 首月1 / 0日前
    # a space in Chinese text is no Latin word break: 主任 · 时限… is not cut at its space
    assert wrap("主任\u00a0· 时限每年5月", 14)[0] == "主任\u00a0· 时限每"
    assert wrap("ab12345", 4) == ["ab12", "345"]  # a run longer than a line is still cut


def test_wrap_never_ends_a_line_with_an_opening_bracket():
    # CHYY LC-05's 科室负责人审核（1000元以下审批） was drawn 科室负责人审核（ / 1000元以下审批）
    assert wrap("科室负责人审核（1000元以下审批）", 16) == ["科室负责人审核", "（1000元以下审批）"]
    assert wrap("现场审查（2名以上承办人员）", 10) == ["现场审查", "（2名以上", "承办人员）"]
    assert wrap("依据《医疗机构》", 6) == ["依据", "《医疗", "机构》"]
    assert wrap("（（（（", 4) == ["（（", "（（"]  # nothing but brackets: still cut


def test_a_condition_in_two_lines_is_cut_evenly_never_inside_an_amount_or_a_word():
    assert two_lines("预算内1万元至10万元") == "预算内1万元\n至10万元"  # not 预算内1万 / 元至10万元
    assert two_lines("10万元以上或预算外") == "10万元以上\n或预算外"  # not 10万元以 / 上或预算外
    assert two_lines("1000元以下") == "1000元\n以下"
    assert two_lines("事实不清退回重查") == "事实不清\n退回重查"
    assert two_lines("不予立案") is None and two_lines("同意") is None  # short: one line always
    assert two_lines("（需补正材料）") == "（需补正\n材料）"  # no line ends with an opening bracket


def test_lane_order_keeps_the_first_lane_first_and_makes_arrows_short():
    # a → b → a → c → a: a first (it has the first step); b and c cost the same, so in the order reached
    assert lane_order(["a", "b", "c"], "a", [("a", "b"), ("b", "a"), ("a", "c"), ("c", "a")]) == ["a", "b", "c"]
    # c is reached from b only: b between a and c, whatever the order of first appearance
    assert lane_order(["a", "c", "b"], "a", [("a", "b"), ("b", "c")]) == ["a", "b", "c"]
    # ties keep the order the flow reaches the lanes
    assert lane_order(["a", "c", "b"], "a", [("a", "b"), ("a", "c")]) == ["a", "c", "b"]


def test_text_widths_are_estimated_never_under_what_graphviz_measures():
    # measured with the default CJK font at 10 pt (dot -Tplain): 10 Chinese characters 98 pt,
    # 1234567890 bold 61 pt, ▲FX-03 高 47 pt
    assert text_em("一二三四五六七八九十") * 10 >= 98
    assert text_em("1234567890") * 10 >= 61
    assert text_em("▲FX-03 高") * 10 >= 47


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
    text += "\n" + svg_texts(render(risk_table_dot(chart), ChartFormat.SVG, dot_program))[1]
    # exactly the nodes, edges and lanes of the chart: start, 3 steps, end (+ 8 panel cards)
    assert groups.count("node") == 5 + (8 if flow_id == "LC-02" else 0)
    assert groups.count("edge") == 1 + 3 + 1  # from start, the flow's three, into end (anchors' links are invisible)
    assert groups.count("cluster") == (3 if flow_id == "LC-01" else 1)
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
    assert len(re.findall(r"^\tsubgraph cluster", canon, re.M)) == 3  # the three lanes
    node_ids = set(re.findall(r"^\t+(\w+)\s+\[", canon, re.M)) - {"graph", "node", "edge", "subgraph"}
    assert node_ids == {"start", "s1", "s2", "s3", "end"}
