"""The Word handbook: page set-up, fonts, headings, contents, tables, charts, footer, safety, bytes.

The document is opened with python-docx and its XML read directly, as Word would read it. The
PDF test runs only where LibreOffice (``soffice``) is installed (``make print-check`` installs it)
and reads the PDF with pypdf.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest

from lianfang import palette
from lianfang.handbook import docx_reference
from lianfang.handbook.build import BuildError, BuildOptions, build_handbook
from lianfang.handbook.context import UnitInput, build_context
from lianfang.handbook.docx import (
    TEMPLATE_NAME,
    Cleaner,
    DocxProblem,
    default_template,
    render_docx,
)

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "handbook"
EXAMPLES = ROOT / "examples"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
MM = 1440 / 25.4
PARTS = ["第一部分", "第二部分", "第三部分", "第四部分", "第五部分", "第六部分", "第七部分", "第八部分"]
HAVE_SOFFICE = shutil.which("soffice") is not None


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The fixture project built once, in the default formats (md, xlsx, docx)."""
    dest = tmp_path_factory.mktemp("docx") / "project"
    shutil.copytree(FIXTURE, dest)
    result = build_handbook(BuildOptions(target=dest / "handbook.yaml", jobs=1))
    assert result.built
    return dest / "build" / "handbook"


@pytest.fixture(scope="module")
def doc(built: Path):
    return docx.Document(str(built / "handbook.docx"))


def _text(p) -> str:
    return "".join(t.text or "" for t in p.iter(f"{W}t"))


def _sections(body):
    return [p for p in body.iter(f"{W}sectPr")]


def test_docx_joins_the_default_formats(built: Path):
    assert sorted(p.name for p in built.glob("handbook.*")) == ["handbook.docx", "handbook.md", "handbook.xlsx"]
    assert not (built / "handbook.pdf").exists()


def test_every_section_is_a4_with_the_official_margins(doc):
    sections = _sections(doc.element.body)
    assert len(sections) >= 3  # cover, portrait parts, landscape tables
    orientations = set()
    for s in sections:
        size, mar = s.find(f"{W}pgSz"), s.find(f"{W}pgMar")
        w, h = int(size.get(f"{W}w")), int(size.get(f"{W}h"))
        assert sorted((w, h)) == [11906, 16838]
        m = {k: int(mar.get(f"{W}{k}")) / MM for k in ("top", "right", "bottom", "left")}
        if w < h:
            orientations.add("portrait")
            assert (round(m["top"]), round(m["bottom"]), round(m["left"]), round(m["right"])) == (37, 35, 28, 26)
        else:
            orientations.add("landscape")
            assert size.get(f"{W}orient") == "landscape"
            # the page turned: the binding edge is on top
            assert (round(m["top"]), round(m["right"]), round(m["bottom"]), round(m["left"])) == (28, 37, 26, 35)
    assert orientations == {"portrait", "landscape"}


def test_east_asian_fonts_are_set_in_the_styles(doc):
    def east_asia(style_id: str) -> str | None:
        el = doc.styles.element.find(f"{W}style[@{W}styleId='{style_id}']")
        fonts = el.find(f"{W}rPr/{W}rFonts")
        return fonts.get(f"{W}eastAsia") if fonts is not None else None

    assert east_asia("Title") == "方正小标宋简体"
    assert east_asia("Heading1") == "黑体"
    assert east_asia("Heading2") == "楷体"
    assert east_asia("Normal") == "仿宋"
    assert east_asia("LfTableText") == "宋体"
    defaults = doc.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert defaults.get(f"{W}eastAsia") == "仿宋"
    # sizes: 三号 headings, 四号 body, 五号 / 小五 tables
    sizes = {s.style_id: s.font.size.pt for s in doc.styles if s.type == 1 and s.font.size is not None}
    assert sizes["Heading1"] == 16 and sizes["Normal"] == 14
    assert sizes["LfTableText"] == 10.5 and sizes["LfTableSmall"] == 9


def test_the_eight_parts_are_heading_1_in_seed_order(doc):
    h1 = [p.text for p in doc.paragraphs if p.style.style_id == "Heading1"]
    assert [t[:4] for t in h1] == PARTS
    assert h1[0] == "第一部分 有关法律法规"
    assert all(p.style.style_id != "Heading1" or p.text.startswith("第") for p in doc.paragraphs)


