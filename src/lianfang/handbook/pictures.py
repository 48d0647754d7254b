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
from lianfang.i18n import current_lang
from lianfang.io.atomic import OutputError, write_atomic

FOLDER = "charts"
NAMES = ("levels", "categories", "rates")
CACHE_NAME = "statistics.json"  # in the build cache folder: what the pictures were drawn from


def files() -> list[str]:
    """Every file the statistics' charts may be written to, relative to the output folder."""
    return [f"{FOLDER}/statistics-{n}.{ext}" for n in NAMES for ext in ("svg", "png")]


def _counts(columns: list[str], counts: list[int]) -> dict[str, int]:
    return dict(zip(columns, counts, strict=True))


def draw_statistics(stats: Statistics, out_dir: Path) -> list[StatPicture]:
    """Draw the statistics' charts into ``out_dir/charts``; none when there is no unit.

    matplotlib takes seconds for these three: when the figures (and lianfang, and the language)
    are those of the last build and its files are untouched, they are not drawn again."""
    coverage = dict(stats.coverage)
    figures = []
    for (name, levels, _), (_, categories, _) in zip(stats.by_level.rows, stats.by_category.rows, strict=True):
        c = coverage.get(name)
        figures.append((name, _counts(stats.by_level.columns, levels), _counts(stats.by_category.columns, categories),
                        c.risks_covered / c.risks if c is not None and c.risks else None,
                        c.measures_done / c.measures if c is not None and c.measures else None))
    key = hashlib.sha256(json.dumps([package_fingerprint(), current_lang(), figures], ensure_ascii=False,
                                    default=str).encode("utf-8")).hexdigest()
    kept = _kept(out_dir, key)
    if kept is not None:
        return kept
    from lianfang.board.charts import UnitFigures, unit_pictures

    out: list[StatPicture] = []
    record = []
    for name, picture in zip(NAMES, unit_pictures([UnitFigures(*f) for f in figures]), strict=False):
        svg, png = f"{FOLDER}/statistics-{name}.svg", f"{FOLDER}/statistics-{name}.png"
        (out_dir / FOLDER).mkdir(parents=True, exist_ok=True)
        write_atomic(out_dir / svg, picture.svg, force=True)
        write_atomic(out_dir / png, picture.png, force=True)
        out.append(StatPicture(picture.title, svg, png))
        record.append([picture.title, svg, png, sha256_file(out_dir / svg), sha256_file(out_dir / png)])
    try:
        (out_dir / CACHE_DIR).mkdir(parents=True, exist_ok=True)
        write_atomic(out_dir / CACHE_DIR / CACHE_NAME, json.dumps({"key": key, "pictures": record}, ensure_ascii=False),
                     force=True)
    except (OSError, OutputError):
        pass  # a cache that cannot be written only costs time
    return out


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
