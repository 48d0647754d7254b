"""Writing outputs without ever losing a user's file.

Every output is written to a temporary file in the same folder and moved into place with
``os.replace``, so an interrupted write leaves the old file intact. An existing file is only
replaced when the caller passes ``force``; an input is never an output.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from lianfang.errors import LianfangError
from lianfang.i18n import tr


class OutputError(LianfangError):
    """An output that must not or cannot be written; the message says why."""


def check_output(path: Path, *, force: bool, inputs: Iterable[Path] = ()) -> None:
    """Refuse to overwrite an existing file without ``force``, and any input at all."""
    for src in inputs:
        try:
            if path.exists() and Path(src).exists() and path.samefile(src):
                raise OutputError(tr("输出文件 {p} 就是输入文件，lianfang 从不改写输入", "output {p} is an input file; lianfang never writes to its inputs", p=path))
        except OSError:
            pass
    if path.is_dir():
        raise OutputError(tr("{p} 是一个文件夹，不能作为输出文件", "{p} is a folder, not an output file", p=path))
    if path.exists() and not force:
        raise OutputError(tr("{p} 已存在；如需覆盖请加 --force", "{p} already exists; use --force to replace it", p=path))


def _output_mode(path: Path) -> int:
    """mkstemp makes a 0600 file; an output gets the mode a plain open() would give it
    (an existing file keeps its own)."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextmanager
def atomic_path(path: Path, *, force: bool, inputs: Iterable[Path] = ()) -> Iterator[Path]:
    """A temporary path to write to; on success it replaces ``path`` atomically."""
    path = Path(path)
    check_output(path, force=force, inputs=inputs)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as e:
        raise OutputError(tr("无法写入 {p}：{e}", "cannot write {p}: {e}", p=path, e=e.strerror or e)) from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        os.chmod(tmp_path, _output_mode(path))
        yield tmp_path
        if not force and path.exists():  # appeared while we were writing
            raise OutputError(tr("{p} 已存在；如需覆盖请加 --force", "{p} already exists; use --force to replace it", p=path))
        os.replace(tmp_path, path)
    except OSError as e:
        raise OutputError(tr("无法写入 {p}：{e}", "cannot write {p}: {e}", p=path, e=e.strerror or e)) from None
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_atomic(path: Path, data: bytes | str, *, force: bool, inputs: Iterable[Path] = ()) -> None:
    if isinstance(data, str):
        data = data.encode("utf-8")
    with atomic_path(path, force=force, inputs=inputs) as tmp:
        tmp.write_bytes(data)
