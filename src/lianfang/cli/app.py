"""The root ``lianfang`` command: options shared by all, and the registration of every command.

Commands are registered in ``COMMANDS``, one line each, and imported only when they run: git
textconv and pre-commit start lianfang once per file, so ``lianfang --version``, ``--help`` and
one command must not pay for importing every other command (openpyxl, the models, Graphviz,
Jinja). ``lianfang --help`` lists the commands from the table's one-line summaries; the
command's module, with its full help (``HELP_ZH`` / ``HELP_EN``), is imported when it runs or
shows its own help.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import NamedTuple

import typer
from typer.core import TyperGroup

from lianfang import __version__
from lianfang.cli.common import EXIT_ERROR, LangOption
from lianfang.errors import LianfangError
from lianfang.i18n import set_lang, tr


class Command(NamedTuple):
    name: str
    target: str  # "module:function" under lianfang.cli; a function named create_app makes a group
    summary_zh: str  # the line shown in ``lianfang --help``
    summary_en: str


# Every command, in the order ``lianfang --help`` lists them. Its module has HELP_ZH / HELP_EN.
COMMANDS: tuple[Command, ...] = (
    Command("init", "init_cmd:init", "新建单位工作簿（Excel 或 YAML），可填入示例", "Create a unit workbook (Excel or YAML), optionally an example"),
    Command("convert", "convert_cmd:convert", "在 Excel（.xlsx）和 YAML 之间转换工作簿，内容不丢失", "Convert a workbook between Excel (.xlsx) and YAML without loss"),
    Command("import", "import_cmd:import_legacy", "把原有的风险防控一览表（Word 或 Excel）导入为工作簿", "Import a legacy risk table (Word or Excel) into a workbook"),
    Command("validate", "validate_cmd:validate", "按规则目录检查工作簿，报告每一处问题及其位置", "Check workbooks against the rule catalogue; every finding, located"),
    Command("coverage", "coverage_cmd:coverage", "风险点由防控措施一对一覆盖的情况及统计", "How the measures cover the risk points (一对一), with figures"),
    Command("flowchart", "flowchart_cmd:flowchart", "用 Graphviz 绘制内部、外部权力运行流程图", "Draw the internal and external power-operation flowcharts"),
    Command("diff", "diff_cmd:diff", "比较同一单位工作簿的两个版本，列出实质性变化", "Compare two versions of a unit's workbook: what really changed"),
    Command("rules", "rules_cmd:rules", "列出全部校验规则，或解释一条规则及其选项", "List the validation rules, or explain one and its options"),
    Command("schema", "schema_cmd:schema", "输出 YAML 工作簿的 JSON Schema，供编辑器补全和检查", "Print the JSON Schema of the YAML workbook, for editors"),
    Command("git-setup", "git_setup_cmd:git_setup", "让 git diff 把 .xlsx 工作簿显示为 YAML 文本", "Make git diff show .xlsx workbooks as YAML text"),
    Command("status", "status_cmd:status", "工作进度看板：各单位进度、工作阶段和考核得分", "The status board: every unit's progress, phases and score"),
    Command("publish", "publish_cmd:publish", "生成公示版本（风险点、措施、外部流程，不含个人信息）", "Make the public (公示) version, without personal data"),
    Command("handbook", "handbook_cmd:create_app", "汇编廉政风险防控管理工作手册", "Compile the integrity-risk handbook (工作手册)"),
)
_BY_NAME = {c.name: c for c in COMMANDS}


def load_command(entry: Command) -> typer.Typer:
    """The command's own Typer app, its module imported now; help in the active language."""
    module_name, _, attr = entry.target.partition(":")
    module = importlib.import_module(f"lianfang.cli.{module_name}")
    target = getattr(module, attr)
    from lianfang.cli.words import LianfangCommand, help_text

    text = help_text(module.HELP_ZH, module.HELP_EN)
    if attr == "create_app":  # a command group with commands of its own
        sub = target()
        sub.info.help = text
        return sub
    sub = typer.Typer(add_completion=False, rich_markup_mode="rich")
    sub.command(entry.name, cls=LianfangCommand, help=text)(target)
    return sub


# click's UsageError, reached through typer's public BadParameter (typer vendors click)
_UsageError: type[Exception] = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")


class _Summary(typer.core.TyperCommand):
    """A command as the listing of ``lianfang --help`` shows it, without importing it."""


