"""What is rendered is what was written: every word and number of each page's prose, in both
languages, is in the text of its built page. (Markdown can swallow text without a warning: a wrapped
line of a list item that starts ``2017. `` becomes an item of its own, and the number vanishes.)

The prose (outside fences, includes, comments, link targets, attribute lists, ``{{ placeholders }}``)
and the built ``<article>`` (outside ``<pre>``; an image as its alt text, a tab's label above its own
block) are cut into words, each Chinese character one; the two are aligned, and every word of the
source left without a partner is named with its page and line.
"""

from __future__ import annotations

import html
import re
import unicodedata
from difflib import SequenceMatcher
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from harness.pages import ROOT, parse_page
from harness.site import site_pages

# A word: one Chinese character, or a run of other letters and digits.
CJK_CHAR = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
WORD = re.compile(rf"[{CJK_CHAR}]|[^\W_{CJK_CHAR}]+")

CODE_SPAN = re.compile(r"(`+)(.+?)\1")
PLACEHOLDER = re.compile(r"\{\{.*?\}\}")
COMMENT = re.compile(r"<!--.*?-->")
AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
# HTML a page may write (button, canvas, input, label: docs/*/in_the_browser.md); anything else in <…>
# is text a browser would hide.
TAG = re.compile(r"</?(?:a|abbr|b|br|button|canvas|code|dd|details|div|dl|dt|em|figcaption|figure|i|img|input|kbd"
                 r"|label|li|ol|p|small|span|strong|sub|summary|sup|table|tbody|td|th|thead|tr|u|ul)\b[^>]*>", re.I)
# ](target "title"), a target holding one level of brackets; ][reference]; { #anchor .class } lists.
LINK_TARGET = re.compile(r"\]\((?:[^()]|\([^()]*\))*\)|\]\[[^\]]*\]")
ATTRIBUTES = re.compile(r"\{[^{}]*\}")
# Lines that are syntax, not text: link definitions, abbreviations.
DEFINITION = re.compile(r"^\s*(?:\[[^\]]+\]:\s|\*\[[^\]]+\]:)")
# Admonitions (!!! / ??? / ???+ type "Title") and tabs (=== "Label"): only the title or label shows.
BLOCK_MARKER = re.compile(r"^(\s*)(?:(?:!!!|\?\?\?\+?)\s+[\w -]*?(?=\"|$)|===[+!]?\s+)")
ORDERED_ITEM = re.compile(r"^(?P<indent>\s*)(?P<number>\d+)[.)](?=\s)")


def words(text: str) -> list[str]:
    return WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def prose_text(line: str) -> str:
    """The text a reader sees of one line of Markdown prose."""
    parts, position = [], 0
    for match in CODE_SPAN.finditer(line):
        parts.append(_markup_removed(line[position:match.start()]))
        parts.append(" " + PLACEHOLDER.sub(" ", match[2]) + " ")  # inline code is shown as written
        position = match.end()
    parts.append(_markup_removed(line[position:]))
    return "".join(parts)


def _markup_removed(text: str) -> str:
    text = PLACEHOLDER.sub(" ", text)
    text = AUTOLINK.sub(r" \1 ", text)
    text = TAG.sub(" ", LINK_TARGET.sub("] ", text))
    return html.unescape(ATTRIBUTES.sub(" ", text))


def written_words(source: Path) -> list[tuple[int, str]]:
    """(line, word) for every word of a page's prose, in order. An ordered-list number is a marker
    when it starts a list (1) or follows the item before it at the same indent (n + 1); any other
    number at the start of a line is text the reader must see, and Markdown would hide it."""
    found, in_comment, last_number = [], False, {}
    for number, line in parse_page(source).prose:
        if in_comment:
            if "-->" not in line:
                continue
            line, in_comment = line.split("-->", 1)[1], False
        line = COMMENT.sub(" ", line)
        if "<!--" in line:
            line, in_comment = line.split("<!--", 1)[0], True
        if DEFINITION.match(line):
            continue
        if line.lstrip().startswith("#"):
            last_number.clear()  # a heading ends every list
        line = BLOCK_MARKER.sub(r"\1", line)
        item = ORDERED_ITEM.match(line)
        if item:
            indent, value = len(item["indent"].expandtabs(4)), int(item["number"])
            if value == 1 or last_number.get(indent) == value - 1:
                last_number[indent] = value
                line = line[item.end():]
        found += [(number, word) for word in words(prose_text(line))]
    return found


