"""From a handbook.yaml (or a folder of workbooks) to a ``Board``: read, check, count.

Units are read and checked through the handbook's own cache (``<output>/.lianfang-cache``), so a
board after a build, or a second board, re-reads nothing unchanged. A unit that handbook.yaml names
by a plain path that does not exist is on the board as *missing*, not skipped.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from lianfang.board.assessment import Assessment
from lianfang.board.campaign import dated_phases
from lianfang.board.status import Board, missing_row, unit_row
from lianfang.errors import LianfangError
from lianfang.i18n import tr


class BoardError(LianfangError):
    """The board cannot be made (no such file, bad handbook.yaml, bad campaign); exit 2."""


@dataclass
class Sources:
    project: object | None  # handbook.config.Project, when there is a handbook.yaml
    files: list[Path]  # the workbooks to read
    missing: list[str]  # listed in handbook.yaml, not there
    cache_dir: Path | None


def _sources(target: Path | None) -> Sources:
    from lianfang.handbook.config import (
        HandbookConfigError,
        _is_workbook,
        is_config_file,
        load_project,
    )

    if target is None:
        target = Path("handbook.yaml") if Path("handbook.yaml").is_file() else Path(".")
    if target.is_dir() and (target / "handbook.yaml").is_file():
        target = target / "handbook.yaml"
    if not target.exists():
        raise BoardError(tr("路径不存在：{p}", "no such file or folder: {p}", p=target))
    if target.is_dir():
        from lianfang.discover import DiscoveryError, find_workbooks

        try:
            files = [w.path for w in find_workbooks([target])]
        except DiscoveryError as e:
            raise BoardError(str(e)) from None
        return Sources(None, [f for f in files if not is_config_file(f)], [], None)
    if not is_config_file(target):
        raise BoardError(tr("{p} 不是 handbook.yaml；请给出 handbook.yaml 或存放单位工作簿的文件夹",
                            "{p} is not a handbook.yaml; name a handbook.yaml or a folder of unit workbooks", p=target))
    try:
        project = load_project(target)
        files: dict[Path, Path] = {}
        missing: list[str] = []
        for i, text in enumerate(project.config.units):
            found = project.resolve_many(text, "units", i, must_exist=False, accept=_is_workbook)
            for p in found:
                if p.is_file():
                    files.setdefault(p.resolve(), p)
                elif not any(c in text for c in "*?["):
                    missing.append(text)
        out = project.output_dir()
    except HandbookConfigError as e:
        raise BoardError(str(e)) from None
    own = target.resolve()
    paths = [p for key, p in files.items() if key != own and not key.is_relative_to(out.resolve())]
    return Sources(project, paths, missing, out)


def load_board(target: Path | None, as_of: date, *, jobs: int = 0) -> Board:
    from lianfang.config import ConfigError, build_settings
    from lianfang.handbook.build import Reporter, read_units
    from lianfang.handbook.cache import UnitCache

    src = _sources(target)
    project = src.project
    root = project.root if project is not None else (target if target and target.is_dir() else Path("."))
    try:
        settings = build_settings(start=root)
    except ConfigError as e:
        raise BoardError(str(e)) from None
    settings.as_of = as_of
    cache = UnitCache(src.cache_dir, settings) if src.cache_dir is not None else None
    units = read_units(src.files, settings, cache, jobs or os.cpu_count() or 1, Reporter())
    config = project.config if project is not None else None
    campaign = getattr(config, "campaign", None)
    assessment = getattr(config, "assessment", None) or Assessment()
    years = [u.workbook.unit.year for u in units if u.workbook is not None and u.workbook.unit.year]
    year = (config.year if config is not None and config.year else None) or (max(years) if years else as_of.year)
    try:
        phases = dated_phases(campaign, year)
        weights = assessment.effective()
    except ValueError as e:
        raise BoardError(str(e)) from None
    rows = [unit_row(u.display, u.workbook, u.findings, phases, as_of, weights) for u in units]
    rows += [missing_row(m, phases, as_of) for m in src.missing]
    rows.sort(key=lambda r: (r.code or "~", r.file))
    organisation = config.organisation if config is not None and config.organisation else ""
    title = organisation + tr("廉政风险防控工作进度", " integrity-risk work status").strip()
    return Board(title=title, as_of=as_of, phases=phases, rows=rows, weights=weights)
