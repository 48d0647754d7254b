from datetime import date

import pytest

from lianfang.config import ConfigError, Settings, find_config, load_settings, parse_codes
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
