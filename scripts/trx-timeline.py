"""The critical path of a test run from its .trx: per test collection (a class, or a named [Collection]), the summed
duration of its tests, when its first test started and its last ended (seconds from the run's start), and how many
tests ran at once over time. A collection that starts late and runs long is the run's tail.
  python3 scripts/trx-timeline.py artifacts/test-results/jimp.trx [tests/Jimp.Tests]"""
import glob
import re
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import datetime

NS = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"
trx = sys.argv[1]
sources = sys.argv[2] if len(sys.argv) > 2 else "tests/Jimp.Tests"

# Classes that share a named collection ([Collection(X)]) run one after another: they are one chain.
collection_of = {}
for path in glob.glob(f"{sources}/**/*.cs", recursive=True):
    text = open(path, encoding="utf-8").read()
    for m in re.finditer(r"\[Collection\(([\w.]+)\)\][^{;]*?class (\w+)", text):
        collection_of[m.group(2)] = m.group(1).removesuffix(".Name")


def when(stamp):
    m = re.match(r"(.*T\d\d:\d\d:\d\d)(\.\d+)?(.*)", stamp)
    return datetime.fromisoformat(m.group(1) + (m.group(2) or ".0")[:7] + m.group(3))


results = []
for r in ET.parse(trx).getroot().iter(NS + "UnitTestResult"):
    name = r.get("testName")
    cls = name.split("(")[0].rsplit(".", 2)[-2]
    results.append((when(r.get("startTime")), when(r.get("endTime")), cls))
start = min(r[0] for r in results)
end = max(r[1] for r in results)
groups = defaultdict(list)
for a, b, cls in results:
    groups[collection_of.get(cls, cls)].append(((a - start).total_seconds(), (b - start).total_seconds()))

print(f"{len(results)} tests in {(end - start).total_seconds():.0f} s; summed durations {sum(b - a for g in groups.values() for a, b in g):.0f} s")
print(f"{'sum s':>7} {'first':>6} {'last':>6}  tests  collection (by summed duration)")
for name, spans in sorted(groups.items(), key=lambda kv: -sum(b - a for a, b in kv[1]))[: int(sys.argv[3]) if len(sys.argv) > 3 else 25]:
    print(f"{sum(b - a for a, b in spans):7.0f} {min(a for a, _ in spans):6.0f} {max(b for _, b in spans):6.0f}  {len(spans):5}  {name}")
print("last to end:", ", ".join(f"{n} ({max(b for _, b in s):.0f} s)" for n, s in sorted(groups.items(), key=lambda kv: -max(b for _, b in kv[1]))[:5]))
step = max(1, round((end - start).total_seconds() / 40))
running = []
for k in range(0, int((end - start).total_seconds()) + 1, step):
    running.append(sum(max(0, min(b, k + step) - max(a, k)) for g in groups.values() for a, b in g) / step)
print(f"tests running at once, per {step} s:", " ".join(f"{x:.1f}" for x in running))
