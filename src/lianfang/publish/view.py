"""The public view of one unit: a filtered copy of its workbook, then plain rows for the pages.

Filtering happens on the model first (``public_workbook``), so the flowcharts drawn for the page are
drawn from the public copy too: a phone number or a holder's name cannot reach a chart's 办事指南
panel or tooltip.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lianfang.i18n import tr
from lianfang.model.vocab import FlowKind, Phase, UnitStatus
from lianfang.model.workbook import Workbook

PHASES = tuple(Phase)


def public_workbook(wb: Workbook, fields: frozenset[str]) -> Workbook:
    """A copy of ``wb`` without personal data, internal notes or fields the configuration hides."""
    pub = wb.model_copy(deep=True)
    pub.unit.contact = None
    pub.unit.phone = None
    for p in pub.posts:
        p.holders = []
        p.since = None
        p.note = None
    for p in pub.powers:
        p.note = None
    for r in pub.risks:
        r.review_note = None
        r.note = None
        r.found_by = []
        if "risk.level" not in fields:
            r.level = None  # nor on a chart: no ▲FX-03 高, no box shaded by its level
    for m in pub.measures:
        m.note = None
        if "measure.owner" not in fields:
            m.owner = None
        if "measure.due" not in fields:
            m.due = None
    for f in pub.flows:
        f.note = None
        if "guide.phone" not in fields:
            f.phone = None
        for s in f.steps:
            s.note = None
    for i in pub.institutions:
        i.note = None
    pub.alerts = []
    return pub


@dataclass
class PublicMeasure:
    phase: str
    description: str
    owner: str | None
    due: str | None
    status: str | None

    def text(self) -> str:
        """The measure as one line: 阶段：内容 and the optional fields asked for."""
        return ((f"{self.phase}：" if self.phase else "") + self.description
                + (f"（{tr('责任人', 'owner')}：{self.owner}）" if self.owner else "")
                + (f"（{tr('完成时限', 'due')}：{self.due}）" if self.due else "")
                + (f"（{self.status}）" if self.status else ""))


@dataclass
class PublicRisk:
    seq: int
    id: str
    department: str | None
    post: str | None
    power: str | None
    level: str | None
    category: str | None
    description: str | None
    measures: list[PublicMeasure] = field(default_factory=list)


@dataclass
class PublicChartPage:
    """One page of an external flow's chart: a chart too long for one A4 page is split over pages
    (docs/flowchart.md "Pages"), and every page is published, in order."""

    caption: str  # 医疗机构执业许可外部流程图, with （第2/3页） on a page of a split chart
    svg: str | None = None  # the page as inline SVG that lianfang made (the HTML page)
    png: Path | None = None  # the page as PNG (the Word version embeds it) ...
    svg_file: Path | None = None  # ... with this SVG as its vector twin


@dataclass
class PublicGuide:
    """One external flow's 办事指南 and, when drawn, its chart (every page of it)."""

    id: str
    title: str
    rows: list[tuple[str, str]]
    supervision: list[str]
    charts: list[PublicChartPage] = field(default_factory=list)


@dataclass
class PublicUnit:
    code: str
    name: str
    year: int | None
    confirmed: bool
    criteria: list[tuple[str, str]]
    risks: list[PublicRisk]
    guides: list[PublicGuide]
    supervision: list[str]
    file_stem: str = ""


def _text(value) -> str | None:
    if value is None:
        return None
    value = getattr(value, "value", value)
    return str(value)


