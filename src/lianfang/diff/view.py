"""What every ``lianfang diff`` renderer shows, worked out once: sections, groups and the words of
each change. Text, Markdown and the Excel 修订对照表 are thin layers over ``sections``, ``describe``
and ``summary``.

Sections follow the workbook's sheets; risk points and their measures share one section, grouped
by risk point in the new file's order (removed risk points last), so a reviewer reads each risk
point's story in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lianfang.diff.model import Change, Value, WorkbookDiff, kind_word
from lianfang.i18n import current_lang, tr
from lianfang.io.format import SPEC_BY_KEY

# section key -> (tables, title 中文, English); the order of the report
SECTIONS: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("unit", ("unit",), "单位信息", "Unit"),
    ("posts", ("posts",), "岗位", "Posts"),
    ("powers", ("powers",), "职权目录", "Powers"),
    ("risks", ("risks", "measures"), "风险点及防控措施", "Risk points and measures"),
    ("flows", ("flows", "steps"), "权力运行流程", "Flows"),
    ("institutions", ("institutions",), "制度", "Institutions"),
    ("alerts", ("alerts",), "预警处置", "Alerts"),
)
OBJECT_WORDS = {
    "posts": ("岗位", "post"), "powers": ("职权", "power"), "risks": ("风险点", "risk point"),
    "measures": ("措施", "measure"), "flows": ("流程", "flow"), "steps": ("环节", "step"),
    "institutions": ("制度", "institution"), "alerts": ("预警", "alert"),
}
SHORT = 30  # characters of a label in a heading


@dataclass(slots=True)
class Group:
    """The changes of one object (a risk point with its measures, a post, a flow with its steps)."""

    key: str | None
    heading: str | None
    changes: list[Change] = field(default_factory=list)


@dataclass(slots=True)
class Section:
    key: str
    title: str
    groups: list[Group] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(g.changes) for g in self.groups)


def object_word(table: str) -> str:
    zh, en = OBJECT_WORDS.get(table, (table, table))
    return tr(zh, en)


def short(text: str | None, limit: int = SHORT) -> str:
    if not text:
        return ""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def quoted(text: str) -> str:
    return tr("「{t}」", " “{t}”", t=text)


def field_word(table: str, name: str | None) -> str:
    """The column header of a field (Chinese), or its English key."""
    if name is None:
        return ""
    if current_lang() == "en":
        return name
    if name == "id":
        return tr("编号", "ID")
    spec = SPEC_BY_KEY.get(table)
    f = spec.by_key.get(name) if spec is not None else None
    return f.header if f is not None else name


def show(v: Value) -> str:
    """A value in running text: lists joined with 、, nothing as —."""
    if v is None or v == "" or v == []:
        return tr("（空）", "(empty)")
    if isinstance(v, list):
        return tr("、", ", ").join(str(x) for x in v)
    if isinstance(v, bool):
        return tr("是", "yes") if v else tr("否", "no")
    return str(v)


def name_of(c: Change) -> str:
    """``措施 CS-07-1``: the object's word and ID (both IDs when renumbered)."""
    ident = c.key or ""
    return f"{object_word(c.table)} {ident}"


def describe(c: Change, group: str | None = None) -> str:
    """One change in a sentence; the object is not named again when it is the group's own."""
    kind = c.kind
    prefix = "" if c.key == group else _prefix(c)
    if kind.endswith(".added"):
        extra = tr("（{v}）", " ({v})", v=c.new) if isinstance(c.new, str) else ""
        return prefix + tr("新增{x}", "added{x}", x=extra) + (quoted(c.label) if c.label else "")
    if kind.endswith(".removed"):
        extra = tr("（{v}）", " ({v})", v=c.old) if isinstance(c.old, str) else ""
        return prefix + tr("删除{x}", "removed{x}", x=extra) + (quoted(c.label) if c.label else "")
    if kind.endswith(".renumbered"):
        return prefix + tr("重新编号 {a} → {b}", "renumbered {a} → {b}", a=c.old_id, b=c.id)
    if kind in ("risk.upgraded", "risk.downgraded"):
        return prefix + tr("{k}：{a} → {b}", "{k}: {a} → {b}", k=tr("升级", "upgraded") if kind == "risk.upgraded" else tr("降级", "downgraded"),
                           a=show(c.old), b=show(c.new))
    if kind == "risk.moved":
        what = tr("改挂职权", "moved to another power") if c.field == "power" else tr("改挂岗位", "moved to another post")
        return prefix + f"{what}{tr('：', ': ')}{show(c.old)} → {show(c.new)}"
    if kind == "power.abolished":
        return prefix + tr("废止（清理意见 {a} → {b}）", "abolished (disposition {a} → {b})", a=show(c.old), b=show(c.new))
    if kind == "measure.moved":
        return prefix + tr("改挂风险点 {a} → {b}", "moved to risk point {a} → {b}", a=show(c.old), b=show(c.new))
    return prefix + f"{field_word(c.table, c.field)}{tr('：', ': ')}{show(c.old)} → {show(c.new)}"


