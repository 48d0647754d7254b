"""Benchmark: importing a 2,000-row legacy Excel 一览表 against validating what it produces.

    python bench/bench_import.py [--rows 2000] [--repeat 3] [--profile]

A legacy table is generated first (bench/out/legacy_<rows>.xlsx): a title row, a 填报单位 line,
a two-row header (防控措施 merged over nothing: one cell, numbered), department section rows
every 200 rows, 科室 and 岗位 cells merged down over their rows, levels as ★, categories with
the 风险 suffix, and measures numbered in one cell with 事前/事中 words on half the rows (the
rest are guessed from their keywords), i.e. the splitters and the phase guesser do real work.

Times, in the same run, interleaved, best of ``--repeat`` (wall clock and CPU):
  (a) import:   what ``lianfang import LEGACY -o UNIT.xlsx`` does — read the legacy file, build
                the workbook and its report, write the workbook as .xlsx;
  (b) validate: ``pipeline.check_workbook(UNIT.xlsx)`` on that workbook, every rule with its
                defaults (what ``lianfang validate`` does before it formats the report).
Then the two commands as a user runs them, each in a fresh process (start-up, imports and output
included): ``lianfang import LEGACY -o UNIT.xlsx`` against ``lianfang validate UNIT.xlsx``.
Target (issue 14): import / validate ≤ 3, on CPU time (steadier on a shared machine; wall
printed too). The import is also split into its two halves, each timed alone: reading the
legacy file and building the workbook (lianfang.legacy), and writing the .xlsx (the shared
io/xlsx_writer, the same writer ``convert`` and ``init`` use).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
TARGET = 3.0
AS_OF = date(2026, 11, 28)

_DEPTS = ["院领导", "药剂科", "设备科", "财务科", "基建办", "医保办", "人事科", "信息科", "检验科", "护理部"]
_POSTS = ["科长", "副科长", "采购员", "会计", "出纳", "管理员", "专干", "组长"]
_RISKS = ["利用职务便利收受供应商回扣或礼品", "采购参数设置排他性条款指向特定品牌", "验收走过场，以次充好",
          "虚列支出套取资金", "违规调整考核结果", "泄露招标文件和评标信息", "违规统计医师处方用量", "擅自降低准入标准"]
_MEASURES = ["签订廉洁承诺书，开展警示教育", "采购结果在院务公开栏公示", "纪检监察室每季度监督检查",
             "5万元以上事项集体研究决定", "审计科抽查凭证并出具意见", "查实的严肃问责并追究责任", "建立供应商黑名单制度",
             "两人以上现场核查，全程留痕"]
_STARS = ["★★★", "★★", "★"]
_CATS = ["岗位职责风险", "业务流程风险", "制度机制风险", "思想道德风险", "外部环境风险"]


def make_legacy(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = "一览表"
    ws.append(["某医院岗位廉政风险防控一览表"])
    ws.append(["填报单位（盖章）：某医院　　　日期：2026年9月"])
    ws.append(["序号", "科室", "岗位", "风险类别", "廉政风险点", "风险等级", "防控措施", "责任人", "备注"])
    r = 4
    merges = []
    n = 0
    while n < rows:
        dept = _DEPTS[(n // 200) % len(_DEPTS)] + (str(n // 2000) if n >= 2000 else "")
        ws.append([f"{'一二三四五六七八九十'[(n // 200) % 10]}、{dept}"])
        merges.append((r, 1, r, 9))
        r += 1
        for k in range(200):
            if n >= rows:
                break
            post = _POSTS[(n // 5) % len(_POSTS)] + str(n // 40)
            risk = f"{_RISKS[n % len(_RISKS)]}（第{n + 1}项）"
            m = [_MEASURES[(n + j) % len(_MEASURES)] for j in range(3)]
            if n % 2:
                measures = f"事前：1.{m[0]}；2.{m[1]}\n事中：{m[2]}"
            else:
                measures = "\n".join(f"{j}.{t}" for j, t in enumerate(m, 1))
            ws.append([str(n + 1), dept if k == 0 else None, post if n % 5 == 0 else None, _CATS[n % 5], risk,
                       _STARS[n % 3], measures, "科长", "" if n % 7 else "2025年新增"])
            if n % 5 == 0:
                merges.append((r, 3, min(r + 4, r + rows - n - 1), 3))
            n += 1
            r += 1
        merges.append((r - k - 1, 2, r - 1, 2))
    ws.append(["注：风险等级 ★★★ 为高。"])
    for r1, c1, r2, c2 in merges:
        if r2 > r1 or c2 > c1:
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def do_import(legacy: Path, out: Path):
    from lianfang.io.xlsx_writer import write_xlsx
    from lianfang.legacy.build import ImportOptions, import_tables
    from lianfang.legacy.grid import read_legacy

    wb, report = import_tables(read_legacy(legacy), ImportOptions(unit_code="BENCH", today=AS_OF), [legacy.name])
    write_xlsx(wb, out, force=True)
    return wb, report


def validate(path: Path):
    from lianfang.config import Settings
    from lianfang.pipeline import check_workbook

    return check_workbook(path, Settings(as_of=AS_OF))


def timed(fn) -> tuple[float, float]:
    gc.collect()
    t, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - t, time.process_time() - c


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one import")
    args = parser.parse_args(argv)
    legacy = HERE / "out" / f"legacy_{args.rows}.xlsx"
    out = HERE / "out" / f"imported_{args.rows}.xlsx"
    if not legacy.exists():
        make_legacy(legacy, args.rows)

    wb, report = do_import(legacy, out)  # warm-up, and the figures of what is imported
    findings = validate(out).report.findings
    lf1 = [f for f in findings if f.code.startswith("LF1")]
    print(f"{legacy.name} ({legacy.stat().st_size / 1e6:.2f} MB, {args.rows:,} rows): {report.summary()}")
    print(f"validate: {len(findings):,} findings, of which LF1xx {len(lf1)}")
    if lf1 or len(wb.risks) != args.rows:
        print(f"the import is wrong: {len(wb.risks)} risk points, LF1xx {[(f.code, f.message) for f in lf1[:5]]}", file=sys.stderr)
        return 2
    del wb, report, findings

    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(do_import, legacy, out)
        pstats.Stats(profiler).sort_stats("cumtime").print_stats(30)

    from lianfang.io.xlsx_writer import write_xlsx
    from lianfang.legacy.build import ImportOptions, import_tables
    from lianfang.legacy.grid import read_legacy

    imported = do_import(legacy, out)[0]
    fns = {
        "import": lambda: do_import(legacy, out),
        "validate": lambda: validate(out),
        "read+build": lambda: import_tables(read_legacy(legacy), ImportOptions(unit_code="BENCH", today=AS_OF), [legacy.name]),
        "write": lambda: write_xlsx(imported, out, force=True),
    }
    best = {name: (float("inf"), float("inf")) for name in fns}
    for _ in range(args.repeat):
        for name, fn in fns.items():
            best[name] = tuple(map(min, best[name], timed(fn)))
    (w_imp, c_imp), (w_val, c_val) = best["import"], best["validate"]
    (w_rb, c_rb), (w_wr, c_wr) = best["read+build"], best["write"]
    print(f"\n{f'best of {args.repeat}, interleaved':44} {'wall (s)':>9} {'CPU (s)':>9} {'CPU / (b)':>10}")
    for label, wall, cpu in (("(a) import: read, build, write .xlsx", w_imp, c_imp),
                             ("    of which read the legacy file + build", w_rb, c_rb),
                             ("    of which write .xlsx (io/xlsx_writer)", w_wr, c_wr),
                             ("(b) validate: check_workbook on the result", w_val, c_val)):
        print(f"  {label:42} {wall:9.3f} {cpu:9.3f} {cpu / c_val:10.2f}")
    ratio = c_imp / c_val
    ok = ratio <= TARGET
    print(f"in process, import / validate: {ratio:.2f} CPU, {w_imp / w_val:.2f} wall (target ≤ {TARGET:g}) {'ok' if ok else 'MISSED'}")

    # the two commands as a user runs them: a fresh process each, start-up and output included
    env = dict(os.environ, PYTHONPATH=str(HERE.parent / "src"))
    commands = {
        "lianfang import": [sys.executable, "-m", "lianfang", "import", str(legacy), "-o", str(out), "--unit-code", "BENCH", "--force"],
        "lianfang validate": [sys.executable, "-m", "lianfang", "validate", str(out), "--as-of", AS_OF.isoformat()],
    }
    cli = {name: (float("inf"), float("inf")) for name in commands}
    for _ in range(args.repeat):
        for name, command in commands.items():
            cli[name] = tuple(map(min, cli[name], timed_process(command, env)))
    (w_ci, c_ci), (w_cv, c_cv) = cli["lianfang import"], cli["lianfang validate"]
    print(f"\n{f'commands, best of {args.repeat}, interleaved':44} {'wall (s)':>9} {'CPU (s)':>9}")
    print(f"  {'lianfang import LEGACY -o UNIT.xlsx':42} {w_ci:9.3f} {c_ci:9.3f}")
    print(f"  {'lianfang validate UNIT.xlsx':42} {w_cv:9.3f} {c_cv:9.3f}")
    cli_ratio = c_ci / c_cv
    print(f"commands, import / validate: {cli_ratio:.2f} CPU, {w_ci / w_cv:.2f} wall (target ≤ {TARGET:g}) "
          f"{'ok' if cli_ratio <= TARGET else 'MISSED'}")
    return 0 if ok and cli_ratio <= TARGET else 1


def timed_process(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU time (user + system) of one command run in a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    status = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if status not in (0, 1):  # validate exits 1: the imported workbook has findings to answer
        raise SystemExit(f"{' '.join(command)} failed with exit status {status}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


if __name__ == "__main__":
    sys.exit(main())
