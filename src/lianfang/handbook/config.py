"""``handbook.yaml``: what a handbook is built from, validated with the line and column of each error.

The file is only *composed* (ruamel.yaml), never constructed, so no tag is honoured, as for unit
workbooks. Every path it names is taken relative to the project folder (the folder holding
handbook.yaml) and may not leave it — no absolute path, no ``..`` out of it, no symlink out of
it — unless the file says ``allow_outside: true``.

Example::

    title: 巢湖市卫生系统廉政风险防控管理工作手册
    organisation: 巢湖市卫生局
    year: 2026
    units: [units/*.yaml]
    documents:
      laws: [docs/1-法律法规/*]          # 第一部分 有关法律法规
      mandate: [docs/2-三定方案/*]       # 第二部分 “三定”方案文件
      institutions: [docs/6-制度/*]      # 第六部分 修订完善的各项制度
      materials: [docs/7-工作资料/*]     # 第七部分 有关文件、经验总结、公开公示及宣传报道材料
      other: [docs/8-其他/*]             # 第八部分 其他有关材料
    templates: templates/
    font: Noto Sans CJK SC
    output: build/handbook
    previous: git:HEAD~1               # 调整修正情况: each unit against its previous version
"""

from __future__ import annotations

import glob
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from lianfang.board.assessment import Assessment
from lianfang.board.campaign import Campaign
from lianfang.i18n import tr
from lianfang.io.encoding import EncodingProblem, decode_text
from lianfang.publish.fields import PublishConfig

CONFIG_NAME = "handbook.yaml"
FORMATS = ("md", "xlsx", "docx", "pdf")
DEFAULT_FORMATS = ("md", "xlsx", "docx")  # pdf needs LibreOffice: asked for explicitly
MAX_BYTES = 1024 * 1024
MAX_NODES = 100_000
MAX_DEPTH = 16

_NULL_TAG = "tag:yaml.org,2002:null"
_STANDARD_TAGS = frozenset(
    "tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
)
_GLOB_CHARS = frozenset("*?[")

# the parts of the handbook that take documents: key → part number
DOCUMENT_PARTS: dict[str, int] = {"laws": 1, "mandate": 2, "institutions": 6, "materials": 7, "other": 8}


class HandbookConfigError(ValueError):
    """handbook.yaml cannot be used; ``problems`` are the located messages, one per line."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


class DocumentRef(BaseModel):
    """One document entry: a path or glob, with an optional title shown in the handbook."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(min_length=1)
    title: str | None = None


