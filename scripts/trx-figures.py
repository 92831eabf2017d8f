"""Prints each test of a .trx file that wrote output (the benchmarks' figures), with its outcome and duration."""
import sys
import xml.etree.ElementTree as ET

NS = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"

for result in sorted(ET.parse(sys.argv[1]).getroot().iter(NS + "UnitTestResult"), key=lambda r: r.get("testName")):
    out = result.find(f"{NS}Output/{NS}StdOut")
    print(f"== {result.get('testName')}: {result.get('outcome')} in {result.get('duration')}")
    if out is not None and out.text:
        for line in out.text.strip().splitlines():
            print("   " + line)
