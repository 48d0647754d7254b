"""The rule contract and the registry.

A rule is a small class with a stable ``code``, a dotted-free ``name``, a default ``severity``,
a docstring that documents it (with a passing and a failing example) and a ``check`` generator.
Rules LF100–LF107 and LF206 are found while reading a file; their ``check`` yields nothing, the
readers report ``ReadProblem`` data and ``rules.reading.reader_findings`` makes the findings.

The registry imports the catalogue's modules (``CATALOGUE``) the first time it is asked for a
rule, not when the package is imported: ``lianfang convert`` (git textconv, once per file) needs
only the reading rules, and the whole catalogue costs a few milliseconds of its start-up.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from lianfang.errors import LianfangError
from lianfang.findings import NOWHERE, Finding, Location, Severity
from lianfang.i18n import current_lang

if TYPE_CHECKING:
    from lianfang.model.workbook import Workbook


@dataclass
class Context:
    """What a rule may depend on besides the workbook: the date and the rule options."""

    as_of: date = field(default_factory=date.today)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    # the language of the run's messages, read once (a run may write tens of thousands)
    lang: str = field(default_factory=current_lang)

    def option(self, rule: Rule, key: str) -> Any:
        return self.options.get(rule.code, {}).get(key, rule.defaults[key])

    def tr(self, zh: str, en: str, **params: object) -> str:
        """``lianfang.i18n.tr`` in the run's language."""
        text = en if self.lang == "en" else zh
        return text.format(**params) if params else text


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    title_zh: ClassVar[str] = ""
    title_en: ClassVar[str] = ""
    # what to do about a finding, said to the unit that must fix it (review letter, docs/rules.md)
    fix_zh: ClassVar[str] = ""
    fix_en: ClassVar[str] = ""
    # the Chinese documentation; the docstring is the English one
    doc_zh: ClassVar[str] = ""
    # options a configuration file may set, with their defaults
    defaults: ClassVar[dict[str, Any]] = {}
    # True for LF100–LF107: emitted by the readers, not by check()
    on_read: ClassVar[bool] = False

    def check(self, workbook: Workbook, ctx: Context) -> Iterator[Finding]:
        return iter(())

    @classmethod
    def doc(cls, lang: str = "en") -> str:
        """The rule's documentation: the docstring, or ``doc_zh`` for ``lang="zh"`` when there is one."""
        if lang == "zh" and cls.doc_zh:
            return inspect.cleandoc(cls.doc_zh)
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def title(cls, lang: str = "zh") -> str:
        return cls.title_en if lang == "en" else cls.title_zh

    @classmethod
    def fix(cls, lang: str = "zh") -> str:
        return cls.fix_en if lang == "en" else cls.fix_zh

    @classmethod
    def finding(
        cls,
        message: str,
        at: Location | None = None,
        object: str | None = None,  # noqa: A002 - the spec's key
        field: str | None = None,
        severity: Severity | None = None,
    ) -> Finding:
        # positional: a large workbook may make tens of thousands of findings
        return Finding(cls.code, cls.name, severity or cls.severity, message, at or NOWHERE, object, field)


class DuplicateRuleError(LianfangError, ValueError):
    pass


# the modules of the catalogue, each a part of lianfang.rules registering its rules
CATALOGUE = ("coverage", "flows", "quality", "reading", "references")


class Registry:
    """All rules by code; refuses a second rule with a code already taken. ``modules`` (of
    lianfang.rules) are imported, registering their rules, when a rule is first asked for."""

    def __init__(self, modules: tuple[str, ...] = ()) -> None:
        self._rules: dict[str, type[Rule]] = {}
        self._modules = modules

    def _complete(self) -> None:
        if self._modules:
            for name in self._modules:
                importlib.import_module(f"lianfang.rules.{name}")
            self._modules = ()  # only now: another thread asking meanwhile imports them too (and waits)

    def register(self, rule: type[Rule]) -> type[Rule]:
        if not rule.__module__.startswith("lianfang.rules."):
            self._complete()  # a rule from elsewhere meets the whole catalogue
        if rule.code in self._rules:
            raise DuplicateRuleError(f"rule code {rule.code} is already registered")
        for attr in ("code", "name", "severity"):
            if not hasattr(rule, attr):
                raise TypeError(f"{rule.__name__} has no {attr}")
        self._rules[rule.code] = rule
        return rule

    def get(self, code: str) -> type[Rule] | None:
        self._complete()
        return self._rules.get(code.upper())

    def check_options(self, options: dict[str, dict[str, Any]]) -> None:
        """Raise ``ValueError`` (a user-facing message) for an option no rule has or of the wrong type."""
        from lianfang.i18n import tr

        for code, opts in options.items():
            rule = self.get(code)
            if rule is None:
                raise ValueError(tr("没有规则 {c}", "there is no rule {c}", c=code))
            for key, value in opts.items():
                if key not in rule.defaults:
                    known = ", ".join(rule.defaults) or tr("无", "none")
                    raise ValueError(tr("规则 {c} 没有选项「{k}」（可用：{o}）", "rule {c} has no option {k!r} (known: {o})",
                                        c=code, k=key, o=known))
                default = rule.defaults[key]
                if isinstance(default, int) and not (type(value) is int and value >= 1):
                    raise ValueError(tr("{c} 的选项 {k} 应为正整数，而不是 {v!r}", "option {k} of {c} must be a positive integer, not {v!r}",
                                        c=code, k=key, v=value))
                if isinstance(default, list) and not (isinstance(value, list) and all(isinstance(x, str) and x.strip() for x in value)):
                    raise ValueError(tr("{c} 的选项 {k} 应为文字列表，如 [\"采购\", \"招标\"]", "option {k} of {c} must be a list of words, e.g. [\"采购\", \"招标\"]",
                                        c=code, k=key))

    def __iter__(self):
        self._complete()
        return iter(sorted(self._rules.values(), key=lambda r: r.code))

    def __len__(self) -> int:
        self._complete()
        return len(self._rules)


REGISTRY = Registry(CATALOGUE)
register = REGISTRY.register


def missing_table(workbook: Workbook, key: str) -> bool:
    """True when a required table was absent from the file: LF101 said so, rules say no more about it."""
    from lianfang.io.format import SPEC_BY_KEY

    origin = workbook.origin
    return origin.format is not None and key not in origin.sheets and SPEC_BY_KEY[key].required
