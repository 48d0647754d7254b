"""``lianfang coverage --format text``: each risk point with its measures by phase, then the figures.

The figures come from ``lianfang.coverage.compute_coverage``; the tables of figures and the texts
here are shared with the printable sheet (report/coverage_xlsx.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len

from lianfang.coverage import percent
from lianfang.i18n import current_lang, tr
from lianfang.model.vocab import Phase
from lianfang.report import RenderOptions
from lianfang.report.style import paint_for, section_number, shown

if TYPE_CHECKING:
    from lianfang.coverage import Coverage, RiskCoverage
    from lianfang.model.workbook import Measure



GROUP_TITLES = {
    "tier": (("按岗位层次", "By post tier"), ("岗位层次", "tier"), ("（未关联岗位）", "(no post)")),
    "level": (("按风险等级", "By risk level"), ("风险等级", "level"), ("（等级未填）", "(no level)")),
    "department": (("按部门", "By department"), ("部门", "department"), ("（未明确）", "(unknown)")),
    "category": (("按风险类别", "By risk category"), ("风险类别", "category"), ("（类别未填）", "(no category)")),
}


def _pick(pair: tuple[str, str]) -> str:
    return pair[1] if current_lang() == "en" else pair[0]


def aligned(headers: list[str], rows: list[list[str]], right_from: int = 1) -> list[str]:
    """Columns padded by display width (a CJK character is two cells); numbers right-aligned."""
    widths = [max(cell_len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    out = []
    for r in [headers, *rows]:
        cells = []
        for i, text in enumerate(r):
            pad = " " * (widths[i] - cell_len(text))
            cells.append(pad + text if i >= right_from else text + pad)
        out.append("  ".join(cells).rstrip())
    return out


def coverage_figures(cov: Coverage) -> list[tuple[str, list[str], list[list[str]]]]:
    """The four tables of figures as (title, headers, rows) — shared by text and xlsx."""
    tables = []
    for key, tallies in cov.groups:
        title, column, unknown = GROUP_TITLES[key]
        headers = [_pick(column), tr("风险点", "risks"), tr("已有措施", "answered"), tr("覆盖率", "rate"),
                   tr("高风险点", "高 risks"), tr("三阶段齐全", "all 3 phases")]
        rows = [[t.key if t.key is not None else _pick(unknown), str(t.risks), str(t.answered),
                 percent(t.answered, t.risks), str(t.high), str(t.high_full)] for t in tallies]
        tables.append((_pick(title), headers, rows))
    return tables


def coverage_title(cov: Coverage) -> str:
    name = cov.unit_name or cov.unit_code or ""
    code = tr("（{c}）", " ({c})", c=cov.unit_code) if cov.unit_code and cov.unit_name else ""
    year = tr("{y}年度", " {y}", y=cov.year) if cov.year else ""
    return tr("{n}{c}{y}风险点“一对一”防控措施覆盖情况", "{n}{c}{y}: one-to-one coverage of risk points by measures",
              n=name, c=code, y=year)


def coverage_summary(cov: Coverage) -> str:
    t = cov.total
    return tr("风险点 {r} 个，已制定措施 {a} 个（{p}），未覆盖 {u} 个；高风险点 {h} 个，三个阶段措施齐全 {f} 个。",
              "{r} risk points, {a} with measures ({p}), {u} uncovered; {h} 高 risk points, {f} with all three phases.",
              r=t.risks, a=t.answered, p=percent(t.answered, t.risks), u=t.risks - t.answered, h=t.high, f=t.high_full)


def measure_text(m: Measure) -> str:
    extra = [x for x in (m.owner, getattr(m.status, "value", None)) if x]
    text = f"{m.id} {m.description or ''}".rstrip()
    return text + (tr("（{x}）", " ({x})", x=tr("，", ", ").join(extra)) if extra else "")


def risk_heading(rc: RiskCoverage) -> str:
    r = rc.risk
    parts = [rc.label, getattr(r.level, "value", None) or "?", getattr(r.category, "value", None) or "?"]
    where = []
    for record, ref in ((rc.power, r.power), (rc.post, r.post)):
        if record is not None:
            where.append(tr("{n}（{i}）", "{n} ({i})", n=record.name or "", i=record.id))
        elif ref:
            where.append(ref)
    return "  ".join(parts) + ("  " + " · ".join(where) if where else "")


def orphan_note(cov: Coverage) -> str:
    return tr("另有 {n} 条措施对应的风险点不存在：{m}。", "{n} measure(s) name a risk point that does not exist: {m}.",
              n=len(cov.orphan_measures),
              m=tr("、", ", ").join(tr("{i}（{r}）", "{i} ({r})", i=m.id, r=m.risk) for m in cov.orphan_measures))


def render_coverage(cov: Coverage, options: RenderOptions) -> str:
    paint = paint_for(options.color)
    lines = [paint(coverage_title(cov), "bold"), "", shown(coverage_summary(cov)), "",
             paint(section_number(1) + tr('风险点及其防控措施（未覆盖的排在前面）', 'Risk points and their measures (uncovered first)'), "bold")]
    if not cov.rows:
        lines.append("  " + tr("（没有风险点）", "(no risk points)"))
    for rc in cov.rows:
        mark = "" if rc.covered else paint(tr('【未覆盖】', '[UNCOVERED] '), "bold red")
        lines.append(f"  {mark}{shown(risk_heading(rc))}")
        lines.append("      " + shown(tr("风险：{d}", "risk: {d}", d=rc.risk.description or "")))
        phases: list[Phase | None] = list(Phase) + ([None] if rc.by_phase(None) else [])
        for phase in phases:
            label = phase.value if phase is not None else tr("阶段未填", "no phase")
            measures = rc.by_phase(phase)
            for text in [measure_text(m) for m in measures] or ["—"]:
                lines.append("      " + shown(tr("{l}：{t}", "{l}: {t}", l=label, t=text)))
    lines += ["", paint(section_number(2) + tr('覆盖统计', 'Figures'), "bold")]
    for title, headers, rows in coverage_figures(cov):
        lines += ["", "  " + paint(title, "bold")]
        lines += ["    " + shown(line) for line in aligned(headers, rows)]
    if cov.orphan_measures:
        lines += ["", shown(orphan_note(cov))]
    return "\n".join(lines) + "\n"
