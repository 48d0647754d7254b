"""``--format review``: the 审核意见 letter the bureau's office sends back to a unit.

Each workbook's findings grouped by sheet and by the unit's own risk points and measures (named
as the unit wrote them), each rule's fix hint (``Rule.fix``) once per object, and a conclusion
(发回重找 / 审核通过). A file that could not be read has no letter: it gets the listing.
Every lookup a letter needs is built once per workbook (``_Names``), so a letter costs one pass
over the findings however many there are.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from lianfang.findings import Finding
from lianfang.i18n import current_lang, tr
from lianfang.io.format import SHEET_ORDER, SPEC_BY_KEY, match_table
from lianfang.model.workbook import Workbook
from lianfang.report import CheckedFile, RenderOptions, fails
from lianfang.report.style import STYLES, Paint, paint_for, section_number, severity_word
from lianfang.report.text import listing, since, summary_line
from lianfang.rules import REGISTRY

# what an object of each table is called, in the unit's terms
OBJECT_WORDS = {
    "posts": ("岗位", "post"), "powers": ("职权", "power"), "risks": ("风险点", "risk point"),
    "measures": ("措施", "measure"), "flows": ("流程", "flow"), "steps": ("环节", "step"),
    "institutions": ("制度", "institution"), "alerts": ("预警", "alert"),
}
UNIT_KEY = "unit"
SHORT_TEXT = 24  # characters of a description quoted to name a risk point or measure


def fix_hint(code: str) -> str | None:
    """What to do about a finding of this rule, in the interface language (None: no hint)."""
    rule = REGISTRY.get(code)
    return (rule.fix(current_lang()) or None) if rule is not None else None


def _word(key: str, lang: str) -> str:
    zh, en = OBJECT_WORDS.get(key, (key, key))
    return en if lang == "en" else zh


def _short(text: str | None) -> str:
    if not text:
        return ""
    text = " ".join(text.split())
    return text if len(text) <= SHORT_TEXT else text[:SHORT_TEXT] + "…"


def quoted(text: str, lang: str) -> str:
    return f" “{text}”" if lang == "en" else f"「{text}」"


class _Names:
    """The lookups of one workbook a letter needs, built once: table of a finding, label of an object."""

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        self.lang = current_lang()
        self.sheet_keys = {name: key for key, name in wb.origin.sheets.items()}
        self.table_lines = sorted((pos[0], key) for key, pos in wb.origin.tables.items()) if wb.origin.tables else []
        self.records = {
            "posts": (wb.posts_by_id, "name"), "powers": (wb.powers_by_id, "name"),
            "risks": (wb.risks_by_id, "description"), "flows": (wb.flows_by_id, "name"),
            "measures": ({m.id: m for m in wb.measures if m.id is not None}, "description"),
            "institutions": ({i.id: i for i in wb.institutions if i.id is not None}, "name"),
        }

    def table_of(self, f: Finding) -> str | None:
        """The table key a finding sits in: by sheet (xlsx) or by the top-level key above its line (YAML)."""
        loc = f.location
        if loc.sheet is not None:
            key = self.sheet_keys.get(loc.sheet)
            if key is not None:
                return key
            spec = match_table(loc.sheet)
            return spec.key if spec is not None else None
        if loc.line is not None:
            above = None
            for line, key in self.table_lines:
                if line > loc.line:
                    break
                above = key
            return above
        return None

    def label(self, key: str | None, object_id: str) -> str:
        """``风险点 FX-07「药品采购审查环节…」``: the object named as the unit wrote it."""
        wb, lang = self.wb, self.lang
        if key in ("flows", "steps") and "/" in object_id:
            flow_id, step_id = object_id.split("/", 1)
            flow = wb.flows_by_id.get(flow_id)
            step = next((s for s in flow.steps if s.id == step_id), None) if flow is not None else None
            label = f"{_word('flows', lang)} {flow_id} {_word('steps', lang)} {step_id}"
            return label + (quoted(_short(step.name), lang) if step is not None and step.name else "")
        label = f"{_word(key, lang)} {object_id}" if key in OBJECT_WORDS else object_id
        table, attr = self.records.get(key or "", ({}, ""))
        record = table.get(object_id)
        text = getattr(record, attr, None) if record is not None else None
        if key == "flows" and record is not None and not text:
            power = wb.powers_by_id.get(record.power) if record.power else None
            text = power.name if power is not None else None
        return label + (quoted(_short(text), lang) if text else "")


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


class _Phrases:
    """The words of a finding's lines in the run's language, looked up once per letter, not per finding."""

    def __init__(self) -> None:
        self.line_col = tr("第{l}行第{c}列", "line {l}, col {c}")
        self.where = tr("，{w}", ", {w}")
        self.brackets = tr("〔", "["), tr("〕", "]")
        self.fix = tr("修改要求：{h}", "To fix: {h}")
        self.severity = {s: severity_word(s) for s in STYLES}

    def location(self, f: Finding) -> str:
        """A location as a letter to the unit says it: ``风险点!A9``, ``第12行第5列``."""
        loc = f.location
        if loc.line is not None:
            return self.line_col.format(l=loc.line, c=loc.col or 1)
        return loc.describe()


def _finding_lines(n: int, f: Finding, indent: str, hint: str | None, paint: Paint, words: _Phrases) -> list[str]:
    where = words.location(f)
    tag = f"{f.code} {words.severity[f.severity]}" + (words.where.format(w=where) if where else "")
    opening, closing = words.brackets
    lines = [f"{indent}{n}. {paint(f.message, None)} {paint(opening + tag + closing, STYLES[f.severity])}"]
    if hint:
        lines.append(indent + " " * (len(str(n)) + 2) + paint(words.fix.format(h=hint), None))
    return lines


def review_opinion(c: CheckedFile, options: RenderOptions, paint: Paint) -> list[str]:
    """The 审核意见 on one workbook."""
    report, wb = c.report, c.workbook
    assert wb is not None
    names = _Names(wb)
    words = _Phrases()
    unit = wb.unit
    name = (unit.name if unit is not None and unit.name else None) or report.unit or report.path
    year = unit.year if unit is not None and unit.year else None
    counts = report.counts()
    failing = fails(report, options.strict)
    lines = [
        paint(tr("关于《{n}廉政风险防控工作簿》的审核意见", "Review opinion on the integrity-risk workbook of {n}", n=name), "bold"),
        "",
        paint(tr("{n}：", "To {n}:", n=name), None),
        "    " + paint(tr(
            "你单位报送的{y}廉政风险防控工作簿（{p}）收悉。经逐项审核，发现须整改的问题 {e} 处、提示性问题 {w} 处，具体意见如下：",
            "We have received your {y}integrity-risk workbook ({p}) and checked it item by item: {e} problems must be "
            "fixed and {w} are worth a look. In detail:",
            y=tr("{y}年度", "{y} ", y=year) if year else "", p=report.path, e=counts["error"],
            w=counts["warning"] + counts["info"]), None),
    ]
    if not report.findings:
        lines[-1] = "    " + paint(tr("你单位报送的{y}廉政风险防控工作簿（{p}）收悉。经逐项审核，未发现问题。",
                                     "We have received your {y}integrity-risk workbook ({p}) and checked it item by item: no problems found.",
                                     y=tr("{y}年度", "{y} ", y=year) if year else "", p=report.path), None)
    hints = {}
    keyed = sorted(((names.table_of(f), i, f) for i, f in enumerate(report.findings)), key=lambda t: (_group_rank(t[0]), t[1]))
    n = 0
    for section, (key, items) in enumerate(groupby(keyed, key=lambda t: t[0]), start=1):
        lines += ["", paint(section_number(section) + _group_title(key, wb), "bold")]
        # findings about one object together, objects in order of first appearance
        by_object: dict[str | None, list[Finding]] = {}
        for _, _, f in items:
            by_object.setdefault(f.object, []).append(f)
        for obj, group in by_object.items():
            indent = "    "
            if obj is not None and key not in (None, UNIT_KEY):
                lines.append("  " + paint(names.label(key, obj), None))
            hinted: set[str] = set()  # one hint per rule and object is enough
            for f in group:
                n += 1
                if f.code not in hints:
                    hints[f.code] = fix_hint(f.code)
                lines += _finding_lines(n, f, indent, None if f.code in hinted else hints[f.code], paint, words)
                hinted.add(f.code)
    conclusion = (tr("审核结论：发回重找。请对照以上意见逐项修改，经集体研究后重新报送。",
                     "Conclusion: returned (发回重找). Please fix each point above and resubmit after collective review.")
                  if failing else
                  tr("审核结论：审核通过。", "Conclusion: approved (审核通过).")
                  + (tr("以上提示性意见请在工作中一并完善。", " Please also consider the points above.") if report.findings else ""))
    lines += ["", paint(conclusion, "bold"), "",
              paint(tr("（本意见由 {t} 按 {d} 的状态生成，供廉防办审核参考。）",
                       "(Generated by {t} as of {d}, for the reviewing office.)", t=options.tool, d=options.as_of.isoformat()), None)]
    return lines


def render(files: Sequence[CheckedFile], options: RenderOptions) -> str:
    """A letter for every workbook that could be read; the listing for one that could not."""
    paint = paint_for(options.color)
    lines: list[str] = []
    for c in files:
        block = review_opinion(c, options, paint) if c.workbook is not None else listing(c.report, paint)
        lines += block + since(c, paint) + [""]
    lines.append(paint(summary_line(files, options.strict, options.skipped), "bold"))
    return "\n".join(lines) + "\n"
