"""Reading an xlsx unit workbook.

Cell values are read with python-calamine (fast, and it knows Excel's date formats, East-Asian
built-ins included). The file is untrusted, so before calamine sees it the zip is checked: sizes,
compression ratios and the cell range of every sheet are bounded, because calamine stores a
sheet as one dense rectangle and a 5 KB file with a value in ``A1`` and one in ``XFD1048576``
would otherwise ask for half a terabyte and abort the process.

The reader finds the sheets, header rows and columns (with the spec's tolerance), turns each data
row into a ``RawRow`` with the raw cell values and their cells, and hands them to
``build_workbook`` exactly as the YAML reader does.
"""

from __future__ import annotations

import copy
import gc
import io
import os
import re
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook, SheetTypeEnum

from lianfang.config import ConfigError
from lianfang.findings import Finding, Location
from lianfang.i18n import tr
from lianfang.io.build import RawRow, RawTable, ReadResult, build_workbook, emit
from lianfang.io.columns import column_letter
from lianfang.io.format import (
    IGNORED_HEADERS,
    TABLE_SPECS,
    UNIT,
    TableSpec,
    clean_header,
    match_field,
    match_table,
)
from lianfang.model.source import Origin, Source

# Hard limits against hostile files. A real unit workbook is a few MB and a few thousand rows.
MAX_FILE_BYTES = 256 * 1024 * 1024  # the file itself
MAX_UNCOMPRESSED = 256 * 1024 * 1024  # sum over all zip members, declared and actual
MAX_RATIO = 200  # uncompressed : compressed, checked on members larger than RATIO_FLOOR
RATIO_FLOOR = 16 * 1024 * 1024  # a small part may compress far better (a cell of one repeated character)
MAX_MEMBERS = 10_000
MAX_SHEET_CELLS = 5_000_000  # rows × columns of the used range of one sheet
MAX_SHEET_ROWS = 200_000  # rows of the used range of one sheet; LIANFANG_MAX_ROWS overrides it
ROWS_ENV = "LIANFANG_MAX_ROWS"
MAX_SHARED_STRINGS = 5_000_000  # calamine reserves memory for the uniqueCount a file declares
MAX_TAG_BYTES = 1024 * 1024  # no legitimate tag is this long
HEADER_SEARCH_ROWS = 10  # the header row is within the first 10 rows of a table sheet

OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # .xls, and Excel's password-protected .xlsx
_CHUNK = 1 << 20
_OVERLAP = 32  # bytes kept between chunks so a pattern split by a chunk boundary is still seen

# Cheap test of whether a sheet can exceed 26 columns × 99,999 rows (under both caps): a
# reference with two or more column letters or a six-digit row, or a cell without a leading
# r="…" (its position is implied, so only counting tells where it lands). Excel, WPS and
# openpyxl always write <c r="A1" …>, so real files take the cheap path.
# any spelling calamine accepts: either quote, spaces around =, a lower-case column (no (?i) or
# \b: they make this pass over every sheet six times slower)
_SUSPECT_REF = re.compile(rb'r\s*=\s*["\'](?:[A-Za-z][A-Za-z]|[A-Za-z]?[0-9]{6})')
_IMPLIED_CELL = re.compile(rb'<c(?![\w.:-]| r=")')
_IMPLIED_CELL_NS = re.compile(rb':c(?![\w.:-]| r=")')  # <x:c …>, written by some .NET tools
_DTD = (b"<!DOCTYPE", b"<!ENTITY")
_ROOT = re.compile(rb"<[A-Za-z_]")  # the root element's start: the prolog (where a DTD goes) ends
# the shared-string table's root tag, wherever it is (comments may come first), and its count
_SST_TAG = re.compile(rb'<(?:[\w.-]+:)?sst(?=[\s/>])')
_SST_COUNT = re.compile(rb'uniqueCount\s*=\s*["\']\s*\+?([0-9]+)')
# the exact count: every row and cell tag, with its reference if it has one
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*?)(/?)>")
_R_ATTR = re.compile(rb'(?i)(?<![\w.-])r\s*=\s*(["\'])([A-Z]*)([0-9]*)\1')

