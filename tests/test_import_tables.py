"""lianfang import, the tables: every layout of issue 14 built in code, read and turned into a
workbook that validates without LF1xx, with everything it assumed in the report."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legacy_fixtures import write_docx, write_ods, write_xlsx
from lianfang.config import Settings
from lianfang.io.xlsx_writer import write_xlsx as write_workbook
from lianfang.legacy.build import ImportOptions, NoTableError, import_tables
from lianfang.legacy.grid import LegacyFileError, read_legacy
from lianfang.legacy.headers import ColumnMap
from lianfang.legacy.report import Kind
from lianfang.model.vocab import PostTier, RiskCategory, RiskLevel
from lianfang.pipeline import check_workbook


def run(*paths: Path, **options):
    grids = [g for p in paths for g in read_legacy(p)]
    return import_tables(grids, ImportOptions(**options), [p.name for p in paths])


def no_reading_errors(wb, tmp_path: Path) -> list[str]:
    """The codes lianfang validate gives the written workbook (LF1xx must not be among them)."""
    out = tmp_path / "imported.xlsx"
    write_workbook(wb, out, force=True)
    checked = check_workbook(out, Settings())
    codes = [f.code for f in checked.report.findings]
    assert not [c for c in codes if c.startswith("LF1")], codes
    return codes


def measures_of(wb, rid: str) -> list[tuple[str, str]]:
    return [(m.phase.value, m.description) for m in wb.measures_by_risk.get(rid, [])]


def entries(report, kind: Kind) -> list[tuple[str, str]]:
    return [(e.where, e.message) for e in report.of(kind)]


# -- one row per risk point ---------------------------------------------------------------------


def test_one_row_per_risk_columns_in_any_order(tmp_path):
    rows = [
        ["巢湖市第一人民医院廉政风险点及防控措施一览表"],
        ["填报单位（盖章）：巢湖市第一人民医院　　　日期：2025年3月1日"],
        ["风险等级", "防控措施", "廉政风险点", "岗位", "科室", "序号", "风险类别", "责任人", "备注", "联系电话"],
        ["高", "1.药事委员会集体研究；2.采购结果在院务公开栏公示", "药品遴选中收受回扣", "药剂科主任", "药剂科", "1",
         "业务流程风险", "药剂科主任", "2024年新增", "82312345"],
        ["一级", "每季度抽查处方点评结果", "统方", "信息科科员", "信息科", "2", "岗位职责", "信息科长", "", ""],
        ["★", "签订廉洁承诺书", "接受宴请", "药剂科主任", "药剂科", "3", "思想道德风险", "", "", ""],
    ]
    path = write_xlsx(tmp_path / "legacy.xlsx", {"Sheet1": rows}, {"Sheet1": [(1, 1, 1, 10), (2, 1, 2, 10)]})
    wb, report = run(path)
    assert wb.unit.name == "巢湖市第一人民医院"
    assert wb.unit.year == 2025
    assert [(r.id, r.description, r.level, r.category) for r in wb.risks] == [
        ("FX-001", "药品遴选中收受回扣", RiskLevel.HIGH, RiskCategory.PROCESS),
        ("FX-002", "统方", RiskLevel.HIGH, RiskCategory.DUTY),
        ("FX-003", "接受宴请", RiskLevel.LOW, RiskCategory.ETHICS),
    ]
    # posts shared by name within a department
    assert [(p.id, p.name, p.department) for p in wb.posts] == [("GW-01", "药剂科主任", "药剂科"), ("GW-02", "信息科科员", "信息科")]
    assert [r.post for r in wb.risks] == ["GW-01", "GW-02", "GW-01"]
    # 集体研究 is a 中期监控 word; 公开 (前期) and 公示 (中期) tie, the first in the text wins
    assert measures_of(wb, "FX-001") == [("中期监控", "药事委员会集体研究"), ("前期预防", "采购结果在院务公开栏公示")]
    assert [m.owner for m in wb.measures_by_risk["FX-002"]] == ["信息科长"]
    # no owner on row 6: the post stands in, and the report says so
    assert [m.owner for m in wb.measures_by_risk["FX-003"]] == ["药剂科主任"]
    assert any("责任人未填" in msg for _, msg in entries(report, Kind.TODO))
    # nothing lost: 备注 and the unknown column go to the risk point's note
    assert wb.risks[0].note == "2024年新增\n联系电话：82312345"
    assert ("legacy.xlsx Sheet1!J3", "「联系电话」无对应字段，内容记入风险点备注") in entries(report, Kind.COLUMN)
    # every phase was inferred, each listed with its keywords and location
    phases = entries(report, Kind.PHASE)
    assert ("legacy.xlsx Sheet1!B4", "「药事委员会集体研究」→ 前期预防（关键词：制度）") not in phases
    assert [w for w, _ in phases] == ["legacy.xlsx Sheet1!B4", "legacy.xlsx Sheet1!B4", "legacy.xlsx Sheet1!B5", "legacy.xlsx Sheet1!B6"]
    assert phases[1][1] == "「采购结果在院务公开栏公示」→ 前期预防（关键词：公开）"
    no_reading_errors(wb, tmp_path)


def test_several_risks_in_one_cell_pair_with_their_measures(tmp_path):
    rows = [
        ["序号", "权力事项", "风险点数量", "表现形式", "等级", "防控措施", "责任人"],
        ["1", "医疗机构执业许可", "2", "1.受理风险：不一次性告知所需材料\n2.审查风险：审查超时",
         "1.低\n2.高", "1.1公开审批依据、条件、程序\n2.1每月通报办理时效\n2.2追究超时责任", "办理人"],
        ["2", "放射诊疗许可", "2", "（1）收受申请人财物（2）授意承办人员不按规定承办", "1中1高",
         "（1）签订廉洁承诺书（2）需现场审查的至少2名承办人员", "科长"],
        ["3", "公共场所卫生许可", "3", "1.对符合条件不予受理；2.擅自降低标准", "中", "1.公开办事指南 2.双人审查 3.抽查复核", "科长"],
    ]
    wb, report = run(write_xlsx(tmp_path / "powers.xlsx", {"权力事项": rows}))
    got = {r.description: (r.level.value, measures_of(wb, r.id)) for r in wb.risks}
    assert got["受理风险：不一次性告知所需材料"] == ("低", [("前期预防", "公开审批依据、条件、程序")])
    assert got["审查风险：审查超时"] == ("高", [("中期监控", "每月通报办理时效"), ("后期处置", "追究超时责任")])
    assert got["收受申请人财物"] == ("中", [("前期预防", "签订廉洁承诺书")])
    assert got["授意承办人员不按规定承办"] == ("高", [("中期监控", "需现场审查的至少2名承办人员")])
    # three measures for two risk points with nothing to pair them: each risk point gets all three
    assert len(measures_of(wb, "FX-005")) == len(measures_of(wb, "FX-006")) == 3
    assumed = [m for _, m in entries(report, Kind.ASSUMED)]
    assert any("对不上本行的某一个风险点" in m for m in assumed)
    assert any("「1中1高」按顺序分给本行的 2 个风险点" in m for m in assumed)
    # 风险点数量 3 on row 4 but two risk points: to be checked
    assert any("写 3，实际拆出 2 个" in m for _, m in entries(report, Kind.TODO))
    assert ("powers.xlsx 权力事项!D2", "拆成 2 个风险点：FX-001、FX-002") in entries(report, Kind.SPLIT)
    # the powers, one per 权力事项, with the defaults reported
    assert [p.name for p in wb.powers] == ["医疗机构执业许可", "放射诊疗许可", "公共场所卫生许可"]
    assert all(p.basis == "待补充" for p in wb.powers)
    assert all(r.power and r.post is None for r in wb.risks)
    no_reading_errors(wb, tmp_path)


def test_inline_level_and_owner_of_a_stage(tmp_path):
    rows = [["岗位", "风险点", "防控措施"],
            ["窗口受理", "1.受理风险：不一次性告知（风险等级：低，责任人：办理人）\n2.审查风险：审查超时（风险等级：高）\n"
                         "3.办结风险：超时办结 风险等级：中 责任人：科长", "1.1公开办事指南\n2.1每月通报\n3.1限时办结"]]
    wb, _ = run(write_xlsx(tmp_path / "t.xlsx", {"S": rows}))
    got = [(r.description, r.level.value, [(m.description, m.owner) for m in wb.measures_by_risk[r.id]]) for r in wb.risks]
    assert got == [("受理风险：不一次性告知", "低", [("公开办事指南", "办理人")]),
                   ("审查风险：审查超时", "高", [("每月通报", "窗口受理")]),
                   ("办结风险：超时办结", "中", [("限时办结", "科长")])]


def test_a_dash_or_slash_means_none(tmp_path):
    rows = [["岗位", "风险点", "风险等级", "防控措施"], ["会计", "收受回扣", "高", "—"], ["出纳", "/", "", ""],
            ["司机", "公车私用", "低", "/"]]
    wb, report = run(write_xlsx(tmp_path / "t.xlsx", {"S": rows}))
    assert [r.description for r in wb.risks] == ["收受回扣", "公车私用"]
    assert wb.measures == []
    todo = entries(report, Kind.TODO)
    assert ("t.xlsx S 第2行", "原表没有防控措施，须补充") in todo
    assert ("t.xlsx S 第3行", "风险点写作「/」（无），未导入") in entries(report, Kind.SKIPPED)


# -- rows that are not records ---------------------------------------------------------------------


def test_section_rows_repeated_headers_blank_and_note_rows_in_word(tmp_path):
    header = ["序号", "岗位", "风险点", "风险等级", "防控措施"]
    rows = [header,
            ["一、中心领导", "", "", "", ""],
            ["1", "主任", "个人决定大额资金使用", "高", "事前：班子会议集体研究\n事中：纪检监察室监督\n事后：追究主要负责人责任"],
            ["", "", "", "", ""],
            header,
            ["二、财务科", "", "", "", ""],
            ["2", "会计", "虚列支出", "中", "1.每月对账 2.审计抽查"],
            ["注：本表经中心党支部会议研究确定。", "", "", "", ""]]
    merges = [[(2, 1, 2, 5), (6, 1, 6, 5), (8, 1, 8, 5)]]
    path = write_docx(tmp_path / "table.docx", [rows], merges, before=["某中心廉政风险点一览表", "填报单位（盖章）：某中心"])
    wb, report = run(path)
    assert wb.unit.name == "某中心"
    assert [(p.name, p.department, p.tier) for p in wb.posts] == [("主任", "中心领导", PostTier.LEADER), ("会计", "财务科", PostTier.OTHER)]
    assert measures_of(wb, "FX-001") == [("前期预防", "班子会议集体研究"), ("中期监控", "纪检监察室监督"), ("后期处置", "追究主要负责人责任")]
    skipped = entries(report, Kind.SKIPPED)
    assert ("table.docx 表1 第2行", "部门分段行：其下各行的部门为「中心领导」") in skipped
    assert ("table.docx 表1 第5行", "重复的表头行（跨页表格）") in skipped
    assert ("table.docx 表1 第8行", "注释行，未导入：注：本表经中心党支部会议研究确定。") in skipped
    assert ("table.docx 表1 第4行", "空行 1 行：4") in skipped
    # phases said by 事前/事中/事后 words are not guesses; 每月对账/审计抽查 are
    assert [o for o, in [(e.object,) for e in report.of(Kind.PHASE)]] == ["CS-004", "CS-005"]
    no_reading_errors(wb, tmp_path)


# -- merged cells ----------------------------------------------------------------------------------


def test_vertical_merges_in_excel(tmp_path):
    rows = [["科室", "岗位", "风险点", "风险等级", "防控阶段", "防控措施", "责任人"],
            ["设备科", "设备科科长", "采购参数设置排他性条款", "高", "事前", "专家论证参数", "设备科科长"],
            ["", "", "", "", "事中", "审计科审查采购文件", "审计科"],
            ["", "", "", "", "事后", "追究参数制定人责任", "纪检监察室"],
            ["", "", "验收走过场", "中", "事中", "两人以上验收", "设备科科长"]]
    merges = {"S": [(2, 1, 5, 1), (2, 2, 5, 2), (2, 3, 4, 3), (2, 4, 4, 4)]}
    wb, report = run(write_xlsx(tmp_path / "m.xlsx", {"S": rows}, merges))
    assert [(r.description, r.level.value) for r in wb.risks] == [("采购参数设置排他性条款", "高"), ("验收走过场", "中")]
    assert [(m.phase.value, m.description, m.owner) for m in wb.measures_by_risk["FX-001"]] == [
        ("前期预防", "专家论证参数", "设备科科长"), ("中期监控", "审计科审查采购文件", "审计科"), ("后期处置", "追究参数制定人责任", "纪检监察室")]
    assert len(wb.posts) == 1 and wb.posts[0].department == "设备科"
    assert report.of(Kind.PHASE) == []  # the phase column said every phase
    no_reading_errors(wb, tmp_path)


def test_vertical_merges_in_word(tmp_path):
    rows = [["部门", "岗位", "风险点", "等级", "防控措施"],
            ["办公室", "主任", "公车私用", "中", "事前：公车统一调度"],
            ["", "", "", "", "事中：行车记录每月公示"],
            ["", "", "接受宴请", "低", "签订廉洁承诺书"]]
    path = write_docx(tmp_path / "m.docx", [rows], [[(2, 1, 4, 1), (2, 2, 4, 2), (2, 3, 3, 3), (2, 4, 3, 4)]])
    wb, _ = run(path)
    assert [r.description for r in wb.risks] == ["公车私用", "接受宴请"]
    assert measures_of(wb, "FX-001") == [("前期预防", "公车统一调度"), ("中期监控", "行车记录每月公示")]
    assert [(p.name, p.department) for p in wb.posts] == [("主任", "办公室")]
    no_reading_errors(wb, tmp_path)


def test_word_grid_repeats_merged_cells_and_remembers_them(tmp_path):
    rows = [["a", "b", "c"], ["d", "e", "f"], ["g", "h", "i"]]
    path = write_docx(tmp_path / "g.docx", [rows], [[(1, 1, 1, 3), (2, 1, 3, 1)]])
    (grid,) = read_legacy(path)
    assert grid.rows == [["a", "a", "a"], ["d", "e", "f"], ["d", "h", "i"]]
    assert grid.anchor(0, 2) == (0, 0) and grid.anchor(2, 0) == (1, 0) and grid.anchor(2, 1) == (2, 1)


def test_phase_columns_under_a_merged_header(tmp_path):
    rows = [["单位廉政风险防控一览表"],
            ["序号", "岗位", "风险点", "风险等级", "防控措施", "", "", "责任人"],
            ["", "", "", "", "事前预防", "事中监控", "事后处置", ""],
            ["1", "采购员", "化整为零规避招标", "★★★", "（1）公开采购计划（2）签订承诺书", "审计抽查", "—", "采购员"]]
    merges = {"S": [(1, 1, 1, 8), (2, 5, 2, 7), (2, 1, 3, 1), (2, 2, 3, 2), (2, 3, 3, 3), (2, 4, 3, 4), (2, 8, 3, 8)]}
    wb, report = run(write_xlsx(tmp_path / "p.xlsx", {"S": rows}, merges))
    assert measures_of(wb, "FX-001") == [("前期预防", "公开采购计划"), ("前期预防", "签订承诺书"), ("中期监控", "审计抽查")]
    assert wb.risks[0].level is RiskLevel.HIGH
    assert report.of(Kind.PHASE) == []
    roles = [m for _, m in entries(report, Kind.COLUMN)]
    assert "「事前预防」→ 前期预防措施" in roles and "「事后处置」→ 后期处置措施" in roles


# -- several sheets, several tables, several files ------------------------------------------------


def test_several_sheets_and_files_share_posts_by_department(tmp_path):
    head = ["科室", "岗位", "风险点", "风险等级", "防控措施"]
    a = write_xlsx(tmp_path / "a.xlsx", {
        "药剂科": [head, ["药剂科", "科长", "药品遴选收受回扣", "高", "集体研究"]],
        "财务科": [head, ["财务科", "科长", "虚列支出", "中", "审计抽查"]],
        "填表说明": [["请按要求填写"]],
    })
    b = write_docx(tmp_path / "b.docx", [[head, ["药剂科", "科长", "处方统方", "高", "信息系统权限控制"]],
                                         [head, ["药剂科", "药师", "调剂差错", "低", "双人核对"]]])
    wb, report = run(a, b, unit_name="某医院", unit_code="MYY", year=2026)
    assert (wb.unit.name, wb.unit.code, wb.unit.year) == ("某医院", "MYY", 2026)
    assert [(p.id, p.name, p.department) for p in wb.posts] == [
        ("GW-01", "科长", "药剂科"), ("GW-02", "科长", "财务科"), ("GW-03", "药师", "药剂科")]
    assert [r.post for r in wb.risks] == ["GW-01", "GW-02", "GW-01", "GW-03"]
    tables = entries(report, Kind.TABLE)
    assert ("a.xlsx 填表说明 第1行", "未导入：前 30 行中没有含风险点列（风险点/风险描述/廉政风险点/表现形式）的表头") in tables
    assert sum("表头在此行" in m for _, m in tables) == 4
    assert report.sources == ["a.xlsx", "b.docx"]


def test_ods(tmp_path):
    path = write_ods(tmp_path / "t.ods", {"表1": [["标题"], ["岗位", "风险点", "风险等级", "防控措施"], ["出纳", "挪用公款", "高", "每日对账"]]})
    wb, _ = run(path)
    assert [(r.description, r.level.value) for r in wb.risks] == [("挪用公款", "高")]


# -- --map and tables that are not risk tables -----------------------------------------------------


def test_map_names_a_column_the_vocabulary_does_not_know(tmp_path):
    path = write_xlsx(tmp_path / "q.xlsx", {"S": [["岗位", "存在问题", "风险等级", "整改办法"], ["会计", "白条入账", "高", "严格审核票据"]]})
    with pytest.raises(NoTableError, match="风险点、风险描述"):
        run(path)
    wb, report = run(path, column_map=ColumnMap.parse(["存在问题=risk", "D=measures"]))
    assert [(r.description, r.level.value) for r in wb.risks] == [("白条入账", "高")]
    assert measures_of(wb, "FX-001") == [("中期监控", "严格审核票据")]


def test_map_overrides_a_guess(tmp_path):
    path = write_xlsx(tmp_path / "q.xlsx", {"S": [["岗位", "风险点", "风险等级", "防控措施", "责任人"],
                                                  ["会计", "白条入账", "高", "严格审核票据", "张三"]]})
    wb, _ = run(path, column_map=ColumnMap.parse(["责任人=note"]))
    assert wb.risks[0].note == "责任人：张三"
    assert wb.measures[0].owner == "会计"


def test_a_file_with_no_risk_table_is_refused_with_what_was_looked_for(tmp_path):
    path = write_xlsx(tmp_path / "n.xlsx", {"S": [["序号", "职权名称", "法律依据"], ["1", "医疗机构执业许可", "《医疗机构管理条例》"]]})
    with pytest.raises(NoTableError) as e:
        run(path)
    assert "前 30 行" in str(e.value) and "--map" in str(e.value)


# -- bad files -------------------------------------------------------------------------------------


def _docx_with(tmp_path: Path, name: str, member: str, data: bytes, compress=zipfile.ZIP_DEFLATED) -> Path:
    good = write_docx(tmp_path / "good.docx", [[["岗位", "风险点", "防控措施"], ["会计", "虚列支出", "审计"]]])
    out = tmp_path / name
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, data if info.filename == member else src.read(info.filename), compress)
        if member not in src.namelist():
            dst.writestr(member, data, compress)
    return out


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: (p / "x.docx").write_bytes(b"not a zip at all") and p / "x.docx", "不是有效的 .docx"),
    (lambda p: (p / "x.docx").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 600) and p / "x.docx", "密码"),
    (lambda p: (p / "x.docx").write_bytes(b"") is not None and p / "x.docx", "文件为空"),
    (lambda p: (p / "x.doc").write_bytes(b"\xd0\xcf\x11\xe0") and p / "x.doc", "另存为 .docx"),
    (lambda p: (p / "x.txt").write_text("a") and p / "x.txt", "不支持的文件类型"),
    (lambda p: (p / "x.xlsx").write_bytes(b"PK\x03\x04 broken") and p / "x.xlsx", "不是有效的 .xlsx"),
    (lambda p: (p / "x.xls").write_bytes(b"plain text") and p / "x.xls", "不是有效的 .xls"),
])
def test_unreadable_files_are_refused(tmp_path, make, message):
    with pytest.raises(LegacyFileError, match=message):
        read_legacy(make(tmp_path))


def test_a_docx_with_a_dtd_is_refused(tmp_path):
    path = _docx_with(tmp_path, "dtd.docx", "word/document.xml",
                      b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><w:document xmlns:w="x"/>')
    with pytest.raises(LegacyFileError, match="DTD"):
        read_legacy(path)


def test_a_docx_zip_bomb_is_refused(tmp_path):
    path = _docx_with(tmp_path, "bomb.docx", "word/media/big.bin", b"\0" * (20 * 1024 * 1024))
    with pytest.raises(LegacyFileError, match="zip"):
        read_legacy(path)


def test_a_docx_without_its_document_is_refused(tmp_path):
    out = tmp_path / "empty.docx"
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(LegacyFileError, match="word/document.xml"):
        read_legacy(out)


def test_a_corrupt_part_is_refused(tmp_path):
    path = _docx_with(tmp_path, "bad.docx", "word/document.xml", b"<w:document><unclosed>")
    with pytest.raises(LegacyFileError, match="Word"):
        read_legacy(path)


def test_word_tables_over_the_row_limit_are_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("LIANFANG_MAX_ROWS", "3")
    path = write_docx(tmp_path / "big.docx", [[["岗位", "风险点"]] + [["a", "b"]] * 5])
    with pytest.raises(LegacyFileError, match="过大"):
        read_legacy(path)


def test_xls_with_merged_cells():
    # tests/fixtures/legacy/small.xls: nothing in Python writes .xls, so this one was saved once by
    # LibreOffice (soffice --convert-to xls) from an .xlsx of these rows: a merged title, 科室 and
    # 岗位 merged down over two risk points, numbered measures
    path = Path(__file__).resolve().parent / "fixtures" / "legacy" / "small.xls"
    wb, report = run(path)
    assert wb.unit.name == "某卫生院"
    assert [(p.name, p.department) for p in wb.posts] == [("药剂员", "药房")]
    assert [(r.description, r.level.value, r.post) for r in wb.risks] == [("收受药品回扣", "高", "GW-01"), ("调剂差错隐瞒不报", "低", "GW-01")]
    assert [(m.risk, m.description) for m in wb.measures] == [("FX-001", "签订承诺书"), ("FX-001", "每月处方点评公示"), ("FX-002", "双人核对")]


# -- any grid at all --------------------------------------------------------------------------------

_CELLS = st.one_of(
    st.sampled_from(["", "", "序号", "科室", "岗位", "职权", "风险点", "表现形式", "风险等级", "风险类别", "防控措施", "事前", "事中",
                     "事后", "责任人", "备注", "高", "★★", "一级", "1中2低", "—", "/", "一、中心领导", "注：说明", "防控阶段",
                     "1.甲风险\n2.乙风险", "1.1措施\n2.1措施", "（1）公开（2）审核", "事前：学习 事后：问责", "风险等级：高"]),
    st.text(alphabet="采购审批风险措施科长1.、（）：；\n ", max_size=12),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_CELLS, min_size=1, max_size=7), min_size=1, max_size=8),
       st.lists(st.tuples(st.integers(0, 7), st.integers(0, 6), st.integers(0, 7), st.integers(0, 6)), max_size=3))
def test_any_grid_gives_a_workbook_or_a_refusal(rows, merges):
    from lianfang.legacy.grid import Grid

    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    anchors = {}
    for r1, c1, r2, c2 in merges:
        for r in range(r1, min(r2, len(rows) - 1) + 1):
            for c in range(c1, min(c2, width - 1) + 1):
                if (r, c) != (r1, c1) and r1 < len(rows) and c1 < width:
                    anchors[(r, c)] = (r1, c1)
                    rows[r][c] = rows[r1][c1]
    try:
        wb, report = import_tables([Grid("f.xlsx", "S", False, rows, anchors)], ImportOptions(), ["f.xlsx"])
    except NoTableError:
        return
    # every record is a valid model record, every measure answers a risk point that exists
    assert all(m.risk in wb.risks_by_id for m in wb.measures)
    assert len({r.id for r in wb.risks}) == len(wb.risks)
    assert all(r.description.strip() for r in wb.risks)
    assert report.counts["risks"] == len(wb.risks)


def test_word_cells_of_huge_spans_are_counted_as_they_are_made(tmp_path, monkeypatch):
    import lianfang.legacy.grid as grid_module

    monkeypatch.setattr(grid_module, "MAX_SHEET_CELLS", 500)
    row = '<w:tr>' + '<w:tc><w:tcPr><w:gridSpan w:val="99999"/></w:tcPr><w:p/></w:tc>' * 20 + '</w:tr>'
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
                f'<w:tbl>{row * 3}</w:tbl></w:body></w:document>').encode()
    path = _docx_with(tmp_path, "spans.docx", "word/document.xml", document)
    with pytest.raises(LegacyFileError, match="过大"):
        read_legacy(path)
    monkeypatch.setattr(grid_module, "MAX_SHEET_CELLS", 5000)
    (grid,) = read_legacy(path)
    assert grid.width == 20 * grid_module.MAX_SPAN  # each span capped


def test_the_housing_bureau_layout(tmp_path):
    """序号 | 单位/科室 | 风险类别 | 风险点 | 廉政风险主要内容及表现形式 | 风险等级 | 防控措施 | 部门负责人 | 责任领导,
    the department and the two people merged down."""
    rows = [["序号", "单位/科室", "风险类别", "风险点", "廉政风险主要内容及表现形式", "风险等级", "防控措施", "部门负责人", "责任领导"],
            ["1", "建管科", "岗位职责风险", "施工许可", "对不符合条件的项目违规发放施工许可证", "高", "1.公开许可条件；2.集体审核", "王科长", "李副局长"],
            ["2", "", "业务流程风险", "质量监督", "1.监督检查走过场\n2.收受施工单位财物", "中", "1.1两人以上检查\n2.1签订廉洁承诺书", "", ""]]
    wb, report = run(write_xlsx(tmp_path / "zjj.xlsx", {"S": rows}, {"S": [(2, 2, 3, 2), (2, 8, 3, 8), (2, 9, 3, 9)]}))
    assert [(r.description, r.category.value, r.level.value) for r in wb.risks] == [
        ("施工许可：对不符合条件的项目违规发放施工许可证", "岗位职责", "高"),
        ("质量监督：监督检查走过场", "业务流程", "中"),
        ("质量监督：收受施工单位财物", "业务流程", "中")]
    assert all(r.note == "责任领导：李副局长" for r in wb.risks)
    assert {m.owner for m in wb.measures} == {"王科长"}
    assert measures_of(wb, "FX-003") == [("前期预防", "签订廉洁承诺书")]
    assert wb.posts[0].name == wb.posts[0].department == "建管科"  # no 岗位 column: the post is the department


def test_a_duty_list_names_its_powers_by_content(tmp_path):
    """责任清单: 序号 | 责任主体 | 职权内容 | 风险点 | 风险等级 | 防控措施 | 责任人."""
    rows = [["序号", "责任主体", "职权内容", "风险点", "风险等级", "防控措施", "责任人", "法律依据"],
            ["1", "医政科", "医疗机构执业登记", "违规登记", "高", "—", "科长", "《医疗机构管理条例》第九条"]]
    wb, _ = run(write_xlsx(tmp_path / "qd.xlsx", {"S": rows}))
    assert [(p.name, p.content, p.subject, p.basis) for p in wb.powers] == [
        ("医疗机构执业登记", "医疗机构执业登记", "医政科", "《医疗机构管理条例》第九条")]
    assert wb.risks[0].power == "QL-01" and wb.measures == []
    assert wb.risks[0].note == "责任人：科长"  # no measure to carry it: kept on the risk point


def test_title_and_header_repeated_on_every_printed_page(tmp_path):
    title, filled = "某中心岗位廉政风险防控一览表", "填报单位（盖章）：某中心　　日期：2026年3月"
    header = ["序号", "岗位", "风险点", "风险等级", "防控措施"]
    rows = [[title], [filled], header, ["1", "会计", "虚列支出", "高", "审计抽查"],
            [title], [filled], header, ["2", "出纳", "挪用公款", "高", "每日对账"]]
    merges = {"S": [(1, 1, 1, 5), (2, 1, 2, 5), (5, 1, 5, 5), (6, 1, 6, 5)]}
    wb, report = run(write_xlsx(tmp_path / "pages.xlsx", {"S": rows}, merges))
    assert [(r.description, wb.posts_by_id[r.post].department) for r in wb.risks] == [("虚列支出", "待补充"), ("挪用公款", "待补充")]
    skipped = entries(report, Kind.SKIPPED)
    assert ("pages.xlsx S 第5行", "重复的标题或填报单位行（每页重复）：" + title) in skipped
    assert ("pages.xlsx S 第6行", "重复的标题或填报单位行（每页重复）：填报单位（盖章）：某中心 日期：2026年3月") in skipped
    assert ("pages.xlsx S 第7行", "重复的表头行（跨页表格）") in skipped


def test_formulas_in_a_legacy_table_stay_text(tmp_path):
    import openpyxl

    rows = [["岗位", "风险点", "防控措施"], ["会计", '=HYPERLINK("http://x","点我")', "+cmd|' /C calc'!A0"]]
    wb, _ = run(write_xlsx(tmp_path / "f.xlsx", {"S": rows}))
    assert wb.risks[0].description == '=HYPERLINK("http://x","点我")'
    out = tmp_path / "unit.xlsx"
    write_workbook(wb, out, force=True)
    book = openpyxl.load_workbook(out)
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value[:1] in "=+"]
    assert cells and all(c.data_type == "s" for c in cells)
