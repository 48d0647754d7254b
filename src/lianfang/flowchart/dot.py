"""A ``Chart`` as Graphviz DOT source.

Every text from the workbook is untrusted. Plain labels (lanes, conditions, start/end) go through
``graphviz.escape`` + ``nohtml``, so backslash sequences and a ``<…>`` value stay literal;
HTML-like labels (steps, title, tables) go through ``html.escape``, and a backslash is doubled
there too (Graphviz expands ``\\N`` and ``\\G`` even in HTML labels). Node and cluster IDs are
generated (``s1``, ``cluster_lane1``), never taken from the workbook. Control characters that XML
(and so SVG) cannot hold are dropped; line breaks in a cell become line breaks on the chart.

The output depends only on the chart, the font and the language of the fixed words, so the
same workbook always gives the same DOT text.
"""

from __future__ import annotations

import html
import re
import unicodedata

import graphviz

from lianfang.flowchart.graph import Chart, Node, Panel, RiskMark
from lianfang.i18n import tr
from lianfang.model.vocab import FlowKind, RiskLevel

# Families tried in order: Linux (Noto, WenQuanYi), Windows (YaHei, SimHei), macOS (PingFang).
DEFAULT_FONT = "Noto Sans CJK SC, WenQuanYi Micro Hei, Microsoft YaHei, PingFang SC, SimHei, sans-serif"

LEVEL_COLOURS = {
    RiskLevel.HIGH: "#F4A6A6",  # red-ish
    RiskLevel.MEDIUM: "#FBC98E",  # orange
    RiskLevel.LOW: "#FCEFA1",  # yellow
}
MARK_COLOUR = "#C00000"
LANE_FILL = "#F4F6F9"
LANE_BORDER = "#9AA5B1"
HEADER_FILL = "#E8ECF1"
BACK_EDGE_COLOUR = "#555555"

# wrap widths in display columns (a Chinese character is two)
NAME_WIDTH = 24
LINE_WIDTH = 32
CELL_WIDTH = 40
MEASURE_WIDTH = 52
PANEL_WIDTH = 56
MARKS_PER_LINE = 3

START_KEY = "start"
END_KEY = "end"
RISK_TABLE_KEY = "risk_table"
PANEL_KEY = "panel"

# C0 controls except tab/newline, DEL, and the two non-characters XML forbids
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")


def clean(text: str | None) -> str:
    """Text a chart can hold: unified line breaks, tabs as spaces, no control characters."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _UNSAFE.sub("", text).strip()


# never at the start of a line (禁则)
_CLOSING = frozenset("，。、；：！？）》」』】〕,.;:!?)]}%")


def _width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` display columns; written line breaks are kept.

    Breaks at the last space when a line of Latin text overflows, anywhere in Chinese text;
    closing punctuation hangs at the end of a line rather than starting the next one.
    """
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        used = 0
        for ch in para:
            w = _width(ch)
            if used + w > width and line and ch not in _CLOSING:
                cut = line.rfind(" ")
                if ch != " " and cut > 0:
                    lines.append(line[:cut])
                    line = line[cut + 1:]
                else:
                    lines.append(line.rstrip())
                    line = ""
                line = line.lstrip() if not line else line
                used = sum(_width(c) for c in line)
                if ch == " " and not line:
                    continue
            line += ch
            used += w
        lines.append(line)
    return lines


def plain(text: str | None) -> str:
    """A plain (non-HTML) DOT label: backslashes and ``<…>`` literal, line breaks kept."""
    escaped = graphviz.escape(clean(text))
    return graphviz.nohtml(escaped.replace("\n", "\\n"))


def escape_html(text: str) -> str:
    """One line for an HTML-like label. Graphviz decodes entities, then expands ``\\N``,
    ``\\G``… even there, where ``\\\\`` is one backslash: so a backslash is written as two, as entities."""
    return html.escape(text, quote=True).replace("\\", "&#92;&#92;")


def html_text(text: str | None, width: int | None = None) -> str:
    """Text for inside an HTML-like label, wrapped to ``width`` columns."""
    text = clean(text)
    lines = wrap(text, width) if width else text.split("\n")
    return "<BR/>".join(escape_html(line) for line in lines)


def _html(inner: str) -> str:
    return f"<{inner}>"


def kind_title(kind: FlowKind) -> str:
    if kind is FlowKind.INTERNAL:
        return tr("权力运行内部流程图", "internal power-operation flowchart")
    return tr("权力运行外部流程图", "external power-operation flowchart")


def level_word(level: RiskLevel | None) -> str:
    if level is None:
        return "?"
    return tr(level.value, {"高": "high", "中": "medium", "低": "low"}[level.value])


