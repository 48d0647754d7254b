"""The xlsx reader: every tolerance rule of the spec, every reading problem (LF100–LF107) with its
exact location, and the limits that keep a hostile file from crashing or exhausting the process.

Every workbook is built inside its test with openpyxl (``xlsx_helpers``).
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianfang.findings import Location, flatten
from lianfang.io import xlsx_reader, zip_guard
from lianfang.io.build import LEFT_TO_RULES, Builder, RawRow
from lianfang.io.format import RISKS, TABLE_SPECS
from lianfang.io.limits import SettingError
from lianfang.io.reader import read_workbook
from lianfang.io.values import Problem, coerce, coerce_column
from lianfang.io.xlsx_reader import read_xlsx
from lianfang.model.source import Origin, Source
from lianfang.model.vocab import FoundBy, Phase, PostTier, RiskCategory, RiskLevel
from lianfang.model.workbook import Workbook
from lianfang.rules.reading import reader_findings
from xlsx_helpers import (
    MEASURES_ROWS,
    POSTS_ROWS,
    POWERS_ROWS,
    RISKS_ROWS,
    UNIT_ROWS,
    Sheet,
    base_sheets,
    write_xlsx,
)

WHERE = ("code", "sheet", "row", "column", "cell", "object", "field")


def read(tmp_path: Path, sheets, name: str = "unit.xlsx"):
    return read_xlsx(write_xlsx(tmp_path / name, sheets))


def where(result) -> list[tuple]:
    return flatten(reader_findings(result.problems), *WHERE)


def with_sheet(name: str, sheet) -> dict:
    sheets = base_sheets()
    sheets[name] = sheet
    return sheets


# -- a valid workbook --


def test_valid_workbook_reads_without_findings(tmp_path):
    result = read(tmp_path, base_sheets())
    assert reader_findings(result.problems) == []
    wb = result.workbook
    assert result.unit_code == "CHYY"
    assert (wb.unit.name, wb.unit.year, wb.unit.criteria.high) == ("巢湖市第一人民医院", 2026, "可能导致违法犯罪")
    assert [p.id for p in wb.posts] == ["GW-01", "GW-02", "GW-03"]
    assert wb.posts[2].holders == ["王五", "赵六"] and wb.posts[0].key is True and wb.posts[2].key is False
    assert wb.posts[1].tier is PostTier.MIDDLE
    assert (wb.risks[0].category, wb.risks[0].level) == (RiskCategory.PROCESS, RiskLevel.HIGH)
    assert wb.measures[1].phase is Phase.MONITOR
    assert wb.origin.format == "xlsx"
    assert wb.origin.sheets == {"unit": "单位信息", "posts": "岗位", "powers": "职权目录", "risks": "风险点", "measures": "防控措施"}


def test_every_value_has_its_cell(tmp_path):
    wb = read(tmp_path, base_sheets()).workbook
    assert wb.risks[1].loc("level") == Location(sheet="风险点", row=3, column="F")
    assert wb.risks[1].loc() == Location(sheet="风险点", row=3)
    assert wb.measures[0].loc("owner").describe() == "防控措施!E2"
    # 单位信息: the label's row, the value's column
    assert wb.unit.loc("year") == Location(sheet="单位信息", row=5, column="B")
    assert wb.unit.loc("criteria.low") == Location(sheet="单位信息", row=9, column="B")
    assert wb.unit.loc("criteria") == Location(sheet="单位信息", row=7, column="B")
    assert wb.unit.loc("contact") == Location(sheet="单位信息")  # no such label: the sheet


def test_read_model_is_valid_and_in_field_order(tmp_path):
    """Records are built without a second validation (Record.trusted): what comes out must be
    exactly what pydantic would have built."""
    wb = read(tmp_path, base_sheets()).workbook
    again = Workbook.model_validate(wb.to_data())
    assert again.to_data() == wb.to_data()
    for record in [wb.unit, *wb.posts, *wb.powers, *wb.risks, *wb.measures]:
        assert list(record.model_dump()) == list(type(record).model_fields)
        validated = type(record).model_validate(record.model_dump())
        assert validated.__dict__ == record.__dict__
        assert validated.model_fields_set == record.model_fields_set


def test_read_workbook_dispatches_xlsx_and_xlsm(tmp_path):
    write_xlsx(tmp_path / "a.xlsx", base_sheets())
    (tmp_path / "a.xlsm").write_bytes((tmp_path / "a.xlsx").read_bytes())
    for name in ("a.xlsx", "a.xlsm"):
        result = read_workbook(tmp_path / name)
        assert reader_findings(result.problems) == [] and result.unit_code == "CHYY"


# -- tolerance: headers --


def test_title_rows_above_the_header_are_ignored(tmp_path):
    rows = [["XX医院廉政风险点登记表"], ["填报单位：药剂科", None, None, None, "填报日期：2026年9月"], [], *RISKS_ROWS]
    rows[-1] = ["FX-02", "QL-02", "GW-03", "岗位职责", "设备验收走过场", "较高"]
    result = read(tmp_path, with_sheet("风险点", Sheet(rows, merges=["A1:F1"])))
    assert [r.id for r in result.workbook.risks] == ["FX-01", "FX-02"]
    assert where(result) == [("LF104", "风险点", 6, "F", "F6", "FX-02", "level")]


def test_header_after_row_10_is_not_found(tmp_path):
    rows = [["说明"]] * 10 + RISKS_ROWS
    result = read(tmp_path, with_sheet("风险点", rows))
    assert where(result) == [("LF102", "风险点", None, None, None, None, "id")]
    assert result.workbook.risks == []


def test_header_in_row_10_is_found(tmp_path):
    rows = [["说明"]] * 9 + RISKS_ROWS
    result = read(tmp_path, with_sheet("风险点", rows))
    assert reader_findings(result.problems) == [] and result.workbook.risks[0].loc("id").describe() == "风险点!A11"


def test_serial_number_and_note_columns(tmp_path):
    rows = [["序号", *RISKS_ROWS[0], "备注"],
            [1, *RISKS_ROWS[1], "已整改"],
            [2, *RISKS_ROWS[2], None],
            [3], [4]]  # a template numbered ahead: 序号 alone is a blank row
    result = read(tmp_path, with_sheet("风险点", rows))
    assert reader_findings(result.problems) == []
    assert [(r.id, r.note) for r in result.workbook.risks] == [("FX-01", "已整改"), ("FX-02", None)]
    assert result.workbook.risks[0].loc("note").column == "H"


def test_headers_with_white_space_and_line_breaks(tmp_path):
    header = [" 风险点\n编号 ", "职权\r\n编号", "岗位　编号", "风险 类别", "\t风险描述", "风险\n等级"]
    result = read(tmp_path, with_sheet("风险点", [header, *RISKS_ROWS[1:]]))
    assert reader_findings(result.problems) == []
    assert [r.level for r in result.workbook.risks] == [RiskLevel.HIGH, RiskLevel.MEDIUM]


def test_required_markers_stacked(tmp_path):
    header = ["*风险点编号", "职权编号(必填)", "*岗位编号（必填）＊", "风险类别*", "＊风险描述＊", "*风险等级（必填）"]
    result = read(tmp_path, with_sheet("风险点", [header, *RISKS_ROWS[1:]]))
    assert reader_findings(result.problems) == []
    assert result.workbook.risks[1].post == "GW-03"


def test_columns_in_any_order(tmp_path):
    order = [5, 3, 0, 4, 2, 1]
    rows = [[row[i] for i in order] for row in RISKS_ROWS]
    result = read(tmp_path, with_sheet("风险点", rows))
    assert reader_findings(result.problems) == []
    reference = read(tmp_path, base_sheets(), "ref.xlsx").workbook
    assert result.workbook.to_data() == reference.to_data()
    assert result.workbook.risks[0].loc("id") == Location(sheet="风险点", row=2, column="C")
    assert result.workbook.risks[0].loc("level").column == "A"


def test_english_sheet_names_headers_and_labels(tmp_path):
    unit = [["Name", "巢湖市第一人民医院"], ["CODE", "CHYY"], ["year", 2026], ["status", "submitted"],
            ["high", "a"], ["medium", "b"], ["low", "c"]]
    risks = [["ID", "Power", "post", "Category", "description", "Level", "found_by"],
             ["FX-01", "QL-01", "GW-02", "process", "采购中收受回扣", "high", "自己找、专家评"]]
    sheets = {"unit": unit, "Posts": POSTS_ROWS, "powers": POWERS_ROWS, "risks": risks, " measures ": MEASURES_ROWS[:2]}
    result = read(tmp_path, sheets)
    assert reader_findings(result.problems) == []
    wb = result.workbook
    assert (wb.unit.code, wb.unit.criteria.medium) == ("CHYY", "b")
    assert wb.risks[0].found_by == [FoundBy.SELF, FoundBy.EXPERT] and wb.risks[0].level is RiskLevel.HIGH
    assert wb.origin.sheets["posts"] == "Posts" and wb.origin.sheets["measures"] == " measures "
    assert wb.measures[0].loc("id").sheet == " measures "


def test_unknown_sheets_are_ignored_silently(tmp_path):
    sheets = {"填表说明": [["请按说明填写"]], **base_sheets(), "选项": [["高", "中", "低"]], "我的笔记": [["随手记"]]}
    result = read(tmp_path, sheets)
    assert reader_findings(result.problems) == []
    assert set(result.workbook.origin.sheets.values()) == {"单位信息", "岗位", "职权目录", "风险点", "防控措施"}


# -- tolerance: rows and cells --


def test_vertical_merges_fill_down(tmp_path):
    rows = [RISKS_ROWS[0],
            ["FX-01", "QL-01", "GW-02", "业务流程", "采购中收受回扣", "高"],
            ["FX-02", None, None, "岗位职责", "验收走过场", "中"],
            ["FX-03", None, None, "制度机制", "制度不健全", "低"],
            ["FX-04", "QL-02", "GW-03", "外部环境", "供应商围猎", "高"]]
    result = read(tmp_path, with_sheet("风险点", Sheet(rows, merges=["B2:B4", "C2:C3"])))
    assert reader_findings(result.problems) == []
    assert [(r.power, r.post) for r in result.workbook.risks] == [
        ("QL-01", "GW-02"), ("QL-01", "GW-02"), ("QL-01", None), ("QL-02", "GW-03")]
    # the filled value keeps the location of the row it was filled into
    assert result.workbook.risks[2].loc("power").describe() == "风险点!B4"


def test_merges_do_not_copy_across_columns_or_from_the_title(tmp_path):
    rows = [["风险点登记表"], RISKS_ROWS[0],
            ["FX-01", "QL-01", "GW-02", "业务流程", "采购中收受回扣", None]]
    # the title merge covers the header row; the data merge E3:F3 is horizontal
    result = read(tmp_path, with_sheet("风险点", Sheet(rows, merges=["A1:F1", "E3:F3"])))
    assert where(result) == [("LF103", "风险点", 3, "F", "F3", "FX-01", "level")]


def test_merge_below_the_data_does_not_make_rows(tmp_path):
    rows = [RISKS_ROWS[0], RISKS_ROWS[1]]
    result = read(tmp_path, with_sheet("风险点", Sheet(rows, merges=["C2:C1000"])))
    assert reader_findings(result.problems) == [] and len(result.workbook.risks) == 1


def test_blank_rows_are_skipped(tmp_path):
    rows = [RISKS_ROWS[0], [], RISKS_ROWS[1], [" ", "　", None, "\n", "\t"], [], RISKS_ROWS[2]]
    result = read(tmp_path, with_sheet("风险点", rows))
    assert reader_findings(result.problems) == []
    assert [r.loc().row for r in result.workbook.risks] == [3, 6]


def test_white_space_cell_in_a_kept_row_is_empty(tmp_path):
    rows = [RISKS_ROWS[0], ["FX-01", "QL-01", "GW-02", "业务流程", "　 ", "高"]]
    result = read(tmp_path, with_sheet("风险点", rows))
    assert where(result) == [("LF103", "风险点", 2, "E", "E2", "FX-01", "description")]


def test_sheet_that_does_not_start_at_a1(tmp_path):
    result = read(tmp_path, with_sheet("风险点", Sheet(RISKS_ROWS, start="C4")))
    assert reader_findings(result.problems) == []
    risk = result.workbook.risks[1]
    assert (risk.loc("id").describe(), risk.loc("level").describe()) == ("风险点!C6", "风险点!H6")


def test_text_is_stripped_and_kept_as_written(tmp_path):
    rows = [RISKS_ROWS[0], ["  FX-01 ", "QL-01", "GW-02", "业务流程", "  暗箱操作，\n优亲厚友  ", "高"]]
    risk = read(tmp_path, with_sheet("风险点", rows)).workbook.risks[0]
    assert (risk.id, risk.description) == ("FX-01", "暗箱操作，\n优亲厚友")


# -- tolerance: values --


POST_HEADER = ["岗位编号", "岗位名称", "所在部门", "岗位层次", "在岗人员", "任职起始", "重点岗位"]


def posts_with(*rows) -> Sheet | list:
    return [POST_HEADER, *[[f"GW-{i + 1:02d}", "岗位", "院办", "中层岗位", *row] for i, row in enumerate(rows)]]


def test_excel_date_cells(tmp_path):
    sheets = with_sheet("岗位", posts_with([None, date(2012, 7, 1)], [None, datetime(2013, 3, 1, 8, 30)]))
    sheets["单位信息"] = UNIT_ROWS + [["确认日期", date(2026, 9, 10)]]
    result = read(tmp_path, sheets)
    assert reader_findings(result.problems) == []
    assert [p.since for p in result.workbook.posts] == [date(2012, 7, 1), date(2013, 3, 1)]
    assert result.workbook.unit.confirmed_on == date(2026, 9, 10)


@pytest.mark.parametrize("number_format", ['yyyy"年"m"月"d"日"', '[DBNum1][$-804]yyyy"年"m"月"d"日"', 'm"月"d"日"',
                                           31, 57, 58, 27, 36])
def test_east_asian_date_formats(tmp_path, number_format):
    """Custom 年月日 formats and the East-Asian built-ins (ids 27–36, 50–58, unknown to openpyxl)."""
    sheets = with_sheet("岗位", Sheet(posts_with([None, date(2012, 7, 1)]), formats={"F2": number_format}))
    result = read(tmp_path, sheets)
    assert reader_findings(result.problems) == [] and result.workbook.posts[0].since == date(2012, 7, 1)


def test_date_typed_as_a_plain_number_is_an_excel_serial(tmp_path):
    result = read(tmp_path, with_sheet("岗位", posts_with([None, 41091])))
    assert reader_findings(result.problems) == [] and result.workbook.posts[0].since == date(2012, 7, 1)


@pytest.mark.parametrize("text", ["2012-07-01", "2012/7/1", "2012.7.1", "2012年7月1日", " 2012-7-1 "])
def test_text_dates_in_every_spelling(tmp_path, text):
    result = read(tmp_path, with_sheet("岗位", posts_with([None, text])))
    assert reader_findings(result.problems) == [] and result.workbook.posts[0].since == date(2012, 7, 1)


def test_due_is_a_date_or_free_text(tmp_path):
    header = [*MEASURES_ROWS[0], "完成时限"]
    rows = [header, [*MEASURES_ROWS[1], date(2026, 12, 31)], [*MEASURES_ROWS[2], "每季度"]]
    result = read(tmp_path, with_sheet("防控措施", rows))
    assert reader_findings(result.problems) == []
    assert [m.due for m in result.workbook.measures] == [date(2026, 12, 31), "每季度"]


def test_numeric_ids_read_as_integer_text(tmp_path):
    risks = [RISKS_ROWS[0], [3, "QL-01", "GW-02", "业务流程", "a", "高"], [4.0, "QL-01", None, "业务流程", "b", "中"],
             ["007", "QL-01", None, "业务流程", "c", "低"]]
    flows = [["流程编号", "职权编号", "流程类型"], [1, "QL-01", "内部"]]
    steps = [["流程编号", "环节编号", "环节名称", "责任主体", "办理时限", "下一环节", "风险点编号"],
             [1, 1, "受理", "药剂科", "1日", 2, 3],
             [1.0, 2.0, "审批", "院长", "2日", None, "007、4"]]
    sheets = with_sheet("风险点", risks) | {"流程": flows, "流程环节": steps}
    wb = read(tmp_path, sheets).workbook
    assert [r.id for r in wb.risks] == ["3", "4", "007"]
    flow = wb.flows[0]
    assert flow.id == "1" and [s.id for s in flow.steps] == ["1", "2"]
    assert flow.steps[0].next == ["2"] and flow.steps[0].risks == ["3"] and flow.steps[1].risks == ["007", "4"]


@pytest.mark.parametrize("sep", ["、", ",", "，", ";", "；", "\n", "\r\n", " 、 "])
def test_every_list_separator(tmp_path, sep):
    posts = posts_with([f"张三{sep}李四"])
    powers = [[*POWERS_ROWS[0], "责任岗位"], [*POWERS_ROWS[1], f"GW-01{sep}GW-02"], POWERS_ROWS[2]]
    risks = [[*RISKS_ROWS[0], "查找方式"], [*RISKS_ROWS[1], f"自己找{sep}专家评"], RISKS_ROWS[2]]
    sheets = base_sheets() | {"岗位": posts, "职权目录": powers, "风险点": risks}
    wb = read(tmp_path, sheets).workbook
    assert wb.posts[0].holders == ["张三", "李四"]
    assert wb.powers[0].posts == ["GW-01", "GW-02"]
    assert wb.risks[0].found_by == [FoundBy.SELF, FoundBy.EXPERT]


@pytest.mark.parametrize("cell, expected", [("是", True), ("否", False), ("Y", True), ("n", False), ("true", True),
                                            ("FALSE", False), ("1", True), ("0", False), (1, True), (0, False),
                                            (True, True), (False, False)])
def test_booleans(tmp_path, cell, expected):
    result = read(tmp_path, with_sheet("岗位", posts_with([None, None, cell])))
    assert reader_findings(result.problems) == [] and result.workbook.posts[0].key is expected


def test_enum_spellings_with_suffixes_and_aliases(tmp_path):
    rows = [RISKS_ROWS[0], ["FX-01", "QL-01", None, "岗位职责风险", "a", "高风险"], ["FX-02", "QL-01", None, "制度机制类", "b", "★★"],
            ["FX-03", "QL-01", None, "ethics", "c", "低级"]]
    wb = read(tmp_path, with_sheet("风险点", rows)).workbook
    assert [(r.category.value, r.level.value) for r in wb.risks] == [("岗位职责", "高"), ("制度机制", "中"), ("思想道德", "低")]


# -- 单位信息 --


def test_unit_sheet_without_header_row(tmp_path):
    result = read(tmp_path, with_sheet("单位信息", UNIT_ROWS[1:]))
    assert reader_findings(result.problems) == [] and result.workbook.unit.code == "CHYY"
    assert result.workbook.unit.loc("code") == Location(sheet="单位信息", row=2, column="B")


def test_unit_sheet_with_title_markers_and_serial_column(tmp_path):
    rows = [["单位基本信息"], [], ["序号", "*项目", "内容"]]
    rows += [[i, f"{label}（必填）" if i % 2 else label, value] for i, (label, value) in enumerate(UNIT_ROWS[1:], 1)]
    result = read(tmp_path, with_sheet("单位信息", rows))
    assert reader_findings(result.problems) == []
    assert result.workbook.unit.year == 2026
    assert result.workbook.unit.loc("year") == Location(sheet="单位信息", row=7, column="C")


def test_unit_label_without_value_is_a_heading(tmp_path):
    rows = UNIT_ROWS[:6] + [["风险等级划分标准"]] + UNIT_ROWS[6:]
    assert reader_findings(read(tmp_path, with_sheet("单位信息", rows)).problems) == []


# -- steps --


def test_steps_attach_to_their_flow(tmp_path):
    flows = [["流程编号", "职权编号", "流程类型"], ["LC-01", "QL-01", "内部"], ["LC-02", "QL-02", "外部"]]
    steps = [["流程编号", "环节编号", "环节名称", "责任主体", "下一环节"],
             ["LC-01", "1", "提出计划", "药剂科", "2"],
             ["LC-02", "1", "受理", "设备科", None],
             ["LC-01", "2", "集体审议", "药事委员会", "3(同意)、1（不同意）"],
             ["LC-01", "3", "签订合同", "院办", None]]
    result = read(tmp_path, base_sheets() | {"流程": flows, "流程环节": steps})
    assert reader_findings(result.problems) == []
    lc1, lc2 = result.workbook.flows
    assert [s.id for s in lc1.steps] == ["1", "2", "3"] and [s.id for s in lc2.steps] == ["1"]
    assert lc1.steps[1].transitions == [("3", "同意"), ("1", "不同意")]
    assert lc1.steps[1].loc("next").describe() == "流程环节!E4"


def test_step_of_an_unknown_flow(tmp_path):
    flows = [["流程编号", "职权编号", "流程类型"], ["LC-01", "QL-01", "内部"]]
    steps = [["流程编号", "环节编号", "环节名称", "责任主体"], ["LC-99", "1", "受理", "院办"]]
    result = read(tmp_path, base_sheets() | {"流程": flows, "流程环节": steps})
    assert where(result) == [("LF206", "流程环节", 2, "A", "A2", "LC-99/1", "flow")]
    assert result.workbook.flows[0].steps == []


def test_step_without_id_of_an_unknown_flow(tmp_path):
    """Without a 环节编号 there is no FLOW/STEP to name: the finding's object is null, as it is
    for the step's other findings (not "LC-99/None")."""
    flows = [["流程编号", "职权编号", "流程类型"], ["LC-01", "QL-01", "内部"]]
    steps = [["流程编号", "环节编号", "环节名称", "责任主体"], ["LC-99", None, "受理", "院办"], ["LC-98", " ", "受理", "院办"]]
    result = read(tmp_path, base_sheets() | {"流程": flows, "流程环节": steps})
    assert where(result) == [("LF103", "流程环节", 2, "B", "B2", None, "id"), ("LF206", "流程环节", 2, "A", "A2", None, "flow"),
                             ("LF103", "流程环节", 3, "B", "B3", None, "id"), ("LF206", "流程环节", 3, "A", "A3", None, "flow")]