class Documents(BaseModel):
    """The documents of parts 1, 2, 6, 7 and 8 (the other parts come from the workbooks)."""

    model_config = ConfigDict(extra="forbid")

    laws: list[DocumentRef] = Field(default_factory=list)
    mandate: list[DocumentRef] = Field(default_factory=list)
    institutions: list[DocumentRef] = Field(default_factory=list)
    materials: list[DocumentRef] = Field(default_factory=list)
    other: list[DocumentRef] = Field(default_factory=list)

    @field_validator("*", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        if value is None:
            return []
        if isinstance(value, str | dict):
            value = [value]
        if isinstance(value, list):
            return [{"path": v} if isinstance(v, str) else v for v in value]
        return value


class HandbookConfig(BaseModel):
    """The content of handbook.yaml; every path is relative to the project folder."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    title: str | None = None
    organisation: str | None = None
    year: int | None = Field(default=None, ge=1900, le=2200)
    units: list[str] = Field(min_length=1)
    documents: Documents = Field(default_factory=Documents)
    templates: str | None = None
    font: str | None = None
    output: str = "build/handbook"
    formats: list[str] = Field(default_factory=lambda: list(DEFAULT_FORMATS))
    allow_outside: bool = False
    # the previous version of each unit, for the 调整修正情况 (lianfang.diff.revision):
    # "git:REV", a path or glob (matched by 单位代码), or {单位代码: "git:REV" or path}
    previous: str | dict[str, str] | None = None
    campaign: Campaign | None = None  # the bureau's phases and dates (lianfang status)
    assessment: Assessment | None = None  # the 考核 rubric's weights (lianfang status)
    publish: PublishConfig | None = None  # which fields the 公示 version carries (lianfang publish)

    @field_validator("units", "formats", mode="before")
    @classmethod
    def _list(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()]
        return value

    @field_validator("formats")
    @classmethod
    def _known_formats(cls, value: list[str]) -> list[str]:
        out = []
        for v in value:
            v = v.strip().lower()
            if v not in FORMATS:
                raise ValueError(tr("未知的格式「{v}」（可选 md、xlsx、docx、pdf）", "unknown format {v!r} (md, xlsx, docx, pdf)", v=v))
            if v not in out:
                out.append(v)
        return out


@dataclass
class Project:
    """A handbook.yaml read and checked, with its folder and where each value was written."""

    config: HandbookConfig
    root: Path
    path: Path | None = None  # None: built in memory for a single unit
    positions: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    single: Path | None = None  # the workbook of a single unit's own handbook

    def where(self, *loc: Any) -> str:
        """``handbook.yaml:3:5`` for the value at ``loc``, or the nearest enclosing value."""
        name = str(self.path) if self.path else CONFIG_NAME
        key = tuple(loc)
        while key and key not in self.positions:
            key = key[:-1]
        line, col = self.positions.get(key, (1, 1))
        return f"{name}:{line}:{col}"

    def resolve(self, text: str, *loc: Any, must_exist: bool = True) -> Path:
        """``text`` as a path inside the project; ``HandbookConfigError`` when it leaves it."""
        return self.resolve_many(text, *loc, glob_ok=False, must_exist=must_exist)[0]

    def resolve_many(self, text: str, *loc: Any, glob_ok: bool = True, must_exist: bool = True,
                     accept: Callable[[Path], bool] | None = None) -> list[Path]:
        """Every file ``text`` names (a path or a glob), sorted; each checked to stay inside.

        A glob skips hidden files and whatever ``accept`` rejects; it must match something when
        ``must_exist``. A plain path must exist when ``must_exist``.
        """
        raw = Path(text.strip())
        if raw.is_absolute() and not self.config.allow_outside:
            raise HandbookConfigError([f"{self.where(*loc)}: " + tr(
                "路径「{p}」是绝对路径；handbook.yaml 中的路径应相对于项目文件夹（如确需引用外部文件，请设置 allow_outside: true）",
                "path {p!r} is absolute; paths in handbook.yaml are relative to the project folder (set allow_outside: true to allow it)",
                p=text)])
        pattern = raw if raw.is_absolute() else self.root / raw
        if glob_ok and _GLOB_CHARS & set(text):
            found = sorted(Path(p) for p in glob.glob(str(pattern), recursive=True))
            found = [p for p in found if p.is_file() and not p.name.startswith(".") and (accept is None or accept(p))]
            if not found and must_exist:
                raise HandbookConfigError([f"{self.where(*loc)}: " + tr(
                    "「{p}」没有匹配到任何文件", "{p!r} matches no file", p=text)])
            for p in found:
                self.check_inside(p, text, *loc)
            return found
        # outside first: whether a file outside the project exists is not this file's business
        self.check_inside(pattern, text, *loc)
        if must_exist and not pattern.exists():
            raise HandbookConfigError([f"{self.where(*loc)}: " + tr(
                "文件不存在：{p}", "no such file: {p}", p=text)])
        return [pattern]

    def check_inside(self, path: Path, text: str, *loc: Any) -> None:
        if self.config.allow_outside:
            return
        root = self.root.resolve()
        if not path.resolve().is_relative_to(root):
            raise HandbookConfigError([f"{self.where(*loc)}: " + tr(
                "路径「{p}」在项目文件夹 {r} 之外；如确需引用，请在 handbook.yaml 中设置 allow_outside: true",
                "path {p!r} leads outside the project folder {r}; set allow_outside: true in handbook.yaml to allow it",
                p=text, r=root)])

    def inside(self, path: Path) -> bool:
        """Whether ``path`` (already made absolute) may be read under this project's rules."""
        return self.config.allow_outside or path.resolve().is_relative_to(self.root.resolve())

    def unit_files(self) -> list[Path]:
        """Every unit workbook the config names, each once, in the order written (globs sorted)."""
        if self.single is not None:
            return [self.single]
        errors: list[str] = []
        seen: dict[Path, Path] = {}
        if self.path is not None:
            seen[self.path.resolve()] = self.path  # a glob such as **/* must not take handbook.yaml for a unit
        for i, text in enumerate(self.config.units):
            try:
                for p in self.resolve_many(text, "units", i, accept=_is_workbook):
                    seen.setdefault(p.resolve(), p)
            except HandbookConfigError as e:
                errors.extend(e.problems)
        if errors:
            raise HandbookConfigError(errors)
        return [p for key, p in seen.items() if self.path is None or key != self.path.resolve()]

    def documents(self) -> dict[int, list[tuple[Path, str | None]]]:
        """The files of each document part: part number → [(path, title)]."""
        errors: list[str] = []
        out: dict[int, list[tuple[Path, str | None]]] = {n: [] for n in DOCUMENT_PARTS.values()}
        for key, part in DOCUMENT_PARTS.items():
            for i, ref in enumerate(getattr(self.config.documents, key)):
                try:
                    # a folder's README (what belongs there) is not itself a document
                    paths = self.resolve_many(ref.path, "documents", key, i, must_exist=False, accept=_not_readme)
                    if not paths:
                        continue
                    if not paths[0].exists():
                        raise HandbookConfigError([f"{self.where('documents', key, i)}: " + tr(
                            "文件不存在：{p}", "no such file: {p}", p=ref.path)])
                except HandbookConfigError as e:
                    errors.extend(e.problems)
                    continue
                for p in paths:
                    if p.is_dir():
                        errors.append(f"{self.where('documents', key, i)}: " + tr(
                            "「{p}」是文件夹；请写出文件或通配符（如 {p}/*）", "{p!r} is a folder; name files or a glob ({p}/*)", p=ref.path))
                        continue
                    out[part].append((p, ref.title if len(paths) == 1 else None))
        if errors:
            raise HandbookConfigError(errors)
        return out

    def templates_dir(self, override: Path | None = None) -> Path | None:
        if override is not None:
            return override
        if self.config.templates is None:
            return None
        path = self.resolve(self.config.templates, "templates")
        if not path.is_dir():
            raise HandbookConfigError([f"{self.where('templates')}: " + tr(
                "templates 应为文件夹：{p}", "templates must be a folder: {p}", p=self.config.templates)])
        return path

    def output_dir(self, override: Path | None = None) -> Path:
        if override is not None:
            return override
        if self.single is not None:
            return Path(self.config.output)  # beside the user, not beside the workbook
        return self.resolve(self.config.output, "output", must_exist=False)


def _is_workbook(path: Path) -> bool:
    from lianfang.discover import is_workbook_name

    return is_workbook_name(path.name)


def _not_readme(path: Path) -> bool:
    return not path.name.lower().startswith("readme")


# -- reading handbook.yaml --------------------------------------------------------------


class _Walker:
    """Nodes → plain data (text scalars, lists, dicts) plus the position of every value and key."""

    def __init__(self) -> None:
        self.positions: dict[tuple, tuple[int, int]] = {}
        self.key_positions: dict[tuple, tuple[int, int]] = {}
        self.problems: list[tuple[tuple[int, int], str]] = []
        self.count = 0

    def value(self, node: Node, path: tuple, depth: int = 0) -> Any:
        self.count += 1
        if self.count > MAX_NODES or depth > MAX_DEPTH:
            raise HandbookConfigError([tr("handbook.yaml 结构过大或嵌套过深", "handbook.yaml is too large or too deeply nested")])
        self.positions[path] = _pos(node)
        tag = getattr(node, "tag", None)
        tag = str(getattr(tag, "value", tag) or "")
        if tag and tag not in _STANDARD_TAGS:
            self.problems.append((_pos(node), tr("不允许使用 YAML 标签 {t}", "YAML tag {t} is not allowed", t=tag)))
            return None
        if isinstance(node, ScalarNode):
            if tag == _NULL_TAG and not node.style:
                return None
            return node.value
        if isinstance(node, SequenceNode):
            return [self.value(n, (*path, i), depth + 1) for i, n in enumerate(node.value)]
        if isinstance(node, MappingNode):
            out: dict[str, Any] = {}
            for k, v in node.value:
                key = str(k.value) if isinstance(k, ScalarNode) else ""
                if key in out:
                    self.problems.append((_pos(k), tr("键「{k}」重复", "key {k!r} is repeated", k=key)))
                    continue
                self.key_positions[(*path, key)] = _pos(k)
                out[key] = self.value(v, (*path, key), depth + 1)
            return out
        return None  # pragma: no cover


def _pos(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


_MESSAGES = {
    "missing": ("缺少必填项", "is required"),
    "extra_forbidden": ("未知的键（拼写错误？）", "unknown key (a typo?)"),
    "string_type": ("应为文本", "must be text"),
    "int_parsing": ("应为整数", "must be an integer"),
    "int_type": ("应为整数", "must be an integer"),
    "bool_parsing": ("应为 true 或 false", "must be true or false"),
    "bool_type": ("应为 true 或 false", "must be true or false"),
    "list_type": ("应为列表", "must be a list"),
    "model_type": ("应为映射（键: 值）", "must be a mapping (key: value)"),
    "model_attributes_type": ("应为映射（键: 值）", "must be a mapping (key: value)"),
    "dict_type": ("应为映射（键: 值）", "must be a mapping (key: value)"),
    "too_short": ("不能为空", "must not be empty"),
    "string_too_short": ("不能为空", "must not be empty"),
    "greater_than_equal": ("超出范围", "is out of range"),
    "less_than_equal": ("超出范围", "is out of range"),
}


def _describe(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _message(error: dict) -> str:
    kind = error["type"]
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"]))
    zh, en = _MESSAGES.get(kind, (error["msg"], error["msg"]))
    return tr(zh, en)


def load_project(path: Path) -> Project:
    """Read and check handbook.yaml; ``HandbookConfigError`` lists every problem with its place."""
    path = Path(path)
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise HandbookConfigError([f"{name}: " + tr("无法读取：{e}", "cannot read it: {e}", e=e.strerror or e)]) from None
    if len(data) > MAX_BYTES:
        raise HandbookConfigError([f"{name}: " + tr("文件过大", "the file is too large")])
    try:
        text = decode_text(data)
    except EncodingProblem as e:
        raise HandbookConfigError([f"{name}: {e}"]) from None
    try:
        root = YAML(typ="rt", pure=True).compose(text)
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark else name
        raise HandbookConfigError([f"{where}: " + tr("不是有效的 YAML：{p}", "not valid YAML: {p}", p=e.problem or e.context)]) from None
    except (YAMLError, RecursionError, ValueError) as e:
        raise HandbookConfigError([f"{name}: " + tr("不是有效的 YAML：{p}", "not valid YAML: {p}", p=e)]) from None
    if not isinstance(root, MappingNode):
        where = f"{name}:{_pos(root)[0]}:{_pos(root)[1]}" if root is not None else name
        raise HandbookConfigError([f"{where}: " + tr("handbook.yaml 顶层应为映射（title、units、documents…）",
                                                     "the top level of handbook.yaml must be a mapping (title, units, documents, …)")])
    walker = _Walker()
    raw = walker.value(root, ())
    located: list[tuple[tuple[int, int], str]] = list(walker.problems)
    config = None
    try:
        config = HandbookConfig.model_validate(raw)
    except ValidationError as e:
        for error in e.errors():
            loc = tuple(error["loc"])
            table = walker.key_positions if error["type"] == "extra_forbidden" else walker.positions
            key = loc
            while key and key not in table:
                key = key[:-1]
            line, col = table.get(key) or walker.positions.get(key, (1, 1))
            label = _describe(loc)
            located.append(((line, col), (f"{label}: " if label else "") + _message(error)))
    if located or config is None:
        # in the order of the file, as an editor shows them
        raise HandbookConfigError([f"{name}:{line}:{col}: {msg}" for (line, col), msg in sorted(located, key=lambda p: p[0])])
    return Project(config=config, root=path.parent, path=path, positions=walker.positions)


def unit_project(unit_file: Path) -> Project:
    """The project of a single unit's own handbook: that workbook, defaults for the rest.

    Title, organisation and year come from the workbook; the output is ``handbook/`` in the
    current folder.
    """
    config = HandbookConfig(units=[unit_file.name], output="handbook")
    return Project(config=config, root=unit_file.parent, path=None, single=unit_file)


def is_config_file(path: Path) -> bool:
    """Whether a YAML file is a handbook.yaml (has ``units``) rather than a unit workbook."""
    if path.suffix.lower() not in (".yaml", ".yml"):
        return False
    if path.name.lower() in ("handbook.yaml", "handbook.yml"):
        return True
    try:
        text = path.read_bytes()[:MAX_BYTES].decode("utf-8", errors="replace")
    except OSError:
        return False
    # top-level keys start a line; a workbook has unit (单位信息), a handbook.yaml has units
    keys = set(_TOP_KEY.findall(text))
    return "units" in keys and not keys & {"unit", "单位信息"}


_TOP_KEY = re.compile(r"^[\ufeff]?([^\s#:'\"{}\[\]-][^:\s]*)\s*:", re.MULTILINE)
