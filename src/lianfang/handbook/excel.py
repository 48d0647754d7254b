"""The Excel handbook (``handbook.xlsx``): the tables of every unit on sheets ready to print.

Sheets: 目录 (links to every other sheet), 职权目录, one 岗位权力行使风险防控一览表 per unit
(``一览表-CHWSJ``), 风险统计, 流程清单, 流程图 (one picture per flow), 制度, 预警处置, and 校验问题
when the build was forced despite errors. Every text cell is written with ``set_text``, so no
workbook value ever becomes a formula; the level fills are ``lianfang.palette``'s.

Printing is decided here, not left to the spreadsheet program (see docs/handbook.md, "Excel"):

- No vertical merge crosses a page break, so a merged cell's text is never printed on one page
  only. The 一览表 is paginated by this module: every row gets an explicit height and the sheet
  is fitted to the page width, so the largest scale a program may print it at — and with it the
  rows an A4 page holds — is known; the page breaks are set as manual row breaks. A risk point's rows (one per phase) are never split across pages; the
  部门/岗位/职权 of a page's first row are written again, marked （续）, when their group began on
  the page before; the unit's name is in the title row, repeated with the header on every page;
  the 填报单位（盖章）/负责人/填报日期 line is kept with the unit's last risk point.
- The other list sheets merge nothing: the unit is named on every row, and one record is one row.
- Headers are wrapped by this module, never leaving a closing bracket alone on a line.
"""

from __future__ import annotations

import io
import math
import struct
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook as XlsxWorkbook
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from lianfang import palette
from lianfang.handbook import excel_cache
from lianfang.handbook.excel_cache import SheetCache
from lianfang.handbook.reproducible import ReproducibleZip
from lianfang.handbook.view import HandbookContext, PowerList, RiskRow, UnitView, coverage_headers
from lianfang.i18n import tr
from lianfang.io.excel_print import MARGIN_SIDE, MARGIN_TOP_BOTTOM, print_on_a4
from lianfang.io.excel_text import set_text

DEFAULT_FONT = "宋体"
LINE_HEIGHT = 13.5  # points per line of 10-point text
ROW_PADDING = 4
TITLE_ROW = 1
HEADER_ROW = 2
FIRST_DATA_ROW = 3
TITLE_HEIGHT = 28.0

# A4 landscape in points (the margins set on every sheet are io.excel_print's)
PAGE_WIDTH, PAGE_HEIGHT = 841.89, 595.28
# what is left for rows on a page is reduced by this share, against rounding in the program
PAGE_SLACK = 0.06
CONTINUED = "\n（续）"  # on a line of its own: a narrow column never wraps it into a lone ）


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    center: bool = False


def sheet_names() -> dict[str, str]:
    """The sheets of the handbook by key, in the current language."""
    return {
        "contents": tr("目录", "Contents"),
        "powers": tr("职权目录", "Powers"),
        "table": tr("岗位权力行使风险防控一览表", "Risk prevention table"),
        "table_unit": tr("一览表", "Table"),
        "statistics": tr("风险统计", "Statistics"),
        "statistics_charts": tr("统计图", "Charts"),
        "revisions": tr("调整修正情况", "Revisions"),
        "flows": tr("流程清单", "Flows"),
        "charts": tr("流程图", "Flowcharts"),
        "institutions": tr("制度", "Institutions"),
        "alerts": tr("预警处置", "Alerts"),
        "findings": tr("校验问题", "Findings"),
    }


class _Styles:
    """Named styles, registered once: assigning a name is much faster than building styles per cell.

    ``styles[key]`` is the registered style's array, what ``cell.style = name`` copies into the
    cell after looking the name up in the workbook's list (a linear search, a third of the time
    of writing a cell): ``_put`` copies it without the search, the same bytes."""

    def __init__(self, wb: XlsxWorkbook, font: str):
        thin = Side(style="thin", color=palette.BORDER)
        border = Border(left=thin, right=thin, top=thin, bottom=thin)
        wrap = Alignment(wrap_text=True, vertical="center")
        center = Alignment(wrap_text=True, vertical="center", horizontal="center")
        self.names: dict[str, str] = {}

        self.arrays: dict[str, StyleArray] = {}

        def add(name: str, **kw: Any) -> None:
            style = NamedStyle(name=f"lf_{name}", **kw)
            wb.add_named_style(style)
            self.names[name] = style.name
            self.arrays[name] = style.as_tuple()  # kept up to date by openpyxl, copied into each cell

        add("title", font=Font(name=font, size=14, bold=True), alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))
        add("subtitle", font=Font(name=font, size=10), alignment=Alignment(horizontal="left", vertical="center"))
        add("header", font=Font(name=font, size=10, bold=True), border=border, alignment=center,
            fill=PatternFill("solid", fgColor=palette.HEADER_FILL))
        add("cell", font=Font(name=font, size=10), border=border, alignment=wrap)
        add("center", font=Font(name=font, size=10), border=border, alignment=center)
        add("link", font=Font(name=font, size=10, color=palette.LINK_INK, underline="single"), border=border, alignment=wrap)
        add("total", font=Font(name=font, size=10, bold=True), border=border, alignment=center)
        add("block", font=Font(name=font, size=11, bold=True), alignment=Alignment(horizontal="left", vertical="center"))
        add("sign", font=Font(name=font, size=10), alignment=Alignment(horizontal="left", vertical="center"))
        for level, fill in palette.LEVEL_FILL.items():
            add(f"level{level}", font=Font(name=font, size=10, bold=True, color=palette.LEVEL_INK[level]), border=border,
                alignment=center, fill=PatternFill("solid", fgColor=fill))
        # each in the workbook's list of cell styles now, in this order, not when a sheet first uses it:
        # so a cell's style id does not depend on which sheets came before (excel_cache reuses sheets)
        for array in self.arrays.values():
            wb._cell_styles.add(copy(array))
        self.base = list(wb._cell_styles)

    def __getitem__(self, key: str) -> StyleArray:
        return self.arrays[key]


