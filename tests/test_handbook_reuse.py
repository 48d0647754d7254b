"""What a handbook build does not do twice: search a chart's drawing, deflate a picture, draw the
statistics, move the Word body element by element, render the formats one after another."""

from __future__ import annotations

import shutil
import struct
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from lianfang.flowchart import render
from lianfang.flowchart.render import ChartFormat
from lianfang.handbook import docx as docx_mod
from lianfang.handbook import pictures
from lianfang.handbook.build import BuildOptions, build_handbook

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "handbook"
EXAMPLES = ROOT / "examples"


def _project(tmp_path: Path, name: str = "project") -> Path:
    dest = tmp_path / name
    shutil.copytree(FIXTURE, dest)
    return dest


def _count_dot_runs(monkeypatch) -> dict[str, int]:
    """Every run of ``dot`` by format, from now on (and nothing remembered from earlier tests)."""
    runs = {"svg": 0, "png": 0, "png batches": 0, "png in batches": 0, "svg batches": 0, "svg in batches": 0}
    original, original_batch, original_svgs = render.render, render.render_pngs, render.render_svgs

    def counted(source, fmt, dot, *args, **kwargs):
        runs[fmt.value] = runs.get(fmt.value, 0) + 1
        return original(source, fmt, dot, *args, **kwargs)

    def counted_batch(pages, dot):
        runs["png batches"] += 1
        out = original_batch(pages, dot)
        runs["png in batches"] += len([png for png in out or [] if png is not None])
        return out

    def counted_svgs(sources, dot):
        runs["svg batches"] += 1
        out = original_svgs(sources, dot)
        runs["svg in batches"] += len(out or [])
        return out

    monkeypatch.setattr(render, "render", counted)
    monkeypatch.setattr(render, "render_pngs", counted_batch)
    monkeypatch.setattr(render, "render_svgs", counted_svgs)
    render._DRAWN.clear()
    return runs


def _png_width(path: Path) -> int:
    return struct.unpack(">I", path.read_bytes()[16:20])[0]


def test_png_copies_are_drawn_from_the_svg_pages_without_searching_again(tmp_path: Path, monkeypatch):
    runs = _count_dot_runs(monkeypatch)
    md_only = build_handbook(BuildOptions(target=EXAMPLES / "handbook.yaml", output=tmp_path / "a", jobs=2, formats=["md"]))
    assert md_only.built and runs["png"] == runs["png batches"] == 0
    svg_runs = runs["svg"]
    # every chart drawn once at least, most first drawings several to a run of dot
    assert svg_runs + runs["svg in batches"] >= md_only.charts > 0
    assert svg_runs + runs["svg batches"] < md_only.charts

    runs = _count_dot_runs(monkeypatch)
    result = build_handbook(BuildOptions(target=EXAMPLES / "handbook.yaml", output=tmp_path / "b", jobs=2,
                                         formats=["md", "xlsx", "docx"]))
    assert result.built
    charts = tmp_path / "b" / "flowcharts"
    pngs = sorted(charts.glob("*.png"))
    # the PNG pass runs dot for the rasters only, several pages a run: no SVG is drawn a second time
    assert runs["svg"] == svg_runs
    assert runs["png"] + runs["png in batches"] == len(pngs) > render.PNG_BATCH
    assert runs["png batches"] + runs["png"] < len(pngs) / 2
    # the same pages as the SVGs, each 200 dpi of the size it is printed at (the SVG's, fitted to A4)
    assert sorted(p.stem for p in pngs) == sorted(p.stem for p in charts.glob("*.svg"))
    for png in pngs:
        width_pt, _ = render.svg_size(png.with_suffix(".svg").read_bytes())
        assert abs(_png_width(png) - width_pt * int(render.PNG_DPI) / 72) <= 3, png.name


