"""``lianfang git-setup``: readable ``git diff`` of .xlsx workbooks, through a textconv driver.

git hands a textconv driver one file name and reads the text it prints, so the driver is
``lianfang convert --exit-zero``: ``convert IN`` with no OUT prints the workbook as YAML, and
``--exit-zero`` keeps a workbook with findings from aborting the diff. The attribute line
``*.xlsx diff=lianfang`` says which files use it. Both are added only when missing, so running
the command twice changes nothing. Two aliases, ``git lfdiff`` and ``git lflog``, run git diff and
git log -p with ``lianfang diff --git-external`` as the external diff driver of those files: the
semantic diff on request, the YAML text by default.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from lianfang.cli.common import LangOption, err, fail
from lianfang.i18n import tr
from lianfang.io.atomic import OutputError, write_atomic

HELP_ZH = """让 git diff、git log -p 把 .xlsx 工作簿显示为 YAML 文本，一眼看出改了哪个单元格。

在当前 git 仓库登记比较驱动（加 --global 则对本用户的所有仓库）：
git config diff.lianfang.textconv "lianfang convert --exit-zero"，
并在 .gitattributes 中加入 *.xlsx diff=lianfang（--global 时写入 git 的全局属性文件）。
另登记 git lfdiff、git lflog 两个别名：用 lianfang diff 逐项列出变化（风险点改写、升级、措施落实……），
参数同 git diff、git log。已登记的内容不会重复添加。请把 .gitattributes 一并提交，其他人各自运行一次本命令即可。

示例：lianfang git-setup；git lfdiff HEAD~1 -- units/chyy.xlsx"""
HELP_EN = """Make git diff and git log -p show .xlsx workbooks as YAML text, so a changed cell is plain to see.

Registers a diff driver in the current git repository (with --global: for all your repositories):
git config diff.lianfang.textconv "lianfang convert --exit-zero",
and adds *.xlsx diff=lianfang to .gitattributes (with --global: to git's global attributes file).
Also registers two aliases, git lfdiff and git lflog, that list changes item by item with lianfang diff
(risk points reworded, upgraded, measures done…); they take git diff's and git log's arguments.
Nothing already registered is added twice. Commit .gitattributes; everyone else runs this once.

Example: lianfang git-setup; git lfdiff HEAD~1 -- units/chyy.xlsx"""

DRIVER = "lianfang"
PATTERNS = ("*.xlsx", "*.xlsm")


def lianfang_command() -> str:
    """How git's shell calls lianfang: by name when on PATH, else (a virtual environment that is
    not activated) through the interpreter running this command."""
    if shutil.which("lianfang"):
        return "lianfang"
    return f"{shlex.quote(sys.executable)} -m lianfang"


def textconv_command() -> str:
    """The command git runs (through the shell) with a file name appended."""
    return f"{lianfang_command()} convert --exit-zero"


# git lfdiff / git lflog: git diff / git log -p with ``lianfang diff`` as the external diff of the
# files whose attribute is diff=lianfang. Only inside these aliases: a plain git diff keeps the
# YAML textconv (an external diff command set in the configuration would replace it everywhere).
ALIASES = {"lfdiff": "diff", "lflog": "log -p"}


def alias_command(git_command: str) -> str:
    """The shell alias: run from the folder git was called in (git runs a ! alias at the top of
    the work tree), the driver set for this one command."""
    setting = shlex.quote(f"diff.{DRIVER}.command={lianfang_command()} diff --git-external")
    return f'!f() {{ cd "${{GIT_PREFIX:-.}}" && git -c {setting} {git_command} --ext-diff "$@"; }}; f'


def _git(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8", errors="replace")
    except FileNotFoundError:
        fail(tr("找不到 git 命令，请先安装 git", "git is not installed (no git command found)"))


def global_attributes_file() -> Path:
    """git's global attributes file: core.attributesFile, else $XDG_CONFIG_HOME/git/attributes."""
    configured = _git("config", "--global", "--get", "core.attributesFile").stdout.strip()
    if configured:
        return Path(configured).expanduser()
    xdg = os.environ.get("XDG_CONFIG_HOME")
    base = Path(xdg) if xdg else Path.home() / ".config"
    return base / "git" / "attributes"


