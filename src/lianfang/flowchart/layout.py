"""Swimlane charts laid out by lianfang: rows are the steps' ranks, columns the lanes.

``dot`` lays clusters out well enough for two or three lanes, but with more it spends the page
on them: an edge label is a node of its own (a four-way branch widens the chart by four labels),
each cluster adds margins, and a lane's title must be held above its first step by an invisible
anchor that makes every lane as tall as the chart. So an internal chart is placed here, as plain
geometry, and handed to Graphviz with every position fixed (``layout=nop2``):

- one row per rank of ``graph.step_ranks`` (a step below every step it follows; steps that do not
  depend on each other share a row), as tall as its tallest box, rows close together;
- one column per lane, as wide as its widest row; a lane starts just above its first step and
  ends below its last, so no lane is taller than its steps need; its title is at its top;
- arrows are drawn orthogonally in the free space between rows and between lanes (a shortest way
  with few bends, through no box and no lane title, not along a lane's border, never leaving a box
  beside where another arrow enters it), and each condition is put beside its arrow where it
  covers no box, no title and no other condition and stands clearly by its own arrow (in two
  lines where one has no such place); the loops are routed last, round the conditions.

Everything is computed from the text and the chart, with text widths estimated as Graphviz
measures the CJK fonts (a Chinese character 1 em, other characters at most 0.62 em), so the DOT
source needs no Graphviz to be written and is the same on every machine. Coordinates here run
downwards (y grows down the page); ``flowchart.dot`` turns them for Graphviz.
"""

from __future__ import annotations

import heapq
import html
import itertools
import re
import unicodedata
from dataclasses import dataclass, field

# sizes in pt (text is 10 pt: dot.TEXT_PT)
LINE_H = 11.0  # a line of 10 pt text, as Graphviz measures the CJK fonts
BOX_PAD_X = 6.0  # text to box edge, each side
BOX_PAD_Y = 2.0
LANE_PAD = 4.0  # box to lane edge
LANE_FOOT = 9.0  # row to the foot of a lane that ends above the last row: clear of the arrows' tracks
GUTTER = 10.0  # between two lanes: room for arrows running down
ITEM_GAP = 10.0  # between two boxes in one lane and row
ROW_GAP = 11.0  # between two rows when no condition is written there
LABEL_ROW_GAP = 18.0  # between two rows when a condition is written there
TITLE_PAD = 2.0
ARROW = 7.0  # arrowhead length (arrowsize 0.7)
BEND = 30.0  # the cost of a bend, in pt of length
SIDE = 50.0  # the cost of leaving or entering a box by its side
SHARED = 40.0  # the cost of running along another arrow
BORDER_CLEAR = 3.5  # pt: nearer than this to a lane's border, an arrow parallel to it runs along it
ALONG_BORDER = 10.0  # the cost of each pt run along a lane's border (it reads as part of the lane)
PORT_APART = 14.0  # pt between an arrow leaving a side of a box and one entering it there
PORT_CLASH = 400.0  # the cost of a port nearer than that: only where there is no other way
EMPTY_ROWS_TOLERATED = 2  # rows a lane may stand empty above its first step: it then starts at the top

Box = tuple[float, float, float, float]  # x0, y0, x1, y1

_TAG = re.compile(r"<[^>]+>")


def text_em(text: str) -> float:
    """Width of ``text`` in em, as Graphviz measures it (a little more, never less)."""
    total = 0.0
    for ch in text:
        if unicodedata.east_asian_width(ch) in "WFA":  # ambiguous (▲, ①) as wide: more, never less
            total += 1.0
        elif ch == " " or ch == "\u00a0":
            total += 0.3
        else:
            total += 0.62
    return total


def label_lines(label: str) -> list[str]:
    """The lines of an HTML-like label as shown (tags removed, entities decoded)."""
    return [html.unescape(_TAG.sub("", line)) for line in label.split("<BR/>")]


def label_size(label: str, size: float = 10.0) -> tuple[float, float]:
    lines = label_lines(label)
    return max(text_em(line) for line in lines) * size, len(lines) * LINE_H


@dataclass
class Item:
    """A box to place: a step, or 开始/结束/a connector beside a step."""

    key: str
    width: float
    height: float
    lane: str
    row: int
    anchor: str | None = None  # the step it stands beside
    side: int = 0  # -1 left of the anchor, +1 right
    box: Box = (0.0, 0.0, 0.0, 0.0)

    @property
    def cx(self) -> float:
        return round((self.box[0] + self.box[2]) / 2, 2)

    @property
    def cy(self) -> float:
        return round((self.box[1] + self.box[3]) / 2, 2)


