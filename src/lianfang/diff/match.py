"""Pairing the records of two versions of one table: by ID, then by text where IDs were renumbered.

The passes, each over what the earlier ones left unpaired:

1. same ID and the same text: unchanged or edited in other fields;
2. the same text (white space and punctuation aside) under another ID: renumbered (in file
   order when a text repeats);
3. same ID and similar text (ratio ≥ ``THRESHOLD``): reworded;
4. similar text under another ID, compared only inside a block (a risk point's power, then its
   post; a measure's risk point, then its owner), most similar pairs first: renumbered and
   reworded, or moved to another post or power and renumbered;
5. same ID, however different the text: rewritten in place.

What is left is removed (old) or added (new). Similarity is difflib's ``SequenceMatcher.ratio``
of the texts with white space and punctuation removed; inside a block only the ``CANDIDATES``
records sharing the most character bigrams with a text are compared with it, so the work grows
with the number of edited records times a constant, never with the square of the table.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict, deque
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from operator import attrgetter, itemgetter
from typing import Generic, TypeVar

R = TypeVar("R")

# Two texts are "the same record reworded" from this ratio up (docs/diff.md gives examples).
THRESHOLD = 0.5
# records of a block compared with one text, chosen by shared character bigrams
CANDIDATES = 8


@dataclass(slots=True)
class Matching(Generic[R]):
    """Pairs (old, new) in the new file's order; what is left on either side; the ID map."""

    pairs: list[tuple[R, R]] = field(default_factory=list)
    removed: list[R] = field(default_factory=list)
    added: list[R] = field(default_factory=list)
    id_map: dict[str, str] = field(default_factory=dict)  # old ID -> new ID, matched pairs only


def _drop_table() -> dict[int, None]:
    """White space and punctuation of the Basic Multilingual Plane, for ``str.translate``."""
    return {cp: None for cp in range(0x10000)
            if chr(cp).isspace() or unicodedata.category(chr(cp)).startswith("P")}


_DROP: dict[int, None] = {}


def normalise(text: str | None) -> str:
    """Text as compared: NFKC, without white space or punctuation (a changed comma is no rewording
    worth matching on, though the report still shows it)."""
    if not text:
        return ""
    if not _DROP:
        _DROP.update(_drop_table())
    return unicodedata.normalize("NFKC", text).translate(_DROP)


