"""Turn an example and its two pages into notebooks, and run them for real.

    python tools/notebooks.py                 # every notebook listed in mkdocs.yml
    python tools/notebooks.py what_is_keras   # just one
    python tools/notebooks.py --text-only     # pages changed: new text, same outputs

For each stem this runs ``examples/<stem>.py`` once, in a Jupyter kernel, in
full (no smoke-mode caps), with the TensorFlow backend, and writes:

- ``docs/zh/notebooks/<stem>.ipynb`` and ``docs/en/notebooks/<stem>.ipynb``: the
  page's prose as Markdown cells around the example's code cells, with the
  outputs of that one run (both languages share the same code and outputs);
- ``docs/assets/generated/<stem>/``: what the run wrote (figures, results),
  the text each shown section printed (``<section>.txt``), and ``run.json``:
  when, on what machine, with which versions, and how long it took.

Nothing here is edited by hand. tests/test_notebooks.py fails when a
notebook no longer matches its example or its pages; run this again then.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import platform
import re
import shutil
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
EXAMPLES = ROOT / "examples"
GENERATED = DOCS / "assets" / "generated"
LANGUAGES = ("zh", "en")
SECTION_MARK = re.compile(r"^\s*#\s*-{1,}8<-{1,}\s+\[(?P<kind>start|end):(?P<name>[A-Za-z0-9_-]+)\]\s*$")
INCLUDE = re.compile(r"^\s*-{1,}8<-{1,}\s+\"(?P<target>[^\"]+)\"\s*$")
ANCHOR = re.compile(r"\s*\{\s*#[A-Za-z0-9_-]+[^}]*\}\s*$")
FIGURE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?!https?://)[^)]*\)")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
sys.path.insert(0, str(ROOT / "tools"))
from mkdocs_hooks import fill_placeholders, join_cjk_lines  # noqa: E402

VERSIONS = ("keras", "tensorflow", "jax", "torch", "numpy", "matplotlib")
# Files other tools write into a stem's outputs: kept when this run replaces
# them (benchmarks/fashion_mnist.py, tools/repeat.py).
OTHER_TOOLS = ("benchmark.json", "benchmark.md", "repeat.json")
# A saved model is a large binary that changes with every run: not a page asset.
NOT_COPIED = (".keras", ".h5")


def notebook_stems() -> list[str]:
    """The stems whose notebooks mkdocs.yml lists under notebooks/."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    return re.findall(r"notebooks/([a-z0-9_]+)\.ipynb", text)


# --- cells ---------------------------------------------------------------


def example_cells(stem: str) -> list[dict]:
    """Split the example into code cells: one per named section, and one for
    each stretch of code outside any section (a seed, saving results)."""
    source = (EXAMPLES / f"{stem}.py").read_text(encoding="utf-8")
    lines = source.splitlines()
    # Drop the module docstring: the page's own prose introduces the notebook.
    first = ast.parse(source).body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
        lines = lines[first.end_lineno :]
    cells, current, section = [], [], None

    def flush():
        code = "\n".join(current).strip("\n")
        if code.strip():
            cells.append({"section": section, "code": code})
        current.clear()

    for line in lines:
        mark = SECTION_MARK.match(line)
        if mark:
            flush()
            section = mark["name"] if mark["kind"] == "start" else None
            continue
        current.append(line)
    flush()
    return cells


def page_markdown(language: str, stem: str) -> dict:
    """The page's prose split at its includes of ``examples/<stem>.py``.

    Returns {"before": {section: markdown}, "after": markdown, "alts": {section:
    [alt, ...]}}: the prose that leads up to each shown section, the prose after
    the last one, and the alt text of the figures the page shows after each
    section (in the notebook, that section's cell draws them).
    """
    page = DOCS / language / f"{stem}.md"
    before, chunk, in_output_fence = {}, [], False
    alts, last_section = {}, None
    lines = page.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped.startswith("```"):
            # A fence that only includes files: code becomes a cell, output
            # fences are dropped (the notebook holds the real outputs).
            j = i + 1
            body = []
            while j < len(lines) and not lines[j].strip().startswith("```"):
                body.append(lines[j])
                j += 1
            targets = [INCLUDE.match(b)["target"] for b in body if INCLUDE.match(b)]
            if targets and len(targets) == len([b for b in body if b.strip()]):
                for target in targets:
                    path, _, section = target.partition(":")
                    if path == f"examples/{stem}.py":
                        before[section] = tidy(chunk)
                        chunk = []
                        last_section = section
                i = j + 1
                continue
            chunk.extend(lines[i : j + 1])
            i = j + 1
            continue
        figure = FIGURE.search(line)
        if figure and last_section is not None:
            alts.setdefault(last_section, []).append(figure["alt"])
        chunk.append(ANCHOR.sub("", line) if stripped.startswith("#") else line)
        i += 1
    return {"before": before, "after": tidy(chunk), "alts": alts}


