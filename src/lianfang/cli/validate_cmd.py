"""``lianfang validate``: check workbooks against the rule catalogue and report every finding."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lianfang.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    ForceOption,
    LangOption,
    colour_terminal,
    emit,
    err,
    fail,
)
from lianfang.cli.words import help_text
from lianfang.config import ConfigError, Settings, build_settings
from lianfang.discover import DiscoveryError, WorkbookFile, find_workbooks, plainly_not_a_workbook
from lianfang.i18n import tr
from lianfang.io.atomic import OutputError, check_output
from lianfang.pipeline import check_workbook
from lianfang.report import FORMATS, RenderOptions, fails
from lianfang.speed import gc_paused

HELP_ZH = """按规则目录（LF100–LF506）检查工作簿，报告每一处问题及其位置。

PATHS 可以是文件或文件夹（递归查找 .xlsx、.yaml、.yml，跳过 ~$ 开头的锁文件和隐藏文件夹）。
退出状态：0 没有错误；1 有错误（或 --strict 时有警告）；2 命令无法执行。
文本格式（默认）是简明清单，适合提交钩子和 CI；--format review 把每个工作簿写成可直接发回单位的《审核意见》。

示例：lianfang validate units/ --format github；lianfang validate 单位.xlsx --ignore LF305 --strict"""
HELP_EN = """Check workbooks against the rule catalogue (LF100–LF506) and report every finding with its location.

PATHS are files or folders (searched recursively for .xlsx, .yaml, .yml, skipping ~$ lock files and
hidden folders). Exit status: 0 no error; 1 errors (or warnings with --strict); 2 the command could
not run. The text format (default) is a compact listing, as a commit hook or CI shows it;
--format review writes each workbook's review opinion (审核意见) to send back to the unit.

