"""Hostile workbook files: what a careless or malicious unit could send.

Each ``Case`` writes one file into a folder and says what lianfang must make of it:
``"LF100"`` (refused as unreadable, exit 1) or ``"read"`` (read, whatever its findings). Used by
``tests/test_hostile.py`` and ``bench/bench_hostile.py``; nothing here imports lianfang, so the
builders also describe the files independently of the code under test.
"""

from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# A small valid workbook without a single finding, the base every hostile file is made from: every
# post tier and risk category covered, every risk point with a measure, the one power abolished
# (so it needs no flow).
_POSTS = [("GW-01", "院长", "院领导", "领导岗位", "2024-03-01", "是"),
          ("GW-02", "药剂科主任", "药剂科", "中层岗位", "", ""),
          ("GW-03", "采购员", "药剂科", "其他重要岗位", "", "")]
_RISKS = [("FX-01", "GW-01", "思想道德", "暗箱操作", "中"),
          ("FX-02", "GW-02", "岗位职责", "采购计划未经集体研究", "中"),
          ("FX-03", "GW-03", "业务流程", "验收环节把关不严", "低"),
          ("FX-04", "GW-03", "制度机制", "采购制度多年未修订", "低"),
          ("FX-05", "GW-02", "外部环境", "供应商以学术会议名义宴请", "低")]
_MEASURES = [("CS-01", "FX-01", "前期预防", "药品遴选由药事委员会集体决定", "药剂科"),
             ("CS-02", "FX-02", "前期预防", "采购计划提交院长办公会集体研究", "药剂科"),
             ("CS-03", "FX-03", "中期监控", "验收由两名以上人员共同签字确认", "药剂科"),
             ("CS-04", "FX-04", "前期预防", "每年对照新规修订采购管理制度", "院办"),
             ("CS-05", "FX-05", "后期处置", "收到宴请邀约即向纪检监察室报告", "纪检监察室")]


def _post_yaml(id_, name, dept, tier, since, key):
    extra = f", key: true, since: {since}" if key else ""
    return f"  - {{id: {id_}, name: {name}, department: {dept}, tier: {tier}{extra}}}\n"


SMALL_YAML = (
    "unit:\n  name: 巢湖市第一人民医院\n  code: CHYY\n  year: 2026\n  status: 送审\n"
    "  criteria: {高: 涉及人财物, 中: 一般审批, 低: 其他}\n"
    "posts:\n" + "".join(_post_yaml(*p) for p in _POSTS)
    + "powers:\n  - {id: QL-01, name: 药品采购, content: 药品遴选采购, level: 单位, subject: 药剂科, basis: 《药品管理法》, disposition: 废止}\n"
    "risks:\n" + "".join(f"  - {{id: {i}, post: {p}, category: {c}, description: {d}, level: {lv}}}\n" for i, p, c, d, lv in _RISKS)
    + "measures:\n" + "".join(f"  - {{id: {i}, risk: {r}, phase: {ph}, description: {d}, owner: {o}}}\n" for i, r, ph, d, o in _MEASURES)
)

# The same workbook as sheets: (sheet name, rows); the first row is the header.
SMALL_SHEETS: list[tuple[str, list[list[str]]]] = [
    ("单位信息", [
        ["项目", "内容"],
        ["单位名称", "巢湖市第一人民医院"], ["单位代码", "CHYY"], ["年度", "2026"], ["状态", "送审"],
        ["高风险标准", "涉及人财物"], ["中风险标准", "一般审批"], ["低风险标准", "其他"],
    ]),
    ("岗位", [["岗位编号", "岗位名称", "所在部门", "岗位层次", "任职起始", "重点岗位"], *map(list, _POSTS)]),
    ("职权目录", [
        ["职权编号", "职权名称", "职权内容", "权力层级", "办理主体", "法律依据", "清理意见"],
        ["QL-01", "药品采购", "药品遴选采购", "单位", "药剂科", "《药品管理法》", "废止"],
    ]),
    ("风险点", [["风险点编号", "职权编号", "岗位编号", "风险类别", "风险描述", "风险等级"],
               *[[i, "", p, c, d, lv] for i, p, c, d, lv in _RISKS]]),
    ("防控措施", [["措施编号", "风险点编号", "防控阶段", "措施内容", "责任人"], *map(list, _MEASURES)]),
]

# ---------------------------------------------------------------------------------------------
# A minimal xlsx written by hand, so that every byte of every part is under the test's control.

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '{sheets}'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '</Types>'
)
_SHEET_TYPE = ('<Override PartName="/xl/worksheets/sheet{n}.xml" '
               'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    '</Relationships>'
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '{sheets}'
    '<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    '</Relationships>'
)
_WB_REL = ('<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
           'Target="worksheets/sheet{n}.xml"/>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{sheets}</sheets></workbook>'
)
_WB_SHEET = '<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>'
_SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '{doctype}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dimension}<sheetData>')
_SHEET_TAIL = "</sheetData></worksheet>"


