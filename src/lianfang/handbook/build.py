"""Building a handbook: units read and validated, flows drawn, documents gathered, files written.

The order is the issue's: validation first (every unit, with the settings of ``lianfang.toml``);
an error stops the build unless it is forced, and a forced build carries the findings as an
appendix. Reading and validation run in worker processes and are cached by content hash in the
output folder, and so is each unit's chart plan (the DOT sources, laid out by the same workers);
flowcharts are rendered in parallel and cached by the hash of their DOT text, while the statistics'
charts are drawn in a worker of their own.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import multiprocessing
import os
import re
import stat
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from lianfang import __version__
from lianfang.config import ConfigError, Settings, build_settings
from lianfang.discover import display_path
from lianfang.errors import LianfangError
from lianfang.findings import Finding, Severity
from lianfang.flowchart.render import GraphvizMissing, missing_dot_message
from lianfang.handbook import charts as charts_mod
from lianfang.handbook.cache import Manifest, UnitCache, package_fingerprint
from lianfang.handbook.config import (
    FORMATS,
    HandbookConfigError,
    Project,
    is_config_file,
    load_project,
    unit_project,
)
from lianfang.handbook.context import CONFIRMED, Document, UnitInput, build_context, finding_rows
from lianfang.handbook.filters import demote_headings
from lianfang.handbook.reproducible import ReproducibilityError, build_time
from lianfang.i18n import current_lang, set_lang, tr
from lianfang.io.atomic import OutputError, atomic_path, check_output, write_atomic
from lianfang.io.encoding import EncodingProblem, decode_text
from lianfang.io.reader import WORKBOOK_SUFFIXES
from lianfang.model.workbook import Workbook

if TYPE_CHECKING:
    from lianfang.handbook.pictures import StatisticsDrawing

MARKDOWN_NAME = "handbook.md"
EXCEL_NAME = "handbook.xlsx"
WORD_NAME = "handbook.docx"
PDF_NAME = "handbook.pdf"
OUTPUT_NAMES = (("md", MARKDOWN_NAME), ("xlsx", EXCEL_NAME), ("docx", WORD_NAME), ("pdf", PDF_NAME))
ATTACHMENTS = "attachments"
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024


class BuildError(LianfangError):
    """The build cannot run (bad handbook.yaml, missing file, output in the way): exit 2."""


@dataclass
class BuildOptions:
    target: Path | None = None  # handbook.yaml, a folder holding one, or one unit workbook
    output: Path | None = None
    formats: list[str] | None = None
    templates: Path | None = None
    force: bool = False
    jobs: int = 0  # 0: one per CPU
    as_of: date | None = None


class RepeatedUnitError(BuildError):
    """Two workbooks give the same 单位代码: the handbook would hold that unit twice (exit 1, not 2)."""


def refuse_repeated_units(units: list[UnitResult]) -> None:
    """Raise ``RepeatedUnitError`` naming every 单位代码 given by more than one workbook, with the files."""
    by_code: dict[str, list[str]] = {}
    for u in units:
        code = u.workbook.code if u.workbook is not None else None
        if code:
            by_code.setdefault(code, []).append(u.display)
    repeated = {code: files for code, files in by_code.items() if len(files) > 1}
    if repeated:
        lines = [tr("单位代码 {c} 出现在 {n} 个工作簿中：{f}", "unit code {c} is given by {n} workbooks: {f}",
                    c=code, n=len(files), f=tr("、", ", ").join(files)) for code, files in repeated.items()]
        raise RepeatedUnitError("\n".join(lines) + "\n" + tr(
            "每个单位只能有一个工作簿：请删除重复的文件或改正其单位代码。",
            "each unit has one workbook: remove the repeated file or correct its unit code."))


@dataclass
class UnitResult:
    path: Path
    display: str
    workbook: Workbook | None
    findings: list[Finding]
    cached: bool = False
    key: str | None = None  # the content-hash cache key (None: the file could not be read)
    read_seconds: float = 0.0
    validate_seconds: float = 0.0
    plan_seconds: float = 0.0
    # the DOT sources of its charts, laid out by the reading worker (None: not asked, or cached)
    chart_sources: dict[str, str] | None = None

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)


@dataclass
class BuildResult:
    output: Path
    built: bool = False
    units: list[UnitResult] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    charts: int = 0
    chart_hits: int = 0
    plan_hits: int = 0  # units whose charts' DOT sources came from the plan cache
    sheet_hits: int = 0  # sheets of the Excel handbook written from the sheet cache (excel_cache)
    notes: list[str] = field(default_factory=list)  # what could not be drawn or copied
    unchanged: bool = False  # the handbook files were already up to date: nothing written
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return sum(u.errors for u in self.units)

    @property
    def findings(self) -> list[tuple[UnitResult, Finding]]:
        return [(u, f) for u in self.units for f in u.findings]


class Reporter:
    """Progress of a build; the CLI shows it as a progress bar, tests and libraries ignore it."""

    def start(self, phase: str, total: int) -> None:
        pass

    def advance(self, phase: str) -> None:
        pass


# -- the target -----------------------------------------------------------------------------


def load_target(target: Path | None) -> Project:
    """The project a build argument names: handbook.yaml, a folder holding one, or one workbook."""
    if target is None:
        target = Path("handbook.yaml")
        if not target.is_file():
            raise BuildError(tr("当前文件夹没有 handbook.yaml；请指定 handbook.yaml 或一个单位工作簿，或先运行 lianfang handbook init",
                                "no handbook.yaml in the current folder; name a handbook.yaml or a unit workbook, or run lianfang handbook init"))
    if target.is_dir():
        candidate = target / "handbook.yaml"
        if not candidate.is_file():
            raise BuildError(tr("文件夹 {p} 中没有 handbook.yaml", "no handbook.yaml in the folder {p}", p=target))
        target = candidate
    if not target.exists():
        raise BuildError(tr("文件不存在：{p}", "no such file: {p}", p=target))
    try:
        if is_config_file(target):
            return load_project(target)
    except HandbookConfigError as e:
        raise BuildError(str(e)) from None
    if target.suffix.lower() not in WORKBOOK_SUFFIXES:
        raise BuildError(tr("{p} 既不是 handbook.yaml，也不是单位工作簿（.xlsx、.yaml）",
                            "{p} is neither a handbook.yaml nor a unit workbook (.xlsx, .yaml)", p=target))
    return unit_project(target)


# -- reading and validating -------------------------------------------------------------------


@dataclass(frozen=True)
class ChartPlanning:
    """Asks ``read_units`` to lay out each unit's charts beside checking it (the handbook's)."""

    font: str | None = None


def _read_and_check(path: str, settings: Settings, lang: str, display: str | None = None,
                    planning: ChartPlanning | None = None) -> tuple:
    """Worker: read one workbook and run the catalogue over it (runs in another process); with
    ``planning``, lay out its charts too (their DOT sources by file name, else None).

    Returns the workbook, the findings, the seconds reading, checking and planning took, and the
    sources."""
    set_lang(lang)
    from lianfang.pipeline import check_workbook

    timings: dict[str, float] = {}
    checked = check_workbook(path, settings, timings=timings)
    wb, findings = checked.workbook, checked.report.findings
    sources, t_plan = None, 0.0
    if planning is not None and wb is not None and wb.unit is not None:  # the build draws only such units
        t0 = time.perf_counter()
        sources = charts_mod.unit_sources(wb, findings, display or path, planning.font)
        t_plan = time.perf_counter() - t0
    return wb, findings, timings["read"], timings["rules"], t_plan, sources


def read_units(paths: list[Path], settings: Settings, cache: UnitCache | None, jobs: int,
               reporter: Reporter, planning: ChartPlanning | None = None) -> list[UnitResult]:
    """Every unit read and validated, from the cache when its bytes and the settings are unchanged.

    With ``planning``, each unit read afresh has its charts laid out in the same worker
    (``UnitResult.chart_sources``): the build's planning then runs on every core while reading."""
    results: list[UnitResult | None] = [None] * len(paths)
    misses: list[tuple[int, str | None]] = []
    reporter.start("units", len(paths))
    for i, path in enumerate(paths):
        display = display_path(path)
        t0 = time.perf_counter()
        try:
            data = path.read_bytes()
        except OSError:
            misses.append((i, None))  # the reader reports it as LF100
            continue
        key = cache.key(data) if cache else None
        hit = cache.load(key) if cache and key else None
        if hit is not None:
            results[i] = UnitResult(path, display, hit[0], hit[1], cached=True, key=key, read_seconds=time.perf_counter() - t0)
            reporter.advance("units")
        else:
            misses.append((i, key))

    def done(i: int, key: str | None, out: tuple) -> None:
        wb, findings, t_read, t_check, t_plan, sources = out
        results[i] = UnitResult(paths[i], display_path(paths[i]), wb, findings, False, key, t_read, t_check,
                                t_plan, sources)
        if cache and key:
            cache.store(key, wb, findings)
        reporter.advance("units")

    lang = current_lang()
    if jobs > 1 and len(misses) > 1:
        # spawn, not fork: the progress bar runs a thread, and forking a threaded process can hang
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(jobs, len(misses)), mp_context=ctx) as pool:
            futures = [(i, key, pool.submit(_read_and_check, str(paths[i]), settings, lang, display_path(paths[i]),
                                            planning)) for i, key in misses]
            for i, key, fut in futures:
                done(i, key, fut.result())
    else:
        for i, key in misses:
            done(i, key, _read_and_check(str(paths[i]), settings, lang, display_path(paths[i]), planning))
    return [r for r in results if r is not None]


