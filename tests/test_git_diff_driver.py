"""``lianfang git-setup``'s aliases: ``git lfdiff`` / ``git lflog`` show semantic diffs of .xlsx
workbooks in a real git repository, while a plain ``git diff`` keeps the YAML textconv."""

from __future__ import annotations

import subprocess

from test_git_textconv import (  # noqa: F401
    NEW,
    OLD,
    assert_yaml_diff,
    commit_two_versions,
    env,
    git,
    lianfang,
    make_workbook,
    repo,
)


def test_lfdiff_shows_the_semantic_diff_and_plain_diff_stays_yaml(env, repo):  # noqa: F811
    assert lianfang(env, repo, "git-setup").returncode == 0
    commit_two_versions(env, repo)
    out = git(env, repo, "lfdiff", "HEAD~1", "HEAD")
    assert "lianfang diff a/unit.xlsx b/unit.xlsx" in out
    assert "共 1 处变化" in out and "风险描述修改" in out
    assert f"旧：{OLD}" in out and f"新：{NEW}" in out
    assert_yaml_diff(git(env, repo, "diff", "HEAD~1", "HEAD"))  # the default is unchanged


def test_lfdiff_takes_paths_from_a_subfolder_and_lflog_shows_history(env, repo):  # noqa: F811
    assert lianfang(env, repo, "git-setup").returncode == 0
    sub = repo / "sub"
    sub.mkdir()
    (sub / "readme.txt").write_text("x\n", encoding="utf-8")
    commit_two_versions(env, repo)
    out = git(env, sub, "lfdiff", "HEAD~1", "HEAD", "--", "../unit.xlsx")
    assert "风险描述修改" in out
    log = git(env, repo, "lflog", "--", "unit.xlsx")
    assert "风险描述修改" in log and "（新增文件）" in log  # the first commit adds the file


def test_lfdiff_of_an_unreadable_version_says_so_and_does_not_stop_git(env, repo):  # noqa: F811
    assert lianfang(env, repo, "git-setup").returncode == 0
    (repo / "unit.xlsx").write_bytes(b"not a zip")
    git(env, repo, "add", "-A")
    git(env, repo, "commit", "-q", "-m", "坏文件")
    path = repo.parent / "unit.yaml"
    from hostile import SMALL_YAML

    path.write_text(SMALL_YAML, encoding="utf-8")
    assert lianfang(env, repo, "convert", str(path), "unit.xlsx", "--force").returncode == 0
    git(env, repo, "commit", "-q", "-am", "修复")
    out = git(env, repo, "lfdiff", "HEAD~1", "HEAD")
    assert "无法读取 a/unit.xlsx" in out


def test_aliases_are_registered_once_and_globally(env, repo, tmp_path):  # noqa: F811
    assert lianfang(env, repo, "git-setup").returncode == 0
    assert lianfang(env, repo, "git-setup").returncode == 0
    assert git(env, repo, "config", "--get-all", "alias.lfdiff").count("\n") == 1
    alias = git(env, repo, "config", "--get", "alias.lflog")
    assert "diff.lianfang.command=" in alias and "--git-external" in alias and "log -p --ext-diff" in alias
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    assert lianfang(env, outside, "git-setup", "--global").returncode == 0
    assert "--git-external" in git(env, outside, "config", "--global", "--get", "alias.lfdiff")


def test_git_external_argument_count_is_checked(env, repo):  # noqa: F811
    result = lianfang(env, repo, "diff", "--git-external", "a", "b")
    assert result.returncode == 2 and "7" in result.stderr
    make_workbook(env, repo)
    # a new file: git passes /dev/null as the old version
    result = subprocess.run(["sh", "-c", '"$@"', "sh", *lianfang_cmd(), "diff", "--git-external", "unit.xlsx", "/dev/null", ".", ".",
                             "unit.xlsx", "abc", "100644"], cwd=repo, env=env, capture_output=True, text=True)
    assert result.returncode == 0 and "（新增文件）" in result.stdout


def lianfang_cmd() -> list[str]:
    import sys

    return [sys.executable, "-m", "lianfang"]
