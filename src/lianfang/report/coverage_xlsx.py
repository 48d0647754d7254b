"""``lianfang coverage --format xlsx``: the coverage as a sheet a reviewer can print.

Two sheets: 覆盖情况 (every risk point with its measures per phase, uncovered first and marked)
and 覆盖统计 (the figures per tier, level, department and category). Title, filled header, thin
borders, wrapped text, level colours; landscape A4, fitted to the page width, header rows repeated
on every page. Every text cell is written through ``set_text`` so a workbook's ``=…`` stays text.
"""

from __future__ import annotations

from io import BytesIO
from typing import TYPE_CHECKING

from openpyxl import Workbook as XlsxWorkbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from lianfang import palette
from lianfang.i18n import tr
from lianfang.io.excel_print import print_on_a4
from lianfang.io.excel_text import set_text
from lianfang.model.vocab import Phase, RiskLevel
from lianfang.report import RenderOptions
from lianfang.report.coverage_text import (
    coverage_figures,
    coverage_summary,
    coverage_title,
    measure_text,
    orphan_note,
)

if TYPE_CHECKING:
    from lianfang.coverage import Coverage

FONT_NAME = "宋体"
THIN = Side(style="thin", color=palette.LANE_BORDER)
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor=palette.HEADER_FILL)
# the level fills and inks of every output (lianfang.palette); uncovered is marked like 高
LEVEL_FILLS = {level: PatternFill("solid", fgColor=palette.LEVEL_FILL[level.value]) for level in RiskLevel}
LEVEL_FONTS = {level: palette.LEVEL_INK[level.value] for level in RiskLevel}
UNCOVERED_FILL = LEVEL_FILLS[RiskLevel.HIGH]
UNCOVERED_INK = LEVEL_FONTS[RiskLevel.HIGH]
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="top", wrap_text=True)

SHEET_RISKS = ("覆盖情况", "coverage")
SHEET_FIGURES = ("覆盖统计", "figures")
HEADER_ROW = 3  # title, summary, then the header


def _name(pair: tuple[str, str]) -> str:
    return tr(*pair)


def _print_setup(ws: Worksheet, landscape: bool, header_repeated: bool) -> None:
    print_on_a4(ws, landscape=landscape)
    if header_repeated:  # the column header on every printed page, and kept in view on screen
        ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)