# -- documents and attachments ----------------------------------------------------------------


class _Attachments:
    """Files copied beside the handbook, each under a unique name in ``attachments/<folder>/``."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.used: set[str] = set()
        self.written: list[str] = []

    def copy(self, source: Path, folder: str) -> str:
        name = source.name if _readable_name(source.name) else charts_mod.safe_name(source.name, "file")
        stem, dot, suffix = name.rpartition(".") if "." in name.lstrip(".") else (name, "", "")
        rel = f"{ATTACHMENTS}/{folder}/{name}"
        n = 1
        while rel.casefold() in self.used:
            n += 1
            rel = f"{ATTACHMENTS}/{folder}/{stem}-{n}{dot}{suffix}"
        self.used.add(rel.casefold())
        target = self.out_dir / rel
        data = source.read_bytes()
        if not (target.is_file() and target.read_bytes() == data):
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, data, force=True)
        self.written.append(rel)
        return rel


def _hidden(written: str, source: Path, project: Project) -> bool:
    """Whether a file a workbook names is, as written or once links are followed, hidden."""
    parts = list(Path(written).parts)
    resolved = source.resolve()
    root = project.root.resolve()
    if resolved.is_relative_to(root):
        parts += resolved.relative_to(root).parts
    return any(p.startswith(".") and p not in (".", "..") for p in parts)


def _readable_name(stem: str) -> bool:
    """A document's own name is kept (Chinese included) unless it could be read as a path."""
    return bool(stem) and not stem.startswith(".") and not any(c in stem for c in '/\\:*?"<>|\0')


