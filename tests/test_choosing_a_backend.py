"""The backend chapter: its tables and its claims come from benchmarks/backends.py
(the CPU: python -m benchmarks.backends) and benchmarks/gpu.py (a run on a GPU).

The page quotes every number as {{ benchmark.choosing_a_backend.<key> }} or
{{ gpu.choosing_a_backend.<key> }}; these tests check that the published
results files are full, current runs with their provenance, that both
languages show all of them, and that what the prose says of them holds.
"""

import json
import re
import sys

import pytest

from benchmarks import backends
from harness import CASES, GENERATED
from harness.lessons import BACKENDS, example_env, run
from harness.pages import DOCS, LANGUAGES, ROOT

STEM = "choosing_a_backend"
MODULE = "benchmarks.backends"
GPU_SCRIPT = ROOT / "benchmarks" / "gpu.py"
RESULTS = GENERATED / STEM / "benchmark.json"
# The published results files, and the command that writes each.
WRITTEN_BY = {"benchmark.json": f"python -m {MODULE}",
              "gpu.json": f"python {GPU_SCRIPT.relative_to(ROOT)} import <run folder>"}
SHOWN = ("epochs", "seconds_per_epoch", "total_seconds", "value", "peak_memory_mb")


def published(name):
    path = GENERATED / STEM / name
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing: run {WRITTEN_BY[name]}"
    return json.loads(path.read_text(encoding="utf-8"))


def check_full_runs(report, names):
    """Every case on each backend in ``names``, in full: as many epochs as the
    chapter's own published run; and "the results agree", on the CPU as on the
    GPU: the final accuracy is close on every backend."""
    assert list(report["cases"]) == list(CASES)
    for case in CASES:
        assert list(report["cases"][case]) == list(names), case
        chapter = json.loads((GENERATED / case / "results.json").read_text(encoding="utf-8"))
        for backend, measured in report["cases"][case].items():
            assert measured["epochs"] == chapter["epochs"], f"{case} under {backend} ran {measured['epochs']} epochs"
            assert measured["total_seconds"] > measured["training_seconds"] > 0, (case, backend)
    for case in ("classification", "image_classification"):
        accuracies = [measured["value"] for measured in report["cases"][case].values()]
        assert max(accuracies) - min(accuracies) <= 0.02, (case, accuracies)


def test_the_published_benchmark_is_a_full_current_run():
    report = published("benchmark.json")
    assert not report["smoke"], "the published benchmark is a smoke run"
    check_full_runs(report, BACKENDS)
    for case in CASES:
        assert report["training_code_sha256"][case] == backends.case_digest(case), (
            f"examples/{case}.py trains differently since the benchmark ran: run python -m {MODULE}"
        )


def test_what_the_page_says_of_the_numbers_holds():
    report = published("benchmark.json")
    cases = report["cases"]
    errors = [measured["value"] for measured in cases["linear_regression"].values()]
    assert max(errors) <= 1.5 * min(errors), errors
    # The derived numbers the prose quotes are the script's own, from these runs.
    derived = backends.summarize(json.loads(json.dumps({"cases": cases})))
    assert {k: report[k] for k in ("fastest", "small_cases")} == {k: derived[k] for k in ("fastest", "small_cases")}
    for case in CASES:
        assert [measured["times_fastest"] for measured in cases[case].values()] == [
            measured["times_fastest"] for measured in derived["cases"][case].values()]
    # "Small models: little to choose ... here X trained fastest": one backend for both.
    assert report["fastest"]["linear_regression"] == report["fastest"]["classification"]
    # "The convolutional network: the choice of backend matters": the slowest took half as long again.
    image = cases["image_classification"]
    assert max(measured["times_fastest"] for measured in image.values()) >= 1.5


def test_the_benchmark_runs(tmp_path):
    """A smoke run of part of it (the suite runs every example under every
    backend already): the report and the table come out complete."""
    out = tmp_path / "out"
    result = run(
        [sys.executable, "-m", MODULE, "--smoke", "--cases", "linear_regression", "--backends", "jax", "torch",
         "--out", str(out)],
        cwd=ROOT, env=example_env("tensorflow", tmp_path))
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    report = json.loads((out / "benchmark.json").read_text(encoding="utf-8"))
    assert report["smoke"] is True and list(report["cases"]) == ["linear_regression"]
    runs = report["cases"]["linear_regression"]
    assert list(runs) == ["jax", "torch"]
    for backend, measured in runs.items():
        assert measured["epochs"] == 1 and measured["metric"] == "test_mse", backend
        assert measured["total_seconds"] > measured["training_seconds"] >= 0, backend
        assert measured["peak_memory_mb"] > 100, backend
    assert min(measured["times_fastest"] for measured in runs.values()) == 1.0
    for backend in BACKENDS:
        assert report["install_megabytes"][backend]["megabytes"] > 10, backend
    table = (out / "benchmark.md").read_text(encoding="utf-8")
    assert "| linear_regression | jax | 1 |" in table and "| torch |" in table


