"""The Excel handbook read back: sheets, headers, merges, print set-up, links, and no formulas."""

from __future__ import annotations

import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from lianfang import palette
from lianfang.handbook.build import BuildOptions, build_handbook

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "handbook"
TABLE = "一览表-TA"
HEADERS = ["序号", "部门", "岗位", "岗位层次", "职权", "风险点编号", "风险类别", "风险描述", "风险等级", "防控措施", "责任人"]


@pytest.fixture(scope="module")
def xlsx(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("excel") / "project"
    shutil.copytree(FIXTURE, dest)
    result = build_handbook(BuildOptions(target=dest / "handbook.yaml", formats=["xlsx"], jobs=1, as_of=date(2026, 12, 1)))
    assert result.built
    return dest / "build" / "handbook" / "handbook.xlsx"


@pytest.fixture(scope="module")
def wb(xlsx: Path):
    return load_workbook(xlsx)


def test_sheets(wb):
    # one 一览表 per unit, so each printed page names its unit in the repeated title row
    assert wb.sheetnames == ["目录", "职权目录", "一览表-TA", "一览表-TB", "风险统计", "统计图", "流程清单", "流程图", "制度", "预警处置"]


def test_contents_links_to_every_sheet(wb):
    ws = wb["目录"]
    links = {c.value: c.hyperlink.location for c in ws["B"] if c.hyperlink is not None}
    assert links == {name: f"'{name}'!A1" for name in wb.sheetnames[1:]}
    # internal links: no external relationship, no target
    assert all(c.hyperlink.target is None for c in ws["B"] if c.hyperlink is not None)


def test_table_headers_and_title(wb):
    ws = wb[TABLE]
    assert [c.value.replace("\n", "") for c in ws[2]] == HEADERS
    assert ws["A1"].value == "测试甲医院（TA） 岗位权力行使风险防控一览表"
    assert "A1:K1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.print_title_rows == "$1:$2"


def test_every_risk_point_present_once(wb):
    ids = {name: [ws.cell(r, 6).value for r in range(3, ws.max_row + 1) if ws.cell(r, 6).value]
           for name in ("一览表-TA", "一览表-TB") for ws in [wb[name]]}
    assert ids == {"一览表-TA": ["R1", "R2", "R3", "R4"], "一览表-TB": ["R1", "R2"]}


def test_merged_like_real_tables(wb):
    ws = wb[TABLE]
    merged = {str(r) for r in ws.merged_cells.ranges}
    # 部门 药剂科 over R2–R4; 岗位 药剂科主任 (and its tier) over R2 and R3; 职权 药品采购 of P2 over R2 only
    assert {"B6:B10", "C6:C9", "D6:D9", "E6:E8"} <= merged
    # each risk point over its phase rows: R1 rows 3–5, R2 rows 6–8; 序号 too
    for col in "AFGHI":
        assert {f"{col}3:{col}5", f"{col}6:{col}8"} <= merged
    # measures and owners are per phase, never merged
    assert not any(r.startswith(("J", "K")) for r in merged)
    assert ws["J6"].value == "【前期预防】\n（1）年度采购计划经院长办公会审定后公开\n（2）同一品种年度累计金额达到限额的一律招标"
    assert ws["K6"].value == "药剂科主任"
    assert ws["J7"].value == "【中期监控】\n审计科每季度比对同一供应商的付款记录"  # one measure: no number


def test_a_signature_line_under_each_unit_table(wb):
    for name, unit in (("一览表-TA", "测试甲医院"), ("一览表-TB", "测试乙中心 | <b>")):
        ws = wb[name]
        last = ws.cell(ws.max_row, 1).value
        assert last.startswith(f"填报单位（盖章）：{unit}") and "负责人：" in last and "填报日期：" in last, name
        assert ws.cell(ws.max_row - 1, 1).value is None  # a blank row above it


def test_print_setup(wb):
    for name in wb.sheetnames:
        ws = wb[name]
        assert ws.page_setup.orientation == ("portrait" if name in ("流程图", "统计图") else "landscape"), name
        assert ws.page_setup.paperSize == 9, name  # A4
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), name
        assert ws.sheet_properties.pageSetUpPr.fitToPage, name
        # 风险统计 and the picture sheets repeat only the title: their blocks have their own headers
        assert ws.print_title_rows == ("$1:$1" if name in ("风险统计", "统计图", "流程图") else "$1:$2"), name


def test_no_unit_column_is_merged_down_the_page(wb):
    # a merged 单位 cell prints on one of its pages only: the list sheets name the unit on every row
    for name in ("职权目录", "流程清单", "制度", "预警处置"):
        ws = wb[name]
        assert not [r for r in ws.merged_cells.ranges if r.min_row != r.max_row], name
        units = [ws.cell(r, 2).value for r in range(3, ws.max_row + 1)]
        assert all(units), name


