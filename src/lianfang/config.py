"""Settings of a validation run: which rules, their severities and options, the date.

Read from a ``lianfang.toml`` found from the current directory upward (as ruff does), then
overridden by the command line::

    [validate]
    select = ["LF1", "LF2", "LF3"]      # codes or prefixes; default: all
    ignore = ["LF305"]
    as-of = "2026-12-31"

    [severity]
    LF402 = "error"                     # error | warning | info | off

    [rules.LF404]
    years = 5
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from lianfang.findings import Finding, Severity
from lianfang.i18n import tr

CONFIG_NAME = "lianfang.toml"


class ConfigError(ValueError):
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


def load_settings(config: Path | None = None, start: Path | None = None) -> Settings:
    """Settings from ``config`` (or the nearest lianfang.toml); defaults when there is none."""
    path = config or find_config(start)
    settings = Settings(config_path=path)
    if path is None:
        return settings
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(tr("无法读取配置文件 {p}：{e}", "cannot read the configuration {p}: {e}", p=path, e=e)) from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(tr("配置文件 {p} 不是有效的 TOML：{e}", "the configuration {p} is not valid TOML: {e}", p=path, e=e)) from None
    validate = data.get("validate", {})
    if "select" in validate:
        settings.select = parse_codes(validate["select"])
    settings.ignore = parse_codes(validate.get("ignore"))
    if "as-of" in validate:
        settings.as_of = parse_date_option(str(validate["as-of"]))
    for code, value in data.get("severity", {}).items():
        settings.severities[code.upper()] = parse_severity(code, value)
    for code, opts in data.get("rules", {}).items():
        if not isinstance(opts, dict):
            raise ConfigError(tr("[rules.{c}] 应为表", "[rules.{c}] must be a table", c=code))
        settings.options[code.upper()] = dict(opts)
    from lianfang.rules import REGISTRY  # every rule registered, with its options

    try:
        REGISTRY.check_options(settings.options)
    except ValueError as e:
        raise ConfigError(tr("配置文件 {p}：{e}", "configuration {p}: {e}", p=path, e=e)) from None
    return settings


def parse_date_option(text: str) -> date:
    from lianfang.io.values import read_date

    d = read_date(text.strip(), excel=False)
    if d is None:
        raise ConfigError(tr("日期「{v}」无效（如 2026-12-31）", "invalid date {v!r} (e.g. 2026-12-31)", v=text))
    return d
