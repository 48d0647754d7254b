"""The import report: every assumption the importer made, where, and what the unit must fill.

Entries are grouped by kind, each with the source location (``表1 第12行``, ``Sheet1!D14``) and,
where there is one, the ID of the record it produced. The same report is printed on the console
and, with ``--report FILE.md``, written as Markdown (every cell escaped for a Markdown table).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from lianfang.i18n import tr
from lianfang.markdown import md, mdcell


class Kind(StrEnum):
    TABLE = "table"  # a table read or passed over, and why
    COLUMN = "column"  # the role given to a column
    SPLIT = "split"  # a cell cut into several risk points or measures
    SKIPPED = "skipped"  # rows not imported (repeated header, note, section, blank)
    ASSUMED = "assumed"  # a value filled in or carried over
    PHASE = "phase"  # a measure's phase guessed from its words
    TODO = "todo"  # what the unit still has to fill or check

    @property
    def title(self) -> str:
        return {
            Kind.TABLE: tr("读取的表格", "Tables"),
            Kind.COLUMN: tr("列的识别", "Columns"),
            Kind.SPLIT: tr("拆分的单元格", "Split cells"),
            Kind.SKIPPED: tr("未导入的行", "Rows not imported"),
            Kind.ASSUMED: tr("推定与默认值", "Assumptions and defaults"),
            Kind.PHASE: tr("推断的防控阶段", "Phases inferred"),
            Kind.TODO: tr("单位还需填写或核对", "Still to fill in or check"),
        }[self]


@dataclass(frozen=True)
class Entry:
    kind: Kind
    where: str
    message: str
    object: str = ""


@dataclass
class ImportReport:
    sources: list[str] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # posts, powers, risks, measures

    def add(self, kind: Kind, where: str, message: str, obj: str = "") -> None:
        self.entries.append(Entry(kind, where, message, obj))

    def of(self, kind: Kind) -> list[Entry]:
        return [e for e in self.entries if e.kind is kind]

    def summary(self) -> str:
        c = self.counts
        return tr("导入 {posts} 个岗位、{powers} 项职权、{risks} 个风险点、{measures} 条防控措施；推断阶段 {p} 条，待填写或核对 {t} 项",
                  "imported {posts} posts, {powers} powers, {risks} risk points, {measures} measures; {p} phases inferred, {t} items to fill or check",
                  posts=c.get("posts", 0), powers=c.get("powers", 0), risks=c.get("risks", 0), measures=c.get("measures", 0),
                  p=len(self.of(Kind.PHASE)), t=len(self.of(Kind.TODO)))

    def text_lines(self) -> Iterable[str]:
        """The report for the console: a section per kind, one line per entry."""
        yield self.summary()
        for kind in Kind:
            entries = self.of(kind)
            if not entries:
                continue
            yield ""
            yield f"[{kind.title}] ({len(entries)})"
            for e in entries:
                obj = f" {e.object}" if e.object else ""
                yield f"  {e.where}{obj}: {e.message}"

    def markdown(self, title: str) -> str:
        lines = [f"# {md(title)}", "", md(self.summary()), "",
                 tr("来源文件：", "Sources: ") + "、".join(md(s) for s in self.sources), ""]
        where, obj, what = tr("位置", "Location"), tr("对象", "Object"), tr("说明", "Note")
        for kind in Kind:
            entries = self.of(kind)
            if not entries:
                continue
            lines += [f"## {md(kind.title)}（{len(entries)}）", "", f"| {where} | {obj} | {what} |", "|---|---|---|"]
            lines += [f"| {mdcell(e.where)} | {mdcell(e.object)} | {mdcell(e.message)} |" for e in entries]
            lines.append("")
        return "\n".join(lines)
