"""Writing a unit workbook as an Excel file a person is glad to fill in.

The sheets, headers and help texts all come from ``io/format.py``: a 填表说明 sheet first, then
the spec's sheets in the spec's order, each with its header row frozen, required headers in red,
a note on every header, dropdown lists on every enumeration column, widths that fit Chinese text
and wrapped cells. Every text value is written as text (``io/excel_text``), lists joined with
``、``, booleans as 是/否, dates as real date cells, enumerations in canonical Chinese.

The bytes are reproducible: document properties and zip entry times are fixed
(``SOURCE_DATE_EPOCH`` when set, otherwise 1980-01-01).
"""

from __future__ import annotations

import io
import os
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from copy import copy
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook as XlsxBook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from lianfang.data import blank_workbook
from lianfang.i18n import tr
from lianfang.io.atomic import atomic_path
from lianfang.io.excel_text import MAX_CELL_CHARS, excel_text, set_text
from lianfang.io.format import (
    BOOL,
    DATE,
    DUE,
    ENUM,
    ENUMS,
    ID,
    IDS,
    LIST,
    NEXT,
    STEPS,
    TABLE_SPECS,
    UNIT,
    YEAR,
    FieldSpec,
    TableSpec,
)
from lianfang.io.values import LIST_SEPARATORS
from lianfang.model.vocab import Vocab
from lianfang.model.workbook import Unit, Workbook

# what the writer makes: a plain workbook (an .xlsm name would make Excel refuse the file)
SUFFIX = ".xlsx"
INSTRUCTIONS_SHEET = "填表说明"
OPTIONS_SHEET = "选项"
LIST_JOIN = "、"
TRUE_TEXT, FALSE_TEXT = "是", "否"
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
# Excel refuses an inline list (the quoted formula) longer than this
MAX_INLINE_LIST = 255
# dropdowns and column formats reach to the last row Excel has
LAST_ROW = 1_048_576
MIN_WIDTH, MAX_WIDTH = 8, 50

_REQUIRED_FONT = Font(bold=True, color="C00000")
_OPTIONAL_FONT = Font(bold=True, color="1F3864")
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
_OPTIONAL_FILL = PatternFill("solid", fgColor="DDEBF7")
_TITLE_FONT = Font(bold=True, size=14)
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
_REQUIRED_TAB, _OPTIONAL_TAB = "C00000", "5B9BD5"


# -- values ---------------------------------------------------------------------------------


def cell_value(spec: FieldSpec, value: Any) -> Any:
    """The cell value of a model value: text, an int (year), a date, or None for empty."""
    if value is None or value == "" or value == []:
        return None
    kind = spec.kind
    if kind in (IDS, LIST, ENUMS, NEXT):
        return LIST_JOIN.join(_text(x) for x in value)
    if kind == BOOL:
        return TRUE_TEXT if value else FALSE_TEXT
    if kind == YEAR:
        return int(value)
    if kind in (DATE, DUE) and isinstance(value, date):
        return value
    return _text(value)


def _text(value: Any) -> str:
    if isinstance(value, Vocab):
        return value.value
    return str(value)


def excel_losses(workbook: Workbook) -> list[str]:
    """Messages for what an Excel file cannot hold exactly, so a converter can warn first.

    A list item holding a separator (、 , ， ; ； or a line break) stays whole in YAML but reads back
    from a cell as several items; a cell holds at most 32,767 characters and the rest is cut.
    """
    out: list[str] = []

    def check(sheet: str, where: str, f: FieldSpec, value: Any) -> None:
        if f.is_list and value:
            for item in value:
                text = _text(item)
                if LIST_SEPARATORS.search(text):
                    out.append(tr("{s} {o}「{h}」的一项「{v}」含有分隔符，在 Excel 中会读成多项",
                                  "{s} {o} {h} ({k}): the item {v!r} holds a list separator and reads back from Excel as several items",
                                  s=sheet, o=where, h=f.header, k=f.key, v=text))
        v = cell_value(f, value)
        if isinstance(v, str) and len(excel_text(v)) > MAX_CELL_CHARS:
            out.append(tr("{s} {o}「{h}」有 {n} 个字符，超过 Excel 单元格的上限 {m}，超出部分会被截掉",
                          "{s} {o} {h} ({k}) has {n} characters, over Excel's {m} per cell; the rest is cut",
                          s=sheet, o=where, h=f.header, k=f.key, n=len(v), m=MAX_CELL_CHARS))

    for f in UNIT.fields:
        check(UNIT.sheet, "", f, _unit_value(workbook.unit, f.key))
    for spec in TABLE_SPECS:
        if spec is UNIT:
            continue
        for values in _rows(workbook, spec):
            where = str(values[0]) if spec is not STEPS else f"{values[0]}/{values[1]}"
            for f, value in zip(spec.fields, values, strict=True):
                check(spec.sheet, where, f, value)
    return out