def tidy(lines: list[str]) -> str:
    """Markdown fit for a notebook: no MkDocs-only syntax, no dangling links."""
    out = []
    for line in lines:
        line = re.sub(r"^(\s*)!!!\s+\w+\s*\"(.*)\"\s*$", r"\1> **\2**", line)
        line = re.sub(r"^(\s*)!!!\s+(\w+)\s*$", lambda m: f"{m[1]}> **{m[2].capitalize()}**", line)
        # A figure on the page is the output of a cell in the notebook.
        line = re.sub(r"!\[[^\]]*\]\((?!https?://)[^)]*\)(\{[^}]*\})?", "", line)
        # Links to other pages of the site do not work inside a notebook file.
        line = re.sub(r"\[([^\]]+)\]\((?!https?://)[^)]*\)", r"\1", line)
        out.append(line)
    text = join_cjk_lines("\n".join(out)).strip("\n")
    # Indented admonition bodies become quoted lines, and the quote ends
    # before whatever follows it.
    # The title stays a paragraph of its own (a line break inside a paragraph
    # shows as a space between Chinese characters).
    text = re.sub(r"(?m)^(> \*\*.*\*\*)\n((?: {4}.*\n?|\n)+)", lambda m: m[1] + "\n>\n" + "\n".join(
        "> " + l[4:] if l.strip() else ">" for l in m[2].rstrip("\n").split("\n")) + "\n\n", text)
    # A content tab (=== "Title") becomes a bold title over its body, unindented.
    text = re.sub(r'(?m)^=== "(.*)"\s*\n((?: {4}.*\n?|\n)+)', lambda m: f"**{m[1]}**\n\n" + "\n".join(
        l[4:] for l in m[2].rstrip("\n").split("\n")) + "\n\n", text)
    return text.strip("\n")


def cell_metadata(section: str | None, alts: dict) -> dict:
    """A code cell's section name and, where it draws figures, their alt text in
    the page's language ("alt": nbconvert's key; "alts" when it draws several).
    tools/mkdocs_hooks.py puts them on the notebook page's images."""
    if section is None:
        return {}
    metadata = {"section": section}
    texts = alts.get(section, [])
    if len(texts) == 1:
        metadata["alt"] = texts[0]
    elif texts:
        metadata["alts"] = texts
    return metadata


def build_notebook(language: str, stem: str, outputs: list | None = None, numbers: bool = True) -> dict:
    """A notebook (nbformat 4 as a dict) for one language; ``outputs`` per code cell.

    With ``numbers``, {{ results.stem.key }} in the prose is filled in as on
    the site; the run itself needs only the code, before any results exist.
    """
    prose = page_markdown(language, stem)
    cells = []

    def markdown(text):
        text = fill_placeholders(text, f"docs/{language}/{stem}.md") if numbers else text
        if text.strip():
            cells.append({"cell_type": "markdown", "id": f"text-{len(cells)}", "metadata": {}, "source": text})

    for n, cell in enumerate(example_cells(stem)):
        if cell["section"] is not None:
            markdown(prose["before"].get(cell["section"], ""))
        cells.append(
            {
                "cell_type": "code",
                "id": f"code-{len(cells)}",
                "execution_count": n + 1 if outputs is not None else None,
                "metadata": cell_metadata(cell["section"], prose["alts"]),
                "outputs": outputs[n] if outputs is not None else [],
                "source": cell["code"],
            }
        )
    markdown(prose["after"])
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


# --- running ---------------------------------------------------------------


def text_of(outputs: list) -> str:
    """What a cell printed, as a reader's terminal would end up showing it."""
    parts = []
    for output in outputs:
        if output.get("output_type") == "stream" and output.get("name") == "stdout":
            parts.append("".join(output["text"]) if isinstance(output["text"], list) else output["text"])
        elif output.get("output_type") in ("execute_result", "display_data"):
            data = output.get("data", {})
            if "text/plain" in data and "image/png" not in data:
                text = data["text/plain"]
                text = "".join(text) if isinstance(text, list) else text
                parts.append(text if text.endswith("\n") else text + "\n")
    text = ANSI.sub("", "".join(parts))
    return "\n".join(map(on_screen, text.split("\n"))).strip("\n") + "\n"


def on_screen(line: str) -> str:
    """Progress bars redraw a line with \\r and \\b: keep what stays on screen."""
    shown: list[str] = []
    for char in line:
        if char == "\r":
            shown = []
        elif char == "\b":
            shown = shown[:-1]
        else:
            shown.append(char)
    return "".join(shown).rstrip()


NATIVE_LOG = re.compile(r"^([IWEF]\d{4} |WARNING: All log messages before absl)")


