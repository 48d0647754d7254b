"""``--format json``: the report exactly as findings.md shapes it (version 1)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from lianfang.pipeline import CheckedFile
from lianfang.report import RenderOptions, totals

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


def dumps(data: Any) -> str:
    """JSON as every lianfang report writes it: UTF-8 text, not ASCII-escaped, indented."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render(files: Sequence[CheckedFile], options: RenderOptions) -> str:
    return dumps(report_data(files, options))


def render_coverage(cov: Coverage, options: RenderOptions) -> str:
    """``lianfang coverage --format json``: ``Coverage.to_data()`` with the tool that made it."""
    return dumps({"tool": options.tool, **cov.to_data()})