Example: lianfang validate units/ --format github; lianfang validate unit.xlsx --ignore LF305 --strict"""

def _without_non_workbooks(files: list[WorkbookFile], paths: list[Path], skip_named: bool) -> tuple[list[WorkbookFile], list[str]]:
    """Drop the YAML files that are plainly not workbooks: always when a folder search found them,
    and when named on the command line only with ``--skip-non-workbooks`` (named, it is LF101)."""
    named = {p.resolve() for p in paths if not p.is_dir()}
    kept, skipped = [], []
    for w in files:
        if (skip_named or w.path.resolve() not in named) and plainly_not_a_workbook(w.path):
            skipped.append(w.display)
        else:
            kept.append(w)
    return kept, skipped


def _since_view(old_path: Path, checked: list, settings: Settings):
    """The comparison with the earlier submission (lianfang.diff.since); OLD must be readable."""
    from lianfang.diff import diff_workbooks
    from lianfang.diff.since import since_view

    old = check_workbook(old_path, settings, str(old_path))
    new = checked[0]
    if old.workbook is None:
        reason = "；".join(f.message for f in old.report.findings[:3])
        fail(tr("无法读取 --since 指定的文件 {p}：{r}", "cannot read the --since file {p}: {r}", p=old_path, r=reason))
    diff = diff_workbooks(old.workbook, new.workbook) if new.workbook is not None else None
    return since_view(str(old_path), old.report.findings, new.report.findings, old.workbook, new.workbook, diff)


def validate(
    paths: Annotated[list[Path], typer.Argument(help=help_text("要检查的工作簿文件或文件夹", "workbook files or folders to check"), show_default=False, metavar="PATHS...")],
    output_format: Annotated[str, typer.Option("--format", metavar="FORMAT", help=help_text("输出格式：text、review（审核意见）、json、github、junit、sarif、markdown", "output format: text, review (审核意见), json, github, junit, sarif, markdown"))] = "text",
    select: Annotated[list[str] | None, typer.Option("--select", metavar="CODES", help=help_text("只运行这些规则：代码或前缀，逗号分隔，如 LF3,LF402", "run only these rules (codes or prefixes, comma-separated), e.g. LF3,LF402"))] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", metavar="CODES", help=help_text("不运行这些规则（代码或前缀）", "skip these rules (codes or prefixes)"))] = None,
    severity: Annotated[list[str] | None, typer.Option("--severity", metavar="CODE=LEVEL", help=help_text("改变规则级别，如 LF402=error；off 关闭，可重复", "change a rule's severity, e.g. LF402=error; off turns it off; repeatable"))] = None,
    option: Annotated[list[str] | None, typer.Option("--option", metavar="CODE.KEY=VALUE", help=help_text("规则选项，如 LF404.years=3，可重复", "rule option, e.g. LF404.years=3; repeatable"))] = None,
    strict: Annotated[bool, typer.Option("--strict", help=help_text("有警告也以状态 1 退出", "exit 1 on warnings too"))] = False,
    skip_non_workbooks: Annotated[bool, typer.Option("--skip-non-workbooks", help=help_text(
        "明确列出的 YAML 文件，若显然不是工作簿，即没有工作簿的任何顶层键，也跳过，如提交钩子传入的 .pre-commit-config.yaml；文件夹中的此类文件总是跳过",
        "skip a YAML file named explicitly too when it is plainly not a workbook (none of the workbook's top-level keys), "
        "as a commit hook passes .pre-commit-config.yaml; such files found in a folder are always skipped"))] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", metavar="DATE", help=help_text("按此日期检查轮岗和措施时限，默认今天，如 2026-12-31", "date for rotation and due-date checks (default today), e.g. 2026-12-31"), show_default=False)] = None,
    config: Annotated[Path | None, typer.Option("--config", metavar="FILE", help=help_text("配置文件，默认从当前目录向上查找 lianfang.toml", "configuration file (default: the nearest lianfang.toml upward)"), show_default=False)] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="FILE", help=help_text("写入文件而不是标准输出", "write to a file instead of standard output"), show_default=False)] = None,
    force: ForceOption = False,
    since: Annotated[Path | None, typer.Option("--since", metavar="OLD", help=help_text("与上次报送的版本比较：哪些问题已整改、仍未整改、新出现，发回重找的风险点是否已答复（只检查一个文件时可用）",
                                                                                "compare with the earlier submission OLD: findings fixed, remaining and new, and whether each risk point sent back was answered (one file only)"), show_default=False)] = None,
    lang: LangOption = None,
) -> None:
    """Check workbooks (help: HELP_ZH / HELP_EN)."""
    fmt = FORMATS.get(output_format.strip().lower())
    if fmt is None:
        fail(tr("未知的输出格式「{f}」（可选：{c}）", "unknown format {f!r} (choose from {c})", f=output_format, c="、".join(FORMATS)))
    try:
        settings = build_settings(config, select, ignore, severity, option, as_of)
        files = find_workbooks(paths)
    except (ConfigError, DiscoveryError) as e:
        fail(str(e))
    files, skipped = _without_non_workbooks(files, paths, skip_non_workbooks)
    if skipped:
        err().print(tr("跳过 {n} 个不是工作簿的 YAML 文件：{f}", "skipped {n} YAML file(s) that are not workbooks: {f}",
                       n=len(skipped), f="、".join(skipped)), markup=False, highlight=False)
    if not files:
        raise typer.Exit(EXIT_OK)
    inputs = [w.path for w in files]
    if since is not None:
        if len(files) != 1:
            fail(tr("--since 只能用于检查一个文件（找到 {n} 个）", "--since needs exactly one file to check (found {n})", n=len(files)))
        if not since.is_file():
            fail(tr("--since 指定的文件不存在：{p}", "--since: no such file: {p}", p=since))
        inputs.append(since)
    if output is not None:
        try:
            check_output(output, force=force, inputs=inputs)
        except OutputError as e:
            fail(str(e))
    checked = [check_workbook(w.path, settings, w.display) for w in files]
    if since is not None:
        checked[0].since = _since_view(since, checked, settings)
    options = RenderOptions(strict=strict, as_of=settings.as_of, color=fmt.styled and output is None and colour_terminal(),
                            skipped=len(skipped))
    with gc_paused():  # a report of 55,000 findings makes half a million dicts and strings, none in a cycle
        rendered = fmt.render(checked, options)
    emit(rendered, output=output, force=force, inputs=inputs)
    raise typer.Exit(EXIT_FINDINGS if any(fails(c.report, strict) for c in checked) else EXIT_OK)
