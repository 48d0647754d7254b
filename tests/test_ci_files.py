"""The CI files (.pre-commit-hooks.yaml, action.yml, docs/ci.md, docs/git.md) parse, and every
lianfang command they name exists with the options they give it; the action's scripts run."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import typer.main
from ruamel.yaml import YAML

from hostile import SMALL_YAML
from lianfang.cli.app import create_app
from lianfang.findings import FileReport, Finding, Location, Severity
from lianfang.report import FORMATS, CheckedFile, RenderOptions, markdown

ROOT = Path(__file__).resolve().parent.parent
BROKEN = ROOT / "examples" / "broken" / "broken.yaml"


def load_yaml(text: str):
    return YAML(typ="safe", pure=True).load(text)


def cli():
    """The root command as click sees it (a group: it has ``commands``)."""
    return typer.main.get_command(create_app())


# -- lianfang invocations written in shell scripts and docs ------------------------------------

_INVOCATION = re.compile(r"(?:^|[\s;&|(`])lianfang[ \t]+([a-z][a-z-]*(?:[ \t]+[a-z][a-z-]*)?)([^\n`]*)")
_SHELL_END = re.compile(r"\s(?:\|\||&&|>>?|\||;)\s|\s#\s")


def invocations(text: str) -> list[list[str]]:
    """Every ``lianfang COMMAND ARGS`` in ``text``, as tokens from the command on."""
    found = []
    for m in _INVOCATION.finditer(text):
        rest = _SHELL_END.split(" " + m.group(2) + " ", maxsplit=1)[0]
        try:
            tokens = shlex.split(m.group(1) + " " + rest)
        except ValueError:
            tokens = (m.group(1) + " " + rest).split()
        found.append(tokens)
    return found


def check_invocation(tokens: list[str]):
    """The command ``tokens`` name, after checking that each option exists (and each literal
    --format of validate is a real format)."""
    command = cli()
    i = 0
    while hasattr(command, "commands"):
        assert i < len(tokens) and tokens[i] in command.commands, f"lianfang has no command {tokens[: i + 1]}"
        command = command.commands[tokens[i]]
        i += 1
    options = {o for p in command.params for o in (*p.opts, *p.secondary_opts)}
    args = tokens[i:]
    for j, t in enumerate(args):
        if t.startswith("-") and t != "-" and not t.startswith("-$"):
            name = t.split("=", 1)[0]
            assert name in options, f"lianfang {' '.join(tokens[:i])} has no option {name}"
            if name == "--format" and command.name == "validate" and j + 1 < len(args) and not args[j + 1].startswith("$"):
                assert args[j + 1] in FORMATS, args[j + 1]
    return command


def code_of(markdown_text: str) -> str:
    """The fenced code blocks and inline code spans of a Markdown page."""
    blocks = re.findall(r"```[a-z]*\n(.*?)```", markdown_text, flags=re.S)
    prose = re.sub(r"```[a-z]*\n.*?```", "", markdown_text, flags=re.S)
    code = "\n".join(blocks + re.findall(r"`([^`\n]+)`", prose))
    return re.sub(r"(^|\s)#\s.*$", "", code, flags=re.M)  # comments are prose too


def test_the_invocation_checker_catches_mistakes():
    with pytest.raises(AssertionError, match="no option --colour"):
        check_invocation(["validate", "units", "--colour"])
    with pytest.raises(AssertionError, match="no command"):
        check_invocation(["valdate", "units"])
    with pytest.raises(AssertionError):
        check_invocation(["validate", "units", "--format", "html"])
    assert check_invocation(["handbook", "build", "-o", "out"]).name == "build"
    assert invocations('x && lianfang validate "${p[@]}" --format github || s=$?') == [["validate", "${p[@]}", "--format", "github"]]


# -- pre-commit --------------------------------------------------------------------------------


def hooks() -> list[dict]:
    return load_yaml((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def test_pre_commit_hook_parses_and_names_a_real_entry():
    (hook,) = hooks()
    assert hook["id"] == "lianfang-validate"
    assert hook["language"] == "python" and hook["types"] == ["file"]
    program, *command = shlex.split(hook["entry"])
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert program in scripts
    assert check_invocation(command).name == "validate"


@pytest.mark.parametrize(("name", "selected"), [
    ("units/chyy.xlsx", True), ("chyy.yaml", True), ("a/b/c.yml", True),
    ("units/chyy.xls", True), ("units/chyy.ods", True), ("units/chyy.et", True), ("units/chyy.xlsm", True),
    ("units/CHYY.XLSX", True), ("单位.Yaml", True), ("units/chyy.XLS", True),
    ("report.json", False), ("x.yamlx", False), ("units/chyy.xlsb", False), ("sheet.csv", False),
    ("units/~$chyy.xlsx", False), ("~$chyy.xlsx", False), ("units/.~lock.chyy.xlsx#", False),
])
def test_pre_commit_hook_selects_workbooks_only(name, selected):
    (hook,) = hooks()
    # pre-commit uses re.search for both patterns
    chosen = re.search(hook["files"], name) is not None and re.search(hook["exclude"], name) is None
    assert chosen is selected


def test_pre_commit_hook_runs_as_pre_commit_would(tmp_path):
    """pre-commit runs entry + args + the changed files' names."""
    (hook,) = hooks()
    (tmp_path / "good.yaml").write_text(SMALL_YAML, encoding="utf-8")
    shutil.copy(BROKEN, tmp_path / "broken.yaml")
    _, *command = shlex.split(hook["entry"])

    def run(*files):
        return subprocess.run([sys.executable, "-m", "lianfang", *command, *files], cwd=tmp_path, capture_output=True, text=True)

    assert run("good.yaml").returncode == 0
    bad = run("good.yaml", "broken.yaml")
    assert bad.returncode == 1 and "broken.yaml" in bad.stdout
    # a hook with no files: of its own passes the configuration files too; they are skipped and counted
    (tmp_path / ".pre-commit-config.yaml").write_text("repos:\n  - repo: local\n    hooks: []\n", encoding="utf-8")
    (tmp_path / "ci.yml").write_text("name: CI\non: push\njobs: {}\n", encoding="utf-8")
    config = run(".pre-commit-config.yaml", "ci.yml")
    assert config.returncode == 0 and config.stdout == "" and "跳过 2 个不是工作簿的 YAML 文件" in config.stderr
    mixed = run(".pre-commit-config.yaml", "good.yaml")
    assert mixed.returncode == 0 and "LF101" not in mixed.stdout
    assert "共检查 1 个文件，0 个未通过；0 个错误，0 个警告，0 个提示；跳过 1 个不是工作簿的文件。" in mixed.stdout


