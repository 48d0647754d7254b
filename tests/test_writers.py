"""The xlsx and YAML writers: layout, help, dropdowns, text safety, value forms, YAML shape."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import openpyxl
import pytest
from ruamel.yaml import YAML

from lianfang.data import blank_workbook, example_text, example_workbook
from lianfang.i18n import set_lang
from lianfang.io.atomic import OutputError
from lianfang.io.excel_text import excel_text, set_text
from lianfang.io.format import BOOL, ENUM, ENUMS, POSTS, RISKS, STEPS, TABLE_SPECS, UNIT
from lianfang.io.xlsx_reader import read_xlsx
from lianfang.io.xlsx_writer import (
    DATE_FORMAT,
    INSTRUCTIONS_SHEET,
    MAX_WIDTH,
    OPTIONS_SHEET,
    _Dropdowns,
    build,
    cell_value,
    display_width,
    excel_losses,
    field_note,
    workbook_to_xlsx_bytes,
    write_xlsx,
)
from lianfang.io.yaml_reader import read_yaml
from lianfang.io.yaml_writer import SCHEMA_COMMENT, dump_yaml, dump_yaml_template, write_yaml
from lianfang.model.vocab import FoundBy, RiskCategory, RiskLevel
from lianfang.model.workbook import Measure, Post, RiskPoint, Step, Workbook
from lianfang.rules.reading import reader_findings

INJECTIONS = [
    "=HYPERLINK(\"http://evil.example\",\"点我\")",
    "=1+1",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "=cmd|' /C notepad'!'A1'",
    "#N/A",
    "#DIV/0!",
]


def _example() -> Workbook:
    return example_workbook()


def _sheet_xml(data: bytes, sheet_title: str) -> str:
    """The XML of the worksheet named ``sheet_title`` inside xlsx bytes."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    index = book.sheetnames.index(sheet_title) + 1
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(f"xl/worksheets/sheet{index}.xml").decode("utf-8")


def _with_risk_text(text: str) -> Workbook:
    wb = _example()
    risk = wb.risks[0].model_copy(update={"description": text, "note": text})
    return wb.model_copy(update={"risks": [risk, *wb.risks[1:]]})


# -- text cells never become formulas ----------------------------------------------------------


@pytest.mark.parametrize("text", INJECTIONS)
def test_set_text_keeps_formula_like_text_a_string(text):
    book = openpyxl.Workbook()
    cell = set_text(book.active["A1"], text)
    assert cell.data_type == "s"
    assert cell.value == text
    assert cell.quotePrefix is text.startswith(("=", "+", "-", "@"))


@pytest.mark.parametrize("text", INJECTIONS)
def test_injected_text_is_written_as_a_string_and_reads_back(text):
    data = workbook_to_xlsx_bytes(_with_risk_text(text))
    xml = _sheet_xml(data, RISKS.sheet)
    assert "<f>" not in xml and "<f " not in xml  # no formula element anywhere in the sheet
    assert ' t="e"' not in xml  # and no error cell
    book = openpyxl.load_workbook(io.BytesIO(data))
    cell = book[RISKS.sheet]["E2"]
    assert (cell.value, cell.data_type) == (text, "s")
    assert cell.quotePrefix is text.startswith(("=", "+", "-", "@"))  # stays text when edited in Excel
    result = read_xlsx("x.xlsx", data=data)
    assert reader_findings(result.problems) == []
    assert result.workbook.risks[0].description == text


def test_excel_escapes_survive_a_round_trip():
    # Excel reads _xHHHH_ as an escaped character, so a literal one must be escaped itself;
    # a control character XML cannot carry is written in that escape.
    assert excel_text("_x0041_") == "_x005F_x0041_"
    assert excel_text("a\x01b\rc") == "a_x0001_b_x000D_c"
    assert excel_text("a\ufffeb\uffffc\ud800") == "abc"  # not characters: dropped
    for text in ("编号_x0041_不是A", "a\x01b", "第一行\r\n第二行", "_x005F_", "暗箱\x00操作\x01\x07\x08\x0b\x0c\x1b[31m\x7f结束"):
        result = read_xlsx("x.xlsx", data=workbook_to_xlsx_bytes(_with_risk_text(text)))
        assert result.workbook.risks[0].description == text


