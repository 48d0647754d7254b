"""The handbook's statistics part carries charts of its own figures, in every format."""

from __future__ import annotations

import zipfile
from pathlib import Path

from tests.conftest import EXAMPLES

from lianfang.handbook.build import BuildOptions, build_handbook


def test_statistics_charts_in_markdown_excel_and_word(tmp_path: Path):
    out = tmp_path / "out"
    result = build_handbook(BuildOptions(target=EXAMPLES / "handbook.yaml", output=out, formats=["md", "xlsx", "docx"]))
    assert result.built
    names = ["levels", "categories", "rates"]
    for name in names:
        assert (out / "charts" / f"statistics-{name}.png").read_bytes()[:4] == b"\x89PNG"
        svg = (out / "charts" / f"statistics-{name}.svg").read_text(encoding="utf-8")
        assert svg.startswith("<svg") and "<script" not in svg
    md = (out / "handbook.md").read_text(encoding="utf-8")
    assert all(f"](charts/statistics-{n}.png)" in md for n in names)
    from openpyxl import load_workbook

    assert "统计图" in load_workbook(out / "handbook.xlsx").sheetnames
    with zipfile.ZipFile(out / "handbook.xlsx") as z:
        assert len([n for n in z.namelist() if n.startswith("xl/media/")]) >= 3
    with zipfile.ZipFile(out / "handbook.docx") as z:
        document = z.read("word/document.xml").decode("utf-8")
    assert all(f'descr="{t}"' in document for t in ("各单位风险点（按等级）", "各单位风险点（按类别）", "覆盖率与措施落实率"))


def test_charts_count_what_the_tables_count(tmp_path: Path):
    from lianfang.board.charts import UnitFigures
    from lianfang.handbook import pictures

    seen: list[list[UnitFigures]] = []

    def record(rows):
        seen.append(rows)
        return []

    import lianfang.board.charts as charts

    original = charts.unit_pictures
    charts.unit_pictures = record
    try:
        build_handbook(BuildOptions(target=EXAMPLES / "handbook.yaml", output=tmp_path / "out", formats=["md"]))
    finally:
        charts.unit_pictures = original
    (rows,) = seen
    by_name = {r.label: r for r in rows}
    assert by_name["巢湖市疾病预防控制中心"].levels == {"高": 11, "中": 16, "低": 5}
    assert sum(by_name["巢湖市卫生局"].categories.values()) == 42
    assert by_name["巢湖市疾病预防控制中心"].coverage == 1.0
    assert pictures.files()[0] == "charts/statistics-levels.svg"
