"""How every Excel output lianfang writes is set up for the printer: A4, fitted to the page width.

The 一览表, the coverage sheet, the 修订对照表, the status board and the 公示一览表 are printed, signed
and filed; each sheet is one page wide and as many pages long as it needs, with page numbers.
"""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from lianfang.i18n import tr

MARGIN_SIDE = 0.4  # inches
MARGIN_TOP_BOTTOM = 0.6


def print_on_a4(ws: Worksheet, *, landscape: bool = True, margins: tuple[float, float] | None = (MARGIN_SIDE, MARGIN_TOP_BOTTOM),
                centred: bool = True, footer: bool = True) -> None:
    """A4, one page wide, as many pages down as needed; ``margins`` (side, top and bottom) None
    leaves Excel's own; ``footer`` numbers the pages (第 N 页，共 M 页)."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages as needed down
    if centred:
        ws.print_options.horizontalCentered = True
    if margins is not None:
        ws.page_margins.left = ws.page_margins.right = margins[0]
        ws.page_margins.top = ws.page_margins.bottom = margins[1]
    if footer:
        ws.oddFooter.center.text = tr("第 &P 页，共 &N 页", "Page &P of &N")
