"""The handbook's view model: what every format shows, as plain dataclasses.

Markdown (through the templates), Excel, Word and HTML all render the same ``HandbookContext``;
so a 一览表 row, a statistic or a heading text is decided once, by the builders in
``handbook.context``, and a format only lays it out. Values are plain text (enums by their
Chinese value, dates ISO, rates already written by ``lianfang.coverage.percent``); escaping
belongs to each output format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lianfang.i18n import tr
from lianfang.model.workbook import Workbook


@dataclass(frozen=True)
class Part:
    """One of the eight parts of the handbook, as the seed (附件1 四) names them."""

    number: int
    title_zh: str
    title_en: str

    @property
    def title(self) -> str:
        return tr(self.title_zh, self.title_en)

    @property
    def numeral(self) -> str:
        return tr("第" + "一二三四五六七八"[self.number - 1] + "部分", f"Part {self.number}")

    @property
    def anchor(self) -> str:
        return f"part-{self.number}"


PARTS: tuple[Part, ...] = (
    Part(1, "有关法律法规", "Laws and regulations"),
    Part(2, "“三定”方案文件", "The “three determinations” (三定) documents"),
    Part(3, "单位、部门、岗位权力清单（职权目录）", "Power lists of the unit, departments and posts (职权目录)"),
    Part(4, "岗位职责、业务流程、制度机制廉政风险点，风险等级及防控措施总汇",
         "Integrity risk points of duties, processes and institutions, their levels and prevention measures"),
    Part(5, "权力运行（外部、内部）流程图", "Power-operation flowcharts (external, internal)"),
    Part(6, "修订完善的各项制度", "Institutions built and revised"),
    Part(7, "廉政风险防控管理工作有关文件、经验总结、公开公示及宣传报道材料等",
         "Documents, summaries, public notices and publicity materials of the work"),
    Part(8, "其他有关材料", "Other materials"),
)
PART_BY_NUMBER = {p.number: p for p in PARTS}


# -- rows ---------------------------------------------------------------------------------


@dataclass
class PowerRow:
    seq: int
    id: str
    name: str
    kind: str
    content: str
    level: str
    subject: str
    posts: str  # 院长（GW-01）、副院长（GW-02）: a post's own brackets are never doubled
    basis: str
    procedure: str
    time_limit: str
    disposition: str
    note: str


@dataclass
class PowerList:
    """The power list of one level (单位 / 部门 / 岗位)."""

    level: str
    rows: list[PowerRow]


@dataclass
class PhaseMeasures:
    """The measures of one risk point in one phase.

    Numbered ``（1）（2）`` only when there are several: a lone measure is not "1.", and a number
    in brackets cannot run into a measure that starts with a figure (``1.5万元以上…``).
    """

    phase: str
    items: list[str]
    owners: list[str]

    @property
    def numbered(self) -> list[str]:
        if len(self.items) == 1:
            return list(self.items)
        return [f"（{i}）{text}" for i, text in enumerate(self.items, 1)]

    @property
    def text(self) -> str:
        """The cell text of this phase: one measure a line."""
        return "\n".join(self.numbered)


@dataclass
class RiskRow:
    """One risk point of the 岗位权力行使风险防控一览表, with its measures grouped by phase."""

    seq: int
    unit: str
    unit_code: str
    department: str
    post: str
    post_id: str
    tier: str
    power: str  # never empty: a risk of the post itself says so (岗位共性风险)
    power_id: str
    risk_id: str  # the ID, or where the row is when its ID could not be read
    category: str
    description: str
    level: str
    phases: list[PhaseMeasures]

    @property
    def owners(self) -> str:
        seen: dict[str, None] = {}
        for p in self.phases:
            for o in p.owners:
                seen.setdefault(o, None)
        return "、".join(seen)

    @property
    def measures_text(self) -> str:
        """Every measure in one cell: ``前期预防：…`` a line per phase, several joined by ``；``."""
        return "\n".join(f"{p.phase}：" + "；".join(p.numbered) for p in self.phases)


@dataclass
class StepRow:
    id: str
    name: str
    actor: str
    time_limit: str
    next: str
    risks: str


@dataclass(frozen=True)
class ChartPage:
    """One page of a flow's chart. A chart too long for one A4 page at readable size is split
    (``…_internal.svg``, ``…_internal_p2.svg``…, see docs/flowchart.md "Pages"); every format
    shows every page, in order."""

    number: int  # 1-based
    count: int  # the chart's pages
    image: str | None  # the SVG, relative to handbook.md
    print_image: str | None = None  # the PNG for Word, PDF and Excel, relative to the output folder

    @property
    def caption(self) -> str:
        """``（第2/3页）`` on a page of a split chart; "" when the chart is one page."""
        if self.count < 2:
            return ""
        return tr("（第{n}/{c}页）", " (page {n} of {c})", n=self.number, c=self.count)


def chart_pages(images: list[str], print_images: list[str]) -> list[ChartPage]:
    """The pages of a chart from its SVG and PNG files, in order (either list may be short or empty:
    a format not drawn, or drawn with fewer pages)."""
    count = max(len(images), len(print_images))
    return [ChartPage(n, count, images[n - 1] if n <= len(images) else None,
                      print_images[n - 1] if n <= len(print_images) else None) for n in range(1, count + 1)]


@dataclass
class FlowView:
    id: str
    name: str
    kind: str
    power_id: str
    power: str
    external: bool
    subject: str
    basis: str
    materials: list[str]
    supervision: list[str]
    place: str
    phone: str
    fee: str
    steps: list[StepRow]
    risks: list[RiskRow]  # the risk points marked on its steps
    heading: str = ""  # ``LC-01 医疗机构执业许可外部流程``: the kind named once
    time_limit: str = ""  # the power's 办理时限, promised to the applicant
    # the 办事指南 of an external flow, (label, text) in print order; empty for an internal flow
    guide: list[tuple[str, str]] = field(default_factory=list)
    pages: list[ChartPage] = field(default_factory=list)  # the chart, one entry a page; empty when not drawn

    @property
    def image(self) -> str | None:
        """The SVG of the chart's first page, relative to handbook.md (the file 流程清单 links)."""
        return self.pages[0].image if self.pages else None

    @property
    def print_image(self) -> str | None:
        """The PNG of the chart's first page, relative to the output folder."""
        return self.pages[0].print_image if self.pages else None


