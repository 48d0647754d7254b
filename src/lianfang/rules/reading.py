"""LF100–LF107: problems found while reading a file, before any other rule runs."""

from __future__ import annotations

from collections.abc import Iterable

from lianfang.findings import Finding, Severity
from lianfang.rules.base import Rule, register


def reader_findings(problems: Iterable) -> list[Finding]:
    """What a reader could not read (``io.build.ReadProblem``) as findings of LF100–LF107 and
    LF206, with the rule's name and default severity; a finding passes through unchanged.
    The rules are this module's own (``READING``): no need to load the whole catalogue."""
    get = READING.__getitem__
    out: list[Finding] = []
    for p in problems:
        if p.__class__ is Finding:
            out.append(p)
            continue
        rule = get(p.code)
        out.append(Finding(rule.code, rule.name, rule.severity, p.message, p.location, p.object, p.field))
    return out


@register
class UnreadableFile(Rule):
    """The file is not a workbook lianfang can read.

    Fires for a file that is not a workbook (.xlsx, .xlsm, .xls, .ods, a WPS .et lianfang can
    read, or YAML), is corrupt, truncated, encrypted, larger than the configured limits, not
    valid YAML, or not a mapping at the top; and for a spreadsheet-like file it cannot read
    (.csv, .xlsb, .numbers), which a folder search reports rather than skips. The message says
    what to do. The other files of the same run are still checked.

    Passing: a ``.xlsx``, ``.xls`` or ``.ods`` saved by Excel, WPS or LibreOffice, or a UTF-8
    ``.yaml`` file whose top level is a mapping with ``unit``, ``posts``, ….
    Failing: a ``.csv`` export, a password-protected workbook, a YAML file whose top level is a
    list.
    """

    doc_zh = """
    文件不是 lianfang 能读取的工作簿。

    不是工作簿（.xlsx、.xlsm、.xls、.ods、能读取的 WPS .et 或 YAML）、文件损坏或不完整、加了密码、超过设定的
    大小上限、不是有效的 YAML、或 YAML 顶层不是映射时报告；文件夹中无法读取的类似表格文件（.csv、.xlsb、
    .numbers）也报告本规则，而不是悄悄跳过。消息说明应如何处理。同一次运行中的其他文件照常检查。

    通过：Excel、WPS 或 LibreOffice 保存的 .xlsx、.xls、.ods；顶层为 unit、posts……映射的 UTF-8 .yaml 文件。

    不通过：导出的 .csv；设了打开密码的工作簿；顶层是列表的 YAML 文件。
    """

    code = "LF100"
    name = "unreadable-file"
    severity = Severity.ERROR
    title_zh = "文件无法读取"
    title_en = "unreadable file"
    fix_zh = "用 Excel 或 WPS 另存为 .xlsx（YAML 文件按提示修正语法），如有密码请先取消，再重新报送。"
    fix_en = "Save the file as .xlsx from Excel or WPS (or fix the YAML syntax), remove any password, and resubmit."
    on_read = True


@register
class MissingSheet(Rule):
    """A required sheet (xlsx) or top-level key (YAML) is absent.

    Required: 单位信息 (unit), 岗位 (posts), 职权目录 (powers), 风险点 (risks), 防控措施 (measures).
    The other rules still run, treating the missing table as empty. When a sheet's name looks
    like the missing one (``风险表``, ``风险点 (1)``), the message names it.

    Passing: a workbook with all five sheets, even if 流程 and 制度 are absent.
    Failing: a workbook without a 防控措施 sheet.
    """

    doc_zh = """
    缺少必需的工作表（xlsx）或顶层键（YAML）。

    必需：单位信息（unit）、岗位（posts）、职权目录（powers）、风险点（risks）、防控措施（measures）。
    其余规则照常运行，把缺少的表当作空表（但不再报告由此直接导致的结果）。有名称相近的工作表（风险表、
    风险点 (1)）时，消息指出它。

    通过：五张必需的表都在，即使没有流程和制度表。

    不通过：工作簿中没有防控措施表。
    """

    code = "LF101"
    name = "missing-sheet"
    severity = Severity.ERROR
    title_zh = "缺少工作表"
    title_en = "missing sheet"
    fix_zh = "按模板补齐缺少的工作表，工作表名称保持与模板一致（可用 lianfang init 生成空白模板对照）。"
    fix_en = "Add the missing sheet as in the template (lianfang init makes a blank one); keep the sheet names."
    on_read = True


