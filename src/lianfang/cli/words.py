"""Typer's and click's own words in the interface language: help, usage, type labels and errors.

Typer writes its help panels (参数, 选项), the usage line, the ``--help`` option's text and its
error messages (``No such option``, ``Missing argument``) in English, fixed when it is imported.
Every lianfang command is built with ``LianfangCommand`` / ``LianfangGroup``, which say them in
the language of the run (``lianfang.i18n``):

- the panel titles and fixed strings are typer.rich_utils' module settings, set before help or an
  error is printed (``apply``);
- the usage line, the ``--help`` option and every option's value label (``文件…``, ``文本``,
  ``日期`` instead of ``<list[Path]>``, ``<text>``) are made here;
- a usage error is re-raised with its message translated (``translate``) and printed by typer
  as before, with the usage line and the hint to ``-h``;
- option help registered with ``help_text`` follows the language chosen at run time even when the
  option was defined before it was known (the shared ``--force`` and ``--lang``).

Help text folds instead of being cut (``_FoldingHighlighter``): rich wraps only at spaces, so in a
table cell it cut a run of Chinese wider than the cell, or a line of wide characters that filled
the cell exactly, with an ellipsis; Chinese may break between any two characters anyway.
tests/test_cli_words.py renders every help page at 80 columns in both languages to keep it so.
"""

from __future__ import annotations

import re
import types
from datetime import date, datetime
from pathlib import Path
from typing import Any

import typer
from typer import rich_utils
from typer.core import TyperCommand, TyperGroup

from lianfang.i18n import current_lang, tr

# click's UsageError, reached through typer's public BadParameter (typer vendors click)
UsageError: type[Exception] = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")

# (zh, en) of typer.rich_utils' fixed strings
_RICH_WORDS: dict[str, tuple[str, str]] = {
    "ARGUMENTS_PANEL_TITLE": ("参数", "Arguments"),
    "OPTIONS_PANEL_TITLE": ("选项", "Options"),
    "COMMANDS_PANEL_TITLE": ("命令", "Commands"),
    "ERRORS_PANEL_TITLE": ("错误", "Error"),
    "ABORTED_TEXT": ("已中止。", "Aborted."),
    "RICH_HELP": ("运行 [blue]'{command_path} {help_option}'[/] 查看帮助。", "Try [blue]'{command_path} {help_option}'[/] for help."),
    "DEFAULT_STRING": ("[默认：{}]", "[default: {}]"),
    "ENVVAR_STRING": ("[环境变量：{}]", "[env var: {}]"),
    "REQUIRED_LONG_STRING": ("[必填]", "[required]"),
    "DEPRECATED_STRING": ("（已弃用）", "(deprecated) "),
}

# value labels (metavars) as a clerk reads them; the English ones are what the code writes
METAVARS: dict[str, tuple[str, str]] = {
    "PATHS...": ("路径…", "PATHS..."),
    "PATH": ("路径", "PATH"),
    "FILE": ("文件", "FILE"),
    "FILES...": ("文件…", "FILES..."),
    "DIR": ("文件夹", "DIR"),
    "UNIT": ("单位工作簿", "UNIT"),
    "UNITS...": ("单位工作簿…", "UNITS..."),
    "IN": ("输入文件", "IN"),
    "OUT": ("输出文件", "OUT"),
    "FORMAT": ("格式", "FORMAT"),
    "FORMATS": ("格式", "FORMATS"),
    "CODES": ("规则代码", "CODES"),
    "CODE=LEVEL": ("代码=级别", "CODE=LEVEL"),
    "CODE.KEY=VALUE": ("代码.选项=值", "CODE.KEY=VALUE"),
    "DATE": ("日期", "DATE"),
    "RULE": ("规则", "RULE"),
    "TEXT": ("文本", "TEXT"),
    "NUMBER": ("数字", "NUMBER"),
    "YEAR": ("年度", "YEAR"),
    "N": ("数目", "N"),
    "UNIT.xlsx|UNIT.yaml": ("工作簿文件", "UNIT.xlsx|UNIT.yaml"),
    "OLD": ("上次报送的文件", "OLD"),
    "COLUMN=FIELD": ("列=字段", "COLUMN=FIELD"),
    "FILE.md": ("文件.md", "FILE.md"),
    "LEGACY...": ("原表…", "LEGACY..."),
    "zh|en": ("zh|en", "zh|en"),
}

# help texts that must follow the run's language although defined at import: text → (zh, en)
_HELP: dict[str, tuple[str, str]] = {}


def help_text(zh: str, en: str) -> str:
    """``tr(zh, en)`` for an option's help, re-read in the run's language when help is shown."""
    _HELP[zh] = _HELP[en] = (zh, en)
    return tr(zh, en)