# 单位信息 may have a 项目 | 内容 header row
_UNIT_LABEL_HEADERS = frozenset({"项目", "item", "key", "field"})
_UNIT_VALUE_HEADERS = frozenset({"内容", "value", "content"})


class _Refused(Exception):
    """The file must not be handed to calamine; the message says why."""


def max_sheet_rows() -> int:
    """The row cap of a sheet: ``LIANFANG_MAX_ROWS`` when set, else MAX_SHEET_ROWS.

    Raises ``ConfigError`` when the variable is not a positive integer (a bad setting, not a bad
    file: the command cannot run, exit 2).
    """
    text = os.environ.get(ROWS_ENV, "").strip()
    if not text:
        return MAX_SHEET_ROWS
    if not text.isdigit() or int(text) < 1:
        raise ConfigError(tr("环境变量 {v} 应为正整数（每张工作表最多读取的行数），实际是「{t}」",
                             "{v} must be a positive integer (the most rows read from a sheet), not {t!r}", v=ROWS_ENV, t=text))
    return int(text)


def read_xlsx(path: str | Path, data: bytes | None = None) -> ReadResult:
    """Read an xlsx workbook; never raises for a bad file (``ConfigError`` for a bad setting)."""
    path = Path(path)
    findings: list[Finding] = []
    row_cap = max_sheet_rows()

    def unreadable(message: str) -> ReadResult:
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
        _check_container(data, row_cap)
    except _Refused as e:
        return unreadable(str(e))

    origin = Origin(path=str(path), format="xlsx")
    tables: dict[str, RawTable] = {}
    unit_row: RawRow | None = None
    with _gc_paused():  # tens of thousands of records: cyclic GC passes would cost a third of the time
        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            first_sheet: dict[str, str] = {}
            for meta in book.sheets_metadata:
                if meta.typ != SheetTypeEnum.WorkSheet:
                    continue  # chart and macro sheets hold no table
                name = meta.name
                spec = match_table(name)
                if spec is None:
                    continue  # 填表说明, 选项, a user's own notes
                if spec.key in first_sheet:
                    emit(findings, "LF107", tr("工作表「{s}」与「{f}」是同一张表，已忽略", "sheet {s!r} is the same table as {f!r}; ignored",
                                               s=name, f=first_sheet[spec.key]), Location(sheet=name))
                    continue
                first_sheet[spec.key] = name
                origin.sheets[spec.key] = name
                sheet = _Sheet(name, book.get_sheet_by_name(name))
                if len(sheet.rows) > row_cap:
                    raise _Refused(_too_many_rows(name, row_cap))
                if spec is UNIT:
                    unit_row = _unit(sheet, findings)
                else:
                    tables[spec.key] = _table(sheet, spec, findings)
                del sheet  # one sheet's cells in memory at a time
        except _Refused as e:
            findings.clear()
            return unreadable(str(e))
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as e:  # noqa: BLE001 - calamine's own errors, and pyo3 panics are BaseException
            findings.clear()
            return unreadable(tr("无法解析工作簿，文件可能已损坏：{e}", "cannot parse the workbook, the file may be corrupt: {e}",
                                 e=_short(e)))

        for spec in TABLE_SPECS:
            if spec.required and spec.key not in origin.sheets:
                emit(findings, "LF101", tr("缺少必需的工作表「{s}」", "required sheet {s!r} ({k}) is missing", s=spec.sheet, k=spec.key),
                     Location(sheet=spec.sheet))
        wb = build_workbook(origin, unit_row, tables, excel=True, findings=findings)
    return ReadResult(wb, findings, str(path))


