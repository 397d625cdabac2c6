"""The guide's examples on a real GPU: turn one measured run into gpu.json.

    python benchmarks/gpu.py import ../shared/reference/gpu-run-2026-11-30

A GPU run is a folder written on a machine with an NVIDIA card, where each
case ran once in full as ``KERAS_BACKEND=<backend> python examples/<case>.py``.
Its layout is that of the 2026-11-30 run, made when each lesson still wrote
its own results file; a new run must leave the same files. ``import`` reads:

- ``results-<backend>-<case>.json``: what each example wrote (epochs, the time
  model.fit took, the final metric); ``results-cnn-<backend>-<n>.json``: more
  runs of the CNN (run 1 is ``results-<backend>-image_classification.json``);
- ``nvidia-smi.txt``: the GPU's model, driver and CUDA version, and the date;
- ``doctor-<backend>.txt``: what the install doctor printed there
  (the Python, Keras, JAX and PyTorch versions; in the 2026-11-30 run it was
  still examples/check_install.py, now tools/check_install.py);
- ``output-<backend>-<case>.txt``: each example's output (its first line is
  the Keras version and the backend, checked against the doctor's);
- ``README.md``: what no other file holds, from its tables and first lines:
  each whole process's time, the keras-io recipe's runs, the CPU cores and
  the commit of the examples.

It writes ``docs/assets/generated/choosing_a_backend/gpu.json`` (or --out),
with the ratios the pages quote computed here: each backend's training time
against JAX's, and the speed-up over the same backend on the CPU (from the
CPU benchmark.json beside it, which benchmarks/backends.py writes). Pages
quote it as {{ gpu.choosing_a_backend.<key> }}.
"""

import argparse
import json
import re
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "assets" / "generated" / "choosing_a_backend"
BACKENDS = ("jax", "torch")
# case -> the results.json key that is its final metric (as in backends.py)
CASES = {"linear_regression": "test_mse", "classification": "test_accuracy", "image_classification": "test_accuracy"}
SMALL_CASES = ("linear_regression", "classification")


def read_json(path):
    return json.loads(path.read_text(encoding="utf-8"))


def find(pattern, text, where):
    match = re.search(pattern, text, re.M)
    if match is None:
        sys.exit(f"{where}: found no {pattern!r}")
    return match[1]


def table_rows(markdown):
    """The cells of every row of every Markdown table, header and rule lines left out."""
    rows = []
    for line in markdown.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and not all(set(cell) <= set("-: ") for cell in cells):
            rows.append(cells)
    return rows


def numbers(cell):
    return [float(n) for n in re.findall(r"\d+(?:\.\d+)?", cell)]