def column_letter(index: int) -> str:
    """1 → A, 27 → AA, 16384 → XFD."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def sheet_xml(rows: list[list[str]], *, extra_cells: str = "", doctype: str = "", dimension: str = "") -> bytes:
    """A worksheet with inline-string cells (no shared strings needed); ``extra_cells`` is raw XML."""
    parts = [_SHEET_HEAD.format(doctype=doctype, dimension=dimension)]
    for r, row in enumerate(rows, start=1):
        cells = "".join(
            f'<c r="{column_letter(c)}{r}" t="inlineStr"><is><t xml:space="preserve">{_escape(v)}</t></is></c>'
            for c, v in enumerate(row, start=1) if v != ""
        )
        parts.append(f'<row r="{r}">{cells}</row>')
    parts.append(extra_cells)
    parts.append(_SHEET_TAIL)
    return "".join(parts).encode("utf-8")


SHARED_STRINGS_EMPTY = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"></sst>')


def xlsx_parts(sheets: list[tuple[str, list[list[str]]]] | None = None) -> dict[str, bytes]:
    """The parts (zip member name → bytes) of a valid xlsx holding ``sheets`` (default: SMALL_SHEETS)."""
    sheets = SMALL_SHEETS if sheets is None else sheets
    numbers = range(1, len(sheets) + 1)
    parts = {
        "[Content_Types].xml": _CONTENT_TYPES.format(sheets="".join(_SHEET_TYPE.format(n=n) for n in numbers)).encode(),
        "_rels/.rels": _ROOT_RELS.encode(),
        "xl/workbook.xml": _WORKBOOK.format(
            sheets="".join(_WB_SHEET.format(name=name, n=n) for n, (name, _) in zip(numbers, sheets, strict=True))).encode(),
        "xl/_rels/workbook.xml.rels": _WB_RELS.format(sheets="".join(_WB_REL.format(n=n) for n in numbers)).encode(),
        "xl/sharedStrings.xml": SHARED_STRINGS_EMPTY,
    }
    for n, (_, rows) in zip(numbers, sheets, strict=True):
        parts[f"xl/worksheets/sheet{n}.xml"] = sheet_xml(rows)
    return parts


def zip_bytes(parts: dict[str, bytes], level: int = 6) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buf.getvalue()


def small_xlsx() -> bytes:
    return zip_bytes(xlsx_parts())


def sheet_number(name: str) -> int:
    return [s for s, _ in SMALL_SHEETS].index(name) + 1


def risks_part(parts: dict[str, bytes]) -> str:
    return f"xl/worksheets/sheet{sheet_number('风险点')}.xml"


def with_sheet_rows(sheet: str, extra_rows: list[list[str]], **kwargs) -> dict[str, bytes]:
    """Parts of SMALL_SHEETS with rows appended to ``sheet`` (kwargs go to ``sheet_xml``)."""
    sheets = [(name, rows + extra_rows if name == sheet else rows) for name, rows in SMALL_SHEETS]
    parts = xlsx_parts(sheets)
    n = sheet_number(sheet)
    parts[f"xl/worksheets/sheet{n}.xml"] = sheet_xml(sheets[n - 1][1], **kwargs)
    return parts


# ---------------------------------------------------------------------------------------------
# The cases

LOL_DOCTYPE = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    + "".join(f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">' for i in range(2, 10))
    + "]>"
)  # &lol9; is 10**9 "lol": 3 GB if expanded


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def not_a_zip(folder: Path) -> Path:
    return _write(folder, "not-a-zip.xlsx", "单位名称,巢湖市第一人民医院\n这是一个改了扩展名的 CSV 文件\n".encode())


def empty_xlsx(folder: Path) -> Path:
    return _write(folder, "empty.xlsx", b"")


def truncated_zip(folder: Path) -> Path:
    data = small_xlsx()
    return _write(folder, "truncated.xlsx", data[: len(data) // 2])


def zip_not_xlsx(folder: Path) -> Path:
    return _write(folder, "zip-not-xlsx.xlsx", zip_bytes({"readme.txt": "这是一个普通的压缩包".encode(), "photo.jpg": b"\xff\xd8\xff\xe0" + bytes(100)}))


def encrypted_xlsx(folder: Path) -> Path:
    """A password-protected xlsx is an OLE compound file (CFB) holding EncryptedPackage."""
    header = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(16) + b"\x3e\x00\x03\x00\xfe\xff\x09\x00"
    body = header + bytes(512 - len(header)) + "EncryptedPackage".encode("utf-16-le") + bytes(4096)
    return _write(folder, "encrypted.xlsx", body)


def xls_renamed(folder: Path) -> Path:
    """An old .xls (also CFB) renamed to .xlsx — the commonest 'corrupt' file units send."""
    header = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(16) + b"\x3e\x00\x03\x00\xfe\xff\x09\x00"
    body = header + bytes(512 - len(header)) + "Workbook".encode("utf-16-le") + bytes(4096)
    return _write(folder, "old-format.xlsx", body)


def entity_bomb_shared_strings(folder: Path) -> Path:
    parts = xlsx_parts()
    parts["xl/sharedStrings.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + LOL_DOCTYPE +
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        '<si><t>&lol9;</t></si></sst>').encode()
    n = sheet_number("风险点")
    rows = SMALL_SHEETS[n - 1][1]
    parts[f"xl/worksheets/sheet{n}.xml"] = sheet_xml(rows, extra_cells='<row r="20"><c r="A20" t="s"><v>0</v></c></row>')
    return _write(folder, "entity-bomb-sst.xlsx", zip_bytes(parts))


def entity_bomb_sheet(folder: Path) -> Path:
    parts = xlsx_parts()
    n = sheet_number("风险点")
    rows = SMALL_SHEETS[n - 1][1]
    parts[f"xl/worksheets/sheet{n}.xml"] = sheet_xml(
        rows, doctype=LOL_DOCTYPE,
        extra_cells='<row r="20"><c r="E20" t="inlineStr"><is><t>&lol9;</t></is></c></row>')
    return _write(folder, "entity-bomb-sheet.xlsx", zip_bytes(parts))


def external_entity(folder: Path) -> Path:
    """XXE: an entity naming a local file; its content must never reach a finding or output."""
    parts = xlsx_parts()
    n = sheet_number("风险点")
    rows = SMALL_SHEETS[n - 1][1]
    parts[f"xl/worksheets/sheet{n}.xml"] = sheet_xml(
        rows, doctype='<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        extra_cells='<row r="20"><c r="E20" t="inlineStr"><is><t>&xxe;</t></is></c></row>')
    return _write(folder, "external-entity.xlsx", zip_bytes(parts))


ZIP_BOMB_BYTES = 1024**3  # 1 GiB of XML in a ~1 MB file


def _bomb_sheet_stream(total: int):
    """A well-formed worksheet of ``total`` bytes: the header, blank padding, the tail."""
    head = sheet_xml(SMALL_SHEETS[sheet_number("风险点") - 1][1])[: -len(_SHEET_TAIL)]
    yield head
    chunk = b" " * (1 << 20)
    left = total - len(head) - len(_SHEET_TAIL)
    while left > 0:
        piece = chunk[: min(left, len(chunk))]
        left -= len(piece)
        yield piece
    yield _SHEET_TAIL.encode()


def zip_bomb(folder: Path) -> Path:
    """A sheet that inflates to 1 GiB (honestly declared in the zip directory)."""
    parts = xlsx_parts()
    member = f"xl/worksheets/sheet{sheet_number('风险点')}.xml"
    del parts[member]
    path = folder / "zip-bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, data in parts.items():
            z.writestr(name, data)
        info = zipfile.ZipInfo(member)
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w", force_zip64=True) as f:
            for piece in _bomb_sheet_stream(ZIP_BOMB_BYTES):
                f.write(piece)
    return path


def lying_zip_bomb(folder: Path) -> Path:
    """The same bomb with a directory that lies: it declares the sheet as 1 KB uncompressed."""
    parts = xlsx_parts()
    member = f"xl/worksheets/sheet{sheet_number('风险点')}.xml"
    del parts[member]
    comp = zlib.compressobj(1, zlib.DEFLATED, -15)
    crc = 0
    chunks = []
    for piece in _bomb_sheet_stream(ZIP_BOMB_BYTES):
        crc = zlib.crc32(piece, crc)
        chunks.append(comp.compress(piece))
    chunks.append(comp.flush())
    deflated = b"".join(chunks)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
        info = zipfile.ZipInfo(member)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.header_offset = buf.tell()
        info.CRC = crc
        info.compress_size = len(deflated)
        info.file_size = 1024  # the lie
        buf.write(info.FileHeader(zip64=False))
        buf.write(deflated)
        z.filelist.append(info)
        z.NameToInfo[member] = info
        z.start_dir = buf.tell()
    return _write(folder, "lying-zip-bomb.xlsx", buf.getvalue())


def zip_bomb_total(folder: Path) -> Path:
    """40 padding parts of 8 MiB each: every one compresses well but stays under the per-part
    ratio check; together they unpack to 320 MiB."""
    parts = xlsx_parts()
    padding = b" " * (8 * 1024**2)
    parts.update({f"xl/media/padding{i}.xml": padding for i in range(40)})
    return _write(folder, "zip-bomb-total.xlsx", zip_bytes(parts, level=1))


def huge_dimension(folder: Path) -> Path:
    """A sheet whose <dimension> claims all 17 billion cells of a worksheet; the data is small."""
    parts = xlsx_parts()
    n = sheet_number("风险点")
    parts[f"xl/worksheets/sheet{n}.xml"] = sheet_xml(SMALL_SHEETS[n - 1][1], dimension='<dimension ref="A1:XFD1048576"/>')
    return _write(folder, "huge-dimension.xlsx", zip_bytes(parts))


def far_cell(folder: Path) -> Path:
    """One cell at XFD1048576: a reader building a dense grid would need 17 billion cells."""
    parts = xlsx_parts()
    n = sheet_number("风险点")
    parts[f"xl/worksheets/sheet{n}.xml"] = sheet_xml(
        SMALL_SHEETS[n - 1][1],
        extra_cells='<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>')
    return _write(folder, "far-cell.xlsx", zip_bytes(parts))


def millionth_row(folder: Path) -> Path:
    """A cell at row 1,000,000 of the first column."""
    parts = xlsx_parts()
    n = sheet_number("风险点")
    parts[f"xl/worksheets/sheet{n}.xml"] = sheet_xml(
        SMALL_SHEETS[n - 1][1],
        extra_cells='<row r="1000000"><c r="A1000000" t="inlineStr"><is><t>FX-99</t></is></c></row>')
    return _write(folder, "millionth-row.xlsx", zip_bytes(parts))


def wide_row(folder: Path) -> Path:
    """A header row 16,384 columns wide, every column filled."""
    parts = xlsx_parts()
    n = sheet_number("风险点")
    header = SMALL_SHEETS[n - 1][1][0]
    cells = "".join(f'<c r="{column_letter(c)}2" t="inlineStr"><is><t>x</t></is></c>' for c in range(len(header) + 1, 16385))
    parts[f"xl/worksheets/sheet{n}.xml"] = sheet_xml(SMALL_SHEETS[n - 1][1], extra_cells=f'<row r="9">{cells}</row>')
    return _write(folder, "wide-row.xlsx", zip_bytes(parts))


def tall_merges(folder: Path) -> Path:
    """5,000 merges in the data columns of 风险点, each from row 3 down to row 1,048,576 (most of
    them overlapping): filling every covered row would take billions of steps and tens of GB."""
    parts = xlsx_parts()
    name = risks_part(parts)
    merges = "".join(f'<mergeCell ref="{column_letter(2 + i % 5)}3:{column_letter(2 + i % 5)}1048576"/>' for i in range(5000))
    parts[name] = parts[name].replace(b"</sheetData>", f'</sheetData><mergeCells count="5000">{merges}</mergeCells>'.encode())
    return _write(folder, "tall-merges.xlsx", zip_bytes(parts))


MANY_ROWS = 300_000  # more than the reader's default row cap (see docs/security.md)


def many_rows(folder: Path, rows: int = MANY_ROWS) -> Path:
    """A 风险点 sheet with ``rows`` filled rows (numbers, to keep the file small)."""
    n = sheet_number("风险点")
    head = sheet_xml(SMALL_SHEETS[n - 1][1])[: -len(_SHEET_TAIL)]
    body = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(3, rows + 3))
    parts = xlsx_parts()
    parts[f"xl/worksheets/sheet{n}.xml"] = head + body.encode() + _SHEET_TAIL.encode()
    return _write(folder, "many-rows.xlsx", zip_bytes(parts))


def _sst_count_lie(folder: Path, name: str, attribute: str) -> Path:
    parts = xlsx_parts()
    parts["xl/sharedStrings.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" {attribute}>'
        '<si><t>x</t></si></sst>').encode()
    return _write(folder, name, zip_bytes(parts))


def shared_strings_count_lie(folder: Path) -> Path:
    """A sharedStrings part that claims two billion strings: calamine reserves memory for the
    declared uniqueCount, and a failed allocation aborts the whole process (no exception)."""
    return _sst_count_lie(folder, "sst-count-lie.xlsx", 'uniqueCount="2000000000"')


def shared_strings_count_lie_spelled(folder: Path) -> Path:
    """The same lie spelt as XML allows and a number parser accepts: single quotes, a sign."""
    return _sst_count_lie(folder, "sst-count-lie-spelled.xlsx", "uniqueCount = '+2000000000'")


def shared_strings_count_lie_padded(folder: Path) -> Path:
    """The same lie after 3 MB of comments, so it is not in the first chunk a scanner reads."""
    parts = xlsx_parts()
    padding = "".join(f"<!-- {i:08d} {'x' * 80} -->" for i in range(32_000))
    parts["xl/sharedStrings.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + padding +
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="2000000000">'
        '<si><t>x</t></si></sst>').encode()
    return _write(folder, "sst-count-lie-padded.xlsx", zip_bytes(parts))


CONTROL_TEXT = "暗箱\x00操作\x01\x07\x08\x0b\x0c\x1b[31m\x7f结束\ufffe"


def control_chars_xlsx(folder: Path) -> Path:
    """Cells holding control characters, as Excel escapes them (_x0001_) and as raw bytes."""
    parts = xlsx_parts()
    n = sheet_number("风险点")
    escaped = "".join(f"_x{ord(ch):04X}_" if ord(ch) < 32 or ch == "\x7f" else ch for ch in CONTROL_TEXT)
    raw = "暗箱\x01\x02操作\x1b"
    extra = (f'<row r="7"><c r="A7" t="inlineStr"><is><t>FX-91</t></is></c><c r="C7" t="inlineStr"><is><t>GW-01</t></is></c>'
             f'<c r="D7" t="inlineStr"><is><t>业务流程</t></is></c><c r="E7" t="inlineStr"><is><t>{escaped}</t></is></c>'
             f'<c r="F7" t="inlineStr"><is><t>中</t></is></c></row>'
             f'<row r="8"><c r="A8" t="inlineStr"><is><t>FX-92</t></is></c><c r="C8" t="inlineStr"><is><t>GW-01</t></is></c>'
             f'<c r="D8" t="inlineStr"><is><t>业务流程</t></is></c><c r="E8" t="inlineStr"><is><t>{raw}</t></is></c>'
             f'<c r="F8" t="inlineStr"><is><t>中</t></is></c></row>')
    parts[f"xl/worksheets/sheet{n}.xml"] = sheet_xml(SMALL_SHEETS[n - 1][1], extra_cells=extra)
    return _write(folder, "control-chars.xlsx", zip_bytes(parts))


BIG_CELL = 1024 * 1024


def big_cell_xlsx(folder: Path) -> Path:
    """A 1 MB 风险描述 (Excel itself stops at 32,767 characters)."""
    rows = [r[:] for r in SMALL_SHEETS[sheet_number("风险点") - 1][1]]
    rows[1][4] = "风" * BIG_CELL
    return _write(folder, "big-cell.xlsx", zip_bytes(with_sheet_rows("风险点", [])
                                                    | {f"xl/worksheets/sheet{sheet_number('风险点')}.xml": sheet_xml(rows)}))


def many_members(folder: Path) -> Path:
    """A zip with 100,000 empty members next to the workbook parts."""
    parts = xlsx_parts()
    parts.update({f"junk/{i}.bin": b"" for i in range(100_000)})
    return _write(folder, "many-members.xlsx", zip_bytes(parts, level=1))


def huge_sparse_xlsx(folder: Path) -> Path:
    """A 3 GB file (sparse on disk): refused by its size before anything reads it."""
    path = folder / "huge-file.xlsx"
    with path.open("wb") as f:
        f.write(small_xlsx())
        f.truncate(3 * 1024**3)
    return path


# -- YAML --

ALIAS_BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def alias_bomb_yaml(folder: Path) -> Path:
    """Billion laughs in YAML, hidden inside a table where the reader walks values."""
    text = SMALL_YAML.replace("posts:\n", "posts:\n" + "".join(
        f"  - {{id: X-{i}, name: &n{i} [{', '.join([f'*n{i - 1}'] * 9) if i else 'lol'}], department: d, tier: 领导岗位}}\n"
        for i in range(12)))
    return _write(folder, "alias-bomb.yaml", text.encode())


def alias_bomb_top_yaml(folder: Path) -> Path:
    """The classic billion laughs at the top level (unknown keys)."""
    return _write(folder, "alias-bomb-top.yaml", (SMALL_YAML + ALIAS_BOMB).encode())


def python_tag_yaml(folder: Path) -> Path:
    text = SMALL_YAML.replace("description: 暗箱操作", "description: !!python/object/apply:os.system ['touch PWNED']")
    text += "extra: !!python/object/new:os.system [touch PWNED]\n"
    return _write(folder, "python-tag.yaml", text.encode())


def top_list_yaml(folder: Path) -> Path:
    return _write(folder, "top-list.yaml", b"- unit\n- posts\n")


def top_scalar_yaml(folder: Path) -> Path:
    return _write(folder, "top-scalar.yaml", "就是一句话".encode())


def empty_yaml(folder: Path) -> Path:
    return _write(folder, "empty.yaml", b"")


def comments_only_yaml(folder: Path) -> Path:
    return _write(folder, "comments.yaml", "# 只有注释\n   \n# 没有内容\n".encode())


def utf16_yaml(folder: Path) -> Path:
    return _write(folder, "utf16.yaml", SMALL_YAML.encode("utf-16"))  # with BOM


def utf8_bom_yaml(folder: Path) -> Path:
    return _write(folder, "utf8-bom.yaml", SMALL_YAML.encode("utf-8-sig"))


def utf16_no_bom_yaml(folder: Path) -> Path:
    return _write(folder, "utf16-no-bom.yaml", SMALL_YAML.encode("utf-16-le"))


def gbk_yaml(folder: Path) -> Path:
    return _write(folder, "gbk.yaml", SMALL_YAML.encode("gb18030"))


def bad_bom_yaml(folder: Path) -> Path:
    """A UTF-16 BOM followed by bytes that are not UTF-16 (an odd number of them)."""
    return _write(folder, "bad-bom.yaml", b"\xff\xfe" + b"\x00\xd8a")


def control_chars_yaml(folder: Path) -> Path:
    text = SMALL_YAML.replace("暗箱操作", "暗箱\x01操作\x1b")
    return _write(folder, "control-chars.yaml", text.encode())


def escaped_control_yaml(folder: Path) -> Path:
    """Control characters written as YAML escapes, which YAML allows in double quotes."""
    text = SMALL_YAML.replace("description: 暗箱操作", 'description: "暗箱\\x01\\0操作\\e\\x7f"')
    return _write(folder, "escaped-control.yaml", text.encode())


def big_scalar_yaml(folder: Path) -> Path:
    return _write(folder, "big-scalar.yaml", SMALL_YAML.replace("暗箱操作", "风" * BIG_CELL).encode())


def deep_nesting_yaml(folder: Path) -> Path:
    return _write(folder, "deep-nesting.yaml", (SMALL_YAML + "extra: " + "[" * 100_000 + "]" * 100_000 + "\n").encode())


def deep_flow_map_yaml(folder: Path) -> Path:
    """Nesting inside a row, where the reader (not just the parser) has to descend."""
    return _write(folder, "deep-row.yaml", SMALL_YAML.replace("name: 院长", "name: " + "[" * 5000 + "]" * 5000).encode())


def invalid_yaml(folder: Path) -> Path:
    return _write(folder, "invalid.yaml", SMALL_YAML.replace("posts:", "posts: [\n  oops: {").encode())


def binary_yaml(folder: Path) -> Path:
    return _write(folder, "binary.yaml", small_xlsx())


def huge_sparse_yaml(folder: Path) -> Path:
    path = folder / "huge-file.yaml"
    with path.open("wb") as f:
        f.write(SMALL_YAML.encode())
        f.truncate(200 * 1024**2)
    return path


def many_rows_yaml(folder: Path) -> Path:
    """200,000 risk rows (18 MB): refused by size before parsing."""
    rows = "".join(f"  - {{id: FX-{i}, power: QL-01, category: 业务流程, description: d{i}, level: 低}}\n" for i in range(2, 200_002))
    return _write(folder, "many-rows.yaml", SMALL_YAML.replace("measures:", rows + "measures:").encode())


def many_nodes_yaml(folder: Path) -> Path:
    """600 KB of one-letter list items: 300,000 nodes, each costing the parser as much as a row's."""
    return _write(folder, "many-nodes.yaml", (SMALL_YAML + "extra: [" + ",".join(["a"] * 300_000) + "]\n").encode())


