"""training_problems.md: each mistake the page shows raises, under every backend, the error it quotes.

A mistake is a ```{.python notest} block (pytest-markdown-docs would stop at its
error; tests/test_docs.py counts it as covered here), followed by ```text blocks:
what Keras printed. Here each mistake runs as a reader runs it, after the
lesson's sections the page showed above it, one epoch per fit(); as in the error index
(tests/test_common_errors.py, whose matching this reuses: ``…`` stands for
anything), every line of a text block must be in what a run printed, in order.
Each backend's run must be matched by one of the blocks, and each block by one
of the runs: where the backends word the error differently, the page quotes each.
"""

import sys

import pytest

from harness import BACKENDS
from harness.lessons import TIMEOUT, example_env, run
from harness.pages import DOCS, EXAMPLES, LANGUAGES, PYTHON_LANGS, example_sections, parse_page
from test_common_errors import unmatched

STEM = "training_problems"
LESSON = EXAMPLES / f"{STEM}.py"


def mistakes(language):
    """(the mistake's code, the sections shown above it, the text blocks under it), in page order."""
    page = parse_page(DOCS / language / f"{STEM}.md")
    found = []
    for n, fence in enumerate(page.fences):
        if fence.lang not in PYTHON_LANGS or "notest" not in fence.options:
            continue
        shown = [i.section for f in page.fences[:n] for i in f.includes if i.path == f"examples/{STEM}.py"]
        texts = []
        for after in page.fences[n + 1:]:
            if after.lang != "text" or after.include_only:
                break
            texts.append(after.code.splitlines())
        found.append((fence.code, shown, texts))
    return found


def test_the_page_shows_its_mistakes_with_their_errors():
    for language in LANGUAGES:
        page = parse_page(DOCS / language / f"{STEM}.md")
        found = mistakes(language)
        assert found and all(texts for _, _, texts in found), f"docs/{language}/{STEM}.md: a mistake without its error"
        quoted = sum(len(texts) for _, _, texts in found)
        own_text = [f for f in page.fences if f.lang == "text" and not f.include_only]
        assert quoted == len(own_text), f"docs/{language}/{STEM}.md: a text block that follows no mistake"
    assert mistakes("zh") == mistakes("en")


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """Backend -> what each mistake's run printed (stdout, then stderr)."""
    sections = example_sections(LESSON)
    runs = {}
    for backend in BACKENDS:
        runs[backend] = []
        for code, shown, _ in mistakes("en"):
            tmp = tmp_path_factory.mktemp(f"{STEM}-{backend}")
            script = tmp / "mistake.py"
            script.write_text("".join(sections[name] for name in shown) + code, encoding="utf-8")
            # One epoch per fit(), but whole epochs: capped steps make Keras cut
            # bigger batches, and the error names the batch's shape.
            env = example_env(backend, tmp)
            del env["KERAS_MAX_STEPS_PER_EPOCH"]
            result = run([sys.executable, str(script)], cwd=tmp, env=env, timeout=TIMEOUT)
            assert result.returncode != 0, f"the mistake ran without an error under {backend}:\n{code}"
            runs[backend].append(result.stdout + result.stderr)
    return runs


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_mistake_raises_the_error_the_page_quotes(language, printed):
    for n, (code, _, texts) in enumerate(mistakes(language)):
        for backend in BACKENDS:
            out = printed[backend][n]
            assert any(not unmatched(block, out) for block in texts), (
                f"docs/{language}/{STEM}.md: no text block under\n{code}\nis what {backend} printed:\n{out[-3000:]}"
            )
        for block in texts:
            assert any(not unmatched(block, printed[backend][n]) for backend in BACKENDS), (
                f"docs/{language}/{STEM}.md: no backend prints\n" + "\n".join(block)
            )
