import shutil
from datetime import date
from pathlib import Path

import pytest

from lianfang.config import (
    ConfigError,
    Settings,
    build_settings,
    find_config,
    load_settings,
    parse_codes,
    parse_option_value,
)
from lianfang.findings import Finding, Severity


def test_defaults_without_a_file(tmp_path):
    s = load_settings(start=tmp_path)
    assert s.config_path is None and s.select is None and s.enabled("LF402")


def test_found_from_a_parent_folder(tmp_path):
    (tmp_path / "lianfang.toml").write_text(
        '[validate]\nselect = ["LF3", "LF4"]\nignore = ["LF305"]\nas-of = "2026-12-31"\n'
        '[severity]\nLF402 = "error"\nLF403 = "off"\n[rules.LF404]\nyears = 3\n', encoding="utf-8")
    sub = tmp_path / "units" / "a"
    sub.mkdir(parents=True)
    assert find_config(sub) == tmp_path / "lianfang.toml"
    s = load_settings(start=sub)
    assert s.as_of == date(2026, 12, 31)
    assert s.enabled("LF301") and s.enabled("LF402") and not s.enabled("LF305")
    assert not s.enabled("LF201") and not s.enabled("LF403")
    assert s.options == {"LF404": {"years": 3}}
    f = Finding("LF402", "vague-measure", Severity.WARNING, "m")
    assert s.apply(f).severity is Severity.ERROR


@pytest.mark.parametrize("text, fragment", [
    ("[validate\n", "TOML"),
    ('[severity]\nLF402 = "loud"\n', "loud"),
    ('[validate]\nselect = ["XX1"]\n', "XX1"),
    ('[validate]\nas-of = "tomorrow"\n', "tomorrow"),
    ('[rules]\nLF404 = 3\n', "LF404"),
])
def test_bad_configuration_is_a_clear_error(tmp_path, text, fragment):
    p = tmp_path / "lianfang.toml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_settings(config=p)
    assert fragment in str(e.value)


def test_parse_codes():
    assert parse_codes("lf301, LF4;LF5") == {"LF301", "LF4", "LF5"}
    assert Settings(select={"LF3"}).enabled("LF301")


# -- one configuration, checked once, for every command (issue 10 item 7, issue 11 item 4) ---

@pytest.mark.parametrize("text, line, fragment", [
    ('[validate]\nignor = ["LF305"]\n', 2, "ignor"),
    ('[validat]\nignore = ["LF305"]\n', 1, "[validat]"),
    ('# comment\n\n[validate]\nselect = ["LF9"]\n', 4, "LF9"),
    ('[validate]\nignore = "LF3"\nselect = [3]\n', 3, "select"),
    ('[severity]\nLF999 = "error"\n', 2, "LF999"),
    ('[rules.LF404]\nyears = 3\nyear = 4\n', 3, "year"),
    ('[rules."LF998"]\nx = 1\n', 1, "LF998"),
    ('validate = 3\n', 1, "validate"),
])
def test_a_problem_is_an_error_with_file_and_line(tmp_path, monkeypatch, text, line, fragment):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lianfang.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_settings(start=tmp_path)
    assert str(e.value).startswith(f"lianfang.toml:{line}: ") and fragment in str(e.value)


def test_every_problem_is_listed_in_the_order_of_the_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lianfang.toml").write_text(
        '[rules.LF404]\nyear = 3\n[validate]\nignor = ["LF305"]\nselect = ["LF9"]\n[colours]\n', encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_settings(start=tmp_path)
    lines = str(e.value).splitlines()
    assert [line.split(":")[1] for line in lines] == ["2", "4", "5", "6"]
    assert "year" in lines[0] and "ignor" in lines[1] and "LF9" in lines[2] and "[colours]" in lines[3]


def test_a_good_file_keeps_every_setting(tmp_path):
    (tmp_path / "lianfang.toml").write_text(
        '[validate]\nselect = "LF3, LF4"\nas-of = 2026-12-31\n[severity]\nlf402 = "off"\n', encoding="utf-8")
    s = load_settings(start=tmp_path)
    assert s.select == {"LF3", "LF4"} and s.as_of == date(2026, 12, 31) and s.severities == {"LF402": None}


def test_build_settings_lets_the_command_line_override_the_file(tmp_path):
    (tmp_path / "lianfang.toml").write_text('[validate]\nselect = ["LF3"]\n', encoding="utf-8")
    s = build_settings(select=["LF4"], severity=["LF402=error"], option=["LF404.years=3"], as_of="2026-01-02",
                       start=tmp_path)
    assert s.select == {"LF4"} and s.severities == {"LF402": Severity.ERROR}
    assert s.options == {"LF404": {"years": 3}} and s.as_of == date(2026, 1, 2)


@pytest.mark.parametrize("kwargs, fragment", [
    ({"select": ["LF9"]}, "LF9"),
    ({"ignore": ["LF77"]}, "LF77"),
    ({"severity": ["LF999=error"]}, "LF999"),
    ({"severity": ["LF402"]}, "--severity"),
    ({"option": ["LF404.yeers=3"]}, "yeers"),
    ({"option": ["LF404.years=three"]}, "three"),
    ({"option": ["years=3"]}, "--option"),
    ({"as_of": "someday"}, "someday"),
    ({"config": Path("no-such.toml")}, "no-such.toml"),
])
def test_build_settings_refuses_what_the_catalogue_lacks(tmp_path, kwargs, fragment):
    with pytest.raises(ConfigError) as e:
        build_settings(start=tmp_path, **kwargs)
    assert fragment in str(e.value)


def test_parse_option_value_types_the_value_as_the_default():
    assert parse_option_value("LF404", "years", " 3 ") == 3
    assert parse_option_value("LF407", "keywords", "采购，招标、基建") == ["采购", "招标", "基建"]


BAD_CONFIGS = {
    "misspelt key": ('[validate]\nignor = ["LF305"]\n', "lianfang.toml:2:", "ignor"),
    "no such rule": ('[validate]\nselect = ["LF9"]\n', "lianfang.toml:2:", "LF9"),
}
FIXTURES = Path(__file__).resolve().parent / "fixtures"
UNIT = Path(__file__).resolve().parent / "golden" / "reports" / "input" / "chyy.yaml"


@pytest.mark.parametrize("bad", BAD_CONFIGS, ids=list(BAD_CONFIGS))
@pytest.mark.parametrize("command", [
    ["validate", "chyy.yaml"],
    ["coverage", "chyy.yaml"],
    ["flowchart", "chyy.yaml", "--format", "dot", "-o", "charts"],
    ["handbook", "build", "project"],
    ["status", "project"],
    ["publish", "project", "-o", "public"],
], ids=lambda c: c[0])
def test_a_bad_configuration_stops_every_command_the_same_way(runner, app, tmp_path, monkeypatch, command, bad):
    """Exit 2 and the same located message from each command; nothing written."""
    text, where, fragment = BAD_CONFIGS[bad]
    shutil.copy(UNIT, tmp_path / "chyy.yaml")
    shutil.copytree(FIXTURES / "handbook", tmp_path / "project")
    (tmp_path / "lianfang.toml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, command)
    assert result.exit_code == 2, result.output
    assert where in result.output and fragment in result.output and "Traceback" not in result.output
    assert not (tmp_path / "charts").exists() and not (tmp_path / "project" / "build").exists()
    assert not (tmp_path / "public").exists()
