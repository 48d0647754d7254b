"""The plan cache: a unit that did not change is not laid out again (its charts' DOT sources come
from ``.lianfang-cache/plans/``), and what a build writes from cached plans is byte for byte what
a cold build of the same inputs writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import lianfang.flowchart as flowchart
from lianfang.handbook import charts as charts_mod
from lianfang.handbook.build import BuildOptions, build_handbook
from lianfang.handbook.cache import CACHE_DIR

FORMATS = ["md", "xlsx", "docx"]


@pytest.fixture
def laid_out(monkeypatch) -> list[str]:
    """The flows laid out by planning (``to_dot`` as ``plan_workbook`` calls it), from now on."""
    calls: list[str] = []
    original = flowchart.to_dot

    def counted(chart, font, *args, **kwargs):
        calls.append(chart.flow_id)
        return original(chart, font, *args, **kwargs)

    monkeypatch.setattr(flowchart, "to_dot", counted)
    return calls


def _build(project: Path, out: Path):
    result = build_handbook(BuildOptions(target=project / "handbook.yaml", output=out, formats=FORMATS, jobs=1))
    assert result.built
    return result


def _files(out: Path) -> dict[str, bytes]:
    """Every file a build wrote, by path (its caches left out)."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and CACHE_DIR not in p.parts and not p.name.startswith(".lianfang-cache")}


NAMES = {"ta": "测试甲医院", "tb": "测试乙中心"}


def _change(project: Path, unit: str) -> None:
    """A new unit name: the unit's bytes, model and charts (which show the unit) change."""
    path = project / "units" / f"{unit}.yaml"
    text = path.read_text(encoding="utf-8")
    changed = text.replace(f"name: {NAMES[unit]}", f"name: {NAMES[unit]}（改）", 1)
    assert changed != text
    path.write_text(changed, encoding="utf-8")


def test_an_unchanged_unit_is_not_laid_out_again(project: Path, tmp_path: Path, laid_out: list[str]):
    cold = _build(project, tmp_path / "out")
    assert len(laid_out) == cold.charts > 0 and cold.plan_hits == 0
    laid_out.clear()
    warm = _build(project, tmp_path / "out")
    assert laid_out == [] and warm.plan_hits == len(warm.units) == 2
    assert warm.charts == cold.charts and warm.chart_hits == warm.charts


def test_a_changed_unit_is_planned_again_and_only_it(project: Path, tmp_path: Path, laid_out: list[str]):
    cold = _build(project, tmp_path / "out")
    assert laid_out == ["F1"] and cold.charts == 1  # TA's one flow; TB has none
    laid_out.clear()
    _change(project, "tb")
    tb_changed = _build(project, tmp_path / "out")
    assert tb_changed.plan_hits == 1 and laid_out == []  # TA from the cache, TB planned (no chart)
    _change(project, "ta")
    ta_changed = _build(project, tmp_path / "out")
    assert ta_changed.plan_hits == 1 and laid_out == ["F1"]  # TB from the cache, TA laid out again
    # a changed unit's old plan is forgotten, the new one kept: one plan a unit
    assert len(list((tmp_path / "out" / CACHE_DIR / "plans").glob("*.json"))) == 2


def test_another_font_plans_every_unit_again(project: Path, tmp_path: Path, laid_out: list[str]):
    cold = _build(project, tmp_path / "out")
    laid_out.clear()
    config = project / "handbook.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "font: Noto Serif CJK SC\n", encoding="utf-8")
    again = _build(project, tmp_path / "out")
    assert again.plan_hits == 0 and len(laid_out) == cold.charts
    assert len(list((tmp_path / "out" / CACHE_DIR / "plans").glob("*.json"))) == 2  # the old font's are gone


def test_another_lianfang_plans_every_unit_again(project: Path, tmp_path: Path, laid_out: list[str], monkeypatch):
    cold = _build(project, tmp_path / "out")
    laid_out.clear()
    monkeypatch.setattr(charts_mod, "package_fingerprint", lambda: "another version of lianfang")
    again = _build(project, tmp_path / "out")
    assert again.plan_hits == 0 and len(laid_out) == cold.charts


