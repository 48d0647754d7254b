"""The 公示 pages: one static, self-contained page per unit and an index, every value escaped."""

from __future__ import annotations

from lianfang.board.html import environment, page_globals
from lianfang.i18n import tr
from lianfang.publish.view import RISK_COLUMNS, PublicUnit, risk_columns

LEVELS = ("高", "中", "低")


def _t() -> dict[str, str]:
    return {
        "back": tr("← 返回目录", "← back to the index"), "title_suffix": tr("廉政风险点及防控措施公示", ": integrity risks and measures"),
        "year": tr("年度", "Year"), "unconfirmed": tr("（未经集体研究确认）", "(not yet confirmed collectively)"),
        "risks": tr("廉政风险点及防控措施", "Integrity risk points and prevention measures"),
        "criteria": tr("风险等级划分标准", "Risk level criteria"), "risk_table": tr("岗位权力行使风险防控一览表", "Risk prevention table"),
        "owner": tr("责任人", "owner"), "due": tr("完成时限", "due"), "guides": tr("办事指南与外部流程图", "Service guides and external flowcharts"),
        "supervision": tr("监督渠道", "Supervision channels"),
        "no_supervision": tr("本单位未填写监督渠道。", "No supervision channel is given."),
        "units": tr("各单位公示", "Units"), "unit": tr("单位", "Unit"),
        "intro": tr("以下为各单位查找的廉政风险点、风险等级和“一对一”防控措施，以及对外办事的流程和监督渠道，接受单位内部和社会监督。",
                    "The units' integrity risk points, their levels and one-to-one prevention measures, with the external "
                    "procedures and supervision channels, published for internal and public supervision."),
    }


def render_unit(unit: PublicUnit, fields: frozenset[str]) -> str:
    columns = risk_columns(fields)
    shown = {k for k, _ in columns}
    show = {key: key in shown for key, _zh, _en in RISK_COLUMNS}
    head = [tr("序号", "No."), *(h for _, h in columns), tr("防控措施", "Prevention measures")]
    title = unit.name + tr("廉政风险点及防控措施公示", ": integrity risks and measures")
    return environment().get_template("web/unit.html.j2").render(
        **page_globals(title), unit=unit, show=show, risk_head=head, t=_t())


def render_index(title: str, units: list[PublicUnit]) -> str:
    supervision: list[str] = []
    for u in units:
        supervision += [s for s in u.supervision if s not in supervision]
    return environment().get_template("web/index.html.j2").render(
        **page_globals(title), title=title, units=units, levels=LEVELS, supervision=supervision, t=_t())
