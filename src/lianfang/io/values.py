"""Turning one raw cell or YAML value into the model's value, or into a problem.

Shared by the xlsx and YAML readers so both accept exactly the same spellings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from lianfang.i18n import tr
from lianfang.io.format import (
    BOOL,
    DATE,
    DUE,
    ENUM,
    ENUMS,
    ID,
    IDS,
    LIST,
    NEXT,
    TEXT,
    YEAR,
    FieldSpec,
)
from lianfang.model.workbook import ID_PATTERN, ID_RE, format_next, parse_next

LIST_SEPARATORS = re.compile(r"[、,，;；\r\n]+")
_DATE_TEXT = (
    re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$"),
)
_TRUE = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "✔"})
_FALSE = frozenset({"否", "n", "no", "false", "0", "×", "✗", "✘"})
# hyphen-like dashes an ID may be typed with (NFKC leaves these alone): all read as "-"
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"))
_ID_MAX = 32
EXCEL_EPOCH = date(1899, 12, 30)
# the largest serial Excel accepts (9999-12-31)
_MAX_SERIAL = 2958465


class Problem(Exception):
    """A value that could not be read: the rule code and the message."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def label(spec: FieldSpec) -> str:
    return spec.header


def is_blank(raw: Any) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    if isinstance(raw, list | tuple):
        return all(is_blank(x) for x in raw)
    return False


def as_text(raw: Any) -> str:
    """Any cell value as the text a person sees in it."""
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, float):
        if raw.is_integer():
            return str(int(raw))
        return repr(raw)
    if isinstance(raw, datetime):
        if raw.time() == datetime.min.time():
            return raw.date().isoformat()
        return raw.isoformat(sep=" ")
    if isinstance(raw, date):
        return raw.isoformat()
    if isinstance(raw, timedelta):
        return str(raw)
    return str(raw).strip()


def split_list(raw: Any) -> list[str]:
    """A list cell: items separated by 、 , ， ; ； or line breaks; a YAML list item by item."""
    if isinstance(raw, list | tuple):
        items: list[str] = []
        for x in raw:
            if isinstance(x, list | tuple | dict):
                raise Problem("LF105", "")
            items.append(as_text(x))
        return [x for x in items if x]
    return [x.strip() for x in LIST_SEPARATORS.split(as_text(raw)) if x.strip()]


