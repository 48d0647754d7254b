"""What a build keeps in ``<output>/.lianfang-cache`` so that an unchanged unit costs almost nothing.

A unit's entry holds its model and its findings as JSON, keyed by the SHA-256 of the file's
bytes together with everything else the result depends on: the lianfang code that reads and
checks (the source of ``io``, ``model`` and ``rules``), the settings (rules, severities,
options, as-of date) and the language of the messages. Change any of them and the key changes.
JSON, not pickle: the cache sits in an output folder and is read as data, never executed.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from lianfang import __version__
from lianfang.config import Settings
from lianfang.findings import Finding, Location, Severity
from lianfang.i18n import current_lang
from lianfang.io.atomic import OutputError, write_atomic
from lianfang.model.workbook import Workbook

CACHE_DIR = ".lianfang-cache"
SCHEMA = 1


@cache
def code_fingerprint() -> str:
    """A hash of the source that decides how a workbook is read and checked."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256(f"{__version__}\0{SCHEMA}".encode())
    for folder in ("io", "model", "rules"):
        for path in sorted((root / folder).rglob("*.py")):
            h.update(path.relative_to(root).as_posix().encode())
            h.update(path.read_bytes())
    for name in ("config.py", "findings.py"):
        path = root / name
        if path.is_file():
            h.update(path.read_bytes())
    return h.hexdigest()


@cache
def package_fingerprint() -> str:
    """A hash of all of lianfang (code, templates, data): what a handbook is rendered by."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256(f"{__version__}\0{SCHEMA}".encode())
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".j2", ".md", ".yaml", ".docx") and path.is_file() and "__pycache__" not in path.parts:
            h.update(path.relative_to(root).as_posix().encode() + b"\0")
            h.update(path.read_bytes())
    return h.hexdigest()


def sha256_file(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


class Manifest:
    """``.lianfang-cache/manifest.json``: what the last build wrote, and from what.

    ``outputs`` holds the hash of each handbook file as written, so a file lianfang wrote (and
    nobody edited since) may be rebuilt without ``--force``; ``digest`` is the hash of every input
    of that build, so an unchanged handbook is not written again; ``files`` lists the charts and
    attachments written, so that the next build removes only its own stale files. ``stats`` holds
    each output's size, times and inode as saved: a file that still has them all is the one written
    (no edit leaves its change time as it was), so ~150 MB of handbook are not read and hashed
    again in every build; a file with any of them changed is hashed.
    """

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.path = out_dir / CACHE_DIR / "manifest.json"
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("tool") != "lianfang":
                data = {}
        except (OSError, ValueError):
            data = {}
        outputs = data.get("outputs")
        files = data.get("files")
        # another schema (an earlier lianfang) still tells which files it wrote, so an upgrade
        # rebuilds them without --force; its digest means nothing now
        current = data.get("schema") == SCHEMA
        self.digest: str | None = data.get("digest") if current and isinstance(data.get("digest"), str) else None
        self.outputs: dict[str, str] = {k: v for k, v in outputs.items() if isinstance(k, str) and isinstance(v, str)} \
            if isinstance(outputs, dict) else {}
        self.files: list[str] = [f for f in files if isinstance(f, str)] if isinstance(files, list) else []
        stats = data.get("stats")
        self.stats: dict[str, list[int]] = {k: v for k, v in stats.items() if isinstance(v, list)} \
            if current and isinstance(stats, dict) else {}
        self._owned: dict[str, tuple[list[int] | None, bool]] = {}  # name → (stat, owned), this build

    def owns(self, name: str) -> bool:
        """Whether ``name`` in the output folder holds exactly what lianfang last wrote there."""
        recorded = self.outputs.get(name)
        if recorded is None:
            return False
        now = _stat(self.out_dir / name)
        if now is None:
            return False
        if self.stats.get(name) == now:
            return True
        known = self._owned.get(name)
        if known is None or known[0] != now:  # hashed once a build, unless it changed meanwhile
            known = self._owned[name] = now, sha256_file(self.out_dir / name) == recorded
        return known[1]

    def fresh(self, digest: str, names: list[str]) -> bool:
        """Whether the outputs ``names`` were made from ``digest`` and are untouched since."""
        return digest == self.digest and all(self.owns(n) for n in names)

    def save(self, digest: str, outputs: dict[str, str], files: list[str]) -> None:
        stats = {name: now for name in sorted(outputs) if (now := _stat(self.out_dir / name)) is not None}
        data = {"schema": SCHEMA, "tool": "lianfang", "digest": digest, "outputs": dict(sorted(outputs.items())),
                "files": sorted(files), "stats": stats}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, json.dumps(data, ensure_ascii=False, indent=1) + "\n", force=True)
        except (OSError, OutputError):
            pass


def _stat(path: Path) -> list[int] | None:
    """What changes whenever a file is written to or replaced: size, modification and change
    times (the change time cannot be set back by hand), inode."""
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def settings_fingerprint(settings: Settings) -> str:
    data = {
        "select": sorted(settings.select) if settings.select is not None else None,
        "ignore": sorted(settings.ignore),
        "severities": {k: (v.value if v is not None else None) for k, v in sorted(settings.severities.items())},
        "options": settings.options,
        "as_of": settings.as_of.isoformat(),
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def finding_from_dict(d: dict[str, Any]) -> Finding:
    return Finding(
        code=d["code"], name=d["name"], severity=Severity(d["severity"]), message=d["message"],
        location=Location(sheet=d.get("sheet"), row=d.get("row"), column=d.get("column"),
                          line=d.get("line"), col=d.get("col")),
        object=d.get("object"), field=d.get("field"),
    )


class EntryFolder:
    """A folder of a build's cache entries, one file a key (``<key><suffix>``): what the unit, plan,
    sheet and fragment caches share. Each derives its keys and reads and writes its entries' content
    as data; this keeps which entries the build used (and how many it found), writes them atomically
    (a cache that cannot be written only costs time) and forgets those the build did not use."""

    suffix = ".json"

    def __init__(self, folder: Path):
        self.folder = folder
        self.used: set[str] = set()
        self.hits = 0

    def read(self, key: str) -> bytes | None:
        try:
            return (self.folder / f"{key}{self.suffix}").read_bytes()
        except OSError:
            return None

    def found(self, key: str) -> None:
        """``key``'s entry was read and is good: it is used, and counts as found."""
        self.used.add(key)
        self.hits += 1

    def write(self, key: str, data: bytes | str) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomic(self.folder / f"{key}{self.suffix}", data, force=True)
        except (OSError, OutputError):
            return  # a cache that cannot be written only costs time
        self.used.add(key)

    def prune(self) -> None:
        """Forget the entries this build did not use."""
        if self.folder.is_dir():
            for path in self.folder.glob(f"*{self.suffix}"):
                if path.stem not in self.used:
                    path.unlink(missing_ok=True)


