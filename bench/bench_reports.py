"""Benchmark: every ``validate --format`` on the large workbook, as a ratio to ``--format json``.

    python bench/bench_reports.py [PATH] [--repeat 3] [--scale 1.0] [--as-of 2026-11-28]

The workbook is bench/make_large.py's, with the unit's status 送审 (a workbook submitted for
review, the case that made the text report a review letter), generated at PATH when missing
(default bench/out/large-submitted.xlsx). In the same run, interleaved, best of ``--repeat``:

  (a) command: the whole ``lianfang validate PATH --format F`` as a process, output to a pipe
      (as a CI job reads it), for every format F; the ratio is F's time over json's;
  (b) render:  the formatter alone (CPU time), ``FORMATS[F].render(checked, options)``, on files read and
      checked once in this process; the ratio is F's time over json's render time.

Target (issue 11): every format's command within 1.2× of the json command. The verdict uses the
command's CPU time (user + system of the child process), steadier than wall-clock time on a
shared machine; wall-clock is printed too, and (b) shows where a format's own cost lies. Exit 1
when a format misses the target.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_PATH = HERE / "out" / "large-submitted.xlsx"
DEFAULT_AS_OF = date(2026, 11, 28)
TARGET = 1.2
BASELINE = "json"


def command_time(path: Path, fmt: str, as_of: date) -> tuple[float, float]:
    """Wall-clock and CPU (user + system) seconds of one whole command, its output read from a pipe."""
    cmd = [sys.executable, "-m", "lianfang", "validate", str(path), "--format", fmt, "--as-of", as_of.isoformat()]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True)
    elapsed = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr.decode(errors='replace')[-500:]}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def render_time(fmt: str, checked, options) -> tuple[float, int]:
    from lianfang.report import FORMATS

    gc.collect()
    t = time.process_time()
    text = FORMATS[fmt].render(checked, options)
    return time.process_time() - t, len(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scale", type=float, default=1.0, help="size of a generated workbook (default 1.0)")
    parser.add_argument("--as-of", type=date.fromisoformat, default=DEFAULT_AS_OF)
    args = parser.parse_args(argv)
    path: Path = args.path
    if not path.exists():
        subprocess.run([sys.executable, str(HERE / "make_large.py"), str(path), "--scale", str(args.scale),
                        "--status", "送审"], check=True)
    # the child processes import the same lianfang as this one
    os.environ["PYTHONPATH"] = os.pathsep.join([str(HERE.parent / "src"), os.environ.get("PYTHONPATH", "")])
    sys.path.insert(0, str(HERE.parent / "src"))
    from lianfang.config import Settings
    from lianfang.discover import display_path
    from lianfang.report import FORMATS, RenderOptions, check_workbook

    checked = [check_workbook(path, Settings(as_of=args.as_of), display_path(path))]
    n = len(checked[0].report.findings)
    status = checked[0].workbook.unit.status.value if checked[0].workbook and checked[0].workbook.unit else "?"
    print(f"{path} ({path.stat().st_size / 1e6:.1f} MB), status {status}: {n:,} findings (as of {args.as_of})")
    options = RenderOptions(as_of=args.as_of)
    formats = [BASELINE] + sorted(f for f in FORMATS if f != BASELINE)
    best_cmd = {f: float("inf") for f in formats}
    best_wall = {f: float("inf") for f in formats}
    best_render = {f: float("inf") for f in formats}
    size = {}
    for _ in range(args.repeat):
        for f in formats:  # interleaved, so a busy moment hurts every format alike
            wall, cpu = command_time(path, f, args.as_of)
            best_cmd[f], best_wall[f] = min(best_cmd[f], cpu), min(best_wall[f], wall)
            seconds, size[f] = render_time(f, checked, options)
            best_render[f] = min(best_render[f], seconds)
    print(f"{'format':10} {'cmd CPU':>9} {'ratio':>6}   {'cmd wall':>9} {'ratio':>6}   {'render':>8} {'ratio':>6}   {'output':>9}")
    missed = []
    for f in formats:
        ratio = best_cmd[f] / best_cmd[BASELINE]
        render_ratio = best_render[f] / best_render[BASELINE]
        if ratio > TARGET:
            missed.append(f)
        wall_ratio = best_wall[f] / best_wall[BASELINE]
        print(f"{f:10} {best_cmd[f]:8.2f}s {ratio:5.2f}×   {best_wall[f]:8.2f}s {wall_ratio:5.2f}×   "
              f"{best_render[f]:7.3f}s {render_ratio:5.2f}×   "
              f"{size[f] / 1e6:7.1f} MB{'   MISSED' if ratio > TARGET else ''}")
    print(f"target: every format's command ≤ {TARGET}× json's (CPU) — "
          + ("met" if not missed else "MISSED by " + ", ".join(missed)))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
