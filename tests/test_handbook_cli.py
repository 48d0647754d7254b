"""``lianfang handbook init`` and ``lianfang handbook build`` as a user runs them: messages and exit status."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from lianfang.handbook.config import load_project

DOC_FOLDERS = ["1-有关法律法规", "2-三定方案", "6-制度", "7-工作资料", "8-其他材料"]


def run(runner, app, *args):
    result = runner.invoke(app, ["handbook", *args])
    assert "Traceback" not in result.output, result.output
    return result


def test_handbook_is_a_registered_command_group(runner, app):
    result = runner.invoke(app, ["--help"])
    assert "handbook" in result.output
    result = run(runner, app, "--help")
    assert result.exit_code == 0 and "init" in result.output and "build" in result.output


def test_init_scaffolds_a_project_that_builds(runner, app, tmp_path: Path, monkeypatch):
    folder = tmp_path / "手册"
    result = run(runner, app, "init", str(folder))
    assert result.exit_code == 0, result.output
    assert (folder / "handbook.yaml").is_file()
    units = list((folder / "units").iterdir())
    assert [p.name for p in units] == ["zgwsy.yaml"]
    for name in DOC_FOLDERS:
        readme = (folder / "docs" / name / "README.md").read_text(encoding="utf-8")
        assert readme.startswith("# 第") and "不收入手册" in readme
    project = load_project(folder / "handbook.yaml")
    assert project.config.organisation == "巢湖市卫生局" and project.config.year == 2026
    assert project.unit_files() == [folder / "units" / "zgwsy.yaml"]
    assert all(not entries for entries in project.documents().values())  # READMEs are not documents

    monkeypatch.chdir(folder)
    result = run(runner, app, "build", "--as-of", "2026-12-01")
    assert result.exit_code == 0, result.output
    assert "手册已生成" in result.stderr
    text = (folder / "build" / "handbook" / "handbook.md").read_text(encoding="utf-8")
    assert text.startswith("# 巢湖市卫生局廉政风险防控管理工作手册\n")
    assert "不收入手册" not in text


def test_init_options(runner, app, tmp_path: Path):
    result = run(runner, app, "init", str(tmp_path / "x"), "--organisation", "某市卫健委: #1", "--year", "2027")
    assert result.exit_code == 0
    config = load_project(tmp_path / "x" / "handbook.yaml").config
    assert (config.organisation, config.year, config.title) == ("某市卫健委: #1", 2027, "某市卫健委: #1廉政风险防控管理工作手册")


def test_init_refuses_a_non_empty_folder(runner, app, tmp_path: Path):
    (tmp_path / "mine.txt").write_text("mine", encoding="utf-8")
    result = run(runner, app, "init", str(tmp_path))
    assert result.exit_code == 2 and "不是空的" in result.stderr and "--force" in result.stderr
    assert not (tmp_path / "handbook.yaml").exists()
    result = run(runner, app, "init", str(tmp_path), "--force")
    assert result.exit_code == 0 and (tmp_path / "handbook.yaml").is_file()
    assert (tmp_path / "mine.txt").read_text(encoding="utf-8") == "mine"


def test_init_refuses_a_file(runner, app, tmp_path: Path):
    (tmp_path / "f").write_text("", encoding="utf-8")
    result = run(runner, app, "init", str(tmp_path / "f"))
    assert result.exit_code == 2 and "不是文件夹" in result.stderr


def _break(project: Path) -> None:
    path = project / "units" / "ta.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^  - \{id: M8,.*\n", "", text, flags=re.M), encoding="utf-8")


def test_build_refuses_on_errors_with_the_findings_printed(runner, app, project: Path):
    _break(project)
    result = run(runner, app, "build", str(project / "handbook.yaml"), "--as-of", "2026-12-01")
    assert result.exit_code == 1
    assert "units/ta.yaml" in result.stderr or "ta.yaml" in result.stderr
    assert "LF301" in result.stderr and "R3" in result.stderr
    assert "手册未生成" in result.stderr and "--force" in result.stderr
    assert not (project / "build" / "handbook" / "handbook.md").exists()


def test_forced_build_with_errors_writes_the_handbook_and_exits_1(runner, app, project: Path):
    _break(project)
    result = run(runner, app, "build", str(project / "handbook.yaml"), "--force", "--as-of", "2026-12-01")
    assert result.exit_code == 1
    assert "手册已生成" in result.stderr and "校验问题" in result.stderr
    assert "appendix-findings" in (project / "build" / "handbook" / "handbook.md").read_text(encoding="utf-8")


def test_build_warns_about_what_it_could_not_attach(runner, app, project: Path):
    result = run(runner, app, "build", str(project), "--as-of", "2026-12-01")  # a folder holding handbook.yaml
    assert result.exit_code == 0
    assert "警告" in result.stderr and "etc/passwd" in result.stderr


def test_bad_handbook_yaml_is_located(runner, app, project: Path):
    (project / "handbook.yaml").write_text("units: [units/*.yaml]\ntitel: x\nyear: 二〇二六\n", encoding="utf-8")
    result = run(runner, app, "build", str(project / "handbook.yaml"))
    assert result.exit_code == 2
    assert "handbook.yaml:2:1: titel: 未知的键" in result.stderr
    assert "handbook.yaml:3:7: year: 应为整数" in result.stderr


def test_path_escape_refused_on_the_command_line(runner, app, project: Path):
    (project / "handbook.yaml").write_text("units: [units/*.yaml]\ndocuments:\n  laws: [../../etc/passwd]\n", encoding="utf-8")
    result = run(runner, app, "build", str(project / "handbook.yaml"))
    assert result.exit_code == 2 and "handbook.yaml:3:10" in result.stderr and "项目文件夹" in result.stderr and "allow_outside" in result.stderr


def test_no_handbook_yaml_here(runner, app, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(runner, app, "build")
    assert result.exit_code == 2 and "handbook.yaml" in result.stderr and "handbook init" in result.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "html"], "未知的格式「html」"),
    (["--as-of", "明天"], "日期「明天」无效"),
    (["--templates", "no-such-folder"], "模板文件夹不存在"),
    (["--jobs", "-1"], "--jobs"),
])
def test_bad_options(runner, app, project: Path, args, message):
    result = run(runner, app, "build", str(project / "handbook.yaml"), *args)
    assert result.exit_code == 2 and message in result.stderr


def test_not_a_workbook_nor_a_config(runner, app, tmp_path: Path):
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    result = run(runner, app, "build", str(tmp_path / "notes.txt"))
    assert result.exit_code == 2 and "既不是 handbook.yaml，也不是单位工作簿" in result.stderr


def test_single_unit_build_and_formats(runner, app, project: Path, tmp_path: Path):
    out = tmp_path / "out"
    result = run(runner, app, "build", str(project / "units" / "ta.yaml"), "-o", str(out), "--format", "md")
    assert result.exit_code == 0, result.output
    assert (out / "handbook.md").is_file() and not (out / "handbook.xlsx").exists()
    (out / "handbook.md").write_text("edited by hand\n", encoding="utf-8")
    result = run(runner, app, "build", str(project / "units" / "ta.yaml"), "-o", str(out), "--format", "md,xlsx")
    assert result.exit_code == 2 and "已存在" in result.stderr and "--force" in result.stderr
    result = run(runner, app, "build", str(project / "units" / "ta.yaml"), "-o", str(out), "--format", "xlsx", "--format", "md", "-f")
    assert result.exit_code == 0 and (out / "handbook.xlsx").is_file()
    assert (out / "handbook.md").read_text(encoding="utf-8").startswith("# 测试甲医院")


def test_quiet_without_a_terminal(runner, app, project: Path):
    result = run(runner, app, "build", str(project / "handbook.yaml"), "--as-of", "2026-12-01")
    assert result.exit_code == 0
    assert "读取并校验单位" not in result.output and "绘制流程图" not in result.output
    assert result.stdout == ""


def test_messages_in_english(runner, app, project: Path):
    result = run(runner, app, "build", str(project / "handbook.yaml"), "--as-of", "2026-12-01", "--lang", "en")
    assert result.exit_code == 0 and "handbook built:" in result.stderr
    assert "## Contents" in (project / "build" / "handbook" / "handbook.md").read_text(encoding="utf-8")


def test_progress_only_on_a_terminal_outside_ci(monkeypatch):
    from rich.console import Console

    from lianfang.cli import handbook_cmd

    monkeypatch.setattr(handbook_cmd, "err", lambda: Console(force_terminal=True))
    monkeypatch.delenv("CI", raising=False)
    assert handbook_cmd._show_progress()
    monkeypatch.setenv("CI", "true")
    assert not handbook_cmd._show_progress()
    monkeypatch.delenv("CI")
    monkeypatch.setattr(handbook_cmd, "err", lambda: Console(force_terminal=False))
    assert not handbook_cmd._show_progress()


def test_progress_bar_on_a_terminal(runner, app, project: Path, monkeypatch):
    import io

    from rich.console import Console

    from lianfang.cli import handbook_cmd

    buffer = io.StringIO()
    monkeypatch.setenv("TERM", "xterm-256color")  # rich draws no live display on a dumb terminal
    monkeypatch.setattr(handbook_cmd, "err", lambda: Console(file=buffer, force_terminal=True, width=120))
    monkeypatch.delenv("CI", raising=False)
    result = run(runner, app, "build", str(project / "handbook.yaml"), "--as-of", "2026-12-01")
    assert result.exit_code == 0
    assert "读取并校验单位" in buffer.getvalue() and "绘制流程图" in buffer.getvalue()


def test_build_refuses_two_workbooks_of_one_unit_naming_both(runner, app, project: Path):
    twin = project / "units" / "ta-copy.yaml"
    shutil.copy(project / "units" / "ta.yaml", twin)
    for args in ((), ("--force",)):  # a unit twice is never a handbook, forced or not
        result = run(runner, app, "build", str(project / "handbook.yaml"), "--as-of", "2026-12-01", *args)
        assert result.exit_code == 1, result.output
        assert "units/ta-copy.yaml" in result.stderr and "units/ta.yaml" in result.stderr
        assert "出现在 2 个工作簿中" in result.stderr
        assert not (project / "build" / "handbook" / "handbook.md").exists()