class UnitCache(EntryFolder):
    """Read and checked units of one output folder, by content hash."""

    def __init__(self, out_dir: Path, settings: Settings):
        super().__init__(out_dir / CACHE_DIR / "units")
        self.salt = f"{code_fingerprint()}\0{settings_fingerprint(settings)}\0{current_lang()}\0".encode()

    def key(self, data: bytes) -> str:
        return hashlib.sha256(self.salt + data).hexdigest()

    def load(self, key: str) -> tuple[Workbook, list[Finding]] | None:
        data = self.read(key)
        if data is None:
            return None
        try:
            entry = json.loads(data)
            if entry.get("schema") != SCHEMA:
                return None
            wb = Workbook.model_validate(entry["workbook"])
            findings = [finding_from_dict(d) for d in entry["findings"]]
        except (ValueError, KeyError, TypeError, AttributeError, ValidationError):
            return None
        self.found(key)
        return wb, findings

    def store(self, key: str, wb: Workbook | None, findings: list[Finding]) -> None:
        """Keep a unit whose model can be rebuilt from JSON (a model with unread values cannot)."""
        if wb is None:
            return
        data = wb.model_dump(mode="json")
        try:
            Workbook.model_validate(data)
        except ValidationError:
            return
        entry = {"schema": SCHEMA, "workbook": data, "findings": [f.to_dict() for f in findings]}
        self.write(key, json.dumps(entry, ensure_ascii=False))