class LazyGroup(TyperGroup):
    """The root group: commands from ``COMMANDS``, each imported on first use.

    Usage errors (an unknown command or option) are said in the interface language by
    ``cli.words``, imported only when one happens: it costs as much as Typer itself.
    """

    def collect_usage_pieces(self, ctx) -> list[str]:
        return [tr("[选项]", "[OPTIONS]"), tr("命令 [参数]…", "COMMAND [ARGS]...")]

    def format_usage(self, ctx, formatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix=tr("用法：", "Usage: "))

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except _UsageError as e:
            from lianfang.cli.words import reraise_translated

            reraise_translated(e, ctx)
            raise  # not reached

    def resolve_command(self, ctx, args: list[str]):
        try:
            return super().resolve_command(ctx, args)
        except _UsageError as e:
            from lianfang.cli.words import reraise_translated

            reraise_translated(e, ctx)
            raise  # not reached

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._listing = False

    def list_commands(self, ctx) -> list[str]:
        return [c.name for c in COMMANDS]

    def get_command(self, ctx, cmd_name: str):
        entry = _BY_NAME.get(cmd_name)
        if entry is None:
            return None
        if self._listing:
            return _Summary(entry.name, short_help=tr(entry.summary_zh, entry.summary_en))
        command = self.commands.get(cmd_name)
        if command is None:
            command = self.commands[cmd_name] = typer.main.get_command(load_command(entry))
            command.name = cmd_name
        return command

    def format_help(self, ctx, formatter) -> None:
        """``lianfang --help``, drawn here with a few rich parts: Typer's own help renderer
        imports Markdown and syntax highlighting, which alone cost more than Typer and rich
        together, and this listing needs neither. A command's own help is still Typer's."""
        from rich import box
        from rich.console import Group
        from rich.panel import Panel
        from rich.table import Table
        from rich.text import Text

        from lianfang.cli.common import out

        def panel(title: str, rows: list[tuple[str, ...]]) -> Panel:
            table = Table.grid(padding=(0, 2))
            for _ in rows[0][:-1]:
                table.add_column(style="bold cyan", no_wrap=True)
            table.add_column(overflow="fold")  # Chinese breaks between any two characters: never cut with …
            for row in rows:
                table.add_row(*row[:-1], Text(row[-1], overflow="fold"))
            return Panel(table, title=title, title_align="left", border_style="dim", box=box.ROUNDED)

        options = []
        for param in self.get_params(ctx):
            names = [*param.opts, *param.secondary_opts]
            long = next((n for n in names if n.startswith("--")), names[0])
            short = next((n for n in names if not n.startswith("--")), "")
            metavar = "" if getattr(param, "is_flag", False) else (param.metavar or "")
            help_ = tr("显示本帮助并退出", "show this help and exit") if long == "--help" else (param.help or "")
            options.append((long, short, metavar, help_))
        self._listing = True
        try:
            commands = [(name, self.get_command(ctx, name).short_help or "") for name in self.list_commands(ctx)]
        finally:
            self._listing = False
        usage = tr("用法：", "Usage: ") + ctx.command_path + " " + " ".join(self.collect_usage_pieces(ctx))
        parts = [Text(" " + usage, style="bold")]
        for para in (self.help or "").split("\n\n"):
            parts += [Text(""), Text(" " + para.strip())]
        parts += [Text(""), panel(tr("选项", "Options"), options), panel(tr("命令", "Commands"), commands)]
        out().print(Group(*parts), highlight=False)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"lianfang {__version__}")
        raise typer.Exit()


def create_app() -> typer.Typer:
    """Build the app; help texts are in the language active at this moment."""
    app = typer.Typer(
        cls=LazyGroup,
        name="lianfang",
        help=tr(
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
        version: bool = typer.Option(False, "--version", "-V", help=tr("显示版本并退出", "show the version and exit"),
                                     callback=_version, is_eager=True),
    ) -> None:
        pass

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
    except LianfangError as e:  # anything lianfang can explain (a bad setting met while working): not a bug
        sys.stderr.write(f"{tr('错误', 'error')}: {e}\n")
        sys.exit(e.exit_status)
    except Exception as e:  # the last net: never a traceback for the user
        if os.environ.get("LIANFANG_DEBUG"):
            raise
        sys.stderr.write(tr("lianfang 内部错误：{e}（设置 LIANFANG_DEBUG=1 可查看详情）\n",
                            "lianfang internal error: {e} (set LIANFANG_DEBUG=1 for details)\n", e=e))
        sys.exit(EXIT_ERROR)
    finally:
        from lianfang.speed import exit_without_collection

        exit_without_collection()
