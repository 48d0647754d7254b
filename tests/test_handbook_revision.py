"""The handbook's 调整修正情况: handbook.yaml names each unit's previous version (a file, or the
same file at a git revision) and part 4 lists the changes; the statistics compare the figures."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from lianfang.diff.revision import PreviousError, read_git_version
from lianfang.handbook.build import BuildOptions, build_handbook


def git(cwd: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", HOME=str(cwd), GIT_AUTHOR_NAME="廉防办", GIT_AUTHOR_EMAIL="l@example.org",
               GIT_COMMITTER_NAME="廉防办", GIT_COMMITTER_EMAIL="l@example.org")
    result = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def revise(unit: Path) -> None:
    """This year's edits of unit TA: R1 re-levelled, R3 reworded, R4 removed with its measure."""
    text = unit.read_text(encoding="utf-8")
    text = text.replace("description: 新药引进由个人决定, level: 高", "description: 新药引进由个人决定, level: 中")
    text = text.replace("点评结果不通报", "点评结果不通报，问题处方不整改")
    text = "\n".join(line for line in text.splitlines() if "id: R4," not in line and "risk: R4," not in line) + "\n"
    unit.write_text(text, encoding="utf-8")


def set_previous(project: Path, value: str) -> None:
    config = project / "handbook.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"previous: {value}\n", encoding="utf-8")


def build_md(project: Path):
    result = build_handbook(BuildOptions(target=project / "handbook.yaml", formats=["md"], jobs=1, as_of=date(2026, 11, 28),
                                         force=True))
    assert result.built, result.notes
    return result, (result.output / "handbook.md").read_text(encoding="utf-8")


def section(md: str, unit_name: str) -> str:
    part4 = md.split("## 第四部分", 1)[1].split("## 第五部分", 1)[0]
    after = part4.split(f"### {unit_name}", 1)[1]
    return after.split("\n### ", 1)[0]


def test_previous_at_a_git_revision(project):
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "2025")
    revise(project / "units" / "ta.yaml")
    git(project, "commit", "-q", "-am", "2026")
    set_previous(project, "git:HEAD~1")
    result, md = build_md(project)
    ta = section(md, "测试甲医院")
    assert "#### 调整修正情况" in ta
    assert "与上一版本（HEAD\\~1:ta.yaml）相比，共 4 处变化" in ta  # ~ escaped for Markdown
    assert "风险等级降级 1" in ta and "风险描述修改 1" in ta and "删除风险点 1" in ta and "删除措施 1" in ta
    assert "| 风险点 R1「新药引进由个人决定」 | 降级：高 → 中 |" in ta
    assert "| 风险点 | 4 | 3 | -1 |" in ta
    # the other unit did not change
    tb = section(md, "测试乙中心")
    assert "没有实质性变化" in tb
    # the statistics compare the whole system with the previous versions
    stats = md.split("#### 与上一版本比较", 1)[1]
    assert "| 测试甲医院 | 4 | 3 | -1 | 2 | 1 | 3 |" in stats and "| 合计 | 6 | 5 | -1 | 2 | 1 | 5 |" in stats