def large_legit_yaml(folder: Path, rows: int = 5_000) -> Path:
    """A big but plausible workbook: 5,000 risk points with a measure each."""
    risks = "".join(f"  - {{id: FX-{i}, post: GW-02, category: 业务流程, description: 风险描述{i}, level: 中}}\n"
                    for i in range(2, rows + 2))
    measures = "".join(f"  - {{id: CS-{i}, risk: FX-{i}, phase: 中期监控, description: 措施内容第{i}条由科室集体研究, owner: 药剂科}}\n"
                       for i in range(2, rows + 2))
    text = SMALL_YAML.replace("measures:\n", risks + "measures:\n") + measures
    return _write(folder, "large-legit.yaml", text.encode())


def dev_zero_link(folder: Path) -> Path:
    """A symbolic link (git stores them) to an endless device: reading it would never stop."""
    path = folder / "dev-zero.yaml"
    path.symlink_to("/dev/zero")
    return path


def fifo_yaml(folder: Path) -> Path:
    """A named pipe with a workbook's name: opening it would wait for a writer forever."""
    path = folder / "fifo.yaml"
    os.mkfifo(path)
    return path


def wrong_extension(folder: Path) -> Path:
    return _write(folder, "unit.xls", bytes.fromhex("D0CF11E0A1B11AE1") + bytes(1000))


