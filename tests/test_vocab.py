import pytest
from pydantic import BaseModel

from lianfang.model.vocab import (
    FlowKind,
    Phase,
    PostTier,
    RiskCategory,
    RiskLevel,
    UnitStatus,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("高", RiskLevel.HIGH),
        ("高风险", RiskLevel.HIGH),
        ("高级", RiskLevel.HIGH),
        ("★★★", RiskLevel.HIGH),
        ("High", RiskLevel.HIGH),
        (" 中 ", RiskLevel.MEDIUM),
        ("★★", RiskLevel.MEDIUM),
        ("中级", RiskLevel.MEDIUM),
        ("low", RiskLevel.LOW),
        ("★", RiskLevel.LOW),
        ("低风险", RiskLevel.LOW),
    ],
)
def test_risk_level_aliases(text, expected):
    assert RiskLevel.parse(text) is expected


@pytest.mark.parametrize(
    "vocab, text, expected",
    [
        (RiskCategory, "岗位职责风险", RiskCategory.DUTY),
        (RiskCategory, "业务流程类", RiskCategory.PROCESS),
        (RiskCategory, "environment", RiskCategory.ENVIRONMENT),
        (PostTier, "leader", PostTier.LEADER),
        (PostTier, "其他重要岗位", PostTier.OTHER),
        (Phase, "monitor", Phase.MONITOR),
        (FlowKind, "External", FlowKind.EXTERNAL),
        (UnitStatus, "submitted", UnitStatus.SUBMITTED),
        (UnitStatus, "已 确认", UnitStatus.CONFIRMED),
    ],
)
def test_aliases_and_suffixes(vocab, text, expected):
    assert vocab.parse(text) is expected


@pytest.mark.parametrize("text", ["较高", "", "高高", "★★★★", None, 3])
def test_unknown_values_are_none(text):
    assert RiskLevel.parse(text) is None


def test_output_is_always_canonical_chinese():
    class M(BaseModel):
        level: RiskLevel
        phase: Phase

    m = M(level="high", phase="prevent")
    assert m.model_dump(mode="json") == {"level": "高", "phase": "前期预防"}
    assert RiskLevel.choices() == ["高", "中", "低"]
