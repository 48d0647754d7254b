"""``lianfang validate`` on the command line: exit statuses, options, configuration, discovery, output."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from lianfang.discover import DiscoveryError, display_path, find_workbooks
from lianfang.findings import Severity
from lianfang.rules import REGISTRY, Rule

INPUT = Path(__file__).parent / "golden" / "reports" / "input"
AS_OF = "2026-12-31"

# codes chyy.yaml gives with every rule on, as of AS_OF (the golden files show the messages)
CHYY_CODES = ["LF404", "LF306", "LF305", "LF305", "LF302", "LF301", "LF307", "LF402", "LF203", "LF503"]


@pytest.fixture
def work(tmp_path, monkeypatch) -> Path:
    """A working folder holding units/chyy.yaml; the current folder."""
    (tmp_path / "units").mkdir()
    shutil.copy(INPUT / "chyy.yaml", tmp_path / "units" / "chyy.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(runner, app, *args: str):
    result = runner.invoke(app, ["validate", *args])
    assert "Traceback" not in result.output, result.output
    return result


def codes(runner, app, *args: str) -> list[str]:
    result = run(runner, app, "--format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    data = json.loads(result.stdout)
    return [f["code"] for file in data["files"] for f in file["findings"]]


def findings(runner, app, *args: str) -> list[dict]:
    result = run(runner, app, "--format", "json", *args)
    return [f for file in json.loads(result.stdout)["files"] for f in file["findings"]]


# -- exit statuses ------------------------------------------------------------------------------

def test_all_findings_of_the_fixture(runner, app, work):
    assert codes(runner, app, "units", "--as-of", AS_OF) == CHYY_CODES


def test_exit_1_on_an_error(runner, app, work):
    assert run(runner, app, "units", "--as-of", AS_OF).exit_code == 1


def test_exit_0_with_warnings_only_and_1_under_strict(runner, app, work):
    args = ("units", "--as-of", AS_OF, "--ignore", "LF301,LF203")
    result = run(runner, app, *args)
    assert result.exit_code == 0 and "警告" in result.stdout
    assert run(runner, app, *args, "--strict").exit_code == 1


def test_infos_never_fail_even_under_strict(runner, app, work):
    assert codes(runner, app, "units", "--select", "LF305") == ["LF305", "LF305"]
    assert run(runner, app, "units", "--select", "LF305", "--strict").exit_code == 0


def test_exit_0_on_a_clean_selection(runner, app, work):
    result = run(runner, app, "units", "--select", "LF5", "--ignore", "LF503")
    assert result.exit_code == 0
    assert "未发现问题" in result.stdout or "审核通过" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nothere.yaml"], "路径不存在：nothere.yaml"),
        (["units", "--format", "xml"], "未知的输出格式「xml」"),
        (["units", "--select", "XX1"], "无效的规则代码「XX1」"),
        (["units", "--select", "LF9"], "没有以 LF9 开头的规则"),
        (["units", "--ignore", "LF999"], "没有以 LF999 开头的规则"),
        (["units", "--severity", "LF402"], "--severity 应写作 代码=级别"),
        (["units", "--severity", "LF402=fatal"], "LF402 的级别「fatal」无效"),
        (["units", "--severity", "LF999=error"], "没有规则 LF999"),
        (["units", "--option", "years=3"], "--option 应写作 代码.选项=值"),
        (["units", "--option", "LF404.months=3"], "规则 LF404 没有选项「months」"),
        (["units", "--option", "LF404.years=many"], "选项 LF404.years 的值「many」无效"),
        (["units", "--option", "LF404.years=0"], "LF404 的选项 years 应为正整数"),
        (["units", "--as-of", "去年"], "日期「去年」无效"),
        (["units", "--config", "none.toml"], "配置文件不存在：none.toml"),
    ],
)
def test_exit_2_with_a_clear_chinese_message(runner, app, work, args, message):
    result = run(runner, app, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_exit_2_on_an_unknown_option(runner, app, work):
    assert run(runner, app, "units", "--frobnicate").exit_code == 2


def test_exit_2_when_no_workbook_is_found(runner, app, work):
    empty = work / "empty"
    empty.mkdir()
    (empty / "~$锁文件.xlsx").write_bytes(b"lock")
    (empty / "说明.txt").write_text("x", encoding="utf-8")
    result = run(runner, app, "empty")
    assert result.exit_code == 2 and "没有找到工作簿文件" in result.stderr


def test_exit_2_on_a_bad_config_file(runner, app, work):
    (work / "lianfang.toml").write_text("[validate\nselect = 1", encoding="utf-8")
    result = run(runner, app, "units")
    assert result.exit_code == 2 and "不是有效的 TOML" in result.stderr


def test_messages_in_english(runner, app, work):
    result = run(runner, app, "nothere.yaml", "--lang", "en")
    assert result.exit_code == 2 and "no such file or folder: nothere.yaml" in result.stderr


# -- rule selection and options ----------------------------------------------------------------

def test_select_and_ignore_take_codes_and_prefixes(runner, app, work):
    assert codes(runner, app, "units", "--as-of", AS_OF, "--select", "LF3") == ["LF306", "LF305", "LF305", "LF302", "LF301", "LF307"]
    assert codes(runner, app, "units", "--as-of", AS_OF, "--select", "LF3", "--select", "LF402") == [
        "LF306", "LF305", "LF305", "LF302", "LF301", "LF307", "LF402"]
    assert codes(runner, app, "units", "--as-of", AS_OF, "--ignore", "lf3,LF404") == ["LF402", "LF203", "LF503"]


def test_severity_changes_a_rule_or_turns_it_off(runner, app, work):
    found = findings(runner, app, "units", "--as-of", AS_OF, "--severity", "LF402=error", "--severity", "LF301=off")
    assert "LF301" not in [f["code"] for f in found]
    assert next(f for f in found if f["code"] == "LF402")["severity"] == "error"
    # an error made a warning no longer fails the run
    result = run(runner, app, "units", "--severity", "LF301=warning", "--severity", "LF203=info")
    assert result.exit_code == 0


def test_as_of_decides_rotation(runner, app, work):
    assert "LF404" in codes(runner, app, "units", "--as-of", AS_OF)
    assert "LF404" not in codes(runner, app, "units", "--as-of", "2019-12-31")
    assert "LF404" in codes(runner, app, "units", "--as-of", "2020年3月1日")  # on the day itself


def test_as_of_defaults_to_today(runner, app, work):
    out = run(runner, app, "units", "--format", "review").stdout
    assert f"按 {date.today().isoformat()} 的状态生成" in out


def test_option_sets_a_rule_option(runner, app, work):
    assert "LF404" not in codes(runner, app, "units", "--as-of", AS_OF, "--option", "LF404.years=20")
    assert "LF404" in codes(runner, app, "units", "--as-of", AS_OF, "--option", "LF404.years=3")


def test_config_file_and_command_line_override(runner, app, work):
    (work / "strict.toml").write_text(
        '[validate]\nignore = ["LF301"]\nas-of = "2019-01-01"\n[severity]\nLF402 = "error"\n', encoding="utf-8")
    found = findings(runner, app, "units", "--config", "strict.toml")
    found_codes = [f["code"] for f in found]
    assert "LF301" not in found_codes and "LF404" not in found_codes  # as-of 2019 from the file
    assert next(f for f in found if f["code"] == "LF402")["severity"] == "error"
    # the command line wins: --ignore replaces the file's list, --as-of and --severity override it
    found = findings(runner, app, "units", "--config", "strict.toml", "--ignore", "LF305", "--as-of", AS_OF,
                     "--severity", "LF402=info")
    found_codes = [f["code"] for f in found]
    assert "LF301" in found_codes and "LF305" not in found_codes and "LF404" in found_codes
    assert next(f for f in found if f["code"] == "LF402")["severity"] == "info"


def test_lianfang_toml_is_found_from_the_current_folder_upward(runner, app, work, monkeypatch):
    (work / "lianfang.toml").write_text('[validate]\nselect = ["LF301"]\n', encoding="utf-8")
    monkeypatch.chdir(work / "units")
    assert codes(runner, app, "chyy.yaml") == ["LF301"]


def test_an_option_in_the_config_file_is_checked(runner, app, work):
    (work / "lianfang.toml").write_text("[rules.LF404]\nmonths = 3\n", encoding="utf-8")
    result = run(runner, app, "units")
    assert result.exit_code == 2 and "LF404" in result.stderr and "months" in result.stderr


@pytest.fixture
def test_rule():
    """A rule registered for one test only: one finding per power, severity warning."""

    class PowerNote(Rule):
        """Test rule: names every power."""

        code = "LF599"
        name = "test-power-note"
        severity = Severity.WARNING
        title_zh = "测试规则"
        title_en = "test rule"
        defaults = {"prefix": "职权"}

        def check(self, workbook, ctx):
            for p in workbook.powers:
                yield self.finding(f"{ctx.option(self, 'prefix')} {p.id}", at=p.loc("id"), object=p.id, field="id")

    REGISTRY.register(PowerNote)
    yield PowerNote
    del REGISTRY._rules["LF599"]  # unregister, so no other test sees it


def test_a_registered_rule_runs_with_its_options(runner, app, work, test_rule):
    found = findings(runner, app, "units", "--select", "LF599", "--option", "LF599.prefix=权力")
    assert [(f["code"], f["object"], f["message"], f["severity"]) for f in found] == [
        ("LF599", "QL-01", "权力 QL-01", "warning"), ("LF599", "QL-02", "权力 QL-02", "warning")]
    assert run(runner, app, "units", "--select", "LF599").exit_code == 0
    assert run(runner, app, "units", "--select", "LF599", "--strict").exit_code == 1
    sarif = json.loads(run(runner, app, "units", "--select", "LF599", "--format", "sarif").stdout)
    assert "LF599" in [r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]]


def test_the_test_rule_is_gone_afterwards():
    assert REGISTRY.get("LF599") is None


# -- several files, discovery -------------------------------------------------------------------

def test_an_unreadable_file_among_good_ones(runner, app, work):
    (work / "units" / "broken.yaml").write_text("unit: [\n", encoding="utf-8")
    (work / "units" / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0 not a workbook")
    shutil.copy(INPUT / "chyy.yaml", work / "units" / "zz.yaml")
    result = run(runner, app, "units", "units/old.xls", "--format", "json", "--as-of", AS_OF)
    assert result.exit_code == 1
    files = json.loads(result.stdout)["files"]
    assert [f["path"] for f in files] == ["units/broken.yaml", "units/chyy.yaml", "units/old.xls", "units/zz.yaml"]
    assert [f["code"] for f in files[0]["findings"]] == ["LF100"]
    assert [f["code"] for f in files[2]["findings"]] == ["LF100"]
    assert [f["code"] for f in files[1]["findings"]] == CHYY_CODES == [f["code"] for f in files[3]["findings"]]


def test_discovery_skips_lock_files_hidden_folders_and_venvs(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    # format 1.1: every spreadsheet type in any letter case, and the ones it cannot read (LF100)
    kept = ["a/K2.XLSX", "a/b/z.yaml", "a/data.CSV", "a/k.xlsx", "a/m.yml", "a/n.ods", "a/old.xls", "a/s.xlsb",
            "a/u.Numbers", "a/w.et", "a/x.xlsm", "top.yaml"]
    for name in kept:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    for skipped in ("a/~$k.xlsx", "a/~$old.XLS", "a/.hidden.yaml", "a/.~lock.k.xlsx#", ".git/x.yaml", ".venv/lib/y.yaml",
                    "a/.wps/y.et", "a/node_modules/n.yaml", "a/__pycache__/p.yaml", "a/notes.txt", "a/report.docx"):
        (tmp_path / skipped).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / skipped).write_text("x", encoding="utf-8")
    found = find_workbooks([tmp_path], base=tmp_path)
    assert [w.display for w in found] == sorted(kept)


def test_discovery_keeps_an_explicit_file_and_lists_each_file_once(tmp_path):
    (tmp_path / "u").mkdir()
    (tmp_path / "u" / "a.yaml").write_text("x", encoding="utf-8")
    (tmp_path / "u" / "~$b.xlsx").write_text("x", encoding="utf-8")
    found = find_workbooks([tmp_path / "u" / "a.yaml", tmp_path / "u", tmp_path / "u" / "~$b.xlsx"], base=tmp_path)
    assert [w.display for w in found] == ["u/a.yaml", "u/~$b.xlsx"]


def test_discovery_errors(tmp_path):
    with pytest.raises(DiscoveryError, match="路径不存在"):
        find_workbooks([tmp_path / "missing"])
    with pytest.raises(DiscoveryError, match="没有找到工作簿文件"):
        find_workbooks([tmp_path])


def test_display_path_is_relative_inside_and_absolute_outside(tmp_path):
    assert display_path(tmp_path / "u" / "a.yaml", base=tmp_path) == "u/a.yaml"
    assert display_path(tmp_path / "a.yaml", base=tmp_path / "u") == (tmp_path / "a.yaml").as_posix()


# -- --output -----------------------------------------------------------------------------------

def test_output_writes_the_report_and_refuses_to_overwrite(runner, app, work):
    result = run(runner, app, "units", "--as-of", AS_OF, "--format", "json", "-o", "report.json")
    assert result.exit_code == 1 and result.stdout == ""
    assert "已写入 report.json" in result.stderr
    written = (work / "report.json").read_text(encoding="utf-8")
    assert json.loads(written)["summary"]["files"] == 1
    # no overwrite without --force; the old report is kept
    (work / "report.json").write_text("old", encoding="utf-8")
    result = run(runner, app, "units", "--format", "json", "-o", "report.json")
    assert result.exit_code == 2 and "已存在" in result.stderr and "--force" in result.stderr
    assert (work / "report.json").read_text(encoding="utf-8") == "old"
    result = run(runner, app, "units", "--as-of", AS_OF, "--format", "json", "-o", "report.json", "--force")
    assert result.exit_code == 1 and (work / "report.json").read_text(encoding="utf-8") == written
    assert not [p for p in work.iterdir() if p.name.endswith(".tmp")]


def test_review_output_file_has_no_markup(runner, app, work):
    run(runner, app, "units", "--as-of", AS_OF, "--format", "review", "-o", "意见.txt")
    text = (work / "意见.txt").read_text(encoding="utf-8")
    assert text.startswith("关于《巢湖市第一人民医院廉政风险防控工作簿》的审核意见")
    assert "[bold" not in text and "[/]" not in text and "\x1b[" not in text
    assert text == run(runner, app, "units", "--as-of", AS_OF, "--format", "review").stdout


def test_colour_only_on_a_colour_terminal(runner, app, work, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    coloured = run(runner, app, "units", "--as-of", AS_OF).stdout
    assert "\x1b[1;31m错误" in coloured
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in run(runner, app, "units", "--as-of", AS_OF).stdout
    monkeypatch.delenv("NO_COLOR")
    run(runner, app, "units", "--as-of", AS_OF, "-o", "清单.txt")
    assert "\x1b[" not in (work / "清单.txt").read_text(encoding="utf-8")


def test_output_never_replaces_an_input(runner, app, work):
    before = (work / "units" / "chyy.yaml").read_bytes()
    result = run(runner, app, "units/chyy.yaml", "-o", "units/chyy.yaml", "--force")
    assert result.exit_code == 2 and "输入文件" in result.stderr
    assert (work / "units" / "chyy.yaml").read_bytes() == before


def test_inputs_are_not_modified(runner, app, work):
    before = (work / "units" / "chyy.yaml").read_bytes()
    run(runner, app, "units", "--format", "sarif")
    assert (work / "units" / "chyy.yaml").read_bytes() == before


def test_commands_are_registered_with_help(runner, app):
    listing = runner.invoke(app, ["--help"])
    assert "validate" in listing.stdout and "coverage" in listing.stdout
    for command in ("validate", "coverage"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0 and "示例" in result.stdout


# -- YAML files that are plainly not workbooks ----------------------------------------------------

def _not_workbooks(work: Path) -> None:
    (work / "units" / "lianfang-ci.yml").write_text("name: CI\non: push\njobs: {}\n", encoding="utf-8")
    (work / "units" / ".pre-commit-config.yaml").write_text("repos: []\n", encoding="utf-8")  # hidden: never searched
    (work / "units" / "hooks.yaml").write_text("- id: x\n  entry: y\n", encoding="utf-8")


def test_a_folder_skips_and_counts_yaml_that_is_not_a_workbook(runner, app, work):
    _not_workbooks(work)
    result = run(runner, app, "units", "--as-of", AS_OF)
    assert "lianfang-ci.yml" not in result.stdout and "hooks.yaml" not in result.stdout
    assert result.stdout.rstrip().endswith("；跳过 2 个不是工作簿的文件。")
    assert "跳过 2 个不是工作簿的 YAML 文件：units/hooks.yaml、units/lianfang-ci.yml" in result.stderr
    data = json.loads(run(runner, app, "units", "--as-of", AS_OF, "--format", "json").stdout)
    assert [f["path"] for f in data["files"]] == ["units/chyy.yaml"] and data["summary"]["files"] == 1


def test_named_explicitly_it_is_still_lf101_unless_skip_non_workbooks(runner, app, work):
    _not_workbooks(work)
    named = run(runner, app, "units/lianfang-ci.yml", "--format", "json")
    assert named.exit_code == 1 and "LF101" in named.stdout
    skipped = run(runner, app, "units/lianfang-ci.yml", "--skip-non-workbooks")
    assert skipped.exit_code == 0 and skipped.stdout == "" and "units/lianfang-ci.yml" in skipped.stderr
    # a workbook is never skipped, and neither is a YAML file that cannot be read at a glance
    (work / "units" / "flow.yaml").write_text("{unit: {name: x}}\n", encoding="utf-8")
    kept = run(runner, app, "units/chyy.yaml", "units/flow.yaml", "--skip-non-workbooks", "--format", "json")
    assert [f["path"] for f in json.loads(kept.stdout)["files"]] == ["units/chyy.yaml", "units/flow.yaml"]
