"""Print a CSV file's rows as JSON objects, read by Python's own csv module (the reference reader
for `lakescope tutorials class-report --csv`)."""
import csv
import json
import sys

with open(sys.argv[1], newline="", encoding="utf-8") as f:
    print(json.dumps(list(csv.DictReader(f))))
