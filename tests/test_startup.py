"""Start-up: commands are registered in one table and imported only when they run.

git textconv and pre-commit start lianfang once per file; ``bench/bench_startup.py`` measures
the time, these tests keep the structure that makes it short (issue 11, item 7).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lianfang.cli.app import COMMANDS

ROOT = Path(__file__).resolve().parent.parent
UNIT = ROOT / "examples" / "units" / "chyy.xlsx"

# run lianfang as its console script does, then list the modules the process imported
_PROBE = """
import json, sys
sys.argv = ["lianfang", *sys.argv[1:]]
from lianfang.cli.app import main
try:
    main()
except SystemExit:
    pass
sys.__stderr__.write("\\n@@" + json.dumps(sorted(sys.modules)))
"""
HEAVY = ("pydantic", "openpyxl", "numpy", "jinja2", "graphviz", "ruamel", "python_calamine", "lianfang.model",
         "lianfang.rules", "lianfang.io.reader")


def imported(*args: str, cwd: Path) -> set[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, env=env, cwd=cwd,
                          encoding="utf-8", timeout=120)
    return set(json.loads(done.stderr.rsplit("@@", 1)[1]))


def heavy(modules: set[str], names=HEAVY) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


@pytest.mark.parametrize("args", [["--version"], ["--help"], []], ids=["version", "help", "no-args"])
def test_version_and_help_import_no_command(tmp_path, args):
    modules = imported(*args, cwd=tmp_path)
    assert heavy(modules) == []
    assert not [m for m in modules if m.startswith("lianfang.cli.") and m.endswith("_cmd")]
    if args:  # Typer's renderer imports Markdown and pygments; the listing does without
        assert "typer.rich_utils" not in modules


def test_convert_to_yaml_imports_no_writer_of_excel_charts_or_templates(tmp_path):
    modules = imported("convert", str(UNIT), "-", cwd=tmp_path)
    assert heavy(modules, ("openpyxl", "numpy", "jinja2", "graphviz")) == []
    # the YAML is written without ruamel's emitter, and reading needs the reading rules alone
    assert heavy(modules, ("ruamel", "lianfang.rules.coverage", "lianfang.rules.quality", "lianfang.rules.flows",
                           "lianfang.rules.references", "lianfang.rules.engine", "lianfang.coverage", "lianfang.config")) == []
    assert [m for m in modules if m.startswith("lianfang.cli.") and m.endswith("_cmd")] == ["lianfang.cli.convert_cmd"]


def test_the_listing_shows_every_command_with_its_summary(runner, app):
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in COMMANDS:
        assert any(line.split()[1:3] == [command.name, command.summary_zh.split()[0]]
                   for line in result.stdout.splitlines() if len(line.split()) > 2), command.name


def test_the_listing_in_english(runner, app):
    result = runner.invoke(app, ["--lang", "en", "--help"])
    assert result.exit_code == 0
    for command in COMMANDS:
        assert command.summary_en.split()[0] in result.stdout


@pytest.mark.parametrize("command", COMMANDS, ids=[c.name for c in COMMANDS])
def test_every_command_shows_its_own_help(runner, app, command):
    import importlib

    module = importlib.import_module("lianfang.cli." + command.target.partition(":")[0])
    result = runner.invoke(app, [command.name, "--help"])
    assert result.exit_code == 0, result.output
    first_line = "".join(module.HELP_ZH.split("\n")[0].split())
    assert first_line in "".join(result.stdout.split())


def test_an_unknown_command_is_exit_2(runner, app):
    result = runner.invoke(app, ["valdate"])
    assert result.exit_code == 2 and "valdate" in result.output


def test_every_command_target_exists():
    import importlib

    for command in COMMANDS:
        module, _, name = command.target.partition(":")
        assert callable(getattr(importlib.import_module("lianfang.cli." + module), name)), command
        assert command.summary_zh and command.summary_en and "\n" not in command.summary_zh + command.summary_en


def test_validate_imports_only_its_own_formatter(tmp_path):
    modules = imported("validate", str(UNIT), "--format", "json", cwd=tmp_path)
    assert heavy(modules, ("openpyxl", "numpy", "jinja2", "graphviz")) == []
    assert sorted(m for m in modules if m.startswith("lianfang.report.")) == ["lianfang.report.json_report"]


def test_reading_rules_alone_and_the_registry_still_has_every_rule(tmp_path):
    """Importing rules.reading (convert) loads no other rule module; asking the registry for
    its rules loads them all, whichever module came first."""
    probe = ("import sys, json; import lianfang.rules.reading; before = sorted(m for m in sys.modules if m.startswith('lianfang.rules.'));"
             "from lianfang.rules import REGISTRY; codes = [r.code for r in REGISTRY]; print(json.dumps([before, codes]))")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    before, codes = json.loads(done.stdout)
    assert before == ["lianfang.rules.base", "lianfang.rules.reading"]
    from lianfang.rules import REGISTRY

    assert codes == [r.code for r in REGISTRY] and len(codes) > 30


def test_main_exits_without_the_last_collection_and_every_output_is_written(tmp_path):
    """``main`` freezes the objects before the interpreter exits (speed.exit_without_collection):
    the file convert writes is whole all the same."""
    probe = ("import atexit, gc, sys; atexit.register(lambda: sys.stderr.write(f'@frozen={gc.get_freeze_count()}'));"
             "sys.argv = ['lianfang', *sys.argv[1:]]; from lianfang.cli.app import main; main()")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    out = tmp_path / "u.yaml"
    done = subprocess.run([sys.executable, "-c", probe, "convert", str(UNIT), str(out)], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=120, encoding="utf-8")
    assert done.returncode == 0, done.stderr
    assert int(done.stderr.rsplit("@frozen=", 1)[1]) > 10_000
    from lianfang.io.reader import read_workbook
    from lianfang.io.yaml_writer import dump_yaml

    assert out.read_text(encoding="utf-8") == dump_yaml(read_workbook(UNIT).workbook)


def test_a_default_factory_taking_data_is_still_refused_without_asking_list_or_a_model():
    from pydantic import Field

    from lianfang.model.workbook import Criteria, Post, _Layout, _takes_no_data

    assert _takes_no_data(list) and _takes_no_data(Criteria) and not _takes_no_data(lambda data: [])

    class Odd(Post):
        extra_list: list[str] = Field(default_factory=lambda data: list(data["holders"]))

    with pytest.raises(TypeError, match="taking data"):
        _Layout(Odd)