@contextmanager
def _gc_paused():
    """No cyclic GC while a workbook is read; afterwards, what was read goes straight to the
    oldest generation. Otherwise the first young collection would walk every record (0.1 s for
    80,000 of them) only to find that all of them live on, and the next one would walk them again.
    gc.freeze() + gc.unfreeze() moves every tracked object to the oldest generation without a
    pass; it is skipped when someone else uses the permanent generation."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()


def _short(e: BaseException) -> str:
    text = str(e).strip() or type(e).__name__
    return text.splitlines()[0][:200]


def _too_many_rows(name: str, cap: int) -> str:
    return tr("「{p}」的数据超过 {m} 行，超出读取上限（可用环境变量 {v} 调整）",
              "{p} has more than {m} rows of data, over the limit (set {v} to change it)", p=name, m=cap, v=ROWS_ENV)


# -- the container: zip checks before any parsing --


def _check_container(data: bytes, row_cap: int = MAX_SHEET_ROWS) -> None:
    """Raise ``_Refused`` unless ``data`` is a plausible, bounded xlsx zip."""
    if not data:
        raise _Refused(tr("文件为空", "the file is empty"))
    if data.startswith(OLE_MAGIC):
        raise _Refused(tr("文件是设有打开密码的 Excel 工作簿，或旧版 .xls 文件：请取消密码，或在 Excel/WPS 中另存为 .xlsx",
                          "the file is a password-protected Excel workbook or an old .xls file: remove the password or save it as .xlsx"))
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise _Refused(tr("不是有效的 .xlsx 文件（不是 zip 格式），可能已损坏、不完整或只是改了扩展名",
                          "not a valid .xlsx file (not a zip): corrupt, truncated or just renamed")) from None
    except (OSError, ValueError, EOFError) as e:
        raise _Refused(tr("xlsx 文件已损坏或不完整：{e}", "the xlsx file is corrupt or truncated: {e}", e=_short(e))) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise _Refused(tr("xlsx 内部文件过多（{n} 个，上限 {m}），可能是恶意构造的文件",
                              "too many parts in the xlsx ({n}, limit {m}): a crafted file?", n=len(infos), m=MAX_MEMBERS))
        names = {i.filename for i in infos}
        if "xl/workbook.xml" not in names:
            if "mimetype" in names and "content.xml" in names:
                hint = tr("这是 OpenDocument 表格（.ods），请另存为 .xlsx", "it is an OpenDocument spreadsheet (.ods): save it as .xlsx")
            elif "xl/workbook.bin" in names:
                hint = tr("这是二进制工作簿（.xlsb），请另存为 .xlsx", "it is a binary workbook (.xlsb): save it as .xlsx")
            else:
                hint = tr("缺少 xl/workbook.xml", "xl/workbook.xml is missing")
            raise _Refused(tr("不是 Excel 工作簿：{h}", "not an Excel workbook: {h}", h=hint))
        total = 0
        for info in infos:
            if info.flag_bits & 0x1:
                raise _Refused(tr("xlsx 文件已加密，无法读取：请取消密码后另存", "the xlsx file is encrypted: remove the password and save it again"))
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise _Refused(tr("xlsx 使用了不支持的压缩方式（{n}）", "the xlsx uses an unsupported compression method ({n})",
                                  n=info.compress_type))
            total += info.file_size
            _check_ratio(info.filename, info.file_size, info.compress_size)
        _check_total(total)
        actual = 0
        for info in infos:
            if info.filename.endswith((".xml", ".rels")):
                actual = _scan_member(zf, info, actual, row_cap)
            else:
                actual += info.file_size  # not parsed by calamine (images, printer settings)


def _check_total(total: int) -> None:
    if total > MAX_UNCOMPRESSED:
        raise _Refused(tr("xlsx 解压后过大（超过 {m} MiB），可能是 zip 炸弹",
                          "the xlsx unpacks to more than {m} MiB: a zip bomb?", m=MAX_UNCOMPRESSED >> 20))


def _check_ratio(name: str, size: int, compressed: int) -> None:
    if size > RATIO_FLOOR and size > MAX_RATIO * max(compressed, 1):
        raise _Refused(tr("xlsx 中 {p} 的压缩比异常（{r}:1，上限 {m}:1），可能是 zip 炸弹",
                          "{p} in the xlsx is compressed {r}:1 (limit {m}:1): a zip bomb?",
                          p=name, r=size // max(compressed, 1), m=MAX_RATIO))


def _scan_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, actual: int, row_cap: int) -> int:
    """Inflate one XML part as a stream and check it: its real size (headers can lie), no DTD,
    a sane sharedStrings count, and a bounded cell range. Returns the running total size."""
    # Read up to the limit rather than the declared size, so a part that inflates beyond what
    # its header claims is measured, not silently cut short.
    probe = copy.copy(info)
    probe.file_size = MAX_UNCOMPRESSED + 1
    size = 0
    tail = b""
    suspect = False
    sst_pending = b""  # an unfinished <sst …> tag, from its "<" on
    # calamine reads the shared strings from xl/sharedStrings.xml, whatever the relationships say,
    # and finds that name in any letter case; the tag is looked for in any part of that name
    shared_strings = info.filename.replace("\\", "/").rsplit("/", 1)[-1].casefold() == "sharedstrings.xml"
    prolog = True  # before the root element, where a DTD would be
    try:
        with zf.open(probe) as stream:
            while True:
                chunk = stream.read(_CHUNK)
                final = not chunk
                size += len(chunk)
                actual += len(chunk)
                _check_total(actual)
                _check_ratio(info.filename, size, info.compress_size)
                window = tail + chunk
                # every <sst …> tag (a decoy in a comment must not hide the real one); a tag cut
                # by the chunk boundary is completed with the next chunk
                scan = sst_pending + chunk if sst_pending else window
                sst_pending = b""
                if shared_strings and b"sst" in scan:
                    for m in _SST_TAG.finditer(scan):
                        gt = scan.find(b">", m.start())
                        if gt < 0:
                            sst_pending = scan[m.start():]
                            break
                        _check_shared_strings(scan[m.start():gt])
                    if len(sst_pending) > MAX_TAG_BYTES or (final and sst_pending):
                        raise _Refused(tr("xlsx 中 {p} 含有异常长或不完整的标签，可能是恶意构造的文件",
                                          "{p} in the xlsx holds an absurdly long or unfinished tag: a crafted file?", p=info.filename))
                if prolog:
                    root = _ROOT.search(window)
                    head = window[:root.start()] if root else window
                    if any(marker in head for marker in _DTD):
                        raise _Refused(tr("xlsx 中 {p} 含有 DTD 声明，已拒绝读取", "{p} in the xlsx declares a DTD; refused", p=info.filename))
                    prolog = root is None
                if not suspect:
                    suspect = any(_found(p, window, final) for p in (_SUSPECT_REF, _IMPLIED_CELL, _IMPLIED_CELL_NS))
                if final:
                    break
                tail = window[-_OVERLAP:]
    except _Refused:
        raise
    except Exception as e:  # BadZipFile (bad CRC), zlib.error, EOFError on a truncated part
        raise _Refused(tr("xlsx 文件已损坏或不完整：{e}", "the xlsx file is corrupt or truncated: {e}", e=_short(e))) from None
    if suspect:
        _check_cell_range(zf, probe, info.filename, row_cap)
    return actual


def _check_shared_strings(tag: bytes) -> None:
    """calamine reserves memory for as many strings as the root tag declares: bound it."""
    m = _SST_COUNT.search(tag)
    if m and int(m.group(1)) > MAX_SHARED_STRINGS:
        raise _Refused(tr("xlsx 的共享字符串表声明了 {n} 项（上限 {m}），可能是恶意构造的文件",
                          "the xlsx shared-string table declares {n} entries (limit {m}): a crafted file?",
                          n=int(m.group(1)), m=MAX_SHARED_STRINGS))


def _found(pattern: re.Pattern[bytes], window: bytes, final: bool) -> bool:
    """A match, ignoring one so close to the end of the window that what follows it is not yet
    read: the next window starts _OVERLAP bytes earlier and looks at it again."""
    m = pattern.search(window)
    return m is not None and (final or m.start() < len(window) - _OVERLAP // 2)


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _check_cell_range(zf: zipfile.ZipFile, probe: zipfile.ZipInfo, name: str, row_cap: int) -> None:
    """The exact used range of a part, counted as calamine does: valued (not self-closing)
    cells only, a position implied when a cell or row has no reference."""
    min_r = min_c = 1 << 62
    max_r = max_c = 0
    row = col = 0
    buf = b""
    with zf.open(probe) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            buf += chunk
            # only complete tags: keep an unfinished one for the next chunk
            lt = buf.rfind(b"<")
            end = len(buf) if not chunk or lt < 0 or buf.find(b">", lt) >= 0 else lt
            if len(buf) - end > MAX_TAG_BYTES:
                raise _Refused(tr("xlsx 中 {p} 含有异常长的标签，可能是恶意构造的文件", "{p} in the xlsx holds an absurdly long tag: a crafted file?", p=name))
            for m in _TAG.finditer(buf, 0, end):
                refs = _R_ATTR.findall(m.group(2))
                if len(refs) > 1:
                    raise _Refused(tr("xlsx 中 {p} 的单元格带有重复的位置属性，可能是恶意构造的文件",
                                      "{p} in the xlsx has a cell with a repeated reference: a crafted file?", p=name))
                ref = refs[0] if refs else None
                if m.group(1) == b"row":
                    row = int(ref[2]) if ref and ref[2] else row + 1
                    col = 0
                    continue
                if ref and ref[1]:
                    col = _column_number(ref[1].upper())
                    if ref[2]:
                        row = int(ref[2])
                else:
                    col += 1
                if m.group(3):
                    continue  # a self-closing cell has no value
                min_r, max_r = min(min_r, row), max(max_r, row)
                min_c, max_c = min(min_c, col), max(max_c, col)
                if max_r - min_r >= row_cap:
                    raise _Refused(_too_many_rows(name, row_cap))
                if (max_r - min_r + 1) * (max_c - min_c + 1) > MAX_SHEET_CELLS:
                    raise _Refused(tr("xlsx 中 {p} 的数据范围过大（超过 {m} 个单元格），可能是恶意构造的文件",
                                      "the data range of {p} in the xlsx is too large (over {m} cells): a crafted file?",
                                      p=name, m=MAX_SHEET_CELLS))
            buf = buf[end:]
            if not chunk:
                break


# -- sheets --


class _Sheet:
    """The cells of one sheet with their real (0-based) Excel positions."""

    __slots__ = ("name", "rows", "row0", "col0", "merges")

    def __init__(self, name: str, sheet: Any):
        self.name = name
        self.rows: list[list[Any]] = sheet.to_python()
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
        return Location(sheet=self.name, row=r + 1, column=column_letter(c + 1) if c is not None else None)


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


def _table(sheet: _Sheet, spec: TableSpec, findings: list[Finding]) -> RawTable:
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
                                       h=f.header, c=column_letter(first_col[f.key] + 1)),
                 sheet.at(header_r, c), None, f.key)
            continue
        first_col[f.key] = c
        columns[f.key] = column_letter(c + 1)
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


def _unit(sheet: _Sheet, findings: list[Finding]) -> RawRow:
    """单位信息: labels in column A, values in column B (or under a 项目 | 内容 header)."""
    name = sheet.name
    rows = sheet.rows
    start = 0
    label_j, value_j = 0, 1
    # an optional 项目 | 内容 header row fixes the two columns; rows above it are a title
    for i in range(min(len(rows), HEADER_SEARCH_ROWS - sheet.row0)):
        cleaned = [clean_header(v).casefold() for v in rows[i]]
        lj = next((j for j, h in enumerate(cleaned) if h in _UNIT_LABEL_HEADERS), None)
        vj = next((j for j, h in enumerate(cleaned) if h in _UNIT_VALUE_HEADERS), None)
        if lj is not None and vj is not None and lj != vj:
            start, label_j, value_j = i + 1, lj, vj
            break
    value_letter = column_letter(sheet.col0 + value_j + 1)
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
    crit = [field_rows[k] for k in ("criteria.high", "criteria.medium", "criteria.low") if k in field_rows]
    if crit:
        field_rows["criteria"] = min(crit)
    columns = dict.fromkeys([f.key for f in UNIT.fields] + ["criteria"], value_letter)
    return RawRow(values, Source(sheet=name, row=None, columns=columns, rows=field_rows))

