"""From the grids of legacy tables to a ``Workbook`` and the ``ImportReport``.

One table at a time: its header row and column roles (``headers``), then row by row — blank
rows, repeated header rows, ``注：`` rows and department section rows (``一、中心领导``) are passed
over and reported; every other row gives its post, power, risk points and measures. A risk cell
merged over several rows is one risk point whose measures are on all those rows. Posts and
powers are shared by name within a department; IDs follow the workbook's conventions (GW-01,
QL-01, FX-001, CS-001). Every value the table does not give is filled with a documented default
and reported (docs/import.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from lianfang.errors import LianfangError
from lianfang.i18n import tr
from lianfang.legacy.grid import Grid
from lianfang.legacy.headers import EXACT, ColumnMap, Role, header_key, match_role
from lianfang.legacy.phases import infer_phase
from lianfang.legacy.report import Entry, ImportReport, Kind
from lianfang.legacy.split import (
    Item,
    is_heading,
    is_none,
    parse_phase,
    phase_prefix,
    split_numbered,
    split_phases,
)
from lianfang.model.vocab import (
    MeasureStatus,
    Phase,
    PostTier,
    PowerKind,
    PowerLevel,
    RiskCategory,
    RiskLevel,
    UnitStatus,
)
from lianfang.model.workbook import ID_RE, Measure, Post, PowerItem, RiskPoint, Unit, Workbook

HEADER_SEARCH_ROWS = 30  # a title, a 填报单位 line and a note may stand above the header
DEFAULT_CODE = "UNIT"
DEFAULT_LEVEL = RiskLevel.MEDIUM
TODO_TEXT = "待补充"  # a required text the legacy table does not have (the report lists each)
PHASE_COLUMNS = {Role.PREVENT: Phase.PREVENT, Role.MONITOR: Phase.MONITOR, Role.HANDLE: Phase.HANDLE}
_NOTE_HEADERS = frozenset({"备注", "说明"})
_EXACT_PHASES = {header_key(k): v for k, v in EXACT.items() if v in PHASE_COLUMNS}
# roles of which a table reads one column; a second such column goes to the note
_SINGLE = frozenset(Role) - {Role.NOTE, Role.IGNORE, Role.SEQ}

_WORDS = re.compile(r"[\u4e00-\u9fff]")  # a Chinese character: words, not an ID or a count
_NOTE_ROW = re.compile(r"^\s*(注|说明|备注[：:]|填表说明)")
_CONTINUED = re.compile(r"\s*[（(]续[）)]\s*$")
_SECTION_PREFIX = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[、.．])\s*")
_LEVEL_COUNT = re.compile(r"(\d+)\s*(?:个)?\s*(高|中|低)")
_INLINE_LEVEL = re.compile(r"[（(]?\s*风险等级\s*[：:]\s*([^\s；;，,。）)]{1,4})\s*[)）]?")
_INLINE_OWNER = re.compile(r"[（(]?\s*责任人\s*[：:]\s*([^\s；;，,。）)]{1,20})\s*[)）]?")
_FILLED_BY = re.compile(r"(?:填报|报送|编制)单位\s*(?:[（(]\s*(?:盖章|公章)\s*[)）])?\s*[：:]\s*(\S[^\n]*?)(?=\s{2,}|\s*(?:填报|报送)?日期|\s*时间|$)")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*(?:年|[-./])")
_TITLE_TAIL = re.compile(r"(?:\d{4}年度?)?(?:岗位|权力事项|重点岗位)?(?:廉政|廉洁)?风险.*$")
_LEVEL_WORDS = {"一级": RiskLevel.HIGH, "二级": RiskLevel.MEDIUM, "三级": RiskLevel.LOW,
                "Ⅰ级": RiskLevel.HIGH, "Ⅱ级": RiskLevel.MEDIUM, "Ⅲ级": RiskLevel.LOW,
                "I级": RiskLevel.HIGH, "II级": RiskLevel.MEDIUM, "III级": RiskLevel.LOW,
                "较高": RiskLevel.HIGH, "一般": RiskLevel.MEDIUM, "较低": RiskLevel.LOW, "中等": RiskLevel.MEDIUM}
_LEADER_WORDS = ("书记", "院长", "局长", "党委", "党组", "纪委", "班子")
_MIDDLE_WORDS = ("科长", "主任", "部长", "处长", "负责人", "所长", "队长", "组长", "护士长", "站长", "股长")


class NoTableError(LianfangError):
    """No table of the input has a header row with a risk column; the message says what was
    looked for."""


@dataclass
class ImportOptions:
    unit_name: str | None = None
    unit_code: str | None = None
    year: int | None = None
    column_map: ColumnMap = field(default_factory=lambda: ColumnMap({}, {}))
    today: date = field(default_factory=date.today)


@dataclass
class _Header:
    row: int  # the header row
    start: int  # the first data row
    roles: dict[int, Role]  # column -> role
    extra: dict[int, str]  # column -> header text of a column with no role (its text goes to the note)
    keys: dict[int, str]  # column -> cleaned header text, to recognise a repeated header row
    texts: dict[int, str]  # column -> its header as written (the sub-header under a merged 防控措施)


@dataclass
class _Risk:
    record: dict
    notes: list[str]
    label: str
    owner: str | None = None  # a 责任人：… written inside the risk cell
    measures: list[dict] = field(default_factory=list)


class _Builder:
    def __init__(self, options: ImportOptions, report: ImportReport):
        self.options = options
        self.report = report
        self.posts: dict[tuple[str, str], dict] = {}
        self.powers: dict[tuple[str, str], dict] = {}
        self.risks: list[_Risk] = []
        self.used_risk_ids: set[str] = set()
        self.measure_count = 0
        self.unit_names: list[tuple[str, str]] = []  # (name, where it was found)
        self.years: list[tuple[int, str]] = []
        self.defaults: dict[tuple[str, str], list[str]] = {}  # (table, what) -> IDs given that default

    # -- ids ----------------------------------------------------------------------------

    def new_risk_id(self, wanted: str | None) -> str:
        if wanted and ID_RE.match(wanted) and wanted not in self.used_risk_ids:
            self.used_risk_ids.add(wanted)
            return wanted
        n = len(self.risks) + 1
        while (rid := f"FX-{n:03d}") in self.used_risk_ids:
            n += 1
        self.used_risk_ids.add(rid)
        return rid

    def default(self, table: str, what: str, obj: str) -> None:
        self.defaults.setdefault((table, what), []).append(obj)

    # -- a table ------------------------------------------------------------------------

    def table(self, grid: Grid) -> bool:
        header = find_header(grid, self.options.column_map)
        if header is None:
            self.report.add(Kind.TABLE, grid.where(0) if grid.rows else grid.file + " " + grid.name,
                            tr("未导入：前 {n} 行中没有含风险点列（风险点/风险描述/廉政风险点/表现形式）的表头",
                               "not imported: no header with a risk column (风险点/风险描述/廉政风险点/表现形式) in the first {n} rows",
                               n=HEADER_SEARCH_ROWS))
            return False
        self.report.add(Kind.TABLE, grid.where(header.row),
                        tr("表头在此行，数据自第 {r} 行起", "header on this row, data from row {r}", r=header.start + 1 + (grid.row0 if not grid.docx else 0)))
        self._front_matter(grid, header.row)
        for c, role in sorted(header.roles.items()):
            self.report.add(Kind.COLUMN, grid.where(header.row, c), f"「{header.texts.get(c) or grid.rows[header.row][c]}」→ {role.label}")
        for c, text in sorted(header.extra.items()):
            self.report.add(Kind.COLUMN, grid.where(header.row, c),
                            tr("「{h}」无对应字段，内容记入风险点备注", "{h!r} has no field; its text goes to the risk point's note", h=text))
        _TableReader(self, grid, header).read()
        return True

    def _front_matter(self, grid: Grid, upto: int) -> None:
        """Unit name and year from a title or a 填报单位（盖章）/日期 line above the header."""
        lines: list[tuple[str, str]] = [(t, grid.where(0) + tr("（表格前）", " (before the table)")) for t in grid.before]
        for r in range(min(upto, len(grid.rows))):
            seen: list[str] = []
            for c, text in enumerate(grid.rows[r]):
                if text and text not in seen:
                    seen.append(text)
                    lines.append((text, grid.where(r, c)))
        for text, where in lines:
            m = _FILLED_BY.search(text)
            if m and m.group(1).strip():
                self.unit_names.append((m.group(1).strip(), where))
            if "单位" not in text or m:
                for y in _YEAR.findall(text):
                    self.years.append((int(y), where))
        for text, where in lines:
            if ("一览表" in text or "风险" in text and ("表" in text or "清单" in text)) and len(text) <= 80:
                name = _TITLE_TAIL.sub("", text.strip()).strip()
                if name and not _FILLED_BY.search(text):
                    self.unit_names.append((name, where + tr("（标题）", " (title)")))

    # -- records ------------------------------------------------------------------------

    def post(self, dept: str, name: str, tier_text: str, duty: str, where: str) -> str:
        key = (dept, name)
        post = self.posts.get(key)
        if post is None:
            pid = f"GW-{len(self.posts) + 1:02d}"
            tier = PostTier.parse(tier_text) if tier_text else None
            notes = []
            if tier is None:
                tier = infer_tier(dept, name)
                if tier_text:
                    notes.append(tr("原岗位层次：", "tier as written: ") + tier_text)
                self.report.add(Kind.TODO, where, tr("岗位层次未填，按名称推定为「{t}」，请核对", "no post tier; guessed {t!r} from the name, please check",
                                                     t=tier.value), pid)
            post = self.posts[key] = {"id": pid, "name": name, "department": dept or TODO_TEXT, "tier": tier, "notes": notes}
            if not dept:
                self.report.add(Kind.TODO, where, tr("岗位没有所在部门，已填「{d}」", "the post has no department; {d!r} filled in", d=TODO_TEXT), pid)
        if duty:
            line = tr("岗位职责：", "duty: ") + duty
            if line not in post["notes"]:
                post["notes"].append(line)
        return post["id"]

    def power(self, dept: str, name: str, values: dict[Role, str], post_id: str | None, where: str) -> str:
        key = (dept, name)
        power = self.powers.get(key)
        if power is None:
            qid = f"QL-{len(self.powers) + 1:02d}"
            notes: list[str] = []
            kind = None
            if values.get(Role.POWER_KIND):
                kind = PowerKind.parse(values[Role.POWER_KIND])
                if kind is None:
                    notes.append(tr("原职权类别：", "kind as written: ") + values[Role.POWER_KIND])
            content = values.get(Role.POWER_CONTENT) or values.get(Role.DUTY) or ""
            if not content:
                content = name
                self.default("powers", tr("职权内容未填，暂用职权名称", "no power content; the name is used"), qid)
            basis = values.get(Role.BASIS) or ""
            if not basis:
                basis = TODO_TEXT
                self.default("powers", tr("法律依据未填，已填「{t}」", "no legal basis; {t!r} filled in", t=TODO_TEXT), qid)
            subject = dept or name
            level = PowerLevel.DEPARTMENT if dept else PowerLevel.UNIT
            self.default("powers", tr("权力层级按默认填「{l}」，办理主体填所在部门", "power level defaulted to {l!r}, handled by its department",
                                       l=level.value), qid)
            power = self.powers[key] = {"id": qid, "name": name, "kind": kind, "content": content, "level": level,
                                        "subject": subject, "posts": [], "basis": basis, "notes": notes}
        if post_id and post_id not in power["posts"]:
            power["posts"].append(post_id)
        return power["id"]

    def add_risk(self, record: dict, notes: list[str], label: str) -> _Risk:
        risk = _Risk(record, notes, label)
        self.risks.append(risk)
        return risk

    # -- the workbook -------------------------------------------------------------------

    def workbook(self, files: list[str]) -> Workbook:
        o = self.options
        name = o.unit_name
        if not name:
            if self.unit_names:
                name, where = self.unit_names[0]
                self.report.add(Kind.ASSUMED, where, tr("单位名称取自此处：{n}", "unit name taken from here: {n}", n=name))
            else:
                name = Path(files[0]).stem if files else TODO_TEXT
                self.report.add(Kind.TODO, files[0] if files else "", tr("找不到单位名称，暂用文件名「{n}」，请用 --unit-name 给出",
                                                                         "no unit name found; the file name {n!r} is used, give --unit-name", n=name))
        code = o.unit_code
        if not code:
            code = DEFAULT_CODE
            self.report.add(Kind.TODO, "", tr("单位代码未给出，暂用「{c}」，请用 --unit-code 给出", "no unit code; {c!r} is used, give --unit-code", c=code))
        year = o.year
        if year is None:
            if self.years:
                year, where = self.years[0]
                self.report.add(Kind.ASSUMED, where, tr("年度取自此处：{y}", "year taken from here: {y}", y=year))
            else:
                year = o.today.year
                self.report.add(Kind.ASSUMED, "", tr("原表没有年度，按今年 {y} 填写（可用 --year 指定）", "no year in the table; this year {y} is used (give --year)", y=year))
        unit = Unit(name=name, code=code, year=year, status=UnitStatus.DRAFT)
        self.report.add(Kind.TODO, tr("单位信息", "unit"), tr("高、中、低风险等级的划分标准（原表没有），须填写", "the criteria of the 高/中/低 levels (not in the table) must be written"))
        self.report.add(Kind.TODO, tr("单位信息", "unit"), tr("状态按「草稿」填写；集体研究会议和确认日期待风险点经集体研究确认后填写",
                                                          "status set to 草稿; the confirming meeting and date are filled once the risk points are confirmed"))

        posts = [Post(id=p["id"], name=p["name"], department=p["department"], tier=p["tier"], note=_note(p["notes"]))
                 for p in self.posts.values()]
        powers = [PowerItem(id=q["id"], name=q["name"], kind=q["kind"], content=q["content"], level=q["level"], subject=q["subject"],
                            posts=q["posts"], basis=q["basis"], note=_note(q["notes"])) for q in self.powers.values()]
        risks = []
        measures = []
        for risk in self.risks:
            risks.append(RiskPoint(**risk.record, note=_note(risk.notes)))
            for m in risk.measures:
                measures.append(Measure(**m))
        for (table, what), ids in self.defaults.items():
            self.report.add(Kind.TODO, {"powers": tr("职权目录", "powers"), "risks": tr("风险点", "risks"), "measures": tr("防控措施", "measures")}[table],
                            f"{what}（{len(ids)}）：{_id_span(ids)}")
        self.report.counts = {"posts": len(posts), "powers": len(powers), "risks": len(risks), "measures": len(measures)}
        return Workbook(unit=unit, posts=posts, powers=powers, risks=risks, measures=measures)


class _TableReader:
    """The rows of one table, below its header."""

    def __init__(self, builder: _Builder, grid: Grid, header: _Header):
        self.b = builder
        self.grid = grid
        self.h = header
        self.cols: dict[Role, int] = {role: c for c, role in header.roles.items() if role in _SINGLE}
        self.note_cols = [c for c, role in header.roles.items() if role in (Role.NOTE, Role.IGNORE)]
        self.section = ""  # department set by the last section row
        self.row_risks: dict[int, list[_Risk]] = {}  # grid row -> the risk points it started
        self.last_risks: list[_Risk] = []
        self.blank: list[int] = []
        self.numbered = self._numbered_columns()

    def _numbered_columns(self) -> set[int]:
        """Measure columns where some cell starts a numbered list: there ``1.5万元…`` alone is
        item 1, ``5万元…`` (elsewhere it stays a decimal number)."""
        out = set()
        g = self.grid
        for role in (Role.MEASURES, *PHASE_COLUMNS):
            c = self.cols.get(role)
            if c is None:
                continue
            for r in range(self.h.start, len(g.rows)):
                if any(items and items[0].label for _, text in split_phases(g.rows[r][c])
                       for items in [split_numbered(text)[1]]):
                    out.add(c)
                    break
        return out

    def v(self, r: int, role: Role) -> str:
        c = self.cols.get(role)
        # a value repeated at the top of a printed page is marked （续）: it is the same 部门/岗位/职权
        return _CONTINUED.sub("", self.grid.rows[r][c]).strip() if c is not None else ""

    def read(self) -> None:
        g = self.grid
        blank_at = 0
        for r in range(self.h.start, len(g.rows)):
            row = g.rows[r]
            texts = [t.strip() for t in row]
            if not any(texts):
                if not self.blank:
                    blank_at = len(self.b.report.entries)  # the entry goes where the first blank row is
                self.blank.append(r)
                continue
            if self._repeated_header(r):
                self.b.report.add(Kind.SKIPPED, g.where(r), tr("重复的表头行（跨页表格）", "repeated header row (a table over several pages)"))
                continue
            distinct = list(dict.fromkeys(t for t in texts if t))
            first = distinct[0]
            if len(distinct) == 1 and _NOTE_ROW.match(first):
                self.b.report.add(Kind.SKIPPED, g.where(r), tr("注释行，未导入：", "note row, not imported: ") + _short(first))
                continue
            if len(distinct) <= 2 and all(_is_front_matter(t) for t in distinct):
                self.b.report.add(Kind.SKIPPED, g.where(r), tr("重复的标题或填报单位行（每页重复）：", "repeated title or 填报单位 line (on every page): ")
                                  + _short(" ".join(distinct)))
                continue
            if len(distinct) == 1 and self._section_row(r, first):
                dept = _SECTION_PREFIX.sub("", first).strip()
                self.section = dept
                self.b.report.add(Kind.SKIPPED, g.where(r), tr("部门分段行：其下各行的部门为「{d}」", "section row: the department of the rows below is {d!r}", d=dept))
                continue
            self._data_row(r)
        if self.blank:
            self.b.report.entries.insert(blank_at, Entry(Kind.SKIPPED, g.where(self.blank[0]),
                                                         tr("空行 {n} 行：{rows}", "{n} blank row(s): {rows}", n=len(self.blank),
                                                            rows=_row_list(g, self.blank))))

    def _repeated_header(self, r: int) -> bool:
        keys = self.h.keys
        same = sum(1 for c, k in keys.items() if k and header_key(self.grid.rows[r][c]) == k)
        return same >= max(2, (len(keys) + 1) // 2)

    def _section_row(self, r: int, text: str) -> bool:
        """One text across the row: a department heading (``一、中心领导``) — when the risk cell is
        empty or the text is merged across most of the row."""
        risk_c = self.cols.get(Role.RISK, self.cols.get(Role.FORM))
        g = self.grid
        if risk_c is None or not g.rows[r][risk_c].strip():
            return True
        top = g.anchor(r, risk_c)
        spread = sum(1 for c in range(g.width) if g.anchor(r, c) == top)
        return spread >= max(2, g.width // 2)

    # -- one data row -------------------------------------------------------------------

    def _data_row(self, r: int) -> None:
        g, b = self.grid, self.b
        where = g.where(r)
        values = {role: self.v(r, role) for role in self.cols}
        # a risk cell merged from a row above: the same risk points, more measures
        risk_c = self.cols.get(Role.FORM, self.cols.get(Role.RISK))
        if risk_c is not None and self._risk_continues(r):
            top = g.anchor(r, risk_c)[0]
            risks = self.row_risks.get(top, [])
            if risks:
                self._measures(r, values, risks, continued=True)
                return
        risk_text = self._risk_text(values)
        if is_none(risk_text):
            b.report.add(Kind.SKIPPED, where, tr("风险点写作「{t}」（无），未导入", "risk point written {t!r} (none), not imported", t=risk_text))
            return
        if not risk_text:
            if self.last_risks and self._has_measures(values):
                b.report.add(Kind.ASSUMED, where, tr("本行没有风险点，措施归入上一行的风险点", "no risk point on this row; its measures go to the risk points above"))
                self._measures(r, values, self.last_risks, continued=True)
                return
            text = " ".join(dict.fromkeys(t.strip() for t in g.rows[r] if t.strip()))
            if self.last_risks:
                self.last_risks[-1].notes.append(tr("原表下一行：", "next row of the table: ") + text)
                b.report.add(Kind.ASSUMED, where, tr("本行没有风险点，文字记入上一个风险点 {i} 的备注", "no risk point on this row; its text goes to the note of {i}",
                                                     i=self.last_risks[-1].record["id"]))
            else:
                b.report.add(Kind.SKIPPED, where, tr("没有风险点的行，未导入：", "row without a risk point, not imported: ") + _short(text))
            return
        if values.get(Role.UNIT):
            b.unit_names.append((values[Role.UNIT], g.where(r, self.cols[Role.UNIT])))

        dept = values.get(Role.DEPARTMENT) or self.section
        post_name = values.get(Role.POST, "")
        # a 责任清单 names the power by its content (职权内容) only
        power_name = values.get(Role.POWER, "") or values.get(Role.POWER_CONTENT, "")
        duty = values.get(Role.DUTY, "")
        if is_none(post_name):
            post_name = ""
        if is_none(power_name):
            power_name = ""
        post_id = power_id = None
        if not post_name and not power_name:
            post_name = dept or TODO_TEXT
            b.report.add(Kind.TODO, where, tr("本行没有岗位和职权，风险点挂在岗位「{p}」上，请核对", "no post and no power on this row; the risk point is put on post {p!r}",
                                              p=post_name))
        if post_name:
            post_id = b.post(dept, post_name, values.get(Role.TIER, ""), duty, where)
        if power_name:
            power_id = b.power(dept, power_name, values, post_id, where)

        lead, items = self._risk_items(r, risk_text)
        levels = self._levels(r, values.get(Role.LEVEL, ""), len(items))
        categories = self._categories(r, values.get(Role.CATEGORY, ""), len(items))
        count = values.get(Role.COUNT, "")
        if count and count.isdigit() and int(count) != len(items):
            b.report.add(Kind.TODO, where, tr("「风险点数量」写 {n}，实际拆出 {k} 个风险点，请核对", "风险点数量 says {n} but {k} risk points were found",
                                              n=count, k=len(items)))
        risks = []
        for k, item in enumerate(items):
            notes = list(self._row_notes(r, values))
            text = item.text
            level, inline_level = levels[k], None
            m = _INLINE_LEVEL.search(text)
            if m:
                inline_level = parse_level(m.group(1))
                if inline_level is not None:
                    text = _tidy(text[:m.start()] + text[m.end():])
                    level = (inline_level, "")
            owner = None
            m = _INLINE_OWNER.search(text)
            if m:
                owner = m.group(1)
                text = _tidy(text[:m.start()] + text[m.end():])
            wanted = values.get(Role.RISK_ID) if len(items) == 1 else None
            rid = b.new_risk_id(wanted)
            lv, lv_note = level
            if lv is None:
                lv = DEFAULT_LEVEL
                b.default("risks", tr("风险等级未填或无法识别，按「{l}」填写", "no readable level; {l!r} used", l=DEFAULT_LEVEL.value), rid)
            if lv_note:
                notes.append(lv_note)
            cat, cat_note = categories[k]
            if cat is None:
                cat = RiskCategory.PROCESS if power_id else RiskCategory.DUTY
                b.default("risks", tr("风险类别未填或无法识别，按「{c}」填写", "no readable category; {c!r} used", c=cat.value), rid)
            if cat_note:
                notes.append(cat_note)
            record = {"id": rid, "power": power_id, "post": post_id, "category": cat, "description": text or risk_text, "level": lv}
            if k == 0 and lead:
                notes.append(tr("原风险点单元格开头：", "head of the risk cell: ") + lead)
            risk = b.add_risk(record, notes, item.label)
            risk.owner = owner
            risks.append(risk)
        if len(items) > 1:
            b.report.add(Kind.SPLIT, g.where(r, risk_c), tr("拆成 {n} 个风险点：{ids}", "split into {n} risk points: {ids}",
                                                           n=len(items), ids="、".join(x.record["id"] for x in risks)))
        self.row_risks[r] = risks
        self.last_risks = risks
        self._measures(r, values, risks, continued=False)

    def _risk_continues(self, r: int) -> bool:
        risk_c = self.cols.get(Role.FORM, self.cols.get(Role.RISK))
        if risk_c is None:
            return False
        top = self.grid.anchor(r, risk_c)
        return top[0] < r and top[1] == risk_c and top[0] in self.row_risks

    def _risk_text(self, values: dict[Role, str]) -> str:
        name, form = values.get(Role.RISK, ""), values.get(Role.FORM, "")
        if name and form and not is_none(form) and not form.startswith(name):
            return f"{name}：{form}" if len(split_numbered(form)[1]) <= 1 else form
        return form or name

    def _risk_items(self, r: int, text: str) -> tuple[str, list[Item]]:
        """(lead, items): the risk points of one cell; text before the first number is the lead."""
        lead, items = split_numbered(text)
        name = self.v(r, Role.RISK) if Role.FORM in self.cols else ""
        if len(items) > 1 and name and not is_none(name):
            items = [Item(i.label, f"{name}：{i.text}") for i in items]
        if lead:
            self.b.report.add(Kind.ASSUMED, self.grid.where(r, self.cols.get(Role.FORM, self.cols.get(Role.RISK))),
                              tr("风险点单元格开头的文字记入备注：", "text before the first numbered risk point goes to the note: ") + _short(lead))
        return lead, [i for i in items if i.text] or [Item("", text)]

    def _levels(self, r: int, text: str, n: int) -> list[tuple[RiskLevel | None, str]]:
        """One (level, note) per risk point of the row."""
        if not text or is_none(text):
            return [(None, "")] * n
        single = parse_level(text)
        if single is not None:
            return [(single, "")] * n
        where = self.grid.where(r, self.cols[Role.LEVEL])
        counts = _LEVEL_COUNT.findall(text)
        if counts:
            seq = [parse_level(word) for k, word in counts for _ in range(int(k))]
            if len(seq) == n:
                self.b.report.add(Kind.ASSUMED, where, tr("等级「{t}」按顺序分给本行的 {n} 个风险点", "level {t!r} given in order to the {n} risk points of the row",
                                                          t=text, n=n))
                return [(lv, "") for lv in seq]
        _, items = split_numbered(text)
        if len(items) == n and n > 1:
            parsed = [parse_level(i.text) for i in items]
            if all(parsed):
                return [(lv, "") for lv in parsed]
        return [(None, tr("原风险等级：", "level as written: ") + text)] * n

    def _categories(self, r: int, text: str, n: int) -> list[tuple[RiskCategory | None, str]]:
        if not text or is_none(text):
            return [(None, "")] * n
        single = RiskCategory.parse(text)
        if single is not None:
            return [(single, "")] * n
        _, items = split_numbered(text)
        if len(items) == n and n > 1:
            parsed = [RiskCategory.parse(i.text) for i in items]
            if all(parsed):
                return [(c, "") for c in parsed]
        return [(None, tr("原风险类别：", "category as written: ") + text)] * n

    def _row_notes(self, r: int, values: dict[Role, str]):
        g = self.grid
        for c in self.note_cols:
            text = g.rows[r][c].strip()
            if text and not is_none(text):
                header = self.h.texts.get(c, "")
                # a 备注 column is the note itself; any other column mapped here keeps its header
                yield text if header_key(header) in _NOTE_HEADERS else f"{header}：{text}"
        for c, header in self.h.extra.items():
            text = g.rows[r][c].strip()
            if text and not is_none(text):
                yield f"{header}：{text}"
        if values.get(Role.LEADER) and not is_none(values[Role.LEADER]):
            yield tr("责任领导：", "leader in charge: ") + values[Role.LEADER]
        if values.get(Role.STAGE) and not is_none(values[Role.STAGE]):
            yield tr("环节：", "stage: ") + values[Role.STAGE]
        if not (values.get(Role.POWER) or values.get(Role.POWER_CONTENT)):
            for role in (Role.BASIS, Role.POWER_KIND):  # read into the power, when the row has one
                if values.get(role) and not is_none(values[role]):
                    yield f"{self.h.texts.get(self.cols[role], role.label)}：{values[role]}"

    # -- measures -----------------------------------------------------------------------

    def _measure_labels(self) -> list[tuple[Role, str]]:
        return [(role, self.h.texts.get(self.cols[role], role.label)) for role in (Role.OWNER, Role.OWNER_DEPT, Role.DUE, Role.STATUS)
                if role in self.cols]

    def _has_measures(self, values: dict[Role, str]) -> bool:
        return any(values.get(role) and not is_none(values[role]) for role in (Role.MEASURES, *PHASE_COLUMNS))

    def _with_lead(self, r: int, c: int, lead: str, items: list[Item]) -> list[Item]:
        """Text before the first numbered measure: a measure of its own, unless it only names
        the list (``措施：``), which is reported and left out."""
        if not lead:
            return items
        if is_heading(lead):
            self.b.report.add(Kind.SKIPPED, self.grid.where(r, c), tr("列表标题「{t}」不是措施，未导入", "list heading {t!r} is no measure, not imported", t=lead))
            return items
        return [Item("", lead), *items]

    def _measure_items(self, r: int, values: dict[Role, str]) -> list[tuple[Item, Phase | None, str, int]]:
        """(item, phase or None, how the phase is known, column) for every measure of the row."""
        out: list[tuple[Item, Phase | None, str, int]] = []
        row_phase = parse_phase(values.get(Role.PHASE, "")) if values.get(Role.PHASE) else None
        if Role.MEASURES in self.cols and values[Role.MEASURES] and not is_none(values[Role.MEASURES]):
            c = self.cols[Role.MEASURES]
            segments = split_phases(values[Role.MEASURES])
            for phase, text in segments:
                lead, items = split_numbered(text, numbered=c in self.numbered)
                items = self._with_lead(r, c, lead, items)
                for item in items:
                    p, body = phase_prefix(item.text)
                    how = "words" if (p or phase) else ""
                    if not (p or phase) and row_phase:
                        how = "column"
                    out.append((Item(item.label, body), p or phase or row_phase, how, c))
            if len(out) > 1:
                self.b.report.add(Kind.SPLIT, self.grid.where(r, c), tr("拆成 {n} 条措施", "split into {n} measures", n=len(out)))
        for role, phase in PHASE_COLUMNS.items():
            text = values.get(role, "")
            if not text or is_none(text):
                continue
            c = self.cols[role]
            lead, items = split_numbered(text, numbered=c in self.numbered)
            items = self._with_lead(r, c, lead, items)
            if len(items) > 1:
                self.b.report.add(Kind.SPLIT, self.grid.where(r, c), tr("拆成 {n} 条措施", "split into {n} measures", n=len(items)))
            out.extend((item, phase, "column", c) for item in items)
        return out

    def _measures(self, r: int, values: dict[Role, str], risks: list[_Risk], continued: bool) -> None:
        b, g = self.b, self.grid
        items = self._measure_items(r, values)
        if not items:
            if not continued:
                # the measure fields of a row without measures are kept on its risk points
                kept = [f"{label}：{values[role]}" for role, label in self._measure_labels()
                        if values.get(role) and not is_none(values[role])]
                for risk in risks:
                    risk.notes.extend(kept)
                    if not risk.measures:
                        b.report.add(Kind.TODO, g.where(r), tr("原表没有防控措施，须补充", "no measure in the table; one must be added"), risk.record["id"])
            return
        if continued:
            for note in self._row_notes(r, values):
                if note not in risks[-1].notes:
                    risks[-1].notes.append(note)
        labels = [risk.label for risk in risks]
        plain = {i.label for i, *_ in items if i.label and "." not in i.label}
        pair_equal = len(risks) > 1 and plain and plain <= set(labels) and len(plain) == len(set(labels))
        for item, phase, how, c in items:
            targets = risks
            if len(risks) > 1:
                major = item.label.split(".")[0] if "." in item.label else None
                if major and major in labels:
                    targets = [risks[labels.index(major)]]
                elif pair_equal and item.label in labels:
                    targets = [risks[labels.index(item.label)]]
                else:
                    b.report.add(Kind.ASSUMED, g.where(r, c), tr("措施「{m}」对不上本行的某一个风险点，已分别记给 {ids}", "measure {m!r} pairs with none of the row's risk points; given to each of {ids}",
                                                               m=_short(item.text), ids="、".join(x.record["id"] for x in risks)))
            for risk in targets:
                self._measure(r, c, values, risk, item, phase, how)

    def _measure(self, r: int, c: int, values: dict[Role, str], risk: _Risk, item: Item, phase: Phase | None, how: str) -> None:
        b, g = self.b, self.grid
        b.measure_count += 1
        mid = f"CS-{b.measure_count:03d}"
        text = item.text
        owner = risk.owner
        m = _INLINE_OWNER.search(text)
        if m:
            owner = m.group(1)
            text = _tidy(text[:m.start()] + text[m.end():]) or text
        if not owner:
            owner = next((values[role] for role in (Role.OWNER, Role.OWNER_DEPT, Role.LEADER)
                          if values.get(role) and not is_none(values[role])), None)
        if not owner:
            post = next((p for p in b.posts.values() if p["id"] == risk.record["post"]), None)
            owner = post["name"] if post else (values.get(Role.DEPARTMENT) or self.section or TODO_TEXT)
            b.default("measures", tr("责任人未填，暂填岗位或部门名称", "no owner; the post or department is filled in"), mid)
        if phase is None:
            phase, words = infer_phase(text)
            b.report.add(Kind.PHASE, g.where(r, c),
                         tr("「{m}」→ {p}（{w}）", "{m!r} → {p} ({w})", m=_short(text), p=phase.value,
                            w=tr("关键词：", "keywords: ") + "、".join(words) if words else tr("无关键词，按默认", "no keyword: the default")), mid)
        record = {"id": mid, "risk": risk.record["id"], "phase": phase, "description": text, "owner": owner}
        due = values.get(Role.DUE)
        if due and not is_none(due):
            record["due"] = due
        status = values.get(Role.STATUS)
        if status and not is_none(status):
            parsed = MeasureStatus.parse(status)
            if parsed is not None:
                record["status"] = parsed
            else:
                record["note"] = tr("原落实情况：", "status as written: ") + status
        risk.measures.append(record)


# -- the header -----------------------------------------------------------------------------


def find_header(grid: Grid, cmap: ColumnMap) -> _Header | None:
    """The first row (within HEADER_SEARCH_ROWS) that names a risk column and a measures, phase,
    level or category column, and whose risk column holds words below it (not only numbers or
    IDs, as a statistics or cross-reference sheet would); the row below it too when it names the
    phases under a merged 防控措施 header."""
    from openpyxl.utils.cell import get_column_letter

    def letter(c: int) -> str:
        return get_column_letter(grid.col0 + c + 1)

    for r in range(min(len(grid.rows), HEADER_SEARCH_ROWS)):
        roles = _roles(grid, r, cmap, letter)
        texts = {c: grid.rows[r][c].strip() for c in roles}
        found = set(roles.values())
        if not found & {Role.RISK, Role.FORM}:
            continue
        start = r + 1
        below = _phase_subheader(grid, r, roles) if start < len(grid.rows) else {}
        if below:
            roles.update(below)
            texts.update({c: grid.rows[start][c].strip() for c in below})
            start += 1
        roles = _single_roles(grid, r, roles)
        found = set(roles.values())
        if not found & {Role.MEASURES, Role.LEVEL, Role.CATEGORY, *PHASE_COLUMNS}:
            continue
        risk_c = next(c for c, role in roles.items() if role in (Role.FORM, Role.RISK))
        if not any(_WORDS.search(grid.rows[k][risk_c]) for k in range(start, min(len(grid.rows), start + 200))):
            continue
        extra = {c: grid.rows[r][c].strip() for c in range(grid.width)
                 if c not in roles and grid.rows[r][c].strip() and grid.anchor(r, c) == (r, c)}
        keys = {c: header_key(grid.rows[r][c]) for c in roles}
        return _Header(r, start, roles, extra, keys, texts)
    return None


def _phase_subheader(grid: Grid, r: int, roles: dict[int, Role]) -> dict[int, Role]:
    """The phase columns named on the row below a 防控措施 header merged across them: every
    non-empty cell of that row is a phase word (事前预防, 事中, 后期处置…) under a measures header,
    or the header above merged down."""
    below: dict[int, Role] = {}
    row = r + 1
    for c, text in enumerate(grid.rows[row]):
        if not text.strip():
            continue
        if grid.anchor(row, c)[0] <= r:
            continue  # the header cell above, merged down
        role = _EXACT_PHASES.get(header_key(text))
        if role is None or roles.get(c) is not Role.MEASURES:
            return {}
        below[c] = role
    return below


def _roles(grid: Grid, r: int, cmap: ColumnMap, letter, under: int | None = None) -> dict[int, Role]:
    out: dict[int, Role] = {}
    for c, text in enumerate(grid.rows[r]):
        if not text.strip():
            continue
        if under is not None and grid.anchor(r, c) != (r, c) and grid.anchor(r, c)[0] <= under:
            continue  # the header cell above, merged down: no sub-header here
        role = cmap.role(text, letter(c))
        if role is None:
            role = match_role(text)
        if role is not None:
            out[c] = role
    return out


def _single_roles(grid: Grid, r: int, roles: dict[int, Role]) -> dict[int, Role]:
    """One column per role: the cells a horizontal merge covers drop out, and a second column
    of a role is read into the note (reported by the caller as a column of its own)."""
    out: dict[int, Role] = {}
    taken: set[Role] = set()
    for c in sorted(roles):
        role = roles[c]
        anchor = grid.anchor(r, c)
        if anchor != (r, c) and anchor[0] == r and roles.get(anchor[1]) is role and role not in PHASE_COLUMNS:
            continue  # covered by the merge of the column to its left
        if role in _SINGLE and role in taken:
            out[c] = Role.NOTE
            continue
        taken.add(role)
        out[c] = role
    return out


# -- values ---------------------------------------------------------------------------------


def parse_level(text: str) -> RiskLevel | None:
    """高/中/低, 高风险, 高级, 一级/二级/三级, ★★★/★★/★, H/M/L, 较高/一般/较低."""
    t = re.sub(r"[\s\u3000]+", "", text)
    if not t:
        return None
    if t in _LEVEL_WORDS:
        return _LEVEL_WORDS[t]
    if t.upper() in ("H", "M", "L"):
        return {"H": RiskLevel.HIGH, "M": RiskLevel.MEDIUM, "L": RiskLevel.LOW}[t.upper()]
    if set(t) <= {"★", "☆"} and "★" in t:
        return {3: RiskLevel.HIGH, 2: RiskLevel.MEDIUM, 1: RiskLevel.LOW}.get(t.count("★"))
    return RiskLevel.parse(t)


def infer_tier(department: str, name: str) -> PostTier:
    """领导岗位 for leaders' posts (书记, 院长, 局长…, or any post of a 领导/班子 department),
    中层岗位 for heads of departments (科长, 主任, 部长…), otherwise 其他重要岗位."""
    if "领导" in department or "班子" in department or any(w in name for w in _LEADER_WORDS):
        return PostTier.LEADER
    if any(w in name for w in _MIDDLE_WORDS):
        return PostTier.MIDDLE
    return PostTier.OTHER


def _is_front_matter(text: str) -> bool:
    """A title (``…一览表``, ``…风险…表/清单``) or a 填报单位/日期 line, as printed above each page."""
    t = text.strip()
    return bool(_FILLED_BY.search(t)) or bool(re.match(r"^(?:填报|报送)?日期\s*[：:]", t)) or (
        len(t) <= 80 and (t.endswith("一览表") or ("风险" in t and t.endswith(("表", "清单")))))


def _note(notes: list[str]) -> str | None:
    return "\n".join(dict.fromkeys(n for n in notes if n)) or None


def _short(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n] + "…"


def _tidy(text: str) -> str:
    return text.strip().strip("；;，,、 \t\u3000").strip()


def _id_span(ids: list[str]) -> str:
    return "、".join(ids) if len(ids) <= 12 else "、".join(ids[:10]) + f"…{ids[-1]}"


def _row_list(grid: Grid, rows: list[int]) -> str:
    shown = [str(r + 1 + (0 if grid.docx else grid.row0)) for r in rows[:20]]
    return "、".join(shown) + ("…" if len(rows) > 20 else "")


# -- entry point ----------------------------------------------------------------------------


def import_tables(grids: list[Grid], options: ImportOptions, files: list[str]) -> tuple[Workbook, ImportReport]:
    """The workbook and the report from every grid of a unit's legacy files.

    Raises ``NoTableError`` when no grid has a recognisable header."""
    report = ImportReport(sources=list(files))
    builder = _Builder(options, report)
    read = sum(builder.table(g) for g in grids)
    if not read:
        raise NoTableError(tr("没有找到可导入的表格：在 {n} 个表格/工作表的前 {k} 行中，找不到含风险点列（如：{w}）且另有一列可识别（如：{o}）的表头。"
                              "可用 --map 列名=risk 指定风险点列",
                              "no table to import: none of {n} tables/sheets has, in its first {k} rows, a header with a risk column (such as {w}) "
                              "and another known column (such as {o}). Use --map COLUMN=risk to name the risk column",
                              n=len(grids), k=HEADER_SEARCH_ROWS, w="风险点、风险描述、廉政风险点、表现形式",
                              o="岗位、职权、风险等级、防控措施、科室"))
    return builder.workbook(files), report
