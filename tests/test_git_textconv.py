"""``lianfang git-setup``: in a real git repository, a changed cell shows up in git diff as YAML."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from hostile import SMALL_YAML

OLD = "暗箱操作"
NEW = "暗箱操作，收受供应商回扣"


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    """A git environment that ignores the machine's own configuration."""
    home = tmp_path / "home"
    home.mkdir()
    e = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "XDG_CONFIG_HOME"))}
    e.update(HOME=str(home), GIT_CONFIG_NOSYSTEM="1", GIT_AUTHOR_NAME="廉防办", GIT_AUTHOR_EMAIL="lfb@example.org",
             GIT_COMMITTER_NAME="廉防办", GIT_COMMITTER_EMAIL="lfb@example.org", NO_COLOR="1", GIT_PAGER="cat",
             PAGER="cat")
    e.pop("LIANFANG_LANG", None)
    return e


def git(env, cwd: Path, *args: str) -> str:
    result = subprocess.run(["git", "-c", "core.quotepath=false", *args], cwd=cwd, env=env, capture_output=True)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    return result.stdout.decode("utf-8")


def lianfang(env, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lianfang", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, encoding="utf-8")


@pytest.fixture
def repo(tmp_path, env) -> Path:
    path = tmp_path / "units"
    path.mkdir()
    git(env, path, "init", "-q")
    return path


def make_workbook(env, repo: Path) -> Path:
    (repo.parent / "unit.yaml").write_text(SMALL_YAML, encoding="utf-8")
    result = lianfang(env, repo, "convert", str(repo.parent / "unit.yaml"), "unit.xlsx")
    assert result.returncode == 0, result.stderr
    return repo / "unit.xlsx"


def change_cell(path: Path) -> None:
    """What a unit does in Excel: one cell of 风险点 edited, the file saved."""
    book = openpyxl.load_workbook(path)
    cells = [c for row in book["风险点"].iter_rows() for c in row if c.value == OLD]
    assert len(cells) == 1
    cells[0].value = NEW
    book.save(path)


def commit_two_versions(env, repo: Path) -> None:
    path = make_workbook(env, repo)
    git(env, repo, "add", "-A")
    git(env, repo, "commit", "-q", "-m", "送审稿")
    change_cell(path)
    git(env, repo, "commit", "-q", "-am", "修改风险描述")


def assert_yaml_diff(diff: str) -> None:
    removed = [line for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert any(OLD in line and NEW not in line and "description:" in line for line in removed), diff
    assert any(NEW in line and "description:" in line for line in added), diff
    # only that line changed
    assert len(removed) == len(added) == 1, diff
    assert "Binary files" not in diff


def test_changed_cell_shows_as_yaml_in_diff_and_log(env, repo):
    result = lianfang(env, repo, "git-setup")
    assert result.returncode == 0, result.stderr
    assert (repo / ".gitattributes").read_text(encoding="utf-8") == "*.xlsx diff=lianfang\n*.xlsm diff=lianfang\n"
    commit_two_versions(env, repo)
    assert_yaml_diff(git(env, repo, "diff", "HEAD~1", "HEAD"))
    log = git(env, repo, "log", "-p", "--", "unit.xlsx")
    assert_yaml_diff(log.split("修改风险描述", 1)[1].split("送审稿", 1)[0])
    assert "risks:" in log and "unit:" in log  # the first commit shows the whole workbook as YAML


def test_uncommitted_change_shows_as_yaml(env, repo):
    assert lianfang(env, repo, "git-setup").returncode == 0
    path = make_workbook(env, repo)
    git(env, repo, "add", "-A")
    git(env, repo, "commit", "-q", "-m", "初稿")
    change_cell(path)
    assert_yaml_diff(git(env, repo, "diff"))


def test_without_setup_the_diff_is_binary(env, repo):
    commit_two_versions(env, repo)
    assert "Binary files" in git(env, repo, "diff", "HEAD~1", "HEAD")


def test_setup_twice_adds_nothing_and_keeps_existing_lines(env, repo):
    (repo / ".gitattributes").write_text("*.png binary", encoding="utf-8")  # no final newline
    assert lianfang(env, repo, "git-setup").returncode == 0
    second = lianfang(env, repo, "git-setup")
    assert second.returncode == 0 and "未改动" in second.stderr
    assert (repo / ".gitattributes").read_text(encoding="utf-8") == "*.png binary\n*.xlsx diff=lianfang\n*.xlsm diff=lianfang\n"
    assert git(env, repo, "config", "--get-all", "diff.lianfang.textconv").count("\n") == 1


def test_textconv_command_is_convert_exit_zero(env, repo):
    assert lianfang(env, repo, "git-setup").returncode == 0
    command = git(env, repo, "config", "--get", "diff.lianfang.textconv").strip()
    assert command.endswith("lianfang convert --exit-zero")
    # what git runs: the command, through the shell, with one file name appended
    make_workbook(env, repo)
    result = subprocess.run(["sh", "-c", f'{command} "$@"', command, "unit.xlsx"], cwd=repo, env=env, capture_output=True)
    assert result.returncode == 0 and OLD.encode() in result.stdout and result.stdout.startswith((b"#", b"unit:"))


def test_global_setup_serves_every_repository(env, repo, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    result = lianfang(env, outside, "git-setup", "--global")
    assert result.returncode == 0, result.stderr
    attributes = Path(env["HOME"]) / ".config" / "git" / "attributes"
    assert attributes.read_text(encoding="utf-8") == "*.xlsx diff=lianfang\n*.xlsm diff=lianfang\n"
    assert "lianfang convert --exit-zero" in git(env, outside, "config", "--global", "--get", "diff.lianfang.textconv")
    assert not (repo / ".gitattributes").exists()
    commit_two_versions(env, repo)
    assert_yaml_diff(git(env, repo, "diff", "HEAD~1", "HEAD"))


def test_global_setup_uses_a_configured_attributes_file(env, tmp_path):
    custom = tmp_path / "my-attributes"
    git(env, tmp_path, "config", "--global", "core.attributesFile", str(custom))
    assert lianfang(env, tmp_path, "git-setup", "--global").returncode == 0
    assert custom.read_text(encoding="utf-8") == "*.xlsx diff=lianfang\n*.xlsm diff=lianfang\n"


def test_outside_a_repository_is_exit_2(env, tmp_path):
    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    result = lianfang(env, outside, "git-setup")
    assert result.returncode == 2 and "git 仓库" in result.stderr and "Traceback" not in result.stderr
    result = lianfang(env, outside, "git-setup", "--lang", "en")
    assert result.returncode == 2 and "not inside a git repository" in result.stderr


def test_unreadable_workbook_does_not_break_the_diff(env, repo):
    """A corrupt .xlsx in history: the textconv prints nothing and git diff still works."""
    assert lianfang(env, repo, "git-setup").returncode == 0
    (repo / "unit.xlsx").write_bytes(b"not a zip")
    git(env, repo, "add", "-A")
    git(env, repo, "commit", "-q", "-m", "坏文件")
    make_workbook_forced(env, repo)
    git(env, repo, "commit", "-q", "-am", "修复")
    diff = git(env, repo, "diff", "HEAD~1", "HEAD")
    added = [line for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert any(OLD in line and "description:" in line for line in added), diff
    assert not any(line.startswith("-") and not line.startswith("---") for line in diff.splitlines())


def make_workbook_forced(env, repo: Path) -> None:
    (repo.parent / "unit.yaml").write_text(SMALL_YAML, encoding="utf-8")
    result = lianfang(env, repo, "convert", str(repo.parent / "unit.yaml"), "unit.xlsx", "--force")
    assert result.returncode == 0, result.stderr
