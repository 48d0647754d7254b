"""The builders of the handbook's view model: from the unit workbooks to what every format shows.

The view types live in ``handbook.view`` (re-exported here, so ``from lianfang.handbook.context
import HandbookContext, UnitView, RiskRow, FlowView`` keeps working); this module decides their
contents: the order and text of a 一览表 row, every heading, every statistic. Figures come from
``lianfang.coverage.compute_coverage`` (the one place they are counted) and rates from its
``percent``. A value a reader could not read is ``None`` in the model and shows as empty — it has
been reported already — except a risk point's unreadable ID, which is shown as its row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lianfang.coverage import Coverage as UnitCoverage
from lianfang.coverage import Tally, compute_coverage, percent, risk_label
from lianfang.findings import Finding
from lianfang.handbook.view import (
    PART_BY_NUMBER,
    PARTS,
    AlertRow,
    CountTable,
    Coverage,
    CoverageRow,
    Document,
    FindingRow,
    FlowView,
    HandbookContext,
    InstitutionRow,
    Part,
    PhaseMeasures,
    PowerList,
    PowerRow,
    RiskRow,
    Statistics,
    StepRow,
    UnitInput,
    UnitView,
    chart_pages,
    coverage_headers,
)
from lianfang.i18n import tr
from lianfang.markdown import text_of
from lianfang.model.vocab import (
    FlowKind,
    InstitutionKind,
    Phase,
    PowerLevel,
    RiskCategory,
    RiskLevel,
    UnitStatus,
)
from lianfang.model.workbook import Measure, RiskPoint, Workbook

__all__ = [
    "PARTS", "PART_BY_NUMBER", "AlertRow", "Coverage", "CountTable", "CoverageRow", "Document", "FindingRow",
    "FlowView", "HandbookContext", "InstitutionRow", "Part", "PhaseMeasures", "PowerList", "PowerRow", "RiskRow",
    "Statistics", "StepRow", "UnitInput", "UnitView", "build_context", "coverage_headers", "finding_rows",
]

PHASE_ORDER = (Phase.PREVENT, Phase.MONITOR, Phase.HANDLE)
UNFILLED = "未填"
NO_POST = "未关联岗位"
CONFIRMED = (UnitStatus.CONFIRMED, UnitStatus.PUBLISHED)


def post_risk_label() -> str:
    """The 职权 cell of a risk point that belongs to a post rather than to one power."""
    return tr("岗位共性风险", "common to the post")


def unconfirmed_mark() -> str:
    return tr("（未经集体研究确认）", " (not yet collectively confirmed)")


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
        # the ID first: a post named 副局长（分管医政） must not become 副局长（分管医政）（GW-02);
        # joined by ； since a post's own name may hold 、 (党组书记、局长)
        out.append(f"{pid} {post.name}" if post is not None and post.name else pid)
    return "；".join(out)


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
    power_text = text_of(power.name) if power is not None else text_of(r.power)
    if not power_text and not r.unreadable("power"):
        power_text = post_risk_label()  # a risk of the post itself (思想道德, 岗位职责), not of one power
    return RiskRow(
        seq=seq, unit=text_of(wb.unit.name) if wb.unit else "", unit_code=text_of(wb.code),
        department=department,
        post=text_of(post.name) if post is not None else text_of(r.post),
        post_id=text_of(r.post), tier=text_of(post.tier) if post is not None else "",
        power=power_text, power_id=text_of(r.power),
        risk_id=risk_label(r), category=text_of(r.category), description=text_of(r.description),
        level=text_of(r.level), phases=phase_measures(wb.measures_by_risk.get(r.id, []) if r.id else []),
    )


def risk_rows(wb: Workbook) -> list[RiskRow]:
    return [risk_row(wb, r, i) for i, r in enumerate(_ordered_risks(wb), 1)]


def flow_views(wb: Workbook, charts: dict[str, list[str]], rows_by_id: dict[str, RiskRow],
               print_charts: dict[str, list[str]] | None = None) -> list[FlowView]:
    out = []
    for f in wb.flows:
        power = wb.powers_by_id.get(f.power) if f.power else None
        risk_ids = _unique(rid for s in f.steps for rid in s.risks)
        steps = [StepRow(id=text_of(s.id), name=text_of(s.name), actor=text_of(s.actor),
                         time_limit=text_of(s.time_limit), next="、".join(s.next), risks="、".join(s.risks))
                 for s in f.steps]
        name = text_of(f.name) or (text_of(power.name) if power else text_of(f.id))
        kind = text_of(f.kind)
        subject = text_of(f.subject) or (text_of(power.subject) if power else "")
        basis = text_of(f.basis) or (text_of(power.basis) if power else "")
        time_limit = text_of(power.time_limit) if power else ""
        external = f.kind is FlowKind.EXTERNAL
        guide = [
            (tr("办理主体", "Handled by"), subject),
            (tr("办理依据", "Legal basis"), basis),
            (tr("所需材料", "Materials"), "；".join(text_of(m) for m in f.materials)),
            (tr("办理时限", "Time limit"), time_limit),
            (tr("办理地点", "Place"), text_of(f.place)),
            (tr("联系电话", "Phone"), text_of(f.phone)),
            (tr("收费标准", "Fee"), text_of(f.fee)),
            (tr("监督渠道", "Supervision"), "；".join(text_of(x) for x in f.supervision)),
        ] if external else []
        out.append(FlowView(
            id=text_of(f.id), name=name, heading=flow_heading(text_of(f.id), name, kind),
            time_limit=time_limit, guide=guide,
            kind=kind, power_id=text_of(f.power), power=text_of(power.name) if power else "",
            external=external,
            # a flow's empty 办理主体/办理依据 are filled from its power when printed (spec)
            subject=subject, basis=basis,
            materials=[text_of(m) for m in f.materials], supervision=[text_of(s) for s in f.supervision],
            place=text_of(f.place), phone=text_of(f.phone), fee=text_of(f.fee), steps=steps,
            risks=[rows_by_id[rid] for rid in risk_ids if rid in rows_by_id],
            pages=chart_pages(charts.get(f.id, []), (print_charts or {}).get(f.id, [])) if f.id else [],
        ))
    return out


def flow_heading(flow_id: str, name: str, kind: str) -> str:
    """``LC-01 医疗机构执业许可外部流程``: the kind added only when the name does not say it already."""
    text = f"{flow_id} {name}".strip()
    if kind and kind not in name:
        text += tr("（{k}流程）", " ({k} flow)", k=kind)
    return text


def coverage_row(name: str, cov: UnitCoverage) -> CoverageRow:
    """The 覆盖情况 row of a unit, from the one coverage computation."""
    t, f = cov.total, cov.figures
    return CoverageRow(
        name=name, powers=f.powers_kept, powers_with_risk=f.powers_with_risk, risks=t.risks,
        risks_covered=t.answered, high=t.high, high_all_phases=t.high_full, powers_with_flow=f.powers_with_flow,
        risks_on_chart=f.risks_on_chart, measures=f.measures, measures_done=f.measures_done,
        institutions=f.institutions, alerts=f.alerts,
        rate=percent(t.answered, t.risks), done_rate=percent(f.measures_done, f.measures),
    )


_DATE = re.compile(r"(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})")


def _says_date(text: str, iso: str) -> bool:
    """Whether ``text`` already gives the date ``iso`` (``2026年9月10日``, ``2026-09-10``, ``2026.9.10``)."""
    want = tuple(int(x) for x in iso.split("-"))
    return any(tuple(int(x) for x in m.groups()) == want for m in _DATE.finditer(text))


def confirmation(by: str, on: str) -> str:
    """Who confirmed the risk points and levels and when, the date written once."""
    if not (by or on):
        return ""
    if by and (not on or _says_date(by, on)):
        return tr("风险点和风险等级经{m}集体研究确认。", "Risk points and levels confirmed by {m}.", m=by)
    if not by:
        return tr("风险点和风险等级于{d}经集体研究确认。", "Risk points and levels collectively confirmed on {d}.", d=on)
    return tr("风险点和风险等级经{m}集体研究确认（{d}）。", "Risk points and levels confirmed by {m} ({d}).", m=by, d=on)


def unit_name(index: int, wb: Workbook) -> str:
    """How the handbook names a unit: its name, else its code, else its place in the handbook."""
    code = text_of(wb.code) or f"unit{index + 1}"
    return text_of(wb.unit.name) if wb.unit else code


def unit_view(index: int, item: UnitInput, cov: UnitCoverage | None = None) -> UnitView:
    wb = item.workbook
    unit = wb.unit
    cov = cov if cov is not None else compute_coverage(wb)
    rows = risk_rows(wb)
    rows_by_id = {r.risk_id: r for r in rows if r.risk_id}
    code = text_of(wb.code) or f"unit{index + 1}"
    name = unit_name(index, wb)
    criteria = unit.criteria if unit is not None else None
    confirmed = unit is not None and unit.status in CONFIRMED
    mark = "" if confirmed else unconfirmed_mark()
    return UnitView(
        confirmed=confirmed, mark=mark, heading=f"{name}（{code}）{mark}",
        confirmation=confirmation(text_of(unit.confirmed_by) if unit else "", text_of(unit.confirmed_on) if unit else ""),
        # filled in by hand when the table is signed: blanks as wide as a name and a date
        signature=[(tr("填报单位（盖章）", "Unit (seal)"), name), (tr("负责人", "Person in charge"), "　" * 6),
                   (tr("填报日期", "Date"), tr("　　　　年　　月　　日", "____-__-__"))],
        index=index, code=code, name=name, anchor=f"unit-{index + 1}",
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
            note=text_of(i.note), repealed=i.kind is InstitutionKind.REPEALED) for i in wb.institutions],
        alerts=[AlertRow(
            id=text_of(a.id), date=text_of(a.date), grade=text_of(a.grade), risk_id=text_of(a.risk),
            risk=text_of(wb.risks_by_id[a.risk].description) if a.risk in wb.risks_by_id else "",
            channel=text_of(a.channel), action=text_of(a.action), detail=text_of(a.detail),
            result=text_of(a.result)) for a in wb.alerts],
        coverage=coverage_row(name, cov),
        workbook=wb,
        revision=item.revision,
    )


def _count_table(title: str, units: list[UnitView], tallies: list[list[Tally]], unknown: str) -> CountTable:
    """Risk points of each unit by one dimension: the tallies of its coverage, "unknown" last when any."""
    names = [t.key for t in tallies[0]] if tallies else []
    names = [k for k in names if k is not None]
    if any(t.key is None and t.risks for ts in tallies for t in ts):
        names.append(None)
    rows = []
    totals = [0] * len(names)
    for u, ts in zip(units, tallies, strict=True):
        counts = {t.key: t.risks for t in ts}
        row = [counts.get(n, 0) for n in names]
        totals = [a + b for a, b in zip(totals, row, strict=True)]
        rows.append((u.name, row, sum(row)))
    return CountTable(title, [unknown if n is None else n for n in names], rows, totals, sum(totals))


def _sum_rows(name: str, rows: list[CoverageRow]) -> CoverageRow:
    total = CoverageRow(name=name)
    for row in rows:
        for f in ("powers", "powers_with_risk", "risks", "risks_covered", "high", "high_all_phases", "powers_with_flow",
                  "risks_on_chart", "measures", "measures_done", "institutions", "alerts"):
            setattr(total, f, getattr(total, f) + getattr(row, f))
    total.rate = percent(total.risks_covered, total.risks)
    total.done_rate = percent(total.measures_done, total.measures)
    return total


def statistics(units: list[UnitView], covs: list[UnitCoverage] | None = None) -> Statistics:
    """Risk points by unit × level, category and tier; levels × categories; coverage per unit.

    Every count comes from the units' ``compute_coverage``, so the handbook and ``lianfang
    coverage`` cannot disagree.
    """
    covs = covs if covs is not None else [compute_coverage(u.workbook) for u in units]
    # a tier column for every tier, then the risk points on no (known) post
    tiers = _count_table(tr("按岗位层次", "by post tier"), units, [c.by_tier for c in covs], NO_POST)
    if NO_POST not in tiers.columns:
        tiers.columns.append(NO_POST)
        tiers.rows = [(name, [*row, 0], total) for name, row, total in tiers.rows]
        tiers.totals.append(0)
    levels = [lv.value for lv in RiskLevel]
    all_rows = [rc for c in covs for rc in c.rows]
    cross_rows = []
    cross_totals = [0] * len(levels)
    for cat in (*RiskCategory, None):
        rs = [rc.risk for rc in all_rows if rc.risk.category is cat]
        if cat is None and not rs:
            continue
        row = [sum(1 for r in rs if r.level is lv) for lv in RiskLevel]
        cross_totals = [a + b for a, b in zip(cross_totals, row, strict=True)]
        cross_rows.append((text_of(cat) or UNFILLED, row, len(rs)))
    return Statistics(
        by_level=_count_table(tr("按风险等级", "by risk level"), units, [c.by_level for c in covs], UNFILLED),
        by_category=_count_table(tr("按风险类别", "by risk category"), units, [c.by_category for c in covs], UNFILLED),
        by_tier=tiers,
        level_by_category=CountTable(tr("风险类别 × 风险等级（全系统）", "category × level (all units)"), levels,
                                     cross_rows, cross_totals, len(all_rows)),
        coverage=[(u.name, u.coverage) for u in units],
        coverage_total=_sum_rows(tr("合计", "Total"), [u.coverage for u in units]),
    )


@dataclass
class _Counted:
    """What ``statistics`` reads of a unit's view."""

    name: str
    coverage: CoverageRow


def unit_statistics(workbooks: list[Workbook]) -> Statistics:
    """The statistics ``build_context`` gives these units, from the units alone: a build knows
    them right after reading (and draws their charts meanwhile), before the rest of the view."""
    covs = [compute_coverage(wb) for wb in workbooks]
    counted = []
    for i, (wb, cov) in enumerate(zip(workbooks, covs, strict=True)):
        name = unit_name(i, wb)
        counted.append(_Counted(name, coverage_row(name, cov)))
    return statistics(counted, covs)  # type: ignore[arg-type]  # only name and coverage are read


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
    covs = [compute_coverage(u.workbook) for u in units]
    views = [unit_view(i, u, c) for i, (u, c) in enumerate(zip(units, covs, strict=True))]
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
        documents=documents or {}, statistics=statistics(views, covs), findings=findings, tool=tool,
    )
