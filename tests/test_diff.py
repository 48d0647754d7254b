"""``lianfang diff``: known edits to the example workbooks, in code, and the changes reported.

Golden files in ``tests/golden/diff/`` are the whole output of ``lianfang diff`` on a pair of
inputs kept beside them (``input/old.yaml``, ``input/new.yaml``: the example hospital and an
edited copy). After an intended change, regenerate and review::

    LIANFANG_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_diff.py
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import diff_edits as e
from lianfang import __version__
from lianfang.diff import diff_workbooks
from lianfang.diff.match import THRESHOLD, match, similarity
from lianfang.diff.model import KINDS
from lianfang.io.yaml_writer import dump_yaml
from lianfang.model.vocab import Phase

GOLDEN = Path(__file__).parent / "golden" / "diff"
UPDATE = os.environ.get("LIANFANG_UPDATE_GOLDEN") == "1"


def kinds(a, b) -> Counter:
    return Counter(c.kind for c in diff_workbooks(a, b).changes)


@pytest.fixture(scope="module")
def chyy():
    return e.example("chyy.yaml")


# -- no difference ------------------------------------------------------------------------------


def test_a_workbook_against_itself_and_its_xlsx_twin_has_no_change(chyy):
    assert diff_workbooks(chyy, e.copy(chyy)).empty
    assert diff_workbooks(chyy, e.example("chyy.xlsx")).empty


# -- risk points --------------------------------------------------------------------------------


def test_reworded_relevelled_deleted_added(chyy):
    b = e.copy(chyy)
    e.reword_risk(b, "FX-04")
    assert e.relevel_risk(b, "FX-06") == "risk.downgraded"  # 高 → 中
    assert e.relevel_risk(b, "FX-04") == "risk.upgraded"  # 中 → 高
    removed = e.delete_risk(b, "FX-07")
    assert removed["measure.removed"] >= 1
    e.add_risk(b, "FX-90", "QL-01", "GW-05")
    assert kinds(chyy, b) == removed + Counter({"risk.reworded": 1, "risk.downgraded": 1, "risk.upgraded": 1,
                                                "risk.added": 1, "measure.added": 1})
    d = diff_workbooks(chyy, b)
    up = d.of_kind("risk.upgraded")[0]
    assert (up.id, up.old, up.new) == ("FX-04", "中", "高")
    gone = d.of_kind("risk.removed")[0]
    assert (gone.id, gone.old_id, gone.risk, gone.old_risk) == (None, "FX-07", None, "FX-07")
    # the measures of a removed risk point are grouped under it
    assert {(c.risk, c.old_risk) for c in d.of_kind("measure.removed")} == {(None, "FX-07")}


def test_renumbering_after_a_deletion_is_renumbering_not_rewording(chyy):
    """FX-02 deleted and every later risk point moved up one number: one removal, the rest renumbered."""
    b = e.copy(chyy)
    removed = e.delete_risk(b, "FX-02")
    ids = [r.id for r in b.risks]
    for i, rid in enumerate(ids[1:], start=2):
        e.renumber_risk(b, rid, f"FX-{i:02d}")
    got = kinds(chyy, b)
    assert got == removed + Counter({"risk.renumbered": len(ids) - 1})
    d = diff_workbooks(chyy, b)
    assert d.of_kind("risk.removed")[0].old_id == "FX-02"
    assert d.id_maps["risks"]["FX-03"] == "FX-02"


def test_renumbered_and_reworded_is_matched_by_similarity_within_the_power(chyy):
    b = e.copy(chyy)
    e.renumber_risk(b, "FX-05", "FX-55")
    e.reword_risk(b, "FX-55", "，干扰临床用药")
    d = diff_workbooks(chyy, b)
    assert Counter(c.kind for c in d.changes) == Counter({"risk.renumbered": 1, "risk.reworded": 1})
    c = d.of_kind("risk.renumbered")[0]
    assert (c.old_id, c.id) == ("FX-05", "FX-55")


def test_moved_to_another_post_and_renumbered(chyy):
    b = e.copy(chyy)
    e.renumber_risk(b, "FX-09", "FX-99")
    e.risk(b, "FX-99").post = "GW-03"
    d = diff_workbooks(chyy, b)
    assert Counter(c.kind for c in d.changes) == Counter({"risk.renumbered": 1, "risk.moved": 1})
    moved = d.of_kind("risk.moved")[0]
    assert (moved.field, moved.old, moved.new) == ("post", "GW-06", "GW-03")


def test_rewritten_text_under_the_same_id_is_a_rewording(chyy):
    b = e.copy(chyy)
    e.risk(b, "FX-10").description = "全新的表述：与本风险点原文毫无相同之处"
    assert similarity("全新的表述", e.risk(chyy, "FX-10").description) < THRESHOLD
    assert kinds(chyy, b) == Counter({"risk.reworded": 1})


def test_review_status_change(chyy):
    b = e.copy(chyy)
    e.return_risk(b, "FX-03")
    assert kinds(chyy, b) == Counter({"risk.review": 1, "risk.changed": 1})  # the status and the 审核意见


def test_a_renumbered_target_whose_references_did_not_follow_is_only_a_renumbering(chyy):
    """The dangling references are validate's business (LF203), not changes the unit made."""
    b = e.copy(chyy)
    e.risk(b, "FX-05").id = "FX-95"
    assert kinds(chyy, b) == Counter({"risk.renumbered": 1})