def display_width(text: str) -> int:
    """Columns a text needs: a CJK (wide) character counts as 2, the widest line wins."""
    return max((sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
                for line in text.split("\n")), default=0)


def _column_format(spec: FieldSpec) -> str:
    if spec.kind == DATE:
        return DATE_FORMAT
    if spec.kind in (DUE, YEAR):
        return "General"
    return TEXT_FORMAT


class _CellStyles:
    """The wrapped data-cell style of each number format, made once per book and copied.

    Assigning ``alignment`` and ``number_format`` cell by cell makes openpyxl compare style
    objects every time, which dominated the time to write a large workbook.
    """

    def __init__(self) -> None:
        self.made: dict[str, Any] = {}

    def apply(self, cell, number_format: str) -> None:
        made = self.made.get(number_format)
        if made is None:
            cell.alignment = _WRAP
            cell.number_format = number_format
            self.made[number_format] = copy(cell._style)
        else:
            cell._style = copy(made)


def _write(cell, spec: FieldSpec, value: Any, styles: _CellStyles) -> None:
    """One data cell; its style first, since a style assigned later drops the quote prefix."""
    v = cell_value(spec, value)
    if v is None:
        styles.apply(cell, _column_format(spec))
    elif isinstance(v, str):
        styles.apply(cell, TEXT_FORMAT)
        set_text(cell, v)
    elif isinstance(v, date):
        styles.apply(cell, DATE_FORMAT)
        cell.value = v
    else:
        styles.apply(cell, "0")
        cell.value = v


# -- rows of the model -----------------------------------------------------------------------


def _unit_value(unit: Unit | None, key: str) -> Any:
    if unit is None:
        return None
    if key.startswith("criteria."):
        criteria = getattr(unit, "criteria", None)
        return getattr(criteria, key.split(".", 1)[1], None) if criteria is not None else None
    return getattr(unit, key, None)


def _rows(workbook: Workbook, spec: TableSpec) -> Iterator[list[Any]]:
    """The values of each row of a table sheet, in the order of ``spec.fields``."""
    if spec is STEPS:
        for flow in workbook.flows or []:
            for step in getattr(flow, "steps", None) or []:
                yield [flow.id if f.key == "flow" else getattr(step, f.key, None) for f in spec.fields]
        return
    for record in getattr(workbook, spec.key) or []:
        yield [getattr(record, f.key, None) for f in spec.fields]


# -- help texts ------------------------------------------------------------------------------


def _help(spec: FieldSpec) -> str:
    return tr(spec.help_zh, spec.help_en) if spec.help_en else spec.help_zh


def _choices(spec: FieldSpec) -> list[str] | None:
    if spec.kind in (ENUM, ENUMS) and spec.vocab is not None:
        return spec.vocab.choices()
    if spec.kind == BOOL:
        return [TRUE_TEXT, FALSE_TEXT]
    return None


def _kind_hint(spec: FieldSpec) -> str:
    return {
        ID: tr("编号：1–32 位字母、数字、-、_、.", "ID: 1–32 letters, digits, - _ ."),
        IDS: tr("多个编号用顿号（、）分隔", "several IDs separated by 、"),
        LIST: tr("多项用顿号（、）分隔", "several items separated by 、"),
        ENUMS: tr("可多选，用顿号（、）分隔", "several allowed, separated by 、"),
        NEXT: tr("多个用顿号分隔，条件写在括号里", "separated by 、, a condition in brackets"),
        DATE: tr("日期，如 2026-09-10", "a date, e.g. 2026-09-10"),
        DUE: tr("日期或文字", "a date or text"),
        BOOL: tr("是 或 否", "是 (yes) or 否 (no)"),
        YEAR: tr("四位年份", "a four-digit year"),
    }.get(spec.kind, "")


