"""The one data model of a unit workbook (单位廉政风险防控工作簿), as the spec defines it.

Field names are the spec's English YAML keys. Reading a file never raises: a value that could
not be read is reported as a finding by the reader and left as ``None`` here, so every rule
must treat ``None`` as "already reported" rather than as a fresh problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from copy import deepcopy
from datetime import date
from functools import cached_property, partial
from typing import Annotated, Any, ClassVar, Self

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints

from lianfang.findings import Location
from lianfang.i18n import current_lang, tr
from lianfang.model.source import Origin, Source
from lianfang.model.vocab import (
    AlertAction,
    AlertChannel,
    AlertGrade,
    Disposition,
    FlowKind,
    FoundBy,
    InstitutionKind,
    MeasureStatus,
    Phase,
    PostTier,
    PowerKind,
    PowerLevel,
    ReviewStatus,
    RiskCategory,
    RiskLevel,
    UnitStatus,
)

ID_PATTERN = r"^[A-Za-z0-9_.\-]{1,32}$"
ID_RE = re.compile(ID_PATTERN)
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
Text = Annotated[str, StringConstraints(min_length=1)]

# A 下一环节 item: a step ID, optionally followed by a condition in () or （）.
_NEXT_RE = re.compile(r"^\s*([^()（）\s]+)\s*(?:[(（]\s*(.*?)\s*[)）])?\s*$")


def parse_next(item: str) -> tuple[str, str | None]:
    """``"3(同意)"`` → ``("3", "同意")``; ``"5"`` → ``("5", None)``."""
    m = _NEXT_RE.match(item)
    if not m:
        return item.strip(), None
    return m.group(1), (m.group(2) or None)


def format_next(step: str, condition: str | None) -> str:
    return f"{step}({condition})" if condition else step


_new = object.__new__
_tuple_new = tuple.__new__
# BaseModel's own slots, set through their descriptors (cheaper than object.__setattr__ by name)
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__
_set = object.__setattr__


def _takes_no_data(factory: Any) -> bool:
    """A default factory known to take no arguments: a builtin collection or a model class."""
    return factory in (list, dict, set) or (isinstance(factory, type) and issubclass(factory, BaseModel))


class _Layout:
    """What ``Record.trusted`` needs to know of a model class, worked out once per class:
    its field names in order, and how to fill in a field left out (pydantic's own
    ``get_default`` inspects the factory's signature on every call)."""

    __slots__ = ("names", "all_set", "defaults")

    def __init__(self, cls: type[BaseModel]):
        fields = cls.model_fields
        self.names = tuple(fields)
        # One fields-set shared by every record that has all its fields: pydantic only ever adds
        # a field name to it (on assignment), and every name is in it already.
        self.all_set = set(fields)
        self.defaults: dict[str, tuple[Any, Any]] = {}  # name -> (default, factory or None)
        for name, info in fields.items():
            factory = info.default_factory
            # (asking pydantic inspects the factory's signature: 3 ms the first time, for list)
            if factory is not None and not _takes_no_data(factory) and info.default_factory_takes_validated_data:
                raise TypeError(f"{cls.__name__}.{name}: a default factory taking data is not supported")
            default = info.default
            if factory is None and isinstance(default, list | dict | set):
                factory = partial(deepcopy, default)  # as pydantic copies a mutable default
            self.defaults[name] = (default, factory)

    def default(self, name: str) -> Any:
        value, factory = self.defaults[name]
        return factory() if factory is not None else value


_LAYOUTS: dict[type, _Layout] = {}


def _layout(cls: type) -> _Layout:
    layout = _LAYOUTS.get(cls)
    if layout is None:
        layout = _LAYOUTS[cls] = _Layout(cls)
    return layout


class Record(BaseModel):
    """One row of a table; remembers where it came from."""

    model_config = ConfigDict(extra="forbid", use_enum_values=False, populate_by_name=True, defer_build=True)
    _source: Source | None = PrivateAttr(default=None)

    # the spec's table key, set on each subclass, and what a message calls one record of it
    table: ClassVar[str] = ""
    noun_zh: ClassVar[str] = ""
    noun_en: ClassVar[str] = ""

    @property
    def label(self) -> str:
        """How every output names this record: its ID, or, when the ID could not be read, its
        table and place (``风险点（第 12 行）``; in YAML the line). Never "None"."""
        ident = self.__dict__.get("id")
        if ident is not None:
            return ident
        return tr("{n}{w}", "{n} {w}", n=self.noun_zh if current_lang() != "en" else self.noun_en, w=self._where())

    @property
    def mention(self) -> str:
        """The label as a message uses it after the table's noun (``风险点 {o} …``): the ID, or
        only the place (``（第 12 行）``) so the noun is not said twice."""
        ident = self.__dict__.get("id")
        return ident if ident is not None else self._where()

    def _where(self) -> str:
        source = self.source
        if source is not None and source.line is not None:
            return tr("（第 {n} 行）", "(line {n})", n=source.line)
        if source is not None and source.row is not None:
            return tr("（第 {n} 行）", "(row {n})", n=source.row)
        return tr("（编号无法读取）", "(ID unreadable)")

    def loc(self, field_name: str | None = None) -> Location:
        """Where ``field_name`` of this record is in its file (empty when built in memory)."""
        private = self.__pydantic_private__  # as ``source`` does, without the property call
        source = private.get("_source") if private else None
        if source is None:
            return Location()
        if source.rows is None and source.line is None:  # Source.at's common case, one call fewer per finding
            # the tuple made directly: a rule may ask tens of thousands of times
            return _tuple_new(Location, (source.sheet, source.row, source.columns.get(field_name) if field_name else None, None, None))
        return source.at(field_name)

    @property
    def source(self) -> Source | None:
        # read the private attribute directly: pydantic's __getattr__ route is ~40x slower, and
        # rules ask once per finding
        private = self.__pydantic_private__
        return private.get("_source") if private else None

    def unreadable(self, field_name: str) -> bool:
        """True when the reader could not read ``field_name`` (already reported), not merely empty."""
        source = self.source
        return source is not None and field_name in source.unreadable

    @classmethod
    def trusted(cls, values: dict[str, Any], source: Source | None = None) -> Self:
        """A record from values a reader has already checked (``io.values.coerce``), not validated
        a second time: the load hot path. An unreadable value stays None (already reported);
        absent fields get their defaults. The instance is set up exactly as pydantic's own
        ``__setstate__`` restores one."""
        layout = _layout(cls)
        if tuple(values) == layout.names:
            fields_set = layout.all_set
        else:
            fields_set = set(values)
            # pydantic serialises in __dict__ order: keep the fields' order, fill in defaults
            values = {n: values[n] if n in values else layout.default(n) for n in layout.names}
        record = _new(cls)
        _set(record, "__dict__", values)
        _set_fields_set(record, fields_set)
        _set_extra(record, None)
        _set_private(record, {"_source": source})
        return record

    @classmethod
    def trusted_rows(cls, names: tuple[str, ...], rows: Iterable[Sequence[Any]], sources: Iterable[Source]) -> list[Self]:
        """``trusted()`` for a whole table: one record per row of values (in the order of
        ``names``) and its Source, without a call per record. ``names`` must be the model's
        first fields in order; the rest get their defaults."""
        layout = _layout(cls)
        model_names = layout.names
        if names != model_names[:len(names)]:
            return [cls.trusted(dict(zip(names, row, strict=True)), source) for row, source in zip(rows, sources, strict=True)]
        rest = [(n, *layout.defaults[n]) for n in model_names[len(names):]]
        fields_set = layout.all_set if not rest else set(names)
        out = []
        append = out.append
        for row, source in zip(rows, sources, strict=True):
            values = dict(zip(names, row, strict=True))
            for n, value, factory in rest:
                values[n] = factory() if factory is not None else value
            record = _new(cls)  # set up as trusted() does
            _set(record, "__dict__", values)
            _set_fields_set(record, fields_set if not rest else set(fields_set))
            _set_extra(record, None)
            _set_private(record, {"_source": source})
            append(record)
        return out


class Criteria(BaseModel):
    """The unit's written criteria for each risk level (对划分标准作出说明)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True, defer_build=True)

    high: str | None = Field(default=None, validation_alias=AliasChoices("高", "high"), serialization_alias="高")
    medium: str | None = Field(default=None, validation_alias=AliasChoices("中", "medium"), serialization_alias="中")
    low: str | None = Field(default=None, validation_alias=AliasChoices("低", "low"), serialization_alias="低")

    def of(self, level: RiskLevel) -> str | None:
        return {RiskLevel.HIGH: self.high, RiskLevel.MEDIUM: self.medium, RiskLevel.LOW: self.low}[level]


class Unit(Record):
    """单位信息: who the workbook is about."""

    table: ClassVar[str] = "unit"

    name: Text
    code: Id
    parent: str | None = None
    year: int
    contact: str | None = None
    phone: str | None = None
    status: UnitStatus
    confirmed_by: str | None = None
    confirmed_on: date | None = None
    criteria: Criteria = Field(default_factory=Criteria)


class Post(Record):
    """岗位: a post, in one of the three tiers the seed names."""

    table: ClassVar[str] = "posts"
    noun_zh: ClassVar[str] = "岗位"
    noun_en: ClassVar[str] = "post"

    id: Id
    name: Text
    department: Text
    tier: PostTier
    holders: list[str] = Field(default_factory=list)
    since: date | None = None
    key: bool = False
    note: str | None = None


class PowerItem(Record):
    """职权目录: one power, with its content, handling body and legal basis."""

    table: ClassVar[str] = "powers"
    noun_zh: ClassVar[str] = "职权"
    noun_en: ClassVar[str] = "power"

    id: Id
    name: Text
    kind: PowerKind | None = None
    content: Text
    level: PowerLevel
    subject: Text
    posts: list[Id] = Field(default_factory=list)
    basis: Text
    procedure: str | None = None
    time_limit: str | None = None
    disposition: Disposition = Disposition.KEEP
    note: str | None = None

    @property
    def kept(self) -> bool:
        return self.disposition in (Disposition.KEEP, Disposition.ADJUST)


class RiskPoint(Record):
    """风险点: one integrity risk point found on a power or a post."""

    table: ClassVar[str] = "risks"
    noun_zh: ClassVar[str] = "风险点"
    noun_en: ClassVar[str] = "risk point"

    id: Id
    power: Id | None = None
    post: Id | None = None
    category: RiskCategory
    description: Text
    level: RiskLevel
    found_by: list[FoundBy] = Field(default_factory=list)
    review: ReviewStatus = ReviewStatus.PENDING
    review_note: str | None = None
    note: str | None = None


class Measure(Record):
    """防控措施: one prevention measure answering exactly one risk point (一对一)."""

    table: ClassVar[str] = "measures"
    noun_zh: ClassVar[str] = "措施"
    noun_en: ClassVar[str] = "measure"

    id: Id
    risk: Id
    phase: Phase
    description: Text
    owner: Text
    due: date | str | None = None
    status: MeasureStatus = MeasureStatus.TODO
    note: str | None = None


class Step(Record):
    """流程环节: one step of a power-operation flow (a box on the chart)."""

    table: ClassVar[str] = "steps"
    noun_zh: ClassVar[str] = "环节"
    noun_en: ClassVar[str] = "step"

    id: Id
    name: Text
    actor: Text
    time_limit: str | None = None
    next: list[str] = Field(default_factory=list)
    risks: list[Id] = Field(default_factory=list)
    note: str | None = None

    @property
    def transitions(self) -> list[tuple[str, str | None]]:
        """``next`` as (step ID, condition) pairs."""
        return [parse_next(item) for item in self.next]

    @property
    def is_end(self) -> bool:
        return not self.next


class Flow(Record):
    """流程: a power-operation flow, external (for the applicant) or internal."""

    table: ClassVar[str] = "flows"
    noun_zh: ClassVar[str] = "流程"
    noun_en: ClassVar[str] = "flow"

    id: Id
    power: Id
    kind: FlowKind
    name: str | None = None
    subject: str | None = None
    basis: str | None = None
    materials: list[str] = Field(default_factory=list)
    supervision: list[str] = Field(default_factory=list)
    place: str | None = None
    phone: str | None = None
    fee: str | None = None
    note: str | None = None
    steps: list[Step] = Field(default_factory=list)


class Institution(Record):
    """制度: a rule or system built, revised or repealed to answer risk points."""

    table: ClassVar[str] = "institutions"
    noun_zh: ClassVar[str] = "制度"
    noun_en: ClassVar[str] = "institution"

    id: Id
    name: Text
    kind: InstitutionKind
    issued_on: date | None = None
    risks: list[Id] = Field(default_factory=list)
    file: str | None = None
    note: str | None = None


class Alert(Record):
    """预警处置: one warning raised on a risk point and how it was handled."""

    table: ClassVar[str] = "alerts"
    noun_zh: ClassVar[str] = "预警"
    noun_en: ClassVar[str] = "alert"

    id: Id
    date: date
    grade: AlertGrade | None = None
    risk: Id
    channel: AlertChannel
    action: AlertAction | None = None
    detail: Text
    result: str | None = None
    note: str | None = None


TABLES: dict[str, type[Record]] = {
    "posts": Post,
    "powers": PowerItem,
    "risks": RiskPoint,
    "measures": Measure,
    "flows": Flow,
    "institutions": Institution,
    "alerts": Alert,
}


class Workbook(BaseModel):
    """One unit's workbook for one year: the root of the model."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
    _origin: Origin = PrivateAttr(default_factory=Origin)

    unit: Unit
    posts: list[Post] = Field(default_factory=list)
    powers: list[PowerItem] = Field(default_factory=list)
    risks: list[RiskPoint] = Field(default_factory=list)
    measures: list[Measure] = Field(default_factory=list)
    flows: list[Flow] = Field(default_factory=list)
    institutions: list[Institution] = Field(default_factory=list)
    alerts: list[Alert] = Field(default_factory=list)

    @property
    def origin(self) -> Origin:
        return self._origin

    @property
    def code(self) -> str | None:
        return self.unit.code if self.unit is not None else None

    # -- lookups used by rules and renderers (first occurrence wins on duplicate IDs) --

    @cached_property
    def posts_by_id(self) -> dict[str, Post]:
        return _first_by_id(self.posts)

    @cached_property
    def powers_by_id(self) -> dict[str, PowerItem]:
        return _first_by_id(self.powers)

    @cached_property
    def risks_by_id(self) -> dict[str, RiskPoint]:
        return _first_by_id(self.risks)

    @cached_property
    def flows_by_id(self) -> dict[str, Flow]:
        return _first_by_id(self.flows)

    @cached_property
    def measures_by_risk(self) -> dict[str, list[Measure]]:
        return _group_by(self.measures, "risk")

    @cached_property
    def risks_by_power(self) -> dict[str, list[RiskPoint]]:
        return _group_by(self.risks, "power")

    @cached_property
    def flows_by_power(self) -> dict[str, list[Flow]]:
        return _group_by(self.flows, "power")

    def uncovered_risks(self) -> list[RiskPoint]:
        """Risk points no measure answers (the one-to-one rule, 一对一)."""
        answered = self.measures_by_risk
        return [r for r in self.risks if r.id is not None and r.id not in answered]

    def to_data(self) -> dict[str, Any]:
        """The YAML shape: English keys, canonical Chinese values, defaults left out."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


def _group_by(records, field_name: str) -> dict:
    """Records by the value of ``field_name`` (None left out), each list in file order."""
    out: dict = {}
    for r in records:
        k = getattr(r, field_name)
        if k is not None:
            group = out.get(k)
            if group is None:
                out[k] = [r]
            else:
                group.append(r)
    return out


def _first_by_id(records) -> dict:
    out: dict = {}
    for r in records:
        if r.id is not None and r.id not in out:
            out[r.id] = r
    return out
