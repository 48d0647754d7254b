"""Building small xlsx workbooks inside tests with openpyxl.

A workbook is a mapping of sheet name to ``Sheet`` (or to a plain list of rows). Rows are
written from ``start`` (``A1`` by default); ``None`` leaves a cell empty.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string


@dataclass
class Sheet:
    rows: list[list[Any]]
    merges: Sequence[str] = ()  # e.g. "B3:B5"; only the top-left cell keeps its value
    # cell -> a number format string (``yyyy"年"m"月"d"日"``) or a built-in format id (31)
    formats: Mapping[str, str | int] = field(default_factory=dict)
    start: str = "A1"


def write_xlsx(path: Path, sheets: Mapping[str, Sheet | list[list[Any]]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for name, sheet in sheets.items():
        if not isinstance(sheet, Sheet):
            sheet = Sheet(sheet)
        ws = wb.create_sheet(name)
        col_letters, row0 = coordinate_from_string(sheet.start)
        col0 = column_index_from_string(col_letters)
        for i, row in enumerate(sheet.rows):
            for j, value in enumerate(row):
                if value is not None:
                    ws.cell(row=row0 + i, column=col0 + j, value=value)
        for ref in sheet.merges:
            top_left = ws[ref.split(":")[0]].value
            ws.merge_cells(ref)  # openpyxl clears the covered cells, as Excel does
            ws[ref.split(":")[0]].value = top_left
        for ref, fmt in sheet.formats.items():
            if isinstance(fmt, int):
                # a built-in id openpyxl does not name (the East-Asian date formats 27–36, 50–58)
                ws[ref]._style.numFmtId = fmt
            else:
                ws[ref].number_format = fmt
    wb.save(path)
    return path


UNIT_ROWS = [
    ["项目", "内容"],
    ["单位名称", "巢湖市第一人民医院"],
    ["单位代码", "CHYY"],
    ["上级单位", "巢湖市卫生局"],
    ["年度", 2026],
    ["状态", "送审"],
    ["高风险标准", "可能导致违法犯罪"],
    ["中风险标准", "可能导致违纪"],
    ["低风险标准", "可能导致一般失职"],
]
POSTS_ROWS = [
    ["岗位编号", "岗位名称", "所在部门", "岗位层次", "在岗人员", "重点岗位"],
    ["GW-01", "院长", "院领导", "领导岗位", "张三", "是"],
    ["GW-02", "药剂科主任", "药剂科", "中层岗位", "李四", "是"],
    ["GW-03", "采购员", "药剂科", "其他重要岗位", "王五、赵六", "否"],
]
POWERS_ROWS = [
    ["职权编号", "职权名称", "职权内容", "权力层级", "办理主体", "法律依据"],
    ["QL-01", "药品采购", "药品集中采购与议价", "单位", "药剂科", "《药品管理法》"],
    ["QL-02", "设备采购", "医疗设备采购", "单位", "设备科", "《政府采购法》"],
]
RISKS_ROWS = [
    ["风险点编号", "职权编号", "岗位编号", "风险类别", "风险描述", "风险等级"],
    ["FX-01", "QL-01", "GW-02", "业务流程", "采购中收受回扣", "高"],
    ["FX-02", "QL-02", "GW-03", "岗位职责", "设备验收走过场", "中"],
]
MEASURES_ROWS = [
    ["措施编号", "风险点编号", "防控阶段", "措施内容", "责任人"],
    ["CS-01", "FX-01", "前期预防", "药品采购实行集体议价并全程留痕", "药剂科主任"],
    ["CS-02", "FX-02", "中期监控", "设备验收由两名以上人员共同签字", "设备科科长"],
]


def base_sheets() -> dict[str, list[list[Any]]]:
    """A small valid workbook (the five required sheets); a fresh copy to modify."""
    return copy.deepcopy({
        "单位信息": UNIT_ROWS,
        "岗位": POSTS_ROWS,
        "职权目录": POWERS_ROWS,
        "风险点": RISKS_ROWS,
        "防控措施": MEASURES_ROWS,
    })
