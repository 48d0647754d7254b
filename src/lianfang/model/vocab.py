"""The workbook's vocabularies: enums whose values are the canonical Chinese words.

Each enum accepts the spec's aliases on input (English words, a trailing 风险/类, 高级 or ★★★
for levels, and the wording of format 1.1: 事前/事中/事后, 一级/二级/三级, H/M/L, 已完成, √ …)
through ``parse``; pydantic uses the same lookup via ``_missing_``. Output always
writes ``.value``, the canonical Chinese word.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import cache, lru_cache
from typing import ClassVar, Self

_SPACE = re.compile(r"[\s\u3000]+")
_SUFFIXES = ("风险", "类")


class Vocab(StrEnum):
    """Base of every vocabulary; subclasses list members and ``_aliases``."""

    _ignore_ = ["_aliases"]
    _aliases: ClassVar[dict[str, str]]

    @classmethod
    def parse(cls, text: object) -> Self | None:
        """The member ``text`` names, or None when it names none."""
        if isinstance(text, cls):
            return text
        if not isinstance(text, str):
            return None
        return _lookup(cls, text)

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        return cls.parse(value)

    @classmethod
    def choices(cls) -> list[str]:
        return [m.value for m in cls]

    @classmethod
    def aliases(cls) -> dict[str, str]:
        return dict(getattr(cls, "_alias_map", {}))


@lru_cache(maxsize=4096)  # keyed by cell text from untrusted files: bounded
def _lookup(cls: type[Vocab], text: str) -> Vocab | None:
    key = _SPACE.sub("", text).casefold()
    table = _table(cls)
    if key in table:
        return table[key]
    for suffix in _SUFFIXES:
        if key.endswith(suffix) and key[: -len(suffix)] in table:
            return table[key[: -len(suffix)]]
    return None


@cache
def _table(cls: type[Vocab]) -> dict[str, Vocab]:
    table: dict[str, Vocab] = {m.value.casefold(): m for m in cls}
    for alias, value in getattr(cls, "_alias_map", {}).items():
        table[alias.casefold()] = cls(value)
    return table


def _with_aliases(**aliases: str):
    """Attach ``alias -> canonical value`` pairs to a vocabulary."""

    def attach(cls):
        cls._alias_map = aliases
        return cls

    return attach


@_with_aliases(draft="草稿", submitted="送审", returned="退回", confirmed="已确认", published="已公示")
class UnitStatus(Vocab):
    DRAFT = "草稿"
    SUBMITTED = "送审"
    RETURNED = "退回"
    CONFIRMED = "已确认"
    PUBLISHED = "已公示"


@_with_aliases(leader="领导岗位", middle="中层岗位", other="其他重要岗位", 领导="领导岗位",
               中层="中层岗位", 其他重要="其他重要岗位", 其他="其他重要岗位")
class PostTier(Vocab):
    LEADER = "领导岗位"
    MIDDLE = "中层岗位"
    OTHER = "其他重要岗位"


@_with_aliases(
    licensing="行政许可", penalty="行政处罚", enforcement="行政强制", levy="行政征收",
    payment="行政给付", inspection="行政检查", confirmation="行政确认", reward="行政奖励",
    adjudication="行政裁决", other="其他行政权力", internal="内部管理",
)
class PowerKind(Vocab):
    LICENSING = "行政许可"
    PENALTY = "行政处罚"
    ENFORCEMENT = "行政强制"
    LEVY = "行政征收"
    PAYMENT = "行政给付"
    INSPECTION = "行政检查"
    CONFIRMATION = "行政确认"
    REWARD = "行政奖励"
    ADJUDICATION = "行政裁决"
    OTHER = "其他行政权力"
    INTERNAL = "内部管理"


@_with_aliases(unit="单位", department="部门", post="岗位")
class PowerLevel(Vocab):
    UNIT = "单位"
    DEPARTMENT = "部门"
    POST = "岗位"


@_with_aliases(keep="保留", adjust="调整", abolish="废止")
class Disposition(Vocab):
    KEEP = "保留"
    ADJUST = "调整"
    ABOLISH = "废止"


@_with_aliases(ethics="思想道德", duty="岗位职责", process="业务流程", institution="制度机制",
               environment="外部环境")
class RiskCategory(Vocab):
    ETHICS = "思想道德"
    DUTY = "岗位职责"
    PROCESS = "业务流程"
    INSTITUTION = "制度机制"
    ENVIRONMENT = "外部环境"


@_with_aliases(high="高", medium="中", low="低", 高级="高", 中级="中", 低级="低",
               一级="高", 二级="中", 三级="低", h="高", m="中", l="低", 中等="中",
               **{"★★★": "高", "★★": "中", "★": "低"})
class RiskLevel(Vocab):
    HIGH = "高"
    MEDIUM = "中"
    LOW = "低"

    @property
    def rank(self) -> int:
        return {"高": 3, "中": 2, "低": 1}[self.value]


@_with_aliases(self="自己找", public="群众帮", leader="领导提", expert="专家评",
               organisation="组织审", organization="组织审")
class FoundBy(Vocab):
    SELF = "自己找"
    PUBLIC = "群众帮"
    LEADER = "领导提"
    EXPERT = "专家评"
    ORGANISATION = "组织审"


@_with_aliases(pending="待审核", passed="通过", returned="发回重找")
class ReviewStatus(Vocab):
    PENDING = "待审核"
    PASSED = "通过"
    RETURNED = "发回重找"


@_with_aliases(prevent="前期预防", monitor="中期监控", handle="后期处置",
               事前预防="前期预防", 事前防范="前期预防", 事前="前期预防", 前期="前期预防", 预防="前期预防",
               事中监控="中期监控", 事中监督="中期监控", 事中="中期监控", 中期="中期监控", 中期监督="中期监控", 监控="中期监控",
               事后处置="后期处置", 事后监督="后期处置", 事后="后期处置", 后期="后期处置", 处置="后期处置")
class Phase(Vocab):
    PREVENT = "前期预防"
    MONITOR = "中期监控"
    HANDLE = "后期处置"


@_with_aliases(todo="未落实", doing="落实中", done="已落实",
               已完成="已落实", 完成="已落实", 已整改="已落实", 正在落实="落实中", 进行中="落实中", 整改中="落实中",
               未完成="未落实", 未开始="未落实", **{"✔": "已落实", "✓": "已落实", "√": "已落实"})
class MeasureStatus(Vocab):
    TODO = "未落实"
    DOING = "落实中"
    DONE = "已落实"


@_with_aliases(external="外部", internal="内部")
class FlowKind(Vocab):
    EXTERNAL = "外部"
    INTERNAL = "内部"


@_with_aliases(new="新建", revised="修订", repealed="废止")
class InstitutionKind(Vocab):
    NEW = "新建"
    REVISED = "修订"
    REPEALED = "废止"


@_with_aliases(red="红色", orange="橙色", yellow="黄色", 红="红色", 橙="橙色", 黄="黄色")
class AlertGrade(Vocab):
    RED = "红色"
    ORANGE = "橙色"
    YELLOW = "黄色"


@_with_aliases(petition="信访举报", case="案件查处", inspection="监督检查", audit="经济责任审计",
               appraisal="干部考核", monitoring="电子监控预警", online="网络舆情")
class AlertChannel(Vocab):
    PETITION = "信访举报"
    CASE = "案件查处"
    INSPECTION = "监督检查"
    AUDIT = "经济责任审计"
    APPRAISAL = "干部考核"
    MONITORING = "电子监控预警"
    ONLINE = "网络舆情"


@_with_aliases(inquiry="谈话函询", warning="警示诫勉", correction="责令纠错", investigation="立案查处",
               other="其他")
class AlertAction(Vocab):
    INQUIRY = "谈话函询"
    WARNING = "警示诫勉"
    CORRECTION = "责令纠错"
    INVESTIGATION = "立案查处"
    OTHER = "其他"
