"""``lianfang coverage``: the one-to-one coverage of a unit's risk points by measures (一对一)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lianfang.cli.common import (
    EXIT_FINDINGS,
    ForceOption,
    LangOption,
    colour_terminal,
    emit,
    err,
    fail,
)
from lianfang.cli.words import help_text
from lianfang.coverage import compute_coverage
from lianfang.discover import DiscoveryError, find_workbooks
from lianfang.findings import FileReport
from lianfang.i18n import tr
from lianfang.io.atomic import OutputError, check_output
from lianfang.io.reader import read_workbook
from lianfang.report import COVERAGE_FORMATS, RenderOptions
from lianfang.report.text import listing

HELP_ZH = """列出每个风险点及其前期预防、中期监控、后期处置措施（未覆盖的排在前面并标出），
并按岗位层次、风险等级、部门和风险类别统计覆盖情况。xlsx 格式生成可直接打印的表（须用 -o 指定文件）。

UNITS 可以是几个单位的工作簿或文件夹（与 validate 相同，递归查找）；每个单位一节，依次列出。
JSON 格式：一个单位时为该单位的覆盖数据，几个单位时为 {"tool": …, "units": [每个单位的数据]}。
xlsx 格式一次只生成一个单位的表。无法读取的文件在标准错误中列出问题，退出状态 1。

示例：lianfang coverage units/chyy.xlsx；lianfang coverage units/；lianfang coverage units/chyy.xlsx --format xlsx -o 覆盖情况.xlsx"""
HELP_EN = """List every risk point with its 前期预防 / 中期监控 / 后期处置 measures (uncovered ones first and
marked), with coverage figures per post tier, risk level, department and risk category. The xlsx format
makes a printable sheet (give the file with -o).

UNITS are unit workbooks or folders (searched recursively, as validate does); each unit gets its own
section, one after another. JSON: one unit's data for one unit, {"tool": …, "units": [each unit's data]}
for several. The xlsx format takes one unit at a time. A file that cannot be read has its findings
listed on standard error, and the exit status is 1.

Example: lianfang coverage units/chyy.xlsx; lianfang coverage units/; lianfang coverage units/chyy.xlsx --format xlsx -o coverage.xlsx"""


def coverage(
    units: Annotated[list[Path], typer.Argument(help=help_text("单位工作簿（.xlsx 或 .yaml）或文件夹，可以几个", "unit workbooks (.xlsx or .yaml) or folders, one or more"), show_default=False, metavar="UNITS...")],
    output_format: Annotated[str, typer.Option("--format", metavar="FORMAT", help=help_text("输出格式：text、json、xlsx", "output format: text, json, xlsx"))] = "text",
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="FILE", help=help_text("写入文件而不是标准输出", "write to a file instead of standard output"), show_default=False)] = None,
    force: ForceOption = False,
    lang: LangOption = None,
) -> None:
    """Coverage of risk points by measures (help: HELP_ZH / HELP_EN)."""
    fmt = COVERAGE_FORMATS.get(output_format.strip().lower())
    if fmt is None:
        fail(tr("未知的输出格式「{f}」（可选：{c}）", "unknown format {f!r} (choose from {c})", f=output_format, c="、".join(COVERAGE_FORMATS)))
    if fmt.binary and output is None:
        fail(tr("{f} 格式须用 -o 指定输出文件", "the {f} format needs an output file (-o)", f=fmt.name))
    try:
        files = find_workbooks(units)
    except DiscoveryError as e:
        fail(str(e))
    if fmt.binary and len(files) > 1:
        fail(tr("{f} 格式一次只生成一个单位的表（找到 {n} 个工作簿）", "the {f} format takes one unit at a time ({n} workbooks found)",
                f=fmt.name, n=len(files)))
    inputs = [w.path for w in files]
    if output is not None:
        try:
            check_output(output, force=force, inputs=inputs)
        except OutputError as e:
            fail(str(e))
    covered = []
    unreadable = False
    for w in files:
        result = read_workbook(w.path)
        if result.workbook is None:
            unreadable = True
            err().print("\n".join(listing(FileReport(w.display, None, result.findings))), markup=True, highlight=False, emoji=False)
            continue
        if result.findings:
            err().print(tr("注意：读取 {p} 时发现 {n} 处问题（lianfang validate 可查看），覆盖情况按能读取的内容统计。",
                           "note: reading {p} gave {n} findings (see lianfang validate); coverage counts what could be read.",
                           p=w.display, n=len(result.findings)), markup=False, highlight=False)
        covered.append(compute_coverage(result.workbook))
    if covered:
        options = RenderOptions(color=fmt.styled and output is None and colour_terminal())
        emit(fmt.render_many(covered, options), output=output, force=force, inputs=inputs)
    if unreadable:
        raise typer.Exit(EXIT_FINDINGS)
