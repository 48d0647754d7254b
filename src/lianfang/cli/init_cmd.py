"""``lianfang init``: a new workbook to fill in, blank or with a worked example."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lianfang.cli.common import ForceOption, LangOption, err, fail
from lianfang.data import blank_workbook, example_workbook
from lianfang.i18n import tr
from lianfang.io.atomic import OutputError, check_output
from lianfang.io.reader import YAML_SUFFIXES
from lianfang.io.xlsx_writer import SUFFIX as XLSX_SUFFIX
from lianfang.io.xlsx_writer import write_xlsx
from lianfang.io.yaml_writer import dump_yaml_template, write_text, write_yaml

HELP_ZH = """新建一个单位廉政风险防控工作簿：按扩展名生成 Excel（.xlsx）或 YAML（.yaml）。

空白工作簿含全部工作表、必填列标记、下拉列表和填表说明；加 --example 则填入一个镇卫生院的完整示例。

示例：lianfang init 本单位2026.xlsx；lianfang init 示例.yaml --example"""
HELP_EN = """Create a unit workbook to fill in: Excel (.xlsx) or YAML (.yaml) by the file's extension.

A blank workbook has every sheet, required columns marked, dropdown lists and a 填表说明 sheet;
--example fills it with a complete example (a township health centre).

Example: lianfang init unit-2026.xlsx; lianfang init example.yaml --example"""


def init(
    path: Annotated[Path, typer.Argument(metavar="PATH", help=tr("要新建的工作簿（.xlsx 或 .yaml）", "the workbook to create (.xlsx or .yaml)"),
                                         show_default=False)],
    example: Annotated[bool, typer.Option("--example", help=tr("填入一个完整的示例单位", "fill in a complete example unit"))] = False,
    force: ForceOption = False,
    lang: LangOption = None,
) -> None:
    """Create a new workbook (help: HELP_ZH / HELP_EN)."""
    suffix = path.suffix.lower()
    if suffix not in (XLSX_SUFFIX, *YAML_SUFFIXES):
        fail(tr("不支持的扩展名「{s}」：请用 .xlsx 或 .yaml", "unsupported extension {s!r}: use .xlsx or .yaml", s=suffix or path.name))
    try:
        check_output(path, force=force)
        workbook = example_workbook() if example else blank_workbook()
        if suffix == XLSX_SUFFIX:
            write_xlsx(workbook, path, force=force)
        elif example:
            write_yaml(workbook, path, force=force)
        else:
            write_text(dump_yaml_template(workbook, example_workbook()), path, force=force)
    except OutputError as e:
        fail(str(e))
    err().print(tr("已新建 {p}", "created {p}", p=path), markup=False, highlight=False)
