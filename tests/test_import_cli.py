"""``lianfang import``: outputs, the report, messages and exit statuses of every error path."""

from __future__ import annotations

from pathlib import Path

import pytest

from legacy_fixtures import write_xlsx
from lianfang.io.reader import read_workbook

ROOT = Path(__file__).resolve().parent.parent
DOCX = ROOT / "examples" / "legacy" / "chcdc_风险点一览表.docx"


def _run(runner, app, *args):
    result = runner.invoke(app, ["import", *map(str, args)])
    assert "Traceback" not in result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


@pytest.fixture
def table(tmp_path) -> Path:
    return write_xlsx(tmp_path / "一览表.xlsx", {"Sheet1": [
        ["序号", "科室", "岗位", "风险点", "风险等级", "防控措施"],
        ["1", "财务科", "会计", "虚列支出套取资金", "高", "1.每月对账；2.审计科抽查；3.查实的追究责任"],
    ]})


@pytest.mark.parametrize("suffix", [".xlsx", ".yaml"])
def test_import_writes_a_workbook_and_the_report(runner, app, table, tmp_path, suffix):
    out = tmp_path / f"unit{suffix}"
    report = tmp_path / "导入报告.md"
    result = _run(runner, app, table, "-o", out, "--unit-name", "某医院", "--unit-code", "MYY", "--year", "2026", "--report", report)
    assert result.exit_code == 0, result.stderr
    wb = read_workbook(out).workbook
    assert (wb.unit.name, wb.unit.code, wb.unit.year) == ("某医院", "MYY", 2026)
    assert [m.phase.value for m in wb.measures] == ["中期监控", "中期监控", "后期处置"]
    assert "导入 1 个岗位、0 项职权、1 个风险点、3 条防控措施" in result.stdout
    assert "一览表.xlsx Sheet1!F2 CS-001: 「每月对账」→ 中期监控" in result.stdout
    text = report.read_text(encoding="utf-8")
    assert text.startswith(f"# 导入报告：{out.name}")
    assert "## 推断的防控阶段（3）" in text and "| 一览表.xlsx Sheet1\\!F2 | CS-003 | 「查实的追究责任」→ 后期处置（关键词：追究） |" in text
    assert "## 单位还需填写或核对" in text
    assert f"已写出 {out}" in result.stderr


def test_import_the_word_example(runner, app, tmp_path):
    out = tmp_path / "chcdc.xlsx"
    result = _run(runner, app, DOCX, "-o", out, "--unit-code", "CHCDC")
    assert result.exit_code == 0, result.stderr
    assert "部门分段行：其下各行的部门为「中心领导」" in result.stdout
    assert "重复的表头行（跨页表格）" in result.stdout
    assert len(read_workbook(out).workbook.risks) == 32


def test_existing_output_needs_force(runner, app, table, tmp_path):
    out = tmp_path / "unit.yaml"
    out.write_text("keep me", encoding="utf-8")
    result = _run(runner, app, table, "-o", out)
    assert result.exit_code == 2 and "--force" in result.stderr
    assert out.read_text(encoding="utf-8") == "keep me"
    assert _run(runner, app, table, "-o", out, "--force").exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("# yaml-language-server")


def test_the_input_is_never_the_output(runner, app, table):
    result = _run(runner, app, table, "-o", table, "--force")
    assert result.exit_code == 2 and "输入文件" in result.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["-o", "out.txt"], "不支持的输出文件类型"),
    (["-o", "out.yaml", "--map", "表现形式"], "--map 应写成 列名=字段"),
    (["-o", "out.yaml", "--map", "表现形式=宇宙"], "不认识的字段"),
    (["-o", "out.yaml", "--report", "report.txt"], "--report 应是 .md 文件"),
])
def test_bad_options(runner, app, table, tmp_path, args, message):
    args = [str(tmp_path / a) if a.startswith("out") or a.startswith("report") else a for a in args]
    result = _run(runner, app, table, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / "out.yaml").exists()


def test_missing_input(runner, app, tmp_path):
    result = _run(runner, app, tmp_path / "nope.docx", "-o", tmp_path / "u.yaml")
    assert result.exit_code == 2 and "不存在" in result.stderr


def test_corrupt_input_is_refused(runner, app, tmp_path):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    result = _run(runner, app, bad, "-o", tmp_path / "u.yaml")
    assert result.exit_code == 2
    assert "bad.docx 无法读取：文件设有打开密码" in result.stderr
    assert not (tmp_path / "u.yaml").exists()


def test_no_risk_table_is_refused(runner, app, tmp_path):
    path = write_xlsx(tmp_path / "powers.xlsx", {"S": [["职权名称", "法律依据"], ["执业许可", "条例"]]})
    result = _run(runner, app, path, "-o", tmp_path / "u.yaml")
    assert result.exit_code == 2
    assert "没有找到可导入的表格" in result.stderr and "--map" in result.stderr


def test_english(runner, app, table, tmp_path):
    result = _run(runner, app, "--lang", "en", table, "-o", tmp_path / "u.yaml")
    assert result.exit_code == 0
    assert "imported 1 posts, 0 powers, 1 risk points, 3 measures" in result.stdout
    assert "[Phases inferred] (3)" in result.stdout


def test_help_teaches(runner, app):
    result = runner.invoke(app, ["import", "--help"])
    assert result.exit_code == 0
    assert "--map" in result.stdout and "--report" in result.stdout and "一览表" in result.stdout