def _pick(pair: tuple[str, str]) -> str:
    return pair[1] if current_lang() == "en" else pair[0]


class _FoldingHighlighter(rich_utils.OptionHighlighter):
    """typer's highlighter for help text, which also lets a line fold rather than be cut.

    A help text sits in a table cell whose overflow is "ellipsis"; rich then cuts a line of wide
    characters that fills the cell exactly (``Text.rstrip_end`` counts characters, not cells) and
    any word wider than the cell. Folding wraps both instead.
    """

    def highlight(self, text: Any) -> None:
        super().highlight(text)
        text.overflow = "fold"


_HIGHLIGHTER = _FoldingHighlighter()


def apply() -> None:
    """Set typer's fixed strings to the run's language (and its help highlighter to fold lines)."""
    for name, pair in _RICH_WORDS.items():
        setattr(rich_utils, name, _pick(pair))
    rich_utils.highlighter = _HIGHLIGHTER


_FIRST_CLAUSE = re.compile(r"^(.+?)(?:[：；。]|[:;.](?:\s|$))", re.DOTALL)


def summary(help_text: str) -> str:
    """A command's help up to its first colon, semicolon or full stop: its line in a list of commands."""
    first = help_text.strip().split("\n\n", 1)[0]
    # a paragraph's lines joined as the language joins words
    first = (" " if current_lang() == "en" else "").join(line.strip() for line in first.splitlines())
    m = _FIRST_CLAUSE.match(first)
    return (m.group(1) if m else first).strip()


def metavar(name: str) -> str:
    pair = METAVARS.get(name)
    return _pick(pair) if pair is not None else name


def _type_label(param: Any) -> str:
    """A value label for a parameter without a metavar: what kind of value it takes."""
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    many = param.nargs != 1 or getattr(param, "multiple", False)
    inner = annotation
    if getattr(inner, "__origin__", None) is list:
        inner = inner.__args__[0]
        many = True
    if inner is bool or getattr(param, "is_flag", False):
        return ""
    if isinstance(inner, type) and issubclass(inner, Path):
        key = "FILE"
    elif inner in (date, datetime):
        key = "DATE"
    elif inner in (int, float):
        key = "NUMBER"
    else:
        key = "TEXT"
    label = metavar(key)
    return label + ("…" if many else "")


def _label(param: Any) -> str:
    if param.metavar is not None:
        return metavar(param.metavar)
    if param.param_type_name == "argument":
        return metavar(param.name.upper())
    return _type_label(param)


def _localise(command: Any, ctx: Any) -> None:
    """The command's help, and help and value label of every parameter, in the run's language."""
    apply()
    if command.help in _HELP:
        command.help = _pick(_HELP[command.help])
    for param in command.get_params(ctx):
        if param.help in _HELP:
            param.help = _pick(_HELP[param.help])
        label = _label(param)
        if param.param_type_name == "argument" and label == (param.metavar or param.name.upper()):
            label = ""  # the argument's own column already shows it, in words of the interface language
        # typer shows an argument's Python type, and an option's metavar when it has one
        param.display_type_rich = types.MethodType(lambda self, ctx, label=label: label or None, param)


def usage_pieces(command: Any, ctx: Any) -> list[str]:
    pieces = [tr("[选项]", "[OPTIONS]")] if any(p.param_type_name == "option" for p in command.get_params(ctx)) else []
    for param in command.get_params(ctx):
        if param.param_type_name != "argument":
            continue
        label = metavar(param.metavar) if param.metavar else metavar(param.name.upper())
        pieces.append(label if param.required or label.startswith("[") else f"[{label}]")
    return pieces


