"""The handbook's statistics part carries charts of its own figures, in every format."""

from __future__ import annotations

import errno
import pathlib
import time
import zipfile
from pathlib import Path

import pytest
from tests.conftest import EXAMPLES

from lianfang.handbook.build import BuildOptions, build_handbook


def test_statistics_charts_in_markdown_excel_and_word(tmp_path: Path):
    out = tmp_path / "out"
    result = build_handbook(BuildOptions(target=EXAMPLES / "handbook.yaml", output=out, formats=["md", "xlsx", "docx"]))
    assert result.built
    names = ["levels", "categories", "rates"]
    for name in names:
        assert (out / "charts" / f"statistics-{name}.png").read_bytes()[:4] == b"\x89PNG"
        svg = (out / "charts" / f"statistics-{name}.svg").read_text(encoding="utf-8")
        assert svg.startswith("<svg") and "<script" not in svg
    md = (out / "handbook.md").read_text(encoding="utf-8")
    assert all(f"](charts/statistics-{n}.png)" in md for n in names)
    from openpyxl import load_workbook

    assert "统计图" in load_workbook(out / "handbook.xlsx").sheetnames
    with zipfile.ZipFile(out / "handbook.xlsx") as z:
        assert len([n for n in z.namelist() if n.startswith("xl/media/")]) >= 3
    with zipfile.ZipFile(out / "handbook.docx") as z:
        document = z.read("word/document.xml").decode("utf-8")
    assert all(f'descr="{t}"' in document for t in ("各单位风险点（按等级）", "各单位风险点（按类别）", "覆盖率与措施落实率"))


def test_charts_count_what_the_tables_count(tmp_path: Path):
    from lianfang.board.charts import UnitFigures
    from lianfang.handbook import pictures

    seen: list[list[UnitFigures]] = []

    def record(rows):
        seen.append(rows)
        return []

    import lianfang.board.charts as charts

    original = charts.unit_pictures
    charts.unit_pictures = record
    try:
        # one job: drawn in this process, where ``record`` stands in for the drawing
        build_handbook(BuildOptions(target=EXAMPLES / "handbook.yaml", output=tmp_path / "out", formats=["md"], jobs=1))
    finally:
        charts.unit_pictures = original
    (rows,) = seen
    by_name = {r.label: r for r in rows}
    assert by_name["巢湖市疾病预防控制中心"].levels == {"高": 11, "中": 16, "低": 5}
    assert sum(by_name["巢湖市卫生局"].categories.values()) == 42
    assert by_name["巢湖市疾病预防控制中心"].coverage == 1.0
    assert pictures.files()[0] == "charts/statistics-levels.svg"


def test_charts_drawn_aside_are_the_charts_drawn_in_the_build(tmp_path: Path):
    """With two jobs the statistics' charts are drawn in a worker process while the flowcharts are
    drawn: the same files (and the same record of them) as drawn in the build's own process."""
    from lianfang.handbook import pictures
    from lianfang.handbook.cache import CACHE_DIR

    for jobs in (1, 2):
        result = build_handbook(BuildOptions(target=EXAMPLES / "handbook.yaml", output=tmp_path / f"j{jobs}", formats=["md"],
                                             jobs=jobs))
        assert result.built and result.timings["write_statistics"] >= 0
    for name in [*pictures.files(), f"{CACHE_DIR}/{pictures.CACHE_NAME}"]:
        assert (tmp_path / "j1" / name).read_bytes() == (tmp_path / "j2" / name).read_bytes(), name


