"""Search, as a reader uses it: in headless Chromium, on the built site.

tests/test_site.py checks what the index holds (a pasted error finds its
entry); these check what the browser lists first, and what it shows.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from harness.pages import DOCS
from harness.site import SitePage


# --- search ------------------------------------------------------------------

# (query, language, the stem of the page that must come first)
SEARCH_QUERIES = [
    ("安装", "zh", "installation"),
    ("镜像", "zh", "installation"),
    ("卷积", "zh", "image_classification"),
    ("mirror", "en", "installation"),
    ("convolution", "en", "image_classification"),
    # Whole words in another form, and a word half typed (the list updates as one types).
    ("installing", "en", "installation"),
    ("conv", "en", "image_classification"),
    ("pip 镜像", "zh", "installation"),
    ("后端", "zh", "choosing_a_backend"),
    ("backend", "en", "choosing_a_backend"),
]


@pytest.mark.parametrize(
    "query, language, stem", [pytest.param(*q, id="{2}-{1}-{0}".format(*q)) for q in SEARCH_QUERIES],
)
def test_search_lists_the_right_page_first(query, language, stem, open_tab):
    source = DOCS / language / f"{stem}.md"
    tab = open_tab()
    loaded = tab.open(SitePage(language, DOCS / language / "index.md").path)
    box = loaded.locator("input.md-search__input")
    box.click()
    box.fill(query)
    loaded.keyboard.press("End")  # Material reads the query on keyup, as after a typed (or IME) word
    first = loaded.locator(".md-search-result__list .md-search-result__link").first
    first.wait_for()
    found = urlparse(first.get_attribute("href")).path
    expected = "/" + SitePage(language, source).path
    results = loaded.locator(".md-search-result__meta").inner_text()
    assert found == expected, f"searching {query!r} ({results}) lists {found} first, not {expected}"
    # Material lists the words a result lacks under it ("Missing: ..."); the
    # page that has every word must list none.
    missing = first.locator(".md-search-result__terms")
    assert not missing.count(), f"searching {query!r}: the first result says {missing.first.inner_text()!r}"


