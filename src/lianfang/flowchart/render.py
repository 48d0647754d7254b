"""DOT source → chart files: the ``dot`` program, the output formats, pages, the cache, the workers.

A job is one flow. With a page (``--page a4``, the default) its drawing is fitted to the page:
an SVG's width and height are the printed size, a PNG is drawn at 200 dpi of that size, and a PDF
is a real A4/A3 sheet with the chart on it; a flow too long for one page at >= 8 pt text becomes
several pages (``flowchart.pages``): more files for SVG/PNG (``…_p2.svg``), more sheets in the PDF.
``--with-table`` adds the risk table: its own file(s) (``…_table.svg``), or sheets after the chart.

Charts are generated files in a folder of their own. Beside them ``.lianfang-cache.json`` records,
for every file lianfang wrote, a hash of what it was made from (DOT source, format, font and
Graphviz version) and a hash of the bytes written. So a second run with nothing changed renders
nothing, and a file that lianfang did not write — or that was edited since — is never replaced
without ``--force`` (unless it already holds exactly the bytes lianfang would write: then it is
adopted, which is how a lost cache heals).

``dot`` runs as a subprocess, several at once (threads: the work is in the child processes): one
per SVG drawing (drawing many in one run changes their ids), eight pages a run for PNGs, each at
its own dpi (a run's start-up costs as much as rasterising a third of a chart; each PNG is
byte-identical to one drawn alone). The pages chosen for a job are remembered in the process, so the PNG copies of a chart are
drawn from the SVG's pages without searching again. A PNG carries its resolution (pHYs).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from lianfang.errors import LianfangError
from lianfang.flowchart.dot import (
    NARROW,
    WIDE,
    WIDER,
    Part,
    risk_table_dot,
    risk_table_lines,
    risk_table_rows,
    to_dot,
)
from lianfang.flowchart.geometry import read_layout
from lianfang.flowchart.graph import Chart, step_ranks
from lianfang.flowchart.pages import (
    PageSize,
    fit,
    readable,
    split,
    table_pages,
)
from lianfang.i18n import tr
from lianfang.io.atomic import OutputError, write_atomic

CACHE_NAME = ".lianfang-cache.json"
CACHE_VERSION = 3  # 2: PNG at 200 dpi; 3: PNG with its resolution (pHYs)
MAX_CACHE_BYTES = 32 * 1024 * 1024
DOT_TIMEOUT = 120  # seconds for one chart
PNG_DPI = "200"  # legible when printed (the Word handbook embeds these)


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


def render(source: str, fmt: ChartFormat, dot: str | None, scale: float = 1.0) -> bytes:
    """The bytes of one drawing: the DOT source itself, or what ``dot`` makes of it (a PNG at
    200 dpi of its size times ``scale``)."""
    data = source.encode("utf-8")
    if fmt is ChartFormat.DOT:
        return data
    if dot is None:
        raise GraphvizMissing(missing_dot_message())
    cmd = [dot, f"-T{fmt.value}"]
    if fmt is ChartFormat.PNG:
        cmd.append(f"-Gdpi={_dpi(scale)}")
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


PNG_BATCH = 8  # drawings a run of dot rasterises (its start-up costs as much as rasterising a third of a chart)


def _dpi(scale: float) -> str:
    return f"{int(PNG_DPI) * scale:.2f}"


def _split_pngs(data: bytes) -> list[bytes]:
    """PNG files written one after another, apart (each ends with its IEND chunk)."""
    out: list[bytes] = []
    start = 0
    while start < len(data):
        if data[start:start + 8] != _PNG_SIGNATURE:
            raise ValueError("not a PNG")
        at = start + 8
        while True:
            length, kind = struct.unpack(">I4s", data[at:at + 8])
            at += 12 + length
            if kind == b"IEND":
                break
            if at > len(data):
                raise ValueError("a PNG cut short")
        out.append(data[start:at])
        start = at
    return out


def _with_dpi(source: str, dpi: str) -> str | None:
    """``source`` with its root graph's ``dpi`` set (what ``-Gdpi`` does for a run), or None when
    its last line is not the graph's closing brace."""
    end = source.rstrip().rfind("}")
    if end < 0 or source[end + 1:].strip():
        return None
    return f"{source[:end]}\tdpi={dpi}\n{source[end:]}"


