"""The rule catalogue: the contract table, the data cases, locations, options and the CLI.

Rule cases are data (``tests/rules/cases/LFxxx.yaml``, as sqlfluff keeps them): each case is a
small YAML workbook, read by the real reader, with the expected ``[code, object]`` (optionally
``[code, object, line]``) of that rule, and the reader's own findings it expects (default none,
so a typo in a case cannot make it pass).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from lianfang.config import ConfigError, Settings, load_settings
from lianfang.findings import Location, Severity, flatten
from lianfang.io import format as fmt
from lianfang.io.reader import read_workbook
from lianfang.io.yaml_reader import read_yaml
from lianfang.rules import REGISTRY, Rule
from lianfang.rules.base import DuplicateRuleError, Registry
from lianfang.rules.engine import check_file, run_rules
from xlsx_helpers import base_sheets, write_xlsx

CASES_DIR = Path(__file__).parent / "rules" / "cases"
ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2026, 11, 28)

# The catalogue of findings.md, copied by hand: THIS is the contract the registry must meet.
CATALOGUE = [
    ("LF100", "unreadable-file", "error"),
    ("LF101", "missing-sheet", "error"),
    ("LF102", "missing-column", "error"),
    ("LF103", "missing-value", "error"),
    ("LF104", "bad-enum", "error"),
    ("LF105", "bad-format", "error"),
    ("LF106", "unknown-column", "warning"),
    ("LF107", "duplicate-id", "error"),
    ("LF201", "unknown-power", "error"),
    ("LF202", "unknown-post", "error"),
    ("LF203", "unknown-risk", "error"),
    ("LF204", "unknown-step", "error"),
    ("LF205", "unanchored-risk", "error"),
    ("LF301", "uncovered-risk", "error"),
    ("LF302", "high-risk-phases", "warning"),
    ("LF303", "power-without-risk", "warning"),
    ("LF304", "tier-not-covered", "warning"),
    ("LF305", "category-not-covered", "info"),
    ("LF306", "power-without-flow", "warning"),
    ("LF307", "risk-off-chart", "info"),
    ("LF308", "abolished-power-in-use", "warning"),
    ("LF401", "missing-criteria", "error"),
    ("LF402", "vague-measure", "warning"),
    ("LF403", "duplicate-text", "warning"),
    ("LF404", "rotation-due", "warning"),
    ("LF405", "unconfirmed", "error"),
    ("LF406", "returned-risk", "error"),
    ("LF407", "level-implausible", "warning"),
    ("LF408", "measure-overdue", "warning"),
    ("LF501", "flow-no-end", "error"),
    ("LF502", "unreachable-step", "warning"),
    ("LF503", "step-missing-time-limit", "warning"),
    ("LF504", "external-flow-incomplete", "warning"),
    ("LF505", "flow-over-time-limit", "warning"),
    ("LF506", "no-internal-flow", "warning"),
]
# rules the project added inside the catalogue's ranges (findings.md allows it)
ADDED = {"LF206": ("unknown-flow", "error")}

CHECKED_RULES = [r for r in REGISTRY if not r.on_read]


# -- the contract --------------------------------------------------------------------------


@pytest.mark.parametrize("code, name, severity", CATALOGUE)
def test_catalogue_rule_exists_with_its_name_and_default_severity(code, name, severity):
    rule = REGISTRY.get(code)
    assert rule is not None, f"{code} is not registered"
    assert (rule.name, rule.severity) == (name, Severity(severity))


def test_registry_holds_the_catalogue_and_nothing_unannounced():
    registered = {r.code: (r.name, r.severity.value) for r in REGISTRY}
    expected = {c: (n, s) for c, n, s in CATALOGUE} | ADDED
    assert registered == expected


@pytest.mark.parametrize("rule", list(REGISTRY), ids=lambda r: r.code)
def test_every_rule_is_documented(rule):
    assert rule.title_zh and rule.title_en
    doc = rule.doc("en")
    assert "Passing" in doc and "Failing" in doc, f"{rule.code}: the docstring needs a passing and a failing example"
    zh = rule.doc("zh")
    assert zh != doc and "通过" in zh and "不通过" in zh


def test_the_registry_refuses_a_duplicate_code():
    registry = Registry()

    class First(Rule):
        """x"""
        code, name, severity = "LF999", "first", Severity.INFO

    class Second(Rule):
        """x"""
        code, name, severity = "LF999", "second", Severity.INFO

    registry.register(First)
    with pytest.raises(DuplicateRuleError, match="LF999"):
        registry.register(Second)
    assert registry.get("lf999") is First and len(registry) == 1


def test_the_real_registry_refuses_a_taken_code():
    class Impostor(Rule):
        """x"""
        code, name, severity = "LF301", "impostor", Severity.INFO

    with pytest.raises(DuplicateRuleError):
        REGISTRY.register(Impostor)
    assert REGISTRY.get("LF301").name == "uncovered-risk"


# -- data cases ----------------------------------------------------------------------------


def _load_cases() -> list:
    yaml = YAML(typ="safe", pure=True)
    params = []
    for path in sorted(CASES_DIR.glob("LF*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"))
        assert path.stem == data["rule"], f"{path.name} is about {data['rule']}"
        for case in data["cases"]:
            params.append(pytest.param(data["rule"], case, id=f"{data['rule']}-{case['name']}"))
    return params


CASES = _load_cases()


def run_case(tmp_path: Path, code: str, case: dict):
    if "sheets" in case:  # an xlsx case: sheet name -> rows, the first row the header (None: empty cell)
        path = write_xlsx(tmp_path / "case.xlsx", case["sheets"])
    else:
        path = tmp_path / "case.yaml"
        path.write_text(case["workbook"], encoding="utf-8")
    as_of = case.get("as_of", AS_OF)
    if isinstance(as_of, str):
        as_of = date.fromisoformat(as_of)
    settings = Settings(as_of=as_of, options={code: case["options"]} if "options" in case else {})
    return run_rules(read_workbook(path), settings)


@pytest.mark.parametrize("code, case", CASES)
def test_rule_case(tmp_path, code, case):
    findings = run_case(tmp_path, code, case)
    reader = [f for f in findings if REGISTRY.get(f.code).on_read]
    assert [list(x) for x in flatten(reader, "code", "object")] == case.get("reader", []), \
        "the case workbook has reader findings it does not expect: " + "; ".join(f.message for f in reader)
    mine = [f for f in findings if f.code == code]
    expect = case["expect"]
    assert flatten(mine, "code", "object") == [tuple(e[:2]) for e in expect], [f.message for f in mine]
    for f, e in zip(mine, expect, strict=True):
        assert f.severity is REGISTRY.get(code).severity
        assert f.message
        if len(e) > 2:  # the line of a YAML case, the row of an xlsx case
            at = f.location.line or f.location.row
            assert at == e[2], f"{f.message} at line/row {at}, expected {e[2]}"


@pytest.mark.parametrize("rule", CHECKED_RULES, ids=lambda r: r.code)
def test_every_rule_has_cases_where_it_fires_and_where_it_must_not(rule):
    cases = [c for code, c in (p.values for p in CASES) if code == rule.code]
    assert any(c["expect"] for c in cases), f"no case where {rule.code} fires"
    assert any(not c["expect"] for c in cases), f"no case where {rule.code} must stay silent"


# -- locations -----------------------------------------------------------------------------

YAML_WB = """\
unit: {name: 测试单位, code: T, year: 2026, status: 草稿, criteria: {高: 人财物, 中: 审核, 低: 内务}}
posts:
  - {id: GW-01, name: 院长, department: 院领导, tier: 领导岗位}
