"""How ``dot`` is run for chart files: PNGs through gd's writer (and its colours put right), and
the first SVGs of many charts drawn several to a run, byte for byte as drawn alone."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PIL import Image

from lianfang import palette
from lianfang.flowchart import render
from lianfang.flowchart.render import CAIRO_PNG, GD_PNG, ChartFormat, Job, Status, render_all
from lianfang.handbook import charts as handbook_charts
from lianfang.io.reader import read_workbook

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "units"
sys.path.insert(0, str(ROOT / "bench"))


@pytest.fixture(scope="module")
def dot() -> str:
    found = render.find_dot()
    if found is None:
        pytest.fail("Graphviz's dot is not installed: run `make setup` (or apt-get install graphviz)")
    return found


@pytest.fixture(scope="module")
def example_jobs() -> list[Job]:
    jobs: list[Job] = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        planned, _ = handbook_charts.plan([(read_workbook(path).workbook, [], path.name)])
        jobs += [j.job for j in planned]
    return jobs


def _bench_jobs(units: int) -> list[Job]:
    """The charts of the handbook benchmark's generated units (internal charts of 6 lanes)."""
    import random
    import tempfile

    from bench_handbook import unit_yaml

    rnd = random.Random(5)
    jobs: list[Job] = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(1, units + 1):
            path = Path(tmp) / f"u{n:03d}.yaml"
            path.write_text(unit_yaml(n, rnd), encoding="utf-8")
            planned, _ = handbook_charts.plan([(read_workbook(path).workbook, [], path.name)])
            jobs += [j.job for j in planned]
    return jobs


def _chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    out, at = [], 8
    while at < len(png):
        length, kind = struct.unpack(">I4s", png[at:at + 8])
        body = png[at + 8:at + 8 + length]
        (crc,) = struct.unpack(">I", png[at + 8 + length:at + 12 + length])
        assert crc == zlib.crc32(kind + body), kind
        out.append((kind, body))
        at += 12 + length
    return out


def _fake_dot_without_gd(folder: Path, real: str) -> str:
    """A ``dot`` like Graphviz builds without the gd plugin: ``-Tpng:cairo:gd`` is refused."""
    fake = folder / "dot-without-gd"
    fake.write_text(f'#!/bin/sh\ncase "$*" in *png:cairo:gd*) echo "Format: \\"png:cairo:gd\\" not recognized" >&2; exit 1;; esac\n'
                    f'exec "{real}" "$@"\n', encoding="utf-8")
    fake.chmod(0o755)
    return str(fake)


# -- the device ----------------------------------------------------------------------------------

def test_pngs_go_through_gd_when_graphviz_has_it_and_cairo_otherwise(dot, tmp_path):
    assert render.png_device(dot) == GD_PNG  # Debian's graphviz has the gd plugin
    assert render.png_device(dot) == GD_PNG  # asked once: remembered
    without = _fake_dot_without_gd(tmp_path, dot)
    assert render.png_device(without) == CAIRO_PNG
    assert render.png_device(str(tmp_path / "no-such-dot")) == CAIRO_PNG  # cannot even start: plain png

    source = 'digraph { a -> b [label="同意"] }\n'
    gd = render.render(source, ChartFormat.PNG, dot)
    cairo = render.render(source, ChartFormat.PNG, without)
    assert gd[25] == 3 and cairo[25] in (2, 6)  # an 8-bit palette PNG; cairo's own: RGB(A)
    with Image.open(io.BytesIO(gd)) as a, Image.open(io.BytesIO(cairo)) as b:
        assert a.size == b.size


