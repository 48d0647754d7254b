"""The Excel handbook read back: sheets, headers, merges, print set-up, links, and no formulas."""

from __future__ import annotations

import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from lianfang.handbook.build import BuildOptions, build_handbook

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "handbook"
TABLE = "岗位权力行使风险防控一览表"
HEADERS = ["序号", "单位", "部门", "岗位", "岗位层次", "职权", "风险点编号", "风险类别", "风险描述", "风险等级", "防控措施", "责任人"]


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
    assert wb.sheetnames == ["目录", "职权目录", TABLE, "风险统计", "流程清单", "制度", "预警处置"]


def test_contents_links_to_every_sheet(wb):
    ws = wb["目录"]
    links = {c.value: c.hyperlink.location for c in ws["B"] if c.hyperlink is not None}
    assert links == {name: f"'{name}'!A1" for name in wb.sheetnames[1:]}
    # internal links: no external relationship, no target
    assert all(c.hyperlink.target is None for c in ws["B"] if c.hyperlink is not None)


def test_table_headers_and_title(wb):
    ws = wb[TABLE]
    assert [c.value for c in ws[2]] == HEADERS
    assert ws["A1"].value == "测试市卫生系统廉政风险防控管理工作手册 岗位权力行使风险防控一览表"
    assert "A1:L1" in {str(r) for r in ws.merged_cells.ranges}


def test_every_risk_point_present_once(wb):
    ws = wb[TABLE]
    ids = [(ws.cell(r, 2).value, ws.cell(r, 7).value) for r in range(3, ws.max_row + 1) if ws.cell(r, 7).value]
    # the unit column is merged, so carry its value down for the check
    units = []
    current = None
    for r in range(3, ws.max_row + 1):
        current = ws.cell(r, 2).value or current
        if ws.cell(r, 7).value:
            units.append(current)
    assert sorted(zip(units, [i for _, i in ids], strict=True)) == sorted(
        [("测试甲医院", f"R{i}") for i in range(1, 5)] + [("测试乙中心 | <b>", "R1"), ("测试乙中心 | <b>", "R2")])
    assert ws.max_row == 2 + 3 + 3 + 1 + 1 + 1 + 1  # R1: 3 phases, R2: 3, R3: 1, R4: 1; TB: 1 and 1


def test_merged_like_real_tables(wb):
    ws = wb[TABLE]
    merged = {str(r) for r in ws.merged_cells.ranges}
    # 单位 over the unit's rows; 部门 药剂科 over P2 and P3; 岗位 药剂科主任 over R2 and R3
    assert {"B3:B10", "B11:B12", "C6:C10", "D6:D9", "E6:E9"} <= merged
    # 职权 药品采购 of P2 over R2's rows only (R3 is 处方点评)
    assert "F6:F8" in merged
    # each risk point over its phase rows: R1 rows 3–5, R2 rows 6–8; 序号 too
    for col in "AGHIJ":
        assert {f"{col}3:{col}5", f"{col}6:{col}8"} <= merged
    # measures and owners are per phase, never merged
    assert not any(r.startswith(("K", "L")) for r in merged)
    assert ws["K6"].value == "【前期预防】\n（1）年度采购计划经院长办公会审定后公开\n（2）同一品种年度累计金额达到限额的一律招标"
    assert ws["L6"].value == "药剂科主任"
    assert ws["K7"].value == "【中期监控】\n审计科每季度比对同一供应商的付款记录"  # one measure: no number


def test_print_setup(wb):
    for name in wb.sheetnames:
        ws = wb[name]
        assert ws.page_setup.orientation == "landscape", name
        assert ws.page_setup.paperSize == 9, name  # A4
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), name
        assert ws.sheet_properties.pageSetUpPr.fitToPage, name
        assert ws.print_title_rows == "$1:$2", name
        assert ws.freeze_panes == "A3", name


def test_borders_wrap_and_level_colours(wb):
    ws = wb[TABLE]
    cell = ws["I3"]
    assert cell.alignment.wrap_text and cell.border.left.style == "thin" and cell.border.bottom.style == "thin"
    levels = {ws.cell(r, 10).value: ws.cell(r, 10).fill.fgColor.rgb for r in range(3, ws.max_row + 1) if ws.cell(r, 10).value}
    assert levels == {"高": "00FFC7CE", "中": "00FFEB9C", "低": "00C6EFCE"}


def test_no_formula_cells_even_for_formula_text(wb, xlsx: Path):
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", f"{ws.title}!{c.coordinate} is a formula: {c.value!r}"
    powers = wb["职权目录"]
    values = [c.value for row in powers.iter_rows(min_row=3) for c in row]
    assert "=SUM(1,2)" in values and "+cmd|' /C calc'!A0" in values
    table = wb[TABLE]
    measures = [table.cell(r, 11).value for r in range(3, table.max_row + 1)]
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
    stats = [[c.value for c in row] for row in wb["风险统计"].iter_rows(min_row=3)]
    assert ["测试甲医院", 2, 1, 1, 4] == stats[2][:5]
    assert ["合计", 2, 2, 2, 6] == stats[4][:5]
    flows = wb["流程清单"]
    assert [c.value for c in flows[3]][:8] == [1, "测试甲医院", "F1", "药品采购内部流程", "内部", "Q1", "药品采购", "提出计划→集体审定→签订合同"]
    assert flows["J3"].hyperlink.target == "flowcharts/TA_F1_internal.svg"
    inst = wb["制度"]
    assert inst["H3"].hyperlink.target == "attachments/TA/药品采购管理制度.txt"
    assert inst["H4"].hyperlink is None and inst["H4"].value == "../../../../../etc/passwd"
    alerts = [c.value for c in wb["预警处置"][3]]
    assert alerts[:6] == [1, "测试甲医院", "A1", "2026-05-12", "黄色", "R2"]


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