@dataclass
class Arrow:
    tail: str
    head: str
    label: str | None = None  # the condition, one line
    back: bool = False  # a loop back: it leaves and enters by the sides, round the boxes between
    points: list[tuple[float, float]] = field(default_factory=list)
    label_at: tuple[float, float] | None = None  # the label's centre
    label_text: str | None = None  # the label as drawn: one line, or two ("\n") where one does not fit

    @property
    def label_box(self) -> Box:
        assert self.label and self.label_at
        w, h = _label_size(self.label_text or self.label)
        x, y = self.label_at
        return x - w / 2, y - h / 2, x + w / 2, y + h / 2


@dataclass
class LaneBox:
    key: str
    title_size: tuple[float, float]
    box: Box = (0.0, 0.0, 0.0, 0.0)

    @property
    def title_box(self) -> Box:
        x0, y0, x1, _ = self.box
        w, h = self.title_size
        cx = (x0 + x1) / 2
        return cx - w / 2, y0 + TITLE_PAD, cx + w / 2, y0 + TITLE_PAD + h


@dataclass
class Placed:
    items: dict[str, Item]
    lanes: list[LaneBox]
    arrows: list[Arrow]
    width: float
    height: float


def lane_order(lanes: list[str], first: str, edges: list[tuple[str, str]]) -> list[str]:
    """The lanes in the order that makes the arrows shortest (sum of columns crossed), the
    lane of the first step first; ties keep the order the flow reaches them."""
    rest = [x for x in lanes if x != first]
    if len(rest) > 5:  # too many to try every order (and too wide for a page anyway)
        return [first, *rest] if first in lanes else lanes
    best, best_cost = None, None
    for perm in itertools.permutations(rest):
        order = [first, *perm] if first in lanes else list(perm)
        col = {k: i for i, k in enumerate(order)}
        cost = sum(abs(col[a] - col[b]) for a, b in edges if a in col and b in col)
        if best_cost is None or cost < best_cost:
            best, best_cost = order, cost
    return best or lanes


def extent(items: list[Item], lanes: list[tuple[str, tuple[float, float]]], labelled: set[str]) -> tuple[float, float]:
    """The size ``place`` gives these boxes (``labelled``: the steps whose arrows carry a
    condition), without drawing the arrows."""
    _, width, height, *_ = _arrange(items, lanes, {i.row for i in items if i.key in labelled}, boxes=False)
    return width, height


def place(items: list[Item], lanes: list[tuple[str, tuple[float, float]]], arrows: list[Arrow]) -> Placed:
    """Place ``items`` in rows and lane columns, then route ``arrows`` between them."""
    by_key = {i.key: i for i in items}
    labelled_rows = {by_key[a.tail].row for a in arrows if a.label}
    lane_boxes, width, height, rows, row_top, row_height = _arrange(items, lanes, labelled_rows)
    placed = Placed(by_key, lane_boxes, arrows, width, height)
    _route(placed, rows, row_top, row_height)
    _place_labels(placed, [a for a in arrows if a.label_at is None], [a.label_box for a in arrows if a.label_at])
    return placed