def render_pngs(pages: list[tuple[str, str]], dot: str) -> list[bytes] | None:
    """The PNGs of several drawings ((DOT source, dpi) each) from one run of ``dot``, which draws
    each graph of its input in turn exactly as it would alone; None when that run fails (then
    each is drawn alone, so that its own error is reported)."""
    sources = [_with_dpi(source, dpi) for source, dpi in pages]
    if any(s is None for s in sources):
        return None
    try:
        p = subprocess.run([dot, "-Tpng"], input="\n".join(sources).encode("utf-8"),
                           capture_output=True, timeout=DOT_TIMEOUT, check=False)
        if p.returncode != 0:
            return None
        out = _split_pngs(p.stdout)
    except (OSError, subprocess.TimeoutExpired, ValueError, struct.error):
        return None
    return out if len(out) == len(pages) else None


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_METRE = 0.0254  # inches per metre: pHYs counts pixels per metre


def with_resolution(png: bytes, dpi: float) -> bytes:
    """``png`` with a pHYs chunk giving its resolution (cairo writes none), so that Word, Excel
    and any viewer know the size it prints at; a PNG that already has one is left as it is."""
    if png[:8] != _PNG_SIGNATURE or png[12:16] != b"IHDR" or png_dpi(png) is not None:
        return png
    per_metre = round(dpi / _METRE)
    body = b"pHYs" + struct.pack(">IIB", per_metre, per_metre, 1)
    chunk = struct.pack(">I", 9) + body + struct.pack(">I", zlib.crc32(body))
    after_header = 8 + 8 + 13 + 4  # the signature, then IHDR: length and type, 13 bytes, CRC
    return png[:after_header] + chunk + png[after_header:]


def png_dpi(head: bytes) -> float | None:
    """The resolution a PNG's pHYs chunk gives (in its first bytes, before the image data), or None."""
    if head[:8] != _PNG_SIGNATURE:
        return None
    at = 8
    while at + 8 <= len(head):
        length, kind = struct.unpack(">I4s", head[at:at + 8])
        if kind == b"pHYs" and length == 9 and at + 17 <= len(head):
            x, y, unit = struct.unpack(">IIB", head[at + 8:at + 17])
            # pixels a metre are whole: 200 dpi is stored as 7874, read back as 199.9996
            return round(x * _METRE, 1) if unit == 1 and x == y and x > 0 else None
        if kind in (b"IDAT", b"IEND"):
            return None
        at += 12 + length
    return None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def cache_key(source: str, fmt: ChartFormat, font: str, graphviz_version: str) -> str:
    """What a chart file is made from; the file is rendered again when this changes."""
    return _sha256("\0".join((str(CACHE_VERSION), fmt.value, font, graphviz_version, source)).encode("utf-8"))