PANEL_LABELS = {
    "subject": ("办理主体", "Handled by"),
    "basis": ("办理依据", "Legal basis"),
    "materials": ("所需材料", "Materials"),
    "time_limit": ("办理时限", "Time limit"),
    "place": ("办理地点", "Place"),
    "phone": ("联系电话", "Phone"),
    "fee": ("收费标准", "Fee"),
    "supervision": ("监督渠道", "Supervision"),
}


def to_dot(chart: Chart, font: str = DEFAULT_FONT) -> str:
    """DOT source of ``chart``; ``font`` is a Graphviz ``fontname`` (a family list is fine)."""
    name = "_".join(p for p in (chart.unit_code, chart.flow_id, chart.kind.name.lower()) if p)
    g = graphviz.Digraph(
        name=name,
        graph_attr={
            "charset": "UTF-8",
            "rankdir": "TB",
            "newrank": "true",
            "labelloc": "t",
            "fontname": font,
            "fontsize": "12",
            "nodesep": "0.4",
            "ranksep": "0.45",
            "pad": "0.3",
            "label": _html(_title(chart)),
        },
        node_attr={"fontname": font, "fontsize": "12", "shape": "box", "style": "rounded,filled",
                   "fillcolor": "white", "margin": "0.15,0.06"},
        edge_attr={"fontname": font, "fontsize": "11", "arrowsize": "0.8"},
    )
    terminal = {"shape": "oval", "style": "filled", "fillcolor": HEADER_FILL, "penwidth": "1.5"}
    g.node(START_KEY, label=plain(tr("开始", "Start")), **terminal)

    if chart.lanes:
        nodes = {n.key: n for n in chart.nodes}
        for lane in chart.lanes:
            with g.subgraph(name=f"cluster_{lane.key}") as c:
                c.attr(label=plain(lane.actor), labeljust="l", style="filled,rounded",
                       fillcolor=LANE_FILL, color=LANE_BORDER, fontsize="12")
                for key in lane.nodes:
                    _step(c, nodes[key], chart)
    else:
        for node in chart.nodes:
            _step(g, node, chart)

    ends = chart.ends
    if ends:
        g.node(END_KEY, label=plain(tr("结束", "End")), **terminal)

    g.edge(START_KEY, chart.start.key)
    for e in chart.edges:
        attrs = {}
        if e.condition:
            attrs["label"] = plain(e.condition)
        if e.back:
            attrs.update(constraint="false", style="dashed", color=BACK_EDGE_COLOUR, fontcolor=BACK_EDGE_COLOUR)
        g.edge(e.tail, e.head, **attrs)
    for n in ends:
        g.edge(n.key, END_KEY)

    bottom = END_KEY if ends else chart.nodes[-1].key
    if chart.panel is not None:
        # Below the procedure, not beside it: dot centres every node of a rank on one line, so
        # a tall panel sharing a rank with a step stretches the procedure; xlabels overlap
        # nodes; and pack mode drops edge labels (Graphviz 2.43). See docs/flowchart.md.
        g.node(PANEL_KEY, label=_html(_panel_table(chart.panel)), shape="plain")
        g.edge(bottom, PANEL_KEY, style="invis")
        bottom = PANEL_KEY
    if chart.risks:
        g.node(RISK_TABLE_KEY, label=_html(_risk_table(chart.risks)), shape="plain")
        g.edge(bottom, RISK_TABLE_KEY, style="invis")
    return g.source


def _title(chart: Chart) -> str:
    head = f'<FONT POINT-SIZE="16"><B>{html_text(chart.flow_name)}</B></FONT>'
    parts = [p for p in (chart.unit_name, kind_title(chart.kind)) if p]
    power = tr("职权 {i} {n}", "power {i} {n}", i=chart.power_id, n=chart.power_name or "").strip()
    parts += [tr("流程 {i}", "flow {i}", i=chart.flow_id), power]
    sub = html_text(" · ".join(parts), None)
    return f'{head}<BR/><FONT POINT-SIZE="11">{sub}</FONT><BR/> '


