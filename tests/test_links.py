"""Links in the built site, both languages: none broken, every external one
HTTPS, and none that sends a reader in mainland China to a host that does not
load there without also giving a way that does.

The rule for such hosts, exactly: a link to a host in ``BLOCKED_IN_CHINA`` (or
any subdomain of one), or such a URL written out in the text, passes only if
the same block (the nearest enclosing paragraph, list item, table cell,
definition, quote, caption, heading, admonition or collapsible) also links to a
page of this site or to a host not in that list: "open it in Colab, or download
the notebook". Code is not a pointer: a URL inside ``<code>`` or ``<pre>`` (an
error message, a line of a script) is left alone.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

from bs4 import BeautifulSoup

from harness.site import SUMMARY

# Hosts that commonly do not load in mainland China: Google and its APIs and
# storage (Colab, Fonts, Drive, Cloud Storage), YouTube, Twitter/X, Facebook,
# Instagram, Wikipedia, Medium, Hugging Face, Blogger.
BLOCKED_IN_CHINA = (
    "google.com", "googleapis.com", "gstatic.com", "googleusercontent.com", "googlesource.com",
    "goo.gl", "g.co", "blogspot.com", "blogger.com",
    "youtube.com", "youtu.be", "ytimg.com",
    "twitter.com", "x.com", "t.co", "twimg.com",
    "facebook.com", "fb.com", "instagram.com",
    "wikipedia.org", "medium.com", "huggingface.co",
)
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}
# The blocks a link belongs to, for the rule above.
BLOCKS = ["p", "li", "td", "th", "dd", "dt", "blockquote", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6",
          "details"]
URL_IN_TEXT = re.compile(r"https?://[^\s<>\"'）)\]】，。、；]+")
SITE = "http://site.invalid/"  # stands for the site's origin while resolving links


def blocked(host: str) -> bool:
    host = host.lower().rstrip(".")
    return any(host == name or host.endswith("." + name) for name in BLOCKED_IN_CHINA)


def built_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def url_of(site: Path, page: Path) -> str:
    relative = page.relative_to(site).as_posix()
    return SITE + relative.removesuffix("index.html")


def soup_of(page: Path) -> BeautifulSoup:
    return BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")


def target_file(site: Path, url: str) -> Path | None:
    """The file of the built site that a URL of the site points at, if any."""
    path = site / unquote(urlparse(url).path).lstrip("/")
    if path.is_dir():
        path = path / "index.html"
    return path if path.is_file() else None


def ids_in(page: Path, cache: dict) -> set[str]:
    if page not in cache:
        soup = soup_of(page)
        cache[page] = {tag["id"] for tag in soup.find_all(id=True)} | {
            tag["name"] for tag in soup.find_all("a", attrs={"name": True})}
    return cache[page]


def references(soup: BeautifulSoup):
    """(attribute value, tag) for everything a page links or loads."""
    for tag, attribute in (("a", "href"), ("link", "href"), ("img", "src"), ("script", "src"),
                           ("source", "src"), ("iframe", "src")):
        for element in soup.find_all(tag, attrs={attribute: True}):
            yield element[attribute], element


def broken_links(site: Path) -> list[str]:
    cache: dict = {}
    broken = []
    for page in built_pages(site):
        base = url_of(site, page)
        soup = soup_of(page)
        cache[page] = {tag["id"] for tag in soup.find_all(id=True)} | {
            tag["name"] for tag in soup.find_all("a", attrs={"name": True})}
        for value, _ in references(soup):
            url = urljoin(base, value.strip())
            if not url.startswith(SITE):
                continue
            where = f"{page.relative_to(site)}: {value}"
            target = target_file(site, url)
            if target is None:
                broken.append(f"{where} (no such file)")
                continue
            fragment = unquote(urlparse(url).fragment)
            if fragment and target.suffix == ".html" and fragment not in ids_in(target, cache):
                broken.append(f"{where} (no id {fragment!r} in {target.relative_to(site)})")
    return broken


def test_no_broken_internal_links_or_anchors(site):
    assert len(built_pages(site)) > 1
    broken = broken_links(site)
    assert not broken, "broken links:\n" + "\n".join(broken)


def test_the_broken_link_check_can_fail(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<h2 id="here">x</h2><a href="../b/">b</a><a href="#gone">g</a>'
                                               '<a href="./#here">ok</a><img src="../x.png">', encoding="utf-8")
    (tmp_path / "index.html").write_text('<a href="a/#here">ok</a><a href="a/#there">no</a>', encoding="utf-8")
    assert sorted(broken_links(tmp_path)) == [
        "a/index.html: #gone (no id 'gone' in a/index.html)",
        "a/index.html: ../b/ (no such file)",
        "a/index.html: ../x.png (no such file)",
        "index.html: a/#there (no id 'there' in a/index.html)",
    ]


# --- external links ---------------------------------------------------------


def pointers(soup: BeautifulSoup):
    """(url, block) for every link a reader may follow and every URL written in
    the text outside code."""
    for link in soup.find_all("a", href=True):
        yield link["href"].strip(), link.find_parent(BLOCKS) or link.find_parent(class_="admonition")
    for text in soup.find_all(string=URL_IN_TEXT):
        if text.find_parent(["code", "pre", "a", "script", "style"]):
            continue
        block = text.find_parent(BLOCKS) or text.find_parent(class_="admonition")
        for url in URL_IN_TEXT.findall(text):
            yield url, block


def external_host(url: str) -> str | None:
    parsed = urlparse(url)
    if parsed.scheme in ("http", "https") and parsed.hostname and parsed.hostname not in LOOPBACK | {urlparse(SITE).hostname}:
        return parsed.hostname.lower()
    return None


def a_way_that_loads(block, base: str) -> bool:
    """Does the block also link to this site, or to a host that loads in China?"""
    if block is None:
        return False
    for url, _ in pointers(block):
        absolute = urljoin(base, url)
        host = external_host(absolute)
        if absolute.startswith(SITE) and not url.startswith("#") or host and not blocked(host):
            return True
    return False


def link_problems(site: Path) -> tuple[dict[str, set[str]], list[str]]:
    """The external hosts each page points at, and what breaks the rules."""
    hosts, problems = defaultdict(set), []
    for page in built_pages(site):
        base = url_of(site, page)
        name = page.relative_to(site).as_posix()
        for url, block in pointers(soup_of(page)):
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
    listing = [f"{host}: {', '.join(sorted(pages))}" for host, pages in sorted(hosts.items())]
    # Printed at the end of the run (conftest.py), from whichever worker ran this.
    record_property(SUMMARY, ["external hosts the pages link to:"] + [f"  {line}" for line in listing] if listing
                    else ["external hosts the pages link to: none"])
    assert not problems, "\n".join(problems)


def test_the_external_link_rules_can_fail(tmp_path):
    (tmp_path / "index.html").write_text(
        '<p>Open it in <a href="https://colab.research.google.com/x">Colab</a>.</p>'
        '<p><a href="https://colab.research.google.com/y">Colab</a>, or '
        '<a href="notebooks/y.ipynb">download it</a>.</p>'
        '<p>Fonts: https://fonts.googleapis.com/css2 and a mirror <a href="https://pypi.tuna.tsinghua.edu.cn/simple">TUNA</a></p>'
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