# -- measures, powers, posts, flows, unit ------------------------------------------------------


def test_measure_changes(chyy):
    b = e.copy(chyy)
    e.finish_measure(b, "CS-01-1")
    e.rephase_measure(b, "CS-01-2")
    e.measure(b, "CS-02-1").due = "每月"
    e.measure(b, "CS-03-1").description += "，并留存记录"
    e.measure(b, "CS-04-1").id = "CS-04-9"
    e.measure(b, "CS-05-1").owner = "院纪委"
    got = kinds(chyy, b)
    assert got == Counter({"measure.status": 1, "measure.rephased": 1, "measure.due": 1, "measure.reworded": 1,
                           "measure.renumbered": 1, "measure.changed": 1})
    d = diff_workbooks(chyy, b)
    status = d.of_kind("measure.status")[0]
    assert status.risk == "FX-01" and status.field == "status"
    assert d.of_kind("measure.rephased")[0].new == Phase.HANDLE.value


def test_measure_moved_to_another_risk_point(chyy):
    b = e.copy(chyy)
    e.measure(b, "CS-01-1").risk = "FX-02"
    d = diff_workbooks(chyy, b)
    assert [(c.kind, c.old, c.new, c.risk) for c in d.changes] == [("measure.moved", "FX-01", "FX-02", "FX-02")]


def test_power_post_flow_and_unit_changes(chyy):
    b = e.copy(chyy)
    e.abolish_power(b, "QL-03")
    b.posts[4].holders = ["张三"]
    e.add_step(b, "LC-01", "9")
    b.flows[1].steps[0].actor = "院办公室"
    b.flows = [f for f in b.flows if f.id != "LC-12"]
    b.unit.status = "已确认"
    b.unit.criteria.high += "（修订）"
    assert kinds(chyy, b) == Counter({"power.abolished": 1, "post.rotated": 1, "step.added": 1, "step.changed": 1,
                                      "flow.removed": 1, "unit.status": 1, "unit.criteria": 1})
    d = diff_workbooks(chyy, b)
    assert d.of_kind("step.added")[0].id == "LC-01/9"
    assert d.of_kind("step.changed")[0].id == f"{b.flows[1].id}/{b.flows[1].steps[0].id}"
    assert d.of_kind("unit.criteria")[0].field == "criteria.high"


def test_every_kind_has_words_and_is_documented():
    assert all(len(words) == 2 and all(words) for words in KINDS.values())
    docs = (Path(__file__).resolve().parent.parent / "docs" / "diff.md").read_text(encoding="utf-8")
    assert all(f"`{kind}`" in docs for kind in KINDS)
    assert f"THRESHOLD = {THRESHOLD}" in docs or f"{THRESHOLD}" in docs


# -- matching -----------------------------------------------------------------------------------


class Rec:
    def __init__(self, id, text, block="b"):
        self.id, self.text, self.block = id, text, block


def test_match_passes_and_blocks():
    old = [Rec("1", "药品采购收受回扣"), Rec("2", "设备验收走过场"), Rec("3", "基建工程泄露标底", "x")]
    new = [Rec("9", "设备验收走过场"), Rec("1", "药品采购收受回扣并虚开发票"), Rec("7", "基建工程泄露标底信息", "y")]
    m = match(old, new, text=lambda r: r.text, blocks=[(lambda r: r.block, lambda r: r.block)])
    assert [(o.id, n.id) for o, n in m.pairs] == [("2", "9"), ("1", "1")]
    # similar, but in another block: not compared
    assert [r.id for r in m.removed] == ["3"] and [r.id for r in m.added] == ["7"]
    m = match(old, new, text=lambda r: r.text, blocks=[(lambda r: "all", lambda r: "all")])
    assert ("3", "7") in [(o.id, n.id) for o, n in m.pairs]


