"""Prints each failed test of a .trx file with the first lines of its message and stack trace."""
import sys
import xml.etree.ElementTree as ET

NS = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"

for result in ET.parse(sys.argv[1]).getroot().iter(NS + "UnitTestResult"):
    if result.get("outcome") != "Failed":
        continue
    print(f"FAILED {result.get('testName')} ({result.get('duration')})")
    for tag in ("Message", "StackTrace"):
        node = result.find(f"{NS}Output/{NS}ErrorInfo/{NS}{tag}")
        if node is not None and node.text:
            for line in node.text.strip().splitlines()[:12]:
                print("    " + line)
