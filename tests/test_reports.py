"""Report formats of ``lianfang validate``: golden files per format, and each format's contract.

The golden files in ``tests/golden/reports/`` are the whole output of ``lianfang validate`` on
the fixture folder built by ``units`` (``input/chyy.yaml`` submitted for review, an unreadable
``input/broken.yaml`` and a draft ``draft.xlsx`` written here). After an intended change of a
message, a rule or a format, regenerate them and review the diff::

    LIANFANG_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_reports.py
"""

from __future__ import annotations

import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lianfang import __version__
from lianfang.findings import FileReport, Finding, Location, Severity
from lianfang.i18n import set_lang
from lianfang.report import FORMATS, CheckedFile, RenderOptions, github, junit, sarif
from lianfang.rules import REGISTRY
from xlsx_helpers import Sheet, base_sheets, write_xlsx

GOLDEN = Path(__file__).parent / "golden" / "reports"
INPUT = GOLDEN / "input"
UPDATE = os.environ.get("LIANFANG_UPDATE_GOLDEN") == "1"
AS_OF = "2026-12-31"


def check_golden(name: str, text: str) -> None:
    """Compare with the golden file (the version stabilised as <VERSION>), or rewrite it."""
    text = text.replace(__version__, "<VERSION>")
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"no golden file {path.name}: run with LIANFANG_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs; if intended, regenerate with LIANFANG_UPDATE_GOLDEN=1"


def draft_xlsx(path: Path) -> Path:
    """A draft (草稿) xlsx workbook: an empty 风险等级 (F3), an uncovered FX-03 (row 4), an unknown column."""
    sheets = base_sheets()
    sheets["单位信息"] = [["状态", "草稿"] if row[0] == "状态" else row for row in sheets["单位信息"]]
    risks = sheets["风险点"]
    risks[0].append("负责人")  # LF106
    risks[2][5] = None  # FX-02 without 风险等级: LF103 at F3
    risks.append(["FX-03", "QL-01", "GW-01", "思想道德", "院长接受供应商宴请", "中"])
    sheets["风险点"] = Sheet(risks)
    return write_xlsx(path, sheets)


@pytest.fixture
def units(tmp_path, monkeypatch) -> Path:
    """``units/`` with the three fixture files; the current folder is its parent."""
    folder = tmp_path / "units"
    folder.mkdir()
    shutil.copy(INPUT / "chyy.yaml", folder / "chyy.yaml")
    shutil.copy(INPUT / "broken.yaml", folder / "broken.yaml")
    draft_xlsx(folder / "draft.xlsx")
    monkeypatch.chdir(tmp_path)
    return folder


def run(runner, app, *args: str):
    result = runner.invoke(app, ["validate", *args])
    assert "Traceback" not in result.output
    return result


GOLDEN_NAMES = {"text": "validate.txt", "json": "validate.json", "github": "validate.github.txt",
                "junit": "validate.junit.xml", "sarif": "validate.sarif.json", "markdown": "validate.md",
                "review": "validate.review.txt"}


@pytest.mark.parametrize("fmt", sorted(GOLDEN_NAMES))
def test_golden_per_format(runner, app, units, fmt):
    result = run(runner, app, "units", "--as-of", AS_OF, "--format", fmt)
    assert result.exit_code == 1
    check_golden(GOLDEN_NAMES[fmt], result.stdout)


def test_golden_text_in_english(runner, app, units):
    set_lang("en")
    result = run(runner, app, "units", "--as-of", AS_OF, "--lang", "en")
    assert result.exit_code == 1
    check_golden("validate.en.txt", result.stdout)


def test_every_format_is_in_the_mapping_and_golden():
    assert set(FORMATS) == set(GOLDEN_NAMES)


# -- JSON: the findings.md shape --------------------------------------------------------------

FINDING_KEYS = {"code": str, "name": str, "severity": str, "message": str, "sheet": (str, type(None)),
                "row": (int, type(None)), "column": (str, type(None)), "cell": (str, type(None)),
                "line": (int, type(None)), "col": (int, type(None)), "object": (str, type(None)),
                "field": (str, type(None))}


