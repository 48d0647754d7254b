"""The reference Word document the handbook is written into: styles, page set-up, footer, cover.

``lianfang handbook build --format docx`` opens this document (the project's own copy when
``templates/handbook.docx`` exists, else the one shipped in ``lianfang/templates``), replaces the
cover's placeholders and appends the handbook after the cover. Everything the office may want to
restyle lives here, where Word or WPS can edit it: fonts and sizes of every style, margins,
footer, letterhead and cover. ``make_reference()`` writes the shipped file; a test checks that the
shipped file is exactly what it makes, so the two never drift.

Layout after GB/T 9704 (党政机关公文格式): A4, margins 37/35/28/26 mm (top/bottom/left/right),
title 方正小标宋简体 二号, headings 黑体 / 楷体 / 仿宋 三号, body 仿宋 四号, tables 宋体 五号 and
小五, page numbers ``— 1 —`` in 宋体 四号. East-Asian font names are the ones Windows and WPS
machines have; on Linux the PDF conversion maps them to Noto CJK (``docx_pdf.FONT_ALIASES``).
"""

from __future__ import annotations

import io
import zipfile

# Chinese type sizes in half-points (w:sz): 二号 22 pt, 三号 16 pt, 四号 14 pt, 小四 12 pt,
# 五号 10.5 pt, 小五 9 pt.
SIZE_2, SIZE_3, SIZE_4, SIZE_S4, SIZE_5, SIZE_S5 = 44, 32, 28, 24, 21, 18

TITLE_FONT = "方正小标宋简体"
HEI = "黑体"
KAI = "楷体"
FANGSONG = "仿宋"
SONG = "宋体"
LATIN = "Times New Roman"

MM = 1440 / 25.4  # twips per millimetre
A4_W, A4_H = 11906, 16838
MARGINS = {"top": round(37 * MM), "bottom": round(35 * MM), "left": round(28 * MM), "right": round(26 * MM)}
HEADER_DIST, FOOTER_DIST = round(15 * MM), round(25 * MM)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PLACEHOLDERS = ("{{title}}", "{{organisation}}", "{{year}}")

# lines of table text and pictures keep their own height even when the office turns on a line grid
NO_GRID = '<w:snapToGrid w:val="0"/>'
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_NS = f'xmlns:w="{W_NS}" xmlns:r="{R_NS}"'


def _fonts(east_asia: str, latin: str = LATIN) -> str:
    return f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{east_asia}" w:cs="{latin}"/>'


def _pstyle(sid: str, name: str, *, font: str, size: int, based: str | None = "Normal", nxt: str | None = None,
            bold: bool = False, jc: str | None = None, indent: bool | None = None, outline: int | None = None,
            keep_next: bool = False, page_break: bool = False, before: int = 0, after: int = 0,
            line: int | None = None, ui: int | None = None, tabs: str = "", grid: bool = True,
            ind: str | None = None, exact: bool = False) -> str:
    # w:pPr children in the schema's order (Word rejects a document whose order is wrong)
    ppr = ""
    if keep_next:
        ppr += "<w:keepNext/>"
    if page_break:
        ppr += "<w:pageBreakBefore/>"
    ppr += tabs
    if not grid:
        ppr += NO_GRID
    spacing = f'<w:spacing w:before="{before}" w:after="{after}"'
    spacing += f' w:line="{line}" w:lineRule="{"exact" if exact else "auto"}"/>' if line else "/>"
    ppr += spacing
    if ind is not None:
        ppr += ind
    elif indent is True:
        ppr += '<w:ind w:firstLineChars="200" w:firstLine="560"/>'
    elif indent is False:
        ppr += '<w:ind w:firstLineChars="0" w:firstLine="0"/>'
    if jc:
        ppr += f'<w:jc w:val="{jc}"/>'
    if outline is not None:
        ppr += f'<w:outlineLvl w:val="{outline}"/>'
    rpr = _fonts(font) + ("<w:b/><w:bCs/>" if bold else "") + f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
    default = ' w:default="1"' if sid == "Normal" else ""
    return (f'<w:style w:type="paragraph"{default} w:styleId="{sid}"><w:name w:val="{name}"/>'
            + (f'<w:basedOn w:val="{based}"/>' if based else "")
            + (f'<w:next w:val="{nxt}"/>' if nxt else "")
            + (f'<w:uiPriority w:val="{ui}"/>' if ui is not None else "")
            + f'<w:qFormat/><w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>')