class Cache:
    """``.lianfang-cache.json``: file name → {"key": made-from hash, "output": written-bytes hash},
    and for a chart of several files (pages, the risk table) on its first file ``"parts"``: the others."""

    def __init__(self, folder: Path):
        self.path = folder / CACHE_NAME
        self.files: dict[str, dict] = {}
        self._loaded: dict[str, dict] = {}
        try:
            if self.path.is_file() and self.path.stat().st_size <= MAX_CACHE_BYTES:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                ours = isinstance(data, dict) and data.get("tool") == "lianfang" and isinstance(data.get("files"), dict)
                files = data["files"] if ours else {}
                # a cache of another version still tells which files lianfang wrote (so an upgraded
                # lianfang replaces them without --force), but none of them is fresh: all are redrawn
                current = data.get("version") == CACHE_VERSION if ours else False
                for name, e in files.items():
                    if isinstance(e, dict) and isinstance(e.get("key"), str) and isinstance(e.get("output"), str):
                        entry = {"key": e["key"] if current else "", "output": e["output"]}
                        parts = e.get("parts")
                        if isinstance(parts, list) and all(isinstance(x, str) for x in parts):
                            entry["parts"] = list(parts)
                        self.files[name] = entry
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

    def parts(self, name: str) -> list[str]:
        return list(self.files.get(name, {}).get("parts", []))

    def fresh(self, name: str, key: str) -> bool:
        entry = self.files.get(name)
        return entry is not None and entry["key"] == key

    def record(self, name: str, key: str, output: bytes, parts: list[str] | None = None) -> None:
        self.files[name] = {"key": key, "output": _sha256(output)}
        if parts:
            self.files[name]["parts"] = list(parts)

    def forget(self, name: str) -> None:
        self.files.pop(name, None)

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
    """One flow's chart: the name of its (first) file in the output folder and its DOT source.

    ``chart`` and ``font`` let the chart be split over pages and its risk table be drawn;
    without ``chart`` the source is drawn as it is.
    """

    name: str
    source: str
    chart: Chart | None = None
    font: str = ""
    page: PageSize = PageSize.NONE
    table: bool = False

    def made_from(self) -> str:
        """Everything the files depend on besides format, font and Graphviz (for the cache)."""
        parts = [self.source, self.page.value]
        if self.table and self.chart is not None and self.chart.risks:
            parts.append(risk_table_dot(self.chart, self.font))
        return "\0".join(parts)


@dataclass(frozen=True, slots=True)
class Drawing:
    """One page of a job: its DOT source, its SVG (for its size) and how it fits the page."""

    suffix: str  # "" for the first page of the chart, "_p2", "_table", "_table_p2"…
    source: str
    svg: bytes
    width: float
    height: float


_SVG_SIZE = re.compile(rb'<svg width="([0-9.]+)pt" height="([0-9.]+)pt"')


def svg_size(svg: bytes) -> tuple[float, float]:
    """Width and height in pt of an SVG that ``dot`` wrote."""
    m = _SVG_SIZE.search(svg[:4096])
    if m is None:
        raise RenderError(tr("dot 输出的 SVG 没有尺寸", "the SVG dot wrote has no size"))
    return float(m.group(1)), float(m.group(2))


def _drawing(suffix: str, source: str, dot: str | None) -> Drawing:
    svg = render(source, ChartFormat.SVG, dot)
    return Drawing(suffix, source, svg, *svg_size(svg))


def _score(d: Drawing, page: PageSize) -> tuple[bool, bool, int, float]:
    """Better drawings first: no label hidden and no arrow through a lane's title, readable on
    the page, fewer arrows across boxes, printed larger."""
    layout = read_layout(d.svg)
    return (layout.problems() == 0, readable(d.width, d.height, page), -len(layout.edges_through_boxes()),
            fit(d.width, d.height, page).scale)


def _good(score: tuple[bool, bool, int, float]) -> bool:
    return score[0] and score[1] and score[2] == 0


def _best(chart: Chart, job: Job, dot: str | None, part: Part | None = None, suffix: str = "",
          wraps: tuple[float, ...] = (1.0, WIDER, WIDE, NARROW), first: Drawing | None = None) -> tuple[Drawing, float]:
    """A way of drawing that is clean and readable on the page, else the best one found.

    First the size: the wrap widths in order, until one is readable. Then, at that width, the
    other ways of laying out loops until one hides no label. So a chart that is fine as first
    drawn costs one run of ``dot``, and one that is too wide for any page at most seven.
    """
    tried: list[tuple[tuple[bool, bool, int, float], Drawing, float]] = []

    def attempt(wrap: float, turn: bool = True, at_start: bool = False) -> bool:
        reuse = first is not None and wrap == 1.0 and turn and not at_start and not tried
        d = first if reuse else _drawing(suffix, to_dot(chart, job.font, part, wrap, turn, at_start), dot)
        tried.append((_score(d, job.page), d, wrap))
        return _good(tried[-1][0])

    for wrap in wraps:
        if attempt(wrap) or tried[-1][0][1]:
            break
    size = max(tried, key=lambda t: (t[0][1], t[0][3]))  # readable, then largest
    if not _good(size[0]) and any(e.back for e in chart.edges):
        for turn, at_start in ((True, True), (False, False), (False, True)):
            if attempt(size[2], turn, at_start):
                break
    best = max(tried, key=lambda t: t[0])
    return best[1], best[2]


