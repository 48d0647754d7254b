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
