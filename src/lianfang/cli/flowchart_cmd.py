"""``lianfang flowchart``: the power-operation flowcharts (权力运行流程图) of workbooks, via Graphviz."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from lianfang.cli.common import (
    EXIT_ERROR,
    EXIT_FINDINGS,
    EXIT_OK,
    ForceOption,
    LangOption,
    err,
    fail,
    out,
)
from lianfang.config import ConfigError, Settings, build_settings
from lianfang.discover import DiscoveryError, display_path, find_workbooks, is_workbook_name
from lianfang.findings import FileReport
from lianfang.flowchart import DEFAULT_FONT, WorkbookCharts, plan_workbook
from lianfang.flowchart.pages import CHOICES as PAGE_CHOICES
from lianfang.flowchart.render import (
    ChartFormat,
    GraphvizMissing,
    Outcome,
    Status,
    cjk_font_installed,
    find_dot,
    missing_dot_message,
    no_cjk_font_message,
    render_all,
)
from lianfang.i18n import tr
from lianfang.io.atomic import OutputError
from lianfang.model.vocab import FlowKind
from lianfang.pipeline import check_workbook

HELP_ZH = """用 Graphviz 绘制权力运行流程图：内部流程图每个责任主体（科室）一条泳道，框内写岗位和时限，风险点标为 ▲FX-01 高（等级写成文字，黑白打印也看得出）；外部流程图画出办理程序，旁附办事指南（办理主体、依据、材料、时限、地点、电话、收费、监督渠道）。

默认按 A4 出图（--page a4）：pdf 为 A4 纸（横竖取印得更大的一种），svg/png 按可打印范围定尺寸；一页印不下（字小于 8 磅）的流程分页，用 ①→ 连接。风险点及防控措施表不在图中，加 --with-table 另出一张（pdf 为图后一页）。
每个流程一个文件，命名为 单位代码_流程编号_internal.svg 或 _external.svg，默认写入 flowcharts/；分页的图另有 _p2、_p3…，表为 _table。
不给 UNIT 时：当前文件夹有 handbook.yaml 则画其 units 列出的单位，否则画当前文件夹中的全部工作簿。
校验（validate）在某流程或其环节上报错误的，该流程不画并列出这些错误，其余流程照画。
内容未变的图不重新生成；不是 lianfang 生成的同名文件只有加 --force 才覆盖。
退出状态：0 全部画好；1 有流程因工作簿问题未画；2 命令无法执行（如未安装 Graphviz）。

示例：lianfang flowchart 单位.xlsx；lianfang flowchart units/ --internal --format pdf --with-table -o 图/；lianfang flowchart 单位.yaml --flow LC-01 --format dot"""
HELP_EN = """Draw the power-operation flowcharts with Graphviz: internal charts have a swimlane per responsible body (department), the post and time limit in each box, and risk points marked ▲FX-01 high (the level in words, so black-and-white prints keep it); external charts show the procedure with the applicant's guide beside it (handling body, basis, materials, time limit, place, phone, fee, supervision channels).

Charts are made for A4 by default (--page a4): pdf is an A4 sheet (portrait or landscape, whichever prints larger), svg/png are sized for the printable area; a flow that does not fit one page at 8 pt text is split over pages joined by ①→ marks. The risk points and their measures are not in the chart: --with-table draws them as a table of their own (a page after the chart in pdf).
One file per flow, named UNITCODE_FLOWID_internal.svg or _external.svg, in flowcharts/ by default; further pages are _p2, _p3…, the table _table.
Without UNIT: the units listed in ./handbook.yaml if there is one, else every workbook in the current folder.
A flow on which validate finds an error (in the flow or one of its steps) is not drawn and those errors are listed; the other flows are drawn.
A chart that did not change is not rendered again; a file of the same name that lianfang did not write is only replaced with --force.
Exit status: 0 all drawn; 1 some flow was not drawn because of the workbook; 2 the command could not run (e.g. Graphviz missing).

