"""Reading a spreadsheet unit workbook: .xlsx, .xlsm, .xls, .ods, and WPS's .et where it can.

Cell values are read with python-calamine (fast; it knows Excel's date formats, East-Asian
built-ins included, and reads the old binary .xls and OpenDocument .ods as well). The file is
untrusted: a zip container (xlsx, xlsm, ods) is checked by ``zip_guard`` before calamine sees
it; an .xls is bounded by its size and each sheet by its used range before its cells become
Python objects.

The reader finds the sheets, header rows and columns (with the spec's tolerance), turns each data
row into raw cell values with their cells, and hands them to ``build_workbook`` exactly as the
YAML reader does. What it cannot use it reports as a problem with its cell; it never raises for
a bad file.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from openpyxl.utils.cell import get_column_letter
from python_calamine import CalamineWorkbook, SheetTypeEnum

from lianfang.findings import Location
from lianfang.i18n import tr
from lianfang.io.build import Problems, RawRow, RawTable, ReadResult, build_workbook, emit
from lianfang.io.format import (
    IGNORED_HEADERS,
    TABLE_SPECS,
    UNIT,
    TableSpec,
    clean_header,
    lookalike_table,
    match_field,
    match_table,
)
from lianfang.io.limits import MAX_SHEET_CELLS, max_sheet_rows
from lianfang.io.zip_guard import (
    MAX_FILE_BYTES,
    ODS,
    OLE_MAGIC,
    XLSX,
    ContainerRefused,
    check_zip,
    short_error,
    too_many_rows,
)
from lianfang.model.source import Origin, Source
from lianfang.speed import gc_paused

HEADER_SEARCH_ROWS = 10  # the header row is within the first 10 rows of a table sheet
# An .xls is read whole by calamine: real ones are a few MB (65,536 rows × 256 columns at most)
MAX_XLS_BYTES = 32 * 1024 * 1024
_ZIP_MAGIC = b"PK\x03\x04"

# 单位信息 may have a 项目 | 内容 header row
_UNIT_LABEL_HEADERS = frozenset({"项目", "item", "key", "field"})
_UNIT_VALUE_HEADERS = frozenset({"内容", "value", "content"})
# the first words of a note row under a table (format 1.1)
NOTE_PREFIXES = ("注", "说明", "备注：", "备注:", "填表说明")


class _Refused(Exception):
    """The file must not be (or could not be) handed to calamine; the message says why."""


def read_xlsx(path: str | Path, data: bytes | None = None) -> ReadResult:
    """Read a spreadsheet workbook (.xlsx/.xlsm/.xls/.ods/.et, decided by its content and name);
    never raises for a bad file (``SettingError`` for a bad LIANFANG_MAX_ROWS)."""
    path = Path(path)
    findings: Problems = []
    row_cap = max_sheet_rows()
    suffix = path.suffix.lower()

    def unreadable(message: str) -> ReadResult:
        findings.clear()
        emit(findings, "LF100", message, Location())
        return ReadResult(None, findings, str(path))

    if data is None:
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                return unreadable(tr("文件过大（{n} 字节，上限 {m} 字节）", "file too large ({n} bytes, limit {m})",
                                     n=size, m=MAX_FILE_BYTES))
            data = path.read_bytes()
        except OSError as e:
            return unreadable(tr("无法打开文件：{e}", "cannot open the file: {e}", e=e.strerror or e))
    if len(data) > MAX_FILE_BYTES:
        return unreadable(tr("文件过大（{n} 字节，上限 {m} 字节）", "file too large ({n} bytes, limit {m})",
                             n=len(data), m=MAX_FILE_BYTES))
    try:
        fmt = _container(data, suffix, row_cap)
    except (ContainerRefused, _Refused) as e:
        return unreadable(_et_hint(suffix, str(e)))

    origin = Origin(path=str(path), format="xlsx")
    tables: dict[str, RawTable] = {}
    unit_row: RawRow | None = None
    with gc_paused():
        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            first_sheet: dict[str, str] = {}
            others: list[str] = []
            # calamine gives no merges for .ods: they are read from content.xml (checked above)
            ods_merges = _ods_merges(data) if fmt == ODS else {}
            for meta in book.sheets_metadata:
                if meta.typ != SheetTypeEnum.WorkSheet:
                    continue  # chart and macro sheets hold no table
                name = meta.name
                spec = match_table(name)
                if spec is None:
                    others.append(name)  # 填表说明, 选项, a user's own notes; or a look-alike (below)
                    continue
                if spec.key in first_sheet:
                    emit(findings, "LF107", tr("工作表「{s}」与「{f}」是同一张表，已忽略", "sheet {s!r} is the same table as {f!r}; ignored",
                                               s=name, f=first_sheet[spec.key]), Location(sheet=name))
                    continue
                first_sheet[spec.key] = name
                origin.sheets[spec.key] = name
                sheet = _Sheet(name, book.get_sheet_by_name(name), row_cap, checked=fmt != "xls")
                if fmt == ODS:
                    sheet.merges = ods_merges.get(name, [])
                if spec is UNIT:
                    unit_row = _unit(sheet, findings)
                else:
                    tables[spec.key] = _table(sheet, spec, findings)
                del sheet  # one sheet's cells in memory at a time
        except _Refused as e:
            return unreadable(str(e))
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as e:  # noqa: BLE001 - calamine's own errors, and pyo3 panics are BaseException
            return unreadable(_et_hint(suffix, tr("无法解析工作簿，文件可能已损坏：{e}", "cannot parse the workbook, the file may be corrupt: {e}",
                                                  e=short_error(e))))

        lookalikes = _lookalikes(others, origin.sheets, findings)
        for spec in TABLE_SPECS:
            if spec.required and spec.key not in origin.sheets:
                if spec.key in lookalikes:
                    emit(findings, "LF101", tr("缺少必需的工作表「{s}」（有一张名为「{o}」的工作表，是否就是它？请改名为「{s}」）",
                                               "required sheet {s!r} ({k}) is missing (is the sheet {o!r} meant to be it? rename it to {s!r})",
                                               s=spec.sheet, k=spec.key, o=lookalikes[spec.key]),
                         Location(sheet=spec.sheet))
                else:
                    emit(findings, "LF101", tr("缺少必需的工作表「{s}」", "required sheet {s!r} ({k}) is missing", s=spec.sheet, k=spec.key),
                         Location(sheet=spec.sheet))
        wb = build_workbook(origin, unit_row, tables, excel=True, findings=findings)
    return ReadResult(wb, findings, str(path))


def _container(data: bytes, suffix: str, row_cap: int) -> str:
    """Which kind of file ``data`` is (``"xlsx"``, ``"ods"`` or ``"xls"``), by its content
    first and its name second, after checking that it is safe to hand to calamine; raises
    ``ContainerRefused``/``_Refused`` with the reason."""
    zipped = data.startswith(_ZIP_MAGIC)
    if zipped or suffix in (".xlsx", ".xlsm", ".ods"):
        # an .xls or .et that is really a zip is read as what it is; a non-zip .xlsx is refused
        kind = ODS if (zipped and _is_ods(data)) or (not zipped and suffix == ".ods") else XLSX
        check_zip(data, kind, row_cap)
        return kind
    if not data.startswith(OLE_MAGIC):
        raise _Refused(tr("不是有效的 {s} 文件，可能已损坏、不完整或只是改了扩展名", "not a valid {s} file: corrupt, truncated or just renamed",
                          s=suffix or "Excel"))
    if len(data) > MAX_XLS_BYTES:
        raise _Refused(tr("旧版 .xls 文件过大（{n} 字节，上限 {m} 字节）：请另存为 .xlsx",
                          "the old-format .xls file is too large ({n} bytes, limit {m}): save it as .xlsx", n=len(data), m=MAX_XLS_BYTES))
    if _encrypted(data):
        raise _Refused(tr("文件设有打开密码，无法读取：请取消密码后另存", "the file is password-protected: remove the password and save it again"))
    return "xls"


_ODS_CELL = re.compile(rb"<(/?)table:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*?)(/?)>")
_ODS_ATTR = {key: re.compile(rb"table:" + key + rb'\s*=\s*["\']([^"\']*)') for key in
             (b"name", b"number-rows-repeated", b"number-columns-repeated", b"number-rows-spanned", b"number-columns-spanned")}


def _ods_attr(attrs: bytes, key: bytes, default: int = 1) -> int:
    m = _ODS_ATTR[key].search(attrs)
    return int(m.group(1)) if m and m.group(1).isdigit() else default


def _ods_merges(data: bytes) -> dict[str, list[tuple[tuple[int, int], tuple[int, int]]]]:
    """sheet name -> its merges as calamine gives them for xlsx: ((top, left), (bottom, right)),
    0-based. content.xml has passed ``check_zip`` (bounded, no DTD)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read("content.xml")
    out: dict[str, list[tuple[tuple[int, int], tuple[int, int]]]] = {}
    merges: list[tuple[tuple[int, int], tuple[int, int]]] = []
    row = col = rrep = 0
    for m in _ODS_CELL.finditer(xml):
        closing, tag, attrs, empty = m.groups()
        if tag == b"table":
            if not closing:
                n = _ODS_ATTR[b"name"].search(attrs)
                merges = out.setdefault(html.unescape(n.group(1).decode("utf-8", "replace")) if n else "", [])
                row = 0
        elif tag == b"table-row":
            if closing:
                row += rrep
            else:
                rrep, col = _ods_attr(attrs, b"number-rows-repeated"), 0
                if empty:
                    row += rrep
        elif not closing:
            rows, cols = _ods_attr(attrs, b"number-rows-spanned"), _ods_attr(attrs, b"number-columns-spanned")
            if tag == b"table-cell" and (rows > 1 or cols > 1):
                merges.append(((row, col), (row + rows - 1, col + cols - 1)))
            col += _ods_attr(attrs, b"number-columns-repeated")
    return out