def is_native_log(output: dict) -> bool:
    """TensorFlow's C++ start-up lines on stderr ("Could not find cuda drivers"...):
    noise on a page; the installation chapter explains them."""
    if output.get("output_type") != "stream" or output.get("name") != "stderr":
        return False
    lines = [line for line in output["text"].splitlines() if line.strip()]
    return bool(lines) and all(NATIVE_LOG.match(line) for line in lines)


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for name in VERSIONS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return {
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "versions": versions,
    }


def run(stem: str) -> None:
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.from_dict(build_notebook(LANGUAGES[0], stem, numbers=False))
    env_backup = dict(os.environ)
    workdir = Path(tempfile.mkdtemp(prefix=f"nb-{stem}-"))
    try:
        # A full run: drop any smoke-mode caps; TensorFlow, as the pages say.
        for name in ("KERAS_MAX_EPOCHS", "KERAS_MAX_STEPS_PER_EPOCH"):
            os.environ.pop(name, None)
        os.environ["KERAS_BACKEND"] = "tensorflow"
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"
        os.environ.pop("MPLBACKEND", None)
        started = time.time()
        NotebookClient(notebook, timeout=3600, kernel_name="python3", resources={"metadata": {"path": str(workdir)}}).execute()
        seconds = time.time() - started
    finally:
        os.environ.clear()
        os.environ.update(env_backup)

    outputs = [
        [o for o in cell["outputs"] if not is_native_log(o)]
        for cell in notebook.cells
        if cell.cell_type == "code"
    ]
    target = GENERATED / stem
    GENERATED.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".staging-{stem}-", dir=GENERATED))
    staging.chmod(0o755)
    try:
        for path in workdir.iterdir():
            if path.is_file() and path.suffix not in NOT_COPIED:
                shutil.copy2(path, staging / path.name)
        for cell, cell_outputs in zip(example_cells(stem), outputs):
            if cell["section"] and text_of(cell_outputs).strip():
                (staging / f"{cell['section']}.txt").write_text(text_of(cell_outputs), encoding="utf-8")
        info = {"stem": stem, "date": time.strftime("%Y-%m-%d"), "seconds": round(seconds, 1), "backend": "tensorflow"}
        info.update(machine())
        (staging / "run.json").write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        # Replace the old outputs only once the new ones are complete.
        if target.exists():
            for name in OTHER_TOOLS:
                if (target / name).is_file() and not (staging / name).exists():
                    shutil.copy2(target / name, staging / name)
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(workdir, ignore_errors=True)

    plain = [[json.loads(json.dumps(o)) for o in cell_outputs] for cell_outputs in outputs]
    try:
        write_notebooks(stem, plain)
    except ValueError as error:
        # A number that another tool writes from this run (tools/repeat.py,
        # benchmarks/) cannot exist yet: keep the run, fill the text in later.
        for language in LANGUAGES:
            write_notebook(DOCS / language / "notebooks" / f"{stem}.ipynb", build_notebook(language, stem, plain, numbers=False))
        print(f"{stem}: {error}\n  The notebooks keep that placeholder; once the file exists, run "
              f"python tools/notebooks.py --text-only {stem}")
    print(f"{stem}: ran in {seconds:.1f} s; wrote {target.relative_to(ROOT)}/ and the zh/en notebooks")


def write_notebooks(stem: str, outputs: list) -> None:
    for language in LANGUAGES:
        write_notebook(DOCS / language / "notebooks" / f"{stem}.ipynb", build_notebook(language, stem, outputs))


def rewrite_text(stem: str) -> None:
    """Rewrite a stem's notebooks from its pages and numbers, keeping the
    outputs of its last run: for a changed page, or a number another tool
    wrote after that run. The code must be the code that ran."""
    path = DOCS / LANGUAGES[0] / "notebooks" / f"{stem}.ipynb"
    if not path.is_file():
        raise SystemExit(f"{path.relative_to(ROOT)} is missing: run python tools/notebooks.py {stem}")
    ran = [cell for cell in json.loads(path.read_text(encoding="utf-8"))["cells"] if cell["cell_type"] == "code"]
    if [cell["source"] for cell in ran] != [cell["code"] for cell in example_cells(stem)]:
        raise SystemExit(f"examples/{stem}.py has changed since its notebook ran: run python tools/notebooks.py {stem}")
    write_notebooks(stem, [cell["outputs"] for cell in ran])
    print(f"{stem}: rewrote the zh/en notebooks' text; outputs kept from the last run")


def write_notebook(path: Path, notebook: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stems", nargs="*", help="examples to run (default: every notebook in mkdocs.yml)")
    parser.add_argument("--text-only", action="store_true",
                        help="run nothing: rewrite the notebooks' text from the pages, keeping the last run's outputs")
    args = parser.parse_args(argv)
    known = notebook_stems()
    for stem in args.stems or known:
        if stem not in known:
            parser.error(f"{stem!r} has no notebook page in mkdocs.yml (known: {', '.join(known)})")
        rewrite_text(stem) if args.text_only else run(stem)
    return 0


if __name__ == "__main__":
    sys.exit(main())