# -- layout ----------------------------------------------------------------------------------


def test_sheets_in_spec_order_with_instructions_first_and_unit_sheet_active():
    book = build(_example())
    assert book.sheetnames == [INSTRUCTIONS_SHEET] + [t.sheet for t in TABLE_SPECS]
    assert book.active.title == UNIT.sheet
    assert OPTIONS_SHEET not in book.sheetnames  # every list of format 1 fits inline


def test_headers_are_the_spec_headers_with_required_ones_red_and_a_note_on_each():
    book = build(blank_workbook())
    for spec in TABLE_SPECS:
        if spec is UNIT:
            continue
        ws = book[spec.sheet]
        assert [c.value for c in ws[1]] == [f.header for f in spec.fields]
        assert spec.fields[-1].key == "note"  # a 备注 column on every table sheet
        for cell, f in zip(ws[1], spec.fields, strict=True):
            assert cell.font.b
            assert (cell.font.color.rgb == "00C00000") is f.required, (spec.sheet, f.header)
            assert cell.comment is not None and cell.comment.text == field_note(f)
            assert f.help_zh in cell.comment.text
            assert cell.comment.text.startswith("【必填】") is f.required


def test_unit_sheet_is_key_value_with_item_content_header():
    book = build(_example())
    ws = book[UNIT.sheet]
    assert (ws["A1"].value, ws["B1"].value) == ("项目", "内容")
    assert [ws.cell(r, 1).value for r in range(2, 2 + len(UNIT.fields))] == [f.header for f in UNIT.fields]
    assert ws["B2"].value == "巢湖市柘皋镇中心卫生院"
    assert ws["B5"].value == 2026 and ws["B5"].data_type == "n"
    confirmed = ws.cell(2 + [f.key for f in UNIT.fields].index("confirmed_on"), 2)
    assert confirmed.is_date and confirmed.number_format == DATE_FORMAT
    assert ws.cell(2, 1).comment.text.startswith("【必填】")


def test_frozen_header_row_and_id_column():
    book = build(_example())
    assert book[RISKS.sheet].freeze_panes == "B2"
    assert book[STEPS.sheet].freeze_panes == "C2"  # 流程编号 and 环节编号 stay in view
    assert book[UNIT.sheet].freeze_panes == "A2"


def test_dropdowns_on_every_enumeration_column():
    book = build(_example())
    for spec in TABLE_SPECS:
        if spec is UNIT:
            continue
        ws = book[spec.sheet]
        by_column = {}
        for dv in ws.data_validations.dataValidation:
            for rng in dv.sqref.ranges:
                by_column[rng.coord.split(":")[0].rstrip("0123456789")] = dv
        for i, f in enumerate(spec.fields):
            letter = openpyxl.utils.get_column_letter(i + 1)
            if f.kind in (ENUM, ENUMS, BOOL):
                dv = by_column[letter]
                choices = f.vocab.choices() if f.vocab else ["是", "否"]
                assert dv.type == "list" and dv.formula1 == '"' + ",".join(choices) + '"'
                assert str(dv.sqref) == f"{letter}2:{letter}1048576"
                # several 查找方式 in one cell must stay possible; single choices are enforced
                assert dv.showErrorMessage is (f.kind != ENUMS)
            else:
                assert letter not in by_column, (spec.sheet, f.header)
    unit_dvs = book[UNIT.sheet].data_validations.dataValidation
    assert [str(dv.sqref) for dv in unit_dvs] == ["B8"]  # 状态


