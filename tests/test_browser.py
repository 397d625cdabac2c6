"""The built site as a reader meets it: in headless Chromium, over HTTP on 127.0.0.1.

Every page, in both languages, in one visit: no console error, no failed request, nothing from
another host; every image loads and has alt text in the page's language; nothing overflows a 375-px
phone; axe-core finds nothing (tests/axe_check.py); each copy button copies its block's code
(tests/copy_check.py); the language switch leads to the twin page, at the same section.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlparse

import pytest

from axe_check import accessibility_problems, set_width
from copy_check import CLIPBOARD, check_copy_buttons
from harness.pages import DOCS, LANGUAGES, PYTHON_LANGS, SHELL_LANGS, parse_page
from harness.site import CJK, DESKTOP, PHONE, SitePage, site_pages

PAGES = site_pages()
# Image descriptions that describe nothing: file names.
FILE_NAME = re.compile(r"\S+\.(png|jpe?g|gif|svg|webp)", re.IGNORECASE)
IMAGES = """async () => Promise.all([...document.querySelectorAll("img")].map(async (img) => {
  img.loading = "eager";
  try { await img.decode(); } catch (error) {}
  return {src: img.getAttribute("src") || "", alt: img.getAttribute("alt"), width: img.naturalWidth};
}))"""


def alt_problem(alt: str | None, language: str) -> str | None:
    """What is wrong with an image's alt text on a page in ``language``, if anything."""
    text = (alt or "").strip()
    if not text:
        return "has no alt text"
    if FILE_NAME.fullmatch(text):
        return f"has alt text that describes nothing: {text!r}"
    if language == "zh" and not CJK.search(text):
        return f"has alt text with no Chinese on a Chinese page: {text!r}"
    if language != "zh" and CJK.search(text):
        return f"has Chinese alt text on a {language} page: {text!r}"
    return None


def image_problems(page) -> tuple[int, list[str]]:
    images = page.evaluate(IMAGES)
    language = page.evaluate("document.documentElement.lang")
    problems = []
    for image in images:
        name = image["src"] if not image["src"].startswith("data:") else image["src"][:40] + "…"
        if image["width"] == 0:
            problems.append(f"{name} did not load")
        if alt_problem(image["alt"], language):
            problems.append(f"{name} {alt_problem(image['alt'], language)}")
    return len(images), problems


# Any element of the content outside the screen, unless a box around it scrolls sideways and itself
# fits; a code block wider than the screen scrolls inside itself (the box that scrolls holds it alone).
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
      (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "");
  const scrolls = (el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
  const onScreen = (el) => { const box = el.getBoundingClientRect(); return box.left >= -1 && box.right <= width + 1; };
  const isPage = (el) => el === document.documentElement || el === document.body;
  const holder = (el) => {
    for (let up = el.parentElement; up && !isPage(up); up = up.parentElement) {
      if (scrolls(up) && onScreen(up)) return up;
    }
    return null;
  };
  for (const root of [document.documentElement, document.body]) {
    if (root.scrollWidth > width) problems.push(`the page is ${root.scrollWidth}px wide (${describe(root)})`);
  }
  for (const el of document.querySelectorAll(".md-content *")) {
    const box = el.getBoundingClientRect();
    if (box.width && box.height && !onScreen(el) && !holder(el)) {
      problems.push(`${describe(el)} spans ${Math.round(box.left)}..${Math.round(box.right)}px`);
    }
  }
  for (const pre of document.querySelectorAll(".md-content pre")) {
    for (const el of [pre, ...pre.querySelectorAll(":scope > code")]) {
      if (el.scrollWidth <= el.clientWidth + 1) continue;
      const box = scrolls(el) && onScreen(el) ? el : holder(el);
      if (!box || !(pre.contains(box) || box.querySelectorAll("pre").length === 1)) {
        problems.push(`code block ${describe(pre)} does not scroll inside itself`);
      }
    }
  }
  return problems.slice(0, 20);
}"""


def shared_anchor(site, page: SitePage) -> str | None:
    """The last second-level heading both languages share: the switch must keep it."""
    ids = [re.findall(r'<h2 id="([^"]+)"', (site / twin.built).read_text(encoding="utf-8"))
           for twin in page.twin.values()]
    shared = [anchor for anchor in ids[0] if all(anchor in other for other in ids[1:])]
    return shared[-1] if shared else None


def switch_language(loaded, language):
    """Open the header's language menu and pick ``language``, as a reader does."""
    loaded.hover(".md-header__option .md-select")
    with loaded.expect_navigation():
        loaded.locator(f".md-header__option .md-select__link[hreflang='{language}']").click()
    loaded.wait_for_load_state("networkidle")


@pytest.mark.parametrize("page", [pytest.param(p, id=p.id) for p in PAGES])
def test_page_loads_cleanly_fits_a_phone_and_leads_to_its_twin(page, site, open_tab):
    """One visit per page, in this order (open_tab checks the clean load at the end)."""
    tab = open_tab()
    tab.context.grant_permissions(CLIPBOARD, origin=tab.origin)
    loaded = tab.open(page.path)
    assert loaded.evaluate("document.documentElement.lang") == page.language
    _, problems = image_problems(loaded)
    assert not problems, f"/{page.path}: " + "; ".join(problems)
    set_width(loaded, PHONE)
    problems = loaded.evaluate(OVERFLOW)
    assert not problems, f"/{page.path} at {PHONE['width']} px:\n" + "\n".join(problems)
    set_width(loaded, DESKTOP)
    problems = accessibility_problems(loaded, page.path)
    assert not problems, "axe-core found:\n" + "\n".join(problems)
    check_copy_buttons(loaded, page)
    anchor = shared_anchor(site, page)
    if anchor:
        loaded.evaluate(f"location.hash = {anchor!r}")
    other = next(language for language in LANGUAGES if language != page.language)
    switch_language(loaded, other)
    url = urlparse(loaded.url)
    assert url.path == "/" + page.twin[other].path, f"the {other} link of /{page.path} led to {url.path}"
    assert loaded.evaluate("document.documentElement.lang") == other
    if anchor:
        assert unquote(url.fragment) == anchor, f"switching to {other} lost the section #{anchor}: {loaded.url}"
        assert loaded.locator(f"[id='{anchor}']").count() == 1
    tab.assert_clean(f"/{page.path}")


