"""Excel ↔ YAML without loss: the bundled examples, the blank workbooks, and generated ones."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianfang.data import blank_workbook, example_workbook
from lianfang.findings import flatten
from lianfang.io.build import ReadResult
from lianfang.io.values import LIST_SEPARATORS, read_date
from lianfang.io.xlsx_reader import read_xlsx
from lianfang.io.xlsx_writer import workbook_to_xlsx_bytes
from lianfang.io.yaml_reader import read_yaml
from lianfang.io.yaml_writer import dump_yaml, dump_yaml_template
from lianfang.model.vocab import (
    AlertAction,
    AlertChannel,
    AlertGrade,
    Disposition,
    FlowKind,
    FoundBy,
    InstitutionKind,
    MeasureStatus,
    Phase,
    PostTier,
    PowerKind,
    PowerLevel,
    ReviewStatus,
    RiskCategory,
    RiskLevel,
    UnitStatus,
)
from lianfang.model.workbook import (
    ID_PATTERN,
    Alert,
    Criteria,
    Flow,
    Institution,
    Measure,
    Post,
    PowerItem,
    RiskPoint,
    Step,
    Unit,
    Workbook,
    format_next,
)
from lianfang.rules.reading import reader_findings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples" / "units").glob("*.yaml"))


def _xlsx(wb: Workbook) -> ReadResult:
    return read_xlsx("roundtrip.xlsx", data=workbook_to_xlsx_bytes(wb))


def _yaml(wb: Workbook) -> ReadResult:
    return read_yaml("roundtrip.yaml", data=dump_yaml(wb).encode("utf-8"))


def _clean(result: ReadResult) -> Workbook:
    assert flatten(reader_findings(result.problems), "code", "message", "sheet", "cell", "line") == []
    return result.workbook


# -- the examples ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_yaml_to_xlsx_to_yaml_is_identical(path):
    original = _clean(read_yaml(path))
    back = _clean(_xlsx(original))
    assert back.to_data() == original.to_data()
    assert dump_yaml(back) == dump_yaml(original)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_xlsx_to_yaml_to_xlsx_to_yaml_is_identical(path):
    first = _clean(_xlsx(_clean(read_yaml(path))))
    via_yaml = _clean(_yaml(first))
    again = _clean(_xlsx(via_yaml))
    assert again.to_data() == via_yaml.to_data() == first.to_data()
    assert dump_yaml(again) == dump_yaml(first)


def test_there_are_examples_to_round_trip():
    assert len(EXAMPLES) >= 3


def test_bundled_example_round_trips():
    original = example_workbook()
    assert _clean(_xlsx(original)).to_data() == original.to_data()
    assert _clean(_yaml(original)).to_data() == original.to_data()


# -- the blank workbooks ---------------------------------------------------------------------


def _only_unit_gaps(result: ReadResult) -> None:
    # nothing structural (LF100–LF102, LF104–LF107): only the unit's name and code to fill in
    assert flatten(reader_findings(result.problems), "code", "field") == [("LF103", "name"), ("LF103", "code")]


def test_blank_xlsx_reads_back_with_only_the_unit_values_to_fill_in():
    result = read_xlsx("blank.xlsx", data=workbook_to_xlsx_bytes(blank_workbook(2026)))
    _only_unit_gaps(result)
    wb = result.workbook
    assert (wb.unit.year, wb.unit.status.value) == (2026, "草稿")
    assert wb.posts == wb.powers == wb.risks == wb.measures == wb.flows == []


def test_blank_yaml_template_reads_back_with_only_the_unit_values_to_fill_in():
    text = dump_yaml_template(blank_workbook(2026), example_workbook())
    _only_unit_gaps(read_yaml("blank.yaml", data=text.encode("utf-8")))


# -- generated workbooks ---------------------------------------------------------------------

# Text as people write it: Chinese, odd characters, formula-like starts, quotes, |, line breaks.
_ALPHABET = st.one_of(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Cn")),
    st.sampled_from(list("风险点措施、，；：“”（）《》\n =+-@|#'\"&*!%{}[]>?\t")),
)
_PREFIX = st.sampled_from(["", "", "=", "+", "-", "@", "=SUM(A1:A9)", "'", "- ", "#", "|", "> ", "? "])


def _strip(text: str) -> str:
    return text.strip()


def _texts(max_size: int = 40):
    base = st.builds(lambda p, t: _strip(p + t), _PREFIX, st.text(_ALPHABET, min_size=1, max_size=max_size))
    return base.filter(bool)


# long cells up to a few thousand characters
_LONG = st.builds(lambda t, n: _strip((t + "\n") * n)[:4000], _texts(60), st.integers(1, 80)).filter(bool)
TEXT = st.one_of(_texts(), _texts(), _LONG)
OPTIONAL_TEXT = st.none() | TEXT
# a list item: no separator (、 , ， ; ； or a line break) — those split a cell
ITEM = _texts(20).map(lambda t: _strip(LIST_SEPARATORS.sub("", t))).filter(bool)
ID = st.from_regex(ID_PATTERN, fullmatch=True)
DATES = st.dates(min_value=date(1901, 1, 1), max_value=date(2099, 12, 31))
# 完成时限: a date, or text that does not read as one
DUE = st.none() | DATES | TEXT.filter(lambda t: read_date(t, excel=True) is None)


def _enum(vocab):
    return st.sampled_from(list(vocab))


def _ids(n_min: int, n_max: int):
    return st.lists(ID, min_size=n_min, max_size=n_max, unique=True)


@st.composite
def workbooks(draw) -> Workbook:
    unit = Unit(
        name=draw(TEXT), code=draw(ID), parent=draw(OPTIONAL_TEXT), year=draw(st.integers(1000, 9999)),
        contact=draw(OPTIONAL_TEXT), phone=draw(OPTIONAL_TEXT), status=draw(_enum(UnitStatus)),
        confirmed_by=draw(OPTIONAL_TEXT), confirmed_on=draw(st.none() | DATES),
        criteria=Criteria(high=draw(OPTIONAL_TEXT), medium=draw(OPTIONAL_TEXT), low=draw(OPTIONAL_TEXT)),
    )
    maybe_ids = st.lists(ID, max_size=3)
    posts = [Post(id=i, name=draw(TEXT), department=draw(TEXT), tier=draw(_enum(PostTier)),
                  holders=draw(st.lists(ITEM, max_size=3)), since=draw(st.none() | DATES),
                  key=draw(st.booleans()), note=draw(OPTIONAL_TEXT))
             for i in draw(_ids(0, 3))]
    powers = [PowerItem(id=i, name=draw(TEXT), kind=draw(st.none() | _enum(PowerKind)), content=draw(TEXT),
                        level=draw(_enum(PowerLevel)), subject=draw(TEXT), posts=draw(maybe_ids), basis=draw(TEXT),
                        procedure=draw(OPTIONAL_TEXT), time_limit=draw(OPTIONAL_TEXT),
                        disposition=draw(_enum(Disposition)), note=draw(OPTIONAL_TEXT))
              for i in draw(_ids(0, 3))]
    risks = [RiskPoint(id=i, power=draw(st.none() | ID), post=draw(st.none() | ID), category=draw(_enum(RiskCategory)),
                       description=draw(TEXT), level=draw(_enum(RiskLevel)),
                       found_by=draw(st.lists(_enum(FoundBy), max_size=3)), review=draw(_enum(ReviewStatus)),
                       review_note=draw(OPTIONAL_TEXT), note=draw(OPTIONAL_TEXT))
             for i in draw(_ids(0, 4))]
    measures = [Measure(id=i, risk=draw(ID), phase=draw(_enum(Phase)), description=draw(TEXT), owner=draw(TEXT),
                        due=draw(DUE), status=draw(_enum(MeasureStatus)), note=draw(OPTIONAL_TEXT))
                for i in draw(_ids(0, 4))]
    flows = []
    for i in draw(_ids(0, 2)):
        steps = [Step(id=s, name=draw(TEXT), actor=draw(TEXT), time_limit=draw(OPTIONAL_TEXT),
                      next=[format_next(t, c) for t, c in draw(st.lists(st.tuples(ID, st.none() | ITEM.map(
                          lambda x: x.translate(str.maketrans("", "", "()（）")).strip()).filter(bool)), max_size=2))],
                      risks=draw(maybe_ids), note=draw(OPTIONAL_TEXT))
                 for s in draw(_ids(0, 3))]
        flows.append(Flow(id=i, power=draw(ID), kind=draw(_enum(FlowKind)), name=draw(OPTIONAL_TEXT),
                          subject=draw(OPTIONAL_TEXT), basis=draw(OPTIONAL_TEXT), materials=draw(st.lists(ITEM, max_size=3)),
                          supervision=draw(st.lists(ITEM, max_size=2)), place=draw(OPTIONAL_TEXT),
                          phone=draw(OPTIONAL_TEXT), fee=draw(OPTIONAL_TEXT), note=draw(OPTIONAL_TEXT), steps=steps))
    institutions = [Institution(id=i, name=draw(TEXT), kind=draw(_enum(InstitutionKind)), issued_on=draw(st.none() | DATES),
                                risks=draw(maybe_ids), file=draw(OPTIONAL_TEXT), note=draw(OPTIONAL_TEXT))
                    for i in draw(_ids(0, 2))]
    alerts = [Alert(id=i, date=draw(DATES), grade=draw(st.none() | _enum(AlertGrade)), risk=draw(ID),
                    channel=draw(_enum(AlertChannel)), action=draw(st.none() | _enum(AlertAction)), detail=draw(TEXT),
                    result=draw(OPTIONAL_TEXT), note=draw(OPTIONAL_TEXT))
              for i in draw(_ids(0, 2))]
    return Workbook(unit=unit, posts=posts, powers=powers, risks=risks, measures=measures, flows=flows,
                    institutions=institutions, alerts=alerts)


EXAMPLES_COUNT = int(os.environ.get("LIANFANG_ROUNDTRIP_EXAMPLES", "40"))


@pytest.mark.slow
@settings(max_examples=EXAMPLES_COUNT, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(workbooks())
def test_generated_workbooks_survive_xlsx_yaml_xlsx(wb):
    expected = wb.to_data()
    from_xlsx = _clean(_xlsx(wb))
    assert from_xlsx.to_data() == expected
    from_yaml = _clean(_yaml(from_xlsx))
    assert from_yaml.to_data() == expected
    again = _clean(_xlsx(from_yaml))
    assert again.to_data() == expected
    assert dump_yaml(again) == dump_yaml(wb)


@pytest.mark.slow
@settings(max_examples=EXAMPLES_COUNT, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(workbooks())
def test_generated_workbooks_survive_yaml(wb):
    assert _clean(_yaml(wb)).to_data() == wb.to_data()
