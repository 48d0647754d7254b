"""``lianfang validate NEW --since OLD``: a resubmission after 发回重找, compared with the earlier one."""

from __future__ import annotations

from pathlib import Path

import pytest

import diff_edits as e
from lianfang.diff import diff_workbooks
from lianfang.diff.since import (
    ANSWERED,
    NO_NOTE,
    REMOVED,
    STILL_RETURNED,
    UNCHANGED,
    classify_findings,
    returned_risks,
)
from lianfang.findings import Finding, Location, Severity
from lianfang.io.yaml_writer import dump_yaml
from lianfang.model.vocab import ReviewStatus, UnitStatus


def finding(code: str, obj: str | None, field: str | None = "id", row: int = 1, message: str = "m") -> Finding:
    return Finding(code, "name", Severity.ERROR, message, Location("风险点", row, "A"), obj, field)


def test_findings_match_by_code_object_and_field_not_by_row():
    old = [finding("LF301", "FX-07", row=9), finding("LF402", "CS-01", "description"), finding("LF304", None, None, message="领导岗位")]
    new = [finding("LF301", "FX-07", row=12), finding("LF402", "CS-02", "description"), finding("LF304", None, None, message="中层岗位")]
    fixed, remaining, fresh = classify_findings(old, new)
    assert [(f.code, f.object) for f in remaining] == [("LF301", "FX-07")]
    assert [(f.code, f.object, f.message) for f in fixed] == [("LF402", "CS-01", "m"), ("LF304", None, "领导岗位")]
    assert [(f.code, f.object, f.message) for f in fresh] == [("LF402", "CS-02", "m"), ("LF304", None, "中层岗位")]


def test_a_renumbered_object_keeps_its_finding_and_repeats_are_counted():
    old = [finding("LF302", "FX-05"), finding("LF107", "FX-01"), finding("LF107", "FX-01"), finding("LF502", "LC-01/3")]
    new = [finding("LF302", "FX-55"), finding("LF107", "FX-01"), finding("LF502", "LC-09/3")]
    fixed, remaining, fresh = classify_findings(old, new, {"risks": {"FX-05": "FX-55"}, "flows": {"LC-01": "LC-09"}})
    assert [f.object for f in remaining] == ["FX-55", "FX-01", "LC-09/3"]
    assert [f.object for f in fixed] == ["FX-01"] and fresh == []


@pytest.fixture
def resubmission(tmp_path) -> tuple[Path, Path]:
    """The hospital's workbook sent back (退回) with five risk points 发回重找, and its resubmission:
    FX-08 reworded with a note (answered), FX-09 left as it was, FX-10 still 发回重找, FX-11
    re-levelled without a note, FX-12 removed; FX-13's measures deleted before (LF301) and given
    back now (fixed); FX-14's deleted in both (remaining); a new risk point without a measure
    (new LF301)."""
    a = e.example("chyy.yaml")
    a.unit.status = UnitStatus.RETURNED
    for rid in ("FX-08", "FX-09", "FX-10", "FX-11", "FX-12"):
        e.return_risk(a, rid, f"{rid} 描述笼统，请结合环节重新查找")
    measures_13 = [m for m in a.measures if m.risk == "FX-13"]
    a.measures = [m for m in a.measures if m.risk not in ("FX-13", "FX-14")]
    b = e.copy(a)
    b.unit.status = UnitStatus.SUBMITTED
    e.reword_risk(b, "FX-08", "，出入库环节由两人核对")
    e.relevel_risk(b, "FX-11")
    e.risk(b, "FX-11").review_note = None
    for rid in ("FX-08", "FX-09", "FX-11"):
        e.risk(b, rid).review = ReviewStatus.PENDING
    e.risk(b, "FX-08").review_note = "已按意见补充出入库环节"
    e.delete_risk(b, "FX-12")
    b.measures += measures_13
    b.risks.append(e.risk(b, "FX-01").model_copy(update={"id": "FX-91", "description": "新增风险点：尚未制定措施"}))
    old, new = tmp_path / "chyy-退回.yaml", tmp_path / "chyy-重报.yaml"
    old.write_text(dump_yaml(a), encoding="utf-8")
    new.write_text(dump_yaml(b), encoding="utf-8")
    return old, new


def test_returned_risk_outcomes(resubmission):
    from lianfang.io.reader import read_workbook

    a, b = (read_workbook(p).workbook for p in resubmission)
    outcomes = {r.old_id: r.outcome for r in returned_risks(a, b, diff_workbooks(a, b).id_maps)}
    assert outcomes == {"FX-08": ANSWERED, "FX-09": UNCHANGED, "FX-10": STILL_RETURNED, "FX-11": NO_NOTE, "FX-12": REMOVED}


def test_validate_since_in_the_review_letter(runner, app, resubmission):
    old, new = resubmission
    result = runner.invoke(app, ["validate", str(new), "--since", str(old)])
    out = result.stdout
    assert "审核意见" in out  # status 送审: the review letter
    section = out.split("附：与上次报送", 1)[1]
    assert "已整改 1 处，仍未整改 1 处，新出现 3 处。" in section
    fixed = section.split("已整改（1 处）：", 1)[1].split("仍未整改（", 1)[0]
    remaining = section.split("仍未整改（1 处）：", 1)[1].split("新出现（", 1)[0]
    fresh = section.split("新出现（3 处）：", 1)[1].split("上次发回重找", 1)[0]
    assert "LF301" in fixed and "FX-13" in fixed
    assert "LF301" in remaining and "FX-14" in remaining
    assert "FX-91" in fresh and "LF406" in fresh and "FX-10" in fresh
    assert "上次发回重找的风险点 5 个，已答复 2 个，未答复 3 个" in section
    assert "FX-08" in section and "已答复（改写了风险描述，并有审核意见）" in section
    assert "FX-09「" in section and "未答复：风险描述和等级都没有修改" in section
    assert "审核状态仍为发回重找" in section and "但没有审核意见" in section and "已删除该风险点" in section
    # the exit status is validate's own: the new version still has errors
    assert result.exit_code == 1


def test_validate_since_in_the_listing_and_in_english(runner, app, resubmission):
    old, new = resubmission
    text = new.read_text(encoding="utf-8").replace("status: 送审", "status: 草稿")
    new.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(new), "--since", str(old), "--lang", "en"])
    assert "Compared with the earlier submission" in result.stdout and "2 answered, 3 not" in result.stdout


def test_validate_since_needs_one_file_and_a_readable_old_version(runner, app, resubmission, tmp_path):
    old, new = resubmission
    result = runner.invoke(app, ["validate", str(new), str(old), "--since", str(old)])
    assert result.exit_code == 2 and "只能用于检查一个文件" in result.stderr
    result = runner.invoke(app, ["validate", str(new), "--since", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2 and "不存在" in result.stderr
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"junk")
    result = runner.invoke(app, ["validate", str(new), "--since", str(bad)])
    assert result.exit_code == 2 and "无法读取" in result.stderr and "Traceback" not in result.output
