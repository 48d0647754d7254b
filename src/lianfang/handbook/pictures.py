"""The charts of the handbook's statistics part (风险点统计), drawn beside the handbook files.

The figures are the statistics' own (``handbook.view.Statistics``, counted by
``lianfang.coverage``); the drawing is the board's (``lianfang.board.charts``), so the handbook and
``lianfang status`` show the same pictures of the same numbers.
"""

from __future__ import annotations

from pathlib import Path

from lianfang.handbook.view import Statistics, StatPicture
from lianfang.io.atomic import write_atomic

FOLDER = "charts"
NAMES = ("levels", "categories", "rates")


def files() -> list[str]:
    """Every file the statistics' charts may be written to, relative to the output folder."""
    return [f"{FOLDER}/statistics-{n}.{ext}" for n in NAMES for ext in ("svg", "png")]


def _counts(columns: list[str], counts: list[int]) -> dict[str, int]:
    return dict(zip(columns, counts, strict=True))


def draw_statistics(stats: Statistics, out_dir: Path) -> list[StatPicture]:
    """Draw the statistics' charts into ``out_dir/charts``; none when there is no unit."""
    from lianfang.board.charts import UnitFigures, unit_pictures

    coverage = dict(stats.coverage)
    figures = []
    for (name, levels, _), (_, categories, _) in zip(stats.by_level.rows, stats.by_category.rows, strict=True):
        c = coverage.get(name)
        figures.append(UnitFigures(
            name, _counts(stats.by_level.columns, levels), _counts(stats.by_category.columns, categories),
            c.risks_covered / c.risks if c is not None and c.risks else None,
            c.measures_done / c.measures if c is not None and c.measures else None))
    out: list[StatPicture] = []
    for name, picture in zip(NAMES, unit_pictures(figures), strict=False):
        svg, png = f"{FOLDER}/statistics-{name}.svg", f"{FOLDER}/statistics-{name}.png"
        (out_dir / FOLDER).mkdir(parents=True, exist_ok=True)
        write_atomic(out_dir / svg, picture.svg, force=True)
        write_atomic(out_dir / png, picture.png, force=True)
        out.append(StatPicture(picture.title, svg, png))
    return out
