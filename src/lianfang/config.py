"""The settings of a run, from ``lianfang.toml`` and the command line, checked in one place.

Every command that reads workbooks (validate, coverage, flowchart, handbook build) gets its
settings from here, so a configuration file means the same to each of them and a bad one stops
each of them the same way (``ConfigError``: exit 2, every problem with the file and line).
The file is the nearest ``lianfang.toml`` from the current directory upward (as ruff does), or
the one given; the command line overrides it::

    [validate]
    select = ["LF1", "LF2", "LF3"]      # codes or prefixes; default: all
    ignore = ["LF305"]
    as-of = "2026-12-31"

    [severity]
    LF402 = "error"                     # error | warning | info | off

    [rules.LF404]
    years = 5

Unknown tables and keys are errors (a misspelt ``ignor`` would otherwise be ignored without a
word), and so is a code or prefix no rule has (``select = ["LF9"]`` would run no rule at all).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from lianfang.errors import LianfangError
from lianfang.findings import Finding, Severity
from lianfang.i18n import tr

CONFIG_NAME = "lianfang.toml"
# the keys of [validate]; [severity] takes rule codes and [rules.CODE] a rule's options
VALIDATE_KEYS = ("select", "ignore", "as-of")
TABLES = ("validate", "severity", "rules")


class ConfigError(LianfangError, ValueError):
    """A configuration file or option that cannot be used; the message says where and why."""


@dataclass
class Settings:
    select: set[str] | None = None  # codes or prefixes; None = every rule
    ignore: set[str] = field(default_factory=set)
    severities: dict[str, Severity | None] = field(default_factory=dict)  # None = off
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    as_of: date = field(default_factory=date.today)
    config_path: Path | None = None

    def enabled(self, code: str) -> bool:
        if self.severities.get(code, True) is None:
            return False
        if any(code.startswith(p) for p in self.ignore):
            return False
        if self.select is None:
            return True
        return any(code.startswith(p) for p in self.select)

    def apply(self, finding: Finding) -> Finding | None:
        """The finding with its configured severity, or None when its rule is off."""
        if not self.enabled(finding.code):
            return None
        sev = self.severities.get(finding.code)
        if sev is not None and sev is not finding.severity:
            return finding.with_severity(sev)
        return finding


def find_config(start: Path | None = None) -> Path | None:
    """The nearest ``lianfang.toml`` in ``start`` or a parent folder."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


# -- values ---------------------------------------------------------------------------------


def parse_codes(text: str | list[str] | None) -> set[str]:
    """``"LF301,LF4"`` or a list → upper-case codes/prefixes."""
    if not text:
        return set()
    items = text if isinstance(text, list) else str(text).replace(";", ",").split(",")
    codes = {str(x).strip().upper() for x in items if str(x).strip()}
    for c in codes:
        if not (c.startswith("LF") and c[2:].isdigit() and 2 <= len(c) <= 5) and c != "LF":
            raise ConfigError(tr("无效的规则代码「{c}」（应如 LF301 或前缀 LF3）", "invalid rule code {c!r} (e.g. LF301 or the prefix LF3)", c=c))
    return codes


def parse_severity(code: str, value: str) -> Severity | None:
    v = str(value).strip().lower()
    if v in ("off", "none", "false", "关闭"):
        return None
    try:
        return Severity(v)
    except ValueError:
        raise ConfigError(tr("{c} 的级别「{v}」无效（可选 error、warning、info、off）", "severity {v!r} of {c} is invalid (error, warning, info, off)", c=code, v=value)) from None


def parse_date_option(text: str) -> date:
    from lianfang.io.values import read_date

    d = read_date(text.strip(), excel=False)
    if d is None:
        raise ConfigError(tr("日期「{v}」无效（如 2026-12-31）", "invalid date {v!r} (e.g. 2026-12-31)", v=text))
    return d


_OPTION_RE = re.compile(r"^\s*(LF\d+)\.([A-Za-z0-9_-]+)\s*=(.*)$", re.IGNORECASE)
_TRUE = {"是", "true", "yes", "y", "1", "on"}
_FALSE = {"否", "false", "no", "n", "0", "off"}


