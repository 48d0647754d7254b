import os

import pytest

from lianfang.io.atomic import OutputError, atomic_path, write_atomic


def test_refuses_to_overwrite_without_force(tmp_path):
    p = tmp_path / "out.yaml"
    p.write_text("old")
    with pytest.raises(OutputError) as e:
        write_atomic(p, "new", force=False)
    assert "--force" in str(e.value)
    assert p.read_text() == "old"
    write_atomic(p, "new", force=True)
    assert p.read_text() == "new"


def test_never_writes_an_input(tmp_path):
    p = tmp_path / "unit.yaml"
    p.write_text("input")
    with pytest.raises(OutputError):
        write_atomic(p, "x", force=True, inputs=[p])
    assert p.read_text() == "input"


def test_interrupted_write_keeps_the_old_file_and_leaves_no_temp(tmp_path):
    p = tmp_path / "out.xlsx"
    p.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic_path(p, force=True) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("killed")
    assert p.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["out.xlsx"]


def test_creates_missing_folders_and_refuses_a_folder(tmp_path):
    write_atomic(tmp_path / "a" / "b.txt", "x", force=False)
    assert (tmp_path / "a" / "b.txt").read_text() == "x"
    with pytest.raises(OutputError):
        write_atomic(tmp_path / "a", "x", force=True)
