"""Same code, three engines: the guide's three cases under tensorflow, jax and torch.

    python -m benchmarks.backends            # the full benchmark: most of an hour on 2 cores
    python -m benchmarks.backends --smoke --out DIR   # every fit() capped to a few steps (the tests)

Each case is the lesson itself (examples/<case>.py), unchanged, run by the
tool that makes the pages' outputs (harness.outputs.execute: a fresh Jupyter
kernel, section by section), once per backend: only KERAS_BACKEND differs.
From each run it records the numbers that tool measures (epochs, the time the
fit section took, the final metric), the whole run's time (imports, data,
training, plots, everything) and the kernel's peak memory. It also records how much disk each backend adds to an install of
Keras, from the installed packages' own file lists.

It writes benchmark.json (the numbers) and benchmark.md (a table) into
docs/assets/generated/choosing_a_backend/, or --out; the page
docs/<lang>/choosing_a_backend.md quotes benchmark.json. A full run waits for
the shared CPU lock /tmp/kg-cpu.lock, so that nothing else disturbs its timings.
"""

import argparse
import sys
import time
from importlib import metadata
from pathlib import Path

from benchmarks.fashion_mnist import machine, training_code_digest, under_lock, write_report
from harness import BACKENDS, EXAMPLES, GENERATED
from harness.outputs import execute

OUT = GENERATED / "choosing_a_backend"
# case -> (the results.json key that is its final metric, how to read it)
CASES = {
    "linear_regression": ("test_mse", "test MSE (lower is better)"),
    "classification": ("test_accuracy", "test accuracy"),
    "image_classification": ("test_accuracy", "test accuracy"),
}
# What each backend is, as pip installs it: its own packages.
BACKEND_PACKAGES = {"tensorflow": ["tensorflow"], "jax": ["jax", "jaxlib"], "torch": ["torch"]}
# Installed with Keras whatever the backend: not counted against a backend.
BASE_PACKAGES = ["keras", "numpy", "matplotlib"]


def case_digest(case):
    """SHA-256 of the sections of examples/<case>.py that decide what it trains."""
    return training_code_digest(EXAMPLES / f"{case}.py")


def _canonical(name):
    return name.lower().replace("_", "-").replace(".", "-")


def dependency_closure(names):
    """The installed distributions that `names` need, themselves included."""
    from packaging.requirements import Requirement

    seen, todo = set(), list(names)
    while todo:
        name = _canonical(todo.pop())
        if name in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen.add(name)
        for text in dist.requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return seen


def installed_megabytes(names):
    """Disk taken by these installed distributions, from their RECORD files."""
    total = 0
    for name in names:
        for file in metadata.distribution(name).files or []:
            total += file.size or 0
    return round(total / 1e6)


def install_sizes():
    base = dependency_closure(BASE_PACKAGES)
    sizes = {}
    for backend, packages in BACKEND_PACKAGES.items():
        added = sorted(dependency_closure(packages) - base)
        sizes[backend] = {"megabytes": installed_megabytes(added), "packages": added}
    return sizes


def run_case(case, backend, smoke):
    run = execute(case, backend, smoke=smoke)
    results = run["results"]
    metric, _ = CASES[case]
    return {
        "epochs": results["epochs"],
        "training_seconds": results["training_seconds"],
        "seconds_per_epoch": round(results["training_seconds"] / results["epochs"], 2),
        "total_seconds": run["seconds"],
        "metric": metric,
        "value": results[metric],
        "peak_memory_mb": run["peak_memory_mb"],
    }


SMALL_CASES = ("linear_regression", "classification")


def summarize(report):
    """What the page's prose quotes, derived from the runs: the fastest backend
    per case (by training time) and how many times as long each took; for the
    two small cases, the longest training and the range of everything else in
    a run (start-up, imports, data, figures)."""
    for case, by_backend in report["cases"].items():
        fastest = min(by_backend, key=lambda b: by_backend[b]["training_seconds"])
        report.setdefault("fastest", {})[case] = fastest
        for m in by_backend.values():
            m["times_fastest"] = round(m["training_seconds"] / max(by_backend[fastest]["training_seconds"], 0.01), 1)
    small = [m for case in SMALL_CASES if case in report["cases"] for m in report["cases"][case].values()]
    if small:
        other = [m["total_seconds"] - m["training_seconds"] for m in small]
        report["small_cases"] = {
            "training_max": round(max(m["training_seconds"] for m in small), 1),
            "other_min": round(min(other), 1),
            "other_max": round(max(other), 1),
        }
    return report


def table(report):
    lines = [
        "| case | backend | epochs | time per epoch (s) | training (s) | total (s) | final metric | peak memory (MB) |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for case, by_backend in report["cases"].items():
        for backend, m in by_backend.items():
            lines.append(
                f"| {case} | {backend} | {m['epochs']} | {m['seconds_per_epoch']} | {m['training_seconds']} "
                f"| {m['total_seconds']} | {m['metric']} {m['value']} | {m['peak_memory_mb']} |"
            )
    lines += ["", "| backend | install size (MB) |", "| --- | ---: |"]
    lines += [f"| {b} | {s['megabytes']} |" for b, s in report["install_megabytes"].items()]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="cap every fit() to a few steps (for the tests)")
    parser.add_argument("--cases", nargs="+", choices=list(CASES), default=list(CASES), help="only these cases")
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, default=list(BACKENDS), help="only these backends")
    parser.add_argument("--out", type=Path, help="where to write benchmark.json and benchmark.md")
    args = parser.parse_args(argv)
    partial = args.cases != list(CASES) or args.backends != list(BACKENDS)
    if (args.smoke or partial) and args.out is None:
        parser.error("a smoke or partial run needs --out: it must not replace the published benchmark")
    out = args.out or OUT

    lock = under_lock(args.smoke)
    report = {
        **machine(args.smoke),
        "training_code_sha256": {case: case_digest(case) for case in args.cases},
        "install_megabytes": install_sizes(),
        "cases": {},
    }
    started = time.time()
    try:
        for case in args.cases:
            report["cases"][case] = {}
            for backend in args.backends:
                m = report["cases"][case][backend] = run_case(case, backend, args.smoke)
                print(f"{case} / {backend}: {m['epochs']} epochs, {m['seconds_per_epoch']} s per epoch, "
                      f"{m['total_seconds']} s in all, {m['metric']} {m['value']}, "
                      f"peak memory {m['peak_memory_mb']} MB", flush=True)
    finally:
        if lock is not None:
            lock.close()
    report["seconds"] = round(time.time() - started, 1)
    summarize(report)

    write_report(out, report, table(report), note=f" ({report['seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
