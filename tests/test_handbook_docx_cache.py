"""The Word handbook's fragment cache: each unit's share of the parts kept from the last build.

A build with the cache must give the very bytes of a build without it, whatever changed since
the fragments were written: a unit edited, added, removed or moved, a control character removed
(and reported), an entry damaged or belonging to another key.
"""

from __future__ import annotations

import io
import re
import shutil
import struct
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lianfang.handbook import docx as docx_mod
from lianfang.handbook.build import BuildOptions, build_handbook
from lianfang.handbook.cache import CACHE_DIR

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "handbook"


@pytest.fixture(autouse=True)
def _dated(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # the same build time in every build


@pytest.fixture
def hits(monkeypatch) -> list[int]:
    """The fragments taken from the cache in each render, one count per render."""
    counts: list[int] = []
    original = docx_mod.render_docx

    def counted(*args, **kwargs):
        loads = []
        load = docx_mod.FragmentCache.load

        def spy(self, key):
            f = load(self, key)
            loads.append(f is not None)
            return f

        monkeypatch.setattr(docx_mod.FragmentCache, "load", spy)
        try:
            return original(*args, **kwargs)
        finally:
            monkeypatch.setattr(docx_mod.FragmentCache, "load", load)
            counts.append(sum(loads))

    monkeypatch.setattr(docx_mod, "render_docx", counted)
    return counts


def _project(tmp_path: Path) -> Path:
    dest = tmp_path / "project"
    shutil.copytree(FIXTURE, dest)
    # a third unit, so that one can be added, removed and moved between others
    tc = (dest / "units" / "tb.yaml").read_text(encoding="utf-8").replace("code: TB", "code: TC")
    (dest / "units" / "tc.yaml").write_text(tc.replace("name: 测试乙", "name: 测试丙"), encoding="utf-8")
    return dest


def _out(project: Path) -> Path:
    return project / "build" / "handbook"


def _fragments(project: Path) -> Path:
    return _out(project) / CACHE_DIR / docx_mod.FRAGMENT_FOLDER


def _build(project: Path) -> tuple[bytes, list[str]]:
    result = build_handbook(BuildOptions(target=project / "handbook.yaml", jobs=1, formats=["docx"]))
    assert result.built and not result.unchanged
    return (_out(project) / "handbook.docx").read_bytes(), result.notes


def _fresh(project: Path) -> tuple[bytes, list[str]]:
    """The handbook built again with no fragment cache at all."""
    shutil.rmtree(_fragments(project))
    (_out(project) / "handbook.docx").unlink()
    return _build(project)


def _units(project: Path, *names: str) -> None:
    """handbook.yaml lists these units, in this order."""
    config = project / "handbook.yaml"
    listed = "units: [" + ", ".join(f"units/{n}.yaml" for n in names) + "]"
    config.write_text(re.sub(r"(?m)^units: .*$", listed, config.read_text(encoding="utf-8")), encoding="utf-8")


def _edit(project: Path, unit: str, old: str, new: str) -> None:
    path = project / "units" / f"{unit}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_build_from_the_cache_is_byte_identical_to_a_fresh_one(tmp_path: Path, hits: list[int]):
    project = _project(tmp_path)
    first, _ = _build(project)
    assert hits == [0] and len(list(_fragments(project).glob("*.frag"))) == 3 * 5  # 3 units, 5 parts each
    _edit(project, "ta", "新药引进由个人决定", "新药引进由个人决定（已修改）")
    changed, _ = _build(project)
    assert hits[-1] == 2 * 5  # the other units' parts came from the cache
    assert changed != first and "（已修改）".encode() not in first
    assert _fresh(project)[0] == changed
    assert len(list(_fragments(project).glob("*.frag"))) == 3 * 5  # the old unit's fragments pruned


@pytest.mark.parametrize("order", [("tb", "ta", "tc"), ("ta", "tc"), ("tc", "ta", "tb"), ("ta", "tb", "tc", "extra")])
def test_units_moved_added_or_removed_give_a_fresh_builds_bytes(tmp_path: Path, hits: list[int], order):
    project = _project(tmp_path)
    _units(project, "ta", "tb", "tc")
    _build(project)
    if "extra" in order:
        extra = (project / "units" / "tb.yaml").read_text(encoding="utf-8").replace("code: TB", "code: TX")
        (project / "units" / "extra.yaml").write_text(extra.replace("name: 测试乙", "name: 测试新"), encoding="utf-8")
    _units(project, *order)
    cached, _ = _build(project)
    assert hits[-1] > 0  # something was reused: the comparison below is not two fresh builds
    assert _fresh(project)[0] == cached


def _context(names: dict[str, str], charts: dict[str, list[str]] | None = None):
    """The fixture's two units as a handbook's view, with their names replaced (by code) and
    ``charts`` (flow → PNG pages) as the first unit's printed charts."""
    from lianfang.handbook.context import UnitInput, build_context
    from lianfang.io.reader import read_workbook

    inputs = []
    for unit in ("ta", "tb"):
        wb = read_workbook(FIXTURE / "units" / f"{unit}.yaml").workbook
        wb.unit.name = names.get(wb.unit.code, wb.unit.name)
        printed = charts or {} if unit == "ta" else {}
        inputs.append(UnitInput(wb, f"{unit}.yaml", charts={f: [p.replace(".png", ".svg") for p in pages]
                                                            for f, pages in printed.items()}, print_charts=printed))
    return build_context(inputs, title=None, organisation=None, year=2026)


def _png(path: Path, width: int, height: int) -> None:
    raw = b"".join(b"\0" + b"\xff" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.mark.parametrize("change", ["wider", "taller", "cut short", "removed"])
def test_a_chart_redrawn_at_another_size_is_laid_out_again(tmp_path: Path, hits: list[int], change: str):
    when = datetime(2026, 1, 1, tzinfo=UTC)
    pages = {"F1": ["flowcharts/TA_F1.png", "flowcharts/TA_F1_p2.png"]}
    for page in ("TA_F1", "TA_F1_p2"):
        _png(tmp_path / "flowcharts" / f"{page}.png", 1200, 900)
    docx_mod.render_docx(_context({}, pages), out_dir=tmp_path, when=when, cache=True)
    target = tmp_path / "flowcharts" / "TA_F1_p2.png"
    if change == "wider":
        _png(target, 2400, 900)  # landscape now shows it larger
    elif change == "taller":
        _png(target, 1200, 3000)
    elif change == "cut short":
        target.write_bytes(target.read_bytes()[:-12])
    else:
        target.unlink()
    cached = docx_mod.render_docx(_context({}, pages), out_dir=tmp_path, when=when, cache=True)
    fresh = docx_mod.render_docx(_context({}, pages), out_dir=tmp_path, when=when)
    assert hits[1] == 2 * 5 - 1 and cached == fresh  # only the first unit's flows written again
    if change in ("cut short", "removed"):
        assert "流程图未能读取：flowcharts/TA_F1_p2.png".encode() in zipfile.ZipFile(io.BytesIO(fresh)).read("word/document.xml")


def test_removed_control_characters_are_reported_from_the_cache_too(tmp_path: Path, hits: list[int]):
    when = datetime(2026, 1, 1, tzinfo=UTC)
    names = {"TA": "甲\x01医院", "TB": "乙\x0b中心\x07"}
    notes: list[list[str]] = [[], [], []]
    first = docx_mod.render_docx(_context(names), out_dir=tmp_path, when=when, warnings=notes[0], cache=True)
    cached = docx_mod.render_docx(_context(names), out_dir=tmp_path, when=when, warnings=notes[1], cache=True)
    fresh = docx_mod.render_docx(_context(names), out_dir=tmp_path, when=when, warnings=notes[2])
    assert hits == [0, 2 * 5, 0] and first == cached == fresh
    assert notes[0] == notes[1] == notes[2] and len(notes[0]) == 1
    assert "删除了 35 个" in notes[0][0] and "（甲\x01医院、乙\x0b中心\x07）" in notes[0][0]


def test_the_cache_is_used_only_when_asked(tmp_path: Path):
    when = datetime(2026, 1, 1, tzinfo=UTC)
    docx_mod.render_docx(_context({}), out_dir=tmp_path, when=when)
    assert not (tmp_path / CACHE_DIR).exists()
    docx_mod.render_docx(_context({}), out_dir=tmp_path, when=when, cache=True)
    assert len(list((tmp_path / CACHE_DIR / docx_mod.FRAGMENT_FOLDER).glob("*.frag"))) == 2 * 5


@pytest.mark.parametrize("damage", ["garbage", "truncated", "foreign", "edited"])
def test_a_damaged_or_foreign_entry_is_ignored(tmp_path: Path, hits: list[int], damage: str):
    project = _project(tmp_path)
    first, _ = _build(project)
    entries = sorted(_fragments(project).glob("*.frag"))
    for i, path in enumerate(entries):
        data = path.read_bytes()
        if damage == "garbage":
            path.write_bytes(b"\x00not a fragment")
        elif damage == "truncated":
            path.write_bytes(data[: len(data) // 2])
        elif damage == "foreign":  # another key's entry under this name
            path.write_bytes(entries[(i + 1) % len(entries)].read_bytes() if i + 1 < len(entries) else data)
        else:  # the text changed, the header not: the hash in the header no longer holds
            path.write_bytes(data.replace("测试".encode(), "伪造".encode()))
    if damage == "foreign":
        entries[-1].write_bytes(entries[0].read_bytes())
    (_out(project) / "handbook.docx").unlink()
    again, _ = _build(project)
    assert hits[-1] == 0 and again == first


def test_an_entry_is_kept_as_one_line_of_json_then_the_text(tmp_path: Path):
    project = _project(tmp_path)
    _build(project)
    entry = sorted(_fragments(project).glob("*.frag"))[0].read_bytes()
    head, _, text = entry.partition(b"\n")
    assert head.startswith(b'{"schema": 1') and text.startswith(b"<w:p>")
    # the numbers that depend on the rest of the document are tokens, not numbers
    assert b"\x01B\x02" in text and b"w:bookmarkStart w:id=" not in text
