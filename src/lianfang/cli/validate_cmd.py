"""``lianfang validate``: check workbooks against the rule catalogue and report every finding."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lianfang.cli.common import EXIT_FINDINGS, EXIT_OK, ForceOption, LangOption, emit, fail
from lianfang.config import ConfigError, Settings, build_settings
from lianfang.discover import DiscoveryError, find_workbooks
from lianfang.i18n import tr
from lianfang.io.atomic import OutputError, check_output
from lianfang.pipeline import check_workbook
from lianfang.report import FORMATS, RenderOptions, fails

HELP_ZH = """按规则目录（LF100–LF504）检查工作簿，报告每一处问题及其位置。

PATHS 可以是文件或文件夹（递归查找 .xlsx、.yaml、.yml，跳过 ~$ 开头的锁文件和隐藏文件夹）。
退出状态：0 没有错误；1 有错误（或 --strict 时有警告）；2 命令无法执行。
送审状态的工作簿在文本格式下写成可直接发回单位的《审核意见》。

示例：lianfang validate units/ --format github；lianfang validate 单位.xlsx --ignore LF305 --strict"""
HELP_EN = """Check workbooks against the rule catalogue (LF100–LF504) and report every finding with its location.

PATHS are files or folders (searched recursively for .xlsx, .yaml, .yml, skipping ~$ lock files and
hidden folders). Exit status: 0 no error; 1 errors (or warnings with --strict); 2 the command could
not run. A workbook with status 送审 is written, in text format, as a review opinion to send back.

Example: lianfang validate units/ --format github; lianfang validate unit.xlsx --ignore LF305 --strict"""


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
    paths: Annotated[list[Path], typer.Argument(help=tr("要检查的工作簿文件或文件夹", "workbook files or folders to check"), show_default=False, metavar="PATHS...")],
    output_format: Annotated[str, typer.Option("--format", metavar="FORMAT", help=tr("输出格式：text、json、github、junit、sarif、markdown", "output format: text, json, github, junit, sarif, markdown"))] = "text",
    select: Annotated[list[str] | None, typer.Option("--select", metavar="CODES", help=tr("只运行这些规则（代码或前缀，逗号分隔），如 LF3,LF402", "run only these rules (codes or prefixes, comma-separated), e.g. LF3,LF402"))] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", metavar="CODES", help=tr("不运行这些规则（代码或前缀）", "skip these rules (codes or prefixes)"))] = None,
    severity: Annotated[list[str] | None, typer.Option("--severity", metavar="CODE=LEVEL", help=tr("改变规则级别，如 LF402=error；off 关闭，可重复", "change a rule's severity, e.g. LF402=error; off turns it off; repeatable"))] = None,
    option: Annotated[list[str] | None, typer.Option("--option", metavar="CODE.KEY=VALUE", help=tr("规则选项，如 LF404.years=3，可重复", "rule option, e.g. LF404.years=3; repeatable"))] = None,
    strict: Annotated[bool, typer.Option("--strict", help=tr("有警告也以状态 1 退出", "exit 1 on warnings too"))] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", metavar="DATE", help=tr("按此日期检查轮岗和措施时限（默认今天），如 2026-12-31", "date for rotation and due-date checks (default today), e.g. 2026-12-31"), show_default=False)] = None,
    config: Annotated[Path | None, typer.Option("--config", metavar="FILE", help=tr("配置文件（默认从当前目录向上查找 lianfang.toml）", "configuration file (default: the nearest lianfang.toml upward)"), show_default=False)] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="FILE", help=tr("写入文件而不是标准输出", "write to a file instead of standard output"), show_default=False)] = None,
    force: ForceOption = False,
    since: Annotated[Path | None, typer.Option("--since", metavar="OLD", help=tr("与上次报送的版本比较：哪些问题已整改、仍未整改、新出现，发回重找的风险点是否已答复（只检查一个文件时可用）",
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
    options = RenderOptions(strict=strict, as_of=settings.as_of)
    emit(fmt.render(checked, options), markup=fmt.markup, output=output, force=force, inputs=inputs)
    raise typer.Exit(EXIT_FINDINGS if any(fails(c.report, strict) for c in checked) else EXIT_OK)
