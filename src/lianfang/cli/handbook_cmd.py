"""``lianfang handbook``: the 廉政风险防控管理工作手册 — ``init`` a project, ``build`` the handbook."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from lianfang.cli.common import EXIT_FINDINGS, EXIT_OK, ForceOption, LangOption, err, fail
from lianfang.config import ConfigError, parse_date_option
from lianfang.discover import display_path
from lianfang.findings import FileReport, Severity
from lianfang.i18n import tr

HELP_ZH = """汇编廉政风险防控管理工作手册（附件1 四“整理文件资料，汇编工作手册”）：八个部分，Markdown、Excel 和 Word 格式（装有 LibreOffice 时另可生成 PDF）。

示例：lianfang handbook init 手册；cd 手册；lianfang handbook build"""
HELP_EN = """Compile the integrity-risk handbook (附件1 四): eight parts, in Markdown, Excel and Word (and PDF with LibreOffice).

Example: lianfang handbook init handbook; cd handbook; lianfang handbook build"""

INIT_HELP_ZH = """新建手册项目文件夹：handbook.yaml、units/（含一个示例单位工作簿）、docs/ 下第一、二、六、七、八部分的文件夹（各有 README 说明应放什么）。

文件夹已存在且不为空时拒绝，除非加 --force。

示例：lianfang handbook init 卫生系统手册 --organisation 巢湖市卫生局"""
INIT_HELP_EN = """Create a handbook project folder: handbook.yaml, units/ (with one example unit workbook), and docs/
folders for parts 1, 2, 6, 7 and 8 (each with a README saying what belongs there).

Refuses a folder that exists and is not empty, unless --force.

Example: lianfang handbook init health-handbook --organisation 巢湖市卫生局"""

BUILD_HELP_ZH = """生成手册：handbook.md（含 flowcharts/ 流程图和 attachments/ 附件）、handbook.xlsx 和 handbook.docx
（按公文格式排版的 Word 文件，模板为 templates/handbook.docx）；--format 加 pdf 时用 LibreOffice 另存 handbook.pdf。

参数可以是 handbook.yaml（或含它的文件夹），也可以是一个单位工作簿（生成该单位自己的手册，输出到 ./handbook/）；
不给参数时使用当前文件夹的 handbook.yaml。先按规则目录校验每个单位（设置取自 lianfang.toml）：有错误即列出问题、
不生成手册（退出状态 1）；加 --force 则照常生成，并在手册末尾附“校验问题”附录（目录中有链接），退出状态仍为 1。
lianfang 自己生成且未被改动的手册文件可直接重新生成；其他同名文件只有加 --force 才覆盖。
相同输入总是生成字节相同的文件（时间取 SOURCE_DATE_EPOCH，未设置时取手册年度的 1 月 1 日）。未变化的单位、
流程图和手册本身都从输出文件夹的缓存读取，不重复生成。

示例：lianfang handbook build；lianfang handbook build units/chyy.xlsx -o 手册/ --format docx,pdf"""
BUILD_HELP_EN = """Build the handbook: handbook.md (with flowcharts/ and attachments/), handbook.xlsx and handbook.docx
(laid out as an official document, template templates/handbook.docx); with pdf in --format, LibreOffice
also makes handbook.pdf.

