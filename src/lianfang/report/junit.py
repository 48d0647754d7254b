"""``--format junit``: JUnit XML for Jenkins, GitLab and other CI test views.

One ``testsuite`` per file and one ``testcase`` per finding. An error is a ``<failure>``; a
warning or a note is a passing testcase whose ``<system-out>`` holds the finding, so it is listed
without failing the build — except under ``--strict``, where warnings fail the run and are
``<failure type="warning">`` too. A file without findings gets one passing testcase so that it
shows up as checked. Written directly with xml.etree's escaping (a test holds it to the bytes ``xml.etree`` would
write); characters XML 1.0 cannot carry are replaced.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lianfang.findings import Finding, Severity
from lianfang.i18n import tr
from lianfang.report import CheckedFile, RenderOptions

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _classname(path: str) -> str:
    # Jenkins splits a classname at its last dot into package and class
    return path.replace(".", "_")


def _details(f: Finding, where: str, words: tuple[str, str]) -> str:
    """A finding's text; ``words`` the location and object labels in the run's language."""
    lines = [f"{f.code} {f.name} ({f.severity.value})"]
    if where:
        lines.append(words[0].format(w=where))
    if f.object:
        lines.append(words[1].format(o=f.object + (f" ({f.field})" if f.field else "")))
    lines.append(f.message)
    return xml_text("\n".join(lines))


def _attr(text: str) -> str:
    """An attribute value escaped as xml.etree writes it (the golden files hold its bytes)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if '"' in text:
        text = text.replace('"', "&quot;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    if "\n" in text:
        text = text.replace("\n", "&#10;")
    if "\t" in text:
        text = text.replace("\t", "&#09;")
    return text


def _text(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _element(tag: str, attrs: dict[str, str]) -> str:
    return f"<{tag}" + "".join(f' {k}="{_attr(v)}"' for k, v in attrs.items())


def _testcase(out: list[str], path: str, f: Finding, strict: bool, words: tuple[str, str]) -> bool:
    """Write one finding's testcase; True when it is a failure."""
    where = f.location.describe()
    name = " ".join(x for x in (f.code, f.name, f.object, where) if x)
    attrs = {"name": xml_text(name), "classname": xml_text(_classname(path)), "file": xml_text(path)}
    if f.location.line is not None:
        attrs["line"] = str(f.location.line)
    out.append("    " + _element("testcase", attrs) + ">")
    failing = f.severity is Severity.ERROR or (strict and f.severity is Severity.WARNING)
    details = _text(_details(f, where, words))
    if failing:
        failure = _element("failure", {"type": f.severity.value, "message": xml_text(f"{f.code} {f.message}")})
        out.append(f"      {failure}>{details}</failure>")
    else:
        out.append(f"      <system-out>{details}</system-out>")
    out.append("    </testcase>")
    return failing


def render(files: Sequence[CheckedFile], options: RenderOptions) -> str:
    """The XML written directly, line by line, as ``xml.etree`` with ``ET.indent`` would write it
    (a test holds the two to the same bytes): building and serialising a tree of 55,000 test
    cases took several times the JSON report."""
    words = (tr("位置：{w}", "location: {w}"), tr("对象：{o}", "object: {o}"))
    body: list[str] = []
    all_tests = all_failures = 0
    for c in files:
        path = c.report.path
        cases: list[str] = []
        tests = failures = 0
        for f in c.report.findings:
            tests += 1
            failures += _testcase(cases, path, f, options.strict, words)
        if not c.report.findings:
            tests = 1
            cases.append("    " + _element("testcase", {"name": tr("工作簿检查", "workbook check"),
                                                      "classname": xml_text(_classname(path)), "file": xml_text(path)}) + " />")
        suite = {"name": xml_text(path), "tests": str(tests), "failures": str(failures), "errors": "0", "skipped": "0"}
        body.append("  " + _element("testsuite", suite) + ">")
        body.append("    <properties>")
        body.append("      " + _element("property", {"name": "unit", "value": xml_text(c.report.unit or "")}) + " />")
        body.append("    </properties>")
        body += cases
        body.append("  </testsuite>")
        all_tests += tests
        all_failures += failures
    root = _element("testsuites", {"name": options.tool, "tests": str(all_tests), "failures": str(all_failures), "errors": "0"})
    if not body:
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + root + " />\n"
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + "\n".join([root + ">", *body, "</testsuites>"]) + "\n"
