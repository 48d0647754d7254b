"""From the raw rows a reader found to a ``Workbook``, collecting every problem on the way.

Both readers hand over the same shape (``RawTable`` of ``RawRow``), so LF103–LF105 and LF107 are
decided here once, with the same messages for xlsx and YAML.

A reader returns what it could not read as ``ReadProblem`` data (code, message, location); io
never imports the rule catalogue. ``lianfang.rules.reading.reader_findings`` turns problems into
findings with the rule's name and severity: the check pipeline (``rules.engine.run_rules``) does,
and so do convert and the tests, which read without checking.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from lianfang.findings import NOWHERE, Location
from lianfang.i18n import tr
from lianfang.io.format import STEPS, UNIT, TableSpec
from lianfang.io.values import Problem, as_text, coerce_column, is_blank, normalize_id
from lianfang.model.source import Origin, Source
from lianfang.model.workbook import TABLES, Criteria, Flow, Record, Step, Unit, Workbook

# key of RawRow.values holding the set of fields a reader already reported as unreadable
REPORTED = "\0reported"

# required values whose emptiness a rule reports with its own code (LF401 missing-criteria)
LEFT_TO_RULES = frozenset({"criteria.high", "criteria.medium", "criteria.low"})


@dataclass(slots=True)
class RawRow:
    values: dict[str, Any]
    source: Source
    parent: int | None = None  # YAML steps: index of their flow in the flows table


@dataclass(slots=True)
class RawTable:
    """The raw values of one table, row by row (``rows``, YAML) or column by column (xlsx:
    ``columns`` maps a field to its values, one per row, and ``sources`` holds each row's
    Source; ``reported`` names the fields whose whole column is already reported)."""

    spec: TableSpec
    rows: list[RawRow] = field(default_factory=list)
    present: bool = True
    columns: dict[str, Sequence[Any]] | None = None
    sources: list[Source] = field(default_factory=list)
    reported: frozenset[str] = frozenset()


class ReadProblem(NamedTuple):
    """Something a reader could not read or use: the rule code that names it, the message and
    where (``object``/``field`` as findings.md defines them)."""

    code: str
    message: str
    location: Location = NOWHERE
    object: str | None = None
    field: str | None = None


Problems = list[ReadProblem]


@dataclass
class ReadResult:
    """What reading a file gives: the model of what could be read, and every problem met."""

    workbook: Workbook | None
    problems: list[ReadProblem]
    path: str | None = None

    @property
    def unit_code(self) -> str | None:
        wb = self.workbook
        if wb is None or wb.unit is None:
            return None
        return wb.unit.code


def emit(problems: list, code: str, message: str, at: Location | None = None,
         object: str | None = None, field: str | None = None) -> None:  # noqa: A002
    problems.append(ReadProblem(code, message, at or NOWHERE, object, field))


class Builder:
    def __init__(self, origin: Origin, excel: bool):
        self.origin = origin
        self.excel = excel
        self.findings: Problems = []

    def problem(self, code: str, message: str, at: Location | None = None,
                object: str | None = None, field: str | None = None) -> None:  # noqa: A002
        emit(self.findings, code, message, at, object, field)

    # -- values, column by column --

    def _coerce_columns(self, spec: TableSpec, columns: dict[str, Sequence[Any]], sources: list[Source],
                        reported: dict[str, Collection[int]],
                        skip: dict[str, Collection[int]] | None = None) -> tuple[list[list[Any]], list[tuple[int, int, str, Problem]]]:
        """The model values of every field (in the spec's order), one list per field, and the
        problems met, ordered by row and then field as a row-by-row reading meets them.

        ``reported``: rows whose field a reader already reported (None, unreadable, no finding);
        ``skip``: rows whose field is not read at all (None, no finding).
        """
        n = len(sources)
        excel = self.excel
        out: list[list[Any]] = []
        problems: list[tuple[int, int, str, Problem]] = []
        for fi, f in enumerate(spec.fields):
            key = f.key
            gone = reported.get(key, ())
            skipped = skip.get(key, ()) if skip else ()
            if len(gone) + len(skipped) >= n and (not gone or not skipped):
                values: list[Any] = [None] * n  # the whole column is reported, or not read
                found: list[tuple[int, Problem]] = []
            else:
                raws = columns.get(key)
                values, found = coerce_column(f, [None] * n if raws is None else raws, excel=excel)
            for i in gone:
                values[i] = None
                if i not in skipped:
                    sources[i].mark_unreadable(key)
            for i in skipped:
                values[i] = None
            for i, p in found:
                if i in gone or i in skipped or (p.code == "LF103" and key in LEFT_TO_RULES):
                    continue
                sources[i].mark_unreadable(key)
                problems.append((i, fi, key, p))
            out.append(values)
        problems.sort(key=lambda t: (t[0], t[1]))
        return out, problems

    def _report(self, problem: tuple[int, int, str, Problem], source: Source, object_id: str | None) -> None:
        _, _, key, p = problem
        self.problem(p.code, p.message, source.at(key), object_id, key.split(".")[0])

    @staticmethod
    def _columns(raw: RawTable) -> tuple[dict[str, Sequence[Any]], list[Source], dict[str, Collection[int]]]:
        """A table's values column by column, whichever way the reader handed them over."""
        if raw.columns is not None:
            every = range(len(raw.sources))
            return raw.columns, raw.sources, dict.fromkeys(raw.reported, every)
        rows = raw.rows
        columns = {f.key: [r.values.get(f.key) for r in rows] for f in raw.spec.fields}
        reported: dict[str, Any] = {}
        for i, r in enumerate(rows):
            for key in r.values.get(REPORTED, ()):
                reported.setdefault(key, set()).add(i)
        return columns, [r.source for r in rows], reported

    def _coerce_row(self, spec: TableSpec, row: RawRow, object_id: str | None) -> tuple[dict[str, Any], bool]:
        """One record's values (the unit's), reported as they are read, and whether every
        value could be read."""
        columns, sources, reported = self._columns(RawTable(spec, [row]))
        values, problems = self._coerce_columns(spec, columns, sources, reported)
        for problem in problems:
            self._report(problem, row.source, object_id)
        return {f.key: v[0] for f, v in zip(spec.fields, values, strict=True)}, not row.source.unreadable

    @staticmethod
    def _object_id(spec: TableSpec, raw: Any) -> str | None:
        """The ID a finding names, from the raw ID cell."""
        if raw.__class__ is str:
            return normalize_id(raw.strip()) or None
        return None if is_blank(raw) else as_text(raw)

    # -- tables --

    def unit(self, row: RawRow | None) -> Unit:
        if row is None:
            values = dict.fromkeys(Unit.model_fields)
            values["criteria"] = Criteria()
            return Unit.model_construct(**values)
        values, _ = self._coerce_row(UNIT, row, None)
        criteria = Criteria(high=values.pop("criteria.high"), medium=values.pop("criteria.medium"),
                            low=values.pop("criteria.low"))
        values["criteria"] = criteria
        return Unit.trusted(values, row.source)

    def table(self, raw: RawTable) -> list[Record]:
        spec = raw.spec
        cls = TABLES[spec.key]
        columns, sources, reported = self._columns(raw)
        values, problems = self._coerce_columns(spec, columns, sources, reported)
        if problems:
            ids = columns.get(spec.id_field) or [None] * len(sources)
            for problem in problems:
                i = problem[0]
                self._report(problem, sources[i], self._object_id(spec, ids[i]))
        # coerce() has checked every value, so pydantic need not check them again (a third of
        # the load time); what could not be read stays None (already reported)
        names = tuple(f.key for f in spec.fields)
        out = cls.trusted_rows(names, zip(*values, strict=True), sources)
        self._duplicates(spec, out, values[names.index(spec.id_field)])
        return out

    def steps(self, raw: RawTable, flows: list[Flow]) -> None:
        """Attach each step to its flow (by 流程编号 in xlsx, by nesting in YAML)."""
        by_id: dict[str, Flow] = {}
        for f in flows:
            if f.id is not None:
                by_id.setdefault(f.id, f)
        columns, sources, reported = self._columns(raw)
        parents = [r.parent for r in raw.rows] if raw.columns is None else [None] * len(sources)
        # a step nested under its flow (YAML) takes the flow from there: its 流程编号 is not read
        nested = {i for i, p in enumerate(parents) if p is not None}
        values, problems = self._coerce_columns(STEPS, columns, sources, reported, {"flow": nested})
        names = tuple(f.key for f in STEPS.fields)
        fi_flow = names.index("flow")
        flow_values = values[fi_flow]
        step_names = names[:fi_flow] + names[fi_flow + 1:]
        step_values = values[:fi_flow] + values[fi_flow + 1:]
        raw_ids = columns.get("id") or [None] * len(sources)
        raw_flows = columns.get("flow") or [None] * len(sources)
        steps = Step.trusted_rows(step_names, zip(*step_values, strict=True), sources)
        pending = 0
        steps_of: dict[int, list[Step]] = {}
        for i, (source, step) in enumerate(zip(sources, steps, strict=True)):
            if parents[i] is not None:
                flow = flows[parents[i]]
                flow_id = flow.id
            else:
                flow_id = flow_values[i]
                flow = by_id.get(flow_id) if flow_id is not None else None
            if (pending < len(problems) and problems[pending][0] == i) or (flow is None and flow_id is not None):
                # a step's findings name it FLOW/STEP (findings.md)
                step_id = self._object_id(STEPS, raw_ids[i])
                if parents[i] is not None:
                    object_id = f"{flow_id}/{step_id}" if flow_id and step_id else None
                else:
                    raw_flow = raw_flows[i]
                    object_id = f"{as_text(raw_flow)}/{step_id}" if not is_blank(raw_flow) and step_id else None
                while pending < len(problems) and problems[pending][0] == i:
                    self._report(problems[pending], source, object_id)
                    pending += 1
                if flow is None and flow_id is not None:
                    self.problem("LF206", tr("流程环节所属的流程「{f}」不存在", "step belongs to flow {f!r}, which does not exist", f=flow_id),
                                 source.at("flow"), f"{flow_id}/{step_id}" if step_id else None, "flow")
            if flow is not None:
                steps_of.setdefault(id(flow), []).append(step)  # type: ignore[arg-type]
        for f in flows:
            f.steps = steps_of.get(id(f), [])
            self._duplicates(STEPS, f.steps, [s.id for s in f.steps], prefix=f"{f.id}/")

    def _duplicates(self, spec: TableSpec, records: list[Record], ids: list[str | None], prefix: str = "") -> None:
        """LF107 for every record whose ID (``ids``, one per record) an earlier one has."""
        if len(set(ids)) == len(ids) - max(ids.count(None) - 1, 0):
            return  # no ID twice (the usual case, decided without a loop in Python)
        first: dict[str, Record] = {}
        for r, k in zip(records, ids, strict=True):
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
                   excel: bool, findings: Problems) -> Workbook:
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
