"""The PDFs: one print page per language, every chapter of the offline copy in reading order, printed by
Debian's Chromium. A link leads to its place in the PDF or to the site's address (a PDF is read away from
the files beside it); a long code line wraps under itself; ``.screen-only`` / ``.print-only`` (extra.css).
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from harness import LANGUAGES
from harness.downloads import chapters, site_address

# Chromium turns the OpenType (CFF) Noto CJK into Type 3 glyphs; with WenQuanYi Zen Hei (TrueType) the
# Chinese text stays text. Chromium's subsetter fails once one face holds about 900 Chinese glyphs, and then
# embeds the whole font (16.8 MB): the Chinese text is spread over the collection's three faces, which share
# their glyphs, one face per range of characters (a third of the book's characters each, in 2026-12).
PRINT_CSS = """
@font-face { font-family: "print-zh"; src: local("WenQuanYi Zen Hei"); unicode-range: U+0-5FFF; }
@font-face { font-family: "print-zh"; src: local("WenQuanYi Zen Hei Sharp"); unicode-range: U+6000-7FFF; }
@font-face { font-family: "print-zh"; src: local("WenQuanYi Zen Hei Mono"); unicode-range: U+8000-10FFFF; }
body, .md-typeset { font-family: "Liberation Sans", "print-zh", sans-serif !important; }
.md-typeset code, .md-typeset pre { font-family: "Liberation Mono", "WenQuanYi Zen Hei Mono", monospace !important; }
.md-typeset .tabbed-set > .tabbed-content > .tabbed-block { display: block !important; }
.md-typeset .tabbed-labels, .md-typeset .headerlink, .md-code__nav, .md-clipboard { display: none !important; }
.md-typeset pre > code { white-space: pre-wrap !important; overflow-wrap: anywhere; font-size: .78em; }
.md-typeset pre > code > .print-line { display: block; padding-left: calc(var(--indent) * 1ch + 4ch); text-indent: calc(var(--indent) * -1ch - 4ch); }
.print-chapter { break-before: page; }
.print-tab { font-weight: bold; margin: 1em 0 0.2em; }
"""


def print_link(href: str, stem: str, stems: list[str], language: str) -> str:
    """Where a chapter's link leads: inside the PDF to a chapter or a place in one, else the site's address."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", href):  # https:, mailto:
        return href
    prefix = "" if language == LANGUAGES[0] else f"{language}/"
    path, _, anchor = href.partition("#")
    target = posixpath.normpath(posixpath.join(prefix, path or f"{stem}.html"))
    chapter = target.removeprefix(prefix).removesuffix(".html") if target.startswith(prefix) else None
    if chapter in stems and "/" not in chapter:
        return f"#{chapter}--{anchor}" if anchor else f"#chapter-{chapter}"
    return site_address(target + (f"#{anchor}" if anchor else ""))


def hang_lines(soup, code) -> None:
    """Each line of a code block as a block (.print-line), so that a long line wraps 4 characters further
    in than its own indentation, not at column 0; the highlighting stays."""
    lines = [[]]
    for piece in code.find_all(string=True):
        classes = piece.parent.get("class") if piece.parent is not code else None
        for n, text in enumerate(piece.split("\n")):
            if n:
                lines.append([])
            if text:
                lines[-1].append((text, classes))
    if lines and not lines[-1]:
        lines.pop()
    code.clear()
    for segments in lines:
        text = "".join(t for t, _ in segments)
        indent = len(text) - len(text.lstrip(" "))
        line = soup.new_tag("span", attrs={"class": "print-line", "style": f"--indent: {indent}"})
        for piece, classes in segments:
            span = soup.new_tag("span", attrs={"class": classes}) if classes else None
            if span is not None:
                span.string = piece
            line.append(span if span is not None else piece)
        if not segments:
            line.append(" ")
        code.append(line)


def print_page(offline_site: Path, language: str) -> Path:
    """One HTML page holding every chapter, beside them in the offline build (so figures' links hold)."""
    from bs4 import BeautifulSoup

    root = offline_site if language == LANGUAGES[0] else offline_site / language
    stems = chapters(language)
    shell = BeautifulSoup((root / "index.html").read_text(encoding="utf-8"), "html.parser")
    article = shell.find("article")
    article.clear()
    title = shell.find("title").get_text().split(" - ")[-1].strip()
    heading = shell.new_tag("h1")
    heading.string = title
    article.append(heading)
    contents = shell.new_tag("ol")
    article.append(contents)
    for stem in stems:
        page = BeautifulSoup((root / f"{stem}.html").read_text(encoding="utf-8"), "html.parser").find("article")
        for tag in page.select(".md-content__button, .md-source-file, .browser-demo, script"):
            tag.decompose()
        for tag in page.find_all(id=True):
            tag["id"] = f"{stem}--{tag['id']}"
        for link in page.find_all("a", href=True):
            link["href"] = print_link(link["href"], stem, stems, language)
        for code in page.select("pre > code"):
            hang_lines(shell, code)
        for details in page.find_all("details"):
            details["open"] = ""
        for image in page.find_all("img"):
            image.attrs.pop("loading", None)
        for tabs in page.select(".tabbed-set"):
            labels = [label.get_text(strip=True) for label in tabs.select(".tabbed-labels > label")]
            for label, block in zip(labels, tabs.select(".tabbed-content > .tabbed-block")):
                note = shell.new_tag("p", attrs={"class": "print-tab"})
                note.string = label
                block.insert(0, note)
        section = shell.new_tag("section", attrs={"class": "print-chapter", "id": f"chapter-{stem}"})
        section.extend(list(page.children))
        article.append(section)
        h1 = section.find("h1")
        item = shell.new_tag("li")
        link = shell.new_tag("a", href=f"#chapter-{stem}")
        link.string = h1.get_text().replace("¶", "").strip() if h1 else stem
        item.append(link)
        contents.append(item)
    style = shell.new_tag("style")
    style.string = PRINT_CSS
    shell.find("head").append(style)
    path = root / "print.html"
    path.write_text(str(shell), encoding="utf-8")
    return path


def print_pdf(page: Path, target: Path) -> None:
    from playwright.sync_api import sync_playwright

    from harness.site import chromium

    with sync_playwright() as playwright:
        browser = chromium(playwright)
        tab = browser.new_page()
        tab.goto(page.as_uri(), wait_until="load")
        tab.wait_for_function("[...document.images].every((image) => image.complete)")
        tab.emulate_media(media="print")
        tab.pdf(path=str(target), format="A4", print_background=False, outline=True, tagged=True,
                margin={"top": "16mm", "bottom": "16mm", "left": "14mm", "right": "14mm"})
        browser.close()
