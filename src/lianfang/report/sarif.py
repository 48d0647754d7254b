"""``--format sarif``: SARIF 2.1.0 for code-scanning tools (GitHub, Azure DevOps, IDEs).

The whole rule catalogue goes into ``tool.driver.rules``; each result points at its rule by
``ruleId`` and ``ruleIndex``. A YAML finding has a ``region`` (line, column). An xlsx file has no
lines, so its result names the cell in a ``logicalLocation`` (``风险点!A9``) and in
``properties``; it carries no invented region. ``partialFingerprints`` keep a finding the same
alert across runs even when rows move.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from lianfang.findings import Finding, Severity
from lianfang.i18n import current_lang
from lianfang.report import INFORMATION_URI, TOOL_NAME, CheckedFile, RenderOptions
from lianfang.report.json_report import dump_bytes
from lianfang.rules.base import REGISTRY, Rule

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_VERSION = "2.1.0"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def rule_descriptor(rule: type[Rule]) -> dict[str, Any]:
    lang = current_lang()
    title = rule.title(lang)
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": title or rule.name},
        "fullDescription": {"text": rule.doc(lang) or title or rule.name},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": ["lianfang", rule.code[:3]]},
    }


def _fingerprint(path: str, f: Finding) -> str:
    # what the finding is about, not where: stable when rows are inserted above it
    key = "\0".join((path, f.code, f.object or "", f.field or "", "" if f.object else f.message))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def artifact_location(path: str) -> dict[str, str]:
    """A report path as a SARIF URI reference: percent-encoded (``units/%E5%B7%A2….xlsx``), relative
    paths against ``%SRCROOT%``, absolute ones as ``file://`` URIs."""
    if PurePosixPath(path).is_absolute():
        return {"uri": "file://" + quote(path, safe="/")}
    # quote() also encodes ":", so a first segment is never mistaken for a scheme
    return {"uri": quote(path, safe="/"), "uriBaseId": "%SRCROOT%"}


def result(path: str, f: Finding, rule_index: dict[str, int], artifact: dict[str, str] | None = None) -> dict[str, Any]:
    """One finding as a SARIF result; ``artifact`` is the file's location, made once per file.

    Written out key by key (each location value read once): SARIF is the largest report, and this
    runs once per finding."""
    loc = f.location
    sheet, line, cell = loc.sheet, loc.line, loc.cell
    physical: dict[str, Any] = {"artifactLocation": artifact if artifact is not None else artifact_location(path)}
    if line is not None:
        physical["region"] = {"startLine": line, "startColumn": loc.col or 1}
    location: dict[str, Any] = {"physicalLocation": physical}
    if sheet is not None:
        location["logicalLocations"] = [{"name": cell or sheet, "fullyQualifiedName": loc.describe()}]
    code = f.code
    index = rule_index.get(code)
    out: dict[str, Any] = {"ruleId": code} if index is None else {"ruleId": code, "ruleIndex": index}
    out["level"] = LEVELS[f.severity]
    out["message"] = {"text": f.message}
    out["locations"] = [location]
    out["partialFingerprints"] = {"lianfang/v1": _fingerprint(path, f)}
    props = {}
    if sheet is not None:
        props["sheet"] = sheet
    if loc.row is not None:
        props["row"] = loc.row
    if loc.column is not None:
        props["column"] = loc.column
    if cell is not None:
        props["cell"] = cell
    if f.object is not None:
        props["object"] = f.object
    if f.field is not None:
        props["field"] = f.field
    if props:
        out["properties"] = props
    return out


def sarif_data(files: Sequence[CheckedFile], options: RenderOptions, rules: Iterable[type[Rule]] | None = None) -> dict[str, Any]:
    catalogue = list(REGISTRY if rules is None else rules)
    rule_index = {r.code: i for i, r in enumerate(catalogue)}
    return {
        "$schema": SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "version": options.version,
                        "semanticVersion": options.version,
                        "informationUri": INFORMATION_URI,
                        "rules": [rule_descriptor(r) for r in catalogue],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [result(c.report.path, f, rule_index, artifact)
                            for c in files for artifact in (artifact_location(c.report.path),) for f in c.report.findings],
            }
        ],
    }


def render(files: Sequence[CheckedFile], options: RenderOptions) -> bytes:
    return dump_bytes(sarif_data(files, options))
