"""Checking an untrusted zip container (xlsx, xlsm, ods; later docx) before any parser sees it.

Sizes, member count, compression ratios and the real inflated size are bounded; no XML part may
declare a DTD (entity bombs, external entities); the shared-string count an xlsx declares is
bounded; and the used cell range of every sheet is bounded, because calamine stores a sheet as
one dense rectangle: a 5 KB file with a value in ``A1`` and one in ``XFD1048576`` would
otherwise ask for half a terabyte and abort the process. An .ods sheet is bounded the same way
(its ``number-rows-repeated`` / ``number-columns-repeated`` attributes are counted).

``check_zip`` is the public entry for other containers (a Word file): the generic checks only.
"""

from __future__ import annotations

import copy
import html
import io
import re
import zipfile

from lianfang.i18n import tr
from lianfang.io.limits import MAX_SHEET_CELLS, MAX_SHEET_ROWS, ROWS_ENV

MAX_FILE_BYTES = 256 * 1024 * 1024  # the file itself
MAX_UNCOMPRESSED = 256 * 1024 * 1024  # sum over all zip members, declared and actual
MAX_RATIO = 200  # uncompressed : compressed, checked on members larger than RATIO_FLOOR
RATIO_FLOOR = 16 * 1024 * 1024  # a small part may compress far better (a cell of one repeated character)
MAX_MEMBERS = 10_000
MAX_SHARED_STRINGS = 5_000_000  # calamine reserves memory for the uniqueCount a file declares
MAX_TAG_BYTES = 1024 * 1024  # no legitimate tag is this long

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
_EMPTY_CLOSE = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?c>")  # right after a cell's tag: the cell is empty
_R_ATTR = re.compile(rb'(?i)(?<![\w.-])r\s*=\s*(["\'])([A-Z]*)([0-9]*)\1')


class ContainerRefused(Exception):
    """The container must not be handed to a parser; the message says why."""


_Refused = ContainerRefused


def short_error(e: BaseException) -> str:
    text = str(e).strip() or type(e).__name__
    return text.splitlines()[0][:200]


def too_many_rows(name: str, cap: int) -> str:
    return tr("「{p}」的数据超过 {m} 行，超出读取上限（可用环境变量 {v} 调整）",
              "{p} has more than {m} rows of data, over the limit (set {v} to change it)", p=name, m=cap, v=ROWS_ENV)


# -- the container: zip checks before any parsing --

# which kind of container a file is, by the part that names it
XLSX, ODS, ZIP = "xlsx", "ods", "zip"


def check_zip(data: bytes, kind: str = ZIP, row_cap: int = MAX_SHEET_ROWS) -> None:
    """Raise ``ContainerRefused`` unless ``data`` is a plausible, bounded zip container.

    ``kind`` names the container in messages and picks the extra checks: ``"xlsx"`` (the
    workbook part must be there; shared strings and cell ranges bounded), ``"ods"`` (content.xml
    must be there; cell ranges bounded), or any other name (e.g. ``"docx"``): sizes, ratios,
    members, encryption and DTDs only.
    """
    if not data:
        raise _Refused(tr("文件为空", "the file is empty"))
    if data.startswith(OLE_MAGIC):
        raise _Refused(_ole_message(kind))
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise _Refused(tr("不是有效的 .{k} 文件（不是 zip 格式），可能已损坏、不完整或只是改了扩展名",
                          "not a valid .{k} file (not a zip): corrupt, truncated or just renamed", k=kind)) from None
    except (OSError, ValueError, EOFError) as e:
        raise _Refused(tr("{k} 文件已损坏或不完整：{e}", "the {k} file is corrupt or truncated: {e}", k=kind, e=short_error(e))) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise _Refused(tr("{k} 内部文件过多（{n} 个，上限 {m}），可能是恶意构造的文件",
                              "too many parts in the {k} ({n}, limit {m}): a crafted file?", k=kind, n=len(infos), m=MAX_MEMBERS))
        names = {i.filename for i in infos}
        if kind == XLSX and "xl/workbook.xml" not in names:
            if "mimetype" in names and "content.xml" in names:
                hint = tr("这是 OpenDocument 表格（.ods），请另存为 .xlsx", "it is an OpenDocument spreadsheet (.ods): save it as .xlsx")
            elif "xl/workbook.bin" in names:
                hint = tr("这是二进制工作簿（.xlsb），请另存为 .xlsx", "it is a binary workbook (.xlsb): save it as .xlsx")
            else:
                hint = tr("缺少 xl/workbook.xml", "xl/workbook.xml is missing")
            raise _Refused(tr("不是 Excel 工作簿：{h}", "not an Excel workbook: {h}", h=hint))
        if kind == ODS and "content.xml" not in names:
            raise _Refused(tr("不是 OpenDocument 表格（.ods）：缺少 content.xml", "not an OpenDocument spreadsheet (.ods): content.xml is missing"))
        total = 0
        for info in infos:
            if info.flag_bits & 0x1:
                raise _Refused(tr("{k} 文件已加密，无法读取：请取消密码后另存", "the {k} file is encrypted: remove the password and save it again", k=kind))
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise _Refused(tr("{k} 使用了不支持的压缩方式（{n}）", "the {k} uses an unsupported compression method ({n})",
                                  k=kind, n=info.compress_type))
            total += info.file_size
            _check_ratio(info.filename, info.file_size, info.compress_size, kind)
        _check_total(total, kind)
        actual = 0
        for info in infos:
            if info.filename.endswith((".xml", ".rels")):
                actual = _scan_member(zf, info, actual, row_cap, kind)
            else:
                actual += info.file_size  # not parsed (images, printer settings)


