"""Charts on paper: fitting A4, readable text, split pages, and what the rendered SVG shows.

The print checks read the SVG that ``dot`` drew, as a printer would get it: the print size of its
text on A4, edge labels against the nodes' shapes, arrows against the lanes' titles. They run on
every example chart and on long flows made from the examples (every example flow stretched to
15 steps by repeating its own steps, so names, bodies, time limits and branches are real).
"""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import pytest
from defusedxml import ElementTree
from tests.long_flow import stretch

from lianfang.flowchart import DEFAULT_FONT
from lianfang.flowchart.dot import TEXT_PT, Part, to_dot
from lianfang.flowchart.geometry import read_layout
from lianfang.flowchart.graph import build_chart, step_ranks
from lianfang.flowchart.pages import MIN_TEXT_PT, PageSize, fit, readable, split, table_pages
from lianfang.flowchart.render import ChartFormat, Job, drawings, finish_svg, job_files
from lianfang.io.reader import read_workbook
from lianfang.model.workbook import Flow

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples" / "units").glob("*.yaml"))
FIXTURE = ROOT / "tests" / "fixtures" / "flowchart" / "unit.yaml"
SVG = "{http://www.w3.org/2000/svg}"
A4_PRINTABLE = (481.0, 728.0)  # 210 x 297 mm less 20 mm margins, pt (as /work/shared/tools/check_print.py)
NUM = re.compile(r"-?\d+(?:\.\d+)?")


@pytest.fixture(scope="module")
def dot() -> str:
    path = shutil.which("dot")
    if path is None:
        pytest.fail("Graphviz's dot is not installed: run `make setup` (or apt-get install graphviz)")
    return path


# -- fitting and splitting, as data ---------------------------------------------------------------

def test_fit_turns_the_page_when_that_prints_larger_and_never_enlarges():
    tall = fit(400, 1000, PageSize.A4)
    assert not tall.landscape and tall.scale == pytest.approx(728.5 / 1000, abs=1e-3)
    wide = fit(1000, 400, PageSize.A4)
    assert wide.landscape and wide.scale == pytest.approx(728.5 / 1000, abs=1e-3)
    assert wide.paper[0] > wide.paper[1]
    small = fit(100, 100, PageSize.A4)
    assert small.scale == 1.0 and not small.landscape  # a tie is portrait
    assert fit(1000, 1400, PageSize.A3).scale > fit(1000, 1400, PageSize.A4).scale
    assert fit(5000, 5000, PageSize.NONE).scale == 1.0


def test_readable_means_text_of_at_least_8_pt_on_the_page():
    limit = A4_PRINTABLE[1] * TEXT_PT / MIN_TEXT_PT  # the tallest chart a portrait A4 takes
    assert readable(400, limit - 2, PageSize.A4)
    assert not readable(400, limit + 5, PageSize.A4)
    assert readable(400, limit + 5, PageSize.A3) and readable(9999, 9999, PageSize.NONE)


def test_split_cuts_whole_rows_and_numbers_the_steps_reached_across_pages():
    wb = read_workbook(FIXTURE).workbook
    chart = build_chart(wb, wb.flows_by_id["LC-01"])  # rows: s1 | s2 | s3 | s4 s5 ; s2 → s1 loops back
    parts = split(chart, 2)
    assert [sorted(p.nodes) for p in parts] == [["s1", "s2"], ["s3", "s4", "s5"]]
    assert parts[0].marks == {"s3": 1} and all(p.count == 2 for p in parts)
    assert [len(p.nodes) for p in split(chart, 99)] == [1, 1, 1, 2]  # never more pages than rows
    assert split(chart, 1) == [Part(1, 1, frozenset(n.key for n in chart.nodes), {})]


def test_table_pages_keep_rows_whole():
    assert table_pages([3, 3, 3, 3], 7) == [slice(0, 2), slice(2, 4)]
    assert table_pages([9, 1], 4) == [slice(0, 1), slice(1, 2)]  # a row taller than a page is not cut
    assert table_pages([], 5) == [slice(0, 0)]


# -- reading the SVG -----------------------------------------------------------------------------

def _em(text: str) -> float:
    return sum(1.0 if ord(c) > 0x2E7F else 0.55 for c in text)


