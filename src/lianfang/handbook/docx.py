"""The Word handbook (``handbook.docx``): the document the office prints, binds, stamps and sends.

python-docx opens the reference document (``templates/handbook.docx``: styles, margins, footer,
cover; the project's own copy when it has one) and the handbook is appended after its cover:
the table of contents, the eight parts as numbered Heading 1 sections, the findings appendix of
a forced build. Everything comes from the ``HandbookContext`` the Markdown and Excel handbooks
are made from; nothing is counted or decided here, only laid out.

The body is written as WordprocessingML text and parsed once (thousands of table rows through
python-docx's cell API would take minutes); every workbook text passes ``_text``, which escapes
it and removes the characters XML cannot hold. User text only ever lands in ``w:t``, so it can
never become a field, a hyperlink or markup.

Print rules: wide tables (职权目录, 一览表, statistics, alerts, findings) sit in landscape sections;
every table's header rows repeat on each page (``w:tblHeader``) and no row splits across a page
(``w:cantSplit``); the 一览表 merges 部门, 岗位 and 职权 vertically (``w:vMerge``) and carries the
unit's name in a repeated title row; risk levels are written in text and shaded with the shared
palette. Flowcharts are PNG at ``flowchart.render.PNG_DPI`` dpi of their printed size (the PNG says
so: pHYs), scaled into the text area of a
portrait or landscape section, whichever shows them larger.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import re
import struct
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from importlib.resources import files
from pathlib import Path

from lianfang import palette
from lianfang.errors import LianfangError
from lianfang.handbook.cache import CACHE_DIR, EntryFolder, package_fingerprint
from lianfang.handbook.context import (
    Document,
    FlowView,
    HandbookContext,
    Part,
    RiskRow,
    UnitView,
    coverage_headers,
)
from lianfang.i18n import tr

TEMPLATE_NAME = "handbook.docx"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NAMESPACES = (
    f'xmlns:w="{W_NS}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"'
)
SVG_EXT = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"  # Office 2016's extension: an SVG beside the PNG
SVG_NS = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"
EMU_PER_TWIP = 635
EMU_PER_INCH = 914400
CHART_DPI = 200  # a picture's resolution when its PNG does not say (pHYs): how flowcharts were drawn before
# room kept above a chart for its heading and the power line (twips)
CHART_RESERVE = 2000
# a caption line above a page of a split chart: 黑体四号 on an exact line of its own, off the page's
# grid (on the grid a 四号 line takes two grid lines, and the picture under it spilled to the next page)
CAPTION_PPR = '<w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="120" w:line="400" w:lineRule="exact"/>'
CAPTION_RESERVE = 800  # the caption (520 twips) and what the picture's own paragraph adds
# a split chart's first page stays under its flow's headings only if it prints there at this share
# of its size on a page of its own; smaller, it starts the next page (its text must stay readable)
SHARED_PAGE_MIN = 0.9
UNIT_HEADING_RESERVE = 900
PART_HEADING_RESERVE = 1300

# characters XML 1.0 cannot hold (tab, newline and carriage return can)
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# an empty paragraph that takes (almost) no room: after a table, or holding a section break
_TINY = '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/><w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr>'
_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})
# tokens in the body's text for what is numbered across the whole document (bookmarks, pictures):
# control characters, which no text can hold (Cleaner removes them), filled in by Body.finish()
_TOKEN, _TOKEN_END = "\x01", "\x02"
_BOOKMARK, _BOOKMARK_END, _SECTION, _IMAGE = "\x01B\x02", "\x01E\x02", "\x01S\x02", "\x01I"
FRAGMENT_SCHEMA = 1
FRAGMENT_FOLDER = "docx"


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


class DocxProblem(LianfangError, ValueError):
    """The reference document cannot be used (not a Word document, no body)."""


@dataclass
class Geometry:
    """Page and text area of a section, in twips."""

    page_w: int
    page_h: int
    top: int
    right: int
    bottom: int
    left: int

    @property
    def text_width(self) -> int:
        return self.page_w - self.left - self.right

    @property
    def text_height(self) -> int:
        return self.page_h - self.top - self.bottom

    def turned(self) -> Geometry:
        """The same page turned a quarter clockwise: the binding edge (left) becomes the top."""
        return Geometry(self.page_h, self.page_w, top=self.left, right=self.top, bottom=self.right, left=self.bottom)


def _int(el, attr: str, default: int) -> int:
    try:
        return int(float(el.get(w(attr))))
    except (TypeError, ValueError, AttributeError):
        return default


def _geometry(sect) -> Geometry:
    size = sect.find(w("pgSz"))
    mar = sect.find(w("pgMar"))
    g = Geometry(_int(size, "w", 11906), _int(size, "h", 16838), abs(_int(mar, "top", 2098)),
                 _int(mar, "right", 1474), abs(_int(mar, "bottom", 1984)), _int(mar, "left", 1588))
    if g.page_w > g.page_h:  # a landscape template: its portrait form is the base
        g = Geometry(g.page_h, g.page_w, top=g.right, right=g.bottom, bottom=g.left, left=g.top)
    return g


def _section(base, g: Geometry, landscape: bool):
    """A copy of the template's section properties for a portrait or landscape section."""
    sect = copy.deepcopy(base)
    geo = g.turned() if landscape else g
    size = sect.find(w("pgSz"))
    if size is None:
        size = sect.makeelement(w("pgSz"), {})
        sect.append(size)
    size.set(w("w"), str(geo.page_w))
    size.set(w("h"), str(geo.page_h))
    if landscape:
        size.set(w("orient"), "landscape")
    elif w("orient") in size.attrib:
        del size.attrib[w("orient")]
    mar = sect.find(w("pgMar"))
    if mar is None:
        mar = sect.makeelement(w("pgMar"), {})
        sect.append(mar)
    for side in ("top", "right", "bottom", "left"):
        mar.set(w(side), str(getattr(geo, side)))
    for tag in ("titlePg", "type"):
        for el in sect.findall(w(tag)):
            sect.remove(el)
    return sect


class Cleaner:
    """Escapes text for WordprocessingML and counts the characters it had to drop."""

    def __init__(self) -> None:
        self.removed = 0
        self.places: list[str] = []  # every place text was removed from, in order of first removal
        self.log: list[str] | None = None  # while a unit's fragment is recorded: its own places
        self.context = ""  # the unit being written, named in the warning

    @property
    def where(self) -> list[str]:
        """The first ten places text was removed from (the warning names no more)."""
        return self.places[:10]

    def __call__(self, value: object, where: str = "") -> str:
        text = "" if value is None else str(value)
        if _BAD_XML.search(text):
            text, n = _BAD_XML.subn("", text)
            self.removed += n
            self.note(where or self.context)
        return text.translate(_ESCAPE)

    def note(self, where: str) -> None:
        if where and where not in self.places:
            self.places.append(where)
        if where and self.log is not None and where not in self.log:
            self.log.append(where)


# -- the cell and paragraph fragments ---------------------------------------------------------


def _runs(escaped: str, rpr: str = "") -> str:
    """Runs of one paragraph; tabs become w:tab (escaped text has no newline here)."""
    pieces = escaped.split("\t")
    out = []
    for i, piece in enumerate(pieces):
        if i:
            out.append(f"<w:r>{rpr}<w:tab/></w:r>")
        if piece:
            out.append(f'<w:r>{rpr}<w:t xml:space="preserve">{piece}</w:t></w:r>')
    return "".join(out)


def _para(escaped: str, style: str, rpr: str = "", ppr: str = "") -> str:
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{ppr}</w:pPr>{_runs(escaped, rpr)}</w:p>'


@dataclass(frozen=True, slots=True)
class Cell:
    text: str  # already escaped
    fill: str | None = None
    bold: bool = False
    center: bool = False
    merge: str | None = None  # "restart", "continue" or None
    span: int = 1