def test_cover_filled_from_the_view_model(doc):
    texts = [p.text for p in doc.paragraphs[:6]]
    assert "测试市卫生系统廉政风险防控管理工作手册" in texts
    assert "测试市卫生局" in texts and "2026年" in texts
    assert not any("{{" in t for t in texts)
    # the cover's section has no page number on its (only) page
    cover = doc.sections[0]
    assert cover.different_first_page_header_footer
    assert "PAGE" not in cover.first_page_footer._element.xml


def test_toc_field_lists_every_part_and_word_updates_it_on_opening(doc):
    body = doc.element.body
    instr = [t.text for t in body.iter(f"{W}instrText")]
    assert any(re.match(r"\s*TOC \\o \"1-2\"", t) for t in instr)
    toc = [p for p in doc.paragraphs if p.style.style_id == "TOC1"]
    assert [_text(p._p)[:4] for p in toc] == PARTS
    # each entry links to its heading's bookmark and carries a PAGEREF to it
    marks = {b.get(f"{W}name") for b in body.iter(f"{W}bookmarkStart")}
    refs = [re.search(r"PAGEREF (\S+)", t).group(1) for t in instr if "PAGEREF" in t]
    assert refs and set(refs) <= marks
    settings = doc.settings.element
    assert settings.find(f"{W}updateFields").get(f"{W}val") == "true"


def test_every_table_repeats_its_header_and_never_splits_a_row(doc):
    tables = list(doc.element.body.iter(f"{W}tbl"))
    assert len(tables) > 10
    for tbl in tables:
        rows = tbl.findall(f"{W}tr")
        assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
        assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)


def test_the_risk_table_merges_posts_and_shades_levels(doc, built: Path):
    tables = [t for t in doc.tables if "岗位权力行使风险防控一览表" in t.rows[0].cells[0].text]
    assert len(tables) == 2  # one per unit, each titled with the unit in a repeated row
    tbl = tables[0]._tbl
    rows = tbl.findall(f"{W}tr")
    assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None and rows[1].find(f"{W}trPr/{W}tblHeader") is not None
    assert "测试甲" in _text(rows[0]) or "测试乙" in _text(rows[0])
    merges = [tc.find(f"{W}tcPr/{W}vMerge") for tc in tbl.iter(f"{W}tc")]
    assert any(m is not None and m.get(f"{W}val") == "restart" for m in merges)
    fills = {shd.get(f"{W}fill") for shd in tbl.iter(f"{W}shd")}
    assert set(palette.LEVEL_FILL.values()) & fills
    # the level is written in text as well as shaded
    levels = [_text(tc) for tc in tbl.iter(f"{W}tc") if tc.find(f"{W}tcPr/{W}shd") is not None
              and tc.find(f"{W}tcPr/{W}shd").get(f"{W}fill") in palette.LEVEL_FILL.values()]
    assert levels and set(levels) <= {"高", "中", "低"}
    # the landscape section holds it
    body = doc.element.body
    after = [s for s in body.iter(f"{W}sectPr")]
    assert any(s.find(f"{W}pgSz").get(f"{W}orient") == "landscape" for s in after)


def test_every_chart_is_embedded_and_fits_its_section(doc, built: Path):
    body = doc.element.body
    n = 0
    block_sections: list = []
    pending: list = []
    for block in body:
        pending.append(block)
        sect = block.find(f"{W}pPr/{W}sectPr") if block.tag == f"{W}p" else (block if block.tag == f"{W}sectPr" else None)
        if sect is not None:
            block_sections.append((sect, pending))
            pending = []
    for sect, blocks in block_sections:
        size, mar = sect.find(f"{W}pgSz"), sect.find(f"{W}pgMar")
        tw = (int(size.get(f"{W}w")) - int(mar.get(f"{W}left")) - int(mar.get(f"{W}right"))) * 635
        th = (int(size.get(f"{W}h")) - int(mar.get(f"{W}top")) - int(mar.get(f"{W}bottom"))) * 635
        for blk in blocks:
            for ext in blk.iter(f"{WP}extent"):
                n += 1
                assert int(ext.get("cx")) <= tw and int(ext.get("cy")) <= th
    # every flowchart and the three statistics charts
    charts = sorted(built.glob("flowcharts/*.png")) + sorted(built.glob("charts/statistics-*.png"))
    assert n == len(charts) > 3
    # each chart embedded once as PNG (what every reader draws) and once as SVG (Word 2016+ draws it)
    z = zipfile.ZipFile(built / "handbook.docx")
    media = [n for n in z.namelist() if n.startswith("word/media/")]
    assert len([n for n in media if n.endswith(".png")]) == len(charts)
    assert len([n for n in media if n.endswith(".svg")]) == len(charts)
    assert 'ContentType="image/svg+xml"' in z.read("[Content_Types].xml").decode()
    xml = z.read("word/document.xml").decode()
    assert xml.count("<asvg:svgBlip ") == n
    # never enlarged beyond 200 dpi, never distorted
    for shape in doc.inline_shapes:
        blip = shape._inline.graphic.graphicData.pic.blipFill.blip
        image = doc.part.related_parts[blip.embed].image
        natural_w = image.px_width * 914400 // 200
        assert shape.width <= natural_w + 1
        assert abs(shape.width / shape.height - image.px_width / image.px_height) < 0.01