def test_json_has_exactly_the_findings_md_shape(runner, app, units):
    data = json.loads(run(runner, app, "units", "--as-of", AS_OF, "--format", "json").stdout)
    assert set(data) == {"version", "tool", "files", "summary"}
    assert data["version"] == 1 and data["tool"] == f"lianfang {__version__}"
    assert [f["path"] for f in data["files"]] == ["units/broken.yaml", "units/chyy.yaml", "units/draft.xlsx"]
    for f in data["files"]:
        assert set(f) == {"path", "unit", "ok", "counts", "findings"}
        assert isinstance(f["ok"], bool) and set(f["counts"]) == {"error", "warning", "info"}
        assert f["ok"] == (f["counts"]["error"] == 0)
        for finding in f["findings"]:
            assert set(finding) == set(FINDING_KEYS)
            for key, types in FINDING_KEYS.items():
                assert isinstance(finding[key], types), (key, finding)
            assert finding["severity"] in ("error", "warning", "info")
            assert REGISTRY.get(finding["code"]).name == finding["name"]
        assert sum(f["counts"].values()) == len(f["findings"])
    broken, chyy, draft = data["files"]
    assert broken["unit"] is None and [x["code"] for x in broken["findings"]] == ["LF100"]
    assert chyy["unit"] == "CHYY" and draft["unit"] == "CHYY"
    # xlsx findings carry sheet/row/column/cell, YAML ones line/col
    xlsx = next(x for x in draft["findings"] if x["code"] == "LF103")
    assert (xlsx["sheet"], xlsx["row"], xlsx["column"], xlsx["cell"], xlsx["line"]) == ("风险点", 3, "F", "F3", None)
    yaml = next(x for x in chyy["findings"] if x["code"] == "LF301")
    assert yaml["line"] and yaml["col"] and yaml["sheet"] is None and yaml["object"] == "FX-03"
    summary = data["summary"]
    assert summary == {"files": 3, "ok": 0,
                       "error": sum(f["counts"]["error"] for f in data["files"]),
                       "warning": sum(f["counts"]["warning"] for f in data["files"]),
                       "info": sum(f["counts"]["info"] for f in data["files"])}


def test_json_is_not_ascii_escaped(runner, app, units):
    out = run(runner, app, "units/chyy.yaml", "--as-of", AS_OF, "--format", "json").stdout
    assert "风险点 FX-03" in out and "\\u" not in out


# -- constructed reports, for each format's details ---------------------------------------------

def _finding(code="LF301", severity=Severity.ERROR, message="风险点 FX-07 没有对应的防控措施", **loc) -> Finding:
    rule = REGISTRY.get(code)
    return Finding(code, rule.name, severity, message, Location(**loc), object="FX-07", field="id")


def _file(path: str, *findings: Finding, unit: str | None = "CHYY") -> CheckedFile:
    return CheckedFile(FileReport(path, unit, list(findings)))


OPTIONS = RenderOptions(version="9.9.9", as_of=date(2026, 12, 31))


def test_github_lines_for_yaml_and_xlsx():
    out = github.render([
        _file("units/chyy.yaml", _finding(line=12, col=5)),
        _file("units/chyy.xlsx", _finding(sheet="风险点", row=9, column="A"), _finding("LF305", Severity.INFO, "没有「外部环境」类的风险点", sheet="风险点")),
    ], OPTIONS).splitlines()
    assert out[0] == "::error file=units/chyy.yaml,line=12,col=5,title=LF301 uncovered-risk::风险点 FX-07 没有对应的防控措施"
    assert out[1] == "::error file=units/chyy.xlsx,title=LF301 uncovered-risk 风险点!A9::风险点 FX-07 没有对应的防控措施"
    assert out[2] == "::notice file=units/chyy.xlsx,title=LF305 category-not-covered 风险点::没有「外部环境」类的风险点"
    assert out[3] == "lianfang：units/chyy.yaml：1 个错误，0 个警告，0 个提示"
    assert out[4] == "lianfang：units/chyy.xlsx：1 个错误，0 个警告，1 个提示"
    assert len(out) == 5


def test_github_escapes_data_and_properties():
    f = _finding("LF402", Severity.WARNING, "完成 100%\r\n第二行: a,b", sheet="措施:1,2", row=3, column="D")
    line = github.render([_file("units/a,b:c%.xlsx", f)], OPTIONS).splitlines()[0]
    assert line == ("::warning file=units/a%2Cb%3Ac%25.xlsx,title=LF402 vague-measure 措施%3A1%2C2!D3"
                    "::完成 100%25%0D%0A第二行: a,b")
    assert github.escape_data("%0A") == "%250A"  # % first: an escape in the text is not decoded
    assert github.escape_property("a:b,c\nd") == "a%3Ab%2Cc%0Ad"