class _Sheet:
    """One table sheet: title, header, rows, merges and print set-up."""

    def __init__(self, ws: Worksheet, styles: _Styles, title: str, columns: Sequence[Column], *, header: bool = True):
        self.ws = ws
        self.styles = styles
        self.columns = columns
        self.row = FIRST_DATA_ROW if header else HEADER_ROW
        # merged ranges, registered in one go by finish(): openpyxl's merge_cells checks every
        # new range against all earlier ones and restyles the covered cells, which is quadratic
        self.merges: list[tuple[int, int, int, int]] = []
        self.values: dict[int, Sequence[Any]] = {}  # each data row as written, for its height
        self.fixed: dict[int, float] = {}  # rows whose height is decided by the writer
        # manual page breaks, set in one go by finish(): RowBreak.append copies and checks them all
        self.breaks: list[Break] = []
        _put(ws.cell(TITLE_ROW, 1), title, styles["title"])
        self.merge(TITLE_ROW, 1, TITLE_ROW, len(columns))
        ws.row_dimensions[TITLE_ROW].height = TITLE_HEIGHT
        for i, col in enumerate(columns, 1):
            ws.column_dimensions[get_column_letter(i)].width = col.width
        if header:
            self.header_lines = self.header_row(HEADER_ROW, [c.header for c in columns])
            ws.freeze_panes = ws.cell(FIRST_DATA_ROW, 1)
            ws.print_title_rows = f"{TITLE_ROW}:{HEADER_ROW}"
        else:
            ws.print_title_rows = f"{TITLE_ROW}:{TITLE_ROW}"
        print_on_a4(ws)

    def header_row(self, r: int, headers: Sequence[str]) -> int:
        """Write a header line, each text wrapped by ``wrap_header`` to its column; returns its lines."""
        lines = 1
        for i, text in enumerate(headers, 1):
            wrapped = wrap_header(text, self.columns[i - 1].width)
            lines = max(lines, wrapped.count("\n") + 1)
            _put(self.ws.cell(r, i), wrapped, self.styles["header"])
        self.fixed[r] = lines * LINE_HEIGHT + ROW_PADDING
        return lines

    def add(self, values: Sequence[Any], styles: Sequence[str | None] | None = None) -> int:
        """Write one row; returns its row number."""
        r = self.row
        for i, value in enumerate(values, 1):
            style = (styles[i - 1] if styles else None) or ("center" if self.columns[i - 1].center else "cell")
            _put(self.ws.cell(r, i), value, self.styles[style])
        self.values[r] = values
        self.row += 1
        return r

    def add_linked(self, values: Sequence[Any], target: str | None) -> int:
        """Write one row whose last cell links to ``target`` (a file beside the handbook)."""
        r = self.add(values, [None] * (len(values) - 1) + ["link" if target else None])
        if target:
            cell = self.ws.cell(r, len(values))
            cell.hyperlink = Hyperlink(ref=cell.coordinate, target=target)
        return r

    def merge(self, min_row: int, min_col: int, max_row: int, max_col: int) -> None:
        """Merge a range: the top-left cell keeps its value, the covered cells are emptied."""
        for r in range(min_row, max_row + 1):
            for c in range(min_col, max_col + 1):
                if (r, c) != (min_row, min_col):
                    self.ws.cell(r, c).value = None
        self.merges.append((min_row, min_col, max_row, max_col))

    def merge_runs(self, column: int, keys: Sequence[Any], first_row: int) -> None:
        """Merge each run of equal consecutive keys in ``column`` (rows from ``first_row``)."""
        start = 0
        for i in range(1, len(keys) + 1):
            if i == len(keys) or keys[i] != keys[start]:
                if i - start > 1:
                    self.merge(first_row + start, column, first_row + i - 1, column)
                start = i

    def page_break(self) -> None:
        """A page break after the last row written."""
        self.breaks.append(Break(id=self.row - 1))

    def finish(self) -> None:
        """Register every merged range (the covered cells keep their borders), the page breaks, and set
        row heights."""
        self.ws.merged_cells = MultiCellRange([
            CellRange(min_row=r0, min_col=c0, max_row=r1, max_col=c1) for r0, c0, r1, c1 in self.merges])
        if self.breaks:
            self.ws.row_breaks.brk = self.breaks
        self._heights()

    def _heights(self) -> None:
        """Row heights from the wrapped text, so a merged cell's text fits across its rows too.

        Excel, WPS and LibreOffice fit a row to its wrapped text but ignore merged cells when they
        do; so every data row gets a height estimated from its text, and the last row of a vertical
        merge grows when the merged text needs more than its rows give.
        """
        vertical = [m for m in self.merges if m[0] != m[2] and m[0] >= FIRST_DATA_ROW]
        covered = {(r, c) for r0, c0, r1, c1 in vertical for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        horizontal = {(r0, c) for r0, c0, r1, c1 in self.merges if r0 == r1 for c in range(c0, c1 + 1)}
        lines: dict[int, int] = {}
        for r, values in self.values.items():
            if r in self.fixed:
                continue
            lines[r] = max([_lines(v, self.columns[c - 1].width) for c, v in enumerate(values, 1)
                            if (r, c) not in covered and (r, c) not in horizontal] or [1])
        for r0, c0, r1, _c1 in vertical:
            need = _lines(self.values.get(r0, [None] * c0)[c0 - 1], self.columns[c0 - 1].width)
            have = sum(lines.get(r, 1) for r in range(r0, r1 + 1))
            if need > have:
                lines[r1] = lines.get(r1, 1) + need - have
        for r, n in lines.items():
            self.ws.row_dimensions[r].height = n * LINE_HEIGHT + ROW_PADDING
        for r, h in self.fixed.items():
            self.ws.row_dimensions[r].height = h


def _units(text: str) -> int:
    """Display width: a CJK (wide) character is two units, anything else one."""
    if text.isascii():  # no wide character: IDs, numbers, dates (a C-speed test)
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _capacity(width: float) -> float:
    return max(2.0, width - 1.5)


def _lines(value: Any, width: float) -> int:
    """How many lines ``value`` wraps to in a column ``width`` characters wide (a CJK character is two)."""
    if value is None or value == "":
        return 1
    capacity = _capacity(width)
    total = 0
    for line in str(value).split("\n"):
        total += max(1, math.ceil(_units(line) / capacity))
    return total


_CLOSING = set("）)】」』”’、，。：；！？%")
_OPENING = set("（(【「『“‘")


def wrap_header(text: str, width: float) -> str:
    """``text`` broken into lines that fit a column ``width`` wide, by this module and not by the
    spreadsheet program: a closing bracket or punctuation stays with the character before it, an
    opening bracket with the one after, so no line is a lone ``）``."""
    if not text:
        return text
    capacity = _capacity(width)
    atoms: list[str] = []
    glue_next = False
    for ch in text:
        if atoms and (ch in _CLOSING or glue_next):
            atoms[-1] += ch
        else:
            atoms.append(ch)
        glue_next = ch in _OPENING
    # as few lines as the width allows, then as even as the atoms allow (岗位\n层次, not 岗位层\n次)
    def greedy(limit: float) -> list[str]:
        out, line = [], ""
        for atom in atoms:
            if line and _units(line + atom) > limit:
                out.append(line)
                line = atom
            else:
                line += atom
        return [*out, line]

    fewest = len(greedy(capacity))
    total = sum(_units(a) for a in atoms)
    lines = greedy(capacity)
    for limit in range(math.ceil(total / fewest), math.floor(capacity) + 1):
        candidate = greedy(limit)
        if len(candidate) <= fewest:
            lines = candidate
            break
    return "\n".join(lines)


def _put(cell, value: Any, style: StyleArray) -> None:
    # what ``cell.style = name`` does, without looking the name up; first: it resets the quote
    # prefix set_text may add
    cell._style = copy(style)
    if value is None or value == "":
        cell.value = None
    elif isinstance(value, int | float) and not isinstance(value, bool):
        cell.value = value
    else:
        set_text(cell, str(value))


def _level_style(level: str) -> str | None:
    return f"level{level}" if level in palette.LEVEL_FILL else None


def _width_points(columns: Sequence[Column]) -> float:
    """The printed width of the columns at 100 % as Excel sizes them: 7 pixels a unit, plus 5."""
    return sum(0.75 * (7 * c.width + 5) for c in columns)


def print_scale(columns: Sequence[Column]) -> int:
    """The largest scale (percent) at which a program fits the columns to an A4 landscape page.

    Every sheet is printed fitted to the page width, so each program picks its own scale: Excel
    the one computed here, LibreOffice a smaller one when it measures the columns wider (it does
    by about a third when Calibri's metric twin Carlito is not installed; scripts/system-deps.sh
    installs it). The page breaks are
    computed for this largest scale, so a page holds at least what was planned for it."""
    printable = PAGE_WIDTH - 2 * MARGIN_SIDE * 72
    return max(10, min(100, math.floor(100 * printable / _width_points(columns))))


def page_budget(scale: int, title_rows: float) -> float:
    """The height (sheet points) the data rows of one page may take at ``scale``."""
    printable = PAGE_HEIGHT - 2 * MARGIN_TOP_BOTTOM * 72
    return printable * 100 / scale * (1 - PAGE_SLACK) - title_rows


# -- the sheets ---------------------------------------------------------------------------


def _contents(ws: Worksheet, styles: _Styles, ctx: HandbookContext, sheets: list[tuple[str, str]]) -> _Sheet:
    sheet = _Sheet(ws, styles, ctx.title, [Column(tr("序号", "No."), 8, True), Column(tr("内容", "Sheet"), 36),
                                            Column(tr("说明", "What it holds"), 70)])
    for i, (name, note) in enumerate(sheets, 1):
        r = sheet.add([i, name, note], [None, "link", None])
        cell = ws.cell(r, 2)
        # an internal link: no relationship, just a place in this workbook
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{name}'!A1", display=name)
    sheet.add([None, tr("编制单位", "Compiled by"), ctx.organisation])
    sheet.add([None, tr("年度", "Year"), str(ctx.year)])
    sheet.add([None, tr("收录单位", "Units"), "、".join(u.name + u.mark for u in ctx.units)])
    return sheet


@dataclass(frozen=True)
class PowerLists:
    """What the 职权目录 sheet is made from (its cached XML is keyed by this): every unit's lists."""

    title: str
    units: list[tuple[str, list[PowerList]]]  # unit name, its power lists


def _powers(ws: Worksheet, styles: _Styles, ctx: PowerLists) -> _Sheet:
    cols = [Column(tr("序号", "No."), 6, True), Column(tr("单位", "Unit"), 14, True), Column(tr("职权编号", "ID"), 10, True),
            Column(tr("职权名称", "Name"), 18), Column(tr("职权类别", "Kind"), 10, True), Column(tr("权力层级", "Level"), 8, True),
            Column(tr("职权内容", "Content"), 40), Column(tr("办理主体", "Handled by"), 14), Column(tr("责任岗位", "Posts"), 22),
            Column(tr("法律依据", "Legal basis"), 30), Column(tr("办理程序", "Procedure"), 30), Column(tr("办理时限", "Time limit"), 14),
            Column(tr("清理意见", "Disposition"), 8, True)]
    sheet = _Sheet(ws, styles, ctx.title + " " + tr("职权目录", "power lists"), cols)
    n = 0
    for unit, power_lists in ctx.units:
        for pl in power_lists:
            for p in pl.rows:
                n += 1
                sheet.add([n, unit, p.id, p.name, p.kind, p.level, p.content, p.subject, p.posts, p.basis,
                           p.procedure, p.time_limit, p.disposition])
    return sheet


TABLE_COLUMNS = (  # (中文, English, width, centred)
    ("序号", "No.", 5, True), ("部门", "Department", 11, True), ("岗位", "Post", 14, True), ("岗位层次", "Tier", 10, True),
    ("职权", "Power", 14, True), ("风险点编号", "Risk", 9, True), ("风险类别", "Category", 9, True),
    ("风险描述", "Description", 30, False), ("风险等级", "Level", 6, True), ("防控措施", "Measures", 46, False),
    ("责任人", "Responsible", 14, True),
)
# columns of the 一览表 (1-based) merged over a risk point's phase rows, and over a group's rows
RISK_MERGED = (1, 6, 7, 8, 9)
GROUP_COLUMNS = (2, 3, 4, 5)  # 部门, 岗位, 岗位层次, 职权


def table_sheet_name(u: UnitView, used: set[str]) -> str:
    """``一览表-CHWSJ``: a sheet name Excel accepts (31 characters, none of []:*?/\\), unique."""
    base = sheet_names()["table_unit"] + "-" + "".join(ch for ch in u.code if ch not in "[]:*?/\\'")[:20]
    name, n = base, 1
    while name.casefold() in used:
        n += 1
        name = f"{base[:27]}-{n}"
    used.add(name.casefold())
    return name


@dataclass
class _Block:
    """The rows of one risk point (one per phase): they print on one page."""

    risk: RiskRow | None
    cells: list[list[Any]]  # the values of each row, before merging
    heights: list[float]
    keys: list[tuple[Any, ...]]  # the group keys (部门, 岗位, 岗位层次, 职权) of the block

    @property
    def height(self) -> float:
        return sum(self.heights)


def _phase_cells(r: RiskRow) -> list[tuple[str, str]]:
    """One (measures, owners) pair per phase: ``【前期预防】`` then the measures, one a line."""
    if not r.phases:
        return [("", "")]
    return [(f"【{p.phase}】\n{p.text}", "、".join(p.owners)) for p in r.phases]


def _risk_block(r: RiskRow, seq: int, columns: Sequence[Column]) -> _Block:
    rows = []
    for measures, owners in _phase_cells(r):
        rows.append([seq, r.department, r.post, r.tier, r.power, r.risk_id, r.category, r.description, r.level,
                     measures, owners])
    lines = [max(_lines(v, columns[c].width) for c, v in enumerate(row) if c + 1 not in RISK_MERGED + GROUP_COLUMNS)
             for row in rows]
    # the merged cells of the block, and a group cell that may start a page marked （续）
    need = max([_lines(rows[0][c - 1], columns[c - 1].width) for c in RISK_MERGED]
               + [_lines(f"{rows[0][c - 1]}{CONTINUED}", columns[c - 1].width) for c in GROUP_COLUMNS])
    if need > sum(lines):
        lines[-1] += need - sum(lines)
    post_key = (r.department, r.post_id or r.post)
    keys = [(r.department,), post_key, post_key, (*post_key, r.power_id or r.power)]
    return _Block(r, rows, [n * LINE_HEIGHT + ROW_PADDING for n in lines], [tuple(k) for k in keys])


def paginate(heights: Sequence[float], budget: float) -> list[int]:
    """Indexes of the blocks that begin a new page: blocks are whole, each page holds at most
    ``budget`` (a block taller than a page gets a page of its own)."""
    starts = []
    used = 0.0
    for i, h in enumerate(heights):
        if i and used + h > budget:
            starts.append(i)
            used = 0.0
        used += h
    return starts


@dataclass(frozen=True)
class UnitTable:
    """What a unit's 一览表 sheet is made from, and all it is made from (with the language and the
    styles): its cached XML (``excel_cache``) is keyed by this."""

    heading: str
    risk_rows: list[RiskRow]
    signature: list[tuple[str, str]]

    @classmethod
    def of(cls, u: UnitView) -> UnitTable:
        return cls(u.heading, u.risk_rows, u.signature)


def _unit_table(ws: Worksheet, styles: _Styles, u: UnitTable) -> _Sheet:
    cols = [Column(tr(zh, en), w, c) for zh, en, w, c in TABLE_COLUMNS]
    title = tr("{u} 岗位权力行使风险防控一览表", "{u}: risk prevention table of post powers", u=u.heading)
    sheet = _Sheet(ws, styles, title, cols)
    budget = page_budget(print_scale(cols), TITLE_HEIGHT + sheet.fixed[HEADER_ROW])
    blocks = [_risk_block(r, i, cols) for i, r in enumerate(u.risk_rows, 1)]
    if not blocks:
        blocks = [_Block(None, [[None] * len(cols)], [LINE_HEIGHT + ROW_PADDING], [()] * len(GROUP_COLUMNS))]
        blocks[0].cells[0][7] = tr("（无）", "(none)")
    sign_height = 2 * (LINE_HEIGHT + ROW_PADDING)  # a blank row and the signature line
    heights = [b.height for b in blocks]
    heights[-1] += sign_height  # the signature stays with the last risk point
    starts = set(paginate(heights, budget))

    first_of_page = True
    previous: _Block | None = None
    open_runs: dict[int, tuple[int, tuple[Any, ...]]] = {}  # column → (first row, key) of the current group run

    def close(column: int, last_row: int) -> None:
        run = open_runs.pop(column, None)
        if run is not None and last_row > run[0]:
            sheet.merge(run[0], column, last_row, column)

    for i, block in enumerate(blocks):
        if i in starts:
            for c in GROUP_COLUMNS:
                close(c, sheet.row - 1)
            sheet.page_break()
            first_of_page = True
        first = sheet.row
        for j, values in enumerate(block.cells):
            styles_row = [None] * len(cols)
            if block.risk is not None:
                styles_row[8] = _level_style(block.risk.level)
            r = sheet.add(values, styles_row)
            sheet.fixed[r] = block.heights[j]
        last = sheet.row - 1
        if block.risk is not None:
            for c in RISK_MERGED:
                if last > first:
                    sheet.merge(first, c, last, c)
        for k, c in enumerate(GROUP_COLUMNS):
            key = block.keys[k]
            run = open_runs.get(c)
            if run is not None and run[1] == key and block.risk is not None:
                continue  # the group goes on: its merge grows
            close(c, first - 1)
            if block.risk is not None:
                continued = (first_of_page and previous is not None and previous.keys[k] == key)
                if continued:
                    cell = ws.cell(first, c)
                    set_text(cell, f"{cell.value}{CONTINUED}")
                open_runs[c] = (first, key)
        previous = block
        first_of_page = False
    for c in GROUP_COLUMNS:
        close(c, sheet.row - 1)
    sheet.row += 1  # a blank row, then the signature line
    parts = [f"{label}：{text}" for label, text in u.signature]
    r = sheet.row
    _put(ws.cell(r, 1), "　　　　".join(parts), styles["sign"])
    sheet.merge(r, 1, r, len(cols))
    sheet.fixed[r] = LINE_HEIGHT + ROW_PADDING
    sheet.fixed[r - 1] = LINE_HEIGHT + ROW_PADDING
    sheet.row += 1
    return sheet


def _statistics(ws: Worksheet, styles: _Styles, ctx: HandbookContext) -> _Sheet:
    stats = ctx.statistics
    headers = coverage_headers()
    cols = [Column(tr("单位", "Unit"), 22)] + [Column("", 10, True) for _ in range(len(headers) - 1)]
    # no header row of its own: each block below has its header line, so nothing empty repeats on every page
    sheet = _Sheet(ws, styles, ctx.title + " " + tr("风险统计", "statistics"), cols, header=False)

    def block(title: str, header: list[str], rows: Iterable[list[Any]], total: list[Any] | None) -> None:
        r = sheet.add([title], ["block"])
        sheet.merge(r, 1, r, len(header))
        sheet.header_row(sheet.row, header)
        sheet.row += 1
        for row in rows:
            sheet.add(row)
        if total is not None:
            sheet.add(total, ["total"] * len(total))
        sheet.row += 1

    for t in (stats.by_level, stats.by_category, stats.by_tier):
        block(tr("风险点数量", "Risk points") + f"（{t.title}）", [tr("单位", "Unit"), *t.columns, tr("合计", "Total")],
              ([name, *counts, total] for name, counts, total in t.rows), [tr("合计", "Total"), *t.totals, t.total])
    t = stats.level_by_category
    block(t.title, [tr("风险类别", "Category"), *t.columns, tr("合计", "Total")],
          ([name, *counts, total] for name, counts, total in t.rows), [tr("合计", "Total"), *t.totals, t.total])
    block(tr("覆盖情况", "Coverage"), headers, (c.cells for _name, c in stats.coverage), stats.coverage_total.cells)
    return sheet


def _revisions(ws: Worksheet, styles: _Styles, ctx: HandbookContext) -> _Sheet:
    """Each unit's 调整修正情况 against its previous version, as the Markdown and Word handbooks have it:
    a block per unit with the summary, the changes (序号/对象/变化) and the figures before and after."""
    cols = [Column(tr("序号", "No."), 6, True), Column(tr("对象", "Object"), 22), Column("", 40),
            Column("", 11, True), Column("", 11, True), Column("", 9, True)]
    sheet = _Sheet(ws, styles, ctx.title + " " + tr("调整修正情况", "revisions"), cols, header=False)
    change_width = sum(c.width for c in cols[2:])
    last = len(cols)

    def wide(r: int, first: int, text: str, width: float) -> None:
        # a text merged across columns: its height is set here (_heights leaves merged rows at one line)
        sheet.merge(r, first, r, last)
        sheet.fixed[r] = _lines(text, width) * LINE_HEIGHT + ROW_PADDING

    for u in ctx.units:
        rev = u.revision
        if rev is None:
            continue
        r = sheet.add([u.name + u.mark], ["block"])
        sheet.merge(r, 1, r, last)
        r = sheet.add([rev.summary], ["sign"])
        wide(r, 1, rev.summary, sum(c.width for c in cols))
        if rev.total:
            sheet.header_row(sheet.row, [tr("序号", "No."), tr("对象", "Object"), tr("变化", "Change"), "", "", ""])
            sheet.merge(sheet.row, 3, sheet.row, last)
            sheet.row += 1
            for n, (heading, text) in enumerate(rev.changes, 1):
                r = sheet.add([n, heading, text, None, None, None])
                wide(r, 3, text, change_width)
                sheet.fixed[r] = max(sheet.fixed[r], _lines(heading, cols[1].width) * LINE_HEIGHT + ROW_PADDING)
            sheet.row += 1  # the figures are a table of their own
        sheet.header_row(sheet.row, [tr("指标", "Figure"), "", "", rev.previous_label, tr("本版本", "This version"),
                                     tr("增减", "Change")])
        sheet.merge(sheet.row, 1, sheet.row, 3)
        sheet.row += 1
        for f in rev.figures:
            r = sheet.add([f.name, None, None, f.before, f.after, f.change], ["cell", "cell", "cell", None, None, None])
            sheet.merge(r, 1, r, 3)
        sheet.row += 1
    return sheet


def _flows(ws: Worksheet, styles: _Styles, ctx: HandbookContext) -> _Sheet:
    files = [page.image or "" for u in ctx.units for f in u.flows for page in f.pages]
    # a file path does not wrap (it has no spaces): the column is as wide as the longest one
    file_width = min(60, max([_units(p) for p in files] + [12]) + 2)
    cols = [Column(tr("序号", "No."), 6, True), Column(tr("单位", "Unit"), 14, True), Column(tr("流程编号", "ID"), 10, True),
            Column(tr("流程名称", "Name"), 24), Column(tr("流程类型", "Kind"), 8, True), Column(tr("职权编号", "Power"), 10, True),
            Column(tr("职权名称", "Power name"), 18), Column(tr("环节", "Steps"), 40), Column(tr("风险点", "Risk points"), 22),
            Column(tr("流程图文件", "Chart file"), file_width)]
    sheet = _Sheet(ws, styles, ctx.title + " " + tr("流程清单", "flows"), cols)
    n = 0
    for u in ctx.units:
        for f in u.flows:
            n += 1
            steps = "→".join(s.name for s in f.steps)
            risks = "、".join(r.risk_id for r in f.risks)
            # every page of a split chart, a line each; the link opens the first
            pages = "\n".join(page.image for page in f.pages if page.image)
            sheet.add_linked([n, u.name, f.id, f.name, f.kind, f.power_id, f.power, steps, risks, pages], f.image)
    return sheet


# the 流程图 sheet: portrait A4, one chart a page, scaled into this box (points)
CHART_BOX = (520.0, 680.0)
CHART_ROW = 20.0  # the rows a picture lies on
PICTURE_DPI = 200  # a picture's resolution when its PNG does not say (pHYs)


class _Png(Image):
    """A PNG picture as it is: its size from its header, its bytes written as read (openpyxl's
    ``Image`` opens it with Pillow twice, for its size and again for its bytes: the same bytes)."""

    def __init__(self, data: bytes):
        self.ref = data
        self.width, self.height = struct.unpack(">II", data[16:24])
        self.format = "png"

    def _data(self) -> bytes:
        return self.ref


def _picture(data: bytes) -> Image:
    if len(data) >= 24 and data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        return _Png(data)
    return Image(io.BytesIO(data))  # not a PNG: Pillow reads it (and converts what Excel cannot show)


def _pictures(ws: Worksheet, styles: _Styles, title: str, pictures: list[tuple[str, Path, str | None]]) -> _Sheet:
    """A sheet of pictures (heading, PNG, caption or None), one a portrait page, each at the size its
    resolution gives, shrunk into ``CHART_BOX``."""
    from lianfang.flowchart.render import png_dpi

    # 8 columns as wide as the widest picture in Excel (520 pt); printed fitted to the page width
    cols = [Column("", 11.7) for _ in range(8)]
    sheet = _Sheet(ws, styles, title, cols, header=False)
    ws.page_setup.orientation = "portrait"
    for i, (heading, path, caption) in enumerate(pictures):
        if i:
            sheet.page_break()
        r = sheet.add([heading], ["block"])
        sheet.merge(r, 1, r, len(cols))
        sheet.fixed[r] = 2 * LINE_HEIGHT
        data = path.read_bytes()
        img = _picture(data)
        dpi = png_dpi(data[:4096]) or PICTURE_DPI  # flowcharts: flowchart.render.PNG_DPI of their printed size
        w_pt, h_pt = img.width * 72 / dpi, img.height * 72 / dpi
        scale = min(1.0, CHART_BOX[0] / w_pt, CHART_BOX[1] / h_pt)
        img.width, img.height = round(w_pt * scale * 96 / 72), round(h_pt * scale * 96 / 72)
        ws.add_image(img, f"A{sheet.row}")
        # a row more than the picture needs: LibreOffice draws it a few points taller than its rows,
        # and a picture as tall as the box hid the caption under it
        for _ in range(math.ceil(h_pt * scale / CHART_ROW) + 1):
            sheet.fixed[sheet.row] = CHART_ROW
            sheet.row += 1
        if caption is not None:
            # a caption under the picture, and a cell that makes the page part of the printed range
            # (no print area is set: LibreOffice prints a hidden sheet's print area too)
            r = sheet.add([caption], ["sign"])
            sheet.merge(r, 1, r, len(cols))
            sheet.fixed[r] = LINE_HEIGHT + ROW_PADDING
    return sheet


def _charts(ws: Worksheet, styles: _Styles, ctx: HandbookContext, root: Path | None) -> _Sheet:
    """Every page of every chart in turn, one a portrait page, a split chart's pages captioned."""
    pictures = [(f"{u.name}　{f.heading}{page.caption}", root / page.print_image,
                 tr("流程图文件：{f}", "chart file: {f}", f=page.image or page.print_image))
                for u in ctx.units for f in u.flows for page in f.pages
                if root is not None and page.print_image and (root / page.print_image).is_file()]
    sheet = _pictures(ws, styles, ctx.title + " " + tr("流程图", "flowcharts"), pictures)
    if not pictures:
        sheet.add([tr("（没有绘制流程图）", "(no flowchart drawn)")], ["sign"])
    return sheet


def _statistics_charts(ws: Worksheet, styles: _Styles, ctx: HandbookContext, root: Path | None) -> _Sheet:
    """The statistics' charts, one a portrait page, as on the 流程图 sheet."""
    pictures = [(p.title, root / p.png, None) for p in ctx.statistics.pictures
                if root is not None and (root / p.png).is_file()]
    return _pictures(ws, styles, ctx.title + " " + tr("统计图", "charts"), pictures)


def _institutions(ws: Worksheet, styles: _Styles, ctx: HandbookContext) -> _Sheet:
    cols = [Column(tr("序号", "No."), 6, True), Column(tr("单位", "Unit"), 14, True), Column(tr("制度编号", "ID"), 10, True),
            Column(tr("制度名称", "Name"), 36), Column(tr("制度类型", "Kind"), 8, True), Column(tr("发布日期", "Issued"), 12, True),
            Column(tr("针对风险点", "Risk points"), 24), Column(tr("文件", "File"), 30)]
    sheet = _Sheet(ws, styles, ctx.title + " " + tr("修订完善的各项制度", "institutions"), cols)
    n = 0
    for u in ctx.units:
        for i in u.institutions:
            n += 1
            sheet.add_linked([n, u.name, i.id, i.name, i.kind, i.issued_on, i.risks, i.file], i.link)
    return sheet


def _alerts(ws: Worksheet, styles: _Styles, ctx: HandbookContext) -> _Sheet:
    cols = [Column(tr("序号", "No."), 6, True), Column(tr("单位", "Unit"), 14, True), Column(tr("预警编号", "ID"), 10, True),
            Column(tr("日期", "Date"), 12, True), Column(tr("预警等级", "Grade"), 8, True), Column(tr("风险点编号", "Risk"), 10, True),
            Column(tr("风险描述", "Description"), 30), Column(tr("来源渠道", "Channel"), 12, True),
            Column(tr("情况说明", "Detail"), 36), Column(tr("处置方式", "Action"), 10, True), Column(tr("处置结果", "Result"), 30)]
    sheet = _Sheet(ws, styles, ctx.title + " " + tr("风险预警与处置", "alerts"), cols)
    n = 0
    for u in ctx.units:
        for a in u.alerts:
            n += 1
            sheet.add([n, u.name, a.id, a.date, a.grade, a.risk_id, a.risk, a.channel, a.detail, a.action, a.result])
    return sheet


def _findings(ws: Worksheet, styles: _Styles, ctx: HandbookContext) -> _Sheet:
    cols = [Column(tr("序号", "No."), 6, True), Column(tr("单位", "Unit"), 14, True), Column(tr("文件", "File"), 24),
            Column(tr("位置", "Location"), 14), Column(tr("代码", "Code"), 8, True), Column(tr("级别", "Severity"), 8, True),
            Column(tr("对象", "Object"), 12), Column(tr("说明", "Message"), 60)]
    sheet = _Sheet(ws, styles, ctx.title + " " + tr("校验问题", "validation findings"), cols)
    for n, f in enumerate(ctx.findings or [], 1):
        sheet.add([n, f.unit, f.path, f.location, f.code, f.severity, f.object, f.message])
    return sheet


_NOTES = {
    "powers": ("单位、部门、岗位权力清单（职权目录），全部单位", "power lists of every unit"),
    "table": ("岗位职责、业务流程、制度机制廉政风险点，风险等级及防控措施", "risk points, levels and measures"),
    "statistics": ("风险点按单位、等级、类别、岗位层次统计，覆盖情况", "risk points by unit, level, category and tier; coverage"),
    "flows": ("权力运行（外部、内部）流程及流程图文件", "power-operation flows and their charts"),
    "charts": ("权力运行流程图，每页一张", "the flowcharts, one a page"),
    "statistics_charts": ("风险点统计图：按等级、按类别，覆盖率与落实率", "charts of the statistics: levels, categories, rates"),
    "revisions": ("各单位与上一版本相比的调整修正情况", "each unit's changes since its previous version"),
    "institutions": ("修订完善的各项制度", "institutions built and revised"),
    "alerts": ("风险预警与处置情况", "alerts and their handling"),
    "findings": ("强制生成时工作簿中尚存的校验问题", "findings left in the workbooks of a forced build"),
}


def render_excel(ctx: HandbookContext, *, font: str | None = None, when: datetime, root: Path | None = None,
                 cache: SheetCache | None = None) -> bytes:
    """``handbook.xlsx`` as bytes, byte-identical for the same context, pictures and ``when``.

    ``root``: the output folder the flowchart pictures (``FlowView.print_image``) are relative to.
    ``cache``: the unit sheets of the last build (``excel_cache``): a unit whose 一览表 is made from
    the same things is not built again, its XML is written from the cache (the same bytes).
    """
    font = font or DEFAULT_FONT
    wb = XlsxWorkbook()
    styles = _Styles(wb, font)
    names = sheet_names()
    contents = wb.active
    contents.title = names["contents"]
    listed: list[tuple[str, str]] = []
    jobs: dict[int, excel_cache.SheetJob] = {}  # the unit sheets the cache writes, by id(worksheet)
    salt = excel_cache.SheetCache.salt(font, excel_cache.styles_xml(wb)) if cache is not None else b""

    def add(key: str, writer: Callable[[Worksheet], _Sheet], name: str | None = None, note: str | None = None) -> Worksheet:
        ws = wb.create_sheet(name or names[key])
        writer(ws).finish()
        listed.append((ws.title, note or tr(*_NOTES[key])))
        return ws

    def add_kept(key: str, made_from: object, writer: Callable[[Worksheet], _Sheet], name: str | None = None,
                 note: str | None = None) -> None:
        """A sheet made from ``made_from`` alone (with the language, font and styles): from the cache
        when it holds the sheet, else written and kept."""
        if cache is None:
            add(key, writer, name, note)
            return
        cache_key = cache.key(salt, excel_cache.fingerprint(key, made_from))
        entry = cache.load(cache_key, len(styles.base))
        if entry is None:
            ws = add(key, writer, name, note)
        else:
            ws = wb.create_sheet(name or names[key])  # a placeholder: its XML comes from the cache
            excel_cache.prepare(ws, entry)
            listed.append((ws.title, note or tr(*_NOTES[key])))
        jobs[id(ws)] = excel_cache.SheetJob(cache_key, entry)

    power_lists = PowerLists(ctx.title, [(u.name, u.power_lists) for u in ctx.units])
    add_kept("powers", power_lists, lambda ws: _powers(ws, styles, power_lists))
    used = {n.casefold() for n in names.values()}
    for u in ctx.units:
        table = UnitTable.of(u)
        add_kept("table", table, lambda ws, table=table: _unit_table(ws, styles, table), table_sheet_name(u, used),
                 tr("{u} 岗位权力行使风险防控一览表", "{u}: risk prevention table", u=u.name + u.mark))
    add("statistics", lambda ws: _statistics(ws, styles, ctx))
    if ctx.statistics.pictures:
        add("statistics_charts", lambda ws: _statistics_charts(ws, styles, ctx, root))
    if any(u.revision is not None for u in ctx.units):
        add("revisions", lambda ws: _revisions(ws, styles, ctx))
    add("flows", lambda ws: _flows(ws, styles, ctx))
    if any(f.print_image for u in ctx.units for f in u.flows):
        add("charts", lambda ws: _charts(ws, styles, ctx, root))
    add("institutions", lambda ws: _institutions(ws, styles, ctx))
    add("alerts", lambda ws: _alerts(ws, styles, ctx))
    if ctx.findings is not None:
        add("findings", lambda ws: _findings(ws, styles, ctx))
    _contents(contents, styles, ctx, listed).finish()
    wb.properties.creator = ctx.tool
    wb.properties.lastModifiedBy = ctx.tool
    wb.properties.title = ctx.title
    wb.properties.created = when.replace(tzinfo=None)
    wb.properties.modified = when.replace(tzinfo=None)
    # openpyxl's ExcelWriter straight into a reproducible zip (not wb.save, which would stamp the
    # current time and deflate the chart PNGs, then normalise_zip inflate and deflate it all again)
    from openpyxl.writer.excel import ExcelWriter

    buffer = io.BytesIO()
    archive = ReproducibleZip(buffer, when)
    if cache is None:
        ExcelWriter(wb, archive).save()
    else:
        cache.rendered = True
        excel_cache.ReusingWriter(wb, archive, cache, jobs, styles.base).save()
    return buffer.getvalue()
