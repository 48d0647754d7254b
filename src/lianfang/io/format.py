"""The file format of a unit workbook, version 1: sheets, headers, keys and value kinds.

This is the one place that knows how the spec (``workbook-format.md``) names things in a file.
Readers, writers, the 填表说明 sheet and the docs all read it from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from lianfang.model.vocab import (
    AlertAction,
    AlertChannel,
    AlertGrade,
    Disposition,
    FlowKind,
    FoundBy,
    InstitutionKind,
    MeasureStatus,
    Phase,
    PostTier,
    PowerKind,
    PowerLevel,
    ReviewStatus,
    RiskCategory,
    RiskLevel,
    UnitStatus,
    Vocab,
)

FORMAT_VERSION = 1

# value kinds
TEXT = "text"  # free text, stripped
ID = "id"  # one ID
IDS = "ids"  # list of IDs in one cell
LIST = "list"  # list of free-text items in one cell
ENUM = "enum"  # one vocabulary value
ENUMS = "enums"  # list of vocabulary values
DATE = "date"
DUE = "due"  # a date when it reads as one, otherwise free text
BOOL = "bool"
YEAR = "year"
NEXT = "next"  # list of step IDs with optional (condition)


@dataclass(frozen=True)
class FieldSpec:
    key: str
    header: str
    kind: str = TEXT
    required: bool = False
    vocab: type[Vocab] | None = None
    default: object = None
    help_zh: str = ""
    help_en: str = ""
    example: str = ""

    @property
    def is_list(self) -> bool:
        return self.kind in (IDS, LIST, ENUMS, NEXT)


@dataclass(frozen=True)
class TableSpec:
    key: str  # English key, e.g. "risks"
    sheet: str  # Chinese sheet name
    fields: tuple[FieldSpec, ...]
    required: bool = True
    title_zh: str = ""
    title_en: str = ""
    id_field: str = "id"
    keyvalue: bool = False

    @cached_property
    def by_key(self) -> dict[str, FieldSpec]:
        return {f.key: f for f in self.fields}

    @property
    def id_header(self) -> str:
        return self.by_key[self.id_field].header


NOTE = FieldSpec("note", "备注", help_zh="备注，校验时忽略，转换时保留", help_en="free note, kept on round trip")

UNIT = TableSpec(
    "unit", "单位信息", keyvalue=True, id_field="code",
    title_zh="单位基本信息与风险等级划分标准", title_en="unit and its risk-level criteria",
    fields=(
        FieldSpec("name", "单位名称", required=True, help_zh="单位全称", help_en="unit name", example="巢湖市第一人民医院"),
        FieldSpec("code", "单位代码", ID, required=True, help_zh="单位简码，用于文件名和跨单位编号", help_en="short unit ID", example="CHYY"),
        FieldSpec("parent", "上级单位", help_zh="上级主管单位", help_en="superior body", example="巢湖市卫生局"),
        FieldSpec("year", "年度", YEAR, required=True, help_zh="工作年度，四位整数", help_en="year of the work", example="2026"),
        FieldSpec("contact", "联系人", help_zh="填表联系人", help_en="contact person"),
        FieldSpec("phone", "联系电话", help_zh="联系人电话", help_en="contact phone"),
        FieldSpec("status", "状态", ENUM, required=True, vocab=UnitStatus, help_zh="工作簿状态", help_en="workbook status", example="送审"),
        FieldSpec("confirmed_by", "集体研究会议", help_zh="确认风险点和风险等级的会议（集体定），如 2026年9月10日党委会", help_en="the party meeting that confirmed risk points and levels"),
        FieldSpec("confirmed_on", "确认日期", DATE, help_zh="该会议日期", help_en="date of that meeting", example="2026-09-10"),
        FieldSpec("criteria.high", "高风险标准", required=True, help_zh="高风险等级的划分标准说明", help_en="written criterion for 高 (high) risk"),
        FieldSpec("criteria.medium", "中风险标准", required=True, help_zh="中风险等级的划分标准说明", help_en="written criterion for 中 (medium) risk"),
        FieldSpec("criteria.low", "低风险标准", required=True, help_zh="低风险等级的划分标准说明", help_en="written criterion for 低 (low) risk"),
    ),
)

POSTS = TableSpec(
    "posts", "岗位", title_zh="领导岗位、中层岗位和其他重要岗位", title_en="posts in three tiers",
    fields=(
        FieldSpec("id", "岗位编号", ID, required=True, help_zh="岗位编号，表内唯一", help_en="post ID", example="GW-01"),
        FieldSpec("name", "岗位名称", required=True, help_zh="岗位名称", help_en="post name", example="院长"),
        FieldSpec("department", "所在部门", required=True, help_zh="岗位所在部门（科室）", help_en="department", example="院领导"),
        FieldSpec("tier", "岗位层次", ENUM, required=True, vocab=PostTier, help_zh="领导岗位、中层岗位或其他重要岗位", help_en="post tier", example="领导岗位"),
        FieldSpec("holders", "在岗人员", LIST, help_zh="在岗人员姓名，多人用顿号分隔", help_en="names of the holders", example="张三、李四"),
        FieldSpec("since", "任职起始", DATE, help_zh="现任人员任职起始日期（用于轮岗检查）", help_en="date the holder took the post", example="2023-03-01"),
        FieldSpec("key", "重点岗位", BOOL, default=False, help_zh="是否重点岗位（需定期轮岗交流），是/否", help_en="key post subject to rotation", example="是"),
        NOTE,
    ),
)

POWERS = TableSpec(
    "powers", "职权目录", title_zh="单位、部门、岗位权力清单", title_en="the power list",
    fields=(
        FieldSpec("id", "职权编号", ID, required=True, help_zh="职权编号，表内唯一", help_en="power ID", example="QL-01"),
        FieldSpec("name", "职权名称", required=True, help_zh="职权名称", help_en="power name", example="医疗机构执业许可"),
        FieldSpec("kind", "职权类别", ENUM, vocab=PowerKind, help_zh="职权类别", help_en="kind of power", example="行政许可"),
        FieldSpec("content", "职权内容", required=True, help_zh="职权的具体内容", help_en="what the power covers"),
        FieldSpec("level", "权力层级", ENUM, required=True, vocab=PowerLevel, help_zh="属于单位、部门还是岗位的权力清单", help_en="whose power list", example="单位"),
        FieldSpec("subject", "办理主体", required=True, help_zh="行使该职权的部门或岗位", help_en="who exercises it", example="医政科"),
        FieldSpec("posts", "责任岗位", IDS, help_zh="责任岗位编号，多个用顿号分隔", help_en="post IDs", example="GW-03、GW-05"),
        FieldSpec("basis", "法律依据", required=True, help_zh="法律法规或三定方案条款", help_en="legal basis", example="《医疗机构管理条例》第九条"),
        FieldSpec("procedure", "办理程序", help_zh="办理程序", help_en="procedure"),
        FieldSpec("time_limit", "办理时限", help_zh="办理时限，如 20个工作日", help_en="time limit", example="20个工作日"),
        FieldSpec("disposition", "清理意见", ENUM, vocab=Disposition, default=Disposition.KEEP, help_zh="清权确权意见：保留、调整或废止，默认保留", help_en="keep, adjust or abolish", example="保留"),
        NOTE,
    ),
)

RISKS = TableSpec(
    "risks", "风险点", title_zh="廉政风险点", title_en="integrity risk points",
    fields=(
        FieldSpec("id", "风险点编号", ID, required=True, help_zh="风险点编号，表内唯一", help_en="risk point ID", example="FX-01"),
        FieldSpec("power", "职权编号", ID, help_zh="风险所在职权的编号（与岗位编号至少填一项）", help_en="power the risk arises in", example="QL-01"),
        FieldSpec("post", "岗位编号", ID, help_zh="风险所在岗位的编号（与职权编号至少填一项）", help_en="post the risk sits on", example="GW-05"),
        FieldSpec("category", "风险类别", ENUM, required=True, vocab=RiskCategory, help_zh="思想道德、岗位职责、业务流程、制度机制或外部环境", help_en="risk category", example="业务流程"),
        FieldSpec("description", "风险描述", required=True, help_zh="风险点的具体表现形式", help_en="description of the risk"),
        FieldSpec("level", "风险等级", ENUM, required=True, vocab=RiskLevel, help_zh="高、中或低", help_en="risk level", example="高"),
        FieldSpec("found_by", "查找方式", ENUMS, vocab=FoundBy, help_zh="自己找、群众帮、领导提、专家评、组织审，可多选", help_en="how it was found", example="自己找、专家评"),
        FieldSpec("review", "审核状态", ENUM, vocab=ReviewStatus, default=ReviewStatus.PENDING, help_zh="廉防办审核：待审核、通过或发回重找，默认待审核", help_en="review status", example="通过"),
        FieldSpec("review_note", "审核意见", help_zh="审核意见，发回重找时必填", help_en="reviewer's words; required when returned"),
        NOTE,
    ),
)

MEASURES = TableSpec(
    "measures", "防控措施", title_zh="一对一防控措施", title_en="one-to-one prevention measures",
    fields=(
        FieldSpec("id", "措施编号", ID, required=True, help_zh="措施编号，表内唯一", help_en="measure ID", example="CS-01"),
        FieldSpec("risk", "风险点编号", ID, required=True, help_zh="本措施对应的一个风险点编号", help_en="the risk point it answers", example="FX-01"),
        FieldSpec("phase", "防控阶段", ENUM, required=True, vocab=Phase, help_zh="前期预防、中期监控或后期处置", help_en="phase", example="前期预防"),
        FieldSpec("description", "措施内容", required=True, help_zh="具体管用、可操作的措施", help_en="a concrete, workable action"),
        FieldSpec("owner", "责任人", required=True, help_zh="责任人或责任部门", help_en="person or department responsible", example="药剂科主任"),
        FieldSpec("due", "完成时限", DUE, help_zh="日期，或 每季度 等文字", help_en="date, or text such as 每季度", example="每季度"),
        FieldSpec("status", "落实情况", ENUM, vocab=MeasureStatus, default=MeasureStatus.TODO, help_zh="未落实、落实中或已落实，默认未落实", help_en="implementation status", example="落实中"),
        NOTE,
    ),
)

FLOWS = TableSpec(
    "flows", "流程", required=False, title_zh="权力运行流程（外部、内部）", title_en="power-operation flows",
    fields=(
        FieldSpec("id", "流程编号", ID, required=True, help_zh="流程编号，表内唯一", help_en="flow ID", example="LC-01"),
        FieldSpec("power", "职权编号", ID, required=True, help_zh="本流程运行的职权编号", help_en="the power this flow runs", example="QL-01"),
        FieldSpec("kind", "流程类型", ENUM, required=True, vocab=FlowKind, help_zh="外部或内部", help_en="external or internal", example="内部"),
        FieldSpec("name", "流程名称", help_zh="留空则用职权名称", help_en="defaults to the power's name"),
        FieldSpec("subject", "办理主体", help_zh="外部流程：办理主体，留空则用职权的办理主体", help_en="external: handling body"),
        FieldSpec("basis", "办理依据", help_zh="外部流程：办理依据，留空则用职权的法律依据", help_en="external: legal basis"),
        FieldSpec("materials", "所需材料", LIST, help_zh="外部流程：申请人需提交的全部材料", help_en="external: every material to submit"),
        FieldSpec("supervision", "监督渠道", LIST, help_zh="外部流程：监督渠道，如 监督电话：0551-82312345", help_en="external: supervision channels"),
        FieldSpec("place", "办理地点", help_zh="外部流程：办理地点", help_en="external: place"),
        FieldSpec("phone", "联系电话", help_zh="外部流程：联系电话", help_en="external: contact phone"),
        FieldSpec("fee", "收费标准", help_zh="外部流程：收费标准及依据，或 不收费", help_en="external: fee, or 不收费"),
        NOTE,
    ),
)

STEPS = TableSpec(
    "steps", "流程环节", required=False, title_zh="流程环节", title_en="flow steps",
    fields=(
        FieldSpec("flow", "流程编号", ID, required=True, help_zh="环节所属流程编号", help_en="the flow this step belongs to", example="LC-01"),
        FieldSpec("id", "环节编号", ID, required=True, help_zh="环节编号，流程内唯一", help_en="step ID, unique in its flow", example="1"),
        FieldSpec("name", "环节名称", required=True, help_zh="如 受理、审查、审批、公示、办结", help_en="step name", example="受理"),
        FieldSpec("actor", "责任主体", required=True, help_zh="负责本环节的部门或岗位（泳道）", help_en="department or post (swimlane)", example="医政科"),
        FieldSpec("time_limit", "办理时限", help_zh="本环节时限，内部流程每个环节都应填写", help_en="time limit of the step", example="3个工作日"),
        FieldSpec("next", "下一环节", NEXT, help_zh="下一环节编号，可加条件，如 3(同意)、5（不同意）；留空表示结束", help_en="next step IDs with optional (condition); empty = end"),
        FieldSpec("risks", "风险点编号", IDS, help_zh="本环节上的风险点编号", help_en="risk points on this step", example="FX-01"),
        NOTE,
    ),
)

INSTITUTIONS = TableSpec(
    "institutions", "制度", required=False, title_zh="新建、修订、废止的制度", title_en="institutions",
    fields=(
        FieldSpec("id", "制度编号", ID, required=True, help_zh="制度编号，表内唯一", help_en="institution ID", example="ZD-01"),
        FieldSpec("name", "制度名称", required=True, help_zh="制度名称", help_en="name"),
        FieldSpec("kind", "制度类型", ENUM, required=True, vocab=InstitutionKind, help_zh="新建、修订或废止", help_en="new, revised or repealed", example="新建"),
        FieldSpec("issued_on", "发布日期", DATE, help_zh="发布日期", help_en="date issued"),
        FieldSpec("risks", "风险点编号", IDS, help_zh="本制度针对的风险点编号", help_en="risk points it answers"),
        FieldSpec("file", "文件", help_zh="制度文件路径（相对工作簿）", help_en="document path, relative to the workbook"),
        NOTE,
    ),
)

ALERTS = TableSpec(
    "alerts", "预警处置", required=False, title_zh="风险预警与处置", title_en="alerts and their handling",
    fields=(
        FieldSpec("id", "预警编号", ID, required=True, help_zh="预警编号，表内唯一", help_en="alert ID", example="YJ-01"),
        FieldSpec("date", "日期", DATE, required=True, help_zh="预警日期", help_en="date", example="2026-05-12"),
        FieldSpec("grade", "预警等级", ENUM, vocab=AlertGrade, help_zh="红色、橙色或黄色", help_en="red, orange or yellow", example="黄色"),
        FieldSpec("risk", "风险点编号", ID, required=True, help_zh="预警针对的风险点编号", help_en="the risk point", example="FX-01"),
        FieldSpec("channel", "来源渠道", ENUM, required=True, vocab=AlertChannel, help_zh="信访举报、案件查处、监督检查等", help_en="source channel", example="监督检查"),
        FieldSpec("action", "处置方式", ENUM, vocab=AlertAction, help_zh="谈话函询、警示诫勉、责令纠错、立案查处或其他", help_en="action taken", example="谈话函询"),
        FieldSpec("detail", "情况说明", required=True, help_zh="预警情况说明", help_en="what happened"),
        FieldSpec("result", "处置结果", help_zh="处置结果", help_en="result"),
        NOTE,
    ),
)

TABLE_SPECS: tuple[TableSpec, ...] = (UNIT, POSTS, POWERS, RISKS, MEASURES, FLOWS, STEPS, INSTITUTIONS, ALERTS)
SPEC_BY_KEY: dict[str, TableSpec] = {t.key: t for t in TABLE_SPECS}
SHEET_ORDER: dict[str, int] = {t.sheet: i for i, t in enumerate(TABLE_SPECS)}

# Markers the header tolerance removes: white space anywhere, trailing * ＊ (必填) （必填）, stacked.
_WS = re.compile(r"[\s\u3000]+")
_MARKERS = re.compile(r"^[*＊]+|(?:[*＊]|\(必填\)|（必填）)+$")
IGNORED_HEADERS = frozenset({"序号", "no", "no.", "#"})


def clean_header(text: object) -> str:
    """A header cell as matched: white space removed, required markers stripped."""
    if text is None:
        return ""
    s = _WS.sub("", str(text))
    prev = None
    while prev != s:
        prev, s = s, _MARKERS.sub("", s)
    return s


def match_table(name: str) -> TableSpec | None:
    """The table a sheet name (or YAML top-level key) names, Chinese or English."""
    s = clean_header(name)
    for t in TABLE_SPECS:
        if s == t.sheet or s.casefold() == t.key:
            return t
    return None


def lookalike_table(name: str, english: bool = True) -> TableSpec | None:
    """The table a sheet the format does not name was probably meant to be (format 1.1): its name
    contains a known sheet name or English key (``流程表``, ``风险点 (1)``, ``风险点（修订）``), or
    differs from a known name of three or more characters by one character (``风险表``). The
    longest name contained wins (``流程环节表`` is 流程环节, not 流程). ``english=False`` leaves the
    English keys out (a YAML file's ``units:`` is a handbook's key, not a misspelt ``unit:``).
    None: not a look-alike."""
    s = clean_header(name)
    folded = s.casefold()
    contained = [t for t in TABLE_SPECS if t.sheet in s or (english and t.key in folded)]
    if contained:
        return max(contained, key=lambda t: len(t.sheet))
    for t in TABLE_SPECS:
        if len(t.sheet) >= 3 and _one_edit(s, t.sheet):
            return t
    return None


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` becomes ``b`` by changing, adding or removing exactly one character."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def match_field(table: TableSpec, header: str) -> FieldSpec | None:
    """The field a (cleaned) header names, Chinese header or English key."""
    s = clean_header(header)
    folded = s.casefold()
    for f in table.fields:
        if s == f.header or folded == f.key.casefold():
            return f
    if table.key == "unit":
        aliases = {"high": "criteria.high", "medium": "criteria.medium", "low": "criteria.low",
                   "criteria.高": "criteria.high", "criteria.中": "criteria.medium", "criteria.低": "criteria.low"}
        if folded in aliases:
            return table.by_key[aliases[folded]]
    return None