def _is_ods(data: bytes) -> bool:
    return b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet" in data[:200]


def _encrypted(data: bytes) -> bool:
    """An OLE container holding an encrypted OOXML package (Excel's 'password to open')."""
    return "EncryptedPackage".encode("utf-16-le") in data[:1 << 20] or "EncryptionInfo".encode("utf-16-le") in data[:1 << 20]


def _et_hint(suffix: str, message: str) -> str:
    if suffix != ".et":
        return message
    return tr("{m}。这是 WPS 表格（.et）文件，lianfang 读不了它：请在 WPS 中“另存为” Excel 工作簿（.xlsx）后再提交",
              "{m}. This is a WPS spreadsheet (.et) lianfang cannot read: in WPS, save it as an Excel workbook (.xlsx)", m=message)


def _lookalikes(others: list[str], found: dict[str, str], findings: Problems) -> dict[str, str]:
    """LF106 for every sheet whose name looks like a known sheet's (format 1.1); returns
    table key -> that sheet's name for the tables not found under their own name."""
    out: dict[str, str] = {}
    for name in others:
        spec = lookalike_table(name)
        if spec is None:
            continue  # 填表说明, 选项, notes: ignored quietly
        if spec.key in found:
            emit(findings, "LF106", tr("工作表「{s}」的名称像「{t}」，但「{t}」已另有工作表「{f}」，此表已忽略",
                                       "sheet {s!r} looks like {t!r}, but {t!r} is the sheet {f!r}; this one is ignored",
                                       s=name, t=spec.sheet, f=found[spec.key]), Location(sheet=name))
        else:
            emit(findings, "LF106", tr("工作表「{s}」未被读取：名称不是「{t}」，是否应该命名为「{t}」？",
                                       "sheet {s!r} is not read: its name is not {t!r}; was it meant to be {t!r}?",
                                       s=name, t=spec.sheet), Location(sheet=name))
            out.setdefault(spec.key, name)
    return out