def test_a_list_too_long_for_excel_goes_to_the_hidden_options_sheet():
    book = openpyxl.Workbook()
    dropdowns = _Dropdowns(book)
    short = ["高", "中", "低"]
    assert dropdowns.formula(short) == '"高,中,低"'
    long_list = [f"选项{i:03d}甲乙丙丁" for i in range(40)]
    ref = dropdowns.formula(long_list)
    assert ref == "'选项'!$A$1:$A$40"
    assert dropdowns.formula(long_list) == ref  # one range per list
    ws = book[OPTIONS_SHEET]
    assert ws.sheet_state == "hidden"
    assert [ws.cell(i, 1).value for i in range(1, 41)] == long_list
    assert dropdowns.formula(["a,b", "c"]) == "'选项'!$B$1:$B$2"  # a comma cannot go inline


def test_column_widths_count_chinese_as_two_and_are_capped():
    assert display_width("风险") == 4
    assert display_width("FX-01") == 5
    assert display_width("第一行\n长长长长长长") == 12
    ws = build(_example())[RISKS.sheet]
    assert ws.column_dimensions["A"].width == display_width("风险点编号") + 4
    assert ws.column_dimensions["E"].width == MAX_WIDTH  # 风险描述 is long text
    assert ws["E2"].alignment.wrap_text


def test_instructions_sheet_lists_every_column():
    ws = build(blank_workbook())[INSTRUCTIONS_SHEET]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    listed = {(r[0], r[1]) for r in rows if r[0] and r[1]}
    expected = {(t.sheet, f.header) for t in TABLE_SPECS for f in t.fields}
    assert expected <= listed
    risk_level = next(r for r in rows if r[:2] == [RISKS.sheet, "风险等级"])
    assert risk_level[3] == "是" and risk_level[6] == "高、中、低"


def test_english_help_with_lang_en():
    set_lang("en")
    book = build(blank_workbook())
    # headers stay the format's Chinese; the help around them is English
    assert book[RISKS.sheet]["F1"].value == "风险等级"
    assert book[RISKS.sheet]["F1"].comment.text.startswith("[required] risk level")
    assert book[INSTRUCTIONS_SHEET]["A1"].value.startswith("Unit integrity-risk workbook")


# -- values ----------------------------------------------------------------------------------


def test_cell_values_lists_booleans_dates_enums():
    f = POSTS.by_key
    assert cell_value(f["holders"], ["张三", "李四"]) == "张三、李四"
    assert cell_value(f["key"], True) == "是" and cell_value(f["key"], False) == "否"
    assert cell_value(f["since"], date(2023, 3, 1)) == date(2023, 3, 1)
    assert cell_value(f["tier"], None) is None and cell_value(f["holders"], []) is None
    assert cell_value(RISKS.by_key["found_by"], [FoundBy.SELF, FoundBy.EXPERT]) == "自己找、专家评"
    assert cell_value(RISKS.by_key["level"], RiskLevel.HIGH) == "高"
    assert cell_value(STEPS.by_key["next"], ["3(同意)", "1(不同意)"]) == "3(同意)、1(不同意)"
    assert cell_value(UNIT.by_key["year"], 2026) == 2026


def test_steps_go_to_the_step_sheet_with_their_flow_id():
    wb = _example()
    ws = build(wb)[STEPS.sheet]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    expected = [(f.id, s.id) for f in wb.flows for s in f.steps]
    assert [(r[0], r[1]) for r in rows] == expected
    assert rows[1][5] == "3(同意)、1(不同意)"


def test_dates_are_real_date_cells():
    book = openpyxl.load_workbook(io.BytesIO(workbook_to_xlsx_bytes(_example())))
    cell = book[POSTS.sheet]["F2"]
    assert cell.is_date and cell.value.date() == date(2024, 6, 1)
    assert re.search(r'<c r="F2" s="\d+" t="n"><v>45444</v></c>', _sheet_xml(workbook_to_xlsx_bytes(_example()), POSTS.sheet))
    assert cell.number_format == DATE_FORMAT