def _arrange(items: list[Item], lanes: list[tuple[str, tuple[float, float]]], labelled_rows: set[int],
             boxes: bool = True):
    """The lanes, the size, the rows and their tops and heights; with ``boxes``, each item's box set
    (``extent``, asked for every width tried, needs only the size)."""
    rows = sorted({i.row for i in items})
    row_index = {r: n for n, r in enumerate(rows)}

    # what stands in each lane and row, left to right: a step with its companions beside it
    cells: dict[tuple[str, int], list[Item]] = {}
    for it in items:
        if it.anchor is None:
            cells.setdefault((it.lane, it.row), []).append(it)
    beside: dict[str, list[Item]] = {}
    for it in items:
        if it.anchor is not None:
            beside.setdefault(it.anchor, []).append(it)
    groups: dict[tuple[str, int], list[list[Item]]] = {}
    for cell, steps in cells.items():
        groups[cell] = []
        for s in steps:
            left = [i for i in beside.get(s.key, ()) if i.side < 0]
            right = [i for i in beside.get(s.key, ()) if i.side > 0]
            groups[cell].append([*left, s, *right])

    cell_widths = {cell: sum(i.width for g in gs for i in g) + ITEM_GAP * (sum(len(g) for g in gs) - 1)
                   for cell, gs in groups.items()}

    def cell_width(cell: tuple[str, int]) -> float:
        return cell_widths.get(cell, 0.0)

    lane_keys = [k for k, _ in lanes]
    titles = dict(lanes)
    widths = {k: titles[k][0] + 2 * TITLE_PAD for k in lane_keys}
    first_row: dict[str, int] = {}
    last_row: dict[str, int] = {}
    row_height: dict[int, float] = {}
    for (k, _r), w in cell_widths.items():
        widths[k] = max(widths[k], w)
    for i in items:
        first_row[i.lane] = min(first_row.get(i.lane, i.row), i.row)
        last_row[i.lane] = max(last_row.get(i.lane, i.row), i.row)
        row_height[i.row] = max(row_height.get(i.row, 0.0), i.height)
    late = {k: row_index[first_row[k]] > EMPTY_ROWS_TOLERATED for k in lane_keys}

    # vertical: the title band, then each row with a gap above it (taller where a condition is
    # written, and where a lane begins: its title)
    top_title = max([titles[k][1] for k in lane_keys if not late[k]] or [0.0])
    y = LANE_PAD + TITLE_PAD * 2 + top_title
    row_top: dict[int, float] = {}
    for n, r in enumerate(rows):
        if n:
            gap = LABEL_ROW_GAP if rows[n - 1] in labelled_rows else ROW_GAP
            starting = [titles[k][1] for k in lane_keys if late[k] and first_row[k] == r]
            if starting:
                gap += max(starting) + 2 * TITLE_PAD
            y += gap
        row_top[r] = y
        y += row_height[r]
    height = y + LANE_PAD

    # horizontal: lanes side by side, each row's boxes centred in its lane
    x = GUTTER
    lane_boxes: list[LaneBox] = []
    for k in lane_keys:
        x0, x1 = x, x + widths[k] + 2 * LANE_PAD
        top = LANE_PAD if not late[k] else row_top[first_row[k]] - titles[k][1] - 2 * TITLE_PAD - LANE_PAD
        # a lane that ends above the last row ends below the tracks under its last row (2-3.5 pt
        # below it), so that an arrow along them does not run on the lane's border
        foot = LANE_PAD if last_row[k] == rows[-1] else LANE_FOOT
        bottom = row_top[last_row[k]] + row_height[last_row[k]] + foot
        lane_boxes.append(LaneBox(k, titles[k], (x0, top, x1, bottom)))
        for r in rows if boxes else ():
            members = [i for g in groups.get((k, r), []) for i in g]
            if not members:
                continue
            cx = (x0 + x1) / 2
            left = cx - cell_width((k, r)) / 2
            mid = row_top[r] + row_height[r] / 2
            for it in members:
                it.box = tuple(round(v, 1) for v in (left, mid - it.height / 2, left + it.width, mid + it.height / 2))
                left += it.width + ITEM_GAP
        x = x1 + GUTTER
    return lane_boxes, x, height, rows, row_top, row_height


# -- routing ---------------------------------------------------------------------------------------

def _crosses(a: tuple[float, float], b: tuple[float, float], box: Box) -> bool:
    """Whether the axis-parallel segment a-b enters the inside of ``box``."""
    x0, y0, x1, y1 = box
    if abs(a[1] - b[1]) < 0.01:  # horizontal
        lo, hi = sorted((a[0], b[0]))
        return y0 < a[1] < y1 and lo < x1 and hi > x0
    lo, hi = sorted((a[1], b[1]))
    return x0 < a[0] < x1 and lo < y1 and hi > y0


def _grow(box: Box, by: float) -> Box:
    return box[0] - by, box[1] - by, box[2] + by, box[3] + by