# -- LF100: not a workbook --


def minimal_zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buf.getvalue()


def valid_bytes(tmp_path: Path, sheets=None) -> bytes:
    return write_xlsx(tmp_path / "valid.xlsx", sheets or base_sheets()).read_bytes()


def replace_part(data: bytes, name: str, content: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts[name] = content
    return minimal_zip(parts)


def sheet_part(data: bytes, sheet_no: int) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(f"xl/worksheets/sheet{sheet_no}.xml")


RISKS_PART = 4  # 风险点 is the fourth sheet of base_sheets()


def only_lf100(result) -> str:
    assert result.workbook is None
    assert where(result) == [("LF100", None, None, None, None, None, None)]
    return reader_findings(result.problems)[0].message


@pytest.mark.parametrize("make, words", [
    (lambda p: b"", "为空"),
    (lambda p: "单位名称,巢湖市第一人民医院\n".encode(), "不是 zip"),
    (lambda p: valid_bytes(p)[:2000], "zip"),  # truncated: the central directory is gone
    (lambda p: bytes.fromhex("D0CF11E0A1B11AE1") + bytes(2000), "密码"),  # encrypted .xlsx or .xls
    (lambda p: minimal_zip({"word/document.xml": b"<w/>"}), "xl/workbook.xml"),
    (lambda p: minimal_zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}), ".ods"),
    (lambda p: minimal_zip({"xl/workbook.bin": b"\0"}), ".xlsb"),
], ids=["empty", "csv-renamed", "truncated", "ole", "docx", "ods", "xlsb"])
def test_lf100_not_an_xlsx(tmp_path, make, words):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(make(tmp_path))
    assert words in only_lf100(read_xlsx(path))


