"""Reading any workbook file: the reader is chosen by extension."""

from __future__ import annotations

import stat
from pathlib import Path

from lianfang.findings import Finding
from lianfang.i18n import tr
from lianfang.io.build import ReadResult, emit

XLSX_SUFFIXES = (".xlsx", ".xlsm")
YAML_SUFFIXES = (".yaml", ".yml")
WORKBOOK_SUFFIXES = XLSX_SUFFIXES + YAML_SUFFIXES


def read_workbook(path: str | Path) -> ReadResult:
    """Read an xlsx or YAML workbook. Never raises for a bad file: problems become findings."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES and (problem := _not_a_regular_file(path)):
        findings: list[Finding] = []
        emit(findings, "LF100", problem)
        return ReadResult(None, findings, str(path))
    if suffix in YAML_SUFFIXES:
        from lianfang.io.yaml_reader import read_yaml

        return read_yaml(path)
    if suffix in XLSX_SUFFIXES:
        from lianfang.io.xlsx_reader import read_xlsx

        return read_xlsx(path)
    findings = []
    emit(findings, "LF100", tr("不支持的文件类型「{s}」：请提交 .xlsx 或 .yaml 工作簿（.xls 请先另存为 .xlsx）",
                               "unsupported file type {s!r}: use .xlsx or .yaml (save .xls as .xlsx first)", s=suffix or path.name))
    return ReadResult(None, findings, str(path))


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
