"""Limits of what a reader takes from an untrusted file, and the one setting that moves them.

Kept apart from the readers so that the command line can name ``SettingError`` without
importing a reader (and calamine) at start-up.
"""

from __future__ import annotations

import os

from lianfang.i18n import tr

MAX_SHEET_CELLS = 5_000_000  # rows × columns of the used range of one sheet
MAX_SHEET_ROWS = 200_000  # rows of the used range of one sheet; LIANFANG_MAX_ROWS overrides it
ROWS_ENV = "LIANFANG_MAX_ROWS"


class SettingError(ValueError):
    """A setting the reader depends on is unusable (a bad setting, not a bad file: exit 2)."""


def max_sheet_rows() -> int:
    """The row cap of a sheet: ``LIANFANG_MAX_ROWS`` when set, else MAX_SHEET_ROWS.

    Raises ``SettingError`` when the variable is not a positive integer.
    """
    text = os.environ.get(ROWS_ENV, "").strip()
    if not text:
        return MAX_SHEET_ROWS
    if not text.isdigit() or int(text) < 1:
        raise SettingError(tr("环境变量 {v} 应为正整数（每张工作表最多读取的行数），实际是「{t}」",
                              "{v} must be a positive integer (the most rows read from a sheet), not {t!r}", v=ROWS_ENV, t=text))
    return int(text)
