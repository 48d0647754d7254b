"""``lianfang rules``: the rule catalogue, or one rule explained."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from lianfang.cli.common import LangOption, fail, out
from lianfang.cli.words import help_text
from lianfang.i18n import current_lang, tr
from lianfang.report.style import severity_word
from lianfang.rules import REGISTRY
from lianfang.rules.base import Rule
from lianfang.rules.docs import doc_text

HELP_ZH = """列出全部校验规则（代码、名称、默认级别、说明），或解释一条规则：说明、修改要求和选项。

规则可按代码（LF301）、名称（uncovered-risk）或中文说明（风险点没有防控措施）指定。

示例：lianfang rules；lianfang rules LF301；lianfang rules uncovered-risk；lianfang rules LF4（只列 LF4xx）"""
HELP_EN = """List the validation rules (code, name, default severity, title), or explain one rule: its
documentation, how to fix a finding, and its options.

A rule is named by its code (LF301), its name (uncovered-risk) or its title.

Example: lianfang rules; lianfang rules LF301; lianfang rules uncovered-risk; lianfang rules LF4 (only LF4xx)"""


def _toml_value(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def explain(rule: type[Rule], lang: str) -> str:
    """One rule as plain text: heading, title, documentation, options as lianfang.toml lines."""
    heading = tr("{c} {n}（默认级别：{s}）", "{c} {n} (default severity: {s})", c=rule.code, n=rule.name, s=severity_word(rule.severity))
    lines = [heading, rule.title(lang), "", doc_text(rule, lang)]
    if rule.fix(lang):
        lines += ["", tr("修改要求：{h}", "To fix: {h}", h=rule.fix(lang))]
    if rule.defaults:
        lines += ["", tr("选项（lianfang.toml，以下为默认值）：", "Options (lianfang.toml; the defaults):"), f"[rules.{rule.code}]"]
        lines += [f"{key} = {_toml_value(value)}" for key, value in rule.defaults.items()]
    return "\n".join(lines)


def find_rule(text: str) -> type[Rule] | None:
    """A rule by its code, its name or its title in either language (any letter case)."""
    wanted = text.strip()
    rule = REGISTRY.get(wanted)
    if rule is not None:
        return rule
    folded = wanted.casefold().replace("_", "-")
    return next((r for r in REGISTRY if folded in (r.name.casefold(), r.title_zh, r.title_en.casefold())), None)


def rules(
    code: Annotated[str | None, typer.Argument(metavar="RULE", help=help_text("规则代码（如 LF301）、名称（如 uncovered-risk）或代码前缀（如 LF3）",
                                                                     "a rule code (LF301), name (uncovered-risk) or code prefix (LF3)"),
                                               show_default=False)] = None,
    lang: LangOption = None,
) -> None:
    """List the rules or explain one (help: HELP_ZH / HELP_EN)."""
    language = current_lang()
    wanted = (code or "").strip().upper()
    rule = find_rule(code) if wanted else None
    if rule is not None:
        typer.echo(explain(rule, language))
        return
    chosen = [r for r in REGISTRY if r.code.startswith(wanted)]
    if not chosen:
        fail(tr("没有规则「{c}」；运行 lianfang rules 查看全部规则", "there is no rule {c!r}; run lianfang rules to see them all", c=code))
    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    for header in (tr("代码", "code"), tr("名称", "name"), tr("默认级别", "default"), tr("说明", "title")):
        table.add_column(header, no_wrap=header != tr("说明", "title"))
    for r in chosen:
        table.add_row(r.code, r.name, severity_word(r.severity), escape(r.title(language)))
    out().print(table)
