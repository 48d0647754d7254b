"""``lianfang coverage``: the one-to-one coverage of a unit's risk points by measures (一对一)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lianfang.cli.common import EXIT_FINDINGS, ForceOption, LangOption, emit, err, fail
from lianfang.config import ConfigError, build_settings
from lianfang.coverage import compute_coverage
from lianfang.discover import display_path
from lianfang.i18n import tr
from lianfang.io.atomic import OutputError, check_output
from lianfang.pipeline import check_workbook
from lianfang.report import COVERAGE_FORMATS, RenderOptions
from lianfang.report.text import listing

HELP_ZH = """列出每个风险点及其前期预防、中期监控、后期处置措施（未覆盖的排在前面并标出），
并按岗位层次、风险等级、部门和风险类别统计覆盖情况。xlsx 格式生成可直接打印的表（须用 -o 指定文件）。

示例：lianfang coverage units/chyy.xlsx；lianfang coverage units/chyy.xlsx --format xlsx -o 覆盖情况.xlsx"""
HELP_EN = """List every risk point with its 前期预防 / 中期监控 / 后期处置 measures (uncovered ones first and
marked), with coverage figures per post tier, risk level, department and risk category. The xlsx format
makes a printable sheet (give the file with -o).

Example: lianfang coverage units/chyy.xlsx; lianfang coverage units/chyy.xlsx --format xlsx -o coverage.xlsx"""


def coverage(
    unit: Annotated[Path, typer.Argument(help=tr("单位工作簿（.xlsx 或 .yaml）", "the unit's workbook (.xlsx or .yaml)"), show_default=False, metavar="UNIT")],
    output_format: Annotated[str, typer.Option("--format", metavar="FORMAT", help=tr("输出格式：text、json、xlsx", "output format: text, json, xlsx"))] = "text",
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="FILE", help=tr("写入文件而不是标准输出", "write to a file instead of standard output"), show_default=False)] = None,
    force: ForceOption = False,
    lang: LangOption = None,
) -> None:
    """Coverage of risk points by measures (help: HELP_ZH / HELP_EN)."""
    fmt = COVERAGE_FORMATS.get(output_format.strip().lower())
    if fmt is None:
        fail(tr("未知的输出格式「{f}」（可选：{c}）", "unknown format {f!r} (choose from {c})", f=output_format, c="、".join(COVERAGE_FORMATS)))
    if fmt.binary and output is None:
        fail(tr("{f} 格式须用 -o 指定输出文件", "the {f} format needs an output file (-o)", f=fmt.name))
    if not unit.exists():
        fail(tr("文件不存在：{p}", "no such file: {p}", p=unit))
    if unit.is_dir():
        fail(tr("{p} 是文件夹；请指定一个单位的工作簿文件", "{p} is a folder; give one unit's workbook file", p=unit))
    if output is not None:
        try:
            check_output(output, force=force, inputs=[unit])
        except OutputError as e:
            fail(str(e))
    try:
        settings = build_settings()
    except ConfigError as e:
        fail(str(e))
    shown = display_path(unit)
    checked = check_workbook(unit, settings, shown, rules=False)
    if checked.workbook is None:
        err().print("\n".join(listing(checked.report)), markup=True, highlight=False, emoji=False)
        raise typer.Exit(EXIT_FINDINGS)
    if checked.report.findings:
        err().print(tr("注意：读取 {p} 时发现 {n} 处问题（lianfang validate 可查看），覆盖情况按能读取的内容统计。",
                       "note: reading {p} gave {n} findings (see lianfang validate); coverage counts what could be read.",
                       p=shown, n=len(checked.report.findings)), markup=False, highlight=False)
    cov = compute_coverage(checked.workbook)
    emit(fmt.render(cov, RenderOptions()), markup=fmt.markup, output=output, force=force, inputs=[unit])
