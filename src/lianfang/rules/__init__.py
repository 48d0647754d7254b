"""Validation rules: every rule of the catalogue, one small unit each.

Importing this package registers every rule module (explicitly listed below).
"""

from lianfang.rules import reading  # noqa: F401  (LF100–LF107, LF206: emitted by the readers)
from lianfang.rules.base import REGISTRY, Context, Rule, register

__all__ = ["REGISTRY", "Context", "Rule", "register"]
