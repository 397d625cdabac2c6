"""The pages: twins in both languages, every include real, every block covered."""

import re
from collections import Counter

import pytest
from pytest_markdown_docs.plugin import FenceSyntax, extract_fence_tests

from harness import GENERATED
from harness.pages import (
    DEFAULT_LANGUAGE,
    DOCS,
    EXAMPLES,
    TOOLS,
    LANGUAGES,
    PYTHON_LANGS,
    ROOT,
    SHELL_LANGS,
    all_fences,
    example_sections,
    markdown_it_skipping_includes,
    nav,
    examples,
    tools,
    pages,
    parse_page,
)
from shell import commands_in, taken_by_tests

# Its ```{.python notest} blocks and the errors under them: tests/test_training_problems.py.
MISTAKES = "training_problems.md"
# Fences of a language whose own test module checks every one on these pages (and fails if it misses one).
CHECKED_ELSEWHERE = {
    "toml": ("installation.md",),  # tests/test_installation.py
    "json": ("verify_install.md",),  # tests/test_verify_install.py
    "text": ("common_errors.md", MISTAKES),  # tests/test_common_errors.py, tests/test_training_problems.py
}


def page_names(language):
    return sorted(page.name for page in pages(language))


def twin_pairs():
    names = sorted(set(page_names("zh")) & set(page_names("en")))
    return [pytest.param(name, id=name.removesuffix(".md").replace("/", "-")) for name in names]


def test_same_pages_in_both_languages():
    zh, en = (set(page_names(language)) for language in LANGUAGES)
    assert zh == en, f"only in docs/zh: {sorted(zh - en)}; only in docs/en: {sorted(en - zh)}"
    notebooks = {
        language: sorted(p.relative_to(DOCS / language).as_posix() for p in (DOCS / language).rglob("*.ipynb"))
        for language in LANGUAGES
    }
    assert notebooks["zh"] == notebooks["en"], notebooks


NUMBER = re.compile(r"(?<![\w.#-])\d+(?:[.,]\d+)*(?![\w])")
LINK_TARGET = re.compile(r"\]\([^)]*\)|<[^>]+>|\{[^}]*\}|`[^`]*`|https?://\S+")


def numbers_in_prose(page):
    found = Counter()
    for _, line in page.prose:
        found.update(NUMBER.findall(LINK_TARGET.sub(" ", line)))
    return found


def inline_code(page):
    return [(f.lang, f.code) for f in page.fences if not f.include_only]


@pytest.mark.parametrize("name", twin_pairs())
def test_twins_match(name):
    """The same includes, code blocks, headings and anchors (the language switch lands on the same
    section), and the same numbers in the prose: no stale translation."""
    zh, en = (parse_page(DOCS / language / name) for language in LANGUAGES)
    assert [i.target for i in zh.includes] == [i.target for i in en.includes], (
        f"docs/zh/{name} and docs/en/{name} must include the same example sections in the same order"
    )
    assert inline_code(zh) == inline_code(en), f"docs/zh/{name} and docs/en/{name} show different code blocks"
    for page in (zh, en):
        missing = [f"line {h.line}: {h.text}" for h in page.headings if not h.anchor]
        assert not missing, f"{page.path.relative_to(ROOT)}: headings without {{ #anchor }}: {missing}"
        duplicates = [a for a, n in Counter(h.anchor for h in page.headings).items() if n > 1]
        assert not duplicates, f"{page.path.relative_to(ROOT)}: anchors used twice: {duplicates}"
    assert [(h.level, h.anchor) for h in zh.headings] == [(h.level, h.anchor) for h in en.headings], (
        f"docs/zh/{name} and docs/en/{name} must have the same headings, levels and anchors in order"
    )
    zh_numbers, en_numbers = numbers_in_prose(zh), numbers_in_prose(en)
    assert zh_numbers == en_numbers, (
        f"docs/zh/{name} and docs/en/{name} quote different numbers: "
        f"only zh: {dict(zh_numbers - en_numbers)}, only en: {dict(en_numbers - zh_numbers)}"
    )


def all_includes():
    return sorted({(page.path, include) for page in pages() for include in page.includes}, key=str)


