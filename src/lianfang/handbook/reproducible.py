"""Byte-identical outputs: the same inputs give the same ``handbook.xlsx``, whenever it is built.

An xlsx file is a zip: every entry carries a modification time, and ``docProps/core.xml`` the
document's created/modified times. Both are set to one fixed moment: ``SOURCE_DATE_EPOCH`` when
the environment sets it (the reproducible-builds.org convention), otherwise 1 January of the
handbook's year.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from datetime import UTC, datetime

from lianfang.errors import LianfangError
from lianfang.i18n import tr

_ZIP_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)  # the earliest time a zip entry can carry
_CORE = "docProps/core.xml"
_CORE_TIMES = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


class ReproducibilityError(LianfangError, ValueError):
    pass


def build_time(year: int | None) -> datetime:
    """The moment written into outputs: ``SOURCE_DATE_EPOCH``, else 1 January of ``year`` (UTC)."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if raw:
        try:
            return datetime.fromtimestamp(int(raw), tz=UTC)
        except (ValueError, OverflowError, OSError):
            raise ReproducibilityError(tr("环境变量 SOURCE_DATE_EPOCH 应为整数秒数，实际为「{v}」",
                                          "SOURCE_DATE_EPOCH must be a whole number of seconds, not {v!r}", v=raw)) from None
    if year is not None and 1980 <= year <= 9999:
        return datetime(year, 1, 1, tzinfo=UTC)
    return _ZIP_EPOCH


def normalise_zip(data: bytes, when: datetime) -> bytes:
    """``data`` (a zip) rewritten with every entry dated ``when`` and core.xml's times set to it."""
    stamp = max(when, _ZIP_EPOCH)
    date_time = stamp.timetuple()[:6]
    iso = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == _CORE:
                content = _CORE_TIMES.sub(lambda m: m.group(1) + iso + m.group(3), content)
            entry = zipfile.ZipInfo(info.filename, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 3
            dst.writestr(entry, content)
    return out.getvalue()