powers:
  - {id: QL-01, name: 药品采购, content: 采购, level: 单位, subject: 药剂科, basis: 药品管理法, posts: [GW-01, GW-07]}
risks:
  - {id: FX-01, power: QL-01, post: GW-01, category: 业务流程, description: 收受回扣, level: 中}
  - {id: FX-02, power: QL-09, category: 岗位职责, description: 验收走过场, level: 中}
  - {id: FX-01, post: GW-01, category: 思想道德, description: 接受宴请, level: 中}
measures:
  - {id: CS-01, risk: FX-01, phase: 前期预防, description: 集体议价全程留痕并存档备查, owner: 科长}
  - {id: CS-02, risk: FX-10, phase: 前期预防, description: 两名以上人员共同验收并签字, owner: 科长}
flows:
  - id: LC-06
    power: QL-01
    kind: 内部
    steps:
      - {id: "1", name: 申请, actor: 科室, time_limit: 1日, next: ["2"]}
      - {id: "2", name: 审核, actor: 院长, time_limit: 1日, next: ["3(同意)", "4(不同意)"], risks: [FX-01, FX-11]}
      - {id: "3", name: 办结, actor: 药剂科, time_limit: 1日}
"""


def pos(text: str, needle: str, after: str = "") -> tuple[int, int]:
    """1-based line and column of ``needle`` (the first after ``after``)."""
    start = text.index(after) if after else 0
    i = text.index(needle, start)
    line = text.count("\n", 0, i) + 1
    return line, i - (text.rfind("\n", 0, i) + 1) + 1


@pytest.fixture
def yaml_findings(tmp_path):
    path = tmp_path / "wb.yaml"
    path.write_text(YAML_WB, encoding="utf-8")
    return run_rules(read_workbook(path), Settings(as_of=AS_OF))


def where(findings, code, obj):
    found = [f for f in findings if f.code == code and f.object == obj]
    assert len(found) == 1, (code, obj, [f.message for f in findings])
    f = found[0]
    return f, ((f.location.line, f.location.col) if f.location.line else f.location)


def test_yaml_unknown_references_point_at_the_referring_value(yaml_findings):
    f, at = where(yaml_findings, "LF201", "FX-02")
    assert at == pos(YAML_WB, "QL-09") and f.field == "power"
    f, at = where(yaml_findings, "LF202", "QL-01")
    assert at == pos(YAML_WB, "[GW-01, GW-07]") and f.field == "posts" and "GW-07" in f.message
    f, at = where(yaml_findings, "LF203", "CS-02")
    assert at == pos(YAML_WB, "FX-10") and f.field == "risk"
    f, at = where(yaml_findings, "LF203", "LC-06/2")
    assert at == pos(YAML_WB, "[FX-01, FX-11]") and f.field == "risks"
    f, at = where(yaml_findings, "LF204", "LC-06/2")
    assert at == pos(YAML_WB, '["3(同意)"') and f.field == "next" and "4" in f.message


def test_yaml_duplicate_id_names_both_places(yaml_findings):
    f, at = where(yaml_findings, "LF107", "FX-01")
    assert at == pos(YAML_WB, "FX-01", after="验收走过场")  # the repeat, on line 9
    first = pos(YAML_WB, "FX-01")
    assert at[0] == 9 and f"{first[0]}:{first[1]}" in f.message


def test_yaml_uncovered_risk_is_on_its_id(tmp_path):
    text = YAML_WB.replace("risk: FX-01,", "risk: FX-02,")
    path = tmp_path / "wb.yaml"
    path.write_text(text, encoding="utf-8")
    findings = run_rules(read_workbook(path), Settings(as_of=AS_OF))
    f, at = where(findings, "LF301", "FX-01")
    assert at == pos(text, "FX-01") and f.field == "id"
    assert f.message == "风险点 FX-01 没有对应的防控措施"


def test_findings_come_in_line_order(yaml_findings):
    lines = [f.location.line for f in yaml_findings]
    assert lines == sorted(lines)


def xlsx_findings(tmp_path, sheets):
    path = write_xlsx(tmp_path / "wb.xlsx", sheets)
    return run_rules(read_workbook(path), Settings(as_of=AS_OF))


def test_xlsx_unknown_references_point_at_the_cell(tmp_path):
    sheets = base_sheets()
    sheets["风险点"][2][1] = "QL-09"  # FX-02's 职权编号, cell B3
    sheets["风险点"][1][2] = "GW-99"  # FX-01's 岗位编号, cell C2
    sheets["防控措施"][2][1] = "FX-10"  # CS-02's 风险点编号, cell B3
    findings = xlsx_findings(tmp_path, sheets)
    f, at = where(findings, "LF201", "FX-02")
    assert (at.sheet, at.cell) == ("风险点", "B3")
    f, at = where(findings, "LF202", "FX-01")
    assert (at.sheet, at.cell) == ("风险点", "C2")
    f, at = where(findings, "LF203", "CS-02")
    assert (at.sheet, at.cell) == ("防控措施", "B3")
    assert f.to_dict()["cell"] == "B3" and f.to_dict()["line"] is None


def test_xlsx_step_references_and_uncovered_risk(tmp_path):
    sheets = base_sheets()
    del sheets["防控措施"][2]  # FX-02 loses its measure
    sheets["流程"] = [["流程编号", "职权编号", "流程类型"], ["LC-06", "QL-01", "内部"]]
    sheets["流程环节"] = [
        ["流程编号", "环节编号", "环节名称", "责任主体", "办理时限", "下一环节", "风险点编号"],
        ["LC-06", 1, "申请", "科室", "1日", "2", "FX-01"],
        ["LC-06", 2, "审核", "院长", "1日", "3(同意)、4（不同意）", "FX-01、FX-11"],
        ["LC-06", 3, "办结", "药剂科", "1日", None, None],
    ]
    findings = xlsx_findings(tmp_path, sheets)
    f, at = where(findings, "LF301", "FX-02")
    assert (at.sheet, at.row, at.cell) == ("风险点", 3, "A3") and f.field == "id"
    f, at = where(findings, "LF204", "LC-06/2")
    assert (at.sheet, at.cell) == ("流程环节", "F3")
    f, at = where(findings, "LF203", "LC-06/2")
    assert (at.sheet, at.cell) == ("流程环节", "G3")


def test_xlsx_duplicate_id_names_both_places(tmp_path):
    sheets = base_sheets()
    sheets["风险点"].append(["FX-01", "QL-02", "GW-01", "思想道德", "接受宴请", "中"])
    findings = xlsx_findings(tmp_path, sheets)
    f, at = where(findings, "LF107", "FX-01")
    assert (at.sheet, at.cell) == ("风险点", "A4") and "风险点!A2" in f.message


def test_xlsx_sheet_and_unit_level_findings(tmp_path):
    sheets = base_sheets()
    sheets["单位信息"][8][1] = None  # 低风险标准 empty
    sheets[" 岗位 "] = sheets.pop("岗位")  # the sheet name as written in the file
    sheets[" 岗位 "][1][3] = "中层岗位"  # no 领导岗位 left
    findings = xlsx_findings(tmp_path, sheets)
    assert not [f for f in findings if f.code == "LF103"]
    f, at = where(findings, "LF401", None)
    assert (at.sheet, at.row, at.column) == ("单位信息", 9, "B") and f.field == "criteria"
    f, at = where(findings, "LF304", None)
    assert at == Location(sheet=" 岗位 ") and "领导岗位" in f.message


# -- messages ------------------------------------------------------------------------------


def test_messages_name_what_matters(tmp_path, yaml_findings):
    text = """\
