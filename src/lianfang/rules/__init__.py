"""Validation rules: every rule of the catalogue, one small unit each."""

from lianfang.rules import reading  # noqa: F401  (registers LF100–LF107)
from lianfang.rules.base import REGISTRY, Context, Rule, register

__all__ = ["REGISTRY", "Context", "Rule", "register"]