# -- format 1.1: every spreadsheet a unit may send (fixtures made by LibreOffice, see
# tests/fixtures/formats/make_fixtures.py: title rows, merges, full-width IDs, note rows)

FORMATS = Path(__file__).resolve().parent / "fixtures" / "formats"


def xls_title_merges(folder: Path) -> Path:
    return _write(folder, "unit.xls", (FORMATS / "submission.xls").read_bytes())


def ods_unit(folder: Path) -> Path:
    return _write(folder, "unit.ods", (FORMATS / "submission.ods").read_bytes())


def et_renamed(folder: Path) -> Path:
    """WPS's .et saved in the Excel 97 format (what WPS writes when asked for compatibility)."""
    return _write(folder, "unit.et", (FORMATS / "submission.xls").read_bytes())


def et_unreadable(folder: Path) -> Path:
    return _write(folder, "unit.et", bytes.fromhex("D0CF11E0A1B11AE1") + bytes(4000))


def upper_case_xlsx(folder: Path) -> Path:
    return _write(folder, "UNIT.XLSX", small_xlsx())


def csv_file(folder: Path) -> Path:
    return _write(folder, "unit.csv", "风险点编号,风险描述\nFX-01,暗箱操作\n".encode())


def xls_too_large(folder: Path) -> Path:
    """An .xls is read whole by calamine: one over 32 MiB is refused unread."""
    path = folder / "big.xls"
    with path.open("wb") as f:
        f.write(bytes.fromhex("D0CF11E0A1B11AE1"))
        f.truncate(40 * 1024 * 1024)
    return path


