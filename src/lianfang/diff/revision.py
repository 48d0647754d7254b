"""The handbook's 调整修正情况: each unit's changes since its previous version, and the figures
compared with last year.

``handbook.yaml`` names the previous versions with ``previous`` (docs/handbook.md):

- ``previous: git:HEAD~1`` — every unit's own file as it was at that git revision;
- ``previous: ../2025/units/*.xlsx`` — a path or glob; each file found is matched to a unit by its
  单位代码;
- ``previous: {CHYY: ../2025/units/chyy.xlsx, CHCDC: "git:v2025"}`` — per unit code.

A git revision is read with ``git show REV:./FILE`` run in the unit file's folder (no shell; the
revision must look like one and may not start with ``-``), its bytes written to a temporary file
with the same suffix and read with the normal reader. The unit file is already inside the project,
so the path git reads is too.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from lianfang.coverage import compute_coverage
from lianfang.diff.compare import diff_workbooks
from lianfang.diff.view import counts_rows, describe, describe_head, is_long_text, sections
from lianfang.errors import LianfangError
from lianfang.i18n import tr
from lianfang.io.reader import read_workbook
from lianfang.model.vocab import RiskLevel
from lianfang.model.workbook import Workbook

GIT_PREFIX = "git:"
# a revision as git names them (HEAD~1, v2025, a1b2c3d, main^, origin/main, HEAD@{1}); never an option
_REV = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.~^/@{}-]{0,199}$")
MAX_GIT_BYTES = 200 * 1024 * 1024  # a previous version larger than this is refused


class PreviousError(LianfangError, ValueError):
    """A previous version named in handbook.yaml that cannot be read; the message says why."""


def read_git_version(path: Path, rev: str) -> Workbook:
    """``path`` as it was at git revision ``rev``."""
    if not _REV.match(rev) or ".." in rev:
        raise PreviousError(tr("「{r}」不是有效的 git 版本（如 HEAD~1、v2025）", "{r!r} is not a git revision (e.g. HEAD~1, v2025)", r=rev))
    folder = path.resolve().parent
    try:
        result = subprocess.run(["git", "show", f"{rev}:./{path.name}"], cwd=folder, capture_output=True, timeout=120)
    except FileNotFoundError:
        raise PreviousError(tr("找不到 git 命令", "git is not installed")) from None
    except subprocess.TimeoutExpired:
        raise PreviousError(tr("git show 超时", "git show timed out")) from None
    if result.returncode != 0:
        reason = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise PreviousError(tr("git 中没有 {p} 的 {r} 版本：{e}", "git has no version {r} of {p}: {e}", p=path.name, r=rev,
                               e=reason[-1] if reason else result.returncode))
    if len(result.stdout) > MAX_GIT_BYTES:
        raise PreviousError(tr("{p} 的 {r} 版本过大", "version {r} of {p} is too large", p=path.name, r=rev))
    with tempfile.TemporaryDirectory(prefix="lianfang-previous-") as tmp:
        copy = Path(tmp) / f"previous{path.suffix.lower()}"
        copy.write_bytes(result.stdout)
        return _read(copy, f"{rev}:{path.name}")


def _read(path: Path, label: str) -> Workbook:
    result = read_workbook(path)
    if result.workbook is None or result.workbook.unit is None:
        reason = "；".join(f.message for f in result.problems[:2]) or tr("不是工作簿", "not a workbook")
        raise PreviousError(tr("无法读取上一版本 {p}：{r}", "cannot read the previous version {p}: {r}", p=label, r=reason))
    return result.workbook


@dataclass
class PreviousVersions:
    """Finds the previous version of each unit as ``previous`` says; files are read once."""

    spec: str | dict[str, str] | None
    resolve_many: object  # Project.resolve_many: a path or glob of handbook.yaml → files inside the project
    _by_code: dict[str, tuple[Workbook, str]] | None = field(default=None, repr=False)

    def of(self, unit_path: Path, code: str | None) -> tuple[Workbook, str] | None:
        """(previous workbook, how to name it) for the unit in ``unit_path``, None when none is named."""
        spec = self.spec
        if spec is None:
            return None
        if isinstance(spec, dict):
            entry = spec.get(code or "")
            if entry is None:
                return None
            return self._one(entry, unit_path, ("previous", code))
        if spec.startswith(GIT_PREFIX):
            return self._one(spec, unit_path, ("previous",))
        if self._by_code is None:
            self._by_code = {}
            for p in self.resolve_many(spec, "previous"):  # type: ignore[operator]
                wb = _read(p, str(p))
                self._by_code.setdefault(wb.code or "", (wb, str(p)))
        return self._by_code.get(code or "")

    def _one(self, entry: str, unit_path: Path, loc: tuple) -> tuple[Workbook, str]:
        if entry.startswith(GIT_PREFIX):
            rev = entry[len(GIT_PREFIX):].strip()
            return read_git_version(unit_path, rev), f"{rev}:{unit_path.name}"
        paths = self.resolve_many(entry, *loc, glob_ok=False)  # type: ignore[operator]
        return _read(paths[0], entry), entry


# -- the view the handbook shows ------------------------------------------------------------------


@dataclass
class FigureRow:
    name: str
    before: int
    after: int

    @property
    def change(self) -> str:
        d = self.after - self.before
        return f"+{d}" if d > 0 else str(d) if d < 0 else "0"


@dataclass
class RevisionView:
    """One unit's 调整修正情况: against which version, how many changes of each kind, the changes
    themselves (grouped as the diff report groups them) and the figures before and after."""

    previous: str  # the previous version as handbook.yaml names it
    previous_year: str
    counts: list[tuple[str, int]]  # (words, count)
    changes: list[tuple[str, str]]  # (group heading, one line per change)
    figures: list[FigureRow]
    total: int

    @property
    def summary(self) -> str:
        """The sentence that opens the section: against which version, how many changes of each kind."""
        if not self.total:
            return tr("与上一版本（{p}）相比，没有实质性变化。", "No change since the previous version ({p}).", p=self.previous)
        kinds = tr("，", ", ").join(f"{words} {n}" for words, n in self.counts)
        return tr("与上一版本（{p}）相比，共 {n} 处变化：", "Compared with the previous version ({p}): {n} changes: ",
                  p=self.previous, n=self.total) + kinds + tr("。", ".")

    @property
    def previous_label(self) -> str:
        """The figures table's heading for the previous version."""
        return tr("上一版本", "Previous") + (f"（{self.previous_year}）" if self.previous_year else "")


