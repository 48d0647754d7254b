"""``lianfang publish``: the 公示 version of the units' risk points, measures and external flows."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lianfang.cli.common import EXIT_FINDINGS, ForceOption, LangOption, err, fail
from lianfang.i18n import tr

HELP_ZH = """生成公示版本（实施方案 四(二)3“公示廉政风险点”）：每个单位的风险点（岗位、等级、描述）和防控措施、
外部流程图和办事指南、监督渠道，不含个人信息——不公开在岗人员、联系人和联系电话（监督电话除外）、审核意见和备注。
公开哪些字段见 docs/publish.md，可在 handbook.yaml 的 publish 中调整。

html：每个单位一个静态网页加一个目录页 index.html，不需要脚本、可离线打开、可直接打印（A4），可上传到局网站；
xlsx：公示一览表.xlsx，每个单位一个工作表；docx：公示.docx，一个 Word 文件包含所有单位（风险点表 A4 横向，
办事指南、外部流程图和监督渠道 A4 纵向），样式取自手册的 Word 模板。默认三种都生成。有错误的单位不公示（退出状态 1）；未经集体研究确认的单位标注“未经集体研究确认”。

示例：lianfang publish -o build/publish；lianfang publish units/chyy.xlsx -o 公示 --format html"""
HELP_EN = """Make the public (公示) version: per unit its risk points (post, level, description) and measures, its
external flowcharts and service guides, and the supervision channels — without personal data: no post
holders, contacts or phone numbers (supervision lines excepted), no review notes or remarks. Which fields
are public is documented in docs/publish.md and can be changed in handbook.yaml's publish section.

html: one static page per unit plus index.html, no script needed, works offline, prints on A4, ready to
upload; xlsx: one sheet per unit; docx: 公示.docx, one Word document for all units (risk tables on
landscape A4, service guides, external flowcharts and supervision channels on portrait A4), styled by the
handbook's Word template. All three by default. Units with errors are not published (exit 1); units not yet confirmed
collectively are marked so.

Example: lianfang publish -o build/publish; lianfang publish units/chyy.xlsx -o public --format html"""


def publish(
    targets: Annotated[list[Path] | None, typer.Argument(metavar="[HANDBOOK.yaml|UNIT...]", show_default=False,
                                                         help=tr("handbook.yaml（默认当前文件夹的）或单位工作簿、文件夹",
                                                                 "a handbook.yaml (default: ./handbook.yaml) or unit workbooks and folders"))] = None,
    output: Annotated[Path, typer.Option("--output", "-o", metavar=tr("文件夹", "DIR"), show_default=False,
                                         help=tr("输出文件夹（必填）", "output folder (required)"))] = ...,
    formats: Annotated[str, typer.Option("--format", metavar="html,xlsx,docx",
                                           help=tr("输出格式，逗号分隔：html、xlsx、docx", "formats, comma-separated: html, xlsx, docx"))] = "html,xlsx,docx",
    force: ForceOption = False,
    lang: LangOption = None,
) -> None:
    """The public version (help: HELP_ZH / HELP_EN)."""
    from lianfang.discover import display_path
    from lianfang.publish.build import FORMATS, PublishError
    from lianfang.publish.build import publish as run

    wanted = [f.strip().lower() for f in formats.replace("，", ",").split(",") if f.strip()]
    bad = [f for f in wanted if f not in FORMATS]
    if bad or not wanted:
        fail(tr("未知的格式「{f}」（可选：{c}）", "unknown format {f!r} (choose from {c})", f="、".join(bad) or formats, c="、".join(FORMATS)))
    try:
        result = run(list(targets or []), output, wanted, force=force)
    except PublishError as e:
        fail(str(e))
    console = err()
    for note in result.notes:
        console.print(tr("注意：", "note: ") + note, markup=False, highlight=False)
    for path in result.unconfirmed:
        console.print(tr("警告：{p} 的状态不是已确认或已公示，公示页已标注“未经集体研究确认”",
                         "warning: {p} is not 已确认 or 已公示; its page is marked as not yet confirmed", p=path),
                      markup=False, highlight=False)
    for path, errors in result.refused:
        console.print(tr("未公示 {p}：有 {n} 个错误（lianfang validate 可查看）", "not published {p}: {n} errors (see lianfang validate)",
                         p=path, n=errors), markup=False, highlight=False)
    for path in result.written:
        console.print(display_path(path), markup=False, highlight=False)
    if result.refused:
        raise typer.Exit(EXIT_FINDINGS)