def _route(p: Placed, rows: list[int], row_top: dict[int, float], row_height: dict[int, float]) -> None:
    items = list(p.items.values())
    obstacles = [(i.key, _grow(i.box, 1.0)) for i in items] + [("", _grow(lane.title_box, 2.0)) for lane in p.lanes]
    xs: set[float] = {i.cx for i in items}
    port_xs = {i.key: (round(i.cx - (i.box[2] - i.box[0]) / 4, 2), round(i.cx + (i.box[2] - i.box[0]) / 4, 2))
               for i in items if i.anchor is None}
    for pair in port_xs.values():
        xs.update(pair)
    for a, b in zip(p.lanes, p.lanes[1:], strict=False):
        xs.add(round((a.box[2] + b.box[0]) / 2, 2))
    if p.lanes:
        xs.add(p.lanes[0].box[0] - GUTTER / 2)
        xs.add(p.lanes[-1].box[2] + GUTTER / 2)
    by_cell: dict[tuple[str, int], list[Item]] = {}
    for i in items:
        by_cell.setdefault((i.lane, i.row), []).append(i)
    for members in by_cell.values():
        members.sort(key=lambda i: i.box[0])
        for a, b in zip(members, members[1:], strict=False):
            xs.add(round((a.box[2] + b.box[0]) / 2, 2))
    ys: set[float] = {i.cy for i in items}
    # a step can also be left or entered a quarter up or down its side (two arrows at one side)
    port_ys = {i.key: (round(i.cy - (i.box[3] - i.box[1]) / 4, 2), round(i.cy + (i.box[3] - i.box[1]) / 4, 2))
               for i in items if i.anchor is None and i.box[3] - i.box[1] >= 20}
    for pair in port_ys.values():
        ys.update(pair)
    for n, r in enumerate(rows):
        bottom = row_top[r] + row_height[r]
        below = row_top[rows[n + 1]] if n + 1 < len(rows) else p.height
        if n + 1 < len(rows):
            # tracks near the top of the gap: an arrow drops at least ROW_GAP - 6 pt into a box
            gap = below - bottom
            ys.update(round(bottom + f, 2) for f in (2.0, 3.5))
            if gap >= 2 * ROW_GAP:
                ys.add(round(bottom + gap / 2, 2))
        else:
            ys.add(bottom + LANE_PAD + 4.0)  # below the lanes' feet
        if n == 0:
            ys.add(row_top[r] - 5.0)
    # a track above each lane that begins late (between the arrows above and its title)
    for lane in p.lanes:
        ys.add(lane.box[1] - 4.0)
    # lines closer than 8 pt are one line (else an arrow jogs by a hair between two of them)
    xs_sorted = []
    for x in sorted(xs):
        if not xs_sorted or x - xs_sorted[-1] >= 8.0:
            xs_sorted.append(x)
    ys_sorted = sorted(ys)

    def snap(x: float, it: Item) -> float:
        near = min(xs_sorted, key=lambda v: abs(v - x))
        return near if it.box[0] + 4 < near < it.box[2] - 4 else x

    # what blocks each line of the grid, once: the spans of the boxes and titles it passes through
    across = {y: [(b[0], b[2]) for _k, b in obstacles if b[1] < y < b[3]] for y in ys_sorted}
    down = {x: [(b[1], b[3]) for _k, b in obstacles if b[0] < x < b[2]] for x in xs_sorted}

    # the lanes' borders: (axis the border runs along, where it stands across, its span)
    borders = [(0, y, lb.box[0], lb.box[2]) for lb in p.lanes for y in (lb.box[1], lb.box[3])] \
        + [(1, x, lb.box[1], lb.box[3]) for lb in p.lanes for x in (lb.box[0], lb.box[2])]

    # per line of the grid, the spans of the borders it runs near (most lines: none)
    near_border = [{at: [(start, end) for ax, b, start, end in borders if ax == axis and abs(at - b) < BORDER_CLEAR]
                    for at in (ys_sorted if axis == 0 else xs_sorted)} for axis in (0, 1)]

    # each step of the grid, between two neighbouring points of a line: its length and what it
    # costs to run along a border, or None where a box or title blocks it; worked out once for
    # both ways (the A* below asks for a point's steps in the order left, right, up, down)
    def steps(line: list[float], blocks: list[tuple[float, float]], spans) -> list[float | None]:
        out: list[float | None] = []
        for lo, hi in zip(line, line[1:], strict=False):
            if blocks and any(lo < e1 and hi > e0 for e0, e1 in blocks):
                out.append(None)
            elif spans:
                out.append(abs(hi - lo) + ALONG_BORDER * sum(max(0.0, min(hi, end) - max(lo, start)) for start, end in spans))
            else:
                out.append(abs(hi - lo))
        return out

    # by row and by column of the grid, each made when the search first comes to it
    across_steps: list[list[float | None] | None] = [None] * len(ys_sorted)
    down_steps: list[list[float | None] | None] = [None] * len(xs_sorted)
    x_at = {x: m for m, x in enumerate(xs_sorted)}
    y_at = {y: n for n, y in enumerate(ys_sorted)}
    last_x, last_y = len(xs_sorted) - 1, len(ys_sorted) - 1
    neighbours: dict[tuple[float, float], list[tuple[tuple[float, float], int, float]]] = {}

    def neighbours_of(pt: tuple[float, float]) -> list[tuple[tuple[float, float], int, float]]:
        """The points one step from ``pt`` (none off the grid), each with its direction (0
        vertical, 1 horizontal) and cost; made when the search first reaches ``pt``."""
        out = neighbours.get(pt)
        if out is None:
            x, y = pt
            m, n = x_at.get(x), y_at.get(y)
            out = []
            if m is not None and n is not None:
                row, column = across_steps[n], down_steps[m]
                if row is None:
                    row = across_steps[n] = steps(xs_sorted, across[y], near_border[0].get(y))
                if column is None:
                    column = down_steps[m] = steps(ys_sorted, down[x], near_border[1].get(x))
                if m and (c := row[m - 1]) is not None:
                    out.append(((xs_sorted[m - 1], y), 1, c))
                if m < last_x and (c := row[m]) is not None:
                    out.append(((xs_sorted[m + 1], y), 1, c))
                if n and (c := column[n - 1]) is not None:
                    out.append(((x, ys_sorted[n - 1]), 0, c))
                if n < last_y and (c := column[n]) is not None:
                    out.append(((x, ys_sorted[n + 1]), 0, c))
            neighbours[pt] = out
        return out

    used: dict[tuple[tuple[float, float], tuple[float, float]], set[str]] = {}  # segment → heads
    touched: dict[tuple[float, float], set[str]] = {}  # grid point → heads of the arrows through it

    blocked: list[Box] = []  # the conditions already placed, while the loops are routed
    cut: dict[tuple[tuple[float, float], tuple[float, float]], bool] = {}

    def cut_off(a: tuple[float, float], b: tuple[float, float]) -> bool:
        """Whether the grid step a-b runs through a condition (``blocked`` only grows)."""
        key = (a, b)
        if key not in cut:
            cut[key] = any(_crosses(a, b, box) for box in blocked)
        return cut[key]

    def free(a, b, ends: set[str]) -> bool:
        return not any(_crosses(a, b, box) for key, box in obstacles if key not in ends or not key) \
            and not any(_crosses(a, b, box) for box in blocked)

    # the ports taken on each box: (side, where along it, leaving)
    taken: dict[str, list[tuple[str, float, bool]]] = {}

    def side_of(it: Item, pt: tuple[float, float]) -> tuple[str, float]:
        x0, y0, x1, y1 = it.box
        return min(((abs(pt[0] - x0), "l", pt[1]), (abs(pt[0] - x1), "r", pt[1]),
                    (abs(pt[1] - y0), "t", pt[0]), (abs(pt[1] - y1), "b", pt[0])))[1:]

    def clash(it: Item, port: tuple[float, float], out: bool) -> float | None:
        """The cost of a port near one where an arrow goes the other way (None: the same point)."""
        side, at = side_of(it, port)
        near = [abs(at - a) for s, a, o in taken.get(it.key, ()) if s == side and o != out and abs(at - a) < PORT_APART]
        if not near:
            return 0.0
        return None if min(near) < 1.0 else PORT_CLASH

    def ports(it: Item, out: bool, back: bool) -> list[tuple[tuple[float, float], tuple[float, float], float]]:
        """(port on the box, first point off it, cost): out of a box's foot and into its top
        first (its middle, then a quarter from either side), its sides last; never where an
        arrow goes the other way, and not near it (a way out beside a way in reads as one)."""
        res = [(port, off, cost + extra) for port, off, cost in _ports(it, out, back)
               if (extra := clash(it, port, out)) is not None]
        return res

    def _ports(it: Item, out: bool, back: bool) -> list[tuple[tuple[float, float], tuple[float, float], float]]:
        x0, y0, x1, y1 = it.box
        res = []
        down = min((y for y in ys_sorted if y > y1 + 0.5), default=None)
        up = max((y for y in ys_sorted if y < y0 - 0.5), default=None)
        for x, extra in ((snap(it.cx, it), 0.0), *((snap(px, it), 8.0) for px in port_xs.get(it.key, ()))):
            if down is not None:
                res.append(((x, y1), (x, down), extra + (0.0 if out and not back else 200.0)))
            if up is not None:
                res.append(((x, y0), (x, up), extra + (0.0 if not out and not back else 200.0)))
        left = max((x for x in xs_sorted if x < x0 - 3), default=None)  # clear of the box (grown by 1)
        right = min((x for x in xs_sorted if x > x1 + 3), default=None)
        room = 0.0 if out else ARROW + 1  # an arrowhead needs room before the box
        for y, extra in ((it.cy, 0.0), *((py, 8.0) for py in port_ys.get(it.key, ()))):
            if left is not None and x0 - left >= room:
                res.append(((x0, y), (left, y), extra + (0.0 if back else SIDE)))
            if right is not None and right - x1 >= room:
                res.append(((x1, y), (right, y), extra + (0.0 if back else SIDE)))
        return res

    def route(arrow: Arrow) -> list[tuple[float, float]]:
        t, h = p.items[arrow.tail], p.items[arrow.head]
        ends = {t.key, h.key}
        # direct: side by side in one row (开始 → step), or one above the other in one column
        if abs(t.cy - h.cy) < 0.5:
            if t.box[2] <= h.box[0] and free((t.box[2], t.cy), (h.box[0], h.cy), ends):
                return [(t.box[2], t.cy), (h.box[0], h.cy)]
            if h.box[2] <= t.box[0] and free((t.box[0], t.cy), (h.box[2], h.cy), ends):
                return [(t.box[0], t.cy), (h.box[2], h.cy)]
        if abs(t.cx - h.cx) < 0.5 and t.box[3] <= h.box[1] and free((t.cx, t.box[3]), (h.cx, h.box[1]), ends):
            return [(t.cx, t.box[3]), (h.cx, h.box[1])]
        targets = {}
        for port, off, cost in ports(h, False, arrow.back):
            if free(off, port, ends):
                targets[off] = (port, cost + (SHARED if touched.get(port, set()) - {h.key} else 0.0))
        start = []
        for port, off, cost in ports(t, True, arrow.back):
            if free(port, off, ends):
                shared = SHARED if touched.get(off, set()) - {h.key} else 0.0
                start.append((cost + shared + abs(off[0] - port[0]) + abs(off[1] - port[1]), off, port))
        # A* over the grid of tracks, state = (point, direction); never shorter than the way to
        # the head's box, so the first way found at least as cheap as anything left is the best
        hx0, hy0, hx1, hy1 = h.box
        head = h.key

        def rest(pt: tuple[float, float]) -> float:
            return max(hx0 - pt[0], 0.0, pt[0] - hx1) + max(hy0 - pt[1], 0.0, pt[1] - hy1)

        heap: list = []
        counter = itertools.count()
        best: dict = {}
        parent: dict = {}
        for cost, off, port in start:
            d = 0 if off[0] == port[0] else 1  # 0 vertical, 1 horizontal
            heapq.heappush(heap, (cost + rest(off), cost, next(counter), off, d, ("start", port)))
        found = None
        while heap:
            f, cost, _, pt, d, came = heapq.heappop(heap)
            if found is not None and f >= found[0]:
                break
            if (pt, d) in best:
                continue
            best[(pt, d)] = cost
            parent[(pt, d)] = came
            if pt in targets:
                port, tcost = targets[pt]
                # the last leg must run straight into the port
                total = cost + tcost + abs(pt[0] - port[0]) + abs(pt[1] - port[1]) \
                    + (BEND if (0 if pt[0] == port[0] else 1) != d else 0)
                if found is None or total < found[0]:
                    found = (total, (pt, d), port)
            for q, nd, length in neighbours_of(pt):
                if (q, nd) in best or (blocked and cut_off(pt, q)):
                    continue
                step = length + (BEND if nd != d else 0)
                # another arrow's way (one to another head than this one's) costs more
                heads = used.get((pt, q) if pt < q else (q, pt))
                if heads and (len(heads) > 1 or head not in heads):
                    step += SHARED
                heads = touched.get(q)
                if heads and (len(heads) > 1 or head not in heads):
                    step += SHARED / 2
                qx, qy = q  # (rest(q), inline: this loop is most of the layout's time)
                heapq.heappush(heap, (cost + step + (max(hx0 - qx, 0.0, qx - hx1) + max(hy0 - qy, 0.0, qy - hy1)),
                                      cost + step, next(counter), q, nd, (pt, d)))
        if found is None:  # no way round: straight from centre to centre (should not happen)
            return []
        _total, state, port = found
        points = [port]
        while True:
            points.append(state[0])
            came = parent[state]
            if came[0] == "start":
                points.append(came[1])
                break
            state = came
        return _simplify(points[::-1])

    def loop(a: Arrow) -> bool:
        return p.items[a.tail].row > p.items[a.head].row

    # the arrows forward first, then their conditions, then the loops round both: a loop routed
    # first took the place beside a branch where its condition belongs (CHCDC LC-05's 5万元以上)
    forward = [a for a in p.arrows if not loop(a)]
    loops = [a for a in p.arrows if loop(a)]
    for arrow in [*forward, *loops]:
        if loops and arrow is loops[0]:
            blocked.extend(_grow(b, LABEL_CLEAR) for b in _place_labels(p, forward))
        arrow.points = route(arrow)
        if not arrow.points and blocked:  # no way round the conditions: cross one
            saved, saved_cut = blocked[:], dict(cut)
            blocked.clear()
            cut.clear()
            arrow.points = route(arrow)
            blocked.extend(saved)
            cut.update(saved_cut)
        if not arrow.points:  # no way round at all (should not happen): centre to centre
            t, h = p.items[arrow.tail], p.items[arrow.head]
            arrow.points = [(t.cx, t.box[3]), (h.cx, h.box[1])]
        for it, pt, out in ((p.items[arrow.tail], arrow.points[0], True), (p.items[arrow.head], arrow.points[-1], False)):
            taken.setdefault(it.key, []).append((*side_of(it, pt), out))
        for a, b in zip(arrow.points, arrow.points[1:], strict=False):
            for seg in _unit_segments(a, b, xs_sorted, ys_sorted):
                used.setdefault(seg, set()).add(arrow.head)
                for q in seg:
                    touched.setdefault(q, set()).add(arrow.head)


