"""Cutting one legacy cell into its items: numbered lists and phase headings.

Numbering styles recognised (docs/import.md): ``1.`` ``1、`` ``1．`` ``1)`` ``1）`` (arabic),
``(1)`` ``（1）`` (bracketed), ``①…⑳`` (circled), ``一、`` (Chinese numerals), ``（一）``, and
``1.1`` ``1.2`` (two-level, kept as the label for pairing risks with measures; at least two).

A list is only a list when its numbers run 1, 2, 3… in order: ``1、5万元以上的…`` is one item
(``5万`` is no marker: a marker ends in its punctuation). ``1.`` ``1、`` and ``一、`` start an item
only at the start of the cell or after a line break, ``；`` ``。`` ``，`` ``：`` or a space, so
``第2.3条`` and ``分2、3批`` stay text; ``（2）`` ``②`` and ``1.2`` are markers wherever they stand.
A single ``1.`` at the
start of a cell is stripped (one numbered measure). When several styles occur, the one that
starts first is the outer list and each of its items is split again (``一、依据… 二、措施：1.…
2.…`` gives the items ``依据…``, ``1.…`` and ``2.…``, labelled ``1``, ``2.1``, ``2.2``).

Phase headings (``事前：`` ``【前期预防】`` ``中期监控:`` …) cut a measures cell into segments first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lianfang.model.vocab import Phase

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
NONE_MARKS = frozenset({"—", "-", "/", "／", "无", "——", "－", "―", "─", "-/-", "\\", "暂无", "N/A", "n/a", "／／"})

# every candidate marker, one alternative per style (named groups tell which matched)
_MARKER = re.compile(
    r"(?P<dotted>(?<![\d.．])(?P<d1>\d{1,2})[.．](?P<d2>\d{1,2})(?![\d.．%％万元千亿倍个])[、.．]?)"
    r"|(?P<paren>[(（]\s*(?P<p>\d{1,2})\s*[)）])"
    r"|(?P<cnparen>[(（]\s*(?P<cp>[一二三四五六七八九十]{1,3})\s*[)）])"
    r"|(?P<circled>[\u2460-\u2473])"
    r"|(?P<cn>(?P<c>[一二三四五六七八九十]{1,3})、)"
    r"|(?P<arabic>(?<![\d.．A-Za-z])(?P<a>\d{1,2})(?:[.．](?![\d%％])|[、)）]))"
    # ``1.5万元``: a decimal number, or item 1 whose text starts with 5 — decided by what follows
    r"|(?P<decimal>(?<![\d.．A-Za-z])(?P<a1>\d{1,2})[.．](?=\d))"
)
_STYLES = ("dotted", "paren", "cnparen", "circled", "cn", "arabic", "decimal")
_NEED_BOUNDARY = ("arabic", "cn")  # (1) ① 1.1 are markers wherever they stand; 1. 一、 only after a break
_LIST_STYLES = ("dotted", "paren", "cnparen", "circled", "cn", "arabic")
# what may stand right before a marker that starts an item
_BOUNDARY = set("\n\r；;。，,：:!！?？ \t\u3000】）)")
# before these a number is a quantity or a reference, never a marker
_NOT_BEFORE = set("第约共计至到和或及达超近满每于")


@dataclass(frozen=True)
class Item:
    label: str  # "1", "2.1", "" for an unnumbered cell
    text: str


@dataclass(frozen=True)
class _Marker:
    style: str
    number: int
    minor: int  # the second number of a 1.2 marker, else 0
    start: int
    end: int
    at_boundary: bool
    ambiguous: bool = False  # ``1.5…``: item 1 only if a 2 follows (or the column is numbered)


def is_none(text: str) -> bool:
    """``—``, ``/``, ``无``: the cell says there is nothing."""
    return text.strip() in NONE_MARKS


def _markers(text: str) -> list[_Marker]:
    out = []
    for m in _MARKER.finditer(text):
        style = next(name for name in _STYLES if m.group(name) is not None)
        minor = 0
        if style == "dotted":
            number, minor = int(m.group("d1")), int(m.group("d2"))
        elif style == "paren":
            number = int(m.group("p"))
        elif style == "cnparen":
            number = _cn_number(m.group("cp"))
        elif style == "circled":
            number = ord(m.group("circled")) - 0x2460 + 1
        elif style == "cn":
            number = _cn_number(m.group("c"))
        elif style == "arabic":
            number = int(m.group("a"))
        else:
            number = int(m.group("a1"))
        if number <= 0:
            continue
        before = text[:m.start()].rstrip(" \t\u3000")
        prev = before[-1:] if before else ""
        if prev in _NOT_BEFORE and style in ("arabic", "cn", "decimal", "dotted"):
            continue  # ``第2.3条``, ``共3、4批``: a number, not a marker
        ambiguous = style == "decimal"
        boundary = not before or prev in _BOUNDARY or text[m.start() - 1] in " \t\u3000"
        out.append(_Marker("arabic" if ambiguous else style, number, minor, m.start(), m.end(), boundary, ambiguous))
    return out


def _cn_number(text: str) -> int:
    if text == "十":
        return 10
    if len(text) == 1:
        return _CN_DIGITS.get(text, 0)
    if text.startswith("十"):
        return 10 + _CN_DIGITS.get(text[1], 0)
    if len(text) == 2 and text[1] == "十":
        return _CN_DIGITS.get(text[0], 0) * 10
    if len(text) == 3 and text[1] == "十":
        return _CN_DIGITS.get(text[0], 0) * 10 + _CN_DIGITS.get(text[2], 0)
    return 0


def _sequence(markers: list[_Marker], style: str) -> list[_Marker]:
    """The longest run 1, 2, 3… of one style; the first marker at a boundary (or the start)."""
    mine = [m for m in markers if m.style == style]
    best: list[_Marker] = []
    for i, first in enumerate(mine):
        if not first.at_boundary:
            continue
        if style == "dotted":
            if first.minor != 1:
                continue
        elif first.number != 1:
            continue
        run = [first]
        for m in mine[i + 1:]:
            if not m.at_boundary and (style in _NEED_BOUNDARY or m.ambiguous):
                continue  # ``分2、3批``: a bare number mid-sentence is text
            last = run[-1]
            if style == "dotted":
                follows = (m.number == last.number and m.minor == last.minor + 1) or (m.number == last.number + 1 and m.minor == 1)
            else:
                follows = m.number == last.number + 1
            if follows and m.start >= last.end:
                run.append(m)
        if len(run) > len(best):
            best = run
        break  # the first start of a list wins; later "1." markers belong to its items
    return best


def split_numbered(text: str, depth: int = 0, numbered: bool = False) -> tuple[str, list[Item]]:
    """``(lead, items)``: the text before the first marker, and the numbered items.

    A cell without a list gives ``("", [Item("", text)])``. ``numbered``: the column's other
    cells are numbered lists, so a cell that is only ``1.5万元以上…`` is item 1, ``5万元以上…``."""
    text = text.strip()
    if not text:
        return "", []
    markers = _markers(text)
    runs = [run for style in _LIST_STYLES if (run := _sequence(markers, style))]
    # a run is a list when it has two items, or one item that starts the cell
    # (a lone ``1.1…`` is no list: more likely item 1 starting with a number, or a decimal)
    runs = [r for r in runs if len(r) >= 2 or (r[0].start == 0 and r[0].style != "dotted" and (numbered or not r[0].ambiguous))]
    if not runs:
        return "", [Item("", text)]
    run = min(runs, key=lambda r: (r[0].start, -len(r)))
    lead = _tidy(text[:run[0].start])
    items: list[Item] = []
    for k, m in enumerate(run):
        end = run[k + 1].start if k + 1 < len(run) else len(text)
        body = _tidy(text[m.end:end])
        label = f"{m.number}.{m.minor}" if m.style == "dotted" else str(m.number)
        inner_lead, inner = split_numbered(body, depth + 1) if depth < 2 else ("", [Item("", body)])
        if len(inner) >= 2 or (inner and inner[0].label):
            # an item that is itself a list: its lead text is an item of its own, so nothing is lost
            if inner_lead and is_heading(inner_lead):
                lead = _join(lead, inner_lead)  # ``措施：`` names the list, it is not an item
            elif inner_lead:
                items.append(Item(label, inner_lead))
            items.extend(Item(i.label if "." in i.label else f"{label}.{i.label}", i.text) for i in inner)
        elif body:
            items.append(Item(label, body))
    return lead, items


def is_heading(text: str) -> bool:
    """A few words ending in a colon (``措施：``, ``防控措施:``): the name of the list that follows."""
    return text.endswith(("：", ":")) and len(text) <= 10


def _join(a: str, b: str) -> str:
    return f"{a} {b}" if a and b else a or b


def _tidy(text: str) -> str:
    """An item's text without the separators around it (``；`` ``;`` ``，`` line breaks);
    a closing ``。`` is kept, it is part of the sentence."""
    return text.strip().strip("；;，,、 \t\u3000\n\r").strip()


# -- phase headings -------------------------------------------------------------------------

PHASE_WORDS: dict[str, Phase] = {
    "事前": Phase.PREVENT, "前期": Phase.PREVENT,
    "事中": Phase.MONITOR, "中期": Phase.MONITOR,
    "事后": Phase.HANDLE, "后期": Phase.HANDLE,
}
_PHASE_HEADING = re.compile(
    r"(?:(?<=^)|(?<=[\n\r；;。，,\s】]))"
    r"(?:[【\[〔]\s*(?P<b>事前|事中|事后|前期|中期|后期)[\u4e00-\u9fff]{0,4}\s*[】\]〕][：:]?"
    r"|(?P<w>事前|事中|事后|前期|中期|后期)(?:预防|防范|防控|监控|监督|控制|处置|处理|阶段|措施|防控措施|预防措施|监控措施|处置措施){0,2}\s*[：:])"
)


def split_phases(text: str) -> list[tuple[Phase | None, str]]:
    """A measures cell cut at its phase headings: ``[(phase or None, text), …]``.

    Text before the first heading has no phase (None); a cell without headings is one segment."""
    text = text.strip()
    heads = list(_PHASE_HEADING.finditer(text))
    if not heads:
        return [(None, text)] if text else []
    out: list[tuple[Phase | None, str]] = []
    first = _tidy(text[:heads[0].start()])
    if first:
        out.append((None, first))
    for k, m in enumerate(heads):
        end = heads[k + 1].start() if k + 1 < len(heads) else len(text)
        word = m.group("b") or m.group("w")
        body = _tidy(text[m.end():end])
        if body:
            out.append((PHASE_WORDS[word], body))
    return out


def parse_phase(text: str) -> Phase | None:
    """A phase cell: 前期预防 or any alias of version 1.1 (事前, 事中监督, 后期, 预防, 监控, 处置…)."""
    t = re.sub(r"[\s\u3000]+", "", text)
    phase = Phase.parse(t)
    if phase is None and len(t) <= 6 and t[:2] in PHASE_WORDS:
        phase = PHASE_WORDS[t[:2]]
    return phase or {"预防": Phase.PREVENT, "监控": Phase.MONITOR, "处置": Phase.HANDLE}.get(t)


def phase_prefix(text: str) -> tuple[Phase | None, str]:
    """A phase heading at the very start of one item (``事前：…``), and the rest."""
    m = _PHASE_HEADING.match(text)
    if not m:
        return None, text
    return PHASE_WORDS[m.group("b") or m.group("w")], _tidy(text[m.end():])