@dataclass
class InstitutionRow:
    id: str
    name: str
    kind: str
    issued_on: str
    risks: str
    file: str  # the file as the workbook names it
    link: str | None  # the copy in attachments/, relative to handbook.md
    note: str
    repealed: bool = False  # 废止: listed apart, not among the institutions built and revised


@dataclass
class AlertRow:
    id: str
    date: str
    grade: str
    risk_id: str
    risk: str
    channel: str
    action: str
    detail: str
    result: str


@dataclass
class CoverageRow:
    """How completely a unit (or the whole handbook) did the work: counts and their rates.

    Counted by ``lianfang.coverage.compute_coverage``; the rates are already written text.
    """

    name: str = ""
    powers: int = 0  # kept (保留/调整)
    powers_with_risk: int = 0
    risks: int = 0
    risks_covered: int = 0  # at least one measure (一对一)
    high: int = 0
    high_all_phases: int = 0
    powers_with_flow: int = 0
    risks_on_chart: int = 0
    measures: int = 0
    measures_done: int = 0
    institutions: int = 0
    alerts: int = 0
    rate: str = "—"  # risks_covered of risks
    done_rate: str = "—"  # measures_done of measures

    @property
    def cells(self) -> list[Any]:
        """The row of the 覆盖情况 table, in the order of ``coverage_headers()``."""
        return [self.name, self.powers, self.powers_with_risk, self.risks, self.risks_covered, self.rate, self.high,
                self.high_all_phases, self.powers_with_flow, self.risks_on_chart, self.measures, self.measures_done,
                self.done_rate, self.institutions, self.alerts]


Coverage = CoverageRow  # the name this type had before the view model was split out


def coverage_headers() -> list[str]:
    """The header of the 覆盖情况 table: short enough that no header wraps to a lone bracket."""
    return [tr("单位", "Unit"), tr("保留、调整的职权", "Powers kept"), tr("有风险点的职权", "with risk points"),
            tr("风险点", "Risk points"), tr("有防控措施的风险点", "with measures"), tr("一对一覆盖率", "Coverage"),
            tr("高风险点", "High"), tr("三阶段措施齐全的高风险点", "High with all three phases"),
            tr("有流程图的职权", "Powers with flows"), tr("标注在流程图上的风险点", "Risk points on charts"),
            tr("防控措施", "Measures"), tr("已落实", "Done"), tr("落实率", "Done rate"), tr("制度", "Institutions"),
            tr("预警", "Alerts")]


