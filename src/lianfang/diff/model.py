"""The change model of ``lianfang diff``: plain dataclasses every renderer reads.

A ``Change`` is one difference between the old and the new version of a unit's workbook, named by
a stable ``kind`` (``risk.reworded``, ``measure.status``, …: the JSON's vocabulary, documented in
docs/diff.md). ``KINDS`` lists every kind in report order with its words; the order of this table
is the order of the summary.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from lianfang.i18n import tr

# A value as the change model keeps it: JSON-ready (dates as ISO text, enums as their Chinese word).
Value = str | int | bool | list[str] | None

# kind -> (中文, English); the summary lists kinds in this order
KINDS: dict[str, tuple[str, str]] = {
    "unit.status": ("单位状态变化", "unit status changed"),
    "unit.criteria": ("风险等级标准修改", "level criteria changed"),
    "unit.changed": ("单位信息修改", "unit details changed"),
    "post.added": ("新增岗位", "posts added"),
    "post.removed": ("删除岗位", "posts removed"),
    "post.renumbered": ("岗位重新编号", "posts renumbered"),
    "post.rotated": ("岗位人员轮岗", "post holders changed"),
    "post.changed": ("岗位信息修改", "posts changed"),
    "power.added": ("新增职权", "powers added"),
    "power.removed": ("删除职权", "powers removed"),
    "power.renumbered": ("职权重新编号", "powers renumbered"),
    "power.abolished": ("职权废止", "powers abolished"),
    "power.disposition": ("清理意见变化", "power disposition changed"),
    "power.changed": ("职权信息修改", "powers changed"),
    "risk.added": ("新增风险点", "risk points added"),
    "risk.removed": ("删除风险点", "risk points removed"),
    "risk.renumbered": ("风险点重新编号", "risk points renumbered"),
    "risk.reworded": ("风险描述修改", "risk points reworded"),
    "risk.upgraded": ("风险等级升级", "risk points upgraded"),
    "risk.downgraded": ("风险等级降级", "risk points downgraded"),
    "risk.moved": ("风险点改挂职权或岗位", "risk points moved"),
    "risk.review": ("审核状态变化", "review status changed"),
    "risk.changed": ("风险点其他修改", "risk points otherwise changed"),
    "measure.added": ("新增措施", "measures added"),
    "measure.removed": ("删除措施", "measures removed"),
    "measure.renumbered": ("措施重新编号", "measures renumbered"),
    "measure.reworded": ("措施内容修改", "measures reworded"),
    "measure.rephased": ("防控阶段调整", "measures re-phased"),
    "measure.status": ("落实情况变化", "measure status changed"),
    "measure.due": ("完成时限调整", "due dates moved"),
    "measure.moved": ("措施改挂风险点", "measures moved to another risk point"),
    "measure.changed": ("措施其他修改", "measures otherwise changed"),
    "flow.added": ("新增流程", "flows added"),
    "flow.removed": ("删除流程", "flows removed"),
    "flow.renumbered": ("流程重新编号", "flows renumbered"),
    "flow.changed": ("流程信息修改", "flows changed"),
    "step.added": ("新增流程环节", "steps added"),
    "step.removed": ("删除流程环节", "steps removed"),
    "step.changed": ("流程环节修改", "steps changed"),
    "institution.added": ("新增制度", "institutions added"),
    "institution.removed": ("删除制度", "institutions removed"),
    "institution.renumbered": ("制度重新编号", "institutions renumbered"),
    "institution.changed": ("制度修改", "institutions changed"),
    "alert.added": ("新增预警处置", "alerts added"),
    "alert.removed": ("删除预警处置", "alerts removed"),
    "alert.renumbered": ("预警重新编号", "alerts renumbered"),
    "alert.changed": ("预警处置修改", "alerts changed"),
}
KIND_ORDER = {k: i for i, k in enumerate(KINDS)}


def kind_word(kind: str) -> str:
    zh, en = KINDS[kind]
    return tr(zh, en)


@dataclass(frozen=True, slots=True)
class Change:
    """One difference. ``id`` is the object's ID in the new version (None when removed), ``old_id``
    in the old one (None when added); ``field`` the English key that changed (None for an added,
    removed or renumbered object). ``risk`` is the risk point the change belongs to (its new ID, or
    its old ID when it was removed): the text report groups by it. ``label`` is the object's text
    (a risk point's 风险描述, a measure's 措施内容, a post's or power's name) to name it by."""

    kind: str
    table: str
    id: str | None
    old_id: str | None
    field: str | None = None
    old: Value = None
    new: Value = None
    risk: str | None = None
    label: str | None = None
    old_risk: str | None = None

    @property
    def key(self) -> str | None:
        """The object's ID as a reader names it: the new one, else the old one."""
        return self.id if self.id is not None else self.old_id

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "table": self.table, "id": self.id, "old_id": self.old_id, "field": self.field,
                "old": self.old, "new": self.new, "risk": self.risk, "old_risk": self.old_risk, "label": self.label}


@dataclass(frozen=True, slots=True)
class Side:
    """One of the two files compared."""

    path: str
    unit: str | None = None  # 单位代码
    name: str | None = None  # 单位名称
    year: int | None = None


@dataclass(slots=True)
class WorkbookDiff:
    """Every change between two versions of one unit's workbook, in report order, and the ID maps
    the matching found (old ID → new ID per table) for whoever needs to follow an object across
    versions (``validate --since`` maps findings through them)."""

    old: Side
    new: Side
    changes: list[Change] = field(default_factory=list)
    # table -> {old ID: new ID} for every matched pair
    id_maps: dict[str, dict[str, str]] = field(default_factory=dict)
    # the risk points changes belong to -> their 风险描述, to head a group of changes: by new ID in
    # the new file's order, and removed ones by old ID in the old file's order
    risk_labels: dict[str, str] = field(default_factory=dict)
    old_risk_labels: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.changes

    def counts(self) -> dict[str, int]:
        """Changes per kind, in the order of ``KINDS``; kinds without a change are left out."""
        c = Counter(ch.kind for ch in self.changes)
        return {k: c[k] for k in KINDS if c[k]}

    def of_kind(self, *kinds: str) -> list[Change]:
        return [c for c in self.changes if c.kind in kinds]