@dataclass(frozen=True, slots=True)
class Col:
    header: str
    share: float  # of the text width
    center: bool = False


class Body:
    """The handbook body as WordprocessingML fragments, with its sections and headings."""

    def __init__(self, clean: Cleaner, portrait: Geometry, base_sect, images: ImageTable, root: Path | None = None):
        self.out: list[str | bytes] = []  # bytes: a cached fragment's UTF-8
        self.clean = clean
        self.portrait = portrait
        self.base_sect = base_sect
        self.landscape = False
        self.sections: list[bool] = []  # each section break in order: whether the section it ends is landscape
        self.headings: list[tuple[int, str, str]] = []  # (level, escaped text, bookmark)
        self.images = images
        self.root = root  # the output folder: pictures under it are named relative to it (in tokens)
        self.fresh_page = True  # nothing written since the last page or section break
        self.pending_break = False  # the next paragraph starts a page
        self.toc_at: int | None = None
        self.cache: FragmentCache | None = None
        self._pictures: dict[Path, tuple[tuple[int, int] | None, float]] = {}

    @property
    def geometry(self) -> Geometry:
        return self.portrait.turned() if self.landscape else self.portrait

    # sections
    def orient(self, landscape: bool) -> None:
        """Start a new section (on a new page) when the orientation changes; before anything is
        written, the first section simply takes that orientation."""
        if landscape == self.landscape:
            return
        if not self.out:
            self.landscape = landscape
            return
        self.sections.append(self.landscape)
        # the ending section's w:sectPr, replaced by a copy of the template's in render_docx
        self.out.append(f"<w:p><w:pPr>{_TINY}{_SECTION}</w:pPr></w:p>")
        self.pending_break = False
        self.landscape = landscape
        self.fresh_page = True

    def page_break(self) -> None:
        """The next heading starts a page (as a property of it: a break paragraph after a table
        that ends a page would leave that page's successor blank)."""
        if not self.fresh_page:
            self.pending_break = True

    # text
    def heading(self, level: int, text: str, *, new_page: bool = False) -> None:
        """A heading (escaped text) with a bookmark, listed in the table of contents (levels 1-2)."""
        if new_page and level != 1:
            self.page_break()
        mark = f"_Toc{len(self.headings) + 1:06d}"
        self.headings.append((level, text, mark))
        # Heading 1 starts a page by its style; after a section break that page is already new
        ppr = '<w:pageBreakBefore w:val="0"/>' if level == 1 and self.fresh_page and self.out else ""
        if self.pending_break and level != 1:
            ppr = "<w:pageBreakBefore/>"
        self.pending_break = False
        # the bookmark's number is the heading's place in the document, filled in by finish()
        self.out.append(f'<w:p><w:pPr><w:pStyle w:val="Heading{level}"/>{ppr}</w:pPr>'
                        f'<w:bookmarkStart {_BOOKMARK}/>{_runs(text)}<w:bookmarkEnd {_BOOKMARK_END}/></w:p>')
        self.fresh_page = False

    def para(self, text: str, style: str = "Normal", **kw) -> None:
        if self.pending_break:
            kw["ppr"] = "<w:pageBreakBefore/>" + kw.get("ppr", "")
            self.pending_break = False
        self.out.append(_para(text, style, **kw))
        self.fresh_page = False

    def lines(self, text: str, style: str = "Normal") -> None:
        for line in text.split("\n"):
            self.para(line, style)

    def none(self) -> None:
        self.para(tr("（无）", "(none)"), "LfNote")

    # tables
    def table(self, cols: Sequence[Col], rows: Iterable[Sequence[Cell | str]], *, small: bool = False,
              title: str | None = None) -> None:
        """A table as wide as the text; header (and title) rows repeat, no row splits."""
        width = self.geometry.text_width
        total = sum(c.share for c in cols)
        widths = [int(width * c.share / total) for c in cols]
        text_style = "LfTableSmall" if small else "LfTableText"
        out = self.out
        out.append(f'<w:tbl><w:tblPr><w:tblStyle w:val="LfTable"/><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
                   '<w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" '
                   'w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>'
                   + "".join(f'<w:gridCol w:w="{x}"/>' for x in widths) + "</w:tblGrid>")
        head = "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
        if title is not None:
            out.append(f'<w:tr>{head}<w:tc><w:tcPr><w:tcW w:w="{sum(widths)}" w:type="dxa"/>'
                       f'<w:gridSpan w:val="{len(cols)}"/><w:tcBorders><w:top w:val="nil"/><w:left w:val="nil"/>'
                       '<w:right w:val="nil"/></w:tcBorders></w:tcPr>'
                       f'{_para(title, "LfTableTitle")}</w:tc></w:tr>')
        out.append(f"<w:tr>{head}")
        fill = f'<w:shd w:val="clear" w:color="auto" w:fill="{palette.HEADER_FILL}"/>'
        for c, x in zip(cols, widths, strict=True):
            out.append(f'<w:tc><w:tcPr><w:tcW w:w="{x}" w:type="dxa"/>{fill}</w:tcPr>{_para(c.header, "LfTableHead")}</w:tc>')
        out.append("</w:tr>")
        row_head = "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
        for row in rows:
            out.append(row_head)
            i = 0
            for cell in row:
                if isinstance(cell, str):
                    cell = Cell(cell, center=cols[i].center)
                x = sum(widths[i:i + cell.span])
                pr = f'<w:tcW w:w="{x}" w:type="dxa"/>'
                if cell.span > 1:
                    pr += f'<w:gridSpan w:val="{cell.span}"/>'
                if cell.merge == "restart":
                    pr += '<w:vMerge w:val="restart"/>'
                elif cell.merge == "continue":
                    pr += "<w:vMerge/>"
                if cell.fill:
                    pr += f'<w:shd w:val="clear" w:color="auto" w:fill="{cell.fill}"/>'
                ppr = '<w:jc w:val="center"/>' if cell.center or (cols[i].center and cell.span == 1) else ""
                rpr = "<w:rPr><w:b/><w:bCs/></w:rPr>" if cell.bold else ""
                if cell.merge == "continue" or not cell.text:
                    body = f'<w:p><w:pPr><w:pStyle w:val="{text_style}"/></w:pPr></w:p>'
                else:
                    body = "".join(_para(line, text_style, rpr, ppr) for line in cell.text.split("\n"))
                out.append(f"<w:tc><w:tcPr>{pr}</w:tcPr>{body}</w:tc>")
                i += cell.span
            out.append("</w:tr>")
        out.append("</w:tbl>")
        # a paragraph after every table: two tables in a row would merge into one
        out.append(f'<w:p><w:pPr><w:pStyle w:val="LfNote"/>{_TINY}</w:pPr></w:p>')
        self.fresh_page = False

    # images
    def image(self, path: Path, description: str, reserve: int = CHART_RESERVE, svg: Path | None = None) -> bool:
        """A chart, centred, as large as the text area allows (never enlarged); False if unreadable.

        ``reserve`` (twips) is kept free on the page for what precedes the chart. ``svg``, the
        same chart as SVG, is added as the vector version Word 2016+ draws (``asvg:svgBlip``);
        WPS, older Word and LibreOffice draw the PNG.
        """
        size, dpi = self.picture(path)
        if size is None:
            return False
        px_w, px_h = size
        cx, cy = int(px_w * EMU_PER_INCH / dpi), int(px_h * EMU_PER_INCH / dpi)
        scale = self.picture_scale(px_w, px_h, reserve, dpi)
        cx, cy = int(cx * scale), int(cy * scale)
        # the picture's relationship and drawing number depend on what precedes it in the whole
        # document: a token, replaced by finish() (a unit's cached fragment stays valid anywhere)
        names = [self._name(path), self._name(svg) if svg is not None else None]
        self.out.append(_IMAGE + json.dumps([*names, cx, cy, description]) + _TOKEN_END)
        self.fresh_page = False
        return True

    def picture_scale(self, px_w: int, px_h: int, reserve: int = CHART_RESERVE, dpi: float = CHART_DPI) -> float:
        """How much a picture of ``px_w`` × ``px_h`` pixels at ``dpi`` is shrunk to fit the text
        area less ``reserve`` twips (never enlarged)."""
        cx, cy = int(px_w * EMU_PER_INCH / dpi), int(px_h * EMU_PER_INCH / dpi)
        g = self.geometry
        max_w, max_h = g.text_width * EMU_PER_TWIP, (g.text_height - reserve) * EMU_PER_TWIP
        return min(1.0, max_w / cx, max_h / cy)

    def picture(self, path: Path) -> tuple[tuple[int, int] | None, float]:
        """A PNG's (width, height) in pixels (None: not a readable PNG) and dpi, each file read once."""
        if path not in self._pictures:
            size = png_size(path) if _png_ends(path) else None
            self._pictures[path] = (size, png_resolution(path) if size is not None else CHART_DPI)
        return self._pictures[path]

    def _name(self, path: Path) -> str:
        if self.root is not None and path.is_relative_to(self.root):
            return path.relative_to(self.root).as_posix()
        return str(path)

    def _path(self, name: str) -> Path:
        return self.root / name if self.root is not None else Path(name)

    def chart_landscape(self, path: Path) -> bool | None:
        """Whether a chart shows larger on a landscape page (None: no readable PNG)."""
        size, dpi = self.picture(path)
        if size is None:
            return None
        cx, cy = size
        p = self.portrait
        q = p.turned()
        s_p = min(p.text_width / cx, (p.text_height - CHART_RESERVE) / cy)
        s_l = min(q.text_width / cx, (q.text_height - CHART_RESERVE) / cy)
        return s_l > s_p * 1.05 and s_p < 1440 / dpi  # landscape only when portrait must shrink it

    # the table of contents
    def toc_here(self) -> None:
        self.para(tr("目　　录", "Contents"), "TOCHeading")
        self.toc_at = len(self.out)
        self.out.append("")

    def finish(self) -> str:
        """The body's XML: the table of contents, bookmarks and pictures filled in (the section
        breaks are left as ``<w:sectPr/>``, for the document to fill)."""
        return f"<w:body {_NAMESPACES}>" + b"".join(self.finish_pieces()).decode("utf-8") + "</w:body>"

    def finish_pieces(self, sections: dict[bool, bytes] | None = None) -> list[bytes]:
        """The body's content as UTF-8 pieces, in order, the tokens filled in: each section break
        with ``sections[landscape]`` (else ``<w:sectPr/>``). The pieces are never joined into one
        string here: the body of a large handbook is tens of megabytes, each copy costs."""
        if self.toc_at is not None:
            self.out[self.toc_at] = self._toc()
        chunks: list[bytes] = []
        run: list[str] = []
        for el in self.out:
            if isinstance(el, str):
                run.append(el)
                continue
            if run:
                chunks.append("".join(run).encode("utf-8"))
                run = []
            chunks.append(el)
        if run:
            chunks.append("".join(run).encode("utf-8"))
        out: list[bytes] = []
        n = 0
        breaks = iter(self.sections)
        for chunk in chunks:
            pieces = chunk.split(b"\x01")
            out.append(pieces[0])
            for piece in pieces[1:]:
                token, _, rest = piece.partition(b"\x02")
                if token == b"B":
                    n += 1
                    out.append(f'w:id="{n}" w:name="_Toc{n:06d}"'.encode())
                elif token == b"E":
                    out.append(f'w:id="{n}"'.encode())
                elif token == b"S":
                    landscape = next(breaks)
                    out.append(sections[landscape] if sections is not None else b"<w:sectPr/>")
                elif token.startswith(b"I"):
                    out.append(self._drawing(*json.loads(token[1:])).encode("utf-8"))
                out.append(rest)
        return out

    def _drawing(self, png: str, svg: str | None, cx: int, cy: int, description: str) -> str:
        added = self.images.add(self._path(png), self._path(svg) if svg is not None else None)
        if added is None:  # unreadable now: it was readable when the body was laid out
            return '<w:p><w:pPr><w:pStyle w:val="LfFigure"/></w:pPr></w:p>'
        picture, n = added
        vector = ("" if picture.svg_rid is None else
                  f'<a:extLst><a:ext uri="{SVG_EXT}"><asvg:svgBlip xmlns:asvg="{SVG_NS}" r:embed="{picture.svg_rid}"/>'
                  "</a:ext></a:extLst>")
        name = f"chart{n}.png"
        return ('<w:p><w:pPr><w:pStyle w:val="LfFigure"/></w:pPr><w:r><w:drawing>'
                f'<wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{cx}" cy="{cy}"/>'
                f'<wp:docPr id="{n}" name="{name}" descr="{description}"/>'
                '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
                '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>'
                f'<pic:nvPicPr><pic:cNvPr id="{n}" name="{name}"/><pic:cNvPicPr/></pic:nvPicPr>'
                f'<pic:blipFill><a:blip r:embed="{picture.rid}">{vector}</a:blip><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
                f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
                '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>'
                "</wp:inline></w:drawing></w:r></w:p>")

    # a unit's part, kept from the last build
    def unit_part(self, what: str, unit: UnitView, extra: object, render: Callable[[], None]) -> None:
        """Write a unit's share of a part by ``render()``, or take it from the fragment cache.

        A fragment is what ``render()`` appends (text with tokens in place of the numbers that
        depend on the rest of the document), its headings and section breaks, the state of the page
        it leaves, and the places the cleaner removed text from. Its key is the unit's view,
        ``extra`` (what else the part depends on), the state of the page it starts on and the
        pictures' sizes; the numbers are filled in by ``finish()`` wherever it lands, so the bytes
        are those of rendering it afresh.
        """
        cache = self.cache
        if cache is None:
            render()
            return
        state = (self.landscape, self.fresh_page, self.pending_break, bool(self.out), self.portrait)
        # the charts' sizes decide their pages' orientation and scale: read from the PNG headers
        pictures = [(page.print_image, self.picture(self._path(page.print_image)))
                    for f in unit.flows for page in f.pages if page.print_image] if what == "flows" else []
        key = cache.key(what, unit, extra, state, pictures)
        fragment = cache.load(key)
        if fragment is not None:
            self._replay(fragment)
            self.clean.context = unit.name
            return
        start = (len(self.out), len(self.headings), len(self.sections), self.clean.removed)
        log, self.clean.log = self.clean.log, []
        try:
            render()
            text = "".join(el if isinstance(el, str) else el.decode("utf-8") for el in self.out[start[0]:])
            fragment = Fragment(text.encode("utf-8"), [h[:2] for h in self.headings[start[1]:]],
                                self.sections[start[2]:], (self.landscape, self.fresh_page, self.pending_break),
                                self.clean.removed - start[3], self.clean.log)
        finally:
            self.clean.log = log
        cache.store(key, fragment)

    def _replay(self, f: Fragment) -> None:
        self.out.append(f.text)
        for level, text in f.headings:
            self.headings.append((level, text, f"_Toc{len(self.headings) + 1:06d}"))
        self.sections += f.sections
        self.landscape, self.fresh_page, self.pending_break = f.state
        self.clean.removed += f.removed
        for where in f.places:
            self.clean.note(where)

    def _toc(self) -> str:
        """A TOC field whose result already lists every part and unit with a page reference.

        Word and WPS rebuild it on opening (w:updateFields); LibreOffice keeps the entries and
        computes each PAGEREF when it lays the document out, so its PDF shows page numbers.
        """
        entries = [(lvl, text, mark) for lvl, text, mark in self.headings if lvl <= 2]
        begin = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                 '<w:r><w:instrText xml:space="preserve"> TOC \\o "1-2" \\h \\z \\u </w:instrText></w:r>'
                 '<w:r><w:fldChar w:fldCharType="separate"/></w:r>')
        end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        if not entries:
            return f'<w:p><w:pPr><w:pStyle w:val="TOC1"/></w:pPr>{begin}{end}</w:p>'
        out = []
        for i, (lvl, text, mark) in enumerate(entries):
            ref = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                   f'<w:r><w:instrText xml:space="preserve"> PAGEREF {mark} \\h </w:instrText></w:r>'
                   '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
                   '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
            link = f'<w:hyperlink w:anchor="{mark}" w:history="1">{_runs(text)}<w:r><w:tab/></w:r>{ref}</w:hyperlink>'
            out.append(f'<w:p><w:pPr><w:pStyle w:val="TOC{lvl}"/></w:pPr>{begin if i == 0 else ""}{link}'
                       f'{end if i == len(entries) - 1 else ""}</w:p>')
        return "".join(out)


