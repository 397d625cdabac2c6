"""The notebooks and generated outputs match the lessons and pages they came from: written from one
real run by ``python -m harness.outputs`` (with ``--notebooks-only`` when only a page changed), they
carry their chapter's text (harness/notebooks.py), and fail here until it runs again. And the
installation page's `jupyter notebook` opens them."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from markdown_it import MarkdownIt

from harness import DOCS, EXAMPLES, GENERATED, LANGUAGES, ROOT
from harness.notebooks import build_notebook, figure_names, lesson_cells
from harness.outputs import DIAGRAMS, notebook_stems, text_of
from harness.pages import parse_page
from harness.site import SitePage, free_port
from harness.lessons import environment, run
from install_pages import pinned_versions
from shell import Commands, commands, on_its_page

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


# --- `jupyter notebook`, as the installation page starts it ----------------------


def local(url: str) -> str:
    """The text at an address on 127.0.0.1, never through a proxy."""
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(url, timeout=10) as answer:
        return answer.read().decode()


def wait_for(find, server: subprocess.Popen, seconds: float = 120):
    """find()'s first true answer (OSError counts as none yet), while the server runs."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, f"the server stopped (exit code {server.returncode})"
        try:
            found = find()
        except OSError:
            found = None
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"nothing within {seconds} s")


@pytest.mark.parametrize("twins", commands(r"jupyter notebook"))
def test_jupyter_notebook_opens_the_notebooks(twins: Commands, tmp_path):
    """After the page's `pip install notebook`, started as the page says, in a
    terminal (a pseudo-terminal) in a folder holding the site's notebooks: it
    serves the page the browser opens (/tree) and lists the notebooks; one
    Ctrl+C (SIGINT) asks the question the page quotes, a second one stops it.
    Only the browser is not opened here (--no-browser): there is none. On
    Windows Jupyter asks nothing (its source says so); the page says so too."""
    cmd = twins[0]
    assert on_its_page(cmd, r"(?:python3? -m )?pip install notebook( -i \S+)?"), f"{cmd.where}: no `pip install notebook` on this page"
    jupyter = Path(sys.executable).parent / "jupyter"
    version = run([str(jupyter), "notebook", "--version"], timeout=120)
    assert version.returncode == 0, f"{cmd.where}: `jupyter notebook` does not run here:\n{version.stderr[-2000:]}"
    assert version.stdout.strip() == pinned_versions().get("notebook"), version.stdout
    port, token = free_port(), uuid.uuid4().hex
    notebooks = sorted((DOCS / LANGUAGES[0] / "notebooks").glob("*.ipynb"))
    assert notebooks
    for notebook in notebooks:
        shutil.copy(notebook, tmp_path)
    env = environment(
        HOME=str(tmp_path), JUPYTER_TOKEN=token, JUPYTER_CONFIG_DIR=f"{tmp_path}/.jupyter",
        JUPYTER_RUNTIME_DIR=f"{tmp_path}/.runtime", PATH=f"{jupyter.parent}{os.pathsep}{os.environ['PATH']}",
    )
    argv = [str(jupyter), *cmd.argv[1:], "--no-browser", f"--ServerApp.port={port}", "--ServerApp.port_retries=0"]
    if os.geteuid() == 0:  # a test container runs as root, which Jupyter refuses without this; a reader is not root
        argv.append("--allow-root")
    terminal, terminal_end = os.openpty()  # Jupyter asks before stopping only when its input is a terminal
    log_path = tmp_path / ".log"
    with open(log_path, "w", encoding="utf-8") as log:
        server = subprocess.Popen(argv, cwd=tmp_path, env=env, stdin=terminal_end, stdout=log, stderr=log)
    try:
        try:
            listed = wait_for(lambda: json.loads(local(f"http://127.0.0.1:{port}/api/contents?token={token}")), server)
            assert {item["name"] for item in listed["content"]} >= {n.name for n in notebooks}, listed
            assert "<html" in local(f"http://127.0.0.1:{port}/tree?token={token}").lower()
            server.send_signal(signal.SIGINT)
            wait_for(lambda: "Shut down this Jupyter server (y/[n])?" in log_path.read_text(encoding="utf-8"), server)
            assert server.poll() is None, "one Ctrl+C stopped it without asking"
            server.send_signal(signal.SIGINT)
            stopped = server.wait(timeout=60)
        except AssertionError as error:
            raise AssertionError(f"{cmd.where}: {error}\n{log_path.read_text(encoding='utf-8')[-3000:]}") from None
    finally:
        if server.poll() is None:
            server.kill()
        os.close(terminal)
        os.close(terminal_end)
    printed = log_path.read_text(encoding="utf-8")
    assert f"http://localhost:{port}/tree" in printed, printed
    assert "Use Control-C to stop this server and shut down all kernels (twice to skip confirmation)." in printed, printed
    assert stopped == 0, printed
