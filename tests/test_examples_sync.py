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
from lianfang.rules.reading import reader_findings

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
    assert flatten(reader_findings(from_yaml.problems), "code", "message") == []
    assert flatten(reader_findings(from_xlsx.problems), "code", "message") == []
    assert from_xlsx.workbook.to_data() == from_yaml.workbook.to_data(), (
        f"{twin.name} is out of date: lianfang convert {path} {twin} --force"
    )


# Article numbers confirmed against the law's text (docs/handbook.md, "Legal bases in the examples");
# any other citation in an example names the law only.
VERIFIED_ARTICLES = {
    "中华人民共和国行政许可法": {"第三十二条"},
    "医疗机构管理条例": {"第九条", "第十五条"},
    "事业单位人事管理条例": {"第八条"},
    "中华人民共和国母婴保健法": {"第二十三条"},
    "中华人民共和国行政处罚法": {"第五十八条"},
}
BUNDLED = Path(__file__).resolve().parent.parent / "src" / "lianfang" / "data" / "example.yaml"


@pytest.mark.parametrize("path", [*YAMLS, BUNDLED], ids=[*(p.stem for p in YAMLS), "bundled"])
def test_legal_bases_cite_only_verified_articles(path):
    import re

    text = path.read_text(encoding="utf-8")
    cited = re.findall(r"《([^》]+)》((?:第[零一二三四五六七八九十百]+条、?)+)", text)
    for law, articles in cited:
        for article in re.findall(r"第[零一二三四五六七八九十百]+条", articles):
            assert article in VERIFIED_ARTICLES.get(law, set()), f"{path.name}: 《{law}》{article} is not verified"


def test_there_is_an_xls_twin():
    assert XLSS, "no .xls example (format 1.1 reads Excel 97–2003 files)"
    assert {p.stem for p in XLSS} <= {p.stem for p in YAMLS}


@pytest.mark.parametrize("path", XLSS, ids=[p.stem for p in XLSS])
def test_xls_twin_is_in_sync_with_the_yaml(path):
    from_xls = read_workbook(path)
    assert flatten(reader_findings(from_xls.problems), "code", "message") == []
    assert from_xls.workbook.to_data() == read_yaml(path.with_suffix(".yaml")).workbook.to_data(), (
        f"{path.name} is out of date: soffice --headless --convert-to xls --outdir {path.parent} {path.with_suffix('.xlsx')}"
    )
