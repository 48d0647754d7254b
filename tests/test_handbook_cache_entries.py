"""The build's caches share one way of keeping entries (``handbook.cache.EntryFolder``): a damaged
entry is a miss, never an error; an entry that cannot be written only costs time; the entries a
build did not use are forgotten."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import EXAMPLES

from lianfang.config import build_settings
from lianfang.handbook.cache import CACHE_DIR, EntryFolder, UnitCache
from lianfang.pipeline import check_workbook


@pytest.fixture
def checked():
    c = check_workbook(EXAMPLES / "units" / "chwsj.yaml", build_settings(start=EXAMPLES))
    return c.workbook, c.report.findings


def test_a_unit_round_trips_and_counts_as_found(tmp_path: Path, checked):
    cache = UnitCache(tmp_path, build_settings(start=EXAMPLES))
    key = cache.key(b"chwsj")
    assert cache.load(key) is None and cache.hits == 0
    cache.store(key, *checked)
    again = UnitCache(tmp_path, build_settings(start=EXAMPLES))
    wb, findings = again.load(key)
    assert wb.model_dump(mode="json") == checked[0].model_dump(mode="json") and [f.to_dict() for f in findings] == [f.to_dict() for f in checked[1]]
    assert again.hits == 1 and again.used == {key}


@pytest.mark.parametrize("data", [b"not json", b"[]", b'"text"', b'{"schema": 99}', b'{"schema": 1}', b"\xff\xfe{"])
def test_a_damaged_unit_entry_is_a_miss(tmp_path: Path, data: bytes):
    cache = UnitCache(tmp_path, build_settings(start=EXAMPLES))
    key = cache.key(b"unit")
    cache.folder.mkdir(parents=True)
    (cache.folder / f"{key}.json").write_bytes(data)
    assert cache.load(key) is None
    assert cache.hits == 0 and cache.used == set()


def test_an_entry_that_cannot_be_written_only_costs_time(tmp_path: Path):
    (tmp_path / CACHE_DIR).write_text("a file where the cache folder would be", encoding="utf-8")
    entries = EntryFolder(tmp_path / CACHE_DIR / "plans")
    entries.write("k", "{}")
    assert entries.used == set() and entries.read("k") is None


def test_prune_forgets_only_its_own_unused_entries(tmp_path: Path):
    entries = EntryFolder(tmp_path / "entries")
    entries.write("kept", "{}")
    entries.write("old", "{}")
    (entries.folder / "notes.txt").write_text("not an entry", encoding="utf-8")
    later = EntryFolder(tmp_path / "entries")
    assert later.read("kept") == b"{}"
    later.found("kept")
    later.prune()
    assert sorted(p.name for p in later.folder.iterdir()) == ["kept.json", "notes.txt"]
    assert later.hits == 1
