"""The Excel handbook (``handbook.xlsx``): the tables of every unit on sheets ready to print.

Sheets: 目录 (links to every other sheet), 职权目录, 岗位权力行使风险防控一览表, 风险统计, 流程清单,
制度, 预警处置, and 校验问题 when the build was forced despite errors. Each table sheet has a
title row and a header row that repeat on every printed page, borders, wrapped text, and prints
landscape on A4 fitted to the page width. The 一览表 merges cells the way units' own tables do:
单位 over the unit, 部门 and 岗位 over their rows, and a risk point over its phase rows. Every text
cell is written with ``set_text``, so no workbook value ever becomes a formula.
"""

from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openpyxl import Workbook as XlsxWorkbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from lianfang.handbook.view import HandbookContext, RiskRow, coverage_headers
from lianfang.handbook.reproducible import normalise_zip
from lianfang.i18n import tr
from lianfang.io.excel_text import set_text

DEFAULT_FONT = "宋体"
LINE_HEIGHT = 13.5  # points per line of 10-point text
ROW_PADDING = 4
TITLE_ROW = 1
HEADER_ROW = 2
FIRST_DATA_ROW = 3

# fill and font colour of each risk level (the usual red / amber / green of office tables)
LEVEL_COLOURS = {"高": ("FFC7CE", "9C0006"), "中": ("FFEB9C", "9C5700"), "低": ("C6EFCE", "006100")}


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
        "statistics": tr("风险统计", "Statistics"),
        "flows": tr("流程清单", "Flows"),
        "institutions": tr("制度", "Institutions"),
        "alerts": tr("预警处置", "Alerts"),
        "findings": tr("校验问题", "Findings"),
    }


class _Styles:
    """Named styles, registered once: assigning a name is much faster than building styles per cell."""

    def __init__(self, wb: XlsxWorkbook, font: str):
        thin = Side(style="thin", color="000000")
        border = Border(left=thin, right=thin, top=thin, bottom=thin)
        wrap = Alignment(wrap_text=True, vertical="center")
        center = Alignment(wrap_text=True, vertical="center", horizontal="center")
        self.names: dict[str, str] = {}

        def add(name: str, **kw: Any) -> None:
            style = NamedStyle(name=f"lf_{name}", **kw)
            wb.add_named_style(style)
            self.names[name] = style.name

        add("title", font=Font(name=font, size=14, bold=True), alignment=Alignment(horizontal="center", vertical="center"))
        add("subtitle", font=Font(name=font, size=10), alignment=Alignment(horizontal="left", vertical="center"))
        add("header", font=Font(name=font, size=10, bold=True), border=border, alignment=center,
            fill=PatternFill("solid", fgColor="D9D9D9"))
        add("cell", font=Font(name=font, size=10), border=border, alignment=wrap)
        add("center", font=Font(name=font, size=10), border=border, alignment=center)
        add("link", font=Font(name=font, size=10, color="0563C1", underline="single"), border=border, alignment=wrap)
        add("total", font=Font(name=font, size=10, bold=True), border=border, alignment=center)
        for level, (fill, colour) in LEVEL_COLOURS.items():
            add(f"level{level}", font=Font(name=font, size=10, bold=True, color=colour), border=border,
                alignment=center, fill=PatternFill("solid", fgColor=fill))

    def __getitem__(self, key: str) -> str:
        return self.names[key]


