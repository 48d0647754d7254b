"""``lianfang schema``: the JSON Schema of the YAML workbook."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from lianfang.cli.common import ForceOption, LangOption, fail
from lianfang.i18n import tr
from lianfang.io.atomic import OutputError, write_atomic
from lianfang.model.schema import workbook_schema

HELP_ZH = """输出 YAML 工作簿的 JSON Schema：供编辑器（yaml-language-server）补全和检查。

示例：lianfang schema -o lianfang-unit.schema.json，然后在 YAML 第一行写
# yaml-language-server: $schema=lianfang-unit.schema.json"""
HELP_EN = """Print the JSON Schema of the YAML workbook, for editors (yaml-language-server).

Example: lianfang schema -o lianfang-unit.schema.json, then start the YAML file with
# yaml-language-server: $schema=lianfang-unit.schema.json"""


def schema(
    output: Annotated[Path | None, typer.Option("--output", "-o", help=tr("写入文件而不是标准输出", "write to a file instead of standard output"))] = None,
    force: ForceOption = False,
    lang: LangOption = None,
) -> None:
    """Print the JSON Schema of the YAML workbook (help: HELP_ZH / HELP_EN)."""
    text = json.dumps(workbook_schema(), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        write_atomic(output, text, force=force)
    except OutputError as e:
        fail(str(e))