def test_similarity_threshold_examples():
    # a text that grew to four times its length is no longer "the same risk point reworded"
    assert similarity("暗箱操作", "暗箱操作收受供应商回扣并虚开发票") < THRESHOLD
    assert similarity("暗箱操作收受回扣", "暗箱操作收受供应商回扣") >= THRESHOLD
    assert similarity("药品采购收受回扣", "设备验收走过场") < THRESHOLD
    assert similarity("", "x") == 0.0 and similarity("同", "同") == 1.0


# -- property: diff(A, A) is empty; counts match the edits made -----------------------------------


@st.composite
def edit_plans(draw):
    """Disjoint sets of risk points to reword, relevel, renumber, renumber and reword, delete;
    measures (of surviving risk points) to finish or re-phase."""
    wb = e.example("chyy.yaml")
    ids = [r.id for r in wb.risks]
    chosen = draw(st.lists(st.sampled_from(ids), unique=True, max_size=20))
    roles = draw(st.lists(st.sampled_from(["reword", "relevel", "renumber", "both", "delete"]),
                          min_size=len(chosen), max_size=len(chosen)))
    plan = dict(zip(chosen, roles, strict=True))
    deleted = {r for r, role in plan.items() if role == "delete"}
    mids = [m.id for m in wb.measures if m.risk not in deleted]
    measures = draw(st.lists(st.sampled_from(mids), unique=True, max_size=10))
    mroles = draw(st.lists(st.sampled_from(["finish", "rephase"]), min_size=len(measures), max_size=len(measures)))
    return plan, dict(zip(measures, mroles, strict=True))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edit_plans())
def test_counts_match_the_edits(plan):
    risk_plan, measure_plan = plan
    a = e.example("chyy.yaml")
    assert diff_workbooks(a, e.copy(a)).empty
    b = e.copy(a)
    expected: Counter = Counter()
    touched: set = set()
    for mid, role in measure_plan.items():
        (e.finish_measure if role == "finish" else e.rephase_measure)(b, mid)
        expected["measure.status" if role == "finish" else "measure.rephased"] += 1
    for n, (rid, role) in enumerate(risk_plan.items()):
        if role == "delete":
            expected += e.delete_risk(b, rid, touched)
        elif role == "reword":
            e.reword_risk(b, rid)
            expected["risk.reworded"] += 1
        elif role == "relevel":
            expected[e.relevel_risk(b, rid)] += 1
        else:
            e.renumber_risk(b, rid, f"NEW-{n}")
            expected["risk.renumbered"] += 1
            if role == "both":
                e.reword_risk(b, f"NEW-{n}")
                expected["risk.reworded"] += 1
    expected += Counter(kind for kind, *_ in touched)
    assert kinds(a, b) == expected


# -- golden outputs and the command ---------------------------------------------------------------


def golden_pair(tmp_path: Path | None = None) -> tuple[Path, Path]:
    """The golden inputs: the example hospital, and a copy with one edit of each main kind."""
    old_path, new_path = GOLDEN / "input" / "old.yaml", GOLDEN / "input" / "new.yaml"
    if UPDATE:
        a = e.example("chyy.yaml")
        b = e.copy(a)
        e.delete_risk(b, "FX-02")
        e.renumber_risk(b, "FX-03", "FX-02")
        e.reword_risk(b, "FX-04")
        e.relevel_risk(b, "FX-06")
        e.return_risk(b, "FX-08", "描述未说明风险发生的环节 | 请补充")
        e.add_risk(b, "FX-90", "QL-01", "GW-05")
        e.finish_measure(b, "CS-01-1")
        e.rephase_measure(b, "CS-01-2")
        e.measure(b, "CS-05-1").due = "=HYPERLINK(\"http://x\")"
        e.abolish_power(b, "QL-12")
        b.posts[4].holders = ["张三"]
        e.add_step(b, "LC-01", "9")
        b.unit.status = "已确认"
        old_path.parent.mkdir(parents=True, exist_ok=True)
        old_path.write_text(dump_yaml(a), encoding="utf-8")
        new_path.write_text(dump_yaml(b), encoding="utf-8")
    return old_path, new_path


def check_golden(name: str, text: str) -> None:
    text = text.replace(f"lianfang {__version__}", "lianfang <VERSION>")
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run with LIANFANG_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs; if intended, regenerate with LIANFANG_UPDATE_GOLDEN=1"


@pytest.fixture
def golden_inputs(monkeypatch):
    old, new = golden_pair()
    monkeypatch.chdir(GOLDEN)
    return str(old.relative_to(GOLDEN)), str(new.relative_to(GOLDEN))


@pytest.mark.parametrize(("fmt", "lang", "name"), [("text", "zh", "chyy.txt"), ("text", "en", "chyy.en.txt"),
                                                   ("markdown", "zh", "chyy.md"), ("json", "zh", "chyy.json")])
