"""A lesson's notebook per language: its chapter, with the lesson's sections as code cells under one full
run's outputs (written by python -m harness.outputs; checked by tests/test_notebooks.py).

The page is cut at each block that includes a section of ``examples/<stem>.py``; the text between becomes
Markdown cells as Jupyter shows it: ``{{ run.… }}`` filled in, a box (``!!!``) a quote, an answer
(``???``) a ``<details>``, a tab (``===``) a bold label; the page's copy of a cell's output left out;
figures as attachments; links to the site's other pages reduced to their words.
"""

from __future__ import annotations

import base64
import json
import re
import textwrap
from pathlib import Path

from harness import DOCS, EXAMPLES, GENERATED, LANGUAGES
from harness.hooks.markdown import fill_placeholders, join_cjk_lines
from harness.pages import FIGURE, INCLUDE, Fence, Include, example_sections, parse_lines

BOX = re.compile(r'^(?P<indent>[ \t]*)(?P<kind>!!!|\?\?\?\+?|===)[ \t]*(?P<type>[\w-]+)?[ \t]*(?:"(?P<title>[^"]*)")?[ \t]*$')
HEADING_ANCHOR = re.compile(r"[ \t]*\{[ \t]*#[^}]*\}[ \t]*$")
LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]+)\]\((?P<target>[^)\s]+)\)(?:\{[^}]*\})?")


def lesson_cells(stem: str) -> list[dict]:
    """The lesson's sections, in order: one code cell each."""
    sections = example_sections(EXAMPLES / f"{stem}.py")
    return [{"section": name, "code": code.strip("\n")} for name, code in sections.items()]


def figure_names(section: str, outputs: list) -> list[str]:
    """The files a section's figures are written to (docs/assets/generated/<stem>/)."""
    count = sum("image/png" in o.get("data", {}) for o in outputs)
    return [f"{section}.png" if n == 0 else f"{section}-{n + 1}.png" for n in range(count)]


class Code(str):
    """A lesson section's name, standing where its code cell goes."""


def render(lines: list[str], first: int, fences: dict[int, Fence], stem: str, drawn: set[str]) -> list:
    """The page's lines (from line ``first``; ``fences`` by their first line) as Markdown for Jupyter,
    with a Code where each of the lesson's sections is included."""
    out: list = []
    n = 0
    while n < len(lines):
        fence, box = fences.get(first + n), BOX.match(lines[n])
        if fence:
            end = n + len(fence.body) + 1
            out += block(lines[n:end + 1], fence, stem)
            n = end + 1
        elif box:
            indent = box["indent"]
            end = n + 1
            while end < len(lines) and (not lines[end].strip() or lines[end].startswith(indent + "    ")):
                end += 1
            while end > n + 1 and not lines[end - 1].strip():
                end -= 1
            body = [line[len(indent) + 4:] for line in lines[n + 1:end]]
            out += wrapped(box, render(body, first + n + 1, fences, stem, drawn))
            n = end
        else:
            out.append(prose(lines[n], stem, drawn))
            n += 1
    return out


def block(lines: list[str], fence: Fence, stem: str) -> list:
    """A fenced block: a section's code cell, nothing for printed output, the included text, or itself."""
    targets = fence.includes
    if not targets:
        return lines
    if len(targets) == 1 and targets[0].path == f"examples/{stem}.py":
        return [Code(targets[0].section)]
    if all(t.path.startswith(f"docs/assets/generated/{stem}/") for t in targets):
        return []
    indent = lines[0][:len(lines[0]) - len(lines[0].lstrip())]
    body = []
    for line in lines[1:-1]:
        match = INCLUDE.match(line)
        if not match:
            body.append(line)
            continue
        target = Include.parse(match["target"])
        path = DOCS.parent / target.path
        text = example_sections(path)[target.section] if target.section else path.read_text(encoding="utf-8")
        body += [indent + part for part in text.rstrip("\n").split("\n")]
    return [lines[0], *body, lines[-1]]


def wrapped(box: re.Match, body: list) -> list:
    indent = box["indent"]
    title = box["title"] if box["title"] is not None else (box["type"] or "").capitalize()
    inner = [part if isinstance(part, Code) else indent + part if part.strip() else "" for part in body]
    if box["kind"] == "===" or any(isinstance(part, Code) for part in body):
        return [f"{indent}**{title}**", "", *inner]
    if box["kind"] == "!!!":
        return [f"{indent}> **{title}**", f"{indent}>", *(f"{indent}> {part[len(indent):]}".rstrip() for part in inner)]
    return [f"{indent}<details><summary>{title}</summary>", "", *inner, "", f"{indent}</details>"]