@register
class MissingColumn(Rule):
    """A required column is absent from a sheet.

    Passing: the 风险点 sheet has 风险点编号, 风险类别, 风险描述 and 风险等级 columns (in any order).
    Failing: the 风险点 sheet has no 风险等级 column.
    """

    doc_zh = """
    工作表缺少必填列。

    通过：风险点表有风险点编号、风险类别、风险描述和风险等级列（顺序不限）。

    不通过：风险点表没有风险等级列。
    """

    code = "LF102"
    name = "missing-column"
    severity = Severity.ERROR
    title_zh = "缺少必填列"
    title_en = "missing column"
    fix_zh = "在该工作表的表头行补上缺少的列，列名与模板一致。"
    fix_en = "Add the missing column to the header row, named as in the template."
    on_read = True


@register
class MissingValue(Rule):
    """A required value is empty (in YAML also: a required key is absent from a row).

    An empty risk-level criterion is reported by LF401 instead.

    Passing: every risk point row has a 风险描述.
    Failing: ``FX-03`` has an empty 风险等级 cell.
    """

    doc_zh = """
    必填项为空（YAML 中也包括某行缺少必填的键）。

    风险等级划分标准为空时由 LF401 报告，不报本规则。

    通过：每个风险点都填写了风险描述。

    不通过：FX-03 的风险等级单元格为空。
    """

    code = "LF103"
    name = "missing-value"
    severity = Severity.ERROR
    title_zh = "必填项为空"
    title_en = "missing value"
    fix_zh = "填写该必填项。"
    fix_en = "Fill in this required value."
    on_read = True


@register
class BadEnum(Rule):
    """A value is not one of the listed choices; the message lists them.

    Aliases are accepted: English words (``high``), a trailing 风险 or 类 (``高风险``,
    ``岗位职责风险``), for levels 高级/中级/低级, 一级/二级/三级, H/M/L, 中等 and ★★★/★★/★, for phases
    事前/事中/事后 (and 事前预防, 事中监督, 预防, 监控, 处置 …), for 落实情况 已完成/正在落实/未开始 and √.

    Passing: 风险等级 ``高风险``.
    Failing: 风险等级 ``较高``.
    """

    doc_zh = """
    取值不在可选范围内，消息列出全部可选值。

    接受别名：英文（high）、末尾的“风险”或“类”（高风险、岗位职责风险）；风险等级还接受 高级/中级/低级、
    一级/二级/三级、H/M/L、中等和 ★★★/★★/★；防控阶段接受 事前/事中/事后（以及事前预防、事中监督、预防、监控、
    处置等）；落实情况接受 已完成/正在落实/未开始 和 √。

    通过：风险等级“高风险”。

    不通过：风险等级“较高”。
    """

    code = "LF104"
    name = "bad-enum"
    severity = Severity.ERROR
    title_zh = "取值不在可选范围内"
    title_en = "value not among the choices"
    fix_zh = "从下拉列表中选择规定的取值。"
    fix_en = "Choose one of the listed values."
    on_read = True


@register
class BadFormat(Rule):
    """A date, year, boolean or ID is malformed.

    IDs are 1–32 letters, digits, ``-``, ``_`` or ``.``, read after Unicode NFKC (``ＦＸ－04`` is
    ``FX-04``; every hyphen-like dash is ``-``); the message says what is wrong with this ID (a
    space inside, which character, too long). Dates are Excel dates or text such as
    ``2012-07-01``, ``2012/7/1``, ``2012.7.1``, ``2012年7月1日``; booleans 是/否, Y/N, true/false,
    1/0, √/×; the year a four-digit integer.

    Passing: 任职起始 ``2023年3月1日``.
    Failing: 风险点编号 ``FX 01`` (a space), 任职起始 ``去年``.
    """

    doc_zh = """
    日期、年度、是否或编号的格式错误。

    编号为 1–32 位字母、数字、-、_ 或 .，按 Unicode NFKC 规范化后读取（全角“ＦＸ－04”即 FX-04，各种连字符都读作
    -）；消息指出该编号错在哪里（中间有空格、哪个字符不允许、过长）。日期为 Excel 日期或 2012-07-01、2012/7/1、
    2012.7.1、2012年7月1日 等文字；是否为 是/否、Y/N、true/false、1/0、√/×；年度为四位整数。

    通过：任职起始“2023年3月1日”。

    不通过：风险点编号“FX 01”（含空格）；任职起始“去年”。
    """

    code = "LF105"
    name = "bad-format"
    severity = Severity.ERROR
    title_zh = "格式错误"
    title_en = "malformed value"
    fix_zh = "按规定格式填写：日期如 2026-03-01，是否填“是/否”，编号只用字母、数字和 - _ .。"
    fix_en = "Use the required format: dates like 2026-03-01, 是/否 for yes/no, IDs of letters, digits, - _ ."
    on_read = True


