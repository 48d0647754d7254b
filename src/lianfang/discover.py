"""Finding the workbook files named on a command line.

A file named explicitly is always checked (a ``.docx`` becomes LF100, not a silent skip). A folder
is searched recursively for workbook files (``WORKBOOK_SUFFIXES``, in any letter case) and for
spreadsheet-like files lianfang cannot read (``UNREADABLE_SUFFIXES``: .csv, .xlsb, …), which are
reported as LF100 rather than skipped without a word; Excel/WPS lock files (``~$单位.xlsx``),
hidden files and folders (``.git``, ``.venv``, LibreOffice's ``.~lock.…#``) and
virtual-environment or cache folders are skipped. The result is sorted by the path shown to the
user, so every run lists files in the same order.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from lianfang.i18n import tr
from lianfang.io.reader import UNREADABLE_SUFFIXES, WORKBOOK_SUFFIXES

# folders never searched (besides every hidden one)
SKIPPED_FOLDERS = frozenset({"__pycache__", "node_modules", "venv", "site-packages"})
LOCK_PREFIX = "~$"


class DiscoveryError(Exception):
    """A path that does not exist or holds no workbook; the message says which."""


@dataclass(frozen=True, slots=True)
class WorkbookFile:
    path: Path  # as it can be opened
    display: str  # as reports show it: relative to the base folder, forward slashes


def display_path(path: Path, base: Path | None = None) -> str:
    """``path`` relative to ``base`` (default: the current folder) when inside it, with ``/``."""
    # abspath, not resolve: a symlinked folder keeps the name the user typed
    base = Path(os.path.abspath(base or Path.cwd()))
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(base).as_posix()
    except ValueError:
        return absolute.as_posix()


SEARCHED_SUFFIXES = WORKBOOK_SUFFIXES + UNREADABLE_SUFFIXES


def is_workbook_name(name: str, suffixes: tuple[str, ...] = WORKBOOK_SUFFIXES) -> bool:
    """A workbook file's name (any letter case), not a lock file or a hidden file."""
    return (
        name.lower().endswith(suffixes)
        and not name.startswith(LOCK_PREFIX)
        and not name.startswith(".")
    )


def _search(folder: Path) -> list[Path]:
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in SKIPPED_FOLDERS]
        # spreadsheet-like files it cannot read too: they become LF100, not a silent skip
        found.extend(Path(root) / f for f in files if is_workbook_name(f, SEARCHED_SUFFIXES))
    return found


def find_workbooks(paths: list[Path], base: Path | None = None) -> list[WorkbookFile]:
    """Every workbook file in ``paths``, each once, sorted by its display path.

    Raises ``DiscoveryError`` for a path that does not exist, or when no workbook is found at all.
    """
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise DiscoveryError(tr("路径不存在：{p}", "no such file or folder: {p}", p="、".join(str(p) for p in missing)))
    seen: dict[Path, WorkbookFile] = {}
    for p in paths:
        candidates = _search(p) if p.is_dir() else [p]
        for c in candidates:
            key = c.resolve()
            if key not in seen:
                seen[key] = WorkbookFile(c, display_path(c, base))
    if not seen:
        raise DiscoveryError(tr("在 {p} 中没有找到工作簿文件（.xlsx、.xlsm、.xls、.ods、.et、.yaml、.yml）",
                                "no workbook file (.xlsx, .xlsm, .xls, .ods, .et, .yaml, .yml) found in {p}",
                                p="、".join(str(p) for p in paths)))
    return sorted(seen.values(), key=lambda w: w.display)


# -- YAML files that are plainly not workbooks ---------------------------------------------------

YAML_SUFFIXES = (".yaml", ".yml")
SNIFF_BYTES = 8 * 1024 * 1024  # as much as the YAML reader accepts; a larger file is left to it
# a block mapping key at the start of a line: risks:, "risks":, 风险点:
_TOP_KEY = re.compile(r"""^(?:"([^"\n]+)"|'([^'\n]+)'|([^\s#'"{\[\-?:][^:#\n]*?))\s*:(?:\s|$)""", re.MULTILINE)


def plainly_not_a_workbook(path: Path) -> bool:
    """A YAML file none of whose top-level keys is a workbook table (.pre-commit-config.yaml, a CI file).

    Only a file lianfang can tell at a glance: one whose top level is a block mapping (or a list,
    or a scalar) without a single workbook key. A flow mapping (``{unit: …}``), a file that cannot
    be read as text, or one too large to look at is left to the reader, which reports it.
    """
    from lianfang.io.format import match_table

    if not path.name.lower().endswith(YAML_SUFFIXES):
        return False
    try:
        info = path.stat()
        # only a regular file of a readable size: a FIFO or /dev/zero named .yaml is the reader's
        if not stat.S_ISREG(info.st_mode) or info.st_size > SNIFF_BYTES:
            return False
        with path.open("rb") as fh:
            text = fh.read(SNIFF_BYTES + 1).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return False
    body = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith(("#", "%", "---", "..."))]
    if not body or body[0].lstrip().startswith("{"):
        return False  # empty (LF101 tells), or a flow mapping this glance cannot read
    for m in _TOP_KEY.finditer(text):
        key = next(g for g in m.groups() if g is not None)
        if match_table(key) is not None:
            return False
    return True