def test_lf100_encrypted_zip_member(tmp_path):
    data = bytearray(valid_bytes(tmp_path))
    # set the "encrypted" flag of every entry of the central directory
    for m in re.finditer(rb"PK\x01\x02", bytes(data)):
        data[m.start() + 8] |= 0x1
    assert "加密" in only_lf100(read_xlsx("x.xlsx", data=bytes(data)))


def test_lf100_missing_file_and_directory(tmp_path):
    assert "无法打开" in only_lf100(read_xlsx(tmp_path / "nothing.xlsx"))
    (tmp_path / "dir.xlsx").mkdir()
    assert "无法打开" in only_lf100(read_xlsx(tmp_path / "dir.xlsx"))


def test_lf100_corrupt_sheet_xml_no_traceback(tmp_path):
    data = replace_part(valid_bytes(tmp_path), f"xl/worksheets/sheet{RISKS_PART}.xml", b"<worksheet><sheetData><row r='1'><c")
    assert "损坏" in only_lf100(read_xlsx("x.xlsx", data=data))


def test_lf100_english_message(tmp_path):
    from lianfang.i18n import set_lang

    set_lang("en")
    assert "not a valid .xlsx" in only_lf100(read_xlsx("x.xlsx", data=b"plain text"))


def test_lf100_zip_bomb_by_ratio(tmp_path, monkeypatch):
    monkeypatch.setattr(zip_guard, "RATIO_FLOOR", 64 * 1024)
    data = replace_part(valid_bytes(tmp_path), "xl/theme/theme1.xml", b"<a>" + b" " * (4 << 20) + b"</a>")
    assert "zip 炸弹" in only_lf100(read_xlsx("x.xlsx", data=data))