def test_bytes_are_reproducible_and_honour_source_date_epoch(monkeypatch):
    wb = _example()
    assert workbook_to_xlsx_bytes(wb) == workbook_to_xlsx_bytes(wb)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    data = workbook_to_xlsx_bytes(wb)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        core = z.read("docProps/core.xml").decode()
        assert {i.date_time for i in z.infolist()} == {(2026, 1, 1, 0, 0, 0)}
    assert "2026-01-01T00:00:00Z" in core and core.count("2026-01-01T00:00:00Z") == 2


def test_write_xlsx_refuses_an_existing_file_without_force(tmp_path):
    target = tmp_path / "u.xlsx"
    target.write_bytes(b"keep me")
    with pytest.raises(OutputError):
        write_xlsx(_example(), target, force=False)
    assert target.read_bytes() == b"keep me"
    write_xlsx(_example(), target, force=True)
    assert reader_findings(read_xlsx(target).problems) == []


def test_list_items_holding_a_separator_are_reported():
    wb = _example()
    flow = wb.flows[2].model_copy(update={"materials": ["陈述、申辩书面材料", "身份证"]})
    wb = wb.model_copy(update={"flows": [*wb.flows[:2], flow]})
    messages = excel_losses(wb)
    assert len(messages) == 1 and "LC-03" in messages[0] and "陈述、申辩书面材料" in messages[0]
    assert excel_losses(_example()) == []


def test_text_too_long_for_a_cell_is_reported():
    long_text = "长" * 40000
    messages = excel_losses(_with_risk_text(long_text))
    assert len(messages) == 2  # 风险描述 and 备注
    assert "风险点 FX-01「风险描述」有 40000 个字符，超过 Excel 单元格的上限 32767" in messages[0]


# -- YAML ------------------------------------------------------------------------------------


def _load(text: str, version=None):
    y = YAML(typ="safe", pure=True)
    if version:
        y.version = version
    return y.load(text)


def test_yaml_starts_with_the_schema_comment_and_keeps_chinese():
    text = dump_yaml(_example())
    assert text.splitlines()[0] == SCHEMA_COMMENT
    assert "\\u" not in text and "巢湖市柘皋镇中心卫生院" in text


def test_yaml_key_order_is_the_format_order_and_defaults_are_left_out():
    wb = _example()
    text = dump_yaml(wb)
    data = _load(text)
    assert list(data) == ["unit", "posts", "powers", "risks", "measures", "flows", "institutions", "alerts"]
    order = [f.key for f in RISKS.fields]
    for row in data["risks"]:
        assert list(row) == sorted(row, key=order.index)
    assert list(data["unit"]["criteria"]) == ["高", "中", "低"]
    assert list(data["flows"][0])[-1] == "steps"
    assert "disposition" not in data["powers"][0]  # 保留
    assert data["powers"][3]["disposition"] == "废止"
    post = Post(id="GW-09", name="科员", department="办公室", tier="其他重要岗位")
    risk = RiskPoint(id="FX-09", post="GW-09", category=RiskCategory.DUTY, description="描述", level="低")
    measure = Measure(id="CS-09", risk="FX-09", phase="前期预防", description="措施内容写具体", owner="主任")
    small = wb.model_copy(update={"posts": [post], "risks": [risk], "measures": [measure], "flows": [],
                                  "institutions": [], "alerts": []})
    text = dump_yaml(small)
    assert "  - {id: GW-09, name: 科员, department: 办公室, tier: 其他重要岗位}\n" in text  # key: false left out
    assert "review" not in text and "status: 未落实" not in text and "found_by" not in text
    assert "flows" not in _load(text) and "alerts" not in _load(text)  # empty optional tables left out


