"""The build's manifest: which handbook files lianfang wrote, proved without hashing them again."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from lianfang.handbook import cache as cache_mod
from lianfang.handbook.build import BuildError, BuildOptions, build_handbook


@pytest.fixture
def hashed(monkeypatch) -> list[str]:
    """The handbook files hashed (the statistics' charts are hashed by their own cache), by name."""
    names: list[str] = []
    original = cache_mod.sha256_file

    def counted(path: Path):
        if path.name.startswith("handbook."):
            names.append(path.name)
        return original(path)

    monkeypatch.setattr(cache_mod, "sha256_file", counted)
    return names


def _build(project: Path, **kw):
    return build_handbook(BuildOptions(target=project / "handbook.yaml", jobs=1, formats=["md", "docx"], **kw))


def test_untouched_outputs_are_not_hashed_again(project: Path, hashed: list[str]):
    assert _build(project).built
    assert _build(project).unchanged and hashed == []  # a warm build: size, times and inode prove them
    (project / "units" / "ta.yaml").write_text((project / "units" / "ta.yaml").read_text(encoding="utf-8")
                                               .replace("新药引进由个人决定", "新药引进由个人决定（改）"), encoding="utf-8")
    again = _build(project)
    assert again.built and not again.unchanged and hashed == []


def test_a_copy_put_in_place_is_hashed_and_still_owned(project: Path, hashed: list[str]):
    assert _build(project).built
    md = project / "build" / "handbook" / "handbook.md"
    shutil.copy2(md, md.with_suffix(".bak"))
    os.replace(md.with_suffix(".bak"), md)  # the same bytes, another inode: hashed, found the same
    assert _build(project).unchanged and hashed.count("handbook.md") == 1


def test_an_edit_that_keeps_size_and_modification_time_is_still_refused(project: Path):
    assert _build(project).built
    md = project / "build" / "handbook" / "handbook.md"
    before = md.stat()
    data = md.read_bytes()
    md.write_bytes(data.replace("测试".encode(), "伪造".encode(), 1))  # same length
    os.utime(md, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert md.stat().st_size == before.st_size and md.stat().st_mtime_ns == before.st_mtime_ns
    with pytest.raises(BuildError, match="不是 lianfang 生成的"):
        _build(project)
    assert md.read_bytes() != data
