"""lianfang import, the pieces: header vocabulary, --map, numbering and phase splitters, phase
keywords and level words."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lianfang.legacy.build import infer_tier, parse_level
from lianfang.legacy.headers import CONTAINS, EXACT, ColumnMap, Role, match_role, parse_role
from lianfang.legacy.phases import DEFAULT_PHASE, KEYWORDS, infer_phase
from lianfang.legacy.split import (
    Item,
    is_none,
    parse_phase,
    phase_prefix,
    split_numbered,
    split_phases,
)
from lianfang.model.vocab import Phase, PostTier, RiskLevel

# -- header vocabulary ------------------------------------------------------------------------


@pytest.mark.parametrize(("header", "role"), sorted(EXACT.items()))
def test_every_exact_header_word(header, role):
    assert match_role(header) is role


@pytest.mark.parametrize(("header", "role"), [
    (" 风 险 点 ", Role.RISK),
    ("*风险等级（必填）", Role.LEVEL),
    ("风险等级（高、中、低）", Role.LEVEL),
    ("防控措施\n（事前、事中、事后）", Role.MEASURES),
    ("廉政风险主要内容及表现形式", Role.FORM),
    ("主要风险表现", Role.FORM),
    ("风险点名称及编号", Role.RISK_ID),
    ("事前防范措施", Role.PREVENT),
    ("事中监督措施", Role.MONITOR),
    ("事后处置措施", Role.HANDLE),
    ("具体防控措施", Role.MEASURES),
    ("科室名称", Role.DEPARTMENT),
    ("权力事项名称（子项）", Role.POWER),
    ("岗位名称及职责", Role.DUTY),
    ("岗位层级", Role.TIER),
    ("风险类别（岗位职责/业务流程/制度机制）", Role.CATEGORY),
    ("监督责任部门", Role.OWNER_DEPT),
    ("分管责任领导", Role.LEADER),
    ("No.", Role.SEQ),
    ("法定依据及具体条款", Role.BASIS),
])
def test_header_words_in_other_wordings(header, role):
    assert match_role(header) is role


@pytest.mark.parametrize("header", ["", "  ", "文件", "流程图", "预警等级", "联系电话"])
def test_unknown_headers_have_no_role(header):
    assert match_role(header) is None


def test_contains_rules_name_real_roles():
    assert all(isinstance(role, Role) and words for words, role in CONTAINS)


def test_map_by_header_and_letter():
    m = ColumnMap.parse(["表现形式=risk", "D=风险等级", "监测指标=ignore", "责任人＝note"])
    assert m.role("表 现 形 式", "A") is Role.RISK
    assert m.role("whatever", "d") is Role.LEVEL
    assert m.role("监测指标", "Z") is Role.IGNORE
    assert m.role("责任人", "Q") is Role.NOTE
    assert m.role("其他", "E") is None


@pytest.mark.parametrize("item", ["表现形式", "=risk", "表现形式=", "表现形式=宇宙"])
def test_map_refuses_malformed_items(item):
    with pytest.raises(ValueError, match="--map"):
        ColumnMap.parse([item])


@pytest.mark.parametrize(("text", "role"), [("risk", Role.RISK), ("RISK", Role.RISK), ("风险描述", Role.RISK),
                                            ("-", Role.IGNORE), ("prevent", Role.PREVENT), ("事后", Role.HANDLE)])
def test_map_fields_in_english_or_chinese(text, role):
    assert parse_role(text) is role


# -- numbering ------------------------------------------------------------------------------


def _texts(cell: str, numbered: bool = False) -> list[str]:
    return [i.text for i in split_numbered(cell, numbered=numbered)[1]]


@pytest.mark.parametrize(("cell", "items"), [
    ("1.受理风险：对符合条件不予受理；2.承办风险：收受财物。3.审查风险：审查超时",
     ["受理风险：对符合条件不予受理", "承办风险：收受财物。", "审查风险：审查超时"]),
    ("1、公开程序\n2、双人审查", ["公开程序", "双人审查"]),
    ("1．公开程序 2．双人审查", ["公开程序", "双人审查"]),
    ("1)公开程序；2)双人审查", ["公开程序", "双人审查"]),
    ("（1）公开审批依据（2）两人以上现场审查", ["公开审批依据", "两人以上现场审查"]),
    ("(1)公开审批依据;(2)两人以上现场审查", ["公开审批依据", "两人以上现场审查"]),
    ("①建立制度②公开程序③责任追究", ["建立制度", "公开程序", "责任追究"]),
    ("一、建立制度；二、公开程序", ["建立制度", "公开程序"]),
    ("（一）建立制度（二）公开程序", ["建立制度", "公开程序"]),
    ("1.1公开程序\n1.2两人审查\n2.1每月通报", ["公开程序", "两人审查", "每月通报"]),
    # numbers inside a measure are no markers
    ("1、5万元以上的采购须集体研究", ["5万元以上的采购须集体研究"]),
    ("1、5万元以上的采购须集体研究；2、1000元以下由科室审批", ["5万元以上的采购须集体研究", "1000元以下由科室审批"]),
    ("采购金额1.5万元以上须审批", ["采购金额1.5万元以上须审批"]),
    ("1.对照第2.3条审核；分2、3批公示", ["对照第2.3条审核；分2、3批公示"]),
    ("按规定3日内办结", ["按规定3日内办结"]),
    ("单一措施，不编号", ["单一措施，不编号"]),
    ("1.1万元以上须审批", ["1.1万元以上须审批"]),
    # a list that does not run 1, 2, 3 is no list
    ("2.公开程序 3.双人审查", ["2.公开程序 3.双人审查"]),
])
def test_split_numbered(cell, items):
    assert _texts(cell) == items


def test_decimal_start_is_item_one_only_in_a_numbered_column():
    assert _texts("1.5万元以上的采购须集体研究") == ["1.5万元以上的采购须集体研究"]
    assert _texts("1.5万元以上的采购须集体研究", numbered=True) == ["5万元以上的采购须集体研究"]
    assert _texts("1.5万元以上须集体研究；2.其余由科室审批") == ["5万元以上须集体研究", "其余由科室审批"]


def test_labels_pair_risks_and_measures():
    assert [i.label for i in split_numbered("1.1甲\n1.2乙\n2.1丙")[1]] == ["1.1", "1.2", "2.1"]
    assert [i.label for i in split_numbered("（1）甲（2）乙")[1]] == ["1", "2"]


def test_nested_lists_flatten_with_their_outer_number():
    lead, items = split_numbered("一、依据《条例》第九条 二、措施：1.公开程序；2.双人审查")
    assert lead == "措施："
    assert items == [Item("1", "依据《条例》第九条"), Item("2.1", "公开程序"), Item("2.2", "双人审查")]


def test_text_before_the_list_is_its_lead():
    assert split_numbered("主要措施 1.公开 2.审查") == ("主要措施", [Item("1", "公开"), Item("2", "审查")])


@pytest.mark.parametrize("cell", ["—", "/", "／", "无", " - ", "——"])
def test_none_marks(cell):
    assert is_none(cell)


_WORD = st.text(alphabet="采购审批公开监督检查专家论证集体研究科室医院万元以上每季度报销药品耗材0123456789", min_size=1, max_size=20)


# an item may hold numbers, but not start with one: ``1.1甲`` is ambiguous (1.1 ↔ 1.1 pairing)
_ITEM = _WORD.filter(lambda t: not t[0].isdigit())


@settings(max_examples=200, deadline=None)
@given(st.lists(_ITEM, min_size=2, max_size=8), st.sampled_from([
    ("{n}.{t}", "；"), ("{n}、{t}", "\n"), ("（{n}）{t}", ""), ("({n}){t}", "；"), ("{c}{t}", ""), ("{n}.{t}", "\n"),
]))
def test_numbered_lists_split_back_into_their_items(items, style):
    template, sep = style
    circled = "①②③④⑤⑥⑦⑧"
    cell = sep.join(template.format(n=n, c=circled[n - 1], t=t) for n, t in enumerate(items, 1))
    lead, got = split_numbered(cell, numbered=True)
    assert lead == ""
    assert [i.text for i in got] == items
    assert [i.label for i in got] == [str(n) for n in range(1, len(items) + 1)]


@settings(max_examples=200, deadline=None)
@given(_WORD)
def test_an_unnumbered_cell_is_one_item(text):
    if text[0].isdigit():
        return  # ``5万元`` at the start of a cell is checked above
    assert _texts(text) == [text]


# -- phases ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("cell", "segments"), [
    ("事前：1.学习；2.承诺 事中：1.检查 事后：追究责任",
     [(Phase.PREVENT, "1.学习；2.承诺"), (Phase.MONITOR, "1.检查"), (Phase.HANDLE, "追究责任")]),
    ("【前期预防】\n1.学习\n【中期监控】\n1.检查", [(Phase.PREVENT, "1.学习"), (Phase.MONITOR, "1.检查")]),
    ("前期预防：学习\n中期监控：检查\n后期处置：问责", [(Phase.PREVENT, "学习"), (Phase.MONITOR, "检查"), (Phase.HANDLE, "问责")]),
    ("事前防范措施：学习；事后处理：问责", [(Phase.PREVENT, "学习"), (Phase.HANDLE, "问责")]),
    ("总体要求；事中：检查", [(None, "总体要求"), (Phase.MONITOR, "检查")]),
    ("加强事前审核和事后监督", [(None, "加强事前审核和事后监督")]),  # words inside a sentence are no headings
])
def test_split_phases(cell, segments):
    assert split_phases(cell) == segments


@pytest.mark.parametrize(("text", "phase"), [("前期预防", Phase.PREVENT), ("事前", Phase.PREVENT), ("事前防范", Phase.PREVENT),
                                             ("事中监督", Phase.MONITOR), ("中期", Phase.MONITOR), ("监控", Phase.MONITOR),
                                             ("后期处置", Phase.HANDLE), ("事后", Phase.HANDLE), ("处置", Phase.HANDLE), ("全程", None)])
def test_phase_cells(text, phase):
    assert parse_phase(text) is phase


def test_phase_prefix_of_one_item():
    assert phase_prefix("事前预防：签订承诺书") == (Phase.PREVENT, "签订承诺书")
    assert phase_prefix("签订承诺书") == (None, "签订承诺书")


@pytest.mark.parametrize(("phase", "word"), [(p, w) for p, words in KEYWORDS.items() for w in words])
def test_every_phase_keyword(phase, word):
    assert infer_phase(f"对此{word}")[0] is phase


def test_phase_by_most_keywords_then_first():
    assert infer_phase("开展廉洁教育，签订承诺书，纪检监察室监督")[0] is Phase.PREVENT
    assert infer_phase("纪检监察室监督检查，发现问题严肃问责")[0] is Phase.MONITOR
    assert infer_phase("问责在前，检查在后")[0] is Phase.HANDLE  # one hit each: the first wins
    assert infer_phase("按规定办理") == (DEFAULT_PHASE, ())


# -- levels and tiers -------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "level"), [
    ("高", RiskLevel.HIGH), ("高风险", RiskLevel.HIGH), ("高级", RiskLevel.HIGH), ("一级", RiskLevel.HIGH), ("★★★", RiskLevel.HIGH),
    ("中", RiskLevel.MEDIUM), ("二级", RiskLevel.MEDIUM), ("★★", RiskLevel.MEDIUM), ("中等", RiskLevel.MEDIUM), ("M", RiskLevel.MEDIUM),
    ("低", RiskLevel.LOW), ("三级", RiskLevel.LOW), ("★", RiskLevel.LOW), ("低级", RiskLevel.LOW), ("☆★", RiskLevel.LOW),
    ("很高", None), ("", None), ("★★★★", None),
])
def test_level_words(text, level):
    assert parse_level(text) is level


@pytest.mark.parametrize(("dept", "name", "tier"), [
    ("中心领导", "副主任（分管财务）", PostTier.LEADER), ("院办", "院长", PostTier.LEADER), ("药剂科", "药剂科主任", PostTier.MIDDLE),
    ("财务科", "科长", PostTier.MIDDLE), ("财务科", "会计", PostTier.OTHER),
])
def test_tier_from_the_post_name(dept, name, tier):
    assert infer_tier(dept, name) is tier
