"""What every command shares: exit statuses, the language option, consoles, printing or writing
a report, and failing cleanly."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from lianfang.cli.words import help_text
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


def colour_terminal() -> bool:
    """Whether standard output is a terminal that shows colour (NO_COLOR, FORCE_COLOR, TERM=dumb honoured)."""
    console = out()
    return console.color_system is not None and not console.no_color and not console.legacy_windows


def emit(rendered: str | bytes, *, output: Path | None, force: bool, inputs: list[Path]) -> None:
    """Print a report on standard output, or write it atomically to ``output``."""
    if output is None:
        buffer = getattr(sys.stdout, "buffer", None)
        if isinstance(rendered, bytes) and buffer is not None and (sys.stdout.encoding or "").lower().replace("-", "") == "utf8":
            sys.stdout.flush()
            buffer.write(rendered)  # UTF-8 already: no decoding and encoding again
            buffer.flush()
        else:
            sys.stdout.write(rendered if isinstance(rendered, str) else rendered.decode("utf-8", "replace"))
            sys.stdout.flush()
        return
    from lianfang.io.atomic import OutputError, write_atomic

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
        help=help_text("界面语言 zh（默认）或 en，也可用环境变量 LIANFANG_LANG 设置", "language: zh (default) or en; or set LIANFANG_LANG"),
        callback=_set_lang,
        is_eager=True,
        show_default=False,
    ),
]

ForceOption = Annotated[
    bool,
    typer.Option("--force", "-f", help=help_text("允许覆盖已存在的输出文件", "replace an existing output file")),
]
