"""The built site, read as files: the pages of the sources, listed in the sitemaps, Material's head
links as configured, lazy figures, Chinese prose without stray spaces. In the browser:
tests/test_browser.py; search: tests/test_search.py; links: tests/test_links.py."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

from harness.downloads import SITE_URL
from harness.hooks.html import png_size
from harness.pages import DEFAULT_LANGUAGE, LANGUAGES
from harness.site import site_pages


def html_pages(site):
    return sorted(p for p in site.rglob("*.html") if p.name != "404.html")


def test_each_language_builds_and_lists_the_pages_of_its_sources(site):
    """The build writes one page per source in docs/<lang>/ and nothing else; each language's
    sitemap.xml lists each of its pages once, at its absolute address under SITE_URL, which is
    also the page's canonical link. No page carries Material's `<link rel="alternate" hreflang>`,
    whose relative addresses search engines reject (mkdocs.base.yml: `extra.alternate: true`)."""
    built = sorted(p.relative_to(site).as_posix() for p in html_pages(site))
    assert built == sorted(p.built for p in site_pages()), sorted(set(built) ^ {p.built for p in site_pages()})
    for language in LANGUAGES:
        root = "" if language == DEFAULT_LANGUAGE else f"{language}/"
        locations = re.findall(r"<loc>([^<]+)</loc>", (site / root / "sitemap.xml").read_text(encoding="utf-8"))
        pages = [p for p in site_pages() if p.language == language]
        assert sorted(locations) == sorted(SITE_URL + p.path for p in pages), f"{root}sitemap.xml: {locations}"
        for page in pages:
            html = (site / page.built).read_text(encoding="utf-8")
            canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html)
            assert canonical and canonical[1] == SITE_URL + page.path, f"/{page.path}: canonical {canonical}"
    hreflang = [p for p in site.rglob("*.html") if re.search(r'<link rel="alternate"[^>]*hreflang', p.read_text())]
    assert not hreflang, f"relative hreflang links are back: {hreflang}"


def test_figures_load_when_a_reader_reaches_them(site):
    """Every image of a page's content loads lazily and off the main thread, and a figure from
    assets/ states its pixel size, so nothing jumps as it arrives (harness/hooks/html.py)."""
    checked, problems = 0, []
    for page in html_pages(site):
        html = page.read_text(encoding="utf-8")
        for tag in re.findall(r"<img\b[^>]*>", html[html.find("<article"):html.find("</article>")]):
            checked += 1
            attrs = dict(re.findall(r'\s([a-z-]+)="([^"]*)"', tag))
            where = f"{page.relative_to(site)}: {tag[:90]}"
            if attrs.get("loading") != "lazy" or attrs.get("decoding") != "async":
                problems.append(f"{where} is not lazy and async")
            src = attrs.get("src", "")
            if src.endswith(".png") and urlparse(src).scheme not in ("http", "https") and not src.startswith("//"):
                size = png_size(Path(urlparse(urljoin(page.as_uri(), src)).path))
                if (attrs.get("width"), attrs.get("height")) != tuple(map(str, size or ())):
                    problems.append(f"{where} states {attrs.get('width')}x{attrs.get('height')}, the file is {size}")
    assert checked, "no page shows an image"
    assert not problems, "\n".join(problems[:10])


class Prose(HTMLParser):
    """The text of each paragraph, list item, cell and heading, outside code."""

    BLOCKS = ("p", "li", "td", "th", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6")
    CODE = ("pre", "code", "script", "style")

    def __init__(self):
        super().__init__()
        self.blocks, self.current, self.skip = [], None, 0

    def handle_starttag(self, tag, attrs):
        if tag == "code" and self.current is not None:
            self.current.append("X")  # inline code reads as a word
        self.skip += tag in self.CODE
        if tag in self.BLOCKS:
            self.flush()
            self.current = []

    def handle_endtag(self, tag):
        self.skip -= tag in self.CODE
        if tag in self.BLOCKS:
            self.flush()

    def handle_data(self, data):
        if self.current is not None and not self.skip:
            self.current.append(data)

    def flush(self):
        if self.current:
            self.blocks.append("".join(self.current))
        self.current = None


STRAY_SPACE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef][ \n]+[\u4e00-\u9fff]"
                         r"|[\u3000-\u303f\uff00-\uffef][ \n]+\w")


def test_chinese_prose_has_no_stray_spaces(site):
    """A line break in a wrapped Chinese paragraph must not show as a space."""
    found = []
    for page in html_pages(site):
        if not page.is_relative_to(site / "en"):
            parser = Prose()
            html = page.read_text(encoding="utf-8")
            parser.feed(html[html.find("<article"): html.rfind("</article>")])
            parser.flush()
            found += [f"{page.relative_to(site)}: {m[0]!r} in {block[:60]!r}"
                      for block in parser.blocks for m in STRAY_SPACE.finditer(block)]
    assert not found, "spaces inside Chinese text:\n" + "\n".join(found[:20])
