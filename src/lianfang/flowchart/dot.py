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

import functools
import html
import re
import unicodedata
from dataclasses import dataclass, field

import graphviz

from lianfang import palette
from lianfang.flowchart import layout
from lianfang.flowchart.graph import Chart, Node, PanelRow, step_ranks
from lianfang.i18n import tr
from lianfang.model.vocab import FlowKind, RiskLevel

# Families tried in order: Linux (Noto, WenQuanYi), Windows (YaHei, SimHei), macOS (PingFang).
DEFAULT_FONT = "Noto Sans CJK SC, WenQuanYi Micro Hei, Microsoft YaHei, PingFang SC, SimHei, sans-serif"

# every colour comes from the one palette (lianfang.palette); a level is always written in text too
LEVEL_FILL = {lv: palette.css(palette.LEVEL_FILL[lv.value]) for lv in RiskLevel}
LEVEL_INK = {lv: palette.css(palette.LEVEL_INK[lv.value]) for lv in RiskLevel}
HEADER_FILL = palette.css(palette.HEADER_FILL)
LANE_FILL = palette.css(palette.LANE_FILL)
LANE_BORDER = palette.css(palette.LANE_BORDER)
MUTED = palette.css(palette.MUTED_INK)
INK = palette.css(palette.BORDER)

# One text size for everything but the title, so that whatever is fitted to a page prints at one
# size (>= 8 pt on A4 for every chart that fits one page: docs/flowchart.md, "Pages").
TEXT_PT = 10
TITLE_PT = 14
LINE_PT = 11.2  # a line of TEXT_PT text in a box, as dot measures it

# wrap widths in display columns (a Chinese character is two)
NAME_WIDTH = 18
LINE_WIDTH = 24
# ``to_dot(wrap=…)`` multiplies the wrap widths: a tall, narrow chart fits a page better with
# longer lines (WIDE), a wide one with shorter lines (NARROW); the page chooses (flowchart.render)
WIDER = 1.3
WIDE = 1.6
NARROW = 0.75
DESCRIPTION_WIDTH = 30
MEASURE_WIDTH = 44
PANEL_WIDTH = 44
MARKS_PER_LINE = 2

START_KEY = "start"
END_KEY = "end"
PANEL_KEY = "panel"
RISK_TABLE_KEY = "risk_table"

# C0 controls except tab/newline, DEL, and the two non-characters XML forbids
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")


def clean(text: str | None) -> str:
    """Text a chart can hold: unified line breaks, tabs as spaces, no control characters."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _UNSAFE.sub("", text).strip()


# never at the start of a line (禁则)
_CLOSING = frozenset("，。、；：！？）》」』】〕,.;:!?)]}%·\u00a0")
_OPENING = frozenset("（《「『【〔“‘([{")  # never the last character of a line: it goes with what it opens


_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` display columns; written line breaks are kept.

    Breaks at the last space when a line of Latin text overflows, anywhere in Chinese text (so
    ``4. 注册前6个月内…`` does not leave ``4.`` alone on a line); closing punctuation hangs at the
    end of a line rather than starting the next one, an opening bracket moves to the next line
    rather than ending one (``审核（`` / ``1000元…``), and a no-break space holds.
    """
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        used = 0
        for ch in para:
            w = _width(ch)
            if used + w > width and line and ch not in _CLOSING:
                cut = line.rfind(" ")
                if ch != " " and cut > 0 and _width(ch) == 1 and all(_width(c) == 1 for c in line[cut + 1:]):
                    # Latin text: at the last space
                    lines.append(line[:cut])
                    line = line[cut + 1:]
                elif ch.isascii() and ch.isalnum() and 0 < (run := len(line) - len(line.rstrip(_ALNUM))) < len(line):
                    lines.append(line[:-run])  # a number or a word stays whole: 10日 not 1 / 0日
                    line = line[-run:]
                else:
                    lines.append(line.rstrip())
                    line = ""
                head = lines[-1]
                opened = len(head) - len(head.rstrip("".join(_OPENING)))
                if 0 < opened < len(head):
                    lines[-1], line = head[:-opened], head[-opened:] + line
                line = line.lstrip() if not line else line
                used = sum(_width(c) for c in line)
                if ch == " " and not line:
                    continue
            line += ch
            used += w
        lines.append(line)
    return lines


def _text_width(text: str) -> int:
    return sum(_width(c) for c in text)


