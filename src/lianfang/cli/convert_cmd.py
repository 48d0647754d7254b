"""``lianfang convert``: Excel ↔ YAML without loss, or YAML to standard output (git textconv)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from lianfang.cli.common import EXIT_FINDINGS, EXIT_OK, ForceOption, LangOption, err, fail
from lianfang.findings import Finding, Severity
from lianfang.i18n import tr
from lianfang.io.atomic import OutputError, check_output
from lianfang.io.format import SHEET_ORDER
from lianfang.io.reader import WORKBOOK_SUFFIXES, YAML_SUFFIXES, read_workbook
from lianfang.io.yaml_writer import dump_yaml, write_text
from lianfang.rules.reading import reader_findings

STDOUT = "-"

HELP_ZH = """在 Excel（.xlsx）和 YAML（.yaml）之间转换工作簿，按扩展名决定格式，内容不丢失。

输出为 - 或省略时，把 YAML 写到标准输出，可作为 git 的 textconv 比较 .xlsx 的改动。
读取时发现的问题（带位置）写到标准错误；有错误时退出码为 1，无法读取的文件不写输出。

示例：lianfang convert 本单位.xlsx 本单位.yaml；lianfang convert 本单位.xlsx -"""
HELP_EN = """Convert a workbook between Excel (.xlsx) and YAML (.yaml), by extension, without loss.

With OUT - (or omitted) the YAML goes to standard output, so it works as a git textconv for .xlsx.
Problems met while reading go to standard error with their location; exit status 1 when one is
an error; a file that cannot be read at all writes no output.

Example: lianfang convert unit.xlsx unit.yaml; lianfang convert unit.xlsx -"""


def convert(
    source: Annotated[Path, typer.Argument(metavar="IN", help=tr("输入工作簿（.xlsx 或 .yaml）", "the input workbook (.xlsx or .yaml)"),
                                           show_default=False)],
    target: Annotated[str, typer.Argument(metavar="OUT", help=tr("输出文件（.xlsx 或 .yaml），- 表示标准输出", "the output (.xlsx or .yaml); - for standard output"))] = STDOUT,
    force: ForceOption = False,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help=tr("读取时有错误也以 0 退出（供 git textconv 使用）",
                                                                   "exit 0 even when reading found errors (for git textconv)"))] = False,
    lang: LangOption = None,
) -> None:
    """Convert a workbook (help: HELP_ZH / HELP_EN)."""
    if not source.exists():
        fail(tr("输入文件 {p} 不存在", "input {p} does not exist", p=source))
    if source.is_dir():
        fail(tr("{p} 是一个文件夹，请给出一个工作簿文件", "{p} is a folder; give one workbook file", p=source))
    if source.suffix.lower() not in WORKBOOK_SUFFIXES:
        fail(tr("不支持的输入文件类型「{s}」：请用 .xlsx、.xlsm、.xls、.ods、.et 或 .yaml",
                "unsupported input type {s!r}: use .xlsx, .xlsm, .xls, .ods, .et or .yaml", s=source.suffix or source.name))
    out = None if target == STDOUT else Path(target)
    if out is not None:
        # openpyxl only when writing a file: git textconv (YAML to standard output) runs once per file
        from lianfang.io.xlsx_writer import SUFFIX as XLSX_SUFFIX
        from lianfang.io.xlsx_writer import excel_losses, write_xlsx

        if out.suffix.lower() not in (XLSX_SUFFIX, *YAML_SUFFIXES):
            fail(tr("不支持的输出文件类型「{s}」：请用 .xlsx 或 .yaml，或用 - 输出到屏幕",
                    "unsupported output type {s!r}: use .xlsx or .yaml, or - for standard output", s=out.suffix or out.name))
        try:
            check_output(out, force=force, inputs=[source])
        except OutputError as e:
            fail(str(e))

    result = read_workbook(source)
    found = reader_findings(result.problems)
    report_problems(found, source)
    errors = sum(f.severity is Severity.ERROR for f in found)
    status = EXIT_FINDINGS if errors and not exit_zero else EXIT_OK
    if result.workbook is None:
        err().print(tr("{p} 无法读取，未写出输出", "{p} could not be read; nothing written", p=source), markup=False)
        raise typer.Exit(status)
    try:
        if out is None:
            _to_stdout(dump_yaml(result.workbook))
        elif out.suffix.lower() == XLSX_SUFFIX:
            for message in excel_losses(result.workbook):
                err().print(tr("警告：", "warning: ") + message, markup=False, highlight=False)
            write_xlsx(result.workbook, out, force=force, inputs=[source])
        else:
            write_text(dump_yaml(result.workbook), out, force=force, inputs=[source])
    except OutputError as e:
        fail(str(e))
    if out is not None:
        if errors:
            err().print(tr("已写出 {o}；读取时有 {n} 个错误，无法读取的内容已留空", "wrote {o}; reading found {n} error(s), unreadable values were left empty",
                           o=out, n=errors), markup=False)
        else:
            err().print(tr("已写出 {o}", "wrote {o}", o=out), markup=False)
    raise typer.Exit(status)


def describe_location(finding: Finding, source: Path) -> str:
    """``风险点!D7`` in a workbook, ``file.yaml:12:5`` in YAML, the file name otherwise."""
    where = finding.location.describe()
    if not where:
        return str(source)
    if finding.location.line is not None:
        return f"{source}:{where}"
    return where


def report_problems(findings: list[Finding], source: Path) -> None:
    """Each reading problem on one line of standard error: where, code, message."""
    if not findings:
        return
    order = dict(SHEET_ORDER)
    console = err()
    for f in sorted(findings, key=lambda f: f.sort_key(order)):
        console.print(f"{describe_location(f, source)} {f.code} {f.message}", markup=False, highlight=False)


def _to_stdout(text: str) -> None:
    """UTF-8 bytes whatever the locale, so git textconv and pipes get the same text."""
    stream = sys.stdout
    stream.flush()
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        buffer.write(text.encode("utf-8"))
        buffer.flush()
    else:  # pragma: no cover - a stream without bytes (some IDE consoles)
        stream.write(text)
        stream.flush()