def read_date(raw: Any, excel: bool) -> date | None:
    """A date from a date cell, an Excel serial number (xlsx only) or date text."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        # a date cell whose number format the reader did not know (e.g. East-Asian built-ins)
        if excel and 1 <= raw <= _MAX_SERIAL:
            return EXCEL_EPOCH + timedelta(days=int(raw))
        return None
    text = as_text(raw)
    for pattern in _DATE_TEXT:
        m = pattern.match(text)
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
    return None


def coerce(spec: FieldSpec, raw: Any, *, excel: bool = False) -> Any:
    """The model value of ``raw`` for field ``spec``; None when blank; raises ``Problem``."""
    if is_blank(raw):
        if spec.required:
            raise Problem("LF103", tr("必填项「{h}」为空", "required value {h} ({k}) is empty",
                                      h=spec.header, k=spec.key))
        return spec.default if not spec.is_list else []
    kind = spec.kind
    if kind == "text":
        if isinstance(raw, list | dict):
            raise Problem("LF105", tr("「{h}」应为文字，不能是列表或映射", "{h} ({k}) must be text, not a list or mapping",
                                      h=spec.header, k=spec.key))
        return as_text(raw)
    if kind == ID:
        return _id(spec, raw)
    if kind == ENUM:
        member = spec.vocab.parse(as_text(raw)) if not isinstance(raw, list | dict) else None
        if member is None:
            raise _bad_enum(spec, raw)
        return member
    if kind in (IDS, LIST, ENUMS, NEXT):
        try:
            items = split_list(raw)
        except Problem:
            raise Problem("LF105", tr("「{h}」的列表项必须是文字", "items of {h} ({k}) must be text",
                                      h=spec.header, k=spec.key)) from None
        if kind == LIST:
            return items
        if kind == IDS:
            return [_id(spec, x) for x in items]
        if kind == NEXT:
            # the step ID is read as an ID; the rest of the item (a condition in () or （）) is
            # kept exactly as written
            out = []
            for x in items:
                target, _condition = parse_next(x)
                out.append(_id(spec, target) + x[len(target):] if x.startswith(target) else format_next(_id(spec, target), _condition))
            return out
        members = []
        for x in items:
            member = spec.vocab.parse(x)
            if member is None:
                raise _bad_enum(spec, x)
            members.append(member)
        return members
    if kind == DATE:
        d = read_date(raw, excel)
        if d is None:
            raise _bad_date(spec, raw)
        return d
    if kind == DUE:
        d = read_date(raw, excel) if not isinstance(raw, int | float) or excel else None
        return d if d is not None else as_text(raw)
    if kind == BOOL:
        if isinstance(raw, bool):
            return raw
        text = as_text(raw).casefold()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise Problem("LF105", tr("「{h}」的值「{v}」应为 是 或 否（也可写 Y/N、true/false、1/0、√/×；留空为否）",
                                  "{h} ({k}): {v!r} is not a boolean (是/否, Y/N, true/false, 1/0, √/×; empty is 否)",
                                  h=spec.header, k=spec.key, v=as_text(raw)))
    if kind == YEAR:
        text = as_text(raw).removesuffix("年")
        if not isinstance(raw, bool) and re.fullmatch(r"\d{4}", text):
            return int(text)
        raise Problem("LF105", tr("「{h}」的值「{v}」应为四位年份，如 2026", "{h} ({k}): {v!r} is not a four-digit year",
                                  h=spec.header, k=spec.key, v=as_text(raw)))
    raise AssertionError(kind)  # pragma: no cover - every kind is handled above


_SLOW = object()  # a cell coerce_column's shortcut did not take
_MEMO_TYPES = frozenset({str, type(None), int, float, bool})
_id_match = ID_RE.match
_ID_ITEM = ID_PATTERN.removeprefix("^").removesuffix("$")
_ID_LINES = re.compile(f"{_ID_ITEM}(?:\n{_ID_ITEM})*")  # IDs, one a line


def coerce_column(spec: FieldSpec, raws: Sequence[Any], *, excel: bool = False) -> tuple[list[Any], list[tuple[int, Problem]]]:
    """``coerce()`` over a whole column: the model values (None where a value could not be read)
    and the problems with the index of their value.

    The load hot path: plain text, ID and date cells take a shortcut, and every other text or
    empty cell is passed to ``coerce()`` once per distinct value (enumerations repeat a handful of
    words down a column). ``coerce()`` stays the one definition of what a value means; a property
    test checks that this gives exactly what it gives, value by value.
    """
    kind = spec.kind
    if kind == TEXT:
        out = [s if v.__class__ is str and (s := v.strip()) else _SLOW for v in raws]
    elif kind == ID:
        out = [v.strip() if v.__class__ is str else _SLOW for v in raws]
        # one regular-expression pass over the whole column when every cell is an ID (the usual case)
        joined = "\n".join(out) if _SLOW not in out else ""
        if not (joined and joined.count("\n") == len(out) - 1 and _ID_LINES.fullmatch(joined)):
            out = [s if v.__class__ is str and _id_match(s := v.strip()) else _SLOW for v in raws]
    elif kind == DATE or kind == DUE:
        out = [v if v.__class__ is date else _SLOW for v in raws]
    else:
        # a value per distinct text; problems and dates are left to the loop below
        plain = {}
        for text in {v for v in raws if v.__class__ is str}:
            try:
                plain[text] = coerce(spec, text, excel=excel)
            except Problem:
                pass
        if spec.is_list:  # every record gets a list of its own
            out = [p.copy() if v.__class__ is str and (p := plain.get(v)) is not None else _SLOW for v in raws]
        else:
            out = [plain.get(v, _SLOW) if v.__class__ is str else _SLOW for v in raws]
    problems: list[tuple[int, Problem]] = []
    if _SLOW not in out:
        return out, problems
    # (type, value) -> value or Problem: the type is in the key because 1 == 1.0 == True;
    # only text, None and numbers are remembered (a list or a dict does not hash)
    memo: dict[tuple[type, Any], Any] = {}
    for i in range(out.index(_SLOW), len(out)):
        if out[i] is not _SLOW:
            continue
        raw = raws[i]
        cls = raw.__class__
        key = (cls, raw) if cls in _MEMO_TYPES else None
        result = memo.get(key, _SLOW) if key is not None else _SLOW
        if result is _SLOW:
            try:
                result = coerce(spec, raw, excel=excel)
            except Problem as p:
                result = p
            if key is not None and not isinstance(result, date):
                memo[key] = result  # not a date: one object in two records shows as an alias in YAML
        if result.__class__ is Problem:
            problems.append((i, result))
            out[i] = None
        else:
            out[i] = result.copy() if result.__class__ is list else result
    return out, problems


def normalize_id(text: str) -> str:
    """An ID or code as read (format 1.1): Unicode NFKC (full-width ``ＦＸ０４`` is ``FX04``) and
    every hyphen-like dash as ``-``, so ``ＦＸ－04`` and ``FX–04`` are ``FX-04``."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKC", text).translate(_DASHES).strip()