def test_yaml_quotes_every_text_yaml_would_read_as_something_else():
    tricky = ["007", "yes", "on", "No", "1.0", "2012-07-01", "null", "~", "true", "1e3", "0x1F", "12:30", "<<", "=", "是"]
    steps = [Step(id=t if re.fullmatch(r"[A-Za-z0-9_.\-]+", t) else f"s{i}", name=t, actor=t, next=["007(同意)", "3"])
             for i, t in enumerate(tricky)]
    wb = _example()
    flow = wb.flows[0].model_copy(update={"steps": steps})
    wb = wb.model_copy(update={"flows": [flow]})
    text = dump_yaml(wb)
    for version in (None, (1, 1)):
        loaded = _load(text, version)["flows"][0]["steps"]
        assert [s["name"] for s in loaded] == tricky, version
        assert all(isinstance(s["id"], str) for s in loaded)
        assert loaded[0]["next"] == ["007(同意)", "3"]
    assert 'id: "007"' in text and 'name: "yes"' in text
    assert "name: 是," in text  # YAML reads 是 as text already: no quotes needed
    assert read_yaml("x.yaml", data=text.encode()).workbook.flows[0].steps[0].id == "007"


def test_yaml_rows_flow_style_when_short_block_when_long_and_literal_for_line_breaks():
    wb = _example()
    measure = wb.measures[0].model_copy(update={"description": "第一条：逐项核对\n第二条：双人签字"})
    wb = wb.model_copy(update={"measures": [measure, *wb.measures[1:]]})
    text = dump_yaml(wb)
    assert "  - {id: GW-01, name: 院长, department: 院领导, tier: 领导岗位, holders: [王建国], since: 2024-06-01, key: true}\n" in text
    assert "    description: |-\n      第一条：逐项核对\n      第二条：双人签字\n" in text
    assert "  - id: QL-01\n    name: 药品和医用耗材采购\n" in text  # long content: a block
    assert '      - {id: "1", name: 编制月度采购计划, actor: 药房, time_limit: 每月5日前, next: ["2"], risks: [FX-01]}\n' in text
    assert read_yaml("x.yaml", data=text.encode()).workbook.to_data() == wb.to_data()


def test_yaml_output_is_deterministic_and_the_bundled_example_is_canonical():
    wb = _example()
    assert dump_yaml(wb) == dump_yaml(wb)
    assert dump_yaml(wb).encode() == example_text()


def test_write_yaml_to_path_stream_and_refusal(tmp_path):
    wb = _example()
    target = tmp_path / "u.yaml"
    write_yaml(wb, target)
    assert target.read_text(encoding="utf-8") == dump_yaml(wb)
    with pytest.raises(OutputError):
        write_yaml(wb, target)
    stream = io.StringIO()
    write_yaml(wb, stream)
    assert stream.getvalue() == dump_yaml(wb)


def test_yaml_template_has_every_unit_key_and_commented_examples():
    text = dump_yaml_template(blank_workbook(2026), _example())
    assert text.startswith(SCHEMA_COMMENT + "\n")
    for f in UNIT.fields:
        if not f.key.startswith("criteria."):
            assert re.search(rf"^  {f.key}:", text, re.MULTILINE), f.key
    assert re.search(r"^    高: +# 必填。", text, re.MULTILINE)
    assert re.search(r"^  status: 草稿 +# 必填。.*可选：草稿、送审、退回、已确认、已公示$", text, re.MULTILINE)
    assert "posts: []\n" in text and "#   - {id: GW-01, name: 院长" in text
    assert "#       - {id: \"1\", name: 编制月度采购计划" in text
    data = _load(text)
    assert data["unit"]["year"] == 2026 and data["unit"]["name"] is None and data["posts"] == []


def test_docs_list_every_sheet_and_column():
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "workbook.md").read_text(encoding="utf-8")
    for table in TABLE_SPECS:
        assert f"### {table.sheet} — " in doc, table.sheet
        section = doc.split(f"### {table.sheet} — ", 1)[1].split("\n### ", 1)[0]
        for f in table.fields:
            assert f"| {f.header} | `" in section and ("✔" in section.split(f"| {f.header} |", 1)[1].split("\n")[0]) is f.required, (table.sheet, f.header)