def import_run(folder, cpu_benchmark):
    readme = (folder / "README.md").read_text(encoding="utf-8")
    smi = (folder / "nvidia-smi.txt").read_text(encoding="utf-8")
    doctor = (folder / "doctor-jax.txt").read_text(encoding="utf-8")
    rows = table_rows(readme)

    # When, where, with what.
    date = datetime.strptime(smi.splitlines()[0].strip(), "%a %b %d %H:%M:%S %Y").date().isoformat()
    assert date in readme.splitlines()[0], f"README.md's title does not say {date}"
    gpu = find(r"^\|\s+\d+\s+(NVIDIA[^|]*?)\s{2,}", smi, "nvidia-smi.txt")
    versions = {name: find(rf"^\[ok\]\s+{name} (\S+)", doctor, "doctor-jax.txt") for name in ("keras", "jax", "torch")}
    for backend in BACKENDS:
        for case in CASES:
            first = (folder / f"output-{backend}-{case}.txt").read_text(encoding="utf-8").splitlines()[0]
            assert first == f"{versions['keras']} {backend}", f"output-{backend}-{case}.txt: {first}"
    report = {
        "source": folder.name,
        "date": date,
        "examples_commit": find(r"at commit ([0-9a-f]{7,40})", readme, "README.md"),
        "machine": {
            "gpu": gpu,
            "gpu_count": len(re.findall(r"^\|\s+\d+\s+NVIDIA", smi, re.M)),
            "driver": find(r"Driver Version:\s*(\S+)", smi, "nvidia-smi.txt"),
            "cuda": find(r"CUDA Version:\s*(\S+)", smi, "nvidia-smi.txt"),
            "cpu_count": int(find(r"(\d+) CPU cores", readme, "README.md")),
        },
        "python": find(r"^\[ok\]\s+Python (\S+),", doctor, "doctor-jax.txt"),
        "versions": versions,
        "cases": {},
    }

    # Each case under each backend: the example's own results, and the whole
    # process's time from the README's first table (its other cells must agree).
    whole = {(row[0], row[1]): row for row in rows if row[0] in CASES}
    cpu = cpu_benchmark["cases"] if cpu_benchmark else {}
    for case, metric in CASES.items():
        runs = report["cases"][case] = {}
        for backend in BACKENDS:
            results = read_json(folder / f"results-{backend}-{case}.json")
            row = whole[(case, backend)]
            assert numbers(row[2]) == [results["epochs"]] and numbers(row[3]) == [results["training_seconds"]], row
            runs[backend] = {
                "epochs": results["epochs"],
                "training_seconds": results["training_seconds"],
                "seconds_per_epoch": round(results["training_seconds"] / results["epochs"], 2),
                "total_seconds": numbers(row[4])[0],
                "metric": metric,
                "value": results[metric],
            }
        fastest = min(runs, key=lambda b: runs[b]["training_seconds"])
        report.setdefault("fastest", {})[case] = fastest
        for backend, run in runs.items():
            run["times_jax"] = round(run["training_seconds"] / runs["jax"]["training_seconds"], 1)
            if case in cpu:
                # The same backend's training time on the CPU over this one: below 1 is slower here.
                run["speedup_over_cpu"] = round(cpu[case][backend]["training_seconds"] / run["training_seconds"], 1)
    if cpu_benchmark:
        small = [run["speedup_over_cpu"] for case in SMALL_CASES for run in report["cases"][case].values()]
        report["small_cases"] = {"speedup_over_cpu_min": min(small), "speedup_over_cpu_max": max(small)}

    # The CNN run more than once, and keras-io's "Simple MNIST convnet" recipe
    # on the same GPU (README's second table; no results file holds them).
    report["cnn_repeats"], report["keras_io"] = {}, {}
    recipe_epochs = int(find(r"keras-io \"Simple MNIST convnet\" \((\d+) epochs", readme, "README.md"))
    for backend in BACKENDS:
        first = folder / f"results-{backend}-image_classification.json"
        files = [first, *sorted(folder.glob(f"results-cnn-{backend}-*.json"))]
        runs = [read_json(path) for path in files]
        seconds = [run["training_seconds"] for run in runs]
        accuracy = [run["test_accuracy"] for run in runs]
        cnn_row = next(r for r in rows if r[0].startswith("this guide's CNN") and r[1] == backend)
        assert numbers(cnn_row[3]) == seconds and numbers(cnn_row[4]) == accuracy, (cnn_row, seconds, accuracy)
        report["cnn_repeats"][backend] = {
            "runs": len(runs), "training_seconds": seconds, "test_accuracy": accuracy,
            "training_seconds_min": min(seconds), "training_seconds_max": max(seconds),
        }
        recipe = next(r for r in rows if r[0].startswith("keras-io") and r[1] == backend)
        report["keras_io"][backend] = {
            "epochs": recipe_epochs, "runs": int(numbers(recipe[2])[0]),
            "training_seconds": numbers(recipe[3])[0], "test_accuracy": numbers(recipe[4])[0],
        }
    return report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    importing = commands.add_parser("import", help="read a GPU run's folder and write gpu.json")
    importing.add_argument("folder", type=Path, help="the run's folder, e.g. ../shared/reference/gpu-run-2026-11-30")
    importing.add_argument("--out", type=Path, default=OUT, help="where to write gpu.json")
    args = parser.parse_args(argv)

    cpu_path = OUT / "benchmark.json"
    cpu_benchmark = read_json(cpu_path) if cpu_path.is_file() else None
    report = import_run(args.folder.resolve(), cpu_benchmark)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "gpu.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    for case, runs in report["cases"].items():
        for backend, run in runs.items():
            print(f"{case} / {backend}: {run['epochs']} epochs, {run['training_seconds']} s training, "
                  f"{run['metric']} {run['value']}, {run['times_jax']}x JAX's time")
    print(f"wrote {args.out / 'gpu.json'} from {report['source']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
