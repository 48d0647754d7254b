"""Chinese by default, English on request.

User-facing text is written inline as a pair, ``tr("中文", "English")``, so a message and its
translation live side by side in the module that says it.
"""

from __future__ import annotations

import os
from contextvars import ContextVar

LANGS = ("zh", "en")

_lang: ContextVar[str | None] = ContextVar("lianfang_lang", default=None)


def current_lang() -> str:
    """The active language: an explicit ``set_lang`` wins, then ``LIANFANG_LANG``, then zh."""
    lang = _lang.get()
    if lang:
        return lang
    env = os.environ.get("LIANFANG_LANG", "").strip().lower()
    return "en" if env.startswith("en") else "zh"


def set_lang(lang: str | None) -> None:
    if lang is not None and lang not in LANGS:
        raise ValueError(lang)
    _lang.set(lang)


def tr(zh: str, en: str, **params: object) -> str:
    text = en if current_lang() == "en" else zh
    return text.format(**params) if params else text