unit: {name: 测试单位, code: T, year: 2026, status: 草稿, criteria: {高: 人财物, 中: 审核, 低: 内务}}
posts: []
powers:
  - {id: QL-09, name: 旧审批, content: 审批, level: 单位, subject: 院办, basis: 旧文件, disposition: 废止}
risks:
  - {id: FX-01, power: QL-09, category: 业务流程, description: 收受回扣, level: 高}
  - {id: FX-02, power: ql-09, category: 业务流程, description: 验收走过场, level: 中}
measures:
  - {id: CS-01, risk: FX-01, phase: 前期预防, description: 集体议价全程留痕并存档备查, owner: 科长}
flows:
  - {id: LC-01, power: QL-09, kind: 内部, steps: [{id: "1", name: 办结, actor: 院办, time_limit: 1日}]}
"""
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    findings = run_rules(read_workbook(path), Settings(as_of=AS_OF))
    f, _ = where(findings, "LF308", "QL-09")
    assert all(x in f.message for x in ("FX-01", "CS-01", "LC-01")) and "FX-02" not in f.message
    f, _ = where(findings, "LF302", "FX-01")
    assert "中期监控、后期处置" in f.message and "前期预防" not in f.message
    f, _ = where(findings, "LF201", "FX-02")
    assert "QL-09" in f.message and "大小写" in f.message


def test_messages_in_english(tmp_path):
    from lianfang.i18n import set_lang

    path = tmp_path / "wb.yaml"
    path.write_text(YAML_WB, encoding="utf-8")
    set_lang("en")
    findings = run_rules(read_workbook(path), Settings(as_of=AS_OF))
    f, _ = where(findings, "LF201", "FX-02")
    assert f.message == "risk point FX-02: power 'QL-09' is not in the power list"


# -- options and severities from lianfang.toml ----------------------------------------------

OPTIONS_WB = """\
unit: {name: 测试单位, code: T, year: 2026, status: 草稿, criteria: {高: 人财物, 中: 审核, 低: 内务}}
posts:
  - {id: GW-01, name: 院长, department: 院领导, tier: 领导岗位, since: 2023-06-01, key: true}