def parse_option_value(code: str, key: str, text: str) -> Any:
    """``--option LF404.years=3``: the value typed as the rule's default for that key."""
    from lianfang.rules import REGISTRY

    rule = REGISTRY.get(code)
    if rule is None:
        raise ConfigError(tr("没有规则 {c}", "there is no rule {c}", c=code))
    if key not in rule.defaults:
        known = "、".join(rule.defaults) or tr("（无）", "(none)")
        raise ConfigError(tr("规则 {c} 没有选项「{k}」（可用：{o}）", "rule {c} has no option {k!r} (available: {o})", c=code, k=key, o=known))
    default = rule.defaults[key]
    text = text.strip()
    bad = ConfigError(tr("选项 {c}.{k} 的值「{v}」无效", "invalid value {v!r} for {c}.{k}", c=code, k=key, v=text))
    if isinstance(default, bool):
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise bad
    if isinstance(default, int):
        try:
            return int(text)
        except ValueError:
            raise bad from None
    if isinstance(default, float):
        try:
            return float(text)
        except ValueError:
            raise bad from None
    if isinstance(default, list | tuple | set | frozenset):
        return [x.strip() for x in re.split(r"[,，、;；]", text) if x.strip()]
    return text


# -- checks against the rule catalogue ------------------------------------------------------


def _check_prefixes(codes: set[str]) -> None:
    from lianfang.rules import REGISTRY

    for code in sorted(codes):
        if not any(rule.code.startswith(code) for rule in REGISTRY):
            raise ConfigError(tr("没有以 {c} 开头的规则（lianfang rules 列出全部规则）", "no rule code starts with {c} (lianfang rules lists them)", c=code))


def _is_rule(code: str) -> bool:
    from lianfang.rules import REGISTRY

    return REGISTRY.get(code) is not None


def _check_rule(code: str) -> None:
    if not _is_rule(code):
        raise ConfigError(tr("没有规则 {c}，无法设置其级别", "there is no rule {c} to set the severity of", c=code))


def _check_options(code: str, options: dict[str, Any]) -> None:
    from lianfang.rules import REGISTRY

    try:
        REGISTRY.check_options({code: options})
    except ValueError as e:
        raise ConfigError(str(e)) from None


def check_settings(settings: Settings) -> None:
    """Every code, prefix and option named in the settings must exist in the catalogue."""
    _check_prefixes((settings.select or set()) | settings.ignore)
    for code in sorted(settings.severities):
        _check_rule(code)
    for code, options in settings.options.items():
        _check_options(code, options)


# -- the file -------------------------------------------------------------------------------


_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*=""")


def _lines_of(text: str) -> dict[tuple[str, ...], int]:
    """The line of every table header and every ``key =`` under it: ``("validate",)``,
    ``("validate", "ignor")``. tomllib gives no positions; a key written in a way this does not
    follow (a dotted key, an inline table) falls back to its table's line, or to none."""
    where: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header:
            table = tuple(part.strip().strip("\"'") for part in header.group(1).split("."))
            where.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key:
            name = next(g for g in key.groups() if g is not None)
            where.setdefault((*table, name), number)
    return where


class _Problems:
    """Problems of one file, each with its line; raised together in the file's order."""

    def __init__(self, path: Path, text: str):
        self.name = _shown(path)
        self.lines = _lines_of(text)
        self.found: list[tuple[int, str]] = []

    def add(self, where: tuple[str, ...], message: str) -> None:
        line = None
        while where and line is None:
            line = self.lines.get(where)
            where = where[:-1]
        self.found.append((line or 0, message))

    def raise_any(self) -> None:
        if self.found:
            raise ConfigError("\n".join(f"{self.name}:{line}: {msg}" if line else f"{self.name}: {msg}"
                                        for line, msg in sorted(self.found, key=lambda p: p[0])))


def _shown(path: Path) -> str:
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def _unknown_key(key: str, known: tuple[str, ...] | list[str]) -> str:
    return tr("未知的键「{k}」（可用：{o}）", "unknown key {k!r} (known: {o})", k=key, o="、".join(known))


