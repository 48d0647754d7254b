"""The Excel handbook as a printer prints it: LibreOffice converts the 一览表 to PDF, page by page.

Every page of every unit's 一览表 must show the header row and the unit's name, no risk point may
run over two pages, and LibreOffice must print exactly the pages the handbook planned (no page
added because the table was too wide or a page too full). Needs ``soffice`` and ``pdftotext``
(``make test`` installs them through scripts/system-deps.sh); skipped, saying so, without them.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from lianfang.handbook.context import UnitInput, build_context
from lianfang.handbook.excel import render_excel
from lianfang.io.reader import read_workbook

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "units"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")

pytestmark = pytest.mark.skipif(SOFFICE is None or PDFTOTEXT is None,
                                reason="LibreOffice (soffice) and pdftotext are needed for the print check")


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """(context, planned pages per sheet, the text of each printed page) for the example units."""
    tmp = tmp_path_factory.mktemp("print")
    units = [UnitInput(read_workbook(p).workbook, p.name) for p in sorted(EXAMPLES.glob("*.yaml"))]
    ctx = build_context(units, title=None, organisation=None, year=None)
    book = load_workbook(io.BytesIO(render_excel(ctx, when=datetime(2026, 1, 1, tzinfo=UTC))))
    for name in book.sheetnames:  # only the 一览表: the other sheets are not what is checked here
        if not name.startswith("一览表-"):
            del book[name]
    planned = {ws.title: len(ws.row_breaks.brk) + 1 for ws in book.worksheets}
    xlsx = tmp / "yilanbiao.xlsx"
    book.save(xlsx)
    profile = (tmp / "profile").as_uri()  # a private profile: no clash with another soffice running
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp), str(xlsx)], check=True, capture_output=True, timeout=600)
    text = subprocess.run([PDFTOTEXT, "-layout", str(tmp / "yilanbiao.pdf"), "-"], check=True,
                          capture_output=True, text=True, timeout=120).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    return ctx, planned, pages


def _unit_of(ctx, page: str):
    found = [u for u in ctx.units if f"{u.name}（{u.code}）" in re.sub(r"\s+", "", page)]
    assert len(found) == 1, page[:200]
    return found[0]


def test_libreoffice_prints_exactly_the_planned_pages(printed):
    _ctx, planned, pages = printed
    assert len(pages) == sum(planned.values())


def test_every_page_shows_the_header_row_and_its_unit(printed):
    ctx, _planned, pages = printed
    for n, page in enumerate(pages, 1):
        flat = re.sub(r"\s+", "", page)
        assert "防控措施" in flat and "责任人" in flat and "序" in flat, f"page {n}: no header row"
        _unit_of(ctx, page)


def test_no_risk_point_runs_over_two_pages(printed):
    ctx, _planned, pages = printed
    phases = {(u.code, r.risk_id): max(1, len(r.phases)) for u in ctx.units for r in u.risk_rows}
    seen: Counter = Counter()
    for n, page in enumerate(pages, 1):
        unit = _unit_of(ctx, page)
        ids = set(re.findall(r"FX-\d+", page))
        for rid in ids:
            seen[(unit.code, rid)] += 1
        # every phase label of the page's risk points is on the page, and no other
        assert page.count("【") == sum(phases[(unit.code, rid)] for rid in ids), f"page {n}"
    assert set(seen) == set(phases) and set(seen.values()) == {1}