def similarity(a: str, b: str) -> float:
    """``SequenceMatcher.ratio`` of two normalised texts (1.0 the same, 0.0 nothing shared)."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)} or {text}


Key = Callable[[R], Hashable]


def match(old: Sequence[R], new: Sequence[R], *, text: Callable[[R], str | None],
          old_text_of: Callable[[R], str | None] | None = None, blocks: Sequence[tuple[Key, Key]] = (), ident: Callable[[R], str | None] = attrgetter("id"),
          threshold: float = THRESHOLD) -> Matching[R]:
    """Pair ``old`` with ``new`` records (see the module's passes). ``blocks`` are pairs of key
    functions (for an old record, for a new one) naming the group a record is compared within;
    an old record's key is given in the new version's IDs, so a block survives renumbering.
    ``old_text_of`` (default ``text``) gives an old record's text in the new version's IDs."""
    # The first pass sees every record: written in comprehensions and C-level calls, since a
    # large workbook has tens of thousands of rows and a revision leaves most of them untouched.
    old_raw = list(map(old_text_of or text, old))
    new_raw = list(map(text, new))
    old_ids = list(map(ident, old))
    new_ids = list(map(ident, new))
    # ID -> index of its first occurrence (reversed, so the earliest index is written last)
    old_by_id = dict(zip(reversed(old_ids), range(len(old) - 1, -1, -1), strict=True))
    new_by_id = dict(zip(reversed(new_ids), range(len(new) - 1, -1, -1), strict=True))
    old_by_id.pop(None, None)
    new_by_id.pop(None, None)
    same_id = sorted(((old_by_id[k], j) for k, j in new_by_id.items() if k in old_by_id), key=itemgetter(1))

    # 1. same ID, same text (as written)
    paired: dict[int, int] = {j: i for i, j in same_id if old_raw[i] == new_raw[j]}  # new index -> old index
    old_left = set(range(len(old))).difference(paired.values())
    new_left = set(range(len(new))).difference(paired)

    def pair(i: int, j: int) -> None:
        paired[j] = i
        old_left.remove(i)
        new_left.remove(j)

    # only what is left is normalised and compared further
    old_text = {i: normalise(old_raw[i]) for i in sorted(old_left)}
    new_text = {j: normalise(new_raw[j]) for j in sorted(new_left)}
    # 2. same text, another ID (or the same ID and a text differing only in spaces and punctuation)
    for i, j in same_id:
        if i in old_left and j in new_left and old_text[i] == new_text[j]:
            pair(i, j)
    by_text: dict[str, deque[int]] = defaultdict(deque)
    for i in sorted(old_left):
        if old_text[i]:
            by_text[old_text[i]].append(i)
    for j in sorted(new_left):
        queue = by_text.get(new_text[j])
        while queue and queue[0] not in old_left:
            queue.popleft()
        if queue:
            pair(queue.popleft(), j)
    # 3. same ID, similar text
    for i, j in same_id:
        if i in old_left and j in new_left and similarity(old_text[i], new_text[j]) >= threshold:
            pair(i, j)
    # 4. similar text inside a block
    for old_key, new_key in blocks:
        if not old_left or not new_left:
            break
        _match_in_blocks(old, new, old_text, new_text, old_left, new_left, old_key, new_key, threshold, pair)
    # 5. same ID, whatever the text
    for i, j in same_id:
        if i in old_left and j in new_left:
            pair(i, j)

    result: Matching[R] = Matching()
    order = sorted(paired)
    result.pairs = [(old[paired[j]], new[j]) for j in order]
    result.added = [new[j] for j in sorted(new_left)]
    result.removed = [old[i] for i in sorted(old_left)]
    # old ID -> new ID; the first pair wins where an ID repeats (written last)
    result.id_map = {old_ids[paired[j]]: new_ids[j] for j in reversed(order)
                     if old_ids[paired[j]] is not None and new_ids[j] is not None}
    return result


def _match_in_blocks(old, new, old_text, new_text, old_left, new_left, old_key, new_key, threshold, pair) -> None:
    groups_old: dict[Hashable, list[int]] = defaultdict(list)
    for i in sorted(old_left):
        k = old_key(old[i])
        if k is not None and old_text[i]:
            groups_old[k].append(i)
    groups_new: dict[Hashable, list[int]] = defaultdict(list)
    for j in sorted(new_left):
        k = new_key(new[j])
        if k is not None and new_text[j] and k in groups_old:
            groups_new[k].append(j)
    for k, news in groups_new.items():
        olds = groups_old[k]
        scored: list[tuple[float, int, int]] = []
        # bigram index of the block's old texts: compare each new text with its best candidates only
        postings: dict[str, list[int]] = defaultdict(list)
        for i in olds:
            for g in _bigrams(old_text[i]):
                postings[g].append(i)
        for j in news:
            shared: dict[int, int] = defaultdict(int)
            for g in _bigrams(new_text[j]):
                for i in postings.get(g, ()):
                    shared[i] += 1
            best = sorted(shared, key=lambda i: (-shared[i], i))[:CANDIDATES]
            matcher = SequenceMatcher(None, autojunk=False)
            matcher.set_seq2(new_text[j])
            for i in best:
                matcher.set_seq1(old_text[i])
                if matcher.real_quick_ratio() >= threshold and matcher.quick_ratio() >= threshold:
                    ratio = matcher.ratio()
                    if ratio >= threshold:
                        scored.append((ratio, i, j))
        scored.sort(key=lambda t: (-t[0], t[2], t[1]))
        for _, i, j in scored:
            if i in old_left and j in new_left:
                pair(i, j)
