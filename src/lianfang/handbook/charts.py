"""The flowcharts of the handbook, drawn by ``lianfang.flowchart`` into ``<output>/flowcharts/``.

This is only an adapter: ``flowchart.plan_workbook`` decides what can be drawn and names the files
(``CHWSJ_LC-01_external.svg``, as ``lianfang flowchart`` does), and ``flowchart.render.render_all``
renders them in parallel with its content-hash cache, so an unchanged flow is never drawn twice.
What is added here: which flow each file belongs to, and the reasons a flow was not drawn.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from lianfang.findings import Finding
from lianfang.flowchart import DEFAULT_FONT, PageSize, plan_workbook
from lianfang.flowchart.render import ChartFormat, Job, Outcome, Status, find_dot, render_all
from lianfang.i18n import tr
from lianfang.model.workbook import Workbook

FOLDER = "flowcharts"
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass(frozen=True)
class ChartJob:
    unit: int  # index of the unit in the build
    flow_id: str
    job: Job

    @property
    def target(self) -> str:
        """The file, relative to the output folder (and to handbook.md)."""
        return f"{FOLDER}/{self.job.name}"


@dataclass(frozen=True)
class ChartSkip:
    """A flow that was not drawn, and why."""

    unit: int
    flow_id: str | None
    reason: str


def safe_name(text: str | None, fallback: str) -> str:
    """A file or folder name from an ID: no separators, no leading dot (``..`` is a valid ID)."""
    name = _UNSAFE_NAME.sub("_", text or "").lstrip(".")
    return name or fallback


def unique_name(name: str, used: set[str]) -> str:
    """``name``, or ``name-2``…, unique even on a case-insensitive file system."""
    candidate, n = name, 1
    while candidate.casefold() in used:
        n += 1
        candidate = f"{name}-{n}"
    used.add(candidate.casefold())
    return candidate


def plan(units: list[tuple[Workbook, list[Finding], str]], font: str | None = None) -> tuple[list[ChartJob], list[ChartSkip]]:
    """The chart of every drawable flow of every unit ((workbook, findings, display path) each)."""
    jobs: list[ChartJob] = []
    skipped: list[ChartSkip] = []
    owner: dict[str, int] = {}
    for i, (wb, findings, display) in enumerate(units):
        planned = plan_workbook(wb, findings, display, ChartFormat.SVG, font or DEFAULT_FONT, page=PageSize.HANDBOOK)
        for f in planned.findings:
            skipped.append(ChartSkip(i, None, f.message))
        for refusal in planned.refused:
            skipped.append(ChartSkip(i, refusal.flow_id, "；".join(f.message for f in refusal.findings)))
        for chart, job in zip(planned.charts, planned.jobs, strict=True):
            key = job.name.casefold()
            if key in owner and owner[key] != i:
                # two workbooks with one unit code would draw into the same file
                skipped.append(ChartSkip(i, chart.flow_id, tr("与 {o} 的流程图同名（单位代码相同？）", "same file name as a chart of {o} (the same unit code?)",
                                                              o=units[owner[key]][2])))
                continue
            owner[key] = i
            jobs.append(ChartJob(i, chart.flow_id, job))
    return jobs, skipped


def draw(
    jobs: list[ChartJob],
    out_dir: Path,
    *,
    font: str | None = None,
    force: bool = False,
    workers: int | None = None,
    on_done: Callable[[Outcome], None] | None = None,
    fmt: ChartFormat = ChartFormat.SVG,
) -> tuple[dict[tuple[int, str], list[str]], list[ChartSkip], int]:
    """Render into ``out_dir/flowcharts``: (unit, flow) → its files, one a page in order (a chart
    too long for one A4 page is split: ``…_internal.svg``, ``…_internal_p2.svg``…), the failures,
    and how many were unchanged.

    ``fmt`` PNG draws the raster copies the Word and Excel handbooks embed, beside the SVGs (same
    names, the same pages: the job keeps its chart and page size, so it is split the same way).

    Raises ``flowchart.render.GraphvizMissing`` without Graphviz, ``OutputError`` when the folder
    cannot be made.
    """
    if not jobs:
        return {}, [], 0
    render_jobs = [j.job if fmt is ChartFormat.SVG else replace(j.job, name=_with_suffix(j.job.name, fmt)) for j in jobs]
    outcomes = render_all(render_jobs, out_dir / FOLDER, fmt, font or DEFAULT_FONT,
                          force=force, workers=workers, dot=find_dot(), on_done=on_done)
    drawn: dict[tuple[int, str], list[str]] = {}
    failed: list[ChartSkip] = []
    unchanged = 0
    for job, outcome in zip(jobs, outcomes, strict=True):
        if outcome.status in (Status.WRITTEN, Status.UNCHANGED):
            drawn[(job.unit, job.flow_id)] = [f"{FOLDER}/{p.name}" for p in outcome.files]
            unchanged += outcome.status is Status.UNCHANGED
        else:
            failed.append(ChartSkip(job.unit, job.flow_id, outcome.message))
    return drawn, failed, unchanged


def _with_suffix(name: str, fmt: ChartFormat) -> str:
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem}.{fmt.value}"
