"""Building the handbook: golden Markdown, reproducibility, refusal on errors, --force, templates, cache.

Regenerate the golden files after an intended change with::

    LIANFANG_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_handbook_build.py
"""

from __future__ import annotations

import os
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest

from lianfang.handbook.build import BuildError, BuildOptions, build_handbook, split_title

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
GOLDEN = ROOT / "tests" / "golden" / "handbook"
AS_OF = date(2026, 12, 1)


def build(target: Path, out: Path | None = None, **kw) -> object:
    kw.setdefault("jobs", 1)
    kw.setdefault("as_of", AS_OF)
    return build_handbook(BuildOptions(target=target, output=out, **kw))


def test_golden_markdown_of_the_fixture(project: Path, check_golden):
    result = build(project / "handbook.yaml")
    assert result.built and result.errors == 0
    out = project / "build" / "handbook"
    assert result.written == [out / "handbook.md", out / "handbook.xlsx", out / "handbook.docx"]
    check_golden("fixture.md", (out / "handbook.md").read_text(encoding="utf-8"))
    # what the Markdown links to is there
    assert (out / "flowcharts" / "TA_F1_internal.svg").read_bytes().lstrip().startswith(b"<?xml")
    assert (out / "attachments" / "TA" / "药品采购管理制度.txt").is_file()
    assert (out / "attachments" / "part7" / "公示记录.txt").is_file()
    # the institution file pointing out of the project was neither copied nor linked
    assert any("etc/passwd" in n and "项目文件夹之外" in n for n in result.notes)
    assert not any("passwd" in p.name for p in out.rglob("*"))


def test_golden_markdown_of_the_examples(tmp_path: Path, monkeypatch, check_golden):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    result = build(EXAMPLES / "handbook.yaml", tmp_path / "out", formats=["md"])
    assert result.built and result.errors == 0, [f.message for _, f in result.findings if f.severity.value == "error"]
    assert [u.workbook.code for u in result.units] == ["CHWSJ", "CHCDC", "CHYY"]
    check_golden("examples.md", (tmp_path / "out" / "handbook.md").read_text(encoding="utf-8"))


def test_the_eight_parts_in_the_seed_order_with_the_seed_titles(project: Path):
    build(project / "handbook.yaml", formats=["md"])
    text = (project / "build" / "handbook" / "handbook.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (第.部分 .+)$", text, re.M)
    assert headings == [
        "第一部分 有关法律法规",
        "第二部分 “三定”方案文件",
        "第三部分 单位、部门、岗位权力清单（职权目录）",
        "第四部分 岗位职责、业务流程、制度机制廉政风险点，风险等级及防控措施总汇",
        "第五部分 权力运行（外部、内部）流程图",
        "第六部分 修订完善的各项制度",
        "第七部分 廉政风险防控管理工作有关文件、经验总结、公开公示及宣传报道材料等",
        "第八部分 其他有关材料",
    ]
    # every contents link points at an anchor that exists
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', text))
    links = re.findall(r"\]\(#([^)]+)\)", text)
    assert links and set(links) <= anchors


def test_a_table_cell_with_a_pipe_and_a_line_break_stays_one_cell(project: Path):
    from markdown_it import MarkdownIt

    build(project / "handbook.yaml", formats=["md"])
    text = (project / "build" / "handbook" / "handbook.md").read_text(encoding="utf-8")
    html = MarkdownIt("commonmark").enable("table").render(text)
    # TB's R1: "A|B\n第二行 <img …>" is one cell of an 11-column row
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", html, re.S) if "<td>R1</td>" in r and "A|B" in r)
    cells = re.findall(r"<td>(.*?)</td>", row, re.S)
    assert len(cells) == 11
    assert cells[7] == "A|B<br>第二行 &lt;img src=x onerror=alert(1)&gt; *强调* [链接](http://x)"
    assert "<img src=x" not in html and "<script" not in html and "<b>" not in html


