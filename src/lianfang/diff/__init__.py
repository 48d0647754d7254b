"""``lianfang diff``: what changed between two versions of one unit's workbook (调整修正).

``compare.diff_workbooks`` matches the records of the two versions (``match``) and lists every
``Change`` (``model``); renderers per format turn the ``WorkbookDiff`` into text, Markdown, JSON
or a 修订对照表 in Excel.
"""

from lianfang.diff.compare import diff_workbooks
from lianfang.diff.model import Change, WorkbookDiff

__all__ = ["Change", "WorkbookDiff", "diff_workbooks"]