The argument is a handbook.yaml (or a folder holding one) or a single unit workbook (that unit's own
handbook, written to ./handbook/); without one, ./handbook.yaml. Every unit is validated first (settings
from lianfang.toml): on an error the findings are listed and nothing is built (exit 1); with --force the
handbook is built anyway with a findings appendix linked from its contents, and the exit status is still 1.
A handbook file that lianfang wrote and nobody edited is rebuilt freely; any other file of
that name is only replaced with --force. The same inputs always give byte-identical files (times from
SOURCE_DATE_EPOCH, else 1 January of the handbook's year). Unchanged units, charts and the handbook itself
come from a cache in the output folder and are not made again.

Example: lianfang handbook build; lianfang handbook build units/chyy.xlsx -o out/ --format docx,pdf"""


def init(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help=tr("要新建的手册项目文件夹", "the project folder to create"), show_default=False)],
    organisation: Annotated[str | None, typer.Option("--organisation", help=tr("编制单位，默认取示例单位的上级单位", "compiling organisation (default: the example unit's superior)"), show_default=False)] = None,
    year: Annotated[int | None, typer.Option("--year", min=1900, max=2200, help=tr("手册年度，默认取示例单位的年度", "year of the handbook (default: the example unit's)"), show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", "-f", help=tr("允许在非空文件夹中生成，覆盖同名的脚手架文件", "scaffold into a non-empty folder (replacing the scaffold's own files)"))] = False,
    lang: LangOption = None,
) -> None:
    """Scaffold a handbook project (help: INIT_HELP_ZH / INIT_HELP_EN)."""
    from lianfang.handbook.project import ProjectError, init_project

    try:
        written = init_project(folder, force=force, organisation=organisation, year=year)
    except ProjectError as e:
        fail(str(e))
    console = err()
    for path in written:
        console.print(escape(display_path(path)), highlight=False)
    console.print(escape(tr("已新建手册项目 {p}；把各单位工作簿放入 units/，然后运行 lianfang handbook build",
                            "created the handbook project {p}; put the units' workbooks in units/, then run lianfang handbook build",
                            p=display_path(folder))), highlight=False)


class _ProgressReporter:
    """A progress bar over units and flowcharts, on a terminal only (quiet in CI and pipes)."""

    def __init__(self, progress: Progress | None):
        self.progress = progress
        self.tasks: dict[str, int] = {}

    def start(self, phase: str, total: int) -> None:
        if self.progress is None or total == 0:
            return
        label = {"units": tr("读取并校验单位", "reading and checking units"), "charts": tr("绘制流程图", "drawing flowcharts")}[phase]
        self.tasks[phase] = self.progress.add_task(label, total=total)

    def advance(self, phase: str) -> None:
        if self.progress is not None and phase in self.tasks:
            self.progress.advance(self.tasks[phase])


def _show_progress() -> bool:
    return err().is_terminal and not os.environ.get("CI")


def _formats(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    out: list[str] = []
    for v in values:
        for item in v.replace("，", ",").split(","):
            item = item.strip().lower()
            if item and item not in out:
                out.append(item)
    for item in out:
        if item not in ("md", "xlsx", "docx", "pdf"):
            fail(tr("未知的格式「{f}」（可选：md、xlsx、docx、pdf）", "unknown format {f!r} (choose from md, xlsx, docx, pdf)", f=item))
    return out or None


def build(
    target: Annotated[Path | None, typer.Argument(metavar="[CONFIG | UNIT]", help=tr("handbook.yaml、含它的文件夹或一个单位工作簿（默认 ./handbook.yaml）", "handbook.yaml, a folder holding one, or one unit workbook (default ./handbook.yaml)"), show_default=False)] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help=tr("输出文件夹（默认取 handbook.yaml 的 output）", "output folder (default: output in handbook.yaml)"), show_default=False)] = None,
    formats: Annotated[list[str] | None, typer.Option("--format", help=tr("输出格式，逗号分隔：md、xlsx、docx、pdf（默认 md,xlsx,docx；pdf 需要 LibreOffice）", "formats, comma-separated: md, xlsx, docx, pdf (default md,xlsx,docx; pdf needs LibreOffice)"), show_default=False)] = None,
    templates: Annotated[Path | None, typer.Option("--templates", help=tr("自己的模板文件夹：同名模板覆盖内置模板", "your template folder: a template of the same name overrides the built-in one"), show_default=False)] = None,
    force: ForceOption = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=0, help=tr("并行任务数（默认 0：每个 CPU 一个）", "parallel jobs (default 0: one per CPU)"))] = 0,
    as_of: Annotated[str | None, typer.Option("--as-of", help=tr("校验轮岗和措施时限所用的日期（默认今天）", "date for rotation and due-date checks (default today)"), show_default=False)] = None,
    lang: LangOption = None,
) -> None:
    """Build the handbook (help: BUILD_HELP_ZH / BUILD_HELP_EN)."""
    from lianfang.handbook.build import BuildError, BuildOptions, RepeatedUnitError, build_handbook

    try:
        as_of_date = parse_date_option(as_of) if as_of is not None else None
    except ConfigError as e:
        fail(str(e))
    if templates is not None and not templates.is_dir():
        fail(tr("模板文件夹不存在：{p}", "no such template folder: {p}", p=templates))
    options = BuildOptions(target=target, output=output, formats=_formats(formats), templates=templates,
                           force=force, jobs=jobs, as_of=as_of_date)
    console = err()
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=console, transient=True) if _show_progress() else None
    try:
        if progress is not None:
            with progress:
                result = build_handbook(options, _ProgressReporter(progress))
        else:
            result = build_handbook(options, _ProgressReporter(None))
    except RepeatedUnitError as e:  # the inputs are wrong, not the command: exit 1 as for findings
        fail(str(e), EXIT_FINDINGS)
    except BuildError as e:
        fail(str(e))

    if not result.built:
        from lianfang.report.text import listing

        for u in result.units:
            if u.errors:
                report = FileReport(u.display, u.workbook.code if u.workbook else None, u.findings)
                for line in listing(report):
                    console.print(line, markup=True, highlight=False, emoji=False)
        fail(tr("{n} 个错误，手册未生成。请改正后重试，或加 --force 强制生成（附校验问题附录）",
                "{n} errors: the handbook was not built. Fix them, or use --force to build it with a findings appendix",
                n=result.errors), EXIT_FINDINGS)

    for note in result.notes:
        console.print(f"[bold yellow]{tr('警告', 'warning')}:[/] {escape(note)}", highlight=False)
    risks = sum(len(u.workbook.risks) for u in result.units if u.workbook is not None)
    summary = tr("手册未变化（输入都没有改变）：{files}（{u} 个单位，{r} 个风险点，{c} 张流程图）",
                 "handbook unchanged (no input changed): {files} ({u} units, {r} risk points, {c} flowcharts)") \
        if result.unchanged else tr("手册已生成：{files}（{u} 个单位，{r} 个风险点，{c} 张流程图）",
                                    "handbook built: {files} ({u} units, {r} risk points, {c} flowcharts)")
    console.print(escape(summary.format(files="、".join(display_path(p) for p in result.written), u=len(result.units),
                                        r=risks, c=result.charts)), highlight=False)
    if result.errors:
        warnings = sum(1 for _, f in result.findings if f.severity is Severity.WARNING)
        console.print(f"[bold yellow]{tr('警告', 'warning')}:[/] " + escape(tr(
            "工作簿有 {e} 个错误、{w} 个警告，已按 --force 生成并附“校验问题”附录",
            "the workbooks have {e} errors and {w} warnings; built with --force, with a findings appendix",
            e=result.errors, w=warnings)), highlight=False)
        raise typer.Exit(EXIT_FINDINGS)
    raise typer.Exit(EXIT_OK)


def create_app() -> typer.Typer:
    """The ``handbook`` command group; help texts in the language active now."""
    from lianfang.cli.words import LianfangCommand, LianfangGroup

    app = typer.Typer(cls=LianfangGroup, no_args_is_help=True, add_completion=False, rich_markup_mode="rich",
                      context_settings={"help_option_names": ["-h", "--help"]})
    app.command("init", cls=LianfangCommand, help=tr(INIT_HELP_ZH, INIT_HELP_EN))(init)
    app.command("build", cls=LianfangCommand, help=tr(BUILD_HELP_ZH, BUILD_HELP_EN))(build)
    return app