def _unit_segments(a, b, xs: list[float], ys: list[float]):
    """The grid steps that the segment a-b runs along."""
    if abs(a[1] - b[1]) < 0.01:
        lo, hi = sorted((a[0], b[0]))
        line = [x for x in xs if lo - 0.01 <= x <= hi + 0.01]
        return [((p, a[1]), (q, a[1])) for p, q in zip(line, line[1:], strict=False)]
    lo, hi = sorted((a[1], b[1]))
    line = [y for y in ys if lo - 0.01 <= y <= hi + 0.01]
    return [((a[0], p), (a[0], q)) for p, q in zip(line, line[1:], strict=False)]


def _straight(a, b, c) -> bool:
    return (abs(a[0] - b[0]) < 0.01 and abs(b[0] - c[0]) < 0.01) or (abs(a[1] - b[1]) < 0.01 and abs(b[1] - c[1]) < 0.01)


def _simplify(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for pt in points:
        if out and pt == out[-1]:
            continue
        if len(out) >= 2:
            a, b = out[-2], out[-1]
            if _straight(a, b, pt):
                out[-1] = pt
                continue
        out.append(pt)
    return out


# -- conditions ------------------------------------------------------------------------------------

LABEL_CLEAR = 8.0  # pt a condition stands nearer to its own arrow than to any other, where it can
CROWDED = 3.0  # pt: a condition nearer than this to another stands against it
TWO_LINES_FROM = 6  # characters: a condition this long may be set in two lines where one does not fit
_WORD = re.compile(r"以[上下内外]|不?同意|不?符合|不?通过|不?予|退回|补正|审批|审核")  # never cut
_AMOUNT = re.compile(r"[0-9A-Za-z.]+[%万千百亿]*[元日天个人名年月次份项]?")
_NO_END = frozenset("（《「『【〔“‘([{")
_NO_START = frozenset("，。、；：！？）》」』】〕,.;:!?)]}%·")


def _label_size(text: str) -> tuple[float, float]:
    lines = text.split("\n")
    return max(text_em(line) for line in lines) * 10.0 + 2, LINE_H * len(lines)


def two_lines(text: str) -> str | None:
    """``text`` in two lines as even as they can be, a number never cut (``预算内1万元\n至10万元``);
    None for a short text."""
    if len(text) < TWO_LINES_FROM or "\n" in text:
        return None
    whole = [range(m.start() + 1, m.end()) for m in (*_AMOUNT.finditer(text), *_WORD.finditer(text))]
    best = None
    for i in range(1, len(text)):
        a, b = text[i - 1], text[i]
        if any(i in r for r in whole) or a in _NO_END or b in _NO_START:
            continue
        width = max(text_em(text[:i]), text_em(text[i:]))
        if best is None or width < best[0]:
            best = (width, i)
    return None if best is None else f"{text[:best[1]]}\n{text[best[1]:]}"


def _box_distance(box: Box, a: tuple[float, float], b: tuple[float, float]) -> float:
    """The distance from ``box`` to the axis-parallel segment a-b (0 where they meet)."""
    lo_x, hi_x = sorted((a[0], b[0]))
    lo_y, hi_y = sorted((a[1], b[1]))
    dx = max(box[0] - hi_x, 0.0, lo_x - box[2])
    dy = max(box[1] - hi_y, 0.0, lo_y - box[3])
    return (dx * dx + dy * dy) ** 0.5


def _place_labels(p: Placed, arrows: list[Arrow], taken: list[Box] | None = None) -> list[Box]:
    """Put the conditions of ``arrows`` beside them (``taken``: where conditions stand already);
    the boxes they take."""
    hard = [_grow(i.box, 2.0) for i in p.items.values()] + [_grow(lane.title_box, 1.0) for lane in p.lanes]
    taken = list(taken or [])
    placed: list[Box] = []
    # a condition across a lane's border line is hard to read (the line strikes it through)
    borders = [((x0, y), (x1, y)) for lane in p.lanes for x0, y0, x1, y1 in (lane.box,) for y in (y0, y1)] \
        + [((x, y0), (x, y1)) for lane in p.lanes for x0, y0, x1, y1 in (lane.box,) for x in (x0, x1)]

    def overlaps(box: Box, boxes: list[Box]) -> bool:
        return any(box[0] < b[2] and box[2] > b[0] and box[1] < b[3] and box[3] > b[1] for b in boxes)

    text_of: dict[tuple[int, Box], str] = {}

    def candidates_of(arrow: Arrow) -> list[Box]:
        """Where the condition may stand: beside each segment from the arrow's start on, in one
        line, then in two."""
        out: list[Box] = []
        for text in (arrow.label or "", two_lines(arrow.label or "")):
            if text:
                for c in candidates_in(arrow, *_label_size(text)):
                    text_of.setdefault((id(arrow), c), text)
                    out.append(c)
        return [c for c in out if not overlaps(c, hard)] or out

    def candidates_in(arrow: Arrow, w: float, h: float) -> list[Box]:
        candidates: list[Box] = []
        pts = arrow.points
        for a, b in zip(pts, pts[1:], strict=False):
            if abs(a[0] - b[0]) < 0.01:  # vertical: beside it, from its start on
                sign = 1 if b[1] > a[1] else -1
                length = abs(b[1] - a[1])
                # near its start every 2 pt (room between arrows that fork there), then every 6
                steps = sorted({*(2 * k for k in range(6)), *(6 * k for k in range(int((length - h) // 6) + 1))})
                for off in [v for v in steps if v <= max(0.0, length - h - 2)] or [0]:
                    yc = a[1] + sign * (h / 2 + 2 + off)
                    for x0 in (a[0] + 3, a[0] - 3 - w):
                        candidates.append((x0, yc - h / 2, x0 + w, yc + h / 2))
            else:  # horizontal: above it, then below, from its start on
                sign = 1 if b[0] > a[0] else -1
                length = abs(b[0] - a[0])
                for k in range(max(1, int((length - w) // 10) + 1)):
                    xc = a[0] + sign * (w / 2 + 4 + 10 * k)
                    for y0 in (a[1] - 1 - h, a[1] + 1):
                        candidates.append((xc - w / 2, y0, xc + w / 2, y0 + h))
        return candidates

    def inside(c: Box) -> bool:  # else the drawing grows for it
        return c[0] >= 0 and c[2] <= p.width and c[1] >= 0 and c[3] <= p.height

    def segments(arrow: Arrow) -> list:
        return list(zip(arrow.points, arrow.points[1:], strict=False))

    def crossed(c: Box, lines) -> int:
        return sum(1 for a, b in lines if _crosses(a, b, c))

    def unclear(c: Box, own: list, others: list) -> float:
        """How much nearer than LABEL_CLEAR beyond its own arrow another arrow stands (0: none
        does): a reader could take the label for that arrow's condition."""
        mine = min(_box_distance(c, a, b) for a, b in own)
        theirs = min((_box_distance(c, a, b) for a, b in others), default=float("inf"))
        return round(max(0.0, mine + LABEL_CLEAR - theirs), 1)  # (not a hair of rounding error)

    labelled = [a for a in arrows if a.label and a.points]
    choices = {id(a): candidates_of(a) for a in labelled}
    lines = {id(a): (segments(a), [s for o in p.arrows if o is not a for s in segments(o)]) for a in labelled}

    # crossing another arrow hides it; standing by another arrow misleads; a line through it (a
    # lane's border, its own arrow) only looks untidy; two lines only where one line is worse
    scores: dict[tuple[int, Box], tuple] = {}
    for arrow in labelled:
        own, others = lines[id(arrow)]
        if not choices[id(arrow)]:
            continue
        reach = 2 * LABEL_CLEAR + 6  # farther than this, an arrow does not matter to a place
        area = (min(c[0] for c in choices[id(arrow)]) - reach, min(c[1] for c in choices[id(arrow)]) - reach,
                max(c[2] for c in choices[id(arrow)]) + reach, max(c[3] for c in choices[id(arrow)]) + reach)
        others = [(a, b) for a, b in others if _box_distance(area, a, b) == 0.0]
        edges = [(a, b) for a, b in borders if _box_distance(area, a, b) == 0.0]
        for c in choices[id(arrow)]:
            near = [(a, b) for a, b in others if _box_distance(c, a, b) < reach]
            scores[id(arrow), c] = (crossed(c, near), unclear(c, own, near), crossed(c, edges) + crossed(c, own),
                                    "\n" in text_of[id(arrow), c])

    def good(arrow: Arrow) -> int:
        return sum(1 for c in choices[id(arrow)] if not any(scores[id(arrow), c][:2]))

    def place_in(order: list[Arrow]) -> tuple[tuple, list[Box]]:
        """Each condition in turn at its best place left; how bad the whole is, and the places."""
        now = list(taken)
        boxes: list[Box] = []
        worst = [0, 0, 0.0, 0, 0, 0]
        for arrow in order:
            free = [c for c in choices[id(arrow)] if not overlaps(c, now)]
            ok = [c for c in free if inside(c)] or free or choices[id(arrow)]
            # a condition right against another one reads as one text with it (CHYY LC-05:
            # 预算内1万元至10万元 stood on 1000元以下)
            score = [(*scores[id(arrow), c][:2], overlaps(_grow(c, CROWDED), now), *scores[id(arrow), c][2:])
                     for c in ok]
            n = min(range(len(ok)), key=lambda i: (*score[i], i))
            best = ok[n]
            for i, v in enumerate((0 if free else 1, *score[n])):
                worst[i] += v
            now.append(best)
            boxes.append(best)
        return tuple(worst), boxes

    # in the arrows' order, and the conditions with the fewest good places first (a free one
    # must not take a narrow one's only place): whichever leaves the fewest faults
    orders = [labelled, sorted(labelled, key=good)]
    tries = [place_in(order) for order in orders]
    n = min(range(len(orders)), key=lambda i: (tries[i][0], i))
    for arrow, box in zip(orders[n], tries[n][1], strict=True):
        placed.append(box)
        arrow.label_at = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
        arrow.label_text = text_of[id(arrow), box]
    return placed