powers:
  - {id: QL-01, name: 档案管理, content: 档案借阅审核, level: 单位, subject: 办公室, basis: 档案法}
risks:
  - {id: FX-01, power: QL-01, post: GW-01, category: 业务流程, description: 擅自借出档案, level: 低}
  - {id: FX-02, post: GW-01, category: 思想道德, description: 接受宴请, level: 中}
measures:
  - {id: CS-01, risk: FX-01, phase: 前期预防, description: 专人负责，按时完成, owner: 主任}
"""


def run_with_config(tmp_path, toml: str):
    (tmp_path / "lianfang.toml").write_text(toml, encoding="utf-8")
    settings = load_settings(start=tmp_path)
    settings.as_of = AS_OF
    path = tmp_path / "wb.yaml"
    path.write_text(OPTIONS_WB, encoding="utf-8")
    return check_file(path, settings).findings


def codes_of(findings, *codes):
    return [(f.code, f.object, f.severity.value) for f in findings if f.code in codes]


def test_defaults_without_configuration(tmp_path):
    findings = run_with_config(tmp_path, "")
    # 档案 is no default keyword; 2023 + 5 > 2026; 专人负责，按时完成 is 8 characters
    assert codes_of(findings, "LF402", "LF404", "LF407") == []
    assert codes_of(findings, "LF301") == [("LF301", "FX-02", "error")]


def test_options_change_behaviour(tmp_path):
    findings = run_with_config(tmp_path, """