# click's usage errors as their English text → the Chinese one
_ERRORS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^No such option: (?P<o>\S+)(?: Did you mean (?P<m>\S+)\?)?(?: \(Possible options: (?P<p>.+)\))?$"), "没有选项 {o}"),
    (re.compile(r"^Missing argument '?(?P<a>.+?)'?\.$"), "缺少参数 {a}"),
    (re.compile(r"^Missing option '?(?P<o>.+?)'?\.$"), "缺少选项 {o}"),
    (re.compile(r"^Missing parameter: (?P<p>.+)$"), "缺少参数 {p}"),
    (re.compile(r"^Got unexpected extra arguments? \((?P<a>.+)\)$"), "多余的参数：{a}"),
    (re.compile(r"^Option '(?P<o>.+)' requires an argument\.$"), "选项 {o} 需要一个值"),
    (re.compile(r"^Option '(?P<o>.+)' requires (?P<n>\d+) arguments\.$"), "选项 {o} 需要 {n} 个值"),
    (re.compile(r"^Option '(?P<o>.+)' does not take a value\.$"), "选项 {o} 不带值"),
    (re.compile(r"^No such command '(?P<c>.+)'\.$"), "没有命令 {c}"),
    (re.compile(r"^Missing command\.$"), "缺少命令"),
]
_INVALID = re.compile(r"^Invalid value for (?P<p>.+?): (?P<m>.*)$", re.DOTALL)
_VALUE_ERRORS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^'?(?P<v>.*?)'? is not a valid integer( range)?\.$"), "「{v}」不是整数"),
    (re.compile(r"^'?(?P<v>.*?)'? is not a valid float( range)?\.$"), "「{v}」不是数字"),
    (re.compile(r"^(?P<v>.*?) is not in the range (?P<r>.+)\.$"), "{v} 不在范围 {r} 内"),
    (re.compile(r"^'?(?P<v>.*?)'? is not one of (?P<c>.+)\.$"), "「{v}」不是可选值之一（{c}）"),
    (re.compile(r"^'?(?P<v>.*?)'? is not a valid boolean\.$"), "「{v}」不是“是/否”"),
    (re.compile(r"^(?:File|Directory|Path) '(?P<v>.*)' does not exist\.$"), "路径不存在：{v}"),
    # typer's own coercion speaks pydantic's words
    (re.compile(r"^Input should be a valid integer.*$", re.DOTALL), "应为整数"),
    (re.compile(r"^Input should be a valid number.*$", re.DOTALL), "应为数字"),
    (re.compile(r"^Input should be a valid date.*$", re.DOTALL), "应为日期，如 2026-12-31"),
    (re.compile(r"^Input should be a valid boolean.*$", re.DOTALL), "应为“是/否”"),
    (re.compile(r"^Input should be greater than or equal to (?P<n>\S+)$"), "应不小于 {n}"),
    (re.compile(r"^Input should be less than or equal to (?P<n>\S+)$"), "应不大于 {n}"),
    (re.compile(r"^Input should be greater than (?P<n>\S+)$"), "应大于 {n}"),
    (re.compile(r"^Input should be less than (?P<n>\S+)$"), "应小于 {n}"),
]


def _hint(text: str) -> str:
    """``'--format'`` / ``'PATHS...'`` as the interface names it."""
    names = [n.strip().strip("'") for n in text.split("/")]
    return " / ".join(metavar(n) for n in names)


def translate(message: str) -> str:
    """A click usage error in the interface language (English as click wrote it)."""
    if current_lang() == "en":
        return message
    m = _INVALID.match(message)
    if m is not None:
        value = m.group("m")
        for pattern, zh in _VALUE_ERRORS:
            v = pattern.match(value)
            if v is not None:
                value = zh.format(**v.groupdict())
                break
        return f"{_hint(m.group('p'))} 的值无效：{value}"
    for pattern, zh in _ERRORS:
        m = pattern.match(message)
        if m is not None:
            parts = {k: (_hint(v) if k in ("a", "p") else v) for k, v in m.groupdict().items() if v is not None}
            text = zh.format(**{k: parts.get(k, "") for k in re.findall(r"\{(\w+)\}", zh)})
            if parts.get("m"):
                text += f"（是不是 {parts['m']}？）"
            elif m.groupdict().get("p") and "Possible options" in message:
                text += f"（可用：{m.group('p')}）"
            return text
    return message


def _reraise(error: Exception, ctx: Any) -> None:
    apply()
    if getattr(error, "ctx", None) is None:
        error.ctx = ctx  # type: ignore[attr-defined]  # so that the usage line and the hint to -h are shown
    if current_lang() == "en":
        raise error
    message = error.format_message() if hasattr(error, "format_message") else str(error)
    translated = UsageError(translate(message), getattr(error, "ctx", None) or ctx)
    raise translated from None


class _Words:
    """What ``LianfangCommand`` and ``LianfangGroup`` share (a mixin before typer's class)."""

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = tr("显示本帮助并退出", "show this help and exit")
        return option

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)),  # type: ignore[attr-defined]
                              prefix=tr("用法：", "Usage: "))

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return usage_pieces(self, ctx)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _localise(self, ctx)
        super().format_help(ctx, formatter)  # type: ignore[misc]

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)  # type: ignore[misc]
        except UsageError as e:
            _reraise(e, ctx)
            raise  # not reached


class LianfangCommand(_Words, TyperCommand):
    pass


class LianfangGroup(_Words, TyperGroup):
    def format_help(self, ctx: Any, formatter: Any) -> None:
        for command in self.commands.values():
            if command.help in _HELP:
                command.help = _pick(_HELP[command.help])
            if command.help and not command.short_help:
                command.short_help = summary(command.help)
        super().format_help(ctx, formatter)

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return [tr("[选项]", "[OPTIONS]"), tr("命令 [参数]…", "COMMAND [ARGS]...")]

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except UsageError as e:
            _reraise(e, ctx)
            raise  # not reached