class _Sheet:
    """One table sheet: title, header, rows, merges and print set-up."""

    def __init__(self, ws: Worksheet, styles: _Styles, title: str, columns: Sequence[Column]):
        self.ws = ws
        self.styles = styles
        self.columns = columns
        self.row = FIRST_DATA_ROW
        # merged ranges, registered in one go by finish(): openpyxl's merge_cells checks every
        # new range against all earlier ones and restyles the covered cells, which is quadratic
        self.merges: list[tuple[int, int, int, int]] = []
        self.values: dict[int, Sequence[Any]] = {}  # each data row as written, for its height
        _put(ws.cell(TITLE_ROW, 1), title, styles["title"])
        self.merge(TITLE_ROW, 1, TITLE_ROW, len(columns))
        ws.row_dimensions[TITLE_ROW].height = 28
        for i, col in enumerate(columns, 1):
            _put(ws.cell(HEADER_ROW, i), col.header, styles["header"])
            ws.column_dimensions[get_column_letter(i)].width = col.width
        ws.freeze_panes = ws.cell(FIRST_DATA_ROW, 1)
        ws.print_title_rows = f"{TITLE_ROW}:{HEADER_ROW}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        ws.oddFooter.center.text = tr("第 &P 页，共 &N 页", "Page &P of &N")

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

    def finish(self) -> None:
        """Register every merged range (the covered cells keep their borders) and set row heights."""
        self.ws.merged_cells = MultiCellRange([
            CellRange(min_row=r0, min_col=c0, max_row=r1, max_col=c1) for r0, c0, r1, c1 in self.merges])
        self._heights()

    def _heights(self) -> None:
        """Row heights from the wrapped text, so a merged cell's text fits across its rows too.

        Excel, WPS and LibreOffice fit a row to its wrapped text but ignore merged cells when they
        do; so every data row gets a height estimated from its text, and the last row of a vertical
        merge grows when the merged text needs more than its rows give.
        """
        vertical = [m for m in self.merges if m[0] != m[2] and m[0] >= FIRST_DATA_ROW]
        covered = {(r, c) for r0, c0, r1, c1 in vertical for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        lines: dict[int, int] = {}
        for r, values in self.values.items():
            lines[r] = max([_lines(v, self.columns[c - 1].width) for c, v in enumerate(values, 1) if (r, c) not in covered]
                           or [1])
        for r0, c0, r1, _c1 in vertical:
            need = _lines(self.values.get(r0, [None] * c0)[c0 - 1], self.columns[c0 - 1].width)
            have = sum(lines.get(r, 1) for r in range(r0, r1 + 1))
            if need > have:
                lines[r1] = lines.get(r1, 1) + need - have
        for r, n in lines.items():
            self.ws.row_dimensions[r].height = n * LINE_HEIGHT + ROW_PADDING


def _lines(value: Any, width: float) -> int:
    """How many lines ``value`` wraps to in a column ``width`` characters wide (a CJK character is two)."""
    if value is None or value == "":
        return 1
    capacity = max(2.0, width - 1.5)
    total = 0
    for line in str(value).split("\n"):
        units = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
        total += max(1, math.ceil(units / capacity))
    return total


def _put(cell, value: Any, style: str) -> None:
    cell.style = style  # first: a named style resets the quote prefix set_text may add
    if value is None or value == "":
        cell.value = None
    elif isinstance(value, int | float) and not isinstance(value, bool):
        cell.value = value
    else:
        set_text(cell, str(value))


def _level_style(level: str) -> str | None:
    return f"level{level}" if level in LEVEL_COLOURS else None


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
    sheet.add([None, tr("收录单位", "Units"), "、".join(u.name for u in ctx.units)])
    return sheet


def _powers(ws: Worksheet, styles: _Styles, ctx: HandbookContext) -> _Sheet:
    cols = [Column(tr("序号", "No."), 6, True), Column(tr("单位", "Unit"), 14, True), Column(tr("职权编号", "ID"), 10, True),
            Column(tr("职权名称", "Name"), 18), Column(tr("职权类别", "Kind"), 10, True), Column(tr("权力层级", "Level"), 8, True),
            Column(tr("职权内容", "Content"), 40), Column(tr("办理主体", "Handled by"), 14), Column(tr("责任岗位", "Posts"), 20),
            Column(tr("法律依据", "Legal basis"), 30), Column(tr("办理程序", "Procedure"), 30), Column(tr("办理时限", "Time limit"), 14),
            Column(tr("清理意见", "Disposition"), 8, True)]
    sheet = _Sheet(ws, styles, ctx.title + " " + tr("职权目录", "power lists"), cols)
    keys = []
    n = 0
    for u in ctx.units:
        for pl in u.power_lists:
            for p in pl.rows:
                n += 1
                sheet.add([n, u.name, p.id, p.name, p.kind, p.level, p.content, p.subject, p.posts, p.basis,
                           p.procedure, p.time_limit, p.disposition])
                keys.append(u.index)
    sheet.merge_runs(2, keys, FIRST_DATA_ROW)
    return sheet


def _table(ws: Worksheet, styles: _Styles, ctx: HandbookContext) -> _Sheet:
    cols = [Column(tr("序号", "No."), 6, True), Column(tr("单位", "Unit"), 12, True), Column(tr("部门", "Department"), 12, True),
            Column(tr("岗位", "Post"), 14, True), Column(tr("岗位层次", "Tier"), 10, True), Column(tr("职权", "Power"), 16, True),
            Column(tr("风险点编号", "Risk"), 10, True), Column(tr("风险类别", "Category"), 10, True),
            Column(tr("风险描述", "Description"), 34), Column(tr("风险等级", "Level"), 8, True),
            Column(tr("防控措施", "Measures"), 50), Column(tr("责任人", "Responsible"), 16, True)]
    sheet = _Sheet(ws, styles, ctx.title + " " + tr("岗位权力行使风险防控一览表", "risk prevention table"), cols)
    # merge keys of each written row, one list per merged column (1-based column → keys)
    merges: dict[int, list[Any]] = {c: [] for c in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)}
    n = 0
    for u in ctx.units:
        for r in u.risk_rows:
            n += 1
            for measures, owners in _phase_cells(r):
                sheet.add(
                    [n, u.name, r.department, r.post, r.tier, r.power, r.risk_id, r.category, r.description,
                     r.level, measures, owners],
                    [None] * 9 + [_level_style(r.level), None, None],
                )
                post_key = (u.index, r.department, r.post_id or r.post)
                merges[1].append((u.index, n))
                merges[2].append(u.index)
                merges[3].append((u.index, r.department))
                merges[4].append(post_key)
                merges[5].append(post_key)
                merges[6].append((*post_key, r.power_id or r.power))
                for c in (7, 8, 9, 10):
                    merges[c].append((u.index, n))
    for column, keys in merges.items():
        sheet.merge_runs(column, keys, FIRST_DATA_ROW)
    return sheet


