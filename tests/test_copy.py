"""The copy check (tests/copy_check.py, run in every page's visit by
tests/test_browser.py) can fail, and the site has both kinds of code for it."""

from __future__ import annotations

import pytest

from copy_check import CLIPBOARD, check_copy_buttons
from harness.pages import DOCS, LANGUAGES, PYTHON_LANGS, SHELL_LANGS, parse_page
from harness.site import site_pages

MARKDOWN_STEMS = sorted({p.name for p in site_pages()})


def test_the_copy_check_can_fail(open_tab):
    """A prompt in front of the code is caught."""
    page = next(p for p in site_pages() if p.language == "zh" and parse_page(p.source).fences)
    tab = open_tab()
    tab.context.grant_permissions(CLIPBOARD, origin=tab.origin)
    loaded = tab.open(page.path)
    loaded.evaluate("""() => [...document.querySelectorAll("article .highlight code")].pop().prepend(">>> ")""")
    with pytest.raises(AssertionError, match="the copy button copied\n>>> "):
        check_copy_buttons(loaded, page)


def test_copied_code_of_both_kinds_is_checked():
    """The site has both Python blocks and shell blocks for the test above to copy."""
    fences = [f for name in MARKDOWN_STEMS for f in parse_page(DOCS / LANGUAGES[0] / name).fences]
    assert any(f.lang in PYTHON_LANGS and "notest" not in f.options for f in fences)
    assert any(f.lang in SHELL_LANGS for f in fences)