def _text_width() -> int:
    return A4_W - MARGINS["left"] - MARGINS["right"]


def styles_xml() -> str:
    tw = _text_width()
    toc_tabs = f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{tw}"/></w:tabs>'
    styles = [
        _pstyle("Normal", "Normal", font=FANGSONG, size=SIZE_4, based=None, jc="both", indent=True, line=360),
        _pstyle("Title", "Title", font=TITLE_FONT, size=SIZE_2, nxt="Normal", jc="center", indent=False,
                before=2400, after=600, line=360, ui=10),
        _pstyle("Subtitle", "Subtitle", font=KAI, size=SIZE_3, nxt="Normal", jc="center", indent=False,
                before=120, after=120, line=360, ui=11),
        _pstyle("Heading1", "heading 1", font=HEI, size=SIZE_3, nxt="Normal", jc="center", indent=False, outline=0,
                keep_next=True, page_break=True, before=240, after=360, line=360, ui=9),
        _pstyle("Heading2", "heading 2", font=KAI, size=SIZE_3, nxt="Normal", indent=False, outline=1,
                keep_next=True, before=240, after=120, line=360, ui=9),
        _pstyle("Heading3", "heading 3", font=FANGSONG, size=SIZE_4, nxt="Normal", bold=True, indent=False, outline=2,
                keep_next=True, before=180, after=60, line=360, ui=9),
        _pstyle("Heading4", "heading 4", font=FANGSONG, size=SIZE_4, nxt="Normal", indent=False, outline=3,
                keep_next=True, before=120, after=60, line=360, ui=9),
        _pstyle("TOCHeading", "TOC Heading", font=HEI, size=SIZE_3, nxt="Normal", jc="center", indent=False,
                before=240, after=360, line=360, ui=39),
        _pstyle("TOC1", "toc 1", font=HEI, size=SIZE_4, nxt="Normal", indent=False, before=60, line=300, ui=39,
                tabs=toc_tabs),
        _pstyle("TOC2", "toc 2", font=FANGSONG, size=SIZE_4, nxt="Normal", indent=False, line=300, ui=39,
                tabs=toc_tabs, ind='<w:ind w:left="560"/>'),
        _pstyle("LfCover", "lf cover line", font=KAI, size=SIZE_3, jc="center", indent=False, before=120, after=120),
        # exact line heights: CJK fonts' own line gap (about 1.45 em) would make tall rows taller
        _pstyle("LfTableText", "lf table text", font=SONG, size=SIZE_5, indent=False, jc="left", line=280,
                exact=True, grid=False),
        _pstyle("LfTableSmall", "lf table text small", font=SONG, size=SIZE_S5, indent=False, jc="left", line=230,
                exact=True, grid=False),
        _pstyle("LfTableHead", "lf table header", font=HEI, size=SIZE_5, based="LfTableText", jc="center", line=280,
                exact=True, grid=False),
        _pstyle("LfTableTitle", "lf table title", font=HEI, size=SIZE_4, jc="center", indent=False, keep_next=True,
                before=120, after=120, line=300),
        _pstyle("LfFigure", "lf figure", font=SONG, size=SIZE_5, jc="center", indent=False, line=240, grid=False),
        _pstyle("LfNote", "lf note", font=FANGSONG, size=SIZE_S4, indent=False, before=60, after=60, line=300),
        _pstyle("LfSign", "lf signature line", font=FANGSONG, size=SIZE_S4, indent=False, before=240, after=240,
                line=300),
        _pstyle("LfList", "lf list", font=FANGSONG, size=SIZE_4, indent=False, line=360,
                ind='<w:ind w:left="560" w:hanging="280"/>'),
        _pstyle("Header", "header", font=SONG, size=SIZE_S5, jc="center", indent=False),
        _pstyle("Footer", "footer", font=SONG, size=SIZE_4, jc="center", indent=False),
    ]
    border = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    borders = "".join(border.format(b) for b in ("top", "left", "bottom", "right", "insideH", "insideV"))
    table = ('<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
             '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
             '<w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
             '</w:tblCellMar></w:tblPr></w:style>'
             '<w:style w:type="table" w:styleId="LfTable"><w:name w:val="lf table"/><w:basedOn w:val="TableNormal"/>'
             f'<w:tblPr><w:jc w:val="center"/><w:tblBorders>{borders}</w:tblBorders><w:tblCellMar>'
             '<w:top w:w="28" w:type="dxa"/><w:left w:w="57" w:type="dxa"/><w:bottom w:w="28" w:type="dxa"/>'
             '<w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr>'
             '<w:tcPr><w:vAlign w:val="center"/></w:tcPr></w:style>')
    char = ('<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
            '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>'
            '<w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/>'
            '<w:rPr><w:color w:val="0563C1"/><w:u w:val="single"/></w:rPr></w:style>')
    defaults = ('<w:docDefaults><w:rPrDefault><w:rPr>' + _fonts(FANGSONG)
                + f'<w:sz w:val="{SIZE_4}"/><w:szCs w:val="{SIZE_4}"/>'
                '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
                '<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault>'
                '</w:docDefaults>')
    return (_XML + f'<w:styles {_NS}>' + defaults + "".join(styles) + char + table + "</w:styles>")


