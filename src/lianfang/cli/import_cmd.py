"""``lianfang import``: a unit's legacy 一览表 (Word or Excel) into a lianfang workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lianfang.cli.common import EXIT_OK, ForceOption, LangOption, err, fail, out
from lianfang.i18n import tr
from lianfang.io.atomic import OutputError, check_output
from lianfang.io.reader import YAML_SUFFIXES

HELP_ZH = """把单位原有的廉政风险防控一览表（Word .docx 或 Excel .xlsx/.xls/.ods）导入为 lianfang 工作簿。

按表头文字识别各列（序号、科室、岗位、职权、风险点、风险等级、防控措施、责任人…，顺序和写法不限），
拆分一格中编号的多个风险点或措施（1.… 2.…、（1）…、①…），按 1.1↔1.1 或（1）↔（1）对应风险点与措施，
按 事前/事中/事后 字样或措施的关键词确定防控阶段。原表没有的必填项按默认值填写，
并在导入报告中逐条列出（带原表位置）：推定的阶段、拆分的单元格、跳过的行、单位还需填写的内容。

导入后请用 lianfang validate 检查并补全。无法读取的文件、找不到风险点表格时退出码为 2。

示例：lianfang import 一览表.docx -o 本单位.xlsx --unit-name 巢湖市疾病预防控制中心 --unit-code CHCDC --report 导入报告.md"""
HELP_EN = """Import a unit's legacy risk table (Word .docx or Excel .xlsx/.xls/.ods) into a lianfang workbook.

Columns are recognised by their header words (序号, 科室, 岗位, 职权, 风险点, 风险等级, 防控措施, 责任人…, any
order and wording); numbered risks or measures in one cell are split (1.… 2.…, （1）…, ①…) and paired
(1.1↔1.1, （1）↔（1）); phases come from 事前/事中/事后 words or the measure's keywords. Required values the
table lacks get defaults, and the import report lists each assumption with its source location:
phases guessed, cells split, rows skipped, what the unit still has to fill in.

Check and complete the result with lianfang validate. Exit status 2 when a file cannot be read or
no risk table is found.

Example: lianfang import table.docx -o unit.xlsx --unit-name NAME --unit-code CODE --report report.md"""


def import_legacy(
    sources: Annotated[list[Path], typer.Argument(metavar="LEGACY...", help=tr("原有一览表文件（.docx .xlsx .xls .ods），可给多个，属同一单位",
                                                                                "legacy table files (.docx .xlsx .xls .ods) of one unit"),
                                                  show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", metavar="UNIT.xlsx|UNIT.yaml", help=tr("写出的工作簿（.xlsx 或 .yaml）", "the workbook to write (.xlsx or .yaml)"),
                                         show_default=False)],
    unit_name: Annotated[str | None, typer.Option("--unit-name", help=tr("单位名称，默认取原表的填报单位或标题", "unit name (default: from the table's 填报单位 line or title)"))] = None,
    unit_code: Annotated[str | None, typer.Option("--unit-code", help=tr("单位代码，如 CHCDC（默认 UNIT，须改）", "unit code such as CHCDC (default UNIT, to be changed)"))] = None,
    year: Annotated[int | None, typer.Option("--year", help=tr("年度，默认取原表日期，否则今年", "year (default: from the table's date, else this year)"))] = None,
    column_map: Annotated[list[str] | None, typer.Option("--map", metavar="COLUMN=FIELD",
                                                         help=tr("指定某列的含义，覆盖自动识别；可重复，如 --map 表现形式=risk --map D=level；字段见 docs/import.md，ignore 表示不导入，内容记入备注",
                                                                 "give a column's meaning, overriding the guess; repeatable, e.g. --map 表现形式=risk or --map D=level; fields in docs/import.md; ignore: not imported (text goes to the note)"))] = None,
    report_path: Annotated[Path | None, typer.Option("--report", metavar="FILE.md", help=tr("把导入报告另存为 Markdown 文件", "also write the import report as Markdown"))] = None,
    force: ForceOption = False,
    lang: LangOption = None,
) -> None:
    """Import legacy tables (help: HELP_ZH / HELP_EN)."""
    from lianfang.io.xlsx_writer import SUFFIX as XLSX_SUFFIX
    from lianfang.legacy.build import ImportOptions, NoTableError, import_tables
    from lianfang.legacy.grid import LegacyFileError, read_legacy
    from lianfang.legacy.headers import ColumnMap

    suffix = output.suffix.lower()
    if suffix not in (XLSX_SUFFIX, *YAML_SUFFIXES):
        fail(tr("不支持的输出文件类型「{s}」：请用 .xlsx 或 .yaml", "unsupported output type {s!r}: use .xlsx or .yaml", s=output.suffix or output.name))
    if report_path is not None and report_path.suffix.lower() not in (".md", ".markdown"):
        fail(tr("--report 应是 .md 文件", "--report takes a .md file"))
    try:
        cmap = ColumnMap.parse(column_map or [])
    except ValueError as e:
        fail(str(e))
    for path in sources:
        if not path.exists():
            fail(tr("输入文件 {p} 不存在", "input {p} does not exist", p=path))
    try:
        check_output(output, force=force, inputs=sources)
        if report_path is not None:
            check_output(report_path, force=force, inputs=[*sources, output])
    except OutputError as e:
        fail(str(e))

    grids = []
    for path in sources:
        try:
            grids.extend(read_legacy(path, display=path.name))
        except LegacyFileError as e:
            fail(tr("{p} 无法读取：{e}", "{p} cannot be read: {e}", p=path, e=e))
    try:
        workbook, report = import_tables(grids, ImportOptions(unit_name=unit_name, unit_code=unit_code, year=year, column_map=cmap),
                                         [p.name for p in sources])
    except NoTableError as e:
        fail(str(e))

    try:
        if suffix == XLSX_SUFFIX:
            from lianfang.io.xlsx_writer import write_xlsx

            write_xlsx(workbook, output, force=force, inputs=sources)
        else:
            from lianfang.io.yaml_writer import dump_yaml, write_text

            write_text(dump_yaml(workbook), output, force=force, inputs=sources)
        if report_path is not None:
            from lianfang.io.atomic import write_atomic

            title = tr("导入报告：{o}", "Import report: {o}", o=output.name)
            write_atomic(report_path, report.markdown(title) + "\n", force=force, inputs=[*sources, output])
    except OutputError as e:
        fail(str(e))

    console = out()
    for line in report.text_lines():
        console.print(line, markup=False, highlight=False)
    err().print(tr("已写出 {o}；请用 lianfang validate {o} 检查并补全", "wrote {o}; check and complete it with lianfang validate {o}", o=output),
                markup=False)
    if report_path is not None:
        err().print(tr("导入报告：{r}", "import report: {r}", r=report_path), markup=False)
    raise typer.Exit(EXIT_OK)