def test_every_example_chart_prints_at_8_pt_or_more_in_the_word_handbook(tmp_path: Path):
    """Charts are drawn for the room a chart has in the Word handbook (GB/T 9704 text area less the
    flow's headings), not for the A4 printable area, so Word need not shrink them below 8 pt: the
    smallest text of each SVG twin, scaled to the picture's width on the page."""
    result = build_handbook(BuildOptions(target=EXAMPLES / "handbook.yaml", output=tmp_path / "out", jobs=2,
                                         formats=["docx"]))
    assert result.built
    z = zipfile.ZipFile(tmp_path / "out" / "handbook.docx")
    xml = z.read("word/document.xml").decode()
    rels = dict(re.findall(r'Id="([^"]+)"[^>]*Target="([^"]+)"', z.read("word/_rels/document.xml.rels").decode()))
    printed = []
    for m in re.finditer(r'<wp:extent cx="(\d+)" cy="\d+"/>(.*?)</w:drawing>', xml, re.S):
        svg = re.search(r'svgBlip [^>]*r:embed="([^"]+)"', m.group(2))
        text = z.read("word/" + rels[svg.group(1)]).decode()
        fonts = [float(f) for f in re.findall(r'font-size="([\d.]+)"', text)]
        view_width = float(re.search(r'viewBox="([-\d. ]+)"', text).group(1).split()[2])
        if 'class="graph"' in text:  # Graphviz's: the flowcharts (the statistics charts are matplotlib's)
            printed.append(int(m.group(1)) / 12700 / view_width * min(fonts))
    assert len(printed) >= 40
    assert min(printed) >= 7.95, sorted(printed)[:5]


def test_the_handbook_page_is_the_word_handbooks_chart_room():
    from lianfang.flowchart.pages import HANDBOOK_RESERVE, HANDBOOK_TEXT, MM, PageSize, areas, fit
    from lianfang.handbook.docx import CHART_RESERVE
    from lianfang.handbook.docx_reference import A4_H, A4_W, MARGINS

    width = (A4_W - MARGINS["left"] - MARGINS["right"]) / 20
    height = (A4_H - MARGINS["top"] - MARGINS["bottom"]) / 20
    assert HANDBOOK_TEXT == pytest.approx((width, height), abs=1.0) and HANDBOOK_RESERVE == CHART_RESERVE / 20
    (pw, ph), (lw, lh) = areas(PageSize.HANDBOOK)
    assert (pw, ph) == pytest.approx((156 * MM, 225 * MM - 100), abs=0.5)
    assert (lw, lh) == pytest.approx((225 * MM, 156 * MM - 100), abs=0.5)  # a landscape section
    assert fit(pw, ph, PageSize.HANDBOOK).scale == 1.0 and fit(pw + 10, ph, PageSize.HANDBOOK).scale < 1.0
    wide = fit(lw, lh, PageSize.HANDBOOK)
    assert wide.landscape and wide.scale == 1.0
    assert fit(pw, ph, PageSize.A4).scale == 1.0  # a chart drawn for the handbook prints whole on A4 too


def test_footer_page_numbers_with_dashes(doc):
    footer = doc.sections[-1].footer._element
    assert any("PAGE" in (t.text or "") for t in footer.iter(f"{W}instrText"))
    assert _text(footer).startswith("— ") and _text(footer).endswith(" —")
    # odd pages on the right, even pages on the left (GB/T 9704 7.5), one character in
    assert doc.settings.odd_and_even_pages_header_footer
    assert footer.find(f"{W}p/{W}pPr/{W}jc").get(f"{W}val") == "right"
    even = doc.sections[-1].even_page_footer._element
    assert even.find(f"{W}p/{W}pPr/{W}jc").get(f"{W}val") == "left" and "PAGE" in even.xml
    # every section after the cover shows it (Word inherits; each section names it)
    for s in doc.sections[1:]:
        assert not s.different_first_page_header_footer
        assert "PAGE" in s.footer._element.xml and "PAGE" in s.even_page_footer._element.xml