def public_unit(pub: Workbook, fields: frozenset[str], charts: dict[str, list[str]], labels,
                pictures: dict[str, list[tuple[Path, Path | None]]] | None = None) -> PublicUnit:
    """The page's rows from a public workbook; ``charts`` maps an external flow's ID to its chart's
    SVG text, ``pictures`` to its PNG and SVG files: one entry a page, in order."""
    posts, powers = pub.posts_by_id, pub.powers_by_id
    by_risk = pub.measures_by_risk
    risks = []
    for seq, r in enumerate(pub.risks, 1):
        post = posts.get(r.post) if r.post else None
        power = powers.get(r.power) if r.power else None
        measures = sorted(by_risk.get(r.id, ()), key=lambda m: PHASES.index(m.phase) if m.phase in PHASES else 9)
        risks.append(PublicRisk(
            seq=seq, id=r.id or "",
            department=post.department if post and "risk.department" in fields else None,
            post=post.name if post and "risk.post" in fields else None,
            power=power.name if power and "risk.power" in fields else None,
            level=_text(r.level) if "risk.level" in fields else None,
            category=_text(r.category) if "risk.category" in fields else None,
            description=r.description if "risk.description" in fields else None,
            measures=[PublicMeasure(
                phase=_text(m.phase) if "measure.phase" in fields else "",
                description=m.description or "",
                owner=m.owner if "measure.owner" in fields else None,
                due=_text(m.due) if "measure.due" in fields else None,
                status=_text(m.status) if "measure.status" in fields else None,
            ) for m in measures if "measure.description" in fields],
        ))
    guides = []
    supervision: list[str] = []
    for f in pub.flows:
        if f.kind is not FlowKind.EXTERNAL:
            continue
        power = powers.get(f.power)
        values = (
            ("guide.subject", "subject", f.subject or (power.subject if power else None)),
            ("guide.basis", "basis", f.basis or (power.basis if power else None)),
            ("guide.materials", "materials", f.materials),
            ("guide.time_limit", "time_limit", power.time_limit if power else None),
            ("guide.place", "place", f.place),
            ("guide.fee", "fee", f.fee),
            ("guide.phone", "phone", f.phone),
        )
        rows = [(labels[label], "、".join(value) if isinstance(value, list) else str(value))
                for key, label, value in values if key in fields and value]
        lines = list(f.supervision) if "guide.supervision" in fields else []
        supervision += [s for s in lines if s not in supervision]
        title = f.name or (power.name if power else f.id)
        svgs = charts.get(f.id, []) if "guide.chart" in fields else []
        files = (pictures or {}).get(f.id, []) if "guide.chart" in fields else []
        guides.append(PublicGuide(id=f.id, title=title, rows=rows, supervision=lines,
                                  charts=_chart_pages(title, svgs, files)))
    unit = pub.unit
    crit = unit.criteria
    criteria = [(lv, text) for lv, text in (("高", crit.high), ("中", crit.medium), ("低", crit.low)) if text]
    return PublicUnit(
        code=unit.code or "", name=unit.name or unit.code or "", year=unit.year,
        confirmed=unit.status in (UnitStatus.CONFIRMED, UnitStatus.PUBLISHED),
        criteria=criteria, risks=risks, guides=guides, supervision=supervision,
    )


def _chart_pages(title: str, svgs: list[str], files: list[tuple[Path, Path | None]]) -> list[PublicChartPage]:
    """The pages of a flow's chart, captioned ``…流程图（第2/3页）`` when there are several."""
    from lianfang.handbook.view import chart_pages

    name = title + ("图" if title.endswith("流程") else tr("外部流程图", " (external flowchart)"))
    return [PublicChartPage(caption=name + page.caption,
                            svg=svgs[page.number - 1] if page.number <= len(svgs) else None,
                            png=files[page.number - 1][0] if page.number <= len(files) else None,
                            svg_file=files[page.number - 1][1] if page.number <= len(files) else None)
            for page in chart_pages(svgs, [str(png) for png, _svg in files])]


RISK_COLUMNS = (("department", "部门", "Department"), ("post", "岗位", "Post"), ("power", "职权", "Power"),
                ("level", "风险等级", "Level"), ("category", "风险类别", "Category"), ("description", "风险描述", "Risk"))


def risk_columns(fields: frozenset[str]) -> list[tuple[str, str]]:
    """(PublicRisk attribute, header) of the risk table's public columns between 序号 and 防控措施."""
    return [(key, tr(zh, en)) for key, zh, en in RISK_COLUMNS if f"risk.{key}" in fields]
