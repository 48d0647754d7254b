"""What a drawn chart looks like: boxes, edge labels and lane titles read back from ``dot``'s SVG.

``dot`` sometimes puts an edge label under a box, or runs an edge through a box, when lanes
(clusters) and loops meet. ``flowchart.render`` draws such a chart again another way; this module
only tells whether it has to. Text boxes are estimated as printers' checks do: a Chinese character
1 em wide, others 0.55 em, from 0.88 em above the baseline to 0.12 em below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from defusedxml import ElementTree

SVG = "{http://www.w3.org/2000/svg}"
_NUM = re.compile(r"-?\d+(?:\.\d+)?")
_PAIR = re.compile(r"(-?[\d.]+),(-?[\d.]+)")
HIDDEN_SHARE = 0.05  # of a label's box covered by a box: hidden
BORDER_CLEAR = 3.0  # pt: an arrow nearer than this to a lane's border, parallel to it, runs along it
PORT_APART = 12.0  # pt between a way out of a box and a way into it
ALONG_TOLERATED = 8.0  # pt an arrow may run along a border (a short crossing, a port by the edge)

Box = tuple[float, float, float, float]


def _em(text: str) -> float:
    return sum(1.0 if ord(c) > 0x2E7F else 0.55 for c in text)


def _text_box(t) -> Box:
    size = float(t.get("font-size") or 14)
    x, y = float(t.get("x") or 0), float(t.get("y") or 0)
    w = _em("".join(t.itertext()).strip()) * size
    x0 = {"middle": x - w / 2, "end": x - w}.get(t.get("text-anchor") or "", x)
    return x0, y - 0.88 * size, x0 + w, y + 0.12 * size


def _shape_box(el) -> Box | None:
    tag = el.tag.removeprefix(SVG)
    if tag == "ellipse":
        cx, cy, rx, ry = (float(el.get(k) or 0) for k in ("cx", "cy", "rx", "ry"))
        return cx - rx, cy - ry, cx + rx, cy + ry
    values = [float(v) for v in _NUM.findall(el.get("points") or el.get("d") or "")]
    if len(values) < 4:
        return None
    xs, ys = values[0::2], values[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def _samples(d: str) -> list[tuple[float, float]]:
    """Points along one of ``dot``'s edge paths (M x,y C x,y x,y x,y …)."""
    pts = [(float(a), float(b)) for a, b in _PAIR.findall(d)]
    out = pts[:1]
    for i in range(1, len(pts) - 2, 3):
        p0, p1, p2, p3 = pts[i - 1], pts[i], pts[i + 1], pts[i + 2]
        for k in range(1, 9):
            t = k / 8
            a, b, c, e = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t * t, t ** 3
            out.append((a * p0[0] + b * p1[0] + c * p2[0] + e * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + e * p3[1]))
    return out


def _overlap(a: Box, b: Box) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def _inside(p: tuple[float, float], b: Box, margin: float = 0.0) -> bool:
    return b[0] + margin < p[0] < b[2] - margin and b[1] + margin < p[1] < b[3] - margin


def _distance(box: Box, line: list[tuple[float, float]]) -> float:
    """The shortest distance from ``box`` to the sampled path ``line`` (0 where it crosses)."""
    best = float("inf")
    for p, q in zip(line, line[1:] or line, strict=False):
        for k in range(5):  # samples are up to a segment's third apart: look between them
            x, y = p[0] + (q[0] - p[0]) * k / 4, p[1] + (q[1] - p[1]) * k / 4
            dx = max(box[0] - x, 0.0, x - box[2])
            dy = max(box[1] - y, 0.0, y - box[3])
            best = min(best, (dx * dx + dy * dy) ** 0.5)
    return best