def test_two_builds_are_byte_identical(project: Path, tmp_path: Path):
    build(project / "handbook.yaml", tmp_path / "one")
    build(project / "handbook.yaml", tmp_path / "two")
    for name in ("handbook.md", "handbook.xlsx"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name


def test_timestamps_from_source_date_epoch_or_the_year(project: Path, tmp_path: Path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    build(project / "handbook.yaml", tmp_path / "year", formats=["xlsx"])
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")  # 2026-05-28T20:26:40Z
    build(project / "handbook.yaml", tmp_path / "epoch", formats=["xlsx"])
    for folder, stamp, zip_time in (("year", "2026-01-01T00:00:00Z", (2026, 1, 1, 0, 0, 0)),
                                    ("epoch", "2026-05-28T20:26:40Z", (2026, 5, 28, 20, 26, 40))):
        with zipfile.ZipFile(tmp_path / folder / "handbook.xlsx") as z:
            assert {i.date_time for i in z.infolist()} == {zip_time}
            core = z.read("docProps/core.xml").decode()
        assert re.findall(r"<dcterms:(?:created|modified)[^>]*>([^<]*)<", core) == [stamp, stamp]


def test_bad_source_date_epoch_is_a_clear_error(project: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(BuildError, match="SOURCE_DATE_EPOCH"):
        build(project / "handbook.yaml", formats=["xlsx"])


def _break(project: Path) -> None:
    """TA's risk point R3 loses its only measure: LF301 (uncovered-risk), an error."""
    path = project / "units" / "ta.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^  - \{id: M8,.*\n", "", text, flags=re.M), encoding="utf-8")


def test_an_error_stops_the_build(project: Path):
    _break(project)
    result = build(project / "handbook.yaml")
    assert not result.built and result.errors == 1
    assert [(f.code, f.object) for _, f in result.findings if f.severity.value == "error"] == [("LF301", "R3")]
    assert not (project / "build" / "handbook" / "handbook.md").exists()
    assert not (project / "build" / "handbook" / "handbook.xlsx").exists()


def test_force_builds_with_a_findings_appendix_linked_from_the_contents(project: Path):
    _break(project)
    result = build(project / "handbook.yaml", force=True)
    assert result.built and result.errors == 1
    out = project / "build" / "handbook"
    text = (out / "handbook.md").read_text(encoding="utf-8")
    contents = text.split("## 目录", 1)[1].split("<a id=", 1)[0]
    assert "- [附录 校验问题](#appendix-findings)" in contents
    appendix = text.split('<a id="appendix-findings"></a>', 1)[1]
    assert "## 附录 校验问题" in appendix
    assert "| 测试甲医院 | units/ta.yaml |" in appendix or "units/ta.yaml" in appendix
    assert re.search(r"\| LF301 \| error \| R3 \| 风险点 R3", appendix)
    from openpyxl import load_workbook

    wb = load_workbook(out / "handbook.xlsx")
    assert wb.sheetnames[-1] == "校验问题"
    codes = [r[4] for r in wb["校验问题"].iter_rows(min_row=3, values_only=True)]
    assert "LF301" in codes


def test_no_appendix_without_errors(project: Path):
    build(project / "handbook.yaml", force=True)
    text = (project / "build" / "handbook" / "handbook.md").read_text(encoding="utf-8")
    assert "appendix-findings" not in text


def test_a_handbook_edited_by_hand_is_replaced_only_with_force(project: Path):
    assert build(project / "handbook.yaml").built
    # lianfang's own, untouched output: rebuilt without --force
    assert build(project / "handbook.yaml").built
    md = project / "build" / "handbook" / "handbook.md"
    md.write_text(md.read_text(encoding="utf-8") + "手工补充\n", encoding="utf-8")
    with pytest.raises(BuildError, match="不是 lianfang 生成的"):
        build(project / "handbook.yaml")
    assert md.read_text(encoding="utf-8").endswith("手工补充\n")
    assert build(project / "handbook.yaml", force=True).built
    assert not md.read_text(encoding="utf-8").endswith("手工补充\n")


def test_an_upgraded_lianfang_rebuilds_what_an_earlier_one_wrote_without_force(project: Path):
    """The manifest of an earlier schema still proves which files lianfang wrote (their hashes), so an
    upgrade rewrites them (charts included) without --force; its digest no longer counts."""
    import json

    assert build(project / "handbook.yaml", formats=["md"]).built
    out = project / "build" / "handbook"
    for manifest in [out / ".lianfang-cache" / "manifest.json", *out.glob("flowcharts/.lianfang-cache.json")]:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        data["schema" if "schema" in data else "version"] = 0
        manifest.write_text(json.dumps(data), encoding="utf-8")
    again = build(project / "handbook.yaml", formats=["md"])
    assert again.built and not again.unchanged  # built again: the old digest means nothing now
    md = out / "handbook.md"
    md.write_text(md.read_text(encoding="utf-8") + "手工补充\n", encoding="utf-8")
    data = json.loads((out / ".lianfang-cache" / "manifest.json").read_text(encoding="utf-8"))
    data["schema"] = 0
    (out / ".lianfang-cache" / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(BuildError, match="不是 lianfang 生成的"):  # edited by hand: still refused
        build(project / "handbook.yaml", formats=["md"])


def test_a_foreign_file_in_the_way_needs_force(project: Path, tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "handbook.xlsx").write_bytes(b"someone else's workbook")
    with pytest.raises(BuildError, match="--force"):
        build(project / "handbook.yaml", out)
    assert (out / "handbook.xlsx").read_bytes() == b"someone else's workbook"


def test_nothing_changed_nothing_written(project: Path):
    first = build(project / "handbook.yaml")
    assert not first.unchanged
    out = project / "build" / "handbook"
    stamps = {n: (out / n).stat().st_mtime_ns for n in ("handbook.md", "handbook.xlsx")}
    second = build(project / "handbook.yaml")
    assert second.unchanged and second.written == first.written
    assert {n: (out / n).stat().st_mtime_ns for n in stamps} == stamps
    # any input changing means writing again: a document, a template, a unit, the options
    (project / "docs" / "法律法规目录.md").write_text("# 法律法规目录\n\n- 新增\n", encoding="utf-8")
    third = build(project / "handbook.yaml")
    assert not third.unchanged and "- 新增" in (out / "handbook.md").read_text(encoding="utf-8")
    assert not build(project / "handbook.yaml", formats=["md"]).unchanged
    assert not build(project / "handbook.yaml", as_of=date(2031, 1, 1)).unchanged


def test_a_user_template_overrides_by_name(project: Path, tmp_path: Path):
    templates = tmp_path / "mine"
    templates.mkdir()
    (templates / "cover.md.j2").write_text("# 我的封面：{{ organisation|md }}\n", encoding="utf-8")
    build(project / "handbook.yaml", formats=["md"], templates=templates)
    text = (project / "build" / "handbook" / "handbook.md").read_text(encoding="utf-8")
    assert text.startswith("# 我的封面：测试市卫生局\n")
    assert "## 第一部分 有关法律法规" in text  # the other templates are still the shipped ones


def test_templates_from_handbook_yaml(project: Path):
    (project / "tpl").mkdir()
    (project / "tpl" / "part2.md.j2").write_text('<a id="part-2"></a>\n\n## 第二部分（自定义）\n', encoding="utf-8")
    config = project / "handbook.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "templates: tpl\n", encoding="utf-8")
    build(config, formats=["md"])
    assert "## 第二部分（自定义）" in (project / "build" / "handbook" / "handbook.md").read_text(encoding="utf-8")


def test_a_broken_template_is_a_clear_error(project: Path, tmp_path: Path):
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "toc.md.j2").write_text("{{ no_such_name }}\n", encoding="utf-8")
    with pytest.raises(BuildError, match="no_such_name"):
        build(project / "handbook.yaml", formats=["md"], templates=tmp_path / "t")
    (tmp_path / "t" / "toc.md.j2").write_text("{% for %}\n", encoding="utf-8")
    with pytest.raises(BuildError, match="toc.md.j2"):
        build(project / "handbook.yaml", formats=["md"], templates=tmp_path / "t")


def test_a_template_cannot_reach_python_internals(project: Path, tmp_path: Path):
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "toc.md.j2").write_text("{{ units.__class__.__mro__ }}\n", encoding="utf-8")
    with pytest.raises(BuildError):
        build(project / "handbook.yaml", formats=["md"], templates=tmp_path / "t")


