"""Benchmark: drawing every flow of a large workbook, cold and warm, against a bare ``dot -Tsvg``.

    python bench/bench_flowchart.py [PATH] [--format svg] [--workers N] [--sample 0]

PATH defaults to bench/out/large.xlsx (500 flows of 8 steps, half internal, half external),
generated first with bench/make_large.py when missing. Reported, in one run:
  read      read_workbook() of PATH and its rules (check_workbook: what the command runs once)
  plan      findings → drawable flows → charts → DOT source, every flow
  cold      render_all() into an empty folder (``dot`` subprocesses on a thread pool)
  warm      the same again with nothing changed: the cache must render nothing
  bare dot  ``dot -T<format>`` run once per chart, one after another, on the same DOT sources
  serial    render_all() with one worker into another empty folder (the gain of the pool)
and the per-chart times cold / bare. Expectation (issue 4): cold per chart well under the bare
``dot`` per chart on a machine with several cores, warm renders nothing and takes a fraction of a
second per hundred charts.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_PATH = HERE / "out" / "large.xlsx"


def timed(fn):
    t = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--format", default="svg", choices=["svg", "png", "pdf", "dot"])
    parser.add_argument("--workers", type=int, default=None, help="threads running dot (default: CPU count)")
    parser.add_argument("--sample", type=int, default=0, help="time bare dot on only this many charts (0: all)")
    parser.add_argument("--page", default="a4", choices=["a4", "a3", "none"], help="paper (default a4, as the command)")
    args = parser.parse_args(argv)

    from lianfang.config import Settings
    from lianfang.flowchart import DEFAULT_FONT, PageSize, plan_workbook
    from lianfang.flowchart.render import ChartFormat, Status, find_dot, render_all
    from lianfang.report import check_workbook

    dot = find_dot()
    fmt = ChartFormat(args.format)
    if dot is None and fmt is not ChartFormat.DOT:
        print("Graphviz dot is not installed (apt-get install graphviz)", file=sys.stderr)
        return 2
    if not args.path.exists():
        sys.path.insert(0, str(HERE))
        from make_large import build

        print(f"generating {args.path} …", flush=True)
        build(args.path)

    checked, t_read = timed(lambda: check_workbook(args.path, Settings()))
    if checked.workbook is None:
        print(f"{args.path} could not be read", file=sys.stderr)
        return 2
    plan, t_plan = timed(lambda: plan_workbook(checked.workbook, checked.report.findings, str(args.path), fmt,
                                               DEFAULT_FONT, page=PageSize(args.page)))
    n = len(plan.jobs)
    workers = args.workers or os.cpu_count() or 1
    print(f"{args.path.name}: {len(checked.workbook.flows)} flows, {n} charts to draw, "
          f"{len(plan.refused)} refused; {workers} workers, format {fmt.value}, {dot and subprocess.run([dot, '-V'], capture_output=True, text=True).stderr.strip()}")

    with tempfile.TemporaryDirectory(prefix="lianfang-bench-") as tmp:
        out = Path(tmp) / "charts"
        cold_outcomes, t_cold = timed(lambda: render_all(plan.jobs, out, fmt, DEFAULT_FONT, workers=workers, dot=dot))
        warm_outcomes, t_warm = timed(lambda: render_all(plan.jobs, out, fmt, DEFAULT_FONT, workers=workers, dot=dot))
        written = sum(o.status is Status.WRITTEN for o in cold_outcomes)
        rerendered = sum(o.status is Status.WRITTEN for o in warm_outcomes)
        failed = sum(o.status is Status.FAILED for o in cold_outcomes)

        sample = plan.jobs[: args.sample] if args.sample else plan.jobs
        t_bare = 0.0
        if fmt is not ChartFormat.DOT:
            bare_dir = Path(tmp) / "bare"
            bare_dir.mkdir()
            for i, job in enumerate(sample):
                src = bare_dir / f"{i}.dot"
                src.write_text(job.source, encoding="utf-8")
                t = time.perf_counter()
                subprocess.run([dot, f"-T{fmt.value}", str(src), "-o", str(bare_dir / f"{i}.{fmt.value}")], check=True)
                t_bare += time.perf_counter() - t

        serial_dir = Path(tmp) / "serial"
        _, t_serial = timed(lambda: render_all(sample, serial_dir, fmt, DEFAULT_FONT, workers=1, dot=dot))
        shutil.rmtree(serial_dir, ignore_errors=True)

    per = lambda total, count: 1000 * total / max(count, 1)  # noqa: E731  ms per chart
    print(f"read+check{t_read:8.2f} s")
    print(f"plan      {t_plan:8.2f} s   {per(t_plan, n):7.2f} ms/chart   (workbook → Chart → DOT)")
    print(f"cold      {t_cold:8.2f} s   {per(t_cold, n):7.2f} ms/chart   {written} written, {failed} failed")
    print(f"warm      {t_warm:8.2f} s   {per(t_warm, n):7.2f} ms/chart   {rerendered} rendered again")
    if fmt is not ChartFormat.DOT:
        print(f"bare dot  {t_bare:8.2f} s   {per(t_bare, len(sample)):7.2f} ms/chart   ({len(sample)} charts, one after another)")
        print(f"serial    {t_serial:8.2f} s   {per(t_serial, len(sample)):7.2f} ms/chart   (render_all with 1 worker)")
        print(f"cold / bare dot per chart: {per(t_cold, n) / per(t_bare, len(sample)):.2f}   "
              f"pool speed-up over 1 worker: {per(t_serial, len(sample)) / per(t_cold, n):.2f}×")
    ok = rerendered == 0 and failed == 0 and written == n
    print("OK" if ok else "FAILED: the warm run rendered again or a chart failed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
