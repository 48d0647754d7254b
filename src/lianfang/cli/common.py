"""What every command shares: exit statuses, the language option, consoles, printing or writing
a report, and failing cleanly."""

from __future__ import annotations

import os
import sys
from pathlib import Path
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


def emit(rendered: str | bytes, *, markup: bool, output: Path | None, force: bool, inputs: list[Path]) -> None:
    """Print a report (coloured when it has markup and the terminal allows) or write it atomically."""
    if output is None:
        if markup:
            out().print(rendered, markup=True, highlight=False, emoji=False, end="")
        else:
            sys.stdout.write(rendered if isinstance(rendered, str) else rendered.decode("utf-8"))
            sys.stdout.flush()
        return
    from lianfang.io.atomic import OutputError, write_atomic

    if isinstance(rendered, str) and markup:
        from rich.text import Text

        rendered = Text.from_markup(rendered, emoji=False).plain
    try:
        write_atomic(output, rendered, force=force, inputs=inputs)
    except OutputError as e:
        fail(str(e))
    err().print(tr("已写入 {p}", "written to {p}", p=output), markup=False, highlight=False)


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
