"""``lianfang diff --format xlsx``: the 修订对照表, a sheet a reviewer prints and files.

Sheet 修订对照表: one row per change — 序号 | 部分 | 对象 | 变化 | 旧 | 新 — under a title row and a
header row that repeat on every printed page; A4 landscape fitted to the page width, borders,
wrapped text, as the handbook's 一览表 prints. A level change shows its old and new level in the
level's colour (lianfang.palette). Sheet 变化统计: the count of each kind. Every text cell is
written with ``set_text``, so a workbook's ``=…`` stays text. The same inputs give the same bytes
(the file's times are those of ``build_time``).
"""

from __future__ import annotations

import io
import math
import unicodedata

from openpyxl import Workbook as XlsxWorkbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from lianfang import palette
from lianfang.diff.model import WorkbookDiff
from lianfang.diff.view import (
    counts_rows,
    describe_head,
    is_long_text,
    sections,
    show,
    side_line,
    title,
    what,
)
from lianfang.handbook.reproducible import build_time, normalise_zip
from lianfang.i18n import tr
from lianfang.io.excel_print import print_on_a4
from lianfang.io.excel_text import set_text

FONT = "宋体"
TITLE_ROW, SUBTITLE_ROW, HEADER_ROW = 1, 2, 3
LINE_HEIGHT = 13.5
# (header 中文, English, width in characters)
COLUMNS = (("序号", "No.", 6), ("部分", "part", 12), ("对象", "object", 28), ("变化", "change", 24),
           ("旧", "old", 44), ("新", "new", 44))


def _styles(wb: XlsxWorkbook) -> dict[str, str]:
    thin = Side(style="thin", color=palette.BORDER)
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    center = Alignment(wrap_text=True, vertical="top", horizontal="center")
    names: dict[str, str] = {}

    def add(name: str, **kw) -> None:
        style = NamedStyle(name=f"lfdiff_{name}", **kw)
        wb.add_named_style(style)
        names[name] = style.name

    add("title", font=Font(name=FONT, size=14, bold=True), alignment=Alignment(horizontal="center", vertical="center"))
    add("subtitle", font=Font(name=FONT, size=10), alignment=Alignment(horizontal="left", vertical="center", wrap_text=True))
    add("header", font=Font(name=FONT, size=10, bold=True), border=border, alignment=center,
        fill=PatternFill("solid", fgColor=palette.HEADER_FILL))
    add("cell", font=Font(name=FONT, size=10), border=border, alignment=wrap)
    add("center", font=Font(name=FONT, size=10), border=border, alignment=center)
    for level, fill in palette.LEVEL_FILL.items():
        add(f"level{level}", font=Font(name=FONT, size=10, bold=True, color=palette.LEVEL_INK[level]), border=border,
            alignment=center, fill=PatternFill("solid", fgColor=fill))
    return names


def _print_setup(ws: Worksheet) -> None:
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    print_on_a4(ws)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _lines(text: str, width: float) -> int:
    return sum(max(1, math.ceil(_width(part) / max(width - 1, 1))) for part in (text or "").split("\n"))


def _head(ws: Worksheet, styles: dict[str, str], heading: str, subtitle: str, headers: list[tuple[str, float]]) -> None:
    last = get_column_letter(len(headers))
    ws.merge_cells(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
    ws.merge_cells(f"A{SUBTITLE_ROW}:{last}{SUBTITLE_ROW}")
    set_text(ws.cell(TITLE_ROW, 1), heading).style = styles["title"]
    ws.row_dimensions[TITLE_ROW].height = 28
    cell = ws.cell(SUBTITLE_ROW, 1)
    cell.style = styles["subtitle"]
    set_text(cell, subtitle)
    ws.row_dimensions[SUBTITLE_ROW].height = LINE_HEIGHT * max(1, subtitle.count("\n") + 1) + 4
    for i, (header, width) in enumerate(headers, 1):
        c = ws.cell(HEADER_ROW, i)
        c.style = styles["header"]
        set_text(c, header)
        ws.column_dimensions[get_column_letter(i)].width = width
    _print_setup(ws)


def _put(ws: Worksheet, row: int, col: int, value, style: str) -> None:
    cell = ws.cell(row, col)
    cell.style = style  # before set_text: a named style resets the quote prefix
    if isinstance(value, int):
        cell.value = value
    elif value:
        set_text(cell, str(value))


def render_xlsx(diff: WorkbookDiff) -> bytes:
    wb = XlsxWorkbook()
    styles = _styles(wb)
    ws = wb.active
    ws.title = tr("修订对照表", "Changes")
    headers = [(tr(zh, en), w) for zh, en, w in COLUMNS]
    subtitle = "\n".join([side_line(tr("旧", "old"), diff.old), side_line(tr("新", "new"), diff.new)])
    _head(ws, styles, title(diff), subtitle, headers)
    row, n = HEADER_ROW + 1, 0
    for sec in sections(diff):
        for g in sec.groups:
            for c in g.changes:
                n += 1
                change = describe_head(c, g.key) if is_long_text(c) else what(c, g.key)
                old = show(c.old) if c.field is not None else ""
                new = show(c.new) if c.field is not None else ""
                values = [n, sec.title, g.heading or "", change, old, new]
                level_cells = c.field == "level"
                for col, v in enumerate(values, 1):
                    style = styles["center"] if col <= 2 else styles["cell"]
                    if level_cells and col >= 5 and v in palette.LEVEL_FILL:
                        style = styles[f"level{v}"]
                    _put(ws, row, col, v, style)
                ws.row_dimensions[row].height = LINE_HEIGHT * max(_lines(str(v), w) for v, (_, w) in zip(values, headers, strict=True)) + 4
                row += 1
    if n == 0:
        _put(ws, row, 1, tr("两个版本没有实质性差别。", "No difference between the two versions."), styles["cell"])
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(headers))

    counts = wb.create_sheet(tr("变化统计", "Counts"))
    _head(counts, styles, title(diff), subtitle, [(tr("变化", "change"), 30), (tr("代码", "kind"), 22), (tr("数量", "count"), 10)])
    row = HEADER_ROW + 1
    for kind, words, count in counts_rows(diff):
        _put(counts, row, 1, words, styles["cell"])
        _put(counts, row, 2, kind, styles["cell"])
        _put(counts, row, 3, count, styles["center"])
        row += 1
    buffer = io.BytesIO()
    wb.save(buffer)
    return normalise_zip(buffer.getvalue(), build_time(diff.new.year))
