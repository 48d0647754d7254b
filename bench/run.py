"""Run every benchmark (bench/bench_*.py) in turn with its defaults: ``make bench``.

    python bench/run.py [NAME ...]

NAME selects benchmarks by a part of their file name (``load``, ``validate``, …). Each script
prints its own figures and exits 0 when it meets its targets, 1 when it misses one, 2 when it
could not run; this runner exits with the worst status and lists every outcome at the end.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUTCOME = {0: "ok", 1: "target MISSED"}


def main(argv: list[str] | None = None) -> int:
    names = sys.argv[1:] if argv is None else argv
    scripts = sorted(HERE.glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if any(n in s.stem for n in names)]
    if not scripts:
        print(f"no benchmark matches {' '.join(names)}", file=sys.stderr)
        return 2
    results: list[tuple[str, int, float]] = []
    for script in scripts:
        print(f"== {script.name}", flush=True)
        t = time.perf_counter()
        status = subprocess.run([sys.executable, str(script)], cwd=HERE.parent).returncode
        results.append((script.name, status, time.perf_counter() - t))
        print(flush=True)
    print("== summary")
    for name, status, seconds in results:
        print(f"  {name:24} {OUTCOME.get(status, f'failed (exit {status})'):20} {seconds:7.1f} s")
    # a crash or a signal (negative status) counts as could not run
    return max(status if status in (0, 1) else 2 for _, status, _ in results)


if __name__ == "__main__":
    sys.exit(main())
