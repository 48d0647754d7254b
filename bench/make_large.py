"""Generate a large, valid unit workbook for the load benchmark.

    python bench/make_large.py [PATH] [--scale 1.0]

Default: bench/out/large.xlsx with 200 posts, 2,000 powers, 30,000 risk points, 45,000
measures and 500 flows of 8 steps, written with openpyxl's write-only mode. Every sheet has a
title row above its header and a 序号 column, as real tables do; dates are date cells.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

DEFAULT_PATH = Path(__file__).resolve().parent / "out" / "large.xlsx"
SIZES = {"posts": 200, "powers": 2_000, "risks": 30_000, "flows": 500, "steps": 8}

DEPARTMENTS = ["院领导", "院办", "药剂科", "设备科", "财务科", "总务科", "医务科", "护理部", "人事科", "审计科",
               "基建办", "信息科", "医保办", "纪检监察室", "检验科", "放射科"]
POWER_WORDS = ["药品采购", "耗材采购", "设备采购", "基建工程", "维修工程", "资金报销", "预算审批", "人事招聘",
               "职称评审", "医保结算", "信息系统数据管理", "物资验收", "合同签订", "科研经费管理", "进修审批"]
ACTS = ["收受回扣", "虚报冒领", "泄露标底", "违规统方", "优亲厚友", "拆分项目规避招标", "验收走过场",
        "超标准支付", "擅自变更合同", "暗箱操作", "以权谋私", "索取财物"]
MEASURE_WORDS = ["实行集体议价并全程留痕", "由两名以上人员共同签字验收", "每月通报办理时效并追究超时责任",
                 "纳入电子监察系统实时预警", "审批档案保存二十年以上", "关键岗位定期轮岗交流",
                 "公开审批依据、条件、程序和时限", "重大事项提交院长办公会集体研究"]
CATEGORIES = ["思想道德", "岗位职责", "业务流程", "制度机制", "外部环境"]
LEVELS = ["高", "中", "低"]
PHASES = ["前期预防", "中期监控", "后期处置"]
TIERS = ["领导岗位", "中层岗位", "其他重要岗位"]
NAMES = "张王李赵刘陈杨黄吴周徐孙马朱胡郭何林罗高"
STEP_NAMES = ["受理", "初审", "现场核查", "复审", "集体研究", "审批", "公示", "办结"]


def _title(ws, text: str, bold: Font) -> None:
    cell = WriteOnlyCell(ws, value=text)
    cell.font = bold
    ws.append([cell])


def build(path: Path, scale: float = 1.0, seed: int = 7, status: str = "已确认") -> dict[str, int]:
    rnd = random.Random(seed)
    n_posts = max(3, int(SIZES["posts"] * scale))
    n_powers = max(1, int(SIZES["powers"] * scale))
    n_risks = max(1, int(SIZES["risks"] * scale))
    n_flows = max(1, int(SIZES["flows"] * scale))
    counts = {"posts": n_posts, "powers": n_powers, "risks": n_risks, "measures": 0, "flows": n_flows,
              "steps": n_flows * SIZES["steps"]}
    wb = Workbook(write_only=True)
    bold = Font(bold=True, size=14)
    date_format = 'yyyy"年"m"月"d"日"'

    ws = wb.create_sheet("单位信息")
    for row in (["项目", "内容"], ["单位名称", "巢湖市第一人民医院"], ["单位代码", "CHYY"], ["上级单位", "巢湖市卫生局"],
                ["年度", 2026], ["状态", status], ["集体研究会议", "2026年9月10日党委会"], ["确认日期", date(2026, 9, 10)],
                ["高风险标准", "可能导致违法犯罪或造成重大损失"], ["中风险标准", "可能导致违纪或造成较大损失"],
                ["低风险标准", "可能导致一般失职"]):
        ws.append(row)

    ws = wb.create_sheet("岗位")
    _title(ws, "巢湖市第一人民医院岗位一览表", bold)
    ws.append(["序号", "岗位编号", "岗位名称", "所在部门", "岗位层次", "在岗人员", "任职起始", "重点岗位"])
    for i in range(n_posts):
        since = WriteOnlyCell(ws, value=date(2015, 1, 1) + timedelta(days=rnd.randrange(3650)))
        since.number_format = date_format
        holders = "、".join(rnd.choice(NAMES) + rnd.choice(NAMES) for _ in range(rnd.randint(1, 3)))
        ws.append([i + 1, f"GW-{i + 1:03d}", f"{rnd.choice(DEPARTMENTS)}岗位{i + 1}", rnd.choice(DEPARTMENTS),
                   TIERS[i % 3], holders, since, "是" if i % 4 == 0 else "否"])

    ws = wb.create_sheet("职权目录")
    _title(ws, "职权目录", bold)
    ws.append(["序号", "职权编号", "职权名称", "职权类别", "职权内容", "权力层级", "办理主体", "责任岗位", "法律依据",
               "办理时限", "清理意见", "备注"])
    for i in range(n_powers):
        word = POWER_WORDS[i % len(POWER_WORDS)]
        posts = "、".join(f"GW-{rnd.randrange(n_posts) + 1:03d}" for _ in range(2))
        ws.append([i + 1, f"QL-{i + 1:04d}", f"{word}（{i + 1}）", "内部管理", f"负责{word}事项的组织实施与审核，第{i + 1}项",
                   "单位", rnd.choice(DEPARTMENTS), posts, f"《医院财务制度》第{rnd.randint(1, 80)}条",
                   f"{rnd.randint(1, 30)}个工作日", "保留", None])

    ws = wb.create_sheet("风险点")
    _title(ws, "巢湖市第一人民医院廉政风险点登记表", bold)
    ws.append(["序号", "风险点编号", "职权编号", "岗位编号", "风险类别", "风险描述", "风险等级", "查找方式", "审核状态"])
    for i in range(n_risks):
        power = i % n_powers
        ws.append([i + 1, f"FX-{i + 1:05d}", f"QL-{power + 1:04d}", f"GW-{i % n_posts + 1:03d}", CATEGORIES[i % 5],
                   f"在{POWER_WORDS[power % len(POWER_WORDS)]}第{i + 1}项事务中{rnd.choice(ACTS)}，{rnd.choice(ACTS)}",
                   LEVELS[i % 3], "自己找、专家评" if i % 2 else "组织审", "通过"])

    ws = wb.create_sheet("防控措施")
    _title(ws, "一对一防控措施", bold)
    ws.append(["序号", "措施编号", "风险点编号", "防控阶段", "措施内容", "责任人", "完成时限", "落实情况"])
    n = 0
    for i in range(n_risks):
        for k in range(2 if i % 2 == 0 else 1):
            n += 1
            if n % 3:
                due = WriteOnlyCell(ws, value=date(2026, 1, 1) + timedelta(days=rnd.randrange(365)))
                due.number_format = date_format
            else:
                due = "每季度"
            ws.append([n, f"CS-{n:05d}", f"FX-{i + 1:05d}", PHASES[k], f"针对第{i + 1}项风险，{rnd.choice(MEASURE_WORDS)}",
                       f"{rnd.choice(DEPARTMENTS)}负责人", due, "落实中"])
    counts["measures"] = n

    ws = wb.create_sheet("流程")
    _title(ws, "权力运行流程", bold)
    ws.append(["序号", "流程编号", "职权编号", "流程类型", "流程名称", "所需材料", "监督渠道"])
    for i in range(n_flows):
        external = i % 2 == 0
        ws.append([i + 1, f"LC-{i + 1:03d}", f"QL-{i % n_powers + 1:04d}", "外部" if external else "内部", None,
                   "申请书、身份证明" if external else None, "监督电话：0551-82312345" if external else None])

    ws = wb.create_sheet("流程环节")
    _title(ws, "流程环节", bold)
    ws.append(["流程编号", "环节编号", "环节名称", "责任主体", "办理时限", "下一环节", "风险点编号"])
    steps = SIZES["steps"]
    for i in range(n_flows):
        for s in range(steps):
            nxt = f"{s + 2}" if s < steps - 1 else None
            if s == 4:
                nxt = f"{s + 2}(同意)、{s}（不同意）"
            ws.append([f"LC-{i + 1:03d}", s + 1, STEP_NAMES[s], rnd.choice(DEPARTMENTS), f"{rnd.randint(1, 5)}个工作日",
                       nxt, f"FX-{(i * steps + s) % n_risks + 1:05d}"])

    ws = wb.create_sheet("填表说明")
    ws.append(["本工作簿由 bench/make_large.py 生成，仅用于性能测试。"])

    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every table size (default 1.0)")
    parser.add_argument("--status", default="已确认", help="the unit's 状态 (default 已确认; 送审 makes the text report a review letter)")
    args = parser.parse_args(argv)
    t = time.perf_counter()
    counts = build(args.path, args.scale, status=args.status)
    size = args.path.stat().st_size
    print(f"{args.path}: {size / 1e6:.1f} MB in {time.perf_counter() - t:.1f} s — "
          + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
