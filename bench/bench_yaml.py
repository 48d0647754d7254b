"""Benchmark: reading an example unit from .yaml against reading its .xlsx twin (issue 11, item 9).

    python bench/bench_yaml.py [--repeat 20] [UNIT ...]

Both reads go through ``read_workbook`` (the model, every reader finding, locations), timed in
the same run, interleaved, best of ``--repeat`` CPU time. Target: yaml ≤ 2 × xlsx.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
UNITS = HERE.parent / "examples" / "units"
TARGET_RATIO = 2.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("units", nargs="*", default=[p.stem for p in sorted(UNITS.glob("*.yaml"))])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    from lianfang.io.reader import read_workbook

    worst = 0.0
    for unit in args.units:
        yaml_path, xlsx_path = UNITS / f"{unit}.yaml", UNITS / f"{unit}.xlsx"
        best = {yaml_path: float("inf"), xlsx_path: float("inf")}
        for _ in range(args.repeat):
            for path in best:  # interleaved, so both see the same machine
                gc.collect()
                t = time.process_time()
                read_workbook(path)
                best[path] = min(best[path], time.process_time() - t)
        ratio = best[yaml_path] / best[xlsx_path]
        worst = max(worst, ratio)
        print(f"{unit}: yaml {best[yaml_path] * 1000:.1f} ms, xlsx {best[xlsx_path] * 1000:.1f} ms, ratio {ratio:.2f} (target ≤ {TARGET_RATIO})")
    return 0 if worst <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
