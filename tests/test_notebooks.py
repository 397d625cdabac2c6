"""The notebooks and generated outputs match the examples and pages they came from.

They are written by ``python tools/notebooks.py``, from one real run. When an
example or a page changes, these tests fail until that command runs again.
"""

import json

import pytest

from docblocks import DOCS, LANGUAGES, ROOT
from tools.notebooks import GENERATED, build_notebook, example_cells, notebook_stems, text_of

STEMS = notebook_stems()
REGENERATE = "run `python tools/notebooks.py {stem}` again"


def committed(language, stem):
    path = DOCS / language / "notebooks" / f"{stem}.ipynb"
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing: {REGENERATE.format(stem=stem)}"
    return json.loads(path.read_text(encoding="utf-8"))


def code_outputs(notebook):
    return [cell["outputs"] for cell in notebook["cells"] if cell["cell_type"] == "code"]


def test_every_notebook_has_a_page_and_an_example():
    assert STEMS, "mkdocs.yml lists no notebooks/<stem>.ipynb page"
    for stem in STEMS:
        assert (ROOT / "examples" / f"{stem}.py").is_file()
        for language in LANGUAGES:
            assert (DOCS / language / f"{stem}.md").is_file()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("stem", STEMS)
def test_notebook_matches_its_example_and_page(stem, language):
    notebook = committed(language, stem)
    outputs = code_outputs(notebook)
    assert len(outputs) == len(example_cells(stem)), (
        f"examples/{stem}.py has changed shape since its notebook was made: {REGENERATE.format(stem=stem)}"
    )
    expected = build_notebook(language, stem, outputs)
    for n, (got, want) in enumerate(zip(notebook["cells"], expected["cells"])):
        assert got["source"] == want["source"], (
            f"cell {n} of docs/{language}/notebooks/{stem}.ipynb no longer matches "
            f"examples/{stem}.py or docs/{language}/{stem}.md: {REGENERATE.format(stem=stem)}"
        )
    assert notebook == expected, f"docs/{language}/notebooks/{stem}.ipynb is stale: {REGENERATE.format(stem=stem)}"


@pytest.mark.parametrize("stem", STEMS)
def test_both_languages_share_one_run(stem):
    zh, en = (committed(language, stem) for language in LANGUAGES)
    code = [[(c["source"], c["outputs"]) for c in nb["cells"] if c["cell_type"] == "code"] for nb in (zh, en)]
    assert code[0] == code[1], f"the zh and en notebooks of {stem} differ in code or outputs"
    assert all(outputs for outputs in code_outputs(zh)[:1]), f"the {stem} notebook was never run"


@pytest.mark.parametrize("stem", STEMS)
def test_generated_outputs_come_from_the_notebook_run(stem):
    folder = GENERATED / stem
    run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert run["stem"] == stem and run["backend"] == "tensorflow"
    assert {"cpu", "cpu_count", "python", "versions", "date", "seconds"} <= set(run)
    outputs = code_outputs(committed("zh", stem))
    expected = {
        f"{cell['section']}.txt": text_of(cell_outputs)
        for cell, cell_outputs in zip(example_cells(stem), outputs)
        if cell["section"] and text_of(cell_outputs).strip()
    }
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.txt")}
    assert on_disk == expected, f"{folder.relative_to(ROOT)} does not match the notebook's outputs"
