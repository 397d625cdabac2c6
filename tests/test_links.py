"""Links in the built site, both languages: each internal one leads to a file, each external one is
HTTPS, and none sends a reader in mainland China to a host that does not load there without another way.

A link to a page or #anchor written in Markdown is checked by the build itself (mkdocs.base.yml:
``validation.links.anchors`` under ``strict``); here, what the hooks and templates write after that.
The rule for a host in ``BLOCKED_IN_CHINA`` (or a subdomain): a link to it, or its URL written in the
text, passes only if the same block (paragraph, list item, cell, heading, quote, caption, admonition,
collapsible) also links to this site or to a host that loads. A URL inside code is left alone.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

from bs4 import BeautifulSoup

from harness.site import SUMMARY

# Google and its APIs and storage (Colab, Fonts, Drive), YouTube, Twitter/X, Facebook, Instagram,
# Wikipedia, Medium, Hugging Face, Blogger.
BLOCKED_IN_CHINA = (
    "google.com", "googleapis.com", "gstatic.com", "googleusercontent.com", "googlesource.com",
    "goo.gl", "g.co", "blogspot.com", "blogger.com",
    "youtube.com", "youtu.be", "ytimg.com",
    "twitter.com", "x.com", "t.co", "twimg.com",
    "facebook.com", "fb.com", "instagram.com",
    "wikipedia.org", "medium.com", "huggingface.co",
)
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}
BLOCKS = ["p", "li", "td", "th", "dd", "dt", "blockquote", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6",
          "details"]
URL_IN_TEXT = re.compile(r"https?://[^\s<>\"'）)\]】，。、；]+")
SITE = "http://site.invalid/"  # stands for the site's origin while resolving links


def blocked(host: str) -> bool:
    host = host.lower().rstrip(".")
    return any(host == name or host.endswith("." + name) for name in BLOCKED_IN_CHINA)


def pages_and_soups(site: Path):
    """(page, its address under SITE, its parsed HTML) for every page of the built site."""
    for page in sorted(site.rglob("*.html")):
        address = SITE + page.relative_to(site).as_posix().removesuffix("index.html")
        yield page, address, BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")


def broken_links(site: Path) -> list[str]:
    """Everything a page links or loads from this site that is no file of the built site."""
    broken = []
    for page, address, soup in pages_and_soups(site):
        for tag, attribute in (("a", "href"), ("link", "href"), ("img", "src"), ("script", "src"),
                               ("source", "src"), ("iframe", "src")):
            for element in soup.find_all(tag, attrs={attribute: True}):
                url = urljoin(address, element[attribute].strip())
                target = site / unquote(urlparse(url).path).lstrip("/")
                if url.startswith(SITE) and not (target / "index.html" if target.is_dir() else target).is_file():
                    broken.append(f"{page.relative_to(site)}: {element[attribute]}")
    return broken


def test_no_broken_internal_links(site):
    assert len(list(site.rglob("*.html"))) > 1
    broken = broken_links(site)
    assert not broken, "links to no file:\n" + "\n".join(broken)


def test_the_broken_link_check_can_fail(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<a href="../b/">b</a><a href="./#here">ok</a><img src="../x.png">',
                                               encoding="utf-8")
    (tmp_path / "index.html").write_text('<a href="a/#here">ok</a><script src="a/y.js"></script>', encoding="utf-8")
    assert sorted(broken_links(tmp_path)) == ["a/index.html: ../b/", "a/index.html: ../x.png", "index.html: a/y.js"]


def pointers(soup):
    """(url, block) for every link a reader may follow and every URL written in the text outside code."""
    for link in soup.find_all("a", href=True):
        yield link["href"].strip(), link.find_parent(BLOCKS) or link.find_parent(class_="admonition")
    for text in soup.find_all(string=URL_IN_TEXT):
        if not text.find_parent(["code", "pre", "a", "script", "style"]):
            block = text.find_parent(BLOCKS) or text.find_parent(class_="admonition")
            yield from ((url, block) for url in URL_IN_TEXT.findall(text))


def external_host(url: str) -> str | None:
    parsed = urlparse(url)
    if parsed.scheme in ("http", "https") and parsed.hostname not in LOOPBACK | {None, urlparse(SITE).hostname}:
        return parsed.hostname.lower()
    return None


def a_way_that_loads(block, base: str) -> bool:
    """Does the block also link to this site, or to a host that loads in China?"""
    for url, _ in pointers(block) if block is not None else ():
        absolute = urljoin(base, url)
        host = external_host(absolute)
        if absolute.startswith(SITE) and not url.startswith("#") or host and not blocked(host):
            return True
    return False


def link_problems(site: Path) -> tuple[dict[str, set[str]], list[str]]:
    """The external hosts each page points at, and what breaks the rules."""
    hosts, problems = defaultdict(set), []
    for page, base, soup in pages_and_soups(site):
        name = page.relative_to(site).as_posix()
        for url, block in pointers(soup):
            host = external_host(urljoin(base, url))
            if host is None:
                continue
            hosts[host].add(name)
            if urlparse(url).scheme != "https":
                problems.append(f"{name}: {url} is not HTTPS")
            if blocked(host) and not a_way_that_loads(block, base):
                problems.append(f"{name}: {url} often does not load in mainland China, and the same "
                                f"paragraph gives no other way (a link to this site or to a host that loads)")
    return hosts, problems


def test_external_links_are_https_and_load_in_china(site, record_property):
    hosts, problems = link_problems(site)
    listing = [f"  {host}: {', '.join(sorted(pages))}" for host, pages in sorted(hosts.items())] or ["  none"]
    # Printed at the end of the run (tests/conftest.py), from whichever worker ran this.
    record_property(SUMMARY, ["external hosts the pages link to:", *listing])
    assert not problems, "\n".join(problems)


def test_the_external_link_rules_can_fail(tmp_path):
    (tmp_path / "index.html").write_text(
        '<p>Open it in <a href="https://colab.research.google.com/x">Colab</a>.</p>'
        '<p><a href="https://colab.research.google.com/y">Colab</a>, or '
        '<a href="notebooks/y.ipynb">download it</a>.</p>'
        '<p>Fonts: https://fonts.googleapis.com/css2 and a mirror '
        '<a href="https://pypi.tuna.tsinghua.edu.cn/simple">TUNA</a></p>'
        '<p>Data from https://storage.googleapis.com/tensorflow/x.npz</p>'
        '<pre><code>URL fetch failure on https://storage.googleapis.com/y.npz</code></pre>'
        '<li><a href="http://keras.io/">Keras</a></li><a href="http://127.0.0.1:8000/">local</a>',
        encoding="utf-8")
    hosts, problems = link_problems(tmp_path)
    assert sorted(hosts) == ["colab.research.google.com", "fonts.googleapis.com", "keras.io",
                             "pypi.tuna.tsinghua.edu.cn", "storage.googleapis.com"]
    assert [p.split(" often")[0].split(" is not")[0] for p in problems] == [
        "index.html: https://colab.research.google.com/x",
        "index.html: http://keras.io/",
        "index.html: https://storage.googleapis.com/tensorflow/x.npz",
    ], problems
    assert blocked("storage.googleapis.com") and blocked("x.com") and not blocked("box.com")
    assert not blocked("keras.io") and not blocked("mirrors.tuna.tsinghua.edu.cn")