def test_core_properties(doc):
    assert doc.core_properties.title == "测试市卫生系统廉政风险防控管理工作手册"
    assert doc.core_properties.author == "测试市卫生局"
    assert doc.core_properties.created == datetime(2026, 1, 1, tzinfo=UTC)


def test_attachments_are_listed_not_embedded(doc, built: Path):
    names = zipfile.ZipFile(built / "handbook.docx").namelist()
    assert not [n for n in names if n.endswith((".txt", ".exe", ".bin", ".pdf", ".csv"))]
    assert not [n for n in names if "embeddings" in n or "oleObject" in n]
    assert any("公示记录" in p.text for p in doc.paragraphs)


def test_byte_identical_for_the_same_inputs(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    outs = []
    for n in (1, 2):
        dest = tmp_path / f"p{n}"
        shutil.copytree(FIXTURE, dest)
        build_handbook(BuildOptions(target=dest / "handbook.yaml", jobs=1, formats=["docx"]))
        outs.append((dest / "build" / "handbook" / "handbook.docx").read_bytes())
    assert outs[0] == outs[1]
    with zipfile.ZipFile(io.BytesIO(outs[0])) as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
        assert "2026-01-01T00:00:00Z" in core


def _context(wb_text_patch=None):
    from lianfang.io.reader import read_workbook

    wb = read_workbook(FIXTURE / "units" / "ta.yaml").workbook
    if wb_text_patch:
        wb_text_patch(wb)
    return build_context([UnitInput(wb, "ta.yaml")], title=None, organisation=None, year=2026)


def test_workbook_text_is_escaped_and_never_a_field(tmp_path: Path):
    def patch(wb):
        wb.risks[0].description = '<w:fldSimple w:instr="PAGE"/>{ PAGE } & "x" ]]>'
        wb.unit.name = "甲\x01医院\x0b"

    warnings: list[str] = []
    data = render_docx(_context(patch), out_dir=tmp_path, when=datetime(2026, 1, 1, tzinfo=UTC), warnings=warnings)
    d = docx.Document(io.BytesIO(data))
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert "&lt;w:fldSimple" in xml and "<w:fldSimple" not in xml
    assert '<w:fldSimple w:instr="PAGE"/>{ PAGE } &amp; "x" ]]>' in "".join(
        c.text for t in d.tables for r in t.rows for c in r.cells) .replace("&", "&amp;") or True
    texts = [c.text for t in d.tables for r in t.rows for c in r.cells]
    assert '<w:fldSimple w:instr="PAGE"/>{ PAGE } & "x" ]]>' in texts
    # the only fields are lianfang's own: the contents and its page references
    assert {t.split()[0] for t in re.findall(r"<w:instrText[^>]*>([^<]*)<", xml)} == {"TOC", "PAGEREF"}
    # control characters removed, and said so
    assert any("甲医院" in p.text for p in d.paragraphs) and "\x01" not in xml
    assert warnings and "2" in warnings[0]


def test_cleaner_counts_and_escapes():
    clean = Cleaner()
    assert clean('a<b>&"c"\x00\x1f\ttab') == "a&lt;b&gt;&amp;&quot;c&quot;\ttab"
    assert clean.removed == 2
    assert clean(None) == "" and clean(3) == "3"


def test_the_shipped_template_is_what_the_generator_makes():
    assert default_template() == docx_reference.make_reference()


def test_the_project_template_is_used_when_present(tmp_path: Path):
    dest = tmp_path / "project"
    shutil.copytree(FIXTURE, dest)
    (dest / "templates").mkdir()
    template = docx.Document(io.BytesIO(default_template()))
    template.paragraphs[0].runs[0].text = "【自定义封面】{{title}}"
    template.save(str(dest / "templates" / TEMPLATE_NAME))
    build_handbook(BuildOptions(target=dest / "handbook.yaml", jobs=1, formats=["docx"], templates=dest / "templates"))
    d = docx.Document(str(dest / "build" / "handbook" / "handbook.docx"))
    assert d.paragraphs[0].text == "【自定义封面】测试市卫生系统廉政风险防控管理工作手册"


def test_a_broken_template_is_a_clear_error(tmp_path: Path):
    bad = tmp_path / "handbook.docx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(DocxProblem, match="handbook.docx"):
        render_docx(_context(), out_dir=tmp_path, when=datetime(2026, 1, 1, tzinfo=UTC), template=bad)


def test_init_copies_the_template_and_the_project_builds_with_it(tmp_path: Path):
    from lianfang.handbook.project import init_project

    written = init_project(tmp_path / "hb", organisation="测试局", year=2026)
    template = tmp_path / "hb" / "templates" / TEMPLATE_NAME
    assert template in written and template.read_bytes() == default_template()
    result = build_handbook(BuildOptions(target=tmp_path / "hb" / "handbook.yaml", jobs=1, formats=["docx"]))
    assert result.built and (tmp_path / "hb" / "build" / "handbook" / "handbook.docx").is_file()


def test_pdf_without_libreoffice_says_what_to_install_and_writes_nothing(tmp_path: Path, monkeypatch):
    dest = tmp_path / "project"
    shutil.copytree(FIXTURE, dest)
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None if name in ("soffice", "libreoffice") else "/usr/bin/" + name)
    with pytest.raises(BuildError, match="libreoffice-writer-nogui"):
        build_handbook(BuildOptions(target=dest / "handbook.yaml", jobs=1, formats=["md", "pdf"]))
    assert not (dest / "build").exists()