def wrap_even(text: str, width: int) -> list[str]:
    """``wrap``, with the lines of a paragraph about equally long (a step's name: 书面告知不予 /
    许可理由, not 书面告知不予许可理 / 由), never more lines than ``wrap`` gives."""
    lines: list[str] = []
    for para in text.split("\n"):
        plain_lines = wrap(para, width)
        total = sum(_width(c) for c in para)
        if len(plain_lines) > 1:
            even = -(-total // len(plain_lines))
            for w in range(even, width + 1):
                candidate = wrap(para, w)
                if len(candidate) == len(plain_lines):
                    plain_lines = candidate
                    break
        lines += plain_lines
    return lines


def plain(text: str | None) -> str:
    """A plain (non-HTML) DOT label: backslashes and ``<…>`` literal, line breaks kept."""
    escaped = graphviz.escape(clean(text))
    return graphviz.nohtml(escaped.replace("\n", "\\n"))


def escape_html(text: str) -> str:
    """One line for an HTML-like label. Graphviz decodes entities, then expands ``\\N``,
    ``\\G``… even there, where ``\\\\`` is one backslash: so a backslash is written as two, as entities.
    ``]`` is an entity too: Graphviz 2.43 rejects a table cell whose text begins with it."""
    return html.escape(text, quote=True).replace("\\", "&#92;&#92;").replace("]", "&#93;")


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


@dataclass(frozen=True, slots=True)
class Part:
    """One page of a chart split over pages: the steps it shows and how it joins the others.

    ``marks`` numbers every step that an arrow reaches from another page (step key → 1, 2, …,
    shown ①, ②, …); the same number is used on every page, so ①→ at the foot of one page is
    found again as →① at the top of the other.
    """

    index: int  # 1-based
    count: int
    nodes: frozenset[str]
    marks: dict[str, int] = field(default_factory=dict)


def connector(number: int) -> str:
    """①…⑳, then (21)…"""
    return chr(0x2460 + number - 1) if 1 <= number <= 20 else f"({number})"


def to_dot(chart: Chart, font: str = DEFAULT_FONT, part: Part | None = None, wrap: float = 1.0,
           turn_loops: bool = True, loop_label_at_start: bool = False) -> str:
    """DOT source of ``chart`` (or of one page of it); ``font`` is a Graphviz ``fontname``.

    ``wrap`` multiplies the widths the boxes' text is wrapped at (``WIDE``: a tall, narrow chart
    becomes shorter; ``NARROW``: a wide one narrower). A loop back is laid out as an edge down
    from the earlier step with its arrowhead turned (``turn_loops``), or left out of the ranking
    (``constraint=false``), its condition in the middle or where it leaves its step
    (``loop_label_at_start``): ``dot`` routes each better in some charts, and ``flowchart.render``
    takes one that hides no label. The risk table is not part of the chart: ``risk_table_dot``.
    """
    name = "_".join(p for p in (chart.unit_code, chart.flow_id, chart.kind.name.lower()) if p)
    if part is not None:
        name += f"_p{part.index}"
    shown = [n for n in chart.nodes if part is None or n.key in part.nodes]
    keys = {n.key for n in shown}
    g = graphviz.Digraph(
        name=name,
        graph_attr={
            "charset": "UTF-8",
            "rankdir": "TB",
            "newrank": "true",
            "labelloc": "t",
            "fontname": font,
            "fontsize": str(TEXT_PT),
            "nodesep": "0.18",
            "ranksep": "0.15",
            "pad": "0.1",
            "label": _html(_title(chart, part)),
            "tooltip": plain(_flow_title(chart)),
        },
        node_attr={"fontname": font, "fontsize": str(TEXT_PT), "shape": "box", "style": "rounded,filled",
                   "fillcolor": "white", "color": INK, "margin": "0.08,0.04", "height": "0.3", "width": "0.6"},
        edge_attr={"fontname": font, "fontsize": str(TEXT_PT), "arrowsize": "0.7", "color": INK},
    )
    terminal = {"shape": "oval", "style": "filled", "fillcolor": HEADER_FILL, "penwidth": "1.2",
                "height": "0.3", "margin": "0.08,0.02"}
    first = chart.start.key
    has_start = first in keys
    ends = [n for n in shown if n.end]
    ranks = step_ranks(chart)
    last_end = max(ends, key=lambda n: ranks[n.key]).key if ends else None  # the deepest (first of equals)

    # arrows that leave or enter this page
    outgoing: dict[str, str] = {}  # target step → connector node key on this page
    incoming: dict[str, str] = {}
    if part is not None:
        for e in chart.edges:
            if e.tail in keys and e.head not in keys:
                outgoing.setdefault(e.head, f"out{part.marks[e.head]}")
            elif e.head in keys and e.tail not in keys:
                incoming.setdefault(e.head, f"in{part.marks[e.head]}")

    def lane_of(key: str) -> str | None:
        return next((lane.key for lane in chart.lanes if key in lane.nodes), None)

    def terminals(c: graphviz.Digraph, lane: str | None) -> None:
        """Start, end and connector nodes go in the lane of the step they join."""
        if has_start and lane == lane_of(first):
            c.node(START_KEY, label=plain(tr("开始", "Start")), tooltip=plain(tr("开始", "Start")), **terminal)
        if last_end is not None and lane == lane_of(last_end):
            c.node(END_KEY, label=plain(tr("结束", "End")), tooltip=plain(tr("结束", "End")), **terminal)
        for target, key in incoming.items():
            if lane == lane_of(target):
                n = part.marks[target]
                c.node(key, label=plain(f"→{connector(n)}"), shape="circle", margin="0.02", width="0.3",
                       tooltip=plain(tr("接上页 {c}：{s}", "from another page {c}: {s}", c=connector(n), s=_node_name(chart, target))))
        for target, key in outgoing.items():
            if lane == lane_of(_last_tail(chart, keys, target)):
                n = part.marks[target]
                c.node(key, label=plain(f"{connector(n)}→"), shape="circle", margin="0.02", width="0.3",
                       tooltip=plain(tr("转 {c}：{s}（见其他页）", "to {c}: {s} (on another page)", c=connector(n), s=_node_name(chart, target))))

    lanes = [lane for lane in chart.lanes if any(k in keys for k in lane.nodes)]
    if lanes:
        # a chart in lanes is placed by lianfang (flowchart.layout), every position fixed
        _swimlanes(g, chart, font, part, shown, lanes, wrap, incoming, outgoing, last_end if last_end else None)
        return g.source
    terminals(g, None)
    for node in shown:
        _step(g, node, chart, None, wrap)

    # 开始 beside the first step and 结束 beside the last end step, not above and below them:
    # two rows less on the page
    if has_start:
        with g.subgraph() as row:
            row.attr(rank="same")
            row.node(START_KEY)
            row.node(first)
        g.edge(START_KEY, first, tooltip=plain(f"{tr('开始', 'Start')} → {_node_name(chart, first)}"))
    if last_end is not None:
        with g.subgraph() as row:
            row.attr(rank="same")
            row.node(last_end)
            row.node(END_KEY)
    for target, key in incoming.items():
        g.edge(key, target, tooltip=plain(f"{connector(part.marks[target])} → {_node_name(chart, target)}"))
    for e, head, attrs in _page_edges(chart, keys, outgoing, part):
        if e.back and e.head in keys:
            attrs["labelfontcolor"] = MUTED
            if loop_label_at_start and e.condition:
                attrs["headlabel" if turn_loops else "taillabel"] = attrs.pop("label")
                attrs["labelfontname"] = font
            if turn_loops:  # the rows stay: the earlier step is above the later one already
                attrs["dir"] = "back"
                g.edge(e.head, e.tail, **attrs)
                continue
            attrs["constraint"] = "false"
        g.edge(e.tail, head, **attrs)
    for n in ends:
        g.edge(n.key, END_KEY, tooltip=plain(f"{_node_name(chart, n.key)} → {tr('结束', 'End')}"))

    if chart.panel is not None and (part is None or part.index == 1):
        _panel_beside(g, chart, shown, min(wrap, 1.0))
    return g.source


def _page_edges(chart: Chart, keys: set[str], outgoing: dict[str, str], part: Part | None):
    """Each arrow of the chart drawn on this page: (edge, the node it ends at here — a connector when
    its step is on another page —, its attributes: tooltip, condition, a loop dashed and muted)."""
    for e in chart.edges:
        if e.tail not in keys or (e.head not in keys and e.head not in outgoing):
            continue
        head = e.head if e.head in keys else outgoing[e.head]
        attrs = {"tooltip": plain(_edge_title(chart, e.tail, e.head, e.condition))}
        if e.head not in keys:
            attrs["tooltip"] = plain(f"{_node_name(chart, e.tail)} → {connector(part.marks[e.head])} {_node_name(chart, e.head)}")
        if e.condition:
            attrs["label"] = plain(e.condition)
        if e.back and e.head in keys:
            attrs.update(style="dashed", color=MUTED, fontcolor=MUTED)
        yield e, head, attrs


PAGE_SHAPE = (481.0, 728.0)  # A4's printable area (A3's is the same shape), pt
READABLE_SCALE = 0.8  # 10 pt text printed at 8 pt (pages.MIN_TEXT_PT)


def _title_size(chart: Chart, part: Part | None) -> tuple[float, float]:
    """About how much room the chart's title takes (its width, its height), pt."""
    name = chart.flow_name if part is None else f"{chart.flow_name}（第{part.index}/{part.count}页）"
    head = layout.text_em(clean(name)) * TITLE_PT
    sub = layout.text_em("".join(layout.label_lines(_title(chart, part))[1:])) * TEXT_PT
    return max(head, sub), TITLE_PT * 1.2 + layout.LINE_H  # as Graphviz sets the two lines


def _swimlanes(g: graphviz.Digraph, chart: Chart, font: str, part: Part | None, shown: list[Node],
               lanes: list, wrap: float, incoming: dict[str, str], outgoing: dict[str, str],
               last_end: str | None) -> None:
    """The chart in lanes, placed by ``flowchart.layout`` and written with fixed positions:
    boxes, lanes (clusters with their bounds), arrows (their paths) and conditions."""
    keys = {n.key for n in shown}
    ranks = step_ranks(chart)
    first = chart.start.key
    lane_of = {k: lane.key for lane in lanes for k in lane.nodes if k in keys}
    body_of = {lane.key: lane.body for lane in lanes}
    pt = 72.0

    extras: list[tuple[str, str, str, str, int]] = []  # key, text, tooltip, beside which step, side
    if first in keys:
        extras.append((START_KEY, tr("开始", "Start"), tr("开始", "Start"), first, -1))
    for target, key in incoming.items():
        n = part.marks[target]
        extras.append((key, f"→{connector(n)}", tr("接上页 {c}：{s}", "from another page {c}: {s}", c=connector(n),
                                                   s=_node_name(chart, target)), target, -1))
    if last_end is not None:
        extras.append((END_KEY, tr("结束", "End"), tr("结束", "End"), last_end, 1))
    for target, key in outgoing.items():
        n = part.marks[target]
        tail = _last_tail(chart, keys, target)
        extras.append((key, f"{connector(n)}→", tr("转 {c}：{s}（见其他页）", "to {c}: {s} (on another page)",
                                                   c=connector(n), s=_node_name(chart, target)), tail, 1))

    outgoing_keys = set(outgoing.values())
    foot = max(ranks[k] for k in keys) + 1  # the row of the connectors to later pages
    known: dict[tuple[str, int], tuple[str, tuple[float, float]]] = {}  # (step, width) → label, size

    sizes: dict[str, tuple[float, float]] = {}  # label → its size (many widths give one label)

    def label(n: Node, cols: int) -> tuple[str, tuple[float, float]]:
        if (n.key, cols) not in known:
            text = _step_label(n, chart, body_of[lane_of[n.key]], wrap, cols)
            if text not in sizes:
                sizes[text] = layout.label_size(text, TEXT_PT)
            known[n.key, cols] = text, sizes[text]
        return known[n.key, cols]

    @functools.cache
    def title(body: str, cols: int) -> str:
        return f"<B>{html_text(body, cols)}</B>"

    @functools.cache
    def title_size(text: str) -> tuple[float, float]:  # (asked for every width tried)
        return layout.label_size(text, TEXT_PT)

    def boxes(cols: dict[str, int]) -> tuple[dict[str, str], list[layout.Item], dict[str, str]]:
        labels = {n.key: label(n, cols[lane_of[n.key]])[0] for n in shown}
        items = []
        for n in shown:
            w, h = label(n, cols[lane_of[n.key]])[1]
            items.append(layout.Item(n.key, max(43.0, w + 2 * layout.BOX_PAD_X + 2), h + 2 * layout.BOX_PAD_Y,
                                     lane_of[n.key], ranks[n.key]))
        row_of = {i.key: i.row for i in items}
        for key, text, _tip, anchor, side in extras:
            w = layout.text_em(text) * TEXT_PT
            size = (max(40.0, w + 20), 22.0) if key in (START_KEY, END_KEY) else (max(26.0, w + 8),) * 2
            if key in outgoing_keys:  # at the foot of the page, below the step it leaves
                items.append(layout.Item(key, *size, lane_of[anchor], foot))
            else:
                items.append(layout.Item(key, *size, lane_of[anchor], row_of[anchor], anchor, side))
        titles = {lane.key: title(lane.body, min(NAME_WIDTH, cols[lane.key])) for lane in lanes}
        return labels, items, titles

    # the width of the boxes' lines, lane by lane: whichever prints the chart largest on a sheet
    # of A-series paper (A4 and A3 have one shape), either way round; first one width for all
    # lanes, then each lane a little wider or narrower while that helps
    order = layout.lane_order([lane.key for lane in lanes], lane_of.get(first, lanes[0].key),
                              [(lane_of[e.tail], lane_of[e.head]) for e in chart.edges
                               if not e.back and e.tail in keys and e.head in keys])
    title_w, title_h = _title_size(chart, part)
    labelled = {e.tail for e in chart.edges if e.condition}
    usual = int(NAME_WIDTH * wrap)
    widest = 60 if len(lanes) <= 2 else int(LINE_WIDTH * WIDE)

    ranked: dict[tuple[int, ...], tuple[float, int]] = {}

    def rank(cols: dict[str, int]) -> tuple[float, int]:
        key = tuple(cols[k] for k in order)
        if key not in ranked:
            ranked[key] = measure(cols)
        return ranked[key]

    def measure(cols: dict[str, int]) -> tuple[float, int]:
        _labels, items, titles = boxes(cols)
        w, h = layout.extent(items, [(k, title_size(titles[k])) for k in order], labelled)
        # (the outer gutters are drawn only where an arrow runs there: half of them counted)
        w, h = max(w - layout.GUTTER, title_w) + 8, h + title_h + 8
        scale = min(1.0, max(min(PAGE_SHAPE[0] / w, PAGE_SHAPE[1] / h), min(PAGE_SHAPE[1] / w, PAGE_SHAPE[0] / h)))
        # printed largest (never enlarged); of equals, the lines nearest the usual width
        return round(scale, 3), -sum(abs(c - usual) for c in cols.values())

    best = max(({k: c for k in order} for c in range(10, widest + 1, 2)), key=rank)
    best_rank = rank(best)
    for _ in range(12):
        tries = [{**best, k: best[k] + d} for k in order for d in (2, -2) if 10 <= best[k] + d <= widest]
        if best_rank[0] < READABLE_SCALE and len(order) <= 6:  # not readable yet: any width for any one lane
            tries += [{**best, k: c} for k in order for c in range(10, widest + 1, 2) if abs(c - best[k]) > 2]
        found = max(tries, key=rank, default=None)
        if found is None or rank(found) <= best_rank:
            break
        best, best_rank = found, rank(found)
    labels, items, titles = boxes(best)

    arrows: list[tuple[layout.Arrow, dict[str, str]]] = []
    if first in keys:
        arrows.append((layout.Arrow(START_KEY, first),
                       {"tooltip": plain(f"{tr('开始', 'Start')} → {_node_name(chart, first)}")}))
    for target, key in incoming.items():
        arrows.append((layout.Arrow(key, target),
                       {"tooltip": plain(f"{connector(part.marks[target])} → {_node_name(chart, target)}")}))
    for e, head, attrs in _page_edges(chart, keys, outgoing, part):
        arrows.append((layout.Arrow(e.tail, head, clean(e.condition) or None, e.back and e.head in keys), attrs))
    for n in shown:
        if n.end and last_end is not None:
            arrows.append((layout.Arrow(n.key, END_KEY),
                           {"tooltip": plain(f"{_node_name(chart, n.key)} → {tr('结束', 'End')}")}))

    placed = layout.place(items, [(k, layout.label_size(titles[k], TEXT_PT)) for k in order],
                          [a for a, _ in arrows])
    height = placed.height

    def at(x: float, y: float) -> str:
        return f"{x:.1f},{height - y:.1f}"

    def size(item: layout.Item) -> dict[str, str]:
        x0, y0, x1, y1 = item.box
        return {"pos": at(item.cx, item.cy), "width": f"{(x1 - x0) / pt:.4f}", "height": f"{(y1 - y0) / pt:.4f}",
                "fixedsize": "true"}

    g.attr(layout="nop2", pad="0.05")
    terminal = {"shape": "oval", "style": "filled", "fillcolor": HEADER_FILL, "penwidth": "1.2", "margin": "0"}
    by_key = {n.key: n for n in shown}
    lane_by_key = {lane.key: lane for lane in lanes}
    for lb in placed.lanes:
        lane = lane_by_key[lb.key]
        x0, y0, x1, y1 = lb.box
        with g.subgraph(name=f"cluster_{lane.key}") as c:
            c.attr(label=_html(titles[lane.key]), labelloc="t", labeljust="c", style="filled", fillcolor=LANE_FILL,
                   color=LANE_BORDER, bb=f"{x0:.1f},{height - y1:.1f},{x1:.1f},{height - y0:.1f}",
                   tooltip=plain(tr("泳道：{b}", "lane: {b}", b=clean(lane.body))))
            for item in placed.items.values():
                if item.lane != lane.key:
                    continue
                if item.key in by_key:
                    node = by_key[item.key]
                    attrs = {"tooltip": plain(_step_title(node))}
                    if node.level is not None:
                        attrs["fillcolor"] = LEVEL_FILL[node.level]
                    if node.start or node.end:
                        attrs["penwidth"] = "2"
                    c.node(item.key, label=_html(labels[item.key]), **attrs, **size(item))
                    continue
                key, text, tip, _anchor, _side = next(x for x in extras if x[0] == item.key)
                if key in (START_KEY, END_KEY):
                    c.node(key, label=plain(text), tooltip=plain(tip), **terminal, **size(item))
                else:
                    c.node(key, label=plain(text), tooltip=plain(tip), shape="circle", margin="0", **size(item))
    for arrow, attrs in arrows:
        pts = arrow.points
        # the line stops an arrowhead short of the box; "e," is where the head's tip touches it
        (ax, ay), (bx, by) = pts[-2], pts[-1]
        length = abs(bx - ax) + abs(by - ay)
        k = min(layout.ARROW, length * 0.5) / length if length else 0.0
        end = (bx - (bx - ax) * k, by - (by - ay) * k)
        line = [*pts[:-1], end]
        spline = [line[0]]
        for a, b in zip(line, line[1:], strict=False):
            spline += [(a[0] + (b[0] - a[0]) / 3, a[1] + (b[1] - a[1]) / 3),
                       (a[0] + 2 * (b[0] - a[0]) / 3, a[1] + 2 * (b[1] - a[1]) / 3), b]
        attrs = dict(attrs)
        attrs["pos"] = f"e,{at(bx, by)} " + " ".join(at(x, y) for x, y in spline)
        if arrow.label_at is not None:
            attrs["lp"] = at(*arrow.label_at)
            attrs["label"] = plain(arrow.label_text or arrow.label)  # in two lines where one did not fit
        g.edge(arrow.tail, arrow.head, **attrs)


def _panel_beside(g: graphviz.Digraph, chart: Chart, shown: list[Node], wrap: float = 1.0) -> None:
    """The 办事指南 beside the procedure, one card per item, each card in the row of a step.

    Below the procedure the panel made an external chart too tall for a page; one node beside it
    would share a rank with a step and stretch the procedure (dot centres a rank on one line).
    Cards in the steps' rows, chained top to bottom, keep the procedure as it is.
    """
    ranks = step_ranks(chart)
    first_of: dict[int, str] = {}
    for n in shown:
        first_of.setdefault(ranks[n.key], n.key)
    rows = sorted(first_of)
    cards = [f"{PANEL_KEY}{i}" for i in range(1, len(chart.panel.rows) + 1)]
    with g.subgraph(name="cluster_panel") as c:
        c.attr(label=_html(f"<B>{escape_html(tr('办事指南', 'Applicant’s guide'))}</B>"), labelloc="t", labeljust="c",
               style="filled", fillcolor=LANE_FILL, color=LANE_BORDER, margin="4",
               tooltip=plain(tr("办事指南", "Applicant's guide")))
        for key, row in zip(cards, chart.panel.rows, strict=True):
            c.node(key, label=_html(_panel_card(row, int(PANEL_WIDTH * wrap))), shape="plain",
                   tooltip=plain(tr(*PANEL_LABELS[row.field])))
    for i, key in enumerate(cards):
        if i < len(rows):
            with g.subgraph() as same:
                same.attr(rank="same")
                same.node(first_of[rows[i]])
                same.node(key)
        if i:
            g.edge(cards[i - 1], key, style="invis")


def lane_of_body(chart: Chart, key: str) -> str | None:
    return next((lane.body for lane in chart.lanes if key in lane.nodes), None)


def _last_tail(chart: Chart, keys: set[str], target: str) -> str:
    return [e.tail for e in chart.edges if e.head == target and e.tail in keys][-1]


def _node_name(chart: Chart, key: str) -> str:
    node = next(n for n in chart.nodes if n.key == key)
    return clean(node.name)


def _edge_title(chart: Chart, tail: str, head: str, condition: str | None) -> str:
    text = f"{_node_name(chart, tail)} → {_node_name(chart, head)}"
    return text + (f"（{clean(condition)}）" if condition else "")


def _flow_title(chart: Chart) -> str:
    return clean(f"{chart.flow_name}（{kind_title(chart.kind)}）")


def _title(chart: Chart, part: Part | None = None) -> str:
    name = chart.flow_name if part is None else tr("{n}（第{i}/{c}页）", "{n} (page {i} of {c})",
                                                  n=clean(chart.flow_name), i=part.index, c=part.count)
    head = f'<FONT POINT-SIZE="{TITLE_PT}"><B>{html_text(name)}</B></FONT>'
    parts = [p for p in (chart.unit_name, kind_title(chart.kind)) if p]
    power = tr("职权 {i} {n}", "power {i} {n}", i=chart.power_id, n=chart.power_name or "").strip()
    parts += [tr("流程 {i}", "flow {i}", i=chart.flow_id), power]
    sub = html_text(" · ".join(parts), None)
    return f"{head}<BR/>{sub}"


def mark_text(risk_id: str, level: RiskLevel | None) -> str:
    """``▲FX-03 高``: the level in words, so a black-and-white print keeps it."""
    return f"▲{risk_id} {level_word(level)}"


def _step(g: graphviz.Digraph, node: Node, chart: Chart, lane: str | None, wrap: float = 1.0,
          cols: int | None = None, **extra: str) -> None:
    attrs = {"tooltip": plain(_step_title(node))}
    if node.level is not None:
        attrs["fillcolor"] = LEVEL_FILL[node.level]
    if node.start or node.end:
        attrs["penwidth"] = "2"
    g.node(node.key, label=_html(_step_label(node, chart, lane, wrap, cols)), **attrs, **extra)


def _step_label(node: Node, chart: Chart, lane: str | None, wrap: float = 1.0, cols: int | None = None) -> str:
    """A box's text: the step's name in bold, who (where the lane does not say it) and when on
    one line where it fits, the risk marks. ``cols`` caps the width of every line (display
    columns), so that many lanes fit a page side by side."""
    name_width = int(NAME_WIDTH * wrap) if cols is None else cols
    width = int(LINE_WIDTH * wrap) if cols is None else cols
    lines = ["<B>" + "<BR/>".join(escape_html(x) for x in wrap_even(clean(node.name), name_width)) + "</B>"]
    detail = []
    role = role_on_box(node.actor, lane)
    if role:
        detail.append(role)
    if node.time_limit:
        detail.append(tr("时限{t}", "time limit {t}", t=clean(node.time_limit)))
    text = "\u00a0· ".join(detail)  # the dot stays with what precedes it
    marks: list[str] = []
    if node.risks:
        levels = {r.id: r.level for r in chart.risks}
        marks = [f'<FONT COLOR="{LEVEL_INK[levels[r]] if levels.get(r) else INK}">{escape_html(mark_text(r, levels.get(r)))}</FONT>'
                 for r in node.risks]
        shown = "  ".join(mark_text(r, levels.get(r)) for r in node.risks)
        if (wrap >= WIDE or cols is not None) and text and _text_width(f"{text}  {shown}") <= width:
            # the wide drawing of a long flow: who, when and the marks on one line
            return "<BR/>".join([*lines, escape_html(text) + "  " + "  ".join(marks)])
    if detail:  # one line where it fits: every line of every box costs height on the page
        if cols is None:
            lines.append(html_text(text, width))
        else:  # lines of about one length: 时限3个 / 工作日, not 时限3个工作 / 日; who and when
            # each on lines of their own when they do not fit on one
            joint = wrap_even(clean(text), width)
            apart = [x for p in detail for x in wrap_even(clean(p), width)]
            lines.append("<BR/>".join(escape_html(x) for x in (apart if len(joint) > 1 and len(apart) <= len(joint) else joint)))
    per_line = MARKS_PER_LINE + (wrap > 1) - (wrap < 1)
    if cols is not None and marks:  # as many as the lane's width holds
        one = max(_text_width(mark_text(r, None)) for r in node.risks) + 2
        per_line = max(1, min(per_line, (max(cols, width) + 2) // one))
    lines += ["  ".join(marks[i:i + per_line]) for i in range(0, len(marks), per_line)]
    return "<BR/>".join(lines)


def role_on_box(actor: str, lane: str | None) -> str:
    """Who acts, as the box shows it: the lane names the body, the box the role in it
    (``医政科科长`` in lane 医政科 → ``科长``); nothing when the lane says it all."""
    actor, body = clean(actor), clean(lane)
    if not body:
        return actor
    if actor == body:
        return ""
    if actor.startswith(body) and len(actor) > len(body) and actor[len(body)] not in "、，,；;/或":
        return actor[len(body):]
    return actor


def _step_title(node: Node) -> str:
    text = tr("环节 {i} {n}（{a}）", "step {i} {n} ({a})", i=clean(node.step_id), n=clean(node.name), a=clean(node.actor))
    if node.risks:
        text += tr("，风险点 {r}", ", risk points {r}", r="、".join(node.risks))
    return text


# -- the risk table: its own artefact ------------------------------------------------------------

RISK_TABLE_HEAD = (("风险点", "Risk point"), ("等级", "Level"), ("风险描述", "Description"), ("防控措施", "Measures"))


@dataclass(frozen=True, slots=True)
class RiskTableRow:
    """One row of a chart's risk table, as data: for the handbook's table and Word."""

    risk_id: str
    level: str  # 高/中/低 (high/medium/low with --lang en), ? when unreadable
    description: str
    measures: tuple[str, ...]  # 【前期预防】…, in phase order; empty: no measure yet


def risk_table_rows(chart: Chart) -> list[RiskTableRow]:
    """The risk points marked on ``chart`` with their measures, in order of first mark."""
    return [RiskTableRow(
        r.id, level_word(r.level), clean(r.description),
        tuple(f"【{m.phase.value if m.phase else '?'}】{clean(m.description)}" for m in r.measures),
    ) for r in chart.risks]


def risk_table_dot(chart: Chart, font: str = DEFAULT_FONT, rows: slice | None = None,
                   page: tuple[int, int] | None = None) -> str:
    """DOT source of the chart's risk table (``--with-table``): an image of its own."""
    name = "_".join(p for p in (chart.unit_code, chart.flow_id, chart.kind.name.lower(), "risks") if p)
    title = tr("{n} · 廉政风险点及防控措施", "{n} · integrity risk points and measures", n=clean(chart.flow_name))
    if page is not None:
        name += f"_p{page[0]}"
        title += tr("（第{i}/{c}页）", " (page {i} of {c})", i=page[0], c=page[1])
    g = graphviz.Digraph(name=name, graph_attr={
        "charset": "UTF-8", "pad": "0.15", "fontname": font, "fontsize": str(TEXT_PT), "labelloc": "t",
        "label": _html(f'<FONT POINT-SIZE="{TITLE_PT}"><B>{html_text(title)}</B></FONT><BR/> '),
        "tooltip": plain(title),
    }, node_attr={"fontname": font, "fontsize": str(TEXT_PT)})
    g.node(RISK_TABLE_KEY, label=_html(_risk_table(risk_table_rows(chart)[rows or slice(None)], chart)),
           shape="plain", tooltip=plain(title))
    return g.source


def _risk_table(rows: list[RiskTableRow], chart: Chart) -> str:
    levels = {r.id: r.level for r in chart.risks}
    out = ["<TR>" + "".join(f'<TD BGCOLOR="{HEADER_FILL}"><B>{escape_html(tr(zh, en))}</B></TD>' for zh, en in RISK_TABLE_HEAD) + "</TR>"]
    for r in rows:
        level = levels.get(r.risk_id)
        fill = f' BGCOLOR="{LEVEL_FILL[level]}"' if level is not None else ""
        if r.measures:
            measures = "<BR/>".join(html_text(m, MEASURE_WIDTH) for m in r.measures)
        else:
            measures = f"<B>{escape_html(tr('（未制定防控措施）', '(no measure yet)'))}</B>"
        out.append(
            "<TR>"
            f"<TD>{escape_html('▲' + r.risk_id)}</TD>"
            f"<TD{fill}>{escape_html(r.level)}</TD>"
            f'<TD ALIGN="LEFT" BALIGN="LEFT">{html_text(r.description, DESCRIPTION_WIDTH)}</TD>'
            f'<TD ALIGN="LEFT" BALIGN="LEFT">{measures}</TD>'
            "</TR>"
        )
    return f'<TABLE BORDER="1" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3" COLOR="{INK}">' + "".join(out) + "</TABLE>"


def risk_table_lines(row: RiskTableRow) -> int:
    """How many text lines ``row`` takes in the drawn table (to cut a long table into pages)."""
    measures = sum(len(wrap(m, MEASURE_WIDTH)) for m in row.measures) or 1
    return max(len(wrap(row.description, DESCRIPTION_WIDTH)), measures, 1)


PANEL_LABEL_PT = 60  # the label column of every card, so that the cards line up as one table


def _panel_card(row: PanelRow, width: int = PANEL_WIDTH) -> str:
    """One item of the 办事指南: its label and its value(s), as a one-row table."""
    zh, en = PANEL_LABELS[row.field]
    if not row.values:
        value = f'<FONT COLOR="{MUTED}">{escape_html(tr("（未填写）", "(not given)"))}</FONT>'
    elif row.field in ("materials", "supervision") and len(row.values) > 1:
        value = "<BR/>".join(html_text(f"{i}.\u00a0{clean(v)}", width) for i, v in enumerate(row.values, start=1))
    else:
        value = "<BR/>".join(html_text(v, width) for v in row.values)
    return (f'<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3" BGCOLOR="white" COLOR="{INK}">'
            f'<TR><TD BGCOLOR="{HEADER_FILL}" WIDTH="{PANEL_LABEL_PT}"><B>{escape_html(tr(zh, en))}</B></TD>'
            f'<TD ALIGN="LEFT" BALIGN="LEFT" WIDTH="{width * TEXT_PT // 2 + 8}">{value}</TD></TR></TABLE>')
