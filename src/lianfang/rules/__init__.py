"""Validation rules: every rule of the catalogue, one small unit each.

Importing this package registers every rule module, listed here explicitly: LF100–LF107 and
LF206 (emitted by the readers), references LF201–LF205, coverage LF301–LF308, quality
LF401–LF408, flows LF501–LF506.
"""

from lianfang.rules import coverage, flows, quality, reading, references  # noqa: F401
from lianfang.rules.base import REGISTRY, Context, Rule, register

__all__ = ["REGISTRY", "Context", "Rule", "register"]