def ods_repeat_bomb(folder: Path) -> Path:
    """One string cell repeated over 16,384 columns of a million rows, in 600 bytes of XML."""
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="o" xmlns:table="t" '
               'xmlns:text="x"><office:body><office:spreadsheet><table:table table:name="风险点">'
               '<table:table-row table:number-rows-repeated="1048576"><table:table-cell '
               'table:number-columns-repeated="16384" office:value-type="string"><text:p>x</text:p></table:table-cell>'
               '</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>')
    return _write(folder, "bomb.ods", zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                                                 "content.xml": content.encode()}))


def ods_entity_bomb(folder: Path) -> Path:
    content = '<?xml version="1.0"?>' + LOL_DOCTYPE + "<office:document-content>&lol9;</office:document-content>"
    return _write(folder, "lol.ods", zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                                                "content.xml": content.encode()}))


def full_width_ids_yaml(folder: Path) -> Path:
    text = SMALL_YAML.replace("id: FX-01", "id: ＦＸ－01").replace("risk: FX-01", "risk: ＦＸ－01")
    return _write(folder, "full-width.yaml", text.encode())


def note_rows_xlsx(folder: Path) -> Path:
    return _write(folder, "notes.xlsx", zip_bytes(with_sheet_rows("风险点", [["注：风险等级由党委会集体研究确定"], ["说明：本表一式两份"]])))


