"""The notebooks and generated outputs match the lessons and pages they came from.

They are written by ``python -m harness.outputs``, from one real run. When a
lesson changes, or a page changes a figure's description or its title, these
tests fail until that command runs again.
"""

import json

import pytest

from harness import DOCS, GENERATED, LANGUAGES, ROOT
from harness.outputs import DIAGRAMS, build_notebook, figure_names, lesson_cells, notebook_stems, text_of

STEMS = notebook_stems()
# Without a stem every test below would be an empty parametrisation, which pytest
# skips. (A stem without its page or lesson fails test_notebook_matches_its_lesson_and_page.)
assert STEMS, "mkdocs.yml lists no notebooks/<stem>.ipynb page"
REGENERATE = "run `python -m harness.outputs {stem}` again"


def committed(language, stem):
    path = DOCS / language / "notebooks" / f"{stem}.ipynb"
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing: {REGENERATE.format(stem=stem)}"
    return json.loads(path.read_text(encoding="utf-8"))


def code_outputs(notebook):
    return [cell["outputs"] for cell in notebook["cells"] if cell["cell_type"] == "code"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("stem", STEMS)
def test_notebook_matches_its_lesson_and_page(stem, language):
    """The lesson's sections as code cells, under the introduction that names
    the chapter, with the page's descriptions of the figures."""
    notebook = committed(language, stem)
    outputs = code_outputs(notebook)
    assert [c["source"] for c in notebook["cells"] if c["cell_type"] == "code"] == [c["code"] for c in lesson_cells(stem)], (
        f"examples/{stem}.py has changed since its notebook ran: {REGENERATE.format(stem=stem)}"
    )
    assert notebook == build_notebook(language, stem, outputs), (
        f"docs/{language}/notebooks/{stem}.ipynb is stale: {REGENERATE.format(stem=stem)}"
    )


@pytest.mark.parametrize("stem", STEMS)
def test_both_languages_share_one_run(stem):
    zh, en = (committed(language, stem) for language in LANGUAGES)
    assert code_outputs(zh) == code_outputs(en), f"the zh and en notebooks of {stem} differ in their outputs"
    assert any(code_outputs(zh)), f"the {stem} notebook was never run"


@pytest.mark.parametrize("stem", STEMS)
def test_generated_outputs_come_from_the_notebook_run(stem):
    """Each section's printed text and figures in docs/assets/generated/<stem>/
    are the notebook's outputs (and the model diagrams the same run drew);
    run.json says where and how it ran."""
    folder = GENERATED / stem
    run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert run["stem"] == stem and run["backend"] == "tensorflow"
    assert {"cpu", "cpu_count", "python", "versions", "date", "seconds"} <= set(run)
    expected_text, expected_figures = {}, set()
    for cell, outputs in zip(lesson_cells(stem), code_outputs(committed("zh", stem))):
        if text_of(outputs).strip():
            expected_text[f"{cell['section']}.txt"] = text_of(outputs)
        expected_figures |= set(figure_names(cell["section"], outputs))
    assert {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.txt")} == expected_text, (
        f"{folder.relative_to(ROOT)} does not match the notebook's outputs: {REGENERATE.format(stem=stem)}")
    expected_figures |= {f"diagram_{name}.png" for name in DIAGRAMS.get(stem, [])}  # drawn after the lesson
    assert {p.name for p in folder.glob("*.png")} == expected_figures, (
        f"{folder.relative_to(ROOT)} holds other figures than the notebook drew: {REGENERATE.format(stem=stem)}")
