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
          old_text_of: Callable[[R], str | None] | None = None, blocks: Sequence[tuple[Key, Key]] = (), ident: Callable[[R], str | None] = lambda r: r.id,  # type: ignore[attr-defined]
          threshold: float = THRESHOLD) -> Matching[R]:
    """Pair ``old`` with ``new`` records (see the module's passes). ``blocks`` are pairs of key
    functions (for an old record, for a new one) naming the group a record is compared within;
    an old record's key is given in the new version's IDs, so a block survives renumbering.
    ``old_text_of`` (default ``text``) gives an old record's text in the new version's IDs."""
    old_raw = [(old_text_of or text)(r) or "" for r in old]
    new_raw = [text(r) or "" for r in new]
    old_left: dict[int, None] = dict.fromkeys(range(len(old)))  # ordered sets
    new_left: dict[int, None] = dict.fromkeys(range(len(new)))
    paired: dict[int, int] = {}  # new index -> old index

    def pair(i: int, j: int) -> None:
        paired[j] = i
        del old_left[i]
        del new_left[j]

    old_by_id: dict[str, int] = {}
    for i, r in enumerate(old):
        k = ident(r)
        if k is not None and k not in old_by_id:
            old_by_id[k] = i
    same_id: list[tuple[int, int]] = []
    seen_new_ids: set[str] = set()
    for j, r in enumerate(new):
        k = ident(r)
        if k is not None and k not in seen_new_ids:
            seen_new_ids.add(k)
            i = old_by_id.get(k)
            if i is not None:
                same_id.append((i, j))

    # 1. same ID, same text (as written: most records of a revision are untouched)
    for i, j in same_id:
        if old_raw[i] == new_raw[j]:
            pair(i, j)
    # only what is left is normalised and compared further
    old_text = {i: normalise(old_raw[i]) for i in old_left}
    new_text = {j: normalise(new_raw[j]) for j in new_left}
    # 2. same text, another ID (or the same ID and a text differing only in spaces and punctuation)
    for i, j in same_id:
        if i in old_left and j in new_left and old_text[i] == new_text[j]:
            pair(i, j)
    by_text: dict[str, deque[int]] = defaultdict(deque)
    for i in old_left:
        if old_text[i]:
            by_text[old_text[i]].append(i)
    for j in list(new_left):
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
    for j in range(len(new)):
        i = paired.get(j)
        if i is None:
            result.added.append(new[j])
        else:
            result.pairs.append((old[i], new[j]))
            oid, nid = ident(old[i]), ident(new[j])
            if oid is not None and nid is not None and oid not in result.id_map:
                result.id_map[oid] = nid
    result.removed = [old[i] for i in old_left]
    return result


def _match_in_blocks(old, new, old_text, new_text, old_left, new_left, old_key, new_key, threshold, pair) -> None:
    groups_old: dict[Hashable, list[int]] = defaultdict(list)
    for i in old_left:
        k = old_key(old[i])
        if k is not None and old_text[i]:
            groups_old[k].append(i)
    groups_new: dict[Hashable, list[int]] = defaultdict(list)
    for j in new_left:
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