@dataclass
class UnitView:
    index: int
    code: str
    name: str
    anchor: str
    path: str
    parent: str
    year: str
    status: str
    confirmed_by: str
    confirmed_on: str
    contact: str
    phone: str
    criteria: list[tuple[str, str]]
    power_lists: list[PowerList]
    risk_rows: list[RiskRow]
    flows: list[FlowView]
    institutions: list[InstitutionRow]
    alerts: list[AlertRow]
    coverage: CoverageRow
    workbook: Workbook
    confirmed: bool = True  # status 已确认 or 已公示: collectively confirmed, fit to publish
    mark: str = ""  # （未经集体研究确认） after the unit's name wherever it is a heading; "" when confirmed
    confirmation: str = ""  # the sentence saying who confirmed it and when, the date written once
    heading: str = ""  # 巢湖市卫生局（CHWSJ）, with the mark
    # the line signed under the unit's 一览表: (label, pre-filled text) — 填报单位（盖章）, 负责人, 填报日期
    signature: list[tuple[str, str]] = field(default_factory=list)
    revision: Any = None  # lianfang.diff.revision.RevisionView: changes since the previous version


@dataclass
class Document:
    """A document of parts 1, 2, 6, 7, 8: Markdown included in the text, a table printed, anything else linked."""

    part: int
    title: str
    link: str  # relative to handbook.md
    markdown: str | None = None  # the included text, headings already demoted
    table: list[list[str]] | None = None  # a CSV attachment printed as a table: header row first


@dataclass
class CountTable:
    """Risk points of each unit counted by one dimension (level, category or tier)."""

    title: str
    columns: list[str]
    rows: list[tuple[str, list[int], int]]  # unit name, counts per column, total
    totals: list[int]
    total: int


@dataclass
class Statistics:
    by_level: CountTable
    by_category: CountTable
    by_tier: CountTable
    level_by_category: CountTable  # the whole system: rows are categories, columns levels
    coverage: list[tuple[str, CoverageRow]]
    coverage_total: CoverageRow
    pictures: list[StatPicture] = field(default_factory=list)  # charts of the above, drawn by the build


@dataclass(frozen=True)
class StatPicture:
    """A chart of the statistics: its title and files, relative to the output folder."""

    title: str
    svg: str
    png: str


@dataclass
class FindingRow:
    unit: str
    path: str
    code: str
    severity: str
    location: str
    object: str
    message: str


@dataclass
class UnitInput:
    """One unit as the build hands it over: its workbook, file and what was drawn or copied."""

    workbook: Workbook
    path: str  # as shown to the user
    # flow ID → the chart's SVG files, one a page, relative to handbook.md
    charts: dict[str, list[str]] = field(default_factory=dict)
    print_charts: dict[str, list[str]] = field(default_factory=dict)  # flow ID → its PNGs for Word/PDF/Excel
    attachments: dict[str, str] = field(default_factory=dict)  # institution ID → copy, relative
    revision: Any = None  # lianfang.diff.revision.RevisionView, when handbook.yaml names a previous version


@dataclass
class HandbookContext:
    title: str
    organisation: str
    year: int
    parts: tuple[Part, ...]
    units: list[UnitView]
    documents: dict[int, list[Document]]
    statistics: Statistics
    findings: list[FindingRow] | None  # the appendix of a forced build; None when there is none
    tool: str

    def as_template_vars(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__} | {
            "handbook": self, "coverage_headers": coverage_headers()}

    @property
    def risk_rows(self) -> list[RiskRow]:
        return [r for u in self.units for r in u.risk_rows]

    @property
    def year_comparison(self):
        """The statistics compared with the previous versions (None when handbook.yaml names none)."""
        from lianfang.diff.revision import year_comparison

        return year_comparison(self.units)

    @property
    def unconfirmed(self) -> list[UnitView]:
        """Units compiled before their collective confirmation (the build warns about each)."""
        return [u for u in self.units if not u.confirmed]