def gather_documents(project: Project, attachments: _Attachments) -> dict[int, list[Document]]:
    """Parts 1, 2, 6, 7, 8: Markdown files included in the text, any other file copied and linked."""
    try:
        files = project.documents()
    except HandbookConfigError as e:
        raise BuildError(str(e)) from None
    out: dict[int, list[Document]] = {}
    for part, entries in files.items():
        for path, ref_title in entries:
            title = ref_title or path.stem
            if path.suffix.lower() in (".md", ".markdown"):
                try:
                    if path.stat().st_size > MAX_DOCUMENT_BYTES:
                        raise BuildError(tr("文件过大：{p}", "file too large: {p}", p=path))
                    text = decode_text(path.read_bytes())
                except (OSError, EncodingProblem) as e:
                    raise BuildError(tr("无法读取文件 {p}：{e}", "cannot read {p}: {e}", p=path, e=e)) from None
                heading, body = split_title(text)
                title = ref_title or heading or path.stem
                out.setdefault(part, []).append(Document(part, title, "", demote_headings(body, 2)))
            elif path.suffix.lower() == ".csv":
                # a table (a public-notice record, a list) is printed in the handbook, not linked
                out.setdefault(part, []).append(Document(part, title, "", table=_read_table(path)))
            else:
                try:
                    link = attachments.copy(path, f"part{part}")
                except OSError as e:
                    raise BuildError(tr("无法复制文件 {p}：{e}", "cannot copy {p}: {e}", p=path, e=e)) from None
                out.setdefault(part, []).append(Document(part, title, link))
    return out


