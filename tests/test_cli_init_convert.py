"""``lianfang init`` and ``lianfang convert``: outputs, messages, exit statuses, every error path."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from lianfang.data import example_text, example_workbook
from lianfang.findings import flatten
from lianfang.io.xlsx_reader import read_xlsx
from lianfang.io.xlsx_writer import write_xlsx
from lianfang.io.yaml_reader import read_yaml
from lianfang.io.yaml_writer import dump_yaml
from lianfang.rules.reading import reader_findings

ROOT = Path(__file__).resolve().parent.parent


def _run(runner, app, *args):
    result = runner.invoke(app, list(map(str, args)))
    assert "Traceback" not in result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


def _unit_gaps(findings):
    return flatten(findings, "code", "field") == [("LF103", "name"), ("LF103", "code")]


@pytest.fixture
def example_yaml(tmp_path):
    path = tmp_path / "zgwsy.yaml"
    path.write_bytes(example_text())
    return path


@pytest.fixture
def example_xlsx(tmp_path):
    path = tmp_path / "zgwsy.xlsx"
    write_xlsx(example_workbook(), path, force=False)
    return path


# -- init ------------------------------------------------------------------------------------


def test_init_blank_xlsx(runner, app, tmp_path):
    target = tmp_path / "本单位.xlsx"
    result = _run(runner, app, "init", target)
    assert result.exit_code == 0
    assert "已新建" in result.stderr and result.stdout == ""
    assert _unit_gaps(reader_findings(read_xlsx(target).problems))
    assert "填表说明" in openpyxl.load_workbook(target).sheetnames


def test_init_blank_yaml_is_the_commented_template(runner, app, tmp_path):
    target = tmp_path / "unit.yml"
    assert _run(runner, app, "init", target).exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert "  name:" in text and "# 必填。" in text and "#   - {id: GW-01" in text
    assert _unit_gaps(reader_findings(read_yaml(target).problems))


@pytest.mark.parametrize("name", ["ex.xlsx", "ex.yaml"])
def test_init_example_reads_back_without_any_finding(runner, app, tmp_path, name):
    target = tmp_path / name
    assert _run(runner, app, "init", target, "--example").exit_code == 0
    result = read_xlsx(target) if name.endswith(".xlsx") else read_yaml(target)
    assert reader_findings(result.problems) == []
    assert result.workbook.to_data() == example_workbook().to_data()
    if name.endswith(".yaml"):
        assert target.read_bytes() == example_text()


def test_bundled_example_passes_every_rule():
    from lianfang.config import Settings
    from lianfang.pipeline import check_workbook

    report = check_workbook(example_path := _bundled_example_path(), Settings()).report
    assert flatten(report.findings, "code", "object", "message") == [], example_path


def _bundled_example_path():
    from importlib.resources import as_file, files

    with as_file(files("lianfang.data").joinpath("example.yaml")) as p:
        return p


@pytest.mark.parametrize("suffix", [".csv", ".xlsm", ".xls", ""])
def test_init_refuses_an_unknown_extension(runner, app, tmp_path, suffix):
    target = tmp_path / f"unit{suffix}"
    result = _run(runner, app, "init", target)
    assert result.exit_code == 2
    assert f"不支持的扩展名「{suffix or target.name}」" in result.stderr
    assert not target.exists()


def test_init_refuses_an_existing_file_without_force(runner, app, tmp_path):
    target = tmp_path / "unit.xlsx"
    target.write_bytes(b"someone's work")
    result = _run(runner, app, "init", target)
    assert result.exit_code == 2
    assert "已存在" in result.stderr and "--force" in result.stderr
    assert target.read_bytes() == b"someone's work"
    assert _run(runner, app, "init", target, "--force").exit_code == 0
    assert _unit_gaps(reader_findings(read_xlsx(target).problems))


def test_init_refuses_a_folder(runner, app, tmp_path):
    folder = tmp_path / "units.xlsx"
    folder.mkdir()
    result = _run(runner, app, "init", folder, "--force")
    assert result.exit_code == 2 and "文件夹" in result.stderr


def test_init_speaks_english_with_lang_en(runner, app, tmp_path):
    result = _run(runner, app, "init", tmp_path / "u.txt", "--lang", "en")
    assert result.exit_code == 2 and "unsupported extension '.txt'" in result.stderr


def test_outputs_get_the_usual_file_mode(runner, app, tmp_path):
    old = os.umask(0o022)
    try:
        target = tmp_path / "u.xlsx"
        assert _run(runner, app, "init", target).exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


# -- convert ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "out"), [("yaml", "xlsx"), ("xlsx", "yaml"), ("yaml", "yaml"), ("xlsx", "xlsx")])
def test_convert_between_formats_keeps_the_model(runner, app, tmp_path, example_yaml, example_xlsx, source, out):
    src = example_yaml if source == "yaml" else example_xlsx
    target = tmp_path / f"out.{out}"
    result = _run(runner, app, "convert", src, target)
    assert result.exit_code == 0, result.stderr
    assert f"已写出 {target}" in result.stderr and result.stdout == ""
    back = read_xlsx(target) if out == "xlsx" else read_yaml(target)
    assert reader_findings(back.problems) == []
    assert back.workbook.to_data() == example_workbook().to_data()
    if out == "yaml":
        assert target.read_bytes() == example_text()


@pytest.mark.parametrize("args", [["-"], []])
def test_convert_to_stdout_writes_only_the_yaml(runner, app, example_xlsx, args):
    result = _run(runner, app, "convert", example_xlsx, *args)
    assert result.exit_code == 0
    assert result.stdout == dump_yaml(example_workbook())
    assert result.stderr == ""


def _xlsx_with_problems(path):
    write_xlsx(example_workbook(), path, force=False)
    book = openpyxl.load_workbook(path)
    book["风险点"]["F3"] = "很高"  # not 高/中/低
    book["岗位"]["F2"] = "去年春天"  # not a date
    book.save(path)
    return path


def test_convert_reports_problems_with_locations_on_stderr_and_exits_1(runner, app, tmp_path):
    src = _xlsx_with_problems(tmp_path / "bad.xlsx")
    result = _run(runner, app, "convert", src, "-")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("岗位!F2 LF105 ")
    assert lines[1].startswith("风险点!F3 LF104 「风险等级」的值「很高」不在可选范围内")
    # standard output is the YAML of what could be read, nothing else
    data = read_yaml("x.yaml", data=result.stdout.encode()).workbook
    assert data.risks[1].id == "FX-02" and data.posts[0].since is None
    assert result.stdout.startswith("# yaml-language-server:")


def test_convert_exit_zero_for_git_textconv(runner, app, tmp_path):
    src = _xlsx_with_problems(tmp_path / "bad.xlsx")
    result = _run(runner, app, "convert", "--exit-zero", src)
    assert result.exit_code == 0 and "LF104" in result.stderr
    assert result.stdout.startswith("# yaml-language-server:")


def test_convert_writes_what_could_be_read_to_a_file(runner, app, tmp_path):
    src = tmp_path / "bad.yaml"
    src.write_text(example_text().decode().replace("level: 高", "level: 极高", 1), encoding="utf-8")
    target = tmp_path / "out.xlsx"
    result = _run(runner, app, "convert", src, target)
    assert result.exit_code == 1
    assert f"{src}:" in result.stderr and " LF104 " in result.stderr
    assert "读取时有 1 个错误" in result.stderr
    back = read_xlsx(target)
    assert flatten(reader_findings(back.problems), "code", "object", "field") == [("LF103", "FX-01", "level")]


def test_convert_an_unreadable_file_writes_nothing(runner, app, tmp_path):
    src = tmp_path / "broken.xlsx"
    src.write_bytes(b"this is not a zip file")
    target = tmp_path / "out.yaml"
    result = _run(runner, app, "convert", src, target)
    assert result.exit_code == 1
    assert " LF100 " in result.stderr and "未写出" in result.stderr
    assert not target.exists()
    assert _run(runner, app, "convert", src, "-").stdout == ""


def test_convert_warns_about_list_items_that_would_split(runner, app, tmp_path):
    src = tmp_path / "u.yaml"
    src.write_text(example_text().decode().replace("新生儿父母身份证件,", "陈述、申辩书面材料,"), encoding="utf-8")
    result = _run(runner, app, "convert", src, tmp_path / "u.xlsx")
    assert result.exit_code == 0
    assert "警告：流程 LC-03「所需材料」的一项「陈述、申辩书面材料」含有分隔符" in result.stderr


def test_convert_missing_input(runner, app, tmp_path):
    result = _run(runner, app, "convert", tmp_path / "nothere.xlsx", tmp_path / "out.yaml")
    assert result.exit_code == 2 and "不存在" in result.stderr
    assert not (tmp_path / "out.yaml").exists()


def test_convert_input_folder(runner, app, tmp_path):
    (tmp_path / "d.yaml").mkdir()
    result = _run(runner, app, "convert", tmp_path / "d.yaml", "-")
    assert result.exit_code == 2 and "文件夹" in result.stderr


def test_convert_unknown_input_extension(runner, app, tmp_path):
    src = tmp_path / "u.csv"
    src.write_bytes(b"a,b\n")
    result = _run(runner, app, "convert", src, "-")
    assert result.exit_code == 2 and "不支持的输入文件类型「.csv」" in result.stderr and ".xls、.ods" in result.stderr


@pytest.mark.parametrize("name", ["u.csv", "u.xlsm", "u"])
def test_convert_unknown_output_extension(runner, app, tmp_path, example_yaml, name):
    result = _run(runner, app, "convert", example_yaml, tmp_path / name)
    assert result.exit_code == 2 and "不支持的输出文件类型" in result.stderr
    assert not (tmp_path / name).exists()


def test_convert_refuses_an_existing_output_without_force(runner, app, tmp_path, example_yaml):
    target = tmp_path / "u.xlsx"
    target.write_bytes(b"keep")
    result = _run(runner, app, "convert", example_yaml, target)
    assert result.exit_code == 2 and "已存在" in result.stderr
    assert target.read_bytes() == b"keep"
    assert _run(runner, app, "convert", example_yaml, target, "--force").exit_code == 0
    assert reader_findings(read_xlsx(target).problems) == []


def test_convert_refuses_to_write_its_input_even_with_force(runner, app, example_yaml):
    before = example_yaml.read_bytes()
    result = _run(runner, app, "convert", example_yaml, example_yaml, "--force")
    assert result.exit_code == 2 and "就是输入文件" in result.stderr
    assert example_yaml.read_bytes() == before


def test_convert_never_modifies_its_input(runner, app, tmp_path, example_xlsx):
    before = example_xlsx.read_bytes()
    assert _run(runner, app, "convert", example_xlsx, tmp_path / "o.yaml").exit_code == 0
    assert example_xlsx.read_bytes() == before


def test_convert_bad_option_is_exit_2(runner, app, example_yaml):
    result = runner.invoke(app, ["convert", str(example_yaml), "-", "--no-such-option"])
    assert result.exit_code == 2


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_convert_works_as_a_git_textconv_driver(tmp_path, example_xlsx):
    repo = tmp_path / "repo"
    repo.mkdir()

    def git(*args):
        return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True,
                              env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path),
                                   "LIANFANG_LANG": "zh"}).stdout

    git("init", "-q")
    git("config", "user.email", "t@example.org")
    git("config", "user.name", "t")
    git("config", "diff.lianfang.textconv", f"{sys.executable} -m lianfang convert --exit-zero")
    (repo / ".gitattributes").write_text("*.xlsx diff=lianfang\n")
    unit = repo / "unit.xlsx"
    shutil.copy(example_xlsx, unit)
    git("add", ".")
    git("commit", "-q", "-m", "unit")
    wb = example_workbook()
    risk = wb.risks[0].model_copy(update={"description": "采购计划超量编制"})
    write_xlsx(wb.model_copy(update={"risks": [risk, *wb.risks[1:]]}), unit, force=True)
    diff = git("diff")
    assert "-    description: 采购计划不按实际用量编制，超量采购或绕开集中采购平台线下采购\n" in diff
    assert "+    description: 采购计划超量编制\n" in diff


@pytest.mark.parametrize("name", ["blank.xlsx", "blank.yaml"])
def test_a_blank_workbook_validates_to_the_findings_docs_workbook_md_lists(runner, app, tmp_path, name):
    import collections
    import json

    target = tmp_path / name
    assert _run(runner, app, "init", target).exit_code == 0
    result = runner.invoke(app, ["validate", str(target), "--format", "json"])
    findings = json.loads(result.stdout)["files"][0]["findings"]
    assert collections.Counter(f["code"] for f in findings) == {"LF103": 2, "LF401": 3, "LF304": 3, "LF305": 5}
    assert "gives 13 findings (5 errors, 3 warnings, 5 notes)" in (ROOT / "docs" / "workbook.md").read_text(encoding="utf-8")