# -- sheets --


class _Sheet:
    """The cells of one sheet with their real (0-based) Excel positions."""

    __slots__ = ("name", "rows", "row0", "col0", "merges")

    def __init__(self, name: str, sheet: Any, row_cap: int, checked: bool):
        self.name = name
        if not checked and sheet.height * sheet.width > MAX_SHEET_CELLS:
            # an .xls has no zip to check beforehand: bound it before its cells become objects
            raise _Refused(tr("工作表「{p}」的数据范围过大（超过 {m} 个单元格），可能是恶意构造的文件",
                              "the data range of sheet {p!r} is too large (over {m} cells): a crafted file?", p=name, m=MAX_SHEET_CELLS))
        self.rows: list[list[Any]] = sheet.to_python()
        if len(self.rows) > row_cap:
            raise _Refused(too_many_rows(name, row_cap))
        start = sheet.start
        # to_python() starts at the first used cell, not at A1
        self.row0, self.col0 = start if start is not None and self.rows else (0, 0)
        self.merges = sheet.merged_cell_ranges or []
    def cell(self, r: int, c: int) -> Any:
        """The value at absolute 0-based (row, column), '' outside the used range."""
        i, j = r - self.row0, c - self.col0
        if 0 <= i < len(self.rows) and 0 <= j < len(self.rows[i]):
            return self.rows[i][j]
        return ""

    def at(self, r: int, c: int | None = None) -> Location:
        return Location(sheet=self.name, row=r + 1, column=get_column_letter(c + 1) if c is not None else None)


