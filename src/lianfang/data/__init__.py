"""The workbooks lianfang ships: a blank one to fill in, and a complete worked example."""

from __future__ import annotations

from datetime import date
from importlib.resources import files

from lianfang.model.vocab import UnitStatus
from lianfang.model.workbook import Criteria, Unit, Workbook

EXAMPLE = "example.yaml"


def blank_workbook(year: int | None = None) -> Workbook:
    """An empty workbook to fill in: a draft (草稿) for ``year`` (this year by default)."""
    unit = Unit.model_construct(
        name=None, code=None, parent=None, year=year or date.today().year, contact=None, phone=None,
        status=UnitStatus.DRAFT, confirmed_by=None, confirmed_on=None, criteria=Criteria(),
    )
    return Workbook.model_construct(unit=unit, posts=[], powers=[], risks=[], measures=[], flows=[],
                                    institutions=[], alerts=[])


def example_text() -> bytes:
    return files(__name__).joinpath(EXAMPLE).read_bytes()


def example_workbook() -> Workbook:
    """The bundled example unit (a township health centre), as read from its YAML."""
    from lianfang.io.yaml_reader import read_yaml

    result = read_yaml(EXAMPLE, data=example_text())
    if result.workbook is None or result.problems:  # pragma: no cover - guarded by tests
        raise RuntimeError(f"the bundled {EXAMPLE} does not read cleanly: {result.problems}")
    return result.workbook
