"""Small legacy tables built in code: .xlsx (openpyxl), .docx (python-docx) and .ods (by hand)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

Merge = tuple[int, int, int, int]  # first row, first column, last row, last column (1-based, inclusive)


def write_xlsx(path: Path, sheets: dict[str, list[list[str]]], merges: dict[str, list[Merge]] | None = None) -> Path:
    from openpyxl import Workbook

    from lianfang.io.excel_text import set_text

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for r, row in enumerate(rows, 1):
            for c, value in enumerate(row, 1):
                if value != "":
                    set_text(ws.cell(r, c), value)  # text as typed, even "=…"
        for r1, c1, r2, c2 in (merges or {}).get(name, []):
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    book.save(path)
    return path


def write_docx(path: Path, tables: list[list[list[str]]], merges: list[list[Merge]] | None = None,
               before: list[str] | None = None) -> Path:
    """Tables with paragraphs before the first; a merge keeps the text of its top-left cell."""
    import docx

    d = docx.Document()
    for text in before or []:
        d.add_paragraph(text)
    for k, rows in enumerate(tables):
        width = max(len(r) for r in rows)
        table = d.add_table(rows=len(rows), cols=width)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
        for r1, c1, r2, c2 in (merges[k] if merges else []):
            text = rows[r1 - 1][c1 - 1]
            table.cell(r1 - 1, c1 - 1).merge(table.cell(r2 - 1, c2 - 1)).text = text
        d.add_paragraph("")
    d.save(path)
    return path


def write_ods(path: Path, sheets: dict[str, list[list[str]]]) -> Path:
    """A minimal OpenDocument spreadsheet: mimetype, manifest and content.xml."""
    body = []
    for name, rows in sheets.items():
        body.append(f'<table:table table:name="{escape(name)}">')
        for row in rows:
            cells = "".join(f'<table:table-cell office:value-type="string"><text:p>{escape(v)}</text:p></table:table-cell>'
                            if v else "<table:table-cell/>" for v in row)
            body.append(f"<table:table-row>{cells}</table:table-row>")
        body.append("</table:table>")
    content = ('<?xml version="1.0" encoding="UTF-8"?>'
               '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               f'<office:body><office:spreadsheet>{"".join(body)}</office:spreadsheet></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?>'
                '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    path.write_bytes(buffer.getvalue())
    return path