def _blank(v: Any) -> bool:
    return v == "" or v is None or (v.__class__ is str and not v.strip())


def _header_row(sheet: _Sheet, spec: TableSpec) -> int | None:
    """Index in ``sheet.rows`` of the first row, within the first 10, holding the ID header."""
    id_field = spec.by_key[spec.id_field]
    for i in range(min(len(sheet.rows), HEADER_SEARCH_ROWS - sheet.row0)):
        for v in sheet.rows[i]:
            if v.__class__ is str and match_field(spec, v) is id_field:
                return i
    return None


def _table(sheet: _Sheet, spec: TableSpec, findings: Problems) -> RawTable:
    table = RawTable(spec)
    name = sheet.name
    hi = _header_row(sheet, spec)
    if hi is None:
        id_spec = spec.by_key[spec.id_field]
        emit(findings, "LF102", tr("工作表「{s}」前 {n} 行中找不到表头「{h}」，无法读取该表",
                                   "sheet {s!r}: no header {h!r} ({k}) in the first {n} rows; the table cannot be read",
                                   s=name, n=HEADER_SEARCH_ROWS, h=id_spec.header, k=id_spec.key),
             Location(sheet=name), None, id_spec.key)
        return table
    header_r = sheet.row0 + hi  # absolute 0-based row of the header
    columns: dict[str, str] = {}  # field key -> column letter, shared by every row's Source
    mapped: list[tuple[int, str]] = []  # (index in the row list, field key)
    first_col: dict[str, int] = {}
    for j, v in enumerate(sheet.rows[hi]):
        h = clean_header(v)
        if not h or h.casefold() in IGNORED_HEADERS:
            continue
        c = sheet.col0 + j
        f = match_field(spec, h)
        if f is None:
            emit(findings, "LF106", tr("工作表「{s}」中未知的列「{h}」，已忽略", "unknown column {h!r} in sheet {s!r}, ignored", s=name, h=h),
                 sheet.at(header_r, c))
            continue
        if f.key in first_col:
            emit(findings, "LF107", tr("列「{h}」重复，第一次出现在 {c} 列，此列已忽略", "column {h!r} is repeated; first in column {c}; this one is ignored",
                                       h=f.header, c=get_column_letter(first_col[f.key] + 1)),
                 sheet.at(header_r, c), None, f.key)
            continue
        first_col[f.key] = c
        columns[f.key] = get_column_letter(c + 1)
        mapped.append((j, f.key))
    missing = [f for f in spec.fields if f.required and f.key not in columns]
    for f in missing:
        emit(findings, "LF102", tr("工作表「{s}」缺少必填列「{h}」", "sheet {s!r} has no required column {h!r} ({k})", s=name, h=f.header, k=f.key),
             sheet.at(header_r), None, f.key)

    rows = sheet.rows
    lo = hi + 1
    # Keep a row when a column lianfang reads holds something: 序号 and unknown columns do not
    # count, nor does a cell of white space (coerce() reads it as empty in a row that is kept).
    # The ID is almost always there, so it is looked at first (the header row is the one holding
    # the ID header, so its column is read).
    id_j = next(j for j, key in mapped if key == spec.id_field)
    js = [j for j, _ in mapped]
    keep = [i for i in range(lo, len(rows))
            if (v.strip() if (v := rows[i][id_j]).__class__ is str else v is not None)
            or not all(_blank(rows[i][j]) for j in js)]
    # note rows under the table (注：…, 说明…) are not records: skipped without a finding
    required = [j for j, key in mapped if spec.by_key[key].required]
    notes = set()
    while keep and _is_note(rows[keep[-1]], required):
        notes.add(keep.pop())
    _headerless(sheet, hi, notes, findings)
    kept = [rows[i] for i in keep]
    by_index = list(zip(*kept, strict=True)) if kept else [()] * len(rows[hi])
    table.columns = {key: by_index[j] for j, key in mapped}
    fills = _merge_fills(sheet, header_r, {sheet.col0 + j: key for j, key in mapped})
    if fills:
        position = {sheet.row0 + i: k for k, i in enumerate(keep)}  # absolute row -> index among the kept rows
        for r, filled in fills.items():
            k = position.get(r)
            if k is None:
                continue  # a covered row that is blank stays out
            for key, v in filled.items():
                column = table.columns[key]
                if column[k] == "":
                    if column.__class__ is not list:
                        column = table.columns[key] = list(column)
                    column[k] = v
    row1 = sheet.row0 + 1  # Excel row number of rows[0]
    table.sources = [Source(name, i + row1, columns) for i in keep]
    table.reported = frozenset(f.key for f in missing)
    return table


