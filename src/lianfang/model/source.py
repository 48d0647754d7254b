"""Where each value of a model came from, so rules can point at the exact cell or line."""

from __future__ import annotations

from dataclasses import dataclass, field

from lianfang.findings import Location


@dataclass(slots=True)
class Source:
    """The origin of one record (a row of a sheet, or a mapping in YAML).

    xlsx: ``sheet`` and ``row``; ``columns`` maps a field to its column letter and is shared by
    every row of the sheet; ``rows`` overrides the row per field (key/value sheets).
    YAML: ``line``/``col`` of the record, and ``positions`` per field key and value.
    """

    sheet: str | None = None
    row: int | None = None
    columns: dict[str, str] = field(default_factory=dict)
    rows: dict[str, int] | None = None
    line: int | None = None
    col: int | None = None
    positions: dict[str, tuple[int, int]] | None = None
    # fields the reader could not read and already reported: None in the model, yet not empty
    # (a shared empty frozenset until the first one: most rows of a large sheet have none)
    unreadable: frozenset[str] | set[str] = frozenset()

    def mark_unreadable(self, field_name: str) -> None:
        if self.unreadable:
            self.unreadable.add(field_name)  # type: ignore[union-attr]
        else:
            self.unreadable = {field_name}

    def at(self, field_name: str | None = None) -> Location:
        """The location of ``field_name`` in this record, or of the record itself."""
        if self.rows is None and self.line is None:  # a row of an xlsx table: the common case
            return Location(self.sheet, self.row, self.columns.get(field_name) if field_name else None)
        if self.line is not None:
            if field_name and self.positions and field_name in self.positions:
                line, col = self.positions[field_name]
                return Location(line=line, col=col)
            return Location(line=self.line, col=self.col)
        row = self.row
        if field_name and self.rows and field_name in self.rows:
            row = self.rows[field_name]
        column = self.columns.get(field_name) if field_name else None
        if field_name and self.rows is not None and field_name not in self.rows:
            # a key/value sheet without that label: point at the sheet
            return Location(sheet=self.sheet)
        return Location(sheet=self.sheet, row=row, column=column)


@dataclass(slots=True)
class Origin:
    """Where a whole workbook came from."""

    path: str | None = None
    format: str | None = None  # "xlsx" or "yaml"
    # table key -> the sheet name as written in the file, or the YAML key's position
    sheets: dict[str, str] = field(default_factory=dict)
    tables: dict[str, tuple[int, int]] = field(default_factory=dict)

    def table(self, key: str, default_sheet: str | None = None) -> Location:
        """The location of a whole table (sheet, or top-level YAML key)."""
        if self.format == "yaml":
            if key in self.tables:
                line, col = self.tables[key]
                return Location(line=line, col=col)
            return Location(line=1, col=1)
        return Location(sheet=self.sheets.get(key, default_sheet))