def _box(points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _points(el) -> list[tuple[float, float]]:
    tag = el.tag.removeprefix(SVG)
    if tag == "ellipse":
        cx, cy, rx, ry = (float(el.get(k)) for k in ("cx", "cy", "rx", "ry"))
        return [(cx - rx, cy - ry), (cx + rx, cy + ry)]
    values = [float(v) for v in NUM.findall(el.get("points") or el.get("d") or "")]
    return list(zip(values[0::2], values[1::2], strict=False))


def _text_box(t) -> tuple[float, float, float, float]:
    size = float(t.get("font-size"))
    x, y = float(t.get("x")), float(t.get("y"))
    w = _em("".join(t.itertext()).strip()) * size
    x0 = {"middle": x - w / 2, "end": x - w}.get(t.get("text-anchor"), x)
    return x0, y - 0.88 * size, x0 + w, y + 0.12 * size


def _bezier_samples(d: str) -> list[tuple[float, float]]:
    """Points along a path of ``dot``'s edges (M x,y C x,y x,y x,y …)."""
    pts = [(float(a), float(b)) for a, b in re.findall(r"(-?[\d.]+),(-?[\d.]+)", d)]
    out = [pts[0]]
    for i in range(1, len(pts) - 2, 3):
        p0, p1, p2, p3 = pts[i - 1], pts[i], pts[i + 1], pts[i + 2]
        for k in range(1, 11):
            t = k / 10
            out.append(tuple((1 - t) ** 3 * a + 3 * (1 - t) ** 2 * t * b + 3 * (1 - t) * t * t * c + t ** 3 * e
                             for a, b, c, e in zip(p0, p1, p2, p3, strict=True)))
    return out


def _overlap(a, b) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return max(0.0, w) * max(0.0, h)


class Drawn:
    """What a printer gets from one SVG: its size and the boxes and lines on it."""

    def __init__(self, svg: bytes):
        root = ElementTree.fromstring(svg)
        width = float(NUM.match(root.get("width")).group())
        height = float(NUM.match(root.get("height")).group())
        view = [float(v) for v in root.get("viewBox").split()]
        self.scale = width / view[2]  # the drawing as sized for the page
        self.width, self.height = width, height
        self.nodes, self.labels, self.edges, self.titles, self.sizes = [], [], [], [], []
        self.lanes = []  # (title, box, foot of the title)
        for g in root.iter(f"{SVG}g"):
            kind = g.get("class")
            texts = [t for t in g.iter(f"{SVG}text") if "".join(t.itertext()).strip()]
            self.sizes += [float(t.get("font-size")) for t in texts]
            if kind == "node":
                shapes = [s for s in g.iter() if s.tag.removeprefix(SVG) in ("polygon", "path", "ellipse")
                          and s.get("fill") not in (None, "none")]
                if shapes:
                    self.nodes.append((_box([p for s in shapes for p in _points(s)]), "".join(g.itertext())))
            elif kind == "edge":
                self.labels += [("".join(t.itertext()).strip(), _text_box(t)) for t in texts]
                self.edges += [_bezier_samples(p.get("d")) for p in g.iter(f"{SVG}path")]
            elif kind == "cluster":
                self.titles += [("".join(t.itertext()).strip(), _text_box(t)) for t in texts]
                shapes = [s for s in g.iter() if s.tag.removeprefix(SVG) in ("polygon", "path")]
                if shapes and texts:
                    self.lanes.append(("".join(texts[0].itertext()).strip(), _box(_points(shapes[0])),
                                       max(_text_box(t)[3] for t in texts)))

    def print_pt(self) -> float:
        """The smallest text as printed on A4 (fitted, either way round, never enlarged)."""
        aw, ah = A4_PRINTABLE
        page = max(min(1.0, aw / self.width, ah / self.height), min(1.0, ah / self.width, aw / self.height))
        return min(self.sizes) * self.scale * page

    def hidden_labels(self) -> list[str]:
        out = []
        for text, box in self.labels:
            area = (box[2] - box[0]) * (box[3] - box[1])
            for node, name in self.nodes:
                if _overlap(box, node) > 0.05 * area:
                    out.append(f"{text!r} under {name.strip()[:12]!r}")
        return out

    def long_empty_lanes(self) -> list[str]:
        """Lanes with more than two rows' worth of empty space above their first box (below
        the title) or below their last: a row is the tallest box plus the widest gap (20 pt)."""
        if not self.nodes:
            return []
        row = max(b[3] - b[1] for b, _ in self.nodes) + 20
        out = []
        for title, (x0, y0, x1, y1), title_foot in self.lanes:
            inside = [b for b, _ in self.nodes if x0 <= (b[0] + b[2]) / 2 <= x1 and y0 <= (b[1] + b[3]) / 2 <= y1]
            if not inside:
                continue
            above = min(b[1] for b in inside) - title_foot
            below = y1 - max(b[3] for b in inside)
            if above > 2 * row:
                out.append(f"{title}: {above:.0f} pt above")
            if below > 2 * row:
                out.append(f"{title}: {below:.0f} pt below")
        return out

    def arrows_through_titles(self) -> list[str]:
        out = []
        for text, (x0, y0, x1, y1) in self.titles:
            for line in self.edges:
                if any(x0 < x < x1 and y0 < y < y1 for x, y in line):
                    out.append(text)
        return out


def chart_pages(path: Path, flow: Flow, dot: str, wb=None) -> list[Drawn]:
    wb = wb or read_workbook(path).workbook
    chart = build_chart(wb, flow)
    job = Job("x.svg", to_dot(chart, DEFAULT_FONT), chart, DEFAULT_FONT, PageSize.A4, True)
    return [Drawn(data) for _name, data in job_files(job, ChartFormat.SVG, dot)]


def example_flows():
    for path in EXAMPLES:
        wb = read_workbook(path).workbook
        for flow in wb.flows:
            yield pytest.param(path, flow.id, id=f"{path.stem}-{flow.id}")


# -- every example chart, printed ----------------------------------------------------------------

@pytest.mark.parametrize(("path", "flow_id"), list(example_flows()))
def test_every_example_chart_prints_on_one_a4_page_with_every_label_visible(dot, path, flow_id):
    wb = read_workbook(path).workbook
    chart_page, *tables = chart_pages(path, wb.flows_by_id[flow_id], dot, wb)
    assert not any(t.labels for t in tables) and len(tables) <= 1  # the table: one page, no arrows
    for page in (chart_page, *tables):
        assert page.print_pt() >= MIN_TEXT_PT - 1e-6
        assert page.scale <= 1.0 + 2e-3  # (dot rounds the width to a whole pt)
    assert chart_page.hidden_labels() == []
    assert chart_page.arrows_through_titles() == []
    chart = build_chart(wb, wb.flows_by_id[flow_id])
    raw = drawings(Job("x.svg", to_dot(chart), chart, DEFAULT_FONT, PageSize.A4), dot)[0]
    assert read_layout(raw.svg).edges_through_boxes() == []  # no arrow cuts through a box


def test_the_lc02_branch_label_is_no_longer_under_a_box(dot):
    """Issue 12 item 3: 不符合条件 lay under 分管副局长审批 on CHWSJ LC-02."""
    path = ROOT / "examples" / "units" / "chwsj.yaml"
    page = chart_pages(path, read_workbook(path).workbook.flows_by_id["LC-02"], dot)[0]
    assert "不符合条件" in [text for text, _ in page.labels] and page.hidden_labels() == []


# -- arrows a reader can follow ------------------------------------------------------------------

def raw_layout(path: Path, flow: Flow, dot: str, wb=None):
    """The geometry of the chart as drawn (before it is sized for the page)."""
    wb = wb or read_workbook(path).workbook
    chart = build_chart(wb, flow)
    return read_layout(drawings(Job("x.svg", to_dot(chart), chart, DEFAULT_FONT, PageSize.A4), dot)[0].svg)


@pytest.mark.parametrize(("path", "flow_id"), list(example_flows()))
def test_arrows_run_clear_of_lane_borders_and_conditions_stand_by_their_own_arrow(dot, path, flow_id):
    """Issue 12, printed: an arrow along a lane's border (within 3 pt, for more than 8 pt) reads
    as part of the lane's box (CHYY LC-05: 院长审批 → 出纳支付 ran on 院领导's foot); a condition
    nearer to another arrow than to its own is read as that arrow's (CHCDC LC-05: 5万元以上 lay
    across the loop 不同意); an arrow leaving a box where another enters it makes one line of two
    (CHYY LC-02: 不同意 left 院长办公会审定 6.5 pt from where the arrow from 专家组论证 enters)."""
    wb = read_workbook(path).workbook
    layout = raw_layout(path, wb.flows_by_id[flow_id], dot, wb)
    assert layout.lanes or not any(s.actor for s in wb.flows_by_id[flow_id].steps)
    assert layout.arrows_along_borders() == []
    assert layout.labels_nearer_other_arrows() == []
    assert layout.shared_ports() == []


def test_the_lead_s_examples_are_drawn_cleanly(dot):
    """The two charts the faults were seen on, named: CHYY LC-05 and CHWSJ LC-02."""
    for unit, flow_id in (("chyy", "LC-05"), ("chwsj", "LC-02")):
        path = ROOT / "examples" / "units" / f"{unit}.yaml"
        layout = raw_layout(path, read_workbook(path).workbook.flows_by_id[flow_id], dot)
        assert len(layout.lanes) >= 2
        assert layout.arrows_along_borders() == [] and layout.labels_nearer_other_arrows() == []


def test_a_condition_with_no_room_for_one_line_is_set_in_two(dot):
    """Stretched CHYY LC-05: beside the middle arrow of 财务审核's fork there is no room for
    1000元以下 in one line that stands clear of the other arrows; in two lines there is. Where one
    line has room (10万元以上或预算外 on the first copy) it stays one line."""
    path = ROOT / "examples" / "units" / "chyy.yaml"
    wb = read_workbook(path).workbook
    chart = build_chart(wb, stretch(wb.flows_by_id["LC-05"], 15))
    source = to_dot(chart)
    assert 'label="1000元\\n以下"' in source
    assert 'label="10万元以上或预算外"' in source and 'label="10万元以上\\n或预算外"' in source
    layout = read_layout(drawings(Job("x.svg", source, chart, DEFAULT_FONT, PageSize.A4), dot)[0].svg)
    lines = [text for _e, text, _b in layout.labels]
    assert "1000元" in lines and "以下" in lines
    assert layout.labels_nearer_other_arrows() == [] and layout.hidden_labels() == []


LANE = ('<g class="cluster"><title>cluster_l</title><polygon fill="#eee" stroke="#aaa" '
        'points="0,0 100,0 100,60 0,60 0,0"/><text text-anchor="middle" x="50" y="12" font-size="10">院领导</text></g>')


def _edge(title: str, d: str, label: str = "", at: tuple[float, float] = (0, 0), head: str = "") -> str:
    text = f'<text text-anchor="start" x="{at[0]}" y="{at[1]}" font-size="10">{label}</text>' if label else ""
    tip = f'<polygon fill="black" stroke="black" points="{head}"/>' if head else ""
    return f'<g class="edge"><title>{title.replace(">", "&gt;")}</title><path fill="none" d="{d}"/>{tip}{text}</g>'


def test_the_border_check_finds_an_arrow_on_a_lane_s_foot_and_lets_a_crossing_pass():
    along = _edge("s1->s2", "M50,40C50,41 50,61 50,61.5C80,61.5 110,61.5 140,61.5")  # 50 pt on the foot (y=60)
    layout = read_layout(_svg(LANE + along))
    assert layout.arrows_along_borders() == ["s1->s2 / 院领导: 50 pt"]
    crossing = _edge("s1->s2", "M50,40C50,60 50,80 50,100")  # straight down across the foot
    clear = _edge("s1->s2", "M50,40C50,45 50,52 50,54C80,54 110,54 140,54")  # 6 pt inside it
    assert read_layout(_svg(LANE + crossing + clear)).arrows_along_borders() == []


def test_the_condition_check_finds_a_label_nearer_to_another_arrow():
    own = _edge("s1->s2", "M10,10C10,30 10,50 10,70", "同意", (13, 30))
    other = _edge("s1->s3", "M45,10C45,30 45,50 45,70")
    layout = read_layout(_svg(own + other))  # 同意 (13-33) ends 12 pt from its own line... and 12 from s1->s3
    assert layout.labels_nearer_other_arrows() == []
    near = _edge("s1->s3", "M36,10C36,30 36,50 36,70")  # 3 pt from the label's end, 3 from its own
    assert read_layout(_svg(own.replace('x="13"', 'x="17"') + near)).labels_nearer_other_arrows() == ["同意 / s1->s3"]


def test_the_port_check_finds_an_arrow_leaving_where_another_enters():
    box = NODE.format(n="s2", x0=40, y0=40, x1=80, y1=80)
    into = _edge("s1->s2", "M0,60C10,60 20,60 33,60", head="33,57 40,60 33,63")
    out_near = _edge("s2->s1", "M40,62C30,62 20,62 10,62")
    out_apart = _edge("s2->s3", "M80,60C90,60 100,60 110,60")
    assert read_layout(_svg(box + into + out_near)).shared_ports() == ["s2->s1 leaves where s1->s2 enters"]
    assert read_layout(_svg(box + into + out_apart)).shared_ports() == []


# -- flows of up to 15 steps ---------------------------------------------------------------------



def long_flows():
    for path in EXAMPLES:
        wb = read_workbook(path).workbook
        for flow in wb.flows:
            lanes = len(build_chart(wb, stretch(flow, 15)).lanes)
            yield pytest.param(path, flow.id, id=f"{path.stem}-{flow.id}-{lanes}lanes")


@pytest.mark.parametrize(("path", "flow_id"), list(long_flows()))
def test_a_15_step_flow_prints_on_one_a4_page(dot, path, flow_id):
    wb = read_workbook(path).workbook
    long = stretch(wb.flows_by_id[flow_id], 15)
    assert len(long.steps) == 15
    chart = build_chart(wb, long)
    pages = drawings(Job("x.svg", to_dot(chart), chart, DEFAULT_FONT, PageSize.A4), dot)
    assert len(pages) == 1
    page = Drawn(finish_svg(pages[0].svg, fit(pages[0].width, pages[0].height, PageSize.A4).scale))
    assert page.print_pt() >= MIN_TEXT_PT - 1e-6
    assert page.hidden_labels() == [] and page.arrows_through_titles() == []
    layout = read_layout(pages[0].svg)
    assert layout.problems() == 0 and layout.edges_through_boxes() == []
    assert page.long_empty_lanes() == []
    assert layout.arrows_along_borders() == [] and layout.labels_nearer_other_arrows() == []
    assert layout.shared_ports() == []


# -- no tall empty lanes ---------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "flow_id"), list(example_flows()))
def test_no_lane_stands_long_empty_above_its_first_step_or_below_its_last(dot, path, flow_id):
    """Issue 12 item 2: a lane whose first step comes late was a full-height column (CHCDC LC-05's
    验收小组). "Long": more than two rows' worth (two of the chart's tallest boxes, each with the
    widest gap between rows) of empty lane above the first box under its title, or below its last."""
    wb = read_workbook(path).workbook
    page = chart_pages(path, wb.flows_by_id[flow_id], dot, wb)[0]
    assert page.long_empty_lanes() == []


def test_the_empty_lane_check_finds_a_full_height_lane():
    lane = ('<g class="cluster"><title>l</title><polygon fill="#eee" stroke="#aaa" points="0,0 100,0 100,400 0,400 0,0"/>'
            '<text text-anchor="middle" x="50" y="14" font-size="10">验收小组</text></g>')
    box = ('<g class="node"><title>s</title><polygon fill="white" stroke="black" '
           'points="10,{y0} 90,{y0} 90,{y1} 10,{y1} 10,{y0}"/><text x="50" y="{t}" font-size="10">验收</text></g>')
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="100pt" height="400pt" viewBox="0 0 100 400"><g class="graph">{}</g></svg>'
    late = Drawn(svg.format(lane + box.format(y0=350, y1=390, t=375)).encode())
    assert late.long_empty_lanes() == ["验收小组: 335 pt above"]
    fine = Drawn(svg.format(lane + box.format(y0=20, y1=60, t=45) + box.format(y0=350, y1=390, t=375)).encode())
    assert fine.long_empty_lanes() == []


def test_a_flow_too_long_for_a_page_is_split_with_connectors_and_readable_pages(dot):
    path = ROOT / "examples" / "units" / "chwsj.yaml"
    wb = read_workbook(path).workbook
    long = stretch(wb.flows_by_id["LC-02"], 60)
    chart = build_chart(wb, long)
    job = Job("x.svg", to_dot(chart), chart, DEFAULT_FONT, PageSize.A4)
    files = job_files(job, ChartFormat.SVG, dot)
    names = [n for n, _ in files]
    assert names[0] == "x.svg" and names[1] == "x_p2.svg" and len(names) >= 3
    pages = [Drawn(data) for _n, data in files]
    assert all(p.print_pt() >= MIN_TEXT_PT - 1e-6 for p in pages)
    # every page as clean as a whole chart: its connectors and conditions cover nothing
    assert all(p.hidden_labels() == [] and p.arrows_through_titles() == [] for p in pages)
    texts = [data.decode() for _n, data in files]
    assert "①→" in texts[0] and "→①" in texts[1]  # the foot of page 1 and the top of page 2
    assert all(f"第{i}/{len(files)}页" in t for i, t in enumerate(texts, start=1))
    # every step is on exactly one page
    shown = [set(re.findall(r"<title>环节 (\d+) ", t)) for t in texts]
    assert sum(len(s) for s in shown) == 60 and set().union(*shown) == {s.id for s in long.steps}
    ranks = step_ranks(chart)
    assert max(ranks.values()) + 1 > len(files)


def test_page_none_keeps_the_drawing_as_it_is(dot):
    wb = read_workbook(FIXTURE).workbook
    chart = build_chart(wb, wb.flows_by_id["LC-01"])
    long = stretch(wb.flows_by_id["LC-01"], 40)
    big = build_chart(wb, long)
    (name, data), = job_files(Job("x.svg", to_dot(big), big, DEFAULT_FONT, PageSize.NONE), ChartFormat.SVG, dot)
    page = Drawn(data)
    assert page.scale == pytest.approx(1.0, abs=2e-3) and page.height > A4_PRINTABLE[1] * TEXT_PT / MIN_TEXT_PT
    assert chart.nodes  # the fixture itself fits anyway
    assert math.isclose(Drawn(job_files(Job("y.svg", to_dot(chart), chart, DEFAULT_FONT, PageSize.A4),
                                        ChartFormat.SVG, dot)[0][1]).scale, 1.0, abs_tol=2e-3)


def test_svg_titles_are_chinese_names_not_dot_ids(dot):
    wb = read_workbook(FIXTURE).workbook
    chart = build_chart(wb, wb.flows_by_id["LC-01"])
    (_, data), = job_files(Job("x.svg", to_dot(chart), chart, DEFAULT_FONT, PageSize.A4), ChartFormat.SVG, dot)
    titles = re.findall(r"<title>([^<]*)</title>", data.decode())
    assert titles and not any(re.fullmatch(r"s\d+|start|end|cluster_\w+|s\d+&#45;&gt;\w+|lane\d+|\w+_internal", t)
                              for t in titles), titles
    assert "环节 1 窗口受理（政务窗口），风险点 FX-01".replace("-", "&#45;") in titles
    assert "泳道：医政科" in titles and "材料审查 → 局长审批（材料齐全）" in titles


# -- the layout checks the renderer relies on --------------------------------------------------

def _svg(body: str) -> bytes:
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="100pt" height="100pt" viewBox="0 0 100 100">'
            f'<g class="graph">{body}</g></svg>').encode()


