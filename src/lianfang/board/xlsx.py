"""The board as an Excel workbook that prints like the 一览表: 工作进度, 阶段进度, 考核评分表, 图表.

A4 landscape, the column header repeated on every printed page, thin borders, the shared palette,
every text cell written through ``set_text`` (a unit name of ``=HYPERLINK(…)`` stays text).
"""

from __future__ import annotations

import io

from openpyxl import Workbook as XlsxBook
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from lianfang.board.campaign import PhaseState
from lianfang.board.charts import STATE_FILL, Picture
from lianfang.board.render import _measures, _score, _status, headline, pct
from lianfang.board.status import LEVELS, Board
from lianfang.i18n import tr
from lianfang.io.excel_print import print_on_a4
from lianfang.io.excel_text import set_text
from lianfang.palette import BORDER, HEADER_FILL, LEVEL_FILL

FONT = "宋体"
HEADER_ROW = 3
_SIDE = Side(style="thin", color=BORDER)
_BORDER = Border(left=_SIDE, right=_SIDE, top=_SIDE, bottom=_SIDE)
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _sheet(ws: Worksheet, title: str, subtitle: str, headers: list[tuple[str, float]]) -> None:
    last = get_column_letter(len(headers))
    ws.merge_cells(f"A1:{last}1")
    ws.merge_cells(f"A2:{last}2")
    set_text(ws["A1"], title).font = Font(name=FONT, size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 28
    set_text(ws["A2"], subtitle).font = Font(name=FONT, size=10)
    ws["A2"].alignment = _WRAP
    ws.row_dimensions[2].height = 42
    for col, (text, width) in enumerate(headers, start=1):
        cell = set_text(ws.cell(HEADER_ROW, col), text)
        cell.font = Font(name=FONT, size=10, bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.border = _BORDER
        cell.alignment = _CENTER
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.row_dimensions[HEADER_ROW].height = 32  # two lines of a wrapped header
    print_on_a4(ws, margins=None, centred=False)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)


def _row(ws: Worksheet, row: int, values: list, centre_from: int = 3) -> None:
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row, col)
        if isinstance(value, int | float) and not isinstance(value, bool):
            cell.value = value
        else:
            set_text(cell, str(value))
        cell.border = _BORDER
        cell.font = Font(name=FONT, size=10)
        cell.alignment = _CENTER if col >= centre_from else _WRAP


def render_xlsx(board: Board, pictures: list[Picture]) -> bytes:
    book = XlsxBook()
    ws = book.active
    ws.title = tr("工作进度", "Status")
    subtitle = "\n".join(headline(board))
    _sheet(ws, board.title, subtitle, [
        (tr("单位", "Unit"), 20), (tr("文件", "File"), 18), (tr("状态", "Status"), 8), (tr("错误", "Errors"), 6),
        (tr("警告", "Warnings"), 6), *((tr(f"{lv}风险", lv), 6) for lv in LEVELS), (tr("一对一覆盖", "Coverage"), 9),
        (tr("措施 已落实/落实中/未落实", "Measures done/doing/todo"), 12), (tr("逾期措施", "Overdue"), 7),
        (tr("待轮岗", "Rotation due"), 7), (tr("发回未改", "Returned open"), 7), (tr("考核得分", "Score"), 8)])
    for i, r in enumerate(board.rows, start=HEADER_ROW + 1):
        _row(ws, i, [r.label, r.file, _status(r), r.errors, r.warnings, *(r.levels[lv] for lv in LEVELS),
                     pct(r.coverage_rate), _measures(r), r.overdue, r.rotation_due, r.returned_open, _score(r)])
        for j, lv in enumerate(LEVELS, start=6):
            if r.levels[lv]:
                ws.cell(i, j).fill = PatternFill("solid", fgColor=LEVEL_FILL[lv])

    ws = book.create_sheet(tr("阶段进度", "Phases"))
    _sheet(ws, tr("各单位工作阶段进度", "Campaign phases by unit"), tr("截至 {d}", "as of {d}", d=board.as_of.isoformat()),
           [(tr("单位", "Unit"), 24), *((f"{p.name}\n{p.start.isoformat()}～{p.end.isoformat()}", 13) for p in board.phases)])
    ws.row_dimensions[HEADER_ROW].height = 42
    for i, r in enumerate(board.rows, start=HEADER_ROW + 1):
        _row(ws, i, [r.label, *(c.state.label for c in r.phases)], centre_from=2)
        for j, c in enumerate(r.phases, start=2):
            if c.state is not PhaseState.ON_TIME:
                ws.cell(i, j).fill = PatternFill("solid", fgColor=STATE_FILL[c.state])

    ws = book.create_sheet(tr("考核评分表", "Assessment"))
    criteria = [c for c, w in board.weights.items() if w]
    _sheet(ws, tr("廉政风险防控工作考核评分表", "Integrity-risk work assessment"),
           "；".join(f"{c.label}（{board.weights[c]:g}）：{c.explanation}" for c in criteria),
           [(tr("单位", "Unit"), 24), *((f"{c.label}\n（{board.weights[c]:g}）", 11) for c in criteria),
            (tr("得分（百分制）", "Score (of 100)"), 10), (tr("评定意见", "Remarks"), 24)])
    ws.row_dimensions[2].height = 90
    ws.row_dimensions[HEADER_ROW].height = 42
    for i, r in enumerate(board.rows, start=HEADER_ROW + 1):
        if r.score is None:
            _row(ws, i, [r.label, *("—" for _ in criteria), "—", _status(r)], centre_from=2)
        else:
            _row(ws, i, [r.label, *(round(line.points, 1) for line in r.score.lines), round(r.score.total, 1), ""],
                 centre_from=2)

    if pictures:
        ws = book.create_sheet(tr("图表", "Charts"))
        print_on_a4(ws, landscape=False, margins=None, centred=False, footer=False)
        row = 1
        for p in pictures:
            set_text(ws.cell(row, 1), p.title).font = Font(name=FONT, size=12, bold=True)
            image = Image(io.BytesIO(p.png))
            scale = 600 / image.width  # about the width of an A4 page's printable area, in pixels
            image.width, image.height = int(image.width * scale), int(image.height * scale)
            ws.add_image(image, f"A{row + 1}")
            row += 3 + int(image.height / 20)  # default rows are 20 px high; one spare row between charts
            ws.row_breaks.append(Break(id=row - 1))  # one chart a printed page: none is cut by a page break
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
