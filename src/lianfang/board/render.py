"""The board as text (an 80-column terminal), Markdown and JSON; Excel and HTML have modules of their own."""

from __future__ import annotations

import json
from typing import Any

from lianfang.board.campaign import EXPECTATION_TEXT, PhaseState
from lianfang.board.status import CATEGORIES, LEVELS, Board, UnitRow
from lianfang.coverage import rate_percent
from lianfang.i18n import tr
from lianfang.model.vocab import MeasureStatus

BOARD_VERSION = 1
# one character per phase state in the text board, explained under it
STATE_MARK = {PhaseState.DONE: "✓", PhaseState.DONE_LATE: "✓!", PhaseState.ON_TIME: "…",
              PhaseState.LATE: "✗", PhaseState.NOT_STARTED: "·"}


def pct(rate: float | None) -> str:
    return rate_percent(rate)  # the one rate format of every output


def _status(r: UnitRow) -> str:
    if r.missing:
        return tr("缺报", "missing")
    if not r.readable:
        return tr("无法读取", "unreadable")
    return r.status or "—"


def _measures(r: UnitRow) -> str:
    return "/".join(str(r.measures[s.value]) for s in (MeasureStatus.DONE, MeasureStatus.DOING, MeasureStatus.TODO))


def _score(r: UnitRow) -> str:
    return "—" if r.score is None else f"{r.score.total:.1f}"


def headline(board: Board) -> list[str]:
    t = board.totals
    units = len(board.rows)
    lines = [
        tr("截至 {d}：{n} 个单位，缺报 {m} 个；风险点 {r} 个（高 {h}、中 {md}、低 {l}），一对一覆盖 {c}；错误 {e} 个，警告 {w} 个",
           "as of {d}: {n} units, {m} missing; {r} risk points (high {h}, medium {md}, low {l}), one-to-one coverage {c}; "
           "{e} errors, {w} warnings",
           d=board.as_of.isoformat(), n=units, m=len(board.missing), r=t.risks, h=t.levels["高"], md=t.levels["中"],
           l=t.levels["低"], c=pct(t.coverage_rate), e=t.errors, w=t.warnings),
    ]
    behind = board.behind
    if behind:
        lines.append(tr("需要督促的单位：", "units behind: ") + tr("；", "; ").join(_behind_text(r) for r in behind))
    else:
        lines.append(tr("没有逾期或缺报的单位", "no unit is late or missing"))
    return lines


def _behind_text(r: UnitRow) -> str:
    if r.missing:
        return tr("{u}（缺报）", "{u} (missing)", u=r.label)
    if not r.readable:
        return tr("{u}（无法读取）", "{u} (unreadable)", u=r.label)
    return tr("{u}（{p} 逾期）", "{u} ({p} late)", u=r.label, p="、".join(r.behind))


def render_text(board: Board, console_width: int = 80) -> str:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=console_width, record=True, file=_Null(), color_system=None, highlight=False)
    console.print(board.title, style="bold", markup=False)
    for line in headline(board):
        console.print(line, markup=False)
    main = Table(show_lines=False, pad_edge=False, box=None, header_style="bold")
    for col, justify in ((tr("单位", "unit"), "left"), (tr("状态", "status"), "left"), (tr("错/警", "E/W"), "right"),
                         (tr("高/中/低", "H/M/L"), "right"), (tr("覆盖", "cover"), "right"),
                         (tr("措施 落/中/未", "done/doing/todo"), "right"), (tr("逾期", "late"), "right"),
                         (tr("轮岗", "rotate"), "right"), (tr("退回", "ret."), "right"), (tr("得分", "score"), "right")):
        main.add_column(col, justify=justify, no_wrap=True)
    for r in board.rows:
        main.add_row(r.code or r.file, _status(r), f"{r.errors}/{r.warnings}",
                     "/".join(str(r.levels[lv]) for lv in LEVELS), pct(r.coverage_rate), _measures(r),
                     str(r.overdue), str(r.rotation_due), str(r.returned_open), _score(r))
    console.print()
    console.print(main)
    phases = Table(pad_edge=False, box=None, header_style="bold")
    phases.add_column(tr("单位", "unit"), no_wrap=True)
    for i in range(1, len(board.phases) + 1):
        phases.add_column(f"{i}", justify="center", no_wrap=True)
    for r in board.rows:
        phases.add_row(r.code or r.file, *(STATE_MARK[c.state] for c in r.phases))
    console.print()
    console.print(tr("阶段进度", "phases"), style="bold", markup=False)
    console.print(phases)
    for i, p in enumerate(board.phases, 1):
        console.print(f"{i} {p.name} {p.start.isoformat()}～{p.end.isoformat()}", markup=False)
    console.print("  ".join(f"{m} {s.label}" for s, m in STATE_MARK.items()), markup=False)
    return console.export_text()


class _Null:
    def write(self, _text: str) -> int:
        return 0

    def flush(self) -> None:
        pass