def test_lf100_zip_bomb_over_the_total(tmp_path, monkeypatch):
    monkeypatch.setattr(zip_guard, "MAX_UNCOMPRESSED", 1 << 20)
    data = replace_part(valid_bytes(tmp_path), "xl/theme/theme1.xml", b"<a>" + b"x" * (2 << 20) + b"</a>")
    assert "zip 炸弹" in only_lf100(read_xlsx("x.xlsx", data=data))


def test_lf100_zip_whose_directory_lies_about_sizes(tmp_path, monkeypatch):
    """The declared size says 1 KB; the part inflates to 3 MB: the real size is what counts."""
    monkeypatch.setattr(zip_guard, "MAX_UNCOMPRESSED", 2 << 20)
    data = bytearray(replace_part(valid_bytes(tmp_path), "xl/theme/theme1.xml", b"<a>" + b"y" * (3 << 20) + b"</a>"))
    name = b"xl/theme/theme1.xml"
    for sig, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # local header, central directory
        for m in re.finditer(re.escape(sig), bytes(data)):
            start = m.start()
            name_at = start + (30 if sig == b"PK\x03\x04" else 46)
            if bytes(data[name_at:name_at + len(name)]) == name:
                data[start + size_at:start + size_at + 4] = (1024).to_bytes(4, "little")
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        assert z.getinfo("xl/theme/theme1.xml").file_size == 1024
    assert "zip 炸弹" in only_lf100(read_xlsx("x.xlsx", data=bytes(data)))


