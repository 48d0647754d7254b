"""Format 1.1, real submissions: every spreadsheet a unit sends, the wording units use, nothing
dropped without a word, and a record whose ID cannot be read is still named.

The .xls and .ods fixtures are LibreOffice conversions of submission.xlsx (see
tests/fixtures/formats/make_fixtures.py): a title row merged across every table, 岗位编号
merged down two risk rows, full-width IDs, aliases and note rows.
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from lianfang.discover import find_workbooks
from lianfang.findings import flatten
from lianfang.io.reader import read_workbook
from lianfang.io.xlsx_reader import read_xlsx
from lianfang.io.xlsx_writer import workbook_to_xlsx_bytes
from lianfang.io.yaml_reader import read_yaml
from lianfang.io.yaml_writer import dump_yaml
from lianfang.model.vocab import MeasureStatus, Phase, RiskLevel
from lianfang.rules.reading import reader_findings
from xlsx_helpers import Sheet, base_sheets, write_xlsx

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "formats"
WHERE = ("code", "sheet", "row", "column", "cell", "object", "field")


def codes(result) -> list[str]:
    return [f.code for f in reader_findings(result.problems)]


def with_sheet(name: str, sheet) -> dict:
    sheets = base_sheets()
    sheets[name] = sheet
    return sheets


# -- every spreadsheet a unit may send ------------------------------------------------------------


@pytest.fixture(scope="module")
def submission():
    return read_workbook(FIXTURES / "submission.xlsx")


@pytest.mark.parametrize("suffix", ["xls", "ods"])
def test_xls_and_ods_read_with_the_tolerance_of_xlsx(submission, suffix):
    """Title row, merged 岗位编号, full-width IDs, aliases and note rows: as from the .xlsx."""
    result = read_workbook(FIXTURES / f"submission.{suffix}")
    assert reader_findings(result.problems) == [] and reader_findings(submission.problems) == []
    assert result.workbook.to_data() == submission.workbook.to_data()
    risks = result.workbook.risks
    assert [r.id for r in risks] == ["FX-01", "FX-02", "FX-03", "FX-04", "FX-05"]
    assert risks[3].post == "GW-03"  # under the vertical merge D5:D6
    assert risks[4].loc("id").describe() == "风险点!B7"


def test_the_submission_reads_its_aliases(submission):
    wb = submission.workbook
    assert [r.level for r in wb.risks] == [RiskLevel.MEDIUM, RiskLevel.MEDIUM, RiskLevel.LOW, RiskLevel.LOW, RiskLevel.LOW]
    assert [m.phase for m in wb.measures] == [Phase.PREVENT, Phase.PREVENT, Phase.MONITOR, Phase.PREVENT, Phase.HANDLE]
    assert [m.status for m in wb.measures] == [MeasureStatus.DONE, MeasureStatus.DOING, MeasureStatus.DONE,
                                               MeasureStatus.TODO, MeasureStatus.TODO]
    assert [p.key for p in wb.posts] == [True, False, False]
    assert wb.measures[4].risk == "FX-05"


@pytest.mark.parametrize("name", ["unit.et", "UNIT.XLS", "unit.Ods"])
def test_renamed_and_upper_case_files_are_read(tmp_path, name):
    """A WPS .et saved in the Excel 97 format, and suffixes in any letter case."""
    source = FIXTURES / ("submission.ods" if name.lower().endswith(".ods") else "submission.xls")
    shutil.copy(source, tmp_path / name)
    result = read_workbook(tmp_path / name)
    assert reader_findings(result.problems) == [] and len(result.workbook.risks) == 5


def test_an_xlsx_named_xls_is_read_as_what_it_is(tmp_path):
    shutil.copy(FIXTURES / "submission.xlsx", tmp_path / "unit.xls")
    assert reader_findings(read_workbook(tmp_path / "unit.xls").problems) == []


def test_an_et_that_cannot_be_read_says_how_to_save_it(tmp_path):
    (tmp_path / "unit.et").write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(2000))
    (f,) = reader_findings(read_workbook(tmp_path / "unit.et").problems)
    assert f.code == "LF100" and "WPS" in f.message and "另存为" in f.message and ".xlsx" in f.message


@pytest.mark.parametrize(("name", "words"), [("data.csv", "lianfang init"), ("book.xlsb", "另存为"), ("u.numbers", "导出为")])
def test_spreadsheet_like_files_are_lf100_with_what_to_do(tmp_path, name, words):
    (tmp_path / name).write_bytes(b"a,b\n")
    (f,) = reader_findings(read_workbook(tmp_path / name).problems)
    assert f.code == "LF100" and words in f.message


def test_a_folder_search_reports_what_it_cannot_read_and_counts_it(tmp_path):
    from typer.testing import CliRunner

    from lianfang.cli.app import create_app

    units = tmp_path / "units"
    units.mkdir()
    shutil.copy(FIXTURES / "submission.xlsx", units / "A.XLSX")
    shutil.copy(FIXTURES / "submission.ods", units / "b.ods")
    (units / "c.csv").write_text("a,b\n", encoding="utf-8")
    (units / "~$A.XLSX").write_bytes(b"lock")
    assert [w.display for w in find_workbooks([units], base=tmp_path)] == ["units/A.XLSX", "units/b.ods", "units/c.csv"]
    result = CliRunner().invoke(create_app(), ["validate", str(units), "--format", "json", "--select", "LF1"])
    report = json.loads(result.stdout)
    assert [(Path(f["path"]).name, [x["code"] for x in f["findings"]]) for f in report["files"]] == [
        ("A.XLSX", []), ("b.ods", []), ("c.csv", ["LF100"])]
    assert report["summary"]["files"] == 3 and report["summary"]["ok"] == 2 and result.exit_code == 1


def test_an_ods_whose_repeated_cells_span_a_huge_range_is_refused():
    """A 1 KB content.xml asking for a value in 16,384 columns of a million rows."""
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="o" xmlns:table="t" xmlns:text="x">'
               '<office:body><office:spreadsheet><table:table table:name="风险点">'
               '<table:table-row table:number-rows-repeated="1000000">'
               '<table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>x</text:p></table:table-cell>'
               '</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content)
    (f,) = reader_findings(read_xlsx("bomb.ods", data=buffer.getvalue()).problems)
    assert f.code == "LF100" and "风险点" in f.message and "超过" in f.message


def test_an_ods_with_a_dtd_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>')
    (f,) = reader_findings(read_xlsx("dtd.ods", data=buffer.getvalue()).problems)
    assert f.code == "LF100" and "DTD" in f.message


def test_the_zip_guard_checks_any_container():
    """``check_zip`` is public for other containers (a Word file): sizes and DTDs, by name."""
    from lianfang.io.zip_guard import ContainerRefused, check_zip

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("word/document.xml", '<!DOCTYPE x [<!ENTITY a "a">]><x/>')
    with pytest.raises(ContainerRefused, match="docx"):
        check_zip(buffer.getvalue(), "docx")
    with pytest.raises(ContainerRefused, match="不是有效的 .docx"):
        check_zip(b"plain text", "docx")


# -- the wording units use --------------------------------------------------------------------------


def test_full_width_ids_in_the_id_column_and_in_references(tmp_path):
    sheets = base_sheets()
    sheets["风险点"][1][0] = "ＦＸ－01"
    sheets["风险点"][1][1] = "ＱＬ—01"  # an em dash
    sheets["防控措施"][1][1] = "FX‐01"  # U+2010 hyphen
    sheets["防控措施"][1][0] = "ＣＳ－０１"
    result = read_xlsx(write_xlsx(tmp_path / "u.xlsx", sheets))
    assert reader_findings(result.problems) == []
    assert (result.workbook.risks[0].id, result.workbook.risks[0].power) == ("FX-01", "QL-01")
    assert (result.workbook.measures[0].id, result.workbook.measures[0].risk) == ("CS-01", "FX-01")


@pytest.mark.parametrize(("written", "words"), [
    ("FX 01", "中间有空格"),
    ("FX-01#", "不允许的字符「#」"),
    ("风险点01", "不允许的字符「风」"),
    ("F" * 40, "有 40 个字符，编号最多 32 个字符"),
])
def test_lf105_says_what_is_wrong_with_this_id(tmp_path, written, words):
    sheets = base_sheets()
    sheets["风险点"][1][0] = written
    (f,) = [f for f in reader_findings(read_xlsx(write_xlsx(tmp_path / "u.xlsx", sheets)).problems) if f.code == "LF105"]
    assert words in f.message and f.location.describe() == "风险点!A2"


@pytest.mark.parametrize(("written", "words"), [("去年", "2012/7/1、2012.7.1、2012年7月1日"), ("2012-13-45", "不是存在的日期")])
def test_lf105_says_which_dates_are_accepted(tmp_path, written, words):
    sheets = base_sheets()
    sheets["岗位"][0].append("任职起始")
    sheets["岗位"][1].append(written)
    (f,) = reader_findings(read_xlsx(write_xlsx(tmp_path / "u.xlsx", sheets)).problems)
    assert f.code == "LF105" and words in f.message


def test_note_rows_under_a_table_are_skipped_quietly_and_not_converted(tmp_path):
    sheets = base_sheets()
    sheets["风险点"] += [[None] * 6, ["注：1. 风险等级由党委会集体研究确定。"], ["填表说明：每个风险点至少一条措施"]]
    sheets["防控措施"].append(["说明", None, None, None, None])
    result = read_xlsx(write_xlsx(tmp_path / "u.xlsx", sheets))
    assert reader_findings(result.problems) == [] and len(result.workbook.risks) == 2 and len(result.workbook.measures) == 2
    assert "注" not in dump_yaml(result.workbook)


def test_a_note_like_row_with_data_is_a_record(tmp_path):
    """Only a row whose other required cells are empty is a note; between rows of data it is read."""
    sheets = base_sheets()
    sheets["风险点"].insert(2, ["注意事项", None, "GW-02", "业务流程", "x", "高"])
    result = read_xlsx(write_xlsx(tmp_path / "u.xlsx", sheets))
    assert [(f.code, f.location.describe()) for f in reader_findings(result.problems)] == [("LF105", "风险点!A3")]


# -- nothing dropped silently -----------------------------------------------------------------------


def test_text_under_an_empty_header_cell_is_lf106(tmp_path):
    sheets = base_sheets()
    for row in sheets["风险点"]:
        row += [None, None]
    sheets["风险点"][2][6] = "补充说明"
    sheets["风险点"][1][7] = "另一条"
    result = read_xlsx(write_xlsx(tmp_path / "u.xlsx", sheets))
    assert flatten(reader_findings(result.problems), "code", "cell") == [("LF106", "H2")]
    assert "G–H 列没有表头" in reader_findings(result.problems)[0].message and "2 个单元格" in reader_findings(result.problems)[0].message


def test_unit_sheet_values_outside_a_and_b_are_lf106(tmp_path):
    sheets = base_sheets()
    sheets["单位信息"][3].append("旧代码 CH01")
    result = read_xlsx(write_xlsx(tmp_path / "u.xlsx", sheets))
    assert flatten(reader_findings(result.problems), "code", "cell") == [("LF106", "C4")]
    assert "C 列" in reader_findings(result.problems)[0].message


@pytest.mark.parametrize(("name", "meant"), [
    ("流程表", "流程"), ("风险点 (1)", "风险点"), ("风险点（修订）", "风险点"), ("风险表", "风险点"),
    ("防控措施表", "防控措施"), ("流程环节表", "流程环节"), ("职权目", "职权目录"),
])
def test_a_look_alike_sheet_is_lf106_naming_the_sheet_it_was_meant_to_be(tmp_path, name, meant):
    sheets = base_sheets()
    sheets[name] = [["x"]]
    (f,) = reader_findings(read_xlsx(write_xlsx(tmp_path / "u.xlsx", sheets)).problems)
    assert (f.code, f.location.sheet) == ("LF106", name) and f"「{meant}」" in f.message


def test_a_missing_sheet_names_its_look_alike(tmp_path):
    sheets = base_sheets()
    sheets["风险表"] = sheets.pop("风险点")
    found = reader_findings(read_xlsx(write_xlsx(tmp_path / "u.xlsx", sheets)).problems)
    assert sorted(flatten(found, "code", "sheet")) == [("LF101", "风险点"), ("LF106", "风险表")]
    (lf101,) = [f for f in found if f.code == "LF101"]
    assert "「风险表」" in lf101.message


def test_other_sheet_names_are_still_ignored_quietly(tmp_path):
    sheets = {**base_sheets(), "填表说明": [["x"]], "选项": [["高"]], "notes": [["x"]], "Sheet1": [["x"]]}
    assert reader_findings(read_xlsx(write_xlsx(tmp_path / "u.xlsx", sheets)).problems) == []


# -- a malformed ID never becomes "None" ------------------------------------------------------------


def test_a_record_whose_id_cannot_be_read_is_named_by_its_row(tmp_path):
    from lianfang.config import Settings
    from lianfang.rules.engine import run_rules

    sheets = base_sheets()
    sheets["风险点"][2][0] = "FX 02"
    sheets["风险点"][2][4] = sheets["风险点"][1][4]  # the same description as FX-01: LF403 names both
    result = read_xlsx(write_xlsx(tmp_path / "u.xlsx", sheets))
    risk = result.workbook.risks[1]
    assert risk.id is None and risk.label == "风险点（第 3 行）" and risk.mention == "（第 3 行）"
    findings = run_rules(result, Settings())
    assert not any("None" in f.message for f in findings)
    (lf403,) = [f for f in findings if f.code == "LF403"]
    assert lf403.message == "风险点 （第 3 行） 的风险描述与 FX-01 相同" and lf403.object is None


def test_a_yaml_record_is_named_by_its_line():
    text = ("unit: {name: 单位, code: T, year: 2026, status: 草稿, criteria: {高: a, 中: b, 低: c}}\nposts: []\npowers: []\n"
            "risks:\n  - {id: FX-01, post: GW-01, category: 业务流程, description: x, level: 高}\n"
            "  - {id: 'FX 02', post: GW-01, category: 业务流程, description: y, level: 高}\nmeasures: []\n")
    risk = read_yaml("u.yaml", data=text.encode()).workbook.risks[1]
    assert risk.label == "风险点（第 6 行）"


# -- round trip keeps text exactly --------------------------------------------------------------------


def test_a_full_width_condition_survives_xlsx_yaml_xlsx(tmp_path):
    sheets = base_sheets()
    sheets["流程"] = [["流程编号", "职权编号", "流程类型"], ["LC-01", "QL-01", "内部"]]
    sheets["流程环节"] = Sheet([["流程编号", "环节编号", "环节名称", "责任主体", "办理时限", "下一环节"],
                              ["LC-01", "1", "申请", "科室", "1日", "2（同意）、3(不同意)"],
                              ["LC-01", "2", "审批", "院长", "1日", None],
                              ["LC-01", "3", "退回", "科室", "1日", None]])
    first = read_xlsx(write_xlsx(tmp_path / "u.xlsx", sheets))
    assert first.workbook.flows[0].steps[0].next == ["2（同意）", "3(不同意)"]
    yaml_text = dump_yaml(first.workbook)
    assert "2（同意）" in yaml_text
    again = read_yaml("u.yaml", data=yaml_text.encode())
    back = read_xlsx("u.xlsx", data=workbook_to_xlsx_bytes(again.workbook))
    assert back.workbook.flows[0].steps[0].next == ["2（同意）", "3(不同意)"]
    assert back.workbook.to_data() == first.workbook.to_data()


def test_ods_merges_are_read_from_content_xml():
    """calamine gives no merges for .ods; positions count repeated rows and columns."""
    from lianfang.io.xlsx_reader import _ods_merges

    content = ('<office:document-content><table:table table:name="风险&amp;点">'
               '<table:table-row table:number-rows-repeated="2"><table:table-cell/></table:table-row>'
               '<table:table-row><table:table-cell table:number-columns-repeated="3"/>'
               '<table:table-cell table:number-rows-spanned="2" office:value-type="string"><text:p>GW-03</text:p></table:table-cell>'
               '</table:table-row><table:table-row><table:covered-table-cell/></table:table-row>'
               '</table:table><table:table table:name="岗位"/></office:document-content>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("content.xml", content)
    assert _ods_merges(buffer.getvalue()) == {"风险&点": [((2, 3), (3, 3))], "岗位": []}


def test_a_yaml_key_that_looks_like_a_table_is_named():
    text = ("unit: {name: 单位, code: T, year: 2026, status: 草稿, criteria: {高: a, 中: b, 低: c}}\n"
            "posts: []\npowers: []\n风险点（修订）: []\nmeasures: []\nunits: []\n")
    found = reader_findings(read_yaml("u.yaml", data=text.encode()).problems)
    messages = {(f.code, f.location.line): f.message for f in found}
    assert "是否应为「risks」（风险点）" in messages[("LF106", 4)]
    assert "「风险点（修订）」，是否就是它" in messages[("LF101", 1)]
    assert messages[("LF106", 6)] == "未知的顶层键「units」，已忽略"  # English keys are not guessed at


@pytest.mark.parametrize(("field", "written", "guess"), [
    ("level", "较高", "高"), ("level", "高风险点", "高"), ("phase", "事前预防阶段", "前期预防"),
    ("level", "中高", None), ("category", "廉洁", None),
])
def test_lf104_names_the_choice_a_value_holds(field, written, guess):
    from lianfang.io.format import MEASURES, RISKS
    from lianfang.io.values import Problem, coerce

    spec = (MEASURES if field == "phase" else RISKS).by_key[field]
    with pytest.raises(Problem) as e:
        coerce(spec, written)
    assert e.value.code == "LF104" and "可选：" in e.value.message
    assert e.value.message.endswith(f"（是否应为「{guess}」？）") if guess else "是否应为" not in e.value.message