def test_junit_structure_and_escaping():
    text = junit.render([
        _file("units/a.yaml", _finding(line=3, col=1, message='<script>&"x"\x01'),
              _finding("LF402", Severity.WARNING, "措施太笼统", line=9, col=2),
              _finding("LF305", Severity.INFO, "没有外部环境类", line=1, col=1)),
        _file("units/clean.yaml"),
    ], OPTIONS)
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "testsuites" and root.get("tests") == "4" and root.get("failures") == "1"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["units/a.yaml", "units/clean.yaml"]
    cases = suites[0].findall("testcase")
    assert len(cases) == 3 and suites[0].get("failures") == "1" and suites[0].get("tests") == "3"
    failure = cases[0].find("failure")
    assert failure.get("type") == "error" and "<script>&\"x\"\ufffd" in failure.text
    assert cases[0].get("file") == "units/a.yaml" and cases[0].get("line") == "3"
    assert cases[1].find("failure") is None and "措施太笼统" in cases[1].find("system-out").text
    assert cases[2].find("failure") is None
    # a file without findings still shows up, as one passing testcase
    clean = suites[1].findall("testcase")
    assert len(clean) == 1 and clean[0].find("failure") is None and suites[1].get("failures") == "0"


def test_junit_strict_fails_warnings_but_not_infos():
    strict = RenderOptions(version="9.9.9", strict=True)
    root = ET.fromstring(junit.render([_file("a.yaml", _finding("LF402", Severity.WARNING, "x", line=1, col=1),
                                             _finding("LF305", Severity.INFO, "y", line=2, col=1))], strict))
    cases = root.find("testsuite").findall("testcase")
    assert cases[0].find("failure").get("type") == "warning"
    assert cases[1].find("failure") is None
    assert root.get("failures") == "1"


