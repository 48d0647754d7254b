"""The Excel handbook's sheets kept from the last build in ``.lianfang-cache/sheets/``: each unit's
一览表 and the 职权目录.

A unit's 一览表 is ~2,200 cells written through openpyxl and serialised again in every build: of a
50-unit handbook's Excel time, the 50 一览表 sheets were three quarters, the 职权目录 a tenth. A
unit's sheet is made from its unit's view alone (``excel.UnitTable``: the heading, the risk rows, the
signature line), the 职权目录 from the units' power lists (``excel.PowerLists``); with the language,
the font, the styles and lianfang's code, that is all, so the serialised XML can be kept and
written into the package again when none of them changed. What ties a sheet's XML to the rest of
the workbook:

- *Cell style ids* (``s="3"``): openpyxl numbers a cell's style when the sheet is written, in the
  order styles are first used across the workbook. The handbook's named styles are registered in
  the workbook's list first (``excel._Styles``), so their ids are fixed; a sheet is written against
  its own copy of that list, and a style it adds (a quote-prefixed text) is kept with the entry
  and added to the workbook's list when the sheet is written, renumbering its cells if need be —
  the list ends as a full render leaves it.
- *Defined names*: the print titles are written into workbook.xml from the sheet object, so the
  placeholder sheet gets them from the entry.
- Strings are written inline (openpyxl 3.1), so there is no shared-string index to follow.

A sheet that needs anything else outside its XML (a relationship: a link to a file, a picture, a
comment; a print area, a filter, a table) is never kept. The result is byte-identical to a full
render (tests/test_handbook_excel_cache.py builds both). Entries are data (the XML, checked against
its hash when read, and never holding a formula), trusted as far as the output folder is, like
the unit and plan caches.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.packaging.relationship import RelationshipList
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.workbook import Workbook as XlsxWorkbook
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from lianfang.handbook.cache import CACHE_DIR, EntryFolder, package_fingerprint
from lianfang.i18n import current_lang

SHEET_SCHEMA = 1
FOLDER = "sheets"
# a cell's style attribute as openpyxl writes it: <c r="A1" s="3" ...> (text never holds a raw "<")
_CELL_STYLE = re.compile(rb'(<c r="[A-Z]+[0-9]+" s=")([0-9]+)(")')


@dataclass(frozen=True)
class SheetEntry:
    """A kept sheet as serialised: its XML (cell styles numbered against the workbook's registered
    ones, ``base`` of them, then ``extra_styles`` in the order the sheet first used them) and the
    print titles that workbook.xml carries for it."""

    xml: bytes
    base: int
    extra_styles: tuple[tuple[int, ...], ...]
    title_rows: str | None
    title_cols: str | None

    def to_bytes(self, key: str) -> bytes:
        head = {"schema": SHEET_SCHEMA, "key": key, "sha256": hashlib.sha256(self.xml).hexdigest(), "base": self.base,
                "extra_styles": [list(s) for s in self.extra_styles], "title_rows": self.title_rows,
                "title_cols": self.title_cols}
        return zlib.compress(json.dumps(head).encode() + b"\n" + self.xml, 1)

    @classmethod
    def from_bytes(cls, data: bytes, key: str) -> SheetEntry | None:
        """The entry ``data`` holds for ``key``; None when it is damaged, of another schema or another key."""
        try:
            raw = zlib.decompress(data)
            head_raw, _, xml = raw.partition(b"\n")
            head = json.loads(head_raw)
        except (zlib.error, ValueError):
            return None
        if not isinstance(head, dict) or head.get("schema") != SHEET_SCHEMA or head.get("key") != key:
            return None
        if head.get("sha256") != hashlib.sha256(xml).hexdigest() or not xml.startswith(b"<worksheet"):
            return None
        if b"<f>" in xml or b"<f " in xml:
            return None  # a kept sheet never brings a formula (lianfang writes every text as text)
        base, extra = head.get("base"), head.get("extra_styles")
        rows, cols = head.get("title_rows"), head.get("title_cols")
        if not isinstance(base, int) or base < 1 or not isinstance(extra, list):
            return None
        if not all(isinstance(s, list) and len(s) == len(StyleArray()) and all(isinstance(v, int) and v >= 0 for v in s)
                   for s in extra):
            return None
        if not all(v is None or isinstance(v, str) for v in (rows, cols)):
            return None
        return cls(xml, base, tuple(tuple(s) for s in extra), rows, cols)


class SheetCache(EntryFolder):
    """The kept sheets of one output folder's Excel handbook, by content key.

    The key is what the sheet is made from (``fingerprint`` of its kind and its ``excel.UnitTable``
    or ``excel.PowerLists``) with everything else its XML depends on: all of lianfang
    (``package_fingerprint``: the sheet's layout code), the language, the font, the registered
    styles (the ``styles.xml`` they make), and the versions of openpyxl and lxml, which serialise
    it. Neither the sheet's name nor its place is in its XML, so a unit's sheet moved to another
    place among other units, or named otherwise, keeps its entry.
    """

    suffix = ".bin"

    def __init__(self, out_dir: Path):
        super().__init__(out_dir / CACHE_DIR / FOLDER)
        self.rendered = False  # whether a handbook was rendered with it (else prune keeps everything)

    @staticmethod
    def salt(font: str, styles_xml: bytes) -> bytes:
        import lxml
        import openpyxl

        parts = [package_fingerprint(), current_lang(), font, hashlib.sha256(styles_xml).hexdigest(),
                 openpyxl.__version__, lxml.__version__, str(SHEET_SCHEMA)]
        return "\0".join(parts).encode() + b"\0"

    def key(self, salt: bytes, fingerprint: str) -> str:
        return hashlib.sha256(salt + fingerprint.encode()).hexdigest()

    def load(self, key: str, base: int) -> SheetEntry | None:
        """The entry of ``key`` written against ``base`` registered styles, or None."""
        data = self.read(key)
        entry = SheetEntry.from_bytes(data, key) if data is not None else None
        if entry is not None and entry.base != base:
            entry = None
        if entry is not None:
            self.found(key)
        return entry

    def store(self, key: str, entry: SheetEntry) -> None:
        self.write(key, entry.to_bytes(key))

    def prune(self) -> None:
        """Forget the sheets the last render did not use (units changed or removed, another font);
        without a render (a build that writes no Excel handbook) every sheet is kept."""
        if self.rendered:
            super().prune()


@dataclass
class SheetJob:
    """A unit sheet the writer takes care of: its key, and its entry when it was found."""

    key: str
    entry: SheetEntry | None  # None: written fresh, then kept


def _self_contained(ws: Worksheet) -> bool:
    """Whether everything of ``ws`` but its print titles is in its own XML, with the cell styles the
    only style ids in it (no relationship, defined name, row or column style, conditional format)."""
    return not (ws._images or ws._charts or ws._tables or ws._pivots or ws.legacy_drawing is not None
                or ws.auto_filter.ref or ws.defined_names or str(ws._print_area) or ws.conditional_formatting
                or any(d.has_style for d in ws.row_dimensions.values())
                or any(d.has_style for d in ws.column_dimensions.values()))


class ReusingWriter(ExcelWriter):
    """openpyxl's writer, writing the unit sheets in ``jobs`` from their cache entry (a placeholder
    sheet) or freshly against the registered styles alone, so that they can be kept."""

    def __init__(self, workbook: XlsxWorkbook, archive, cache: SheetCache, jobs: dict[int, SheetJob], base: list[StyleArray]):
        super().__init__(workbook, archive)
        self.cache = cache
        self.jobs = jobs  # by id(worksheet)
        self.base = base  # the workbook's style list once the named styles were registered

    def write_worksheet(self, ws: Worksheet) -> None:
        job = self.jobs.get(id(ws))
        if job is None or (job.entry is None and not _self_contained(ws)):
            super().write_worksheet(ws)
            return
        entry = job.entry
        if entry is None:
            entry = self._serialise(ws)
            if entry is None:
                return  # written as it was, not kept
            self.cache.store(job.key, entry)
        ws._drawing = SpreadsheetDrawing()  # what ExcelWriter.write_worksheet leaves: nothing drawn
        ws._rels = RelationshipList()
        self._archive.writestr(ws.path[1:], self._numbered(entry))
        self.manifest.append(ws)

    def _serialise(self, ws: Worksheet) -> SheetEntry | None:
        """``ws`` written against the registered styles alone; None (and ``ws`` written into the
        package) when it turns out to need a relationship or comments."""
        wb = self.workbook
        own = IndexedList(self.base)
        shared, wb._cell_styles = wb._cell_styles, own
        try:
            writer = WorksheetWriter(ws, out=io.BytesIO())
            writer.write()
            xml = writer.read()
        finally:
            wb._cell_styles = shared
        entry = SheetEntry(xml, len(self.base), tuple(tuple(s) for s in own[len(self.base):]),
                           ws.print_title_rows, ws.print_title_cols)
        if writer._rels or ws._comments:
            ws._drawing = SpreadsheetDrawing()
            ws._drawing.charts, ws._drawing.images = ws._charts, ws._images
            ws._rels = writer._rels
            self._archive.writestr(ws.path[1:], self._numbered(entry))
            self.manifest.append(ws)
            return None
        return entry

    def _numbered(self, entry: SheetEntry) -> bytes:
        """The entry's XML with its extra styles added to the workbook's list (in the order the
        sheet first used them, as writing its cells would) and its cells renumbered to match."""
        styles = self.workbook._cell_styles
        ids = {i: styles.add(StyleArray(s)) for i, s in enumerate(entry.extra_styles, entry.base)}
        moved = {str(i).encode(): str(n).encode() for i, n in ids.items() if i != n}
        if not moved:
            return entry.xml
        return _CELL_STYLE.sub(lambda m: m[1] + moved.get(m[2], m[2]) + m[3], entry.xml)


def prepare(ws: Worksheet, entry: SheetEntry) -> None:
    """Make ``ws`` (an empty sheet) the placeholder of ``entry``: what workbook.xml reads from it."""
    if entry.title_rows:
        ws.print_title_rows = entry.title_rows
    if entry.title_cols:
        ws.print_title_cols = entry.title_cols


def styles_xml(wb: XlsxWorkbook) -> bytes:
    """What ``styles.xml`` would hold now: the styles a sheet's ids refer to."""
    from openpyxl.styles.stylesheet import write_stylesheet
    from openpyxl.xml.functions import tostring

    return tostring(write_stylesheet(wb))


def fingerprint(*parts: Any) -> str:
    """A sheet's content as a hash of the ``repr`` of what it is made from (dataclasses, text, numbers)."""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()
