"""``lianfang handbook init``: a new handbook project folder, ready to build.

::

    handbook.yaml                 what the handbook is built from
    units/<code>.yaml             the bundled example unit (replace it with the units' workbooks)
    docs/1-有关法律法规/README.md   what belongs in each document part (READMEs are never included)
    docs/2-三定方案/README.md
    docs/6-制度/README.md
    docs/7-工作资料/README.md
    docs/8-其他材料/README.md
    templates/handbook.docx       the Word handbook's template: styles, margins, footer, cover
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from jinja2 import Environment, StrictUndefined

from lianfang.board.assessment import DEFAULT_WEIGHTS
from lianfang.board.campaign import default_phases
from lianfang.errors import LianfangError
from lianfang.handbook.config import CONFIG_NAME
from lianfang.handbook.filters import install
from lianfang.i18n import tr
from lianfang.io.atomic import OutputError, write_atomic

# the document parts and their folders under docs/ (the names handbook.yaml.j2 uses)
DOC_FOLDERS: dict[int, str] = {1: "1-有关法律法规", 2: "2-三定方案", 6: "6-制度", 7: "7-工作资料", 8: "8-其他材料"}
UNITS_FOLDER = "units"


class ProjectError(LianfangError):
    """The folder cannot be made into a handbook project; the message says why."""


def _template(name: str) -> str:
    return files("lianfang.templates").joinpath(name).read_text(encoding="utf-8")


def init_project(folder: Path, *, force: bool = False, organisation: str | None = None,
                 year: int | None = None, title: str | None = None) -> list[Path]:
    """Scaffold a handbook project in ``folder``; returns the files written.

    Refuses a folder that exists and is not empty unless ``force`` (which replaces only the
    scaffold's own files, never anything else in the folder).
    """
    from lianfang.data import example_text, example_workbook

    if folder.exists() and not folder.is_dir():
        raise ProjectError(tr("{p} 不是文件夹", "{p} is not a folder", p=folder))
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise ProjectError(tr("文件夹 {p} 不是空的；如需在其中生成手册项目请加 --force",
                              "the folder {p} is not empty; use --force to scaffold into it", p=folder))
    example = example_workbook()
    organisation = organisation or example.unit.parent or example.unit.name
    year = year or example.unit.year
    env = install(Environment(undefined=StrictUndefined, keep_trailing_newline=True, autoescape=False))
    config_text = env.from_string(_template("handbook.yaml.j2")).render(
        title=title or organisation + "廉政风险防控管理工作手册", organisation=organisation, year=year,
        phases=default_phases(year), weights=DEFAULT_WEIGHTS)

    plan: list[tuple[Path, bytes | str]] = [
        (folder / CONFIG_NAME, config_text),
        (folder / UNITS_FOLDER / f"{(example.code or 'example').lower()}.yaml", example_text()),
    ]
    for part, name in DOC_FOLDERS.items():
        plan.append((folder / "docs" / name / "README.md", _template(f"readme_part{part}.md")))
    from lianfang.handbook.docx import TEMPLATE_NAME, default_template

    plan.append((folder / "templates" / TEMPLATE_NAME, default_template()))
    written = []
    try:
        for path, content in plan:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, content, force=force)
            written.append(path)
    except OSError as e:
        raise ProjectError(tr("无法写入 {p}：{e}", "cannot write {p}: {e}", p=folder, e=e.strerror or e)) from None
    except OutputError as e:
        raise ProjectError(str(e)) from None
    return written
