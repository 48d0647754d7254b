"""The charts of the handbook's statistics part (风险点统计), drawn beside the handbook files.

The figures are the statistics' own (``handbook.view.Statistics``, counted by
``lianfang.coverage``); the drawing is the board's (``lianfang.board.charts``), so the handbook and
``lianfang status`` show the same pictures of the same numbers.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from lianfang.handbook.cache import CACHE_DIR, package_fingerprint, sha256_file
from lianfang.handbook.view import Statistics, StatPicture
from lianfang.i18n import current_lang, set_lang
from lianfang.io.atomic import OutputError, write_atomic

FOLDER = "charts"
NAMES = ("levels", "categories", "rates")
CACHE_NAME = "statistics.json"  # in the build cache folder: what the pictures were drawn from


def files() -> list[str]:
    """Every file the statistics' charts may be written to, relative to the output folder."""
    return [f"{FOLDER}/statistics-{n}.{ext}" for n in NAMES for ext in ("svg", "png")]


def _counts(columns: list[str], counts: list[int]) -> dict[str, int]:
    return dict(zip(columns, counts, strict=True))


def figures(stats: Statistics) -> list[tuple]:
    """What the pictures show: each unit's name, risk points by level and by category, and rates."""
    coverage = dict(stats.coverage)
    out = []
    for (name, levels, _), (_, categories, _) in zip(stats.by_level.rows, stats.by_category.rows, strict=True):
        c = coverage.get(name)
        out.append((name, _counts(stats.by_level.columns, levels), _counts(stats.by_category.columns, categories),
                    c.risks_covered / c.risks if c is not None and c.risks else None,
                    c.measures_done / c.measures if c is not None and c.measures else None))
    return out


def _key(figures: list[tuple]) -> str:
    return hashlib.sha256(json.dumps([package_fingerprint(), current_lang(), figures], ensure_ascii=False,
                                     default=str).encode("utf-8")).hexdigest()


def render(figures: list[tuple], lang: str | None = None) -> list[tuple[str, str, bytes]]:
    """The pictures of ``figures`` (title, SVG text, PNG bytes each), drawn by matplotlib; nothing
    written. Runs in a worker process during a build (``StatisticsDrawing``)."""
    if lang is not None:
        set_lang(lang)
    from lianfang.board.charts import UnitFigures, unit_pictures

    return [(picture.title, picture.svg, picture.png) for picture in unit_pictures([UnitFigures(*f) for f in figures])]


def _write(out_dir: Path, key: str, rendered: list[tuple[str, str, bytes]]) -> list[StatPicture]:
    """Write the rendered pictures into ``out_dir/charts`` and remember what they were drawn from
    (``OutputError`` when they cannot be written: a full disk is the build's error)."""
    out: list[StatPicture] = []
    record = []
    for name, (title, svg_text, png_data) in zip(NAMES, rendered, strict=False):
        svg, png = f"{FOLDER}/statistics-{name}.svg", f"{FOLDER}/statistics-{name}.png"
        (out_dir / FOLDER).mkdir(parents=True, exist_ok=True)
        write_atomic(out_dir / svg, svg_text, force=True)
        write_atomic(out_dir / png, png_data, force=True)
        out.append(StatPicture(title, svg, png))
        record.append([title, svg, png, sha256_file(out_dir / svg), sha256_file(out_dir / png)])
    try:
        (out_dir / CACHE_DIR).mkdir(parents=True, exist_ok=True)
        write_atomic(out_dir / CACHE_DIR / CACHE_NAME, json.dumps({"key": key, "pictures": record}, ensure_ascii=False),
                     force=True)
    except (OSError, OutputError):
        pass  # a cache that cannot be written only costs time
    return out


def draw_statistics(stats: Statistics, out_dir: Path) -> list[StatPicture]:
    """Draw the statistics' charts into ``out_dir/charts``; none when there is no unit.

    matplotlib takes seconds for these three: when the figures (and lianfang, and the language)
    are those of the last build and its files are untouched, they are not drawn again."""
    shown = figures(stats)
    key = _key(shown)
    kept = _kept(out_dir, key)
    if kept is not None:
        return kept
    return _write(out_dir, key, render(shown))


class StatisticsDrawing:
    """The statistics' charts drawn in a worker process while the build does other work.

    The figures are known once the units are read (``context.unit_statistics``), long before the
    handbook is written: a build starts drawing them then, beside the flowcharts, and takes them
    (``pictures``) when it writes. matplotlib's import and drawing (~3 s) then no longer stand
    alone at the start of the writing. Only the drawing runs aside: the files are written here,
    when taken, so a build that writes nothing (its handbook up to date) writes none of them, and
    a full disk is the build's error as before. Pictures kept from the last build are not drawn."""

    def __init__(self, stats: Statistics, out_dir: Path, jobs: int = 1):
        self.out_dir = out_dir
        self.figures = figures(stats)
        self.key = _key(self.figures)
        self.kept = _kept(out_dir, self.key)
        self._pool = self._future = None
        if self.kept is None and self.figures and jobs > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # spawn, not fork: the build's progress bar runs a thread
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
            self._future = self._pool.submit(render, self.figures, current_lang())

    def pictures(self, stats: Statistics) -> list[StatPicture]:
        """The pictures of ``stats`` (the handbook's own statistics), written into the output folder."""
        shown = figures(stats)
        if shown != self.figures:  # not what was started (never so in a build): drawn here and now
            self.close()
            return draw_statistics(stats, self.out_dir)
        if self.kept is not None:
            return self.kept
        rendered = None
        if self._future is not None:
            from concurrent.futures.process import BrokenProcessPool

            try:
                rendered = self._future.result()
            except BrokenProcessPool:  # the worker died (killed, out of memory): drawn here instead
                rendered = None
        if rendered is None:
            rendered = render(shown)
        self.close()  # the worker is idle: it ends (~0.3 s) while the handbook is written
        return _write(self.out_dir, self.key, rendered)

    def close(self, wait: bool = False) -> None:
        """Stop the worker, without waiting for it unless asked (the executor's own thread waits
        for it to end); a drawing under way is left to finish: it writes nothing."""
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=True)
            self._pool = self._future = None


def _kept(out_dir: Path, key: str) -> list[StatPicture] | None:
    """The pictures of the last build when they were drawn from ``key`` and are untouched since."""
    try:
        data = json.loads((out_dir / CACHE_DIR / CACHE_NAME).read_text(encoding="utf-8"))
        if data.get("key") != key:
            return None
        out = []
        for title, svg, png, svg_hash, png_hash in data["pictures"]:
            if svg not in files() or png not in files() or sha256_file(out_dir / svg) != svg_hash \
                    or sha256_file(out_dir / png) != png_hash or svg_hash is None:
                return None
            out.append(StatPicture(title, svg, png))
        return out
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
