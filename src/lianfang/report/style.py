"""What every human-readable report shares: severity words, counts, and how a styled piece is written.

A styled piece (a severity in red, a heading in bold) is written by a ``Paint``: ``plain`` for a
file or a pipe, ``ansi`` for a colour terminal, ``markup`` for a caller that prints through a rich
console. The reports write escape codes themselves because rich's markup parser costs more than
the whole JSON report on a workbook with tens of thousands of findings (bench/bench_reports.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rich.markup import escape

from lianfang.findings import Severity
from lianfang.i18n import current_lang, tr

# (text, style or None) -> the text as written
Paint = Callable[[str, str | None], str]

STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
# SGR codes of the few styles the reports use
_SGR = {"bold": "1", "bold red": "1;31", "yellow": "33", "cyan": "36", "dim": "2", "bold yellow": "1;33"}


# control characters a workbook's text may carry (an xlsx _x001B_, a YAML "\e"): on a terminal
# they would be commands (colour, title, clipboard), so they are shown as U+FFFD; tab and line
# break stay
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def shown(text: str) -> str:
    """Text as it may be printed: control characters replaced."""
    return _CONTROL.sub("\ufffd", text) if _CONTROL.search(text) else text


def plain(text: str, style: str | None = None) -> str:
    return shown(text)


def ansi(text: str, style: str | None = None) -> str:
    text = shown(text)
    if not style or not text:
        return text
    return f"\x1b[{_SGR[style]}m{text}\x1b[0m"


def markup(text: str, style: str | None = None) -> str:
    return f"[{style}]{escape(shown(text))}[/]" if style else escape(shown(text))


def paint_for(color: bool) -> Paint:
    return ansi if color else plain


def severity_word(sev: Severity) -> str:
    return {Severity.ERROR: tr("错误", "error"), Severity.WARNING: tr("警告", "warning"),
            Severity.INFO: tr("提示", "info")}[sev]


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def counts_text(counts: dict[str, int]) -> str:
    if current_lang() == "en":
        return ", ".join(plural(counts[k], w) for k, w in (("error", "error"), ("warning", "warning"), ("info", "note")))
    return f"{counts['error']} 个错误，{counts['warning']} 个警告，{counts['info']} 个提示"


def section_number(n: int) -> str:
    """1 → 一、, 12 → 十二、 (English: 1.)."""
    if current_lang() == "en":
        return f"{n}. "
    numerals = "零一二三四五六七八九十"
    if n <= 10:
        text = numerals[n]
    elif n < 20:
        text = "十" + numerals[n - 10]
    else:
        text = numerals[n // 10] + "十" + (numerals[n % 10] if n % 10 else "")
    return text + "、"


def from_markup(lines: list[str], paint: Paint) -> list[str]:
    """Lines written in rich markup by another module (``validate --since``), in this report's paint."""
    from rich.text import Text

    out = []
    for line in lines:
        text = Text.from_markup(line)
        bold = any("bold" in str(span.style) for span in text.spans) and len(text.spans) == 1 \
            and text.spans[0].start == 0 and text.spans[0].end == len(text.plain)
        out.append(paint(text.plain, "bold" if bold else None))
    return out
