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


# pictures are compressed already: deflating them again costs seconds per hundred charts, saves nothing
STORED_SUFFIXES = (".png", ".jpeg", ".jpg", ".gif")


def _entry(name: str, when: datetime, store_pictures: bool) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, date_time=max(when, _ZIP_EPOCH).timetuple()[:6])
    stored = store_pictures and name.lower().endswith(STORED_SUFFIXES)
    entry.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    entry.external_attr = 0o644 << 16
    entry.create_system = 3
    return entry


def _core_times(content: bytes, when: datetime) -> bytes:
    iso = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return _CORE_TIMES.sub(lambda m: m.group(1) + iso + m.group(3), content)


class ReproducibleZip(zipfile.ZipFile):
    """A zip being written whose every entry is dated ``when``, with core.xml's times set to it and
    (``store_pictures``) pictures stored: what ``normalise_zip`` makes of a finished zip, in one pass
    (openpyxl's ``ExcelWriter`` writes into it directly)."""

    def __init__(self, file, when: datetime, store_pictures: bool = True):
        super().__init__(file, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self.when = when
        self.store_pictures = store_pictures

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None) -> None:
        name = zinfo_or_arcname.filename if isinstance(zinfo_or_arcname, zipfile.ZipInfo) else zinfo_or_arcname
        if isinstance(data, str):
            data = data.encode("utf-8")
        if name == _CORE:
            data = _core_times(data, self.when)
        super().writestr(_entry(name, self.when, self.store_pictures), data)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None) -> None:
        with open(filename, "rb") as f:
            self.writestr(arcname or os.path.basename(filename), f.read())


def normalise_zip(data: bytes, when: datetime) -> bytes:
    """``data`` (a zip) rewritten with every entry dated ``when`` and core.xml's times set to it
    (every entry deflated, as it always was: the files it made stay byte-identical)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, ReproducibleZip(out, when, store_pictures=False) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
    return out.getvalue()
