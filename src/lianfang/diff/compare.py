"""Two workbooks of one unit → their ``WorkbookDiff``.

Tables are matched in the order their references need: posts and powers first (a risk point's
block and its 职权编号/岗位编号 are compared in the new version's IDs), then risk points (a
measure's 风险点编号), measures, flows and their steps, institutions and alerts. A reference that
only changed because its target was renumbered is not a change of the referring record.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from datetime import date
from enum import Enum
from operator import attrgetter
from typing import Any

from lianfang.diff.match import match
from lianfang.diff.model import Change, Side, Value, WorkbookDiff
from lianfang.model.vocab import Disposition
from lianfang.model.workbook import Flow, Measure, RiskPoint, Workbook


def value(x: Any) -> Value:
    """A model value as the change model keeps it."""
    if x is None:
        return None
    if isinstance(x, Enum):
        return x.value
    if isinstance(x, date):
        return x.isoformat()
    if isinstance(x, list | tuple):
        return [value(i) for i in x]  # type: ignore[misc]
    if isinstance(x, bool | int | str):
        return x
    return str(x)


def side(wb: Workbook, path: str) -> Side:
    unit = wb.unit
    return Side(path=path, unit=unit.code if unit else None, name=unit.name if unit else None,
                year=unit.year if unit else None)


class _Differ:
    def __init__(self, old: Workbook, new: Workbook, old_path: str, new_path: str):
        self.old, self.new = old, new
        self.diff = WorkbookDiff(side(old, old_path), side(new, new_path))
        self.changes = self.diff.changes
        self.maps = self.diff.id_maps

    def mapped(self, table: str, ref: str | None) -> str | None:
        """An old reference in the new version's IDs (unchanged when its target did not survive)."""
        if ref is None:
            return None
        return self.maps.get(table, {}).get(ref, ref)

    def moved(self, table: str, a: str | None, b: str | None) -> bool:
        """Whether a reference now names another object: not when the text is the same (a target
        renumbered without its references following is a dangling reference, which validate
        reports), nor when it follows its target's renumbering."""
        return a != b and self.mapped(table, a) != b

    def mapped_list(self, table: str, refs: Iterable[str]) -> list[str]:
        m = self.maps.get(table, {})
        return [m.get(r, r) for r in refs]

    def add(self, kind: str, table: str, new_id, old_id, field=None, old=None, new=None, risk=None, label=None,
            old_risk=None) -> None:
        self.changes.append(Change(kind, table, new_id, old_id, field, value(old), value(new), risk, label, old_risk))

    def fields(self, prefix: str, table: str, o, n, names: Iterable[str], *, risk=None, label=None,
               refs: dict[str, tuple[str, bool]] | None = None, ids: tuple[str, str] | None = None) -> None:
        """``<prefix>.changed`` for each field that differs; ``refs`` names the fields holding
        references (field -> (target table, is a list)), compared in the new version's IDs."""
        refs = refs or {}
        new_id, old_id = ids or (n.id, o.id)
        for name in names:
            a, b = getattr(o, name), getattr(n, name)
            if a == b or value(a) == value(b):  # the raw comparison first: most fields are unchanged
                continue
            if name in refs:  # changed only if it names other objects, not merely their new IDs
                target, many = refs[name]
                if (self.mapped_list(target, a) if many else self.mapped(target, a)) == b:
                    continue
            self.add(f"{prefix}.changed", table, new_id, old_id, name, a, b, risk, label)

    # -- tables ------------------------------------------------------------------------------

    def unit(self) -> None:
        o, n = self.old.unit, self.new.unit
        if o is None or n is None:
            return
        if o.status != n.status:
            self.add("unit.status", "unit", n.code, o.code, "status", o.status, n.status)
        for name in ("high", "medium", "low"):
            a, b = getattr(o.criteria, name), getattr(n.criteria, name)
            if a != b:
                self.add("unit.criteria", "unit", n.code, o.code, f"criteria.{name}", a, b)
        for name in ("name", "code", "parent", "year", "contact", "phone", "confirmed_by", "confirmed_on"):
            a, b = getattr(o, name), getattr(n, name)
            if value(a) != value(b):
                self.add("unit.changed", "unit", n.code, o.code, name, a, b)

    def posts(self) -> None:
        m = match(self.old.posts, self.new.posts, text=lambda p: p.name, blocks=[(_attr("department"), _attr("department"))])
        self.maps["posts"] = m.id_map
        for o, n in m.pairs:
            self._renumbered("post", "posts", o, n, n.name)
            for name in ("holders", "since"):
                a, b = getattr(o, name), getattr(n, name)
                if a != b and value(a) != value(b):
                    self.add("post.rotated", "posts", n.id, o.id, name, a, b, label=n.name)
            self.fields("post", "posts", o, n, ("name", "department", "tier", "key", "note"), label=n.name)
        self._added_removed("post", "posts", m, lambda p: p.name)

    def powers(self) -> None:
        m = match(self.old.powers, self.new.powers, text=lambda p: p.name, blocks=[(_attr("subject"), _attr("subject"))])
        self.maps["powers"] = m.id_map
        for o, n in m.pairs:
            self._renumbered("power", "powers", o, n, n.name)
            if o.disposition != n.disposition:
                kind = "power.abolished" if n.disposition is Disposition.ABOLISH else "power.disposition"
                self.add(kind, "powers", n.id, o.id, "disposition", o.disposition, n.disposition, label=n.name)
            self.fields("power", "powers", o, n, ("name", "kind", "content", "level", "subject", "posts", "basis",
                                                  "procedure", "time_limit", "note"),
                        label=n.name, refs={"posts": ("posts", True)})
        self._added_removed("power", "powers", m, lambda p: p.name)

    def risks(self) -> None:
        powers, posts = self.maps["powers"], self.maps["posts"]
        m = match(self.old.risks, self.new.risks, text=_DESCRIPTION, blocks=[
            (lambda r: powers.get(r.power) if r.power else None, _attr("power")),
            (lambda r: posts.get(r.post) if r.post else None, _attr("post")),
        ])
        self.maps["risks"] = m.id_map
        for o, n in m.pairs:
            if o.__dict__ == n.__dict__:  # most rows of a revision are untouched: one C-level comparison
                continue
            self._risk_pair(o, n)
        for n in m.added:
            self.add("risk.added", "risks", n.id, None, None, None, n.level, n.id, n.description)
        for o in m.removed:
            self.add("risk.removed", "risks", None, o.id, None, o.level, None, None, o.description, old_risk=o.id)

    def _risk_pair(self, o: RiskPoint, n: RiskPoint) -> None:
        add, rid, label = self.add, n.id, n.description
        self._renumbered("risk", "risks", o, n, label, risk=rid)
        if o.description != n.description:
            add("risk.reworded", "risks", rid, o.id, "description", o.description, n.description, rid, label)
        if o.level != n.level:
            if o.level is not None and n.level is not None:
                kind = "risk.upgraded" if n.level.rank > o.level.rank else "risk.downgraded"
            else:
                kind = "risk.changed"
            add(kind, "risks", rid, o.id, "level", o.level, n.level, rid, label)
        for name, table in (("power", "powers"), ("post", "posts")):
            a, b = getattr(o, name), getattr(n, name)
            if self.moved(table, a, b):
                add("risk.moved", "risks", rid, o.id, name, a, b, rid, label)
        if o.review != n.review:
            add("risk.review", "risks", rid, o.id, "review", o.review, n.review, rid, label)
        self.fields("risk", "risks", o, n, ("category", "found_by", "review_note", "note"), risk=rid, label=label)

    def measures(self) -> None:
        risks = self.maps["risks"]
        m = match(self.old.measures, self.new.measures, text=_DESCRIPTION, blocks=[
            (lambda x: risks.get(x.risk) if x.risk else None, _attr("risk")),
            (_attr("owner"), _attr("owner")),
        ])
        self.maps["measures"] = m.id_map
        for o, n in m.pairs:
            if o.__dict__ == n.__dict__:  # most rows of a revision are untouched: one C-level comparison
                continue
            self._measure_pair(o, n)
        for n in m.added:
            self.add("measure.added", "measures", n.id, None, None, None, n.phase, n.risk, n.description)
        for o in m.removed:
            survived = o.risk in self.maps["risks"]
            self.add("measure.removed", "measures", None, o.id, None, o.phase, None, self.maps["risks"][o.risk] if survived else None,
                     o.description, old_risk=None if survived else o.risk)

    def _measure_pair(self, o: Measure, n: Measure) -> None:
        add, rid, label = self.add, n.risk, n.description
        self._renumbered("measure", "measures", o, n, label, risk=rid)
        if o.description != n.description:
            add("measure.reworded", "measures", n.id, o.id, "description", o.description, n.description, rid, label)
        for name, kind in (("phase", "measure.rephased"), ("status", "measure.status"), ("due", "measure.due")):
            a, b = getattr(o, name), getattr(n, name)
            if a != b and value(a) != value(b):
                add(kind, "measures", n.id, o.id, name, a, b, rid, label)
        if self.moved("risks", o.risk, n.risk):
            add("measure.moved", "measures", n.id, o.id, "risk", o.risk, n.risk, rid, label)
        self.fields("measure", "measures", o, n, ("owner", "note"), risk=rid, label=label)

    def flows(self) -> None:
        powers = self.maps["powers"]

        def text(f: Flow, power: str | None = None) -> str:
            return f"{power if power is not None else f.power}{f.kind.value if f.kind else ''}{f.name or ''}"

        m = match(self.old.flows, self.new.flows, text=text, old_text_of=lambda f: text(f, powers.get(f.power, f.power)))
        self.maps["flows"] = m.id_map
        for o, n in m.pairs:
            label = n.name or n.power
            self._renumbered("flow", "flows", o, n, label)
            self.fields("flow", "flows", o, n, ("power", "kind", "name", "subject", "basis", "materials", "supervision",
                                                "place", "phone", "fee", "note"), label=label, refs={"power": ("powers", False)})
            self._steps(o, n)
        self._added_removed("flow", "flows", m, lambda f: f.name or f.power)

    def _steps(self, of: Flow, nf: Flow) -> None:
        m = match(of.steps, nf.steps, text=lambda s: s.name)
        for o, n in m.pairs:
            sid, old_sid = f"{nf.id}/{n.id}", f"{of.id}/{o.id}"
            if o.id != n.id:
                self.add("step.changed", "steps", sid, old_sid, "id", o.id, n.id, label=n.name)
            self.fields("step", "steps", o, n, ("name", "actor", "time_limit", "next", "risks", "note"),
                        label=n.name, refs={"risks": ("risks", True)}, ids=(sid, old_sid))
        for n in m.added:
            self.add("step.added", "steps", f"{nf.id}/{n.id}", None, label=n.name)
        for o in m.removed:
            self.add("step.removed", "steps", None, f"{of.id}/{o.id}", label=o.name)

    def institutions(self) -> None:
        m = match(self.old.institutions, self.new.institutions, text=lambda x: x.name)
        self.maps["institutions"] = m.id_map
        for o, n in m.pairs:
            self._renumbered("institution", "institutions", o, n, n.name)
            self.fields("institution", "institutions", o, n, ("name", "kind", "issued_on", "risks", "file", "note"),
                        label=n.name, refs={"risks": ("risks", True)})
        self._added_removed("institution", "institutions", m, lambda x: x.name)

    def alerts(self) -> None:
        m = match(self.old.alerts, self.new.alerts, text=lambda x: x.detail)
        self.maps["alerts"] = m.id_map
        for o, n in m.pairs:
            self._renumbered("alert", "alerts", o, n, n.detail, risk=n.risk)
            self.fields("alert", "alerts", o, n, ("date", "grade", "risk", "channel", "action", "detail", "result", "note"),
                        risk=n.risk, label=n.detail, refs={"risk": ("risks", False)})
        self._added_removed("alert", "alerts", m, lambda x: x.detail)

    # -- shared ------------------------------------------------------------------------------

    def _renumbered(self, prefix: str, table: str, o, n, label, risk=None) -> None:
        if o.id != n.id:
            self.add(f"{prefix}.renumbered", table, n.id, o.id, "id", o.id, n.id, risk, label)

    def _added_removed(self, prefix: str, table: str, m, label: Callable[[Any], str | None]) -> None:
        for n in m.added:
            self.add(f"{prefix}.added", table, n.id, None, label=label(n))
        for o in m.removed:
            self.add(f"{prefix}.removed", table, None, o.id, label=label(o))

    def run(self) -> WorkbookDiff:
        self.unit()
        self.posts()
        self.powers()
        self.risks()
        self.measures()
        self.flows()
        self.institutions()
        self.alerts()
        # the risk points changes belong to, in the new file's order, then removed ones in the old
        for risks, labels, attr in ((self.new.risks, self.diff.risk_labels, "risk"),
                                    (self.old.risks, self.diff.old_risk_labels, "old_risk")):
            wanted = {getattr(c, attr) for c in self.changes} - {None}
            for r in risks:
                if r.id in wanted and r.id not in labels:
                    labels[r.id] = r.description or ""
        return self.diff


_DESCRIPTION = attrgetter("description")


def _attr(name: str) -> Callable[[Any], Any]:
    return attrgetter(name)


def diff_workbooks(old: Workbook, new: Workbook, old_path: str = "old", new_path: str = "new") -> WorkbookDiff:
    """Every change from ``old`` to ``new`` (see docs/diff.md for the kinds and the matching)."""
    # Matching makes no reference cycles; with two large workbooks just loaded, the collections its
    # temporary lists would trigger cost most of a run (bench_diff: 0.28 s of GC in a 0.4 s diff), as the rules
    # engine found for validate.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _Differ(old, new, old_path, new_path).run()
    finally:
        if collecting:
            gc.enable()