def test_lf100_far_cell_instead_of_a_crash(tmp_path):
    """A5 KB file with values in A1 and XFD1048576 would make calamine ask for 500 GB and abort."""
    sheets = with_sheet("风险点", Sheet(RISKS_ROWS))
    path = write_xlsx(tmp_path / "far.xlsx", sheets)
    import openpyxl

    wb = openpyxl.load_workbook(path)
    wb["风险点"]["XFD1048576"] = "x"
    wb.save(path)
    assert "超过" in only_lf100(read_xlsx(path))


def test_lf100_range_over_the_cell_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(zip_guard, "MAX_SHEET_CELLS", 10_000)
    rows = [*RISKS_ROWS, *[[None]] * 50, [None] * 300 + ["far"]]  # 53 rows × 301 columns
    assert "单元格" in only_lf100(read(tmp_path, with_sheet("风险点", rows)))


def test_styled_empty_far_cell_is_not_data(tmp_path):
    """Borders drawn to XFD1048576 leave an empty (self-closing) cell: not part of the range."""
    import openpyxl
    from openpyxl.styles import Border, Side

    path = write_xlsx(tmp_path / "styled.xlsx", base_sheets())
    wb = openpyxl.load_workbook(path)
    wb["风险点"]["XFD1048576"].border = Border(left=Side(style="thin"))
    wb.save(path)
    assert b'r="XFD1048576"' in sheet_part(path.read_bytes(), RISKS_PART)
    assert reader_findings(read_xlsx(path).problems) == []


def test_cells_without_references_are_counted_where_they_land(tmp_path, monkeypatch):
    """Cells may omit r="A1" (their place is implied): read as usual, bounded as usual."""
    data = valid_bytes(tmp_path)
    xml = re.sub(rb'<c r="[A-Z]+[0-9]+"', b"<c", sheet_part(data, RISKS_PART))
    xml = re.sub(rb'<row r="[0-9]+"', b"<row", xml)
    implied = replace_part(data, f"xl/worksheets/sheet{RISKS_PART}.xml", xml)
    result = read_xlsx("x.xlsx", data=implied)
    assert reader_findings(result.problems) == [] and [r.id for r in result.workbook.risks] == ["FX-01", "FX-02"]
    assert result.workbook.risks[1].loc("level").describe() == "风险点!F3"
    monkeypatch.setattr(zip_guard, "MAX_SHEET_CELLS", 12)  # 3 rows × 6 columns is over 12
    assert "单元格" in only_lf100(read_xlsx("x.xlsx", data=implied))


def test_lf100_rows_over_the_cap(tmp_path, monkeypatch):
    rows = RISKS_ROWS + [[f"FX-{i:02d}", "QL-01", None, "业务流程", "描述", "中"] for i in range(3, 13)]  # 13 rows
    monkeypatch.setenv("LIANFANG_MAX_ROWS", "12")
    message = only_lf100(read(tmp_path, with_sheet("风险点", rows)))
    assert "风险点" in message and "12 行" in message and "LIANFANG_MAX_ROWS" in message
    monkeypatch.setenv("LIANFANG_MAX_ROWS", "13")
    assert reader_findings(read(tmp_path, with_sheet("风险点", rows), "b.xlsx").problems) == []


def test_row_cap_counts_exactly_in_the_scan(tmp_path, monkeypatch):
    """Six-digit row numbers take the exact scan, which counts rows against the cap."""
    import openpyxl

    path = write_xlsx(tmp_path / "far.xlsx", base_sheets())
    wb = openpyxl.load_workbook(path)
    wb["风险点"]["A150000"] = "FX-99"
    wb.save(path)
    # read: 150,000 rows are under the default cap (the lone ID lacks its other values)
    assert {(f.code, f.location.row) for f in reader_findings(read_xlsx(path).problems)} == {("LF103", 150000)}
    monkeypatch.setenv("LIANFANG_MAX_ROWS", "100000")
    assert "100000 行" in only_lf100(read_xlsx(path))


