"""Fuzzing the readers and the rules: whatever bytes a unit sends, reading and checking them
gives findings, never an exception.

The seeds are the example workbooks (``examples/units/*.yaml`` and their ``.xlsx`` twins) and the
small workbook of ``tests/hostile.py``. YAML is mutated as text (characters inserted, deleted,
lines swapped or repeated, YAML syntax and arbitrary Unicode spliced in); xlsx is mutated as
bytes (bits flipped, bytes inserted or deleted, the file truncated) and inside its zip members
(XML spliced into a sheet or the shared strings, then zipped again, so the damage reaches the
XML parser rather than stopping at the zip checksum).

Bounded for CI: ``LIANFANG_FUZZ_EXAMPLES`` examples per target (default 150); ``make fuzz`` runs
5,000.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hostile import SMALL_YAML, small_xlsx
from lianfang.config import Settings
from lianfang.findings import Finding
from lianfang.io.reader import read_workbook
from lianfang.rules.engine import run_rules

# fuzzing takes tens of seconds: slow (make test runs it; -m 'not slow' leaves it out)
pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("LIANFANG_FUZZ_EXAMPLES", "150"))
UNITS = Path(__file__).resolve().parent.parent / "examples" / "units"

FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 150,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# the smallest example keeps each run short; the others are mutated in make fuzz
YAML_SEEDS = [SMALL_YAML] + [p.read_text(encoding="utf-8") for p in sorted(UNITS.glob("*.yaml"))][: 1 if EXAMPLES <= 150 else None]
XLSX_SEEDS = [small_xlsx()] + [p.read_bytes() for p in sorted(UNITS.glob("*.xlsx"))][: 1 if EXAMPLES <= 150 else None]

# pieces that mean something to a YAML parser or to the readers
YAML_PIECES = [":", ": ", "- ", "-", "[", "]", "{", "}", ",", "&a ", "*a", "<<: *a", "!!python/object/apply:os.system ",
               "!!str ", "!x ", "? ", "|", ">", "'", '"', "#", "\t", "\n", "\n  ", "\r\n", "%YAML 1.1\n", "---\n", "...\n",
               "~", "null", "true", "007", "2026-13-45", "1e999", "0x1F", ".inf", "高", "较高", "FX-01", "QL-01", "GW-01",
               "steps:", "next: [9]", "\ufeff", "\u2028", "\x85", "\x00", "\x1b", "\ud7ff", "\U0001f600"]
XML_PIECES = [b"<", b">", b"&", b"&amp;", b"&#0;", b"&#x110000;", b'"', b"'", b"</row>", b"<row>", b'<row r="0">',
              b'<row r="1048577">', b'<c r="XFD1" t="s"><v>999999</v></c>', b'<c t="s"><v>-1</v></c>',
              b'<c r="A1" t="n"><v>1e308</v></c>', b'<c r="B2" t="d"><v>not a date</v></c>', b'<c r="C3" t="b"><v>2</v></c>',
              b'<c r="D4" t="e"><v>#REF!</v></c>', b'<c r="E5" t="inlineStr"><is><t>x</t></is></c>', b"<si><t>",
              b"</t></si>", b"_x0000_", b"_xD800_", b"<mergeCell ref=\"A1:A1048576\"/>", b"\xff\xfe", b"\x00"]


def check(path: Path) -> list[Finding]:
    """Read and check one file; the assertion is that this returns at all."""
    result = read_workbook(path)
    findings = run_rules(result, Settings())
    assert result.workbook is not None or any(f.code == "LF100" for f in findings)
    for f in findings:
        assert f.code.startswith("LF") and f.message
    return findings


@st.composite
def mutated_yaml(draw) -> str:
    text = draw(st.sampled_from(YAML_SEEDS))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["insert", "insert", "delete", "swap", "repeat", "unicode"]))
        pos = draw(st.integers(0, len(text)))
        if op == "insert":
            text = text[:pos] + draw(st.sampled_from(YAML_PIECES)) + text[pos:]
        elif op == "unicode":
            text = text[:pos] + draw(st.text(min_size=1, max_size=8)) + text[pos:]
        elif op == "delete":
            text = text[:pos] + text[pos + draw(st.integers(1, 40)):]
        else:
            lines = text.splitlines(keepends=True)
            if len(lines) < 2:
                continue
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            if op == "swap":
                lines[i], lines[j] = lines[j], lines[i]
            else:
                lines.insert(j, lines[i])
            text = "".join(lines)
    return text


@st.composite
def mutated_bytes(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(XLSX_SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=16))
        elif op == "delete":
            del data[pos:pos + draw(st.integers(1, 64))]
        else:
            del data[pos:]
    return bytes(data)


@st.composite
def mutated_members(draw) -> bytes:
    """A well-formed zip whose XML members are damaged: the XML parser sees the damage."""
    with zipfile.ZipFile(io.BytesIO(draw(st.sampled_from(XLSX_SEEDS)))) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    xml_names = sorted(n for n in parts if n.endswith((".xml", ".rels")))
    for _ in range(draw(st.integers(1, 4))):
        name = draw(st.sampled_from(xml_names))
        data = parts[name]
        pos = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["splice", "splice", "delete", "bytes"]))
        if op == "splice":
            data = data[:pos] + draw(st.sampled_from(XML_PIECES)) + data[pos:]
        elif op == "delete":
            data = data[:pos] + data[pos + draw(st.integers(1, 200)):]
        else:
            data = data[:pos] + draw(st.binary(min_size=1, max_size=8)) + data[pos:]
        parts[name] = data
    if draw(st.booleans()) and len(parts) > 1:
        del parts[draw(st.sampled_from(sorted(parts)))]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buf.getvalue()


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def test_seeds_read_cleanly(folder):
    """The seeds themselves are good workbooks (so the mutations start from real structure)."""
    for i, text in enumerate(YAML_SEEDS):
        (folder / f"seed{i}.yaml").write_text(text, encoding="utf-8")
        assert not [f for f in check(folder / f"seed{i}.yaml") if f.code == "LF100"]
    for i, data in enumerate(XLSX_SEEDS):
        (folder / f"seed{i}.xlsx").write_bytes(data)
        assert not [f for f in check(folder / f"seed{i}.xlsx") if f.code == "LF100"]


@FUZZ
@given(text=mutated_yaml())
def test_mutated_yaml_gives_findings_not_exceptions(folder, text):
    path = folder / "fuzz.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    check(path)


@FUZZ
@given(data=st.one_of(mutated_yaml().map(lambda t: t.encode("utf-8", "surrogatepass")), st.binary(max_size=200)))
def test_yaml_bytes_in_any_encoding_give_findings(folder, data):
    for encoding_bom in (b"", b"\xef\xbb\xbf", b"\xff\xfe"):
        path = folder / "fuzz-bytes.yaml"
        path.write_bytes(encoding_bom + data)
        check(path)


@FUZZ
@given(data=mutated_bytes())
def test_mutated_xlsx_bytes_give_findings_not_exceptions(folder, data):
    path = folder / "fuzz.xlsx"
    path.write_bytes(data)
    check(path)


@FUZZ
@given(data=mutated_members())
def test_mutated_xlsx_members_give_findings_not_exceptions(folder, data):
    path = folder / "fuzz-members.xlsx"
    path.write_bytes(data)
    check(path)
