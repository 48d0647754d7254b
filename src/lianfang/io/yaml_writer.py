"""Writing a unit workbook as YAML, in the spec's shape, readable and stable for diffs.

Keys come in the field order of ``io/format.py``; values equal to their default (保留, 待审核,
未落实, 否, empty lists) are left out; steps nest under their flow; ``criteria`` is ``{高, 中, 低}``.
A row is one ``{…}`` line when it is short and has no line break, a block mapping otherwise;
text with line breaks is a literal block (``|``). Any text that a YAML 1.1 or 1.2 reader would take
for something else (``007``, ``yes``, ``on``, ``1.0``, ``2012-07-01``, ``null``) is double-quoted.
The same model always gives the same bytes.

The bytes are ruamel.yaml's (round-trip dumper, the settings of ``_yaml``): that is what every
YAML workbook written so far holds. ruamel's pure-Python emitter takes ~110 ms for an example unit,
a third of ``lianfang convert unit.xlsx -`` (git textconv runs it per file), so ``dump_yaml`` writes
the same bytes itself: this document has one fixed shape, and only scalars need ruamel's decisions
(``_analyze`` and ``_render_text`` follow its ``Emitter.analyze_scalar`` and
``choose_scalar_style``). What that shape does not cover — a line long enough for ruamel to fold
(past its width of 4096), an empty text, a value of another type — is handed to ruamel itself.
tests/test_yaml_writer.py holds the two to the same bytes over every example and generated workbooks.
"""

from __future__ import annotations

import io
import re
import sys
import unicodedata
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from lianfang.i18n import tr
from lianfang.io.atomic import atomic_path
from lianfang.io.format import BOOL, STEPS, TABLE_SPECS, UNIT, FieldSpec, TableSpec
from lianfang.model.vocab import Vocab
from lianfang.model.workbook import Workbook
from lianfang.speed import gc_paused

SCHEMA_COMMENT = "# yaml-language-server: $schema=lianfang-unit.schema.json"
# a row is written as one {…} line when it is at most this wide (a CJK character counts 2)
FLOW_WIDTH = 120
_STR = "tag:yaml.org,2002:str"
_CRITERIA = (("criteria.high", "高"), ("criteria.medium", "中"), ("criteria.low", "低"))
# line breaks other than LF, and characters YAML cannot print, only survive escaped in "…" (the
# complement of TAB, LF, \x20-\x7e, \xa0-\u2027, \u202a-\ud7ff, \ue000-\ufefe, \uff00-\ufffd and the
# astral planes; a class of the few excluded ranges compiles in a fraction of the time)
_NOT_PLAIN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
_TOP_KEY = re.compile(r"^[a-z]+:", re.MULTILINE)

