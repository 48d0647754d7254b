"""Benchmark: loading a workbook into the model against merely reading its cells.

    python bench/bench_load.py [PATH] [--repeat 3] [--profile]

Times, in the same run, interleaved, best of ``--repeat`` (wall clock and CPU):
  (a) raw:  python-calamine reading every cell of every sheet (``to_python()`` of each sheet);
  (b) load: ``read_workbook()`` — zip checks, sheet/header matching, value coercion, the model.
Peak memory of each is the maximum resident set size of a fresh subprocess doing one run.
Targets (issue 2): load ≤ 2 × raw, peak memory < 1 GB. A missing PATH is generated first
with bench/make_large.py.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_PATH = HERE / "out" / "large.xlsx"
TARGET_RATIO = 2.0
TARGET_PEAK_MB = 1024


def raw_read(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    cells = 0
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python()
        cells += sum(len(r) for r in rows)
    return cells


def load(path: Path):
    from lianfang.io.reader import read_workbook

    return read_workbook(path)


def best_of(fn, path: Path, repeat: int) -> tuple[float, float]:
    """Best wall-clock and best CPU time of ``repeat`` runs."""
    wall = cpu = float("inf")
    for _ in range(repeat):
        gc.collect()
        t, c = time.perf_counter(), time.process_time()
        fn(path)
        wall = min(wall, time.perf_counter() - t)
        cpu = min(cpu, time.process_time() - c)
    return wall, cpu


def own_peak_mb() -> float:
    """Peak RSS of this process. Linux keeps ru_maxrss across fork and exec (a child would
    report its parent's peak), so VmHWM of the current address space is read when there is one."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def peak_mb(mode: str, path: Path) -> float:
    """Maximum RSS (MB) of a fresh interpreter doing one ``mode`` run."""
    out = subprocess.run([sys.executable, __file__, str(path), "--child", mode],
                         check=True, capture_output=True, text=True).stdout
    return float(out.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one load")
    parser.add_argument("--child", choices=("raw", "load"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    path: Path = args.path

    if args.child:
        (raw_read if args.child == "raw" else load)(path)
        print(own_peak_mb())
        return 0

    if not path.exists():
        subprocess.run([sys.executable, str(HERE / "make_large.py"), str(path)], check=True)

    result = load(path)  # warm-up: imports, and a sanity check of the file
    wb = result.workbook
    if wb is None:
        print(f"{path}: not readable: {[f.message for f in result.problems]}", file=sys.stderr)
        return 2
    steps = sum(len(f.steps) for f in wb.flows)
    print(f"{path} ({path.stat().st_size / 1e6:.1f} MB): posts {len(wb.posts):,}, powers {len(wb.powers):,}, "
          f"risks {len(wb.risks):,}, measures {len(wb.measures):,}, flows {len(wb.flows):,}, steps {steps:,}; "
          f"{len(result.problems)} findings on reading")
    cells = raw_read(path)

    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(load, path)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)

    # interleaved, so a busy machine slows both alike
    t_raw = t_load = (float("inf"), float("inf"))
    for _ in range(args.repeat):
        t_raw = tuple(map(min, t_raw, best_of(raw_read, path, 1)))
        t_load = tuple(map(min, t_load, best_of(load, path, 1)))
    ratio = t_load[0] / t_raw[0]
    cpu_ratio = t_load[1] / t_raw[1]
    mem_raw = peak_mb("raw", path)
    mem_load = peak_mb("load", path)
    print(f"raw read (calamine, {cells:,} cells): {t_raw[0]:.3f} s wall, {t_raw[1]:.3f} s CPU;  peak RSS {mem_raw:.0f} MB")
    print(f"load (read_workbook → model):       {t_load[0]:.3f} s wall, {t_load[1]:.3f} s CPU;  peak RSS {mem_load:.0f} MB")
    print(f"CPU-time ratio load/raw: {cpu_ratio:.2f} (steadier than wall time on a shared machine)")
    ok_time = cpu_ratio <= TARGET_RATIO  # CPU time: wall time swings with other load on the machine
    ok_mem = mem_load < TARGET_PEAK_MB
    print(f"ratio load/raw: {cpu_ratio:.2f} CPU, {ratio:.2f} wall (target ≤ {TARGET_RATIO:g}) {'ok' if ok_time else 'MISSED'}; "
          f"peak memory {mem_load:.0f} MB (target < {TARGET_PEAK_MB} MB) {'ok' if ok_mem else 'MISSED'}")
    return 0 if ok_time and ok_mem else 1


if __name__ == "__main__":
    sys.exit(main())
