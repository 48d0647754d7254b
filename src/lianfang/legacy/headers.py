"""The header vocabulary of legacy 一览表: which column holds what.

A header cell is cleaned (white space, ``*`` and ``（必填）`` removed; a bracketed remark such as
``风险等级（高、中、低）`` is dropped for matching), then looked up in ``EXACT``; failing that,
``CONTAINS`` is tried in order, and the first pattern whose words all occur in the header wins.
``--map COLUMN=FIELD`` overrides any guess. docs/import.md lists the vocabulary; the tests check
every entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from lianfang.i18n import tr
from lianfang.io.format import clean_header


class Role(StrEnum):
    """What a column of a legacy table holds."""

    SEQ = "seq"  # 序号: ignored
    UNIT = "unit"  # 单位 (the unit's own name)
    DEPARTMENT = "department"  # 科室/部门
    POST = "post"  # 岗位
    TIER = "tier"  # 岗位层次
    DUTY = "duty"  # 岗位职责
    POWER = "power"  # 职权/权力事项
    POWER_KIND = "power_kind"  # 职权类别
    POWER_CONTENT = "power_content"  # 职权内容
    BASIS = "basis"  # 法律依据
    STAGE = "stage"  # 环节
    RISK_ID = "risk_id"  # 风险点编号
    RISK = "risk"  # 风险点/风险描述
    FORM = "form"  # 表现形式 (beside a short 风险点 name)
    CATEGORY = "category"  # 风险类别
    LEVEL = "level"  # 风险等级
    COUNT = "count"  # 风险点数量
    MEASURES = "measures"  # 防控措施, every phase in one cell
    PREVENT = "prevent"  # a column of 前期预防 measures
    MONITOR = "monitor"  # a column of 中期监控 measures
    HANDLE = "handle"  # a column of 后期处置 measures
    PHASE = "phase"  # 防控阶段 of the measures in the row
    OWNER = "owner"  # 责任人
    LEADER = "leader"  # 责任领导
    OWNER_DEPT = "owner_dept"  # 责任部门
    DUE = "due"  # 完成时限
    STATUS = "status"  # 落实情况
    NOTE = "note"  # 备注
    IGNORE = "ignore"  # --map COLUMN=ignore: read nowhere (its text still goes to the note)

    @property
    def label(self) -> str:
        return tr(_LABELS[self][0], _LABELS[self][1])


_LABELS: dict[Role, tuple[str, str]] = {
    Role.SEQ: ("序号（不导入）", "sequence number (not imported)"),
    Role.UNIT: ("单位名称", "unit name"),
    Role.DEPARTMENT: ("部门", "department"),
    Role.POST: ("岗位名称", "post"),
    Role.TIER: ("岗位层次", "post tier"),
    Role.DUTY: ("岗位职责（作职权内容）", "post duty (used as power content)"),
    Role.POWER: ("职权名称", "power"),
    Role.POWER_KIND: ("职权类别", "power kind"),
    Role.POWER_CONTENT: ("职权内容", "power content"),
    Role.BASIS: ("法律依据", "legal basis"),
    Role.STAGE: ("环节（记入风险点备注）", "stage (into the risk point's note)"),
    Role.RISK_ID: ("风险点编号", "risk point ID"),
    Role.RISK: ("风险描述", "risk description"),
    Role.FORM: ("表现形式（并入风险描述）", "form (joined to the risk description)"),
    Role.CATEGORY: ("风险类别", "risk category"),
    Role.LEVEL: ("风险等级", "risk level"),
    Role.COUNT: ("风险点数量（核对用）", "number of risk points (checked)"),
    Role.MEASURES: ("防控措施", "measures"),
    Role.PREVENT: ("前期预防措施", "prevention measures"),
    Role.MONITOR: ("中期监控措施", "monitoring measures"),
    Role.HANDLE: ("后期处置措施", "handling measures"),
    Role.PHASE: ("防控阶段", "phase"),
    Role.OWNER: ("责任人", "owner"),
    Role.LEADER: ("责任领导（记入备注）", "leader in charge (into the note)"),
    Role.OWNER_DEPT: ("责任部门", "responsible department"),
    Role.DUE: ("完成时限", "due"),
    Role.STATUS: ("落实情况", "status"),
    Role.NOTE: ("备注", "note"),
    Role.IGNORE: ("不导入（记入备注）", "not imported (into the note)"),
}

# exact header words (after cleaning) → role
EXACT: dict[str, Role] = {
    **dict.fromkeys(["序号", "编号", "No", "No.", "#", "序"], Role.SEQ),
    **dict.fromkeys(["单位", "单位名称", "填报单位"], Role.UNIT),
    **dict.fromkeys(["科室", "部门", "处室", "股室", "科室/部门", "部门/科室", "单位/科室", "科室（部门）", "所在部门",
                     "所在科室", "内设机构", "责任主体", "实施主体", "办理主体", "实施机构", "责任科室"], Role.DEPARTMENT),
    **dict.fromkeys(["岗位", "岗位名称", "风险岗位", "执法岗位", "职位", "岗位（职位）"], Role.POST),
    **dict.fromkeys(["岗位层次", "岗位级别", "岗位层级", "岗位类型"], Role.TIER),
    **dict.fromkeys(["岗位职责", "职责", "工作职责", "主要职责", "岗位职责内容"], Role.DUTY),
    **dict.fromkeys(["职权", "职权名称", "权力事项", "职责事项", "权力名称", "事项名称", "权力事项名称", "职权事项",
                     "业务事项", "工作事项"], Role.POWER),
    **dict.fromkeys(["职权类型", "职权类别", "权力类型", "权力类别", "事项类别", "事项类型"], Role.POWER_KIND),
    **dict.fromkeys(["职权内容", "权力内容", "事项内容", "责任事项"], Role.POWER_CONTENT),
    **dict.fromkeys(["职权依据", "法律依据", "法定依据", "设定依据", "依据", "办理依据", "实施依据"], Role.BASIS),
    **dict.fromkeys(["环节", "风险环节", "业务环节", "运行环节", "权力运行环节"], Role.STAGE),
    **dict.fromkeys(["风险点编号", "风险编号"], Role.RISK_ID),
    **dict.fromkeys(["风险点", "廉政风险点", "风险描述", "风险点描述", "风险名称", "风险内容", "主要风险点", "岗位风险点",
                     "廉政风险", "风险点及表现形式", "廉政风险点及表现形式", "风险点表现", "存在的风险点",
                     "可能存在的廉政风险", "风险情形"], Role.RISK),
    **dict.fromkeys(["表现形式", "主要表现形式", "风险表现形式", "廉政风险主要内容及表现形式", "风险表现", "具体表现"], Role.FORM),
    **dict.fromkeys(["风险类别", "风险类型", "类别", "类型", "风险种类", "风险分类"], Role.CATEGORY),
    **dict.fromkeys(["风险等级", "等级", "级别", "风险级别", "风险程度", "风险等次"], Role.LEVEL),
    **dict.fromkeys(["风险点数量", "数量", "风险点个数", "风险数量"], Role.COUNT),
    **dict.fromkeys(["防控措施", "防范措施", "预防措施", "风险防控措施", "控制措施", "措施", "廉政风险防控措施",
                     "防控措施（制度）", "主要防控措施"], Role.MEASURES),
    **dict.fromkeys(["前期预防", "事前预防", "事前防范", "事前", "前期", "事前防控", "事前预防措施", "前期预防措施"], Role.PREVENT),
    **dict.fromkeys(["中期监控", "事中监控", "事中监督", "事中", "中期", "事中控制", "事中监控措施", "中期监控措施"], Role.MONITOR),
    **dict.fromkeys(["后期处置", "事后处置", "事后监督", "事后", "后期", "事后处理", "事后处置措施", "后期处置措施"], Role.HANDLE),
    **dict.fromkeys(["防控阶段", "阶段", "措施阶段"], Role.PHASE),
    **dict.fromkeys(["责任人", "防控责任人", "部门负责人", "负责人", "具体责任人", "直接责任人", "责任岗位"], Role.OWNER),
    **dict.fromkeys(["责任领导", "分管领导", "领导责任人", "主要责任人"], Role.LEADER),
    **dict.fromkeys(["责任部门", "责任单位", "监督部门", "牵头部门", "监督责任部门"], Role.OWNER_DEPT),
    **dict.fromkeys(["完成时限", "时限", "完成时间", "整改时限"], Role.DUE),
    **dict.fromkeys(["落实情况", "完成情况", "整改情况"], Role.STATUS),
    **dict.fromkeys(["备注", "说明", "监测指标"], Role.NOTE),
}

# words that must all occur in the header, tried in order after EXACT
CONTAINS: tuple[tuple[tuple[str, ...], Role], ...] = (
    (("风险点", "编号"), Role.RISK_ID),
    (("表现",), Role.FORM),
    (("事前",), Role.PREVENT),
    (("前期",), Role.PREVENT),
    (("事中",), Role.MONITOR),
    (("中期",), Role.MONITOR),
    (("事后",), Role.HANDLE),
    (("后期",), Role.HANDLE),
    (("措施",), Role.MEASURES),
    (("风险", "等级"), Role.LEVEL),
    (("风险", "级别"), Role.LEVEL),
    (("风险", "类"), Role.CATEGORY),
    (("数量",), Role.COUNT),
    (("风险点",), Role.RISK),
    (("风险", "描述"), Role.RISK),
    (("风险", "内容"), Role.RISK),
    (("责任", "领导"), Role.LEADER),
    (("责任", "部门"), Role.OWNER_DEPT),
    (("责任人",), Role.OWNER),
    (("岗位", "职责"), Role.DUTY),
    (("岗位", "层"), Role.TIER),
    (("岗位",), Role.POST),
    (("职权", "类"), Role.POWER_KIND),
    (("权力", "类"), Role.POWER_KIND),
    (("职权", "内容"), Role.POWER_CONTENT),
    (("依据",), Role.BASIS),
    (("职权",), Role.POWER),
    (("权力",), Role.POWER),
    (("事项",), Role.POWER),
    (("科室",), Role.DEPARTMENT),
    (("部门",), Role.DEPARTMENT),
    (("环节",), Role.STAGE),
    (("时限",), Role.DUE),
    (("备注",), Role.NOTE),
)

_BRACKETED = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")

# a header that may be written in English in --map
_ROLE_WORDS: dict[str, Role] = {r.value: r for r in Role}


def header_key(text: str) -> str:
    """A header cell as matched: cleaned, and case-folded (an English ``No.``)."""
    return clean_header(text).replace("：", "").replace(":", "").casefold()


_EXACT_KEYS = {k.casefold(): v for k, v in EXACT.items()}


def match_role(text: str) -> Role | None:
    """The role a header cell names, or None."""
    key = header_key(text)
    if not key:
        return None
    if key in _EXACT_KEYS:
        return _EXACT_KEYS[key]
    bare = _BRACKETED.sub("", key)
    if bare in _EXACT_KEYS:
        return _EXACT_KEYS[bare]
    for words, role in CONTAINS:
        if all(w in bare for w in words):
            return role
    return None


def parse_role(text: str) -> Role | None:
    """A FIELD of ``--map``: an English role key (``risk``) or any header word that names one."""
    t = text.strip()
    if t.casefold() in _ROLE_WORDS:
        return _ROLE_WORDS[t.casefold()]
    if t in ("-", "忽略", "不导入"):
        return Role.IGNORE
    return match_role(t)


@dataclass(frozen=True)
class ColumnMap:
    """``--map COLUMN=FIELD`` pairs: COLUMN is a header as written, or a column letter (``D``)."""

    by_header: dict[str, Role]
    by_letter: dict[str, Role]

    @classmethod
    def parse(cls, items: list[str]) -> ColumnMap:
        """Raises ``ValueError`` with a message for a malformed item."""
        by_header: dict[str, Role] = {}
        by_letter: dict[str, Role] = {}
        for item in items:
            column, sep, field = item.replace("＝", "=").partition("=")
            if not sep or not column.strip() or not field.strip():
                raise ValueError(tr("--map 应写成 列名=字段，如 --map 表现形式=risk，实际是「{i}」",
                                    "--map takes COLUMN=FIELD, e.g. --map 表现形式=risk, not {i!r}", i=item))
            role = parse_role(field)
            if role is None:
                raise ValueError(tr("--map {i}：不认识的字段「{f}」，可用：{c}", "--map {i}: unknown field {f!r}; choose from {c}",
                                    i=item, f=field.strip(), c=", ".join(r.value for r in Role)))
            col = column.strip()
            if re.fullmatch(r"[A-Za-z]{1,3}", col):
                by_letter[col.upper()] = role
            by_header[header_key(col)] = role
        return cls(by_header, by_letter)

    def role(self, header: str, letter: str) -> Role | None:
        """The role ``--map`` gives a column, by its header text first, then by its letter."""
        key = header_key(header)
        if key and key in self.by_header:
            return self.by_header[key]
        return self.by_letter.get(letter.upper())
