"""``--format junit``: JUnit XML for Jenkins, GitLab and other CI test views.

One ``testsuite`` per file and one ``testcase`` per finding. An error is a ``<failure>``; a
warning or a note is a passing testcase whose ``<system-out>`` holds the finding, so it is listed
without failing the build — except under ``--strict``, where warnings fail the run and are
``<failure type="warning">`` too. A file without findings gets one passing testcase so that it
shows up as checked. Built with ``xml.etree`` (which escapes); characters XML 1.0 cannot carry are
replaced.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from lianfang.findings import Finding, Severity
from lianfang.i18n import tr
from lianfang.pipeline import CheckedFile
from lianfang.report import RenderOptions

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _classname(path: str) -> str:
    # Jenkins splits a classname at its last dot into package and class
    return path.replace(".", "_")


def _details(f: Finding) -> str:
    lines = [f"{f.code} {f.name} ({f.severity.value})"]
    where = f.location.describe()
    if where:
        lines.append(tr("位置：{w}", "location: {w}", w=where))
    if f.object:
        lines.append(tr("对象：{o}", "object: {o}", o=f.object + (f" ({f.field})" if f.field else "")))
    lines.append(f.message)
    return xml_text("\n".join(lines))


def _testcase(suite: ET.Element, path: str, f: Finding, strict: bool) -> bool:
    """Add one finding's testcase; True when it is a failure."""
    name = " ".join(x for x in (f.code, f.name, f.object, f.location.describe()) if x)
    attrs = {"name": xml_text(name), "classname": xml_text(_classname(path)), "file": xml_text(path)}
    if f.location.line is not None:
        attrs["line"] = str(f.location.line)
    case = ET.SubElement(suite, "testcase", attrs)
    failing = f.severity is Severity.ERROR or (strict and f.severity is Severity.WARNING)
    if failing:
        failure = ET.SubElement(case, "failure", {"type": f.severity.value, "message": xml_text(f"{f.code} {f.message}")})
        failure.text = _details(f)
    else:
        ET.SubElement(case, "system-out").text = _details(f)
    return failing


def render(files: Sequence[CheckedFile], options: RenderOptions) -> str:
    root = ET.Element("testsuites", {"name": options.tool})
    all_tests = all_failures = 0
    for c in files:
        path = c.report.path
        suite = ET.SubElement(root, "testsuite", {"name": xml_text(path)})
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", {"name": "unit", "value": xml_text(c.report.unit or "")})
        tests = failures = 0
        for f in c.report.findings:
            tests += 1
            failures += _testcase(suite, path, f, options.strict)
        if not c.report.findings:
            tests = 1
            ET.SubElement(suite, "testcase", {"name": tr("工作簿检查", "workbook check"),
                                              "classname": xml_text(_classname(path)), "file": xml_text(path)})
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("skipped", "0")
        all_tests += tests
        all_failures += failures
    root.set("tests", str(all_tests))
    root.set("failures", str(all_failures))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