def png_resolution(path: Path) -> float:
    """The dots per inch a PNG is drawn at (its pHYs chunk), else ``CHART_DPI``."""
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return CHART_DPI
    from lianfang.flowchart.render import png_dpi

    return png_dpi(head) or CHART_DPI


def png_size(path: Path) -> tuple[int, int] | None:
    """(width, height) in pixels from a PNG's header, or None when it is not a PNG."""
    try:
        with open(path, "rb") as f:
            head = f.read(24)
    except OSError:
        return None
    return _png_header_size(head)


def _png_ends(path: Path) -> bool:
    """Whether a file ends as a whole PNG does (its IEND chunk): one cut short is not embedded."""
    try:
        with open(path, "rb") as f:
            f.seek(-8, 2)
            return f.read(4) == b"IEND"
    except OSError:
        return False


def _png_header_size(head: bytes) -> tuple[int, int] | None:
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", head[16:24])
    return (width, height) if width and height else None


@dataclass(frozen=True, slots=True)
class Picture:
    rid: str  # the PNG's relationship
    svg_rid: str | None  # the SVG's, when there is one (Word 2016+ draws it, others the PNG)
    px_w: int
    px_h: int
    dpi: float = CHART_DPI  # the PNG's resolution: it is placed at px / dpi inches (or less)