def test_previous_files_by_unit_code_and_a_glob(project, tmp_path):
    old = project / "2025"
    old.mkdir()
    shutil.copy(project / "units" / "ta.yaml", old / "ta.yaml")
    revise(project / "units" / "ta.yaml")
    set_previous(project, "{TA: 2025/ta.yaml}")
    _, md = build_md(project)
    assert "与上一版本（2025/ta.yaml）相比，共 4 处变化" in section(md, "测试甲医院")
    assert "调整修正情况" not in section(md, "测试乙中心")  # no previous version named for TB
    config = project / "handbook.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("previous: {TA: 2025/ta.yaml}", "previous: 2025/*.yaml"),
                      encoding="utf-8")
    _, md = build_md(project)
    assert "共 4 处变化" in section(md, "测试甲医院")


def test_an_unreadable_previous_version_is_a_note_not_a_failure(project):
    set_previous(project, "git:HEAD~1")  # not a git repository
    result, md = build_md(project)
    assert any("未能比较上一版本" in n for n in result.notes)
    assert "调整修正情况" not in md


def test_previous_outside_the_project_is_refused(project):
    set_previous(project, "{TA: ../elsewhere/ta.yaml}")
    result, _ = build_md(project)
    assert any("项目文件夹" in n and "之外" in n for n in result.notes)


@pytest.mark.parametrize("rev", ["--output=/tmp/x", "HEAD..main", "a b", "", "$(id)"])
def test_git_revision_must_look_like_one(tmp_path, rev):
    unit = tmp_path / "u.yaml"
    unit.write_text("unit: {}\n", encoding="utf-8")
    with pytest.raises(PreviousError, match="git"):
        read_git_version(unit, rev)


def build_revised(project: Path, formats: list[str]):
    """TA revised since last year's copy (2025/ta.yaml, named by ``previous``), built in ``formats``."""
    old = project / "2025"
    old.mkdir()
    shutil.copy(project / "units" / "ta.yaml", old / "ta.yaml")
    revise(project / "units" / "ta.yaml")
    set_previous(project, "{TA: 2025/ta.yaml}")
    result = build_handbook(BuildOptions(target=project / "handbook.yaml", formats=formats, jobs=1,
                                         as_of=date(2026, 11, 28), force=True))
    assert result.built, result.notes
    return result


def test_the_word_handbook_carries_the_revisions_too(project):
    result = build_revised(project, ["md", "docx"])
    from docx import Document

    doc = Document(str(result.output / "handbook.docx"))
    texts = [p.text for p in doc.paragraphs]
    assert "调整修正情况" in texts
    summary = next(t for t in texts if t.startswith("与上一版本（2025/ta.yaml）相比"))
    md = (result.output / "handbook.md").read_text(encoding="utf-8")
    assert summary in md.replace("\\", "")  # one sentence for both formats
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert "降级：高 → 中" in cells and "风险点" in cells


def test_the_excel_handbook_has_a_revisions_sheet(project):
    """调整修正情况 in handbook.xlsx: listed in 目录, a block per unit with a previous version (its
    summary, the changes as the Markdown lists them, the figures before and after); none without."""
    from openpyxl import load_workbook

    result = build_revised(project, ["md", "xlsx"])
    book = load_workbook(result.output / "handbook.xlsx")
    assert "调整修正情况" in book.sheetnames
    assert "调整修正情况" in [c.value for row in book["目录"].iter_rows() for c in row]
    ws = book["调整修正情况"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    texts = [v for row in rows for v in row if v is not None]
    md = (result.output / "handbook.md").read_text(encoding="utf-8").replace("\\", "")
    summary = next(t for t in texts if isinstance(t, str) and t.startswith("与上一版本（2025/ta.yaml）相比"))
    assert summary in md
    changes = [row for row in rows if isinstance(row[0], int) and row[2]]
    assert [r[0] for r in changes] == list(range(1, len(changes) + 1)) and len(changes) >= 3
    assert any("降级：高 → 中" in r[2] for r in changes)
    assert all(f"| {r[2]} |" in md or r[2] in md for r in changes)  # the same lines as the Markdown
    figures = next(i for i, row in enumerate(rows) if row[0] == "指标")
    assert rows[figures][3].startswith("上一版本") and rows[figures][4] == "本版本"
    assert rows[figures + 1][0] == "风险点"
    # every change row is tall enough for its text (merged cells are not fitted by Excel)
    for i, row in enumerate(rows, 1):
        if row in changes:
            assert ws.row_dimensions[i].height >= 14
    # without a previous version there is no such sheet
    (project / "handbook.yaml").write_text(
        (project / "handbook.yaml").read_text(encoding="utf-8").replace("previous: {TA: 2025/ta.yaml}\n", ""),
        encoding="utf-8")
    again = build_handbook(BuildOptions(target=project / "handbook.yaml", formats=["xlsx"], jobs=1,
                                        as_of=date(2026, 11, 28), force=True))
    assert "调整修正情况" not in load_workbook(again.output / "handbook.xlsx").sheetnames
