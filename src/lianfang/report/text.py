"""``--format text``: the compact listing a person reads, grouped by file, a summary line last.

One heading per file and one aligned line per finding; it reads the same without colour, since
every severity is also a word. This is what a commit hook or a CI log shows; the 审核意见 letter
for a unit is ``--format review`` (report/review.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len

from lianfang.findings import FileReport, Severity
from lianfang.i18n import current_lang, tr
from lianfang.report import CheckedFile, RenderOptions, fails
from lianfang.report.style import (  # noqa: F401 - counts_text, severity_word: also imported from here
    STYLES,
    Paint,
    counts_text,
    from_markup,
    markup,
    paint_for,
    plural,
    severity_word,
)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - cell_len(text))


def file_heading(report: FileReport, paint: Paint) -> str:
    unit = tr("（{u}）", " ({u})", u=report.unit) if report.unit else ""
    return paint(report.path, "bold") + paint(unit, None)


def listing(report: FileReport, paint: Paint = markup) -> list[str]:
    """One file as a heading and one aligned line per finding (rich markup unless told otherwise)."""
    lines = [file_heading(report, paint)]
    if not report.findings:
        lines.append("  " + tr("未发现问题", "no findings"))
        return lines
    width_loc = max(cell_len(f.location.describe()) for f in report.findings)
    words = {s: severity_word(s) for s in Severity}
    width_sev = max(cell_len(w) for w in words.values())
    severities = {s: paint(_pad(w, width_sev), STYLES[s]) for s, w in words.items()}
    for f in report.findings:
        loc = paint(_pad(f.location.describe(), width_loc), None)
        obj = "  " + paint(f"[{f.object}]", "dim") if f.object else ""
        lines.append(f"  {loc}  {f.code}  {severities[f.severity]}  {paint(f.message, None)}{obj}".rstrip())
    lines.append("  " + counts_text(report.counts()))
    return lines


def summary_line(files: Sequence[CheckedFile], strict: bool, skipped: int = 0) -> str:
    totals = {s.value: sum(c.report.counts()[s.value] for c in files) for s in Severity}
    failed = sum(1 for c in files if fails(c.report, strict))
    line = tr("共检查 {n} 个文件，{f} 个未通过；{c}", "Checked {n}, {f} failed; {c}",
              n=len(files) if current_lang() == "zh" else plural(len(files), "file"), f=failed, c=counts_text(totals))
    if skipped:
        line += tr("；跳过 {s} 个不是工作簿的文件", "; {s} skipped (not workbooks)", s=skipped)
    return line + tr("。", ".")


def since(c: CheckedFile, paint: Paint) -> list[str]:
    """``validate --since``: what was fixed, what remains, what is new (lianfang.diff.since)."""
    if getattr(c, "since", None) is None:
        return []
    from lianfang.diff.since import since_lines

    return from_markup(since_lines(c.since), paint)


def render(files: Sequence[CheckedFile], options: RenderOptions) -> str:
    paint = paint_for(options.color)
    lines: list[str] = []
    for c in files:
        lines += listing(c.report, paint) + since(c, paint) + [""]
    lines.append(paint(summary_line(files, options.strict, options.skipped), "bold"))
    return "\n".join(lines) + "\n"