class ImageTable:
    """Pictures added to the document once each, with fixed, sequential names and IDs.

    python-docx's own ``get_or_add_image`` hashes every picture already in the document for
    each new one, and its ``relate_to`` compares each new relationship with every one before
    (quadratic: seconds for 500 charts); these are named ``lf-chart<N>.png`` (and ``.svg``) in
    order, related under python-docx's own numbering (the first free ``rId<N>``), and a chart
    used twice is added once by its path.
    """

    def __init__(self, document_part):
        self.part = document_part
        self.added: dict[Path, Picture] = {}
        self.count = 0  # drawings placed: their IDs
        self.files = 0
        self._used: set[str] | None = None  # relationship ids taken
        self._next = 1

    def add(self, path: Path, svg: Path | None = None) -> tuple[Picture, int] | None:
        """The picture of a PNG (with its SVG twin, if readable) and the next drawing ID."""
        if path not in self.added:
            picture = self._add(path, svg)
            if picture is None:
                return None
            self.added[path] = picture
        self.count += 1
        return self.added[path], self.count

    def _relate(self, part) -> str:
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        if self._used is None:
            self._used = set(self.part.rels.keys())
        while f"rId{self._next}" in self._used:
            self._next += 1
        rid = f"rId{self._next}"
        self._used.add(rid)
        self.part.rels.add_relationship(RT.IMAGE, part, rid)
        return rid

    def _add(self, path: Path, svg: Path | None) -> Picture | None:
        from docx.opc.packuri import PackURI
        from docx.opc.part import Part
        from docx.parts.image import ImagePart

        try:
            blob = path.read_bytes()
        except OSError:
            return None
        size = _png_header_size(blob[:24])
        if size is None or blob[-8:-4] != b"IEND":
            return None
        self.files += 1
        rid = self._relate(ImagePart(PackURI(f"/word/media/lf-chart{self.files}.png"), "image/png", blob))
        svg_rid = None
        try:
            svg_blob = svg.read_bytes() if svg is not None else b""
        except OSError:
            svg_blob = b""
        if svg_blob.lstrip()[:5] in (b"<?xml", b"<svg ", b"<!DOC"):
            svg_rid = self._relate(Part(PackURI(f"/word/media/lf-chart{self.files}.svg"), "image/svg+xml", svg_blob,
                                        self.part.package))
        from lianfang.flowchart.render import png_dpi

        return Picture(rid, svg_rid, size[0], size[1], png_dpi(blob[:4096]) or CHART_DPI)


@dataclass(frozen=True, slots=True)
class Fragment:
    """A unit's share of a part, as ``Body.unit_part`` writes and replays it."""

    text: bytes  # UTF-8, with tokens for bookmarks, section breaks and pictures
    headings: list[tuple[int, str]]
    sections: list[bool]
    state: tuple[bool, bool, bool]  # landscape, fresh_page, pending_break after it
    removed: int  # characters the cleaner removed
    places: list[str]  # where, in order


# what a unit's fragments never show: the model the view came from, and where the unit stands
# among the others (its place in the handbook: the page it starts on and whether it is the first
# are in each key instead, so a unit moved, or another added before it, is not written again)
_NOT_IN_KEY = frozenset({"workbook", "index", "anchor"})


class FragmentCache(EntryFolder):
    """Each unit's share of the Word handbook's parts, in ``.lianfang-cache/docx/``.

    Writing a unit's power lists, 一览表 and flows as WordprocessingML is most of the Word
    handbook's time; a unit that did not change is not written again. The key is the unit's view
    (everything any format shows of it, minus the model it came from), what else the part
    depends on, the page it starts on, its pictures' sizes, the language and the whole of
    lianfang (``package_fingerprint``). JSON, read as data, like the unit and plan caches: an
    entry that is not one (another schema, another key, the wrong shape) is ignored.
    """

    suffix = ".frag"

    def __init__(self, out_dir: Path):
        from lianfang.i18n import current_lang

        super().__init__(out_dir / CACHE_DIR / FRAGMENT_FOLDER)
        self.salt = f"{FRAGMENT_SCHEMA}\0{package_fingerprint()}\0{current_lang()}\0".encode()
        self._views: dict[int, tuple[UnitView, bytes]] = {}

    def key(self, what: str, unit: UnitView, *extra: object) -> str:
        return hashlib.sha256(self.salt + self._view(unit) + repr((what, *extra)).encode("utf-8", "surrogatepass")).hexdigest()

    def _view(self, unit: UnitView) -> bytes:
        """The hash of everything the view of a unit holds (once a unit: each part asks)."""
        held = self._views.get(id(unit))
        if held is None or held[0] is not unit:
            # repr, not pickle: equal views give equal text however their objects are shared
            view = [(f.name, getattr(unit, f.name)) for f in fields(unit) if f.name not in _NOT_IN_KEY]
            held = self._views[id(unit)] = unit, hashlib.sha256(repr(view).encode("utf-8", "surrogatepass")).digest()
        return held[1]

    def load(self, key: str) -> Fragment | None:
        data = self.read(key)
        if data is None:
            return None
        try:
            head, _, text = data.partition(b"\n")
            entry = json.loads(head)
            if not isinstance(entry, dict) or entry.get("schema") != FRAGMENT_SCHEMA or entry.get("key") != key:
                return None
            headings, sections, state = entry["headings"], entry["sections"], entry["state"]
            removed, places = entry["removed"], entry["places"]
            ok = (isinstance(headings, list)
                  and all(isinstance(h, list) and len(h) == 2 and type(h[0]) is int and isinstance(h[1], str) for h in headings)
                  and isinstance(sections, list) and all(type(b) is bool for b in sections)
                  and isinstance(state, list) and len(state) == 3 and all(type(b) is bool for b in state)
                  and type(removed) is int and isinstance(places, list) and all(isinstance(p, str) for p in places)
                  and entry.get("size") == len(text) and entry.get("sha256") == hashlib.sha256(text).hexdigest()
                  and text.count(_SECTION.encode()) == len(sections))
        except (ValueError, KeyError, TypeError):
            return None
        if not ok:
            return None
        self.found(key)
        return Fragment(text, [(h[0], h[1]) for h in headings], sections, (state[0], state[1], state[2]), removed, places)

    def store(self, key: str, f: Fragment) -> None:
        """One file: a line of JSON (what the fragment did besides its text), then its text."""
        entry = {"schema": FRAGMENT_SCHEMA, "key": key, "headings": f.headings, "sections": f.sections,
                 "state": list(f.state), "removed": f.removed, "places": f.places, "size": len(f.text),
                 "sha256": hashlib.sha256(f.text).hexdigest()}
        self.write(key, json.dumps(entry, ensure_ascii=True).encode() + b"\n" + f.text)

    def prune(self) -> None:
        """Forget the fragments this build did not use (units changed, moved or removed), and any
        other file in their folder: it holds fragments only."""
        super().prune()
        if self.folder.is_dir():
            for path in self.folder.iterdir():
                if path.suffix != self.suffix and path.is_file():
                    path.unlink(missing_ok=True)


