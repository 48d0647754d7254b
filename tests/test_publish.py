"""lianfang publish: the public version carries no personal data, escapes every text and loads in a browser."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from tests.conftest import EXAMPLES, ROOT

from lianfang.io.reader import read_workbook
from lianfang.publish.fields import PUBLIC_FIELDS, PublishConfig
from lianfang.publish.view import public_workbook

ARTEFACTS = ROOT / "build" / "test-artifacts"


def run(runner, app, *args):
    return runner.invoke(app, ["publish", *args], catch_exceptions=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "units").mkdir()
    for unit in EXAMPLES.glob("units/*.yaml"):
        shutil.copy(unit, tmp_path / "units" / unit.name)
    (tmp_path / "handbook.yaml").write_text(
        "organisation: 巢湖市卫生局\nyear: 2026\nunits: [units/*.yaml]\n", encoding="utf-8")
    return tmp_path


def _private_texts() -> set[str]:
    """Every holder, contact, phone (but supervision lines) and review note of the examples."""
    out: set[str] = set()
    for path in EXAMPLES.glob("units/*.yaml"):
        wb = read_workbook(path).workbook
        for post in wb.posts:
            out.update(post.holders)
        out.update(x for x in (wb.unit.contact, wb.unit.phone) if x)
        out.update(r.review_note for r in wb.risks if r.review_note)
        out.update(x.note for x in [*wb.risks, *wb.measures, *wb.posts] if x.note)
        out.update(f.phone for f in wb.flows if f.phone)
        out.update(a.detail for a in wb.alerts)
    return out


EPOCH = {"SOURCE_DATE_EPOCH": "1767225600"}  # 2026-01-01


def _publish_examples(folder: Path, *args: str) -> tuple[Path, str]:
    """The examples published (every format) into ``folder / "public"``: (that folder, the output)."""
    from typer.testing import CliRunner

    from lianfang.cli.app import create_app

    (folder / "units").mkdir(parents=True)
    for unit in EXAMPLES.glob("units/*.yaml"):
        shutil.copy(unit, folder / "units" / unit.name)
    (folder / "handbook.yaml").write_text(
        "organisation: 巢湖市卫生局\nyear: 2026\nunits: [units/*.yaml]\n", encoding="utf-8")
    out = folder / "public"
    result = CliRunner().invoke(create_app(), ["publish", str(folder / "handbook.yaml"), "-o", str(out), *args],
                                env=EPOCH, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out, result.output


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """The examples published once for the tests that only read the result."""
    return _publish_examples(tmp_path_factory.mktemp("published"))[0]


def _zip_texts(path: Path) -> list[str]:
    """Every text part of an Office file (XML, relationships, the charts' SVG twins)."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        return [z.read(n).decode("utf-8") for n in z.namelist() if n.endswith((".xml", ".rels", ".svg"))]


def test_no_personal_data_anywhere_in_the_output(published: Path):
    out = published
    private = _private_texts()
    assert len(private) > 20  # the examples do hold such data
    written = sorted(p.name for p in out.iterdir())
    assert written == ["chcdc.html", "chwsj.html", "chyy.html", "flowcharts", "index.html", "公示.docx", "公示一览表.xlsx"]
    texts = [p.read_text(encoding="utf-8") for p in [*out.glob("*.html"), *out.glob("flowcharts/*.svg")]]
    assert len(texts) > 4 + 3
    texts += _zip_texts(out / "公示一览表.xlsx")
    docx_texts = _zip_texts(out / "公示.docx")
    assert any("<w:tbl>" in t for t in docx_texts) and any("<svg" in t for t in docx_texts)
    texts += docx_texts
    leaked = {p for p in private for t in texts if p in t}
    assert leaked == set()


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _tables_by_section(document) -> list[tuple[object, object]]:
    """(table element, the w:sectPr of the section it lies in) for every top-level table."""
    out, waiting = [], []
    for child in document.element.body:
        if child.tag == f"{W}tbl":
            waiting.append(child)
        sect = child if child.tag == f"{W}sectPr" else child.find(f"{W}pPr/{W}sectPr")
        if sect is not None:
            out += [(t, sect) for t in waiting]
            waiting = []
    return out


def test_docx_layout(published: Path):
    """公示.docx: the units' headings, the risk tables on landscape A4, header rows that repeat and rows
    that never split in every table, each external flow's chart within the text width."""
    import docx

    document = docx.Document(str(published / "公示.docx"))
    units = {p.stem: read_workbook(p).workbook for p in sorted(EXAMPLES.glob("units/*.yaml"))}
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert sorted(headings) == sorted(f"{wb.unit.name}廉政风险点及防控措施公示" for wb in units.values())
    assert document.paragraphs[0].style.name == "Title" and "{{" not in document.element.body.xml  # no cover left
    assert document.core_properties.title == "巢湖市卫生局廉政风险点及防控措施公示"
    tables = _tables_by_section(document)
    assert len(tables) == len(document.tables) > 3 * 2
    risk_tables = 0
    for tbl, sect in tables:
        rows = tbl.findall(f"{W}tr")
        assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
        assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)
        title = "".join(t.text for t in rows[0].iter(f"{W}t"))
        if "岗位权力行使风险防控一览表" in title:
            risk_tables += 1
            size = sect.find(f"{W}pgSz")
            assert (size.get(f"{W}w"), size.get(f"{W}h"), size.get(f"{W}orient")) == ("16838", "11906", "landscape")
            head = [c.text for c in docx.table.Table(tbl, document.part).rows[1].cells]
            assert head == ["序号", "部门", "岗位", "职权", "风险等级", "风险类别", "风险描述", "防控措施"]
    assert risk_tables == len(units)
    external = sum(f.kind.value == "外部" for wb in units.values() for f in wb.flows)
    pictures = document.inline_shapes
    assert len(pictures) == external > 0
    for section in document.sections:  # A4, whichever way round
        short, long = sorted((section.page_width, section.page_height))
        assert abs(short - docx.shared.Mm(210)) < docx.shared.Mm(0.5) and abs(long - docx.shared.Mm(297)) < docx.shared.Mm(0.5)
    portrait_width = min(s.page_width - s.left_margin - s.right_margin for s in document.sections)
    assert all(p.width <= portrait_width + 1 for p in pictures)
    guides = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert guides.count("监督渠道") == len(units)


