"""The backend chapter: its table and its claims come from benchmarks/backends.py
(python -m benchmarks.backends).

The page quotes every number as {{ benchmark.choosing_a_backend.<key> }}; these
tests check that the published results file is a full, current run, that both
languages show all of it, and that what the prose says of it holds.
"""

import json
import subprocess
import sys

import pytest

from benchmarks import backends
from harness import GENERATED
from harness.lessons import BACKENDS, example_env
from harness.pages import DOCS, LANGUAGES, ROOT, parse_page, typed_by_hand

STEM = "choosing_a_backend"
MODULE = "benchmarks.backends"
RESULTS = GENERATED / STEM / "benchmark.json"
CASES = ("linear_regression", "classification", "image_classification")
SHOWN = ("epochs", "seconds_per_epoch", "total_seconds", "value", "peak_memory_mb")
# Version numbers the page states as facts (from ../shared/reference/facts.md),
# not as measurements.
FACTS = "TensorFlow 2.10"


def published():
    assert RESULTS.is_file(), f"{RESULTS.relative_to(ROOT)} is missing: run python -m {MODULE}"
    return json.loads(RESULTS.read_text(encoding="utf-8"))


def page_text(language):
    return (DOCS / language / f"{STEM}.md").read_text(encoding="utf-8")


def test_the_published_benchmark_is_a_full_current_run():
    report = published()
    assert not report["smoke"], "the published benchmark is a smoke run"
    assert list(report["cases"]) == list(CASES)
    for case in CASES:
        assert list(report["cases"][case]) == list(BACKENDS), case
        assert report["training_code_sha256"][case] == backends.case_digest(case), (
            f"examples/{case}.py trains differently since the benchmark ran: run python -m {MODULE}"
        )
        # A full run: as many epochs as the chapter's own published run.
        chapter = json.loads((GENERATED / case / "results.json").read_text(encoding="utf-8"))
        for backend, run in report["cases"][case].items():
            assert run["epochs"] == chapter["epochs"], f"{case} under {backend} ran {run['epochs']} epochs"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_shows_every_measurement(language):
    text = page_text(language)
    wanted = [f"cases.{case}.{backend}.{key}" for case in CASES for backend in BACKENDS for key in SHOWN]
    wanted += [f"install_megabytes.{backend}.megabytes" for backend in BACKENDS]
    wanted += ["date", "cpu", "cpu_count", "os", "python", "seconds", "fastest.image_classification",
               "fastest.classification", "small_cases.training_max", "small_cases.other_min", "small_cases.other_max"]
    wanted += [f"cases.image_classification.{backend}.times_fastest" for backend in BACKENDS]
    wanted += [f"versions.{name}" for name in ("keras", "tensorflow", "jax", "torch")]
    missing = [key for key in wanted if f"{{{{ benchmark.{STEM}.{key} }}}}" not in text]
    assert not missing, f"docs/{language}/{STEM}.md does not show: {missing}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_types_no_measured_number_by_hand(language):
    page = parse_page(DOCS / language / f"{STEM}.md")
    offenders = [f"line {n}: {found}" for n, line in page.prose if (found := typed_by_hand(line, FACTS))]
    assert not offenders, f"docs/{language}/{STEM}.md: quote {{{{ benchmark.{STEM}.<key> }}}} instead:\n" + "\n".join(offenders)


def test_what_the_page_says_of_the_numbers_holds():
    report = published()
    cases = report["cases"]
    # "The results agree": the final metric is close on every backend.
    for case in ("classification", "image_classification"):
        accuracies = [run["value"] for run in cases[case].values()]
        assert max(accuracies) - min(accuracies) <= 0.02, (case, accuracies)
    errors = [run["value"] for run in cases["linear_regression"].values()]
    assert max(errors) <= 1.5 * min(errors), errors
    # The derived numbers the prose quotes are the script's own, from these runs.
    derived = backends.summarize(json.loads(json.dumps({"cases": cases})))
    assert {k: report[k] for k in ("fastest", "small_cases")} == {k: derived[k] for k in ("fastest", "small_cases")}
    for case in CASES:
        assert [run["times_fastest"] for run in cases[case].values()] == [
            run["times_fastest"] for run in derived["cases"][case].values()]
    # "Small models: little to choose ... here X trained fastest": one backend for both.
    assert report["fastest"]["linear_regression"] == report["fastest"]["classification"]
    # "The convolutional network: the backend decides": the slowest took half as long again.
    image = cases["image_classification"]
    assert max(run["times_fastest"] for run in image.values()) >= 1.5


def test_the_benchmark_runs(tmp_path):
    """A smoke run of part of it (the suite runs every example under every
    backend already): the report and the table come out complete."""
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", MODULE, "--smoke", "--cases", "linear_regression", "--backends", "jax", "torch",
         "--out", str(out)],
        cwd=ROOT, env=example_env("tensorflow", tmp_path), capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    report = json.loads((out / "benchmark.json").read_text(encoding="utf-8"))
    assert report["smoke"] is True and list(report["cases"]) == ["linear_regression"]
    runs = report["cases"]["linear_regression"]
    assert list(runs) == ["jax", "torch"]
    for backend, run in runs.items():
        assert run["epochs"] == 1 and run["metric"] == "test_mse", backend
        assert run["total_seconds"] > run["training_seconds"] >= 0 and run["peak_memory_mb"] > 100, backend
    assert min(run["times_fastest"] for run in runs.values()) == 1.0
    for backend in BACKENDS:
        assert report["install_megabytes"][backend]["megabytes"] > 10, backend
    table = (out / "benchmark.md").read_text(encoding="utf-8")
    assert "| linear_regression | jax | 1 |" in table and "| torch |" in table


def test_a_smoke_run_never_replaces_the_published_one(tmp_path):
    before = RESULTS.read_bytes() if RESULTS.is_file() else None
    result = subprocess.run([sys.executable, "-m", MODULE, "--smoke"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 2 and "needs --out" in result.stderr, result.stderr
    assert (RESULTS.read_bytes() if RESULTS.is_file() else None) == before