@pytest.mark.parametrize("value", ["many", "0", "-5", "1e6"])
def test_malformed_row_cap_is_a_setting_error(tmp_path, monkeypatch, value):
    monkeypatch.setenv("LIANFANG_MAX_ROWS", value)
    with pytest.raises(SettingError, match="LIANFANG_MAX_ROWS"):
        read_xlsx(tmp_path / "any.xlsx")


@pytest.mark.parametrize("prolog", [b"", b"<!-- " + b"c" * (3 << 20) + b" -->"], ids=["at-once", "after-3-MB-of-comments"])
def test_lf100_dtd_is_refused(tmp_path, prolog):
    data = valid_bytes(tmp_path)
    xml = sheet_part(data, RISKS_PART).replace(b"<worksheet", prolog + b'<!DOCTYPE x [<!ENTITY e "boom">]><worksheet', 1)
    assert "DTD" in only_lf100(read_xlsx("x.xlsx", data=replace_part(data, f"xl/worksheets/sheet{RISKS_PART}.xml", xml)))


@pytest.mark.parametrize("attribute", ['uniqueCount="2000000000"', "uniqueCount = ' +2000000000'"])
def test_lf100_shared_strings_count_lie(tmp_path, attribute):
    """calamine reserves uniqueCount × 24 bytes up front; the lie may hide after a decoy in a comment."""
    sst = (b'<?xml version="1.0"?>\n<!-- <sst uniqueCount="1"> -->' + b"<!-- " + b"p" * (2 << 20) + b" -->"
           b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' + attribute.encode()
           + b"><si><t>x</t></si></sst>")
    data = replace_part(valid_bytes(tmp_path), "xl/sharedStrings.xml", sst)
    assert "共享字符串" in only_lf100(read_xlsx("x.xlsx", data=data))


@pytest.mark.parametrize("name", ["xl/SHAREDSTRINGS.xml", "xl/sharedstrings.xml"])
def test_lf100_shared_strings_count_lie_in_any_letter_case(tmp_path, name):
    """The count is checked in the part calamine reads as the shared strings: xl/sharedStrings.xml
    in any letter case (calamine finds it so); other parts are not searched for the tag."""
    sst = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="2000000000"><si><t>x</t></si></sst>'
    data = replace_part(valid_bytes(tmp_path), name, sst)
    assert "共享字符串" in only_lf100(read_xlsx("x.xlsx", data=data))
    harmless = replace_part(valid_bytes(tmp_path), "docProps/custom.xml", b"<!-- " + sst + b" -->")
    assert reader_findings(read_xlsx("x.xlsx", data=harmless).problems) == []


def test_lf100_file_larger_than_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_reader, "MAX_FILE_BYTES", 1000)
    path = write_xlsx(tmp_path / "big.xlsx", base_sheets())
    assert "文件过大" in only_lf100(read_xlsx(path))


# -- LF101–LF107 with exact locations --


def test_lf101_missing_required_sheet(tmp_path):
    sheets = base_sheets()
    del sheets["防控措施"]
    result = read(tmp_path, sheets)
    assert where(result) == [("LF101", "防控措施", None, None, None, None, None)]
    assert [r.id for r in result.workbook.risks] == ["FX-01", "FX-02"] and result.workbook.measures == []


def test_lf101_missing_unit_sheet(tmp_path):
    sheets = base_sheets()
    del sheets["单位信息"]
    result = read(tmp_path, sheets)
    assert where(result) == [("LF101", "单位信息", None, None, None, None, None)]
    assert result.unit_code is None and len(result.workbook.posts) == 3


def test_optional_sheets_may_be_absent(tmp_path):
    wb = read(tmp_path, base_sheets()).workbook
    assert wb.flows == [] and wb.institutions == [] and wb.alerts == []


def test_lf102_missing_required_column(tmp_path):
    rows = [row[:5] for row in RISKS_ROWS]  # no 风险等级
    result = read(tmp_path, with_sheet("风险点", [["风险点登记表"], *rows]))
    # reported once for the column, never again for each row
    assert where(result) == [("LF102", "风险点", 2, None, None, None, "level")]
    risk = result.workbook.risks[0]
    assert risk.level is None and risk.unreadable("level") and risk.description == "采购中收受回扣"


def test_lf103_empty_required_value(tmp_path):
    rows = [RISKS_ROWS[0], RISKS_ROWS[1], ["FX-02", "QL-02", "GW-03", "岗位职责", None, "中"]]
    result = read(tmp_path, with_sheet("风险点", rows))
    assert where(result) == [("LF103", "风险点", 3, "E", "E3", "FX-02", "description")]
    assert "风险描述" in reader_findings(result.problems)[0].message


def test_lf103_in_the_unit_sheet(tmp_path):
    rows = [r[:] for r in UNIT_ROWS if r[0] != "年度"]
    rows[1][1] = None  # 单位名称 present, value empty
    result = read(tmp_path, with_sheet("单位信息", rows))
    assert where(result) == [("LF103", "单位信息", 2, "B", "B2", None, "name"),
                             ("LF103", "单位信息", None, None, None, None, "year")]


def test_lf103_row_without_its_id_is_kept(tmp_path):
    rows = [RISKS_ROWS[0], [None, "QL-01", "GW-02", "业务流程", "采购中收受回扣", "高"], ["　", None, None, "业务流程", None, None]]
    result = read(tmp_path, with_sheet("风险点", rows))
    assert where(result) == [("LF103", "风险点", 2, "A", "A2", None, "id"),
                             ("LF103", "风险点", 3, "A", "A3", None, "id"),
                             ("LF103", "风险点", 3, "E", "E3", None, "description"),
                             ("LF103", "风险点", 3, "F", "F3", None, "level")]


def test_lf104_value_not_among_the_choices(tmp_path):
    rows = [RISKS_ROWS[0], ["FX-01", "QL-01", "GW-02", "业务流程", "采购中收受回扣", "较高"]]
    result = read(tmp_path, with_sheet("风险点", rows))
    assert where(result) == [("LF104", "风险点", 2, "F", "F2", "FX-01", "level")]
    assert "较高" in reader_findings(result.problems)[0].message and "高、中、低" in reader_findings(result.problems)[0].message