def test_a_smoke_run_never_replaces_the_published_one(tmp_path):
    before = RESULTS.read_bytes() if RESULTS.is_file() else None
    result = run([sys.executable, "-m", MODULE, "--smoke"], cwd=ROOT, timeout=120)
    assert result.returncode == 2 and "needs --out" in result.stderr, result.stderr
    assert (RESULTS.read_bytes() if RESULTS.is_file() else None) == before


# --- the same cases on a GPU (benchmarks/gpu.py import <run folder>) --------------

GPU_BACKENDS = ("jax", "torch")
GPU_SHOWN = ("epochs", "seconds_per_epoch", "total_seconds", "value", "times_jax", "speedup_over_cpu")
# Where the run's own files are: beside the project, in ../shared (see its README).
SHARED_RUNS = ROOT.parent / "shared" / "reference"


def test_the_gpu_figures_carry_their_provenance():
    report = published("gpu.json")
    for key in ("source", "date", "examples_commit", "python"):
        assert report[key], key
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", report["date"]), report["date"]
    for key in ("gpu", "gpu_count", "driver", "cuda", "cpu_count"):
        assert report["machine"][key], f"machine.{key}"
    assert "NVIDIA" in report["machine"]["gpu"]
    assert set(report["versions"]) == {"keras", "jax", "torch"} and all(report["versions"].values())
    check_full_runs(report, GPU_BACKENDS)
    for backend in GPU_BACKENDS:
        assert report["cnn_repeats"][backend]["runs"] == len(report["cnn_repeats"][backend]["training_seconds"]) >= 2
        assert report["keras_io"][backend]["training_seconds"] > 0


def test_the_gpu_file_is_what_gpu_py_makes_of_its_run(tmp_path):
    """The ratios in gpu.json are gpu.py's, from the run's files and the CPU
    benchmark.json now published: rerun the import when either changes."""
    folder = SHARED_RUNS / published("gpu.json")["source"]
    if not folder.is_dir():
        pytest.skip(f"the run's files are not here: {folder}")
    result = run([sys.executable, str(GPU_SCRIPT), "import", str(folder), "--out", str(tmp_path)], timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads((tmp_path / "gpu.json").read_text(encoding="utf-8")) == published("gpu.json"), (
        f"gpu.json is stale: run python {GPU_SCRIPT.relative_to(ROOT)} import {folder}")


def test_what_the_page_says_of_the_gpu_numbers_holds():
    gpu, cpu = published("gpu.json"), published("benchmark.json")
    cases = gpu["cases"]
    # "JAX was the fastest backend in all three cases" ... "it trained every case fastest".
    assert set(gpu["fastest"].values()) == {"jax"}, gpu["fastest"]
    # "The order flips": "on the CPU JAX was the slowest of the three" for the CNN.
    image = cpu["cases"]["image_classification"]
    assert max(image, key=lambda b: image[b]["times_fastest"]) == "jax", image
    # "... so the order holds": every JAX run of the CNN beat every PyTorch run.
    repeats = gpu["cnn_repeats"]
    assert repeats["jax"]["training_seconds_max"] < repeats["torch"]["training_seconds_min"], repeats
    # "Small models gain nothing ... slower on the graphics card"; the CNN gains.
    small = gpu["small_cases"]
    assert small["speedup_over_cpu_max"] < 1, small
    assert min(run["speedup_over_cpu"] for run in cases["image_classification"].values()) >= 2


# --- the page shows both files ------------------------------------------------

# Every key of each results file the page must quote, as {{ <file>.choosing_a_backend.<key> }}.
WANTED = {
    "benchmark": [f"cases.{case}.{backend}.{key}" for case in CASES for backend in BACKENDS for key in SHOWN]
    + [f"install_megabytes.{backend}.megabytes" for backend in BACKENDS]
    + ["date", "cpu", "cpu_count", "os", "python", "seconds", "fastest.image_classification",
       "fastest.classification", "small_cases.training_max", "small_cases.other_min", "small_cases.other_max"]
    + [f"cases.image_classification.{backend}.times_fastest" for backend in BACKENDS]
    + [f"versions.{name}" for name in ("keras", "tensorflow", "jax", "torch")],
    # The GPU figures, and where they come from.
    "gpu": [f"cases.{case}.{backend}.{key}" for case in CASES for backend in GPU_BACKENDS for key in GPU_SHOWN]
    + ["date", "source", "python", "machine.gpu", "machine.driver", "machine.cuda", "machine.cpu_count"]
    + [f"versions.{name}" for name in ("keras", "jax", "torch")]
    + ["small_cases.speedup_over_cpu_min", "small_cases.speedup_over_cpu_max"]
    + [f"cnn_repeats.{b}.{key}" for b in GPU_BACKENDS for key in ("runs", "training_seconds_min", "training_seconds_max")],
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", WANTED)
def test_the_page_shows_every_measurement(name, language):
    text = (DOCS / language / f"{STEM}.md").read_text(encoding="utf-8")
    missing = [key for key in WANTED[name] if f"{{{{ {name}.{STEM}.{key} }}}}" not in text]
    assert not missing, f"docs/{language}/{STEM}.md does not show these {name}.{STEM} keys: {missing}"