def _is_note(row: list[Any], required: list[int]) -> bool:
    """A note row: its first non-empty cell starts with 注, 说明, 备注： or 填表说明 and every
    required cell but that one is empty (format 1.1)."""
    first = next((j for j, v in enumerate(row) if not _blank(v)), None)
    if first is None:
        return False
    text = row[first]
    if text.__class__ is not str or not text.strip().startswith(NOTE_PREFIXES):
        return False
    return all(_blank(row[j]) for j in required if j != first)


def _headerless(sheet: _Sheet, hi: int, notes: set[int], findings: Problems) -> None:
    """LF106 for text in columns whose header cell is empty: it would otherwise be dropped
    without a word. One finding per run of adjacent such columns, at its first filled cell,
    saying how many cells hold text (a row pasted 16,000 columns wide is one finding)."""
    rows = sheet.rows
    header = rows[hi]
    empty = [j for j, v in enumerate(header) if _blank(v)]
    if not empty:
        return
    body = [i for i in range(hi + 1, len(rows)) if i not in notes]
    runs: list[list[tuple[int, list[int]]]] = []  # runs of adjacent columns: (column, rows with text)
    for j in empty:
        filled = [i for i in body if not _blank(rows[i][j])]
        if not filled:
            continue
        if runs and runs[-1][-1][0] == j - 1:
            runs[-1].append((j, filled))
        else:
            runs.append([(j, filled)])
    for run in runs:
        j0, filled0 = run[0]
        r, c = sheet.row0 + min(i for _, f in run for i in f), sheet.col0 + j0
        first = get_column_letter(c + 1)
        last = get_column_letter(sheet.col0 + run[-1][0] + 1)
        columns = first if len(run) == 1 else f"{first}–{last}"
        n = sum(len(f) for _, f in run)
        top = next(j for j, f in run if sheet.row0 + f[0] == r)
        emit(findings, "LF106", tr("工作表「{s}」的 {c} 列没有表头，其中 {n} 个单元格的内容已忽略：请补上表头或移走内容",
                                   "sheet {s!r}: column {c} has no header; the text of {n} cell(s) in it is ignored: add a header or move the text",
                                   s=sheet.name, c=columns, n=n),
             sheet.at(r, sheet.col0 + top))


def _merge_fills(sheet: _Sheet, header_r: int, data_cols: dict[int, str]) -> dict[int, dict[str, Any]]:
    """row -> {field -> value} for the cells under the top of a vertical merge in a data column.

    Only the merge's first column is filled: a merge across columns does not copy a value into
    a neighbouring field. A merge is cut at the sheet's last row, and each row of a column is
    filled once (by the first merge over it: Excel never overlaps merges), so a file listing
    thousands of merges down to row 1,048,576 costs no more than its rows.
    """
    last = sheet.row0 + len(sheet.rows) - 1  # absolute 0-based row of the last used row
    spans: dict[int, list[tuple[int, int]]] = {}  # column -> its merges (top, bottom)
    for (r1, c1), (r2, _c2) in sheet.merges:
        if r2 <= r1 or r1 <= header_r or c1 not in data_cols or r1 >= last:
            continue
        spans.setdefault(c1, []).append((r1, min(r2, last)))
    fills: dict[int, dict[str, Any]] = {}
    for c1, merges in spans.items():
        key = data_cols[c1]
        filled_to = header_r  # rows down to here are filled already
        for r1, r2 in sorted(merges):
            v = sheet.cell(r1, c1)
            if _blank(v) or r2 <= filled_to:
                continue
            for r in range(max(r1, filled_to) + 1, r2 + 1):
                fills.setdefault(r, {})[key] = v
            filled_to = r2
    return fills