# -- the parts ------------------------------------------------------------------------------


def _part_heading(body: Body, part: Part, clean: Cleaner) -> None:
    body.heading(1, clean(f"{part.numeral} {part.title}"))


def _unit_heading(body: Body, u: UnitView, clean: Cleaner, new_page: bool = False) -> None:
    clean.context = u.name
    body.heading(2, clean(u.heading), new_page=new_page)  # the view decides it (with （未经集体研究确认）)


_MD_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
_MD_LIST = re.compile(r"^\s*(?:[-*+]|(\d+)[.)])\s+(.*)$")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARKS = re.compile(r"(\*\*|__|`)")


def _inline(text: str) -> str:
    return _MD_MARKS.sub("", _MD_LINK.sub(r"\1", text))


def _markdown(body: Body, markdown: str, clean: Cleaner, where: str) -> None:
    """A document's Markdown as paragraphs: headings, lists, paragraphs (inline marks dropped)."""
    buf: list[str] = []

    def flush() -> None:
        if buf:
            body.para(clean(_inline("".join(s.strip() for s in buf)), where))
            buf.clear()

    fence = False
    for line in markdown.splitlines():
        if line.strip().startswith(("```", "~~~")):
            flush()
            fence = not fence
            continue
        if fence:
            body.para(clean(line, where), "LfNote")
            continue
        m = _MD_HEADING.match(line)
        if m:
            flush()
            body.heading(min(4, max(3, len(m.group(1)) - 1)), clean(_inline(m.group(2)), where))
            continue
        m = _MD_LIST.match(line)
        if m:
            flush()
            mark = f"{m.group(1)}." if m.group(1) else "・"
            body.para(clean(f"{mark}{_inline(m.group(2))}", where), "LfList")
            continue
        if not line.strip():
            flush()
            continue
        buf.append(line)
    flush()


def _documents(body: Body, part: Part, documents: dict[int, list[Document]], clean: Cleaner) -> bool:
    """The documents of a part: Markdown as text, other files listed (never embedded)."""
    docs = documents.get(part.number, [])
    for doc in docs:
        if doc.markdown is not None:
            body.heading(2, clean(doc.title))
            _markdown(body, doc.markdown, clean, doc.title)
    files_ = [d for d in docs if d.markdown is None]
    if files_:
        body.heading(3, clean(tr("附件", "Attachments")))
        for d in files_:
            body.para(clean(f"{d.title}（{d.link}）"), "LfList")
    return bool(docs)


def _part1(body: Body, ctx: HandbookContext, part: Part, clean: Cleaner) -> None:
    _part_heading(body, part, clean)
    _documents(body, part, ctx.documents, clean)
    body.heading(2, clean(tr("职权目录引用的法律依据", "Legal bases cited by the power lists")))
    cols = [Col(tr("序号", "No."), 5, True), Col(tr("单位", "Unit"), 14, True), Col(tr("职权编号", "Power"), 9, True),
            Col(tr("职权名称", "Name"), 18), Col(tr("法律依据", "Legal basis"), 40)]
    rows = []
    n = 0
    for u in ctx.units:
        clean.context = u.name
        for pl in u.power_lists:
            for p in pl.rows:
                n += 1
                rows.append([str(n), clean(u.name), clean(p.id), clean(p.name), clean(p.basis)])
    body.table(cols, rows)


def _documents_part(body: Body, ctx: HandbookContext, part: Part, clean: Cleaner) -> None:
    _part_heading(body, part, clean)
    if not _documents(body, part, ctx.documents, clean):
        body.none()


def _part3(body: Body, ctx: HandbookContext, part: Part, clean: Cleaner) -> None:
    _part_heading(body, part, clean)
    cols = [Col(tr("序号", "No."), 4, True), Col(tr("职权编号", "ID"), 7, True), Col(tr("职权名称", "Name"), 12),
            Col(tr("职权类别", "Kind"), 7, True), Col(tr("职权内容", "Content"), 18), Col(tr("办理主体", "Handled by"), 9),
            Col(tr("责任岗位", "Posts"), 11), Col(tr("法律依据", "Legal basis"), 14), Col(tr("办理程序", "Procedure"), 14),
            Col(tr("办理时限", "Time limit"), 8), Col(tr("清理意见", "Disposition"), 6, True)]

    def unit(u: UnitView, i: int) -> None:
        _unit_heading(body, u, clean, new_page=i > 0)
        for pl in u.power_lists:
            body.heading(3, clean(tr("{level}权力清单", "Power list: {level}", level=pl.level)))
            if not pl.rows:
                body.none()
                continue
            body.table(cols, ([str(p.seq), clean(p.id), clean(p.name), clean(p.kind), clean(p.content), clean(p.subject),
                               clean(p.posts), clean(p.basis), clean(p.procedure), clean(p.time_limit),
                               clean(p.disposition)] for p in pl.rows), small=True)

    for i, u in enumerate(ctx.units):
        body.unit_part("powers", u, i > 0, lambda: unit(u, i))  # noqa: B023 - called at once


def level_cell(level: str, clean: Cleaner) -> Cell:
    return Cell(clean(level), fill=palette.LEVEL_FILL.get(level), bold=True, center=True)


def _runs_of(keys: list) -> list[str | None]:
    """Vertical-merge marks for a column: restart, continue or None for each row."""
    out: list[str | None] = []
    for i, key in enumerate(keys):
        if i and key == keys[i - 1]:
            out.append("continue")
        elif i + 1 < len(keys) and keys[i + 1] == key:
            out.append("restart")
        else:
            out.append(None)
    return out


def _measures(r: RiskRow, clean: Cleaner) -> str:
    """The measures cell: 【前期预防】 then one numbered measure a line, phase by phase."""
    lines = []
    for p in r.phases:
        lines.append(f"【{p.phase}】")
        lines.extend(p.numbered)
    return clean("\n".join(lines))


