"""Run a lesson in full once more and compare it with the published run (results.json).

    python -m harness.repeat [stem ...]   # every lesson with a results.json, or these

Writes docs/assets/generated/<stem>/repeat.json: every number of both runs (timings left out), how far
apart, and the largest difference, which a page quotes; tests/test_cases.py fails when it is stale.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from harness import EXAMPLES, GENERATED, ROOT


def numbers(data, prefix=""):
    """Every number in a JSON value, by dotted key; timings left out."""
    found = {}
    if isinstance(data, dict):
        for key, value in data.items():
            found.update(numbers(value, f"{prefix}{key}."))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found.update(numbers(value, f"{prefix}{i}."))
    elif isinstance(data, (int, float)) and not isinstance(data, bool):
        key = prefix.rstrip(".")
        if not key.split(".")[-1].endswith("seconds"):
            found[key] = data
    return found


def compare(first: dict, second: dict) -> dict:
    a, b = numbers(first), numbers(second)
    if a.keys() != b.keys():
        raise ValueError(f"the two runs wrote different keys: {sorted(a.keys() ^ b.keys())}")
    differences = {key: round(abs(a[key] - b[key]), 10) for key in a}
    return {
        "first": a,
        "differences": differences,
        "largest_difference": max(differences.values(), default=0),
        "identical": all(d == 0 for d in differences.values()),
    }


def run(stem: str) -> dict:
    from harness.outputs import execute

    published = GENERATED / stem / "results.json"
    if not published.is_file():
        raise SystemExit(f"{published.relative_to(ROOT)} is missing: run python -m harness.outputs {stem} first")
    second = execute(stem)
    report = compare(json.loads(published.read_text(encoding="utf-8")), second["results"])
    report.update(stem=stem, date=time.strftime("%Y-%m-%d"), backend="tensorflow", seconds=second["seconds"])
    report["second_run"] = second["results"]
    (GENERATED / stem / "repeat.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"{stem}: second run in {second['seconds']} s; largest difference {report['largest_difference']}")
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stems", nargs="*")
    args = parser.parse_args(argv)
    stems = args.stems or sorted(
        p.parent.name for p in GENERATED.glob("*/results.json") if (EXAMPLES / f"{p.parent.name}.py").is_file()
    )
    for stem in stems:
        run(stem)
    return 0


if __name__ == "__main__":
    sys.exit(main())