def rendered_words(page_html: str) -> list[str]:
    """The words of a built page's content, outside code blocks."""
    article = BeautifulSoup(page_html, "html.parser").find("article")
    assert article is not None, "the page has no <article>"
    for tag in article.find_all(["pre", "script", "style"]):
        tag.decompose()
    for image in article.find_all("img"):
        image.replace_with(f" {image.get('alt', '')} ")
    # Material puts every label of a set of tabs above its first block; the source, above its own.
    for tabs in article.select(".tabbed-set"):
        labels = tabs.select_one(":scope > .tabbed-labels")
        for label, block in zip(labels.find_all("label"), tabs.select(":scope > .tabbed-content > .tabbed-block")):
            block.insert(0, f" {label.get_text()} ")
        labels.decompose()
    return words(article.get_text(" "))


def missing_words(source: Path, page_html: str) -> dict[int, list[str]]:
    """line -> the words written there that the built page does not show."""
    written = written_words(source)
    shown = rendered_words(page_html)
    matcher = SequenceMatcher(None, [w for _, w in written], shown, autojunk=False)
    missing: dict[int, list[str]] = {}
    for operation, start, end, _, _ in matcher.get_opcodes():
        if operation in ("delete", "replace"):
            for line, word in written[start:end]:
                missing.setdefault(line, []).append(word)
    return missing


@pytest.mark.parametrize("page", site_pages(), ids=lambda p: p.id)
def test_the_prose_survives_into_the_page(page, site):
    missing = missing_words(page.source, (site / page.built).read_text(encoding="utf-8"))
    lines = page.source.read_text(encoding="utf-8").splitlines()
    assert not missing, f"/{page.path} lost words its source has:\n" + "\n".join(
        f"{page.source.relative_to(ROOT)}:{line}: {' '.join(found)!r} is not on the page; the line: "
        f"{lines[line - 1].strip()!r}" for line, found in sorted(missing.items()))


def rendered(markdown_text: str) -> str:
    """Markdown as the site's Python-Markdown renders it, in an <article>."""
    import markdown

    body = markdown.markdown(markdown_text, extensions=["attr_list", "admonition", "pymdownx.details"])
    return f"<article>{body}</article>"


@pytest.mark.parametrize("text, line, lost", [
    # The year of the CNTK line: its wrapped line became a list item of its own.
    ("- Keras 0.3 added TensorFlow, and CNTK followed in\n  2017. Only then were there three.\n", 2, ["2017"]),
    # An answer that opens with a number becomes a list starting there.
    ('1. How many?\n\n    ??? success "Answer"\n\n        131. That many.\n', 5, ["131"]),
    # Angle brackets outside code read as an HTML tag, which the browser hides.
    ("Open the file as <your name>.\n", 1, ["your", "name"]),
    # Chinese, character by character.
    ("- 2015 年加上了 TensorFlow，\n  2017. 年又加上了 CNTK。\n", 2, ["2017"]),
])
def test_the_check_finds_swallowed_words(tmp_path, text, line, lost):
    source = tmp_path / "docs" / "en" / "page.md"
    source.parent.mkdir(parents=True)
    source.write_text(text, encoding="utf-8")
    assert missing_words(source, rendered(text)) == {line: lost}


def test_what_is_not_text_is_not_asked_for(tmp_path):
    """Markers, link targets, anchors, attribute lists, placeholders, list numbers: no words to see."""
    text = ("# Title { #title }\n\n1. See [the guide](https://example.org/a_(b) \"tip\"){ .md-button }.\n"
            "2. It took {{ results.demo.seconds }} s, `x = {1: 2}`.\n\n"
            '!!! note "Mind this"\n\n    ![A plot](plot.png){ width=300 } <!-- why -->\n')
    source = tmp_path / "docs" / "en" / "page.md"
    source.parent.mkdir(parents=True)
    source.write_text(text, encoding="utf-8")
    assert [w for _, w in written_words(source)] == (
        ["title", "see", "the", "guide", "it", "took", "s", "x", "1", "2", "mind", "this", "a", "plot"])
    assert missing_words(source, rendered(text.replace("{{ results.demo.seconds }}", "12"))) == {}