def test_docx_has_a_table_of_contents_listing_every_unit_with_its_page(published: Path):
    """After the list of units, a TOC field whose entries (already filled in, so LibreOffice's PDF
    shows them) link to each unit's heading with a PAGEREF."""
    import docx

    document = docx.Document(str(published / "公示.docx"))
    xml = document.element.body.xml
    assert xml.count(' TOC \\o "1-2"') == 1
    toc = [p for p in document.paragraphs if p.style.name.lower().startswith("toc")]
    assert toc[0].text == "目　　录"
    entries = [p for p in toc[1:] if p.style.name.lower() == "toc 1"]
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert [e.text.split("\t")[0] for e in entries] == headings
    assert xml.count(" PAGEREF ") >= len(headings)
    title_table = document.tables[0]
    assert xml.index("各单位公示") < xml.index(" TOC ") < xml.index(headings[0])  # on the title page, after the list
    assert "各单位公示" in "".join(c.text for c in title_table.rows[0].cells)


def test_docx_is_reproducible(published: Path, tmp_path: Path):
    """Same inputs and SOURCE_DATE_EPOCH: the same bytes, charts drawn again from scratch included."""
    again, _ = _publish_examples(tmp_path, "--format", "docx")
    assert (again / "公示.docx").read_bytes() == (published / "公示.docx").read_bytes()


def test_public_workbook_keeps_supervision_lines_and_drops_phones(project: Path):
    wb = read_workbook(project / "units" / "chwsj.yaml").workbook
    external = [f for f in wb.flows if f.phone]
    assert external, "the example has office phones to drop"
    pub = public_workbook(wb, PublishConfig().fields())
    assert all(f.phone is None for f in pub.flows)
    assert [f.supervision for f in pub.flows] == [f.supervision for f in wb.flows]
    assert all(m.owner is None for m in pub.measures)
    assert wb.flows[0].phone is not None or external  # the original is untouched
    opted = public_workbook(wb, PublishConfig(include=["measure.owner", "guide.phone"]).fields())
    assert [m.owner for m in opted.measures] == [m.owner for m in wb.measures]
    assert any(f.phone for f in opted.flows)