def _prefix(c: Change) -> str:
    # risk-point changes sit under the risk point's own heading, unit changes under 单位信息
    return "" if c.table in ("risks", "unit") else name_of(c) + tr("：", ": ")


def what(c: Change, group: str | None = None) -> str:
    """What changed, without the values (a table's old and new columns hold them); the object is
    not named again when it is the group's own (``group`` its key)."""
    if c.field is None:
        return describe(c, group)
    prefix = "" if c.key == group else _prefix(c)
    words = {"risk.upgraded": tr("升级", "upgraded"), "risk.downgraded": tr("降级", "downgraded"),
             "power.abolished": tr("废止", "abolished"),
             "measure.moved": tr("改挂风险点", "moved to another risk point"),
             "post.rotated": tr("轮岗：", "rotation: ") + field_word(c.table, c.field)}
    if c.kind.endswith(".renumbered"):
        return prefix + tr("重新编号", "renumbered")
    if c.kind == "risk.moved":
        return tr("改挂职权", "moved to another power") if c.field == "power" else tr("改挂岗位", "moved to another post")
    return prefix + (words.get(c.kind) or field_word(c.table, c.field))


def is_long_text(c: Change) -> bool:
    """A rewording: shown as two lines (old, new) rather than one ``a → b``."""
    return c.field in ("description", "content", "detail", "basis", "procedure") or c.kind == "unit.criteria"


def describe_head(c: Change, group: str | None = None) -> str:
    """The first line of a long-text change: what changed, the texts follow."""
    return ("" if c.key == group else _prefix(c)) + tr("{f}修改", "{f} changed", f=field_word(c.table, c.field))


def group_key(c: Change) -> tuple[str, str | None]:
    """(namespace, ID) of the object a change is grouped under: a removed risk point's old ID
    must not meet the new risk point that took its number."""
    if c.table in ("risks", "measures"):
        return ("old", c.old_risk) if c.risk is None and c.old_risk is not None else ("new", c.risk)
    if c.table == "steps":
        return ("new", (c.key or "").split("/", 1)[0])
    if c.table == "unit":
        return ("new", None)
    return ("new", c.key)


def sections(diff: WorkbookDiff) -> list[Section]:
    """The changes in report order: a section per part of the workbook, a group per object."""
    table_section = {t: key for key, tables, _, _ in SECTIONS for t in tables}
    out: dict[str, Section] = {key: Section(key, tr(zh, en)) for key, _, zh, en in SECTIONS}
    groups: dict[tuple[str, str | None], Group] = {}
    for c in diff.changes:
        sec = out[table_section[c.table]]
        space, k = group_key(c)
        g = groups.get((sec.key, space, k))
        if g is None:
            g = groups[(sec.key, space, k)] = Group(k, _heading(sec.key, space, k, c, diff))
            sec.groups.append(g)
        g.changes.append(c)
    rank = {("new", rid): i for i, rid in enumerate(diff.risk_labels)}
    rank.update({("old", rid): len(rank) + i for i, rid in enumerate(diff.old_risk_labels)})
    out["risks"].groups.sort(key=lambda g: rank.get(group_key(g.changes[0]), len(rank)))
    return [s for s in out.values() if s.groups]


def _heading(section: str, space: str, key: str | None, c: Change, diff: WorkbookDiff) -> str | None:
    if key is None or section == "unit":
        return None
    if section == "risks":
        if space == "old":
            label = diff.old_risk_labels.get(key)
            return tr("（已删除）风险点 {k}", "(removed) risk point {k}", k=key) + (quoted(short(label)) if label else "")
        label = diff.risk_labels.get(key)
        return f"{object_word('risks')} {key}" + (quoted(short(label)) if label else "")
    if section == "flows":
        label = c.label if c.table == "flows" else None
        return f"{object_word('flows')} {key}" + (quoted(short(label)) if label else "")
    return f"{object_word(c.table)} {key}" + (quoted(short(c.label)) if c.label else "")


def title(diff: WorkbookDiff) -> str:
    new, old = diff.new, diff.old
    name = new.name or old.name or new.unit or old.unit or ""
    code = tr("（{c}）", " ({c})", c=new.unit) if new.unit and new.name else ""
    return tr("{n}{c}工作簿修订对照", "{n}{c}: changes between two versions of the workbook", n=name, c=code)


def side_line(which: str, s) -> str:
    year = tr("，{y}年度", ", {y}", y=s.year) if s.year else ""
    return tr("{w}：{p}{y}", "{w}: {p}{y}", w=which, p=s.path, y=year)


def summary(diff: WorkbookDiff) -> str:
    """``共 7 处变化：`` (the counts per kind follow), or that there is none."""
    if diff.empty:
        return tr("两个版本没有实质性差别。", "No difference between the two versions.")
    return tr("共 {n} 处变化：", "{n} changes:", n=len(diff.changes))


def counts_rows(diff: WorkbookDiff) -> list[tuple[str, str, int]]:
    """(kind, its words, count) for each kind that occurs, in the order of ``KINDS``."""
    return [(k, kind_word(k), n) for k, n in diff.counts().items()]