def test_an_unchanged_chart_is_not_drawn_again_in_any_format(tmp_path: Path, monkeypatch):
    project = _project(tmp_path)
    assert build_handbook(BuildOptions(target=project / "handbook.yaml", jobs=1)).built
    runs = _count_dot_runs(monkeypatch)
    again = build_handbook(BuildOptions(target=project / "handbook.yaml", jobs=1))
    assert again.built and again.chart_hits == again.charts > 0
    assert runs == {"svg": 0, "png": 0, "png batches": 0, "png in batches": 0, "svg batches": 0, "svg in batches": 0}


def test_pictures_are_stored_not_deflated_and_every_entry_is_dated(tmp_path: Path):
    project = _project(tmp_path)
    assert build_handbook(BuildOptions(target=project / "handbook.yaml", jobs=1)).built
    out = project / "build" / "handbook"
    for name, media in (("handbook.xlsx", "xl/media/"), ("handbook.docx", "word/media/")):
        with zipfile.ZipFile(out / name) as z:
            infos = z.infolist()
            pngs = [i for i in infos if i.filename.startswith(media) and i.filename.endswith(".png")]
            assert pngs, name
            assert all(i.compress_type == zipfile.ZIP_STORED for i in pngs), name
            assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in infos if i.filename.endswith(".xml")), name
            assert len({i.date_time for i in infos}) == 1, name
            assert z.testzip() is None


def test_statistics_charts_are_drawn_again_only_when_their_figures_or_files_change(tmp_path: Path, monkeypatch):
    project = _project(tmp_path)
    options = BuildOptions(target=project / "handbook.yaml", jobs=1, formats=["md"])
    assert build_handbook(options).built
    out = project / "build" / "handbook"
    import lianfang.board.charts as board_charts

    drawn = []
    original = board_charts.unit_pictures

    def recorded(rows):
        drawn.append(rows)
        return original(rows)

    monkeypatch.setattr(board_charts, "unit_pictures", recorded)
    unit = project / "units" / "ta.yaml"
    text = unit.read_text(encoding="utf-8")
    # a changed unit whose counts are the same: the figures are, so are the pictures
    unit.write_text(text.replace("新药引进由个人决定", "新药引进由个人一人决定"), encoding="utf-8")
    assert build_handbook(options).built
    assert drawn == []
    assert "](charts/statistics-levels.png)" in (out / "handbook.md").read_text(encoding="utf-8")
    # a picture edited (or lost) since: drawn again
    (out / pictures.FOLDER / "statistics-levels.png").write_bytes(b"not ours")
    unit.write_text(text, encoding="utf-8")
    assert build_handbook(options).built
    assert len(drawn) == 1
    assert (out / pictures.FOLDER / "statistics-levels.png").read_bytes()[:4] == b"\x89PNG"


def _document_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as z:
        return etree.tostring(etree.fromstring(z.read("word/document.xml")), method="c14n2")


def test_the_word_body_written_as_text_is_the_body_moved_element_by_element(monkeypatch):
    from tests.test_handbook_docx import _context

    when = datetime(2026, 1, 1, tzinfo=UTC)
    fast = docx_mod.render_docx(_context(), out_dir=ROOT, when=when)
    monkeypatch.setattr(docx_mod, "_spliced", lambda document, body: None)
    slow = docx_mod.render_docx(_context(), out_dir=ROOT, when=when)
    assert _document_xml(fast) == _document_xml(slow)
    assert b"<w:sectPr/>" not in _document_xml(fast) and docx_mod._BODY_MARK.encode() not in fast


