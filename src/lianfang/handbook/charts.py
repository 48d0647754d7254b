"""The flowcharts of the handbook, drawn by ``lianfang.flowchart`` into ``<output>/flowcharts/``.

This is only an adapter: ``flowchart.plan_workbook`` decides what can be drawn and names the files
(``CHWSJ_LC-01_external.svg``, as ``lianfang flowchart`` does), and ``flowchart.render.render_all``
renders them in parallel with its content-hash cache, so an unchanged flow is never drawn twice.
What is added here: which flow each file belongs to, the reasons a flow was not drawn, and the
plan cache (``PlanCache``): each unit's DOT sources kept beside its entry in the build's cache, so
a unit that did not change is not laid out again.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from lianfang.findings import Finding
from lianfang.flowchart import DEFAULT_FONT, PageSize, plan_workbook
from lianfang.flowchart.render import ChartFormat, Job, Outcome, Status, find_dot, render_all
from lianfang.handbook.cache import CACHE_DIR, EntryFolder, package_fingerprint
from lianfang.i18n import current_lang, tr
from lianfang.model.workbook import Workbook

FOLDER = "flowcharts"
PLAN_SCHEMA = 1  # the plan cache's entries
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


class PlanCache(EntryFolder):
    """Each unit's planned charts (their DOT sources by file name) in ``.lianfang-cache/plans/``.

    Laying a chart out (``to_dot``, lianfang's own lane layout) costs ~7 ms, 3.3 s for 500 charts,
    and used to run in every build before the chart cache could say a chart was unchanged. The key
    is the unit's key in the unit cache (its bytes, the code that reads and checks it, the settings,
    the language: so its model and findings) with everything else the plan depends on: the whole
    of lianfang (``package_fingerprint``: the layout, the DOT writer), the font, the page, the
    language and the unit's display path. The charts themselves are built again from the model
    (cheap), so the jobs are those a fresh plan makes. JSON, read as data, like the unit cache:
    trusted as far as the output folder it sits in is.
    """

    def __init__(self, out_dir: Path, font: str | None = None, page: PageSize = PageSize.HANDBOOK):
        super().__init__(out_dir / CACHE_DIR / "plans")
        self.salt = f"{package_fingerprint()}\0{font or DEFAULT_FONT}\0{page.value}\0{current_lang()}\0".encode()

    def key(self, unit_key: str, display: str) -> str:
        return hashlib.sha256(self.salt + f"{unit_key}\0{display}".encode()).hexdigest()

    def load(self, key: str) -> dict[str, str] | None:
        data = self.read(key)
        try:
            entry = json.loads(data) if data is not None else None
        except ValueError:
            return None
        sources = entry.get("sources") if isinstance(entry, dict) and entry.get("schema") == PLAN_SCHEMA else None
        if not isinstance(sources, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in sources.items()):
            return None
        self.found(key)
        return sources

    def store(self, key: str, sources: dict[str, str]) -> None:
        self.write(key, json.dumps({"schema": PLAN_SCHEMA, "sources": sources}, ensure_ascii=False))


def unit_sources(wb: Workbook | None, findings: list[Finding], display: str, font: str | None = None) -> dict[str, str]:
    """One unit's DOT sources by file name, laid out afresh: what ``plan`` lays out, and what the
    build's reading workers make beside each unit they check (``handbook.build.read_units``), so
    that the layout runs on every core instead of in the build's own process after reading."""
    planned = plan_workbook(wb, findings, display, ChartFormat.SVG, font or DEFAULT_FONT, page=PageSize.HANDBOOK)
    return {job.name: job.source for job in planned.jobs}


def plan(units: list[tuple[Workbook, list[Finding], str]], font: str | None = None, *,
         cache: PlanCache | None = None, keys: list[str | None] | None = None,
         fresh: list[dict[str, str] | None] | None = None) -> tuple[list[ChartJob], list[ChartSkip]]:
    """The chart of every drawable flow of every unit ((workbook, findings, display path) each).

    With ``cache`` and the units' cache ``keys`` (None: a unit not cached), a unit planned before
    from the same inputs takes its DOT sources from the cache instead of laying its charts out.
    ``fresh``: a unit's sources just made by ``unit_sources`` (in a reading worker; None: none),
    used where the cache has none (and then kept in it)."""
    jobs: list[ChartJob] = []
    skipped: list[ChartSkip] = []
    owner: dict[str, int] = {}
    for i, (wb, findings, display) in enumerate(units):
        unit_key = keys[i] if cache is not None and keys is not None else None
        key = cache.key(unit_key, display) if cache is not None and unit_key is not None else None
        sources = cache.load(key) if cache is not None and key is not None else None
        given = sources if sources is not None else (fresh[i] if fresh is not None else None)
        planned = plan_workbook(wb, findings, display, ChartFormat.SVG, font or DEFAULT_FONT, page=PageSize.HANDBOOK,
                                sources=given)
        if cache is not None and key is not None and (sources is None or any(j.name not in sources for j in planned.jobs)):
            cache.store(key, {job.name: job.source for job in planned.jobs})
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
