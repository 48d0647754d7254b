"""Importing a unit's legacy 一览表 (Word or Excel) into a lianfang workbook.

The flow is one way: ``grid`` reads a file's tables into neutral grids of text (merged cells
repeated, each cell knowing its merge); ``headers`` finds the header row and the role of each
column; ``split`` cuts numbered lists and phase headings out of a cell; ``phases`` guesses a
measure's phase from its words; ``build`` turns the rows into a ``Workbook`` and the
``ImportReport`` (``report``) that says everything it assumed and what the unit still has to fill.
"""