def test_field_configuration(runner, app, project: Path, tmp_path: Path):
    (project / "handbook.yaml").write_text(
        "year: 2026\nunits: [units/*.yaml]\npublish:\n  include: [measure.owner]\n  exclude: [risk.category]\n",
        encoding="utf-8")
    out = tmp_path / "public"
    assert run(runner, app, str(project), "-o", str(out), "--format", "html").exit_code == 0
    page = (out / "chyy.html").read_text(encoding="utf-8")
    assert "风险类别" not in page and "责任人：" in page
    (project / "handbook.yaml").write_text("units: [units/*.yaml]\npublish:\n  include: [unit.phone]\n", encoding="utf-8")
    result = run(runner, app, str(project), "-o", str(out), "--force")
    assert result.exit_code == 2 and "handbook.yaml:3" in result.output and "unit.phone" in result.output


def test_published_charts_guide_shows_only_public_items(runner, app, project: Path, tmp_path: Path):
    """A chart's 办事指南 panel leaves out what is not public (by default the office's phone; here also
    办理依据), rather than show it as 「（未填写）」; an included phone is shown."""
    def charts(config: str, out: Path) -> list[str]:
        (project / "handbook.yaml").write_text("year: 2026\nunits: [units/*.yaml]\n" + config, encoding="utf-8")
        assert run(runner, app, str(project), "-o", str(out), "--format", "html").exit_code == 0
        return [p.read_text(encoding="utf-8") for p in sorted((out / "flowcharts").glob("*_external.svg"))]

    withheld = charts("publish:\n  exclude: [guide.basis, risk.level]\n", tmp_path / "a")
    assert withheld and all("办理主体" in svg for svg in withheld)
    assert not any("联系电话" in svg or "办理依据" in svg for svg in withheld)
    # a level not public is not on a chart either: marks without it, boxes not shaded by it
    marks = re.compile(r"▲FX&#45;\d+ ?[高中低]?")
    assert any(marks.search(svg) for svg in withheld)
    assert not any(re.search(r"▲FX&#45;\d+ [高中低]", svg) for svg in withheld)
    from lianfang.palette import LEVEL_FILL

    assert not any(f"#{fill.lower()}" in svg.lower() for fill in LEVEL_FILL.values() for svg in withheld)
    phones = {f.phone for p in EXAMPLES.glob("units/*.yaml") for f in read_workbook(p).workbook.flows if f.phone}
    shown = charts("publish:\n  include: [guide.phone]\n", tmp_path / "b")
    assert all("联系电话" in svg and "办理依据" in svg for svg in shown)
    assert any(re.search(r"▲FX&#45;\d+ [高中低]", svg) for svg in shown)
    assert any(phone.replace("-", "&#45;") in svg for phone in phones for svg in shown)  # as dot writes it


def test_build_chart_guide_fields_choose_the_panel_rows():
    from lianfang.flowchart.graph import PANEL_FIELDS, build_chart

    wb = read_workbook(EXAMPLES / "units" / "chwsj.yaml").workbook
    flow = next(f for f in wb.flows if f.kind.value == "外部")
    assert [r.field for r in build_chart(wb, flow).panel.rows] == list(PANEL_FIELDS)
    rows = build_chart(wb, flow, frozenset({"place", "fee", "chart"})).panel.rows
    assert [r.field for r in rows] == ["place", "fee"]


