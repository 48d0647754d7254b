"""A chart too long for one A4 page is split (``…_internal.svg``, ``…_internal_p2.svg``…): every
output shows every page, in order, each captioned （第2/3页）.

The flows are CHWSJ's LC-01 (external) and LC-02 (internal) stretched to 40 steps from their own
steps (``tests/long_flow.py``): long enough to need several pages however the layout improves.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook

from lianfang.handbook.build import BuildOptions, build_handbook
from lianfang.handbook.context import UnitInput, build_context
from lianfang.handbook.docx import CAPTION_RESERVE, CHART_DPI
from lianfang.handbook.view import ChartPage, chart_pages
from lianfang.io.reader import read_workbook
from long_flow import EXAMPLE, long_flow_project

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
EMU_PER_TWIP = 635
FLOWS = {"LC-01": ("external", "医疗机构执业许可外部流程"), "LC-02": ("internal", "医疗机构执业许可内部流程")}


# -- the view model -----------------------------------------------------------------------------

def test_chart_pages_number_and_caption_every_page():
    pages = chart_pages(["f/a.svg", "f/a_p2.svg", "f/a_p3.svg"], ["f/a.png", "f/a_p2.png", "f/a_p3.png"])
    assert pages == [ChartPage(1, 3, "f/a.svg", "f/a.png"), ChartPage(2, 3, "f/a_p2.svg", "f/a_p2.png"),
                     ChartPage(3, 3, "f/a_p3.svg", "f/a_p3.png")]
    assert [p.caption for p in pages] == ["（第1/3页）", "（第2/3页）", "（第3/3页）"]
    one, = chart_pages(["f/b.svg"], ["f/b.png"])
    assert one.caption == ""  # a chart of one page has no page caption
    # no PNG drawn (a Markdown-only build), or fewer of them: the pages are still every SVG's
    assert [(p.image, p.print_image) for p in chart_pages(["x.svg", "x_p2.svg"], [])] == [("x.svg", None), ("x_p2.svg", None)]
    assert chart_pages([], []) == []


def test_caption_in_english(monkeypatch):
    from lianfang.i18n import set_lang

    set_lang("en")
    assert ChartPage(2, 3, "x.svg").caption == " (page 2 of 3)"


def test_the_flow_view_holds_every_page_in_order():
    wb = read_workbook(EXAMPLE).workbook
    charts = {"LC-01": ["flowcharts/CHWSJ_LC-01_external.svg", "flowcharts/CHWSJ_LC-01_external_p2.svg"],
              "LC-02": ["flowcharts/CHWSJ_LC-02_internal.svg"]}
    printed = {"LC-01": ["flowcharts/CHWSJ_LC-01_external.png", "flowcharts/CHWSJ_LC-01_external_p2.png"]}
    ctx = build_context([UnitInput(wb, "chwsj.yaml", charts=charts, print_charts=printed)],
                        title=None, organisation=None, year=2026)
    flows = {f.id: f for f in ctx.units[0].flows}
    lc01, lc02 = flows["LC-01"], flows["LC-02"]
    assert [(p.number, p.count, p.image, p.print_image) for p in lc01.pages] == [
        (1, 2, charts["LC-01"][0], printed["LC-01"][0]), (2, 2, charts["LC-01"][1], printed["LC-01"][1])]
    assert (lc01.image, lc01.print_image) == (charts["LC-01"][0], printed["LC-01"][0])  # the first page's
    assert [(p.image, p.print_image, p.caption) for p in lc02.pages] == [(charts["LC-02"][0], None, "")]
    assert flows["LC-03"].pages == [] and flows["LC-03"].image is None  # not drawn


# -- the handbook, built ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    config = long_flow_project(tmp_path_factory.mktemp("split") / "project")
    result = build_handbook(BuildOptions(target=config, jobs=1))
    assert result.built and result.errors == 0 and result.notes == [], result.notes
    return config.parent / "build" / "handbook"


def _pages(out: Path, flow_id: str, ext: str) -> list[str]:
    """The chart's page files, in page order: ``CHWSJ_LC-01_external.svg``, ``…_p2.svg``…"""
    stem = f"CHWSJ_{flow_id}_{FLOWS[flow_id][0]}"
    files = sorted(out.glob(f"flowcharts/{stem}*.{ext}"), key=lambda p: int(p.stem.rpartition("_p")[2] or 1)
                   if re.search(r"_p\d+$", p.stem) else 1)
    return [f"flowcharts/{p.name}" for p in files]


def test_long_flows_are_split_into_the_same_pages_in_svg_and_png(built: Path):
    for flow_id in FLOWS:
        svgs, pngs = _pages(built, flow_id, "svg"), _pages(built, flow_id, "png")
        assert len(svgs) >= 2, svgs
        assert [Path(p).stem for p in pngs] == [Path(p).stem for p in svgs]  # the PNGs Word embeds are the pages


