"""No file a unit sends can crash lianfang, hang it, exhaust its memory or leak into its output.

Every hostile file of ``tests/hostile.py`` goes through ``lianfang validate`` exactly as CI runs
it: a separate process whose address space is capped (``RLIMIT_AS``) and whose run is timed out.
A refused file is the finding LF100 and exit status 1 — never 2, never a traceback.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import openpyxl
import pytest

from hostile import (
    CASES,
    CASES_BY_NAME,
    CONTROL_TEXT,
    MEMORY_LIMIT,
    SMALL_YAML,
    control_chars_xlsx,
    entity_bomb_shared_strings,
    many_rows,
    run_lianfang,
    small_xlsx,
)
from lianfang.io.reader import read_workbook
from lianfang.rules.reading import reader_findings


def check_clean_exit(result: subprocess.CompletedProcess[bytes]) -> str:
    """The stderr of a run that ended the way findings.md allows, without a traceback."""
    stderr = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr
    assert "内部错误" not in stderr and "internal error" not in stderr, stderr
    assert result.returncode in (0, 1), (result.returncode, stderr)
    return stderr


def validate_json(path, cwd, *extra: str) -> tuple[int, dict]:
    result = run_lianfang("validate", path, "--format", "json", *extra, cwd=cwd)
    check_clean_exit(result)
    return result.returncode, json.loads(result.stdout)


# the cases that take seconds each (many nodes, a large file, bombs): marked slow
SLOW_CASES = {"many-nodes-yaml", "large-legit-yaml", "zip-bomb", "alias-bomb", "many-members", "lying-zip-bomb"}


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.slow) if c.name in SLOW_CASES else c for c in CASES],
                         ids=lambda c: c.name)
def test_hostile_file_is_a_finding_not_a_crash(case, tmp_path):
    path = case.build(tmp_path)
    status, report = validate_json(path.name, tmp_path)
    (file_report,) = report["files"]
    assert file_report["path"] == path.name
    codes = [f["code"] for f in file_report["findings"]]
    if case.expect == "LF100":
        assert status == 1
        assert "LF100" in codes, codes
        (lf100,) = [f for f in file_report["findings"] if f["code"] == "LF100"]
        assert lf100["severity"] == "error" and lf100["message"].strip()
        assert file_report["ok"] is False and report["summary"]["error"] >= 1
    elif case.expect == "read":
        assert "LF100" not in codes, file_report["findings"]


def test_memory_cap_is_real(tmp_path):
    """The cap the hostile runs live under does stop a process that asks for more."""
    script = f"x = bytearray({MEMORY_LIMIT * 2})"
    result = subprocess.run(
        [sys.executable, "-c", "import resource,sys;"
         f"resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT}, {MEMORY_LIMIT}));{script}"],
        capture_output=True, timeout=60)
    assert result.returncode != 0 and b"MemoryError" in result.stderr


@pytest.mark.slow
def test_one_bad_file_does_not_stop_the_others(tmp_path):
    """A folder of hostile files and one good workbook: every file is reported, the good one ok."""
    names = ["not-a-zip", "encrypted", "truncated-zip", "entity-bomb-sst", "far-cell", "sst-count-lie",
             "alias-bomb", "python-tag", "top-list", "empty-yaml", "gbk", "fifo", "dev-zero-link"]
    for name in names:
        CASES_BY_NAME[name].build(tmp_path)
    (tmp_path / "good.yaml").write_text(SMALL_YAML, encoding="utf-8")
    (tmp_path / "good.xlsx").write_bytes(small_xlsx())
    status, report = validate_json(".", tmp_path)
    assert status == 1
    by_path = {f["path"]: f for f in report["files"]}
    # a YAML list at the top has none of the workbook's keys: a folder search skips it (docs/validate.md)
    assert len(by_path) == len(names) + 2 - 1 and "top-list.yaml" not in by_path
    assert by_path["good.yaml"]["ok"] is True and by_path["good.yaml"]["findings"] == []
    assert by_path["good.xlsx"]["ok"] is True and by_path["good.xlsx"]["findings"] == []
    assert by_path["not-a-zip.xlsx"]["ok"] is False


def test_encrypted_workbook_says_to_remove_the_password(tmp_path):
    _, report = validate_json(CASES_BY_NAME["encrypted"].build(tmp_path).name, tmp_path)
    assert "密码" in report["files"][0]["findings"][0]["message"]
    _, report = validate_json("encrypted.xlsx", tmp_path, "--lang", "en")
    assert "password" in report["files"][0]["findings"][0]["message"]


def test_gbk_yaml_names_the_encoding(tmp_path):
    _, report = validate_json(CASES_BY_NAME["gbk"].build(tmp_path).name, tmp_path)
    assert "GBK" in report["files"][0]["findings"][0]["message"]


@pytest.mark.parametrize("name", ["utf16-bom", "utf8-bom"])
def test_bom_yaml_reads_like_plain_utf8(name, tmp_path):
    (tmp_path / "plain.yaml").write_text(SMALL_YAML, encoding="utf-8")
    path = CASES_BY_NAME[name].build(tmp_path)
    plain, bom = read_workbook(tmp_path / "plain.yaml"), read_workbook(path)
    assert reader_findings(bom.problems) == reader_findings(plain.problems) == []
    assert bom.workbook.to_data() == plain.workbook.to_data()


def test_yaml_tags_are_reported_and_never_run(tmp_path):
    path = CASES_BY_NAME["python-tag"].build(tmp_path)
    _, report = validate_json(path.name, tmp_path)
    findings = report["files"][0]["findings"]
    assert [f["line"] for f in findings if f["code"] == "LF105"] == [SMALL_YAML.count("\n", 0, SMALL_YAML.index("risks:")) + 2]
    assert not (tmp_path / "PWNED").exists()
    converted = run_lianfang("convert", path.name, "-", cwd=tmp_path)
    check_clean_exit(converted)
    assert b"python/object" not in converted.stdout and not (tmp_path / "PWNED").exists()


def test_external_entity_content_never_appears(tmp_path):
    path = CASES_BY_NAME["external-entity"].build(tmp_path)
    for args in (("validate", path.name, "--format", "json"), ("convert", path.name, "-")):
        result = run_lianfang(*args, cwd=tmp_path)
        check_clean_exit(result)
        assert b"root:" not in result.stdout + result.stderr


def test_openpyxl_uses_defusedxml():
    """Where anything (the tests, a future reader) loads an xlsx with openpyxl, entities are refused."""
    assert openpyxl.xml.DEFUSEDXML is True


def test_openpyxl_refuses_the_entity_bomb(tmp_path):
    from defusedxml import DefusedXmlException

    path = entity_bomb_shared_strings(tmp_path)
    with pytest.raises(ValueError) as refused:  # openpyxl wraps the parser's refusal
        openpyxl.load_workbook(path)
    assert isinstance(refused.value.__cause__ or refused.value.__context__, DefusedXmlException)


def test_calamine_never_expands_entities(tmp_path):
    """The reader refuses DTDs before calamine; behind that, calamine's quick-xml does not expand
    custom entities either: the bomb reads as the literal reference or fails, within memory."""
    path = entity_bomb_shared_strings(tmp_path)
    script = (
        "import resource, sys\n"
        f"resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT}, {MEMORY_LIMIT}))\n"
        "from python_calamine import CalamineWorkbook\n"
        "try:\n"
        "    book = CalamineWorkbook.from_path(sys.argv[1])\n"
        "    cells = [v for n in book.sheet_names for row in book.get_sheet_by_name(n).to_python() for v in row]\n"
        "except Exception as e:\n"
        "    print('error', type(e).__name__)\n"
        "else:\n"
        "    print('longest', max(len(str(v)) for v in cells))\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr
    kind, value = result.stdout.decode().split()
    assert kind == "error" or int(value) < 100


def test_control_characters_survive_conversion(tmp_path):
    """Control characters in cells: read, converted to YAML and back to xlsx, never a crash."""
    src = control_chars_xlsx(tmp_path)
    as_yaml = run_lianfang("convert", src.name, "out.yaml", cwd=tmp_path)
    check_clean_exit(as_yaml)
    back = read_workbook(tmp_path / "out.yaml")
    assert [f.code for f in reader_findings(back.problems)] == []
    described = {r.id: r.description for r in back.workbook.risks}
    original = {r.id: r.description for r in read_workbook(src).workbook.risks}
    assert described == original
    assert "\x01" in described["FX-91"] and "\x1b" in described["FX-92"]

    as_xlsx = run_lianfang("convert", "out.yaml", "out.xlsx", cwd=tmp_path)
    check_clean_exit(as_xlsx)
    with zipfile.ZipFile(tmp_path / "out.xlsx") as z:
        xml = b"".join(z.read(n) for n in z.namelist() if n.endswith(".xml"))
    assert not any(bytes([c]) in xml for c in range(32) if c not in (9, 10, 13))
    again = read_workbook(tmp_path / "out.xlsx")
    assert "LF100" not in [f.code for f in reader_findings(again.problems)]
    kept = {r.id: r.description for r in again.workbook.risks}
    # control characters are escaped (_x0001_), so they survive; only U+FFFE, which no XML can
    # carry in any form, is dropped
    assert kept["FX-91"] == CONTROL_TEXT.replace("\ufffe", "")
    assert kept["FX-92"] == "暗箱\x01\x02操作\x1b"


def test_big_cell_is_read_and_converted(tmp_path):
    src = CASES_BY_NAME["big-cell-xlsx"].build(tmp_path)
    result = run_lianfang("convert", src.name, "big.yaml", cwd=tmp_path)
    check_clean_exit(result)
    assert read_workbook(tmp_path / "big.yaml").workbook.risks[0].description == "风" * (1024 * 1024)
    # Excel cannot hold it: the writer says so and keeps what a cell can hold
    result = run_lianfang("convert", "big.yaml", "big.xlsx", cwd=tmp_path)
    assert "32767" in check_clean_exit(result)
    assert read_workbook(tmp_path / "big.xlsx").workbook.risks[0].description == "风" * 32767


def test_row_cap_is_configurable(tmp_path):
    """LIANFANG_MAX_ROWS lowers (or raises) the rows a sheet may have; the message names the cap."""
    src = many_rows(tmp_path, rows=50)
    result = run_lianfang("validate", src.name, "--format", "json", cwd=tmp_path, env={"LIANFANG_MAX_ROWS": "20"})
    check_clean_exit(result)
    (finding,) = [f for f in json.loads(result.stdout)["files"][0]["findings"] if f["code"] == "LF100"]
    assert "20" in finding["message"]
    result = run_lianfang("validate", src.name, "--format", "json", cwd=tmp_path)
    assert "LF100" not in [f["code"] for f in json.loads(result.stdout)["files"][0]["findings"]]


@pytest.mark.parametrize("command", [("validate", "good.xlsx"), ("convert", "good.xlsx", "-")])
def test_bad_row_cap_setting_is_exit_2_not_a_crash(tmp_path, command):
    (tmp_path / "good.xlsx").write_bytes(small_xlsx())
    result = run_lianfang(*command, cwd=tmp_path, env={"LIANFANG_MAX_ROWS": "many"})
    stderr = result.stderr.decode()
    assert result.returncode == 2 and "LIANFANG_MAX_ROWS" in stderr and "many" in stderr
    assert "Traceback" not in stderr and "内部错误" not in stderr


@pytest.mark.parametrize(("name", "expected"), [
    ("xls-title-merges", []), ("ods", []), ("et-renamed", []), ("upper-case-xlsx", []),
    ("full-width-ids", []), ("note-rows", []), ("headerless-text", ["LF106"]),
])
def test_real_submissions_read_with_exactly_their_reader_findings(name, expected, tmp_path):
    """Format 1.1: what units actually send is read, and only what is really wrong is said."""
    path = CASES_BY_NAME[name].build(tmp_path)
    status, report = validate_json(path.name, tmp_path, "--select", "LF1")
    assert [f["code"] for f in report["files"][0]["findings"]] == expected
    assert status == 0