@dataclass
class Layout:
    nodes: list[tuple[str, Box]] = field(default_factory=list)  # title, box
    labels: list[tuple[str, str, Box]] = field(default_factory=list)  # edge title, text, box
    edges: list[tuple[str, list[tuple[float, float]]]] = field(default_factory=list)
    titles: list[tuple[str, Box]] = field(default_factory=list)  # lane (cluster) titles
    lanes: list[tuple[str, Box]] = field(default_factory=list)  # lane title, lane box
    heads: list[tuple[str, tuple[float, float]]] = field(default_factory=list)  # edge title, arrowhead tip

    def hidden_labels(self) -> list[str]:
        """Edge labels a box covers (more than 5 % of the label)."""
        out = []
        for _edge, text, box in self.labels:
            area = (box[2] - box[0]) * (box[3] - box[1]) or 1.0
            out += [f"{text} / {name}" for name, node in self.nodes if _overlap(box, node) > HIDDEN_SHARE * area]
        return out

    def edges_through_boxes(self) -> list[str]:
        """Edges that run through a box that is neither of their ends (a box's inner part)."""
        out = []
        for title, line in self.edges:
            ends = set(title.split("->"))
            for name, node in self.nodes:
                if name not in ends and any(_inside(p, node, 3.0) for p in line):
                    out.append(f"{title} / {name}")
        return out

    def edges_through_titles(self) -> list[str]:
        return [text for text, box in self.titles for _t, line in self.edges if any(_inside(p, box) for p in line)]

    def arrows_along_borders(self, clear: float = BORDER_CLEAR, longest: float = ALONG_TOLERATED) -> list[str]:
        """Arrows that run along a lane's border (within ``clear`` pt of it, parallel) for more
        than ``longest`` pt: printed, such an arrow reads as part of the lane's box."""
        out = []
        for title, line in self.edges:
            for name, (x0, y0, x1, y1) in self.lanes:
                borders = [(0, y, x0, x1) for y in (y0, y1)] + [(1, x, y0, y1) for x in (x0, x1)]
                for axis, at, lo, hi in borders:
                    along = 0.0
                    for p, q in zip(line, line[1:], strict=False):
                        if abs(p[1 - axis] - q[1 - axis]) > 0.05:  # not parallel to this border
                            continue
                        if abs(p[1 - axis] - at) >= clear:
                            continue
                        a, b = sorted((p[axis], q[axis]))
                        along += max(0.0, min(b, hi) - max(a, lo))
                    if along > longest:
                        out.append(f"{title} / {name}: {along:.0f} pt")
        return out

    def labels_nearer_other_arrows(self) -> list[str]:
        """Conditions that stand nearer to another arrow than to their own: a reader cannot
        tell which way they belong to."""
        out = []
        for edge, text, box in self.labels:
            own = min((_distance(box, line) for title, line in self.edges if title == edge), default=0.0)
            for title, line in self.edges:
                if title != edge and _distance(box, line) < own - 0.5:
                    out.append(f"{text} / {title}")
        return out

    def shared_ports(self, near: float = PORT_APART) -> list[str]:
        """An arrow that leaves a box where another one enters it (nearer than ``near`` pt): the
        two read as one line, and which way it runs is lost."""
        starts = [(title, line[0]) for title, line in self.edges if line]
        out = []
        for title, (hx, hy) in self.heads:
            head = title.split("->")[-1]
            for other, (sx, sy) in starts:
                if other != title and other.split("->")[0] == head and abs(hx - sx) + abs(hy - sy) < near:
                    out.append(f"{other} leaves where {title} enters")
        return out

    def problems(self) -> int:
        """What a reader cannot read: hidden labels, arrows through a lane's title (an arrow
        across a box is ugly, not unreadable: counted apart)."""
        return len(self.hidden_labels()) + len(self.edges_through_titles())


def read_layout(svg: bytes) -> Layout:
    """The boxes, labels, edges and lane titles of an SVG ``dot`` wrote (before ``finish_svg``:
    titles are still DOT IDs, which name an edge's ends)."""
    root = ElementTree.fromstring(svg)
    out = Layout()
    for g in root.iter(f"{SVG}g"):
        kind = g.get("class")
        title_el = g.find(f"{SVG}title")
        title = "".join(title_el.itertext()) if title_el is not None else ""
        texts = [t for t in g.iter(f"{SVG}text") if "".join(t.itertext()).strip()]
        if kind == "node":
            boxes = [b for s in g.iter() if s.tag.removeprefix(SVG) in ("polygon", "path", "ellipse")
                     and (s.get("fill") or "none") != "none" and (b := _shape_box(s)) is not None]
            if boxes:
                out.nodes.append((title, (min(b[0] for b in boxes), min(b[1] for b in boxes),
                                          max(b[2] for b in boxes), max(b[3] for b in boxes))))
        elif kind == "edge":
            out.labels += [(title, "".join(t.itertext()).strip(), _text_box(t)) for t in texts]
            paths = [_samples(p.get("d") or "") for p in g.iter(f"{SVG}path")]
            out.edges += [(title, line) for line in paths]
            for head in g.iter(f"{SVG}polygon"):  # the arrowhead: its tip is farthest from the line
                pts = [(float(a), float(b)) for a, b in _PAIR.findall(head.get("points") or "")]
                if pts and paths and paths[-1]:
                    end = paths[-1][-1]
                    out.heads.append((title, max(pts, key=lambda p: abs(p[0] - end[0]) + abs(p[1] - end[1]))))
        elif kind == "cluster":
            out.titles += [("".join(t.itertext()).strip(), _text_box(t)) for t in texts]
            shape = next((s for s in g.iter() if s.tag.removeprefix(SVG) in ("polygon", "path")), None)
            box = _shape_box(shape) if shape is not None else None
            if box is not None:
                out.lanes.append(("".join(texts[0].itertext()).strip() if texts else title, box))
    return out