def test_a_changed_device_draws_the_pngs_again(dot, tmp_path, example_jobs):
    jobs = example_jobs[:2]
    without = _fake_dot_without_gd(tmp_path, dot)
    out = tmp_path / "charts"
    first = render_all(jobs, out, ChartFormat.PNG, "x", dot=without)
    assert {o.status for o in first} == {Status.WRITTEN}
    assert all((out / j.name).read_bytes()[25] in (2, 6) for j in jobs)
    # the same Graphviz (dot -V), now with gd's writer: the cache key differs, so drawn again
    again = render_all(jobs, out, ChartFormat.PNG, "x", dot=dot)
    assert {o.status for o in again} == {Status.WRITTEN}
    assert all((out / j.name).read_bytes()[25] == 3 for j in jobs)
    assert {o.status for o in render_all(jobs, out, ChartFormat.PNG, "x", dot=dot)} == {Status.UNCHANGED}
    assert render.cache_key("s", ChartFormat.PNG, "f", "v\0-Tpng") != render.cache_key("s", ChartFormat.PNG, "f", f"v\0-T{GD_PNG}")


# -- the palette and the resolution --------------------------------------------------------------

def _palette_png(colours: list[tuple[int, int, int]], phys_dpi: float | None = 96) -> bytes:
    """A 2 × len(colours) palette PNG, one row per colour, the way gd writes it (PLTE, pHYs, IDAT)."""
    im = Image.new("P", (2, len(colours)))
    im.putpalette([c for rgb in colours for c in rgb])
    im.putdata([i for i in range(len(colours)) for _ in range(2)])
    buf = io.BytesIO()
    im.save(buf, "PNG", **({"dpi": (phys_dpi, phys_dpi)} if phys_dpi else {}))
    return buf.getvalue()


def test_the_palette_gets_the_charts_own_colours_and_nothing_else_changes():
    gd_white, gd_high, gd_ink, grey = (252, 254, 252), (236, 162, 164), (124, 2, 4), (140, 140, 140)
    lane = (244, 246, 244)
    png = _palette_png([gd_white, gd_high, gd_ink, grey, lane, (4, 2, 4)])
    fixed = render._print_palette(png)
    chunks = dict(_chunks(fixed))  # every CRC checked
    plte = chunks[b"PLTE"]
    entries = [tuple(plte[i:i + 3]) for i in range(0, len(plte), 3)]
    rgb = [tuple(bytes.fromhex(c)) for c in (palette.LEVEL_FILL["高"], palette.LEVEL_INK["高"], palette.LANE_FILL)]
    assert entries[:6] == [(255, 255, 255), rgb[0], rgb[1], grey, rgb[2], (0, 0, 0)]
    assert b"pHYs" not in chunks  # gd's 96 dpi is not the drawing's
    assert [b for k, b in _chunks(fixed) if k == b"IDAT"] == [b for k, b in _chunks(png) if k == b"IDAT"]
    with Image.open(io.BytesIO(fixed)) as im:
        im.load()
        assert im.convert("RGB").getpixel((1, 0)) == (255, 255, 255)
        assert im.convert("RGB").getpixel((0, 3)) == grey  # no colour of the charts' near: as it was


def test_only_entries_within_a_few_steps_snap():
    near, far = (255 - render.SNAP, 255, 255 - render.SNAP), (255 - render.SNAP - 1, 255, 255)
    entries = [tuple(e) for e in _plte(render._print_palette(_palette_png([near, far])))][:2]
    assert entries == [(255, 255, 255), far]
    # not a PNG, or one without a palette: left as it is
    assert render._print_palette(b"not a png") == b"not a png"


def _plte(png: bytes) -> list[bytes]:
    body = dict(_chunks(png))[b"PLTE"]
    return [body[i:i + 3] for i in range(0, len(body), 3)]


def test_a_palette_png_says_its_resolution_before_its_image_data(dot):
    png = render.with_resolution(render.render("digraph { a }", ChartFormat.PNG, dot), 200)
    kinds = [k for k, _ in _chunks(png)]
    assert png[25] == 3 and kinds.count(b"pHYs") == 1 and kinds.index(b"pHYs") < kinds.index(b"IDAT")
    assert render.png_dpi(png) == pytest.approx(200, abs=0.1)
    with Image.open(io.BytesIO(png)) as im:
        im.load()
        assert im.info["dpi"] == pytest.approx((200, 200), abs=0.1)