# -- the GitHub Action -------------------------------------------------------------------------


def action() -> dict:
    return load_yaml((ROOT / "action.yml").read_text(encoding="utf-8"))


def step(name: str) -> dict:
    return next(s for s in action()["runs"]["steps"] if s.get("name") == name)


def test_action_is_a_composite_action_with_its_inputs_used():
    a = action()
    assert a["runs"]["using"] == "composite"
    text = (ROOT / "action.yml").read_text(encoding="utf-8")
    used = set(re.findall(r"inputs\.([a-z-]+)", text))
    assert used == set(a["inputs"]), used ^ set(a["inputs"])
    ids = {s.get("id") for s in a["runs"]["steps"]}
    for output in a["outputs"].values():
        (step_id,) = re.findall(r"steps\.([a-z-]+)\.outputs", output["value"])
        assert step_id in ids
    for s in a["runs"]["steps"]:
        assert ("uses" in s) != ("run" in s)
        if "run" in s:
            assert s["shell"] == "bash"
            assert "${{ inputs." not in s["run"], "inputs must reach scripts as env variables"
        else:
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@v\d+", s["uses"]), s["uses"]
    uses = dict(s["uses"].split("@") for s in a["runs"]["steps"] if "uses" in s)
    # the current majors (codeql-action v3 is deprecated from December 2026; setup-python v5 runs on Node 20)
    assert uses == {"actions/setup-python": "v6", "github/codeql-action/upload-sarif": "v4"}
    assert "${{ github.action_path }}" in text


def test_action_scripts_call_real_options_of_validate():
    commands = [tokens for s in action()["runs"]["steps"] if "run" in s for tokens in invocations(s["run"])]
    formats = set()
    for tokens in commands:
        assert check_invocation(tokens).name == "validate"
        formats.add(tokens[tokens.index("--format") + 1])
    assert formats == {"github", "markdown", "sarif"}


@pytest.fixture
def runner_env(tmp_path) -> dict[str, str]:
    """What a GitHub runner gives a step: summary and output files, a temp folder, lianfang on PATH."""
    (tmp_path / "units").mkdir()
    (tmp_path / "units" / "good.yaml").write_text(SMALL_YAML, encoding="utf-8")
    shutil.copy(BROKEN, tmp_path / "units" / "broken.yaml")
    (tmp_path / "runner").mkdir()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "lianfang"
    shim.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m lianfang "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "RUNNER_TEMP": str(tmp_path / "runner"),
           "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"), "GITHUB_OUTPUT": str(tmp_path / "output.txt"),
           "NO_COLOR": "1"}
    (tmp_path / "summary.md").write_text("", encoding="utf-8")
    (tmp_path / "output.txt").write_text("", encoding="utf-8")
    return env