def test_golden(runner, app, golden_inputs, fmt, lang, name):
    old, new = golden_inputs
    result = runner.invoke(app, ["diff", old, new, "--format", fmt, "--lang", lang])
    assert result.exit_code == 1, result.output
    check_golden(name, result.stdout)


def test_json_is_the_documented_shape(runner, app, golden_inputs):
    result = runner.invoke(app, ["diff", *golden_inputs, "--format", "json"])
    doc = json.loads(result.stdout)
    assert set(doc) == {"version", "tool", "old", "new", "summary", "changes"}
    assert doc["summary"]["changes"] == len(doc["changes"]) == sum(doc["summary"]["kinds"].values())
    for c in doc["changes"]:
        assert set(c) == {"kind", "table", "id", "old_id", "field", "old", "new", "risk", "old_risk", "label"}
        assert c["kind"] in KINDS


def test_markdown_escapes_cells(runner, app, golden_inputs):
    result = runner.invoke(app, ["diff", *golden_inputs, "--format", "markdown"])
    row = next(line for line in result.stdout.splitlines() if "描述未说明" in line)
    assert "\\|" in row and row.count(" | ") == 3  # the | of the 审核意见 stays inside its cell


def test_exit_0_without_difference(runner, app):
    result = runner.invoke(app, ["diff", str(e.EXAMPLES / "chyy.yaml"), str(e.EXAMPLES / "chyy.xlsx")])
    assert result.exit_code == 0 and "没有实质性差别" in result.stdout


def test_missing_or_unreadable_file_is_exit_2(runner, app, tmp_path):
    result = runner.invoke(app, ["diff", str(tmp_path / "nope.xlsx"), str(e.EXAMPLES / "chyy.yaml")])
    assert result.exit_code == 2 and "文件不存在" in result.stderr
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip")
    result = runner.invoke(app, ["diff", str(e.EXAMPLES / "chyy.yaml"), str(bad)])
    assert result.exit_code == 2 and "无法读取" in result.stderr and "Traceback" not in result.output
    result = runner.invoke(app, ["diff", str(e.EXAMPLES / "chyy.yaml")])
    assert result.exit_code == 2 and "两个文件" in result.stderr
    result = runner.invoke(app, ["diff", str(e.EXAMPLES / "chyy.yaml"), str(e.EXAMPLES / "chyy.xlsx"), "--format", "pdf"])
    assert result.exit_code == 2 and "未知的输出格式" in result.stderr


def test_another_unit_is_compared_with_a_note(runner, app):
    result = runner.invoke(app, ["diff", str(e.EXAMPLES / "chyy.yaml"), str(e.EXAMPLES / "chcdc.yaml")])
    assert result.exit_code == 1 and "单位代码不同" in result.stderr


def test_output_file_needs_force_to_be_replaced(runner, app, tmp_path, golden_inputs):
    out = tmp_path / "d.md"
    out.write_text("mine", encoding="utf-8")
    result = runner.invoke(app, ["diff", *golden_inputs, "--format", "markdown", "-o", str(out)])
    assert result.exit_code == 2 and out.read_text(encoding="utf-8") == "mine"
    result = runner.invoke(app, ["diff", *golden_inputs, "--format", "markdown", "-o", str(out), "--force"])
    assert result.exit_code == 1 and out.read_text(encoding="utf-8").startswith("### ")


def test_xlsx_revision_table(runner, app, tmp_path, golden_inputs):
    assert runner.invoke(app, ["diff", *golden_inputs, "--format", "xlsx"]).exit_code == 2  # needs -o
    out = tmp_path / "修订对照表.xlsx"
    result = runner.invoke(app, ["diff", *golden_inputs, "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 1, result.output
    first = out.read_bytes()
    book = openpyxl.load_workbook(out)
    ws = book["修订对照表"]
    assert [c.value for c in ws[3]] == ["序号", "部分", "对象", "变化", "旧", "新"]
    assert ws.print_title_rows == "$3:$3"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    cells = [c for row in ws.iter_rows(min_row=4) for c in row]
    formula = [c for c in cells if isinstance(c.value, str) and c.value.startswith("=")]
    assert formula and all(c.data_type == "s" and c.quotePrefix for c in formula)  # stays text
    n_changes = json.loads(runner.invoke(app, ["diff", *golden_inputs, "--format", "json"]).stdout)["summary"]["changes"]
    assert ws.max_row - 3 == n_changes
    # the same inputs give the same bytes
    assert runner.invoke(app, ["diff", *golden_inputs, "--format", "xlsx", "-o", str(out), "--force"]).exit_code == 1
    assert out.read_bytes() == first
