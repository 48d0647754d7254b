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


def _picture_checks(document, path: Path, pages: dict[str, list[Path]], first_caption) -> None:
    """Every page of every chart in ``pages`` (caption stem → PNG files) is one picture, in order,
    under its caption; a page after the first fills the text area as far as the paper lets it."""
    z = zipfile.ZipFile(path)
    rels = document.part.rels
    drawings = _drawings_by_section(document)
    assert len(drawings) == len(document.inline_shapes)
    for stem, pngs in pages.items():
        n = len(pngs)
        shown = [(d, s) for d, s in drawings if d.find(f"{WP}docPr").get("descr", "").startswith(stem + "（第")]
        assert [d.find(f"{WP}docPr").get("descr") for d, _ in shown] == [f"{stem}（第{i}/{n}页）" for i in range(1, n + 1)]
        for (inline, sect), png in zip(shown, pngs, strict=True):
            blip = inline.find(f".//{A}blip")
            assert z.read("word/" + rels[blip.get(f"{R}embed")].target_ref) == png.read_bytes()  # that very page
            ext = inline.find(f"{WP}extent")
            cx, cy = int(ext.get("cx")), int(ext.get("cy"))
            width, height = _text_area(sect)
            assert cx <= width and cy <= height  # check_docx.py: every image within the text area
        # pages 2… start a page of their own: scaled only as far as the text area under the caption forces
        for inline, sect in [d for d in shown[1:]]:
            ext = inline.find(f"{WP}extent")
            img = docx.image.image.Image.from_blob(z.read("word/" + rels[inline.find(f".//{A}blip").get(f"{R}embed")].target_ref))
            natural = (img.px_width * 914400 // CHART_DPI, img.px_height * 914400 // CHART_DPI)
            width, height = _text_area(sect)
            scale = min(1.0, width / natural[0], (height - CAPTION_RESERVE * EMU_PER_TWIP) / natural[1])
            assert int(ext.get("cx")) == pytest.approx(natural[0] * scale, abs=2)
    # the caption paragraph above each page, the first page's after the flow's own heading
    captions = [p.text for p in document.paragraphs if "页）" in p.text]
    for stem, pngs in pages.items():
        n = len(pngs)
        assert [c for c in captions if c.startswith(stem)] == [f"{stem}（第{i}/{n}页）" for i in range(1, n + 1)]
        first_caption(stem)


def test_word_has_one_picture_per_page(built: Path):
    document = docx.Document(str(built / "handbook.docx"))
    pages = {name: [built / p for p in _pages(built, flow_id, "png")] for flow_id, (_k, name) in FLOWS.items()}
    paragraphs = [p.text for p in document.paragraphs]

    def first_caption(stem: str) -> None:
        # heading, the power line, then the first page's caption
        at = paragraphs.index(f"{stem}（第1/{len(pages[stem])}页）")
        assert paragraphs[at - 1].startswith("职权：") and stem in paragraphs[at - 2]

    _picture_checks(document, built / "handbook.docx", pages, first_caption)
    # and the pages 2… each start a page: their caption breaks the page
    for p in document.paragraphs:
        if re.search(r"（第[2-9]/\d页）$", p.text):
            assert p._p.find(f"{W}pPr/{W}pageBreakBefore") is not None


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
    paragraphs = [p.text for p in document.paragraphs]

    def first_caption(stem: str) -> None:
        at = paragraphs.index(f"{stem}（第1/{len(pages[stem])}页）")
        assert paragraphs[at - 1] == FLOWS["LC-01"][1]  # the flow's heading

    _picture_checks(document, published / "公示.docx", pages, first_caption)
