"""Nothing is lost: inputs are never modified, outputs are replaced atomically, and only --force
replaces an existing output.

Every command that reads workbooks runs on a copy of the examples whose bytes are hashed before
and after. Every command that writes is interrupted in the middle of writing (the disk fills up,
or the user presses Ctrl-C) and the previous output must survive byte for byte, with no temporary
file left behind. Every command that writes refuses to replace an existing file without --force
(exit status 2) and replaces it with --force.
"""

from __future__ import annotations

import errno
import hashlib
import pathlib
import shutil
from pathlib import Path

import pytest

from lianfang.i18n import set_lang

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
AS_OF = "2026-12-01"


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A copy of examples/ (units, documents, handbook.yaml) as the current folder."""
    dest = tmp_path / "examples"
    shutil.copytree(EXAMPLES, dest, symlinks=True)
    monkeypatch.chdir(dest)
    return dest


def digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def invoke(runner, app, *args: str):
    set_lang(None)
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result


def leftovers(folder: Path) -> list[str]:
    """Temporary files of an atomic write that was not completed."""
    return sorted(p.name for p in folder.rglob(".*.tmp"))


# Every command that reads workbooks, with its outputs in out/ (the inputs are units/ and docs/).
READING_COMMANDS = [
    ("validate", "units"),
    ("validate", "units", "--format", "json", "-o", "out/report.json"),
    ("validate", "units", "--format", "markdown", "-o", "out/report.md"),
    ("validate", "units", "--format", "junit", "-o", "out/report.xml"),
    ("validate", "units", "--format", "sarif", "-o", "out/report.sarif"),
    ("convert", "units/chyy.yaml", "out/chyy.xlsx"),
    ("convert", "units/chyy.xlsx", "out/chyy.yaml"),
    ("convert", "units/chwsj.xlsx", "-"),
    ("coverage", "units/chyy.xlsx"),
    ("coverage", "units/chyy.yaml", "--format", "json", "-o", "out/coverage.json"),
    ("coverage", "units/chwsj.yaml", "--format", "xlsx", "-o", "out/coverage.xlsx"),
    ("flowchart", "units/chwsj.yaml", "-o", "out/charts"),
    ("flowchart", "units/chyy.xlsx", "--format", "dot", "-o", "out/dot"),
    ("handbook", "build", "handbook.yaml", "-o", "out/handbook", "--format", "md,xlsx", "--as-of", AS_OF),
    ("handbook", "build", "units/chcdc.xlsx", "-o", "out/one", "--as-of", AS_OF),
]


@pytest.mark.parametrize("args", READING_COMMANDS, ids=lambda a: " ".join(a[:3]))
def test_inputs_are_left_byte_identical(runner, app, project, args):
    before = digests(project)
    result = invoke(runner, app, *args)
    assert result.exit_code in (0, 1), result.output
    after = digests(project)
    assert {k: v for k, v in after.items() if not k.startswith("out/")} == before
    assert any(k.startswith("out/") for k in after) or "-o" not in args


def test_an_input_is_never_an_output(runner, app, project):
    before = digests(project)
    for args in (("convert", "units/chyy.yaml", "units/chyy.yaml", "--force"),
                 ("validate", "units", "-o", "units/chyy.yaml", "--force")):
        result = invoke(runner, app, *args)
        assert result.exit_code == 2 and "输入" in result.output, result.output
    assert digests(project) == before


# -- interrupted writes ----------------------------------------------------------------------


class DiskFull(OSError):
    def __init__(self):
        super().__init__(errno.ENOSPC, "No space left on device")


def fail_midway(monkeypatch, exc: type[BaseException] = DiskFull) -> list[str]:
    """Every file write writes half of its bytes, then fails; returns the paths it touched."""
    touched: list[str] = []
    original = pathlib.Path.write_bytes

    def half_then_fail(self, data):
        touched.append(self.name)
        original(self, bytes(data)[: len(data) // 2])
        raise exc()

    monkeypatch.setattr(pathlib.Path, "write_bytes", half_then_fail)
    return touched


# (the command, the output it replaces); each is first run once so the output exists, then a
# changed input is written over it while the write fails.
WRITING_COMMANDS = [
    (("convert", "units/chyy.yaml", "out/chyy.xlsx", "--force"), "out/chyy.xlsx"),
    (("convert", "units/chyy.xlsx", "out/chyy.yaml", "--force"), "out/chyy.yaml"),
    (("validate", "units/chyy.yaml", "--format", "json", "-o", "out/report.json", "--force"), "out/report.json"),
    (("coverage", "units/chyy.yaml", "--format", "xlsx", "-o", "out/coverage.xlsx", "--force"), "out/coverage.xlsx"),
    (("coverage", "units/chyy.yaml", "--format", "json", "-o", "out/coverage.json", "--force"), "out/coverage.json"),
    (("schema", "-o", "out/schema.json", "--force"), "out/schema.json"),
    (("init", "out/new.xlsx", "--force"), "out/new.xlsx"),
    (("init", "out/new.yaml", "--force"), "out/new.yaml"),
    (("flowchart", "units/chyy.yaml", "--format", "dot", "-o", "out/charts", "--force"), "out/charts/CHYY_LC-01_internal.dot"),
    (("handbook", "build", "units/chyy.yaml", "-o", "out/hb", "--format", "md,xlsx", "--force", "--as-of", AS_OF),
     "out/hb/handbook.md"),
    (("handbook", "build", "units/chyy.yaml", "-o", "out/hb", "--format", "md,xlsx", "--force", "--as-of", AS_OF),
     "out/hb/handbook.xlsx"),
]


def change_inputs(project: Path) -> None:
    """Edit the unit so that every output of the next run differs from the previous one."""
    path = project / "units" / "chyy.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("巢湖市第一人民医院", "巢湖市第一人民医院（改）"), encoding="utf-8")


@pytest.mark.parametrize(("args", "output"), WRITING_COMMANDS, ids=lambda x: x if isinstance(x, str) else " ".join(x[:2]))
@pytest.mark.parametrize("exc", [DiskFull, KeyboardInterrupt], ids=["disk-full", "ctrl-c"])
def test_an_interrupted_write_leaves_the_old_output(runner, app, project, monkeypatch, args, output, exc):
    (project / "out").mkdir()
    first = invoke(runner, app, *args)
    assert first.exit_code in (0, 1), first.output
    change_inputs(project)
    # make the old file differ from anything the command writes (schema and init read no input)
    (project / output).write_bytes((project / output).read_bytes() + b"\n")
    old = (project / output).read_bytes()
    with monkeypatch.context() as patch:
        touched = fail_midway(patch, exc)
        result = invoke(runner, app, *args)
    assert touched, "the command wrote nothing: the test did not interrupt anything"
    assert (project / output).read_bytes() == old
    assert leftovers(project / "out") == []
    if exc is KeyboardInterrupt:
        assert result.exit_code != 0
    else:
        assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
        assert "No space left" in result.output or "空间" in result.output, result.output
    # and the next, uninterrupted run does replace it
    assert invoke(runner, app, *args).exit_code in (0, 1)
    assert (project / output).read_bytes() != old


# -- --force ----------------------------------------------------------------------------------

# (command without --force, the output it would write)
FORCED = [
    (("convert", "units/chyy.yaml", "out/x.xlsx"), "out/x.xlsx"),
    (("convert", "units/chyy.xlsx", "out/x.yaml"), "out/x.yaml"),
    (("validate", "units", "--format", "json", "-o", "out/x.json"), "out/x.json"),
    (("coverage", "units/chyy.yaml", "--format", "xlsx", "-o", "out/x.xlsx"), "out/x.xlsx"),
    (("coverage", "units/chyy.yaml", "--format", "json", "-o", "out/x.json"), "out/x.json"),
    (("schema", "-o", "out/x.json"), "out/x.json"),
    (("init", "out/x.xlsx"), "out/x.xlsx"),
    (("init", "out/x.yaml", "--example"), "out/x.yaml"),
    (("flowchart", "units/chyy.yaml", "-o", "out"), "out/CHYY_LC-01_internal.svg"),
    (("handbook", "build", "units/chyy.yaml", "-o", "out", "--as-of", AS_OF), "out/handbook.md"),
    (("handbook", "build", "units/chyy.yaml", "-o", "out", "--format", "xlsx", "--as-of", AS_OF), "out/handbook.xlsx"),
]


@pytest.mark.parametrize(("args", "output"), FORCED, ids=lambda x: x if isinstance(x, str) else " ".join(x[:3]))
def test_only_force_replaces_an_existing_file(runner, app, project, args, output):
    target = project / output
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"the user's own file")
    result = invoke(runner, app, *args)
    assert result.exit_code == 2, result.output
    assert "--force" in result.output
    assert target.read_bytes() == b"the user's own file"
    assert leftovers(project) == []
    result = invoke(runner, app, *args, "--force")
    assert result.exit_code in (0, 1), result.output
    assert target.read_bytes() != b"the user's own file"


def test_force_is_also_refused_for_a_folder(runner, app, project):
    (project / "out.xlsx").mkdir()
    result = invoke(runner, app, "convert", "units/chyy.yaml", "out.xlsx", "--force")
    assert result.exit_code == 2 and (project / "out.xlsx").is_dir()
