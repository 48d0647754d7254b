"""Shared fixtures. Tests never depend on the terminal: colour and width are pinned."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

# CI sets GITHUB_ACTIONS / FORCE_COLOR-style variables; pin what rich looks at.
for var in ("FORCE_COLOR", "GITHUB_ACTIONS", "CLICOLOR_FORCE", "LIANFANG_LANG"):
    os.environ.pop(var, None)
os.environ["NO_COLOR"] = "1"
os.environ["COLUMNS"] = "200"
os.environ["TERM"] = "dumb"


@pytest.fixture(autouse=True)
def _chinese_by_default():
    from lianfang.i18n import set_lang

    set_lang(None)
    os.environ.pop("LIANFANG_LANG", None)
    yield
    set_lang(None)
    os.environ.pop("LIANFANG_LANG", None)


@pytest.fixture
def runner():
    from typer.testing import CliRunner

    return CliRunner()


@pytest.fixture
def app():
    from lianfang.cli.app import create_app

    return create_app()
