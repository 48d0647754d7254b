"""The .xlsx twins of the example units hold exactly what their YAML holds.

Regenerate a twin after editing its YAML:
``lianfang convert examples/units/X.yaml examples/units/X.xlsx --force``; the Excel 97–2003
twin (format 1.1) from that: ``soffice --headless --convert-to xls --outdir examples/units
examples/units/X.xlsx``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lianfang.findings import flatten
from lianfang.io.reader import read_workbook
from lianfang.io.xlsx_reader import read_xlsx
from lianfang.io.yaml_reader import read_yaml

UNITS = Path(__file__).resolve().parent.parent / "examples" / "units"
YAMLS = sorted(UNITS.glob("*.yaml"))
XLSXS = sorted(UNITS.glob("*.xlsx"))
XLSS = sorted(UNITS.glob("*.xls"))


def test_every_example_has_its_twin():
    assert YAMLS, "no example units"
    assert [p.stem for p in XLSXS] == [p.stem for p in YAMLS]


@pytest.mark.parametrize("path", YAMLS, ids=[p.stem for p in YAMLS])
def test_xlsx_twin_is_in_sync_with_the_yaml(path):
    twin = path.with_suffix(".xlsx")
    from_yaml = read_yaml(path)
    from_xlsx = read_xlsx(twin)
    assert flatten(from_yaml.findings, "code", "message") == []
    assert flatten(from_xlsx.findings, "code", "message") == []
    assert from_xlsx.workbook.to_data() == from_yaml.workbook.to_data(), (
        f"{twin.name} is out of date: lianfang convert {path} {twin} --force"
    )


def test_there_is_an_xls_twin():
    assert XLSS, "no .xls example (format 1.1 reads Excel 97–2003 files)"
    assert {p.stem for p in XLSS} <= {p.stem for p in YAMLS}


@pytest.mark.parametrize("path", XLSS, ids=[p.stem for p in XLSS])
def test_xls_twin_is_in_sync_with_the_yaml(path):
    from_xls = read_workbook(path)
    assert flatten(from_xls.findings, "code", "message") == []
    assert from_xls.workbook.to_data() == read_yaml(path.with_suffix(".yaml")).workbook.to_data(), (
        f"{path.name} is out of date: soffice --headless --convert-to xls --outdir {path.parent} {path.with_suffix('.xlsx')}"
    )