def section_xml(*, landscape: bool = False, title_page: bool = False, footer_rid: str = "rIdFooter",
                first_footer_rid: str | None = None) -> str:
    """A ``w:sectPr``: A4, the GB/T 9704 margins (turned with the page when landscape), the footer."""
    # GB/T 9704: odd pages number on the right, even pages on the left (a bound booklet)
    refs = (f'<w:footerReference w:type="even" r:id="rIdFooterEven"/>'
            f'<w:footerReference w:type="default" r:id="{footer_rid}"/>')
    if title_page and first_footer_rid:
        refs += f'<w:footerReference w:type="first" r:id="{first_footer_rid}"/>'
    m = MARGINS
    if landscape:
        # the binding edge (left in portrait) is the top of a landscape page turned clockwise
        size = f'<w:pgSz w:w="{A4_H}" w:h="{A4_W}" w:orient="landscape"/>'
        mar = (f'<w:pgMar w:top="{m["left"]}" w:right="{m["top"]}" w:bottom="{m["right"]}" w:left="{m["bottom"]}" '
               f'w:header="{HEADER_DIST}" w:footer="{round(15 * MM)}" w:gutter="0"/>')
    else:
        size = f'<w:pgSz w:w="{A4_W}" w:h="{A4_H}"/>'
        mar = (f'<w:pgMar w:top="{m["top"]}" w:right="{m["right"]}" w:bottom="{m["bottom"]}" w:left="{m["left"]}" '
               f'w:header="{HEADER_DIST}" w:footer="{FOOTER_DIST}" w:gutter="0"/>')
    return (f"<w:sectPr>{refs}{size}{mar}" + ("<w:titlePg/>" if title_page else "")
            + '<w:docGrid w:linePitch="312"/></w:sectPr>')


def _p(text: str, style: str) -> str:
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def document_xml() -> str:
    """The cover (placeholders the build fills), in a section of its own without a page number."""
    cover = "".join([
        _p("{{title}}", "Title"),
        '<w:p><w:pPr><w:pStyle w:val="LfCover"/><w:spacing w:before="4200"/></w:pPr>'
        '<w:r><w:t xml:space="preserve">{{organisation}}</w:t></w:r></w:p>',
        _p("{{year}}年", "LfCover"),
        f'<w:p><w:pPr><w:pStyle w:val="LfCover"/>{section_xml(title_page=True, first_footer_rid="rIdFooterFirst")}'
        "</w:pPr></w:p>",
    ])
    return _XML + f"<w:document {_NS}><w:body>{cover}{section_xml()}</w:body></w:document>"