def load_settings(config: Path | None = None, start: Path | None = None) -> Settings:
    """Settings from ``config`` (or the nearest lianfang.toml); defaults when there is none.

    The whole file is checked: ``ConfigError`` lists every problem with its line."""
    path = config or find_config(start)
    settings = Settings(config_path=path)
    if path is None:
        return settings
    try:
        text = Path(path).read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(tr("无法读取配置文件 {p}：{e}", "cannot read the configuration {p}: {e}", p=path, e=e)) from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(tr("配置文件 {p} 不是有效的 TOML：{e}", "the configuration {p} is not valid TOML: {e}", p=path, e=e)) from None
    problems = _Problems(path, text)
    for table, value in data.items():
        if table not in TABLES:
            problems.add((table,), tr("未知的表 [{t}]（可用：{o}）", "unknown table [{t}] (known: {o})",
                                      t=table, o="、".join(f"[{t}]" for t in TABLES)))
        elif not isinstance(value, dict):
            problems.add((table,), tr("{t} 应为表 [{t}]", "{t} must be a table [{t}]", t=table))

    validate = data.get("validate")
    if isinstance(validate, dict):
        for key, value in validate.items():
            try:
                if key not in VALIDATE_KEYS:
                    raise ConfigError(_unknown_key(key, VALIDATE_KEYS))
                if key == "as-of":
                    settings.as_of = parse_date_option(str(value))
                    continue
                codes = _codes_of(key, value)
                _check_prefixes(codes)
                if key == "select":
                    settings.select = codes
                else:
                    settings.ignore = codes
            except ConfigError as e:
                problems.add(("validate", key), str(e))

    severity = data.get("severity")
    if isinstance(severity, dict):
        for code, value in severity.items():
            try:
                _check_rule(code.upper())
                settings.severities[code.upper()] = parse_severity(code, value)
            except ConfigError as e:
                problems.add(("severity", code), str(e))

    rules = data.get("rules")
    if isinstance(rules, dict):
        for code, options in rules.items():
            if not isinstance(options, dict):
                problems.add(("rules", code), tr("[rules.{c}] 应为表", "[rules.{c}] must be a table", c=code))
                continue
            if not _is_rule(code):
                problems.add(("rules", code), tr("没有规则 {c}", "there is no rule {c}", c=code))
                continue
            for key, value in options.items():
                try:
                    _check_options(code.upper(), {key: value})
                except ConfigError as e:
                    problems.add(("rules", code, key), str(e))
            settings.options[code.upper()] = dict(options)
    problems.raise_any()
    return settings


def _codes_of(key: str, value: Any) -> set[str]:
    if not isinstance(value, str | list) or (isinstance(value, list) and not all(isinstance(v, str) for v in value)):
        raise ConfigError(tr("{k} 应为规则代码的列表，如 [\"LF3\", \"LF402\"]", "{k} must be a list of rule codes, e.g. [\"LF3\", \"LF402\"]", k=key))
    return parse_codes(value)


# -- the command line -----------------------------------------------------------------------


def build_settings(config: Path | None = None, select: list[str] | None = None, ignore: list[str] | None = None,
                   severity: list[str] | None = None, option: list[str] | None = None, as_of: str | None = None,
                   start: Path | None = None) -> Settings:
    """lianfang.toml (``config``, or the nearest one from ``start``), overridden by the command line.

    What every command that checks workbooks calls: the settings come back checked, or a
    ``ConfigError`` says what is wrong."""
    if config is not None and not config.is_file():
        raise ConfigError(tr("配置文件不存在：{p}", "no such configuration file: {p}", p=config))
    settings = load_settings(config, start)
    if select:
        settings.select = parse_codes(",".join(select))
    if ignore:
        settings.ignore = parse_codes(",".join(ignore))
    for item in severity or []:
        code, sep, level = item.partition("=")
        code = code.strip().upper()
        if not sep or not code:
            raise ConfigError(tr("--severity 应写作 代码=级别，如 LF402=error", "--severity takes CODE=LEVEL, e.g. LF402=error"))
        parse_codes(code)
        settings.severities[code] = parse_severity(code, level)
    for item in option or []:
        m = _OPTION_RE.match(item)
        if m is None:
            raise ConfigError(tr("--option 应写作 代码.选项=值，如 LF404.years=3", "--option takes CODE.KEY=VALUE, e.g. LF404.years=3"))
        code, key = m.group(1).upper(), m.group(2)
        settings.options.setdefault(code, {})[key] = parse_option_value(code, key, m.group(3))
    if as_of is not None:
        settings.as_of = parse_date_option(as_of)
    check_settings(settings)
    return settings
