"""``lianfang publish``: units read and checked, made public, drawn, and written as pages.

Units with errors are not published (a 公示 version of a workbook that fails the rules would publish
its mistakes) unless forced; a unit not yet 已确认/已公示 is published with a visible mark and a
warning, since the seed wants collective confirmation (集体定) before publication.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from itertools import zip_longest
from pathlib import Path

from lianfang.errors import LianfangError
from lianfang.flowchart.render import ChartFormat
from lianfang.i18n import tr
from lianfang.publish.fields import PublishConfig
from lianfang.publish.view import PublicUnit, public_unit, public_workbook

FORMATS = ("html", "xlsx", "docx")
XLSX_NAME = "公示一览表.xlsx"
DOCX_NAME = "公示.docx"


class PublishError(LianfangError):
    """Publishing cannot run (bad target, bad handbook.yaml, output in the way): exit 2."""


@dataclass
class PublishResult:
    written: list[Path] = field(default_factory=list)
    refused: list[tuple[str, int]] = field(default_factory=list)  # (file, errors): not published
    unconfirmed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # flows not drawn


def _labels() -> dict[str, str]:
    return {"subject": tr("办理主体", "Handled by"), "basis": tr("办理依据", "Legal basis"),
            "materials": tr("所需材料", "Materials"), "time_limit": tr("办理时限", "Time limit"),
            "place": tr("办理地点", "Place"), "fee": tr("收费标准", "Fee"), "phone": tr("联系电话", "Phone")}


def _units(targets: list[Path]):
    """(project or None, unit files, cache folder or None) for what the command line names."""
    from lianfang.handbook.config import HandbookConfigError, is_config_file, load_project

    if not targets:
        targets = [Path("handbook.yaml")] if Path("handbook.yaml").is_file() else []
    if not targets:
        raise PublishError(tr("当前文件夹没有 handbook.yaml；请指定 handbook.yaml 或单位工作簿",
                              "no handbook.yaml here; name a handbook.yaml or unit workbooks"))
    if len(targets) == 1 and targets[0].is_dir() and (targets[0] / "handbook.yaml").is_file():
        targets = [targets[0] / "handbook.yaml"]
    if len(targets) == 1 and targets[0].is_file() and is_config_file(targets[0]):
        try:
            project = load_project(targets[0])
            return project, project.unit_files(), project.output_dir()
        except HandbookConfigError as e:
            raise PublishError(str(e)) from None
    from lianfang.discover import DiscoveryError, find_workbooks

    try:
        return None, [w.path for w in find_workbooks(targets)], None
    except DiscoveryError as e:
        raise PublishError(str(e)) from None


def _charts(units: list[tuple[object, list, str]], folder: Path, font: str | None, force: bool,
            formats: tuple[ChartFormat, ...], fields: frozenset[str]) -> tuple[list[dict[str, dict[ChartFormat, list[Path]]]], list[str]]:
    """The files of every external flow of each public workbook that can be drawn, drawn in one
    parallel batch per format into ``folder`` (the published ``flowcharts/``), each chart cached by
    its DOT text: per unit, flow ID → format → its files, one a page (A4, split as ``lianfang
    flowchart`` splits a chart too long for one page). A chart's 办事指南 shows the public
    ``guide.*`` fields only (a withheld phone is left out, not shown as not given)."""
    from lianfang.flowchart import DEFAULT_FONT, PageSize, plan_workbook
    from lianfang.flowchart.render import GraphvizMissing, Status, find_dot, render_all
    from lianfang.model.vocab import FlowKind

    font = font or DEFAULT_FONT
    guide_fields = frozenset(f.removeprefix("guide.") for f in fields if f.startswith("guide."))
    notes: list[str] = []
    planned = []
    for pub, findings, display in units:
        # drawn for the room a chart has in 公示.docx (the pages show the SVG at any size)
        plan = plan_workbook(pub, findings, display, ChartFormat.SVG, font, kinds={FlowKind.EXTERNAL},
                             guide_fields=guide_fields, page=PageSize.HANDBOOK)
        notes += [tr("{u}：流程 {f} 未绘制：{r}", "{u}: flow {f} not drawn: {r}", u=display, f=r.flow_id,
                     r="；".join(f.message for f in r.findings)) for r in plan.refused]
        planned.append(plan)
    jobs = [job for plan in planned for job in plan.jobs]
    out: list[dict[str, dict[ChartFormat, list[Path]]]] = [{} for _ in units]
    if not jobs:
        return out, notes
    for fmt in formats:
        fmt_jobs = [replace(j, name=Path(j.name).with_suffix(f".{fmt.value}").name) for j in jobs]
        try:
            outcomes = iter(render_all(fmt_jobs, folder, fmt, font, force=force, dot=find_dot()))
        except GraphvizMissing:
            return out, [*notes, tr("没有安装 Graphviz，外部流程图未绘制", "Graphviz is not installed: no flowcharts drawn")]
        for i, plan in enumerate(planned):
            for chart in plan.charts:
                outcome = next(outcomes)
                if outcome.status in (Status.WRITTEN, Status.UNCHANGED):
                    out[i].setdefault(chart.flow_id, {})[fmt] = list(outcome.files)
                else:
                    notes.append(tr("{u}：流程 {f} 未绘制：{r}", "{u}: flow {f} not drawn: {r}", u=units[i][2],
                                    f=chart.flow_id, r=outcome.message))
    return out, notes


def publish(targets: list[Path], out_dir: Path, formats: list[str], *, force: bool = False,
            jobs: int = 0) -> PublishResult:
    from lianfang import __version__
    from lianfang.board.charts import strip_svg
    from lianfang.config import ConfigError, build_settings
    from lianfang.handbook.build import Reporter, read_units
    from lianfang.handbook.cache import UnitCache
    from lianfang.handbook.charts import safe_name, unique_name
    from lianfang.io.atomic import OutputError, check_output

    project, files, cache_dir = _units(targets)
    config = project.config if project is not None else None
    publish_config = getattr(config, "publish", None) or PublishConfig()
    fields = publish_config.fields()
    if out_dir.exists() and not out_dir.is_dir():
        raise PublishError(tr("{p} 不是文件夹", "{p} is not a folder", p=out_dir))
    names = ((["index.html"] if "html" in formats else []) + ([XLSX_NAME] if "xlsx" in formats else [])
             + ([DOCX_NAME] if "docx" in formats else []))
    try:
        for name in names:
            check_output(out_dir / name, force=force, inputs=files)
    except OutputError as e:
        raise PublishError(str(e)) from None
    try:
        settings = build_settings(start=project.root if project else Path("."))
    except ConfigError as e:
        raise PublishError(str(e)) from None
    cache = UnitCache(cache_dir, settings) if cache_dir is not None else None
    units = read_units(files, settings, cache, jobs or os.cpu_count() or 1, Reporter())
    result = PublishResult()
    pages: list[PublicUnit] = []
    used: set[str] = set()
    labels = _labels()
    public = []
    for u in units:
        if u.workbook is None or u.errors:
            result.refused.append((u.display, max(u.errors, 1)))
            continue
        public.append((public_workbook(u.workbook, fields), u.findings, u.display))
    drawn: list[dict[str, dict[ChartFormat, Path]]] = [{} for _ in public]
    if public and {"html", "docx"} & set(formats) and "guide.chart" in fields:
        # SVG for the pages (and as the Word charts' vector twin), PNG for Word
        kinds = (ChartFormat.SVG, ChartFormat.PNG) if "docx" in formats else (ChartFormat.SVG,)
        drawn, result.notes = _charts(public, out_dir / "flowcharts", config.font if config else None, force, kinds, fields)
    for (pub, _findings, display), unit_drawn in zip(public, drawn, strict=True):
        svgs = {f: [strip_svg(p.read_text(encoding="utf-8")) for p in files[ChartFormat.SVG]]
                for f, files in unit_drawn.items() if ChartFormat.SVG in files} if "html" in formats else {}
        pictures = {f: [(png, svg) for png, svg in zip_longest(files[ChartFormat.PNG], files.get(ChartFormat.SVG, []))
                        if png is not None]
                    for f, files in unit_drawn.items() if ChartFormat.PNG in files}
        page = public_unit(pub, fields, svgs, labels, pictures)
        page.file_stem = unique_name(safe_name(page.code, "unit").lower(), used)
        if not page.confirmed:
            result.unconfirmed.append(display)
        pages.append(page)
    if not pages:
        return result
    title = tr("{o}廉政风险点及防控措施公示", "{o} integrity risk points and prevention measures",
               o=(config.organisation if config and config.organisation else ""))
    written: dict[Path, str | bytes] = {}
    if "html" in formats:
        from lianfang.publish.html import render_index, render_unit

        for page in pages:
            written[out_dir / f"{page.file_stem}.html"] = render_unit(page, fields)
        written[out_dir / "index.html"] = render_index(title, pages)
    if "xlsx" in formats:
        from lianfang.publish.xlsx import render_xlsx

        written[out_dir / XLSX_NAME] = render_xlsx(title, pages, fields)
    if "docx" in formats:
        from lianfang.handbook.config import HandbookConfigError
        from lianfang.handbook.docx import TEMPLATE_NAME, DocxProblem
        from lianfang.handbook.reproducible import ReproducibilityError, build_time
        from lianfang.publish.docx import render_docx

        try:
            # the project's own Word template (handbook init writes one), else the packaged one
            templates = project.templates_dir() if project is not None else None
            template = templates / TEMPLATE_NAME if templates is not None and (templates / TEMPLATE_NAME).is_file() else None
            data, notes = render_docx(title, (config.organisation or "") if config else "", pages, fields,
                                      when=build_time(config.year if config else None), tool=f"lianfang {__version__}",
                                      template=template)
        except (HandbookConfigError, DocxProblem, ReproducibilityError) as e:
            raise PublishError(str(e)) from None
        written[out_dir / DOCX_NAME] = data
        result.notes += notes
    from lianfang.io.atomic import write_atomic

    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        for path, data in written.items():
            write_atomic(path, data, force=True if path.name not in names else force, inputs=files)
            result.written.append(path)
    except (OutputError, OSError) as e:
        raise PublishError(str(e)) from None
    return result
