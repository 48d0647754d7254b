"""DOT source → chart files: the ``dot`` program, the output formats, the cache, the workers.

Charts are generated files in a folder of their own. Beside them ``.lianfang-cache.json`` records,
for every file lianfang wrote, a hash of what it was made from (DOT source, format, font and
Graphviz version) and a hash of the bytes written. So a second run with nothing changed renders
nothing, and a file that lianfang did not write — or that was edited since — is never replaced
without ``--force`` (unless it already holds exactly the bytes lianfang would write: then it is
adopted, which is how a lost cache heals).

``dot`` runs as a subprocess, one per chart, several at once (threads: the work is in the child
processes).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from lianfang.errors import LianfangError
from lianfang.i18n import tr
from lianfang.io.atomic import OutputError, write_atomic

CACHE_NAME = ".lianfang-cache.json"
CACHE_VERSION = 1
MAX_CACHE_BYTES = 32 * 1024 * 1024
DOT_TIMEOUT = 120  # seconds for one chart
PNG_DPI = "150"  # legible when printed


class ChartFormat(StrEnum):
    SVG = "svg"
    PNG = "png"
    PDF = "pdf"
    DOT = "dot"


class GraphvizMissing(LianfangError):
    """The ``dot`` program is not installed (or not on PATH)."""


class RenderError(LianfangError):
    """``dot`` failed on one chart; the message holds what it said."""


def find_dot() -> str | None:
    """The path of Graphviz's ``dot`` program, or None."""
    return shutil.which("dot")


def missing_dot_message() -> str:
    return tr(
        "未找到 Graphviz 的 dot 程序，无法生成 SVG/PNG/PDF。请安装 Graphviz："
        "Debian/Ubuntu 用 apt-get install graphviz，macOS 用 brew install graphviz，"
        "Windows 用 winget install graphviz；或用 --format dot 只输出 DOT 源文件",
        "Graphviz's dot program was not found, so SVG/PNG/PDF cannot be made. Install Graphviz: "
        "apt-get install graphviz (Debian/Ubuntu), brew install graphviz (macOS), "
        "winget install graphviz (Windows); or use --format dot for the DOT source only",
    )