def test_the_drawing_starts_a_worker_only_for_pictures_not_kept(tmp_path: Path):
    from lianfang.config import build_settings
    from lianfang.handbook import pictures
    from lianfang.handbook.build import Reporter, load_target, read_units
    from lianfang.handbook.context import unit_statistics

    paths = load_target(EXAMPLES / "handbook.yaml").unit_files()
    units = read_units(paths, build_settings(start=EXAMPLES), None, 1, Reporter())
    stats = unit_statistics([u.workbook for u in units])
    out = tmp_path / "out"
    drawing = pictures.StatisticsDrawing(stats, out, jobs=2)
    assert drawing._future is not None  # drawing aside: nothing written until taken
    assert not (out / pictures.FOLDER).exists()
    workers = list(drawing._pool._processes.values())
    drawn = drawing.pictures(stats)
    assert [p.png for p in drawn] == [f"charts/statistics-{n}.png" for n in pictures.NAMES]
    assert drawing._pool is None and workers  # the worker was told to end once the pictures were taken
    # the executor's own thread joins the worker too: a join here can lose the race to reap it and
    # see no exit code for a moment, so wait until the exit code is known
    deadline = time.monotonic() + 30
    for worker in workers:
        while worker.exitcode is None and time.monotonic() < deadline:
            worker.join(timeout=0.1)
        assert worker.exitcode == 0
    again = pictures.StatisticsDrawing(stats, out, jobs=2)
    assert again._pool is None and again.pictures(stats) == drawn  # kept from the last build: no worker
    # figures other than those started with (never so in a build) are drawn there and then
    other = unit_statistics([u.workbook for u in units[:1]])
    started = pictures.StatisticsDrawing(stats, tmp_path / "other", jobs=2)
    assert [p.title for p in started.pictures(other)] == [p.title for p in drawn]
    assert started._pool is None
    assert pictures.figures(other) != pictures.figures(stats)


def test_the_early_statistics_are_the_handbooks(tmp_path: Path):
    """The figures the build starts drawing from right after reading are those of the handbook's
    statistics part (which ``build_context`` makes later from the whole view)."""
    from lianfang.config import build_settings
    from lianfang.handbook import pictures
    from lianfang.handbook.build import Reporter, load_target, read_units
    from lianfang.handbook.context import UnitInput, build_context, unit_statistics

    paths = load_target(EXAMPLES / "handbook.yaml").unit_files()
    units = read_units(paths, build_settings(start=EXAMPLES), None, 1, Reporter())
    wbs = [u.workbook for u in units]
    ctx = build_context([UnitInput(workbook=wb, path=u.display) for wb, u in zip(wbs, units, strict=True)],
                        title=None, organisation=None, year=None)
    assert unit_statistics(wbs) == ctx.statistics
    assert pictures.figures(unit_statistics(wbs)) == pictures.figures(ctx.statistics)


def test_pictures_drawn_aside_that_cannot_be_written_stop_the_build(tmp_path: Path, monkeypatch):
    """The worker only draws; the build writes, so a full disk is the build's error (exit 2) as
    when it drew them itself."""
    from lianfang.handbook.build import BuildError

    def full(original):
        def write(self, data, *args, **kwargs):
            if self.name.startswith(".statistics-"):  # the temporary file of a picture
                raise OSError(errno.ENOSPC, "No space left on device")
            return original(self, data, *args, **kwargs)
        return write

    monkeypatch.setattr(pathlib.Path, "write_bytes", full(pathlib.Path.write_bytes))
    monkeypatch.setattr(pathlib.Path, "write_text", full(pathlib.Path.write_text))
    with pytest.raises(BuildError, match="No space left"):
        build_handbook(BuildOptions(target=EXAMPLES / "handbook.yaml", output=tmp_path / "out", formats=["md"], jobs=2))
    assert not (tmp_path / "out" / "handbook.md").exists()


def test_a_worker_that_dies_leaves_the_drawing_to_the_build(tmp_path: Path):
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    from lianfang.config import build_settings
    from lianfang.handbook import pictures
    from lianfang.handbook.build import Reporter, load_target, read_units
    from lianfang.handbook.context import unit_statistics

    units = read_units(load_target(EXAMPLES / "handbook.yaml").unit_files(), build_settings(start=EXAMPLES), None, 1,
                       Reporter())
    stats = unit_statistics([u.workbook for u in units])
    drawing = pictures.StatisticsDrawing(stats, tmp_path / "out", jobs=2)
    drawing.close(wait=True)
    broken: Future = Future()
    broken.set_exception(BrokenProcessPool("killed"))
    drawing._future = broken
    assert [p.png for p in drawing.pictures(stats)] == [f"charts/statistics-{n}.png" for n in pictures.NAMES]
    assert (tmp_path / "out" / "charts" / "statistics-rates.png").read_bytes()[:4] == b"\x89PNG"
