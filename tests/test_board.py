"""lianfang status: campaign phases, the rubric, missing units and every output format."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.conftest import EXAMPLES

from lianfang.board.assessment import DEFAULT_WEIGHTS, Assessment, Criterion, Facts, score, shares
from lianfang.board.campaign import (
    Campaign,
    DatedPhase,
    Expectation,
    Phase,
    PhaseState,
    dated_phases,
    default_phases,
    phase_state,
)
from lianfang.board.load import BoardError, load_board

AS_OF = date(2026, 10, 15)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLES / "units", tmp_path / "units")
    (tmp_path / "handbook.yaml").write_text(
        "title: 测试手册\norganisation: 巢湖市卫生局\nyear: 2026\nunits:\n  - units/*.yaml\n  - units/missing.xlsx\n",
        encoding="utf-8")
    return tmp_path


# -- campaign -----------------------------------------------------------------------------


def test_seed_phases_dated_by_xun():
    phases = {p.name: p for p in default_phases(2026)}
    assert phases["清权确权"].start == date(2026, 7, 1) and phases["清权确权"].end == date(2026, 8, 10)
    assert phases["查找廉政风险点"].end == date(2026, 9, 20)  # 9月中旬 ends on the 20th
    assert phases["动员部署"].start == date(2026, 6, 21)  # 6月下旬
    assert phases["处置纠正问题"].start == date(2026, 10, 21)
    assert phases["检查验收"].start == date(2027, 1, 1) and phases["检查验收"].end == date(2027, 3, 20)
    assert [p.expects for p in default_phases(2026)][:3] == [Expectation.SUBMITTED, Expectation.POWERS, Expectation.RISKS_REVIEWED]


def test_a_month_of_28_days_ends_xia_xun_on_its_last_day():
    campaign = Campaign(phases=[Phase(name="自定", start=date(2027, 2, 1), end=None, expects="submitted")])
    with pytest.raises(ValueError, match="end"):
        dated_phases(campaign, 2027)
    from lianfang.board.campaign import _xun

    assert _xun(2027, 2, "下", False) == date(2027, 2, 28)


def test_campaign_keeps_given_dates_and_fills_the_rest():
    campaign = Campaign(phases=[Phase(name="公示", end=date(2026, 10, 31))])
    (p,) = dated_phases(campaign, 2026)
    assert (p.name, p.start, p.end, p.expects) == ("公示", date(2026, 9, 11), date(2026, 10, 31), Expectation.PUBLISHED)


def test_phase_end_before_start_is_refused():
    with pytest.raises(ValueError):
        Phase(name="清权确权", start=date(2026, 8, 1), end=date(2026, 7, 1))


PHASE = DatedPhase("公示", date(2026, 9, 11), date(2026, 10, 10), Expectation.PUBLISHED)


@pytest.mark.parametrize(("done", "as_of", "done_on", "state"), [
    (False, date(2026, 9, 10), None, PhaseState.NOT_STARTED),
    (False, date(2026, 9, 11), None, PhaseState.ON_TIME),  # first day
    (False, date(2026, 10, 10), None, PhaseState.ON_TIME),  # last day
    (False, date(2026, 10, 11), None, PhaseState.LATE),
    (True, date(2026, 9, 1), None, PhaseState.DONE),  # done early
    (True, date(2026, 12, 1), date(2026, 10, 10), PhaseState.DONE),
    (True, date(2026, 12, 1), date(2026, 10, 11), PhaseState.DONE_LATE),
])
def test_phase_states_around_their_dates(done, as_of, done_on, state):
    assert phase_state(PHASE, done, as_of, done_on) is state


# -- assessment ---------------------------------------------------------------------------


FULL = Facts(risks=10, covered=10, high=2, high_full=2, measures_due=4, measures_due_done=4, confirmed=True,
             published=True, key_posts=3, rotation_due=0, errors=0, warnings=0)


def test_full_marks():
    assert score(FULL, DEFAULT_WEIGHTS).total == pytest.approx(100)


def test_rubric_arithmetic():
    facts = Facts(risks=8, covered=6, high=4, high_full=1, measures_due=5, measures_due_done=2, confirmed=True,
                  published=False, key_posts=2, rotation_due=1, errors=0, warnings=3)
    s = score(facts, DEFAULT_WEIGHTS)
    points = {line.criterion: line.points for line in s.lines}
    assert points[Criterion.COVERAGE] == pytest.approx(25 * 6 / 8)
    assert points[Criterion.HIGH_PHASES] == pytest.approx(15 * 1 / 4)
    assert points[Criterion.MEASURES_DONE] == pytest.approx(20 * 2 / 5)
    assert points[Criterion.CONFIRMED] == 10 and points[Criterion.PUBLISHED] == 0
    assert points[Criterion.ROTATION] == pytest.approx(5)
    assert points[Criterion.FINDINGS] == pytest.approx(10 * 0.85)
    assert s.total == pytest.approx(18.75 + 3.75 + 8 + 10 + 0 + 5 + 8.5)


def test_an_error_zeroes_the_findings_criterion_and_no_risk_zeroes_coverage():
    facts = Facts(risks=0, covered=0, high=0, high_full=0, measures_due=0, measures_due_done=0, confirmed=False,
                  published=False, key_posts=0, rotation_due=0, errors=1, warnings=0)
    s = shares(facts)
    assert s[Criterion.FINDINGS] == 0 and s[Criterion.COVERAGE] == 0
    assert s[Criterion.HIGH_PHASES] == 1 and s[Criterion.ROTATION] == 1  # nothing to fail


def test_weights_rescale_to_100_and_zero_switches_off():
    weights = Assessment(weights={"coverage": 50, "published": 0}).effective()
    s = score(FULL._replace(published=False) if hasattr(FULL, "_replace") else
              Facts(**{**FULL.__dict__, "published": False}), weights)
    assert Criterion.PUBLISHED not in {line.criterion for line in s.lines}
    assert s.total == pytest.approx(100)
    with pytest.raises(ValueError):
        Assessment(weights={"coverage": -1})
    with pytest.raises(ValueError):
        Assessment(weights=dict.fromkeys(Criterion, 0)).effective()


@given(st.integers(0, 50), st.integers(0, 50), st.integers(0, 20), st.booleans())
def test_score_stays_within_0_and_100(risks, covered, warnings, confirmed):
    covered = min(covered, risks)
    facts = Facts(risks=risks, covered=covered, high=0, high_full=0, measures_due=0, measures_due_done=0,
                  confirmed=confirmed, published=False, key_posts=0, rotation_due=0, errors=0, warnings=warnings)
    assert 0 <= score(facts, DEFAULT_WEIGHTS).total <= 100


# -- the board ----------------------------------------------------------------------------


def test_board_of_the_examples(project: Path):
    board = load_board(project / "handbook.yaml", AS_OF)
    by_code = {r.code: r for r in board.rows}
    assert set(by_code) == {"CHCDC", "CHWSJ", "CHYY", None}
    missing = by_code[None]
    assert missing.missing and missing.file == "units/missing.xlsx"
    assert all(c.state is not PhaseState.DONE for c in missing.phases)
    chcdc = by_code["CHCDC"]
    assert chcdc.status == "已公示" and chcdc.risks == 32 == chcdc.covered
    assert chcdc.levels == {"高": 11, "中": 16, "低": 5}
    states = {c.phase.name: c.state for c in by_code["CHYY"].phases}
    assert states["公示廉政风险点"] is PhaseState.LATE  # 送审 on 15 October, 公示 ended 10 October
    assert states["检查验收"] is PhaseState.NOT_STARTED
    assert missing in board.behind and by_code["CHYY"] in board.behind and chcdc not in board.behind
    assert board.totals.risks == sum(r.risks for r in board.rows)


def test_status_as_of_before_the_campaign(project: Path):
    board = load_board(project / "handbook.yaml", date(2026, 6, 1))
    rows = [r for r in board.rows if not r.missing]
    assert all(c.state in (PhaseState.DONE, PhaseState.NOT_STARTED) for r in rows for c in r.phases)


def test_figures_follow_the_rules_as_configured(project: Path):
    text = (project / "units" / "chyy.yaml").read_text(encoding="utf-8")
    text = text.replace("status: 已落实}", "status: 未落实}", 1).replace("due: 每年1月", "due: 2026-01-31", 1)
    (project / "units" / "chyy.yaml").write_text(text, encoding="utf-8")
    row = next(r for r in load_board(project / "handbook.yaml", AS_OF).rows if r.code == "CHYY")
    assert row.overdue == 1 and row.measures["未落实"] == 1
    (project / "lianfang.toml").write_text('[validate]\nignore = ["LF408"]\n', encoding="utf-8")
    row = next(r for r in load_board(project / "handbook.yaml", AS_OF).rows if r.code == "CHYY")
    assert row.overdue == 0


def test_campaign_and_assessment_from_handbook_yaml(project: Path):
    (project / "handbook.yaml").write_text(
        "year: 2026\nunits: [units/*.yaml]\ncampaign:\n  phases:\n    - {name: 公示, end: 2026-10-31}\n"
        "assessment:\n  weights: {published: 0}\n", encoding="utf-8")
    board = load_board(project / "handbook.yaml", AS_OF)
    assert [p.name for p in board.phases] == ["公示"]
    assert {c.state for r in board.rows for c in r.phases} <= {PhaseState.DONE, PhaseState.ON_TIME}
    assert Criterion.PUBLISHED not in {line.criterion for r in board.rows for line in r.score.lines}


def test_bad_campaign_is_located(project: Path):
    (project / "handbook.yaml").write_text(
        "units: [units/*.yaml]\ncampaign:\n  phases:\n    - {name: 公示, expects: everything}\n", encoding="utf-8")
    with pytest.raises(BoardError, match=r"handbook.yaml:4:"):
        load_board(project / "handbook.yaml", AS_OF)
    (project / "handbook.yaml").write_text("units: [units/*.yaml]\ncampaign:\n  phases:\n    - {name: 自查}\n", encoding="utf-8")
    with pytest.raises(BoardError, match="自查"):
        load_board(project / "handbook.yaml", AS_OF)


def test_a_folder_of_workbooks(project: Path):
    for twin in [*(project / "units").glob("*.xlsx"), *(project / "units").glob("*.xls")]:  # the twins of the YAML units
        twin.unlink()
    board = load_board(project / "units", AS_OF)
    assert sorted(r.code for r in board.rows) == ["CHCDC", "CHWSJ", "CHYY"]


def test_warm_board_reads_from_the_handbook_cache(project: Path, monkeypatch):
    load_board(project / "handbook.yaml", AS_OF)
    import lianfang.handbook.build as build

    calls = []
    monkeypatch.setattr(build, "_read_and_check", lambda *a: calls.append(a))
    board = load_board(project / "handbook.yaml", AS_OF)
    assert calls == [] and len(board.rows) == 4


# -- the command --------------------------------------------------------------------------


def run(runner, app, *args):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_text_fits_80_columns(runner, app, project: Path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    result = run(runner, app, "status", str(project), "--as-of", "2026-10-15")
    assert result.exit_code == 0, result.output
    assert all(len(line) <= 80 for line in result.output.splitlines())
    assert "CHYY" in result.output and "缺报" in result.output and "需要督促的单位" in result.output


def test_json_is_documented_shape(runner, app, project: Path):
    result = run(runner, app, "status", str(project / "handbook.yaml"), "--as-of", "2026-10-15", "--format", "json")
    data = json.loads(result.output)
    assert data["version"] == 1 and data["as_of"] == "2026-10-15"
    assert data["summary"]["missing"] == 1 and "units/missing.xlsx" in data["summary"]["behind"]
    unit = next(u for u in data["units"] if u["code"] == "CHCDC")
    assert unit["coverage"] == 1.0 and unit["score"]["total"] == 100.0
    assert {c["criterion"] for c in unit["score"]["criteria"]} == {c.value for c in Criterion}


def test_markdown_xlsx_and_html(runner, app, project: Path, tmp_path: Path):
    from openpyxl import load_workbook

    out = tmp_path / "out"
    md = run(runner, app, "status", str(project), "--as-of", "2026-10-15", "--format", "markdown")
    assert "| 巢湖市第一人民医院 |" in md.output and "逾期未完成" in md.output
    assert run(runner, app, "status", str(project), "--format", "markdown", "-o", str(out / "board.md")).exit_code == 0
    assert (out / "board-charts" / "campaign.png").read_bytes()[:4] == b"\x89PNG"
    assert "](board-charts/campaign.png)" in (out / "board.md").read_text(encoding="utf-8")
    assert run(runner, app, "status", str(project), "--format", "xlsx", "-o", str(out / "board.xlsx")).exit_code == 0
    book = load_workbook(out / "board.xlsx")
    assert book.sheetnames == ["工作进度", "阶段进度", "考核评分表", "图表"]
    assert book["工作进度"].print_title_rows == "$3:$3"
    import zipfile

    media = [n for n in zipfile.ZipFile(out / "board.xlsx").namelist() if n.startswith("xl/media/")]
    assert len(media) == 4
    assert run(runner, app, "status", str(project), "--format", "html", "-o", str(out / "board.html")).exit_code == 0
    html = (out / "board.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 4 and "<script" not in html and "<!--" not in html


def test_existing_output_needs_force(runner, app, project: Path, tmp_path: Path):
    target = tmp_path / "board.html"
    target.write_text("mine", encoding="utf-8")
    result = run(runner, app, "status", str(project), "--format", "html", "-o", str(target))
    assert result.exit_code == 2 and target.read_text(encoding="utf-8") == "mine"
    assert run(runner, app, "status", str(project), "--format", "html", "-o", str(target), "--force").exit_code == 0


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "pdf"], "未知的输出格式"),
    (["--format", "xlsx"], "须用 -o"),
    (["--as-of", "明天"], "日期"),
    (["nowhere"], "路径不存在"),
])
def test_bad_options_exit_2(runner, app, project: Path, args, message, monkeypatch):
    monkeypatch.chdir(project)
    result = run(runner, app, "status", *args)
    assert result.exit_code == 2 and message in result.output


def test_english(runner, app, project: Path):
    result = run(runner, app, "status", str(project), "--as-of", "2026-10-15", "--lang", "en")
    assert "units behind" in result.output and "missing" in result.output


def test_handbook_init_writes_the_seed_phases_as_an_example(runner, app, tmp_path: Path):
    assert run(runner, app, "handbook", "init", str(tmp_path / "p")).exit_code == 0
    text = (tmp_path / "p" / "handbook.yaml").read_text(encoding="utf-8")
    assert "#     - {name: 查找廉政风险点, start: 2026-08-01, end: 2026-09-20, expects: risks_reviewed}" in text
    uncommented = text.replace("# campaign:", "campaign:").replace("#   phases:", "  phases:") \
        .replace("#     - ", "    - ").replace("# assessment:", "assessment:").replace("#   weights", "  weights")
    (tmp_path / "p" / "handbook.yaml").write_text(uncommented, encoding="utf-8")
    board = load_board(tmp_path / "p" / "handbook.yaml", AS_OF)
    assert [p.name for p in board.phases] == [p.name for p in default_phases(2026)]


def test_hostile_unit_names_are_escaped_in_the_html_board_and_its_charts(runner, app, project: Path, tmp_path: Path):
    path = project / "units" / "chyy.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: 巢湖市第一人民医院", "name: '<script>alert(1)</script>&'", 1),
                    encoding="utf-8")
    out = tmp_path / "board.html"
    assert run(runner, app, "status", str(project), "--format", "html", "-o", str(out)).exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert "<script" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;&amp;") >= 4  # tables and the SVG charts' text
    assert "font-family: 'Microsoft YaHei'" in html  # the charts' text is text, in a CJK font