@register
class UnknownColumn(Rule):
    """A column (xlsx) or key (YAML) the format does not know; it is dropped.

    Since format 1.1 also whatever else would be dropped without a word: text in a column whose
    header cell is empty, a value on 单位信息 outside its label and value columns, and a sheet
    whose name looks like a known sheet's (``流程表``, ``风险点 (1)``, ``风险表``; the message
    names the sheet it was probably meant to be). 序号 and 备注 columns are allowed on every
    table sheet; note rows under a table (``注：…``) and sheets such as 填表说明 are ignored quietly.

    Passing: a 风险点 sheet with an extra 序号 column and a ``注：`` row under the data.
    Failing: a 风险点 sheet with a 负责人 column; a sheet named ``风险点（修订）``.
    """

    doc_zh = """
    格式不认识的列（xlsx）或键（YAML），该列被忽略。

    格式 1.1 起，其他会被悄悄丢弃的内容也报告本规则：表头为空的列中的文字、单位信息表项目列和内容列以外的内容、
    名称与已知工作表相近的工作表（流程表、风险点 (1)、风险表；消息指出它可能应是哪张表）。每张表都可以有序号和
    备注列；表格下方的说明行（注：……）和填表说明等工作表不报告。

    通过：风险点表多了一个序号列，数据下方有一行“注：……”。

    不通过：风险点表多了一个负责人列；工作表名为“风险点（修订）”。
    """

    code = "LF106"
    name = "unknown-column"
    severity = Severity.WARNING
    title_zh = "未知的列"
    title_en = "unknown column"
    fix_zh = "删除该列或把内容移到“备注”列；若是列名写错，改为模板中的列名。"
    fix_en = "Remove the column or move its content to 备注; if the header is misspelt, use the template's."
    on_read = True


@register
class DuplicateId(Rule):
    """An ID appears twice in one table; both places are named.

    One finding per repeated occurrence, at the repeat, its message naming the first place.
    A step ID repeated inside one flow (and a key repeated in one YAML mapping) is LF107 too.

    Passing: FX-01, FX-02, FX-03.
    Failing: two rows with 风险点编号 FX-02.
    """

    doc_zh = """
    同一张表中编号重复，两处位置都会指出。

    每次重复一条发现项，位于重复处，消息指出第一次出现的位置。同一流程中环节编号重复（以及 YAML 同一映射中
    键重复）也报本规则。

    通过：FX-01、FX-02、FX-03。

    不通过：两行的风险点编号都是 FX-02。
    """

    code = "LF107"
    name = "duplicate-id"
    severity = Severity.ERROR
    title_zh = "编号重复"
    title_en = "duplicate ID"
    fix_zh = "为重复的编号改用新编号，保证表内唯一，并同步修改引用它的行。"
    fix_en = "Give the repeated row a new ID, unique in its table, and update the rows that refer to it."
    on_read = True


@register
class UnknownFlow(Rule):
    """A row of 流程环节 names a 流程编号 that is not in the 流程 sheet (xlsx only).

    The step cannot be attached to any flow, so it is dropped from the model.

    Passing: every 流程环节 row names a flow of the 流程 sheet.
    Failing: a 流程环节 row with 流程编号 ``LC-99`` when there is no flow LC-99.
    """

    doc_zh = """
    流程环节表中的某行填写的流程编号在流程表中不存在（仅 xlsx）。

    该环节无法归入任何流程，因此不进入模型。

    通过：流程环节表每一行的流程编号都在流程表中。

    不通过：流程环节表某行的流程编号为 LC-99，而流程表中没有 LC-99。
    """

    code = "LF206"
    name = "unknown-flow"
    severity = Severity.ERROR
    title_zh = "流程编号不存在"
    title_en = "unknown flow"
    fix_zh = "改为流程表中已有的流程编号，或在流程表中补充该流程。"
    fix_en = "Use a flow ID from 流程, or add the flow there."
    on_read = True


# the rules a reader reports, by code
READING: dict[str, type[Rule]] = {r.code: r for r in (UnreadableFile, MissingSheet, MissingColumn, MissingValue, BadEnum,
                                                       BadFormat, UnknownColumn, DuplicateId, UnknownFlow)}