def run_step(name: str, env: dict[str, str], cwd: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    s = step(name)
    step_env = {**env, **{k: str(v) for k, v in s.get("env", {}).items() if "${{" not in str(v)}, **variables}
    return subprocess.run(["bash", "-e", "-c", s["run"]], cwd=cwd, env=step_env, capture_output=True, text=True, timeout=300)


def outputs(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines() if line)


def test_action_validate_step_annotates_summarises_and_writes_sarif(runner_env, tmp_path):
    result = run_step("Validate", runner_env, tmp_path, LIANFANG_PATHS="units", LIANFANG_ARGS="--as-of 2026-12-31",
                      LIANFANG_LANG="zh", LIANFANG_SARIF="true")
    assert result.returncode == 0, result.stderr
    assert "::error file=units/broken.yaml,line=" in result.stdout
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("## lianfang 工作簿检查结果") and "| units/good.yaml |" in summary and "LF301" in summary
    out = outputs(tmp_path / "output.txt")
    assert out["exit-code"] == "1"
    sarif = json.loads(Path(out["sarif-file"]).read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]


def test_action_validate_step_reports_exit_2_without_a_summary(runner_env, tmp_path):
    result = run_step("Validate", runner_env, tmp_path, LIANFANG_PATHS="no-such-folder", LIANFANG_ARGS="",
                      LIANFANG_LANG="en", LIANFANG_SARIF="true")
    assert result.returncode == 0
    assert outputs(tmp_path / "output.txt") == {"exit-code": "2"}
    assert (tmp_path / "summary.md").read_text(encoding="utf-8") == ""


def test_action_validate_step_passes_when_all_is_well(runner_env, tmp_path):
    (tmp_path / "units" / "broken.yaml").unlink()
    result = run_step("Validate", runner_env, tmp_path, LIANFANG_PATHS="units", LIANFANG_ARGS="", LIANFANG_LANG="zh",
                      LIANFANG_SARIF="false")
    assert result.returncode == 0 and result.stdout.startswith("lianfang")
    assert outputs(tmp_path / "output.txt") == {"exit-code": "0"}


@pytest.mark.parametrize(("status", "fail", "expected"), [("0", "true", 0), ("1", "true", 1), ("1", "false", 0),
                                                          ("2", "false", 2), ("2", "true", 2)])
def test_action_result_step(runner_env, tmp_path, status, fail, expected):
    assert run_step("Result", runner_env, tmp_path, STATUS=status, FAIL=fail).returncode == expected


# -- the docs ----------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["ci.md", "git.md"])
def test_docs_name_only_real_commands_and_options(page):
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    found = invocations(code_of(text))
    assert found
    for tokens in found:
        check_invocation(tokens)


def test_ci_doc_yaml_blocks_parse_and_the_hook_exists():
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, flags=re.S)
    assert len(blocks) >= 5
    for block in blocks:
        load_yaml(block)
    config = load_yaml(blocks[0])
    (hook,) = config["repos"][0]["hooks"]
    assert hook["id"] in {h["id"] for h in hooks()}
    # the documented configuration keeps the hook's own pattern and entry (which skips non-workbook YAML)
    assert "files" not in hook and hook.get("args") == ["--strict"]
    local = next(load_yaml(b) for b in blocks if "repo: local" in b)["repos"][0]["hooks"][0]
    assert local["entry"] == hooks()[0]["entry"] and local["files"] == hooks()[0]["files"]
    gitlab = next(load_yaml(b) for b in blocks if "artifacts" in b)
    assert gitlab["workbooks"]["artifacts"]["reports"]["junit"] == "lianfang-junit.xml"
    workflow = next(load_yaml(b) for b in blocks if "jobs:" in b)
    uses = [s.get("uses", "") for s in workflow["jobs"]["validate"]["steps"]]
    assert any(u.endswith("/lianfang@v0.1.0") for u in uses)
    with_inputs = next(s["with"] for s in workflow["jobs"]["validate"]["steps"] if s.get("uses", "").endswith("lianfang@v0.1.0"))
    assert set(with_inputs) <= set(action()["inputs"])


# -- the Markdown summary ----------------------------------------------------------------------


def _many(n: int, path: str) -> CheckedFile:
    findings = [Finding("LF301", "uncovered-risk", Severity.ERROR, f"风险点 FX-{i} 没有对应的防控措施" + "很长" * 40,
                        Location(line=i, col=3), f"FX-{i}", "id") for i in range(1, n + 1)]
    return CheckedFile(FileReport(path=path, unit="CHYY", findings=findings))


def test_markdown_summary_stays_under_githubs_limit():
    files = [_many(3000, f"units/u{k}.yaml") for k in range(5)]
    text = markdown.render(files, RenderOptions())
    assert len(text.encode()) <= markdown.SIZE_LIMIT + 2048
    listed = text.count("| LF301 uncovered-risk |")
    assert 0 < listed < 15000
    assert f"共 {15000 - listed} 条问题未列出" in text
    # every file is still in the table, and every opened <details> is closed
    assert all(f"| units/u{k}.yaml | CHYY | 3000 |" in text for k in range(5))
    assert text.count("<details") == text.count("</details>")


def test_markdown_summary_of_a_clean_run():
    text = markdown.render([CheckedFile(FileReport(path="units/a.yaml", unit="A"))], RenderOptions())
    assert "<details" not in text and "| units/a.yaml | A | 0 | 0 | 0 | ✅ 通过 |" in text


def test_markdown_summary_strict_fails_on_warnings():
    warning = Finding("LF402", "vague-measure", Severity.WARNING, "套话", Location(line=3, col=1), "CS-1", "description")
    files = [CheckedFile(FileReport(path="a.yaml", unit="A", findings=[warning]))]
    assert "✅ 通过" in markdown.render(files, RenderOptions())
    assert "❌ 未通过" in markdown.render(files, RenderOptions(strict=True))