def footer_xml(page_number: bool = True, side: str = "right") -> str:
    """A footer: ``— 1 —`` one character in from the outer edge (GB/T 9704 7.5), or empty."""
    if not page_number:
        return _XML + f'<w:ftr {_NS}><w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr></w:p></w:ftr>'
    fld = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
           '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>')
    ind = '<w:ind w:right="280"/>' if side == "right" else '<w:ind w:left="280"/>'
    return (_XML + f'<w:ftr {_NS}><w:p><w:pPr><w:pStyle w:val="Footer"/>{ind}<w:jc w:val="{side}"/></w:pPr>'
            f'<w:r><w:t xml:space="preserve">— </w:t></w:r>{fld}<w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>')


def settings_xml() -> str:
    # updateFields: Word and WPS refresh the table of contents (and page references) on opening
    return (_XML + f'<w:settings {_NS}><w:defaultTabStop w:val="420"/><w:evenAndOddHeaders/>'
            '<w:characterSpacingControl w:val="compressPunctuation"/><w:updateFields w:val="true"/><w:compat>'
            '<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>'
            '</w:compat></w:settings>')


def font_table_xml() -> str:
    def font(name: str, alt: str, charset: str = "86", family: str = "roman") -> str:
        return (f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="{charset}"/>'
                f'<w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>')

    return (_XML + f'<w:fonts {_NS}>' + font(LATIN, "Times", "00") + font(SONG, "SimSun")
            + font(FANGSONG, "FangSong") + font(HEI, "SimHei", family="modern") + font(KAI, "KaiTi")
            + font(TITLE_FONT, SONG) + "</w:fonts>")


_CT = (_XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Default Extension="png" ContentType="image/png"/>'
       '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
       '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
       '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
       '<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>'
       '<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
       '<Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
       '<Override PartName="/word/footer3.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
       '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
       '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
       "</Types>")
_RELS = (_XML + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
         '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
         '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>'
         "</Relationships>")
_DOC_RELS = (_XML + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             '<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
             '<Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>'
             '<Relationship Id="rIdFonts" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>'
             '<Relationship Id="rIdFooter" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>'
             '<Relationship Id="rIdFooterFirst" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/>'
             '<Relationship Id="rIdFooterEven" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer3.xml"/>'
             "</Relationships>")
_CORE = (_XML + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
         'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
         'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
         "<dc:title>廉政风险防控管理工作手册</dc:title><dc:creator>lianfang</dc:creator>"
         '<dcterms:created xsi:type="dcterms:W3CDTF">1980-01-01T00:00:00Z</dcterms:created>'
         '<dcterms:modified xsi:type="dcterms:W3CDTF">1980-01-01T00:00:00Z</dcterms:modified>'
         "</cp:coreProperties>")
_APP = (_XML + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        "<Application>lianfang</Application></Properties>")


def make_reference() -> bytes:
    """The bytes of the shipped ``templates/handbook.docx`` (fixed entry times: reproducible)."""
    parts = [
        ("[Content_Types].xml", _CT), ("_rels/.rels", _RELS), ("docProps/core.xml", _CORE), ("docProps/app.xml", _APP),
        ("word/document.xml", document_xml()), ("word/_rels/document.xml.rels", _DOC_RELS),
        ("word/styles.xml", styles_xml()), ("word/settings.xml", settings_xml()), ("word/fontTable.xml", font_table_xml()),
        ("word/footer1.xml", footer_xml(True, "right")), ("word/footer2.xml", footer_xml(False)),
        ("word/footer3.xml", footer_xml(True, "left")),
    ]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            z.writestr(info, text.encode("utf-8"))
    return out.getvalue()


if __name__ == "__main__":  # python -m lianfang.handbook.docx_reference > src/lianfang/templates/handbook.docx
    import sys

    sys.stdout.buffer.write(make_reference())