def _id(spec: FieldSpec, raw: Any) -> str:
    written = as_text(raw)
    text = normalize_id(written)
    if not ID_RE.match(text):
        raise Problem("LF105", _id_problem(spec, written, text))
    return text


def _id_problem(spec: FieldSpec, written: str, text: str) -> str:
    """What exactly is wrong with an ID: too long, a space inside, or which character."""
    h, k = spec.header, spec.key
    if len(text) > _ID_MAX:
        return tr("「{h}」的值「{v}」有 {n} 个字符，编号最多 {m} 个字符", "{h} ({k}): {v!r} has {n} characters; an ID has at most {m}",
                  h=h, k=k, v=written, n=len(text), m=_ID_MAX)
    if any(c.isspace() for c in text):
        return tr("「{h}」的值「{v}」中间有空格：编号不能含空格（如 FX-01）", "{h} ({k}): {v!r} has a space inside; an ID has none (e.g. FX-01)",
                  h=h, k=k, v=written)
    bad = next((c for c in text if not ID_RE.match(c)), "")
    return tr("「{h}」的值「{v}」含有不允许的字符「{c}」：编号只能由字母、数字、-、_、. 组成（1–{m} 位）",
              "{h} ({k}): {v!r} holds the character {c!r}, which an ID may not; use letters, digits, - _ . (1–{m})",
              h=h, k=k, v=written, c=bad, m=_ID_MAX)


def _bad_date(spec: FieldSpec, raw: Any) -> Problem:
    """A date that does not read: a form that is not accepted, or a day that does not exist."""
    text = as_text(raw)
    forms = tr("可写 Excel 日期，或 2012-07-01、2012/7/1、2012.7.1、2012年7月1日", "write an Excel date, or 2012-07-01, 2012/7/1, 2012.7.1, 2012年7月1日")
    if any(p.match(text) for p in _DATE_TEXT):
        return Problem("LF105", tr("「{h}」的值「{v}」不是存在的日期（月或日超出范围）", "{h} ({k}): {v!r} is not a day that exists (month or day out of range)",
                                   h=spec.header, k=spec.key, v=text))
    return Problem("LF105", tr("「{h}」的值「{v}」不是日期：{f}", "{h} ({k}): {v!r} is not a date: {f}",
                               h=spec.header, k=spec.key, v=text, f=forms))


def _bad_enum(spec: FieldSpec, raw: Any) -> Problem:
    choices = "、".join(spec.vocab.choices())
    text = as_text(raw) if not isinstance(raw, list | dict) else str(raw)
    message = tr("「{h}」的值「{v}」不在可选范围内，可选：{c}", "{h} ({k}): {v!r} is not one of: {c}",
                 h=spec.header, k=spec.key, v=text, c=choices)
    guess = _guess_member(spec, text) if not isinstance(raw, list | dict) else None
    if guess is not None:
        message += tr("（是否应为「{g}」？）", " (did you mean {g!r}?)", g=guess)
    return Problem("LF104", message)


def _guess_member(spec: FieldSpec, text: str) -> str | None:
    """The one choice this value holds or is part of, by its Chinese name or alias (``高风险点``
    → 高, ``事前预防阶段`` → 前期预防), None when there is no such choice or more than one."""
    folded = re.sub(r"[\s\u3000]+", "", text).casefold()
    if not folded:
        return None
    names = {m.value: m.value for m in spec.vocab}
    names.update((alias, value) for alias, value in spec.vocab.aliases().items() if len(alias) >= 2 and not alias.isascii())
    hits = {value for name, value in names.items() if name.casefold() in folded or folded in name.casefold()}
    return hits.pop() if len(hits) == 1 else None
