"""``lianfang diff OLD NEW``: what changed between two versions of one unit's workbook."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from lianfang.cli.common import EXIT_FINDINGS, EXIT_OK, ForceOption, LangOption, err, fail
from lianfang.i18n import tr
from lianfang.io.atomic import OutputError, check_output, write_atomic

HELP_ZH = """比较同一单位工作簿的两个版本（调整修正），列出实质性变化。

按编号配对，编号改过的按文字相似度配对（先在同一职权、同一岗位内比较），所以重新编号的风险点报为“重新编号”，而不是删除一个、新增一个。报告：风险点新增、删除、改写、升级/降级、改挂职权或岗位、审核状态变化；措施新增、删除、改写、阶段调整、落实情况、完成时限；职权废止、岗位轮岗、流程与环节、单位状态和等级标准的变化。OLD、NEW 可以是 .xlsx、.yaml 的任意组合。

格式：text（默认，先汇总后明细，按风险点分组）、markdown（可贴进回复）、json（见 docs/diff.md）、xlsx（修订对照表，须用 -o 指定文件）。

退出状态：0 没有变化；1 有变化；2 命令无法执行（文件不存在或无法读取）。

示例：lianfang diff 2025/chyy.xlsx 2026/chyy.xlsx；lianfang diff 旧.xlsx 新.xlsx --format xlsx -o 修订对照表.xlsx"""
HELP_EN = """Compare two versions of one unit's workbook and list what changed in substance.

Records are paired by ID, and where IDs were renumbered by text similarity (within the same power,
then the same post), so a renumbered risk point is "renumbered", not removed and added. Reported:
risk points added, removed, reworded, upgraded/downgraded, moved, review status; measures added,
removed, reworded, re-phased, status, due date; powers abolished, post rotation, flows and steps,
unit status and level criteria. OLD and NEW may be any mix of .xlsx and .yaml.

Formats: text (default: summary, then details by risk point), markdown (to paste into a reply),
json (see docs/diff.md), xlsx (a 修订对照表; needs -o).
Exit status: 0 no change; 1 changes; 2 the command could not run (missing or unreadable file).

Example: lianfang diff 2025/chyy.xlsx 2026/chyy.xlsx; lianfang diff old.xlsx new.xlsx --format xlsx -o changes.xlsx"""

FORMATS = ("text", "markdown", "json", "xlsx")
DEV_NULL = "/dev/null"


def _read(path: Path):
    """The workbook at ``path``, or stop with exit 2 saying why it cannot be read."""
    from lianfang.io.reader import read_workbook

    if not path.exists():
        fail(tr("文件不存在：{p}", "no such file: {p}", p=path))
    result = read_workbook(path)
    if result.workbook is None:
        reasons = "；".join(f.message for f in result.problems if f.code == "LF100") or \
            "；".join(f.message for f in result.problems[:3])
        fail(tr("无法读取 {p}：{r}", "cannot read {p}: {r}", p=path, r=reasons or tr("不是工作簿", "not a workbook")))
    return result.workbook


def render(diff, output_format: str) -> str | bytes:
    from lianfang.diff import render as r

    if output_format == "xlsx":
        from lianfang.diff.xlsx import render_xlsx

        return render_xlsx(diff)
    return {"text": r.render_text, "markdown": r.render_markdown, "json": r.render_json}[output_format](diff)


def _git_external(args: list[str]) -> None:
    """git's external diff: PATH OLD-FILE OLD-HEX OLD-MODE NEW-FILE NEW-HEX NEW-MODE [NEW-PATH INFO].
    git stops the whole diff when the command fails, so this always exits 0."""
    from lianfang.diff import diff_workbooks
    from lianfang.diff.render import render_text
    from lianfang.io.reader import read_workbook

    if len(args) not in (7, 9):
        fail(tr("--git-external 需要 git 传入的 7 或 9 个参数", "--git-external takes the 7 or 9 arguments git passes"))
    name, old_file, new_file = args[0], args[1], args[4]
    new_name = args[7] if len(args) == 9 else name
    sys.stdout.write(f"lianfang diff a/{name} b/{new_name}\n")
    if DEV_NULL in (old_file, new_file):
        sys.stdout.write(tr("（新增文件）\n", "(new file)\n") if old_file == DEV_NULL else tr("（删除文件）\n", "(deleted file)\n"))
        return
    books = []
    for label, f in ((f"a/{name}", old_file), (f"b/{new_name}", new_file)):
        result = read_workbook(f)
        if result.workbook is None:
            reason = "；".join(x.message for x in result.problems[:3])
            sys.stdout.write(tr("无法读取 {p}：{r}\n", "cannot read {p}: {r}\n", p=label, r=reason))
            return
        books.append(result.workbook)
    sys.stdout.write(render_text(diff_workbooks(books[0], books[1], f"a/{name}", f"b/{new_name}")))
    sys.stdout.flush()


def diff(
    paths: Annotated[list[str], typer.Argument(help=tr("旧版本和新版本的工作簿", "the old and the new version of the workbook"),
                                               show_default=False, metavar="OLD NEW")],
    output_format: Annotated[str, typer.Option("--format", metavar="FORMAT", help=tr("输出格式：text、markdown、json、xlsx", "output format: text, markdown, json, xlsx"))] = "text",
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="FILE", help=tr("写入文件而不是标准输出（xlsx 必须指定）", "write to a file instead of standard output (required for xlsx)"), show_default=False)] = None,
    force: ForceOption = False,
    git_external: Annotated[bool, typer.Option("--git-external", hidden=True, help="arguments are git's external diff arguments (docs/git.md)")] = False,
    lang: LangOption = None,
) -> None:
    """Compare two versions of a workbook (help: HELP_ZH / HELP_EN)."""
    if git_external:
        _git_external(paths)
        raise typer.Exit(EXIT_OK)
    fmt = output_format.strip().lower()
    if fmt not in FORMATS:
        fail(tr("未知的输出格式「{f}」（可选：{c}）", "unknown format {f!r} (choose from {c})", f=output_format, c="、".join(FORMATS)))
    if len(paths) != 2:
        fail(tr("需要两个文件：旧版本和新版本（收到 {n} 个）", "two files are needed, the old and the new version (got {n})", n=len(paths)))
    old_path, new_path = Path(paths[0]), Path(paths[1])
    if fmt == "xlsx" and output is None:
        fail(tr("xlsx 格式须用 -o 指定输出文件", "the xlsx format needs an output file (-o FILE)"))
    if output is not None:
        try:
            check_output(output, force=force, inputs=[old_path, new_path])
        except OutputError as e:
            fail(str(e))
    from lianfang.diff import diff_workbooks

    old, new = _read(old_path), _read(new_path)
    if old.code and new.code and old.code != new.code:
        err().print(tr("注意：两个文件的单位代码不同（{a} 与 {b}），比较的可能不是同一单位", "note: the unit codes differ ({a} and {b}); these may not be the same unit",
                       a=old.code, b=new.code), markup=False, highlight=False)
    result = diff_workbooks(old, new, paths[0], paths[1])
    rendered = render(result, fmt)
    if output is None:
        sys.stdout.write(rendered if isinstance(rendered, str) else rendered.decode("utf-8"))
        sys.stdout.flush()
    else:
        try:
            write_atomic(output, rendered, force=force, inputs=[old_path, new_path])
        except OutputError as e:
            fail(str(e))
        err().print(tr("已写入 {p}", "written to {p}", p=output), markup=False, highlight=False)
    raise typer.Exit(EXIT_OK if result.empty else EXIT_FINDINGS)
