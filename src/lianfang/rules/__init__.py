"""Validation rules: every rule of the catalogue, one small unit each.

The catalogue's modules (``base.CATALOGUE``): LF100–LF107 and LF206 (reading, emitted by the
readers), references LF201–LF205, coverage LF301–LF308, quality LF401–LF408, flows LF501–LF506.
``REGISTRY`` imports them all when it is first asked for a rule; importing one module (convert
imports ``rules.reading``) loads only that one.
"""

from lianfang.rules.base import REGISTRY, Context, Rule, register

__all__ = ["REGISTRY", "Context", "Rule", "register"]
