"""The handbook's Markdown escaping: a workbook value shows as written and never becomes markup."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from lianfang.coverage import percent
from lianfang.handbook.filters import demote_headings, yamlstr
from lianfang.markdown import anchor, md, mdcell, mdlink, text_of
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


def _mdcell_by_lines(value) -> str:
    """mdcell as it was written before its one-line shortcut: every text split into lines."""
    from lianfang.markdown import _LINE_BREAKS, _escape

    text = text_of(value).replace("\t", " ")
    text = "\n".join(line.strip() for line in _LINE_BREAKS.split(text)).strip("\n ")
    return _escape(text, block=False)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab |\\\n\r\t\x0b\x0c\x1c\x1f\x85\x7f\x00<>&*_`[]#-=.1!~ ")
                                         + ["中", "\u3000", "\u2028", "\u2029", "\xa0"]), max_size=30))
def test_one_line_cells_take_a_shortcut_to_the_same_text(text):
    assert mdcell(text) == _mdcell_by_lines(text)


def test_mdrow_is_mdcell_of_each_cell_joined():
    from lianfang.handbook.filters import mdrow

    cells = ["a|b", " 中 ", 3, None, RiskLevel.HIGH, "x\ny", date(2026, 1, 2)]
    assert mdrow(cells) == " | ".join(mdcell(c) for c in cells) == "a\\|b | 中 | 3 |  | 高 | x<br>y | 2026-01-02"
