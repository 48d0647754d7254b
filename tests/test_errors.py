"""One exception hierarchy: every error lianfang can explain derives from ``LianfangError``, and
the CLI's ``main`` turns any of them into a message and exit status 2, never a traceback."""

from __future__ import annotations

import sys

import pytest
import typer

from lianfang.board.load import BoardError
from lianfang.cli import app as app_module
from lianfang.config import ConfigError
from lianfang.diff.revision import PreviousError
from lianfang.discover import DiscoveryError
from lianfang.errors import LianfangError
from lianfang.flowchart.render import GraphvizMissing, RenderError
from lianfang.handbook.build import BuildError
from lianfang.handbook.config import HandbookConfigError
from lianfang.handbook.docx import DocxProblem
from lianfang.handbook.docx_pdf import PdfProblem
from lianfang.handbook.markdown import TemplateProblem
from lianfang.handbook.project import ProjectError
from lianfang.handbook.reproducible import ReproducibilityError
from lianfang.io.atomic import OutputError
from lianfang.io.encoding import EncodingProblem
from lianfang.legacy.build import NoTableError
from lianfang.legacy.grid import LegacyFileError
from lianfang.publish.build import PublishError
from lianfang.rules.base import DuplicateRuleError

PUBLIC = [ConfigError, DiscoveryError, GraphvizMissing, RenderError, BuildError, HandbookConfigError, TemplateProblem,
          ProjectError, ReproducibilityError, OutputError, EncodingProblem, DuplicateRuleError, BoardError, PublishError,
          LegacyFileError, NoTableError, PreviousError, DocxProblem, PdfProblem]


@pytest.mark.parametrize("cls", PUBLIC, ids=lambda c: c.__name__)
def test_every_public_error_is_a_lianfang_error(cls):
    assert issubclass(cls, LianfangError) and cls.exit_status == 2


def test_value_errors_stay_value_errors():
    """Callers that caught ValueError still catch these."""
    for cls in (ConfigError, HandbookConfigError, ReproducibilityError, EncodingProblem, DuplicateRuleError):
        assert issubclass(cls, ValueError)


def _app_raising(error: Exception):
    def create_app() -> typer.Typer:
        app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)

        @app.command()
        def boom() -> None:
            raise error

        return app

    return create_app


@pytest.mark.parametrize("error", [
    OutputError("out.json 已存在"),
    ConfigError("lianfang.toml:2: 未知的键「ignor」"),
    HandbookConfigError(["handbook.yaml:3:1: 未知的键"]),
], ids=lambda e: type(e).__name__)
def test_main_prints_a_lianfang_error_and_exits_2(monkeypatch, capsys, error):
    monkeypatch.setattr(app_module, "create_app", _app_raising(error))
    monkeypatch.setattr(sys, "argv", ["lianfang"])
    with pytest.raises(SystemExit) as e:
        app_module.main()
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert err == f"错误: {error}\n" and "Traceback" not in err


def test_main_keeps_an_unexpected_error_short(monkeypatch, capsys):
    monkeypatch.delenv("LIANFANG_DEBUG", raising=False)
    monkeypatch.setattr(app_module, "create_app", _app_raising(KeyError("x")))
    monkeypatch.setattr(sys, "argv", ["lianfang"])
    with pytest.raises(SystemExit) as e:
        app_module.main()
    assert e.value.code == 2 and "内部错误" in capsys.readouterr().err
