"""``lianfang validate NEW --since OLD``: the review of a resubmission.

Which findings of the earlier submission were fixed, which remain and which are new, and whether
every risk point sent back (发回重找) was answered. Findings are matched by rule code, object and
field, not by row: a row moved by an inserted line is the same finding. An object renumbered
between the versions is followed through the diff's ID maps (``WorkbookDiff.id_maps``). A finding
without an object (LF304 per tier, LF401 per level) is matched by code, field and message.

A returned risk point counts as answered when the new version rewords or re-levels it and gives a
审核意见 (the reviewer's or the unit's note on what was done); removing it is an answer too. Still
returned (发回重找) in the new version is not an answer, whatever else changed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from lianfang.diff.model import WorkbookDiff
from lianfang.findings import Finding
from lianfang.i18n import tr
from lianfang.model.vocab import ReviewStatus
from lianfang.model.workbook import Workbook

# tables whose IDs a finding's object may be, most likely first
_OBJECT_TABLES = ("risks", "measures", "powers", "posts", "flows", "institutions", "alerts")
LIST_LIMIT = 50  # findings listed per group in the text; the rest are counted

ANSWERED, UNCHANGED, NO_NOTE, STILL_RETURNED, REMOVED = "answered", "unchanged", "no_note", "still_returned", "removed"


@dataclass(frozen=True, slots=True)
class ReturnedRisk:
    """A risk point that was 发回重找 in the old version, and what became of it."""

    old_id: str
    new_id: str | None
    description: str
    outcome: str  # one of ANSWERED, UNCHANGED, NO_NOTE, STILL_RETURNED, REMOVED
    reworded: bool = False
    relevelled: bool = False

    @property
    def answered(self) -> bool:
        return self.outcome in (ANSWERED, REMOVED)


@dataclass(slots=True)
class SinceView:
    """The comparison of a resubmission with the earlier one."""

    old_path: str
    fixed: list[Finding] = field(default_factory=list)  # the old version's findings, gone now
    remaining: list[Finding] = field(default_factory=list)  # the new version's, seen before
    new: list[Finding] = field(default_factory=list)  # the new version's, not seen before
    returned: list[ReturnedRisk] = field(default_factory=list)

    @property
    def unanswered(self) -> list[ReturnedRisk]:
        return [r for r in self.returned if not r.answered]


def _object_in_new(obj: str | None, maps: dict[str, dict[str, str]]) -> str | None:
    """An old finding's object in the new version's IDs (``FLOW/STEP`` by its flow)."""
    if obj is None:
        return None
    head, sep, tail = obj.partition("/")
    for table in (("flows",) if sep else _OBJECT_TABLES):
        new = maps.get(table, {}).get(head)
        if new is not None:
            return new + sep + tail
    return obj


def _key(f: Finding, obj: str | None) -> tuple:
    return (f.code, obj, f.field) if obj is not None else (f.code, None, f.field, f.message)


def classify_findings(old: Sequence[Finding], new: Sequence[Finding], maps: dict[str, dict[str, str]] | None = None,
                      ) -> tuple[list[Finding], list[Finding], list[Finding]]:
    """(fixed, remaining, new): old findings not found again, new findings found before, and new
    findings not found before; each finding is used once (two alike in the old version match two
    in the new)."""
    maps = maps or {}
    pending: dict[tuple, list[Finding]] = defaultdict(list)
    for f in old:
        pending[_key(f, _object_in_new(f.object, maps))].append(f)
    remaining, fresh = [], []
    for f in new:
        queue = pending.get(_key(f, f.object))
        if queue:
            queue.pop(0)
            remaining.append(f)
        else:
            fresh.append(f)
    fixed_ids = {id(f) for queue in pending.values() for f in queue}
    fixed = [f for f in old if id(f) in fixed_ids]
    return fixed, remaining, fresh


def returned_risks(old: Workbook, new: Workbook, maps: dict[str, dict[str, str]]) -> list[ReturnedRisk]:
    """Every risk point 发回重找 in ``old``, with whether ``new`` answered it."""
    risk_map = maps.get("risks", {})
    new_by_id = new.risks_by_id
    out = []
    for r in old.risks:
        if r.review is not ReviewStatus.RETURNED or r.id is None:
            continue
        nid = risk_map.get(r.id)
        n = new_by_id.get(nid) if nid is not None else None
        if n is None:
            out.append(ReturnedRisk(r.id, None, r.description or "", REMOVED))
            continue
        reworded = (r.description or "") != (n.description or "")
        relevelled = r.level != n.level
        if n.review is ReviewStatus.RETURNED:
            outcome = STILL_RETURNED
        elif not (reworded or relevelled):
            outcome = UNCHANGED
        elif not (n.review_note or "").strip():
            outcome = NO_NOTE
        else:
            outcome = ANSWERED
        out.append(ReturnedRisk(r.id, n.id, n.description or "", outcome, reworded, relevelled))
    return out


def since_view(old_path: str, old_findings: Sequence[Finding], new_findings: Sequence[Finding],
               old: Workbook | None, new: Workbook | None, diff: WorkbookDiff | None) -> SinceView:
    maps = diff.id_maps if diff is not None else {}
    fixed, remaining, fresh = classify_findings(old_findings, new_findings, maps)
    returned = returned_risks(old, new, maps) if old is not None and new is not None else []
    return SinceView(old_path, fixed, remaining, fresh, returned)


# -- text (rich markup: values escaped) -----------------------------------------------------------


def _outcome_words(r: ReturnedRisk) -> str:
    what = tr("、", ", ").join(w for w, done in ((tr("改写了风险描述", "reworded"), r.reworded),
                                                 (tr("调整了风险等级", "re-levelled"), r.relevelled)) if done)
    return {
        ANSWERED: tr("已答复（{w}，并有审核意见）", "answered ({w}, with a review note)", w=what),
        NO_NOTE: tr("已修改（{w}）但没有审核意见", "changed ({w}) but no review note", w=what),
        UNCHANGED: tr("未答复：风险描述和等级都没有修改", "not answered: neither reworded nor re-levelled"),
        STILL_RETURNED: tr("未答复：审核状态仍为发回重找", "not answered: still 发回重找"),
        REMOVED: tr("已删除该风险点", "the risk point was removed"),
    }[r.outcome]


def since_lines(view: SinceView) -> list[str]:
    """The section added to the listing and to the review letter."""
    from rich.markup import escape

    def finding(f: Finding) -> str:
        obj = f" [{f.object}]" if f.object else ""
        return "    - " + escape(f"{f.code} {f.message}{obj}")

    lines = ["", "[bold]" + escape(tr("附：与上次报送（{p}）相比", "Compared with the earlier submission ({p})", p=view.old_path)) + "[/]",
             "  " + escape(tr("已整改 {a} 处，仍未整改 {b} 处，新出现 {c} 处。", "{a} fixed, {b} remaining, {c} new.",
                              a=len(view.fixed), b=len(view.remaining), c=len(view.new)))]
    for title, items in ((tr("已整改", "Fixed"), view.fixed), (tr("仍未整改", "Remaining"), view.remaining),
                         (tr("新出现", "New"), view.new)):
        if not items:
            continue
        lines.append("  " + escape(tr("{t}（{n} 处）：", "{t} ({n}):", t=title, n=len(items))))
        lines += [finding(f) for f in items[:LIST_LIMIT]]
        if len(items) > LIST_LIMIT:
            lines.append("    " + escape(tr("……另有 {n} 处", "… and {n} more", n=len(items) - LIST_LIMIT)))
    if view.returned:
        answered = sum(1 for r in view.returned if r.answered)
        lines.append("  " + escape(tr("上次发回重找的风险点 {n} 个，已答复 {a} 个，未答复 {u} 个：",
                                      "{n} risk points were sent back (发回重找): {a} answered, {u} not:",
                                      n=len(view.returned), a=answered, u=len(view.returned) - answered)))
        for r in view.returned:
            name = r.old_id if r.new_id in (None, r.old_id) else f"{r.old_id} → {r.new_id}"
            text = f"「{r.description}」" if r.description else ""
            lines.append("    - " + escape(f"{name}{text}{tr('：', ': ')}{_outcome_words(r)}"))
    return lines