@pytest.mark.parametrize("expression", ["handbook.__class__", "units[0].__dict__", "units[0].flows[0].__class__.__mro__",
                                        "handbook.as_template_vars.__globals__", "handbook.as_template_vars.__func__",
                                        "units[0].workbook.__class__"])
def test_the_view_models_objects_do_not_lead_to_python_internals(project: Path, tmp_path: Path, expression: str):
    """The sandbox reads the view model's own objects with a shorter check (handbook/markdown._Sandbox):
    a name with an underscore is still refused on them, and anything reached through them gets jinja's."""
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "toc.md.j2").write_text("{{ units[0].name }} {{ units[0].flows[0].name }}\n", encoding="utf-8")
    assert build(project / "handbook.yaml", formats=["md"], templates=tmp_path / "t").built
    (tmp_path / "t" / "toc.md.j2").write_text("{{ " + expression + " }}\n", encoding="utf-8")
    with pytest.raises(BuildError, match="模板"):
        build(project / "handbook.yaml", formats=["md"], templates=tmp_path / "t", force=True)


def test_single_unit_build(project: Path, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = build(project / "units" / "ta.yaml")
    assert result.built and result.output == Path("handbook")
    text = (tmp_path / "handbook" / "handbook.md").read_text(encoding="utf-8")
    assert text.startswith("# 测试甲医院廉政风险防控管理工作手册\n")
    assert "编制单位：测试甲医院" in text and "年度：2026" in text
    assert "测试乙中心" not in text
    assert (tmp_path / "handbook" / "handbook.xlsx").is_file()


def test_second_build_reads_units_from_the_cache(project: Path):
    first = build(project / "handbook.yaml")
    assert [u.cached for u in first.units] == [False, False]
    second = build(project / "handbook.yaml", force=True)
    assert [u.cached for u in second.units] == [True, True]
    assert second.chart_hits == second.charts == 1
    # a changed unit is read again; the other still comes from the cache
    path = project / "units" / "tb.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("以 @ 开头", "以 @ 开头（改）"), encoding="utf-8")
    third = build(project / "handbook.yaml", force=True)
    assert [u.cached for u in third.units] == [True, False]
    assert "以 @ 开头（改）" in (project / "build" / "handbook" / "handbook.md").read_text(encoding="utf-8")


def test_the_cache_does_not_hide_other_settings(project: Path):
    build(project / "handbook.yaml")
    # a different as-of date may change findings (LF404, LF408): not the same cache entry
    again = build(project / "handbook.yaml", force=True, as_of=date(2030, 1, 1))
    assert [u.cached for u in again.units] == [False, False]


def test_charts_of_a_removed_flow_are_removed(project: Path):
    build(project / "handbook.yaml")
    chart = project / "build" / "handbook" / "flowcharts" / "TA_F1_internal.svg"
    mine = project / "build" / "handbook" / "flowcharts" / "my-notes.svg"
    mine.write_text("<svg/>", encoding="utf-8")
    assert chart.is_file()
    path = project / "units" / "ta.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("flows:")] + text[text.index("institutions:"):], encoding="utf-8")
    build(project / "handbook.yaml", force=True)
    assert not chart.exists()
    assert mine.exists()  # never written by lianfang: never removed


def test_parallel_reading_gives_the_same_handbook(project: Path, tmp_path: Path):
    build(project / "handbook.yaml", tmp_path / "serial", formats=["md"], jobs=1)
    result = build(project / "handbook.yaml", tmp_path / "parallel", formats=["md"], jobs=2)
    assert [u.cached for u in result.units] == [False, False]
    assert (tmp_path / "serial" / "handbook.md").read_bytes() == (tmp_path / "parallel" / "handbook.md").read_bytes()


def test_english_headings(project: Path, monkeypatch):
    monkeypatch.setenv("LIANFANG_LANG", "en")
    build(project / "handbook.yaml", formats=["md"])
    text = (project / "build" / "handbook" / "handbook.md").read_text(encoding="utf-8")
    assert "## Contents" in text and "## Part 1 Laws and regulations" in text


def test_a_document_title_comes_from_its_first_heading():
    assert split_title("# 标题 #\n\n正文") == ("标题", "正文")
    assert split_title("正文\n# 不是第一行") == (None, "正文\n# 不是第一行")
    assert split_title("## 二级\n正文") == (None, "## 二级\n正文")


@pytest.mark.slow
def test_byte_identical_across_processes(project: Path, tmp_path: Path):
    """Separate runs (different hash seeds, so any set or dict order that leaks shows) give the same bytes."""
    import subprocess
    import sys

    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"seed{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": "1767225600"}
        proc = subprocess.run([sys.executable, "-m", "lianfang", "handbook", "build", str(project / "handbook.yaml"),
                               "-o", str(out), "--as-of", "2026-12-01", "--jobs", "2"],
                              env=env, capture_output=True, text=True, timeout=300, check=False)
        assert proc.returncode == 0, proc.stderr
        outs.append(out)
    for name in ("handbook.md", "handbook.xlsx", "flowcharts/TA_F1_internal.svg"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name


def test_a_forced_build_survives_unreadable_values_and_files(project: Path):
    """Values the reader could not read are None in the model: shown empty, reported in the appendix."""
    (project / "units" / "garbage.yaml").write_text("- not\n- a workbook\n", encoding="utf-8")
    (project / "units" / "odd.yaml").write_text("""\
unit: {name: 怪异单位, code: "..", year: 二〇二六, status: 未知, criteria: {高: x, 中: y, 低: z}}
posts:
  - {id: P1, name: 岗位, department: 科室, tier: 外星岗位}
  - {id: P1, name: 重复, department: 科室, tier: 领导岗位}
powers:
  - {id: Q1, name: 职权, content: 内容, level: 宇宙, subject: 科室, basis: 依据, posts: [P9]}
risks:
  - {id: R1, power: Q1, post: P1, category: 天灾, description: 描述, level: 超高}
  - {id: R2, power: Q9, category: 岗位职责, description: 无岗位, level: 高}
  - {id: "bad id!", power: Q1, category: 岗位职责, description: 坏编号, level: 低}
measures:
  - {id: M1, risk: R1, phase: 永远, description: 措施内容足够长的一条, owner: 某人, due: 2026-13-45}
flows:
  - id: F1
    power: Q1
    kind: 不内不外
    steps:
      - {id: "1", name: 开始, actor: 科室, next: ["1"], risks: [R1, R404]}
alerts:
  - {id: A1, date: 昨天, risk: R1, channel: 小道消息, detail: 说明}
""", encoding="utf-8")
    result = build(project / "handbook.yaml", force=True)
    assert result.built and result.errors > 0
    codes = {f.code for _, f in result.findings}
    assert {"LF100", "LF104", "LF105", "LF107"} <= codes
    text = (project / "build" / "handbook" / "handbook.md").read_text(encoding="utf-8")
    assert "怪异单位" in text and "appendix-findings" in text
    assert "| 未填 |" in text  # a level that could not be read is counted as such
    from openpyxl import load_workbook

    wb = load_workbook(project / "build" / "handbook" / "handbook.xlsx")
    ids = [c.value for ws in wb.worksheets if ws.title.startswith("一览表-") for c in ws["F"][2:] if c.value]
    assert {"R1", "R2"} <= set(ids)
    # the risk point whose ID could not be read is counted and shown by its line, not dropped
    assert "风险点（第 10 行）" in ids and "| 风险点（第 10 行） |" in text
    # the unit code ".." names no folder: nothing is written outside the output folder
    out = (project / "build" / "handbook").resolve()
    assert all(p.resolve().is_relative_to(out) for p in out.rglob("*"))


def test_the_output_folder_is_never_read_as_units(project: Path):
    config = project / "handbook.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("units: [units/*.yaml]", "units: ['**/*']"),
                      encoding="utf-8")
    first = build(config)
    assert [u.display.rsplit("/", 1)[-1] for u in first.units] == ["ta.yaml", "tb.yaml"]
    second = build(config)  # build/handbook/handbook.xlsx now exists and matches **/*
    assert [u.display.rsplit("/", 1)[-1] for u in second.units] == ["ta.yaml", "tb.yaml"]


def test_progress_is_reported_for_units_and_charts(project: Path):
    from lianfang.handbook.build import Reporter

    class Recorder(Reporter):
        def __init__(self):
            self.events = []

        def start(self, phase, total):
            self.events.append(("start", phase, total))

        def advance(self, phase):
            self.events.append(("advance", phase))

    recorder = Recorder()
    build_handbook(BuildOptions(target=project / "handbook.yaml", jobs=1, as_of=AS_OF), recorder)
    assert recorder.events == [("start", "units", 2), ("advance", "units"), ("advance", "units"),
                               ("start", "charts", 1), ("advance", "charts")]


def test_excel_in_english(project: Path, monkeypatch):
    monkeypatch.setenv("LIANFANG_LANG", "en")
    build(project / "handbook.yaml", formats=["xlsx"])
    from openpyxl import load_workbook

    wb = load_workbook(project / "build" / "handbook" / "handbook.xlsx")
    assert wb.sheetnames == ["Contents", "Powers", "Table-TA", "Table-TB", "Statistics", "Charts", "Flows", "Flowcharts",
                             "Institutions", "Alerts"]
    assert wb["Contents"]["B3"].hyperlink.location == "'Powers'!A1"


# -- what the handbook says (issue 12, item 9 and 11), on the examples ---------------------------


@pytest.fixture(scope="module")
def examples_md(tmp_path_factory) -> tuple[str, object]:
    out = tmp_path_factory.mktemp("examples") / "out"
    result = build_handbook(BuildOptions(target=EXAMPLES / "handbook.yaml", output=out, formats=["md"], jobs=1, as_of=AS_OF))
    return (out / "handbook.md").read_text(encoding="utf-8"), result


def _part(text: str, n: int) -> str:
    start = text.index(f'<a id="part-{n}"></a>')
    end = text.find(f'<a id="part-{n + 1}"></a>')
    return text[start:end if end > 0 else None]


def test_an_unconfirmed_unit_is_marked_and_warned_about(examples_md):
    text, result = examples_md
    # CHYY is 送审: marked wherever it is a heading, noted above its 一览表, warned on the console
    assert "### 巢湖市第一人民医院（CHYY）（未经集体研究确认）" in _part(text, 4)
    assert "尚未经集体研究确认，以下内容仅供审核，不得公示" in _part(text, 4)
    assert "### 巢湖市卫生局（CHWSJ）\n" in text  # 已确认: no mark
    assert [n for n in result.notes if "未经集体研究确认" in n] == [
        "examples/units/chyy.yaml：单位状态为「送审」，尚未经集体研究确认；手册中该单位标注“（未经集体研究确认）”"]


def test_every_table_row_has_a_power_and_numbers_read_right(examples_md):
    text, _ = examples_md
    rows = [line.split(" | ") for line in _part(text, 4).splitlines() if re.match(r"\| \d+ \| ", line)]
    assert rows and all(cells[4].strip() for cells in rows)  # 职权 never empty
    assert "| 岗位共性风险 | FX-41 |" in text
    assert "1.5万元" not in text and "前期预防：5万元以上资金使用必须提交党组会议" in text


def test_flow_headings_guides_and_dates(examples_md):
    text, _ = examples_md
    part5 = _part(text, 5)
    assert "外部流程（外部流程）" not in part5 and "内部流程（内部流程）" not in part5
    assert "#### LC-01 医疗机构执业许可外部流程\n" in part5
    # the 办事指南 of an external flow gives the time limit the power promises
    guide = part5[part5.index("#### LC-01 "):part5.index("#### LC-02 ")]
    assert "- 办理时限：法定45日，承诺20个工作日（不含申请人整改时间）" in guide
    assert "集体研究确认（2026-09-10）" not in text and "风险点和风险等级经2026年9月10日局党组会议集体研究确认。" in text


def test_repealed_institutions_apart_and_attachments_printed(examples_md):
    text, _ = examples_md
    part6 = _part(text, 6)
    table = [line for line in part6.splitlines() if line.startswith("| ZD-")]
    assert table and not any("废止" in line for line in table)
    assert "同时废止的制度：ZD-07 医疗机构审批工作规程（2013年版）（2026-07-20废止，由ZD-01取代）。" in part6
    part7 = _part(text, 7)
    assert "%E" not in part7 and ".csv" not in part7
    assert "| 巢湖市卫生局 | 局机关公示栏及局网站 | 2026-09-15 | 7个工作日 | 2条 |" in part7
