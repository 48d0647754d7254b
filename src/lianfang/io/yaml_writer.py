"""Writing a unit workbook as YAML, in the spec's shape, readable and stable for diffs.

Keys come in the field order of ``io/format.py``; values equal to their default (保留, 待审核,
未落实, 否, empty lists) are left out; steps nest under their flow; ``criteria`` is ``{高, 中, 低}``.
A row is one ``{…}`` line when it is short and has no line break, a block mapping otherwise;
text with line breaks is a literal block (``|``). Any text that a YAML 1.1 or 1.2 reader would take
for something else (``007``, ``yes``, ``on``, ``1.0``, ``2012-07-01``, ``null``) is double-quoted.
The same model always gives the same bytes.
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

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.resolver import VersionedResolver

from lianfang.i18n import tr
from lianfang.io.atomic import atomic_path
from lianfang.io.format import BOOL, STEPS, TABLE_SPECS, UNIT, FieldSpec, TableSpec
from lianfang.model.vocab import Vocab
from lianfang.model.workbook import Workbook

SCHEMA_COMMENT = "# yaml-language-server: $schema=lianfang-unit.schema.json"
# a row is written as one {…} line when it is at most this wide (a CJK character counts 2)
FLOW_WIDTH = 120
_STR = "tag:yaml.org,2002:str"
_RESOLVERS = (VersionedResolver(version=(1, 1)), VersionedResolver(version=(1, 2)))
_CRITERIA = (("criteria.high", "高"), ("criteria.medium", "中"), ("criteria.low", "低"))
# line breaks other than LF, and characters YAML cannot print, only survive escaped in "…"
_NOT_PLAIN_TEXT = re.compile("[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_TOP_KEY = re.compile(r"^[a-z]+:", re.MULTILINE)


@lru_cache(maxsize=4096)
def _is_ambiguous(text: str) -> bool:
    """True when a plain ``text`` would not read back as a string in YAML 1.1 or 1.2."""
    if not text[:1].isascii():
        return False  # every implicit type (number, bool, null, date, merge…) starts with ASCII
    return any(r.resolve(ScalarNode, text, (True, False)) != _STR for r in _RESOLVERS)


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


def _yaml() -> YAML:
    y = YAML(typ="rt", pure=True)
    y.Representer = _Representer
    y.allow_unicode = True
    y.width = 4096  # never fold a long line: diffs stay one line per value
    y.indent(mapping=2, sequence=4, offset=2)
    return y


# -- model → plain values ------------------------------------------------------------------


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
        seq = CommentedSeq(_scalar(x) for x in value)
        seq.fa.set_flow_style()
        return seq
    return _scalar(value)


def _row(spec: TableSpec, record: Any, skip: Iterable[str] = ()) -> CommentedMap:
    row = CommentedMap()
    for f in spec.fields:
        if f.key in skip:
            continue
        value = getattr(record, f.key, None)
        if not _is_default(f, value):
            row[f.key] = _value(f, value)
    return row


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _flow_width(row: CommentedMap) -> int | None:
    """How wide ``row`` is as one ``{…}`` line, or None when it cannot be one (a line break)."""
    total = 2 + 2 * max(len(row) - 1, 0)  # the braces and the ", " between pairs
    for key, value in row.items():
        total += _width(key) + 2
        items = value if isinstance(value, list) else [value]
        if isinstance(value, list):
            total += 2 + 2 * max(len(items) - 1, 0)
        for item in items:
            text = item.isoformat() if isinstance(item, date) else str(item).lower() if isinstance(item, bool) else str(item)
            if "\n" in text:
                return None
            total += _width(text) + (2 if isinstance(item, str) and _is_ambiguous(text) else 0)
    return total


def _set_style(row: CommentedMap, indent: int) -> CommentedMap:
    width = _flow_width(row)
    if width is not None and width + indent + 2 <= FLOW_WIDTH:
        row.fa.set_flow_style()
    else:
        row.fa.set_block_style()
    return row


def _unit(workbook: Workbook) -> CommentedMap:
    unit = workbook.unit
    out = CommentedMap()
    if unit is None:
        return out
    for f in UNIT.fields:
        if f.key.startswith("criteria."):
            continue
        value = getattr(unit, f.key, None)
        if not _is_default(f, value):
            out[f.key] = _value(f, value)
    criteria = getattr(unit, "criteria", None)
    crit = CommentedMap()
    for key, label in _CRITERIA:
        text = getattr(criteria, key.split(".")[1], None) if criteria is not None else None
        if text:
            crit[label] = str(text)
    if crit:
        out["criteria"] = _set_style(crit, 2) if all(len(v) < 20 for v in crit.values()) else crit
    return out


def _table(spec: TableSpec, records: list[Any]) -> CommentedSeq:
    rows = CommentedSeq()
    for record in records:
        row = _row(spec, record)
        steps = getattr(record, "steps", None) if spec.key == "flows" else None
        if steps:
            row["steps"] = CommentedSeq(_set_style(_row(STEPS, s, skip=("flow",)), 6) for s in steps)
            rows.append(row)  # a flow with steps is always a block
        else:
            rows.append(_set_style(row, 2))
    if not rows:
        rows.fa.set_flow_style()
    return rows


def to_yaml_data(workbook: Workbook) -> CommentedMap:
    """The YAML document of ``workbook`` as ruamel nodes, styled for writing."""
    doc = CommentedMap()
    doc["unit"] = _unit(workbook)
    for spec in TABLE_SPECS:
        if spec is UNIT or spec is STEPS:
            continue
        records = getattr(workbook, spec.key) or []
        if records or spec.required:  # an absent optional table reads back as an empty one
            doc[spec.key] = _table(spec, records)
    return doc


def _dump(data: Any) -> str:
    buf = io.StringIO()
    _yaml().dump(data, buf)
    return buf.getvalue()


def dump_yaml(workbook: Workbook) -> str:
    """The YAML text of ``workbook``: deterministic, Chinese as is, the schema comment first."""
    body = _TOP_KEY.sub(lambda m: ("\n" if m.start() else "") + m.group(), _dump(to_yaml_data(workbook)))
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