def test_a_damaged_plan_is_made_again(project: Path, tmp_path: Path, laid_out: list[str]):
    cold = _build(project, tmp_path / "out")
    expected = _files(tmp_path / "out")
    for path in (tmp_path / "out" / CACHE_DIR / "plans").glob("*.json"):
        path.write_text('{"schema": 1, "sources": ["not", "a", "plan"]}', encoding="utf-8")
    shutil.rmtree(tmp_path / "out" / charts_mod.FOLDER)
    laid_out.clear()
    again = _build(project, tmp_path / "out")
    assert again.plan_hits == 0 and len(laid_out) == cold.charts
    assert _files(tmp_path / "out") == expected
    # an entry that lacks a chart: that chart is laid out, and the entry made whole again
    for path in (tmp_path / "out" / CACHE_DIR / "plans").glob("*.json"):
        path.write_text('{"schema": 1, "sources": {}}', encoding="utf-8")
    laid_out.clear()
    _build(project, tmp_path / "out")
    assert len(laid_out) == cold.charts
    laid_out.clear()
    _build(project, tmp_path / "out")
    assert laid_out == []


def test_builds_from_cached_plans_write_the_bytes_of_a_cold_build(project: Path, tmp_path: Path, laid_out: list[str]):
    """Warm (every file removed but the caches, so everything is written again from cached plans)
    and one unit changed: the same bytes as a cold build of the same inputs, charts included."""
    _build(project, tmp_path / "warm")
    cold = _files(tmp_path / "warm")
    for path in (tmp_path / "warm").iterdir():
        if path.name != CACHE_DIR:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    laid_out.clear()
    warm = _build(project, tmp_path / "warm")
    assert laid_out == [] and warm.plan_hits == 2 and warm.chart_hits == 0
    assert _files(tmp_path / "warm") == cold

    _build(project, tmp_path / "one")
    _change(project, "ta")
    one = _build(project, tmp_path / "one")
    assert one.plan_hits == 1
    _build(project, tmp_path / "fresh")
    assert _files(tmp_path / "one") == _files(tmp_path / "fresh")


def test_reading_workers_lay_out_the_charts_byte_for_byte(tmp_path: Path, laid_out: list[str], monkeypatch):
    """The DOT sources the reading workers make (spawned processes: ``laid_out`` does not see
    them) are the bytes planning in the build's own process makes, in English too, and a build
    takes them instead of laying the charts out again."""
    from tests.conftest import EXAMPLES

    from lianfang.config import build_settings
    from lianfang.handbook.build import ChartPlanning, Reporter, load_target, read_units

    paths = load_target(EXAMPLES / "handbook.yaml").unit_files()
    settings = build_settings(start=EXAMPLES)
    for lang in ("zh", "en"):
        monkeypatch.setenv("LIANFANG_LANG", lang)
        units = read_units(paths, settings, None, 2, Reporter(), ChartPlanning("Noto Serif CJK SC"))
        assert laid_out == [] and all(u.chart_sources and u.plan_seconds > 0 for u in units)
        given = [(u.workbook, u.findings, u.display) for u in units]
        fresh = charts_mod.plan(given, "Noto Serif CJK SC", fresh=[u.chart_sources for u in units])
        assert laid_out == []  # every chart from the workers
        here = charts_mod.plan(given, "Noto Serif CJK SC")
        assert len(laid_out) == len(here[0]) > 10
        laid_out.clear()
        assert [(j.unit, j.flow_id, j.job.name, j.job.source) for j in fresh[0]] \
            == [(j.unit, j.flow_id, j.job.name, j.job.source) for j in here[0]]
        assert fresh[1] == here[1]
    assert read_units(paths, settings, None, 2, Reporter())[0].chart_sources is None  # status, publish: not asked


def test_a_parallel_build_takes_the_workers_plans(project: Path, tmp_path: Path):
    """--jobs 2 (planned in the reading workers) and --jobs 1 write the same files and the same plans."""
    serial = build_handbook(BuildOptions(target=project / "handbook.yaml", output=tmp_path / "serial", formats=FORMATS, jobs=1))
    parallel = build_handbook(BuildOptions(target=project / "handbook.yaml", output=tmp_path / "parallel", formats=FORMATS,
                                           jobs=2))
    assert serial.charts == parallel.charts == 1 and parallel.timings["plan_workers"] > 0
    assert _files(tmp_path / "serial") == _files(tmp_path / "parallel")
    plans = [{p.name: p.read_bytes() for p in (tmp_path / out / CACHE_DIR / "plans").glob("*.json")} for out in ("serial", "parallel")]
    assert plans[0] == plans[1] and len(plans[0]) == 2
