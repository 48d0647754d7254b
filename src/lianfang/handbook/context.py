"""From the unit workbooks to what the handbook shows: rows, groups and statistics.

Both writers (Markdown through the templates, Excel directly) take the same ``HandbookContext``,
so a row of the 一览表 is decided once. Values stay plain text here (enums by their Chinese
value, dates ISO); escaping belongs to each output format. A value a reader could not read is
``None`` in the model and shows as empty — it has been reported already.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from lianfang.findings import Finding
from lianfang.i18n import tr
from lianfang.markdown import text_of
from lianfang.model.vocab import (
    FlowKind,
    MeasureStatus,
    Phase,
    PostTier,
    PowerLevel,
    RiskCategory,
    RiskLevel,
)
from lianfang.model.workbook import Measure, RiskPoint, Workbook


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

PHASE_ORDER = (Phase.PREVENT, Phase.MONITOR, Phase.HANDLE)
UNFILLED = "未填"
NO_POST = "未关联岗位"


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
    posts: str
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
    """The measures of one risk point in one phase, numbered 1., 2., … inside the cell."""

    phase: str
    items: list[str]
    owners: list[str]

    @property
    def numbered(self) -> list[str]:
        return [f"{i}.{text}" for i, text in enumerate(self.items, 1)]

    @property
    def text(self) -> str:
        """The cell text of this phase: one numbered measure a line."""
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
    power: str
    power_id: str
    risk_id: str
    category: str
    description: str
    level: str
    phases: list[PhaseMeasures]

    @property
    def owners(self) -> str:
        return "、".join(_unique(o for p in self.phases for o in p.owners))

    @property
    def measures_text(self) -> str:
        """Every measure in one cell: ``前期预防：1.…；2.…`` a line per phase."""
        return "\n".join(f"{p.phase}：" + "；".join(p.numbered) for p in self.phases)


@dataclass
class StepRow:
    id: str
    name: str
    actor: str
    time_limit: str
    next: str
    risks: str


@dataclass
class FlowView:
    id: str
    name: str
    kind: str
    power_id: str
    power: str
    image: str | None  # relative to handbook.md
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
    print_image: str | None = None  # the chart as PNG for Word and PDF, relative to the output folder


@dataclass
class InstitutionRow:
    id: str
    name: str
    kind: str
    issued_on: str
    risks: str
    file: str
    link: str | None  # the copy in attachments/, relative to handbook.md
    note: str


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
class Coverage:
    """How completely a unit did the work, as counts (the template shows the ratios)."""

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

    def add(self, other: Coverage) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


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
    coverage: Coverage
    workbook: Workbook


@dataclass
class Document:
    """A document of parts 1, 2, 6, 7, 8: Markdown included in the text, anything else linked."""

    part: int
    title: str
    link: str  # relative to handbook.md
    markdown: str | None = None  # the included text, headings already demoted


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
    coverage: list[tuple[str, Coverage]]
    coverage_total: Coverage


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
    charts: dict[str, str] = field(default_factory=dict)  # flow ID → image path, relative to handbook.md
    print_charts: dict[str, str] = field(default_factory=dict)  # flow ID → PNG for Word/PDF, relative
    attachments: dict[str, str] = field(default_factory=dict)  # institution ID → copy, relative


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
        return {name: getattr(self, name) for name in self.__dataclass_fields__} | {"handbook": self}

    @property
    def risk_rows(self) -> list[RiskRow]:
        return [r for u in self.units for r in u.risk_rows]


# -- building -----------------------------------------------------------------------------


def _unique(items) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        if item:
            seen.setdefault(item, None)
    return list(seen)


def _post_label(wb: Workbook, ids: list[str]) -> str:
    out = []
    for pid in ids:
        post = wb.posts_by_id.get(pid)
        out.append(f"{post.name}（{pid}）" if post is not None and post.name else pid)
    return "、".join(out)


def power_lists(wb: Workbook) -> list[PowerList]:
    """The power list split by level, in the order 单位, 部门, 岗位 (a missing level last)."""
    groups: dict[str, list[PowerRow]] = {}
    for level in (*PowerLevel, None):
        groups[text_of(level) or UNFILLED] = []
    for p in wb.powers:
        key = text_of(p.level) or UNFILLED
        groups[key].append(PowerRow(
            seq=len(groups[key]) + 1, id=text_of(p.id), name=text_of(p.name), kind=text_of(p.kind),
            content=text_of(p.content), level=text_of(p.level), subject=text_of(p.subject),
            posts=_post_label(wb, p.posts), basis=text_of(p.basis), procedure=text_of(p.procedure),
            time_limit=text_of(p.time_limit), disposition=text_of(p.disposition), note=text_of(p.note),
        ))
    return [PowerList(level, rows) for level, rows in groups.items() if rows or level != UNFILLED]


def phase_measures(measures: list[Measure]) -> list[PhaseMeasures]:
    """Measures grouped 前期预防, 中期监控, 后期处置 (an unreadable phase last), each in file order."""
    out = []
    for phase in (*PHASE_ORDER, None):
        ms = [m for m in measures if m.phase is phase]
        if ms:
            out.append(PhaseMeasures(text_of(phase) or UNFILLED, [text_of(m.description) for m in ms],
                                     _unique(text_of(m.owner) for m in ms)))
    return out


def _ordered_risks(wb: Workbook) -> list[RiskPoint]:
    """Risks as the 一览表 lists them: by department, post and power, so merged cells are adjacent.

    Departments and posts keep the order of the 岗位 sheet (a department where its first post
    is); risk points without a post come last, grouped by power.
    """
    dept_order: dict[str, int] = {}
    post_order: dict[str, int] = {}
    for i, post in enumerate(wb.posts):
        dept_order.setdefault(text_of(post.department), len(dept_order))
        if post.id is not None:
            post_order.setdefault(post.id, i)
    power_order = {p.id: i for i, p in reversed(list(enumerate(wb.powers))) if p.id is not None}
    big = len(wb.posts) + len(wb.powers) + 1

    def key(item: tuple[int, RiskPoint]) -> tuple:
        i, r = item
        post = wb.posts_by_id.get(r.post) if r.post else None
        if post is not None:
            return (0, dept_order.get(text_of(post.department), big), post_order.get(post.id, big),
                    power_order.get(r.power, big), i)
        return (1, 0, 0, power_order.get(r.power, big), i)

    return [r for _, r in sorted(enumerate(wb.risks), key=key)]


def risk_row(wb: Workbook, r: RiskPoint, seq: int) -> RiskRow:
    post = wb.posts_by_id.get(r.post) if r.post else None
    power = wb.powers_by_id.get(r.power) if r.power else None
    department = text_of(post.department) if post is not None else (text_of(power.subject) if power else "")
    return RiskRow(
        seq=seq, unit=text_of(wb.unit.name) if wb.unit else "", unit_code=text_of(wb.code),
        department=department,
        post=text_of(post.name) if post is not None else text_of(r.post),
        post_id=text_of(r.post), tier=text_of(post.tier) if post is not None else "",
        power=text_of(power.name) if power is not None else text_of(r.power), power_id=text_of(r.power),
        risk_id=text_of(r.id), category=text_of(r.category), description=text_of(r.description),
        level=text_of(r.level), phases=phase_measures(wb.measures_by_risk.get(r.id, []) if r.id else []),
    )


def risk_rows(wb: Workbook) -> list[RiskRow]:
    return [risk_row(wb, r, i) for i, r in enumerate(_ordered_risks(wb), 1)]


def flow_views(wb: Workbook, charts: dict[str, str], rows_by_id: dict[str, RiskRow],
               print_charts: dict[str, str] | None = None) -> list[FlowView]:
    out = []
    for f in wb.flows:
        power = wb.powers_by_id.get(f.power) if f.power else None
        risk_ids = _unique(rid for s in f.steps for rid in s.risks)
        steps = [StepRow(id=text_of(s.id), name=text_of(s.name), actor=text_of(s.actor),
                         time_limit=text_of(s.time_limit), next="、".join(s.next), risks="、".join(s.risks))
                 for s in f.steps]
        out.append(FlowView(
            id=text_of(f.id), name=text_of(f.name) or (text_of(power.name) if power else text_of(f.id)),
            kind=text_of(f.kind), power_id=text_of(f.power), power=text_of(power.name) if power else "",
            image=charts.get(f.id) if f.id else None, external=f.kind is FlowKind.EXTERNAL,
            # a flow's empty 办理主体/办理依据 are filled from its power when printed (spec)
            subject=text_of(f.subject) or (text_of(power.subject) if power else ""),
            basis=text_of(f.basis) or (text_of(power.basis) if power else ""),
            materials=[text_of(m) for m in f.materials], supervision=[text_of(s) for s in f.supervision],
            place=text_of(f.place), phone=text_of(f.phone), fee=text_of(f.fee), steps=steps,
            risks=[rows_by_id[rid] for rid in risk_ids if rid in rows_by_id],
            print_image=(print_charts or {}).get(f.id) if f.id else None,
        ))
    return out


def coverage(wb: Workbook) -> Coverage:
    kept = [p for p in wb.powers if p.kept]
    by_power = wb.risks_by_power
    on_chart = {rid for f in wb.flows for s in f.steps for rid in s.risks}
    highs = [r for r in wb.risks if r.level is RiskLevel.HIGH]
    phases_of = {rid: {m.phase for m in ms} for rid, ms in wb.measures_by_risk.items()}
    return Coverage(
        powers=len(kept),
        powers_with_risk=sum(1 for p in kept if by_power.get(p.id)),
        risks=len(wb.risks),
        risks_covered=sum(1 for r in wb.risks if r.id in wb.measures_by_risk),
        high=len(highs),
        high_all_phases=sum(1 for r in highs if set(PHASE_ORDER) <= phases_of.get(r.id, set())),
        powers_with_flow=sum(1 for p in kept if wb.flows_by_power.get(p.id)),
        risks_on_chart=sum(1 for r in wb.risks if r.id in on_chart),
        measures=len(wb.measures),
        measures_done=sum(1 for m in wb.measures if m.status is MeasureStatus.DONE),
        institutions=len(wb.institutions),
        alerts=len(wb.alerts),
    )


def unit_view(index: int, item: UnitInput) -> UnitView:
    wb = item.workbook
    unit = wb.unit
    rows = risk_rows(wb)
    rows_by_id = {r.risk_id: r for r in rows if r.risk_id}
    code = text_of(wb.code) or f"unit{index + 1}"
    criteria = unit.criteria if unit is not None else None
    return UnitView(
        index=index, code=code, name=text_of(unit.name) if unit else code, anchor=f"unit-{index + 1}",
        path=item.path,
        parent=text_of(unit.parent) if unit else "", year=text_of(unit.year) if unit else "",
        status=text_of(unit.status) if unit else "", confirmed_by=text_of(unit.confirmed_by) if unit else "",
        confirmed_on=text_of(unit.confirmed_on) if unit else "",
        contact=text_of(unit.contact) if unit else "", phone=text_of(unit.phone) if unit else "",
        criteria=[(level.value, text_of(criteria.of(level)) if criteria else "") for level in RiskLevel],
        power_lists=power_lists(wb),
        risk_rows=rows,
        flows=flow_views(wb, item.charts, rows_by_id, item.print_charts),
        institutions=[InstitutionRow(
            id=text_of(i.id), name=text_of(i.name), kind=text_of(i.kind), issued_on=text_of(i.issued_on),
            risks="、".join(i.risks), file=text_of(i.file), link=item.attachments.get(i.id) if i.id else None,
            note=text_of(i.note)) for i in wb.institutions],
        alerts=[AlertRow(
            id=text_of(a.id), date=text_of(a.date), grade=text_of(a.grade), risk_id=text_of(a.risk),
            risk=text_of(wb.risks_by_id[a.risk].description) if a.risk in wb.risks_by_id else "",
            channel=text_of(a.channel), action=text_of(a.action), detail=text_of(a.detail),
            result=text_of(a.result)) for a in wb.alerts],
        coverage=coverage(wb),
        workbook=wb,
    )


def _count_table(title: str, units: list[UnitView], columns: list[Any], value_of) -> CountTable:
    names = [text_of(c) for c in columns]
    has_unfilled = any(value_of(r) is None for u in units for r in u.workbook.risks)
    if has_unfilled:
        names.append(UNFILLED)
    rows = []
    totals = [0] * len(names)
    for u in units:
        counts = Counter(text_of(value_of(r)) or UNFILLED for r in u.workbook.risks)
        row = [counts.get(n, 0) for n in names]
        totals = [a + b for a, b in zip(totals, row, strict=True)]
        rows.append((u.name, row, sum(row)))
    return CountTable(title, names, rows, totals, sum(totals))


def statistics(units: list[UnitView]) -> Statistics:
    """Risk points by unit × level, category and tier; levels × categories; coverage per unit."""

    def tier_of(wb: Workbook):
        def of(r: RiskPoint):
            post = wb.posts_by_id.get(r.post) if r.post else None
            return post.tier if post is not None else NO_POST
        return of

    # tiers need the workbook for each risk, so they are counted here rather than by _count_table
    tier_names = [t.value for t in PostTier] + [NO_POST]
    tier_rows = []
    tier_totals = [0] * len(tier_names)
    for u in units:
        of = tier_of(u.workbook)
        counts = Counter(text_of(of(r)) for r in u.workbook.risks)
        row = [counts.get(n, 0) for n in tier_names]
        tier_totals = [a + b for a, b in zip(tier_totals, row, strict=True)]
        tier_rows.append((u.name, row, sum(row)))
    tiers = CountTable(tr("按岗位层次", "by post tier"), tier_names, tier_rows, tier_totals, sum(tier_totals))

    levels = [lv.value for lv in RiskLevel]
    all_risks = [r for u in units for r in u.workbook.risks]
    cross_rows = []
    cross_totals = [0] * len(levels)
    for cat in (*RiskCategory, None):
        rs = [r for r in all_risks if r.category is cat]
        if cat is None and not rs:
            continue
        row = [sum(1 for r in rs if r.level is lv) for lv in RiskLevel]
        cross_totals = [a + b for a, b in zip(cross_totals, row, strict=True)]
        cross_rows.append((text_of(cat) or UNFILLED, row, len(rs)))
    total = Coverage()
    for u in units:
        total.add(u.coverage)
    return Statistics(
        by_level=_count_table(tr("按风险等级", "by risk level"), units, list(RiskLevel), lambda r: r.level),
        by_category=_count_table(tr("按风险类别", "by risk category"), units, list(RiskCategory), lambda r: r.category),
        by_tier=tiers,
        level_by_category=CountTable(tr("风险类别 × 风险等级（全系统）", "category × level (all units)"), levels,
                                     cross_rows, cross_totals, len(all_risks)),
        coverage=[(u.name, u.coverage) for u in units],
        coverage_total=total,
    )



def finding_rows(reports: list[tuple[str, str, list[Finding]]]) -> list[FindingRow]:
    """(unit name, path, findings) of each unit → the rows of the findings appendix."""
    out = []
    for unit, path, findings in reports:
        for f in findings:
            out.append(FindingRow(unit=unit, path=path, code=f.code, severity=f.severity.value,
                                  location=f.location.describe(), object=text_of(f.object), message=f.message))
    return out


def build_context(
    units: list[UnitInput],
    *,
    title: str | None,
    organisation: str | None,
    year: int | None,
    documents: dict[int, list[Document]] | None = None,
    findings: list[FindingRow] | None = None,
    tool: str = "lianfang",
) -> HandbookContext:
    """Everything the handbook shows. Missing title, organisation and year come from the units."""
    views = [unit_view(i, u) for i, u in enumerate(units)]
    wbs = [u.workbook for u in units]
    if organisation is None:
        parents = _unique(text_of(wb.unit.parent) for wb in wbs if wb.unit is not None)
        names = _unique(text_of(wb.unit.name) for wb in wbs if wb.unit is not None)
        organisation = names[0] if len(names) == 1 else (parents[0] if len(parents) == 1 else "")
    if year is None:
        years = [wb.unit.year for wb in wbs if wb.unit is not None and wb.unit.year is not None]
        year = max(years) if years else 1970
    if title is None:
        title = organisation + tr("廉政风险防控管理工作手册", " integrity risk prevention and control handbook")
    return HandbookContext(
        title=title, organisation=organisation, year=year, parts=PARTS, units=views,
        documents=documents or {}, statistics=statistics(views), findings=findings, tool=tool,
    )