# -- the pixels ----------------------------------------------------------------------------------

def test_gd_pngs_have_white_edges_and_the_size_cairo_gives(dot, tmp_path, example_jobs):
    """dot rounds the canvas to whole pixels; a part-painted last column or row would come out of
    gd as a grey line (cairo's premultiplied colours taken as they are): the canvas is made whole."""
    without = _fake_dot_without_gd(tmp_path, dot)
    for job in example_jobs[::4]:
        for d, r in zip(render.drawings(job, dot), render.png_pages(job, dot), strict=True):
            assert r.device == GD_PNG and r.size is not None
            png = render.draw_raster(r, dot)
            cairo = render.render(d.source, ChartFormat.PNG, without, float(r.dpi) / int(render.PNG_DPI))
            with Image.open(io.BytesIO(png)) as a, Image.open(io.BytesIO(cairo)) as b:
                assert a.mode == "P" and a.size == b.size == r.size, job.name
                rgb = a.convert("RGB")
                w, h = rgb.size
                edges = {rgb.getpixel((w - 1, y)) for y in range(h)} | {rgb.getpixel((x, h - 1)) for x in range(w)}
                assert edges == {(255, 255, 255)}, job.name


def test_a_png_of_an_unexpected_size_is_drawn_by_cairo(dot, example_jobs):
    (r, *_) = render.png_pages(example_jobs[0], dot)
    wrong = render.Raster(r.source, r.page, r.dpi, r.device, (r.size[0] + 1, r.size[1]))
    png = render.draw_raster(wrong, dot)
    assert png[25] in (2, 6)  # cairo's own PNG (RGB or RGBA)
    assert render.render_pngs([r, wrong], dot) == [render.draw_raster(r, dot), None]


def test_the_same_chart_gives_the_same_png_bytes_in_every_process(dot, example_jobs):
    job = next(j for j in example_jobs if j.chart is not None and j.chart.risks and "internal" in j.name)
    (r,) = render.png_pages(job, dot)[:1]
    once, twice = render.draw_raster(r, dot), render.draw_raster(r, dot)
    code = ("import sys; from lianfang.flowchart import render; "
            "r = render.Raster(*sys.stdin.read().split('\\0')[:3], render.GD_PNG, None); "
            "sys.stdout.buffer.write(render.render(r.source, render.ChartFormat.PNG, sys.argv[1], float(r.dpi) / 200))")
    elsewhere = subprocess.run([sys.executable, "-c", code, dot], input="\0".join((r.source, r.page, r.dpi)).encode(),
                               capture_output=True, check=True).stdout
    assert once == twice == elsewhere


# -- SVGs in batches -----------------------------------------------------------------------------

def _first_sources(jobs: list[Job]) -> list[str]:
    return list(dict.fromkeys(s for job in jobs for s in render.first_sources(job)))


@pytest.mark.parametrize("which", ["examples", "bench"])
def test_svgs_drawn_in_one_run_are_those_drawn_alone(dot, example_jobs, which):
    jobs = example_jobs if which == "examples" else _bench_jobs(3)
    jobs = [Job(j.name, j.source, j.chart, j.font, j.page, table=True) for j in jobs]  # risk tables too
    sources = _first_sources(jobs)
    batches = render._batches(sources, render.SVG_BATCH)
    assert {render._kind(b[0]) for b in batches} == {"nop2", "dot"}  # both kinds are there, apart
    assert all(len({render._kind(s) for s in b}) == 1 for b in batches)
    with ThreadPoolExecutor(2) as pool:
        together = list(pool.map(lambda b: render.render_svgs(b, dot), batches))
        alone = list(pool.map(lambda s: render.render(s, ChartFormat.SVG, dot), [s for b in batches for s in b]))
    assert all(t is not None for t in together)
    assert [svg for batch in together for svg in batch] == alone