def test_lf105_malformed_values(tmp_path):
    sheets = base_sheets()
    sheets["岗位"] = posts_with([None, "去年", "也许"])
    sheets["风险点"] = [RISKS_ROWS[0], ["FX 01", "QL-01", "GW-02", "业务流程", "a", "高"]]
    sheets["单位信息"] = [r if r[0] != "年度" else ["年度", "二〇二六"] for r in UNIT_ROWS]
    result = read(tmp_path, sheets)
    assert sorted(where(result), key=str) == sorted([
        ("LF105", "岗位", 2, "F", "F2", "GW-01", "since"),
        ("LF105", "岗位", 2, "G", "G2", "GW-01", "key"),
        ("LF105", "风险点", 2, "A", "A2", "FX 01", "id"),
        ("LF105", "单位信息", 5, "B", "B5", None, "year"),
    ], key=str)


def test_lf106_unknown_column_is_a_warning_and_dropped(tmp_path):
    rows = [[*RISKS_ROWS[0], "负责人"], [*RISKS_ROWS[1], "张三"], RISKS_ROWS[2]]
    result = read(tmp_path, with_sheet("风险点", [["风险点登记表"], *rows]))
    assert flatten(reader_findings(result.problems), "code", "severity", "sheet", "row", "column", "cell", "object", "field") == [
        ("LF106", "warning", "风险点", 2, "G", "G2", None, None)]
    assert "负责人" in reader_findings(result.problems)[0].message
    assert "负责人" not in str(result.workbook.risks[0].model_dump())


def test_lf106_unknown_unit_label_with_a_value(tmp_path):
    result = read(tmp_path, with_sheet("单位信息", UNIT_ROWS + [["法定代表人", "张三"]]))
    assert where(result) == [("LF106", "单位信息", 10, "A", "A10", None, None)]


def test_lf107_duplicate_id_names_both_places(tmp_path):
    rows = [RISKS_ROWS[0], RISKS_ROWS[1], RISKS_ROWS[2], ["FX-01", "QL-02", None, "业务流程", "重复", "低"]]
    result = read(tmp_path, with_sheet("风险点", rows))
    assert where(result) == [("LF107", "风险点", 4, "A", "A4", "FX-01", "id")]
    assert "风险点!A2" in reader_findings(result.problems)[0].message


def test_lf107_duplicate_step_in_one_flow(tmp_path):
    flows = [["流程编号", "职权编号", "流程类型"], ["LC-01", "QL-01", "内部"], ["LC-02", "QL-02", "内部"]]
    steps = [["流程编号", "环节编号", "环节名称", "责任主体"], ["LC-01", "1", "受理", "院办"],
             ["LC-02", "1", "受理", "院办"], ["LC-01", 1, "审批", "院长"]]
    result = read(tmp_path, base_sheets() | {"流程": flows, "流程环节": steps})
    assert where(result) == [("LF107", "流程环节", 4, "B", "B4", "LC-01/1", "id")]
    assert "流程环节!B2" in reader_findings(result.problems)[0].message


def test_lf107_duplicate_column(tmp_path):
    rows = [[*RISKS_ROWS[0], "风险等级"], [*RISKS_ROWS[1], "低"]]
    result = read(tmp_path, with_sheet("风险点", rows))
    assert where(result) == [("LF107", "风险点", 1, "G", "G1", None, "level")]
    assert result.workbook.risks[0].level is RiskLevel.HIGH  # the first column wins


def test_lf107_two_sheets_for_one_table(tmp_path):
    result = read(tmp_path, base_sheets() | {"risks": [RISKS_ROWS[0], ["FX-09", "QL-01", None, "业务流程", "x", "高"]]})
    assert where(result) == [("LF107", "risks", None, None, None, None, None)]
    assert [r.id for r in result.workbook.risks] == ["FX-01", "FX-02"]


def test_lf107_unit_label_twice(tmp_path):
    result = read(tmp_path, with_sheet("单位信息", UNIT_ROWS + [["单位代码", "OTHER"]]))
    assert where(result) == [("LF107", "单位信息", 10, "A", "A10", None, "code")]
    assert result.workbook.unit.code == "CHYY"


# -- properties --

_TEXT = st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs"), exclude_characters="_="),
                min_size=1, max_size=40).filter(lambda s: s.strip())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(range(6)), titles=st.integers(0, 3), blanks=st.lists(st.integers(0, 2), min_size=3, max_size=3),
       description=_TEXT)
def test_layout_does_not_change_the_model(tmp_path, order, titles, blanks, description):
    """Any column order, title rows and blank rows: the same model, no findings; text as written."""
    risks = [r[:] for r in RISKS_ROWS]
    risks[1][4] = description
    rows = [["风险点登记表"]] * titles + [[row[i] for i in order] for row in risks[:1]]
    for n, row in zip(blanks, risks[1:] + [None], strict=False):
        rows += [[]] * n + ([[row[i] for i in order]] if row else [])
    result = read(tmp_path, with_sheet("风险点", rows), f"p{titles}.xlsx")
    assert reader_findings(result.problems) == []
    assert result.workbook.risks[0].description == description.strip()
    assert [r.id for r in result.workbook.risks] == ["FX-01", "FX-02"]


_CELL = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 50_000), st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 1, 1)),
    st.sampled_from(["", "  ", "　", "高", " 高风险 ", "较高", "FX-01", "FX 01", " QL-01 ", "是", "否", "Y", "2012年7月1日",
                     "2012/7/1", "每季度", "张三、李四", "3(同意)、5（不同意）", "自己找,专家评", "007", "送审", "x" * 40]),
    st.text(max_size=12),
)


