"""JUnit XML for CI systems that show test reports."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

from sqlkit.verify.runner import VerifyResult


def write_junit(result: VerifyResult, path: Path) -> None:
    failures = sum(1 for t in result.tests if not t.passed)
    suite = ET.Element(
        "testsuite",
        name="sqlkit verify",
        tests=str(len(result.tests)),
        failures=str(failures),
        errors="0",
        time=f"{sum(t.seconds for t in result.tests):.3f}",
    )
    for test in result.tests:
        case = ET.SubElement(
            suite,
            "testcase",
            classname="sqlkit.sql",
            name=test.path,
            file=test.path,
            time=f"{test.seconds:.3f}",
        )
        if not test.passed:
            where = f"{test.path}:{test.line}" if test.line else test.path
            kind = "Timeout" if test.timed_out else "SqlTestFailure"
            failure = ET.SubElement(case, "failure", message=test.message, type=kind)
            failure.text = f"{where}: {test.message}"
    root = ET.Element("testsuites")
    root.append(suite)
    tree = ET.ElementTree(root)
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)
