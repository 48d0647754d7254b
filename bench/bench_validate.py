"""Benchmark: validating the large workbook against loading it, and against ``frictionless validate``.

    python bench/bench_validate.py [PATH] [--clean PATH] [--repeat 3] [--as-of 2026-11-28] [--per-rule] [--profile]

Times, in the same run, interleaved, best of ``--repeat`` (wall clock and CPU):
  (a) load:         ``read_workbook(PATH)``, the workbook then dropped (as a run drops it);
  (b) validate:     ``pipeline.check_workbook(PATH, Settings(as_of=...))``: the load, every rule
                    with its defaults, the findings sorted; "rules" below is validate − load;
  (c) frictionless: ``frictionless.validate`` (Python API, in this process like (a) and (b)) of
                    the 风险点 sheet of the same file: ``ExcelControl(sheet="风险点")``, header on
                    row 2 below the title row, no error or row limit — the CLI's
                    ``frictionless validate --sheet 风险点 --header-rows 2 --limit-errors N FILE``.
                    Its report must count every risk point as a row, or the benchmark stops.
  (d) and (e): load and validate of a workbook of the same tables without any finding
                    (``make_large.py --clean``, default bench/out/large-clean.xlsx).
Targets (issues 3 and 11): validate / load ≤ 1.3 on the workbook without findings, (e) / (d)
— the goal that stands; on the heavy workbook (b) / (a) is printed beside it, since making and
sorting tens of thousands of findings is work of its own. And frictionless / validate ≥ 5, i.e.
(c) / (b). The verdict uses CPU time, steadier than wall time on a shared machine (as
bench_load.py does); both are printed.

The as-of date is fixed (default 2026-11-28) so that LF404 and LF408 find the same things on any
day; on that date most 完成时限 of the generated workbook are past, so it is a heavy case
(LF408 alone makes some 27,000 findings). A missing PATH is generated first with
bench/make_large.py. ``--per-rule`` times each rule's ``check`` alone on the loaded workbook;
``--profile`` prints a cProfile of the rules of one validation.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import subprocess
import sys
import time
from collections import Counter
from datetime import date
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_PATH = HERE / "out" / "large.xlsx"
DEFAULT_CLEAN_PATH = HERE / "out" / "large-clean.xlsx"
DEFAULT_AS_OF = date(2026, 11, 28)
RISKS_SHEET = "风险点"
TARGET_VALIDATE_OVER_LOAD = 1.3
TARGET_FRICTIONLESS_OVER_VALIDATE = 5.0


def settings(as_of: date):
    from lianfang.config import Settings

    return Settings(as_of=as_of)  # every rule, default severities and options


def load(path: Path):
    from lianfang.io.reader import read_workbook

    return read_workbook(path)


def validate(path: Path, as_of: date):
    from lianfang.pipeline import check_workbook

    return check_workbook(path, settings(as_of))


def frictionless_validate(path: Path):
    import frictionless
    from frictionless import Dialect, formats

    # the sheet has a title row above its header (as real tables do); no limit on errors or rows
    dialect = Dialect(header_rows=[2], controls=[formats.ExcelControl(sheet=RISKS_SHEET)])
    # frictionless refuses an absolute path as "not safe": name the file inside its folder
    return frictionless.validate(path.name, basepath=str(path.resolve().parent), dialect=dialect,
                                 limit_errors=sys.maxsize, limit_rows=None)


def timed(fn, path: Path) -> tuple[float, float]:
    """Wall-clock and CPU time of one run, after a full collection of the previous run's garbage.

    What a run returns is dropped inside the timing (the checked file with its workbook), so the
    load is timed the same way (reading a workbook, then letting it go) and the two differ only
    by the rules."""
    gc.collect()
    t, c = time.perf_counter(), time.process_time()
    fn(path)
    return time.perf_counter() - t, time.process_time() - c


def per_rule(path: Path, as_of: date) -> list[tuple[float, str, int]]:
    """CPU time and finding count of each enabled rule's ``check`` on the loaded workbook."""
    from lianfang.rules.base import REGISTRY, Context

    wb = load(path).workbook
    s = settings(as_of)
    ctx = Context(as_of=s.as_of, options=s.options)
    out = []
    for rule in REGISTRY:
        if rule.on_read or not s.enabled(rule.code):
            continue
        gc.collect()
        c = time.process_time()
        n = sum(1 for _ in rule().check(wb, ctx))
        out.append((time.process_time() - c, f"{rule.code} {rule.name}", n))
    return sorted(out, reverse=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--clean", type=Path, default=DEFAULT_CLEAN_PATH, help="the workbook without findings")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--as-of", type=date.fromisoformat, default=DEFAULT_AS_OF,
                        help=f"the date the rules check against (default {DEFAULT_AS_OF})")
    parser.add_argument("--per-rule", action="store_true", help="time each rule alone on the loaded workbook")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the rules of one validation")
    args = parser.parse_args(argv)
    path: Path = args.path
    as_of: date = args.as_of

    if not path.exists():
        subprocess.run([sys.executable, str(HERE / "make_large.py"), str(path)], check=True)
    clean: Path = args.clean
    if not clean.exists():
        subprocess.run([sys.executable, str(HERE / "make_large.py"), str(clean), "--clean"], check=True)
    clean_findings = validate(clean, as_of).report.findings
    if clean_findings:
        print(f"{clean} is not without findings: {Counter(f.code for f in clean_findings)}", file=sys.stderr)
        return 2
    del clean_findings

    # warm-up (imports) and sanity checks: the file loads, and frictionless reads every risk point
    result = load(path)
    wb = result.workbook
    if wb is None:
        print(f"{path}: not readable: {[f.message for f in result.problems]}", file=sys.stderr)
        return 2
    n_risks = len(wb.risks)
    steps = sum(len(f.steps) for f in wb.flows)
    print(f"{path} ({path.stat().st_size / 1e6:.1f} MB): powers {len(wb.powers):,}, risks {n_risks:,}, "
          f"measures {len(wb.measures):,}, flows {len(wb.flows):,}, steps {steps:,}")
    report = validate(path, as_of).report
    codes = Counter(f.code for f in report.findings)
    print(f"validate (as of {as_of}): {len(report.findings):,} findings — "
          + ", ".join(f"{c} {n:,}" for c, n in sorted(codes.items())))
    fl = frictionless_validate(path)
    fl_stats = fl.tasks[0].stats
    fl_rows = fl_stats.get("rows", 0)
    print(f"frictionless (sheet {RISKS_SHEET}): {fl_rows:,} rows, {fl_stats.get('fields', 0)} fields, "
          f"{fl_stats['errors']:,} errors, valid={fl.valid}")
    if fl_rows != n_risks:
        messages = "; ".join(e.message for e in fl.errors + fl.tasks[0].errors)
        print(f"frictionless read {fl_rows:,} rows, not the {n_risks:,} risk points: {messages[:2000]}",
              file=sys.stderr)
        return 2
    del result, wb, report, fl

    if args.per_rule:
        print("rule check times (CPU, on the loaded workbook):")
        for cpu, name, n in per_rule(path, as_of):
            print(f"  {cpu:7.3f} s  {name:32} {n:>7,} findings")

    if args.profile:
        from lianfang.rules.engine import run_rules

        loaded = load(path)
        profiler = cProfile.Profile()
        profiler.runcall(run_rules, loaded, settings(as_of))
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)

    # interleaved, so a busy machine slows all three alike; best of each
    fns = {"load": (load, path), "validate": (partial(validate, as_of=as_of), path),
           "frictionless": (frictionless_validate, path),
           "clean load": (load, clean), "clean validate": (partial(validate, as_of=as_of), clean)}
    best = {name: (float("inf"), float("inf")) for name in fns}
    for _ in range(args.repeat):
        for name, (fn, on) in fns.items():
            best[name] = tuple(map(min, best[name], timed(fn, on)))
    (w_load, c_load), (w_val, c_val), (w_fl, c_fl) = best["load"], best["validate"], best["frictionless"]
    (w_cload, c_cload), (w_cval, c_cval) = best["clean load"], best["clean validate"]

    rows = [
        ("(a) load: read_workbook", w_load, c_load),
        ("(b) validate: check_workbook", w_val, c_val),
        ("    rules: validate − load", w_val - w_load, c_val - c_load),
        (f"(c) frictionless validate ({fl_rows:,} rows)", w_fl, c_fl),
        ("(d) load, no findings: read_workbook", w_cload, c_cload),
        ("(e) validate, no findings: check_workbook", w_cval, c_cval),
        ("    rules: (e) − (d)", w_cval - w_cload, c_cval - c_cload),
    ]
    print(f"\n{f'best of {args.repeat}, interleaved':44} {'wall (s)':>9} {'CPU (s)':>9}")
    for label, wall, cpu in rows:
        print(f"  {label:42} {wall:9.3f} {cpu:9.3f}")
    over_load = c_cval / c_cload
    speedup = c_fl / c_val
    ok_load = over_load <= TARGET_VALIDATE_OVER_LOAD
    ok_speed = speedup >= TARGET_FRICTIONLESS_OVER_VALIDATE
    print(f"validate total / load, no findings: {over_load:.2f} CPU, {w_cval / w_cload:.2f} wall "
          f"(target ≤ {TARGET_VALIDATE_OVER_LOAD:g}) {'ok' if ok_load else 'MISSED'}")
    print(f"validate total / load, {sum(codes.values()):,} findings: {c_val / c_load:.2f} CPU, "
          f"{w_val / w_load:.2f} wall (no target)")
    print(f"frictionless / validate: {speedup:.1f}× CPU, {w_fl / w_val:.1f}× wall "
          f"(target ≥ {TARGET_FRICTIONLESS_OVER_VALIDATE:g}×) {'ok' if ok_speed else 'MISSED'}")
    return 0 if ok_load and ok_speed else 1


if __name__ == "__main__":
    sys.exit(main())