def _ole_message(kind: str) -> str:
    if kind == XLSX:
        return tr("文件是设有打开密码的 Excel 工作簿，或旧版 .xls 文件：请取消密码，或在 Excel/WPS 中另存为 .xlsx",
                  "the file is a password-protected Excel workbook or an old .xls file: remove the password or save it as .xlsx")
    return tr("文件设有打开密码，或不是 .{k} 文件（是旧版 Office 格式）：请取消密码后另存",
              "the file is password-protected, or not a .{k} file (an old Office format): remove the password and save it again", k=kind)


def _check_total(total: int, kind: str) -> None:
    if total > MAX_UNCOMPRESSED:
        raise _Refused(tr("{k} 解压后过大（超过 {m} MiB），可能是 zip 炸弹",
                          "the {k} unpacks to more than {m} MiB: a zip bomb?", m=MAX_UNCOMPRESSED >> 20, k=kind))


def _check_ratio(name: str, size: int, compressed: int, kind: str) -> None:
    if size > RATIO_FLOOR and size > MAX_RATIO * max(compressed, 1):
        raise _Refused(tr("{k} 中 {p} 的压缩比异常（{r}:1，上限 {m}:1），可能是 zip 炸弹",
                          "{p} in the {k} is compressed {r}:1 (limit {m}:1): a zip bomb?",
                          p=name, r=size // max(compressed, 1), m=MAX_RATIO, k=kind))


def _scan_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, actual: int, row_cap: int, kind: str) -> int:
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
    shared_strings = kind == XLSX and info.filename.replace("\\", "/").rsplit("/", 1)[-1].casefold() == "sharedstrings.xml"
    prolog = True  # before the root element, where a DTD would be
    try:
        with zf.open(probe) as stream:
            while True:
                chunk = stream.read(_CHUNK)
                final = not chunk
                size += len(chunk)
                actual += len(chunk)
                _check_total(actual, kind)
                _check_ratio(info.filename, size, info.compress_size, kind)
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
                        _check_shared_strings(scan[m.start():gt], kind)
                    if len(sst_pending) > MAX_TAG_BYTES or (final and sst_pending):
                        raise _Refused(tr("{k} 中 {p} 含有异常长或不完整的标签，可能是恶意构造的文件",
                                          "{p} in the {k} holds an absurdly long or unfinished tag: a crafted file?", p=info.filename, k=kind))
                if prolog:
                    root = _ROOT.search(window)
                    head = window[:root.start()] if root else window
                    if any(marker in head for marker in _DTD):
                        raise _Refused(tr("{k} 中 {p} 含有 DTD 声明，已拒绝读取", "{p} in the {k} declares a DTD; refused", p=info.filename, k=kind))
                    prolog = root is None
                if not suspect and kind == XLSX:
                    suspect = any(_found(p, window, final) for p in (_SUSPECT_REF, _IMPLIED_CELL, _IMPLIED_CELL_NS))
                if final:
                    break
                tail = window[-_OVERLAP:]
    except _Refused:
        raise
    except Exception as e:  # BadZipFile (bad CRC), zlib.error, EOFError on a truncated part
        raise _Refused(tr("{k} 文件已损坏或不完整：{e}", "the {k} file is corrupt or truncated: {e}", e=short_error(e), k=kind)) from None
    if suspect:
        _check_cell_range(zf, probe, info.filename, row_cap, kind)
    if kind == ODS and info.filename == "content.xml":
        _check_ods_range(zf, probe, row_cap)
    return actual


def _check_shared_strings(tag: bytes, kind: str) -> None:
    """calamine reserves memory for as many strings as the root tag declares: bound it."""
    m = _SST_COUNT.search(tag)
    if m and int(m.group(1)) > MAX_SHARED_STRINGS:
        raise _Refused(tr("{k} 的共享字符串表声明了 {n} 项（上限 {m}），可能是恶意构造的文件",
                          "the {k} shared-string table declares {n} entries (limit {m}): a crafted file?",
                          n=int(m.group(1)), m=MAX_SHARED_STRINGS, k=kind))


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


def _check_cell_range(zf: zipfile.ZipFile, probe: zipfile.ZipInfo, name: str, row_cap: int, kind: str) -> None:
    """The exact used range of a part, counted as calamine does: valued cells only (not
    self-closing, not ``<c …></c>``), a position implied when a cell or row has no reference."""
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
                raise _Refused(tr("{k} 中 {p} 含有异常长的标签，可能是恶意构造的文件", "{p} in the {k} holds an absurdly long tag: a crafted file?", p=name, k=kind))
            for m in _TAG.finditer(buf, 0, end):
                refs = _R_ATTR.findall(m.group(2))
                if len(refs) > 1:
                    raise _Refused(tr("{k} 中 {p} 的单元格带有重复的位置属性，可能是恶意构造的文件",
                                      "{p} in the {k} has a cell with a repeated reference: a crafted file?", p=name, k=kind))
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
                if m.group(3) or _EMPTY_CLOSE.match(buf, m.end()):
                    continue  # a self-closing cell, or one closed at once (openpyxl's styled cell), has no value
                min_r, max_r = min(min_r, row), max(max_r, row)
                min_c, max_c = min(min_c, col), max(max_c, col)
                if max_r - min_r >= row_cap:
                    raise _Refused(too_many_rows(name, row_cap))
                if (max_r - min_r + 1) * (max_c - min_c + 1) > MAX_SHEET_CELLS:
                    raise _Refused(tr("{k} 中 {p} 的数据范围过大（超过 {m} 个单元格），可能是恶意构造的文件",
                                      "the data range of {p} in the {k} is too large (over {m} cells): a crafted file?",
                                      p=name, m=MAX_SHEET_CELLS, k=kind))
            buf = buf[end:]
            if not chunk:
                break




# .ods: every table, row and cell tag (covered cells are the hidden part of a merge)
_ODS_TAG = re.compile(rb"<(/?)table:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*?)(/?)>")
_ODS_ROWS = re.compile(rb'table:number-rows-repeated\s*=\s*["\']([0-9]+)')
_ODS_COLS = re.compile(rb'table:number-columns-repeated\s*=\s*["\']([0-9]+)')


def _check_ods_range(zf: zipfile.ZipFile, probe: zipfile.ZipInfo, row_cap: int) -> None:
    """The used range of every table in content.xml, counted with its repeat attributes: a
    20-byte cell repeated a million times down a million rows must not reach calamine. Only
    valued cells count (LibreOffice pads every sheet with empty repeated cells and rows)."""
    buf = b""
    name = b""
    row = col = rrep = 0
    min_r = min_c = 1 << 62
    max_r = max_c = -1
    with zf.open(probe) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            buf += chunk
            lt = buf.rfind(b"<")
            end = len(buf) if not chunk or lt < 0 or buf.find(b">", lt) >= 0 else lt
            if len(buf) - end > MAX_TAG_BYTES:
                raise _Refused(tr("ods 中 content.xml 含有异常长的标签，可能是恶意构造的文件",
                                  "content.xml in the ods holds an absurdly long tag: a crafted file?"))
            for m in _ODS_TAG.finditer(buf, 0, end):
                closing, tag, attrs, empty = m.groups()
                if tag == b"table":
                    if not closing:
                        name, row = attrs, 0
                        min_r = min_c = 1 << 62
                        max_r = max_c = -1
                elif tag == b"table-row":
                    if closing:
                        row += rrep
                    else:
                        r = _ODS_ROWS.search(attrs)
                        rrep, col = (int(r.group(1)) if r else 1), 0
                        if empty:
                            row += rrep
                elif not closing:
                    c = _ODS_COLS.search(attrs)
                    crep = int(c.group(1)) if c else 1
                    if not empty or b"value-type" in attrs:
                        min_r, max_r = min(min_r, row), max(max_r, row + rrep - 1)
                        min_c, max_c = min(min_c, col), max(max_c, col + crep - 1)
                        if max_r - min_r >= row_cap:
                            raise _Refused(too_many_rows(_table_name(name), row_cap))
                        if (max_r - min_r + 1) * (max_c - min_c + 1) > MAX_SHEET_CELLS:
                            raise _Refused(tr("ods 中工作表「{p}」的数据范围过大（超过 {m} 个单元格），可能是恶意构造的文件",
                                              "the data range of sheet {p!r} in the ods is too large (over {m} cells): a crafted file?",
                                              p=_table_name(name), m=MAX_SHEET_CELLS))
                    col += crep
            buf = buf[end:]
            if not chunk:
                break


def _table_name(attrs: bytes) -> str:
    m = re.search(rb'table:name\s*=\s*["\']([^"\']*)', attrs)
    return html.unescape(m.group(1).decode("utf-8", "replace")) if m else "?"
