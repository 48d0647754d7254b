"""The phase of a measure that the legacy table does not state, guessed from its words.

Each phase has a keyword list (docs/import.md); a measure goes to the phase with the most
keyword hits, a tie to the phase whose keyword comes first in the text, and a measure with no
keyword at all to 前期预防. Every guess is listed in the import report for the unit to check.
"""

from __future__ import annotations

from lianfang.model.vocab import Phase

KEYWORDS: dict[Phase, tuple[str, ...]] = {
    Phase.PREVENT: ("教育", "承诺", "公开", "制度", "培训", "学习", "廉洁", "警示", "告知", "明确", "规范", "签订",
                    "轮岗", "完善", "建立", "制定", "宣传", "谈话提醒", "廉政谈话", "回避"),
    Phase.MONITOR: ("监督", "检查", "审核", "审查", "公示", "抽查", "核查", "复核", "监控", "巡查", "督查", "跟踪",
                    "审计", "监测", "双人", "两人", "集体研究", "集体讨论", "会签", "备案", "审批", "报告", "通报", "评审",
                    "对账", "核对", "核实", "考核", "查岗", "抽检", "盘点", "登记", "验收"),
    Phase.HANDLE: ("问责", "追究", "处理", "处分", "整改", "查处", "纠正", "处置", "诫勉", "追回", "责令", "严肃处理",
                   "移送", "追责", "处罚", "赔偿"),
}
DEFAULT_PHASE = Phase.PREVENT


def infer_phase(text: str) -> tuple[Phase, tuple[str, ...]]:
    """The guessed phase and the keywords that decided it (empty: no keyword, the default)."""
    best: tuple[int, int, Phase] | None = None  # (-hits, first position, phase)
    hits_of: dict[Phase, tuple[str, ...]] = {}
    for phase, words in KEYWORDS.items():
        found = tuple(w for w in words if w in text)
        if not found:
            continue
        hits_of[phase] = found
        key = (-sum(text.count(w) for w in found), min(text.index(w) for w in found), phase)
        if best is None or key[:2] < best[:2]:
            best = key
    if best is None:
        return DEFAULT_PHASE, ()
    return best[2], hits_of[best[2]]