def _unit(sheet: _Sheet, findings: Problems) -> RawRow:
    """单位信息: labels in column A, values in column B (or under a 项目 | 内容 header)."""
    name = sheet.name
    rows = sheet.rows
    start = 0
    label_j, value_j = 0, 1
    serial: set[int] = set()
    # an optional 项目 | 内容 header row fixes the two columns; rows above it are a title
    for i in range(min(len(rows), HEADER_SEARCH_ROWS - sheet.row0)):
        cleaned = [clean_header(v).casefold() for v in rows[i]]
        lj = next((j for j, h in enumerate(cleaned) if h in _UNIT_LABEL_HEADERS), None)
        vj = next((j for j, h in enumerate(cleaned) if h in _UNIT_VALUE_HEADERS), None)
        if lj is not None and vj is not None and lj != vj:
            start, label_j, value_j = i + 1, lj, vj
            serial = {j for j, h in enumerate(cleaned) if h in IGNORED_HEADERS}  # a 序号 column
            break
    value_letter = get_column_letter(sheet.col0 + value_j + 1)
    field_rows: dict[str, int] = {}
    values: dict[str, Any] = {}
    for i in range(start, len(rows)):
        cells = rows[i]
        label = cells[label_j] if label_j < len(cells) else ""
        value = cells[value_j] if value_j < len(cells) else ""
        r = sheet.row0 + i
        h = clean_header(label)
        if not h:
            if not _blank(value):
                emit(findings, "LF106", tr("单位信息第 {r} 行有内容但没有项目名称，已忽略", "unit sheet row {r} has a value but no label; ignored", r=r + 1),
                     sheet.at(r, sheet.col0 + value_j))
            continue
        f = match_field(UNIT, h)
        if f is None:
            # an unknown label with nothing beside it is a title or a section heading
            if not _blank(value):
                emit(findings, "LF106", tr("单位信息中未知的项目「{h}」，已忽略", "unknown item {h!r} in the unit sheet, ignored", h=h),
                     sheet.at(r, sheet.col0 + label_j))
            continue
        if f.key in field_rows:
            emit(findings, "LF107", tr("项目「{h}」重复，第一次出现在第 {f} 行，此行已忽略", "item {h!r} is repeated; first at row {f}; this row is ignored",
                                       h=f.header, f=field_rows[f.key]),
                 sheet.at(r, sheet.col0 + label_j), None, f.key.split(".")[0])
            continue
        field_rows[f.key] = r + 1
        if not _blank(value):
            values[f.key] = value
    # a value in another column than the label's and the value's is dropped: say so, once per column
    outside: dict[int, list[int]] = {}
    for i in range(start, len(rows)):
        for j, v in enumerate(rows[i]):
            if j != label_j and j != value_j and j not in serial and not _blank(v):
                outside.setdefault(j, []).append(i)
    for j, found in sorted(outside.items()):
        c, r = sheet.col0 + j, sheet.row0 + found[0]
        emit(findings, "LF106", tr("单位信息的 {c} 列有 {n} 个单元格有内容（从 {c}{r} 起），但只读取项目列 {a} 和内容列 {b}，已忽略",
                                   "unit sheet: {n} cell(s) in column {c} hold text (from {c}{r}), but only the label column {a} and the value column {b} are read; ignored",
                                   c=get_column_letter(c + 1), n=len(found), r=r + 1,
                                   a=get_column_letter(sheet.col0 + label_j + 1), b=value_letter),
             sheet.at(r, c))
    crit = [field_rows[k] for k in ("criteria.high", "criteria.medium", "criteria.low") if k in field_rows]
    if crit:
        field_rows["criteria"] = min(crit)
    columns = dict.fromkeys([f.key for f in UNIT.fields] + ["criteria"], value_letter)
    return RawRow(values, Source(sheet=name, row=None, columns=columns, rows=field_rows))