def _step(g: graphviz.Digraph, node: Node, chart: Chart) -> None:
    lines = [f"<B>{html_text(node.name, NAME_WIDTH)}</B>"]
    small = []
    if chart.kind is FlowKind.EXTERNAL:
        small.append(html_text(node.actor, LINE_WIDTH))
    if node.time_limit:
        small.append(html_text(tr("时限：{t}", "time limit: {t}", t=clean(node.time_limit)), LINE_WIDTH))
    if small:
        lines.append('<FONT POINT-SIZE="10">' + "<BR/>".join(small) + "</FONT>")
    if node.risks:
        marks = [f"▲{escape_html(r)}" for r in node.risks]
        rows = [" ".join(marks[i:i + MARKS_PER_LINE]) for i in range(0, len(marks), MARKS_PER_LINE)]
        lines.append(f'<FONT COLOR="{MARK_COLOUR}" POINT-SIZE="10">' + "<BR/>".join(rows) + "</FONT>")
    attrs = {}
    if node.level is not None:
        attrs["fillcolor"] = LEVEL_COLOURS[node.level]
    if node.risks:
        attrs["color"] = MARK_COLOUR
    if node.start or node.end:
        attrs["penwidth"] = "2"
    g.node(node.key, label=_html("<BR/>".join(lines)), **attrs)


def _legend_row(columns: int) -> str:
    swatches = "".join(
        f'<TD BGCOLOR="{LEVEL_COLOURS[lv]}" WIDTH="18"> </TD>'
        f'<TD ALIGN="LEFT">{escape_html(tr("{l}风险环节", "{l}-risk step", l=level_word(lv)))}</TD>'
        for lv in RiskLevel
    )
    mark = f'<TD><FONT COLOR="{MARK_COLOUR}">▲</FONT></TD><TD ALIGN="LEFT">{escape_html(tr("廉政风险点", "integrity risk point"))}</TD>'
    legend = (f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="2"><TR>'
              f'<TD><B>{escape_html(tr("图例", "Legend"))}</B></TD>{swatches}{mark}</TR></TABLE>')
    return f'<TR><TD COLSPAN="{columns}" ALIGN="LEFT" BORDER="0">{legend}</TD></TR>'


def _risk_table(risks: tuple[RiskMark, ...]) -> str:
    head = [tr("风险点", "Risk point"), tr("等级", "Level"), tr("风险描述", "Description"), tr("防控措施", "Measures")]
    rows = [_legend_row(len(head)),
            f'<TR><TD COLSPAN="{len(head)}" BGCOLOR="{HEADER_FILL}"><B>{escape_html(tr("廉政风险点及防控措施", "Integrity risk points and their measures"))}</B></TD></TR>',
            "<TR>" + "".join(f'<TD BGCOLOR="{HEADER_FILL}"><B>{escape_html(h)}</B></TD>' for h in head) + "</TR>"]
    for r in risks:
        colour = f' BGCOLOR="{LEVEL_COLOURS[r.level]}"' if r.level is not None else ""
        if r.measures:
            measures = "<BR/>".join(
                html_text(f"【{m.phase.value if m.phase else '?'}】{clean(m.description)}", MEASURE_WIDTH)
                for m in r.measures
            )
        else:
            measures = f'<FONT COLOR="{MARK_COLOUR}">{escape_html(tr("（未制定防控措施）", "(no measure yet)"))}</FONT>'
        rows.append(
            "<TR>"
            f'<TD><FONT COLOR="{MARK_COLOUR}">▲</FONT>{escape_html(r.id)}</TD>'
            f"<TD{colour}>{escape_html(level_word(r.level))}</TD>"
            f'<TD ALIGN="LEFT" BALIGN="LEFT">{html_text(r.description, CELL_WIDTH)}</TD>'
            f'<TD ALIGN="LEFT" BALIGN="LEFT">{measures}</TD>'
            "</TR>"
        )
    return '<TABLE BORDER="1" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4">' + "".join(rows) + "</TABLE>"


def _panel_table(panel: Panel) -> str:
    rows = []
    for row in panel.rows:
        zh, en = PANEL_LABELS[row.field]
        if not row.values:
            value = f'<FONT COLOR="#888888">{escape_html(tr("（未填写）", "(not given)"))}</FONT>'
        elif row.field in ("materials", "supervision") and len(row.values) > 1:
            value = "<BR/>".join(html_text(f"{i}. {clean(v)}", PANEL_WIDTH) for i, v in enumerate(row.values, start=1))
        else:
            value = "<BR/>".join(html_text(v, PANEL_WIDTH) for v in row.values)
        rows.append(f'<TR><TD BGCOLOR="{HEADER_FILL}"><B>{escape_html(tr(zh, en))}</B></TD>'
                    f'<TD ALIGN="LEFT" BALIGN="LEFT">{value}</TD></TR>')
    title = escape_html(tr("办事指南", "Applicant's guide"))
    return ('<TABLE BORDER="1" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4">'
            f'<TR><TD COLSPAN="2" BGCOLOR="{HEADER_FILL}"><B>{title}</B></TD></TR>' + "".join(rows) + "</TABLE>")