def _risk_table(body: Body, u: UnitView, clean: Cleaner) -> None:
    cols = [Col(tr("序号", "No."), 3, True), Col(tr("部门", "Department"), 7, True), Col(tr("岗位", "Post"), 8, True),
            Col(tr("岗位层次", "Tier"), 5, True), Col(tr("职权", "Power"), 9, True), Col(tr("风险点编号", "Risk"), 6, True),
            Col(tr("风险类别", "Category"), 6, True), Col(tr("风险描述", "Description"), 18), Col(tr("风险等级", "Level"), 4, True),
            Col(tr("防控措施", "Measures"), 36), Col(tr("责任人", "Responsible"), 8, True)]
    rows = u.risk_rows
    # 部门 merges over one post's rows, not the whole department: a merged cell shows its text on
    # its first page only, so shorter merges leave fewer pages starting with an empty 部门
    post = _runs_of([(r.department, r.post_id or r.post) for r in rows])
    dept = post
    power = _runs_of([(r.department, r.post_id or r.post, r.power_id or r.power) for r in rows])

    def cells():
        for i, r in enumerate(rows):
            yield [str(r.seq), Cell(clean(r.department), center=True, merge=dept[i]),
                   Cell(clean(r.post), center=True, merge=post[i]), Cell(clean(r.tier), center=True, merge=post[i]),
                   Cell(clean(r.power), center=True, merge=power[i]), clean(r.risk_id), clean(r.category),
                   clean(r.description), level_cell(r.level, clean), _measures(r, clean), clean(r.owners)]

    title = clean(tr("{u} 岗位权力行使风险防控一览表", "{u}: risk prevention table of post powers", u=u.name))
    body.table(cols, cells(), small=True, title=title)
    body.para(clean(tr("填报单位（盖章）：　　　　　　　　负责人：　　　　　　　　填报日期：",
                       "Unit (seal):                Head:                Date:")), "LfSign")


def _count_table(body: Body, t, first: str, clean: Cleaner) -> None:
    body.heading(3, clean(t.title))
    cols = [Col(first, 16)] + [Col(clean(c), 6, True) for c in t.columns] + [Col(tr("合计", "Total"), 6, True)]
    rows = [[clean(name)] + [str(c) for c in counts] + [str(total)] for name, counts, total in t.rows]
    rows.append([Cell(clean(tr("合计", "Total")), bold=True)] + [Cell(str(c), bold=True, center=True) for c in t.totals]
                + [Cell(str(t.total), bold=True, center=True)])
    body.table(cols, rows)


def _revision(body: Body, r, clean: Cleaner) -> None:
    """A unit's 调整修正情况 (lianfang.diff.revision.RevisionView), as the Markdown handbook has it."""
    body.heading(3, clean(tr("调整修正情况", "Revisions")))
    body.para(clean(r.summary))
    if r.changes:
        body.table([Col(tr("序号", "No."), 6, True), Col(tr("对象", "Object"), 24), Col(tr("变化", "Change"), 70)],
                   [[clean(str(i)), clean(heading), clean(text)] for i, (heading, text) in enumerate(r.changes, 1)],
                   small=True)
    body.table([Col(tr("指标", "Figure"), 30), Col(r.previous_label, 14, True), Col(tr("本版本", "This version"), 14, True),
                Col(tr("增减", "Change"), 10, True)],
               [[clean(f.name), clean(str(f.before)), clean(str(f.after)), clean(f.change)] for f in r.figures], small=True)


def _part4(body: Body, ctx: HandbookContext, part: Part, clean: Cleaner, out_dir: Path) -> None:
    _part_heading(body, part, clean)

    def unit(u: UnitView, i: int) -> None:
        _unit_heading(body, u, clean, new_page=i > 0)
        body.heading(3, clean(tr("风险等级划分标准", "Risk-level criteria")))
        if u.confirmation:
            body.para(clean(u.confirmation))
        body.table([Col(tr("风险等级", "Level"), 10, True), Col(tr("划分标准", "Criterion"), 90)],
                   [[level_cell(level, clean), clean(text)] for level, text in u.criteria])
        body.heading(3, clean(tr("岗位权力行使风险防控一览表", "Risk prevention table of post powers")))
        if u.risk_rows:
            _risk_table(body, u, clean)
        else:
            body.none()
        if u.revision is not None:
            _revision(body, u.revision, clean)

    for i, u in enumerate(ctx.units):
        body.unit_part("risks", u, i > 0, lambda: unit(u, i))  # noqa: B023 - called at once
    stats = ctx.statistics
    body.heading(2, clean(tr("风险点统计", "Statistics of risk points")), new_page=True)
    for t in (stats.by_level, stats.by_category, stats.by_tier):
        _count_table(body, t, tr("单位", "Unit"), clean)
    _count_table(body, stats.level_by_category, tr("风险类别", "Category"), clean)
    body.heading(3, clean(tr("覆盖情况", "Coverage")))
    unit_head, *heads = coverage_headers()  # the row and its rates are the view's (one percent format)
    cols = [Col(unit_head, 14)] + [Col(h, 6, True) for h in heads]
    rows = []
    for name, c in [*stats.coverage, (tr("合计", "Total"), stats.coverage_total)]:
        rows.append([clean(name)] + [clean(v) for v in c.cells[1:]])
    body.table(cols, rows, small=True)
    for p in stats.pictures:
        body.para(clean(p.title), "LfTableTitle")
        body.image(out_dir / p.png, clean(p.title), svg=out_dir / p.svg)


def _chart_path(f: FlowView, out_dir: Path) -> Path | None:
    return out_dir / f.print_image if f.print_image else None


def chart_pictures(body: Body, pages: list[tuple[str, Path, Path | None]], reserve: int) -> list[Path]:
    """Every page of a chart, in order, each its own picture: (text, PNG, SVG twin) a page, ``text``
    already clean — the picture's description, and the caption above it when there are several
    pages (``…（第2/3页）``). Returns the PNGs that could not be read.

    Every page after the first starts a page of its own, under its caption, and is scaled into the
    whole text area, so no page is shrunk more than the paper forces. The first page shares its page
    with what precedes it (``reserve``: the headings) — unless, being split, it would print there at
    less than SHARED_PAGE_MIN of its size on a page of its own: then it starts the next page too.
    """
    unreadable = []
    for n, (text, png, svg) in enumerate(pages, 1):
        reserve_here = reserve if n == 1 else 0
        if len(pages) > 1:
            if n == 1 and _squeezed(body, png, reserve):
                # the headings stay where they are, saying where the chart is
                body.para(body.clean(tr("（流程图共{n}页，见下页起）", "(the chart: {n} pages, from the next page on)",
                                        n=len(pages))), "LfNote")
                reserve_here = 0
            if n > 1 or reserve_here == 0:
                body.page_break()
            body.para(text, "LfTableTitle", ppr=CAPTION_PPR)
            reserve_here += CAPTION_RESERVE
        if not body.image(png, text, reserve_here, svg=svg):
            unreadable.append(png)
    return unreadable


def _squeezed(body: Body, png: Path, reserve: int) -> bool:
    """Whether a picture under ``reserve`` twips of headings prints smaller than SHARED_PAGE_MIN of
    its size on a page of its own (under a caption)."""
    size, dpi = body.picture(png)
    return size is not None and (body.picture_scale(*size, reserve + CAPTION_RESERVE, dpi)
                                 < SHARED_PAGE_MIN * body.picture_scale(*size, CAPTION_RESERVE, dpi))


