"""From the raw rows a reader found to a ``Workbook``, collecting every problem on the way.

Both readers hand over the same shape (``RawTable`` of ``RawRow``), so LF103–LF105 and LF107 are
decided here once, with the same messages for xlsx and YAML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lianfang.findings import Finding, Location
from lianfang.i18n import tr
from lianfang.io.format import ENUM, ID, STEPS, TEXT, UNIT, TableSpec
from lianfang.io.values import Problem, as_text, coerce, is_blank
from lianfang.model.source import Origin, Source
from lianfang.model.workbook import ID_RE, TABLES, Criteria, Flow, Record, Step, Unit, Workbook
from lianfang.rules.base import REGISTRY

# key of RawRow.values holding the set of fields a reader already reported as unreadable
REPORTED = "\0reported"
# kinds whose text cells _coerce_row reads without calling coerce() (the load hot path)
_SHORTCUT_KINDS = frozenset({TEXT, ID, ENUM})
_PLANS: dict[tuple[str, tuple[str, ...]], tuple[tuple, ...]] = {}


def _plan(spec: TableSpec, skip: tuple[str, ...]) -> tuple[tuple, ...]:
    """What _coerce_row needs of each field, looked up once per table rather than per cell."""
    plan = _PLANS.get((spec.key, skip))
    if plan is None:
        plan = _PLANS[(spec.key, skip)] = tuple(
            (f.key, f, f.kind if f.kind in _SHORTCUT_KINDS else None, f.required, f.is_list, f.default)
            for f in spec.fields if f.key not in skip)
    return plan

# required values whose emptiness a rule reports with its own code (LF401 missing-criteria)
LEFT_TO_RULES = frozenset({"criteria.high", "criteria.medium", "criteria.low"})


@dataclass(slots=True)
class RawRow:
    values: dict[str, Any]
    source: Source
    parent: int | None = None  # YAML steps: index of their flow in the flows table


@dataclass(slots=True)
class RawTable:
    spec: TableSpec
    rows: list[RawRow] = field(default_factory=list)
    present: bool = True


@dataclass
class ReadResult:
    """What reading a file gives: the model of what could be read, and every problem met."""

    workbook: Workbook | None
    findings: list[Finding]
    path: str | None = None

    @property
    def unit_code(self) -> str | None:
        wb = self.workbook
        if wb is None or wb.unit is None:
            return None
        return wb.unit.code


def emit(findings: list[Finding], code: str, message: str, at: Location | None = None,
         object: str | None = None, field: str | None = None) -> None:  # noqa: A002
    findings.append(REGISTRY.get(code).finding(message, at=at, object=object, field=field))


class Builder:
    def __init__(self, origin: Origin, excel: bool):
        self.origin = origin
        self.excel = excel
        self.findings: list[Finding] = []

    def problem(self, code: str, message: str, at: Location | None = None,
                object: str | None = None, field: str | None = None) -> None:  # noqa: A002
        emit(self.findings, code, message, at, object, field)

    # -- one record --

    def _coerce_row(self, spec: TableSpec, row: RawRow, object_id: str | None,
                    skip: tuple[str, ...] = ()) -> tuple[dict[str, Any], bool]:
        values: dict[str, Any] = {}
        ok = True
        raw_values = row.values
        excel = self.excel
        reported = raw_values.get(REPORTED, ())
        for key, f, shortcut, required, is_list, default in _plan(spec, skip):
            if reported and key in reported:
                values[key] = None
                row.source.unreadable.add(key)
                ok = False
                continue
            # shortcuts for the load hot path, giving what coerce() gives
            raw = raw_values.get(key)
            if raw is None:
                if not required:
                    values[key] = [] if is_list else default
                    continue
            elif shortcut and raw.__class__ is str:
                text = raw.strip()
                if text:
                    if shortcut == TEXT or (shortcut == ID and ID_RE.match(text)):
                        values[key] = text
                        continue
                    if shortcut == ENUM and (member := f.vocab.parse(text)) is not None:
                        values[key] = member
                        continue
            try:
                values[f.key] = coerce(f, raw, excel=excel)
            except Problem as p:
                values[f.key] = None
                if p.code == "LF103" and f.key in LEFT_TO_RULES:
                    continue
                ok = False
                row.source.unreadable.add(f.key)
                self.problem(p.code, p.message, row.source.at(f.key), object_id, f.key.split(".")[0])
        return values, ok

    def _record(self, cls: type[Record], values: dict[str, Any], ok: bool, source: Source) -> Record:
        # coerce() has checked every value, so pydantic need not check them again (a third of
        # the load time); what could not be read stays None (already reported)
        return cls.trusted(values, source)

    @staticmethod
    def _object_id(spec: TableSpec, row: RawRow) -> str | None:
        raw = row.values.get(spec.id_field)
        if raw.__class__ is str:
            return raw.strip() or None
        return None if is_blank(raw) else as_text(raw)

    # -- tables --

    def unit(self, row: RawRow | None) -> Unit:
        if row is None:
            values = dict.fromkeys(Unit.model_fields)
            values["criteria"] = Criteria()
            return Unit.model_construct(**values)
        values, ok = self._coerce_row(UNIT, row, None)
        criteria = Criteria(high=values.pop("criteria.high"), medium=values.pop("criteria.medium"),
                            low=values.pop("criteria.low"))
        values["criteria"] = criteria
        unit = self._record(Unit, values, ok, row.source)
        return unit  # type: ignore[return-value]

    def table(self, raw: RawTable) -> list[Record]:
        cls = TABLES[raw.spec.key]
        out: list[Record] = []
        for row in raw.rows:
            object_id = self._object_id(raw.spec, row)
            values, ok = self._coerce_row(raw.spec, row, object_id)
            out.append(self._record(cls, values, ok, row.source))
        self._duplicates(raw.spec, out, lambda r: r.id)
        return out

    def steps(self, raw: RawTable, flows: list[Flow]) -> None:
        """Attach each step to its flow (by 流程编号 in xlsx, by nesting in YAML)."""
        by_id: dict[str, Flow] = {}
        for f in flows:
            if f.id is not None:
                by_id.setdefault(f.id, f)
        steps_of: dict[int, list[Step]] = {}
        for row in raw.rows:
            # a step's findings name it FLOW/STEP (findings.md)
            step_id = self._object_id(STEPS, row)
            if row.parent is not None:
                flow = flows[row.parent]
                flow_id = flow.id
                object_id = f"{flow_id}/{step_id}" if flow_id and step_id else None
                values, ok = self._coerce_row(STEPS, row, object_id, skip=("flow",))
            else:
                raw_flow = row.values.get("flow")
                object_id = f"{as_text(raw_flow)}/{step_id}" if not is_blank(raw_flow) and step_id else None
                values, ok = self._coerce_row(STEPS, row, object_id)
                flow_id = values.pop("flow")
                flow = by_id.get(flow_id) if flow_id is not None else None
                if flow is None and flow_id is not None:
                    step_text = as_text(row.values.get("id"))
                    self.problem("LF206", tr("流程环节所属的流程「{f}」不存在", "step belongs to flow {f!r}, which does not exist", f=flow_id),
                                 row.source.at("flow"), f"{flow_id}/{step_text}", "flow")
            values.pop("flow", None)
            step = self._record(Step, values, ok, row.source)
            if flow is not None:
                steps_of.setdefault(id(flow), []).append(step)  # type: ignore[arg-type]
        for f in flows:
            f.steps = steps_of.get(id(f), [])
            self._duplicates(STEPS, f.steps, lambda s: s.id, prefix=f"{f.id}/")

    def _duplicates(self, spec: TableSpec, records: list[Record], key, prefix: str = "") -> None:
        first: dict[str, Record] = {}
        for r in records:
            k = key(r)
            if k is None:
                continue
            if k in first:
                where = first[k].loc(spec.id_field).describe() or "?"
                self.problem("LF107", tr("「{h}」{v} 重复，第一次出现在 {w}", "{h} ({k}) {v} is repeated; first at {w}",
                                         h=spec.id_header, k=spec.id_field, v=k, w=where),
                             r.loc(spec.id_field), f"{prefix}{k}", spec.id_field)
            else:
                first[k] = r


def build_workbook(origin: Origin, unit_row: RawRow | None, tables: dict[str, RawTable],
                   excel: bool, findings: list[Finding]) -> Workbook:
    """Assemble the workbook; problems are appended to ``findings``."""
    b = Builder(origin, excel)
    unit = b.unit(unit_row)
    data: dict[str, list[Record]] = {}
    for key in TABLES:
        raw = tables.get(key)
        data[key] = b.table(raw) if raw is not None else []
    steps = tables.get("steps")
    if steps is not None:
        b.steps(steps, data["flows"])  # type: ignore[arg-type]
    wb = Workbook.model_construct(unit=unit, **data)
    wb._origin = origin
    findings.extend(b.findings)
    return wb
