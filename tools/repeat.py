"""Run a case's example in full once more and compare it with the published run.

    python tools/repeat.py                     # every example with a results.json
    python tools/repeat.py linear_regression   # just one

tools/notebooks.py made the published run (docs/assets/generated/<stem>/
results.json). This runs ``examples/<stem>.py`` again, the same way (full,
TensorFlow backend, a fresh folder), and writes
docs/assets/generated/<stem>/repeat.json: every number in both runs, how far
apart they are, and the largest difference, which a page quotes as
{{ repeat.<stem>.largest_difference }}. Timings are left out: they always
differ. tests/test_cases.py fails when repeat.json no longer matches
results.json; run this again then.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "docs" / "assets" / "generated"


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
        "second": b,
        "differences": differences,
        "largest_difference": max(differences.values(), default=0),
        "identical": all(d == 0 for d in differences.values()),
    }


def run(stem: str) -> dict:
    published = GENERATED / stem / "results.json"
    if not published.is_file():
        raise SystemExit(f"{published.relative_to(ROOT)} is missing: run tools/notebooks.py {stem} first")
    env = {k: v for k, v in os.environ.items() if k not in ("KERAS_MAX_EPOCHS", "KERAS_MAX_STEPS_PER_EPOCH")}
    env.update(KERAS_BACKEND="tensorflow", MPLBACKEND="Agg", TF_CPP_MIN_LOG_LEVEL="2")
    with tempfile.TemporaryDirectory(prefix=f"repeat-{stem}-") as workdir:
        started = time.time()
        subprocess.run([sys.executable, str(ROOT / "examples" / f"{stem}.py")], cwd=workdir, env=env,
                       check=True, stdout=subprocess.DEVNULL)
        seconds = time.time() - started
        second = json.loads((Path(workdir) / "results.json").read_text(encoding="utf-8"))
    report = compare(json.loads(published.read_text(encoding="utf-8")), second)
    report.update(stem=stem, date=time.strftime("%Y-%m-%d"), backend="tensorflow", seconds=round(seconds, 1))
    report["second_run"] = second
    (GENERATED / stem / "repeat.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"{stem}: second run in {seconds:.1f} s; largest difference {report['largest_difference']}")
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stems", nargs="*")
    args = parser.parse_args(argv)
    stems = args.stems or sorted(
        p.parent.name for p in GENERATED.glob("*/results.json") if (ROOT / "examples" / f"{p.parent.name}.py").is_file()
    )
    for stem in stems:
        run(stem)
    return 0


if __name__ == "__main__":
    sys.exit(main())
