"""Reading a YAML unit workbook.

The text is only *composed* into a node tree, never constructed into Python objects, so no tag
is ever honoured: a tagged value such as ``!!python/object/apply`` is reported and ignored. Every
scalar is taken as the text written, which keeps ``007`` as ``007`` and lets the same value rules
serve YAML and Excel. Line and column are kept for every key and value.

Composing is done by libyaml (C, through PyYAML's binding) when it is there: ten times faster
than ruamel.yaml's pure-Python composer, so a YAML unit reads about as fast as its xlsx twin. A
first pass over libyaml's events counts nodes and nesting against the hostile-file limits before
the C composer (which recurses) sees the text. Whatever libyaml refuses, or a text whose line
numbers YAML 1.1 counts differently (NEL, U+2028/2029), goes to ruamel.yaml's composer, which
keeps its own bounds and gives the messages of the first version.
"""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node

from lianfang.findings import Location
from lianfang.i18n import tr
from lianfang.io.build import REPORTED, Problems, RawRow, RawTable, ReadResult, build_workbook, emit
from lianfang.io.encoding import EncodingProblem, decode_text
from lianfang.io.format import (
    STEPS,
    TABLE_SPECS,
    UNIT,
    TableSpec,
    lookalike_table,
    match_field,
    match_table,
)
from lianfang.model.source import Origin, Source

# Hard limits against hostile files (alias bombs, absurd nesting). ruamel's pure-Python composer
# needs about 60 µs and 500 bytes per node, so the node count bounds time and memory; the
# examples have about 4,000 nodes and 60 KB.
MAX_NODES = 2_000_000  # values visited while reading, aliases expanded
MAX_COMPOSED_NODES = 250_000  # nodes in the document (about 20,000 rows; 15 s, 150 MB)
MAX_DEPTH = 64
MAX_BYTES = 8 * 1024 * 1024  # comments cost time too (about 2.5 s per MB)

_NULL_TAG = "tag:yaml.org,2002:null"
_STANDARD_TAGS = frozenset(
    "tag:yaml.org,2002:" + t
    for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp", "binary", "omap", "set")
)


class _TooLarge(Exception):
    pass


class _BoundedComposer(Composer):
    """Stops composing at MAX_COMPOSED_NODES nodes or MAX_DEPTH levels, before memory runs out."""

    nodes = 0

    def compose_node(self, parent, index):
        self.nodes += 1
        if self.nodes > MAX_COMPOSED_NODES or self.depth >= MAX_DEPTH:
            raise _TooLarge
        return super().compose_node(parent, index)


_NOT_COMPOSED = object()  # libyaml is not there, or left the text to ruamel.yaml
# YAML 1.1 (libyaml) counts these as line breaks, YAML 1.2 (ruamel.yaml) does not
_OTHER_BREAKS = ("\x85", "\u2028", "\u2029")


def _compose_with_libyaml(text: str):
    """The root node composed by libyaml, ``_NOT_COMPOSED`` when ruamel.yaml must do it (libyaml
    missing, or it refused the text: ruamel.yaml then gives the message), ``_TooLarge`` past
    the limits. The nodes have what the walker uses: ``id``, ``tag``, ``value``, ``style``,
    ``start_mark``."""
    try:
        import yaml as pyyaml
    except ImportError:  # pragma: no cover - PyYAML is a dependency
        return _NOT_COMPOSED
    if not pyyaml.__with_libyaml__ or any(c in text for c in _OTHER_BREAKS):
        return _NOT_COMPOSED
    node_events = (pyyaml.ScalarEvent, pyyaml.AliasEvent)
    opening = (pyyaml.SequenceStartEvent, pyyaml.MappingStartEvent)
    closing = (pyyaml.SequenceEndEvent, pyyaml.MappingEndEvent)
    # first pass: the events only, bounded as _BoundedComposer bounds ruamel.yaml's composer
    loader = pyyaml.CSafeLoader(text)
    try:
        nodes = depth = 0
        while (event := loader.get_event()) is not None:
            cls = event.__class__
            if cls in node_events or cls in opening:
                nodes += 1
                if nodes > MAX_COMPOSED_NODES or depth >= MAX_DEPTH:
                    raise _TooLarge
                if cls in opening:
                    depth += 1
            elif cls in closing:
                depth -= 1
    except pyyaml.YAMLError:
        return _NOT_COMPOSED
    finally:
        loader.dispose()
    loader = pyyaml.CSafeLoader(text)
    try:
        return loader.get_single_node()
    except pyyaml.YAMLError:
        return _NOT_COMPOSED
    finally:
        loader.dispose()


