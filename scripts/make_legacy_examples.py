"""Write the two legacy tables of examples/legacy/ from the example units, as units keep them.

    python scripts/make_legacy_examples.py          # write examples/legacy/*
    python scripts/make_legacy_examples.py --check  # exit 1 when a file is out of date

- ``chcdc_风险点一览表.docx`` (Word, from examples/units/chcdc.yaml): a title and a 填报单位（盖章）/
  日期 line above the table; department section rows (``一、中心领导``) merged across the table;
  岗位 and 职权 cells merged down over their rows; one row per (post, power), several risk points
  numbered in one cell (``1.…`` ``2.…``) with measures numbered to pair (``1.1`` ↔ risk 1), or a
  single risk point whose measures carry 事前/事中/事后 words — or none at all for 低 risks, so
  the importer must guess; levels 高/中/低, no category column; the header repeated in the
  middle (a table pasted from two pages); a ``注：`` row at the end.
- ``chyy_风险点一览表.xlsx`` (Excel, from examples/units/chyy.yaml): one sheet per department, each
  with a merged title row, a 填报单位 line and a two-row header (防控措施 merged over
  事前预防 | 事中监控 | 事后处置); 岗位 merged down; categories with the 风险 suffix; levels as
  ★★★/★★/★; ``—`` in an empty phase cell; a blank spacer row and a ``注：`` row.

The files are reproducible (fixed zip times and document properties), so the check compares bytes.
"""

from __future__ import annotations

import io
import sys
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from lianfang.handbook.reproducible import normalise_zip  # noqa: E402
from lianfang.io.yaml_reader import read_yaml  # noqa: E402
from lianfang.model.vocab import Phase, RiskLevel  # noqa: E402
from lianfang.model.workbook import Workbook  # noqa: E402

OUT = ROOT / "examples" / "legacy"
WHEN = datetime(2026, 9, 18, tzinfo=UTC)
CN_NUMBERS = "一二三四五六七八九十"
PHASE_WORD = {Phase.PREVENT: "事前", Phase.MONITOR: "事中", Phase.HANDLE: "事后"}
STARS = {RiskLevel.HIGH: "★★★", RiskLevel.MEDIUM: "★★", RiskLevel.LOW: "★"}


def _unit(code: str) -> Workbook:
    result = read_yaml(ROOT / "examples" / "units" / f"{code}.yaml")
    assert result.workbook is not None, result.findings
    return result.workbook


def _groups(wb: Workbook):
    """Risk points by department, then by (post, power), in the order of the 岗位 sheet."""
    posts = wb.posts_by_id
    powers = wb.powers_by_id
    order = {p.id: i for i, p in enumerate(wb.posts)}
    by_dept: dict[str, dict[tuple[str, str], list]] = defaultdict(lambda: defaultdict(list))
    for r in sorted(wb.risks, key=lambda r: (order.get(r.post, 999), r.power or "")):
        post = posts.get(r.post)
        dept = post.department if post else (powers[r.power].subject if r.power in powers else "其他")
        by_dept[dept][(post.name if post else "", powers[r.power].name if r.power in powers else "")].append(r)
    return by_dept


def chcdc_docx() -> bytes:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    wb = _unit("chcdc")
    d = docx.Document()
    section = d.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    style = d.styles["Normal"]
    style.font.size = Pt(9)
    style.font.name = "宋体"
    title = d.add_paragraph()
    run = title.add_run(f"{wb.unit.name}{wb.unit.year}年度廉政风险点及防控措施一览表")
    run.bold = True
    run.font.size = Pt(15)
    d.add_paragraph(f"填报单位（盖章）：{wb.unit.name}　　　　　　　　日期：2026年9月18日")
    header = ["序号", "岗位", "职权事项", "廉政风险点", "风险等级", "防控措施", "责任人", "备注"]
    table = d.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.autofit = False
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    widths = [Cm(1.0), Cm(2.8), Cm(3.0), Cm(6.0), Cm(1.4), Cm(9.0), Cm(2.2), Cm(1.6)]

    def row(values: list[str]):
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
        return cells

    measures = wb.measures_by_risk
    seq = 0
    groups = _groups(wb)
    rows_written = 0
    for k, (dept, by_post) in enumerate(groups.items()):
        cells = row([f"{CN_NUMBERS[k]}、{dept}"] + [""] * (len(header) - 1))
        cells[0].merge(cells[-1]).text = f"{CN_NUMBERS[k]}、{dept}"
        post_top = None
        last_post = None
        for (post, power), risks in by_post.items():
            if rows_written == 12:  # the second page of the pasted table starts with its header again
                row(header)
                last_post = None
            seq += 1
            rows_written += 1
            owners = "、".join(dict.fromkeys(m.owner for r in risks for m in measures.get(r.id, [])))
            if len(risks) == 1:
                r = risks[0]
                text = r.description
                level = r.level.value
                ms = measures.get(r.id, [])
                if r.level is RiskLevel.LOW:  # no phase words: the importer guesses
                    measure_text = "\n".join(f"{i}.{m.description}" for i, m in enumerate(ms, 1))
                else:
                    measure_text = "\n".join(f"{PHASE_WORD[m.phase]}：{m.description}" for m in ms)
            else:
                text = "\n".join(f"{i}.{r.description}" for i, r in enumerate(risks, 1))
                level = "\n".join(f"{i}.{r.level.value}" for i, r in enumerate(risks, 1))
                measure_text = "\n".join(f"{i}.{j}{PHASE_WORD[m.phase]}：{m.description}"
                                         for i, r in enumerate(risks, 1) for j, m in enumerate(measures.get(r.id, []), 1))
            cells = row([str(seq), post if post != last_post else "", power, text, level, measure_text, owners, ""])
            if post == last_post and post_top is not None:
                post_top.merge(cells[1]).text = post  # merged down over its powers; merge() joins texts
            else:
                post_top = cells[1]
            last_post = post
    note = "注：风险等级经中心党支部委员会会议集体研究确定；防控措施的责任人对措施落实负直接责任。"
    cells = row([note] + [""] * (len(header) - 1))
    cells[0].merge(cells[-1]).text = note
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for r in table.rows:
        for cell, width in zip(r.cells, widths, strict=True):
            cell.width = width
    core = d.core_properties
    core.author = core.last_modified_by = "lianfang"
    core.created = core.modified = WHEN.replace(tzinfo=None)
    core.revision = 1
    buffer = io.BytesIO()
    d.save(buffer)
    return normalise_zip(buffer.getvalue(), WHEN)