[rules.LF404]
years = 3
[rules.LF402]
phrases = ["专人负责", "按时完成"]
[rules.LF407]
keywords = ["档案"]
""")
    assert codes_of(findings, "LF402", "LF404", "LF407") == [
        ("LF404", "GW-01", "warning"), ("LF407", "FX-01", "warning"), ("LF402", "CS-01", "warning")]


def test_severity_override_and_off(tmp_path):
    findings = run_with_config(tmp_path, '[severity]\nLF301 = "warning"\nLF305 = "off"\n')
    assert codes_of(findings, "LF301", "LF305") == [("LF301", "FX-02", "warning")]
    findings = run_with_config(tmp_path, '[validate]\nignore = ["LF3"]\n')
    assert not [f for f in findings if f.code.startswith("LF3")]


@pytest.mark.parametrize("toml, fragment", [
    ("[rules.LF404]\nyear = 3\n", "year"),
    ('[rules.LF404]\nyears = "3"\n', "years"),
    ("[rules.LF404]\nyears = 0\n", "years"),
    ("[rules.LF402]\nmin_length = 2.5\n", "min_length"),
    ('[rules.LF402]\nphrases = "加强学习"\n', "phrases"),
    ("[rules.LF407]\nkeywords = [1, 2]\n", "keywords"),
    ("[rules.LF301]\nstrict = true\n", "strict"),
    ("[rules.LF999]\nx = 1\n", "LF999"),
])
def test_bad_rule_options_are_clear_configuration_errors(tmp_path, toml, fragment):
    (tmp_path / "lianfang.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_settings(start=tmp_path)
    assert fragment in str(e.value) and "lianfang.toml" in str(e.value)


# -- the example workbooks -----------------------------------------------------------------

EXAMPLE_UNITS = sorted(p for p in (ROOT / "examples" / "units").glob("*") if p.suffix in (".yaml", ".yml", ".xlsx"))


@pytest.mark.parametrize("path", EXAMPLE_UNITS, ids=lambda p: p.name)
def test_example_units_have_no_error_and_no_warning(path):
    report = check_file(path, Settings(as_of=AS_OF))
    loud = [f"{f.code} {f.object} {f.message}" for f in report.findings if f.severity is not Severity.INFO]
    assert loud == []


def test_broken_example_finds_what_its_readme_lists():
    path = ROOT / "examples" / "broken" / "broken.yaml"
    if not path.exists():
        pytest.fail("examples/broken/broken.yaml is missing")
    report = check_file(path, Settings(as_of=AS_OF))
    assert sorted(flatten(report.findings, "code", "object")) == sorted([
        ("LF401", None), ("LF106", "FX-01"), ("LF302", "FX-01"), ("LF407", "FX-02"), ("LF104", "FX-03"),
        ("LF301", "FX-04"), ("LF107", "FX-05"), ("LF406", "FX-06"), ("LF402", "CS-05"), ("LF203", "CS-06"),
        ("LF204", "LC-01/2"), ("LF501", "LC-02"),
    ])
    assert report.counts() == {"error": 8, "warning": 4, "info": 0}


# -- lianfang rules ------------------------------------------------------------------------


SEVERITY_WORDS = {"error": ("错误", "error"), "warning": ("警告", "warning"), "info": ("提示", "info")}


def test_rules_lists_the_catalogue_with_severities_in_the_interface_language(runner, app):
    result = runner.invoke(app, ["rules"])
    assert result.exit_code == 0
    for code, name, severity in CATALOGUE:
        line = next(x for x in result.output.splitlines() if x.startswith(code))
        assert name in line and SEVERITY_WORDS[severity][0] in line and REGISTRY.get(code).title_zh in line
    english = runner.invoke(app, ["--lang", "en", "rules"]).output
    for code, _, severity in CATALOGUE:
        line = next(x for x in english.splitlines() if x.startswith(code))
        assert SEVERITY_WORDS[severity][1] in line and "错误" not in line


@pytest.mark.parametrize("name", ["uncovered-risk", "Uncovered-Risk", "uncovered_risk", "风险点没有防控措施",
                                  "risk point without a measure", "lf301"])
def test_rules_takes_a_name_or_title_as_well_as_a_code(runner, app, name):
    result = runner.invoke(app, ["rules", name])
    assert result.exit_code == 0 and result.output.startswith("LF301 uncovered-risk（默认级别：错误）\n")


def test_rules_prefix_lists_a_family(runner, app):
    result = runner.invoke(app, ["rules", "lf5"])
    assert result.exit_code == 0
    listed = [x.split()[0] for x in result.output.splitlines() if x.startswith("LF")]
    assert listed == ["LF501", "LF502", "LF503", "LF504", "LF505", "LF506"]


def test_rules_explains_one_rule(runner, app):
    result = runner.invoke(app, ["rules", "LF404"])
    assert result.exit_code == 0
    out = result.output
    assert out.startswith("LF404 rotation-due（默认级别：警告）\n重点岗位应轮岗\n")
    assert "2月29日" in out and "[rules.LF404]\nyears = 5" in out
    assert "修改要求：" + REGISTRY.get("LF404").fix_zh in out


def test_rules_explains_in_english(runner, app):
    result = runner.invoke(app, ["--lang", "en", "rules", "LF402"])
    assert result.exit_code == 0
    assert result.output.startswith("LF402 vague-measure (default severity: warning)\nvague measure\n")
    assert "To fix: " + REGISTRY.get("LF402").fix_en in result.output
    assert "min_length = 8" in result.output and '"加强学习"' in result.output
    assert "Passing:" in result.output and "Passing::" not in result.output


def test_rules_unknown_code_is_exit_2(runner, app):
    result = runner.invoke(app, ["rules", "LF999"])
    assert result.exit_code == 2
    assert "LF999" in result.output and "Traceback" not in result.output


# -- property: rules never crash and never repeat what the reader said ----------------------

_IDS = ["GW-01", "GW-02", "QL-01", "QL-02", "FX-01", "FX-02", "CS-01", "LC-01", "1", "2", "3", "FX 01", ""]
_TEXTS = ["收受回扣", "加强学习，提高认识", "两名以上人员共同验收并签字", "专人负责", "", "  "]
_BY_KIND = {
    fmt.ID: st.sampled_from(_IDS),
    fmt.IDS: st.lists(st.sampled_from(_IDS), max_size=3),
    fmt.TEXT: st.sampled_from(_TEXTS),
    fmt.LIST: st.lists(st.sampled_from(_TEXTS), max_size=2),
    fmt.DATE: st.sampled_from(["2020-02-29", "2021-11-28", "2026-11-27", "去年", ""]),
    fmt.DUE: st.sampled_from(["2026-01-01", "2027-01-01", "每季度", ""]),
    fmt.BOOL: st.sampled_from(["是", "否", "也许", ""]),
    fmt.YEAR: st.sampled_from(["2026", "26"]),
    fmt.NEXT: st.lists(st.sampled_from(["1", "2", "3(同意)", "9", "x y"]), max_size=2),
}


def _value(spec):
    if spec.kind in (fmt.ENUM, fmt.ENUMS):
        one = st.sampled_from([*spec.vocab.choices(), "不知道", ""])
        return one if spec.kind == fmt.ENUM else st.lists(one, max_size=2)
    return _BY_KIND[spec.kind]


def _row(spec, skip=("flow",)):
    # every key present, so each value has its own position
    return st.fixed_dictionaries({f.key: _value(f) for f in spec.fields if f.key not in skip})


@st.composite
def workbooks(draw):
    import json

    unit = draw(_row(fmt.UNIT, skip=()))
    criteria = {k: unit.pop(f"criteria.{e}") for k, e in (("高", "high"), ("中", "medium"), ("低", "low"))}
    unit["criteria"] = criteria
    lines = ["unit: " + json.dumps(unit, ensure_ascii=False)]
    for spec in (fmt.POSTS, fmt.POWERS, fmt.RISKS, fmt.MEASURES, fmt.FLOWS, fmt.INSTITUTIONS, fmt.ALERTS):
        rows = draw(st.lists(_row(spec), max_size=4))
        lines.append(f"{spec.key}:")
        for row in rows:
            if spec is fmt.FLOWS:
                row["steps"] = draw(st.lists(_row(fmt.STEPS), max_size=4))
            lines.append("  - " + json.dumps(row, ensure_ascii=False))
    return "\n".join(lines) + "\n"


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=workbooks())
def test_rules_never_crash_nor_report_a_value_the_reader_reported(text):
    result = read_yaml("case.yaml", data=text.encode("utf-8"))
    findings = run_rules(result, Settings(as_of=AS_OF))
    reader_at = {f.location for f in findings if REGISTRY.get(f.code).on_read}
    for f in findings:
        assert REGISTRY.get(f.code) is not None and f.message
        if not REGISTRY.get(f.code).on_read:
            assert f.location not in reader_at, (f.code, f.object, f.message, text)


@given(texts=st.lists(st.text(alphabet=st.sampled_from("Aaß_，、 .中文\U0001D7D8İ1"), max_size=8), max_size=6))
def test_same_text_keys_match_same_text_key_one_by_one(texts):
    # LF403 computes its keys all at once; a text holding the separator takes the one-by-one path
    from lianfang.rules.quality import same_text_key, same_text_keys

    assert same_text_keys(texts) == [same_text_key(t) for t in texts]


def test_unknown_references_suggest_the_id_that_differs_only_in_case():
    """LF201–LF203 name the ID a reference misses only by letter case, and nothing for another miss."""
    text = """\