def render_markdown(board: Board, pictures: list | None = None, folder: str = "charts") -> str:
    from lianfang.handbook.filters import mdcell, mdlink

    out = [f"# {mdcell(board.title)}", ""]
    out += [mdcell(line) for line in headline(board)]
    out += ["", f"## {tr('各单位情况', 'Units')}", ""]
    head = [tr("单位", "Unit"), tr("文件", "File"), tr("状态", "Status"), tr("错误", "Errors"), tr("警告", "Warnings"),
            *[tr(f"{lv}风险", f"{lv}") for lv in LEVELS], tr("一对一覆盖", "Coverage"), tr("措施 已落实/落实中/未落实", "Measures done/doing/todo"),
            tr("逾期措施", "Overdue"), tr("待轮岗", "Rotation due"), tr("发回未改", "Returned open"), tr("考核得分", "Score")]
    out.append("| " + " | ".join(head) + " |")
    out.append("|" + "---|" * len(head))
    for r in board.rows:
        cells = [r.label, r.file, _status(r), r.errors, r.warnings, *(r.levels[lv] for lv in LEVELS), pct(r.coverage_rate),
                 _measures(r), r.overdue, r.rotation_due, r.returned_open, _score(r)]
        out.append("| " + " | ".join(mdcell(c) for c in cells) + " |")
    out += ["", f"## {tr('阶段进度', 'Campaign phases')}", ""]
    head = [tr("单位", "Unit"), *(f"{p.name}<br>{p.start.isoformat()}～{p.end.isoformat()}" for p in board.phases)]
    out.append("| " + " | ".join(head) + " |")
    out.append("|" + "---|" * len(head))
    for r in board.rows:
        out.append("| " + " | ".join([mdcell(r.label), *(c.state.label for c in r.phases)]) + " |")
    out += ["", tr("各阶段的完成标准：", "What each phase expects:"), ""]
    for p in board.phases:
        zh, en = EXPECTATION_TEXT[p.expects]
        out.append(f"- {mdcell(p.name)}：{tr(zh, en)}")
    out += ["", f"## {tr('考核评分', 'Assessment')}", ""]
    crit = list(board.weights)
    head = [tr("单位", "Unit"), *(f"{c.label}（{board.weights[c]:g}）" for c in crit if board.weights[c]), tr("得分", "Score")]
    out.append("| " + " | ".join(head) + " |")
    out.append("|" + "---|" * len(head))
    for r in board.rows:
        if r.score is None:
            out.append("| " + " | ".join([mdcell(r.label), *("—" for c in crit if board.weights[c]), "—"]) + " |")
            continue
        out.append("| " + " | ".join([mdcell(r.label), *(f"{line.points:.1f}" for line in r.score.lines), _score(r)]) + " |")
    if pictures:
        out += ["", f"## {tr('图表', 'Charts')}", ""]
        for p in pictures:
            out += [f"![{mdcell(p.title)}]({mdlink(folder + '/' + p.name + '.png')})", ""]
    return "\n".join(out).rstrip() + "\n"


def board_data(board: Board) -> dict[str, Any]:
    """The JSON shape of ``lianfang status --format json`` (documented in docs/status.md)."""
    def unit(r: UnitRow) -> dict[str, Any]:
        return {
            "file": r.file, "code": r.code, "name": r.name, "status": r.status, "missing": r.missing,
            "readable": r.readable, "errors": r.errors, "warnings": r.warnings, "info": r.infos,
            "risks": r.risks, "covered": r.covered,
            "coverage": None if r.coverage_rate is None else round(r.coverage_rate, 4),
            "levels": r.levels, "categories": r.categories,
            "measures": {"done": r.measures["已落实"], "doing": r.measures["落实中"], "todo": r.measures["未落实"]},
            "overdue": r.overdue, "rotation_due": r.rotation_due, "returned_open": r.returned_open,
            "phases": [{"name": c.phase.name, "state": c.state.value} for c in r.phases],
            "score": None if r.score is None else {
                "total": round(r.score.total, 2),
                "criteria": [{"criterion": line.criterion.value, "weight": line.weight, "share": round(line.share, 4),
                              "points": round(line.points, 2)} for line in r.score.lines],
            },
        }

    t = board.totals
    return {
        "version": BOARD_VERSION,
        "title": board.title,
        "as_of": board.as_of.isoformat(),
        "phases": [{"name": p.name, "start": p.start.isoformat(), "end": p.end.isoformat(), "expects": p.expects.value}
                   for p in board.phases],
        "units": [unit(r) for r in board.rows],
        "summary": {"units": len(board.rows), "missing": len(board.missing), "behind": [r.file for r in board.behind],
                    "risks": t.risks, "covered": t.covered, "levels": t.levels,
                    "categories": dict(zip(CATEGORIES, (t.categories[c] for c in CATEGORIES), strict=True)),
                    "errors": t.errors, "warnings": t.warnings},
    }


def render_json(board: Board) -> str:
    return json.dumps(board_data(board), ensure_ascii=False, indent=2) + "\n"