def headerless_text_xlsx(folder: Path) -> Path:
    return _write(folder, "headerless.xlsx", zip_bytes(with_sheet_rows("风险点", [["FX-09", "", "GW-01", "思想道德", "x", "低", "无表头的说明"]])))


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Path], Path]
    expect: str  # "LF100": refused as unreadable; "read": read (findings or not), never LF100
    note: str = ""


CASES: tuple[Case, ...] = (
    Case("not-a-zip", not_a_zip, "LF100", "text renamed to .xlsx"),
    Case("empty-xlsx", empty_xlsx, "LF100", "0 bytes"),
    Case("truncated-zip", truncated_zip, "LF100", "half of a valid xlsx"),
    Case("zip-not-xlsx", zip_not_xlsx, "LF100", "a zip without workbook parts"),
    Case("encrypted", encrypted_xlsx, "LF100", "OLE/CFB container with EncryptedPackage"),
    Case("xls-renamed", xls_renamed, "LF100", "an .xls renamed to .xlsx"),
    Case("wrong-extension", wrong_extension, "LF100", "an .xls that is an empty OLE container"),
    Case("xls-title-merges", xls_title_merges, "read", ".xls with a title row, merges, full-width IDs, note rows"),
    Case("ods", ods_unit, "read", "the same as .ods (merges read from content.xml)"),
    Case("et-renamed", et_renamed, "read", "WPS .et in the Excel 97 format"),
    Case("et-unreadable", et_unreadable, "LF100", "an .et calamine cannot read: save it as .xlsx"),
    Case("upper-case-xlsx", upper_case_xlsx, "read", "UNIT.XLSX"),
    Case("csv", csv_file, "LF100", "a .csv: not a workbook"),
    Case("xls-too-large", xls_too_large, "LF100", "a 40 MiB .xls"),
    Case("ods-repeat-bomb", ods_repeat_bomb, "LF100", "a cell repeated over 16,384 × 1,048,576 cells"),
    Case("ods-entity-bomb", ods_entity_bomb, "LF100", "billion laughs in content.xml"),
    Case("full-width-ids", full_width_ids_yaml, "read", "ＦＸ－01 as ID and reference"),
    Case("note-rows", note_rows_xlsx, "read", "注：… rows under a table"),
    Case("headerless-text", headerless_text_xlsx, "read", "text in a column with no header (LF106)"),
    Case("dev-zero-link", dev_zero_link, "LF100", "symbolic link to /dev/zero"),
    Case("fifo", fifo_yaml, "LF100", "a named pipe"),
    Case("entity-bomb-sst", entity_bomb_shared_strings, "LF100", "billion laughs in sharedStrings.xml"),
    Case("entity-bomb-sheet", entity_bomb_sheet, "LF100", "billion laughs in a worksheet"),
    Case("external-entity", external_entity, "LF100", "XXE naming /etc/passwd"),
    Case("zip-bomb", zip_bomb, "LF100", "1 GiB sheet, declared"),
    Case("lying-zip-bomb", lying_zip_bomb, "LF100", "1 GiB sheet declared as 1 KB"),
    Case("zip-bomb-total", zip_bomb_total, "LF100", "40 parts of 8 MiB"),
    Case("huge-dimension", huge_dimension, "read", "<dimension ref=A1:XFD1048576>"),
    Case("far-cell", far_cell, "LF100", "one cell at XFD1048576"),
    Case("millionth-row", millionth_row, "LF100", "one cell at row 1,000,000"),
    Case("wide-row", wide_row, "read", "16,384 filled columns"),
    Case("tall-merges", tall_merges, "read", "5,000 merges down to row 1,048,576"),
    Case("many-rows", many_rows, "LF100", f"{MANY_ROWS:,} filled rows, over the row cap"),
    Case("sst-count-lie", shared_strings_count_lie, "LF100", "sharedStrings claims 2e9 strings"),
    Case("sst-count-lie-spelled", shared_strings_count_lie_spelled, "LF100", "uniqueCount = '+2000000000'"),
    Case("sst-count-lie-padded", shared_strings_count_lie_padded, "LF100", "uniqueCount after 3 MB of comments"),
    Case("control-chars-xlsx", control_chars_xlsx, "read", "control characters in cells"),
    Case("big-cell-xlsx", big_cell_xlsx, "read", "a 1 MB cell"),
    Case("many-members", many_members, "LF100", "100,000 zip members"),
    Case("huge-file-xlsx", huge_sparse_xlsx, "LF100", "3 GB file"),
    Case("alias-bomb", alias_bomb_yaml, "LF100", "billion laughs inside a row"),
    Case("alias-bomb-top", alias_bomb_top_yaml, "read", "billion laughs under unknown keys: composed, never expanded"),
    Case("python-tag", python_tag_yaml, "read", "!!python/object/apply:os.system"),
    Case("top-list", top_list_yaml, "LF100", "a list at the top"),
    Case("top-scalar", top_scalar_yaml, "LF100", "a scalar at the top"),
    Case("empty-yaml", empty_yaml, "LF100", "0 bytes"),
    Case("comments-only", comments_only_yaml, "LF100", "only comments"),
    Case("utf16-bom", utf16_yaml, "read", "UTF-16 with BOM"),
    Case("utf8-bom", utf8_bom_yaml, "read", "UTF-8 with BOM"),
    Case("utf16-no-bom", utf16_no_bom_yaml, "LF100", "UTF-16 without BOM"),
    Case("gbk", gbk_yaml, "LF100", "GB18030 bytes"),
    Case("bad-bom", bad_bom_yaml, "LF100", "a BOM and undecodable bytes"),
    Case("control-chars-yaml", control_chars_yaml, "LF100", "raw control characters (YAML forbids them)"),
    Case("escaped-control-yaml", escaped_control_yaml, "read", "\\x01 \\0 \\e escapes"),
    Case("big-scalar-yaml", big_scalar_yaml, "read", "a 1 MB scalar"),
    Case("deep-nesting", deep_nesting_yaml, "LF100", "100,000 nested lists"),
    Case("deep-row", deep_flow_map_yaml, "LF100", "5,000 nested lists in a row"),
    Case("invalid-yaml", invalid_yaml, "LF100", "a syntax error"),
    Case("binary-yaml", binary_yaml, "LF100", "a zip named .yaml"),
    Case("huge-file-yaml", huge_sparse_yaml, "LF100", "200 MB file"),
    Case("many-rows-yaml", many_rows_yaml, "LF100", "200,000 risk rows, 18 MB"),
    Case("many-nodes-yaml", many_nodes_yaml, "LF100", "300,000 one-letter nodes in 600 KB"),
    Case("large-legit-yaml", large_legit_yaml, "read", "5,000 risk points and measures"),
)