def _flow(body: Body, f: FlowView, out_dir: Path, clean: Cleaner, reserve: int = CHART_RESERVE) -> None:
    """One flow: heading, power, chart (every page of it), the applicant's guide, steps, and its risk points."""
    body.heading(3, clean(f.heading))
    body.para(clean(tr("职权：{i} {n}", "Power: {i} {n}", i=f.power_id, n=f.power)), "LfNote")
    if f.print_image is None:
        body.para(clean(tr("（流程图未绘制）", "(no chart drawn)")), "LfNote")
    pages = [(clean(f.name + page.caption), out_dir / page.print_image, out_dir / page.image if page.image else None)
             for page in f.pages if page.print_image]
    for path in chart_pictures(body, pages, reserve):
        body.para(clean(tr("（流程图未能读取：{p}）", "(the chart could not be read: {p})",
                           p=path.relative_to(out_dir).as_posix())), "LfNote")
    if f.external:
        for label, value in ((tr("办理主体", "Handled by"), f.subject), (tr("办理依据", "Legal basis"), f.basis),
                             (tr("所需材料", "Materials"), "；".join(f.materials)), (tr("办理地点", "Place"), f.place),
                             (tr("联系电话", "Phone"), f.phone), (tr("收费标准", "Fee"), f.fee),
                             (tr("监督渠道", "Supervision"), "；".join(f.supervision))):
            body.para(clean(f"{label}：{value}"), "LfList")
    body.table([Col(tr("环节", "Step"), 6, True), Col(tr("环节名称", "Name"), 20), Col(tr("责任主体", "Actor"), 16),
                Col(tr("办理时限", "Time limit"), 12), Col(tr("下一环节", "Next"), 9, True), Col(tr("风险点", "Risk points"), 12, True)],
               [[clean(s.id), clean(s.name), clean(s.actor), clean(s.time_limit), clean(s.next), clean(s.risks)]
                for s in f.steps], small=True)
    if f.risks:
        body.para(clean(tr("本流程风险点及防控措施", "Risk points of this flow and their measures")), "LfTableTitle")
        body.table([Col(tr("风险点编号", "Risk"), 8, True), Col(tr("风险描述", "Description"), 24),
                    Col(tr("风险等级", "Level"), 6, True), Col(tr("防控措施", "Measures"), 40), Col(tr("责任人", "Responsible"), 12, True)],
                   [[clean(r.risk_id), clean(r.description), level_cell(r.level, clean), _measures(r, clean), clean(r.owners)]
                    for r in f.risks], small=True)


def _part5(body: Body, ctx: HandbookContext, part: Part, clean: Cleaner, out_dir: Path) -> None:
    """Each flow on a page of its own, portrait or landscape as its chart shows larger."""

    def landscape(f: FlowView) -> bool:
        chart = _chart_path(f, out_dir)
        return bool(body.chart_landscape(chart)) if chart is not None else False

    first_flow = next((f for u in ctx.units for f in u.flows), None)
    body.orient(landscape(first_flow) if first_flow is not None else False)
    _part_heading(body, part, clean)

    def unit(u: UnitView, i: int) -> None:
        if i and u.flows:
            body.orient(landscape(u.flows[0]))
        _unit_heading(body, u, clean, new_page=i > 0)
        if not u.flows:
            body.none()
        for k, f in enumerate(u.flows):
            if k:
                body.orient(landscape(f))
                body.page_break()
            # the first flow shares its page with the unit's heading (and the part's)
            reserve = CHART_RESERVE + (0 if k else UNIT_HEADING_RESERVE + (0 if i else PART_HEADING_RESERVE))
            _flow(body, f, out_dir, clean, reserve)

    for i, u in enumerate(ctx.units):
        body.unit_part("flows", u, (i > 0, str(out_dir)), lambda: unit(u, i))  # noqa: B023 - called at once


def _part6(body: Body, ctx: HandbookContext, part: Part, clean: Cleaner) -> None:
    _part_heading(body, part, clean)
    cols = [Col(tr("制度编号", "ID"), 9, True), Col(tr("制度名称", "Name"), 28), Col(tr("制度类型", "Kind"), 9, True),
            Col(tr("发布日期", "Issued"), 11, True), Col(tr("针对风险点", "Risk points"), 14), Col(tr("文件", "File"), 22)]

    def unit(u: UnitView) -> None:
        _unit_heading(body, u, clean)
        if not u.institutions:
            body.none()
            return
        body.table(cols, ([clean(i.id), clean(i.name), clean(i.kind), clean(i.issued_on), clean(i.risks),
                           clean(i.link or i.file)] for i in u.institutions), small=True)

    for u in ctx.units:
        body.unit_part("institutions", u, None, lambda: unit(u))  # noqa: B023 - called at once
    _documents(body, part, ctx.documents, clean)


def _part8(body: Body, ctx: HandbookContext, part: Part, clean: Cleaner) -> None:
    _part_heading(body, part, clean)
    body.heading(2, clean(tr("风险预警与处置情况", "Alerts and their handling")))
    cols = [Col(tr("预警编号", "ID"), 7, True), Col(tr("日期", "Date"), 8, True), Col(tr("预警等级", "Grade"), 6, True),
            Col(tr("风险点", "Risk point"), 16), Col(tr("来源渠道", "Channel"), 9), Col(tr("情况说明", "Detail"), 20),
            Col(tr("处置方式", "Action"), 12), Col(tr("处置结果", "Result"), 16)]

    def unit(u: UnitView) -> None:
        clean.context = u.name
        body.heading(3, clean(f"{u.name}（{u.code}）"))
        if not u.alerts:
            body.none()
            return
        body.table(cols, ([clean(a.id), clean(a.date), clean(a.grade), clean(f"{a.risk_id} {a.risk}".strip()),
                           clean(a.channel), clean(a.detail), clean(a.action), clean(a.result)] for a in u.alerts),
                   small=True)

    for u in ctx.units:
        body.unit_part("alerts", u, None, lambda: unit(u))  # noqa: B023 - called at once
    _documents(body, part, ctx.documents, clean)


def _appendix(body: Body, ctx: HandbookContext, clean: Cleaner) -> None:
    body.heading(1, clean(tr("附录 校验问题", "Appendix: validation findings")))
    body.para(clean(tr("以下工作簿存在校验问题，本手册系在未全部改正的情况下强制生成（--force），相关内容以改正后的工作簿为准。",
                       "The workbooks below have validation findings; this handbook was built anyway (--force). "
                       "The corrected workbooks prevail.")))
    cols = [Col(tr("单位", "Unit"), 12), Col(tr("文件", "File"), 14), Col(tr("位置", "Location"), 12), Col(tr("代码", "Code"), 6, True),
            Col(tr("级别", "Severity"), 6, True), Col(tr("对象", "Object"), 10), Col(tr("说明", "Message"), 40)]
    body.table(cols, ([clean(f.unit), clean(f.path), clean(f.location), clean(f.code), clean(f.severity), clean(f.object),
                       clean(f.message)] for f in ctx.findings or []), small=True)


# -- the document ---------------------------------------------------------------------------


def default_template() -> bytes:
    return files("lianfang.templates").joinpath(TEMPLATE_NAME).read_bytes()


def _fill_placeholders(body_el, values: dict[str, str]) -> None:
    """Replace {{title}}, {{organisation}} and {{year}} in the template's paragraphs."""
    for p in body_el.iter(w("p")):
        texts = list(p.iter(w("t")))
        joined = "".join(t.text or "" for t in texts)
        if "{{" not in joined:
            continue
        for key, value in values.items():
            joined = joined.replace("{{" + key + "}}", value)
        texts[0].text = joined
        for t in texts[1:]:
            t.text = ""


def open_document(template: Path | None = None):
    """python-docx's document of the reference template: the project's own, else the packaged one.

    Raises ``DocxProblem`` when it is not a usable Word document.
    """
    import docx  # python-docx
    from docx.opc.exceptions import PackageNotFoundError

    data = template.read_bytes() if template is not None else default_template()
    try:
        return docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as e:
        raise DocxProblem(tr("Word 模板 {p} 无法使用：{e}", "the Word template {p} cannot be used: {e}",
                             p=template or TEMPLATE_NAME, e=e)) from None
    except Exception as e:  # a broken zip or XML inside: python-docx raises many kinds
        raise DocxProblem(tr("Word 模板 {p} 无法使用：{e}", "the Word template {p} cannot be used: {e}",
                             p=template or TEMPLATE_NAME, e=f"{type(e).__name__}: {e}")) from None


def new_body(document, clean: Cleaner | None = None, template: Path | None = None, root: Path | None = None) -> Body:
    """An empty body to write, laid out on the template's page (its final section).

    Raises ``DocxProblem`` when the template has no page set-up.
    """
    final = document.element.body.find(w("sectPr"))
    if final is None:
        raise DocxProblem(tr("Word 模板 {p} 没有页面设置（w:sectPr）", "the Word template {p} has no page set-up (w:sectPr)",
                             p=template or TEMPLATE_NAME))
    return Body(clean or Cleaner(), _geometry(final), final, ImageTable(document.part), root)