def test_borders_wrap_and_level_colours(wb):
    ws = wb[TABLE]
    cell = ws["H3"]
    assert cell.alignment.wrap_text and cell.border.left.style == "thin" and cell.border.bottom.style == "thin"
    levels = {ws.cell(r, 9).value: ws.cell(r, 9).fill.fgColor.rgb for r in range(3, ws.max_row + 1) if ws.cell(r, 9).value}
    assert levels == {level: "00" + fill for level, fill in palette.LEVEL_FILL.items()}


def test_no_formula_cells_even_for_formula_text(wb, xlsx: Path):
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", f"{ws.title}!{c.coordinate} is a formula: {c.value!r}"
    powers = wb["职权目录"]
    values = [c.value for row in powers.iter_rows(min_row=3) for c in row]
    assert "=SUM(1,2)" in values and "+cmd|' /C calc'!A0" in values
    measures = [ws.cell(r, 10).value for ws in (wb["一览表-TA"], wb["一览表-TB"]) for r in range(3, ws.max_row + 1)]
    assert '【前期预防】\n=HYPERLINK("http://evil","点我") 也只是文字' in measures
    with zipfile.ZipFile(xlsx) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name


def test_formula_like_text_keeps_the_quote_prefix(wb):
    powers = wb["职权目录"]
    cell = next(c for row in powers.iter_rows(min_row=3) for c in row if c.value == "=SUM(1,2)")
    assert cell.quotePrefix


def test_statistics_flows_institutions_alerts(wb):
    stats = [[c.value for c in row] for row in wb["风险统计"].iter_rows(min_row=2)]
    assert stats[0][0] == "风险点数量（按风险等级）" and stats[1][:2] == ["单位", "高"]
    assert ["测试甲医院", 2, 1, 1, 4] == stats[2][:5]
    assert ["合计", 2, 2, 2, 6] == stats[4][:5]
    flows = wb["流程清单"]
    assert [c.value for c in flows[3]][:8] == [1, "测试甲医院", "F1", "药品采购内部流程", "内部", "Q1", "药品采购", "提出计划→集体审定→签订合同"]
    assert flows["J3"].hyperlink.target == "flowcharts/TA_F1_internal.svg"
    # a path does not wrap: its column is as wide as the longest path
    assert flows.column_dimensions["J"].width >= len("flowcharts/TA_F1_internal.svg") + 2
    inst = wb["制度"]
    assert inst["H3"].hyperlink.target == "attachments/TA/药品采购管理制度.txt"
    assert inst["H4"].hyperlink is None and inst["H4"].value == "../../../../../etc/passwd"
    alerts = [c.value for c in wb["预警处置"][3]]
    assert alerts[:6] == [1, "测试甲医院", "A1", "2026-05-12", "黄色", "R2"]


def test_statistics_repeat_no_empty_header_row(wb):
    ws = wb["风险统计"]
    assert ws.print_title_rows == "$1:$1"
    grey = [c for c in ws[2] if c.fill.fgColor.rgb.endswith(palette.HEADER_FILL)]
    assert not grey and ws["A2"].value == "风险点数量（按风险等级）"


def test_headers_never_wrap_to_a_lone_bracket(wb):
    for ws in wb.worksheets:
        for row in ws.iter_rows(max_row=min(ws.max_row, 40)):
            for c in row:
                if c.style == "lf_header" and isinstance(c.value, str):
                    assert all(line not in ("）", ")", "、") and not line.startswith("）") for line in c.value.split("\n")), c.value


@given(st.text(alphabet="职权保留调整（）、高风险点的流程图abc()", min_size=1, max_size=30), st.integers(4, 40))
def test_wrap_header_keeps_brackets_with_their_text(text, width):
    from lianfang.handbook.excel import _CLOSING, wrap_header

    lines = wrap_header(text, width).split("\n")
    assert "".join(lines) == text
    for line in lines[1:]:
        assert line and line[0] not in _CLOSING


def test_one_picture_per_drawn_flow(xlsx: Path):
    with zipfile.ZipFile(xlsx) as z:
        pictures = [n for n in z.namelist() if n.startswith("xl/media/")]
    assert len(pictures) == 1 + 3  # TA's F1, the only flow of the fixture, and the three statistics charts
    wb = load_workbook(xlsx)
    ws = wb["流程图"]
    titles = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value]
    assert titles[0] == "测试甲医院　F1 药品采购内部流程" and titles[1] == "流程图文件：flowcharts/TA_F1_internal.svg"


def test_document_properties_are_fixed(xlsx: Path):
    wb = load_workbook(xlsx)
    assert wb.properties.creator.startswith("lianfang ")
    assert wb.properties.title == "测试市卫生系统廉政风险防控管理工作手册"


