"""The root ``lianfang`` command: options shared by all, and the registration of every command."""

from __future__ import annotations

import os
import sys

import typer

from lianfang import __version__
from lianfang.cli.common import EXIT_ERROR, LangOption
from lianfang.config import ConfigError
from lianfang.i18n import set_lang, tr
from lianfang.io.limits import SettingError


def _version(value: bool) -> None:
    if value:
        typer.echo(f"lianfang {__version__}")
        raise typer.Exit()


def create_app() -> typer.Typer:
    """Build the app; help texts are in the language active at this moment."""
    from lianfang.cli.words import LianfangCommand, LianfangGroup, help_text

    app = typer.Typer(
        cls=LianfangGroup,
        name="lianfang",
        help=help_text(
            "廉防：廉政风险防控工作簿的检查、流程图与工作手册工具。\n\n"
            "示例：lianfang init 单位.xlsx --example；lianfang validate units/",
            "lianfang: integrity-risk prevention workbooks — check, flowcharts, handbook.\n\n"
            "Example: lianfang init unit.xlsx --example; lianfang validate units/",
        ),
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode="rich",
        context_settings={"help_option_names": ["-h", "--help"]},
    )

    @app.callback()
    def root(
        lang: LangOption = None,
        version: bool = typer.Option(False, "--version", "-V", help=help_text("显示版本并退出", "show the version and exit"),
                                     callback=_version, is_eager=True),
    ) -> None:
        pass

    # Every command is registered here, explicitly; each module has HELP_ZH / HELP_EN.
    from lianfang.cli import (
        convert_cmd,
        coverage_cmd,
        diff_cmd,
        flowchart_cmd,
        git_setup_cmd,
        import_cmd,
        init_cmd,
        publish_cmd,
        rules_cmd,
        schema_cmd,
        status_cmd,
        validate_cmd,
    )

    for name, module, func in (
        ("init", init_cmd, init_cmd.init),
        ("convert", convert_cmd, convert_cmd.convert),
        ("import", import_cmd, import_cmd.import_legacy),
        ("validate", validate_cmd, validate_cmd.validate),
        ("coverage", coverage_cmd, coverage_cmd.coverage),
        ("flowchart", flowchart_cmd, flowchart_cmd.flowchart),
        ("rules", rules_cmd, rules_cmd.rules),
        ("schema", schema_cmd, schema_cmd.schema),
        ("git-setup", git_setup_cmd, git_setup_cmd.git_setup),
        ("diff", diff_cmd, diff_cmd.diff),
        ("status", status_cmd, status_cmd.status),
        ("publish", publish_cmd, publish_cmd.publish),
    ):
        app.command(name, cls=LianfangCommand, help=help_text(module.HELP_ZH, module.HELP_EN))(func)
    from lianfang.cli import handbook_cmd

    app.add_typer(handbook_cmd.create_app(), name="handbook", help=help_text(handbook_cmd.HELP_ZH, handbook_cmd.HELP_EN))
    return app


def _lang_from_argv(argv: list[str]) -> str | None:
    for i, a in enumerate(argv):
        if a == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith("--lang="):
            return a.split("=", 1)[1]
    return None


def main() -> None:
    from lianfang.cli.streams import prepare_standard_streams

    prepare_standard_streams()
    lang = _lang_from_argv(sys.argv[1:])
    if lang in ("zh", "en"):
        set_lang(lang)
    app = create_app()
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write(tr("已中断\n", "interrupted\n"))
        sys.exit(130)
    except (ConfigError, SettingError) as e:  # a bad setting met while working (LIANFANG_MAX_ROWS): not a bug
        sys.stderr.write(f"{tr('错误', 'error')}: {e}\n")
        sys.exit(EXIT_ERROR)
    except Exception as e:  # the last net: never a traceback for the user
        if os.environ.get("LIANFANG_DEBUG"):
            raise
        sys.stderr.write(tr("lianfang 内部错误：{e}（设置 LIANFANG_DEBUG=1 可查看详情）\n",
                            "lianfang internal error: {e} (set LIANFANG_DEBUG=1 for details)\n", e=e))
        sys.exit(EXIT_ERROR)
