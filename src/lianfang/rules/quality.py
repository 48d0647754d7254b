"""LF401–LF408: is the content good enough — criteria, concrete measures, review, rotation, dates."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import date
from functools import cache

from lianfang.findings import Finding, Severity
from lianfang.model.vocab import MeasureStatus, ReviewStatus, RiskLevel, UnitStatus
from lianfang.model.workbook import Workbook
from lianfang.rules.base import Context, Rule, missing_table, register


def _unit_read(workbook: Workbook) -> bool:
    """False when 单位信息 was absent (LF101 already said so): unit rules have nothing to check."""
    return workbook.unit is not None and not missing_table(workbook, "unit")


_CRITERIA_KEYS = {RiskLevel.HIGH: "criteria.high", RiskLevel.MEDIUM: "criteria.medium", RiskLevel.LOW: "criteria.low"}


@register
class MissingCriteria(Rule):
    """A risk-level criterion (高风险标准, 中风险标准 or 低风险标准) is empty.

    The seed asks each unit to explain how it sets the three levels (对划分标准作出说明). One finding
    per empty criterion, object null, at that criterion (the 单位信息 row, or ``criteria.高`` in
    YAML). This rule, not LF103, reports an empty criterion.

    Passing::

        unit: {…, criteria: {高: 涉及人财物审批…, 中: 一般审核…, 低: 内务工作…}}

    Failing (one finding, field ``criteria``)::

        unit: {…, criteria: {高: 涉及人财物审批…, 中: 一般审核…}}
    """

    doc_zh = """
    风险等级划分标准（高风险标准、中风险标准、低风险标准）有一项为空。

    实施方案要求界定高、中、低三个风险等级，“并对划分标准作出说明”。每个空的标准一条发现项，对象为空，
    位置为该标准（单位信息表中的那一行，YAML 中的 criteria.高 等）。空的标准由本规则报告，不再报 LF103。

    通过：三个标准都写明了划分依据。

    不通过：没有填写低风险标准。
    """

    code = "LF401"
    name = "missing-criteria"
    severity = Severity.ERROR
    title_zh = "风险等级划分标准为空"
    title_en = "risk-level criterion missing"
    fix_zh = "在单位信息中写明高、中、低风险等级的划分标准。"
    fix_en = "Write the criteria for 高, 中 and 低 in 单位信息."

    def check(self, workbook: Workbook, ctx: Context) -> Iterator[Finding]:
        if not _unit_read(workbook):
            return
        unit = workbook.unit
        for level, key in _CRITERIA_KEYS.items():
            if (unit.criteria is not None and unit.criteria.of(level)) or unit.unreadable(key):
                continue
            yield self.finding(
                ctx.tr("没有写明「{l}」风险等级的划分标准（{h}）", "the criterion for risk level {l} ({h}) is empty",
                   l=level.value, h=f"{level.value}风险标准"),
                at=unit.loc(key), object=None, field="criteria")


# Stock phrases that say nothing concrete (findings.md, LF402); configurable as `phrases`.
STOCK_PHRASES = [
    "加强学习", "加强教育", "加强学习教育", "加强思想教育", "加强廉政教育", "加强廉洁教育",
    "提高认识", "提高思想认识", "提高廉洁意识", "提高廉政意识", "增强廉洁意识", "增强廉政意识",
    "严格执行", "严格落实", "严格遵守", "认真执行", "认真落实", "按规定办理", "按规定执行", "按规定",
    "加强监督", "加强管理", "加强监管", "规范管理", "进一步加强", "进一步", "切实加强",
    "廉洁自律", "自觉接受监督", "有关规定", "相关规定",
]

# Besides punctuation and spaces, what does not count once the stock phrases are gone:
# list numbering (1. ①) and the connectives that join phrases.
_FILLER = re.compile(r"[0-9０-９①-⑳]|[和与及并]")


@cache
def _uncounted() -> re.Pattern[str]:
    """What a length does not count: punctuation, spaces and controls (Unicode P*, Z*, C*).

    One character class built once for the Basic Multilingual Plane (every CJK and full-width
    mark), so counting runs in the regex engine rather than one ``unicodedata`` call per character.
    """
    ranges: list[str] = []
    start = None
    for c in range(0x10001):
        drop = c < 0x10000 and not 0xD800 <= c < 0xE000 and unicodedata.category(chr(c))[0] in "PZC"
        if drop and start is None:
            start = c
        elif not drop and start is not None:
            ranges.append(f"\\U{start:08x}-\\U{c - 1:08x}")
            start = None
    return re.compile("[" + "".join(ranges) + "]+")


def counted(text: str) -> str:
    """``text`` without punctuation, spaces and control characters."""
    return _uncounted().sub("", text)


def _shorter_than(text: str, n: int) -> bool:
    """Fewer than ``n`` counted characters; a long text is settled by its first part alone."""
    if len(text) < n:
        return True
    if text[:n].isalnum():  # letters, digits and CJK characters all count
        return False
    return len(counted(text[: 2 * n])) < n and len(counted(text)) < n


def any_of(phrases: list[str]) -> re.Pattern[str]:
    """One pattern finding any of ``phrases``: a quick first look before the exact test."""
    return re.compile("|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)) or "(?!)")


def stock_only(text: str, phrases: list[str], quick: re.Pattern[str] | None = None) -> bool:
    """True when nothing but punctuation, numbering and connectives remains once ``phrases`` are removed.

    Phrases may overlap (进一步加强学习 = 进一步加强 + 加强学习): a character is removed when any
    occurrence of any phrase covers it. ``quick`` is ``any_of(phrases)``, when the caller has it.
    """
    if quick is not None and quick.search(text) is None:
        return False
    present = [p for p in phrases if p in text]
    if not present:
        return False
    covered = bytearray(len(text))
    for phrase in present:
        start = text.find(phrase)
        while start != -1:
            covered[start:start + len(phrase)] = b"\1" * len(phrase)
            start = text.find(phrase, start + 1)
    rest = "".join(ch for ch, c in zip(text, covered, strict=True) if not c)
    return not counted(_FILLER.sub("", rest))


@register
class VagueMeasure(Rule):
    """A measure is too short or only stock phrases (加强学习, 提高认识, 严格执行, …).

    The seed asks for measures that are concrete and workable (具体管用，具有针对性和可操作性). Fires
    when 措施内容 has fewer than ``min_length`` characters (default 8; punctuation and spaces not
    counted), or when nothing but punctuation remains once the stock phrases are removed (list
    numbers such as ``1.`` ``①`` and the connectives 和 与 及 并 do not count either; phrases may
    overlap). One finding per measure, on its 措施内容.

    Options (``[rules.LF402]`` in lianfang.toml): ``min_length`` (default 8) and ``phrases`` (the
    stock phrases; a list given there replaces the default list shown in the options table).

    Passing: ``公开审批依据、条件、程序、时限，现场审查至少2名承办人员``.

    Failing: ``加强学习，提高认识``; ``严格执行有关规定``; ``专人负责`` (4 characters).
    """

    doc_zh = """
    防控措施过于简单（字数太少）或只是套话（加强学习、提高认识、严格执行……）。

    实施方案要求防控措施“具体管用，具有针对性和可操作性”。措施内容少于 min_length 个字（默认 8，
    标点和空格不计），或去掉套话后只剩标点（编号如 1. ①、连接词 和 与 及 并 也不计；套话可以重叠），
    即报告。每条措施一条发现项，位于措施内容。

    选项（lianfang.toml 的 [rules.LF402]）：min_length（默认 8）、phrases（套话列表；设置后取代默认列表，默认列表见选项表）。

    通过：“公开审批依据、条件、程序、时限，现场审查至少2名承办人员”。

    不通过：“加强学习，提高认识”；“严格执行有关规定”；“专人负责”（4 个字）。
    """

    code = "LF402"
    name = "vague-measure"
    severity = Severity.WARNING
    title_zh = "防控措施空泛"
    title_en = "vague measure"
    fix_zh = "把措施写具体：由谁、在哪个环节、做什么、怎样检查，避免“加强学习”“严格执行”一类表述。"
    fix_en = "Make the measure concrete: who does what, at which step, checked how — not just 加强学习 or 严格执行."
    defaults = {"min_length": 8, "phrases": STOCK_PHRASES}

    def check(self, workbook: Workbook, ctx: Context) -> Iterator[Finding]:
        min_length: int = ctx.option(self, "min_length")
        phrases = [p for p in ctx.option(self, "phrases") if p]
        quick = any_of(phrases)
        for m in workbook.measures:
            text = m.description
            if not text:
                continue
            if stock_only(text, phrases, quick):
                message = ctx.tr("措施 {o} 只有套话「{t}」，应写明具体做法", "measure {o} is only stock phrases ({t!r}); say what will be done",
                             o=m.mention, t=text)
            elif _shorter_than(text, min_length):
                message = ctx.tr("措施 {o}「{t}」过于简单（少于 {n} 个字），应具体可操作", "measure {o} ({t!r}) is too short (under {n} characters) to be workable",
                             o=m.mention, t=text, n=min_length)
            else:
                continue
            yield self.finding(message, at=m.loc("description"), object=m.id, field="description")


_NOT_WORD = re.compile(r"[\W_]+")


def same_text_key(text: str) -> str:
    """Text as compared for duplicates: white space, punctuation and symbols removed, case folded."""
    return _NOT_WORD.sub("", text).casefold()


# A word character (kept by _NOT_WORD, its own case fold) that texts do not use: MATHEMATICAL
# DOUBLE-STRUCK DIGIT ZERO.
_KEY_SEPARATOR = "\U0001D7D8"


def same_text_keys(texts: list[str]) -> list[str]:
    """``same_text_key`` of each text: one regex pass over all of them joined (a large workbook has
    tens of thousands), one per text only when a text holds the separator."""
    joined = _KEY_SEPARATOR.join(texts)
    if joined.count(_KEY_SEPARATOR) == len(texts) - 1:
        keys = _NOT_WORD.sub("", joined).casefold().split(_KEY_SEPARATOR)
        if len(keys) == len(texts):
            return keys
    return [same_text_key(t) for t in texts]


@register
class DuplicateText(Rule):
    """Two risk points, or two measures of one risk point, have the same text.

    Risk point descriptions are compared across the whole workbook; measure descriptions only among
    the measures of one risk point (the same measure may well answer two risk points). Texts are
    compared without white space and punctuation. One finding per repeat, on its description,
    naming the first; a row that repeats an ID (LF107) is not compared with the row it repeats.

    Passing: FX-01 收受申请人财物 and FX-02 审查超时.

    Failing (object ``FX-05``): FX-05 has the same 风险描述 as FX-02.
    """

    doc_zh = """
    两个风险点、或同一风险点的两条措施内容相同。

    风险描述在整个工作簿内比较；措施内容只在同一风险点的措施之间比较（同一措施可以对应不同风险点）。
    比较时忽略空白和标点。每次重复一条发现项，位于重复者的描述，消息指出第一次出现的编号；
    编号重复的行（已报 LF107）不与它重复的那一行比较。

    通过：FX-01“收受申请人财物”，FX-02“审查超时”。

    不通过：FX-05 的风险描述与 FX-02 相同。
    """

    code = "LF403"
    name = "duplicate-text"
    severity = Severity.WARNING
    title_zh = "内容重复"
    title_en = "duplicate text"
    fix_zh = "合并重复的条目，或把描述写出各自的区别。"
    fix_en = "Merge the repeated entries, or word each so they differ."

    def check(self, workbook: Workbook, ctx: Context) -> Iterator[Finding]:
        code, name, severity = self.code, self.name, self.severity
        same_risk = ctx.tr("风险点 {o} 的风险描述与 {f} 相同", "risk point {o} has the same description as {f}").format
        risks = [r for r in workbook.risks if r.description]
        first_risk: dict[str, str | None] = {}
        for r, key in zip(risks, same_text_keys([r.description for r in risks]), strict=True):
            first = first_risk.setdefault(key, r.label)
            if first != r.label:
                yield Finding(code, name, severity, same_risk(o=r.mention, f=first), r.loc("description"), r.id, "description")
        same_measure = ctx.tr("措施 {o} 与同一风险点 {r} 的措施 {f} 内容相同",
                              "measure {o} repeats measure {f} of the same risk point {r}").format
        # the measures of every risk point with two or more, in that order, their keys computed at once
        groups = [(risk_id, [m for m in measures if m.description])
                  for risk_id, measures in workbook.measures_by_risk.items() if len(measures) >= 2]
        keys = iter(same_text_keys([m.description for _, measures in groups for m in measures]))
        for risk_id, measures in groups:
            first_measure: dict[str, str | None] = {}
            for m in measures:
                first = first_measure.setdefault(next(keys), m.label)
                if first != m.label:
                    yield Finding(code, name, severity, same_measure(o=m.mention, r=risk_id, f=first),
                                  m.loc("description"), m.id, "description")


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@register
class RotationDue(Rule):
    """A key post (重点岗位 是) is due for rotation (定期轮岗交流).

    Fires when 任职起始 plus ``years`` calendar years (default 5) is on or before the as-of date
    (``--as-of``, default today). A start on 29 February reaches its anniversary on 28 February in
    a common year. Posts that are not key posts, or have no 任职起始, are not checked.

    Option (``[rules.LF404]``): ``years`` (default 5).

    Passing (as of 2026-11-28): GW-04, key post, 任职起始 2023-04-01.

    Failing (as of 2026-11-28, object ``GW-05``): GW-05, key post, 任职起始 2021-11-28.
    """

    doc_zh = """
    重点岗位任职已满轮岗年限（定期轮岗交流）。

    任职起始加 years 个日历年（默认 5 年）的日期不晚于检查日期（--as-of，默认今天）时报告。
    2月29日起始的，在平年按2月28日满年。不是重点岗位或没有任职起始的岗位不检查。

    选项（[rules.LF404]）：years（默认 5）。

    通过（以 2026-11-28 为准）：GW-04 为重点岗位，任职起始 2023-04-01。

    不通过（以 2026-11-28 为准）：GW-05 为重点岗位，任职起始 2021-11-28。
    """

    code = "LF404"
    name = "rotation-due"
    severity = Severity.WARNING
    title_zh = "重点岗位应轮岗"
    title_en = "key post due for rotation"
    fix_zh = "按规定安排轮岗交流，或在备注中说明暂缓轮岗的理由和替代措施。"
    fix_en = "Arrange the rotation, or record in 备注 why it is postponed and what replaces it."
    defaults = {"years": 5}

    def check(self, workbook: Workbook, ctx: Context) -> Iterator[Finding]:
        years: int = ctx.option(self, "years")
        for post in workbook.posts:
            if post.key is not True or post.since is None:
                continue
            due = add_years(post.since, years)
            if due <= ctx.as_of:
                yield self.finding(
                    ctx.tr("重点岗位 {o}（{n}）自 {s} 任职，{d} 已满 {y} 年，应按规定轮岗交流",
                       "key post {o} ({n}) held since {s}: {y} years were up on {d}; it is due for rotation",
                       o=post.mention, n=post.name or "", s=post.since.isoformat(), d=due.isoformat(), y=years),
                    at=post.loc("since"), object=post.id, field="since")


@register
class Unconfirmed(Rule):
    """Status is 已确认 or 已公示 but 集体研究会议 or 确认日期 is empty.

    Risk points and levels are confirmed by a party meeting (集体定); a workbook that says it is
    confirmed names that meeting and its date. One finding per empty field, object null.

    Passing: 状态 已确认, 集体研究会议 ``2026年9月10日局党组会议``, 确认日期 2026-09-10.

    Failing: 状态 已公示 and no 确认日期.
    """

    doc_zh = """
    状态为“已确认”或“已公示”，但集体研究会议或确认日期为空。

    风险点和风险等级须经党委（党组）专题会议集体研究确认（集体定）；声明已确认的工作簿应写明该会议及其日期。
    每个空项一条发现项，对象为空。

    通过：状态 已确认，集体研究会议“2026年9月10日局党组会议”，确认日期 2026-09-10。

    不通过：状态 已公示，但没有确认日期。
    """

    code = "LF405"
    name = "unconfirmed"
    severity = Severity.ERROR
    title_zh = "未写明集体研究确认"
    title_en = "confirmation not recorded"
    fix_zh = "填写集体研究会议和确认日期；未经集体研究确认的，状态应为“送审”。"
    fix_en = "Fill in 集体研究会议 and 确认日期; before the collective decision the status is 送审."

    def check(self, workbook: Workbook, ctx: Context) -> Iterator[Finding]:
        if not _unit_read(workbook):
            return
        unit = workbook.unit
        if unit.status not in (UnitStatus.CONFIRMED, UnitStatus.PUBLISHED):
            return
        for key, label_zh, label_en in (("confirmed_by", "集体研究会议", "the confirming meeting"),
                                        ("confirmed_on", "确认日期", "the date of confirmation")):
            if getattr(unit, key) is None and not unit.unreadable(key):
                yield self.finding(
                    ctx.tr("状态为「{s}」，但没有填写{l}", "status is {s} but {l} ({k}) is empty",
                       s=unit.status.value, l=ctx.tr(label_zh, label_en), k=key),
                    at=unit.loc(key), object=None, field=key)


_REVIEWED_STATUSES = (UnitStatus.SUBMITTED, UnitStatus.CONFIRMED, UnitStatus.PUBLISHED)


@register
class ReturnedRisk(Rule):
    """A risk point is 发回重找 while the workbook is 送审, 已确认 or 已公示; or it has no 审核意见.

    The 廉防办 sends back risk points found inaccurately or incompletely (发回重找); such a risk
    point must be searched again before the workbook is submitted or confirmed, and the reviewer
    says why. One finding per returned risk point: on its 审核状态 when the workbook status does not
    allow a returned risk point (the message adds a missing 审核意见 when that is empty too),
    otherwise on its empty 审核意见.

    Passing: FX-03 发回重找 with 审核意见 ``表现形式不具体``, workbook status 草稿 or 退回.

    Failing (object ``FX-03``): FX-03 发回重找, workbook status 送审.
    """

    doc_zh = """
    风险点为“发回重找”，而工作簿状态是送审、已确认或已公示；或发回重找却没有审核意见。

    廉防办对查找不准、不全的风险点一律发回重找；这样的风险点须重新查找后才能送审或确认，审核人应写明理由。
    每个发回重找的风险点至多一条发现项：工作簿状态不允许时位于审核状态（若审核意见也为空，消息一并指出），
    否则位于空的审核意见。

    通过：FX-03 发回重找，审核意见“表现形式不具体”，工作簿状态为草稿或退回。

    不通过：FX-03 发回重找，工作簿状态为送审。
    """

    code = "LF406"
    name = "returned-risk"
    severity = Severity.ERROR
    title_zh = "发回重找的风险点未处理"
    title_en = "returned risk point"
    fix_zh = "按审核意见重新查找该风险点，修改后将审核状态改为“待审核”；发回重找的须写明审核意见。"
    fix_en = "Rework the risk point as the review says and set it back to 待审核; a return needs its 审核意见."

    def check(self, workbook: Workbook, ctx: Context) -> Iterator[Finding]:
        status = workbook.unit.status if workbook.unit is not None else None
        for risk in workbook.risks:
            if risk.review is not ReviewStatus.RETURNED:
                continue
            no_note = not risk.review_note and not risk.unreadable("review_note")
            if status in _REVIEWED_STATUSES:
                message = ctx.tr("风险点 {o} 已发回重找，工作簿却处于「{s}」状态", "risk point {o} was returned (发回重找) but the workbook is {s}",
                             o=risk.mention, s=status.value)
                if no_note:
                    message += ctx.tr("，且没有填写审核意见", ", and it has no review note")
                yield self.finding(message, at=risk.loc("review"), object=risk.id, field="review")
            elif no_note:
                yield self.finding(
                    ctx.tr("风险点 {o} 发回重找，但没有填写审核意见", "risk point {o} was returned (发回重找) without a review note",
                       o=risk.mention),
                    at=risk.loc("review_note"), object=risk.id, field="review_note")


# Powers about money, people or approvals, where 低 is implausible (findings.md, LF407).
MONEY_PEOPLE_APPROVALS = ["采购", "招标", "基建", "工程", "财务", "资金", "审批", "许可", "处罚",
                          "人事", "招聘", "药品", "耗材", "医保", "三重一大"]


@register
class LevelImplausible(Rule):
    """A risk point rated 低 on a power about money, people or approvals.

    Fires when a 低 risk point's power has one of the ``keywords`` in its 职权名称 or 职权内容
    (default: 采购, 招标, 基建, 工程, 财务, 资金, 审批, 许可, 处罚, 人事, 招聘, 药品, 耗材, 医保,
    三重一大). Such powers are usually rated 高 or 中 (finance, procurement, construction and
    三重一大 → 高). On the risk point's 风险等级.

    Option (``[rules.LF407]``): ``keywords`` (a list given there replaces the default list).

    Passing: FX-02 rated 中 on QL-01 药品采购.

    Failing (object ``FX-01``): FX-01 rated 低 on QL-01 药品采购.
    """

    doc_zh = """
    涉及人、财、物或审批的职权上，风险点却被定为低风险。

    低风险点所在职权的职权名称或职权内容含有 keywords 中的词（默认：采购、招标、基建、工程、财务、资金、
    审批、许可、处罚、人事、招聘、药品、耗材、医保、三重一大）时报告。这类职权通常定为高或中
    （财务、采购、基建和“三重一大”一般为高）。位于风险点的风险等级。

    选项（[rules.LF407]）：keywords（设置后取代默认列表）。

    通过：FX-02 在 QL-01“药品采购”上，定为中。

    不通过：FX-01 在 QL-01“药品采购”上，定为低。
    """

    code = "LF407"
    name = "level-implausible"
    severity = Severity.WARNING
    title_zh = "风险等级可能偏低"
    title_en = "risk level implausibly low"
    fix_zh = "重新评估风险等级：涉及资金、人事、审批的职权一般不低于“中”，确属低风险的在备注说明。"
    fix_en = "Reassess the level: powers over money, people or approvals are rarely 低; otherwise explain in 备注."
    defaults = {"keywords": MONEY_PEOPLE_APPROVALS}

    def check(self, workbook: Workbook, ctx: Context) -> Iterator[Finding]:
        keywords = [k for k in ctx.option(self, "keywords") if k]
        if not keywords:
            return
        pattern = re.compile("|".join(re.escape(k) for k in sorted(keywords, key=len, reverse=True)))
        powers = workbook.powers_by_id
        about: dict[str, str | None] = {}  # power → the keyword it is about (many risks, few powers)
        low = RiskLevel.LOW
        message = ctx.tr("风险点 {o} 定为低风险，但所在职权 {p}（{n}）涉及「{k}」，请核实等级",
                         "risk point {o} is rated 低 (low) but its power {p} ({n}) is about {k!r}; check the level").format
        code, name, severity = self.code, self.name, self.severity
        for risk in workbook.risks:
            if risk.level is not low or risk.power is None:
                continue
            power = powers.get(risk.power)
            if power is None:
                continue
            if power.id not in about:
                m = pattern.search(power.name or "") or pattern.search(power.content or "")
                about[power.id] = m.group(0) if m else None
            keyword = about[power.id]
            if keyword:
                yield Finding(code, name, severity, message(o=risk.mention, p=power.mention, n=power.name or "", k=keyword),
                              risk.loc("level"), risk.id, "level")


@register
class MeasureOverdue(Rule):
    """A measure's 完成时限 is past (before ``--as-of``) and it is not 已落实.

    Only a 完成时限 that is a date is checked; text such as ``每季度`` never fires. The due date must
    be strictly before the as-of date. On the measure's 完成时限.

    Passing (as of 2026-11-28): due 2026-11-28, 落实中; due 2026-06-30, 已落实; due 每季度.

    Failing (as of 2026-11-28, object ``CS-04``): due 2026-11-27, 落实中.
    """

    doc_zh = """
    防控措施的完成时限已过（早于 --as-of），但落实情况不是“已落实”。

    只检查写成日期的完成时限；“每季度”等文字永不报告。完成时限须严格早于检查日期。位于措施的完成时限。

    通过（以 2026-11-28 为准）：完成时限 2026-11-28、落实中；2026-06-30、已落实；每季度。

    不通过（以 2026-11-28 为准）：完成时限 2026-11-27、落实中。
    """

    code = "LF408"
    name = "measure-overdue"
    severity = Severity.WARNING
    title_zh = "防控措施逾期未落实"
    title_en = "measure overdue"
    fix_zh = "落实该措施并更新落实情况，或调整完成时限。"
    fix_en = "Carry out the measure and update its status, or set a new due date."

    def check(self, workbook: Workbook, ctx: Context) -> Iterator[Finding]:
        as_of, done = ctx.as_of, MeasureStatus.DONE
        # the hot loop of a large workbook (one finding per overdue measure): names bound once
        message = ctx.tr("措施 {o} 的完成时限 {d} 已过，落实情况仍为「{s}」", "measure {o} was due on {d} and is still {s}").format
        value = {s: s.value for s in MeasureStatus}
        code, name, severity = self.code, self.name, self.severity
        for m in workbook.measures:
            due = m.due
            if not isinstance(due, date) or due >= as_of:
                continue
            status = m.status
            if status is None or status is done:
                continue
            yield Finding(code, name, severity, message(o=m.mention, d=due.isoformat(), s=value[status]),
                          m.loc("due"), m.id, "due")
