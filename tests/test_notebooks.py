"""The notebooks and generated outputs match the lessons and pages they came from: written from one
real run by ``python -m harness.outputs`` (with ``--notebooks-only`` when only a page changed), they
carry their chapter's text (harness/notebooks.py), and fail here until it runs again."""

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from markdown_it import MarkdownIt

from harness import DOCS, EXAMPLES, GENERATED, LANGUAGES, ROOT
from harness.notebooks import build_notebook, figure_names, lesson_cells
from harness.outputs import DIAGRAMS, notebook_stems, text_of
from harness.pages import parse_page
from harness.site import SitePage

STEMS = notebook_stems()
assert STEMS, "harness.outputs runs no lesson"  # else every test below would be skipped
REGENERATE = "run `python -m harness.outputs {stem}` again (--notebooks-only if only the page changed)"


def committed(language, stem):
    path = DOCS / language / "notebooks" / f"{stem}.ipynb"
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing: {REGENERATE.format(stem=stem)}"
    return json.loads(path.read_text(encoding="utf-8"))


def code_outputs(notebook):
    return [cell["outputs"] for cell in notebook["cells"] if cell["cell_type"] == "code"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("stem", STEMS)
def test_notebook_matches_its_lesson_and_page(stem, language):
    """The lesson's sections as code cells, between the page's own text."""
    notebook = committed(language, stem)
    outputs = code_outputs(notebook)
    code = [cell["source"] for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert code == [cell["code"] for cell in lesson_cells(stem)], (
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
    """docs/assets/generated/<stem>/: each section's text and figures are the notebook's outputs (with
    the model diagrams the same run drew); run.json says where and how it ran."""
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


# What only MkDocs understands: Jupyter would show it as it is.
MKDOCS_ONLY = re.compile(r"--8<--|\{\{|\{\s*#|^\s*(!!!|\?\?\?|===)\s", re.MULTILINE)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("stem", STEMS)
def test_the_notebook_carries_its_chapter(stem, language):
    """Every heading of the page, in order; no MkDocs syntax; no text Jupyter would show as code (a
    list item cut by a code cell); every picture it names attached."""
    notebook = committed(language, stem)
    markdown = [cell for cell in notebook["cells"] if cell["cell_type"] == "markdown"]
    parser = MarkdownIt("commonmark")
    headings = []
    for cell in markdown:
        assert not MKDOCS_ONLY.search(cell["source"]), f"{stem} ({language}), cell {cell['id']}: {cell['source'][:300]}"
        tokens = parser.parse(cell["source"])
        assert "code_block" not in {t.type for t in tokens}, f"{stem} ({language}), {cell['id']} shows text as code"
        headings += [tokens[n + 1].content for n, t in enumerate(tokens) if t.type == "heading_open"]
        for name in re.findall(r"\(attachment:([^)]+)\)", cell["source"]):
            assert name in cell.get("attachments", {}), f"{stem} ({language}), cell {cell['id']}: {name} not attached"
    assert headings == [h.text for h in parse_page(DOCS / language / f"{stem}.md").headings]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("stem", STEMS)
def test_the_chapter_offers_its_notebook_and_lesson(stem, language, site):
    """Two download buttons under the chapter's title: the notebook and the lesson, as committed."""
    page = SitePage(language, DOCS / language / f"{stem}.md")
    html = BeautifulSoup((site / page.built).read_text(encoding="utf-8"), "html.parser")
    links = [a["href"] for a in html.select("h1 + p.downloads a.md-button[download]")]
    got = {Path(href).suffix: (site / page.path / href).resolve() for href in links}
    assert sorted(got) == [".ipynb", ".py"], f"/{page.path}: download buttons {links}"
    assert json.loads(got[".ipynb"].read_text(encoding="utf-8")) == committed(language, stem)
    assert got[".py"].read_bytes() == (EXAMPLES / f"{stem}.py").read_bytes()
