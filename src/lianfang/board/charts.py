"""Pictures of the board: risk points by level and by category, rates, and the campaign's phases.

Drawn with matplotlib (imported only here, only when a picture is asked for) in the shared palette,
as SVG for HTML and Word and as PNG for Excel and Markdown. SVG text stays text (searchable, read by
screen readers and print checks), naming the CJK fonts of Windows, macOS and Linux in turn; files
are reproducible (no date, a fixed id salt).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import cache

from lianfang.board.campaign import PhaseState
from lianfang.board.status import CATEGORIES, LEVELS, Board
from lianfang.i18n import tr
from lianfang.palette import HEADER_FILL, LANE_BORDER, LEVEL_FILL, LEVEL_INK, MUTED_INK, css

# fonts tried in order: Windows/WPS names first, then what Debian's packages install
CJK_FONTS = ("Microsoft YaHei", "SimHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
             "WenQuanYi Zen Hei", "Noto Serif CJK SC")
# grey steps for the five categories: distinct when printed in black and white
CATEGORY_FILLS = ("404040", "737373", "A6A6A6", "CCCCCC", "EDEDED")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
STATE_FILL = {
    PhaseState.DONE: LEVEL_FILL["低"], PhaseState.DONE_LATE: LEVEL_FILL["中"], PhaseState.ON_TIME: "FFFFFF",
    PhaseState.LATE: LEVEL_FILL["高"], PhaseState.NOT_STARTED: HEADER_FILL,
}


@dataclass(frozen=True)
class UnitFigures:
    """What the per-unit charts show of one unit; the board and the handbook's statistics both make these."""

    label: str
    levels: dict[str, int]  # 高/中/低 -> risk points
    categories: dict[str, int]  # the five categories -> risk points
    coverage: float | None  # risk points with a measure / risk points
    done: float | None  # measures 已落实 / measures


@dataclass(frozen=True)
class Picture:
    """One chart: a name for files, a title for people, and both renderings."""

    name: str
    title: str
    svg: str
    png: bytes


@cache
def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager, pyplot

    installed = {f.name for f in font_manager.fontManager.ttflist}
    fonts = [f for f in CJK_FONTS if f in installed] or ["DejaVu Sans"]
    pyplot.rcParams.update({
        "font.family": "sans-serif", "font.sans-serif": fonts, "font.size": 9,
        "axes.unicode_minus": False, "svg.fonttype": "none", "svg.hashsalt": "lianfang",
        "axes.spines.top": False, "axes.spines.right": False, "axes.edgecolor": css(LANE_BORDER),
    })
    return pyplot


def _save(fig, name: str, title: str) -> Picture:
    plt = _pyplot()
    svg = io.StringIO()
    fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=200, metadata={"Software": None}, bbox_inches="tight")
    plt.close(fig)
    # the XML prologue, DOCTYPE and comments (matplotlib writes each label there) stay out of a page
    text = _FONT_FAMILY.sub(lambda m: "font-family: " + SVG_FONTS + m.group(1), strip_svg(svg.getvalue()))
    return Picture(name, title, text, png.getvalue())


# the fonts an SVG's text asks for, before the one matplotlib measured with
_FONT_FAMILY = re.compile(r"font-family: ([^;\"]+)")
SVG_FONTS = "'Microsoft YaHei', 'PingFang SC', 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', "


def strip_svg(text: str) -> str:
    """An SVG file's text as it can stand inline in HTML: from ``<svg`` on, without comments."""
    return _COMMENT.sub("", text[text.index("<svg"):])


def _height(n: int) -> float:
    return max(1.6, 0.38 * n + 0.9)


def levels_chart(rows: list[UnitFigures]) -> Picture:
    plt = _pyplot()
    labels = [r.label for r in rows][::-1]
    fig, ax = plt.subplots(figsize=(6.3, _height(len(rows))))
    left = [0] * len(rows)
    for level in LEVELS:
        values = [r.levels.get(level, 0) for r in rows][::-1]
        bars = ax.barh(labels, values, left=left, color=css(LEVEL_FILL[level]), edgecolor=css(LEVEL_INK[level]),
                       linewidth=0.6, label=tr(f"{level}风险", {"高": "high", "中": "medium", "低": "low"}[level]))
        ax.bar_label(bars, labels=[str(v) if v else "" for v in values], label_type="center", fontsize=8,
                     color=css(LEVEL_INK[level]))
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_xlabel(tr("风险点数", "risk points"))
    ax.legend(loc="lower right", frameon=False, ncols=3, fontsize=8, bbox_to_anchor=(1, 1.0))
    title = tr("各单位风险点（按等级）", "Risk points by level")
    return _save(fig, "levels", title)


