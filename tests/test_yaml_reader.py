"""The YAML reader: shape, locations, tolerance and safety."""

import textwrap

import pytest

from lianfang.findings import flatten
from lianfang.io.yaml_reader import read_yaml
from lianfang.model.vocab import RiskLevel, UnitStatus
from lianfang.rules.reading import reader_findings

GOOD = """\
unit:
  name: 巢湖市第一人民医院
  code: CHYY
  year: 2026
  status: 送审
  criteria: {高: 涉及人财物, 中: 一般审批, 低: 其他}
posts:
  - {id: GW-01, name: 院长, department: 院领导, tier: 领导岗位, key: true, since: 2024-03-01}
powers:
  - {id: QL-01, name: 药品采购, content: 药品遴选采购, level: 单位, subject: 药剂科, basis: 《药品管理法》}
risks:
  - {id: FX-01, power: QL-01, post: GW-01, category: 业务流程, description: 暗箱操作, level: 高}
measures:
  - {id: CS-01, risk: FX-01, phase: 前期预防, description: 药品遴选由药事委员会集体决定, owner: 药剂科}
"""


def write(tmp_path, text, name="unit.yaml", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return p


def pos(text, fragment, nth=1):
    """1-based (line, col) of the nth occurrence of fragment in text."""
    start = -1
    for _ in range(nth):
        start = text.index(fragment, start + 1)
    line = text.count("\n", 0, start) + 1
    return line, start - (text.rfind("\n", 0, start) + 1) + 1


def codes(result):
    return flatten(reader_findings(result.problems), "code", "line", "col", "object", "field")


def test_good_workbook_reads_without_findings(tmp_path):
    r = read_yaml(write(tmp_path, GOOD))
    assert reader_findings(r.problems) == []
    wb = r.workbook
    assert wb.unit.status is UnitStatus.SUBMITTED
    assert wb.unit.criteria.high == "涉及人财物"
    assert wb.risks[0].level is RiskLevel.HIGH
    assert wb.posts[0].key is True
    assert (wb.risks[0].loc("level").line, wb.risks[0].loc("level").col) == pos(GOOD, "高}")


def test_chinese_keys_are_accepted(tmp_path):
    text = GOOD.replace("risks:", "风险点:").replace("description: 暗箱操作", "风险描述: 暗箱操作")
    r = read_yaml(write(tmp_path, text))
    assert reader_findings(r.problems) == []
    assert r.workbook.risks[0].description == "暗箱操作"


def test_unquoted_numeric_ids_keep_their_text(tmp_path):
    text = GOOD.replace("id: FX-01", "id: 007").replace("risk: FX-01", "risk: 007")
    r = read_yaml(write(tmp_path, text))
    assert reader_findings(r.problems) == []
    assert r.workbook.risks[0].id == "007"


def test_problems_are_located_by_line_and_column(tmp_path):
    text = GOOD.replace("level: 高}", "level: 较高, 负责人: 张三}").replace("year: 2026", "year: 明年")
    r = read_yaml(write(tmp_path, text))
    assert sorted(codes(r)) == [
        ("LF104", *pos(text, "较高"), "FX-01", "level"),
        ("LF105", *pos(text, "明年"), None, "year"),
        ("LF106", *pos(text, "负责人"), "FX-01", None),
    ]
    # still a model of everything that could be read
    assert r.workbook.risks[0].description == "暗箱操作"
    assert r.workbook.risks[0].level is None


def test_missing_required_key_is_lf103_at_the_row(tmp_path):
    text = GOOD.replace(", owner: 药剂科", "")
    r = read_yaml(write(tmp_path, text))
    assert codes(r) == [("LF103", *pos(text, "{id: CS-01"), "CS-01", "owner")]


def test_missing_top_level_key_is_lf101(tmp_path):
    text = GOOD.split("measures:")[0]
    r = read_yaml(write(tmp_path, text))
    assert flatten(reader_findings(r.problems), "code", "line") == [("LF101", 1)]
    assert "measures" in reader_findings(r.problems)[0].message


def test_duplicate_ids_name_both_places(tmp_path):
    text = GOOD + "  - {id: CS-01, risk: FX-01, phase: 中期监控, description: 每季度抽查药品采购记录, owner: 纪检监察室}\n"
    r = read_yaml(write(tmp_path, text))
    assert codes(r) == [("LF107", *pos(text, "CS-01", 2), "CS-01", "id")]
    first = pos(text, "CS-01")
    assert f"{first[0]}:{first[1]}" in reader_findings(r.problems)[0].message


def test_duplicate_keys_are_reported_and_first_kept(tmp_path):
    text = GOOD.replace("code: CHYY", "code: CHYY\n  code: OTHER")
    r = read_yaml(write(tmp_path, text))
    assert flatten(reader_findings(r.problems), "code", "line") == [("LF107", pos(text, "code: OTHER")[0])]
    assert r.workbook.unit.code == "CHYY"


def test_python_tags_are_never_honoured(tmp_path):
    text = GOOD.replace("description: 暗箱操作", "description: !!python/object/apply:os.system ['touch pwned']")
    r = read_yaml(write(tmp_path, text))
    assert flatten(reader_findings(r.problems), "code", "line", "col") == [("LF105", *pos(text, "!!python"))]
    assert not (tmp_path / "pwned").exists()
    assert r.workbook.risks[0].description is None


def test_steps_nest_under_flows_and_keep_conditions(tmp_path):
    text = GOOD + textwrap.dedent("""\
        flows:
          - id: LC-01
            power: QL-01
            kind: 内部
            steps:
              - {id: "1", name: 提出计划, actor: 药剂科, time_limit: 3日, next: ["2"]}
              - {id: "2", name: 审议, actor: 药事委员会, time_limit: 5日, next: ["3（同意）", "1(不同意)"], risks: [FX-01]}
              - {id: "3", name: 签订合同, actor: 院办, time_limit: 5日}
              - {id: "3", name: 又一个, actor: 院办}
        """)
    r = read_yaml(write(tmp_path, text))
    assert codes(r) == [("LF107", pos(text, 'id: "3"', 2)[0], pos(text, 'id: "3"', 2)[1] + 4, "LC-01/3", "id")]
    steps = r.workbook.flows[0].steps
    assert [s.id for s in steps] == ["1", "2", "3", "3"]
    assert steps[1].transitions == [("3", "同意"), ("1", "不同意")]
    assert steps[2].is_end


@pytest.mark.parametrize("text, fragment", [
    ("- a\n- b\n", "列表"),
    ("just a string\n", "单个值"),
    ("", "为空"),
    ("   \n\n", "为空"),
    ("unit: [unclosed\n", "YAML"),
])
def test_unreadable_files_are_lf100(tmp_path, text, fragment):
    r = read_yaml(write(tmp_path, text))
    assert r.workbook is None
    assert [f.code for f in reader_findings(r.problems)] == ["LF100"]
    assert fragment in reader_findings(r.problems)[0].message


def test_bom_and_utf16_are_read(tmp_path):
    assert reader_findings(read_yaml(write(tmp_path, "\ufeff" + GOOD)).problems) == []
    r = read_yaml(write(tmp_path, GOOD, encoding="utf-16"))
    assert reader_findings(r.problems) == []
    assert r.workbook.unit.name == "巢湖市第一人民医院"


def test_gbk_is_refused_naming_the_encoding(tmp_path):
    r = read_yaml(write(tmp_path, GOOD, encoding="gbk"))
    assert [f.code for f in reader_findings(r.problems)] == ["LF100"]
    assert "UTF-8" in reader_findings(r.problems)[0].message and "GBK" in reader_findings(r.problems)[0].message


@pytest.mark.slow
def test_alias_bomb_stops_with_lf100(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = f"*a{i-1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    lines.append("unit: {name: x, code: X, year: 2026, status: 草稿, criteria: {高: a, 中: b, 低: c}}")
    lines.append("posts: [{id: GW-1, name: x, department: y, tier: 中层岗位, holders: *a8}]")
    r = read_yaml(write(tmp_path, "\n".join(lines) + "\n"))
    assert [f.code for f in reader_findings(r.problems)][-1] == "LF100"
    assert r.workbook is None


def test_english_messages(tmp_path):
    from lianfang.i18n import set_lang

    set_lang("en")
    r = read_yaml(write(tmp_path, GOOD.replace("level: 高}", "level: 较高}")))
    assert reader_findings(r.problems)[0].message.startswith("风险等级 (level): '较高' is not one of")