def field_note(spec: FieldSpec) -> str:
    """The note on a header cell: required or not, meaning, kind, example, choices."""
    lines = [tr("【必填】", "[required] ") + _help(spec) if spec.required else _help(spec)]
    hint = _kind_hint(spec)
    if hint:
        lines.append(hint)
    choices = _choices(spec)
    if choices:
        lines.append(tr("可选：", "choices: ") + LIST_JOIN.join(choices))
    if spec.default is not None and spec.kind != BOOL:
        lines.append(tr("默认：", "default: ") + _text(spec.default))
    if spec.example:
        lines.append(tr("示例：", "example: ") + spec.example)
    return "\n".join(lines)


def _comment(text: str) -> Comment:
    c = Comment(text, "lianfang")
    c.width = 280
    c.height = 40 + 18 * (text.count("\n") + 1 + sum(display_width(x) // 40 for x in text.split("\n")))
    return c


# -- dropdowns -------------------------------------------------------------------------------


class _Dropdowns:
    """Data validations of one book; a list too long to write inline goes to the hidden 选项 sheet."""

    def __init__(self, book: XlsxBook):
        self.book = book
        self.ranges: dict[tuple[str, ...], str] = {}

    def formula(self, choices: list[str]) -> str:
        inline = '"' + ",".join(choices) + '"'
        if len(inline) <= MAX_INLINE_LIST and not any("," in c or '"' in c for c in choices):
            return inline
        key = tuple(choices)
        if key not in self.ranges:
            sheet = self._options_sheet()
            col = get_column_letter(len(self.ranges) + 1)
            for i, choice in enumerate(choices, 1):
                set_text(sheet.cell(i, len(self.ranges) + 1), choice)
            self.ranges[key] = f"{quote_sheetname(OPTIONS_SHEET)}!${col}$1:${col}${len(choices)}"
        return self.ranges[key]

    def _options_sheet(self) -> Worksheet:
        if OPTIONS_SHEET in self.book.sheetnames:
            return self.book[OPTIONS_SHEET]
        ws = self.book.create_sheet(OPTIONS_SHEET)
        ws.sheet_state = "hidden"
        return ws

    def add(self, ws: Worksheet, spec: FieldSpec, ref: str) -> None:
        choices = _choices(spec)
        if not choices:
            return
        strict = spec.kind != ENUMS  # several 查找方式 in one cell must stay possible
        dv = DataValidation(type="list", formula1=self.formula(choices), allow_blank=True,
                            showErrorMessage=strict, showInputMessage=not strict, errorStyle="stop")
        if strict:
            dv.errorTitle = tr("请从列表中选择", "choose from the list")[:32]
            dv.error = (tr("「{h}」可选：", "{h}: choose one of ", h=spec.header) + LIST_JOIN.join(choices))[:225]
        else:
            dv.promptTitle = spec.header[:32]
            dv.prompt = tr("可多选，用顿号（、）分隔", "several allowed, separated by 、")
        dv.add(ref)
        ws.add_data_validation(dv)


# -- sheets ----------------------------------------------------------------------------------


def _header(cell, spec: FieldSpec) -> None:
    set_text(cell, spec.header)
    cell.font = _REQUIRED_FONT if spec.required else _OPTIONAL_FONT
    cell.fill = _REQUIRED_FILL if spec.required else _OPTIONAL_FILL
    cell.alignment = _HEADER_ALIGN
    cell.comment = _comment(field_note(spec))


def _fit(values: Iterable[Any], header: str) -> float:
    widest = display_width(header) + 4  # room for the dropdown arrow and the bold font
    for v in values:
        if v is None:
            continue
        text = v.isoformat() if isinstance(v, date) else str(v)
        widest = max(widest, display_width(text) + 2)
    return float(min(max(widest, MIN_WIDTH), MAX_WIDTH))


def _unit_sheet(book: XlsxBook, workbook: Workbook, dropdowns: _Dropdowns, styles: _CellStyles) -> None:
    ws = book.create_sheet(UNIT.sheet)
    ws.sheet_properties.tabColor = _REQUIRED_TAB
    for col, text in ((1, "项目"), (2, "内容")):
        cell = ws.cell(1, col)
        set_text(cell, text)
        cell.font = _BOLD
        cell.fill = _OPTIONAL_FILL
        cell.alignment = _HEADER_ALIGN
    values = []
    for row, spec in enumerate(UNIT.fields, 2):
        _header(ws.cell(row, 1), spec)
        ws.cell(row, 1).alignment = Alignment(vertical="top")
        value = _unit_value(workbook.unit, spec.key)
        cell = ws.cell(row, 2)
        _write(cell, spec, value, styles)
        values.append(cell.value)
        if _choices(spec):
            dropdowns.add(ws, spec, cell.coordinate)
    ws.column_dimensions["A"].width = _fit((), max((f.header for f in UNIT.fields), key=display_width))
    ws.column_dimensions["B"].width = max(_fit(values, ""), 60.0)
    ws.freeze_panes = "A2"


def _table_sheet(book: XlsxBook, spec: TableSpec, rows: list[list[Any]], dropdowns: _Dropdowns,
                 styles: _CellStyles) -> None:
    ws = book.create_sheet(spec.sheet)
    ws.sheet_properties.tabColor = _REQUIRED_TAB if spec.required else _OPTIONAL_TAB
    for c, f in enumerate(spec.fields, 1):
        _header(ws.cell(1, c), f)
    for r, values in enumerate(rows, 2):
        for c, (f, value) in enumerate(zip(spec.fields, values, strict=True), 1):
            _write(ws.cell(r, c), f, value, styles)
    for c, f in enumerate(spec.fields, 1):
        letter = get_column_letter(c)
        dim = ws.column_dimensions[letter]
        dim.width = _fit((ws.cell(r, c).value for r in range(2, len(rows) + 2)), f.header)
        # cells a person adds later get the same format and wrapping
        dim.number_format = _column_format(f)
        dim.alignment = _WRAP
        dropdowns.add(ws, f, f"{letter}2:{letter}{LAST_ROW}")
    id_col = [f.key for f in spec.fields].index(spec.id_field) + 1
    ws.freeze_panes = ws.cell(2, id_col + 1).coordinate
    last = get_column_letter(len(spec.fields))
    ws.auto_filter.ref = f"A1:{last}{max(len(rows) + 1, 2)}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"


def _instructions_sheet(book: XlsxBook) -> None:
    ws = book.create_sheet(INSTRUCTIONS_SHEET)
    ws.sheet_properties.tabColor = "70AD47"
    title = ws.cell(1, 1)
    set_text(title, tr("单位廉政风险防控工作簿 填表说明", "Unit integrity-risk workbook: how to fill it in"))
    title.font = _TITLE_FONT
    row = 2
    for line in _general_notes():
        cell = ws.cell(row, 1)
        set_text(cell, line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=7)
        ws.row_dimensions[row].height = 15 * (1 + display_width(line) // 140)
        row += 1
    row += 1
    headers = (tr("工作表", "sheet"), tr("列名", "column"), tr("英文键", "key"), tr("必填", "required"),
               tr("说明", "meaning"), tr("示例", "example"), tr("可选值", "choices"))
    for c, h in enumerate(headers, 1):
        cell = ws.cell(row, c)
        set_text(cell, h)
        cell.font = _BOLD
        cell.fill = _OPTIONAL_FILL
    header_row = row
    for table in TABLE_SPECS:
        for f in table.fields:
            row += 1
            choices = _choices(f)
            hint = _kind_hint(f)
            meaning = _help(f) + (tr("（{h}）", " ({h})", h=hint) if hint else "")
            if f.default is not None and f.kind != BOOL:
                meaning += tr("；默认 ", "; default ") + _text(f.default)
            cells = (table.sheet, f.header, f"{table.key}.{f.key}" if table is not UNIT else f"unit.{f.key}",
                     tr("是", "yes") if f.required else "", meaning, f.example,
                     LIST_JOIN.join(choices) if choices else "")
            for c, text in enumerate(cells, 1):
                cell = ws.cell(row, c)
                if text:
                    set_text(cell, text)
                cell.alignment = _WRAP
            if f.required:
                ws.cell(row, 2).font = _REQUIRED_FONT
    for c, width in enumerate((12, 14, 22, 6, 60, 22, 40), 1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = ws.cell(header_row + 1, 1).coordinate


def _general_notes() -> list[str]:
    required = "、".join(t.sheet for t in TABLE_SPECS if t.required)
    optional = "、".join(t.sheet for t in TABLE_SPECS if not t.required)
    return [
        tr("1. 一个单位、一个年度填一个工作簿。工作表名称和列名请不要改动，列的顺序可以调整，可以增加「序号」列。",
           "1. One workbook per unit and year. Keep sheet names and column headers as they are; columns may be reordered and a 序号 column added."),
        tr("2. 红色列名为必填项，蓝色为选填项；鼠标停在列名上可以看到说明、示例和可选值。",
           "2. Red headers are required, blue ones optional; hover over a header to see its meaning, an example and the choices."),
        tr(f"3. {required} 这几张表必须有；{optional} 没有内容可以留空。",
           f"3. The sheets {required} are required; {optional} may stay empty."),
        tr("4. 编号由 1–32 位字母、数字、-、_、. 组成，表内不重复，如 GW-01、QL-01、FX-01、CS-01、LC-01。",
           "4. IDs are 1–32 letters, digits, -, _ or ., unique within their sheet, e.g. GW-01, QL-01, FX-01, CS-01, LC-01."),
        tr("5. 一个格子填多项时用顿号（、）分隔，如「张三、李四」；日期写成 2026-09-10；是/否 列填 是 或 否；有下拉箭头的列请从列表中选择。",
           "5. Several items in one cell are separated by 、 (张三、李四); dates as 2026-09-10; 是/否 columns take 是 or 否; columns with a dropdown take a value from the list."),
        tr("6. 每个风险点至少要有一条防控措施（一对一）；高风险点应有 前期预防、中期监控、后期处置 三个阶段的措施。",
           "6. Every risk point needs at least one measure (one-to-one); a 高 risk point should have measures in all three phases (前期预防, 中期监控, 后期处置)."),
        tr("7. 流程环节表每行一个环节，用「流程编号」指明所属流程，第一行是流程的起点；「下一环节」填环节编号，可在括号里写条件，如 3(同意)、5（不同意），留空表示流程到此结束。",
           "7. 流程环节 has one row per step; 流程编号 names its flow and the first row is the start; 下一环节 lists step IDs with an optional (condition), e.g. 3(同意)、5（不同意）; empty means the flow ends there."),
        tr("8. 「备注」列可随意填写，检查时忽略，转换时保留。",
           "8. The 备注 column is free text: ignored by the checks, kept on conversion."),
        tr("9. 填好后检查：lianfang validate 本文件.xlsx；转为文本：lianfang convert 本文件.xlsx 本文件.yaml。",
           "9. Check it with: lianfang validate this.xlsx; as text: lianfang convert this.xlsx this.yaml."),
    ]


# -- the book --------------------------------------------------------------------------------


def fixed_timestamp() -> datetime:
    """The time written into files: ``SOURCE_DATE_EPOCH`` when set, else 1980-01-01 (zip's epoch)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(max(int(epoch), 315532800), UTC).replace(tzinfo=None)
    return datetime(1980, 1, 1)


def build(workbook: Workbook | None = None) -> XlsxBook:
    """The openpyxl book of ``workbook`` (a blank template when None)."""
    if workbook is None:
        workbook = blank_workbook()
    book = XlsxBook()
    book.remove(book.active)
    dropdowns = _Dropdowns(book)
    _instructions_sheet(book)
    styles = _CellStyles()
    _unit_sheet(book, workbook, dropdowns, styles)
    for spec in TABLE_SPECS:
        if spec is not UNIT:
            _table_sheet(book, spec, list(_rows(workbook, spec)), dropdowns, styles)
    if OPTIONS_SHEET in book.sheetnames:  # keep the hidden list sheet last
        book.move_sheet(OPTIONS_SHEET, len(book.sheetnames) - 1 - book.sheetnames.index(OPTIONS_SHEET))
    book.active = book.sheetnames.index(UNIT.sheet)
    for ws in book.worksheets:
        ws.sheet_view.tabSelected = ws.title == UNIT.sheet
    stamp = fixed_timestamp()
    props = book.properties
    props.creator = props.lastModifiedBy = "lianfang"
    name = _unit_value(workbook.unit, "name")
    props.title = f"{name} 廉政风险防控工作簿" if name else "廉政风险防控工作簿"
    props.created = props.modified = stamp
    return book


def workbook_to_xlsx_bytes(workbook: Workbook | None = None) -> bytes:
    """The .xlsx file of ``workbook`` as bytes (a blank template when None); reproducible."""
    book = build(workbook)
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).write_data()  # save_workbook() would stamp "now" as modified
    return _fix_zip_times(raw.getvalue(), fixed_timestamp())


def _fix_zip_times(data: bytes, stamp: datetime) -> bytes:
    out = io.BytesIO()
    when = (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=when)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def write_xlsx(workbook: Workbook | None, path: str | Path, *, force: bool, inputs: Iterable[Path] = ()) -> None:
    """Write ``workbook`` to ``path`` atomically; an existing file only with ``force``."""
    data = workbook_to_xlsx_bytes(workbook)
    with atomic_path(Path(path), force=force, inputs=inputs) as tmp:
        tmp.write_bytes(data)