def dot_version(dot: str) -> str:
    """``dot -V`` as printed (it goes to standard error), e.g. ``dot - graphviz version 2.43.0 (0)``."""
    try:
        p = subprocess.run([dot, "-V"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise GraphvizMissing(str(e)) from None
    return (p.stderr or p.stdout).decode("utf-8", "replace").strip()


def cjk_font_installed() -> bool | None:
    """Whether fontconfig knows a Chinese font; None when that cannot be told (no ``fc-list``)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        p = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return bool(p.stdout.strip())


def no_cjk_font_message() -> str:
    return tr(
        "没有安装中文字体（fc-list :lang=zh 没有结果），Graphviz 会把汉字画成方框。"
        "请安装中文字体，如 apt-get install fonts-noto-cjk 或 fonts-wqy-microhei",
        "no Chinese font is installed (fc-list :lang=zh finds none), so Graphviz will draw boxes "
        "instead of Chinese characters. Install one, e.g. apt-get install fonts-noto-cjk or fonts-wqy-microhei",
    )


def render(source: str, fmt: ChartFormat, dot: str | None) -> bytes:
    """The chart file's bytes: the DOT source itself, or what ``dot`` makes of it."""
    data = source.encode("utf-8")
    if fmt is ChartFormat.DOT:
        return data
    if dot is None:
        raise GraphvizMissing(missing_dot_message())
    cmd = [dot, f"-T{fmt.value}"]
    if fmt is ChartFormat.PNG:
        cmd.append(f"-Gdpi={PNG_DPI}")
    try:
        p = subprocess.run(cmd, input=data, capture_output=True, timeout=DOT_TIMEOUT, check=False)
    except FileNotFoundError:
        raise GraphvizMissing(missing_dot_message()) from None
    except subprocess.TimeoutExpired:
        raise RenderError(tr("dot 超过 {s} 秒仍未完成", "dot did not finish within {s} seconds", s=DOT_TIMEOUT)) from None
    except OSError as e:
        raise RenderError(str(e)) from None
    if p.returncode != 0 or not p.stdout:
        said = p.stderr.decode("utf-8", "replace").strip() or f"exit status {p.returncode}"
        raise RenderError(said)
    return p.stdout


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def cache_key(source: str, fmt: ChartFormat, font: str, graphviz_version: str) -> str:
    """What a chart file is made from; the file is rendered again when this changes."""
    return _sha256("\0".join((str(CACHE_VERSION), fmt.value, font, graphviz_version, source)).encode("utf-8"))


class Cache:
    """``.lianfang-cache.json``: file name → {"key": made-from hash, "output": written-bytes hash}."""

    def __init__(self, folder: Path):
        self.path = folder / CACHE_NAME
        self.files: dict[str, dict[str, str]] = {}
        self._loaded: dict[str, dict[str, str]] = {}
        try:
            if self.path.is_file() and self.path.stat().st_size <= MAX_CACHE_BYTES:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                files = data.get("files", {}) if isinstance(data, dict) and data.get("version") == CACHE_VERSION else {}
                self.files = {
                    name: {"key": e["key"], "output": e["output"]}
                    for name, e in files.items()
                    if isinstance(e, dict) and isinstance(e.get("key"), str) and isinstance(e.get("output"), str)
                }
        except (OSError, ValueError, AttributeError):
            self.files = {}  # unreadable: nothing is known to be ours
        self._loaded = {k: dict(v) for k, v in self.files.items()}

    def owns(self, name: str, path: Path) -> bool:
        """True when ``path`` holds exactly the bytes lianfang last wrote there."""
        entry = self.files.get(name)
        if entry is None:
            return False
        try:
            return _sha256(path.read_bytes()) == entry["output"]
        except OSError:
            return False

    def fresh(self, name: str, key: str) -> bool:
        entry = self.files.get(name)
        return entry is not None and entry["key"] == key

    def record(self, name: str, key: str, output: bytes) -> None:
        self.files[name] = {"key": key, "output": _sha256(output)}

    def save(self) -> None:
        """Write the cache when it changed, forgetting files that are gone."""
        folder = self.path.parent
        self.files = {n: e for n, e in self.files.items() if (folder / n).is_file()}
        if self.files == self._loaded:
            return
        data = {"version": CACHE_VERSION, "tool": "lianfang", "files": dict(sorted(self.files.items()))}
        write_atomic(self.path, json.dumps(data, ensure_ascii=False, indent=1) + "\n", force=True)
        self._loaded = {k: dict(v) for k, v in self.files.items()}


def _refused(job: Job, path: Path) -> Outcome:
    return Outcome(job, path, Status.REFUSED, tr(
        "{p} 已存在，但不是 lianfang 生成的（或生成后被修改过）；如需覆盖请加 --force",
        "{p} exists but was not written by lianfang (or was edited since); use --force to replace it", p=path))


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


@dataclass(frozen=True, slots=True)
class Job:
    """One chart file to make: its file name in the output folder and its DOT source."""

    name: str
    source: str


class Status(StrEnum):
    WRITTEN = "written"
    UNCHANGED = "unchanged"  # the file is up to date: not rendered again
    REFUSED = "refused"  # a file lianfang did not write is in the way (no --force)
    FAILED = "failed"  # dot or the file system failed


@dataclass(frozen=True, slots=True)
class Outcome:
    job: Job
    path: Path
    status: Status
    message: str = ""


def render_all(
    jobs: Iterable[Job],
    folder: Path,
    fmt: ChartFormat,
    font: str,
    *,
    force: bool = False,
    workers: int | None = None,
    dot: str | None = None,
    on_done: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Make every chart file in ``folder``, in parallel; outcomes in the order of ``jobs``.

    ``dot`` is the program's path (``find_dot()``); it is not needed for ``ChartFormat.DOT``.
    Raises ``OutputError`` when ``folder`` cannot be made, ``GraphvizMissing`` without ``dot``.
    """
    jobs = list(jobs)
    if fmt is not ChartFormat.DOT and dot is None:
        raise GraphvizMissing(missing_dot_message())
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(tr("无法创建输出文件夹 {p}：{e}", "cannot create the output folder {p}: {e}", p=folder, e=e.strerror or e)) from None
    if not folder.is_dir():
        raise OutputError(tr("{p} 不是文件夹", "{p} is not a folder", p=folder))
    version = dot_version(dot) if fmt is not ChartFormat.DOT else ""
    cache = Cache(folder)

    outcomes: dict[int, Outcome] = {}
    todo: list[tuple[int, Job, str, bool]] = []  # (index, job, key, foreign file in the way)
    for i, job in enumerate(jobs):
        path = folder / job.name
        key = cache_key(job.source, fmt, font, version)
        foreign = False
        if path.exists() or path.is_symlink():
            ours = cache.owns(job.name, path)
            if ours and cache.fresh(job.name, key):
                outcomes[i] = Outcome(job, path, Status.UNCHANGED)
                continue
            foreign = not ours and not force
            if foreign and path.is_symlink():
                outcomes[i] = _refused(job, path)
                continue
        todo.append((i, job, key, foreign))

    def work(item: tuple[int, Job, str, bool]) -> tuple[int, Outcome, str, bytes | None]:
        i, job, key, foreign = item
        path = folder / job.name
        try:
            data = render(job.source, fmt, dot)
            if foreign:
                # a file we did not write (or lost track of, with the cache) holding exactly what
                # we would write is adopted; anything else is kept
                if _same_bytes(path, data):
                    return i, Outcome(job, path, Status.UNCHANGED), key, data
                return i, _refused(job, path), key, None
            if path.is_symlink():  # replace the link itself, never write through it
                path.unlink()
            write_atomic(path, data, force=True)
        except (RenderError, OutputError, OSError) as e:
            return i, Outcome(job, path, Status.FAILED, str(e)), key, None
        return i, Outcome(job, path, Status.WRITTEN), key, data

    try:
        if todo:
            n = max(1, min(workers or os.cpu_count() or 1, len(todo)))
            with ThreadPoolExecutor(max_workers=n) as pool:
                for i, outcome, key, data in pool.map(work, todo):
                    outcomes[i] = outcome
                    if data is not None:
                        cache.record(outcome.job.name, key, data)
                    if on_done is not None:
                        on_done(outcome)
    finally:
        # also when interrupted: what was written is recorded as ours
        cache.save()
    return [outcomes[i] for i in range(len(jobs))]