def test_sarif_required_keys_and_catalogue():
    data = sarif.sarif_data([
        _file("units/chyy.yaml", _finding(line=12, col=5)),
        _file("units/巢湖 医院.xlsx", _finding("LF402", Severity.WARNING, "太笼统", sheet="防控措施", row=7, column="D"),
              _finding("LF305", Severity.INFO, "没有外部环境类")),
    ], OPTIONS)
    assert data["version"] == "2.1.0" and data["$schema"].endswith("sarif-schema-2.1.0.json")
    run_ = data["runs"][0]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "lianfang" and driver["version"] == "9.9.9" and driver["informationUri"].startswith("https://")
    rules = driver["rules"]
    assert [r["id"] for r in rules] == [r.code for r in REGISTRY]
    for r in rules:
        assert {"id", "name", "shortDescription", "fullDescription", "defaultConfiguration"} <= set(r)
        assert r["shortDescription"]["text"] and r["fullDescription"]["text"]
        assert r["defaultConfiguration"]["level"] in ("error", "warning", "note")
    assert next(r for r in rules if r["id"] == "LF305")["defaultConfiguration"]["level"] == "note"
    yaml_result, xlsx_result, info_result = run_["results"]
    for res in run_["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["message"]["text"]
    assert (yaml_result["level"], xlsx_result["level"], info_result["level"]) == ("error", "warning", "note")
    physical = yaml_result["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "units/chyy.yaml"
    assert physical["region"] == {"startLine": 12, "startColumn": 5}
    xlsx_loc = xlsx_result["locations"][0]
    assert xlsx_loc["physicalLocation"]["artifactLocation"]["uri"] == "units/%E5%B7%A2%E6%B9%96%20%E5%8C%BB%E9%99%A2.xlsx"
    assert "region" not in xlsx_loc["physicalLocation"]
    assert xlsx_loc["logicalLocations"][0]["fullyQualifiedName"] == "防控措施!D7"
    assert xlsx_result["properties"]["cell"] == "D7"
    assert "logicalLocations" not in info_result["locations"][0]


def test_sarif_fingerprint_ignores_the_row():
    a = sarif.result("u.xlsx", _finding(sheet="风险点", row=9, column="A"), {})
    b = sarif.result("u.xlsx", _finding(sheet="风险点", row=12, column="A"), {})
    assert a["partialFingerprints"] == b["partialFingerprints"]


def test_sarif_absolute_path_is_a_file_uri():
    assert sarif.artifact_location("/srv/units/a b.yaml") == {"uri": "file:///srv/units/a%20b.yaml"}


def test_sarif_in_english_uses_english_titles():
    set_lang("en")
    rules = sarif.sarif_data([], OPTIONS)["runs"][0]["tool"]["driver"]["rules"]
    assert next(r for r in rules if r["id"] == "LF301")["shortDescription"]["text"] == REGISTRY.get("LF301").title_en


# -- text and the review opinion ---------------------------------------------------------------

def test_text_listing_reads_without_colour(runner, app, units):
    out = run(runner, app, "units/draft.xlsx", "--as-of", AS_OF).stdout
    assert "\x1b[" not in out
    lines = out.splitlines()
    assert lines[0] == "units/draft.xlsx（CHYY）"
    assert any(line.split()[:3] == ["风险点!F3", "LF103", "错误"] for line in lines)
    assert lines[-1].startswith("共检查 1 个文件，1 个未通过")


def test_review_letter_for_a_workbook(runner, app, units):
    out = run(runner, app, "units/chyy.yaml", "--as-of", AS_OF, "--format", "review").stdout
    assert out.startswith("关于《巢湖市第一人民医院廉政风险防控工作簿》的审核意见\n")
    assert "巢湖市第一人民医院：" in out
    # grouped by sheet, then by the unit's own risk points and measures
    sections = [line for line in out.splitlines() if line[:2] in ("一、", "二、", "三、", "四、", "五、", "六、")]
    assert sections == ["一、岗位", "二、职权目录", "三、风险点", "四、防控措施", "五、流程"]
    assert "  风险点 FX-03「采购员接受供应商宴请」" in out
    assert "  措施 CS-02「加强学习」" in out
    assert "修改要求：" + REGISTRY.get("LF301").fix_zh in out
    assert "审核结论：发回重找。" in out
    assert out.rstrip().splitlines()[-1].startswith("共检查 1 个文件")


def test_review_letter_passes_without_errors_unless_strict(runner, app, units):
    args = ("units/chyy.yaml", "--as-of", AS_OF, "--ignore", "LF301,LF203", "--format", "review")
    passed = run(runner, app, *args)
    assert passed.exit_code == 0 and "审核结论：审核通过。" in passed.stdout
    strict = run(runner, app, *args, "--strict")
    assert strict.exit_code == 1 and "审核结论：发回重找。" in strict.stdout


def test_text_is_the_listing_even_for_a_submitted_workbook(runner, app, units):
    # what a commit hook or a CI log prints: the compact listing, never a letter
    out = run(runner, app, "units/chyy.yaml", "--as-of", AS_OF).stdout
    assert "审核意见" not in out and out.startswith("units/chyy.yaml（CHYY）")
    assert any(line.split()[1:3] == ["LF301", "错误"] for line in out.splitlines())


def test_review_letter_for_an_unreadable_file_is_its_listing(runner, app, units):
    out = run(runner, app, "units/broken.yaml", "--format", "review").stdout
    assert out.startswith("units/broken.yaml\n") and "LF100" in out and "审核意见" not in out


def test_every_catalogue_rule_has_a_fix_hint_in_both_languages():
    assert all(r.fix_zh and r.fix_en for r in REGISTRY)
    assert REGISTRY.get("LF301").fix("en") == REGISTRY.get("LF301").fix_en


def test_styled_formats_colour_only_when_told():
    f = _finding(message="消息", line=1, col=1)
    for name in ("text", "review"):
        plain = FORMATS[name].render([_file("a.yaml", f)], OPTIONS)
        assert "\x1b[" not in plain
        coloured = FORMATS[name].render([_file("a.yaml", f)], RenderOptions(as_of=OPTIONS.as_of, color=True))
        assert "\x1b[1;31m" in coloured
        assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


def test_text_keeps_user_content_literal_in_every_paint():
    f = _finding(message="[bold red]不是标记[/] [link=x]", line=1, col=1)
    out = FORMATS["text"].render([_file("[red]a.yaml", f)], OPTIONS)
    assert "[bold red]不是标记[/] [link=x]" in out and "[red]a.yaml" in out
    # the markup paint (for callers printing through rich) escapes it
    from rich.text import Text

    from lianfang.report.text import listing

    plain = Text.from_markup("\n".join(listing(_file("[red]a.yaml", f).report))).plain
    assert "[bold red]不是标记[/] [link=x]" in plain and "[red]a.yaml" in plain


# -- any text survives every format ---------------------------------------------------------------

def _unescape(text: str) -> str:
    # %25 last: "%" was escaped first, so no other escape can come from a literal "%"
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


@settings(max_examples=200, deadline=None)
@given(message=st.text(min_size=1), sheet=st.text(min_size=1, max_size=20), path=st.text(min_size=1, max_size=30))
def test_any_text_gives_one_github_command_that_decodes_back(message, sheet, path):
    f = _finding(message=message, sheet=sheet, row=2, column="B")
    line = github.annotation(path, f)
    assert "\n" not in line and "\r" not in line
    head, _, data = line.partition("::")[2].partition("::")
    assert _unescape(data) == message
    props = dict(p.split("=", 1) for p in head.split(" ", 1)[1].split(","))
    assert _unescape(props["file"]) == path
    assert _unescape(props["title"]) == f"LF301 uncovered-risk {sheet}!B2"


@settings(max_examples=100, deadline=None)
@given(message=st.text(min_size=1), path=st.text(min_size=1, max_size=30), obj=st.text(max_size=10))
def test_any_text_gives_well_formed_junit_xml(message, path, obj):
    f = Finding("LF301", "uncovered-risk", Severity.ERROR, message, Location(line=1, col=1), object=obj or None)
    root = ET.fromstring(junit.render([_file(path, f)], OPTIONS).encode("utf-8"))
    assert root.find("testsuite/testcase/failure") is not None


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**64 - 1) | st.text()
    | st.floats(min_value=0, max_value=1).map(lambda x: round(x, 4)),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(data=_JSON_VALUES)
def test_fast_json_writes_the_bytes_of_the_standard_library(data):
    from lianfang.report.json_report import dumps

    assert dumps(data) == json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _junit_by_etree(files, options) -> str:
    """The JUnit report as xml.etree builds and indents it: the reference for junit.render's bytes."""
    words = ("位置：{w}", "对象：{o}")
    root = ET.Element("testsuites", {"name": options.tool})
    all_tests = all_failures = 0
    for c in files:
        path = c.report.path
        suite = ET.SubElement(root, "testsuite", {"name": junit.xml_text(path)})
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", {"name": "unit", "value": junit.xml_text(c.report.unit or "")})
        tests = failures = 0
        for f in c.report.findings:
            tests += 1
            where = f.location.describe()
            name = " ".join(x for x in (f.code, f.name, f.object, where) if x)
            attrs = {"name": junit.xml_text(name), "classname": junit.xml_text(path.replace(".", "_")), "file": junit.xml_text(path)}
            if f.location.line is not None:
                attrs["line"] = str(f.location.line)
            case = ET.SubElement(suite, "testcase", attrs)
            failing = f.severity is Severity.ERROR or (options.strict and f.severity is Severity.WARNING)
            details = junit._details(f, where, words)
            if failing:
                ET.SubElement(case, "failure", {"type": f.severity.value, "message": junit.xml_text(f"{f.code} {f.message}")}).text = details
            else:
                ET.SubElement(case, "system-out").text = details
            failures += failing
        if not c.report.findings:
            tests = 1
            ET.SubElement(suite, "testcase", {"name": "工作簿检查", "classname": junit.xml_text(path.replace(".", "_")), "file": junit.xml_text(path)})
        for k, v in (("tests", str(tests)), ("failures", str(failures)), ("errors", "0"), ("skipped", "0")):
            suite.set(k, v)
        all_tests += tests
        all_failures += failures
    root.set("tests", str(all_tests))
    root.set("failures", str(all_failures))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


_severities = st.sampled_from(list(Severity))


@settings(max_examples=200, deadline=None)
@given(findings=st.lists(st.tuples(_severities, st.text(), st.text(max_size=8), st.one_of(st.none(), st.integers(1, 99)),
                                   st.one_of(st.none(), st.text(max_size=6))), max_size=5),
       path=st.text(min_size=1, max_size=20), unit=st.one_of(st.none(), st.text(max_size=6)), strict=st.booleans())
def test_junit_writes_the_bytes_xml_etree_would(findings, path, unit, strict):
    made = [Finding("LF301", "uncovered-risk", sev, msg, Location(line=line, col=1) if line else Location(sheet=sheet or None),
                    object=obj or None) for sev, msg, obj, line, sheet in findings]
    files = [_file(path, *made, unit=unit), _file("b.yaml")]
    options = RenderOptions(version="9.9.9", as_of=date(2026, 12, 31), strict=strict)
    assert junit.render(files, options) == _junit_by_etree(files, options)


def test_control_characters_from_a_workbook_never_reach_the_terminal():
    f = _finding(message="恶意\x1b]0;title\x07\x1b[2J文本\n第二行\t制表", line=1, col=1)
    for name in ("text", "review"):
        for color in (False, True):
            out = FORMATS[name].render([_file("a\x1b[31m.yaml", f)], RenderOptions(as_of=OPTIONS.as_of, color=color))
            without_ours = re.sub(r"\x1b\[[0-9;]*m", "", out) if color else out
            assert "\x1b" not in without_ours and "\x07" not in without_ours
            assert "恶意\ufffd]0;title\ufffd\ufffd[2J文本\n第二行\t制表" in without_ours