def _read_table(path: Path) -> list[list[str]]:
    """A CSV document as rows of text (header first), every row as wide as the widest."""
    try:
        if path.stat().st_size > MAX_DOCUMENT_BYTES:
            raise BuildError(tr("文件过大：{p}", "file too large: {p}", p=path))
        text = decode_text(path.read_bytes())
    except (OSError, EncodingProblem) as e:
        raise BuildError(tr("无法读取文件 {p}：{e}", "cannot read {p}: {e}", p=path, e=e)) from None
    try:
        rows = [[cell.strip() for cell in r] for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    except csv.Error as e:
        raise BuildError(tr("无法读取表格 {p}：{e}", "cannot read the table {p}: {e}", p=path, e=e)) from None
    if not rows:
        return [[path.stem]]
    width = max(len(r) for r in rows)
    return [r + [""] * (width - len(r)) for r in rows]


_H1 = re.compile(r"^#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")


def split_title(markdown: str) -> tuple[str | None, str]:
    """A document's leading level-1 heading (its title) and the rest of it."""
    text = markdown.strip()
    first, _, rest = text.partition("\n")
    m = _H1.match(first)
    if m is None:
        return None, text
    return m.group(1).strip(), rest.strip()


def institution_files(project: Project, unit: UnitResult, folder: str, attachments: _Attachments,
                      notes: list[str]) -> dict[str, str]:
    """Copy each 制度 file a workbook names (relative to the workbook) into attachments/."""
    out: dict[str, str] = {}
    wb = unit.workbook
    if wb is None:
        return out
    for inst in wb.institutions:
        if not inst.file or not inst.id:
            continue
        source = (unit.path.parent / inst.file)
        if Path(inst.file).is_absolute() or not project.inside(source):
            notes.append(tr("{u}：制度 {i} 的文件「{f}」在项目文件夹之外，未复制（可在 handbook.yaml 中设置 allow_outside: true）",
                            "{u}: the file {f!r} of institution {i} is outside the project folder, not copied (allow_outside: true allows it)",
                            u=unit.display, i=inst.id, f=inst.file))
            continue
        if _hidden(inst.file, source, project):
            # .git/config holds a CI job's token, .env its passwords: a workbook must not publish them
            notes.append(tr("{u}：制度 {i} 的文件「{f}」是隐藏文件或在隐藏文件夹中，未复制",
                            "{u}: the file {f!r} of institution {i} is hidden or in a hidden folder, not copied",
                            u=unit.display, i=inst.id, f=inst.file))
            continue
        if not source.is_file():
            notes.append(tr("{u}：制度 {i} 的文件「{f}」不存在，未附上", "{u}: the file {f!r} of institution {i} does not exist, not attached",
                            u=unit.display, i=inst.id, f=inst.file))
            continue
        try:
            out[inst.id] = attachments.copy(source, folder)
        except OSError as e:
            notes.append(tr("{u}：无法复制制度文件「{f}」：{e}", "{u}: cannot copy {f!r}: {e}", u=unit.display, f=inst.file, e=e))
    return out


# -- the build ----------------------------------------------------------------------------------


def build_handbook(options: BuildOptions, reporter: Reporter | None = None) -> BuildResult:
    """Build the handbook ``options`` describe; ``BuildError`` when it cannot run at all.

    Returns with ``built`` False when a unit has errors and the build is not forced.
    """
    with contextlib.ExitStack() as aside:  # work started aside (the statistics' charts) is stopped however it ends
        return _build(options, reporter, aside)


def _build(options: BuildOptions, reporter: Reporter | None, aside: contextlib.ExitStack) -> BuildResult:
    reporter = reporter or Reporter()
    t_start = time.perf_counter()
    project = load_target(options.target)
    config = project.config
    formats = options.formats or config.formats
    for f in formats:
        if f not in FORMATS:
            raise BuildError(tr("未知的格式「{v}」（可选 md、xlsx、docx、pdf）", "unknown format {v!r} (md, xlsx, docx, pdf)", v=f))
    if "pdf" in formats:
        from lianfang.handbook.docx_pdf import find_soffice, missing_soffice_message

        if find_soffice() is None:  # said before anything is read, drawn or written
            raise BuildError(missing_soffice_message())
    try:
        out_dir = project.output_dir(options.output)
        templates = project.templates_dir(options.templates)
        unit_paths = project.unit_files()
    except HandbookConfigError as e:
        raise BuildError(str(e)) from None
    if templates is not None and not templates.is_dir():
        raise BuildError(tr("模板文件夹不存在：{p}", "no such template folder: {p}", p=templates))
    # a glob such as **/*.xlsx must not take an earlier handbook.xlsx for a unit
    unit_paths = [p for p in unit_paths if not p.resolve().is_relative_to(out_dir.resolve())]
    if not unit_paths:
        raise BuildError(tr("没有单位工作簿（输出文件夹中的文件不算）", "no unit workbook (files in the output folder do not count)"))
    result = BuildResult(output=out_dir)
    names = [name for fmt, name in OUTPUT_NAMES if fmt in formats]
    manifest = Manifest(out_dir)
    try:
        for name in names:
            path = out_dir / name
            check_output(path, force=True, inputs=unit_paths)  # never an input, never a folder
            # a handbook lianfang wrote, untouched since, is rebuilt freely; anything else needs --force
            if path.exists() and not options.force and not manifest.owns(name):
                raise OutputError(tr("{p} 已存在，但不是 lianfang 生成的（或生成后被修改过）；如需覆盖请加 --force",
                                     "{p} exists but was not written by lianfang (or was edited since); use --force to replace it",
                                     p=path))
    except OutputError as e:
        raise BuildError(str(e)) from None

    try:
        settings = build_settings(start=project.root)
    except ConfigError as e:
        raise BuildError(str(e)) from None
    if options.as_of is not None:
        settings.as_of = options.as_of
    jobs = options.jobs or os.cpu_count() or 1

    # 1. read and validate
    t0 = time.perf_counter()
    cache = UnitCache(out_dir, settings)
    # each unit's charts are laid out by the worker that checks it (the plan cache keeps them below)
    result.units = read_units(unit_paths, settings, cache, jobs, reporter, ChartPlanning(config.font))
    result.timings["read_validate"] = time.perf_counter() - t0
    result.timings["read"] = sum(u.read_seconds for u in result.units)
    result.timings["validate"] = sum(u.validate_seconds for u in result.units)
    result.timings["plan_workers"] = sum(u.plan_seconds for u in result.units)
    refuse_repeated_units(result.units)  # even with --force: a unit twice is never a handbook
    if result.errors and not options.force:
        return result
    usable = [u for u in result.units if u.workbook is not None and u.workbook.unit is not None]
    if not usable:
        raise BuildError(tr("没有可用的单位工作簿", "no unit workbook could be read"))

    # the seed: risk points are confirmed collectively (集体定) before they are published
    for u in usable:
        status = u.workbook.unit.status
        if status not in CONFIRMED:
            result.notes.append(tr("{u}：单位状态为「{s}」，尚未经集体研究确认；手册中该单位标注“（未经集体研究确认）”",
                                   "{u}: the unit's status is {s}, not yet collectively confirmed; the handbook marks it as such",
                                   u=u.display, s=status.value if status is not None else tr("未填", "unfilled")))

    # the statistics' figures are known now: their charts are drawn in a worker meanwhile
    from lianfang.handbook.context import unit_statistics
    from lianfang.handbook.pictures import StatisticsDrawing

    statistics = StatisticsDrawing(unit_statistics([u.workbook for u in usable]), out_dir, jobs)
    aside.callback(statistics.close)

    # 2. draw the flowcharts
    t0 = time.perf_counter()
    plans = charts_mod.PlanCache(out_dir, config.font)  # an unchanged unit is not laid out again
    chart_jobs, skipped = charts_mod.plan([(u.workbook, u.findings, u.display) for u in usable], config.font,
                                          cache=plans, keys=[u.key for u in usable],
                                          fresh=[u.chart_sources for u in usable])
    result.timings["plan"] = time.perf_counter() - t0
    result.plan_hits = plans.hits
    reporter.start("charts", len(chart_jobs))
    try:
        drawn, failed, unchanged = charts_mod.draw(chart_jobs, out_dir, font=config.font, force=options.force,
                                                   workers=jobs, on_done=lambda _o: reporter.advance("charts"))
        printed: dict[tuple[int, str], list[str]] = {}
        if "docx" in formats or "pdf" in formats or "xlsx" in formats:
            # Word and Excel embed rasters: PNG copies of the same charts (cached the same way)
            printed, failed_png, _ = charts_mod.draw(chart_jobs, out_dir, font=config.font, force=options.force,
                                                     workers=jobs, fmt=charts_mod.ChartFormat.PNG)
            failed += [f for f in failed_png if (f.unit, f.flow_id) in drawn]
    except GraphvizMissing:
        raise BuildError(missing_dot_message()) from None
    except OutputError as e:
        raise BuildError(str(e)) from None
    result.charts, result.chart_hits = len(drawn), unchanged
    for skip in [*skipped, *failed]:
        result.notes.append(tr("{u}：流程 {f} 未绘制：{r}", "{u}: flow {f} not drawn: {r}",
                               u=usable[skip.unit].display, f=skip.flow_id or "?", r=skip.reason))
    result.timings["draw"] = time.perf_counter() - t0

    # 3. documents, attachments and the outputs
    t0 = time.perf_counter()
    attachments = _Attachments(out_dir)
    documents = gather_documents(project, attachments)
    inputs = []
    folders: set[str] = set()
    revisions = _revisions(project, usable, result.notes)
    for i, u in enumerate(usable):
        folder = charts_mod.unique_name(charts_mod.safe_name(u.workbook.code, f"unit{i + 1}"), folders)
        inputs.append(UnitInput(
            workbook=u.workbook, path=u.display,
            charts={fid: target for (unit, fid), target in drawn.items() if unit == i},
            print_charts={fid: target for (unit, fid), target in printed.items() if unit == i},
            attachments=institution_files(project, u, folder, attachments, result.notes),
            revision=revisions[i],
        ))
    appendix = None
    if result.errors:
        appendix = finding_rows([(u.workbook.unit.name if u.workbook and u.workbook.unit else u.display, u.display, u.findings)
                                 for u in result.units])
    try:
        when = build_time(config.year or max((u.workbook.unit.year for u in usable if u.workbook.unit.year), default=None))
    except ReproducibilityError as e:
        raise BuildError(str(e)) from None
    digest = _digest(project, options, formats, templates, result.units, inputs, documents, appendix is not None, when)
    files = sorted(p for pages in [*drawn.values(), *printed.values()] for p in pages) + attachments.written
    if digest is not None and manifest.fresh(digest, names):
        result.unchanged = True  # the same inputs made these very files: nothing to write
        outputs = dict(manifest.outputs)
    else:
        written = _write_outputs(inputs, config, documents, appendix, templates, formats, out_dir, unit_paths, when,
                                 result, jobs, statistics)
        # a format not built this time stays ours if it is untouched
        outputs = {n: h for n, h in manifest.outputs.items() if n not in written and manifest.owns(n)} | written
    result.written = [out_dir / n for n in names]
    from lianfang.handbook import pictures

    files += [name for name in pictures.files() if (out_dir / name).is_file()]  # the statistics' charts
    _tidy(out_dir, manifest.files, files)
    manifest.save(digest or "", outputs, files)
    cache.prune()
    plans.prune()
    result.timings["write"] = time.perf_counter() - t0
    result.timings["total"] = time.perf_counter() - t_start
    result.built = True
    return result


def _revisions(project: Project, units: list[UnitResult], notes: list[str]) -> list:
    """Each unit's 调整修正情况 against the previous version handbook.yaml names (None without one);
    a previous version that cannot be read is a note, and that unit's section is left out."""
    if project.config.previous is None:
        return [None] * len(units)
    from lianfang.diff.revision import PreviousError, PreviousVersions, revision_view

    versions = PreviousVersions(project.config.previous, project.resolve_many)
    out = []
    for u in units:
        try:
            found = versions.of(Path(u.path), u.workbook.code)
        except (PreviousError, HandbookConfigError) as e:
            notes.append(tr("{u}：未能比较上一版本：{e}", "{u}: not compared with its previous version: {e}", u=u.display, e=e))
            found = None
        out.append(revision_view(found[0], u.workbook, found[1]) if found is not None else None)
    return out


@dataclass
class _Word:
    """The Word handbook as rendered in a worker: where its bytes wait, and what they are."""

    staged: Path | None = None  # handbook.docx written to a hidden file beside it, to be moved into place
    data: bytes | None = None  # the bytes themselves, when asked for (the PDF is made from them)
    sha256: str = ""
    seconds: float = 0.0
    cpu: float = 0.0  # the worker's CPU seconds for it (its wall seconds count others' load too)
    notes: list[str] = field(default_factory=list)
    problem: str | None = None  # the message of a template that cannot be used


def _start_worker() -> None:
    """Imports what rendering the Word handbook needs, while the build's own process goes on."""
    import lianfang.handbook.docx  # noqa: F401


def _render_word(ctx, out_dir: Path, when: datetime, templates: Path | None, lang: str, *, stage: bool,
                 keep: bool) -> _Word:
    """The Word handbook, written (``stage``) to a hidden temporary file in ``out_dir`` and hashed
    there, so that the build's own process only moves it into place; ``keep``: its bytes returned
    too. Runs in a worker process while the Excel and Markdown handbooks are rendered in the
    build's own; a template that cannot be used is returned as a problem, nothing staged."""
    from lianfang.handbook.docx import TEMPLATE_NAME, DocxProblem, render_docx

    set_lang(lang)
    out = _Word()
    t0, cpu = time.perf_counter(), time.process_time()
    template = templates / TEMPLATE_NAME if templates is not None and (templates / TEMPLATE_NAME).is_file() else None
    try:
        data = render_docx(ctx, out_dir=out_dir, when=when, template=template, warnings=out.notes, cache=True)
    except DocxProblem as e:
        out.problem = str(e)
        return out
    out.seconds, out.cpu = time.perf_counter() - t0, time.process_time() - cpu
    out.sha256 = hashlib.sha256(data).hexdigest()
    if stage:
        import tempfile

        try:
            fd, name = tempfile.mkstemp(prefix=f".{WORD_NAME}.", suffix=".tmp", dir=out_dir)
            out.staged = Path(name)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
        except OSError:  # the build's own process writes it then, and says what is wrong
            if out.staged is not None:
                out.staged.unlink(missing_ok=True)
            out.staged = None
            keep = True
    if keep:
        out.data = data
    return out


def _for_word(ctx):
    """The context without each unit's model: the Word handbook shows only the views, and the
    models were half the bytes a worker had to unpickle."""
    from dataclasses import replace

    return replace(ctx, units=[replace(u, workbook=None) for u in ctx.units])


def _write_outputs(inputs: list[UnitInput], config, documents, appendix, templates: Path | None, formats: list[str],
                   out_dir: Path, unit_paths: list[Path], when: datetime, result: BuildResult,
                   jobs: int = 1, statistics: StatisticsDrawing | None = None) -> dict[str, str]:
    """Render and write each requested format; returns name → hash of the bytes written.

    With more than one job, the Word handbook is rendered in a worker process (started first, so
    that it has imported what it needs by the time the context is ready) while the Markdown and
    Excel handbooks are rendered here. Nothing is written until every format is rendered, so a
    template that cannot be used writes nothing. ``statistics``: the statistics' charts being drawn
    (``pictures.StatisticsDrawing``), else drawn here."""
    word = "docx" in formats or "pdf" in formats
    pool = aside = None
    staged: list[Path] = []
    if word and jobs > 1 and ("md" in formats or "xlsx" in formats):
        # spawn, not fork: the progress bar runs a thread (as for reading)
        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        pool.submit(_start_worker)
    written: dict[str, str] = {}

    def write(name: str, data: bytes) -> None:
        write_atomic(out_dir / name, data, force=True, inputs=unit_paths)
        written[name] = hashlib.sha256(data).hexdigest()

    def place(name: str, rendered: _Word) -> None:
        """Move the staged file into place, as write_atomic would have written it."""
        with atomic_path(out_dir / name, force=True, inputs=unit_paths) as tmp:
            mode = stat.S_IMODE(tmp.stat().st_mode)
            os.replace(rendered.staged, tmp)
            os.chmod(tmp, mode)
        written[name] = rendered.sha256

    try:
        t0 = time.perf_counter()
        ctx = build_context(inputs, title=config.title, organisation=config.organisation, year=config.year,
                            documents=documents, findings=appendix, tool=f"lianfang {__version__}")
        result.timings["write_context"] = time.perf_counter() - t0
        from lianfang.handbook.pictures import draw_statistics

        t0 = time.perf_counter()
        ctx.statistics.pictures = (statistics.pictures(ctx.statistics) if statistics is not None
                                   else draw_statistics(ctx.statistics, out_dir))  # a full disk is a BuildError too
        result.timings["write_statistics"] = time.perf_counter() - t0
        word_args = (out_dir, when, templates, current_lang())
        word_kw = {"stage": "docx" in formats, "keep": "pdf" in formats}
        rendered = None
        if pool is not None:
            aside = pool.submit(_render_word, _for_word(ctx), *word_args, **word_kw)
        elif word:  # first: a template that cannot be used stops the build before the other work
            rendered = _render_word(ctx, *word_args, **word_kw)
            if rendered.staged is not None:
                staged.append(rendered.staged)
            if rendered.problem is not None:
                raise BuildError(rendered.problem)  # nothing written
        markdown = None
        if "md" in formats:
            from lianfang.handbook.markdown import TemplateProblem, render_markdown

            t0 = time.perf_counter()
            try:
                markdown = render_markdown(ctx, templates).encode("utf-8")
            except TemplateProblem as e:
                raise BuildError(str(e)) from None  # nothing written
            result.timings["write_md"] = time.perf_counter() - t0
        excel = None
        if "xlsx" in formats:
            from lianfang.handbook.excel import render_excel
            from lianfang.handbook.excel_cache import SheetCache
            from lianfang.speed import gc_paused

            t0 = time.perf_counter()
            sheets = SheetCache(out_dir)  # an unchanged unit's 一览表 is not built again
            # openpyxl makes hundreds of thousands of objects that all live until the file is
            # saved; the collector's full passes over them (and the units' models) were ~15 % of it
            with gc_paused():
                excel = render_excel(ctx, font=config.font, when=when, root=out_dir, cache=sheets)
            sheets.prune()
            result.sheet_hits = sheets.hits
            result.timings["write_xlsx"] = time.perf_counter() - t0
        if aside is not None:
            t0 = time.perf_counter()
            rendered = aside.result()
            result.timings["write_wait"] = time.perf_counter() - t0  # what this process waited for it
            if rendered.staged is not None:
                staged.append(rendered.staged)
        if rendered is not None:
            result.notes += rendered.notes
            if rendered.problem is not None:
                raise BuildError(rendered.problem)  # nothing written
            result.timings["write_docx"], result.timings["write_docx_cpu"] = rendered.seconds, rendered.cpu
        if markdown is not None:
            write(MARKDOWN_NAME, markdown)
        if excel is not None:
            write(EXCEL_NAME, excel)
        if rendered is not None and "docx" in formats:
            if rendered.staged is not None:
                place(WORD_NAME, rendered)
            else:
                write(WORD_NAME, rendered.data)
        if rendered is not None and "pdf" in formats:
            from lianfang.handbook.docx_pdf import PdfProblem, convert_to_pdf

            t0 = time.perf_counter()
            try:
                pdf = convert_to_pdf(rendered.data, notes=result.notes)
            except PdfProblem as e:
                raise BuildError(str(e)) from None
            write(PDF_NAME, pdf)
            result.timings["write_pdf"] = time.perf_counter() - t0
    except (OutputError, ValueError) as e:
        raise BuildError(str(e)) from None
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)  # waits for a Word handbook still being rendered
            if aside is not None and aside.done() and not aside.cancelled() and aside.exception() is None:
                if aside.result().staged is not None:
                    staged.append(aside.result().staged)
        for path in staged:
            path.unlink(missing_ok=True)  # moved into place, or left over by a build that stopped
    return written