def _title(ws: Worksheet, text: str, subtitle: str, columns: int) -> None:
    last = get_column_letter(columns)
    ws.merge_cells(f"A1:{last}1")
    ws.merge_cells(f"A2:{last}2")
    set_text(ws["A1"], text).font = Font(name=FONT_NAME, size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    set_text(ws["A2"], subtitle).font = Font(name=FONT_NAME, size=10)
    ws["A2"].alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
    ws.row_dimensions[2].height = 30


def _header(ws: Worksheet, row: int, headers: list[str]) -> None:
    for col, text in enumerate(headers, start=1):
        cell = set_text(ws.cell(row, col), text)
        cell.font = Font(name=FONT_NAME, bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _body(cell, align: Alignment = WRAP):
    cell.border = BORDER
    cell.alignment = align
    cell.font = Font(name=FONT_NAME, size=10)
    return cell


RISK_COLUMNS = [  # (中文, English, width)
    ("序号", "No.", 6), ("风险点编号", "risk", 11), ("风险等级", "level", 8), ("风险类别", "category", 10),
    ("风险描述", "description", 36), ("职权", "power", 16), ("岗位", "post", 14), ("部门", "department", 12),
    ("前期预防", "前期预防 (prevent)", 30), ("中期监控", "中期监控 (monitor)", 30), ("后期处置", "后期处置 (handle)", 30),
    ("覆盖情况", "coverage", 12),
]


def _risks_sheet(ws: Worksheet, cov: Coverage) -> None:
    columns = len(RISK_COLUMNS)
    _title(ws, coverage_title(cov), coverage_summary(cov), columns)
    _header(ws, HEADER_ROW, [tr(zh, en) for zh, en, _ in RISK_COLUMNS])
    for col, (_, _, width) in enumerate(RISK_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    for i, rc in enumerate(cov.rows, start=1):
        row = HEADER_ROW + i
        r = rc.risk
        power = tr("{n}（{i}）", "{n} ({i})", n=rc.power.name or "", i=rc.power.id) if rc.power is not None else (r.power or "")
        post = tr("{n}（{i}）", "{n} ({i})", n=rc.post.name or "", i=rc.post.id) if rc.post is not None else (r.post or "")
        ws.cell(row, 1, i)
        _body(ws.cell(row, 1), CENTER)
        texts = [rc.label, getattr(r.level, "value", "") or "", getattr(r.category, "value", "") or "",
                 r.description or "", power, post, rc.department or ""]
        for col, text in enumerate(texts, start=2):
            _body(set_text(ws.cell(row, col), text), CENTER if col in (2, 3, 4) else WRAP)
        for col, phase in enumerate(Phase, start=2 + len(texts)):
            measures = rc.by_phase(phase)
            _body(set_text(ws.cell(row, col), "\n".join(measure_text(m) for m in measures) or "—"))
        status_cell = ws.cell(row, columns)
        if not rc.covered:
            status = tr("未覆盖", "uncovered")
        elif rc.high and rc.missing_phases:
            status = tr("缺{p}", "lacks {p}", p="、".join(p.value for p in rc.missing_phases))
        else:
            status = tr("已覆盖", "covered")
        unphased = rc.by_phase(None)
        if unphased:
            status += "\n" + tr("阶段未填：{m}", "no phase: {m}", m="、".join(m.id for m in unphased))
        _body(set_text(status_cell, status), CENTER)
        level_fill = LEVEL_FILLS.get(r.level)
        if level_fill is not None:
            ws.cell(row, 3).fill = level_fill
            ws.cell(row, 3).font = Font(name=FONT_NAME, size=10, bold=True, color=LEVEL_FONTS[r.level])
        if not rc.covered:
            status_cell.fill = UNCOVERED_FILL
            status_cell.font = Font(name=FONT_NAME, size=10, bold=True, color=UNCOVERED_INK)
    if cov.orphan_measures:
        note = ws.cell(HEADER_ROW + len(cov.rows) + 2, 1)
        set_text(note, orphan_note(cov)).font = Font(name=FONT_NAME, size=10, color=UNCOVERED_INK)
    _print_setup(ws, landscape=True, header_repeated=True)


def _figures_sheet(ws: Worksheet, cov: Coverage) -> None:
    tables = coverage_figures(cov)
    columns = len(tables[0][1])
    _title(ws, coverage_title(cov), coverage_summary(cov), columns)
    for col, width in enumerate([24, 10, 10, 10, 10, 12], start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    row = HEADER_ROW
    for title, headers, rows in tables:
        set_text(ws.cell(row, 1), title).font = Font(name=FONT_NAME, size=12, bold=True)
        _header(ws, row + 1, headers)
        for offset, values in enumerate(rows, start=row + 2):
            for col, text in enumerate(values, start=1):
                cell = ws.cell(offset, col)
                if col == 1:
                    set_text(cell, text)
                elif text.isdigit():
                    cell.value = int(text)
                else:
                    set_text(cell, text)
                _body(cell, WRAP if col == 1 else Alignment(horizontal="right", vertical="top"))
        row += len(rows) + 3
    _print_setup(ws, landscape=False, header_repeated=False)


def render_coverage(cov: Coverage, options: RenderOptions) -> bytes:
    book = XlsxWorkbook()
    ws = book.active
    ws.title = _name(SHEET_RISKS)
    _risks_sheet(ws, cov)
    _figures_sheet(book.create_sheet(_name(SHEET_FIGURES)), cov)
    book.properties.creator = options.tool
    book.properties.title = coverage_title(cov)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
