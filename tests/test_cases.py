"""The three cases (linear_regression, classification, image_classification):
their pages show their own figures, state the machine and the run, and agree
with the runs and the benchmark they came from. Every page that quotes a run
(the cases, what_is_keras, the backend chapter) types no measured number by
hand; the backend chapter's other checks are in tests/test_choosing_a_backend.py."""

import json
import sys
from pathlib import Path

import pytest
from PIL import Image

from benchmarks.fashion_mnist import training_code_digest
from harness import CASES, GENERATED
from harness.lessons import example_env, run
from harness.outputs import notebook_stems
from harness.pages import DOCS, EXAMPLES, FIGURE, LANGUAGES, ROOT, example_sections, parse_page, typed_by_hand
from harness.repeat import compare, numbers

def pages(stems):
    return [pytest.param(stem, language, id=f"{stem}-{language}") for stem in stems for language in LANGUAGES]


PAGES = pages(CASES)
# Every page that shows what a run wrote (docs/assets/generated/<stem>/) is held
# to the rule, so a new page is too. What it may write by hand: the numbers in
# its lesson's code, and version numbers it states as facts
# (../shared/reference/facts.md).
QUOTING_RUNS = sorted(folder.name for folder in GENERATED.iterdir() if folder.is_dir())
FACTS = {"choosing_a_backend": "TensorFlow 2.10", "what_is_keras": "Keras 0.3, TensorFlow 2.16"}


def typed_by_hand_allowed(stem):
    lesson = EXAMPLES / f"{stem}.py"
    return (lesson.read_text(encoding="utf-8") if lesson.is_file() else "") + "\n" + FACTS.get(stem, "")


@pytest.mark.parametrize("stem, language", pages(QUOTING_RUNS))
def test_page_types_no_measured_number_by_hand(stem, language):
    page = parse_page(DOCS / language / f"{stem}.md")
    allowed = typed_by_hand_allowed(stem)
    offenders = [
        f"docs/{language}/{stem}.md:{number}: {found}"
        for number, line in page.prose
        if (found := typed_by_hand(line, allowed))
    ]
    assert not offenders, (
        "quote measured numbers as {{ results.<stem>.<key> }} (or run., benchmark., gpu., repeat.), "
        "never by hand:\n" + "\n".join(offenders)
    )


def test_the_hand_typed_number_check_can_fail():
    source = "noise = rng.normal(0, 0.1)\n"
    assert typed_by_hand("accuracy reached 0.987 after 30 epochs", source) == ["0.987"]
    assert typed_by_hand("准确率是 98.5%，训练用了 12 秒", source) == ["98.5%", "12 秒"]
    assert typed_by_hand("peak memory 1700 MB", source) == ["1700 MB"]
    assert typed_by_hand("noise of 0.1, `lr=0.5`, {{ results.x.accuracy }}%, 28 × 28", source) == []


@pytest.mark.parametrize("stem, language", PAGES)
def test_page_states_versions_hardware_and_run_time(stem, language):
    text = (DOCS / language / f"{stem}.md").read_text(encoding="utf-8")
    for key in ("date", "cpu", "cpu_count", "python", "versions.keras", "versions.tensorflow", "seconds"):
        assert f"{{{{ run.{stem}.{key} }}}}" in text, f"docs/{language}/{stem}.md does not state run.{stem}.{key}"
    assert f"{{{{ repeat.{stem}.largest_difference }}}}" in text, (
        f"docs/{language}/{stem}.md does not state how far two full runs differ"
    )


@pytest.mark.parametrize("stem, language", PAGES)
def test_page_shows_every_figure_of_its_run(stem, language):
    page = DOCS / language / f"{stem}.md"
    figures = FIGURE.findall(page.read_text(encoding="utf-8"))
    for alt, path in figures:
        assert len(alt.strip()) >= 10, f"{page.relative_to(ROOT)}: the figure {path} needs alt text"
        target = (page.parent / path).resolve()
        assert target.is_file(), f"{page.relative_to(ROOT)}: {path} does not exist ({target})"
        assert target.parent == GENERATED / stem, f"{page.relative_to(ROOT)}: {path} is not from this page's run"
    shown = {Path(path).name for _, path in figures}
    written = {p.name for p in (GENERATED / stem).glob("*.png")}
    assert written and shown == written, f"{page.relative_to(ROOT)} shows {sorted(shown)}; the run drew {sorted(written)}"
    # As harness.outputs writes them: in 256 colours (small_png), a third of the bytes on a phone.
    wide = [name for name in sorted(written) if Image.open(GENERATED / stem / name).mode != "P"]
    assert not wide, f"{stem}: {wide} are not what harness.outputs.small_png makes: python -m harness.outputs {stem}"