Example: lianfang flowchart unit.xlsx; lianfang flowchart units/ --internal --format pdf --with-table -o charts/; lianfang flowchart unit.yaml --flow LC-01 --format dot"""

HANDBOOK_CONFIG = "handbook.yaml"


def workbooks_here(folder: Path) -> list[Path]:
    """Without UNIT: the units of ./handbook.yaml, else the workbooks in the folder (not below)."""
    config = folder / HANDBOOK_CONFIG
    if config.is_file():
        return _project_units(config)
    found = sorted(p for p in folder.iterdir() if p.is_file() and is_workbook_name(p.name))
    if not found:
        raise DiscoveryError(tr("当前文件夹中没有工作簿文件（.xlsx、.yaml、.yml），也没有 handbook.yaml；请指定工作簿",
                                "no workbook file (.xlsx, .yaml, .yml) and no handbook.yaml in the current folder; name a workbook"))
    return found


def _project_units(config: Path) -> list[Path]:
    from lianfang.handbook.config import HandbookConfigError, load_project

    try:
        return load_project(config).unit_files()
    except HandbookConfigError as e:
        raise DiscoveryError("\n".join(e.problems)) from None


def _expand(paths: list[Path]) -> list[Path]:
    """Files and folders as given; a handbook.yaml among them stands for the units it lists."""
    from lianfang.handbook.config import is_config_file

    out: list[Path] = []
    for p in paths:
        out.extend(_project_units(p) if p.is_file() and is_config_file(p) else [p])
    return out


def _print_refusals(plan: WorkbookCharts) -> None:
    from lianfang.report.text import listing

    findings = list(plan.findings)
    for r in plan.refused:
        findings.extend(f for f in r.findings if f not in findings)
    console = err()
    for line in listing(FileReport(plan.path, plan.unit, findings)):
        console.print(line, markup=True, highlight=False, emoji=False)
    if plan.refused:
        ids = "、".join(r.flow_id or "?" for r in plan.refused)
        console.print("  " + escape(tr("未绘制的流程：{f}", "flows not drawn: {f}", f=ids)), highlight=False)
    elif plan.findings:
        console.print("  " + escape(tr("该文件无法绘制流程图", "no chart can be drawn from this file")), highlight=False)


def flowchart(
    units: Annotated[list[Path] | None, typer.Argument(
        metavar="UNIT",
        help=tr("工作簿文件、文件夹或 handbook.yaml（默认：当前文件夹）", "workbook files, folders or a handbook.yaml (default: the current folder)"),
        show_default=False)] = None,
    internal: Annotated[bool, typer.Option("--internal", help=tr("只画内部流程图", "draw internal flowcharts only"))] = False,
    external: Annotated[bool, typer.Option("--external", help=tr("只画外部流程图", "draw external flowcharts only"))] = False,
    flow: Annotated[list[str] | None, typer.Option("--flow", help=tr("只画这些流程：流程编号，或 单位代码:流程编号；可重复", "draw only these flows (flow ID, or UNITCODE:FLOWID); repeatable"), show_default=False)] = None,
    output_format: Annotated[str, typer.Option("--format", help=tr("输出格式：svg、png、pdf、dot", "output format: svg, png, pdf, dot"))] = "svg",
    output: Annotated[Path, typer.Option("--output", "-o", help=tr("输出文件夹", "output folder"))] = Path("flowcharts"),
    page: Annotated[str, typer.Option("--page", help=tr(
        "纸张：a4、a3 或 none。svg/png 按纸张可打印范围定尺寸，pdf 是真实纸张（横竖取能印得更大的一种）；"
        "一页印不下（字小于 8 磅）的流程分页，用 ①→ 连接",
        "paper: a4, a3 or none. svg/png are sized for the printable area, pdf is a real sheet (portrait or "
        "landscape, whichever prints larger); a flow that does not fit one page at 8 pt text is split over "
        "pages joined by ①→ marks"))] = "a4",
    with_table: Annotated[bool, typer.Option("--with-table", help=tr(
        "另附风险点及防控措施表：svg/png 为 …_table 文件，pdf 为图后的一页",
        "also draw the risk points and their measures as a table: …_table files for svg/png, pages after the chart in pdf"))] = False,
    font: Annotated[str, typer.Option("--font", help=tr("字体（可写多个，逗号分隔，依次尝试）", "font family (a comma-separated list is tried in order)"))] = DEFAULT_FONT,
    force: ForceOption = False,
    lang: LangOption = None,
) -> None:
    """Draw flowcharts (help: HELP_ZH / HELP_EN)."""
    try:
        fmt = ChartFormat(output_format.strip().lower())
    except ValueError:
        fail(tr("未知的输出格式「{f}」（可选：{c}）", "unknown format {f!r} (choose from {c})",
                f=output_format, c="、".join(f.value for f in ChartFormat)))
    paper = next((p for p in PAGE_CHOICES if p.value == page.strip().lower()), None)
    if paper is None:
        fail(tr("未知的纸张「{p}」（可选：{c}）", "unknown paper {p!r} (choose from {c})",
                p=page, c="、".join(p.value for p in PAGE_CHOICES)))
    font = font.strip()
    if not font or any(c in '\\"<>' or ord(c) < 32 for c in font):
        fail(tr("--font 应为字体名称，可用逗号分隔多个（不能为空，不能含 \\ \" < >）",
                "--font takes font family names, comma-separated (not empty, no \\ \" < >)"))
    try:  # lianfang.toml means the same to every command: a bad one stops this one too
        build_settings()
    except ConfigError as e:
        fail(str(e))
    dot = find_dot()
    if fmt is not ChartFormat.DOT and dot is None:
        fail(missing_dot_message())
    kinds = {k for k, on in ((FlowKind.INTERNAL, internal), (FlowKind.EXTERNAL, external)) if on} or None
    wanted = [w.strip() for w in flow or () if w.strip()]

    try:
        paths = _expand(units) if units else workbooks_here(Path.cwd())
        files = find_workbooks(paths)
    except DiscoveryError as e:
        fail(str(e))

    plans: list[WorkbookCharts] = []
    settings = Settings()  # the catalogue's severities: a flow is drawn when validate finds no error in it
    for w in files:
        checked = check_workbook(w.path, settings, w.display)
        plans.append(plan_workbook(checked.workbook, checked.report.findings, w.display, fmt, font, kinds, wanted,
                                   unit=checked.report.unit, page=paper, table=with_table))

    unmatched = [w for w in wanted if not any(w in p.matched for p in plans)]
    if unmatched:
        fail(tr("没有找到流程：{f}", "no such flow: {f}", f="、".join(unmatched)))

    # two workbooks of one unit code would write the same files (also on case-insensitive disks)
    owner: dict[str, str] = {}
    clashes: list[str] = []
    jobs = []
    for plan in plans:
        for job in plan.jobs:
            key = job.name.casefold()
            if key in owner and owner[key] != plan.path:
                clashes.append(tr("{a} 与 {b} 都会生成 {n}（单位代码相同？），{b} 的这张图未画",
                                  "{a} and {b} both make {n} (the same unit code?); not drawn for {b}",
                                  a=owner[key], b=plan.path, n=job.name))
                continue
            owner[key] = plan.path
            jobs.append(job)

    for plan in plans:
        if plan.refused or plan.findings:
            _print_refusals(plan)
    for message in clashes:
        err().print(f"[bold red]{tr('错误', 'error')}:[/] {escape(message)}", highlight=False)

    if fmt is not ChartFormat.DOT and jobs and cjk_font_installed() is False:
        err().print(f"[bold yellow]{tr('警告', 'warning')}:[/] {escape(no_cjk_font_message())}", highlight=False)

    console = out()

    def report(outcome: Outcome) -> None:
        if outcome.status is Status.WRITTEN:
            for path in outcome.files:
                console.print(escape(display_path(path)), highlight=False)

    try:
        outcomes = render_all(jobs, output, fmt, font, force=force, dot=dot, on_done=report)
    except GraphvizMissing:
        fail(missing_dot_message())
    except OutputError as e:
        fail(str(e))

    bad = [o for o in outcomes if o.status in (Status.REFUSED, Status.FAILED)]
    for o in bad:
        what = o.message if o.status is Status.REFUSED else tr("{p}：dot 出错：{e}", "{p}: dot failed: {e}", p=o.path, e=o.message)
        err().print(f"[bold red]{tr('错误', 'error')}:[/] {escape(what)}", highlight=False)

    written = sum(o.status is Status.WRITTEN for o in outcomes)
    unchanged = sum(o.status is Status.UNCHANGED for o in outcomes)
    not_drawn = sum(len(p.refused) for p in plans) + len(clashes)
    err().print(escape(tr(
        "流程图：新生成 {w} 张，未变化 {u} 张，未绘制 {n} 个流程，失败 {b} 张 → {o}",
        "flowcharts: {w} written, {u} unchanged, {n} flows not drawn, {b} failed → {o}",
        w=written, u=unchanged, n=not_drawn, b=len(bad), o=display_path(output))), highlight=False)

    if bad:
        raise typer.Exit(EXIT_ERROR)
    if not_drawn or any(p.findings for p in plans):
        raise typer.Exit(EXIT_FINDINGS)
    raise typer.Exit(EXIT_OK)
