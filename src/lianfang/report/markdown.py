"""``--format markdown``: every finding as GitHub-flavoured Markdown, for a CI job summary.

GitHub shows only the first annotations of a step, so the action writes this report to
``$GITHUB_STEP_SUMMARY``: a table of the files, then each file's findings in a folded
``<details>`` block. Every value from a workbook is escaped for its place (``mdcell`` in a table
cell, HTML entities inside ``<summary>``), so a message cannot break a row, open a link or inject
HTML. GitHub refuses a summary over 1 MiB; past ``SIZE_LIMIT`` the remaining findings are counted,
not listed.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from lianfang.findings import FileReport, Finding
from lianfang.i18n import tr
from lianfang.markdown import mdcell
from lianfang.pipeline import CheckedFile
from lianfang.report import RenderOptions, fails, totals
from lianfang.report.text import counts_text, severity_word

SIZE_LIMIT = 900 * 1024  # bytes of UTF-8, under GitHub's 1 MiB per step summary


def _verdict(report: FileReport, strict: bool) -> str:
    return tr("❌ 未通过", "❌ failed") if fails(report, strict) else tr("✅ 通过", "✅ passed")


def _file_title(report: FileReport) -> str:
    unit = tr("（{u}）", " ({u})", u=report.unit) if report.unit else ""
    return f"{report.path}{unit}"


def _finding_row(f: Finding) -> str:
    obj = f.object or ""
    if f.field:
        obj = f"{obj} · {f.field}" if obj else f.field
    cells = [f.location.describe(), f"{f.code} {f.name}", severity_word(f.severity), f.message, obj]
    return "| " + " | ".join(mdcell(c) for c in cells) + " |"


def render(files: Sequence[CheckedFile], options: RenderOptions) -> str:
    t = totals(files)
    failed = sum(1 for c in files if fails(c.report, options.strict))
    counts = {k: t[k] for k in ("error", "warning", "info")}
    lines = [
        tr("## lianfang 工作簿检查结果", "## lianfang workbook check"),
        "",
        tr("共 {n} 个文件，{f} 个未通过；{c}。", "{n} file(s), {f} failed; {c}.", n=t["files"], f=failed, c=counts_text(counts)),
        "",
        "| " + " | ".join(tr(*h) for h in (("文件", "file"), ("单位", "unit"), ("错误", "errors"), ("警告", "warnings"),
                                          ("提示", "notes"), ("结论", "result"))) + " |",
        "|---|---|--:|--:|--:|---|",
    ]
    for c in files:
        r = c.report
        n = r.counts()
        lines.append("| " + " | ".join([mdcell(r.path), mdcell(r.unit or ""), str(n["error"]), str(n["warning"]),
                                        str(n["info"]), _verdict(r, options.strict)]) + " |")
    lines.append("")
    size = sum(len(line.encode()) + 1 for line in lines)
    left_out = 0
    for c in files:
        r = c.report
        if not r.findings:
            continue
        if size > SIZE_LIMIT:
            left_out += len(r.findings)
            continue
        opened = " open" if len(files) == 1 else ""
        title = html.escape(_file_title(r) + tr("：", ": ") + counts_text(r.counts()))
        block = [
            f"<details{opened}><summary>{title}</summary>",
            "",
            "| " + " | ".join(tr(*h) for h in (("位置", "location"), ("规则", "rule"), ("级别", "severity"),
                                              ("问题", "finding"), ("对象", "object"))) + " |",
            "|---|---|---|---|---|",
        ]
        size += sum(len(line.encode()) + 1 for line in block) + len("\n</details>\n\n")
        shown = 0
        for f in r.findings:
            row = _finding_row(f)
            if size + len(row.encode()) + 1 > SIZE_LIMIT:
                break
            block.append(row)
            size += len(row.encode()) + 1
            shown += 1
        if shown < len(r.findings):
            left_out += len(r.findings) - shown
            block += ["", tr("……另有 {n} 条未列出", "… {n} more not listed", n=len(r.findings) - shown)]
            size = SIZE_LIMIT + 1  # later files are counted, not listed
        lines += [*block, "", "</details>", ""]
    if left_out:
        lines.append(tr("> 摘要篇幅有限，共 {n} 条问题未列出；完整结果请用 `--format json` 或 `--format sarif` 查看。",
                        "> The summary is limited in size: {n} finding(s) are not listed; use `--format json` or `--format sarif` for all.",
                        n=left_out))
        lines.append("")
    return "\n".join(lines)