def _digest(project: Project, options: BuildOptions, formats: list[str], templates: Path | None,
            units: list[UnitResult], inputs: list[UnitInput], documents: dict[int, list[Document]],
            appendix: bool, when: datetime) -> str | None:
    """A hash of everything the handbook is made from; None when some input cannot be hashed."""
    h = hashlib.sha256()

    def add(*parts: object) -> None:
        for p in parts:
            h.update(str(p).encode("utf-8") + b"\0")

    add(package_fingerprint(), current_lang(), ",".join(formats), when.isoformat(), appendix,
        project.config.model_dump_json(), options.output)
    for u in units:
        if u.key is None:
            return None
        add(u.display, u.key)
    for item in inputs:
        add(sorted(item.charts.items()), sorted(item.print_charts.items()), sorted(item.attachments.items()),
            repr(item.revision))
    for part, docs in sorted(documents.items()):
        for d in docs:
            add(part, d.title, d.link, d.markdown, d.table)
    if templates is not None:
        for path in sorted(templates.rglob("*")):
            if path.is_file():
                add(path.relative_to(templates).as_posix())
                h.update(path.read_bytes())
    return h.hexdigest()


def _tidy(out_dir: Path, before: list[str], written: list[str]) -> None:
    """Remove the charts and attachments of the previous build that this build did not write.

    Only files the previous build recorded in its manifest are ever removed, so a user's own
    file in the output folder is never touched.
    """
    keep = set(written)
    root = out_dir.resolve()
    for rel in before:
        if rel in keep or not rel.startswith((charts_mod.FOLDER + "/", ATTACHMENTS + "/")):
            continue
        path = (out_dir / rel).resolve()
        if path.is_relative_to(root) and path.is_file():
            path.unlink()
            for parent in path.parents:
                if parent == root or not parent.is_relative_to(root):
                    break
                try:
                    parent.rmdir()  # only when empty
                except OSError:
                    break
