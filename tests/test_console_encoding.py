"""Output never fails on the console's encoding (a Chinese Windows console is GBK).

Whole processes, since the streams are set up once in ``main()`` before any command runs: with
``PYTHONIOENCODING=gbk``, a report piped or redirected is UTF-8, and one shown on a (pseudo)
terminal keeps GBK and replaces what GBK cannot show.
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from lianfang.report import FORMATS

ROOT = Path(__file__).resolve().parent.parent
INPUT = ROOT / "tests" / "golden" / "reports" / "input"


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    env.update(extra)
    return env


@pytest.fixture
def tick(tmp_path) -> Path:
    """chyy.yaml with a ✔ in a 风险等级 cell: LF104 quotes it back in the message."""
    text = (INPUT / "chyy.yaml").read_text(encoding="utf-8").replace("level: 高}", "level: ✔}", 1)
    path = tmp_path / "chyy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _lianfang(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "lianfang", *args], cwd=cwd, capture_output=True,
                          env=_env(**env), timeout=120)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_piped_under_gbk_is_utf8(tick, fmt):
    done = _lianfang(["validate", tick.name, "--format", fmt, "--as-of", "2026-12-31"], tick.parent,
                     PYTHONIOENCODING="gbk")
    assert done.returncode == 1, done.stderr.decode("utf-8", "replace")
    text = done.stdout.decode("utf-8")  # not GBK: a redirected report is UTF-8
    assert "Traceback" not in done.stderr.decode("utf-8")
    if fmt in ("text", "review", "json", "markdown"):
        assert "✔" in text
    if fmt == "markdown":
        assert "❌" in text


def test_a_gbk_console_replaces_what_it_cannot_show(tick):
    """On a terminal the console's encoding is kept: ✔ and ❌ become ?, the rest is GBK."""
    main, child = pty.openpty()
    try:
        done = subprocess.run([sys.executable, "-m", "lianfang", "validate", tick.name, "--format", "markdown",
                               "--as-of", "2026-12-31"], cwd=tick.parent, stdout=child, stderr=subprocess.PIPE,
                              env=_env(PYTHONIOENCODING="gbk", COLUMNS="200"), timeout=120)
        os.close(child)
        child = -1
        chunks = []
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the other end is closed
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        if child != -1:
            os.close(child)
        os.close(main)
    assert done.returncode == 1, done.stderr.decode("utf-8", "replace")
    shown = b"".join(chunks).decode("gbk")
    assert "lianfang 工作簿检查结果" in shown and "? 未通过" in shown and "✔" not in shown


def test_a_file_written_with_output_is_utf8_whatever_the_locale(tick):
    done = _lianfang(["validate", tick.name, "--as-of", "2026-12-31", "-o", "清单.txt"], tick.parent,
                     PYTHONIOENCODING="gbk")
    assert done.returncode == 1
    assert "✔" in (tick.parent / "清单.txt").read_text(encoding="utf-8")


def test_messages_on_standard_error_survive_gbk(tmp_path):
    done = _lianfang(["validate", "不存在✔.xlsx"], tmp_path, PYTHONIOENCODING="gbk")
    assert done.returncode == 2
    assert "不存在✔.xlsx" in done.stderr.decode("utf-8")