# The implicit types of YAML 1.1 and 1.2 as ruamel.yaml resolves them (ruamel/yaml/resolver.py,
# ``implicit_resolvers``): a regular expression and the first characters it can match. Copied so
# writing needs no ruamel; tests/test_yaml_writer.py checks them against ruamel's own resolvers.
_IMPLICIT = tuple((pattern, first) for pattern, first in (
    (r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$", "yYnNtTfFoO"),
    (r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
        |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""", "-+0123456789."),  # 1.2 float
    (r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
        |\.[0-9_]+(?:[eE][-+][0-9]+)?
        |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""", "-+0123456789."),  # 1.1 float, with sexagesimal
    (r"""^(?:[-+]?0b[0-1_]+
        |[-+]?0o?[0-7_]+
        |[-+]?[0-9_]+
        |[-+]?0x[0-9a-fA-F_]+)$""", "-+0123456789"),  # 1.2 int
    (r"""^(?:[-+]?0b[0-1_]+
        |[-+]?0?[0-7_]+
        |[-+]?(?:0|[1-9][0-9_]*)
        |[-+]?0x[0-9a-fA-F_]+
        |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$""", "-+0123456789"),  # 1.1 int, with sexagesimal
    (r"^(?:<<)$", "<"),  # merge
    (r"^(?: ~ |null|Null|NULL | )$", "~nN"),  # null (also the empty text)
    (r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
        |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
        (?:[Tt]|[ \t]+)[0-9][0-9]?
        :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
        (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""", "0123456789"),  # timestamp
    (r"^(?:=)$", "="),  # value
    (r"^(?:!|&|\*)$", "!&*"),  # yaml
))
_IMPLICIT_FIRST = frozenset("".join(first for _, first in _IMPLICIT))


@lru_cache(maxsize=1)
def _implicit() -> tuple[tuple[re.Pattern[str], str], ...]:
    """The implicit types, compiled when a text first needs them (most never do)."""
    return tuple((re.compile(pattern, re.X), first) for pattern, first in _IMPLICIT)


@lru_cache(maxsize=4096)
def _is_ambiguous(text: str) -> bool:
    """True when a plain ``text`` would not read back as a string in YAML 1.1 or 1.2."""
    if not text:
        return True  # null
    first = text[0]
    if first not in _IMPLICIT_FIRST:
        return False  # every implicit type (number, bool, null, date, merge…) starts with one of these
    return any(first in chars and pattern.match(text) for pattern, chars in _implicit())


# -- model → plain values ------------------------------------------------------------------


class _Map(dict):
    """A mapping of the document, written as one ``{…}`` line when ``flow``."""

    __slots__ = ("flow",)

    def __init__(self, *args: Any, flow: bool | None = None):
        super().__init__(*args)
        self.flow = flow  # None: ruamel's default (block)


class _Seq(list):
    """A sequence of the document, written as one ``[…]`` line when ``flow``."""

    __slots__ = ("flow",)

    def __init__(self, items: Iterable[Any] = (), flow: bool | None = None):
        super().__init__(items)
        self.flow = flow  # None: ruamel's default (block)


def _scalar(value: Any) -> Any:
    if isinstance(value, Vocab):
        return value.value
    if isinstance(value, bool | int | date):
        return value
    return str(value)


def _is_default(spec: FieldSpec, value: Any) -> bool:
    if value is None or value == "" or value == []:
        return True
    if spec.kind == BOOL:
        return value is False or value == (spec.default or False)
    return spec.default is not None and value == spec.default


def _value(spec: FieldSpec, value: Any) -> Any:
    if spec.is_list:
        return _Seq((_scalar(x) for x in value), flow=True)
    return _scalar(value)


def _row(spec: TableSpec, record: Any, skip: Iterable[str] = ()) -> _Map:
    row = _Map()
    for f in spec.fields:
        if f.key in skip:
            continue
        value = getattr(record, f.key, None)
        if not _is_default(f, value):
            row[f.key] = _value(f, value)
    return row


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _flow_width(row: dict, limit: int) -> int | None:
    """How wide ``row`` is as one ``{…}`` line, or None when it cannot be one (a line break).
    Above ``limit`` the figure is only a lower bound (the row is too wide either way)."""
    total = 2 + 2 * max(len(row) - 1, 0)  # the braces and the ", " between pairs
    texts: list[str] = []
    for key, value in row.items():
        total += 2
        texts.append(key)
        items = value if isinstance(value, list) else [value]
        if isinstance(value, list):
            total += 2 + 2 * max(len(items) - 1, 0)
        for item in items:
            text = item.isoformat() if isinstance(item, date) else str(item).lower() if isinstance(item, bool) else str(item)
            if "\n" in text:
                return None
            texts.append(text)
            if isinstance(item, str) and _is_ambiguous(text):
                total += 2
    chars = sum(map(len, texts))
    if total + chars > limit or total + 2 * chars <= limit:
        return total + chars  # a character is one or two columns wide: the count decides already
    return total + sum(map(_width, texts))


def _set_style(row: _Map, indent: int) -> _Map:
    width = _flow_width(row, FLOW_WIDTH - indent - 2)
    row.flow = width is not None and width + indent + 2 <= FLOW_WIDTH
    return row


def _unit(workbook: Workbook) -> _Map:
    unit = workbook.unit
    out = _Map()
    if unit is None:
        return out
    for f in UNIT.fields:
        if f.key.startswith("criteria."):
            continue
        value = getattr(unit, f.key, None)
        if not _is_default(f, value):
            out[f.key] = _value(f, value)
    criteria = getattr(unit, "criteria", None)
    crit = _Map()
    for key, label in _CRITERIA:
        text = getattr(criteria, key.split(".")[1], None) if criteria is not None else None
        if text:
            crit[label] = str(text)
    if crit:
        out["criteria"] = _set_style(crit, 2) if all(len(v) < 20 for v in crit.values()) else crit
    return out


def _table(spec: TableSpec, records: list[Any]) -> _Seq:
    rows = _Seq()
    for record in records:
        row = _row(spec, record)
        steps = getattr(record, "steps", None) if spec.key == "flows" else None
        if steps:
            row["steps"] = _Seq(_set_style(_row(STEPS, s, skip=("flow",)), 6) for s in steps)
            rows.append(row)  # a flow with steps is always a block
        else:
            rows.append(_set_style(row, 2))
    if not rows:
        rows.flow = True
    return rows


def _document(workbook: Workbook) -> _Map:
    doc = _Map()
    doc["unit"] = _unit(workbook)
    for spec in TABLE_SPECS:
        if spec is UNIT or spec is STEPS:
            continue
        records = getattr(workbook, spec.key) or []
        if records or spec.required:  # an absent optional table reads back as an empty one
            doc[spec.key] = _table(spec, records)
    return doc


# -- writing the document ------------------------------------------------------------------


class _Fallback(Exception):
    """The document holds something ``_emit`` leaves to ruamel.yaml."""


# ruamel folds a line once it passes its width (4096 columns); a line that may come near is
# written by ruamel itself
_LINE_LIMIT = 4000
# text ruamel writes plain in flow and block context alike, and that no YAML reader takes for
# anything but text unless it is one of the implicit types (checked apart): no indicator first, no
# flow indicator, ':', '#' or '?' anywhere, no break or character ruamel would escape, no space at
# either end (ruamel's ``analyze_scalar``, which decides the rest)
_SIMPLE_TEXT = re.compile(
    "(?!---|\\.\\.\\.)[^\x00-\x20#,\\[\\]{}&*!|>'\"%@`?:\\-\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]"
    "[^\x00-\x1f#,\\[\\]{}:?\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]*(?<! )"
)
_BREAKS = "\n\x85\u2028\u2029"
_SPACES_OR_BREAKS = "\0 \t\r\n\x85\u2028\u2029"
# characters ruamel escapes in a double-quoted scalar (allow_unicode), and how
_ESCAPED = re.compile("[\"\\\\\x85\u2028\u2029\ufeff\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_ESCAPES = {"\0": "0", "\x07": "a", "\x08": "b", "\x09": "t", "\x0a": "n", "\x0b": "v", "\x0c": "f",
            "\x0d": "r", "\x1b": "e", '"': '"', "\\": "\\", "\x85": "N", "\u2028": "L", "\u2029": "P"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _ESCAPES:
        return "\\" + _ESCAPES[ch]
    return f"\\x{ord(ch):02X}" if ch <= "\xff" else f"\\u{ord(ch):04X}"


def _double_quoted(text: str) -> str:
    return '"' + _ESCAPED.sub(_escape, text) + '"'


def _analyze(text: str) -> tuple[bool, bool, bool]:
    """ruamel's ``Emitter.analyze_scalar`` for a non-empty ``text`` of one line (allow_unicode,
    YAML 1.2): whether it may be plain in flow and in block context, and single-quoted."""
    block_indicators = flow_indicators = line_breaks = special_characters = False
    leading_space = leading_break = trailing_space = trailing_break = False
    break_space = space_break = False
    if text.startswith(("---", "...")):
        block_indicators = flow_indicators = True
    preceded_by_whitespace = True
    followed_by_whitespace = len(text) == 1 or text[1] in _SPACES_OR_BREAKS
    previous_space = previous_break = False
    last = len(text) - 1
    for index, ch in enumerate(text):
        if index == 0:
            if ch in "#,[]{}&*!|>'\"%@`":
                flow_indicators = block_indicators = True
            if ch in "?:":
                if len(text) == 1:
                    flow_indicators = True
                if followed_by_whitespace:
                    block_indicators = True
            if ch == "-" and followed_by_whitespace:
                flow_indicators = block_indicators = True
        else:
            if ch in ",[]{}":
                flow_indicators = True
            if ch == ":" and followed_by_whitespace:
                flow_indicators = block_indicators = True
            if ch == "#" and preceded_by_whitespace:
                flow_indicators = block_indicators = True
        if ch in _BREAKS:
            line_breaks = True
        if not (ch == "\n" or "\x20" <= ch <= "\x7e"):
            if not ((ch == "\x85" or "\xa0" <= ch <= "\ud7ff" or "\ue000" <= ch <= "\ufffd"
                     or "\U00010000" <= ch <= "\U0010ffff") and ch != "\ufeff"):
                special_characters = True
        if ch == " ":
            if index == 0:
                leading_space = True
            if index == last:
                trailing_space = True
            if previous_break:
                break_space = True
            previous_space, previous_break = True, False
        elif ch in _BREAKS:
            if index == 0:
                leading_break = True
            if index == last:
                trailing_break = True
            if previous_space:
                space_break = True
            previous_space, previous_break = False, True
        else:
            previous_space = previous_break = False
        preceded_by_whitespace = ch in _SPACES_OR_BREAKS
        followed_by_whitespace = index + 2 > last or text[index + 2] in _SPACES_OR_BREAKS
    flow_plain = block_plain = single = True
    if leading_space or leading_break or trailing_space or trailing_break:
        flow_plain = block_plain = False
    if break_space or special_characters or space_break:
        flow_plain = block_plain = single = False
    if line_breaks:
        flow_plain = block_plain = False
    if flow_indicators:
        flow_plain = False
    if block_indicators:
        block_plain = False
    return flow_plain, block_plain, single


def _literal(text: str, indent: int) -> str:
    """A literal block as ruamel writes it: ``|`` with its hints, then the lines at ``indent``
    (an empty line stays empty); ends with a line break."""
    hints = "2" if text[0] in " \n" else ""
    if text[-1] != "\n":
        hints += "-"
    elif len(text) == 1 or text[-2] == "\n":
        hints += "+"
    pad = " " * indent
    lines = (text[:-1] if text[-1] == "\n" else text).split("\n")
    return "|" + hints + "\n" + "".join((pad + line if line else "") + "\n" for line in lines)


def _render_text(text: str, flow: bool, indent: int) -> str:
    """``text`` as ruamel writes it with the style ``_Representer`` asks for."""
    if _NOT_PLAIN_TEXT.search(text):
        return _double_quoted(text)  # escaped: a literal block would change or refuse these characters
    if "\n" in text:
        if not flow:
            return _literal(text, indent)
        return _double_quoted(text)  # no block scalar inside {…} or […]
    if _is_ambiguous(text) or text.startswith(("?", ":")):
        return _double_quoted(text)  # ruamel would write "? x" and ": x" plain, which no parser reads back
    flow_plain, block_plain, single = _analyze(text)
    if flow_plain if flow else block_plain:
        return text
    if "'" in text:
        return _double_quoted(text)
    return "'" + text + "'" if single else _double_quoted(text)


def _key(key: str) -> str:
    """A key of the document (a field's key, 高/中/低): always plain."""
    if _SIMPLE_TEXT.fullmatch(key) and not _is_ambiguous(key):
        return key
    raise _Fallback


def _render(value: Any, flow: bool, indent: int = 0) -> str:
    """One scalar as ruamel writes it in a flow (``{…}``, ``[…]``) or block context; a literal
    block (only in block context, its lines at ``indent``) starts with ``|`` and ends with a break."""
    if value.__class__ is str:
        if _SIMPLE_TEXT.fullmatch(value):
            return _double_quoted(value) if _is_ambiguous(value) else value
        if not value:
            raise _Fallback  # ruamel writes an empty text as nothing at all here
        return _render_text(value, flow, indent)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value.__class__ is int and -10000 < value < 100000:
        return str(value)
    if value.__class__ is date:
        return value.isoformat()
    raise _Fallback


def _flow(value: Any) -> str | None:
    """A ``{…}``, ``[…]``, ``{}`` or ``[]`` as ruamel writes it, or None for a block collection."""
    if isinstance(value, _Map):
        if value and not value.flow:
            return None
        return "{" + ", ".join(_key(k) + ": " + _flow_item(v) for k, v in value.items()) + "}"
    if isinstance(value, _Seq):
        if value and not value.flow:
            return None
        return "[" + ", ".join(_flow_item(v) for v in value) + "]"
    raise _Fallback


def _flow_item(value: Any) -> str:
    if isinstance(value, _Map | _Seq):
        text = _flow(value)
        if text is None:
            raise _Fallback  # a block collection inside a flow one
        return text
    return _render(value, True)


# follows a literal block whose final line breaks are kept (``|+``); adds nothing to the text
_KEPT = ""


def _line(out: list[str], text: str) -> None:
    if len(text) > _LINE_LIMIT:
        raise _Fallback
    out.append(text)


def _block_mapping(out: list[str], mapping: _Map, indent: int, first: str | None = None) -> None:
    """The pairs of ``mapping`` with their keys at column ``indent``; ``first`` starts the first
    line instead of spaces (``- `` of a sequence item)."""
    pad = " " * indent
    for i, (key, value) in enumerate(mapping.items()):
        head = (first if i == 0 and first is not None else pad) + _key(key) + ":"
        if isinstance(value, _Map | _Seq):
            text = _flow(value)
            if text is not None:
                _line(out, f"{head} {text}\n")
            elif isinstance(value, _Map):
                _line(out, head + "\n")
                _block_mapping(out, value, indent + 2)
            else:
                _line(out, head + "\n")
                _block_sequence(out, value, indent + 2)
            continue
        text = _render(value, False, indent=indent + 2)
        if text[0] == "|" and text[-1] == "\n":  # a literal block (other values never end in a break)
            header, body = text.split("\n", 1)
            _line(out, f"{head} {header}\n")
            out.append(body)  # its lines are never folded
            if header.endswith("+"):
                out.append(_KEPT)
        else:
            _line(out, f"{head} {text}\n")


def _block_sequence(out: list[str], items: _Seq, indent: int) -> None:
    """The items of ``items``, each a mapping, with their ``- `` at column ``indent``."""
    dash = " " * indent + "- "
    for item in items:
        if not isinstance(item, _Map):
            raise _Fallback
        text = _flow(item)
        if text is not None:
            _line(out, dash + text + "\n")
        else:
            _block_mapping(out, item, indent + 2, first=dash)


def _emit(doc: _Map) -> str:
    """The document as ruamel writes it, a blank line before each top-level key but the first."""
    out: list[str] = []
    for key, value in doc.items():
        if out:
            out.append("\n")
        _block_mapping(out, _Map({key: value}), 0)
    if out and out[-1] is _KEPT:
        out.append("...\n")  # a document ending in kept line breaks ends with the end marker
    return "".join(out)


# -- ruamel.yaml: the reference writer, and the template's examples -------------------------


@lru_cache(maxsize=1)
def _ruamel_representer() -> type:
    from ruamel.yaml.representer import RoundTripRepresenter

    class _Representer(RoundTripRepresenter):
        def represent_str(self, data: str):  # type: ignore[override]
            style = None
            if _NOT_PLAIN_TEXT.search(data):
                style = '"'  # escaped: a literal block would change or refuse these characters
            elif "\n" in data:
                style = "|"
            elif _is_ambiguous(data) or data.startswith(("?", ":")):
                style = '"'  # ruamel would write "? x" and ": x" plain, which no parser reads back
            return self.represent_scalar(_STR, data, style=style)

    _Representer.add_representer(str, _Representer.represent_str)
    return _Representer


def _yaml() -> Any:
    from ruamel.yaml import YAML

    y = YAML(typ="rt", pure=True)
    y.Representer = _ruamel_representer()
    y.allow_unicode = True
    y.width = 4096  # never fold a long line: diffs stay one line per value
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def _to_ruamel(value: Any) -> Any:
    """The document as ruamel nodes, each collection in its style."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, _Map):
        node: Any = CommentedMap((k, _to_ruamel(v)) for k, v in value.items())
    elif isinstance(value, _Seq):
        node = CommentedSeq(_to_ruamel(v) for v in value)
    elif isinstance(value, dict):
        return {k: _to_ruamel(v) for k, v in value.items()}
    else:
        return value
    if value.flow:
        node.fa.set_flow_style()
    elif value.flow is False:
        node.fa.set_block_style()
    return node


def to_yaml_data(workbook: Workbook) -> Any:
    """The YAML document of ``workbook`` as ruamel nodes, styled for writing."""
    return _to_ruamel(_document(workbook))


def _dump(data: Any) -> str:
    buf = io.StringIO()
    _yaml().dump(_to_ruamel(data), buf)
    return buf.getvalue()


def dump_yaml_ruamel(workbook: Workbook) -> str:
    """``dump_yaml`` by ruamel.yaml's emitter: the reference its bytes are held to."""
    body = _TOP_KEY.sub(lambda m: ("\n" if m.start() else "") + m.group(), _dump(_document(workbook)))
    return f"{SCHEMA_COMMENT}\n{body}"


def dump_yaml(workbook: Workbook) -> str:
    """The YAML text of ``workbook``: deterministic, Chinese as is, the schema comment first."""
    try:
        with gc_paused():  # thousands of small strings, none in a cycle (lianfang/speed.py)
            body = _emit(_document(workbook))
    except _Fallback:
        return dump_yaml_ruamel(workbook)
    return f"{SCHEMA_COMMENT}\n{body}"


def write_yaml(workbook: Workbook, target: str | Path | IO[str], *, force: bool = False,
               inputs: Iterable[Path] = ()) -> None:
    """Write the YAML of ``workbook`` to a path (atomically; an existing file only with
    ``force``), to an open text stream, or to standard output for ``"-"``."""
    text = dump_yaml(workbook)
    write_text(text, target, force=force, inputs=inputs)


def write_text(text: str, target: str | Path | IO[str], *, force: bool = False, inputs: Iterable[Path] = ()) -> None:
    """Write ``text`` as UTF-8 to a path (atomically), an open stream, or ``"-"`` (stdout)."""
    if isinstance(target, str) and target == "-":
        target = sys.stdout
    if hasattr(target, "write"):
        target.write(text)  # type: ignore[union-attr]
        return
    with atomic_path(Path(target), force=force, inputs=inputs) as tmp:  # type: ignore[arg-type]
        tmp.write_bytes(text.encode("utf-8"))


# -- the blank template --------------------------------------------------------------------


def dump_yaml_template(workbook: Workbook, example: Workbook | None = None) -> str:
    """A YAML workbook to fill in: every unit key present with its help as a comment, every
    table empty with a commented example row (taken from ``example``)."""
    lines = [
        SCHEMA_COMMENT,
        tr("# 单位廉政风险防控工作簿（lianfang 工作簿格式 1）。每张表一个键，每行一项；标「必填」的不能为空。",
           "# Unit integrity-risk workbook (lianfang workbook format 1). One key per table, one item per row; 'required' values must not be empty."),
        tr("# 填好后检查：lianfang validate 本文件.yaml；转为 Excel：lianfang convert 本文件.yaml 本文件.xlsx",
           "# Check it with: lianfang validate this.yaml; to Excel: lianfang convert this.yaml this.xlsx"),
        "",
        "unit:",
    ]
    unit_lines: list[tuple[str, str]] = []
    for f in UNIT.fields:
        if f.key.startswith("criteria."):
            continue
        value = getattr(workbook.unit, f.key, None) if workbook.unit is not None else None
        unit_lines.append((f"  {f.key}:" + (f" {_inline(f, value)}" if value is not None else ""), _note(f)))
    unit_lines.append(("  criteria:", tr("风险等级划分标准", "written criteria for each risk level")))
    for key, label in _CRITERIA:
        f = UNIT.by_key[key]
        unit_lines.append((f"    {label}:", _note(f)))
    pad = max(_width(text) for text, _ in unit_lines) + 2
    lines += [text + " " * (pad - _width(text)) + f"# {note}" for text, note in unit_lines]
    for spec in TABLE_SPECS:
        if spec is UNIT or spec is STEPS:
            continue
        lines += ["", f"{spec.key}: []", f"# {spec.sheet}{tr('：', ': ')}{tr(spec.title_zh, spec.title_en)}"]
        sample = (getattr(example, spec.key) or [])[:1] if example is not None else []
        if sample:
            lines.append(tr("# 例如：", "# for example:"))
            text = _dump({spec.key: _table(spec, sample)})
            lines += ["#" + (" " + x if x else "") for x in text.rstrip("\n").split("\n")]
    return "\n".join(lines) + "\n"


def _note(f: FieldSpec) -> str:
    help_text = tr(f.help_zh, f.help_en) if f.help_en else f.help_zh
    note = (tr("必填。", "required. ") if f.required else "") + help_text
    if f.vocab is not None:
        note += tr("；可选：", "; one of: ") + "、".join(f.vocab.choices())
    elif f.example:
        note += tr("，如 ", ", e.g. ") + f.example
    return note


def _inline(f: FieldSpec, value: Any) -> str:
    return _dump({"v": _value(f, value)}).strip()[len("v: "):]