def test_cli_pdf_without_libreoffice_exits_2(tmp_path: Path, monkeypatch):
    from typer.testing import CliRunner

    from lianfang.cli.app import create_app

    dest = tmp_path / "project"
    shutil.copytree(FIXTURE, dest)
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None if name in ("soffice", "libreoffice") else "/usr/bin/" + name)
    r = CliRunner().invoke(create_app(), ["handbook", "build", str(dest / "handbook.yaml"), "--format", "docx,pdf"])
    assert r.exit_code == 2
    assert "LibreOffice" in r.output and "fonts-noto-cjk" in r.output
    assert not (dest / "build").exists()


def _fonts(page) -> list[dict]:
    """The fonts a PDF page uses: name, subtype, and whether the font program is embedded."""
    out = []
    fonts = (page.get("/Resources") or {}).get("/Font") or {}
    for ref in fonts.values():
        font = ref.get_object()
        desc_font = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = desc_font.get("/FontDescriptor")
        descriptor = descriptor.get_object() if descriptor is not None else {}
        out.append({"name": str(font.get("/BaseFont", "")), "subtype": str(font.get("/Subtype")),
                    "embedded": any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))})
    return out


@pytest.mark.skipif(not HAVE_SOFFICE, reason="print check: needs LibreOffice (make print-check)")
def test_the_demo_handbook_prints(tmp_path: Path):
    """The examples' handbook as PDF: A4, real CJK fonts, a filled contents, a sane page count."""
    from pypdf import PdfReader

    result = build_handbook(BuildOptions(target=EXAMPLES / "handbook.yaml", output=tmp_path / "out", jobs=2,
                                         formats=["docx", "pdf"]))
    assert result.built
    assert sorted(p.name for p in (tmp_path / "out").glob("handbook.*")) == ["handbook.docx", "handbook.pdf"]
    reader = PdfReader(tmp_path / "out" / "handbook.pdf")
    assert 120 <= len(reader.pages) <= 320, len(reader.pages)  # the examples: about 140
    for page in reader.pages:
        size = sorted((round(float(page.mediabox.width)), round(float(page.mediabox.height))))
        assert size in ([595, 842], [595, 841], [596, 842])
    fonts = [f for page in reader.pages[:40] for f in _fonts(page)]
    assert fonts and not [f for f in fonts if f["subtype"] == "/Type3"]
    assert all(f["embedded"] for f in fonts)
    names = {f["name"] for f in fonts}
    assert any("NotoSerifCJK" in n for n in names) and any("NotoSansCJK" in n for n in names)
    # the contents is filled: every part with a page number, in page order, pointing into the body
    text = "\n".join(reader.pages[i].extract_text() for i in range(1, 5))
    numbers = [int(m.group(2)) for m in re.finditer(r"(第[一二三四五六七八]部分)[^\n]*?\.{3,}\s*(\d+)", text)]
    assert len(numbers) >= 6 and numbers == sorted(numbers) and numbers[-1] > 50, numbers


def test_markdown_documents_become_headings_lists_and_text(doc):
    paras = [(p.style.style_id, p.text) for p in doc.paragraphs]
    assert ("Heading2", "法律法规目录") in paras
    assert ("Heading3", "法律") in paras
    assert ("LfList", "・《中华人民共和国药品管理法》") in paras
    # a code fence's line is text, not a heading
    assert ("LfNote", "# 代码块里的井号不是标题") in paras
