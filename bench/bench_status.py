"""Benchmark: the bureau's board and the 公示 pages over a whole system.

    python bench/bench_status.py [--units 50] [--jobs N]

Generates the units of bench_handbook (50 units of 100 risk points and 10 flows each) and measures,
in one run and on the same folder:

  status cold   the board with an empty cache: every unit read and validated
  status warm   the same again: every unit from the handbook's content-hash cache
  handbook xlsx the Excel handbook of the same units (warm units, charts drawn), the baseline
  publish       the 公示 pages (html + xlsx) of the same units (warm units, external charts drawn)

Expectations (issue 16): status warm ≤ 1/5 of status cold; publish ≤ the Excel handbook's time.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_handbook import generate  # noqa: E402


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=0)
    args = parser.parse_args(argv)
    from lianfang.board.load import load_board
    from lianfang.handbook.build import BuildOptions, build_handbook
    from lianfang.publish.build import publish

    folder = Path(tempfile.mkdtemp(prefix="lianfang-bench-status-"))
    try:
        config = generate(folder, args.units)
        as_of = date(2026, 10, 15)
        cold = timed(lambda: load_board(config, as_of, jobs=args.jobs))
        warm = timed(lambda: load_board(config, as_of, jobs=args.jobs))
        # the handbook's own settings date is today; both builds below read their units from a warm cache
        build_handbook(BuildOptions(target=config, formats=["xlsx"], force=True, jobs=args.jobs))
        # the baseline draws its charts and writes its workbook afresh, as publish does
        (folder / "out" / "handbook.xlsx").unlink(missing_ok=True)
        shutil.rmtree(folder / "out" / "flowcharts", ignore_errors=True)
        handbook = timed(lambda: build_handbook(BuildOptions(target=config, formats=["xlsx"], force=True, jobs=args.jobs)))
        public = timed(lambda: publish([config], folder / "public", ["html", "xlsx"], force=True, jobs=args.jobs))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"units: {args.units}")
    print(f"status cold   {cold:7.2f} s")
    print(f"status warm   {warm:7.2f} s   warm/cold = {warm / cold:.3f} (expected ≤ 0.2)")
    print(f"handbook xlsx {handbook:7.2f} s   (baseline: charts drawn, units cached)")
    print(f"publish       {public:7.2f} s   publish/handbook = {public / handbook:.2f} (expected ≤ 1)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
