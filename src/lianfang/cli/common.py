"""What every command shares: exit statuses, the language option, consoles and failing cleanly."""

from __future__ import annotations

import os
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from lianfang.i18n import set_lang, tr

# Exit statuses of findings.md
EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


def _console(stderr: bool) -> Console:
    # No colour codes when output is captured; NO_COLOR and FORCE_COLOR are honoured by rich.
    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def out() -> Console:
    return _console(False)


def err() -> Console:
    return _console(True)


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    """Print a clear message to standard error and stop with ``code`` (no traceback)."""
    err().print(f"[bold red]{tr('错误', 'error')}:[/] {message}", markup=True)
    raise typer.Exit(code)


def _set_lang(value: str | None) -> str | None:
    if value is None:
        return value
    value = value.strip().lower()
    if value not in ("zh", "en"):
        raise typer.BadParameter(tr("应为 zh 或 en", "must be zh or en"))
    set_lang(value)
    os.environ["LIANFANG_LANG"] = value
    return value


LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        metavar="zh|en",
        help=tr("界面语言：zh（默认）或 en；也可设环境变量 LIANFANG_LANG", "language: zh (default) or en; or set LIANFANG_LANG"),
        callback=_set_lang,
        is_eager=True,
        show_default=False,
    ),
]

ForceOption = Annotated[
    bool,
    typer.Option("--force", "-f", help=tr("允许覆盖已存在的输出文件", "replace an existing output file")),
]