def test_the_not_found_page_loads_cleanly(open_tab):
    """404.html, which a host shows for a missing page: clean, fits a phone, no axe-core fault."""
    loaded = open_tab().open("404.html")
    problems = accessibility_problems(loaded, "404.html")
    for viewport in (PHONE, DESKTOP):
        set_width(loaded, viewport)
        problems += loaded.evaluate(OVERFLOW)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_follows_the_systems_light_or_dark_setting(language, open_tab):
    """No light/dark switch (mkdocs.base.yml): the scheme the system asks for, from the first paint."""
    path = SitePage(language, DOCS / language / "installation.md").path
    scheme = "() => [document.body.dataset.mdColorScheme, getComputedStyle(document.body).backgroundColor]"
    light = open_tab(color_scheme="light").open(path).evaluate(scheme)
    loaded = open_tab(color_scheme="dark").open(path)
    dark = loaded.evaluate(scheme)
    assert (light[0], dark[0]) == ("default", "slate") and light[1] != dark[1], (light, dark)
    loaded.emulate_media(color_scheme="light")
    loaded.wait_for_function("document.body.dataset.mdColorScheme === 'default'")
    assert not loaded.locator("[data-md-component=palette]").count(), "a palette switch came back"


# --- the checks above can fail ------------------------------------------------


def test_the_clean_load_checks_can_fail(open_tab):
    """A font from Google, a missing image, one without alt text, a console error: each is caught."""
    tab = open_tab()
    loaded = tab.open(PAGES[0].path)
    images_before, _ = image_problems(loaded)
    loaded.evaluate("""() => {
        document.querySelector("article").insertAdjacentHTML("beforeend",
            '<img src="https://fonts.googleapis.com/x.png" alt="图"><img src="/assets/no-such-image.png">');
        console.error("deliberate");
    }""")
    loaded.wait_for_load_state("networkidle")
    count, problems = image_problems(loaded)
    assert count == images_before + 2 and len(problems) == 3, problems
    caught = "\n".join(tab.problems)
    for expected in ("request to another host: https://fonts.googleapis.com/x.png",
                     "HTTP 404", "console error: deliberate"):
        assert expected in caught, caught
    tab.problems.clear()
    assert alt_problem("Fashion-MNIST 的前 25 张图片", "zh") is None
    assert alt_problem("The first 25 Fashion-MNIST images", "zh")
    assert alt_problem("前 25 张图片", "en")
    assert alt_problem("figure_1.png", "en")
    assert alt_problem("", "en")


def test_only_leaving_a_page_may_cancel_its_requests(open_tab):
    """A request the page itself cancels is a failure; one cancelled because the reader left the
    page (the language switch while search still loads) is not."""
    tab = open_tab()
    loaded = tab.open(PAGES[0].path)
    held = []
    loaded.route("**/held-for-the-test*", lambda route: held.append(route))  # never answered
    loaded.evaluate("""() => { const c = new AbortController();
        fetch("held-for-the-test-1", {signal: c.signal}).catch(() => {});
        setTimeout(() => c.abort(), 200); }""")
    loaded.wait_for_timeout(600)
    assert [p for p in tab.problems if "held-for-the-test-1" in p and "ERR_ABORTED" in p], tab.problems
    tab.problems.clear()
    loaded.evaluate("""() => { fetch("held-for-the-test-2").catch(() => {}); }""")
    loaded.wait_for_timeout(300)
    assert held, "the held request never started"
    with loaded.expect_navigation():
        loaded.evaluate(f"location.href = '/{PAGES[1].path}'")
    loaded.wait_for_load_state("networkidle")
    tab.assert_clean("leaving a page with a request still open")


def test_the_overflow_check_can_fail(open_tab):
    loaded = open_tab(viewport=PHONE).open(PAGES[0].path)
    assert not loaded.evaluate(OVERFLOW)
    loaded.evaluate("""() => document.querySelector("article").insertAdjacentHTML("beforeend",
        '<div id="too-wide" style="width: 800px">wide</div><pre id="cut-off" style="overflow-x: hidden">' +
        '<code style="overflow-x: hidden">' + "x".repeat(300) + '</code></pre>')""")
    problems = "\n".join(loaded.evaluate(OVERFLOW))
    assert "div#too-wide spans" in problems and "the page is" in problems, problems
    assert "code block pre#cut-off does not scroll" in problems, problems


def test_the_copy_check_can_fail(open_tab):
    """A prompt in front of the code is caught; the site has both Python and shell blocks to copy."""
    fences = [fence for page in PAGES for fence in parse_page(page.source).fences]
    assert any(f.lang in PYTHON_LANGS and "notest" not in f.options for f in fences)
    assert any(f.lang in SHELL_LANGS for f in fences)
    page = next(p for p in PAGES if p.language == "zh" and parse_page(p.source).fences)
    tab = open_tab()
    tab.context.grant_permissions(CLIPBOARD, origin=tab.origin)
    loaded = tab.open(page.path)
    loaded.evaluate("""() => [...document.querySelectorAll("article .highlight code")].pop().prepend(">>> ")""")
    with pytest.raises(AssertionError, match="the copy button copied\n>>> "):
        check_copy_buttons(loaded, page)
