"""Search on the built site: one index per language and what it holds (a reader's query, a pasted
error), and, in headless Chromium, what the browser lists first."""

from __future__ import annotations

import json
import re
from functools import cache
from urllib.parse import urlparse

import pytest

from harness.pages import DEFAULT_LANGUAGE, DOCS, LANGUAGES
from harness.site import SitePage


def prefix(language):
    return "" if language == DEFAULT_LANGUAGE else f"{language}/"


def search_index(site, language):
    return json.loads((site / prefix(language) / "search" / "search_index.json").read_text(encoding="utf-8"))


@cache
def search_tokens(site):
    """location -> tokens of every search entry, split the way the browser will (read once a run)."""
    entries = {}
    for language in LANGUAGES:
        index = search_index(site, language)
        for doc in index["docs"]:
            text = re.sub(r"<[^>]+>", " ", doc["title"] + " " + doc["text"])
            tokens = {t.lower() for t in re.split(index["config"]["separator"], text) if t}
            entries[prefix(language) + doc["location"]] = tokens
    return entries


def test_each_language_searches_its_own_pages(site):
    """Each language's build has its own index, of its own pages, in its own lunr languages
    (mkdocs.yml, mkdocs.en.yml); that each page searches its own, the browser tests below show."""
    for language in LANGUAGES:
        index = search_index(site, language)
        assert index["config"]["lang"] == (["en", "zh"] if language == "zh" else [language]), index["config"]
        sources = {p.relative_to(DOCS / language).with_suffix("").as_posix() for p in (DOCS / language).rglob("*.md")}
        pages = {doc["location"].split("#")[0].rstrip("/") or "index" for doc in index["docs"]}
        assert pages == sources, sorted(pages ^ sources)


def test_a_changed_search_worker_stops_the_build(tmp_path):
    """A new Material without the worker file or one of its lines fails the build by name, instead of
    leaving English whole-word search broken without a word."""
    from harness.hooks import search as search_hook

    with pytest.raises(search_hook.SearchWorkerChanged, match=r"update SEARCH_WORKER in harness/hooks/search.py"):
        search_hook.patch_search_worker(tmp_path)
    (query, query_patched), (missing, missing_patched) = search_hook.SEARCH_PATCHES.values()
    worker = tmp_path / "assets" / "javascripts" / "workers" / "search.0000.min.js"
    worker.parent.mkdir(parents=True)
    worker.write_text("x" + query + "y", encoding="utf-8")
    with pytest.raises(search_hook.SearchWorkerChanged, match=r"SEARCH_PATCHES\['missing'\] in harness/hooks/"):
        search_hook.patch_search_worker(tmp_path)
    assert worker.read_text(encoding="utf-8") == "x" + query + "y", "a half-patched worker was written"
    worker.write_text("x" + query + "y" + missing + "z", encoding="utf-8")
    search_hook.patch_search_worker(tmp_path)
    search_hook.patch_search_worker(tmp_path)  # a second build finds it done
    assert worker.read_text(encoding="utf-8") == "x" + query_patched + "y" + missing_patched + "z"


# --- a reader's query finds the page ------------------------------------------

# (query, language, the page that must come up, whether the browser must list it first). A `first`
# row is typed into the search box in Chromium; any other is looked up in the index, as a whole word.
SEARCHES = [
    ("后端", "zh", "what_is_keras", False),
    ("前端", "zh", "what_is_keras", False),
    ("backend", "en", "what_is_keras", False),
    ("后端", "zh", "choosing_a_backend", True),
    ("backend", "en", "choosing_a_backend", True),
    # installation, verification, common errors
    ("安装", "zh", "installation", True),
    ("镜像", "zh", "installation", True),
    ("pip 镜像", "zh", "installation", True),
    ("mirror", "en", "installation", True),
    ("mirrors", "en", "installation", False),
    ("conda", "zh", "installation", False),
    ("keras.json", "zh", "verify_install", False),
    ("报错", "zh", "common_errors", False),
    ("pywrap", "en", "common_errors", False),
    # distributed_training
    ("数据并行", "zh", "distributed_training", False),
    ("副本", "zh", "distributed_training", False),
    ("replica", "en", "distributed_training", False),
    # choosing_a_backend
    ("mps", "en", "choosing_a_backend", False),
    ("wsl2", "zh", "choosing_a_backend", False),
    # the three cases
    ("线性回归", "zh", "linear_regression", False),
    ("螺旋线", "zh", "classification", False),
    ("卷积", "zh", "image_classification", True),
    ("regression", "en", "linear_regression", False),
    ("spirals", "en", "classification", False),
    ("convolutional", "en", "image_classification", False),
    ("convolution", "en", "image_classification", True),
    ("debian", "zh", "image_classification", False),
    # Whole words in another form, and a word half typed (the list updates as one types).
    ("installing", "en", "installation", True),
    ("conv", "en", "image_classification", True),
    # Each language's own build finds its own page (issue: one build per language).
    ("过拟合", "zh", "classification", True),
    ("overfitting", "en", "classification", True),
]


