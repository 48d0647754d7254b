"""docs/rules.md is generated from the registry and must be current."""

from __future__ import annotations

from pathlib import Path

from lianfang import docs as docs_main
from lianfang.rules import REGISTRY
from lianfang.rules.docs import _cell, doc_text, render_rules_md

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "rules.md"


def test_docs_rules_md_is_current():
    current = PAGE.read_text(encoding="utf-8") if PAGE.exists() else ""
    assert current == render_rules_md(), "docs/rules.md is stale: run make docs"


def test_every_rule_has_a_row_and_a_section_in_both_languages():
    text = render_rules_md()
    for rule in REGISTRY:
        assert f"| [{rule.code}](#{rule.code.lower()}) | `{rule.name}` | {rule.severity.value} |" in text
        section = text.split(f"\n## {rule.code}\n", 1)[1].split("\n## ", 1)[0]
        assert rule.title_zh in section and rule.title_en in section
        assert doc_text(rule, "en") in section
        assert rule.fix_zh in section and rule.fix_en in section  # what to do about a finding
        if rule.doc_zh:
            assert doc_text(rule, "zh") in section and "**中文**" in section


def test_options_are_documented_with_their_defaults():
    section = render_rules_md().split("\n## LF404\n", 1)[1].split("\n## ", 1)[0]
    assert "| `years` | 5 |" in section
    section = render_rules_md().split("\n## LF407\n", 1)[1].split("\n## ", 1)[0]
    assert "三重一大" in section


def test_markdown_cells_and_literal_blocks():
    assert _cell("a|b\nc") == "a\\|b c"
    doc = doc_text(REGISTRY.get("LF201"), "en")
    assert "Passing:\n" in doc and "::" not in doc
    assert "\n    powers: [{id: QL-01" in doc  # the example stays an indented code block


def test_python_m_lianfang_docs_writes_then_checks(tmp_path, capsys):
    assert docs_main.main(["--root", str(tmp_path), "--check"]) == 1
    assert "run make docs" in capsys.readouterr().err
    assert not (tmp_path / "docs" / "rules.md").exists()
    assert docs_main.main(["--root", str(tmp_path)]) == 0
    assert (tmp_path / "docs" / "rules.md").read_text(encoding="utf-8") == render_rules_md()
    assert docs_main.main(["--root", str(tmp_path), "--check"]) == 0
