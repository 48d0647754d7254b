"""Reading any workbook file: the reader is chosen by extension."""

from __future__ import annotations

import stat
from pathlib import Path

from lianfang.i18n import tr
from lianfang.io.build import Problems, ReadResult, emit

# Workbooks (format 1.1): read by the spreadsheet reader (.et where calamine can) or the YAML reader.
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".et")
XLSX_SUFFIXES = SPREADSHEET_SUFFIXES  # the name the first version used
YAML_SUFFIXES = (".yaml", ".yml")
WORKBOOK_SUFFIXES = SPREADSHEET_SUFFIXES + YAML_SUFFIXES
# Spreadsheet-like files lianfang cannot read: a folder search reports them (LF100 saying what to
# do) rather than skipping them without a word.
UNREADABLE_SUFFIXES = (".csv", ".tsv", ".xlsb", ".numbers")


def read_workbook(path: str | Path) -> ReadResult:
    """Read a spreadsheet or YAML workbook, chosen by the suffix in any letter case. Never raises
    for a bad file: problems are returned with the result."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES and (problem := _not_a_regular_file(path)):
        problems: Problems = []
        emit(problems, "LF100", problem)
        return ReadResult(None, problems, str(path))
    if suffix in YAML_SUFFIXES:
        from lianfang.io.yaml_reader import read_yaml

        return read_yaml(path)
    if suffix in SPREADSHEET_SUFFIXES:
        from lianfang.io.xlsx_reader import read_xlsx

        return read_xlsx(path)
    problems = []
    emit(problems, "LF100", unsupported_message(suffix or path.name))
    return ReadResult(None, problems, str(path))


def unsupported_message(suffix: str) -> str:
    """Why a file of this type is not read, and what to do instead."""
    if suffix in (".csv", ".tsv"):
        return tr("「{s}」文件只有一张表的文字，不是工作簿：请用 Excel/WPS 填写工作簿模板（lianfang init）并保存为 .xlsx",
                  "a {s} file holds one table of text, not a workbook: fill in the workbook template (lianfang init) and save it as .xlsx", s=suffix)
    if suffix == ".xlsb":
        return tr("二进制工作簿（.xlsb）无法读取：请在 Excel 中“另存为” Excel 工作簿（.xlsx）",
                  "a binary workbook (.xlsb) cannot be read: in Excel, save it as an Excel workbook (.xlsx)")
    if suffix == ".numbers":
        return tr("Numbers 表格（.numbers）无法读取：请在 Numbers 中“导出为” Excel（.xlsx）",
                  "a Numbers spreadsheet (.numbers) cannot be read: in Numbers, export it to Excel (.xlsx)")
    return tr("不支持的文件类型「{s}」：请提交 .xlsx、.xls、.ods 或 .yaml 工作簿",
              "unsupported file type {s!r}: use a .xlsx, .xls, .ods or .yaml workbook", s=suffix)


def _not_a_regular_file(path: Path) -> str | None:
    """Why ``path`` cannot be read as a file: a named pipe would block and a link to a device
    such as /dev/zero would never end, so only regular files are opened."""
    try:
        mode = path.stat().st_mode
    except OSError as e:
        return tr("无法打开文件：{e}", "cannot open the file: {e}", e=e.strerror or e)
    if not stat.S_ISREG(mode):
        return tr("{p} 不是普通文件（可能是设备、管道或指向它们的链接），已拒绝读取",
                  "{p} is not a regular file (a device, a pipe, or a link to one); refused", p=path.name)
    return None
