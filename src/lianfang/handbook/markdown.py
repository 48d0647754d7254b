"""The Markdown handbook: the Jinja environment and rendering ``handbook.md``.

Templates ship in the package (``lianfang/templates``); a user's folder, from ``--templates`` or
``templates:`` in handbook.yaml, comes first, so a file of the same name overrides the shipped
one. Undefined names fail loudly (``StrictUndefined``); escaping is done by the ``md`` and
``mdcell`` filters, not by HTML autoescaping. User templates run sandboxed: they can read the
context but not reach Python internals.
"""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
)
from jinja2.sandbox import SandboxedEnvironment

from lianfang.errors import LianfangError
from lianfang.handbook.context import HandbookContext
from lianfang.handbook.filters import install
from lianfang.i18n import tr

MAIN_TEMPLATE = "handbook.md.j2"
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


class TemplateProblem(LianfangError):
    """A template that cannot be loaded or rendered; the message names the template and line."""


class _Sandbox(SandboxedEnvironment):
    """The sandbox, quicker on the view model's own objects (what every template reads ~120,000
    times for 50 units): for an instance of one of those plain dataclasses, jinja's own check comes
    down to the name not starting with ``_`` (it is neither a function, a method, a type, a frame
    nor a generator), so that is all that is asked; anything else gets jinja's whole check."""

    def is_safe_attribute(self, obj, attr: str, value) -> bool:
        if type(obj) in _VIEW_TYPES:
            return not attr.startswith("_")
        return super().is_safe_attribute(obj, attr, value)


def _view_types() -> frozenset[type]:
    from dataclasses import is_dataclass

    from lianfang.handbook import view

    return frozenset(t for t in vars(view).values() if isinstance(t, type) and is_dataclass(t)
                     and t.__module__ == view.__name__)


_VIEW_TYPES = _view_types()


def environment(user_templates: Path | None = None) -> SandboxedEnvironment:
    loaders: list[BaseLoader] = []
    if user_templates is not None:
        loaders.append(FileSystemLoader(str(user_templates)))
    loaders.append(PackageLoader("lianfang", "templates"))
    env = _Sandbox(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return install(env)


def render_markdown(ctx: HandbookContext, user_templates: Path | None = None) -> str:
    """``handbook.md`` as text: deterministic for the same context and templates."""
    env = environment(user_templates)
    try:
        text = env.get_template(MAIN_TEMPLATE).render(ctx.as_template_vars())
    except TemplateSyntaxError as e:
        raise TemplateProblem(tr("模板 {n} 第 {l} 行有语法错误：{m}", "template {n}, line {l}: syntax error: {m}",
                                 n=e.filename or e.name, l=e.lineno, m=e.message)) from None
    except TemplateNotFound as e:
        raise TemplateProblem(tr("找不到模板 {n}", "template {n} not found", n=e.name)) from None
    except UndefinedError as e:
        raise TemplateProblem(tr("模板使用了未定义的名称：{m}", "a template uses an undefined name: {m}", m=e.message)) from None
    except TemplateError as e:
        raise TemplateProblem(tr("模板无法渲染：{m}", "a template cannot be rendered: {m}", m=e.message or e)) from None
    return tidy(text)


def tidy(text: str) -> str:
    """At most one blank line between blocks (outside code fences), one newline at the end."""
    out: list[str] = []
    fence: str | None = None
    for line in text.splitlines():
        m = _FENCE.match(line)
        if m:
            marker = m.group(1)[0]
            fence = marker if fence is None else (None if marker == fence else fence)
        if fence is None and not line.strip():
            if out and not out[-1].strip():
                continue
            line = ""
        out.append(line)
    while out and not out[-1].strip():
        out.pop()
    while out and not out[0].strip():
        out.pop(0)
    return "\n".join(out) + "\n"