def test_a_run_of_svgs_that_fails_gives_nothing(dot):
    good = 'digraph "g" { a -> b }\n'
    assert render.render_svgs([good, 'digraph "h" { a -> }\n'], dot) is None
    assert render.render_svgs([good, 'digraph "h" { a } // no closing brace last'], dot) is None
    assert render.render_svgs([good, "digraph { a }\n"], dot) is None  # anonymous: its name is its place in the run
    assert render.render_svgs([good, good], dot) == [render.render(good, ChartFormat.SVG, dot)] * 2


def test_clusters_are_written_in_the_order_of_their_numbers():
    def cluster(n: int) -> bytes:
        return (f'<g id="clust{n}" class="cluster">\n<title>cluster_lane{n}</title>\n<g id="a_clust{n}"><a xlink:title="泳道：{n}">\n'
                f'<polygon fill="#f7f7f7" points="0,0"/>\n<text>&lt;/g&gt;</text>\n</a>\n</g>\n</g>').encode()

    head = b'<svg>\n<g id="page0,1_graph0" class="graph" transform="x">\n<title>g</title>\n<g id="a_page0,1_graph0"><a xlink:title="t">\n</a>\n</g>'
    tail = b'<g id="node1" class="node">\n<title>s1</title>\n</g>\n</g>\n</svg>\n'
    shuffled = b"\n".join([head, cluster(2), cluster(3), cluster(1), tail])
    alone = b"\n".join([head, cluster(1), cluster(2), cluster(3), tail]).replace(b"page0,1_", b"")
    assert render._as_alone(shuffled) == alone
    assert render._clusters_in_order(alone) == alone
    cut = b"\n".join([head, cluster(2), b'<g id="clust1" class="cluster">\n<title>x</title>'])
    assert render._clusters_in_order(cut) == cut  # not the shape dot writes: left alone


def test_render_all_draws_the_first_svgs_in_batches_and_writes_the_same_files(dot, tmp_path, example_jobs, monkeypatch):
    jobs = example_jobs[:12]
    render._DRAWN.clear()
    batches: list[int] = []
    original = render.render_svgs

    def counted(sources, dot_):
        batches.append(len(sources))
        return original(sources, dot_)

    monkeypatch.setattr(render, "render_svgs", counted)
    render_all(jobs, tmp_path / "batched", ChartFormat.SVG, "x", dot=dot)
    assert batches and sum(batches) >= len(jobs) - 2
    render._DRAWN.clear()
    for job in jobs:  # one at a time, as before batches
        render_all([job], tmp_path / "one", ChartFormat.SVG, "x", dot=dot)
    names = sorted(p.name for p in (tmp_path / "one").glob("*.svg"))
    assert names == sorted(p.name for p in (tmp_path / "batched").glob("*.svg")) and len(names) >= len(jobs)
    assert all((tmp_path / "one" / n).read_bytes() == (tmp_path / "batched" / n).read_bytes() for n in names)


def test_nothing_is_batched_for_one_job(dot, tmp_path, example_jobs, monkeypatch):
    monkeypatch.setattr(render, "render_svgs", lambda *a: pytest.fail("batched a single job"))
    render._DRAWN.clear()
    (outcome,) = render_all(example_jobs[:1], tmp_path, ChartFormat.SVG, "x", dot=dot)
    assert outcome.status is Status.WRITTEN


def test_graphs_dot_lays_out_with_several_clusters_are_drawn_alone(dot):
    """A run could order their clusters otherwise, and the order is part of dot's layout."""
    plain = [Job(f"p{n}.svg", f'digraph "p{n}" {{ a -> b{n} }}\n') for n in range(2)]
    clustered = [Job(f"c{n}.svg", f'digraph "c{n}" {{\n\tsubgraph cluster_a {{ a{n} }}\n\tsubgraph cluster_b {{ b }}\n\ta{n} -> b\n}}\n')
                 for n in range(2)]
    render._DRAWN.clear()
    with ThreadPoolExecutor(2) as pool:
        drawn = render._batched_drawings(pool, plain + clustered, dot)
    assert set(drawn) == {j.source for j in plain}
    assert drawn[plain[1].source] == render.render(plain[1].source, ChartFormat.SVG, dot)
