"""``dump_yaml`` writes ruamel.yaml's bytes without ruamel's emitter (issue 11, item 7).

Every YAML workbook written so far came from ruamel's round-trip dumper; git textconv diffs,
golden files and users' files hold those bytes. The fast writer of ``io/yaml_writer.py`` must give
the very same bytes, so each test here compares it with ruamel (``dump_yaml_ruamel``): over every
workbook in examples/ and tests/, over generated workbooks, and over generated text in each
place a scalar can stand (block value, ``{…}`` row, ``[…]`` list, criteria, literal block).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lianfang.io import yaml_writer as w
from lianfang.io.reader import WORKBOOK_SUFFIXES, read_workbook
from lianfang.io.yaml_writer import dump_yaml, dump_yaml_ruamel
from lianfang.model.workbook import Criteria, Post, Unit, Workbook

ROOT = Path(__file__).resolve().parent.parent
WORKBOOKS = sorted(p for folder in ("examples", "tests") for p in (ROOT / folder).rglob("*")
                   if p.suffix.lower() in WORKBOOK_SUFFIXES and p.is_file())


def _fast(doc: w._Map) -> str:
    """The fast writer alone (no fallback), with the schema comment as dump_yaml writes it."""
    return f"{w.SCHEMA_COMMENT}\n{w._emit(doc)}"


def _reference(doc: w._Map) -> str:
    body = w._TOP_KEY.sub(lambda m: ("\n" if m.start() else "") + m.group(), w._dump(doc))
    return f"{w.SCHEMA_COMMENT}\n{body}"


def test_every_example_and_test_workbook_is_written_as_ruamel_writes_it():
    written = 0
    for path in WORKBOOKS:
        wb = read_workbook(path).workbook
        if wb is None:
            continue
        doc = w._document(wb)
        assert _fast(doc) == dump_yaml_ruamel(wb), path  # the fast writer itself, no fallback
        assert dump_yaml(wb) == dump_yaml_ruamel(wb), path
        written += 1
    assert written >= 40


# -- generated text in every place ----------------------------------------------------------

# characters that steer ruamel's choice of style: indicators, quotes, spaces, every line break,
# characters it escapes, a byte-order mark, astral and private-use characters
_TRICKY = list("#,[]{}&*!|>'\"%@`?:-.= \t\r\n\x85\u2028\u2029\ufeff\x00\x07\x1b\x7f\x9f\xa0\u3000\ue000\ufffd"
               "\U0001f600\U0010ffff") + ["---", "...", ": ", " #", "- ", "? ", "\n\n", " \n", "\n ", "''", '\\']
_IMPLICIT = ["007", "yes", "No", "on", "OFF", "y", "n", "true", "1.0", "1e3", ".5", "-.inf", ".NaN", "0x1F", "0o17",
             "0b101", "12:30", "1:20:30.5", "2012-07-01", "2001-12-14 21:59:43.10 -5", "null", "~", "<<", "=", "!",
             "&", "*", "+1", "-2", "1_000", "是"]
_ALPHABET = st.one_of(st.sampled_from(_TRICKY), st.sampled_from(list("风险点措施、，；：“”（）abcXYZ019")),
                      st.characters(codec="utf-8", exclude_categories=("Cs",)))
TEXT = st.one_of(
    st.lists(_ALPHABET, min_size=1, max_size=12).map("".join),
    st.sampled_from(_IMPLICIT),
    st.builds(lambda a, b: a + "".join(b), st.sampled_from(_IMPLICIT + _TRICKY), st.lists(_ALPHABET, max_size=6)),
)


def _places(text: str) -> w._Map:
    """``text`` as a block value, inside a ``{…}`` row, a ``[…]`` list, the criteria (flow
    and block) and a step."""
    step = w._Map({"id": "1", "name": text, "risks": w._Seq([text], flow=True)}, flow=True)
    return w._Map({
        "unit": w._Map({"name": text, "criteria": w._Map({"高": text, "中": "x"}, flow=True)}),
        "posts": w._Seq([
            w._Map({"id": "A", "name": text, "holders": w._Seq([text, "王芳"], flow=True)}, flow=True),
            w._Map({"id": "B", "name": text, "holders": w._Seq([text], flow=True), "key": True}, flow=False),
        ]),
        "flows": w._Seq([w._Map({"id": "LC-01", "note": text, "steps": w._Seq([step, w._Map(step, flow=False)])})]),
        "institutions": w._Seq([], flow=True),
        "alerts": w._Seq([w._Map({"id": "YJ-1", "date": date(2026, 1, 2), "criteria": w._Map({"高": text})}, flow=False)]),
    })


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
@example("a\nb")
@example("  lead\n\ntrail\n\n")
@example("\nlead")
@example("x\n")
@example("it's: yes")
@example("http://x.org/a?b=1#c")
def test_generated_text_is_written_as_ruamel_writes_it_wherever_it_stands(text):
    doc = _places(text)
    try:
        fast = _fast(doc)
    except w._Fallback:
        assert text == "" or len(text) > 100, repr(text)  # only what the writer leaves to ruamel
        return
    assert fast == _reference(doc)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.sampled_from(_IMPLICIT), st.text(st.sampled_from(list("0123456789-+._:eExXoObB ~nNulyYesTtrfaFAL=<!&*Zz\t")),
                                                       max_size=12)))
@example("")
@example("true\n")
def test_implicit_types_are_ruamel_resolvers(text):
    from ruamel.yaml.nodes import ScalarNode
    from ruamel.yaml.resolver import VersionedResolver

    ruamel = any(VersionedResolver(version=v).resolve(ScalarNode, text, (True, False)) != w._STR
                 for v in ((1, 1), (1, 2)))
    assert w._is_ambiguous.__wrapped__(text) == ruamel


# -- generated workbooks, and what falls back to ruamel ---------------------------------------


def test_generated_workbooks_are_written_as_ruamel_writes_them():
    from test_roundtrip import workbooks  # the round-trip tests' generator of whole workbooks

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(workbooks())
    def check(wb: Workbook) -> None:
        assert dump_yaml(wb) == dump_yaml_ruamel(wb)

    check()


def _unit(name: str) -> Workbook:
    unit = Unit(name=name, code="U1", year=2026, status="草稿", criteria=Criteria(high="a", medium="b", low="c"))
    return Workbook(unit=unit, posts=[Post(id="GW-01", name="院长", department="院领导", tier="领导岗位")])


@pytest.mark.parametrize("name", ["长" * 5000, "词 " * 2500 + "末", "a, " * 1500 + "末", "\"" + "引" * 4500, "行\n" * 3000 + "末"])
def test_a_line_ruamel_would_fold_is_left_to_ruamel(name):
    wb = _unit(name)
    if "\n" in name:  # a literal block is never folded: the fast writer writes it
        assert _fast(w._document(wb)) == dump_yaml_ruamel(wb)
    else:
        with pytest.raises(w._Fallback):
            w._emit(w._document(wb))
    assert dump_yaml(wb) == dump_yaml_ruamel(wb)
    assert read_workbook_text(dump_yaml(wb)).unit.name == name


def read_workbook_text(text: str) -> Workbook:
    from lianfang.io.yaml_reader import read_yaml

    wb = read_yaml("x.yaml", data=text.encode("utf-8")).workbook
    assert wb is not None
    return wb


def test_convert_writes_no_yaml_through_ruamel():
    """The writer imports no ruamel: convert to standard output does without it."""
    source = (ROOT / "src" / "lianfang" / "io" / "yaml_writer.py").read_text(encoding="utf-8")
    top = source.split("\n# -- ruamel.yaml", 1)[0]
    assert not re.search(r"^\s*(from|import) ruamel", top, re.MULTILINE)