def finish_document(document, body: Body, *, title: str, subject: str, author: str, tool: str,
                    when: datetime) -> bytes:
    """The document's bytes: ``body`` placed before the template's final section, each section
    break given the template's page in its orientation, the core properties set (dated ``when``)."""
    final = body.base_sect
    portrait = body.portrait
    document_xml = _spliced(document, body)
    if document_xml is None:
        _move_body(body)
    final.getparent().replace(final, _section(final, portrait, body.landscape))

    if body.toc_at is not None:
        _settings(document)
    props = document.core_properties
    props.title = _BAD_XML.sub("", title)
    props.subject = subject
    props.author = _BAD_XML.sub("", author) or "lianfang"
    props.last_modified_by = tool
    props.comments = tool
    props.revision = 1
    naive = when.replace(tzinfo=None)
    props.created = naive
    props.modified = naive
    if document_xml is not None:
        return _package_bytes(document, when, {document.part.partname: document_xml(document.part.element)})
    return _package_bytes(document, when)


_BODY_MARK = "lianfang-body-goes-here"


def _spliced(document, body: Body):
    """The document's XML with ``body`` written in as bytes, or None when the template's root binds
    one of the body's prefixes to another namespace.

    Parsing the body and moving its thousands of elements into the template's tree costs lxml
    seconds for a handbook (each moved subtree's namespaces are fixed up); the body's pieces go
    into the serialised template instead, its section breaks filled in the same way.
    Returns a function of the final root, called once the rest of the document is finished."""
    from lxml import etree

    root = document.part.element
    wanted = dict(re.findall(r'xmlns:(\w+)="([^"]+)"', _NAMESPACES))
    if any(root.nsmap.get(prefix, uri) != uri for prefix, uri in wanted.items()):
        return None
    missing = "".join(f' xmlns:{prefix}="{uri}"' for prefix, uri in wanted.items() if prefix not in root.nsmap)
    sections = {landscape: etree.tostring(_section(body.base_sect, body.portrait, landscape), encoding="unicode").encode("utf-8")
                for landscape in (False, True)}
    pieces = body.finish_pieces(sections)
    mark = etree.Comment(_BODY_MARK)
    body.base_sect.addprevious(mark)

    def serialise(element) -> bytes:
        from docx.opc.oxml import serialize_part_xml

        data = serialize_part_xml(element).decode("utf-8")
        mark.getparent().remove(mark)
        start = data.index("<", data.index("?>") + 2) if data.startswith("<?xml") else data.index("<")
        end = data.index(">", start)
        data = data[:end] + missing + data[end:]
        before, marked, after = data.partition(f"<!--{_BODY_MARK}-->")
        assert marked, "the body's place was lost"
        return b"".join([before.encode("utf-8"), *pieces, after.encode("utf-8")])

    return serialise


def _move_body(body: Body) -> None:
    """The body parsed and moved into the template's tree element by element (the slow way)."""
    from docx.oxml import parse_xml

    final = body.base_sect
    fragment = parse_xml(body.finish())
    breaks = list(fragment.iter(w("sectPr")))
    for placeholder, landscape in zip(breaks, body.sections, strict=True):
        placeholder.getparent().replace(placeholder, _section(final, body.portrait, landscape))
    for child in list(fragment):
        final.addprevious(child)


def render_docx(ctx: HandbookContext, *, out_dir: Path, when: datetime, template: Path | None = None,
                warnings: list[str] | None = None, cache: bool = False) -> bytes:
    """The Word handbook's bytes; ``out_dir`` holds the chart PNGs the view model names.

    ``warnings`` collects what a reader should know (characters removed from the text). With
    ``cache``, each unit's share of the parts is kept in ``out_dir``'s cache and taken from it
    when the unit, its pictures and the page it lands on are those of the last build (the bytes
    are the same either way; ``FragmentCache``).
    Raises ``DocxProblem`` when the template is not a usable Word document.
    """
    document = open_document(template)
    body = new_body(document, template=template, root=out_dir)
    if cache:
        body.cache = FragmentCache(out_dir)
    clean = body.clean
    # user text goes into w:t as text (lxml escapes it); only the characters XML cannot hold go
    _fill_placeholders(document.element.body, {"title": _BAD_XML.sub("", ctx.title),
                                               "organisation": _BAD_XML.sub("", ctx.organisation), "year": str(ctx.year)})

    body.toc_here()
    parts = {p.number: p for p in ctx.parts}
    _part1(body, ctx, parts[1], clean)
    _documents_part(body, ctx, parts[2], clean)
    body.orient(True)
    _part3(body, ctx, parts[3], clean)
    _part4(body, ctx, parts[4], clean, out_dir)
    _part5(body, ctx, parts[5], clean, out_dir)
    body.orient(False)
    _part6(body, ctx, parts[6], clean)
    _documents_part(body, ctx, parts[7], clean)
    body.orient(True)
    _part8(body, ctx, parts[8], clean)
    if ctx.findings is not None:
        _appendix(body, ctx, clean)

    data = finish_document(document, body, title=ctx.title, author=ctx.organisation, tool=ctx.tool, when=when,
                           subject=tr("廉政风险防控管理工作手册", "integrity risk prevention and control handbook"))
    if body.cache is not None:
        body.cache.prune()
    if clean.removed and warnings is not None:
        warnings.append(tr("Word 手册：删除了 {n} 个 XML 无法容纳的控制字符（{w}）",
                           "Word handbook: removed {n} control characters XML cannot hold ({w})",
                           n=clean.removed, w="、".join(clean.where) or "?"))
    return data


def _package_bytes(document, when: datetime, blobs: dict | None = None) -> bytes:
    """The .docx zip as python-docx's PackageWriter lays it out, but reproducible and quick.

    Every entry is dated ``when`` (python-docx would use the current time) and pictures are
    stored, not deflated (PNG is compressed already; deflating it again costs seconds per
    hundred charts and saves nothing). The rest is deflated at zlib's fastest level: for 50 units
    the 26 MB of document.xml and 9 MB of SVG take half the time of the default level and the
    file is 0.7 MB (1 %) larger. ``blobs``: part name → bytes written instead of the part's own.
    """
    from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
    from docx.opc.pkgwriter import _ContentTypesItem

    package = document.part.package
    parts = list(package.iter_parts())
    stamp = max(when, datetime(1980, 1, 1, tzinfo=when.tzinfo)).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        def put(name: str, data: bytes, stored: bool = False) -> None:
            info = zipfile.ZipInfo(name.lstrip("/"), date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            z.writestr(info, data, compresslevel=None if stored else 1)

        put(CONTENT_TYPES_URI.membername, _ContentTypesItem.from_parts(parts).blob)
        put(PACKAGE_URI.rels_uri.membername, package.rels.xml)
        for part in parts:
            blob = blobs[part.partname] if blobs and part.partname in blobs else part.blob
            put(part.partname.membername, blob, stored=part.partname.ext in ("png", "jpeg", "jpg"))
            if len(part.rels):
                put(part.partname.rels_uri.membername, part.rels.xml)
    return out.getvalue()


def _settings(document) -> None:
    """w:updateFields on: Word and WPS refresh the table of contents when the file is opened."""
    settings = document.settings.element
    el = settings.find(w("updateFields"))
    if el is None:
        el = settings.makeelement(w("updateFields"), {})
        # its place in the schema's sequence: before these, after everything else
        later = [c for c in settings if c.tag in {w(t) for t in _AFTER_UPDATE_FIELDS}]
        if later:
            later[0].addprevious(el)
        else:
            settings.append(el)
    el.set(w("val"), "true")


_AFTER_UPDATE_FIELDS = ("hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "attachedSchema",
                        "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures",
                        "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType", "shapeDefaults",
                        "doNotEmbedSmartTags", "decimalSymbol", "listSeparator")
