"""Charts on paper: the page a chart is fitted to, and a chart too long for one page split over several.

A chart is printed on A4 (or A3) with 20 mm margins, portrait or landscape — whichever lets it be
printed larger — and never enlarged. Its text is ``dot.TEXT_PT``; fitted to the page it must stay
at least ``MIN_TEXT_PT`` (8 pt), else the flow is split by rank into pages joined by connector
marks (①→ at the foot of one page, →① at the top of the next), as printed flowcharts do.
The risk table is cut into pages of whole rows the same way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from lianfang.flowchart.dot import TEXT_PT, Part
from lianfang.flowchart.graph import Chart, step_ranks

MM = 72 / 25.4
MARGIN = 20 * MM
MIN_TEXT_PT = 8.0


class PageSize(StrEnum):
    A4 = "a4"
    A3 = "a3"
    NONE = "none"  # the chart's own size, never split
    # a chart's room on an A4 page of the Word handbooks (handbook.docx, 公示.docx): the GB/T 9704
    # text area less the flow's headings. Charts made for the A4 printable area printed there at
    # 0.74-0.92 of their size (7.1-7.5 pt); lianfang's own outputs use it, it is no --page choice
    HANDBOOK = "handbook"


CHOICES = (PageSize.A4, PageSize.A3, PageSize.NONE)  # what --page offers
PAPER = {PageSize.A4: (210 * MM, 297 * MM), PageSize.A3: (297 * MM, 420 * MM),
         PageSize.HANDBOOK: (210 * MM, 297 * MM)}  # the sheet, portrait, pt
# the Word handbook's page (handbook.docx_reference.MARGINS: 37/35/28/26 mm) less the room kept for
# a flow's headings above its chart (handbook.docx.CHART_RESERVE, 2000 twips); a test holds them equal
HANDBOOK_TEXT = (156 * MM, 225 * MM)  # portrait text area; a landscape section has 225 x 156 mm
HANDBOOK_RESERVE = 2000 / 20  # pt


def areas(page: PageSize) -> tuple[tuple[float, float], tuple[float, float]]:
    """The room for a chart, portrait and landscape, (width, height) in pt."""
    if page is PageSize.HANDBOOK:
        w, h = HANDBOOK_TEXT
        return (w, h - HANDBOOK_RESERVE), (h, w - HANDBOOK_RESERVE)
    pw, ph = PAPER[page]
    aw, ah = pw - 2 * MARGIN, ph - 2 * MARGIN
    return (aw, ah), (ah, aw)


@dataclass(frozen=True, slots=True)
class Fit:
    """How a drawing of ``width`` × ``height`` pt goes on the page: scaled by ``scale`` (<= 1)."""

    scale: float
    landscape: bool
    paper: tuple[float, float]  # the sheet as placed (landscape: wide), pt

    @property
    def text_pt(self) -> float:
        """The chart's text as printed."""
        return TEXT_PT * self.scale


def fit(width: float, height: float, page: PageSize) -> Fit:
    """Portrait or landscape, whichever prints the drawing larger (portrait on a tie)."""
    if page is PageSize.NONE:
        return Fit(1.0, False, (width, height))
    pw, ph = PAPER[page]
    (aw, ah), (lw, lh) = areas(page)
    upright = min(1.0, aw / width, ah / height)
    turned = min(1.0, lw / width, lh / height)
    if turned > upright + 1e-9:
        return Fit(turned, True, (ph, pw))
    return Fit(upright, False, (pw, ph))


def readable(width: float, height: float, page: PageSize) -> bool:
    """Whether the drawing fits the page with its text at >= 8 pt."""
    return page is PageSize.NONE or fit(width, height, page).text_pt >= MIN_TEXT_PT - 1e-6


def split(chart: Chart, pages: int) -> list[Part]:
    """``chart`` cut into ``pages`` parts of whole rows, as equal as the rows allow."""
    rank = step_ranks(chart)
    rows = max(rank.values()) + 1
    pages = max(1, min(pages, rows))
    bounds = [math.floor(i * rows / pages) for i in range(pages + 1)]
    groups = [frozenset(k for k, r in rank.items() if bounds[i] <= r < bounds[i + 1]) for i in range(pages)]
    groups = [g for g in groups if g]
    where = {k: i for i, g in enumerate(groups) for k in g}
    marks: dict[str, int] = {}
    for n in chart.nodes:  # numbered in the workbook's order of steps
        if any(e.head == n.key and where[e.tail] != where[n.key] for e in chart.edges):
            marks[n.key] = len(marks) + 1
    return [Part(i + 1, len(groups), g, marks) for i, g in enumerate(groups)]


def table_pages(lines: list[int], capacity: int) -> list[slice]:
    """Rows (their line counts) cut into pages of at most ``capacity`` lines, whole rows only."""
    out: list[slice] = []
    start, used = 0, 0
    for i, n in enumerate(lines):
        if used and used + n > capacity:
            out.append(slice(start, i))
            start, used = i, 0
        used += n
    out.append(slice(start, len(lines)))
    return out