# what a tagged value reads as: reported once (LF105), then treated as absent
TAGGED = object()


def _pos(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Walker:
    """Turns nodes into raw values, counting nodes so alias bombs stop early."""

    def __init__(self, findings: Problems):
        self.findings = findings
        self.count = 0

    def tick(self, depth: int) -> None:
        self.count += 1
        if self.count > MAX_NODES or depth > MAX_DEPTH:
            raise _TooLarge

    def value(self, node: Node, depth: int = 0):
        """A raw value: text, None, list of raw values, or a nested mapping as dict."""
        self.tick(depth)
        if self._tagged(node):
            return TAGGED
        if node.id == "scalar":
            if node.tag == _NULL_TAG and not node.style:
                return None
            return node.value
        if node.id == "sequence":
            items = [self.value(n, depth + 1) for n in node.value]
            return [x for x in items if x is not TAGGED]
        if node.id == "mapping":
            return {self.key(k): self.value(v, depth + 1) for k, v in node.value}
        return None  # pragma: no cover

    def key(self, node: Node) -> str:
        if node.id == "scalar":
            return str(node.value)
        return ""

    def _tagged(self, node: Node) -> bool:
        tag = getattr(node, "tag", None)
        tag = getattr(tag, "value", tag)  # ruamel wraps tags in a Tag object
        if tag and str(tag) not in _STANDARD_TAGS:
            line, col = _pos(node)
            emit(self.findings, "LF105", tr("不允许使用 YAML 标签 {t}，该值已忽略", "YAML tag {t} is not allowed; the value is ignored", t=tag),
                 Location(line=line, col=col))
            return True
        return False

    def pairs(self, node: MappingNode, depth: int, what: str):
        """(key, key node, value node) of a mapping; a repeated key is LF107 and skipped."""
        seen: dict[str, tuple[int, int]] = {}
        for k, v in node.value:
            self.tick(depth)
            key = self.key(k)
            if key in seen:
                line, col = _pos(k)
                emit(self.findings, "LF107", tr("{w}中的键「{k}」重复，第一次出现在第 {l} 行", "key {k!r} of {w} is repeated; first at line {l}",
                                                w=what, k=key, l=seen[key][0]),
                     Location(line=line, col=col))
                continue
            seen[key] = _pos(k)
            yield key, k, v


def read_yaml(path: str | Path, data: bytes | None = None) -> ReadResult:
    """Read a YAML workbook; never raises for a bad file."""
    path = Path(path)
    findings: Problems = []

    def unreadable(message: str, line: int | None = None, col: int | None = None) -> ReadResult:
        loc = Location(line=line, col=col) if line else Location()
        emit(findings, "LF100", message, loc)
        return ReadResult(None, findings, str(path))

    if data is None:
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:
                return unreadable(tr("文件过大（{n} 字节，上限 {m} 字节）", "file too large ({n} bytes, limit {m})", n=size, m=MAX_BYTES))
            data = path.read_bytes()
        except OSError as e:
            return unreadable(tr("无法打开文件：{e}", "cannot open the file: {e}", e=e.strerror or e))
    if len(data) > MAX_BYTES:
        return unreadable(tr("文件过大（{n} 字节，上限 {m} 字节）", "file too large ({n} bytes, limit {m})", n=len(data), m=MAX_BYTES))
    try:
        text = decode_text(data)
    except EncodingProblem as e:
        return unreadable(str(e))
    if not text.strip():
        return unreadable(tr("文件为空", "the file is empty"))
    try:
        root = _compose_with_libyaml(text)
        if root is _NOT_COMPOSED:
            yaml = YAML(typ="rt", pure=True)
            yaml.Composer = _BoundedComposer
            root = yaml.compose(text)
    except _TooLarge:
        return unreadable(tr("YAML 结构过大或嵌套过深（超过 {n} 个节点或 {d} 层）",
                             "the YAML is too large or too deeply nested (over {n} nodes or {d} levels)",
                             n=MAX_COMPOSED_NODES, d=MAX_DEPTH))
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        return unreadable(tr("不是有效的 YAML：{p}", "not valid YAML: {p}", p=e.problem or e.context or e), line, col)
    except (YAMLError, RecursionError, ValueError) as e:
        return unreadable(tr("不是有效的 YAML：{p}", "not valid YAML: {p}", p=e))
    if root is None:
        return unreadable(tr("文件为空", "the file is empty"))
    if root.id != "mapping":
        line, col = _pos(root)
        return unreadable(tr("顶层应为映射（unit、posts、powers…），实际是{k}", "the top level must be a mapping (unit, posts, powers, …), not a {k}",
                             k=tr("列表", "list") if root.id == "sequence" else tr("单个值", "scalar")), line, col)

    walker = _Walker(findings)
    origin = Origin(path=str(path), format="yaml")
    tables: dict[str, RawTable] = {}
    unit_row: RawRow | None = None
    lookalikes: dict[str, str] = {}  # table key -> the top-level key that looks like it
    try:
        for key, knode, vnode in walker.pairs(root, 0, tr("顶层", "the top level")):
            spec = match_table(key)
            if spec is None:
                line, col = _pos(knode)
                alike = lookalike_table(key, english=False)
                if alike is None:
                    emit(findings, "LF106", tr("未知的顶层键「{k}」，已忽略", "unknown top-level key {k!r}, ignored", k=key), Location(line=line, col=col))
                else:
                    emit(findings, "LF106", tr("未知的顶层键「{k}」，已忽略：是否应为「{t}」（{s}）？", "unknown top-level key {k!r}, ignored: was it meant to be {t!r} ({s})?",
                                               k=key, t=alike.key, s=alike.sheet), Location(line=line, col=col))
                    lookalikes.setdefault(alike.key, key)
                continue
            origin.tables[spec.key] = _pos(knode)
            origin.sheets[spec.key] = key
            if spec is UNIT:
                unit_row = _unit(walker, vnode)
            else:
                _table(walker, spec, vnode, tables)
    except _TooLarge:
        return unreadable(tr("YAML 结构过大或嵌套过深（超过 {n} 个节点或 {d} 层），可能是别名炸弹",
                             "the YAML is too large or too deeply nested (over {n} nodes or {d} levels): an alias bomb?",
                             n=MAX_NODES, d=MAX_DEPTH))

    for spec in TABLE_SPECS:
        if spec.required and spec.key not in origin.tables:
            if spec.key in lookalikes:
                emit(findings, "LF101", tr("缺少必需的顶层键「{k}」（{s}）；有一个顶层键「{o}」，是否就是它？",
                                           "required top-level key {k!r} ({s}) is missing; is the key {o!r} meant to be it?",
                                           k=spec.key, s=spec.sheet, o=lookalikes[spec.key]), Location(line=1, col=1))
            else:
                emit(findings, "LF101", tr("缺少必需的顶层键「{k}」（{s}）", "required top-level key {k!r} ({s}) is missing", k=spec.key, s=spec.sheet),
                     Location(line=1, col=1))
    wb = build_workbook(origin, unit_row, tables, excel=False, findings=findings)
    return ReadResult(wb, findings, str(path))


def _mapping_row(walker: _Walker, spec: TableSpec, node: Node, depth: int, what: str) -> tuple[dict, dict, list[tuple[str, Node]]]:
    """Values and positions of a mapping row, with nested lists left for the caller by name.

    A tagged value is already reported; its field is recorded in ``values[REPORTED]`` so the
    builder does not also call it missing.
    """
    values: dict = {}
    positions: dict[str, tuple[int, int]] = {}
    nested: list[tuple[str, Node]] = []
    unknown: list[tuple[str, Node]] = []
    for key, knode, vnode in walker.pairs(node, depth, what):
        field = match_field(spec, key)
        if field is None:
            if spec.key == "flows" and match_table(key) is STEPS:
                nested.append((key, vnode))
                continue
            if spec is UNIT and key in ("criteria", "风险等级标准", "划分标准"):
                nested.append((key, vnode))
                continue
            unknown.append((key, knode))
            continue
        value = walker.value(vnode, depth + 1)
        positions[field.key] = _pos(vnode)
        if value is TAGGED:
            values.setdefault(REPORTED, set()).add(field.key)
            continue
        values[field.key] = value
    raw_id = values.get(spec.id_field)
    object_id = str(raw_id).strip() if isinstance(raw_id, str) and raw_id.strip() and spec is not UNIT else None
    for key, knode in unknown:
        line, col = _pos(knode)
        emit(walker.findings, "LF106", tr("{w}中未知的键「{k}」，已忽略", "unknown key {k!r} in {w}, ignored", w=what, k=key),
             Location(line=line, col=col), object_id)
    return values, positions, nested


def _unit(walker: _Walker, node: Node) -> RawRow:
    line, col = _pos(node)
    source = Source(line=line, col=col, positions={})
    if node.id != "mapping":
        emit(walker.findings, "LF105", tr("unit 应为映射（name、code、year…）", "unit must be a mapping (name, code, year, …)"), Location(line=line, col=col))
        return RawRow({}, source)
    values, positions, nested = _mapping_row(walker, UNIT, node, 1, tr("单位信息（unit）", "unit"))
    for _key, vnode in nested:
        if vnode.id != "mapping":
            l2, c2 = _pos(vnode)
            emit(walker.findings, "LF105", tr("criteria 应为映射：{{高: …, 中: …, 低: …}}", "criteria must be a mapping: {{高: …, 中: …, 低: …}}"),
                 Location(line=l2, col=c2), None, "criteria")
            continue
        for ckey, cknode, cvnode in walker.pairs(vnode, 2, "criteria"):
            target = {"高": "criteria.high", "high": "criteria.high", "中": "criteria.medium", "medium": "criteria.medium",
                      "低": "criteria.low", "low": "criteria.low"}.get(ckey.strip().lower() if ckey.isascii() else ckey.strip())
            if target is None:
                l2, c2 = _pos(cknode)
                emit(walker.findings, "LF106", tr("criteria 中未知的键「{k}」（应为 高、中、低）", "unknown key {k!r} in criteria (expected 高, 中, 低)", k=ckey),
                     Location(line=l2, col=c2))
                continue
            value = walker.value(cvnode, 3)
            positions[target] = _pos(cvnode)
            if value is TAGGED:
                values.setdefault(REPORTED, set()).add(target)
                continue
            values[target] = value
        positions.setdefault("criteria", _pos(vnode))
    for f in ("criteria.high", "criteria.medium", "criteria.low"):
        if f not in positions and "criteria" in positions:
            positions[f] = positions["criteria"]
    source.positions = positions
    return RawRow(values, source)


def _table(walker: _Walker, spec: TableSpec, node: Node, tables: dict[str, RawTable]) -> None:
    table = tables.setdefault(spec.key, RawTable(spec))
    if node.id == "scalar" and node.tag == _NULL_TAG:
        return  # `measures:` with nothing under it is an empty table
    if not node.id == "sequence":
        line, col = _pos(node)
        emit(walker.findings, "LF105", tr("{k} 应为列表（每项一行）", "{k} must be a list (one item per row)", k=spec.key), Location(line=line, col=col))
        return
    for item in node.value:
        walker.tick(2)
        line, col = _pos(item)
        if item.id != "mapping":
            emit(walker.findings, "LF105", tr("{k} 的每一项应为映射（键: 值）", "each item of {k} must be a mapping (key: value)", k=spec.key),
                 Location(line=line, col=col))
            continue
        values, positions, nested = _mapping_row(walker, spec, item, 2, tr(f"{spec.sheet}（{spec.key}）", spec.key))
        table.rows.append(RawRow(values, Source(line=line, col=col, positions=positions)))
        if nested:
            parent = len(table.rows) - 1
            steps = tables.setdefault("steps", RawTable(STEPS))
            for _key, snode in nested:
                _steps(walker, snode, parent, steps)


def _steps(walker: _Walker, node: Node, parent: int, steps: RawTable) -> None:
    if node.id == "scalar" and node.tag == _NULL_TAG:
        return
    if not node.id == "sequence":
        line, col = _pos(node)
        emit(walker.findings, "LF105", tr("steps 应为列表", "steps must be a list"), Location(line=line, col=col))
        return
    for item in node.value:
        walker.tick(3)
        line, col = _pos(item)
        if item.id != "mapping":
            emit(walker.findings, "LF105", tr("steps 的每一项应为映射", "each step must be a mapping"), Location(line=line, col=col))
            continue
        values, positions, _ = _mapping_row(walker, STEPS, item, 4, tr("流程环节（steps）", "steps"))
        values.pop("flow", None)
        steps.rows.append(RawRow(values, Source(line=line, col=col, positions=positions), parent=parent))