_DRAWN: OrderedDict[tuple[str, str, bool, str | None], list[Drawing]] = OrderedDict()
_DRAWN_LOCK = threading.Lock()
DRAWN_KEEP = 1024  # jobs whose chosen drawings are remembered (an SVG a page, ~25 KB): a handbook's worth


def drawings(job: Job, dot: str | None) -> list[Drawing]:
    """The pages of ``job``: the chart (drawn another way, or split, when it hides a label or
    does not fit the page at >= 8 pt), then the risk table when asked for (cut into pages of
    whole rows the same way).

    Remembered for the life of the process: the PNG copies of the handbook's SVG charts are
    drawn from the very pages chosen for the SVGs, without searching (and running ``dot``)
    again."""
    key = (job.made_from(), job.font, job.chart is None, dot)
    with _DRAWN_LOCK:
        if key in _DRAWN:
            _DRAWN.move_to_end(key)
            return list(_DRAWN[key])
    out = _choose(job, dot)
    with _DRAWN_LOCK:
        _DRAWN[key] = out
        while len(_DRAWN) > DRAWN_KEEP:
            _DRAWN.popitem(last=False)
    return list(out)


def _choose(job: Job, dot: str | None) -> list[Drawing]:
    chart = job.chart
    if chart is None:
        out = [_drawing("", job.source, dot)]
    else:
        first = _drawing("", job.source, dot)
        if _good(_score(first, job.page)):
            out = [first]
        else:
            whole, wrap = _best(chart, job, dot, first=first)
            out = [whole]
            if not readable(whole.width, whole.height, job.page):
                rows = max(step_ranks(chart).values()) + 1
                for pages in range(2, rows + 1):
                    out = [_best(chart, job, dot, p, "" if p.index == 1 else f"_p{p.index}", (wrap,))[0]
                           for p in split(chart, pages)]
                    if all(readable(d.width, d.height, job.page) for d in out):
                        break
    if job.table and chart is not None and chart.risks:
        lines = [risk_table_lines(r) for r in risk_table_rows(chart)]
        table = [_drawing("_table", risk_table_dot(chart, job.font), dot)]
        capacity = sum(lines)
        while not all(readable(d.width, d.height, job.page) for d in table) and capacity > 1:
            capacity = max(1, capacity * 2 // 3)
            cuts = table_pages(lines, capacity)
            table = [_drawing("_table" if i == 0 else f"_table_p{i + 1}",
                              risk_table_dot(chart, job.font, cut, (i + 1, len(cuts)) if len(cuts) > 1 else None), dot)
                     for i, cut in enumerate(cuts)]
            if len(cuts) == len(lines):
                break
        out += table
    return out


_TOOLTIP_TITLE = re.compile(rb'(<g id="[^"]+" class="(?:node|edge|cluster|graph)">\n<title>)[^<]*(</title>\n'
                            rb'<g id="a_[^"]+"><a xlink:title="([^"]*)">)')


def finish_svg(svg: bytes, scale: float) -> bytes:
    """The SVG as written: sized for the page (the drawing itself unchanged), and every
    ``<title>`` — the tooltip most viewers show — the Chinese name, not a DOT ID (``s1``)."""
    if scale != 1.0:
        w, h = svg_size(svg)
        svg = _SVG_SIZE.sub(f'<svg width="{w * scale:.2f}pt" height="{h * scale:.2f}pt"'.encode(), svg, count=1)
    return _TOOLTIP_TITLE.sub(lambda m: m.group(1) + m.group(3) + m.group(2), svg)


def png_pages(job: Job, dot: str | None) -> list[tuple[str, float]]:
    """What the PNG files of ``job`` are drawn from: each page's DOT source and its scale."""
    return [(d.source, fit(d.width, d.height, job.page).scale) for d in drawings(job, dot)]


def job_files(job: Job, fmt: ChartFormat, dot: str | None,
              rasters: dict[tuple[str, str], bytes] | None = None) -> list[tuple[str, bytes]]:
    """Every file ``job`` makes (name, bytes); the first is ``job.name``.

    ``rasters``: PNGs already drawn, by (DOT source, dpi), used instead of running dot again."""
    stem, ext = job.name.rsplit(".", 1)
    if fmt is ChartFormat.DOT:
        out = [(job.name, job.source.encode("utf-8"))]
        if job.table and job.chart is not None and job.chart.risks:
            out.append((f"{stem}_table.{ext}", risk_table_dot(job.chart, job.font).encode("utf-8")))
        return out
    pages = drawings(job, dot)
    fits = [fit(d.width, d.height, job.page) for d in pages]
    if fmt is ChartFormat.SVG:
        return [(f"{stem}{d.suffix}.{ext}", finish_svg(d.svg, f.scale)) for d, f in zip(pages, fits, strict=True)]
    if fmt is ChartFormat.PNG:
        done = rasters or {}
        return [(f"{stem}{d.suffix}.{ext}", with_resolution(done.get((d.source, _dpi(f.scale))) or render(d.source, fmt, dot, f.scale),
                                                            int(PNG_DPI)))
                for d, f in zip(pages, fits, strict=True)]
    return [(job.name, pdf_document([(render(d.source, fmt, dot), f, job.page) for d, f in zip(pages, fits, strict=True)]))]


def pdf_document(pages: list[tuple[bytes, object, PageSize]]) -> bytes:
    """One PDF of the pages ``dot`` drew: each on a sheet of paper (A4/A3, turned as ``fit`` says),
    scaled, centred across and set at the top margin; with no page, each at its own size."""
    import io

    from pypdf import PageObject, PdfReader, PdfWriter, Transformation

    from lianfang.flowchart.pages import MARGIN

    writer = PdfWriter()
    for data, how, page in pages:
        src = PdfReader(io.BytesIO(data)).pages[0]
        if page is PageSize.NONE:
            writer.add_page(src)
            continue
        w, h = float(src.mediabox.width), float(src.mediabox.height)
        pw, ph = how.paper
        sheet = PageObject.create_blank_page(width=pw, height=ph)
        s = how.scale
        sheet.merge_transformed_page(src, Transformation().scale(s).translate((pw - w * s) / 2, ph - MARGIN - h * s))
        writer.add_page(sheet)
    writer.add_metadata({"/Producer": "lianfang"})
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


class Status(StrEnum):
    WRITTEN = "written"
    UNCHANGED = "unchanged"  # the file is up to date: not rendered again
    REFUSED = "refused"  # a file lianfang did not write is in the way (no --force)
    FAILED = "failed"  # dot or the file system failed


@dataclass(frozen=True, slots=True)
class Outcome:
    job: Job
    path: Path  # the job's first file
    status: Status
    message: str = ""
    paths: tuple[Path, ...] = ()  # every file of the job (pages, risk table), first included

    @property
    def files(self) -> tuple[Path, ...]:
        return self.paths or (self.path,)


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
    todo: list[tuple[int, Job, str]] = []
    for i, job in enumerate(jobs):
        path = folder / job.name
        key = cache_key(job.made_from(), fmt, font, version)
        if (path.exists() or path.is_symlink()) and cache.owns(job.name, path) and cache.fresh(job.name, key):
            parts = cache.parts(job.name)
            if all(cache.owns(n, folder / n) for n in parts):
                outcomes[i] = Outcome(job, path, Status.UNCHANGED, paths=(path, *(folder / n for n in parts)))
                continue
        if path.is_symlink() and not force and not cache.owns(job.name, path):
            outcomes[i] = _refused(job, path)
            continue
        todo.append((i, job, key))

    rasters: dict[tuple[str, str], bytes] = {}  # the PNGs of the jobs at hand, drawn in batches

    def work(item: tuple[int, Job, str]) -> tuple[int, Outcome, str, list[tuple[str, bytes]] | None]:
        i, job, key = item
        path = folder / job.name
        try:
            files = job_files(job, fmt, dot, rasters)
            # a file we did not write (or lost track of, with the cache) holding exactly what we
            # would write is adopted; anything else is kept, and then nothing of the job is written
            for name, data in files:
                target = folder / name
                if (target.exists() or target.is_symlink()) and not force and not cache.owns(name, target) \
                        and not (not target.is_symlink() and _same_bytes(target, data)):
                    return i, _refused(job, target), key, None
            wrote = False
            for name, data in files:
                target = folder / name
                if not target.is_symlink() and not cache.owns(name, target) and _same_bytes(target, data):
                    continue  # adopted
                if target.is_symlink():  # replace the link itself, never write through it
                    target.unlink()
                write_atomic(target, data, force=True)
                wrote = True
        except (RenderError, OutputError, OSError) as e:
            return i, Outcome(job, path, Status.FAILED, str(e)), key, None
        written = tuple(folder / name for name, _ in files)
        status = Status.WRITTEN if wrote else Status.UNCHANGED
        return i, Outcome(job, path, status, paths=written), key, files

    try:
        if todo:
            n = max(1, min(workers or os.cpu_count() or 1, len(todo)))
            with ThreadPoolExecutor(max_workers=n) as pool:
                for i, outcome, key, files in _in_turn(pool, work, todo, rasters, dot if fmt is ChartFormat.PNG else None):
                    outcomes[i] = outcome
                    if files is not None:
                        names = [name for name, _ in files]
                        for stale in set(cache.parts(names[0])) - set(names[1:]):
                            # a page the chart no longer has: removed when it is still what we wrote
                            if cache.owns(stale, folder / stale):
                                (folder / stale).unlink(missing_ok=True)
                            cache.forget(stale)
                        for name, data in files:
                            cache.record(name, key, data, names[1:] if name == names[0] else None)
                    if on_done is not None:
                        on_done(outcome)
    finally:
        # also when interrupted: what was written is recorded as ours
        cache.save()
    return [outcomes[i] for i in range(len(jobs))]


def _in_turn(pool: ThreadPoolExecutor, work, todo: list, rasters: dict, png_dot: str | None, chunk: int = 64):
    """``work`` over ``todo`` in the pool, results in order; for PNGs, the rasters of each chunk of
    jobs drawn in batches first (a chunk at a time: a handbook's PNGs are 100 MB and more)."""
    for k in range(0, len(todo), chunk):
        part = todo[k:k + chunk]
        rasters.clear()
        if png_dot is not None and len(part) > 1:
            rasters.update(_batched_rasters(pool, [job for _, job, _ in part], png_dot))
        yield from pool.map(work, part)
    rasters.clear()


_LAYOUT = re.compile(r'\blayout="?(\w+)')


def _batched_rasters(pool: ThreadPoolExecutor, jobs: list[Job], dot: str) -> dict[tuple[str, str], bytes]:
    """The PNG of every page of ``jobs``, drawn PNG_BATCH at a time (each at its own dpi), by
    (DOT source, dpi); a batch that fails is left out, its pages drawn one by one later."""

    def pages(job: Job) -> list[tuple[str, float]]:
        try:
            return png_pages(job, dot)
        except (RenderError, OSError):
            return []  # reported when the job itself is drawn

    wanted: list[tuple[str, str]] = []
    for job_pages in pool.map(pages, jobs):
        for source, scale in job_pages:
            if (source, _dpi(scale)) not in wanted:
                wanted.append((source, _dpi(scale)))
    # a run keeps some state from graph to graph: one laid out by lianfang (layout=nop2, every
    # position given) makes dot expect positions in the graphs after it, so each kind runs apart
    kinds: dict[str, list[tuple[str, str]]] = {}
    for page in wanted:
        m = _LAYOUT.search(page[0])
        kinds.setdefault(m.group(1) if m else "", []).append(page)
    batches = [group[k:k + PNG_BATCH] for group in kinds.values() for k in range(0, len(group), PNG_BATCH)]
    out: dict[tuple[str, str], bytes] = {}
    for batch, pngs in zip(batches, pool.map(lambda b: render_pngs(b, dot), batches), strict=True):
        if pngs is not None:
            out.update(zip(batch, pngs, strict=True))
    return out
