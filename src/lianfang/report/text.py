"""``--format text``: the report a person reads, grouped by file, a summary line last.

The text carries rich markup (colour on a terminal; ``OutputFormat.markup`` strips it for a file)
and reads the same without colour: every severity is also a word. A workbook whose status is 送审
is written as a review opinion (审核意见) the bureau's office can send back to the unit: its
findings grouped by sheet and by the unit's own risk points and measures, each with what to fix
(``FIX_HINTS``), and a conclusion (发回重找 / 审核通过).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.markup import escape

from lianfang.coverage import percent
from lianfang.findings import FileReport, Finding, Severity
from lianfang.i18n import current_lang, tr
from lianfang.io.format import SHEET_ORDER, SPEC_BY_KEY, match_table
from lianfang.model.vocab import Phase, UnitStatus
from lianfang.model.workbook import Workbook
from lianfang.report import CheckedFile, RenderOptions, fails

if TYPE_CHECKING:
    from lianfang.coverage import Coverage, RiskCoverage
    from lianfang.model.workbook import Measure

STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}

# What to do about each finding, said to the unit that must fix it: (中文, English).
FIX_HINTS: dict[str, tuple[str, str]] = {
    "LF100": ("用 Excel 或 WPS 另存为 .xlsx（YAML 文件按提示修正语法），如有密码请先取消，再重新报送。",
              "Save the file as .xlsx from Excel or WPS (or fix the YAML syntax), remove any password, and resubmit."),
    "LF101": ("按模板补齐缺少的工作表，工作表名称保持与模板一致（可用 lianfang init 生成空白模板对照）。",
              "Add the missing sheet as in the template (lianfang init makes a blank one); keep the sheet names."),
    "LF102": ("在该工作表的表头行补上缺少的列，列名与模板一致。",
              "Add the missing column to the header row, named as in the template."),
    "LF103": ("填写该必填项。", "Fill in this required value."),
    "LF104": ("从下拉列表中选择规定的取值。", "Choose one of the listed values."),
    "LF105": ("按规定格式填写：日期如 2026-03-01，是否填“是/否”，编号只用字母、数字和 - _ .。",
              "Use the required format: dates like 2026-03-01, 是/否 for yes/no, IDs of letters, digits, - _ ."),
    "LF106": ("删除该列或把内容移到“备注”列；若是列名写错，改为模板中的列名。",
              "Remove the column or move its content to 备注; if the header is misspelt, use the template's."),
    "LF107": ("为重复的编号改用新编号，保证表内唯一，并同步修改引用它的行。",
              "Give the repeated row a new ID, unique in its table, and update the rows that refer to it."),
    "LF201": ("改为职权目录中已有的职权编号，或在职权目录中补充该职权。",
              "Use a power ID from 职权目录, or add the power there."),
    "LF202": ("改为岗位表中已有的岗位编号，或在岗位表中补充该岗位。",
              "Use a post ID from 岗位, or add the post there."),
    "LF203": ("改为风险点表中已有的风险点编号，或删除该引用。",
              "Use a risk point ID from 风险点, or remove the reference."),
    "LF204": ("下一环节只能填写本流程中已有的环节编号。",
              "下一环节 may only name steps of the same flow."),
    "LF205": ("填写该风险点所在的职权编号或岗位编号（至少一项）。",
              "Give the power or the post the risk point sits on (at least one)."),
    "LF206": ("改为流程表中已有的流程编号，或在流程表中补充该流程。",
              "Use a flow ID from 流程, or add the flow there."),
    "LF301": ("按“一对一”要求，在防控措施表中为该风险点制定至少一条具体措施。",
              "One-to-one: add at least one concrete measure for this risk point in 防控措施."),
    "LF302": ("高风险点应分别有前期预防、中期监控、后期处置措施，补齐缺少的阶段。",
              "A 高 risk point needs measures in 前期预防, 中期监控 and 后期处置: add the missing phases."),
    "LF303": ("查找该职权的廉政风险点；确无风险的，在备注中说明理由。",
              "Look for the integrity risks of this power; if there is none, say why in 备注."),
    "LF304": ("为该层次的岗位查找风险点：领导岗位、中层岗位、其他重要岗位都应覆盖。",
              "Find risk points on posts of this tier: leader, middle and other key posts must all be covered."),
    "LF305": ("对照思想道德、岗位职责、业务流程、制度机制、外部环境五类风险补充查找。",
              "Look again across the five categories: ethics, duty, process, institution, environment."),
    "LF306": ("为该职权绘制权力运行流程（外部或内部流程）。",
              "Draw a power-operation flow (external or internal) for this power."),
    "LF307": ("在流程环节的“风险点编号”中标注该风险点所在的环节。",
              "Mark the risk point on the step where it sits (流程环节 风险点编号)."),
    "LF308": ("删除或改挂仍使用该废止职权的风险点、措施和流程。",
              "Remove or reassign the risk points, measures and flows that still use the abolished power."),
    "LF401": ("在单位信息中写明高、中、低风险等级的划分标准。",
              "Write the criteria for 高, 中 and 低 in 单位信息."),
    "LF402": ("把措施写具体：由谁、在哪个环节、做什么、怎样检查，避免“加强学习”“严格执行”一类表述。",
              "Make the measure concrete: who does what, at which step, checked how — not just 加强学习 or 严格执行."),
    "LF403": ("合并重复的条目，或把描述写出各自的区别。",
              "Merge the repeated entries, or word each so they differ."),
    "LF404": ("按规定安排轮岗交流，或在备注中说明暂缓轮岗的理由和替代措施。",
              "Arrange the rotation, or record in 备注 why it is postponed and what replaces it."),
    "LF405": ("填写集体研究会议和确认日期；未经集体研究确认的，状态应为“送审”。",
              "Fill in 集体研究会议 and 确认日期; before the collective decision the status is 送审."),
    "LF406": ("按审核意见重新查找该风险点，修改后将审核状态改为“待审核”；发回重找的须写明审核意见。",
              "Rework the risk point as the review says and set it back to 待审核; a return needs its 审核意见."),
    "LF407": ("重新评估风险等级：涉及资金、人事、审批的职权一般不低于“中”，确属低风险的在备注说明。",
              "Reassess the level: powers over money, people or approvals are rarely 低; otherwise explain in 备注."),
    "LF408": ("落实该措施并更新落实情况，或调整完成时限。",
              "Carry out the measure and update its status, or set a new due date."),
    "LF501": ("为流程设置办结环节（下一环节为空的环节）。",
              "Give the flow an end step (one with an empty 下一环节)."),
    "LF502": ("在其他环节的“下一环节”中连到该环节，或删除多余的环节。",
              "Link the step from another step's 下一环节, or remove it."),
    "LF503": ("为内部流程的每个环节填写办理时限。", "Give every step of an internal flow a time limit."),
    "LF504": ("外部流程应列明所需材料和监督渠道（如监督电话）。",
              "An external flow lists the materials required and the supervision channels (e.g. a phone)."),
    "LF505": ("核对各环节的办理时限：压缩环节时限，或如实写明职权承诺的办理时限。",
              "Check each step's time limit: shorten the steps, or state the power's promised time limit truthfully."),
    "LF506": ("为该职权补画内部流程（各环节的责任主体和办理时限），并在环节上标注风险点。",
              "Add the power's internal flow (each step's responsible body and time limit) and mark its risk points on the steps."),
}


def fix_hint(code: str) -> str | None:
    pair = FIX_HINTS.get(code)
    if pair is None:
        return None
    return pair[1] if current_lang() == "en" else pair[0]


def severity_word(sev: Severity) -> str:
    return {Severity.ERROR: tr("错误", "error"), Severity.WARNING: tr("警告", "warning"),
            Severity.INFO: tr("提示", "info")}[sev]


def _styled(sev: Severity, text: str) -> str:
    return f"[{STYLES[sev]}]{escape(text)}[/]"


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - cell_len(text))


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def counts_text(counts: dict[str, int]) -> str:
    if current_lang() == "en":
        return ", ".join(plural(counts[k], w) for k, w in (("error", "error"), ("warning", "warning"), ("info", "note")))
    return f"{counts['error']} 个错误，{counts['warning']} 个警告，{counts['info']} 个提示"


# -- the plain listing --------------------------------------------------------------------------


def _file_heading(report: FileReport) -> str:
    unit = tr("（{u}）", " ({u})", u=report.unit) if report.unit else ""
    return f"[bold]{escape(report.path)}[/]{escape(unit)}"


def listing(report: FileReport) -> list[str]:
    """One file as a heading and one aligned line per finding."""
    lines = [_file_heading(report)]
    if not report.findings:
        lines.append("  " + tr("未发现问题", "no findings"))
        return lines
    width_loc = max(cell_len(f.location.describe()) for f in report.findings)
    width_sev = max(cell_len(severity_word(s)) for s in Severity)
    for f in report.findings:
        loc = _pad(f.location.describe(), width_loc)
        sev = _styled(f.severity, _pad(severity_word(f.severity), width_sev))
        obj = f"  [dim]\\[{escape(f.object)}][/]" if f.object else ""
        lines.append(f"  {escape(loc)}  {f.code}  {sev}  {escape(f.message)}{obj}".rstrip())
    lines.append("  " + counts_text(report.counts()))
    return lines


# -- the review opinion (审核意见) for a workbook 送审 --------------------------------------------

# what an object of each table is called, in the unit's terms
OBJECT_WORDS = {
    "posts": ("岗位", "post"), "powers": ("职权", "power"), "risks": ("风险点", "risk point"),
    "measures": ("措施", "measure"), "flows": ("流程", "flow"), "steps": ("环节", "step"),
    "institutions": ("制度", "institution"), "alerts": ("预警", "alert"),
}
UNIT_KEY = "unit"
SHORT_TEXT = 24  # characters of a description quoted to name a risk point or measure


def _word(key: str) -> str:
    zh, en = OBJECT_WORDS.get(key, (key, key))
    return en if current_lang() == "en" else zh


def _short(text: str | None) -> str:
    if not text:
        return ""
    text = " ".join(text.split())
    return text if len(text) <= SHORT_TEXT else text[:SHORT_TEXT] + "…"


def table_of(f: Finding, wb: Workbook) -> str | None:
    """The table key a finding sits in: by sheet (xlsx) or by the top-level key above its line (YAML)."""
    loc = f.location
    origin = wb.origin
    if loc.sheet is not None:
        for key, name in origin.sheets.items():
            if name == loc.sheet:
                return key
        spec = match_table(loc.sheet)
        return spec.key if spec is not None else None
    if loc.line is not None and origin.tables:
        above = [(pos[0], key) for key, pos in origin.tables.items() if pos[0] <= loc.line]
        if above:
            return max(above)[1]
    return None


def _group_rank(key: str | None) -> int:
    if key is None:
        return -1
    spec = SPEC_BY_KEY.get(key)
    return SHEET_ORDER.get(spec.sheet, 999) if spec is not None else 999


def _group_title(key: str | None, wb: Workbook) -> str:
    if key is None:
        return tr("总体", "General")
    spec = SPEC_BY_KEY.get(key)
    sheet = wb.origin.sheets.get(key) if wb.origin.format == "xlsx" else None
    name = sheet or (spec.sheet if spec is not None else key)
    return name if current_lang() == "zh" else f"{name} ({key})"


def quoted(text: str) -> str:
    return tr("「{t}」", " “{t}”", t=text)


def object_label(key: str | None, object_id: str, wb: Workbook) -> str:
    """``风险点 FX-07「药品采购审查环节…」``: the object named as the unit wrote it."""
    if key in ("flows", "steps") and "/" in object_id:
        flow_id, step_id = object_id.split("/", 1)
        flow = wb.flows_by_id.get(flow_id)
        step = next((s for s in flow.steps if s.id == step_id), None) if flow is not None else None
        label = f"{_word('flows')} {flow_id} {_word('steps')} {step_id}"
        return label + (quoted(_short(step.name)) if step is not None and step.name else "")
    lookups = {
        "posts": (wb.posts_by_id, "name"), "powers": (wb.powers_by_id, "name"),
        "risks": (wb.risks_by_id, "description"), "flows": (wb.flows_by_id, "name"),
        "measures": ({m.id: m for m in wb.measures if m.id is not None}, "description"),
        "institutions": ({i.id: i for i in wb.institutions if i.id is not None}, "name"),
    }
    label = f"{_word(key)} {object_id}" if key in OBJECT_WORDS else object_id
    table, attr = lookups.get(key or "", ({}, ""))
    record = table.get(object_id)
    text = getattr(record, attr, None) if record is not None else None
    if key == "flows" and record is not None and not text:
        power = wb.powers_by_id.get(record.power) if record.power else None
        text = power.name if power is not None else None
    return label + (quoted(_short(text)) if text else "")


_CN_NUMERALS = "零一二三四五六七八九十"


def section_number(n: int) -> str:
    """1 → 一、, 12 → 十二、 (English: 1.)."""
    if current_lang() == "en":
        return f"{n}. "
    if n <= 10:
        text = _CN_NUMERALS[n]
    elif n < 20:
        text = "十" + (_CN_NUMERALS[n - 10] if n > 10 else "")
    else:
        text = _CN_NUMERALS[n // 10] + "十" + (_CN_NUMERALS[n % 10] if n % 10 else "")
    return text + "、"


def opinion_where(f: Finding) -> str:
    """A location as a letter to the unit says it: ``风险点!A9``, ``第12行第5列``."""
    loc = f.location
    if loc.line is not None:
        return tr("第{l}行第{c}列", "line {l}, col {c}", l=loc.line, c=loc.col or 1)
    return loc.describe()


def _finding_lines(n: int, f: Finding, indent: str, hint: bool) -> list[str]:
    where = opinion_where(f)
    tag = f"{f.code} {severity_word(f.severity)}" + (tr("，{w}", ", {w}", w=where) if where else "")
    lines = [f"{indent}{n}. {escape(f.message)} {_styled(f.severity, tr('〔', '[') + tag + tr('〕', ']'))}"]
    text = fix_hint(f.code) if hint else None
    if text:
        lines.append(indent + " " * (len(str(n)) + 2) + escape(tr("修改要求：{h}", "To fix: {h}", h=text)))
    return lines


def review_opinion(c: CheckedFile, options: RenderOptions) -> list[str]:
    """The 审核意见 on one workbook submitted for review."""
    report, wb = c.report, c.workbook
    assert wb is not None
    unit = wb.unit
    name = (unit.name if unit is not None and unit.name else None) or report.unit or report.path
    year = unit.year if unit is not None and unit.year else None
    counts = report.counts()
    failing = fails(report, options.strict)
    lines = [
        "[bold]" + escape(tr("关于《{n}廉政风险防控工作簿》的审核意见", "Review opinion on the integrity-risk workbook of {n}", n=name)) + "[/]",
        "",
        escape(tr("{n}：", "To {n}:", n=name)),
        "    " + escape(tr(
            "你单位报送的{y}廉政风险防控工作簿（{p}）收悉。经逐项审核，发现须整改的问题 {e} 处、提示性问题 {w} 处，具体意见如下：",
            "We have received your {y}integrity-risk workbook ({p}) and checked it item by item: {e} problems must be "
            "fixed and {w} are worth a look. In detail:",
            y=tr("{y}年度", "{y} ", y=year) if year else "", p=report.path, e=counts["error"],
            w=counts["warning"] + counts["info"])),
    ]
    if not report.findings:
        lines[-1] = "    " + escape(tr("你单位报送的{y}廉政风险防控工作簿（{p}）收悉。经逐项审核，未发现问题。",
                                      "We have received your {y}integrity-risk workbook ({p}) and checked it item by item: no problems found.",
                                      y=tr("{y}年度", "{y} ", y=year) if year else "", p=report.path))
    keyed = sorted(((table_of(f, wb), i, f) for i, f in enumerate(report.findings)), key=lambda t: (_group_rank(t[0]), t[1]))
    n = 0
    for section, (key, items) in enumerate(groupby(keyed, key=lambda t: t[0]), start=1):
        lines += ["", f"[bold]{section_number(section)}{escape(_group_title(key, wb))}[/]"]
        findings = [f for _, _, f in items]
        # findings about one object together, objects in order of first appearance
        by_object: dict[str | None, list[Finding]] = {}
        for f in findings:
            by_object.setdefault(f.object, []).append(f)
        for obj, group in by_object.items():
            indent = "    "
            if obj is not None and key not in (None, UNIT_KEY):
                lines.append("  " + escape(object_label(key, obj, wb)))
            hinted: set[str] = set()  # one hint per rule and object is enough
            for f in group:
                n += 1
                lines += _finding_lines(n, f, indent, f.code not in hinted)
                hinted.add(f.code)
    conclusion = (tr("审核结论：发回重找。请对照以上意见逐项修改，经集体研究后重新报送。",
                     "Conclusion: returned (发回重找). Please fix each point above and resubmit after collective review.")
                  if failing else
                  tr("审核结论：审核通过。", "Conclusion: approved (审核通过).")
                  + (tr("以上提示性意见请在工作中一并完善。", " Please also consider the points above.") if report.findings else ""))
    lines += ["", f"[bold]{escape(conclusion)}[/]", "",
              escape(tr("（本意见由 {t} 按 {d} 的状态生成，供廉防办审核参考。）",
                        "(Generated by {t} as of {d}, for the reviewing office.)", t=options.tool, d=options.as_of.isoformat()))]
    return lines


def is_submitted(c: CheckedFile) -> bool:
    wb = c.workbook
    return wb is not None and wb.unit is not None and wb.unit.status is UnitStatus.SUBMITTED


def summary_line(files: Sequence[CheckedFile], strict: bool) -> str:
    totals = {s.value: sum(c.report.counts()[s.value] for c in files) for s in Severity}
    failed = sum(1 for c in files if fails(c.report, strict))
    return tr("共检查 {n} 个文件，{f} 个未通过；{c}。", "Checked {n}, {f} failed; {c}.",
              n=len(files) if current_lang() == "zh" else plural(len(files), "file"), f=failed, c=counts_text(totals))


def _since(c: CheckedFile) -> list[str]:
    """``validate --since``: what was fixed, what remains, what is new (lianfang.diff.since)."""
    if c.since is None:
        return []
    from lianfang.diff.since import since_lines

    return since_lines(c.since)


def render(files: Sequence[CheckedFile], options: RenderOptions) -> str:
    blocks = [(review_opinion(c, options) if is_submitted(c) else listing(c.report)) + _since(c) for c in files]
    lines: list[str] = []
    for block in blocks:
        lines += block + [""]
    lines.append(f"[bold]{escape(summary_line(files, options.strict))}[/]")
    return "\n".join(lines) + "\n"


# -- lianfang coverage --------------------------------------------------------------------------

GROUP_TITLES = {
    "tier": (("按岗位层次", "By post tier"), ("岗位层次", "tier"), ("（未关联岗位）", "(no post)")),
    "level": (("按风险等级", "By risk level"), ("风险等级", "level"), ("（等级未填）", "(no level)")),
    "department": (("按部门", "By department"), ("部门", "department"), ("（未明确）", "(unknown)")),
    "category": (("按风险类别", "By risk category"), ("风险类别", "category"), ("（类别未填）", "(no category)")),
}


def _pick(pair: tuple[str, str]) -> str:
    return pair[1] if current_lang() == "en" else pair[0]


def aligned(headers: list[str], rows: list[list[str]], right_from: int = 1) -> list[str]:
    """Columns padded by display width (a CJK character is two cells); numbers right-aligned."""
    widths = [max(cell_len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    out = []
    for r in [headers, *rows]:
        cells = []
        for i, text in enumerate(r):
            pad = " " * (widths[i] - cell_len(text))
            cells.append(pad + text if i >= right_from else text + pad)
        out.append("  ".join(cells).rstrip())
    return out


def coverage_figures(cov: Coverage) -> list[tuple[str, list[str], list[list[str]]]]:
    """The four tables of figures as (title, headers, rows) — shared by text and xlsx."""
    tables = []
    for key, tallies in cov.groups:
        title, column, unknown = GROUP_TITLES[key]
        headers = [_pick(column), tr("风险点", "risks"), tr("已有措施", "answered"), tr("覆盖率", "rate"),
                   tr("高风险点", "高 risks"), tr("三阶段齐全", "all 3 phases")]
        rows = [[t.key if t.key is not None else _pick(unknown), str(t.risks), str(t.answered),
                 percent(t.answered, t.risks), str(t.high), str(t.high_full)] for t in tallies]
        tables.append((_pick(title), headers, rows))
    return tables


def coverage_title(cov: Coverage) -> str:
    name = cov.unit_name or cov.unit_code or ""
    code = tr("（{c}）", " ({c})", c=cov.unit_code) if cov.unit_code and cov.unit_name else ""
    year = tr("{y}年度", " {y}", y=cov.year) if cov.year else ""
    return tr("{n}{c}{y}风险点“一对一”防控措施覆盖情况", "{n}{c}{y}: one-to-one coverage of risk points by measures",
              n=name, c=code, y=year)


def coverage_summary(cov: Coverage) -> str:
    t = cov.total
    return tr("风险点 {r} 个，已制定措施 {a} 个（{p}），未覆盖 {u} 个；高风险点 {h} 个，三个阶段措施齐全 {f} 个。",
              "{r} risk points, {a} with measures ({p}), {u} uncovered; {h} 高 risk points, {f} with all three phases.",
              r=t.risks, a=t.answered, p=percent(t.answered, t.risks), u=t.risks - t.answered, h=t.high, f=t.high_full)


def measure_text(m: Measure) -> str:
    extra = [x for x in (m.owner, getattr(m.status, "value", None)) if x]
    text = f"{m.id} {m.description or ''}".rstrip()
    return text + (tr("（{x}）", " ({x})", x=tr("，", ", ").join(extra)) if extra else "")


def risk_heading(rc: RiskCoverage) -> str:
    r = rc.risk
    parts = [rc.label, getattr(r.level, "value", None) or "?", getattr(r.category, "value", None) or "?"]
    where = []
    for record, ref in ((rc.power, r.power), (rc.post, r.post)):
        if record is not None:
            where.append(tr("{n}（{i}）", "{n} ({i})", n=record.name or "", i=record.id))
        elif ref:
            where.append(ref)
    return "  ".join(parts) + ("  " + " · ".join(where) if where else "")


def orphan_note(cov: Coverage) -> str:
    return tr("另有 {n} 条措施对应的风险点不存在：{m}。", "{n} measure(s) name a risk point that does not exist: {m}.",
              n=len(cov.orphan_measures),
              m=tr("、", ", ").join(tr("{i}（{r}）", "{i} ({r})", i=m.id, r=m.risk) for m in cov.orphan_measures))


def render_coverage(cov: Coverage, options: RenderOptions) -> str:
    lines = [f"[bold]{escape(coverage_title(cov))}[/]", "", escape(coverage_summary(cov)), "",
             f"[bold]{section_number(1)}{escape(tr('风险点及其防控措施（未覆盖的排在前面）', 'Risk points and their measures (uncovered first)'))}[/]"]
    if not cov.rows:
        lines.append("  " + tr("（没有风险点）", "(no risk points)"))
    for rc in cov.rows:
        mark = "" if rc.covered else f"[bold red]{escape(tr('【未覆盖】', '[UNCOVERED] '))}[/]"
        lines.append(f"  {mark}{escape(risk_heading(rc))}")
        lines.append("      " + escape(tr("风险：{d}", "risk: {d}", d=rc.risk.description or "")))
        phases: list[Phase | None] = list(Phase) + ([None] if rc.by_phase(None) else [])
        for phase in phases:
            label = phase.value if phase is not None else tr("阶段未填", "no phase")
            measures = rc.by_phase(phase)
            for text in [measure_text(m) for m in measures] or ["—"]:
                lines.append("      " + escape(tr("{l}：{t}", "{l}: {t}", l=label, t=text)))
    lines += ["", f"[bold]{section_number(2)}{escape(tr('覆盖统计', 'Figures'))}[/]"]
    for title, headers, rows in coverage_figures(cov):
        lines += ["", f"  [bold]{escape(title)}[/]"]
        lines += ["    " + escape(line) for line in aligned(headers, rows)]
    if cov.orphan_measures:
        lines += ["", escape(orphan_note(cov))]
    return "\n".join(lines) + "\n"