def test_row_heights_leave_room_for_merged_text():
    from openpyxl import Workbook

    from lianfang.handbook.excel import LINE_HEIGHT, Column, _lines, _Sheet, _Styles

    wb = Workbook()
    sheet = _Sheet(wb.active, _Styles(wb, "宋体"), "标题", [Column("风险描述", 10), Column("防控措施", 40)])
    long_text = "很长的风险描述" * 10  # 70 CJK characters: 140 units in a column of 10
    sheet.add([long_text, "措施一"])
    sheet.add([long_text, "措施二"])
    sheet.merge_runs(1, ["R1", "R1"], 3)
    sheet.finish()
    ws = wb.active
    heights = [ws.row_dimensions[r].height for r in (3, 4)]
    assert _lines(long_text, 10) == 17
    assert sum(heights) >= 17 * LINE_HEIGHT
    assert heights[0] < heights[1]  # the short row keeps its own height, the last one grows
    assert ws["A4"].value is None and ws["A3"].value == long_text
    assert _lines("第一行\n第二行", 40) == 2 and _lines(None, 10) == 1


# -- pagination: no merged cell across a page break ------------------------------------------------


def _big_unit():
    """One unit whose 一览表 runs over several pages: 2 departments, 6 posts, 8 risk points a post."""
    from lianfang.model.workbook import Workbook

    posts = [{"id": f"P{i}", "name": f"岗位{i}", "department": "业务科" if i < 4 else "综合科",
              "tier": ["领导岗位", "中层岗位", "其他重要岗位"][i % 3]} for i in range(1, 7)]
    powers = [{"id": f"Q{i}", "name": f"职权{i}", "content": "内容", "level": "单位", "subject": "科室", "basis": "依据"}
              for i in range(1, 4)]
    risks, measures = [], []
    for p in range(1, 7):
        for k in range(8):
            rid = f"R{p}-{k}"
            risks.append({"id": rid, "power": f"Q{k % 2 + 1}", "post": f"P{p}", "category": "业务流程",
                          "description": "风险描述" * (3 + k % 4), "level": "高中低"[k % 3]})
            for j, phase in enumerate(("前期预防", "中期监控", "后期处置")):
                measures.append({"id": f"M{p}-{k}-{j}", "risk": rid, "phase": phase,
                                 "description": "防控措施的具体内容" * (2 + (k + j) % 5), "owner": "科长"})
    return Workbook.model_validate({"unit": {"name": "大单位", "code": "BIG", "year": 2026, "status": "已确认"},
                                    "posts": posts, "powers": powers, "risks": risks, "measures": measures})


@pytest.fixture(scope="module")
def big():
    from datetime import UTC, datetime

    from lianfang.handbook.context import UnitInput, build_context
    from lianfang.handbook.excel import render_excel

    ctx = build_context([UnitInput(_big_unit(), "big.yaml")], title=None, organisation=None, year=None)
    data = render_excel(ctx, when=datetime(2026, 1, 1, tzinfo=UTC))
    import io

    return load_workbook(io.BytesIO(data))["一览表-BIG"]


def _pages(ws) -> list[tuple[int, int]]:
    breaks = sorted(b.id for b in ws.row_breaks.brk)
    starts = [3] + [b + 1 for b in breaks]
    ends = breaks + [ws.max_row]
    return list(zip(starts, ends, strict=True))


def test_the_table_is_paginated_with_manual_breaks_within_the_page_height(big):
    from lianfang.handbook.excel import (
        TABLE_COLUMNS,
        TITLE_HEIGHT,
        Column,
        page_budget,
        print_scale,
    )

    pages = _pages(big)
    assert len(pages) >= 4
    budget = page_budget(print_scale([Column(h, w) for h, _e, w, _c in TABLE_COLUMNS]),
                         TITLE_HEIGHT + big.row_dimensions[2].height)
    for first, last in pages:
        assert sum(big.row_dimensions[r].height for r in range(first, last + 1)) <= budget


def test_no_merged_cell_crosses_a_page_break(big):
    pages = _pages(big)

    def page_of(row: int) -> int:
        return next(i for i, (a, b) in enumerate(pages) if a <= row <= b)

    vertical = [r for r in big.merged_cells.ranges if r.min_row != r.max_row]
    assert vertical
    for r in vertical:
        assert page_of(r.min_row) == page_of(r.max_row), str(r)


def test_every_page_begins_with_its_department_post_and_power(big):
    pages = _pages(big)
    continued = 0
    for first, _last in pages[1:]:
        cells = [big.cell(first, c).value for c in (2, 3, 5)]  # 部门, 岗位, 职权
        assert all(cells), (first, cells)
        assert big.cell(first, 6).value  # a page never begins inside a risk point
        continued += any(v.endswith("（续）") for v in cells)
    assert continued  # groups run over pages here, and say so


def test_paginate_keeps_blocks_whole():
    from lianfang.handbook.excel import paginate

    assert paginate([10, 10, 10], 25) == [2]
    assert paginate([10, 10, 10], 30) == []
    assert paginate([30, 5, 5], 25) == [1]  # a block taller than a page gets a page of its own