def chyy_xlsx() -> bytes:
    from openpyxl import Workbook as XlsxBook
    from openpyxl.styles import Alignment, Border, Font, Side

    from lianfang.io.excel_text import set_text

    wb = _unit("chyy")
    book = XlsxBook()
    book.remove(book.active)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center")
    measures = wb.measures_by_risk
    header = ["序号", "科室", "岗位", "风险类别", "风险点", "风险等级", "防控措施", "", "", "责任人"]
    sub = ["", "", "", "", "", "", "事前预防", "事中监控", "事后处置", ""]
    widths = [6, 12, 16, 12, 36, 8, 30, 30, 30, 14]
    for dept, by_post in _groups(wb).items():
        ws = book.create_sheet(dept[:31])

        def put(r: int, c: int, v: str, ws=ws) -> None:
            if v:
                set_text(ws.cell(r, c), v)

        put(1, 1, f"{wb.unit.name}岗位廉政风险防控一览表")
        ws.cell(1, 1).font = Font(bold=True, size=14)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        put(2, 1, f"填报单位（盖章）：{wb.unit.name}　　科室：{dept}　　日期：2026年9月")
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(header))
        for c, (h, s) in enumerate(zip(header, sub, strict=True), 1):
            put(3, c, h)
            put(4, c, s)
            ws.column_dimensions[chr(64 + c)].width = widths[c - 1]
        for c in range(1, len(header) + 1):
            if c not in (7, 8, 9):
                ws.merge_cells(start_row=3, start_column=c, end_row=4, end_column=c)
        ws.merge_cells(start_row=3, start_column=7, end_row=3, end_column=9)
        r = 5
        seq = 0
        for (post, _power), risks in by_post.items():
            top = r
            for risk in risks:
                seq += 1
                ms = measures.get(risk.id, [])
                by_phase = {p: [m for m in ms if m.phase is p] for p in Phase}
                cells = [str(seq), dept, post, risk.category.value + "风险", risk.description, STARS[risk.level]]
                for p in Phase:
                    items = by_phase[p]
                    cells.append("—" if not items else items[0].description if len(items) == 1
                                 else "\n".join(f"（{i}）{m.description}" for i, m in enumerate(items, 1)))
                cells.append("、".join(dict.fromkeys(m.owner for m in ms)))
                for c, v in enumerate(cells, 1):
                    put(r, c, v)
                r += 1
            if r - top > 1:
                ws.merge_cells(start_row=top, start_column=3, end_row=r - 1, end_column=3)
        if len(by_post) > 1 or seq > 1:
            ws.merge_cells(start_row=5, start_column=2, end_row=r - 1, end_column=2)
        for row in ws.iter_rows(min_row=3, max_row=r - 1, max_col=len(header)):
            lines = 1
            for cell in row:
                cell.border = border
                cell.alignment = wrap
                if isinstance(cell.value, str):
                    width = widths[cell.column - 1]
                    lines = max(lines, sum(len(part) * 2 // max(width - 2, 1) + 1 for part in cell.value.split("\n")))
            if row[0].row > 4:
                ws.row_dimensions[row[0].row].height = 14 * lines + 4
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = "3:4"
        r += 1  # a blank spacer row
        put(r, 1, "注：风险等级 ★★★ 为高，★★ 为中，★ 为低；“—”表示该阶段暂无措施。")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(header))
    book.properties.creator = book.properties.lastModifiedBy = "lianfang"
    book.properties.created = book.properties.modified = WHEN.replace(tzinfo=None)
    buffer = io.BytesIO()
    book.save(buffer)
    return normalise_zip(buffer.getvalue(), WHEN)


FILES = {"chcdc_风险点一览表.docx": chcdc_docx, "chyy_风险点一览表.xlsx": chyy_xlsx}


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    OUT.mkdir(parents=True, exist_ok=True)
    for name, make in FILES.items():
        data = make()
        path = OUT / name
        if check:
            if not path.exists() or path.read_bytes() != data:
                stale.append(name)
        else:
            path.write_bytes(data)
            print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print("out of date: " + ", ".join(stale) + " — run python scripts/make_legacy_examples.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
