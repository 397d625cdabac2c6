"""The built site, read as files: lazy figures, one search index per language and
what it holds, Chinese prose without stray spaces. What a reader meets in the
browser (other hosts, images, the language switch, notebooks) is checked in
tests/test_browser.py, once."""

import json
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

from harness.pages import DEFAULT_LANGUAGE, DOCS, LANGUAGES


def html_pages(site):
    return sorted(p for p in site.rglob("*.html") if p.name != "404.html")


def external(url):
    return urlparse(url).scheme in ("http", "https") or url.startswith("//")


def test_the_patches_of_materials_html_still_apply(site):
    """harness/hooks/html.py removes the relative hreflang links and names the
    search dialog; if Material or mkdocs-static-i18n write them otherwise, the
    patch would silently stop applying."""
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        where = page.relative_to(site)
        assert not re.search(r'<link rel="alternate"[^>]*hreflang', text), f"{where}: a relative hreflang link is back"
        assert re.search(r'<div class="md-search"[^>]*role="dialog" aria-label="[^"]+">', text), (
            f"{where}: the search dialog has no name"
        )


def test_figures_load_when_a_reader_reaches_them(site):
    """Every image of a page's content loads lazily and off the main thread, and
    a figure from assets/ states its pixel size, so nothing jumps as it arrives
    (harness/hooks/html.py). Names each image that falls short (the first ten)."""
    from harness.hooks.html import png_size

    checked, problems = 0, []
    for page in html_pages(site):
        html = page.read_text(encoding="utf-8")
        article = html[html.find("<article"):html.find("</article>")]
        for tag in re.findall(r"<img\b[^>]*>", article):
            checked += 1
            attrs = dict(re.findall(r'\s([a-z-]+)="([^"]*)"', tag))
            where = f"{page.relative_to(site)}: {tag[:90]}"
            if attrs.get("loading") != "lazy" or attrs.get("decoding") != "async":
                problems.append(f"{where} is not lazy and async")
            src = attrs.get("src", "")
            if src.endswith(".png") and not external(src):
                size = png_size(Path(urlparse(urljoin(page.as_uri(), src)).path))
                if (attrs.get("width"), attrs.get("height")) != tuple(map(str, size or ())):
                    problems.append(f"{where} states {attrs.get('width')}x{attrs.get('height')}, the file is {size}")
    assert checked, "no page shows an image"
    assert not problems, "\n".join(problems[:10])


def search_tokens(site):
    """(location, tokens) of every search entry, split the way the browser will."""
    entries = []
    for language, prefix in ((lang, "" if lang == LANGUAGES[0] else f"{lang}/") for lang in LANGUAGES):
        index = json.loads((site / prefix / "search" / "search_index.json").read_text(encoding="utf-8"))
        separator = re.compile(index["config"]["separator"])
        for doc in index["docs"]:
            text = re.sub(r"<[^>]+>", " ", doc["title"] + " " + doc["text"])
            entries.append((prefix + doc["location"], {t.lower() for t in separator.split(text) if t}))
    return entries


def test_each_language_searches_its_own_pages(site):
    """One index per language (harness/hooks/search.py splits the combined one), and
    each page's search looks in its own language's index."""
    for language in LANGUAGES:
        prefix = "" if language == LANGUAGES[0] else f"{language}/"
        index = json.loads((site / prefix / "search" / "search_index.json").read_text(encoding="utf-8"))
        locations = [doc["location"] for doc in index["docs"]]
        assert locations and not [x for x in locations if x.split("/")[0] in LANGUAGES], locations[:5]
        sources = {p.relative_to(DOCS / language).with_suffix("").as_posix() for p in (DOCS / language).rglob("*")
                   if p.suffix in (".md", ".ipynb")}
        pages = {x.split("#")[0].rstrip("/") or "index" for x in locations}
        assert pages == sources, sorted(pages ^ sources)
        html = (site / prefix / "installation" / "index.html").read_text(encoding="utf-8")
        base = re.search(r'"base":\s*"([^"]*)"', html)[1]
        resolved = posixpath.normpath(posixpath.join(prefix + "installation/", base, "search/search_index.json"))
        assert resolved == prefix + "search/search_index.json", (language, base)


def test_search_worker_queries_whole_words_and_prefixes(site):
    """The built worker carries both rewritten lines (harness/hooks/html.py); the
    browser tests check what a reader then finds and sees."""
    from harness.hooks import search as mkdocs_hooks

    workers = sorted(site.glob(mkdocs_hooks.SEARCH_WORKER))
    assert workers, "no search worker in the built site"
    for worker in workers:
        code = worker.read_text(encoding="utf-8")
        for name, (original, patched) in mkdocs_hooks.SEARCH_PATCHES.items():
            assert code.count(patched) == 1 and original not in code, (worker, name)


