"""The built site, read as files: Material's HTML as configured, the sitemaps, lazy figures,
Chinese prose without stray spaces. What a reader meets in the browser (other
hosts, images, the language switch) is checked in
tests/test_browser.py, once; search in tests/test_search.py."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse


def html_pages(site):
    return sorted(p for p in site.rglob("*.html") if p.name != "404.html")


def external(url):
    return urlparse(url).scheme in ("http", "https") or url.startswith("//")


def test_no_page_carries_materials_relative_hreflang_links(site):
    """The language configs give Material `extra.alternate: true` (mkdocs.base.yml),
    so that it draws the language menu but none of its head links
    `<link rel="alternate" hreflang>`, whose relative addresses search engines
    reject and which make its script fetch every language's sitemap.xml. If
    Material changes the test it writes them under, they come back."""
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        where = page.relative_to(site)
        assert not re.search(r'<link rel="alternate"[^>]*hreflang', text), f"{where}: a relative hreflang link is back"


def test_sitemaps_canonical_links_and_language_links_agree(site):
    """Each language's sitemap.xml lists every page of that language, each once,
    at an absolute address under the site's address (SITE_URL); each page's
    canonical link is its own address there, and its language menu leads to
    its twin's address in the other sitemap."""
    from harness.downloads import SITE_URL
    from harness.pages import DEFAULT_LANGUAGE, LANGUAGES

    roots = {language: "" if language == DEFAULT_LANGUAGE else f"{language}/" for language in LANGUAGES}
    listed = {}
    for language, root in roots.items():
        sitemap = (site / root / "sitemap.xml").read_text(encoding="utf-8")
        locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
        assert locations and len(locations) == len(set(locations)), f"{root}sitemap.xml: {locations[:3]}"
        assert all(loc.startswith(SITE_URL + root) for loc in locations), f"{root}sitemap.xml: {locations[:3]}"
        others = set(LANGUAGES) - {language}
        pages = {p for p in html_pages(site / root) if p.relative_to(site / root).parts[0] not in others}
        built = {SITE_URL + root + p.relative_to(site / root).as_posix().removesuffix("index.html") for p in pages}
        assert set(locations) == built, sorted(set(locations) ^ built)[:5]
        listed[language] = set(locations)
        for page in pages:
            html = page.read_text(encoding="utf-8")
            address = SITE_URL + root + page.relative_to(site / root).as_posix().removesuffix("index.html")
            canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html)
            assert canonical and canonical[1] == address, f"{address}: canonical {canonical and canonical[1]}"
            for href, other in re.findall(r'<a href="([^"]+)" hreflang="([a-z]+)" class="md-select__link"', html):
                twin = urljoin(address, href)
                assert twin == address.replace(SITE_URL + root, SITE_URL + roots[other], 1), f"{address}: {other} → {twin}"
    for language, addresses in listed.items():
        for other in listed:
            paths = {a.removeprefix(SITE_URL + roots[language]) for a in addresses}
            assert paths == {a.removeprefix(SITE_URL + roots[other]) for a in listed[other]}, f"{language} and {other} list other pages"


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