@pytest.mark.parametrize("stem, language", PAGES)
def test_page_shows_its_example_in_order(stem, language):
    """Every section, in the file's order: copying the blocks down the page
    rebuilds the example (without the seed and the results file)."""
    page = parse_page(DOCS / language / f"{stem}.md")
    shown = [i.section for i in page.includes if i.path == f"examples/{stem}.py"]
    assert shown == list(example_sections(ROOT / "examples" / f"{stem}.py"))


@pytest.mark.parametrize("stem", notebook_stems())
def test_the_lesson_is_its_sections_and_nothing_else(stem):
    """Pasting every block of the page, in order, gives the lesson file itself
    (less its docstring): what tests/test_reader_road.py runs is what a reader pastes."""
    path = EXAMPLES / f"{stem}.py"
    code = [line for line in path.read_text(encoding="utf-8").split('"""', 2)[2].splitlines()
            if line.strip() and "--8<--" not in line]
    pasted = [line for line in "\n".join(example_sections(path).values()).splitlines() if line.strip()]
    assert code == pasted, f"examples/{stem}.py has code outside its sections (bookkeeping belongs to harness.outputs)"


# --- two full runs agree ------------------------------------------------------

BENCHMARK = "benchmarks.fashion_mnist"
# The published files of a case, and the command that writes each.
WRITTEN_BY = {"results.json": "python -m harness.outputs {stem}", "repeat.json": "python -m harness.repeat {stem}",
              "benchmark.json": f"python -m {BENCHMARK}"}


def published(stem, name):
    path = GENERATED / stem / name
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing: run {WRITTEN_BY[name].format(stem=stem)}"
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("stem", CASES)
def test_the_repeat_compares_the_published_run(stem):
    results, repeat = published(stem, "results.json"), published(stem, "repeat.json")
    assert repeat["first"] == numbers(results), (
        f"docs/assets/generated/{stem}/repeat.json compares another run than results.json: run python -m harness.repeat {stem}"
    )
    assert {k: repeat[k] for k in ("differences", "largest_difference", "identical")} == {
        k: v for k, v in compare(results, repeat["second_run"]).items() if k in ("differences", "largest_difference", "identical")
    }


def test_the_repeat_comparison_ignores_timings_and_finds_differences():
    first = {"accuracy": 0.5, "new": [{"p": 0.25}], "training_seconds": 3.0}
    second = {"accuracy": 0.75, "new": [{"p": 0.25}], "training_seconds": 9.0}
    report = compare(first, second)
    assert report["differences"] == {"accuracy": 0.25, "new.0.p": 0.0}
    assert report["largest_difference"] == 0.25 and not report["identical"]
    assert compare(first, first)["identical"]


# --- the benchmark ------------------------------------------------------------


def test_image_classification_benchmark_is_current_and_backs_the_page():
    report = published("image_classification", "benchmark.json")
    assert not report["smoke"], "the published benchmark is a smoke run"
    assert report["example_training_code_sha256"] == training_code_digest(), (
        "examples/image_classification.py trains differently since the benchmark ran: "
        f"run python -m {BENCHMARK} again"
    )
    ours, recipe = report["models"]["guide_cnn"], report["models"]["keras_io"]
    # What the page says of the table: more accurate, in less training time.
    assert ours["test_accuracy"] > recipe["test_accuracy"]
    assert ours["training_seconds"] <= recipe["training_seconds"]
    # The benchmark ran the very example the page shows: same model, same result.
    results, repeat = (published("image_classification", name) for name in ("results.json", "repeat.json"))
    assert ours["parameters"] == results["parameters"] and ours["epochs"] == results["epochs"]
    assert abs(ours["test_accuracy"] - results["test_accuracy"]) <= repeat["largest_difference"], (
        "the benchmark's run of the example and the published run differ by more than two full runs do"
    )


def test_image_classification_benchmark_runs(tmp_path):
    """The benchmark in smoke mode: every model trains a few steps, and the
    report and its table come out complete."""
    env = example_env("tensorflow", tmp_path)
    result = run(
        [sys.executable, "-m", BENCHMARK, "--smoke", "--out", str(tmp_path / "out")],
        cwd=ROOT, env=env, timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    report = json.loads((tmp_path / "out" / "benchmark.json").read_text(encoding="utf-8"))
    assert report["smoke"] is True
    assert list(report["models"]) == ["keras_io", "tf_beginner", "guide_cnn"]
    for name, model in report["models"].items():
        assert model["epochs"] == 1, name
        assert 0 <= model["test_accuracy"] <= 1 and model["training_seconds"] > 0, name
        assert model["peak_memory_mb"] > 100 and model["parameters"] > 0, name
    table = (tmp_path / "out" / "benchmark.md").read_text(encoding="utf-8").splitlines()
    assert len(table) == 5 and "keras-io" in table[2] and "image_classification.py" in table[4]
    assert table[2] in result.stdout