def test_markdown_shows_every_page_in_order_with_its_caption(built: Path):
    md = (built / "handbook.md").read_text(encoding="utf-8")
    for flow_id, (_kind, name) in FLOWS.items():
        svgs = _pages(built, flow_id, "svg")
        n = len(svgs)
        expected = [f"![{name}（第{i}/{n}页）]({path})" for i, path in enumerate(svgs, 1)]
        lines = [line for line in md.splitlines() if line.startswith(f"![{name}")]
        assert lines == expected
        # each page its own paragraph, between the flow's power line and its 办事指南 / steps
        block = md.split(expected[0], 1)[1].split("| 环节 |", 1)[0]
        assert all(f"\n\n{e}\n\n" in f"\n\n{expected[0]}{block}" for e in expected)


def _drawings_by_section(document) -> list[tuple[object, object]]:
    """(wp:inline, the w:sectPr of its section) for every picture of the body, in order."""
    out, waiting = [], []
    for child in document.element.body:
        waiting += list(child.iter(f"{WP}inline"))
        sect = child if child.tag == f"{W}sectPr" else child.find(f"{W}pPr/{W}sectPr")
        if sect is not None:
            out += [(d, sect) for d in waiting]
            waiting = []
    return out


def _text_area(sect) -> tuple[int, int]:
    size, margin = sect.find(f"{W}pgSz"), sect.find(f"{W}pgMar")
    width = int(size.get(f"{W}w")) - int(margin.get(f"{W}left")) - int(margin.get(f"{W}right"))
    height = int(size.get(f"{W}h")) - int(margin.get(f"{W}top")) - int(margin.get(f"{W}bottom"))
    return width * EMU_PER_TWIP, height * EMU_PER_TWIP