def test_every_default_field_is_documented():
    doc = (ROOT / "docs" / "publish.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in doc for name in PUBLIC_FIELDS)


HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>&amp;"\'</svg>]]>'


def test_hostile_cell_text_is_escaped(runner, app, project: Path, tmp_path: Path):
    from lianfang.io.yaml_writer import dump_yaml

    path = project / "units" / "chyy.yaml"
    wb = read_workbook(path).workbook
    wb.risks[0].description = HOSTILE
    wb.unit.name = "巢湖<b>医院</b>"
    flow = next(f for f in wb.flows if f.kind.value == "外部")
    flow.supervision = [*flow.supervision, HOSTILE]
    wb.measures[0].description = HOSTILE
    wb.measures[1].description = "控制\x0b字符"  # XML cannot hold it: dropped from the Word version, with a note
    path.write_text(dump_yaml(wb), encoding="utf-8")
    out = tmp_path / "public"
    result = run(runner, app, str(path), "-o", str(out), "--format", "html,docx")
    assert result.exit_code == 0, result.output
    page = (out / "chyy.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "<img" not in page and "<b>医院" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3  # risk, measure, supervision line
    assert "&lt;/svg&gt;" in page
    import docx

    xml = docx.Document(str(out / "公示.docx")).element.xml
    assert "<script>" not in xml and "<img" not in xml and "<b>医院" not in xml
    assert xml.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3
    assert "控制字符" in xml and "删除了 1 个 XML 无法容纳的控制字符" in result.output


def test_units_with_errors_are_not_published(runner, app, project: Path, tmp_path: Path):
    path = project / "units" / "chcdc.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("code: CHCDC", "code: ''", 1), encoding="utf-8")
    out = tmp_path / "public"
    result = run(runner, app, str(project), "-o", str(out))
    assert result.exit_code == 1 and "未公示" in result.output
    assert not (out / "chcdc.html").exists() and (out / "chyy.html").exists()


def test_unconfirmed_units_are_marked(runner, app, project: Path, tmp_path: Path):
    out = tmp_path / "public"
    result = run(runner, app, str(project), "-o", str(out), "--format", "html")
    assert "units/chyy.yaml 的状态不是已确认或已公示" in result.output
    assert "未经集体研究确认" in (out / "chyy.html").read_text(encoding="utf-8")
    assert "未经集体研究确认" not in (out / "chcdc.html").read_text(encoding="utf-8")


def test_existing_index_needs_force(runner, app, project: Path, tmp_path: Path):
    out = tmp_path / "public"
    out.mkdir()
    (out / "index.html").write_text("mine", encoding="utf-8")
    result = run(runner, app, str(project), "-o", str(out))
    assert result.exit_code == 2 and (out / "index.html").read_text(encoding="utf-8") == "mine"


def test_bad_format(runner, app, project: Path, tmp_path: Path):
    result = run(runner, app, str(project), "-o", str(tmp_path / "x"), "--format", "pdf")
    assert result.exit_code == 2 and "未知的格式" in result.output


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def test_pages_load_in_a_real_browser(runner, app, project: Path, tmp_path: Path):
    """Headless Chromium: no console error, the flowcharts are in the page, a screenshot is kept."""
    assert CHROMIUM, "chromium is installed by scripts/system-deps.sh (make test)"
    out = tmp_path / "public"
    assert run(runner, app, str(project), "-o", str(out), "--format", "html").exit_code == 0
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    for page in ("index", "chwsj"):
        shot = ARTEFACTS / f"publish-{page}.png"
        shot.unlink(missing_ok=True)
        proc = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr",
                               "--v=0", "--window-size=1200,1800", f"--screenshot={shot}", (out / f"{page}.html").as_uri()],
                              capture_output=True, text=True, timeout=120)
        console = [line for line in proc.stderr.splitlines() if "CONSOLE" in line]
        assert console == [], console
        assert shot.stat().st_size > 20_000  # a rendered page, not a blank one
        dom = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
                              (out / f"{page}.html").as_uri()], capture_output=True, text=True, timeout=120).stdout
        if page == "chwsj":
            wb = read_workbook(project / "units" / "chwsj.yaml").workbook
            external = [f for f in wb.flows if f.kind.value == "外部"]
            assert dom.count("<svg") == len(external) > 0
            assert 'class="graph"' in dom  # Graphviz's drawing, inline
        else:
            assert 'href="chwsj.html"' in dom