NODE = ('<g class="node"><title>{n}</title><polygon fill="white" stroke="black" '
        'points="{x0},{y0} {x1},{y0} {x1},{y1} {x0},{y1}"/></g>')


def test_layout_finds_a_label_under_a_box_an_edge_through_a_box_and_through_a_title():
    a = NODE.format(n="s1", x0=0, y0=0, x1=40, y1=20)
    b = NODE.format(n="s2", x0=0, y0=80, x1=40, y1=100)
    c = NODE.format(n="s3", x0=0, y0=40, x1=40, y1=60)
    edge = ('<g class="edge"><title>s1&#45;&gt;s2</title><path fill="none" d="M20,20C20,40 20,60 20,80"/>'
            '<text text-anchor="middle" x="20" y="55" font-size="10">同意</text></g>')
    lane = '<g class="cluster"><title>cluster_lane1</title><text text-anchor="middle" x="20" y="32" font-size="10">医政科</text></g>'
    layout = read_layout(_svg(a + b + c + edge + lane))
    assert layout.hidden_labels() == ["同意 / s3"]
    assert layout.edges_through_boxes() == ["s1->s2 / s3"]
    assert layout.edges_through_titles() == ["医政科"]
    assert layout.problems() == 2  # an arrow across a box is counted apart
    clean = read_layout(_svg(a + b + edge.replace('x="20" y="55"', 'x="70" y="70"')))
    assert clean.hidden_labels() == [] and clean.edges_through_boxes() == []