def _picture_checks(document, path: Path, pages: dict[str, list[Path]]) -> list[str]:
    """Every page of every chart in ``pages`` (caption stem → PNG files) is one picture, in order,
    under its caption, within the text area; a page that starts a page of its own fills the text
    area under its caption as far as the paper lets it, and pages 2… always do. Returns the text of
    the paragraph before each chart's first caption."""
    z = zipfile.ZipFile(path)
    rels = document.part.rels
    drawings = _drawings_by_section(document)  # kept: lxml gives the same element objects while they live
    sections = {id(d): s for d, s in drawings}
    assert len(sections) == len(document.inline_shapes)
    body = list(document.element.body)
    before_first = []
    for stem, pngs in pages.items():
        n = len(pngs)
        shown = [d for d in document.element.body.iter(f"{WP}inline")
                 if d.find(f"{WP}docPr").get("descr", "").startswith(stem + "（第")]
        assert [d.find(f"{WP}docPr").get("descr") for d in shown] == [f"{stem}（第{i}/{n}页）" for i in range(1, n + 1)]
        for i, (inline, png) in enumerate(zip(shown, pngs, strict=True), 1):
            data = z.read("word/" + rels[inline.find(f".//{A}blip").get(f"{R}embed")].target_ref)
            assert data == png.read_bytes()  # that very page
            ext = inline.find(f"{WP}extent")
            cx, cy = int(ext.get("cx")), int(ext.get("cy"))
            width, height = _text_area(sections[id(inline)])
            assert cx <= width and cy <= height  # check_docx.py: every image within the text area
            # the paragraph above the picture is its caption
            para = next(p for p in body if inline in list(p.iter(f"{WP}inline")))
            caption = body[body.index(para) - 1]
            assert "".join(t.text for t in caption.iter(f"{W}t")) == f"{stem}（第{i}/{n}页）"
            own_page = caption.find(f"{W}pPr/{W}pageBreakBefore") is not None
            assert own_page or i == 1  # pages 2… start a page of their own
            if i == 1:
                before_first.append("".join(t.text for t in body[body.index(caption) - 1].iter(f"{W}t")))
            if own_page:  # scaled only as far as the text area under the caption forces
                img = docx.image.image.Image.from_blob(data)
                natural = (img.px_width * 914400 // CHART_DPI, img.px_height * 914400 // CHART_DPI)
                scale = min(1.0, width / natural[0], (height - CAPTION_RESERVE * EMU_PER_TWIP) / natural[1])
                assert cx == pytest.approx(natural[0] * scale, abs=2)
    return before_first


def test_word_has_one_picture_per_page(built: Path):
    document = docx.Document(str(built / "handbook.docx"))
    pages = {name: [built / p for p in _pages(built, flow_id, "png")] for flow_id, (_k, name) in FLOWS.items()}
    before = _picture_checks(document, built / "handbook.docx", pages)
    # LC-01's first page would print small under the part's, the unit's and the flow's headings: it
    # starts the next page, and a note under the headings says where the chart is
    assert before[0] == f"（流程图共{len(pages[FLOWS['LC-01'][1]])}页，见下页起）"
    paragraphs = [p.text for p in document.paragraphs]
    at = paragraphs.index(before[0])
    assert paragraphs[at - 1].startswith("职权：QL-01") and paragraphs[at - 2] == "LC-01 医疗机构执业许可外部流程"


def test_a_first_page_that_fits_under_its_headings_stays_there(tmp_path: Path):
    from lianfang.handbook.docx import Cleaner, chart_pictures, new_body, open_document

    long, short = tmp_path / "long.png", tmp_path / "short.png"
    _png(long, 1300, 1900)  # 468 x 684 pt: shrunk a lot under a heading
    _png(short, 1000, 700)  # 360 x 252 pt: fits under it as it is
    clean = Cleaner()
    body = new_body(open_document(None), clean)
    assert chart_pictures(body, [(clean("甲（第1/2页）"), short, None), (clean("甲（第2/2页）"), long, None)], 2000) == []
    assert chart_pictures(body, [(clean("乙（第1/2页）"), long, None), (clean("乙（第2/2页）"), short, None)], 2000) == []
    xml = "".join(body.out)
    assert "（流程图共2页，见下页起）" in xml and xml.count("（流程图共") == 1  # only 乙's first page moved
    before_jia = xml.split("甲（第1/2页）", 1)[0].rsplit("<w:p>", 1)[1]
    assert "pageBreakBefore" not in before_jia


def _png(path: Path, width: int, height: int) -> None:
    import struct
    import zlib

    raw = b"".join(b"\0" + b"\xff" * width for _ in range(height))
    chunk = lambda kind, data: (struct.pack(">I", len(data)) + kind + data  # noqa: E731
                                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_excel_flowchart_sheet_places_every_page_on_a_page_of_its_own(built: Path):
    wb = load_workbook(built / "handbook.xlsx")
    ws = wb["流程图"]
    headings = [c.value for c in ws["A"] if isinstance(c.value, str) and c.value.startswith("巢湖市卫生局　")]
    expected = []
    for flow_id, (_kind, name) in FLOWS.items():
        n = len(_pages(built, flow_id, "png"))
        expected += [f"巢湖市卫生局　{flow_id} {name}（第{i}/{n}页）" for i in range(1, n + 1)]
    assert headings == expected
    assert len(ws._images) == len(expected)
    # each picture under its own heading, a page break before every heading but the first
    rows = [c.row for c in ws["A"] if c.value in expected]
    anchors = sorted(img.anchor._from.row + 1 for img in ws._images)
    assert anchors == [r + 1 for r in rows]
    breaks = {b.id for b in ws.row_breaks.brk}
    assert all(r - 1 in breaks for r in rows[1:])
    captions = [c.value for c in ws["A"] if isinstance(c.value, str) and c.value.startswith("流程图文件：")]
    assert captions == [f"流程图文件：{p}" for flow_id in FLOWS for p in _pages(built, flow_id, "svg")]
    # 流程清单 names every page's file, and links the first
    flows = wb["流程清单"]
    for row in flows.iter_rows(min_row=3):
        if row[2].value in FLOWS:
            assert row[-1].value.split("\n") == _pages(built, row[2].value, "svg")
            assert row[-1].hyperlink.target == _pages(built, row[2].value, "svg")[0]


# -- lianfang publish ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    from lianfang.publish.build import publish

    config = long_flow_project(tmp_path_factory.mktemp("split-publish") / "project")
    out = config.parent / "公示"
    result = publish([config], out, ["html", "docx"], jobs=1)
    assert result.refused == [] and result.notes == [], result.notes
    return out


def test_publish_html_shows_every_page_with_its_caption(published: Path):
    page = (published / "chwsj.html").read_text(encoding="utf-8")
    name = FLOWS["LC-01"][1]
    svgs = _pages(published, "LC-01", "svg")
    n = len(svgs)
    assert n >= 2
    figures = re.findall(r'<figure role="img" aria-label="([^"]*)"><svg.*?</svg>\s*<figcaption>([^<]*)</figcaption>',
                         page, re.S)
    expected = [f"{name}图（第{i}/{n}页）" for i in range(1, n + 1)]
    assert [label for label, _ in figures] == expected and [cap for _, cap in figures] == expected
    # the pages inline, in order: the page titles drawn in the charts say so too
    for i, body in enumerate(re.findall(r"<figure .*?</figure>", page, re.S), 1):
        assert f"第{i}/{n}页" in body
    assert "内部流程" not in "".join(label for label, _ in figures)  # internal flows are never published


def test_publish_word_has_one_picture_per_page(published: Path):
    document = docx.Document(str(published / "公示.docx"))
    stem = FLOWS["LC-01"][1] + "图"
    pages = {stem: [published / p for p in _pages(published, "LC-01", "png")]}
    before, = _picture_checks(document, published / "公示.docx", pages)
    assert before in (FLOWS["LC-01"][1], f"（流程图共{len(pages[stem])}页，见下页起）")  # under the flow's heading
