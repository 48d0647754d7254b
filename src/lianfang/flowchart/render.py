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

``dot`` runs as subprocesses, several at once (threads: the work is in the child processes). The
first drawing of every chart is drawn 16 to a run (``render_svgs``: what a run carries from graph
to graph is undone, so each SVG is byte for byte the one drawn alone); a chart drawn again another
way (a hidden label, a page it does not fit) is drawn one at a time. PNGs are drawn 8 pages a run,
each at its own dpi, by cairo and written by gd's 8-bit palette writer where Graphviz has it
(``png_device``; half the CPU of cairo's own), its palette set to the chart's exact colours and its
canvas to whole pixels. The pages chosen for a job are remembered in the process, so the PNG copies
of a chart are drawn from the SVG's pages without searching again. A PNG carries its resolution
(pHYs).
"""

from __future__ import annotations

import functools
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

from lianfang import palette
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


def render(source: str, fmt: ChartFormat, dot: str | None, scale: float = 1.0, device: str | None = None) -> bytes:
    """The bytes of one drawing: the DOT source itself, or what ``dot`` makes of it (a PNG at
    200 dpi of its size times ``scale``, through ``device``: by default ``png_device(dot)``).

    Through gd, a canvas that is not a whole number of pixels gets grey right and bottom edges:
    a chart's pages are drawn through ``raster`` and ``draw_raster`` (as ``job_files`` does)."""
    data = source.encode("utf-8")
    if fmt is ChartFormat.DOT:
        return data
    if dot is None:
        raise GraphvizMissing(missing_dot_message())
    if fmt is ChartFormat.PNG:
        device = device or png_device(dot)
        return _from_device(_run_dot(dot, [f"-T{device}", f"-Gdpi={_dpi(scale)}"], data), device)
    out = _run_dot(dot, [f"-T{fmt.value}"], data)
    return _clusters_in_order(out) if fmt is ChartFormat.SVG else out


def _run_dot(dot: str, args: list[str], data: bytes) -> bytes:
    try:
        p = subprocess.run([dot, *args], input=data, capture_output=True, timeout=DOT_TIMEOUT, check=False)
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
SVG_BATCH = 16  # first drawings a run of dot lays out as SVG (a run's start-up is most of a chart's SVG)

# cairo draws, gd writes an 8-bit palette PNG: half the CPU of cairo's own writer (libpng, RGBA,
# adaptive filters) and a third of the bytes; the colours are put right after (``_print_palette``)
GD_PNG = "png:cairo:gd"
CAIRO_PNG = "png"
_DEVICES: dict[str, str] = {}
_DEVICES_LOCK = threading.Lock()


def png_device(dot: str) -> str:
    """The ``-T`` format PNGs are drawn with by this ``dot``: ``png:cairo:gd`` when its Graphviz
    has gd's plugin (tried once per program on a tiny graph), else ``png``."""
    with _DEVICES_LOCK:
        if dot in _DEVICES:
            return _DEVICES[dot]
    try:
        p = subprocess.run([dot, f"-T{GD_PNG}"], input=b"digraph { a }", capture_output=True, timeout=30, check=False)
        # colour type 3 at byte 25 of the header: a palette image, the one _print_palette knows
        works = p.returncode == 0 and p.stdout[:8] == _PNG_SIGNATURE and p.stdout[12:16] == b"IHDR" and p.stdout[25:26] == b"\x03"
    except (OSError, subprocess.TimeoutExpired):
        works = False
    device = GD_PNG if works else CAIRO_PNG
    with _DEVICES_LOCK:
        _DEVICES[dot] = device
    return device


def _from_device(png: bytes, device: str) -> bytes:
    return _print_palette(png) if device == GD_PNG else png


def _colour(hex_rgb: str) -> bytes:
    return bytes.fromhex(hex_rgb)


# every colour a chart is drawn in: white paper, black ink and the palette's fills and inks
_PRINT_COLOURS = tuple(_colour(c) for c in (
    "FFFFFF", palette.BORDER, *palette.LEVEL_FILL.values(), *palette.LEVEL_INK.values(), palette.HEADER_FILL,
    palette.LANE_FILL, palette.LANE_BORDER, palette.MUTED_INK, palette.LINK_INK))
SNAP = 4  # gd puts a colour at the centre of its cell (5 bits of red and blue, 6 of green): at most 4 off


@functools.cache
def _snaps() -> dict[bytes, bytes]:
    """Every palette entry within SNAP of a print colour (in each channel) → that colour, the nearest."""
    table: dict[bytes, tuple[int, bytes]] = {}
    span = range(-SNAP, SNAP + 1)
    for target in _PRINT_COLOURS:
        for dr in span:
            for dg in span:
                for db in span:
                    entry = (target[0] + dr, target[1] + dg, target[2] + db)
                    if all(0 <= v <= 255 for v in entry):
                        key, far = bytes(entry), abs(dr) + abs(dg) + abs(db)
                        if key not in table or far < table[key][0]:
                            table[key] = (far, target)
    return {k: t for k, (_, t) in table.items()}


def _print_palette(png: bytes) -> bytes:
    """gd's palette PNG with the chart's own colours: gd's quantiser gives white as (252, 254, 252)
    and every fill a few steps off, so each palette entry within SNAP of white, black or a
    palette colour becomes exactly that colour (the pixels are not touched: only the PLTE chunk,
    with its CRC). gd's pHYs (96 dpi, whatever the drawing's) is left out: ``with_resolution``
    gives the true one."""
    if png[:8] != _PNG_SIGNATURE:
        return png
    snaps = _snaps()
    out = [png[:8]]
    at = 8
    while at + 8 <= len(png):
        length, kind = struct.unpack(">I4s", png[at:at + 8])
        end = at + 12 + length
        if kind == b"IDAT" or end > len(png):
            out.append(png[at:])  # the image data and what follows, as they are
            break
        if kind == b"PLTE" and length % 3 == 0:
            body = png[at + 8:at + 8 + length]
            body = b"".join(snaps.get(body[i:i + 3], body[i:i + 3]) for i in range(0, length, 3))
            out.append(png[at:at + 8] + body + struct.pack(">I", zlib.crc32(b"PLTE" + body)))
        elif kind != b"pHYs":
            out.append(png[at:end])
        at = end
    return b"".join(out)


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


def _with_attrs(source: str, **attrs: str) -> str | None:
    """``source`` with attributes of its root graph set (what ``-G`` does for a run), or None when
    its last line is not the graph's closing brace."""
    end = source.rstrip().rfind("}")
    if end < 0 or source[end + 1:].strip():
        return None
    return source[:end] + "".join(f'\t{k}="{v}"\n' for k, v in attrs.items()) + source[end:]


_CANVAS = re.compile(rb'viewBox="0\.00 0\.00 ([0-9.]+) ([0-9.]+)"[^>]*>\n'
                     rb'<g id="graph0" class="graph" transform="scale\(1 1\) rotate\(0\) translate\((-?[0-9.]+) (-?[0-9.]+)\)">')


def _whole_pixels(svg: bytes, dpi: float) -> tuple[str, tuple[int, int]] | None:
    """The ``viewport`` that makes the drawing's canvas a whole number of pixels at ``dpi`` (and a
    quarter, which dot rounds away) with the drawing where it was, and the pixels it then has;
    None when the SVG does not tell its canvas.

    dot sizes a raster by rounding the canvas; a canvas of 1635.6 pixels leaves the last column
    60 % painted, and gd, taking cairo's premultiplied colours as they are, makes it a grey line
    along the right and bottom edges. The same canvas, its right and bottom edges moved by a
    fraction of a pixel, leaves no such pixel and every other pixel as it was."""
    m = _CANVAS.search(svg, 0, 4096)
    if m is None:
        return None
    width, height, tx, ty = (float(v) for v in m.groups())
    pixels = [int(length * dpi / 72 + 0.5) for length in (width, height)]  # as dot rounds it
    if min(pixels) < 1:
        return None
    w, h = ((n + 0.25) * 72 / dpi for n in pixels)
    # the centre in graph units: the canvas's top left corner stays at the SVG's (-tx, ty)
    return f"{w:.4f},{h:.4f},1,{w / 2 - tx:.4f},{ty - h / 2:.4f}", (pixels[0], pixels[1])


@dataclass(frozen=True, slots=True)
class Raster:
    """One PNG file to draw: the DOT given to ``dot`` (the page's, with its resolution and, for
    gd, its canvas in whole pixels), through which device, and the pixels it must come out at
    (gd: a PNG of another size is drawn again by cairo's own writer)."""

    source: str
    page: str  # the page's own DOT
    dpi: str
    device: str
    size: tuple[int, int] | None = None


def raster(d: Drawing, scale: float, device: str) -> Raster:
    dpi = _dpi(scale)
    if device == GD_PNG:
        whole = _whole_pixels(d.svg, float(dpi))
        source = _with_attrs(d.source, dpi=dpi, viewport=whole[0]) if whole else None
        if whole and source:
            return Raster(source, d.source, dpi, device, whole[1])
        device = CAIRO_PNG  # its edges could not be made whole: cairo's own PNG
    return Raster(_with_attrs(d.source, dpi=dpi) or d.source, d.source, dpi, device)


def png_size(png: bytes) -> tuple[int, int] | None:
    if png[:8] != _PNG_SIGNATURE or png[12:16] != b"IHDR":
        return None
    w, h = struct.unpack(">II", png[16:24])
    return w, h


def draw_raster(r: Raster, dot: str | None) -> bytes:
    """The PNG of ``r``, drawn alone."""
    png = render(r.source, ChartFormat.PNG, dot, float(r.dpi) / int(PNG_DPI), r.device)
    if r.size is not None and png_size(png) != r.size:
        png = render(r.page, ChartFormat.PNG, dot, float(r.dpi) / int(PNG_DPI), CAIRO_PNG)
    return png


def render_pngs(pages: list[Raster], dot: str) -> list[bytes | None] | None:
    """The PNGs of several pages (one device) from one run of ``dot``, which draws each graph of
    its input in turn exactly as it would alone; None when that run fails (then each is drawn
    alone, so that its own error is reported), None for a page that came out at the wrong size."""
    if not pages or any(not r.source.rstrip().endswith("}") for r in pages) or len({r.device for r in pages}) > 1:
        return None
    try:
        p = subprocess.run([dot, f"-T{pages[0].device}"], input="\n".join(r.source for r in pages).encode("utf-8"),
                           capture_output=True, timeout=DOT_TIMEOUT, check=False)
        if p.returncode != 0:
            return None
        out = [_from_device(png, pages[0].device) for png in _split_pngs(p.stdout)]
    except (OSError, subprocess.TimeoutExpired, ValueError, struct.error):
        return None
    if len(out) != len(pages):
        return None
    return [png if r.size is None or png_size(png) == r.size else None for png, r in zip(out, pages, strict=True)]


def render_svgs(sources: list[str], dot: str) -> list[bytes] | None:
    """The SVGs of several graphs from one run of ``dot``, each byte for byte as drawn alone
    (``_as_alone``); None when that run fails (each is then drawn alone and reports its own error).

    Only graphs of one kind go in a run (``_kind``): one laid out by lianfang (layout=nop2)
    makes dot expect positions in the graphs after it. Every graph must be named: an anonymous
    one is named by its place in the run (``%1``, ``%7``)."""
    if not sources or any(not s.rstrip().endswith("}") or not _NAMED.match(s) for s in sources):
        return None
    try:
        p = subprocess.run([dot, "-Tsvg"], input="\n".join(sources).encode("utf-8"),
                           capture_output=True, timeout=DOT_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if p.returncode != 0:
        return None
    docs = [doc + _SVG_END for doc in p.stdout.split(_SVG_END)[:-1]]
    if len(docs) != len(sources) or p.stdout.split(_SVG_END)[-1].strip():
        return None
    return [_as_alone(doc) for doc in docs]


_SVG_END = b"</svg>\n"
_NAMED = re.compile(r'\s*(?:strict\s+)?(?:di)?graph\s+(?:"|[A-Za-z_0-9])')
# a graph after the first in a run is drawn as page (0,1): its group's ids say so
_PAGE_ID = re.compile(rb'^<g id="(a_)?page\d+,\d+_graph0"', re.MULTILINE)
_CLUSTER = re.compile(rb'<g id="clust(\d+)" class="cluster">')


def _as_alone(svg: bytes) -> bytes:
    """An SVG from a run of several graphs as the graph's own run writes it: the graph's ids as a
    first page's, and the lanes in order (see ``_clusters_in_order``)."""
    head = _PAGE_ID.sub(lambda m: b'<g id="' + (m.group(1) or b"") + b'graph0"', svg[:8192], count=2)  # near the top
    return _clusters_in_order(head + svg[8192:])


def _clusters_in_order(svg: bytes) -> bytes:
    """``svg`` with the groups of its clusters in the order of their numbers.

    dot writes the clusters in the order of the addresses of their names in memory, which a run
    of several graphs shuffles (a lane chart drawn after others came out clust2, clust3, clust1);
    the numbers follow the DOT source. The lanes never overlap, so their order changes nothing
    drawn; sorting it makes the bytes the same however the chart was run."""
    numbers = [int(n) for n in _CLUSTER.findall(svg)]
    if numbers == sorted(numbers):
        return svg  # in order already (a chart drawn alone, mostly)
    lines = svg.split(b"\n")
    out: list[bytes] = []
    run: list[tuple[int, list[bytes]]] = []  # clusters one after another: (number, lines)
    depth = i = 0
    while i < len(lines):
        m = _CLUSTER.match(lines[i])
        if m is None:
            out += [line for _, block in sorted(run, key=lambda nb: nb[0]) for line in block]
            run = []
            depth += _nesting(lines[i])
            out.append(lines[i])
            i += 1
            continue
        start, block = depth, []
        while True:  # the cluster's group, to its closing tag
            if i == len(lines):
                return svg  # not the shape dot writes: left as it is
            block.append(lines[i])
            depth += _nesting(lines[i])
            i += 1
            if depth == start:
                break
        run.append((int(m.group(1)), block))
    out += [line for _, block in sorted(run, key=lambda nb: nb[0]) for line in block]
    return b"\n".join(out)


def _nesting(line: bytes) -> int:
    """How many groups ``line`` of an SVG from dot opens less how many it closes (text is escaped)."""
    return line.count(b"<g ") + line.count(b"<g>") - line.count(b"</g>")


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


def _drawing(suffix: str, source: str, dot: str | None, drawn: dict[str, bytes] | None = None) -> Drawing:
    """``source`` drawn as SVG: taken from ``drawn`` (SVGs drawn in a batch, by source) when it is there."""
    svg = (drawn or {}).get(source) or render(source, ChartFormat.SVG, dot)
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
    drawn costs one drawing, and one that is too wide for any page at most seven.
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


def drawings(job: Job, dot: str | None, drawn: dict[str, bytes] | None = None) -> list[Drawing]:
    """The pages of ``job``: the chart (drawn another way, or split, when it hides a label or
    does not fit the page at >= 8 pt), then the risk table when asked for (cut into pages of
    whole rows the same way).

    Remembered for the life of the process: the PNG copies of the handbook's SVG charts are
    drawn from the very pages chosen for the SVGs, without searching (and running ``dot``)
    again. ``drawn``: SVGs already drawn (``first_sources``, in batches), by DOT source."""
    key = _drawn_key(job, dot)
    with _DRAWN_LOCK:
        if key in _DRAWN:
            _DRAWN.move_to_end(key)
            return list(_DRAWN[key])
    out = _choose(job, dot, drawn)
    with _DRAWN_LOCK:
        _DRAWN[key] = out
        while len(_DRAWN) > DRAWN_KEEP:
            _DRAWN.popitem(last=False)
    return list(out)


def _drawn_key(job: Job, dot: str | None) -> tuple[str, str, bool, str | None]:
    return job.made_from(), job.font, job.chart is None, dot


def remembered(job: Job, dot: str | None) -> bool:
    with _DRAWN_LOCK:
        return _drawn_key(job, dot) in _DRAWN


def first_sources(job: Job) -> list[str]:
    """The DOT sources ``job`` draws first, whatever they show: the chart as planned, and its
    risk table whole. Only a chart that hides a label or does not fit its page needs more."""
    out = [job.source]
    if job.table and job.chart is not None and job.chart.risks:
        out.append(risk_table_dot(job.chart, job.font))
    return out


def _choose(job: Job, dot: str | None, drawn: dict[str, bytes] | None = None) -> list[Drawing]:
    chart = job.chart
    if chart is None:
        out = [_drawing("", job.source, dot, drawn)]
    else:
        first = _drawing("", job.source, dot, drawn)
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
        table = [_drawing("_table", risk_table_dot(chart, job.font), dot, drawn)]
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


def png_pages(job: Job, dot: str | None, drawn: dict[str, bytes] | None = None) -> list[Raster]:
    """What the PNG files of ``job`` are drawn from: each page at 200 dpi of its printed size."""
    device = png_device(dot) if dot is not None else CAIRO_PNG
    return [raster(d, fit(d.width, d.height, job.page).scale, device) for d in drawings(job, dot, drawn)]


def job_files(job: Job, fmt: ChartFormat, dot: str | None, rasters: dict[Raster, bytes] | None = None,
              drawn: dict[str, bytes] | None = None) -> list[tuple[str, bytes]]:
    """Every file ``job`` makes (name, bytes); the first is ``job.name``.

    ``rasters``: PNGs already drawn, used instead of running dot again; ``drawn``: SVGs already
    drawn, by DOT source (the first drawings of a batch of jobs)."""
    stem, ext = job.name.rsplit(".", 1)
    if fmt is ChartFormat.DOT:
        out = [(job.name, job.source.encode("utf-8"))]
        if job.table and job.chart is not None and job.chart.risks:
            out.append((f"{stem}_table.{ext}", risk_table_dot(job.chart, job.font).encode("utf-8")))
        return out
    pages = drawings(job, dot, drawn)
    fits = [fit(d.width, d.height, job.page) for d in pages]
    if fmt is ChartFormat.SVG:
        return [(f"{stem}{d.suffix}.{ext}", finish_svg(d.svg, f.scale)) for d, f in zip(pages, fits, strict=True)]
    if fmt is ChartFormat.PNG:
        done = rasters or {}
        return [(f"{stem}{d.suffix}.{ext}", with_resolution(done.get(r) or draw_raster(r, dot), int(PNG_DPI)))
                for d, r in zip(pages, png_pages(job, dot, drawn), strict=True)]
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
    if fmt is ChartFormat.PNG:
        version += f"\0-T{png_device(dot)}"  # another writer, other bytes: drawn again
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

    drawn: dict[str, bytes] = {}  # the first SVGs of the jobs at hand, drawn in batches
    rasters: dict[Raster, bytes] = {}  # the PNGs of the jobs at hand, drawn in batches

    def work(item: tuple[int, Job, str]) -> tuple[int, Outcome, str, list[tuple[str, bytes]] | None]:
        i, job, key = item
        path = folder / job.name
        try:
            files = job_files(job, fmt, dot, rasters, drawn)
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
                for i, outcome, key, files in _in_turn(pool, work, todo, drawn, rasters, dot, fmt):
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


def _in_turn(pool: ThreadPoolExecutor, work, todo: list, drawn: dict, rasters: dict, dot: str | None,
             fmt: ChartFormat, chunk: int = 64):
    """``work`` over ``todo`` in the pool, results in order. A chunk of jobs at a time (a
    handbook's PNGs are 100 MB and more), first the SVGs every job of the chunk draws first, then
    for PNGs the rasters of their pages, each in batches: a run of ``dot`` per batch, not per page."""
    for k in range(0, len(todo), chunk):
        part = todo[k:k + chunk]
        drawn.clear()
        rasters.clear()
        if dot is not None and fmt is not ChartFormat.DOT and len(part) > 1:
            jobs = [job for _, job, _ in part]
            drawn.update(_batched_drawings(pool, jobs, dot))
            if fmt is ChartFormat.PNG:
                rasters.update(_batched_rasters(pool, jobs, dot, drawn))
        yield from pool.map(work, part)
    drawn.clear()
    rasters.clear()


# a run keeps some state from graph to graph: one laid out by lianfang (layout=nop2, every
# position given) makes dot expect positions in the graphs after it, so each kind runs apart
_NOP = re.compile(r"^\s*layout=\"?nop2\b", re.MULTILINE)
_CLUSTERS = re.compile(r"^\s*subgraph \"?cluster", re.MULTILINE)


def _kind(source: str) -> str:
    return "nop2" if _NOP.search(source) else "dot"


def _batches(sources: list[str], size: int) -> list[list[str]]:
    kinds: dict[str, list[str]] = {}
    for source in sources:
        kinds.setdefault(_kind(source), []).append(source)
    return [group[k:k + size] for group in kinds.values() for k in range(0, len(group), size) if len(group[k:k + size]) > 1]


def _batched_drawings(pool: ThreadPoolExecutor, jobs: list[Job], dot: str) -> dict[str, bytes]:
    """The first SVGs of ``jobs`` not drawn yet (``first_sources``), SVG_BATCH a run, by source; a
    batch that fails is left out, its graphs drawn one by one later.

    A graph that dot lays out with more than one cluster is drawn alone: the order a run shuffles
    could place its clusters otherwise (lianfang's dot-laid graphs have one at most)."""
    wanted = list(dict.fromkeys(s for job in jobs if not remembered(job, dot) for s in first_sources(job)))
    wanted = [s for s in wanted if _kind(s) == "nop2" or len(_CLUSTERS.findall(s)) <= 1]
    batches = _batches(wanted, SVG_BATCH)
    out: dict[str, bytes] = {}
    for batch, svgs in zip(batches, pool.map(lambda b: render_svgs(b, dot), batches), strict=True):
        if svgs is not None:
            out.update(zip(batch, svgs, strict=True))
    return out


def _batched_rasters(pool: ThreadPoolExecutor, jobs: list[Job], dot: str,
                     drawn: dict[str, bytes] | None = None) -> dict[Raster, bytes]:
    """The PNG of every page of ``jobs``, drawn PNG_BATCH at a time (each at its own dpi); a batch
    that fails is left out, its pages drawn one by one later."""

    def pages(job: Job) -> list[Raster]:
        try:
            return png_pages(job, dot, drawn)
        except (RenderError, OSError):
            return []  # reported when the job itself is drawn

    wanted = list(dict.fromkeys(r for job_pages in pool.map(pages, jobs) for r in job_pages))
    by_device: dict[str, list[Raster]] = {}
    for r in wanted:
        by_device.setdefault(r.device, []).append(r)
    batches = []
    for group in by_device.values():
        by_source = {r.source: r for r in group}
        batches += [[by_source[s] for s in batch] for batch in _batches(list(by_source), PNG_BATCH)]
    out: dict[Raster, bytes] = {}
    for batch, pngs in zip(batches, pool.map(lambda b: render_pngs(b, dot), batches), strict=True):
        for r, png in zip(batch, pngs or [], strict=False):
            if png is not None:
                out[r] = png
    return out
