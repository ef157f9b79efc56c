"""Reports as JUnit XML, the format CI services and test dashboards read.

One `<testsuite>` per exercise, one `<testcase>` per check (its claim as the name, the student's
file and the line of the function it tests as `file` and `line`), the points as properties, and
`<failure>`, `<error>` or `<skipped>` with the grader's message as pytest writes them. A hidden
check's message is not written. Characters that XML 1.0 cannot hold at all (NUL, most control
characters, which student code may print) are written as `\\xNN`, so the file always parses.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from grader.export import number, public_message
from grader.runner import Report

NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
ELEMENT = {"failed": "failure", "error": "error", "skipped": "skipped"}


def xml_text(text: str) -> str:
    return NOT_XML.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def junit_xml(reports: list[tuple[Report, str, dict[str, int]]]) -> bytes:
    """`reports`: each report with its file as the repository names it and the line of each
    check (by name) where there is one."""
    suites = ET.Element("testsuites", name="grader")
    for report, file, lines in reports:
        suite = ET.SubElement(suites, "testsuite", name=report.exercise.id)
        properties = ET.SubElement(suite, "properties")
        for name, value in (("title", report.exercise.title), ("score", number(report.score)),
                            ("max_score", number(report.max_score))):
            ET.SubElement(properties, "property", name=name, value=value)
        for result in report.results:
            case = ET.SubElement(suite, "testcase", classname=report.exercise.id, name=result.name, file=file,
                                 time=f"{result.seconds:.3f}")
            if result.name in lines:
                case.set("line", str(lines[result.name]))
            points = ET.SubElement(case, "properties")
            ET.SubElement(points, "property", name="points", value=number(result.max_score))
            ET.SubElement(points, "property", name="score", value=number(result.score))
            if result.status in ELEMENT:
                message = xml_text(public_message(result))
                outcome = ET.SubElement(case, ELEMENT[result.status], message=message.split("\n", 1)[0])
                if result.status != "skipped":
                    outcome.set("type", result.status)
                    outcome.text = message
        _count(suite, [result.status for result in report.results], sum(r.seconds for r in report.results))
    _count(suites, [case.status for report, _, _ in reports for case in report.results],
           sum(r.seconds for report, _, _ in reports for r in report.results))
    return ET.tostring(suites, encoding="utf-8", xml_declaration=True)


def _count(element: ET.Element, statuses: list[str], seconds: float) -> None:
    element.set("tests", str(len(statuses)))
    for status, attribute in (("failed", "failures"), ("error", "errors"), ("skipped", "skipped")):
        element.set(attribute, str(statuses.count(status)))
    element.set("time", f"{seconds:.3f}")