def test_a_changed_search_worker_stops_the_build(tmp_path):
    """A new Material without one of the lines fails the build by name, instead
    of leaving English whole-word search broken without a word."""
    from harness.hooks import search as mkdocs_hooks

    (query, query_patched), (missing, missing_patched) = mkdocs_hooks.SEARCH_PATCHES.values()
    worker = tmp_path / "assets" / "javascripts" / "workers" / "search.0000.min.js"
    worker.parent.mkdir(parents=True)
    worker.write_text("x" + query + "y", encoding="utf-8")
    with pytest.raises(mkdocs_hooks.SearchWorkerChanged, match=r"SEARCH_PATCHES\['missing'\] in harness/hooks/search.py"):
        mkdocs_hooks.patch_search_worker(tmp_path)
    assert worker.read_text(encoding="utf-8") == "x" + query + "y", "a half-patched worker was written"
    worker.write_text("x" + query + "y" + missing + "z", encoding="utf-8")
    mkdocs_hooks.patch_search_worker(tmp_path)
    mkdocs_hooks.patch_search_worker(tmp_path)  # a second build finds it done
    assert worker.read_text(encoding="utf-8") == "x" + query_patched + "y" + missing_patched + "z"


# A query a reader would type, and the page that must come up for it.
SEARCHES = {
    "后端": "what_is_keras/",
    "前端": "what_is_keras/",
    "backend": "en/what_is_keras/",
    # installation, verification, common errors
    "镜像": "installation/",
    "mirrors": "en/installation/",
    "conda": "installation/",
    "keras.json": "verify_install/",
    "报错": "common_errors/",
    "pywrap": "en/common_errors/",
    # distributed_training
    "数据并行": "distributed_training/",
    "副本": "distributed_training/",
    "replica": "en/distributed_training/",
    # choosing_a_backend
    "mps": "en/choosing_a_backend/",
    "wsl2": "choosing_a_backend/",
    # the three cases
    "线性回归": "linear_regression/",
    "螺旋线": "classification/",
    "卷积": "image_classification/",
    "regression": "en/linear_regression/",
    "spirals": "en/classification/",
    "convolutional": "en/image_classification/",
    "debian": "image_classification/",
}


@pytest.mark.parametrize("query, page", list(SEARCHES.items()))
def test_search_finds_the_page(site, query, page):
    entries = search_tokens(site)
    hits = {location.split("#")[0] for location, tokens in entries if query.lower() in tokens}
    assert page in hits, f"searching {query!r} finds {sorted(hits)}, not {page}"


class Prose(HTMLParser):
    """The text of each paragraph, list item and cell, outside code."""

    BLOCKS = ("p", "li", "td", "th", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6")

    def __init__(self):
        super().__init__()
        self.blocks, self.current, self.skip = [], None, 0

    def handle_starttag(self, tag, attrs):
        if tag == "code" and self.current is not None:
            self.current.append("X")  # inline code reads as a word
        self.skip += tag in ("pre", "code", "script", "style")
        if tag in self.BLOCKS:
            self.flush()
            self.current = []

    def handle_endtag(self, tag):
        self.skip -= tag in ("pre", "code", "script", "style")
        if tag in self.BLOCKS:
            self.flush()

    def handle_data(self, data):
        if self.current is not None and not self.skip:
            self.current.append(data)

    def flush(self):
        if self.current:
            self.blocks.append("".join(self.current))
        self.current = None


STRAY_SPACE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef][ \n]+[\u4e00-\u9fff]|[\u3000-\u303f\uff00-\uffef][ \n]+\w")


def test_chinese_prose_has_no_stray_spaces(site):
    """A line break in a wrapped Chinese paragraph must not show as a space."""
    found = []
    for page in html_pages(site):
        if page.is_relative_to(site / "en"):
            continue
        parser = Prose()
        html = page.read_text(encoding="utf-8")
        parser.feed(html[html.find("<article"): html.rfind("</article>")])
        parser.flush()
        for block in parser.blocks:
            found += [f"{page.relative_to(site)}: {m[0]!r} in {block[:60]!r}" for m in STRAY_SPACE.finditer(block)]
    assert not found, "spaces inside Chinese text:\n" + "\n".join(found[:20])


# --- the error index: a pasted part of an error finds its entry ---------------

# Part of an error a reader pastes into the search box, and the entry of the
# common-errors page that must come up, in both languages.
ERROR_SEARCHES = {
    "No matching distribution found for tensorflow": "no-matching-distribution",
    "Could not find a version that satisfies the requirement tensorflow": "no-matching-distribution",
    'The "tensorflow-gpu" package has been removed!': "tensorflow-gpu",
    "packaging.requirements.InvalidRequirement: Expected semicolon (after name with no version specifier)": "tensorflow-gpu",
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
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    words = trimmed(t.lower() for t in re.split(index["config"]["separator"], query) if t)
    prefix = "" if language == DEFAULT_LANGUAGE else f"{language}/"
    sections = dict(search_tokens(site))
    location = f"{prefix}common_errors/#{anchor}"
    assert location in sections, f"the search index has no entry {location}"
    missing = words - trimmed(sections[location])
    assert not missing, f"searching {query!r}: the entry {location} lacks {sorted(missing)}"
