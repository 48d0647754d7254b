"""Shared fixtures. Tests never depend on the terminal: colour and width are pinned."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
# LIANFANG_UPDATE_GOLDEN=1 rewrites the golden files instead of comparing with them
UPDATE_GOLDEN = os.environ.get("LIANFANG_UPDATE_GOLDEN") == "1"

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


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the handbook fixture project (tests/fixtures/handbook: two units, documents, an
    institution file). A test module with a project of its own defines its own ``project``."""
    dest = tmp_path / "project"
    shutil.copytree(ROOT / "tests" / "fixtures" / "handbook", dest)
    return dest


@pytest.fixture
def check_golden(request) -> Callable[[str, str], None]:
    """``check_golden(name, text)``: ``text`` must equal the golden file ``name`` in the test
    module's ``GOLDEN`` folder; with LIANFANG_UPDATE_GOLDEN=1 the file is rewritten first."""
    folder: Path = request.module.GOLDEN

    def check(name: str, text: str) -> None:
        path = folder / name
        if UPDATE_GOLDEN:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        assert path.exists(), f"no golden file {path.name}: run with LIANFANG_UPDATE_GOLDEN=1"
        assert text == path.read_text(encoding="utf-8"), f"{name} differs; if intended, regenerate with LIANFANG_UPDATE_GOLDEN=1"

    return check