def prose(line: str, stem: str, drawn: set[str]) -> str:
    if line.lstrip().startswith("#"):
        line = HEADING_ANCHOR.sub("", line)

    def figure(match):
        name = Path(match["path"]).name
        if match["path"] == f"assets/generated/{stem}/{name}" and name in drawn:
            return ""  # a cell's output
        return f"![{match['alt']}](attachment:{name})"

    def link(match):
        return match[0] if re.match(r"https?://", match["target"]) else match["text"]

    return LINK.sub(link, FIGURE.sub(figure, line))


def build_notebook(language: str, stem: str, outputs: list[list]) -> dict:
    """A notebook (nbformat 4, as a dict); ``outputs`` per lesson section, in the lesson's order."""
    sections = lesson_cells(stem)
    by_name = {cell["section"]: (cell["code"], outputs[n] if outputs else []) for n, cell in enumerate(sections)}
    drawn = {name for section, (_, got) in by_name.items() for name in figure_names(section, got)}
    page = DOCS / language / f"{stem}.md"
    text = fill_placeholders(page.read_text(encoding="utf-8"), str(page))
    lines = join_cjk_lines(text, page).split("\n")
    fences = {fence.line: fence for fence in parse_lines(page, lines).fences}
    pieces = render(lines, 1, fences, stem, drawn)
    shown = [piece for piece in pieces if isinstance(piece, Code)]
    if shown != list(by_name):
        raise ValueError(f"{page}: a notebook runs the lesson from the top, so the page must show each section "
                         f"of examples/{stem}.py once, in the file's order: it shows {shown}, the file has "
                         f"{list(by_name)}")
    cells, markdown = [], []
    for piece in [*pieces, None]:
        if isinstance(piece, str) and not isinstance(piece, Code):
            markdown.append(piece)
            continue
        source = re.sub(r"\n{3,}", "\n\n", "\n".join(outdented(markdown))).strip("\n")
        if source:
            cells.append(markdown_cell(f"text-{len(cells) + 1}", source, stem))
        markdown = []
        if piece is not None:
            code, got = by_name[piece]
            number = shown.index(piece) + 1
            cells.append({"cell_type": "code", "id": f"code-{number}", "execution_count": number if outputs else None,
                          "metadata": {"section": str(piece)}, "outputs": got, "source": code})
    return {
        "cells": cells,
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                     "language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def outdented(lines: list[str]) -> list[str]:
    """A cell that starts inside a list item cut by a code cell: moved to the margin (else it is code)."""
    lines = textwrap.dedent("\n".join(lines)).split("\n")
    text = [line for line in lines if line.strip()]
    width = len(text[0]) - len(text[0].lstrip()) if text else 0
    for n, line in enumerate(lines):
        if line.strip() and len(line) - len(line.lstrip()) < width:
            break
        lines[n] = line[width:]
    return lines


def markdown_cell(cell_id: str, source: str, stem: str) -> dict:
    cell = {"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": source}
    names = re.findall(r"\(attachment:([^)]+)\)", source)
    if names:
        cell["attachments"] = {name: {"image/png": base64.b64encode((GENERATED / stem / name).read_bytes()).decode()}
                               for name in names}
    return cell


def write_notebooks(stem: str, outputs: list[list]) -> None:
    for language in LANGUAGES:
        path = DOCS / language / "notebooks" / f"{stem}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        notebook = build_notebook(language, stem, outputs)
        path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def rewrite_notebooks(stem: str) -> None:
    """The notebooks again from the outputs they hold; the code must be the code that ran."""
    path = DOCS / LANGUAGES[0] / "notebooks" / f"{stem}.ipynb"  # both languages hold the same run
    code = [cell for cell in json.loads(path.read_text(encoding="utf-8"))["cells"] if cell["cell_type"] == "code"]
    if [cell["source"] for cell in code] != [cell["code"] for cell in lesson_cells(stem)]:
        raise SystemExit(f"examples/{stem}.py changed since its notebook ran: run python -m harness.outputs {stem}")
    write_notebooks(stem, [cell["outputs"] for cell in code])
    print(f"{stem}: rewrote the zh/en notebooks from their outputs")
