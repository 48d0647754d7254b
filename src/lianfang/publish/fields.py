"""Which fields are public. A workbook holds personal data (在岗人员, 联系人, 联系电话) and internal notes
(审核意见, 备注); the public version carries only what the seed asks to publish: the risk points with
their posts and levels, the measures, the external flows' 办事指南 and the 监督渠道.

``PUBLIC_FIELDS`` are published by default; ``OPTIONAL_FIELDS`` only when handbook.yaml asks::

    publish:
      include: [measure.owner]        # add optional fields
      exclude: [risk.category]        # leave default ones out

Fields that are never published, whatever the configuration: post holders (在岗人员) and 任职起始,
the unit's 联系人 and 联系电话, 审核状态 and 审核意见, every 备注, 查找方式, alerts (预警处置).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from lianfang.i18n import tr

PUBLIC_FIELDS: dict[str, tuple[str, str]] = {
    "risk.post": ("风险点所在岗位", "the post of a risk point"),
    "risk.department": ("岗位所在部门", "the post's department"),
    "risk.power": ("风险点所在职权", "the power a risk point arises in"),
    "risk.level": ("风险等级", "risk level"),
    "risk.category": ("风险类别", "risk category"),
    "risk.description": ("风险描述", "risk description"),
    "measure.phase": ("防控阶段", "measure phase"),
    "measure.description": ("措施内容", "measure text"),
    "guide.subject": ("办理主体", "handling body"),
    "guide.basis": ("办理依据", "legal basis"),
    "guide.materials": ("所需材料", "materials"),
    "guide.time_limit": ("办理时限", "time limit"),
    "guide.place": ("办理地点", "place"),
    "guide.fee": ("收费标准", "fee"),
    "guide.supervision": ("监督渠道", "supervision channels"),
    "guide.chart": ("外部流程图", "external flowchart"),
}
OPTIONAL_FIELDS: dict[str, tuple[str, str]] = {
    "measure.owner": ("责任人（可能是人名，默认不公开）", "measure owner (may be a person's name; private by default)"),
    "measure.due": ("完成时限", "due date"),
    "measure.status": ("落实情况", "implementation status"),
    "guide.phone": ("办理机构联系电话（默认只公开监督电话）", "the office's phone (by default only supervision lines are public)"),
}


class PublishConfig(BaseModel):
    """``publish:`` in handbook.yaml."""

    model_config = ConfigDict(extra="forbid")

    include: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)

    @field_validator("include", "exclude")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        for v in value:
            if v not in PUBLIC_FIELDS and v not in OPTIONAL_FIELDS:
                raise ValueError(tr("未知的字段「{v}」（可选：{c}）", "unknown field {v!r} (choose from {c})",
                                    v=v, c="、".join([*PUBLIC_FIELDS, *OPTIONAL_FIELDS])))
        return value

    def fields(self) -> frozenset[str]:
        return frozenset((set(PUBLIC_FIELDS) | set(self.include)) - set(self.exclude))
