"""``--format json``: the report exactly as findings.md shapes it (version 1)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import orjson

from lianfang.report import CheckedFile, RenderOptions, totals

if TYPE_CHECKING:
    from lianfang.coverage import Coverage

REPORT_VERSION = 1


def report_data(files: Sequence[CheckedFile], options: RenderOptions) -> dict[str, Any]:
    return {
        "version": REPORT_VERSION,
        "tool": options.tool,
        "files": [
            {
                "path": c.report.path,
                "unit": c.report.unit,
                "ok": c.report.ok,
                "counts": c.report.counts(),
                "findings": [f.to_dict() for f in c.report.findings],
            }
            for c in files
        ],
        "summary": totals(files),
    }


def dump_bytes(data: Any) -> bytes:
    """JSON as every lianfang report writes it: UTF-8, not ASCII-escaped, indented by two, a newline last.

    orjson writes the same bytes as ``json.dumps(data, ensure_ascii=False, indent=2)``
    (a property test holds them to it) ten times faster: the standard library falls back to its
    pure-Python encoder whenever it indents, which made SARIF the slowest report. The bytes go to
    the output as they are (no decoding and encoding again of tens of megabytes). Text orjson
    refuses (a lone surrogate from a YAML escape) goes through the standard library.
    """
    try:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n"
    except (orjson.JSONEncodeError, TypeError):
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8", "replace")


def dumps(data: Any) -> str:
    """``dump_bytes`` as text."""
    try:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render(files: Sequence[CheckedFile], options: RenderOptions) -> bytes:
    return dump_bytes(report_data(files, options))


def render_coverage(cov: Coverage, options: RenderOptions) -> str:
    """``lianfang coverage --format json``: ``Coverage.to_data()`` with the tool that made it."""
    return dumps({"tool": options.tool, **cov.to_data()})


def render_coverages(units: Sequence[Coverage], options: RenderOptions) -> str:
    """Several units: ``{"tool": …, "units": [Coverage.to_data() of each]}``, in the order found."""
    return dumps({"tool": options.tool, "units": [cov.to_data() for cov in units]})
