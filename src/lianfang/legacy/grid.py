"""Legacy files as neutral grids of text: every table of a .docx, every sheet of a spreadsheet.

A ``Grid`` is a rectangle of cell texts in which a merged cell's text is repeated over every
cell it covers (Word's vertical merges and ``gridSpan``, Excel's merged ranges), while
``anchors`` remembers which cells were covered by which merge: the builder needs to tell "the
same cell merged over three rows" (one risk point) from "the same words typed three times"
(three risk points).

Legacy files are untrusted like workbooks: the same size, zip and XML limits apply (the zip is
checked before any parser sees it), and a file that cannot be read raises ``LegacyFileError``
with the reason, which the command reports as a refusal.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils.cell import get_column_letter

from lianfang.i18n import tr

# The workbook reader's guard, reused so that a .docx meets exactly the limits an .xlsx meets.
from lianfang.io.limits import MAX_SHEET_CELLS, max_sheet_rows
from lianfang.io.values import as_text
from lianfang.io.zip_guard import MAX_FILE_BYTES, ODS, OLE_MAGIC, XLSX
from lianfang.io.zip_guard import ContainerRefused as _Refused
from lianfang.io.zip_guard import check_zip as _guard
from lianfang.io.zip_guard import short_error as _short

DOCX_SUFFIXES = (".docx",)
SHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
LEGACY_SUFFIXES = DOCX_SUFFIXES + SHEET_SUFFIXES
MAX_SPAN = 64  # Word tables have at most 63 columns; a larger gridSpan is capped


class LegacyFileError(Exception):
    """A legacy file that cannot be read at all; the message says why."""


@dataclass
class Grid:
    """One table: rows of cell text, merged cells repeated; ``anchors`` maps each covered cell
    (row, column) to the top-left cell of its merge. Positions are 0-based in the grid;
    ``row0``/``col0`` shift them to the sheet's own (a sheet's used range may not start at A1)."""

    file: str  # the file name, as the report shows it
    name: str  # 表1 (Word) or the sheet name
    docx: bool
    rows: list[list[str]]
    anchors: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    row0: int = 0
    col0: int = 0
    # Word: the paragraphs between the previous table and this one (a title, a 填报单位 line)
    before: list[str] = field(default_factory=list)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def anchor(self, r: int, c: int) -> tuple[int, int]:
        """The top-left cell of the merge covering (r, c), or (r, c) itself."""
        return self.anchors.get((r, c), (r, c))

    def where(self, r: int, c: int | None = None) -> str:
        """``表1 第12行`` / ``表1 第12行第3列`` in Word, ``Sheet1!D14`` / ``Sheet1 第14行`` in a sheet."""
        prefix = f"{self.file} " if self.file else ""
        if self.docx:
            if c is None:
                return prefix + tr("{t} 第{r}行", "{t} row {r}", t=self.name, r=r + 1)
            return prefix + tr("{t} 第{r}行第{c}列", "{t} row {r} column {c}", t=self.name, r=r + 1, c=c + 1)
        if c is None:
            return prefix + tr("{s} 第{r}行", "{s} row {r}", s=self.name, r=self.row0 + r + 1)
        return prefix + f"{self.name}!{get_column_letter(self.col0 + c + 1)}{self.row0 + r + 1}"


def read_legacy(path: str | Path, display: str | None = None) -> list[Grid]:
    """Every table of a legacy file, in order. Raises ``LegacyFileError`` for a file that cannot
    be read (missing, not a regular file, wrong type, encrypted, corrupt, over a limit)."""
    path = Path(path)
    display = display if display is not None else path.name
    suffix = path.suffix.lower()
    if suffix not in LEGACY_SUFFIXES:
        if suffix == ".doc":
            raise LegacyFileError(tr("旧版 Word 文档（.doc）无法读取：请在 Word/WPS 中另存为 .docx",
                                     "an old Word document (.doc) cannot be read: save it as .docx in Word/WPS"))
        raise LegacyFileError(tr("不支持的文件类型「{s}」：可导入 .docx、.xlsx、.xls、.ods",
                                 "unsupported file type {s!r}: import .docx, .xlsx, .xls or .ods", s=suffix or path.name))
    data = _read_bytes(path)
    try:
        if suffix in DOCX_SUFFIXES:
            return _docx_grids(data, display)
        return _sheet_grids(data, suffix, display)
    except _Refused as e:
        raise LegacyFileError(str(e)) from None


def _read_bytes(path: Path) -> bytes:
    try:
        if not path.is_file():
            raise LegacyFileError(tr("{p} 不是普通文件", "{p} is not a regular file", p=path))
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise LegacyFileError(tr("文件过大（{n} 字节，上限 {m} 字节）", "file too large ({n} bytes, limit {m})",
                                     n=size, m=MAX_FILE_BYTES))
        return path.read_bytes()
    except OSError as e:
        raise LegacyFileError(tr("无法打开文件：{e}", "cannot open the file: {e}", e=e.strerror or e)) from None


# -- the container --------------------------------------------------------------------------


def check_zip(data: bytes, kind: str, required: str) -> None:
    """The workbook reader's zip limits for any OOXML/ODF package (``io.zip_guard.check_zip``:
    member count, encryption, compression method, declared and actual sizes, compression ratio,
    no DTD in any XML part, an .ods sheet's range), and a member the package must have
    (``word/document.xml``)."""
    _guard(data, kind.lstrip("."), max_sheet_rows())
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        if required not in zf.namelist():
            raise _Refused(tr("不是 {k} 文件：缺少 {p}", "not a {k} file: {p} is missing", k=kind, p=required))


# -- Word -----------------------------------------------------------------------------------


def _docx_grids(data: bytes, display: str) -> list[Grid]:
    check_zip(data, ".docx", "word/document.xml")
    try:
        import docx
        from docx.oxml.ns import qn

        document = docx.Document(io.BytesIO(data))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as e:  # noqa: BLE001 - lxml, zipfile and python-docx's own errors
        raise LegacyFileError(tr("无法解析 Word 文档，文件可能已损坏：{e}", "cannot parse the Word document, it may be corrupt: {e}",
                                 e=_short(e))) from None
    body = document.element.body
    grids: list[Grid] = []
    before: list[str] = []
    cells = 0
    row_cap = max_sheet_rows()
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            text = _text(child, qn)
            if text:
                before.append(text)
        elif child.tag == qn("w:tbl"):
            grid = _docx_table(child, qn, display, len(grids) + 1, MAX_SHEET_CELLS - cells, row_cap)
            grid.before = before
            before = []
            cells += len(grid.rows) * grid.width
            grids.append(grid)
    return grids


def _text(element: Any, qn: Any) -> str:
    """The text of a paragraph or cell: paragraphs joined by line breaks, w:br as a line break,
    w:tab as a space."""
    paragraphs = element.iter(qn("w:p")) if element.tag != qn("w:p") else [element]
    out = []
    t_tag, br_tag, tab_tag, cr_tag = qn("w:t"), qn("w:br"), qn("w:tab"), qn("w:cr")
    for p in paragraphs:
        parts = []
        for node in p.iter(t_tag, br_tag, tab_tag, cr_tag):
            if node.tag == t_tag:
                parts.append(node.text or "")
            elif node.tag == tab_tag:
                parts.append(" ")
            else:
                parts.append("\n")
        out.append("".join(parts))
    return "\n".join(out).strip()


def _docx_table(tbl: Any, qn: Any, display: str, number: int, budget: int, row_cap: int) -> Grid:
    """One Word table as a grid: ``gridSpan`` repeats a cell to the right, ``vMerge`` continue
    repeats the cell above; both are recorded as anchors. The cells are counted as they are
    made, so a table of huge spans is refused before it fills the memory (``budget``: the cells
    the document may still have)."""
    rows: list[list[str]] = []
    anchors: dict[tuple[int, int], tuple[int, int]] = {}
    tc_tag = qn("w:tc")
    for r, tr_el in enumerate(tbl.iterchildren(qn("w:tr"))):
        row: list[str] = [""] * min(_int_attr(tr_el, qn, "w:trPr", "w:gridBefore"), MAX_SPAN)
        for tc in tr_el.iter(tc_tag):
            if tc.getparent() is not tr_el and tc.getparent().tag != qn("w:sdtContent"):
                continue  # a cell of a nested table
            c = len(row)
            span = max(1, min(_int_attr(tc, qn, "w:tcPr", "w:gridSpan") or 1, MAX_SPAN))
            vmerge = _vmerge(tc, qn)
            if vmerge == "continue" and r > 0 and c < len(rows[r - 1]):
                top = anchors.get((r - 1, c), (r - 1, c))
                text = rows[top[0]][top[1]]
                for k in range(span):
                    anchors[(r, c + k)] = top
            else:
                text = _text(tc, qn)
                for k in range(1, span):
                    anchors[(r, c + k)] = (r, c)
            row.extend([text] * span)
        rows.append(row)
        budget -= len(row)
        if budget < 0 or len(rows) > row_cap:
            raise LegacyFileError(tr("Word 文档中的表格过大（超过 {m} 个单元格或 {r} 行），已拒绝读取",
                                     "the tables of the Word document are too large (over {m} cells or {r} rows); refused",
                                     m=MAX_SHEET_CELLS, r=row_cap))
    width = max((len(r) for r in rows), default=0)
    for row in rows:
        row.extend([""] * (width - len(row)))
    return Grid(display, tr("表{n}", "table {n}", n=number), True, rows, anchors)


def _int_attr(element: Any, qn: Any, pr: str, child: str) -> int:
    props = element.find(qn(pr))
    if props is None:
        return 0
    node = props.find(qn(child))
    if node is None:
        return 0
    try:
        return max(0, int(node.get(qn("w:val"), "0")))
    except ValueError:
        return 0


def _vmerge(tc: Any, qn: Any) -> str | None:
    props = tc.find(qn("w:tcPr"))
    if props is None:
        return None
    node = props.find(qn("w:vMerge"))
    if node is None:
        return None
    return node.get(qn("w:val"), "continue")  # a bare <w:vMerge/> continues the merge above


# -- spreadsheets ---------------------------------------------------------------------------


def _sheet_grids(data: bytes, suffix: str, display: str) -> list[Grid]:
    if suffix in (".xlsx", ".xlsm"):
        _guard(data, XLSX, max_sheet_rows())
    elif suffix == ".ods":
        _guard(data, ODS, max_sheet_rows())
    elif not data.startswith(OLE_MAGIC):
        raise _Refused(tr("不是有效的 .xls 文件，可能已损坏或只是改了扩展名", "not a valid .xls file: corrupt or just renamed"))
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    grids: list[Grid] = []
    row_cap = max_sheet_rows()
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        for meta in book.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue
            sheet = book.get_sheet_by_name(meta.name)
            if sheet.height > row_cap or sheet.height * sheet.width > MAX_SHEET_CELLS:
                raise _Refused(tr("工作表「{s}」过大（超过 {r} 行或 {m} 个单元格），已拒绝读取",
                                  "sheet {s!r} is too large (over {r} rows or {m} cells); refused", s=meta.name, r=row_cap, m=MAX_SHEET_CELLS))
            grids.append(_sheet_grid(display, meta.name, sheet))
    except _Refused:
        raise
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as e:  # noqa: BLE001 - calamine's errors, pyo3 panics are BaseException
        text = _short(e)
        if "password" in text.lower() or "encrypt" in text.lower():
            raise LegacyFileError(tr("文件设有打开密码，无法读取：请取消密码后另存", "the file is password-protected: remove the password and save it again")) from None
        raise LegacyFileError(tr("无法解析表格文件，文件可能已损坏：{e}", "cannot parse the spreadsheet, it may be corrupt: {e}", e=text)) from None
    return grids


def _sheet_grid(display: str, name: str, sheet: Any) -> Grid:
    raw = sheet.to_python()
    start = sheet.start
    row0, col0 = start if start is not None and raw else (0, 0)
    width = max((len(r) for r in raw), default=0)
    rows = [[as_text(v) if v is not None else "" for v in r] + [""] * (width - len(r)) for r in raw]
    anchors: dict[tuple[int, int], tuple[int, int]] = {}
    for (r1, c1), (r2, c2) in sheet.merged_cell_ranges or []:
        # to grid positions, cut to the used range (a merge may reach row 1,048,576)
        top, left = r1 - row0, c1 - col0
        if not (0 <= top < len(rows) and 0 <= left < width):
            continue
        bottom, right = min(r2 - row0, len(rows) - 1), min(c2 - col0, width - 1)
        text = rows[top][left]
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                if (r, c) != (top, left) and (r, c) not in anchors:
                    anchors[(r, c)] = (top, left)
                    rows[r][c] = text
    return Grid(display, name, False, rows, anchors, row0, col0)