def test_a_template_binding_a_body_prefix_elsewhere_is_still_filled(tmp_path: Path, monkeypatch):
    """The text shortcut needs the body's prefixes free on the template's root; otherwise the slow way."""
    import io

    import docx
    from tests.test_handbook_docx import _context

    document = docx.Document(io.BytesIO(docx_mod.default_template()))
    root = document.part.element
    # a root that binds a: to a namespace of its own (a made-up but valid template)
    tree = etree.fromstring(etree.tostring(root).replace(b"<w:document ", b'<w:document xmlns:a="urn:other" ', 1)) \
        if "a" not in root.nsmap else None
    if tree is None:
        pytest.skip("the shipped template already declares a:")
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx_mod.default_template())) as src, zipfile.ZipFile(buffer, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)
                         if item.filename == "word/document.xml" else src.read(item.filename))
    template = tmp_path / "handbook.docx"
    template.write_bytes(buffer.getvalue())
    moved = []
    original = docx_mod._move_body
    monkeypatch.setattr(docx_mod, "_move_body", lambda body: (moved.append(body), original(body)))
    data = docx_mod.render_docx(_context(), out_dir=ROOT, when=datetime(2026, 1, 1, tzinfo=UTC), template=template)
    body = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    texts = "".join(body.itertext())
    assert "第一部分" in texts and "第八部分" in texts
    assert len(moved) == 1


