"""The Excel handbook's kept sheets (handbook/excel_cache.py): a unit's 一览表 and the 职权目录 written
from the last build's XML give the very bytes a full render gives, whatever changed around them."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianfang.handbook.build import BuildOptions, build_handbook
from lianfang.handbook.context import UnitInput, build_context
from lianfang.handbook.excel import render_excel
from lianfang.handbook.excel_cache import FOLDER, ReusingWriter, SheetCache
from lianfang.i18n import set_lang
from lianfang.io.reader import read_workbook
from lianfang.model.workbook import Workbook

ROOT = Path(__file__).resolve().parent.parent
UNITS = {p.stem: read_workbook(p).workbook for p in sorted((ROOT / "examples" / "units").glob("*.yaml"))}
WHEN = datetime(2026, 1, 1, tzinfo=UTC)
FIXTURE = ROOT / "tests" / "fixtures" / "handbook"


def _ctx(units: list[Workbook]):
    return build_context([UnitInput(wb, f"{wb.code}.yaml") for wb in units], title="手册", organisation="卫生局", year=2026)


def _render(units: list[Workbook], cache: SheetCache | None = None, font: str | None = None) -> bytes:
    return render_excel(_ctx(units), when=WHEN, cache=cache, font=font)


def _with_description(wb: Workbook, index: int, text: str) -> Workbook:
    # a new model, not model_copy: that would keep the copied model's cached lookups (posts_by_id)
    data = wb.model_dump()
    data["risks"][index]["description"] = text
    return Workbook.model_validate(data)


def _with_departments(wb: Workbook, prefix: str) -> Workbook:
    data = wb.model_dump()
    for post in data["posts"]:
        post["department"] = prefix + (post["department"] or "科室")
    return Workbook.model_validate(data)


def _entries(out: Path) -> set[str]:
    return {p.name for p in (out / ".lianfang-cache" / FOLDER).glob("*.bin")}


def _build(units: list[Workbook], out: Path, font: str | None = None) -> tuple[bytes, SheetCache]:
    cache = SheetCache(out)
    data = _render(units, cache, font)
    cache.prune()
    return data, cache


@pytest.fixture
def units() -> list[Workbook]:
    return [UNITS["chwsj"], UNITS["chyy"], UNITS["chcdc"]]


def test_kept_sheets_give_the_bytes_of_a_full_render(tmp_path: Path, units):
    full = _render(units)
    cold, cache = _build(units, tmp_path)
    assert cold == full and cache.hits == 0
    assert len(_entries(tmp_path)) == 4  # three 一览表 and the 职权目录
    warm, cache = _build(units, tmp_path)
    assert warm == full
    assert cache.hits == 4


def test_a_changed_unit_is_built_again_and_only_it(tmp_path: Path, units):
    _build(units, tmp_path)
    before = _entries(tmp_path)
    changed = [units[0], _with_description(units[1], 0, "药品采购中暗箱操作（已修改）"), units[2]]
    data, cache = _build(changed, tmp_path)
    assert data == _render(changed)
    assert cache.hits == 3  # the other two units and the 职权目录 (the powers did not change)
    after = _entries(tmp_path)
    assert len(after) == 4 and len(after - before) == 1  # the old entry of that unit is gone


@pytest.mark.parametrize("change", ["removed", "added", "reordered"])
def test_units_removed_added_or_reordered(tmp_path: Path, units, change):
    _build(units[:2] if change == "added" else units, tmp_path)
    new = {"removed": [units[0], units[2]], "added": units, "reordered": units[::-1]}[change]
    data, cache = _build(new, tmp_path)
    assert data == _render(new)
    # every 一览表 that was there before is reused; the 职权目录 lists other units, so it is not
    assert cache.hits == {"removed": 2, "added": 2, "reordered": 3}[change]
    assert len(_entries(tmp_path)) == len(new) + 1


def test_another_language_or_font_reuses_nothing(tmp_path: Path, units):
    _build(units, tmp_path)
    set_lang("en")
    try:
        data, cache = _build(units, tmp_path)
        assert cache.hits == 0 and data == _render(units)
        assert b"risk prevention table of post powers" in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet3.xml")
    finally:
        set_lang(None)
    data, cache = _build(units, tmp_path, font="仿宋")
    assert cache.hits == 0 and data == _render(units, font="仿宋")


def test_a_damaged_or_foreign_entry_is_ignored_and_replaced(tmp_path: Path, units):
    _build(units, tmp_path)
    folder = tmp_path / ".lianfang-cache" / FOLDER
    entries = sorted(folder.glob("*.bin"))
    entries[0].write_bytes(b"not an entry")  # damaged
    entries[1].write_bytes(entries[2].read_bytes())  # another sheet's entry under this key
    raw = zlib.decompress(entries[3].read_bytes())
    entries[3].write_bytes(zlib.compress(raw[:-40] + b"<sheetData/></worksheet>"))  # its XML changed
    out, cache = _build(units, tmp_path)
    assert out == _render(units)
    assert cache.hits == 1  # only entries[2] is whole
    out, cache = _build(units, tmp_path)  # the three were written again
    assert out == _render(units) and cache.hits == 4


def test_an_entry_holding_a_formula_is_ignored(tmp_path: Path, units):
    """A kept sheet goes into the handbook unparsed: one that would bring a formula (an edited
    cache, its hash made to match) is built again instead."""
    _build(units, tmp_path)
    for path in (tmp_path / ".lianfang-cache" / FOLDER).glob("*.bin"):
        head, _, xml = zlib.decompress(path.read_bytes()).partition(b"\n")
        xml = xml.replace(b'<c r="A1" s="1" t="inlineStr">', b'<c r="A1" s="1"><f>HYPERLINK("http://x","y")</f>', 1)
        meta = json.loads(head)
        meta["sha256"] = hashlib.sha256(xml).hexdigest()
        path.write_bytes(zlib.compress(json.dumps(meta).encode() + b"\n" + xml))
    data, cache = _build(units, tmp_path)
    assert cache.hits == 0 and data == _render(units)
    assert b"<f>" not in b"".join(zipfile.ZipFile(io.BytesIO(data)).read(n) for n in zipfile.ZipFile(io.BytesIO(data)).namelist())


def test_a_sheet_with_a_relationship_is_written_but_not_kept(tmp_path: Path):
    """The writer keeps only sheets whose XML is all of them: one that turns out to link to a file
    (a relationship) is written as openpyxl writes it, and not kept."""
    from openpyxl import Workbook as XlsxWorkbook
    from openpyxl.writer.excel import ExcelWriter

    from lianfang.handbook.excel import _Styles
    from lianfang.handbook.excel_cache import SheetJob
    from lianfang.handbook.reproducible import ReproducibleZip

    def make(kept: bool) -> bytes:
        wb = XlsxWorkbook()
        styles = _Styles(wb, "宋体")
        ws = wb.active
        ws["A1"] = "=1+1 as text"
        ws["A1"].data_type = "s"
        ws["A1"].quotePrefix = True
        ws["B2"].hyperlink = "attachments/制度.pdf"
        out = io.BytesIO()
        archive = ReproducibleZip(out, WHEN)
        if kept:
            cache = SheetCache(tmp_path)
            ReusingWriter(wb, archive, cache, {id(ws): SheetJob("k" * 64, None)}, styles.base).save()
        else:
            ExcelWriter(wb, archive).save()
        return out.getvalue()

    assert make(True) == make(False)
    assert not _entries(tmp_path)
    book = zipfile.ZipFile(io.BytesIO(make(True)))
    assert b"attachments/" in book.read("xl/worksheets/_rels/sheet1.xml.rels")


def test_quote_prefixed_text_keeps_its_styles_wherever_the_sheet_lands(tmp_path: Path, units, monkeypatch):
    """A text a formula could start (=, +, -, @) gets a quote-prefixed style the sheet adds to the
    workbook's list: its number there depends on the sheets written before, so a reused sheet's
    cells are renumbered."""
    # x's first row: a centred 部门 (one new style), then a wrapped 风险描述 (another); y: the second only
    x = _with_description(_with_departments(units[0], "="), 0, "-1万元以上")
    y = _with_description(units[1], 0, "@采购")
    first = [x, y, units[2]]
    _build(first, tmp_path)
    numbered = []
    original = ReusingWriter._numbered

    def spy(self, entry):
        out = original(self, entry)
        numbered.append(out != entry.xml)
        return out

    monkeypatch.setattr(ReusingWriter, "_numbered", spy)
    for order, reused in (([y, x, units[2]], 3), ([units[2], x, y], 3), ([y, units[2]], 2)):
        numbered.clear()
        data, cache = _build(order, tmp_path)
        assert data == _render(order)
        assert cache.hits == reused  # each 一览表 (the 职权目录 lists the units in another order)
        if order[:2] == [y, x]:
            assert any(numbered)  # x's cells were renumbered: y's style came first


_EDITS = st.lists(st.tuples(st.sampled_from(sorted(UNITS)), st.sampled_from(["", "=", "-", "@", "+"]),
                            st.sampled_from(["", "="])), min_size=1, max_size=3, unique_by=lambda t: t[0])


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(builds=st.lists(_EDITS, min_size=2, max_size=3))
def test_any_sequence_of_builds_gives_full_render_bytes(tmp_path_factory, builds):
    out = tmp_path_factory.mktemp("seq")
    for edits in builds:
        units = [_with_departments(_with_description(UNITS[code], 0, f"{prefix}风险描述"), department) if prefix or department
                 else UNITS[code] for code, prefix, department in edits]
        data, _cache = _build(units, out)
        assert data == _render(units)


def test_a_build_with_one_unit_changed_reuses_the_others(tmp_path: Path):
    """Through build_handbook: the rebuilt Excel handbook is the one a build from nothing makes."""
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    options = dict(formats=["xlsx"], jobs=1)
    first = build_handbook(BuildOptions(target=project / "handbook.yaml", **options))
    assert first.built and first.sheet_hits == 0
    unit = project / "units" / "ta.yaml"
    text = unit.read_text(encoding="utf-8")
    assert "新药引进由个人决定," in text
    unit.write_text(text.replace("新药引进由个人决定,", "新药引进由个人决定（已修改）,"), encoding="utf-8")
    second = build_handbook(BuildOptions(target=project / "handbook.yaml", **options))
    assert second.built and not second.unchanged
    assert second.sheet_hits == 2  # the other unit's 一览表 and the 职权目录
    fresh = build_handbook(BuildOptions(target=project / "handbook.yaml", output=tmp_path / "fresh", **options))
    assert fresh.sheet_hits == 0
    made = (project / "build" / "handbook" / "handbook.xlsx").read_bytes()
    assert made == (tmp_path / "fresh" / "handbook.xlsx").read_bytes()
