"""The 公示 一览表 as Excel: one sheet per unit, printing like the handbook's (A4 landscape, header repeated)."""

from __future__ import annotations

import io

from openpyxl import Workbook as XlsxBook
from openpyxl.styles import PatternFill

from lianfang.board.xlsx import HEADER_ROW, _row, _sheet
from lianfang.i18n import tr
from lianfang.palette import LEVEL_FILL
from lianfang.publish.view import PublicUnit, risk_columns


def render_xlsx(title: str, units: list[PublicUnit], fields: frozenset[str]) -> bytes:
    book = XlsxBook()
    book.remove(book.active)
    used: set[str] = set()
    for u in units:
        name = (u.code or u.name)[:31]
        while name in used:
            name = name[:28] + f"-{len(used)}"
        used.add(name)
        ws = book.create_sheet(name)
        cols = [(tr("序号", "No."), 6)]
        columns = risk_columns(fields)
        keys = [k for k, _ in columns]
        widths = {"department": 12, "post": 14, "power": 16, "level": 8, "category": 10, "description": 36}
        cols += [(head, widths[k]) for k, head in columns]
        cols.append((tr("防控措施", "Prevention measures"), 60))
        _sheet(ws, u.name + tr("廉政风险点及防控措施公示", ": integrity risks and measures"), title, cols)
        for i, r in enumerate(u.risks, start=HEADER_ROW + 1):
            measures = "\n".join(f"{n}. {m.text()}" for n, m in enumerate(r.measures, 1))
            _row(ws, i, [r.seq, *(getattr(r, k) or "—" for k in keys), measures or "—"], centre_from=99)
            if "level" in keys and r.level in LEVEL_FILL:
                ws.cell(i, 2 + keys.index("level")).fill = PatternFill("solid", fgColor=LEVEL_FILL[r.level])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
