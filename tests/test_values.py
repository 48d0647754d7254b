from datetime import date, datetime

import pytest

from lianfang.io.format import ALERTS, FLOWS, MEASURES, POSTS, RISKS, STEPS, UNIT
from lianfang.io.values import Problem, coerce, split_list
from lianfang.model.vocab import FoundBy, RiskLevel

f = {**{x.key: x for x in RISKS.fields}}
post = POSTS.by_key
unit = UNIT.by_key


@pytest.mark.parametrize("raw", ["2012-07-01", "2012/7/1", "2012.7.1", "2012年7月1日", date(2012, 7, 1),
                                 datetime(2012, 7, 1, 0, 0), " 2012-7-1 "])
def test_dates_in_every_spelling(raw):
    assert coerce(post["since"], raw) == date(2012, 7, 1)


def test_excel_serial_is_a_date_only_in_xlsx():
    assert coerce(post["since"], 41091.0, excel=True) == date(2012, 7, 1)
    with pytest.raises(Problem) as e:
        coerce(post["since"], 41091.0, excel=False)
    assert e.value.code == "LF105"


@pytest.mark.parametrize("raw", ["去年", "2012-13-01", "2012/02/30", "12-7-1"])
def test_bad_dates(raw):
    with pytest.raises(Problem) as e:
        coerce(post["since"], raw)
    assert e.value.code == "LF105"


@pytest.mark.parametrize("raw, expected", [("是", True), ("否", False), ("Y", True), ("n", False), ("TRUE", True),
                                           ("false", False), (1.0, True), ("0", False), (True, True)])
def test_booleans(raw, expected):
    assert coerce(post["key"], raw) is expected


def test_bad_boolean():
    with pytest.raises(Problem) as e:
        coerce(post["key"], "也许")
    assert e.value.code == "LF105"


def test_numeric_ids_read_as_text():
    assert coerce(f["id"], 3.0) == "3"
    assert coerce(f["id"], 3) == "3"
    assert coerce(f["id"], "007") == "007"


@pytest.mark.parametrize("raw", ["FX 01", "风险1", "a" * 33, "FX/01"])
def test_bad_ids(raw):
    with pytest.raises(Problem) as e:
        coerce(f["id"], raw)
    assert e.value.code == "LF105"
    assert "风险点编号" in e.value.message


def test_required_blank_is_lf103_and_optional_blank_is_default():
    with pytest.raises(Problem) as e:
        coerce(f["description"], "  \u3000")
    assert e.value.code == "LF103"
    assert coerce(f["review"], "") .value == "待审核"
    assert coerce(f["found_by"], None) == []


def test_enum_problem_lists_choices():
    with pytest.raises(Problem) as e:
        coerce(f["level"], "较高")
    assert e.value.code == "LF104"
    assert "高、中、低" in e.value.message
    assert coerce(f["level"], "★★★") is RiskLevel.HIGH


def test_list_separators():
    assert split_list("A、B,C，D;E；F\nG\r\nH") == list("ABCDEFGH")
    assert coerce(f["found_by"], "自己找、专家评") == [FoundBy.SELF, FoundBy.EXPERT]
    assert coerce(FLOWS.by_key["materials"], ["申请书", 3, " "]) == ["申请书", "3"]


def test_next_steps_keep_their_condition_as_written():
    """Format 1.1: only the step ID is canonicalised (NFKC, dashes); the condition stays as typed."""
    assert coerce(STEPS.by_key["next"], "3（同意）、5(不同意)、6") == ["3（同意）", "5(不同意)", "6"]
    assert coerce(STEPS.by_key["next"], "３（同意）、Ｓ－2 (退回)") == ["3（同意）", "S-2 (退回)"]
    with pytest.raises(Problem):
        coerce(STEPS.by_key["next"], "第三步(同意)")


def test_due_is_date_or_text():
    due = MEASURES.by_key["due"]
    assert coerce(due, "2026年12月31日") == date(2026, 12, 31)
    assert coerce(due, "每季度") == "每季度"
    assert coerce(due, 46022.0, excel=True) == date(2025, 12, 31)


def test_year():
    assert coerce(unit["year"], 2026.0) == 2026
    assert coerce(unit["year"], "2026年") == 2026
    with pytest.raises(Problem):
        coerce(unit["year"], "26")


def test_text_from_numbers_and_dates():
    assert coerce(ALERTS.by_key["detail"], 12.5) == "12.5"
    assert coerce(ALERTS.by_key["detail"], 12.0) == "12"
