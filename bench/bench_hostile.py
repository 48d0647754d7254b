"""Benchmark: every hostile file of tests/hostile.py through ``lianfang validate``, as CI runs it.

    python bench/bench_hostile.py [NAME ...] [--json FILE]

Each case is built in a temporary folder and checked by ``lianfang validate FILE --format json``
in a fresh process whose address space is capped (``RLIMIT_AS``, tests/hostile.MEMORY_LIMIT) and
which is killed after tests/hostile.TIMEOUT seconds. Printed per case: the expected outcome,
the exit status, the codes found, wall time and peak resident memory of that process
(``ru_maxrss`` from ``wait4``), and the file's size; then the slowest and the most
memory-hungry case.

Targets: every case ends within the timeout and the memory cap, with exit status 1 and LF100
when the case is to be refused, 0 or 1 without LF100 when it is to be read, and no traceback.
Exit 0 when all are met, 1 when one is missed, 2 when the benchmark could not run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from hostile import (  # noqa: E402
    CASES,
    MEMORY_LIMIT,
    TIMEOUT,
    Case,
    lianfang_command,
    lianfang_environment,
    limit_memory,
)


@dataclass
class Outcome:
    name: str
    expect: str
    status: int | None
    codes: list[str]
    seconds: float
    peak_mb: float
    size: int
    build_seconds: float
    ok: bool
    problem: str = ""


def run_case(case: Case, folder: Path) -> Outcome:
    t = time.perf_counter()
    path = case.build(folder)
    build = time.perf_counter() - t
    size = path.lstat().st_size if path.is_symlink() else path.stat().st_size
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(lianfang_command("validate", path.name, "--format", "json"), cwd=folder, stdout=out,
                                stderr=err, preexec_fn=limit_memory, env=lianfang_environment())
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            proc.kill()

        timer = threading.Timer(TIMEOUT, kill)
        timer.start()
        _, wait_status, usage = os.wait4(proc.pid, 0)  # the rusage of this process alone
        timer.cancel()
        seconds = time.perf_counter() - start
        proc.returncode = status = os.waitstatus_to_exitcode(wait_status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read().decode("utf-8", "replace")
    peak = usage.ru_maxrss / 1024  # KiB on Linux
    codes: list[str] = []
    problem = ""
    if killed.is_set():
        problem = f"killed after {TIMEOUT} s"
    elif "Traceback" in stderr or "内部错误" in stderr:
        problem = "traceback: " + stderr.strip().splitlines()[-1]
    elif status not in (0, 1):
        problem = f"exit status {status}: {stderr.strip()[:200]}"
    else:
        try:
            codes = sorted({f["code"] for f in json.loads(stdout)["files"][0]["findings"]})
        except (ValueError, KeyError, IndexError) as e:
            problem = f"no JSON report: {e}"
    if not problem and case.expect == "LF100" and not (status == 1 and "LF100" in codes):
        problem = "not refused as LF100"
    if not problem and case.expect == "read" and "LF100" in codes:
        problem = "refused, but it is a readable workbook"
    return Outcome(case.name, case.expect, status, codes, round(seconds, 2), round(peak, 1), size, round(build, 2),
                   not problem, problem)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="only the cases whose name contains one of these")
    parser.add_argument("--json", type=Path, help="also write the outcomes as JSON to this file")
    args = parser.parse_args(argv)
    cases = [c for c in CASES if not args.names or any(n in c.name for n in args.names)]
    if not cases:
        print("no case matches", file=sys.stderr)
        return 2
    print(f"{len(cases)} hostile cases; each in a process capped at {MEMORY_LIMIT >> 20} MiB and {TIMEOUT} s", flush=True)
    print(f"{'case':24} {'expect':6} {'exit':>4} {'wall s':>7} {'peak MB':>8} {'size':>12}  codes / problem", flush=True)
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="lianfang-hostile-") as tmp:
        for case in cases:
            folder = Path(tmp) / case.name
            folder.mkdir()
            o = run_case(case, folder)
            outcomes.append(o)
            detail = ",".join(o.codes) if o.ok else "MISSED: " + o.problem
            print(f"{o.name:24} {o.expect:6} {o.status if o.status is not None else '-':>4} {o.seconds:7.2f} {o.peak_mb:8.1f} "
                  f"{o.size:12,}  {detail}", flush=True)
            for p in folder.iterdir():  # the big sparse files go as soon as they are checked
                p.unlink()
    slowest = max(outcomes, key=lambda o: o.seconds)
    hungriest = max(outcomes, key=lambda o: o.peak_mb)
    missed = [o for o in outcomes if not o.ok]
    print()
    print(f"slowest:       {slowest.name} ({slowest.seconds:.2f} s)")
    print(f"most memory:   {hungriest.name} ({hungriest.peak_mb:.0f} MB peak resident)")
    print(f"total:         {sum(o.seconds for o in outcomes):.1f} s for {len(outcomes)} cases; "
          f"{len(outcomes) - len(missed)} met their target, {len(missed)} missed")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps([asdict(o) for o in outcomes], ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
