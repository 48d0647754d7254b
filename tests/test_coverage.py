"""One-to-one coverage: the pure computation, and ``lianfang coverage`` in text, JSON and xlsx."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from lianfang import __version__, palette
from lianfang.coverage import compute_coverage, percent
from lianfang.io.reader import read_workbook
from lianfang.model.vocab import Phase, RiskLevel
from lianfang.model.workbook import RiskPoint, Workbook
from lianfang.rules.reading import reader_findings

GOLDEN = Path(__file__).parent / "golden" / "reports"
INPUT = GOLDEN / "input"

UNIT = {"name": "测试医院", "code": "CSYY", "year": 2026, "status": "草稿",
        "criteria": {"高": "犯罪", "中": "处分", "低": "批评"}}


def workbook(**tables) -> Workbook:
    return Workbook.model_validate({"unit": UNIT, **tables})


POSTS = [
    {"id": "GW-01", "name": "院长", "department": "院领导", "tier": "领导岗位"},
    {"id": "GW-02", "name": "药剂科主任", "department": "药剂科", "tier": "中层岗位"},
]
POWERS = [{"id": "QL-01", "name": "药品采购", "content": "采购", "level": "单位", "subject": "药剂科", "basis": "法"},
          {"id": "QL-02", "name": "基建工程", "content": "工程", "level": "单位", "subject": "基建科", "basis": "法"}]


def measure(mid: str, risk: str, phase: str) -> dict:
    return {"id": mid, "risk": risk, "phase": phase, "description": f"措施{mid}的具体做法", "owner": "科长"}


def test_rows_uncovered_first_with_measures_by_phase():
    wb = workbook(
        posts=POSTS, powers=POWERS,
        risks=[
            {"id": "FX-01", "power": "QL-01", "post": "GW-02", "category": "业务流程", "description": "回扣", "level": "高"},
            {"id": "FX-02", "power": "QL-02", "category": "制度机制", "description": "围标", "level": "高"},
            {"id": "FX-03", "post": "GW-01", "category": "思想道德", "description": "宴请", "level": "低"},
        ],
        measures=[measure("CS-1", "FX-01", "前期预防"), measure("CS-2", "FX-01", "中期监控"),
                  measure("CS-3", "FX-01", "后期处置"), measure("CS-4", "FX-03", "前期预防"),
                  measure("CS-5", "FX-03", "前期预防"), measure("CS-9", "FX-99", "后期处置")],
    )
    cov = compute_coverage(wb)
    assert [rc.risk.id for rc in cov.rows] == ["FX-02", "FX-01", "FX-03"]
    assert [rc.risk.id for rc in cov.uncovered] == ["FX-02"]
    fx02, fx01, fx03 = cov.rows
    assert [m.id for m in fx01.by_phase(Phase.MONITOR)] == ["CS-2"] and fx01.high_full
    assert [m.id for m in fx03.by_phase(Phase.PREVENT)] == ["CS-4", "CS-5"]
    assert fx03.missing_phases == [Phase.MONITOR, Phase.HANDLE] and not fx03.high_full
    assert fx02.missing_phases == list(Phase) and fx02.high and not fx02.high_full
    # the department: the post's, or for a risk without post the power's 办理主体
    assert (fx01.department, fx02.department, fx03.department) == ("药剂科", "基建科", "院领导")
    assert [m.id for m in cov.orphan_measures] == ["CS-9"]

    def table(tallies):
        return [(t.key, t.risks, t.answered, t.high, t.high_full) for t in tallies]

    assert table([cov.total]) == [(None, 3, 2, 2, 1)]
    # every tier, level and category listed even when empty; unknown (None) last
    assert table(cov.by_tier) == [("领导岗位", 1, 1, 0, 0), ("中层岗位", 1, 1, 1, 1), ("其他重要岗位", 0, 0, 0, 0),
                                  (None, 1, 0, 1, 0)]
    assert table(cov.by_level) == [("高", 2, 1, 2, 1), ("中", 0, 0, 0, 0), ("低", 1, 1, 0, 0)]
    assert table(cov.by_department) == [("基建科", 1, 0, 1, 0), ("药剂科", 1, 1, 1, 1), ("院领导", 1, 1, 0, 0)]
    assert table(cov.by_category) == [("思想道德", 1, 1, 0, 0), ("岗位职责", 0, 0, 0, 0), ("业务流程", 1, 1, 1, 1),
                                      ("制度机制", 1, 0, 1, 0), ("外部环境", 0, 0, 0, 0)]
    assert cov.by_tier[2].rate is None and cov.total.rate == pytest.approx(2 / 3)


def test_unreadable_values_are_counted_as_unknown_and_unreadable_ids_counted_too():
    wb = workbook(posts=POSTS, powers=POWERS, risks=[
        {"id": "FX-01", "post": "GW-02", "category": "业务流程", "description": "回扣", "level": "中"}])
    # what a reader leaves after reporting: None where a value could not be read
    wb.risks.append(RiskPoint.model_construct(id="FX-02", power=None, post="GW-01", category=None,
                                              description="x", level=None))
    wb.risks.append(RiskPoint.model_construct(id=None, power=None, post=None, category=None, description=None, level=None))
    cov = compute_coverage(wb)
    # a risk point whose ID could not be read is still a risk point: counted, never covered
    assert [rc.risk.id for rc in cov.rows] == ["FX-01", "FX-02", None]
    assert cov.total.risks == 3 and cov.total.answered == 0
    assert cov.rows[2].label == "风险点（编号无法读取）"
    assert cov.by_level[-1].key is None and cov.by_level[-1].risks == 2
    assert cov.by_category[-1].key is None
    assert not cov.rows[1].high


def test_an_empty_workbook():
    cov = compute_coverage(workbook())
    assert cov.rows == [] and cov.total.risks == 0 and cov.total.rate is None
    assert [t.key for t in cov.by_level] == [lv.value for lv in RiskLevel]
    assert cov.to_data()["summary"]["rate"] is None


def test_json_data_shape():
    result = read_workbook(INPUT / "chyy.yaml")
    data = compute_coverage(result.workbook).to_data()
    assert set(data) == {"version", "unit", "summary", "risks", "by_tier", "by_level", "by_department",
                         "by_category", "orphan_measures", "figures"}
    assert data["figures"] == {"powers_kept": 2, "powers_with_risk": 2, "powers_with_flow": 1, "risks_on_chart": 1,
                               "measures": 3, "measures_done": 0, "institutions": 0, "alerts": 0}
    assert data["unit"] == {"code": "CHYY", "name": "巢湖市第一人民医院", "year": 2026}
    assert [r["id"] for r in data["risks"]] == ["FX-03", "FX-01", "FX-02"]
    fx01 = data["risks"][1]
    assert fx01["covered"] and fx01["missing_phases"] == ["中期监控", "后期处置"] and fx01["tier"] == "中层岗位"
    assert fx01["measures"][0] == {"id": "CS-01", "phase": "前期预防", "description": "药品遴选由药事管理委员会集体议价并全程留痕",
                                   "owner": "药剂科主任", "due": None, "status": "未落实"}
    assert data["orphan_measures"] == ["CS-03"]
    json.dumps(data)  # serialisable as is


# -- the command --------------------------------------------------------------------------------

@pytest.fixture
def work(tmp_path, monkeypatch) -> Path:
    shutil.copy(INPUT / "chyy.yaml", tmp_path / "chyy.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def cover(runner, app, *args: str):
    result = runner.invoke(app, ["coverage", *args])
    assert "Traceback" not in result.output, result.output
    return result


def test_text_golden(runner, app, work, check_golden):
    result = cover(runner, app, "chyy.yaml")
    assert result.exit_code == 0
    check_golden("coverage.txt", result.stdout.replace(__version__, "<VERSION>"))
    lines = result.stdout.splitlines()
    first = next(i for i, line in enumerate(lines) if "FX-" in line and line.startswith("  "))
    assert lines[first].startswith("  【未覆盖】FX-03")


def test_json_golden(runner, app, work, check_golden):
    result = cover(runner, app, "chyy.yaml", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["tool"].startswith("lianfang ")
    check_golden("coverage.json", result.stdout.replace(__version__, "<VERSION>"))


def test_text_in_english(runner, app, work):
    out = cover(runner, app, "chyy.yaml", "--lang", "en").stdout
    assert "[UNCOVERED] FX-03" in out and "By post tier" in out


def test_xlsx_is_printable_and_lists_every_risk_once(runner, app, work):
    text = (work / "chyy.yaml").read_text(encoding="utf-8")
    (work / "chyy.yaml").write_text(text.replace("description: 采购员接受供应商宴请", "description: '=HYPERLINK(\"http://x\",\"点我\")'"), encoding="utf-8")
    result = cover(runner, app, "chyy.yaml", "--format", "xlsx", "-o", "覆盖情况.xlsx")
    assert result.exit_code == 0 and result.stdout == ""
    book = openpyxl.load_workbook(work / "覆盖情况.xlsx")
    assert book.sheetnames == ["覆盖情况", "覆盖统计"]
    ws = book["覆盖情况"]
    assert "巢湖市第一人民医院" in ws["A1"].value and "A1:L1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$3:$3"
    header = [c.value for c in ws[3]]
    assert header[:2] == ["序号", "风险点编号"] and header[8:] == ["前期预防", "中期监控", "后期处置", "覆盖情况"]
    assert ws["B3"].fill.fgColor.rgb.endswith(palette.HEADER_FILL) and ws["B3"].font.bold and ws["B3"].border.left.style == "thin"
    ids = [ws.cell(r, 2).value for r in range(4, ws.max_row + 1) if ws.cell(r, 2).value]
    assert ids == ["FX-03", "FX-01", "FX-02"]
    assert ws["L4"].value == "未覆盖" and ws["L4"].fill.fgColor.rgb.endswith(palette.LEVEL_FILL["高"])
    assert ws["C5"].value == "高" and ws["C5"].fill.fgColor.rgb.endswith(palette.LEVEL_FILL["高"])
    assert ws["C4"].value == "中" and ws["C4"].fill.fgColor.rgb.endswith(palette.LEVEL_FILL["中"])
    assert ws["I5"].alignment.wrap_text and ws["I5"].value.startswith("CS-01 ")
    # a workbook's formula-like text stays text
    assert ws["E4"].value == "=HYPERLINK(\"http://x\",\"点我\")" and ws["E4"].data_type == "s"
    assert any("CS-03（FX-99）" in str(c.value) for c in ws["A"])
    figures = book["覆盖统计"]
    assert int(figures.page_setup.paperSize) == 9 and figures.page_setup.fitToWidth == 1
    rows = [[c.value for c in row] for row in figures.iter_rows()]
    assert ["领导岗位", 1, 1, "100%", 0, 0] in rows and ["其他重要岗位", 1, 0, "0%", 0, 0] in rows


def test_xlsx_needs_an_output_file(runner, app, work):
    result = cover(runner, app, "chyy.yaml", "--format", "xlsx")
    assert result.exit_code == 2 and "-o" in result.stderr


def test_output_is_not_overwritten_without_force(runner, app, work):
    (work / "c.json").write_text("old", encoding="utf-8")
    result = cover(runner, app, "chyy.yaml", "--format", "json", "-o", "c.json")
    assert result.exit_code == 2 and (work / "c.json").read_text(encoding="utf-8") == "old"
    assert cover(runner, app, "chyy.yaml", "--format", "json", "-o", "c.json", "--force").exit_code == 0
    assert json.loads((work / "c.json").read_text(encoding="utf-8"))["unit"]["code"] == "CHYY"


def test_missing_file_is_exit_2_and_unreadable_file_exit_1(runner, app, work):
    missing = cover(runner, app, "nothere.xlsx")
    assert missing.exit_code == 2 and "路径不存在：nothere.xlsx" in missing.stderr
    (work / "bad.yaml").write_text("unit: [\n", encoding="utf-8")
    bad = cover(runner, app, "bad.yaml")
    assert bad.exit_code == 1 and "LF100" in bad.stderr and bad.stdout == ""
    assert cover(runner, app, "chyy.yaml", "--format", "pdf").exit_code == 2


def test_reader_findings_are_noted_and_coverage_still_computed(runner, app, work):
    text = (work / "chyy.yaml").read_text(encoding="utf-8").replace("level: 高}", "level: 较高}")
    (work / "chyy.yaml").write_text(text, encoding="utf-8")
    result = cover(runner, app, "chyy.yaml", "--format", "json")
    assert result.exit_code == 0 and "1 处问题" in result.stderr
    data = json.loads(result.stdout)
    assert data["by_level"][-1] == {"key": None, "risks": 1, "answered": 1, "high": 0, "high_full": 0, "rate": 1.0}


# -- several units and folders, as validate takes them ---------------------------------------------

def _second_unit(work: Path) -> Path:
    text = (work / "chyy.yaml").read_text(encoding="utf-8").replace("code: CHYY", "code: ZXYY").replace("巢湖市第一人民医院", "巢湖市中医医院")
    (work / "units").mkdir()
    (work / "units" / "zxyy.yaml").write_text(text, encoding="utf-8")
    return work / "units" / "zxyy.yaml"


def test_several_units_and_folders_one_section_each(runner, app, work):
    _second_unit(work)
    one = cover(runner, app, "chyy.yaml").stdout
    two = cover(runner, app, "units/zxyy.yaml").stdout
    both = cover(runner, app, "units", "chyy.yaml")
    assert both.exit_code == 0
    assert both.stdout == one + "\n" + two  # sorted by the path shown, as validate lists files
    assert cover(runner, app, ".").stdout == both.stdout  # a folder is searched like validate's


def test_several_units_in_json_are_a_list_of_units(runner, app, work):
    _second_unit(work)
    data = json.loads(cover(runner, app, "chyy.yaml", "units", "--format", "json").stdout)
    assert data["tool"].startswith("lianfang ") and [u["unit"]["code"] for u in data["units"]] == ["CHYY", "ZXYY"]
    single = json.loads(cover(runner, app, "chyy.yaml", "--format", "json").stdout)
    assert data["units"][0] == {k: v for k, v in single.items() if k != "tool"}


def test_xlsx_takes_one_unit_at_a_time(runner, app, work):
    _second_unit(work)
    result = cover(runner, app, ".", "--format", "xlsx", "-o", "c.xlsx")
    assert result.exit_code == 2 and "2" in result.stderr and not (work / "c.xlsx").exists()


def test_an_unreadable_unit_among_several_is_listed_and_the_rest_reported(runner, app, work):
    _second_unit(work)
    (work / "units" / "bad.yaml").write_text("unit: [\n", encoding="utf-8")
    result = cover(runner, app, "units", "chyy.yaml")
    assert result.exit_code == 1 and "LF100" in result.stderr
    assert "巢湖市第一人民医院" in result.stdout and "巢湖市中医医院" in result.stdout


def test_one_percent_format_for_every_output():
    assert percent(7, 8) == "87.5%"
    assert percent(1, 3) == "33.3%"
    assert percent(4, 4) == "100%" and percent(0, 5) == "0%"
    # a rate short of the whole is never shown as complete
    assert percent(9999, 10000) == "99.9%"
    assert percent(0, 0) == "—"


def test_a_risk_point_with_an_unreadable_id_is_named_by_its_row(tmp_path):
    from lianfang.io.xlsx_writer import workbook_to_xlsx_bytes

    path = tmp_path / "u.xlsx"
    path.write_bytes(workbook_to_xlsx_bytes(read_workbook(INPUT / "chyy.yaml").workbook))
    book = openpyxl.load_workbook(path)
    ws = book["风险点"]
    ws["A3"] = "风险 一"  # not an ID: LF105, the record keeps None
    book.save(path)
    result = read_workbook(path)
    assert any(f.code == "LF105" for f in reader_findings(result.problems))
    cov = compute_coverage(result.workbook)
    assert cov.total.risks == 3
    labels = [rc.label for rc in cov.rows]
    assert "风险点（第 3 行）" in labels
