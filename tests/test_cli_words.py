"""The interface stays in its language: help, usage, value labels and click's errors (cli/words.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lianfang.cli.words import summary, translate
from lianfang.i18n import set_lang

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = [[], ["validate"], ["coverage"], ["rules"], ["init"], ["convert"], ["import"], ["flowchart"], ["schema"],
            ["git-setup"], ["handbook"], ["handbook", "build"], ["handbook", "init"], ["status"], ["publish"], ["diff"]]
# what typer or click would say in English, and the type labels a clerk cannot read
ENGLISH_WORDS = ["Show this message", "Usage:", "Options", "Arguments", "Commands", "[default:", "[required]",
                 "<list[Path]>", "<bool>", "<path>", "<text>", "<integer>", "<int>", "[OPTIONS]"]
CUT = re.compile(r"…\s*│\s*$")  # rich cut a line of a panel short


def _help(runner, app, args: list[str]) -> str:
    result = runner.invoke(app, [*args, "--help"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a) or "lianfang")
def test_chinese_help_at_80_columns_is_whole_and_chinese(runner, app, args):
    text = _help(runner, app, args)
    assert not [line for line in text.splitlines() if CUT.search(line)], text
    assert not [w for w in ENGLISH_WORDS if w in text], text
    assert "用法：" in text and "显示本帮助并退出" in text and "─ 选项 ─" in text
    assert all(len(line) <= 80 for line in text.splitlines())


def test_value_labels_are_words(runner, app):
    text = _help(runner, app, ["validate"])
    assert re.search(r"PATHS\.\.\.\s+路径…\s+要检查的", text)
    assert re.search(r"--as-of\s+日期\s", text) and re.search(r"--output\s+-o\s+文件\s", text)
    assert re.search(r"--strict\s+有警告", text)  # a flag takes no value: no label at all
    assert re.search(r"用法：\S+ validate \[选项\] 路径…", text)


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "LIANFANG_LANG"}
    environ.update({"PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
                    "COLUMNS": "80", **env})
    return subprocess.run([sys.executable, "-m", "lianfang", *args], capture_output=True, text=True,
                          encoding="utf-8", env=environ, timeout=120)


def test_english_help_for_every_option():
    done = _run(["--lang", "en", "validate", "--help"])
    text = " ".join(re.sub(r"[│╭╮╰╯─]", " ", done.stdout).split())  # the help's words, however wrapped
    assert done.returncode == 0
    assert "replace an existing output file" in text and "language: zh (default) or en" in text
    assert "show this help and exit" in text and "Usage: " in text and " Options " in done.stdout
    assert not re.search(r"[\u4e00-\u9fff]", text.replace("审核意见", "")), text


def test_english_help_from_the_environment():
    text = " ".join(re.sub(r"[│╭╮╰╯─]", " ", _run(["coverage", "--help"], LIANFANG_LANG="en").stdout).split())
    assert "replace an existing output file" in text and "UNITS..." in text and "[default: text]" in text


def test_chinese_help_by_default_in_a_process():
    text = "".join(re.sub(r"[│╭╮╰╯─\s]", "", _run(["validate", "--help"]).stdout))
    assert "允许覆盖已存在的输出文件" in text and "显示本帮助并退出" in text and "[默认：text]" in text


@pytest.mark.parametrize(("args", "zh", "en"), [
    (["validate", "--bogus"], "没有选项 --bogus", "No such option: --bogus"),
    (["validate"], "缺少参数 路径…", "Missing argument 'PATHS...'"),
    (["validate", "x.yaml", "--format"], "选项 --format 需要一个值", "Option '--format' requires an argument"),
    (["bogus"], "没有命令 bogus", "No such command 'bogus'"),
    (["handbook", "init", "d", "--year", "abc"], "--year 的值无效：应为整数", "Invalid value for '--year'"),
    (["handbook", "init", "d", "--year", "1700"], "--year 的值无效：应不小于 1900", "Invalid value for '--year'"),
])
def test_click_errors_in_the_interface_language(args, zh, en):
    chinese = _run(args)
    assert chinese.returncode == 2 and zh in chinese.stderr, chinese.stderr
    assert "用法：" in chinese.stderr and "查看帮助" in chinese.stderr and "─ 错误 ─" in chinese.stderr
    assert "Traceback" not in chinese.stderr
    english = _run(["--lang", "en", *args])
    assert english.returncode == 2 and en in english.stderr, english.stderr
    assert "Usage: " in english.stderr and "for help" in english.stderr


def test_translate_keeps_what_it_does_not_know():
    assert translate("No such option: --x Did you mean --y?") == "没有选项 --x（是不是 --y？）"
    assert translate("Got unexpected extra argument (b.yaml)") == "多余的参数：b.yaml"
    assert translate("Invalid value for '--year': 'x' is not a valid integer.") == "--year 的值无效：「x」不是整数"
    assert translate("something else entirely") == "something else entirely"
    set_lang("en")
    assert translate("No such option: --x") == "No such option: --x"


def test_summary_is_the_first_clause():
    assert summary("新建一个单位廉政风险防控工作簿：按扩展名生成。\n\n示例") == "新建一个单位廉政风险防控工作簿"
    set_lang("en")
    assert summary("Draw the flowcharts with Graphviz: internal ones\nin lanes.") == "Draw the flowcharts with Graphviz"