def _phase_cells(r: RiskRow) -> list[tuple[str, str]]:
    """One (measures, owners) pair per phase: ``【前期预防】`` then ``1.…`` a line."""
    if not r.phases:
        return [("", "")]
    return [(f"【{p.phase}】\n{p.text}", "、".join(p.owners)) for p in r.phases]


def _statistics(ws: Worksheet, styles: _Styles, ctx: HandbookContext) -> _Sheet:
    stats = ctx.statistics
    width = max(len(t.columns) for t in (stats.by_level, stats.by_category, stats.by_tier)) + 2
    cols = [Column(tr("单位", "Unit"), 22)] + [Column("", 12, True) for _ in range(max(width, 15) - 1)]
    sheet = _Sheet(ws, styles, ctx.title + " " + tr("风险统计", "statistics"), cols)
    # the header row of this sheet names the blocks; each block has its own header line
    for i in range(2, len(cols) + 1):
        ws.cell(HEADER_ROW, i).value = None
    set_text(ws.cell(HEADER_ROW, 1), tr("统计项目", "Statistic"))

    def block(title: str, header: list[str], rows: Iterable[list[Any]], total: list[Any] | None) -> None:
        r = sheet.add([title], ["total"])
        sheet.merge(r, 1, r, len(header))
        sheet.add(header, ["header"] * len(header))
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
    block(tr("覆盖情况", "Coverage"), coverage_headers(), (c.cells for _name, c in stats.coverage),
          stats.coverage_total.cells)
    return sheet


def _flows(ws: Worksheet, styles: _Styles, ctx: HandbookContext) -> _Sheet:
    cols = [Column(tr("序号", "No."), 6, True), Column(tr("单位", "Unit"), 14, True), Column(tr("流程编号", "ID"), 10, True),
            Column(tr("流程名称", "Name"), 26), Column(tr("流程类型", "Kind"), 8, True), Column(tr("职权编号", "Power"), 10, True),
            Column(tr("职权名称", "Power name"), 18), Column(tr("环节", "Steps"), 40), Column(tr("风险点", "Risk points"), 24),
            Column(tr("流程图", "Chart"), 26)]
    sheet = _Sheet(ws, styles, ctx.title + " " + tr("流程清单", "flows"), cols)
    keys = []
    n = 0
    for u in ctx.units:
        for f in u.flows:
            n += 1
            steps = "→".join(s.name for s in f.steps)
            risks = "、".join(r.risk_id for r in f.risks)
            sheet.add_linked([n, u.name, f.id, f.name, f.kind, f.power_id, f.power, steps, risks, f.image or ""], f.image)
            keys.append(u.index)
    sheet.merge_runs(2, keys, FIRST_DATA_ROW)
    return sheet