def missing_lines(text: str) -> list[str]:
    """The attribute lines not yet in ``text`` (a line naming the pattern and diff=lianfang)."""
    present = set()
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 2 and f"diff={DRIVER}" in fields[1:]:
            present.add(fields[0])
    return [f"{p} diff={DRIVER}" for p in PATTERNS if p not in present]


def add_attributes(path: Path) -> list[str]:
    """Append the missing lines to ``path`` (created if needed); returns what was added."""
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as e:
        fail(tr("无法读取 {p}：{e}", "cannot read {p}: {e}", p=path, e=e))
    added = missing_lines(text)
    if added:
        if text and not text.endswith("\n"):
            text += "\n"
        text += "".join(line + "\n" for line in added)
        try:
            # editing this file is the command's purpose: replacing it is not overwriting an output
            write_atomic(path, text, force=True)
        except OutputError as e:
            fail(str(e))
    return added


def git_setup(
    global_: Annotated[bool, typer.Option("--global", help=tr("对本用户的所有仓库生效（写入 ~/.gitconfig 和全局属性文件）",
                                                               "for all your repositories (~/.gitconfig and the global attributes file)"))] = False,
    lang: LangOption = None,
) -> None:
    """Register the textconv driver (help: HELP_ZH / HELP_EN)."""
    scope = "--global" if global_ else "--local"
    if global_:
        attributes = global_attributes_file()
    else:
        top = _git("rev-parse", "--show-toplevel", cwd=Path.cwd())
        if top.returncode != 0:
            fail(tr("当前文件夹不在 git 仓库中；请在仓库中运行，或加 --global", "not inside a git repository; run it in one, or use --global"))
        attributes = Path(top.stdout.strip()) / ".gitattributes"
    command = textconv_command()
    result = _git("config", scope, f"diff.{DRIVER}.textconv", command)
    if result.returncode != 0:
        fail(tr("git config 失败：{e}", "git config failed: {e}", e=result.stderr.strip()))
    for name, git_command in ALIASES.items():
        result = _git("config", scope, f"alias.{name}", alias_command(git_command))
        if result.returncode != 0:
            fail(tr("git config 失败：{e}", "git config failed: {e}", e=result.stderr.strip()))
    added = add_attributes(attributes)
    console = err()
    console.print(tr("已登记比较驱动：diff.{d}.textconv = {c}", "registered the diff driver: diff.{d}.textconv = {c}", d=DRIVER, c=command),
                  markup=False, highlight=False)
    if added:
        console.print(tr("已在 {p} 中加入：{l}", "added to {p}: {l}", p=attributes, l="、".join(added)), markup=False, highlight=False)
    else:
        console.print(tr("{p} 中已有这些设置，未改动", "{p} already has these lines; unchanged", p=attributes), markup=False, highlight=False)
    console.print(tr("现在 git diff、git log -p 会把 .xlsx 显示为 YAML。", "git diff and git log -p now show .xlsx files as YAML."),
                  markup=False, highlight=False)
    console.print(tr("git lfdiff、git lflog 用 lianfang diff 逐项列出风险点、措施的变化（参数同 git diff、git log）。",
                     "git lfdiff and git lflog list the changes of risk points and measures with lianfang diff (arguments as git diff, git log)."),
                  markup=False, highlight=False)
    if not global_ and added:
        console.print(tr("请提交 .gitattributes，其他人各自运行一次 lianfang git-setup。",
                         "Commit .gitattributes; everyone else runs lianfang git-setup once."), markup=False, highlight=False)