@pytest.mark.parametrize(
    "page, include",
    [pytest.param(p, i, id=f"{p.stem}-{p.parent.name}-{i.target}") for p, i in all_includes()],
)
def test_include_resolves(page, include):
    # Besides examples and tools, a page may include outputs of a real run (python -m harness.outputs).
    path = ROOT / include.path
    assert path.is_file(), f"{page.relative_to(ROOT)} includes {include.path}, which does not exist"
    assert path.is_relative_to(EXAMPLES) or path.is_relative_to(TOOLS) or path.is_relative_to(GENERATED), (
        f"{page.relative_to(ROOT)} includes {include.path}: pages show code from examples/ and tools/ "
        f"and outputs from {GENERATED.relative_to(ROOT)}/ only"
    )
    if include.section:
        sections = example_sections(path)
        assert include.section in sections, (
            f"{page.relative_to(ROOT)} includes section {include.section!r} of {include.path}, "
            f"which has only {sorted(sections)}"
        )
        assert sections[include.section].strip(), f"section {include.section!r} of {include.path} is empty"


def test_every_example_and_section_is_shown():
    """Each lesson and reader tool is shown on a page: its sections included, or the command that runs it."""
    shown = {(ROOT / i.path, i.section) for page in pages() for i in page.includes}
    commands = " ".join(
        cmd.text for fence in all_fences() if fence.lang in SHELL_LANGS for cmd in commands_in(fence)
    )
    for path in examples() + tools():
        sections = example_sections(path)
        rel = path.relative_to(ROOT).as_posix()
        unshown = [s for s in sections if (path, s) not in shown]
        assert not unshown, f"{rel}: sections no page shows: {unshown}"
        assert sections or rel in commands, (
            f"{rel} is on no page: include its sections (# --8<-- [start:name]) "
            "or show the command that runs it"
        )


# --- every block on the site is covered ------------------------------------


def collected_by_markdown_docs(page_path):
    """Start lines of the fences pytest-markdown-docs will run in this file."""
    return {
        test.start_line
        for test in extract_fence_tests(
            markdown_it_skipping_includes(),
            page_path.read_text(encoding="utf-8"),
            start_line_offset=0,
            source_path=page_path,
            fence_syntax=FenceSyntax.superfences,
        )
    }


def how_covered(fence, collected, taken):
    """A sentence saying which test covers ``fence``, or None if none does."""
    if fence.include_only:
        return "an include of example or generated files (tests/test_reader_road.py runs them)"
    if any(line.strip().startswith(("--8<--", "-8<-")) for line in fence.code.splitlines()):
        return None  # includes mixed with inline code: neither runs as a whole
    if fence.lang in PYTHON_LANGS:
        if "notest" in fence.options:
            return "run by tests/test_training_problems.py, which expects its error" if fence.page.name == MISTAKES else None
        if fence.nested:
            return "executed by tests/test_docs.py::test_nested_python_fence"
        if fence.line in collected:
            return "executed by pytest-markdown-docs"
        return None
    if fence.lang in SHELL_LANGS:
        commands = commands_in(fence)
        if commands and all(cmd.at in taken for cmd in commands):
            return "run or checked by a test that takes its commands (tests/shell.py)"
        return None
    if fence.page.name in CHECKED_ELSEWHERE.get(fence.lang, ()):
        return "checked by a test registered in CHECKED_ELSEWHERE"
    return None


def test_every_block_is_covered_by_a_test():
    taken, uncovered = taken_by_tests(), []
    for page in pages():
        collected = collected_by_markdown_docs(page.path)
        for fence in page.fences:
            if how_covered(fence, collected, taken) is None:
                first = next((l.strip() for l in fence.code.splitlines() if l.strip()), "")
                uncovered.append(f"{fence.where}: ```{fence.lang or '(no language)'} {first[:60]}")
    assert not uncovered, "code blocks no test covers:\n" + "\n".join(uncovered)


NESTED_PYTHON = [
    f for page in pages() for f in page.fences
    if f.nested and f.lang in PYTHON_LANGS and not f.include_only
]


@pytest.mark.parametrize(
    "fence", [pytest.param(f, id=f"{f.page.stem}-{f.page.parent.name}-{f.line}") for f in NESTED_PYTHON]
)
def test_nested_python_fence(fence, tmp_path, monkeypatch):
    """Fences inside tabs and admonitions, which pytest-markdown-docs does not see."""
    monkeypatch.chdir(tmp_path)
    exec(compile(fence.code, fence.where, "exec"), {"__name__": "__main__"})


def test_nav_lists_every_page_once():
    listed = nav()
    assert len(listed) == len(set(listed)), f"a page is listed twice in nav: {listed}"
    on_disk = sorted(
        p.relative_to(DOCS / DEFAULT_LANGUAGE).as_posix()
        for p in (DOCS / DEFAULT_LANGUAGE).rglob("*.md")
    )
    assert sorted(listed) == on_disk, (
        f"nav in mkdocs.yml and docs/{DEFAULT_LANGUAGE}/ differ: "
        f"not in nav: {sorted(set(on_disk) - set(listed))}; missing: {sorted(set(listed) - set(on_disk))}"
    )
