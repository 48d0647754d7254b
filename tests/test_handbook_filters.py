"""The handbook's Markdown escaping: a workbook value shows as written and never becomes markup."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from lianfang.coverage import percent
from lianfang.handbook.filters import (
    anchor,
    demote_headings,
    md,
    mdcell,
    mdlink,
    text_of,
    yamlstr,
)
from lianfang.model.vocab import RiskLevel

GFM = MarkdownIt("commonmark").enable("table")


def cells_of(row_markdown: str, columns: int = 3) -> list[str]:
    """Parse a one-row table whose middle cell is ``row_markdown``; return the rendered cells."""
    table = "| a | b | c |\n|---|---|---|\n| x | " + row_markdown + " | z |\n"
    html = GFM.render(table)
    body = html.split("<tbody>")[1]
    return re.findall(r"<td>(.*?)</td>", body, re.S)


def test_pipe_and_line_break_stay_in_one_cell():
    cell = mdcell("A|B\n第二行")
    assert cell == "A\\|B<br>第二行"
    assert cells_of(cell) == ["x", "A|B<br>第二行", "z"]


def test_html_never_passes_through():
    cell = mdcell("<script>alert(1)</script> & <img src=x onerror=alert(1)>")
    assert "<script" not in cell and "<img" not in cell
    rendered = cells_of(cell)[1]
    assert "<script" not in rendered and "<img" not in rendered
    assert "&lt;script&gt;" in rendered and "&amp;" in rendered


def test_outer_spaces_trimmed_inner_kept():
    assert mdcell("  a  b  ") == "a  b"
    assert mdcell("\n\n  x  \n") == "x"
    assert mdcell("   ") == ""
    assert mdcell(None) == ""


def test_inline_markup_escaped():
    assert mdcell("*强调* _x_ `code` [链接](http://x) ~删除~ !") == "\\*强调\\* \\_x\\_ \\`code\\` \\[链接\\](http://x) \\~删除\\~ \\!"


def test_cell_keeps_block_markers_as_written():
    # a table cell holds inline content only: no need to escape "1." or "#"
    assert mdcell("100.0%") == "100.0%"
    assert mdcell("# 不是标题") == "# 不是标题"


def test_md_escapes_block_starts():
    assert md("# 标题") == "\\# 标题"
    assert md("- 列表") == "\\- 列表"
    assert md("1. 第一") == "1\\. 第一"
    assert md("> 引用") == "&gt; 引用"
    assert md("    缩进") == "缩进"
    html = MarkdownIt("commonmark").render(md("# 标题\n- 列表\n1. 第一"))
    assert html.strip() == "<p># 标题<br>- 列表<br>1. 第一</p>"


def test_control_characters_dropped():
    assert mdcell("a\x00b\x07c") == "abc"


def test_values_shown_as_text():
    assert text_of(RiskLevel.HIGH) == "高"
    assert text_of(date(2026, 1, 2)) == "2026-01-02"
    assert text_of(["a", "b"]) == "a、b"
    assert text_of(3) == "3"


def test_links_and_anchors():
    assert mdlink("attachments/part7/公示 (1).pdf") == "attachments/part7/%E5%85%AC%E7%A4%BA%20%281%29.pdf"
    assert anchor('x"><script>') == "x-script"
    assert anchor("单位") == "x"
    assert percent(1, 3) == "33.3%"
    assert percent(0, 0) == "—"
    assert yamlstr('a: "b" # c') == '"a: \\"b\\" # c"'


def test_demote_headings_outside_code():
    text = "# 一\n\n```\n# code\n```\n\n## 二\n####### 七"
    assert demote_headings(text, 2) == "### 一\n\n```\n# code\n```\n\n#### 二\n####### 七"
    assert demote_headings("##### 五", 3) == "###### 五"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab |\\\n\r\t<>&*_`[]#-=.1!~") + ["中", "\u3000"]), max_size=30))
def test_any_text_stays_one_cell(text):
    """Whatever a workbook holds, the row keeps three cells and the middle one shows the text."""
    cells = cells_of(mdcell(text))
    assert len(cells) == 3
    shown = cells[1]
    # undo what the renderer does to show text: entities back to characters, <br> to line breaks
    shown = shown.replace("<br>", "\n").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    expected = "\n".join(line.strip() for line in re.split(r"\r\n|[\r\n]", text.replace("\t", " "))).strip("\n ")
    assert shown == expected


@pytest.mark.parametrize("text", ["a|b", "a\\|b", "a\\\\|b", "|", "\\", "a\\"])
def test_backslashes_before_pipes(text):
    cells = cells_of(mdcell(text))
    assert len(cells) == 3
    assert cells[1] == text