def categories_chart(rows: list[UnitFigures]) -> Picture:
    plt = _pyplot()
    labels = [r.label for r in rows][::-1]
    fig, ax = plt.subplots(figsize=(6.3, _height(len(rows))))
    left = [0] * len(rows)
    for category, fill in zip(CATEGORIES, CATEGORY_FILLS, strict=True):
        values = [r.categories.get(category, 0) for r in rows][::-1]
        ink = "FFFFFF" if fill in CATEGORY_FILLS[:2] else "000000"
        bars = ax.barh(labels, values, left=left, color=css(fill), edgecolor="#000000", linewidth=0.4, label=category)
        ax.bar_label(bars, labels=[str(v) if v else "" for v in values], label_type="center", fontsize=8, color=css(ink))
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_xlabel(tr("风险点数", "risk points"))
    ax.legend(loc="lower right", frameon=False, ncols=5, fontsize=8, bbox_to_anchor=(1, 1.0))
    return _save(fig, "categories", tr("各单位风险点（按类别）", "Risk points by category"))


def rates_chart(rows: list[UnitFigures]) -> Picture:
    plt = _pyplot()
    labels = [r.label for r in rows][::-1]
    fig, ax = plt.subplots(figsize=(6.3, _height(len(rows) * 1.6)))
    ys = range(len(rows))
    cover = [100 * (r.coverage or 0) for r in rows][::-1]
    done = [100 * (r.done or 0) for r in rows][::-1]
    b1 = ax.barh([y + 0.2 for y in ys], cover, height=0.38, color=css("737373"), label=tr("一对一覆盖率", "one-to-one coverage"))
    b2 = ax.barh([y - 0.2 for y in ys], done, height=0.38, color=css("CCCCCC"), edgecolor="#000000", linewidth=0.4,
                 label=tr("措施落实率", "measures done"))
    ax.bar_label(b1, fmt="%.0f%%", fontsize=8, padding=2)
    ax.bar_label(b2, fmt="%.0f%%", fontsize=8, padding=2)
    ax.set_yticks(list(ys), labels)
    ax.set_xlim(0, 112)
    ax.set_xlabel("%")
    ax.legend(loc="lower right", frameon=False, ncols=2, fontsize=8, bbox_to_anchor=(1, 1.0))
    return _save(fig, "rates", tr("覆盖率与措施落实率", "Coverage and implementation rates"))


def campaign_chart(board: Board) -> Picture:
    """A Gantt-like view: each phase's window, today's line, and how many units are done or late."""
    import matplotlib.dates as mdates

    plt = _pyplot()
    phases = board.phases
    fig, ax = plt.subplots(figsize=(7.2, _height(len(phases))))
    names = [p.name for p in phases][::-1]
    for y, (i, p) in zip(range(len(phases) - 1, -1, -1), enumerate(phases), strict=True):
        counts = board.phase_counts(i)
        done = counts[PhaseState.DONE] + counts[PhaseState.DONE_LATE]
        late = counts[PhaseState.LATE]
        width = (p.end - p.start).days + 1
        fill = LEVEL_FILL["高"] if late else LEVEL_FILL["低"] if done == len(board.rows) and board.rows else HEADER_FILL
        ax.barh(y, width, left=mdates.date2num(p.start), height=0.55, color=css(fill), edgecolor="#000000", linewidth=0.5)
        note = tr("完成 {d}/{n}", "done {d}/{n}", d=done, n=len(board.rows)) + (tr("，逾期 {l}", ", late {l}", l=late) if late else "")
        ax.text(mdates.date2num(p.end) + 2, y, note, va="center", fontsize=8)
    ax.axvline(mdates.date2num(board.as_of), color=css(MUTED_INK), linestyle="--", linewidth=1)
    ax.text(mdates.date2num(board.as_of), len(phases) - 0.4, tr("截至 {d}", "as of {d}", d=board.as_of.isoformat()),
            fontsize=8, color=css(MUTED_INK), ha="center")
    ax.set_yticks(range(len(phases)), names)
    ax.xaxis.set_major_locator(mdates.MonthLocator(interval=2))
    ax.xaxis.set_major_formatter(mdates.DateFormatter(tr("%Y年%-m月", "%b %Y")))
    lo = min([p.start for p in phases] + [board.as_of])
    hi = max([p.end for p in phases] + [board.as_of])
    ax.set_xlim(mdates.date2num(lo) - 5, mdates.date2num(hi) + 60)
    fig.autofmt_xdate(rotation=0, ha="center")
    return _save(fig, "campaign", tr("工作阶段进度", "Campaign phases"))


def unit_pictures(rows: list[UnitFigures]) -> list[Picture]:
    """Risk points by level and by category, and the rates, over some units (none without units)."""
    return [levels_chart(rows), categories_chart(rows), rates_chart(rows)] if rows else []


def board_pictures(board: Board) -> list[Picture]:
    """Every picture of a board (the campaign first: it is what the office looks at)."""
    rows = [UnitFigures(r.label, r.levels, r.categories, r.coverage_rate, r.done_rate) for r in board.rows if r.readable]
    return [campaign_chart(board), *unit_pictures(rows)]
