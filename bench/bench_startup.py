"""Benchmark: how long a whole ``lianfang`` process takes, against the floor of its libraries.

    python bench/bench_startup.py [--rounds 15]

git textconv and pre-commit start lianfang once per file, so start-up is paid again and again.
Each case is a fresh process, timed whole (wall clock, and CPU of the child); the cases run
interleaved with the floor, round after round, and the best of ``--rounds`` counts:

  floor:    ``python -c "import typer, rich.console"`` (what any Typer + rich CLI pays)
  frozen:   the floor, then ``gc.freeze()`` as lianfang's ``main`` does before exiting (no target:
            it shows how much of a case's lead over the floor is the exit collection it skips)
  version:  ``lianfang --version``
  help:     ``lianfang --help``
  convert:  ``lianfang convert examples/units/chyy.xlsx -`` (the git textconv of one unit)

Targets (issue 11, item 7): version and help ≤ 1.5 × the floor, convert ≤ 3 × the floor, by the
best wall-clock times (CPU times are printed beside them: on a busy machine they are the
steadier figure). Exit 0 when every target is met, 1 when one is missed, 2 when a case fails.

Figures (2026-12-05, the shared 2-CPU machine under load from other jobs; three runs of 15
rounds each, before and after in turn; medians of the runs, wall / CPU × the floor of each run):

  before (YAML by ruamel.yaml's emitter, every rule loaded at the first rule import):
      version 1.09 / 1.08, help 1.24 / 1.23, convert 5.23 / 4.55
  after (io/yaml_writer._emit, rules loaded on demand, no last collection at exit):
      version 0.90 / 0.92, help 1.05 / 1.06, convert 2.86 / 2.56, frozen floor 0.85 / 0.86

Wall figures swing with the load (in one run the floor's best was 134 ms, in another convert's
was 3.3 × at 2.6 × CPU); the CPU ratios held within ±0.05 over six runs. Against the frozen
floor, which skips its exit collection too, convert is ~3.0 × (CPU): ~1.9 × is a Typer command
of the same options with an empty body (Typer builds a pydantic TypeAdapter per option), the
rest lianfang's imports (~17 ms CPU), reading the unit (~15 ms) and writing its YAML (~6 ms).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
UNIT = ROOT / "examples" / "units" / "chyy.xlsx"

# the console script's own code, run with -c as the floor is (no runpy, no entry-point lookup)
LIANFANG = "import sys; sys.argv[0] = 'lianfang'; from lianfang.cli.app import main; main()"
FLOOR = "import typer, rich.console"

CASES: dict[str, list[str]] = {
    "floor": ["-c", FLOOR],
    "frozen": ["-c", FLOOR + "; import gc; gc.freeze()"],
    "version": ["-c", LIANFANG, "--version"],
    "help": ["-c", LIANFANG, "--help"],
    "convert": ["-c", LIANFANG, "convert", str(UNIT), "-"],
}
TARGETS = {"version": 1.5, "help": 1.5, "convert": 3.0}


def run_once(args: list[str], env: dict[str, str], cwd: str) -> tuple[float, float]:
    """Wall-clock and CPU (user + system) seconds of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    done = subprocess.run([sys.executable, *args], env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[2:]) or args[1]} exited {done.returncode}: {done.stderr.decode()[-500:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args(argv)

    env = dict(os.environ)
    src = str(ROOT / "src")
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update({"NO_COLOR": "1", "COLUMNS": "80", "LIANFANG_LANG": "zh"})
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    # an installed lianfang has its bytecode compiled; without this every run would compile src/
    env.pop("PYTHONDONTWRITEBYTECODE", None)

    best = {name: [float("inf"), float("inf")] for name in CASES}
    # an empty folder as the current one: nothing there shadows a module or holds a lianfang.toml
    with tempfile.TemporaryDirectory() as cwd:
        try:
            for case in CASES.values():  # warm the file cache and the bytecode once
                run_once(case, env, cwd)
            for _ in range(args.rounds):
                for name, case in CASES.items():
                    wall, cpu = run_once(case, env, cwd)
                    best[name][0] = min(best[name][0], wall)
                    best[name][1] = min(best[name][1], cpu)
        except RuntimeError as e:
            print(f"could not run: {e}", file=sys.stderr)
            return 2

    floor_wall, floor_cpu = best["floor"]
    print(f"start-up, best of {args.rounds} interleaved rounds (Python {sys.version.split()[0]})")
    print(f"  {'case':9} {'wall':>9} {'× floor':>8} {'cpu':>9} {'× floor':>8}   target")
    missed = False
    for name, (wall, cpu) in best.items():
        target = TARGETS.get(name)
        verdict = ""
        if target is not None:
            ok = wall / floor_wall <= target
            missed |= not ok
            verdict = f"≤ {target:.1f}×  {'met' if ok else 'MISSED'}"
        print(f"  {name:9} {wall * 1e3:7.1f}ms {wall / floor_wall:7.2f}× {cpu * 1e3:7.1f}ms {cpu / floor_cpu:7.2f}×   {verdict}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
