"""Layers run one way: file → reader → model → rules / renderers → output (docs/architecture.md).

io (readers and writers) knows files and the model; it never reaches up into the rule catalogue,
the check pipeline, the configuration, the reports or the CLI (issue 11, item 3). A reader returns
what it could not read as ``ReadProblem`` data; ``rules.reading.reader_findings`` makes findings.
"""

from __future__ import annotations

import ast
from pathlib import Path

from lianfang.io.build import ReadProblem, ReadResult
from lianfang.io.reader import read_workbook
from lianfang.rules.reading import reader_findings

SRC = Path(__file__).resolve().parent.parent / "src" / "lianfang"
ABOVE_IO = ("lianfang.rules", "lianfang.pipeline", "lianfang.config", "lianfang.report", "lianfang.cli",
            "lianfang.handbook", "lianfang.flowchart")


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


def test_io_never_imports_the_rules_or_anything_above_it():
    for path in sorted((SRC / "io").glob("*.py")):
        up = sorted(m for m in _imports(path) if any(m == a or m.startswith(a + ".") for a in ABOVE_IO))
        assert up == [], f"{path.name} imports {up}"


def test_a_read_result_holds_problems_and_the_rules_side_makes_them_findings(tmp_path):
    path = tmp_path / "u.csv"
    path.write_text("a,b\n", encoding="utf-8")
    result = read_workbook(path)
    assert isinstance(result, ReadResult) and not hasattr(result, "findings")
    (problem,) = result.problems
    assert isinstance(problem, ReadProblem) and problem.code == "LF100"
    (finding,) = reader_findings(result.problems)
    assert (finding.code, finding.name, finding.severity.value, finding.message) == (
        "LF100", "unreadable-file", "error", problem.message)
