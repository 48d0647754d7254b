"""``lianfang status``: the 廉防办's board — every unit's progress, phases and 考核 score."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from lianfang.cli.common import ForceOption, LangOption, fail, out
from lianfang.i18n import tr

HELP_ZH = """工作进度看板：各单位的进度、工作阶段和考核得分。

每个单位一行：状态、错误和警告、各等级风险点、一对一覆盖率、措施落实情况和逾期措施、待轮岗的重点岗位、发回重找未改的风险点，各工作阶段是否完成（已完成、进行中、逾期、未开始），以及考核得分。表头给出合计和需要督促的单位；handbook.yaml 中列出但文件不存在的单位显示为“缺报”。

阶段和日期取自 handbook.yaml 的 campaign（不写时按实施方案的阶段、以手册年度推算），评分权重取自 assessment（见 docs/status.md）。单位的读取与校验结果沿用手册的缓存，未改动的单位不重复读取。

格式：text（默认，适合 80 列终端）、markdown、json、xlsx（含考核评分表和图表，须用 -o）、html（单个静态网页，含图表，须用 -o）。除非无法运行，退出状态为 0。

示例：lianfang status；lianfang status handbook.yaml --as-of 2026-10-15 --format xlsx -o 进度.xlsx"""
HELP_EN = """The status board: every unit's progress, campaign phases and assessment score.

One row per unit: status, errors and warnings, risk points by level, one-to-one coverage, measures done and overdue, key posts due for rotation, returned risk points still open, each campaign phase (done, in progress, late, not started), and the assessment score. The header gives the totals and the units that are behind; units listed in handbook.yaml whose file is missing show as missing.

Phases and dates come from handbook.yaml's campaign (default: the seed's phases dated in the handbook's year), the score's weights from its assessment (see docs/status.md). Units come from the handbook's cache: an unchanged unit is not read again.

Formats: text (default, fits 80 columns), markdown, json, xlsx (with the assessment sheet and charts; needs -o), html (one static page with charts; needs -o). Exit 0 unless the command cannot run.

Example: lianfang status; lianfang status handbook.yaml --as-of 2026-10-15 --format xlsx -o status.xlsx"""

FORMATS = ("text", "markdown", "json", "xlsx", "html")
NEEDS_FILE = ("xlsx", "html")


def status(
    target: Annotated[Path | None, typer.Argument(metavar="[HANDBOOK.yaml|DIR]", show_default=False,
                                                  help=tr("handbook.yaml、含它的文件夹，或存放单位工作簿的文件夹（默认：当前文件夹）",
                                                          "a handbook.yaml, a folder holding one, or a folder of unit workbooks (default: here)"))] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", metavar=tr("日期", "DATE"), show_default=False,
                                              help=tr("按哪一天判断阶段和逾期（默认今天），如 2026-10-15", "the date phases and overdue measures are judged on (default: today)"))] = None,
    output_format: Annotated[str, typer.Option("--format", metavar="FORMAT", help=tr("输出格式：text、markdown、json、xlsx、html", "output format: text, markdown, json, xlsx, html"))] = "text",
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar=tr("文件", "FILE"), show_default=False,
                                                help=tr("写入文件而不是标准输出", "write to a file instead of standard output"))] = None,
    force: ForceOption = False,
    lang: LangOption = None,
) -> None:
    """The status board (help: HELP_ZH / HELP_EN)."""
    from lianfang.board.load import BoardError, load_board
    from lianfang.config import ConfigError, parse_date_option
    from lianfang.io.atomic import OutputError, check_output, write_atomic

    fmt = output_format.strip().lower()
    if fmt not in FORMATS:
        fail(tr("未知的输出格式「{f}」（可选：{c}）", "unknown format {f!r} (choose from {c})", f=output_format, c="、".join(FORMATS)))
    if fmt in NEEDS_FILE and output is None:
        fail(tr("{f} 格式须用 -o 指定输出文件", "the {f} format needs an output file (-o)", f=fmt))
    try:
        day = parse_date_option(as_of) if as_of else date.today()
    except ConfigError as e:
        fail(str(e))
    if output is not None:
        try:
            check_output(output, force=force)
        except OutputError as e:
            fail(str(e))
    try:
        board = load_board(target, day)
    except BoardError as e:
        fail(str(e))
    charts = f"{output.stem}-charts" if output is not None and fmt == "markdown" else None
    data, files = render(board, fmt, charts)
    if output is None:
        out().print(data, markup=False, highlight=False, end="", soft_wrap=True)
        return
    try:
        for name, content in files.items():  # the Markdown's pictures, beside it
            (output.parent / name).parent.mkdir(parents=True, exist_ok=True)
            write_atomic(output.parent / name, content, force=True)
        write_atomic(output, data, force=force)
    except (OutputError, OSError) as e:
        fail(str(e))


def render(board, fmt: str, charts: str | None = None) -> tuple[str | bytes, dict[str, bytes]]:
    """The board in ``fmt``, and the files it links to (Markdown's chart PNGs in the folder ``charts``)."""
    from lianfang.board import render as text_render

    if fmt == "text":
        return text_render.render_text(board, console_width=max(60, out().width)), {}
    if fmt == "json":
        return text_render.render_json(board), {}
    if fmt == "markdown" and charts is None:
        return text_render.render_markdown(board), {}
    from lianfang.board.charts import board_pictures

    pictures = board_pictures(board)
    if fmt == "markdown":
        return (text_render.render_markdown(board, pictures, charts),
                {f"{charts}/{p.name}.png": p.png for p in pictures})
    if fmt == "xlsx":
        from lianfang.board.xlsx import render_xlsx

        return render_xlsx(board, pictures), {}
    from lianfang.board.html import render_html

    return render_html(board, pictures), {}