unit: {name: 测试单位, code: T, year: 2026, status: 草稿, criteria: {高: 人财物, 中: 审核, 低: 内务}}
posts:
  - {id: GW-01, name: 科长, department: 药剂科, tier: 中层岗位}
powers:
  - {id: QL-01, name: 药品采购, content: 采购, level: 单位, subject: 药剂科, basis: 药品管理法, posts: [gw-01]}
risks:
  - {id: FX-01, power: ql-01, post: GW-01, category: 业务流程, description: 收受回扣, level: 中}
  - {id: FX-02, power: QL-09, post: GW-01, category: 业务流程, description: 验收走过场, level: 中}
measures:
  - {id: CS-01, risk: fx-01, phase: 前期预防, description: 公开采购依据、条件和程序, owner: 药剂科}
"""
    findings = run_rules(read_yaml("case.yaml", data=text.encode("utf-8")), Settings(as_of=AS_OF, select=["LF20"]))
    messages = {(f.code, f.object): f.message for f in findings if f.code in ("LF201", "LF202", "LF203")}
    assert "是否应为「QL-01」" in messages[("LF201", "FX-01")]
    assert "是否应为" not in messages[("LF201", "FX-02")]
    assert "是否应为「GW-01」" in messages[("LF202", "QL-01")]
    assert "是否应为「FX-01」" in messages[("LF203", "CS-01")]