def test_the_formats_rendered_side_by_side_are_those_rendered_in_turn(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    serial = _project(tmp_path, "serial")
    parallel = _project(tmp_path, "parallel")
    assert build_handbook(BuildOptions(target=serial / "handbook.yaml", jobs=1)).built
    result = build_handbook(BuildOptions(target=parallel / "handbook.yaml", jobs=2))
    assert result.built and result.timings["write_docx"] > 0
    for name in ("handbook.md", "handbook.xlsx", "handbook.docx"):
        assert (serial / "build" / "handbook" / name).read_bytes() == (parallel / "build" / "handbook" / name).read_bytes()


def test_a_broken_template_stops_a_build_whose_word_handbook_is_rendered_aside(tmp_path: Path):
    from lianfang.handbook.build import BuildError

    project = _project(tmp_path)
    (project / "templates").mkdir(exist_ok=True)
    (project / "templates" / docx_mod.TEMPLATE_NAME).write_bytes(b"not a zip")
    with pytest.raises(BuildError, match="Word"):
        build_handbook(BuildOptions(target=project / "handbook.yaml", jobs=2, templates=project / "templates"))
    out = project / "build" / "handbook"
    assert not any((out / name).exists() for name in ("handbook.md", "handbook.xlsx", "handbook.docx"))
    assert not list(out.glob(".*.tmp"))


def test_the_word_handbook_staged_by_the_worker_is_moved_into_place_as_written_here(tmp_path: Path):
    import os
    import stat

    project = _project(tmp_path)
    result = build_handbook(BuildOptions(target=project / "handbook.yaml", jobs=2))
    out = project / "build" / "handbook"
    assert result.built and not list(out.glob(".*.tmp"))
    mode = lambda name: stat.S_IMODE((out / name).stat().st_mode)  # noqa: E731
    assert mode("handbook.docx") == mode("handbook.md") == 0o666 & ~_umask()
    os.chmod(out / "handbook.docx", 0o640)  # a mode the user chose is kept when it is rebuilt
    (project / "units" / "ta.yaml").write_text((project / "units" / "ta.yaml").read_text(encoding="utf-8")
                                               .replace("新药引进由个人决定", "新药引进由个人决定（改）"), encoding="utf-8")
    again = build_handbook(BuildOptions(target=project / "handbook.yaml", jobs=2))
    assert again.built and not again.unchanged and mode("handbook.docx") == 0o640
    assert "（改）".encode() in zipfile.ZipFile(out / "handbook.docx").read("word/document.xml")


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask


@pytest.mark.parametrize("device", [render.GD_PNG, render.CAIRO_PNG])
def test_pngs_drawn_in_one_run_are_those_drawn_alone(device):
    dot = render.find_dot()
    sources = [f'digraph "g{n}" {{ a{n} -> b{n} [label="{"长" * n}"] }}\n' for n in range(1, 5)]
    scales = [0.75, 1.0, 0.5, 0.83]
    pages = [render.raster(render._drawing("", s, dot), k, device) for s, k in zip(sources, scales, strict=True)]
    assert {r.device for r in pages} == {device}
    together = render.render_pngs(pages, dot)
    assert together == [render.draw_raster(r, dot) for r in pages]
    # charts laid out by lianfang (every position given) and by dot, each kind in runs of its own
    from lianfang.handbook import charts as handbook_charts
    from lianfang.io.reader import read_workbook

    wb = read_workbook(EXAMPLES / "units" / "chwsj.yaml").workbook
    jobs, _ = handbook_charts.plan([(wb, [], "chwsj.yaml")])
    pages = [r for j in jobs[:8] for r in render.png_pages(j.job, dot)]
    assert len({"layout=nop2" in r.source for r in pages}) == 2  # both kinds are there
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        drawn = render._batched_rasters(pool, [j.job for j in jobs[:8]], dot)
    assert set(drawn) == set(pages)
    assert all(drawn[r] == render.draw_raster(r, dot) for r in pages)
    # a run that fails gives nothing: each is then drawn alone and reports its own error
    bad = render.Raster("digraph { a -> }", "digraph { a -> }", "150.00", device)
    assert render.render_pngs([pages[0], bad], dot) is None
    unclosed = render.Raster("digraph { a } // no closing brace last", "digraph { a }", "150.00", device)
    assert render.render_pngs([pages[0], unclosed], dot) is None


def test_a_png_says_its_resolution():
    dot = render.find_dot()
    png = render.with_resolution(render.render("digraph { a }", ChartFormat.PNG, dot, 1.0), 200)
    assert render.png_dpi(png) == pytest.approx(200, abs=0.1)
    assert render.with_resolution(png, 100) == png  # one pHYs, the first given
    assert _reads_as_200_dpi(png)  # Pillow reads the chunk too


def _reads_as_200_dpi(png: bytes) -> bool:
    import io

    from PIL import Image

    with Image.open(io.BytesIO(png)) as im:
        im.load()
        return round(im.info["dpi"][0]) == 200


def test_pictures_stored_by_the_reproducible_zip():
    import io

    from lianfang.handbook.reproducible import ReproducibleZip, normalise_zip

    when = datetime(2026, 1, 1, tzinfo=UTC)
    buffer = io.BytesIO()
    with ReproducibleZip(buffer, when) as z:
        z.writestr("xl/media/image1.png", b"\x89PNG" + bytes(1000))
        z.writestr("docProps/core.xml", "<dcterms:modified>2030-05-05T00:00:00Z</dcterms:modified>")
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as z:
        assert z.getinfo("xl/media/image1.png").compress_type == zipfile.ZIP_STORED
        assert z.getinfo("docProps/core.xml").compress_type == zipfile.ZIP_DEFLATED
        assert z.read("docProps/core.xml") == b"<dcterms:modified>2026-01-01T00:00:00Z</dcterms:modified>"
        assert {i.date_time for i in z.infolist()} == {(2026, 1, 1, 0, 0, 0)}
    # normalise_zip (the diff workbook, the legacy examples) deflates everything, as it always did
    with zipfile.ZipFile(io.BytesIO(normalise_zip(buffer.getvalue(), when))) as z:
        assert {i.compress_type for i in z.infolist()} == {zipfile.ZIP_DEFLATED}
        assert z.read("docProps/core.xml") == b"<dcterms:modified>2026-01-01T00:00:00Z</dcterms:modified>"


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_broken_markdown_template_writes_nothing(tmp_path: Path, jobs: int):
    from lianfang.handbook.build import BuildError

    project = _project(tmp_path)
    templates = tmp_path / "mine"
    templates.mkdir()
    (templates / "cover.md.j2").write_text("{% if %}\n", encoding="utf-8")
    with pytest.raises(BuildError, match="cover.md.j2"):
        build_handbook(BuildOptions(target=project / "handbook.yaml", jobs=jobs, templates=templates))
    out = project / "build" / "handbook"
    assert not any((out / name).exists() for name in ("handbook.md", "handbook.xlsx", "handbook.docx"))
    assert not list(out.glob(".*.tmp"))  # the Word handbook the worker staged is gone too