def _institutions(ws: Worksheet, styles: _Styles, ctx: HandbookContext) -> _Sheet:
    cols = [Column(tr("序号", "No."), 6, True), Column(tr("单位", "Unit"), 14, True), Column(tr("制度编号", "ID"), 10, True),
            Column(tr("制度名称", "Name"), 36), Column(tr("制度类型", "Kind"), 8, True), Column(tr("发布日期", "Issued"), 12, True),
            Column(tr("针对风险点", "Risk points"), 24), Column(tr("文件", "File"), 30)]
    sheet = _Sheet(ws, styles, ctx.title + " " + tr("修订完善的各项制度", "institutions"), cols)
    keys = []
    n = 0
    for u in ctx.units:
        for i in u.institutions:
            n += 1
            sheet.add_linked([n, u.name, i.id, i.name, i.kind, i.issued_on, i.risks, i.file], i.link)
            keys.append(u.index)
    sheet.merge_runs(2, keys, FIRST_DATA_ROW)
    return sheet


def _alerts(ws: Worksheet, styles: _Styles, ctx: HandbookContext) -> _Sheet:
    cols = [Column(tr("序号", "No."), 6, True), Column(tr("单位", "Unit"), 14, True), Column(tr("预警编号", "ID"), 10, True),
            Column(tr("日期", "Date"), 12, True), Column(tr("预警等级", "Grade"), 8, True), Column(tr("风险点编号", "Risk"), 10, True),
            Column(tr("风险描述", "Description"), 30), Column(tr("来源渠道", "Channel"), 12, True),
            Column(tr("情况说明", "Detail"), 36), Column(tr("处置方式", "Action"), 10, True), Column(tr("处置结果", "Result"), 30)]
    sheet = _Sheet(ws, styles, ctx.title + " " + tr("风险预警与处置", "alerts"), cols)
    keys = []
    n = 0
    for u in ctx.units:
        for a in u.alerts:
            n += 1
            sheet.add([n, u.name, a.id, a.date, a.grade, a.risk_id, a.risk, a.channel, a.detail, a.action, a.result])
            keys.append(u.index)
    sheet.merge_runs(2, keys, FIRST_DATA_ROW)
    return sheet


def _findings(ws: Worksheet, styles: _Styles, ctx: HandbookContext) -> _Sheet:
    cols = [Column(tr("序号", "No."), 6, True), Column(tr("单位", "Unit"), 14, True), Column(tr("文件", "File"), 24),
            Column(tr("位置", "Location"), 14), Column(tr("代码", "Code"), 8, True), Column(tr("级别", "Severity"), 8, True),
            Column(tr("对象", "Object"), 12), Column(tr("说明", "Message"), 60)]
    sheet = _Sheet(ws, styles, ctx.title + " " + tr("校验问题", "validation findings"), cols)
    for n, f in enumerate(ctx.findings or [], 1):
        sheet.add([n, f.unit, f.path, f.location, f.code, f.severity, f.object, f.message])
    return sheet


_SHEETS: tuple[tuple[str, Callable[..., _Sheet], str, str], ...] = (
    ("powers", _powers, "单位、部门、岗位权力清单（职权目录），全部单位", "power lists of every unit"),
    ("table", _table, "岗位职责、业务流程、制度机制廉政风险点，风险等级及防控措施", "risk points, levels and measures"),
    ("statistics", _statistics, "风险点按单位、等级、类别、岗位层次统计，覆盖情况", "risk points by unit, level, category and tier; coverage"),
    ("flows", _flows, "权力运行（外部、内部）流程及流程图文件", "power-operation flows and their charts"),
    ("institutions", _institutions, "修订完善的各项制度", "institutions built and revised"),
    ("alerts", _alerts, "风险预警与处置情况", "alerts and their handling"),
    ("findings", _findings, "强制生成时工作簿中尚存的校验问题", "findings left in the workbooks of a forced build"),
)


def render_excel(ctx: HandbookContext, *, font: str | None = None, when: datetime) -> bytes:
    """``handbook.xlsx`` as bytes, byte-identical for the same context and ``when``."""
    wb = XlsxWorkbook()
    styles = _Styles(wb, font or DEFAULT_FONT)
    names = sheet_names()
    contents = wb.active
    contents.title = names["contents"]
    listed: list[tuple[str, str]] = []
    for key, writer, note_zh, note_en in _SHEETS:
        if key == "findings" and ctx.findings is None:
            continue
        ws = wb.create_sheet(names[key])
        writer(ws, styles, ctx).finish()
        listed.append((names[key], tr(note_zh, note_en)))
    _contents(contents, styles, ctx, listed).finish()
    wb.properties.creator = ctx.tool
    wb.properties.lastModifiedBy = ctx.tool
    wb.properties.title = ctx.title
    wb.properties.created = when.replace(tzinfo=None)
    wb.properties.modified = when.replace(tzinfo=None)
    buffer = io.BytesIO()
    wb.save(buffer)
    return normalise_zip(buffer.getvalue(), when)