CASES_BY_NAME = {c.name: c for c in CASES}

# ---------------------------------------------------------------------------------------------
# Running the real command line on them, as CI does, with its memory and time bounded.

MEMORY_LIMIT = 1536 * 1024**2  # address space of the lianfang process (RLIMIT_AS)
TIMEOUT = 120  # seconds


def limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def lianfang_environment(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a lianfang run: no colour, Chinese, no debug tracebacks."""
    environment = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", "PYTHONDONTWRITEBYTECODE": "1"}
    environment.pop("LIANFANG_LANG", None)
    environment.pop("LIANFANG_DEBUG", None)
    environment.update(env or {})
    return environment


def lianfang_command(*args: str | os.PathLike) -> list[str]:
    return [sys.executable, "-m", "lianfang", *map(str, args)]


def run_lianfang(*args: str | os.PathLike, cwd: Path, timeout: float = TIMEOUT, env: dict[str, str] | None = None,
                 stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """``python -m lianfang ARGS`` in ``cwd`` under MEMORY_LIMIT; raises TimeoutExpired past ``timeout``."""
    return subprocess.run(lianfang_command(*args), cwd=cwd, capture_output=True, timeout=timeout,
                          preexec_fn=limit_memory, env=lianfang_environment(env), input=stdin)