@settings(max_examples=300, deadline=None)
@given(raw=_CELL, data=st.data())
def test_builder_shortcuts_give_what_coerce_gives(raw, data):
    """The builder's shortcuts for text, ID and enum cells (the load hot path) agree with coerce()."""
    spec = data.draw(st.sampled_from(TABLE_SPECS))
    f = data.draw(st.sampled_from(spec.fields))
    builder = Builder(Origin(format="xlsx"), excel=True)
    values, _ = builder._coerce_row(spec, RawRow({f.key: raw}, Source(sheet="s", row=2, columns={})), "X-1")
    mine = [(p.code, p.field) for p in builder.findings if p.field == f.key.split(".")[0]]
    try:
        expected = coerce(f, raw, excel=True)
    except Problem as p:
        assert values[f.key] is None
        assert mine == ([] if p.code == "LF103" and f.key in LEFT_TO_RULES else [(p.code, f.key.split(".")[0])])
    else:
        assert values[f.key] == expected and type(values[f.key]) is type(expected) and mine == []


@settings(max_examples=300, deadline=None)
@given(raws=st.lists(_CELL, max_size=12), excel=st.booleans(), data=st.data())
def test_column_coercion_gives_what_coerce_gives(raws, excel, data):
    """coerce_column (the load hot path: shortcuts, one coerce() per distinct text) gives, value by
    value, exactly what coerce() gives: the same value and type, or the same problem at its index;
    a list value is never shared between two records."""
    spec = data.draw(st.sampled_from(TABLE_SPECS))
    f = data.draw(st.sampled_from(spec.fields))
    raws = raws + raws[: data.draw(st.integers(0, len(raws)))]  # repeated values take the memo
    values, problems = coerce_column(f, raws, excel=excel)
    assert len(values) == len(raws)
    expected_problems = []
    for i, raw in enumerate(raws):
        try:
            expected = coerce(f, raw, excel=excel)
        except Problem as p:
            assert values[i] is None
            expected_problems.append((i, p.code, p.message))
        else:
            assert values[i] == expected and type(values[i]) is type(expected)
    assert [(i, p.code, p.message) for i, p in problems] == expected_problems
    lists = [id(v) for v in values if isinstance(v, list)]
    assert len(lists) == len(set(lists))
    # nor a date read from text: one object in two records would be written as a YAML alias
    for i, v in enumerate(values):
        if isinstance(v, date) and v is not raws[i]:
            assert all(w is not v for j, w in enumerate(values) if j != i)


def test_column_coercion_of_yaml_values():
    """YAML hands over lists, mappings and numbers, which no shortcut or memo may mix up
    (1 == 1.0 == True, yet they read differently)."""
    f = RISKS.by_key["description"]
    raws = [True, 1, 1.0, ["a"], {"k": 1}, None, "  x ", 1.5]
    values, problems = coerce_column(f, raws)
    assert values[:3] == ["是", "1", "1"] and values[6:] == ["x", "1.5"]
    assert [(i, p.code) for i, p in problems] == [(3, "LF105"), (4, "LF105"), (5, "LF103")]


@pytest.mark.parametrize("bad", ["FX\n01", "FX-01\nFX-02", "", "  ", "x" * 33, 7.0, None, "FX 01"])
def test_id_column_checked_at_once_still_finds_each_bad_id(bad):
    """A column of IDs is checked in one pass when every cell is one; a cell that is not (an
    ID with a line break inside would pass a check of the joined column) is found all the same."""
    f = RISKS.by_key["id"]
    raws = ["FX-01", " FX-02 ", bad, "FX-04"]
    values, problems = coerce_column(f, raws, excel=True)
    expected = []
    for raw in raws:
        try:
            expected.append((coerce(f, raw, excel=True), None))
        except Problem as p:
            expected.append((None, p.code))
    assert [(v, None) for v in values] == [(v, None) for v, _ in expected]
    assert [(i, p.code) for i, p in problems] == [(i, code) for i, (_, code) in enumerate(expected) if code]
    assert values[:2] == ["FX-01", "FX-02"]


@pytest.mark.parametrize("cell", [
    b"<c r='XFD1048576' t='inlineStr'>",  # single quotes
    b'<c r = "XFD1048576" t="inlineStr">',  # spaces around =
    b'<c r="xfd1048576" t="inlineStr">',  # lower case
    b'<c r="A9" r="XFD1048576" t="inlineStr">',  # a second reference on one cell
])
def test_lf100_far_cell_in_any_spelling_calamine_accepts(tmp_path, cell):
    """calamine accepts each of these spellings and would abort asking for 512 GB."""
    path = write_xlsx(tmp_path / "far.xlsx", with_sheet("风险点", Sheet(RISKS_ROWS)))
    data = path.read_bytes()
    part = sheet_part(data, RISKS_PART)
    crafted = part.replace(b"</sheetData>", b"<row r='9'>" + cell + b"<is><t>x</t></is></c></row></sheetData>")
    name = next(n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.endswith(f"sheet{RISKS_PART}.xml"))
    message = only_lf100(read_xlsx("x.xlsx", data=replace_part(data, name, crafted)))
    assert "超过" in message or "重复" in message


def test_trusted_rows_fill_defaults_per_record_and_match_pydantic():
    """Record.trusted_rows with the model's first fields (a flow's columns, without its steps):
    each record gets a list of its own for a defaulted list field, and the same fields-set and
    values pydantic would give."""
    from lianfang.model.workbook import Flow

    names = ("id", "power", "kind")
    rows = [("LC-01", "QL-01", "内部"), ("LC-02", "QL-01", "外部")]
    flows = Flow.trusted_rows(names, rows, [Source(sheet="流程", row=3), Source(sheet="流程", row=4)])
    assert flows[0].steps == [] and flows[0].steps is not flows[1].steps
    flows[0].steps.append("x")
    assert flows[1].steps == []
    for flow, row in zip(flows, rows, strict=True):
        validated = Flow.model_validate(dict(zip(names, row, strict=True)))
        assert flow.model_fields_set == validated.model_fields_set == set(names)
        assert list(flow.__dict__) == list(Flow.model_fields)
    assert flows[1].loc("kind").row == 4


def test_column_letters_are_openpyxl_s():
    """The reader names columns without importing openpyxl; the names are openpyxl's."""
    from openpyxl.utils.cell import get_column_letter

    from lianfang.io.columns import MAX_COLUMN, column_letter

    assert [column_letter(i) for i in range(1, MAX_COLUMN + 1)] == [get_column_letter(i) for i in range(1, MAX_COLUMN + 1)]
    for bad in (0, -1, MAX_COLUMN + 1):
        with pytest.raises(ValueError):
            column_letter(bad)
