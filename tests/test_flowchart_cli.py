"""``lianfang flowchart`` on the command line: files, formats, selection, the cache, refusals, Graphviz missing."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from defusedxml import ElementTree

from lianfang.flowchart import to_dot
from lianfang.flowchart.graph import build_chart
from lianfang.flowchart.render import CACHE_NAME
from lianfang.io.reader import read_workbook

FIXTURE = Path(__file__).parent / "fixtures" / "flowchart" / "unit.yaml"
INTERNAL = "CSWSJ_LC-01_internal"
EXTERNAL = "CSWSJ_LC-02_external"
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def _require_dot():
    """Graphviz is part of the setup (make setup installs it): its absence is a failure, not a skip."""
    if shutil.which("dot") is None:
        pytest.fail("Graphviz's dot is not installed: run `make setup` (or apt-get install graphviz)")


@pytest.fixture
def work(tmp_path, monkeypatch) -> Path:
    """A working folder holding units/cswsj.yaml; the current folder."""
    (tmp_path / "units").mkdir()
    shutil.copy(FIXTURE, tmp_path / "units" / "cswsj.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(runner, app, *args: str):
    result = runner.invoke(app, ["flowchart", *args])
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def charts(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


# -- files and formats ----------------------------------------------------------------------------

def test_every_flow_one_svg_named_after_unit_flow_and_kind(runner, app, work):
    result = run(runner, app, "units/cswsj.yaml")
    assert result.exit_code == 0, result.output
    assert charts(work / "flowcharts") == [f"{INTERNAL}.svg", f"{EXTERNAL}.svg"]
    assert result.stdout.splitlines() == [f"flowcharts/{INTERNAL}.svg", f"flowcharts/{EXTERNAL}.svg"]
    assert "新生成 2 张，未变化 0 张，未绘制 0 个流程" in result.stderr


def test_svg_is_xml_with_the_chinese_step_names(runner, app, work):
    run(runner, app, "units/cswsj.yaml")
    root = ElementTree.fromstring((work / "flowcharts" / f"{INTERNAL}.svg").read_bytes())
    text = {"".join(t.itertext()) for t in root.iter(f"{SVG_NS}text")}
    assert {"窗口受理", "材料审查", "局长审批", "制证送达", "政务窗口", "需补正"} <= text
    ext = ElementTree.fromstring((work / "flowcharts" / f"{EXTERNAL}.svg").read_bytes())
    assert "办事指南" in {"".join(t.itertext()) for t in ext.iter(f"{SVG_NS}text")}


def test_png_and_pdf(runner, app, work):
    assert run(runner, app, "units", "--format", "png").exit_code == 0
    assert run(runner, app, "units", "--format", "PDF").exit_code == 0
    out = work / "flowcharts"
    assert (out / f"{INTERNAL}.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert (out / f"{EXTERNAL}.pdf").read_bytes().startswith(b"%PDF")


def test_dot_format_writes_the_dot_source(runner, app, work):
    assert run(runner, app, "units", "--format", "dot").exit_code == 0
    wb = read_workbook(FIXTURE).workbook
    expected = to_dot(build_chart(wb, wb.flows_by_id["LC-01"]))
    assert (work / "flowcharts" / f"{INTERNAL}.dot").read_text(encoding="utf-8") == expected


def test_output_folder_and_font(runner, app, work):
    assert run(runner, app, "units", "-o", "图/流程", "--format", "dot", "--font", "Source Han Sans SC").exit_code == 0
    assert charts(work / "图" / "流程") == [f"{INTERNAL}.dot", f"{EXTERNAL}.dot"]
    assert 'fontname="Source Han Sans SC"' in (work / "图" / "流程" / f"{INTERNAL}.dot").read_text(encoding="utf-8")


def test_bad_format_and_font_stop_with_2(runner, app, work):
    result = run(runner, app, "units", "--format", "jpeg")
    assert result.exit_code == 2 and "jpeg" in result.stderr
    result = run(runner, app, "units", "--font", 'x"] evil')
    assert result.exit_code == 2 and "--font" in result.stderr
    assert not (work / "flowcharts").exists()


# -- selection --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "expected"), [
    (["--internal"], [f"{INTERNAL}.dot"]),
    (["--external"], [f"{EXTERNAL}.dot"]),
    (["--internal", "--external"], [f"{INTERNAL}.dot", f"{EXTERNAL}.dot"]),
    (["--flow", "LC-02"], [f"{EXTERNAL}.dot"]),
    (["--flow", "CSWSJ:LC-01"], [f"{INTERNAL}.dot"]),
    (["--flow", "LC-01", "--flow", "LC-02"], [f"{INTERNAL}.dot", f"{EXTERNAL}.dot"]),
    (["--flow", "LC-02", "--internal"], []),
])
def test_kind_and_flow_selection(runner, app, work, args, expected):
    result = run(runner, app, "units", "--format", "dot", *args)
    if expected:
        assert result.exit_code == 0, result.output
        assert charts(work / "flowcharts") == expected
    else:  # LC-02 is external: nothing matches
        assert result.exit_code == 2 and "LC-02" in result.stderr


def test_unknown_flow_stops_before_drawing(runner, app, work):
    result = run(runner, app, "units", "--flow", "LC-01", "--flow", "LC-99")
    assert result.exit_code == 2 and "没有找到流程：LC-99" in result.stderr
    assert not (work / "flowcharts").exists()


# -- the cache and existing files -----------------------------------------------------------------

def test_second_run_renders_nothing(runner, app, work):
    run(runner, app, "units")
    out = work / "flowcharts"
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    result = run(runner, app, "units")
    assert result.exit_code == 0 and result.stdout == ""
    assert "新生成 0 张，未变化 2 张" in result.stderr
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before
    cache = json.loads((out / CACHE_NAME).read_text(encoding="utf-8"))
    assert sorted(cache["files"]) == [f"{INTERNAL}.svg", f"{EXTERNAL}.svg"]


def test_a_changed_flow_is_drawn_again_and_only_it(runner, app, work):
    run(runner, app, "units")
    path = work / "units" / "cswsj.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("局长审批", "局长签批"), encoding="utf-8")
    result = run(runner, app, "units")
    assert result.exit_code == 0 and result.stdout.splitlines() == [f"flowcharts/{INTERNAL}.svg"]
    assert "局长签批" in (work / "flowcharts" / f"{INTERNAL}.svg").read_text(encoding="utf-8")


def test_another_font_or_format_is_another_rendering(runner, app, work):
    run(runner, app, "units")
    assert run(runner, app, "units", "--font", "Noto Serif CJK SC").stdout.count(".svg") == 2
    assert run(runner, app, "units", "--format", "png").stdout.count(".png") == 2
    assert charts(work / "flowcharts") == sorted(f"{n}.{x}" for n in (INTERNAL, EXTERNAL) for x in ("png", "svg"))


def test_a_file_lianfang_did_not_write_is_kept_without_force(runner, app, work):
    out = work / "flowcharts"
    out.mkdir()
    (out / f"{INTERNAL}.svg").write_text("我自己画的图", encoding="utf-8")
    result = run(runner, app, "units")
    assert result.exit_code == 2
    assert "不是 lianfang 生成的" in result.stderr and "--force" in result.stderr
    assert (out / f"{INTERNAL}.svg").read_text(encoding="utf-8") == "我自己画的图"
    assert (out / f"{EXTERNAL}.svg").exists()  # the other chart is drawn
    result = run(runner, app, "units", "--force")
    assert result.exit_code == 0 and (out / f"{INTERNAL}.svg").read_bytes().startswith(b"<?xml")


def test_a_chart_edited_after_drawing_is_not_ours_any_more(runner, app, work):
    run(runner, app, "units")
    path = work / "flowcharts" / f"{EXTERNAL}.svg"
    path.write_bytes(path.read_bytes().replace("办事指南".encode(), "办事须知".encode()))
    assert run(runner, app, "units").exit_code == 2
    assert "办事须知".encode() in path.read_bytes()
    assert run(runner, app, "units", "--force").exit_code == 0
    assert "办事指南".encode() in path.read_bytes()


def test_a_link_in_the_way_is_replaced_not_written_through(runner, app, work):
    target = work / "elsewhere.svg"
    target.write_text("keep me", encoding="utf-8")
    out = work / "flowcharts"
    out.mkdir()
    (out / f"{INTERNAL}.svg").symlink_to(target)
    assert run(runner, app, "units").exit_code == 2
    assert run(runner, app, "units", "--force").exit_code == 0
    assert target.read_text(encoding="utf-8") == "keep me"
    assert not (out / f"{INTERNAL}.svg").is_symlink()


def test_a_lost_cache_heals_when_the_files_are_what_lianfang_would_write(runner, app, work):
    run(runner, app, "units")
    out = work / "flowcharts"
    (out / CACHE_NAME).write_text("{not json", encoding="utf-8")
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("*.svg")}
    result = run(runner, app, "units")
    assert result.exit_code == 0 and result.stdout == "" and "未变化 2 张" in result.stderr
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.svg")} == before  # adopted, not rewritten
    assert sorted(json.loads((out / CACHE_NAME).read_text(encoding="utf-8"))["files"]) == sorted(before)


def test_a_lost_cache_does_not_make_a_stale_chart_ours(runner, app, work):
    run(runner, app, "units")
    (work / "flowcharts" / CACHE_NAME).unlink()
    path = work / "units" / "cswsj.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("局长审批", "局长签批"), encoding="utf-8")
    result = run(runner, app, "units")
    assert result.exit_code == 2 and f"{INTERNAL}.svg" in result.stderr  # differs: not known to be ours
    assert "局长审批" in (work / "flowcharts" / f"{INTERNAL}.svg").read_text(encoding="utf-8")
    assert run(runner, app, "units", "--force").exit_code == 0


def test_charts_of_an_earlier_lianfang_are_redrawn_without_force(runner, app, work):
    """An upgrade changes the cache's version: the charts it lists are still lianfang's (their bytes
    match what it wrote), so they are redrawn in place; an edited one is still refused."""
    run(runner, app, "units")
    out = work / "flowcharts"
    data = json.loads((out / CACHE_NAME).read_text(encoding="utf-8"))
    data["version"] = 1
    (out / CACHE_NAME).write_text(json.dumps(data), encoding="utf-8")
    (out / f"{EXTERNAL}.svg").write_bytes(b"<svg>an earlier drawing</svg>")  # what an old version wrote...
    data["files"][f"{EXTERNAL}.svg"]["output"] = hashlib.sha256(b"<svg>an earlier drawing</svg>").hexdigest()
    (out / CACHE_NAME).write_text(json.dumps(data), encoding="utf-8")
    result = run(runner, app, "units")
    assert result.exit_code == 0, result.stderr
    assert "新生成 2 张" in result.stderr  # nothing is fresh after an upgrade: both drawn again
    assert (out / f"{EXTERNAL}.svg").read_bytes().startswith(b"<?xml")
    assert json.loads((out / CACHE_NAME).read_text(encoding="utf-8"))["version"] != 1
    # an earlier version's chart edited by hand is not lianfang's
    data = json.loads((out / CACHE_NAME).read_text(encoding="utf-8"))
    data["version"] = 1
    (out / CACHE_NAME).write_text(json.dumps(data), encoding="utf-8")
    (out / f"{INTERNAL}.svg").write_text("改过的图", encoding="utf-8")
    result = run(runner, app, "units")
    assert result.exit_code == 2 and f"{INTERNAL}.svg" in result.stderr
    assert (out / f"{INTERNAL}.svg").read_text(encoding="utf-8") == "改过的图"


def test_output_folder_that_is_a_file(runner, app, work):
    (work / "flowcharts").write_text("x", encoding="utf-8")
    result = run(runner, app, "units")
    assert result.exit_code == 2 and "flowcharts" in result.stderr


def test_written_files_are_readable_by_others(runner, app, work):
    run(runner, app, "units")
    mode = (work / "flowcharts" / f"{INTERNAL}.svg").stat().st_mode
    assert mode & stat.S_IRGRP or os.name == "nt"


# -- broken flows and files -----------------------------------------------------------------------

def test_a_broken_flow_is_not_drawn_and_its_findings_are_printed(runner, app, work):
    path = work / "units" / "cswsj.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('next: ["2"], risks: [FX-04]', 'next: ["9"], risks: [FX-04, FX-99]')
    path.write_text(text, encoding="utf-8")
    result = run(runner, app, "units")
    assert result.exit_code == 1
    assert charts(work / "flowcharts") == [f"{INTERNAL}.svg"]
    line = next(i for i, t in enumerate(text.splitlines(), start=1) if 'next: ["9"]' in t)
    assert "units/cswsj.yaml（CSWSJ）" in result.stderr
    assert f"{line}:" in result.stderr and "LF204" in result.stderr and "LF203" in result.stderr
    assert "「9」" in result.stderr and "FX-99" in result.stderr and "[LC-02/1]" in result.stderr
    assert "未绘制的流程：LC-02" in result.stderr
    assert "未绘制 1 个流程" in result.stderr


def test_a_flow_on_an_unknown_power_is_refused_with_validates_message(runner, app, work):
    path = work / "units" / "cswsj.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("    power: QL-02\n", "    power: QL-22\n"), encoding="utf-8")
    result = run(runner, app, "units", "--format", "dot")
    assert result.exit_code == 1
    assert "LF201" in result.stderr and "QL-22" in result.stderr and "[LC-02]" in result.stderr


def test_an_unreadable_file_does_not_stop_the_others(runner, app, work):
    (work / "units" / "bad.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    result = run(runner, app, "units", "--format", "dot")
    assert result.exit_code == 1
    assert "LF100" in result.stderr and "units/bad.yaml" in result.stderr
    assert charts(work / "flowcharts") == [f"{INTERNAL}.dot", f"{EXTERNAL}.dot"]


def test_two_workbooks_of_one_unit_would_overwrite_each_other(runner, app, work):
    shutil.copy(work / "units" / "cswsj.yaml", work / "units" / "cswsj-copy.yaml")
    result = run(runner, app, "units", "--format", "dot")
    assert result.exit_code == 1
    assert "CSWSJ_LC-01_internal.dot" in result.stderr and "units/cswsj-copy.yaml" in result.stderr
    assert charts(work / "flowcharts") == [f"{INTERNAL}.dot", f"{EXTERNAL}.dot"]


# -- where it works without UNIT ------------------------------------------------------------------

def test_without_unit_every_workbook_of_the_current_folder(runner, app, work, monkeypatch):
    monkeypatch.chdir(work / "units")
    (work / "units" / "notes.txt").write_text("x", encoding="utf-8")
    result = run(runner, app, "--format", "dot")
    assert result.exit_code == 0, result.output
    assert charts(work / "units" / "flowcharts") == [f"{INTERNAL}.dot", f"{EXTERNAL}.dot"]


def test_without_unit_in_a_handbook_project_the_units_it_lists(runner, app, work):
    (work / "handbook.yaml").write_text("title: 测试手册\nunits: [units/*.yaml]\n", encoding="utf-8")
    (work / "stray.yaml").write_text("- not a unit of the project\n", encoding="utf-8")
    result = run(runner, app, "--format", "dot")
    assert result.exit_code == 0, result.output
    assert charts(work / "flowcharts") == [f"{INTERNAL}.dot", f"{EXTERNAL}.dot"]


def test_a_handbook_yaml_named_on_the_command_line(runner, app, work):
    (work / "handbook.yaml").write_text("units: [units/cswsj.yaml]\n", encoding="utf-8")
    assert run(runner, app, "handbook.yaml", "--format", "dot", "--external").exit_code == 0
    assert charts(work / "flowcharts") == [f"{EXTERNAL}.dot"]


def test_a_broken_handbook_yaml_or_an_empty_folder_stops_with_2(runner, app, work, tmp_path_factory, monkeypatch):
    (work / "handbook.yaml").write_text("units: [missing/*.yaml]\n", encoding="utf-8")
    result = run(runner, app)
    assert result.exit_code == 2 and "handbook.yaml" in result.stderr
    monkeypatch.chdir(tmp_path_factory.mktemp("empty"))
    result = run(runner, app)
    assert result.exit_code == 2 and "handbook.yaml" in result.stderr


def test_a_path_that_does_not_exist(runner, app, work):
    result = run(runner, app, "nowhere.yaml")
    assert result.exit_code == 2 and "nowhere.yaml" in result.stderr


# -- Graphviz and fonts ---------------------------------------------------------------------------

def test_without_dot_only_the_dot_format_works(runner, app, work, monkeypatch):
    monkeypatch.setattr("lianfang.cli.flowchart_cmd.find_dot", lambda: None)
    result = run(runner, app, "units")
    assert result.exit_code == 2
    assert "apt-get install graphviz" in result.stderr and "--format dot" in result.stderr
    assert not (work / "flowcharts").exists()
    result = run(runner, app, "units", "--format", "dot")
    assert result.exit_code == 0 and charts(work / "flowcharts") == [f"{INTERNAL}.dot", f"{EXTERNAL}.dot"]


def test_without_dot_on_path(runner, app, work, monkeypatch):
    monkeypatch.setenv("PATH", str(work / "no-such-bin"))
    result = run(runner, app, "units", "--format", "png", "--lang", "en")
    assert result.exit_code == 2 and "Graphviz's dot program was not found" in result.stderr


def test_dot_failing_on_a_chart_is_reported_and_the_run_fails(runner, app, work, monkeypatch):
    fake = work / "fake-dot"
    fake.write_text('#!/bin/sh\nif [ "$1" = "-V" ]; then echo "dot - fake" >&2; exit 0; fi\n'
                    'echo "Error: syntax error in line 1" >&2\nexit 1\n', encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr("lianfang.cli.flowchart_cmd.find_dot", lambda: str(fake))
    result = run(runner, app, "units")
    assert result.exit_code == 2
    assert "dot 出错" in result.stderr and "syntax error in line 1" in result.stderr
    assert charts(work / "flowcharts") == []


def test_warns_when_no_chinese_font_is_installed(runner, app, work, monkeypatch):
    monkeypatch.setattr("lianfang.cli.flowchart_cmd.cjk_font_installed", lambda: False)
    result = run(runner, app, "units")
    assert result.exit_code == 0 and "fc-list :lang=zh" in result.stderr and "方框" in result.stderr
    assert "fc-list" not in run(runner, app, "units", "--format", "dot").stderr  # DOT has no fonts to miss
    monkeypatch.setattr("lianfang.cli.flowchart_cmd.cjk_font_installed", lambda: True)
    assert "fc-list" not in run(runner, app, "units", "--force").stderr


def test_messages_in_english(runner, app, work):
    result = run(runner, app, "units", "--format", "dot", "--lang", "en")
    assert "flowcharts: 2 written, 0 unchanged, 0 flows not drawn, 0 failed" in result.stderr
    assert "Start" in (work / "flowcharts" / f"{INTERNAL}.dot").read_text(encoding="utf-8")


def test_one_chart_failing_does_not_stop_the_others(runner, app, work, monkeypatch):
    real = shutil.which("dot")
    fake = work / "picky-dot"
    fake.write_text(f'#!/bin/bash\nif [ "$1" = "-V" ]; then exec "{real}" -V; fi\ninput=$(cat)\n'
                    'case "$input" in *external*) echo "Error: out of memory" >&2; exit 1;; esac\n'
                    f'printf "%s" "$input" | exec "{real}" "$@"\n', encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr("lianfang.cli.flowchart_cmd.find_dot", lambda: str(fake))
    result = run(runner, app, "units")
    assert result.exit_code == 2 and "out of memory" in result.stderr
    assert charts(work / "flowcharts") == [f"{INTERNAL}.svg"]
    assert "新生成 1 张" in result.stderr and "失败 1 张" in result.stderr
    # the failed chart is tried again next time; the drawn one is not
    result = run(runner, app, "units")
    assert result.exit_code == 2 and "新生成 0 张，未变化 1 张" in result.stderr


def test_font_check_and_dot_lookup_follow_path(monkeypatch, tmp_path):
    from lianfang.flowchart.render import cjk_font_installed, find_dot

    if shutil.which("fc-list"):
        assert cjk_font_installed() is True  # make setup installs a Chinese font
    monkeypatch.setenv("PATH", str(tmp_path))
    assert cjk_font_installed() is None and find_dot() is None


# -- pages, the risk table -------------------------------------------------------------------------

def _long_unit(work: Path, steps: int) -> None:
    """LC-01 made ``steps`` steps long (a chain through the three bodies), too long for one A4 page."""
    path = work / "units" / "cswsj.yaml"
    text = path.read_text(encoding="utf-8")
    actors = ["政务窗口", "医政科", "局领导"]
    rows = [f'      - {{id: "{i}", name: 第{i}步审查, actor: {actors[i % 3]}, time_limit: 2个工作日, '
            f'next: [{"" if i == steps else chr(34) + str(i + 1) + chr(34)}], risks: [FX-0{1 + i % 3}]}}'
            for i in range(1, steps + 1)]
    head, rest = text.split("    steps:\n", 1)
    tail = rest.split("  - id: LC-02", 1)[1]
    path.write_text(head + "    steps:\n" + "\n".join(rows) + "\n  - id: LC-02" + tail, encoding="utf-8")


def test_pdf_is_a_real_a4_sheet_turned_to_print_larger(runner, app, work):
    from pypdf import PdfReader

    assert run(runner, app, "units", "--format", "pdf").exit_code == 0
    for name in (INTERNAL, EXTERNAL):
        (page,) = PdfReader(work / "flowcharts" / f"{name}.pdf").pages
        w, h = sorted((float(page.mediabox.width), float(page.mediabox.height)))
        assert (round(w), round(h)) == (595, 842)
    assert run(runner, app, "units", "--format", "pdf", "--page", "a3", "-o", "a3").exit_code == 0
    (page,) = PdfReader(work / "a3" / f"{INTERNAL}.pdf").pages
    assert sorted((round(float(page.mediabox.width)), round(float(page.mediabox.height)))) == [842, 1191]


def test_with_table_adds_the_risk_table_as_its_own_drawing(runner, app, work):
    from pypdf import PdfReader

    result = run(runner, app, "units", "--with-table")
    assert result.exit_code == 0
    assert charts(work / "flowcharts") == sorted([f"{INTERNAL}.svg", f"{INTERNAL}_table.svg",
                                                  f"{EXTERNAL}.svg", f"{EXTERNAL}_table.svg"])
    assert f"flowcharts/{INTERNAL}_table.svg" in result.stdout.splitlines()
    table = (work / "flowcharts" / f"{INTERNAL}_table.svg").read_text(encoding="utf-8")
    assert "审查超时或授意不按规定承办" in table and "（未制定防控措施）" in table
    assert "审查超时或授意不按规定承办" not in (work / "flowcharts" / f"{INTERNAL}.svg").read_text(encoding="utf-8")
    assert run(runner, app, "units", "--with-table", "--format", "pdf").exit_code == 0
    assert len(PdfReader(work / "flowcharts" / f"{INTERNAL}.pdf").pages) == 2  # the chart, then the table
    assert run(runner, app, "units", "--with-table", "--format", "dot").exit_code == 0
    assert (work / "flowcharts" / f"{INTERNAL}_table.dot").is_file()


def test_svg_is_sized_for_the_page(runner, app, work):
    _long_unit(work, 20)
    assert run(runner, app, "units", "--flow", "LC-01", "--page", "none", "-o", "none").exit_code == 0
    assert run(runner, app, "units", "--flow", "LC-01").exit_code == 0

    def size(path: Path) -> tuple[float, float, float]:
        root = ElementTree.fromstring(path.read_bytes())
        return float(root.get("width")[:-2]), float(root.get("height")[:-2]), float(root.get("viewBox").split()[2])
    w, h, view = size(work / "none" / f"{INTERNAL}.svg")
    assert abs(w - view) < 1 and h > 728  # its own size: taller than A4's printable area
    w, h, view = size(work / "flowcharts" / f"{INTERNAL}.svg")
    assert w < view and max(w, h) <= 728.6 and min(w, h) <= 481.9  # scaled to fit A4
    assert w / view * 10 >= 8  # its 10 pt text prints at 8 pt or more


def test_a_long_flow_is_split_over_pages_and_a_shorter_one_leaves_no_old_page(runner, app, work):
    from pypdf import PdfReader

    _long_unit(work, 40)
    result = run(runner, app, "units", "--flow", "LC-01")
    assert result.exit_code == 0
    pages = [n for n in charts(work / "flowcharts") if n.startswith(INTERNAL)]
    assert pages[0] == f"{INTERNAL}.svg" and f"{INTERNAL}_p2.svg" in pages
    assert result.stdout.splitlines() == [f"flowcharts/{p}" for p in [pages[0], *sorted(pages[1:], key=lambda n: int(n[:-4].rsplit("_p", 1)[1]))]]
    first = (work / "flowcharts" / f"{INTERNAL}.svg").read_text(encoding="utf-8")
    second = (work / "flowcharts" / f"{INTERNAL}_p2.svg").read_text(encoding="utf-8")
    assert "①→" in first and "→①" in second and "第1/" in first
    assert run(runner, app, "units", "--flow", "LC-01").stderr.count("未变化 1 张") == 1  # every page up to date
    assert run(runner, app, "units", "--flow", "LC-01", "--format", "pdf").exit_code == 0
    assert len(PdfReader(work / "flowcharts" / f"{INTERNAL}.pdf").pages) == len(pages)
    _long_unit(work, 5)
    assert run(runner, app, "units", "--flow", "LC-01").exit_code == 0
    assert [n for n in charts(work / "flowcharts") if n.startswith(INTERNAL) and n.endswith(".svg")] == [f"{INTERNAL}.svg"]
    cache = json.loads((work / "flowcharts" / CACHE_NAME).read_text(encoding="utf-8"))
    assert "parts" not in cache["files"][f"{INTERNAL}.svg"]


def test_a_page_file_lianfang_did_not_write_is_kept_without_force(runner, app, work):
    _long_unit(work, 40)
    out = work / "flowcharts"
    out.mkdir()
    (out / f"{INTERNAL}_p2.svg").write_text("我的第二页", encoding="utf-8")
    result = run(runner, app, "units", "--flow", "LC-01")
    assert result.exit_code == 2 and f"{INTERNAL}_p2.svg" in result.stderr
    assert (out / f"{INTERNAL}_p2.svg").read_text(encoding="utf-8") == "我的第二页"
    assert not (out / f"{INTERNAL}.svg").exists()  # nothing of that chart is written
    assert run(runner, app, "units", "--flow", "LC-01", "--force").exit_code == 0
    assert "我的第二页" not in (out / f"{INTERNAL}_p2.svg").read_text(encoding="utf-8")


def test_unknown_page_stops_with_2(runner, app, work):
    result = run(runner, app, "units", "--page", "letter")
    assert result.exit_code == 2 and "letter" in result.stderr and "a4、a3、none" in result.stderr
    assert not (work / "flowcharts").exists()
    # the Word handbook's chart room is lianfang's own, not a paper to choose
    result = run(runner, app, "units", "--page", "handbook")
    assert result.exit_code == 2 and "handbook" in result.stderr and "a4、a3、none）" in result.stderr