def figures(old: Workbook, new: Workbook) -> list[FigureRow]:
    """Risk points (all, per level, answered by a measure, 高 with all three phases) and measures,
    before and after (lianfang.coverage, the one source of these figures)."""
    a, b = compute_coverage(old), compute_coverage(new)

    def level(cov, lv: RiskLevel) -> int:
        return next((t.risks for t in cov.by_level if t.key == lv.value), 0)

    rows = [FigureRow(tr("风险点", "risk points"), a.total.risks, b.total.risks)]
    rows += [FigureRow(tr("{l}风险点", "{l} risk points", l=lv.value), level(a, lv), level(b, lv)) for lv in RiskLevel]
    rows += [FigureRow(tr("有防控措施的风险点", "with measures"), a.total.answered, b.total.answered),
             FigureRow(tr("三阶段措施齐全的高风险点", "高 with all three phases"), a.total.high_full, b.total.high_full),
             FigureRow(tr("防控措施", "measures"), len(old.measures), len(new.measures))]
    return rows


def revision_view(old: Workbook, new: Workbook, previous: str) -> RevisionView:
    diff = diff_workbooks(old, new, previous, "")
    changes: list[tuple[str, str]] = []
    for sec in sections(diff):
        for g in sec.groups:
            heading = g.heading or sec.title
            for c in g.changes:
                text = describe_head(c, g.key) + tr("：", ": ") + f"{c.old or ''} → {c.new or ''}" if is_long_text(c) \
                    else describe(c, g.key)
                changes.append((heading, text))
    year = old.unit.year if old.unit is not None else None
    return RevisionView(previous=previous, previous_year=str(year) if year else "",
                        counts=[(words, n) for _, words, n in counts_rows(diff)], changes=changes,
                        figures=figures(old, new), total=len(diff.changes))


@dataclass
class YearComparison:
    """The statistics' comparison with last year: risk points per unit before and after."""

    rows: list[tuple[str, list[FigureRow]]]
    totals: list[FigureRow]


def year_comparison(units) -> YearComparison | None:
    """Over the handbook's units that have a revision (UnitView.revision); None when none has."""
    rows = [(u.name, u.revision.figures) for u in units if getattr(u, "revision", None) is not None]
    if not rows:
        return None
    totals = [FigureRow(f.name, sum(r[i].before for _, r in rows), sum(r[i].after for _, r in rows))
              for i, f in enumerate(rows[0][1])]
    return YearComparison(rows, totals)