def searches(first):
    return [pytest.param(*row[:3], id="{2}-{1}-{0}".format(*row)) for row in SEARCHES if row[3] == first]


@pytest.mark.parametrize("query, language, stem", searches(first=False))
def test_search_finds_the_page(site, query, language, stem):
    hits = {location.split("#")[0] for location, tokens in search_tokens(site).items() if query.lower() in tokens}
    assert f"{prefix(language)}{stem}/" in hits, f"searching {query!r} finds {sorted(hits)}, not {stem}"


@pytest.mark.parametrize("query, language, stem", searches(first=True))
def test_search_lists_the_right_page_first(query, language, stem, open_tab):
    loaded = open_tab().open(prefix(language))
    box = loaded.locator("input.md-search__input")
    box.click()
    box.fill(query)
    loaded.keyboard.press("End")  # Material reads the query on keyup, as after a typed (or IME) word
    first = loaded.locator(".md-search-result__list .md-search-result__link").first
    first.wait_for()
    found = urlparse(first.get_attribute("href")).path
    expected = "/" + SitePage(language, DOCS / language / f"{stem}.md").path
    results = loaded.locator(".md-search-result__meta").inner_text()
    assert found == expected, f"searching {query!r} ({results}) lists {found} first, not {expected}"
    # Material lists the words a result lacks under it ("Missing: ..."): the right page lacks none.
    missing = first.locator(".md-search-result__terms")
    assert not missing.count(), f"searching {query!r}: the first result says {missing.first.inner_text()!r}"


# --- the error index: a pasted part of an error finds its entry ---------------

# Part of an error a reader pastes into the search box -> the entry of the common-errors page.
ERROR_SEARCHES = {
    "No matching distribution found for tensorflow": "no-matching-distribution",
    "Could not find a version that satisfies the requirement tensorflow": "no-matching-distribution",
    'The "tensorflow-gpu" package has been removed!': "tensorflow-gpu",
    "packaging.requirements.InvalidRequirement: Expected semicolon (after name with no version specifier)":
        "tensorflow-gpu",
    "DLL load failed while importing _pywrap_tensorflow_internal": "dll-load-failed",
    "Failed to load the native TensorFlow runtime.": "dll-load-failed",
    "Could not find cuda drivers on your machine, GPU will not be used.": "tensorflow-log-lines",
    "failed call to cuInit: INTERNAL: CUDA error": "tensorflow-log-lines",
    "oneDNN custom operations are on": "tensorflow-log-lines",
    "This TensorFlow binary is optimized to use available CPU instructions": "tensorflow-log-lines",
    "ModuleNotFoundError: No module named 'tensorflow'": "no-module-named",
    "No module named 'keras'": "no-module-named",
    "ValueError: Unable to import backend : theano": "unable-to-import-backend",
    "Argument(s) not recognized: {'lr'": "argument-lr",
    "'Sequential' object has no attribute 'predict_classes'": "predict-classes",
    "Invalid filepath extension for saving": "invalid-filepath-extension",
    "Do not pass an `input_shape`/`input_dim` argument to a layer": "input-shape",
    "Exception: URL fetch failure on https://storage.googleapis.com/tensorflow/tf-keras-datasets/": "url-fetch-failure",
}


def trimmed(tokens):
    """As the browser's search trims each word: no punctuation at either end."""
    return {t for t in (re.sub(r"^\W+|\W+$", "", token) for token in tokens) if t}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("query, anchor", list(ERROR_SEARCHES.items()))
def test_search_finds_the_error_entry(site, query, anchor, language):
    """Every word of the pasted text is in the entry's own section of the index."""
    words = trimmed(t.lower() for t in re.split(search_index(site, language)["config"]["separator"], query) if t)
    sections = search_tokens(site)
    location = f"{prefix(language)}common_errors/#{anchor}"
    assert location in sections, f"the search index has no entry {location}"
    missing = words - trimmed(sections[location])
    assert not missing, f"searching {query!r}: the entry {location} lacks {sorted(missing)}"
