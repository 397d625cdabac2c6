"""Hover definitions from the glossary (mkdocs.yml: hooks).

The glossary page of each language (docs/<lang>/glossary.md) is the one
source: every ``### term（English） { #anchor }`` heading and the first
paragraph under it. Each page of that language gets them appended as
abbreviations (``*[term]: definition``); the ``abbr`` extension then wraps
the first use of each term on the page in ``<abbr title=…>``, and Material's
``content.tooltips`` shows the title when the reader hovers it.

Python-Markdown's ``abbr`` looks for ``\\bterm\\b``. In Chinese a term sits
between other characters that are all word characters (张量 in 把张量相乘),
so ``\\b`` never matches there and no Chinese term got a tooltip. We swap in
the same extension with boundaries that only refuse ASCII letters and
digits: ``tensor`` still does not match inside ``TensorFlow``, and 张量
matches wherever it is written.

tests/test_glossary.py reads the glossary through this module too, so a
term "used" on a page is exactly a word that could carry a tooltip.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from markdown.extensions.abbr import AbbrExtension, AbbrTreeprocessor

# Words a glossary heading names but that are no good as hover keys, because
# on the pages they mostly mean something else: 步/step is also a step of an
# instruction ("一共四步"), 参数 is also a command-line or function argument
# ("不带参数"). The glossary still defines them.
NO_HOVER = {"zh": {"步", "参数"}, "en": {"step", "Step", "steps", "Steps"}}
# Longer words that contain a term but are not it. They are matched first
# (longest key wins) and left alone: 底层 is not a layer (层), 标签页 is a tab,
# not a label (标签). (特征图, a feature map, is a term of its own, and longer
# than 特征, so it wins the same way.)
# A Jupyter kernel is the program that runs a notebook's code, not a
# convolution kernel.
# (One set for both languages: a Chinese word never occurs on an English page.)
NOT_TERMS = {"底层", "标签页", "层次", "Jupyter kernel"}

ENTRY = re.compile(r"^###\s+(?P<names>.+?)\s*\{\s*#(?P<anchor>[a-z0-9-]+)\s*\}\s*$")
# 张量（tensor） -> Chinese names before the full-width bracket, English inside.
ZH_NAMES = re.compile(r"^(?P<zh>[^（]+)（(?P<en>[^）]+)）$")
LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
MARKUP = re.compile(r"\*\*|`")


@dataclass(frozen=True)
class Entry:
    anchor: str
    heading: str  # as written: 张量（tensor） / Tensor
    names: tuple[str, ...]  # the terms in the page's language
    english: str  # the English term the heading names
    definition: str  # first paragraph, plain text
    line: int  # line of the heading in the glossary page
    links: tuple[str, ...]  # link targets in the entry's later paragraphs


def plain(markdown: str) -> str:
    """A glossary paragraph as the plain text a tooltip can show."""
    return MARKUP.sub("", LINK.sub(r"\1", " ".join(markdown.split())))


def entries(path: Path) -> list[Entry]:
    """The glossary's entries, in page order."""
    language = path.parent.name
    lines = path.read_text(encoding="utf-8").splitlines()
    found = []
    for number, line in enumerate(lines, start=1):
        match = ENTRY.match(line)
        if not match:
            continue
        heading = match["names"].strip()
        if language == "zh":
            split = ZH_NAMES.match(heading)
            # A term written the same in both languages (ReLU) has no brackets.
            names, english = (split["zh"], split["en"]) if split else (heading, heading)
        else:
            names, english = heading, heading.split(",")[0]
        # The entry runs to the next heading: first paragraph, then the links.
        body = []
        for text in lines[number:]:
            if text.startswith("#"):
                break
            body.append(text)
        paragraphs = [p for p in "\n".join(body).split("\n\n") if p.strip()]
        found.append(Entry(
            anchor=match["anchor"],
            heading=heading,
            names=tuple(n.strip() for n in re.split(r"[、,]", names) if n.strip()),
            english=english.strip(),
            definition=plain(paragraphs[0]) if paragraphs else "",
            line=number,
            links=tuple(re.findall(r"\]\(([^)]+)\)", "\n".join(paragraphs[1:]))),
        ))
    return found


def plural(word: str) -> str:
    if word.endswith(("s", "x", "sh", "ch")):
        return word + "es"
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    return word + "s"


def keys(entry: Entry, language: str) -> set[str]:
    """The words that stand for this entry on a page of ``language``."""
    words = set(entry.names)
    if language != "zh":
        # A sentence may start with the term, and English has plurals:
        # Tensor, tensor, tensors. "MSE" stays "MSE" (no lower-case second letter).
        cased = set()
        for name in words:
            cased.add(name)
            if name[1:2].islower():
                cased.update({name[0].lower() + name[1:], name[0].upper() + name[1:]})
        words = cased | {plural(w) for w in cased}
    return words - NO_HOVER.get(language, set())


def glossary(docs: Path, language: str) -> dict[str, Entry]:
    """Every hover key of ``language`` -> its entry."""
    path = docs / language / "glossary.md"
    if not path.exists():
        return {}
    return {key: entry for entry in entries(path) for key in keys(entry, language)}


def term_pattern(words) -> re.Pattern:
    """Any of ``words``, longest first, not inside a longer ASCII word."""
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z0-9_])(?:{alternatives})(?![A-Za-z0-9_])")


# --- the abbr extension, with boundaries that work in Chinese --------------


class CJKAbbrTreeprocessor(AbbrTreeprocessor):
    def iter_element(self, el, parent=None):
        # No tooltips in headings: a title names its section, the text under
        # it explains (tests/test_glossary.py counts no use in headings either).
        # A heading is a block, so its tail holds no prose to miss.
        if el.tag not in ("h1", "h2", "h3", "h4", "h5", "h6"):
            super().iter_element(el, parent)

    def run(self, root):
        if not self.abbrs:
            return
        # A word listed in NOT_TERMS maps to an empty title, which the base
        # class skips: it only stops a shorter term from matching inside it.
        for word in NOT_TERMS:
            self.abbrs.setdefault(word, "")
        self.RE = term_pattern(self.abbrs)
        self.iter_element(root)
        first_use_only(root)


def first_use_only(root):
    """Keep the tooltip on a term's first use on the page; later uses become
    plain text again. The first use is where a reader meets the word; a long
    page marked at every use (151 terms on the Fashion-MNIST page) is noisy,
    and Material's script spent most of that page's load (Lighthouse's
    "total blocking time") setting up one tooltip per mark."""
    found = []

    def walk(parent):
        for child in list(parent):
            if child.tag == "abbr":
                found.append((parent, child))
            walk(child)

    walk(root)
    seen = set()
    for parent, abbr in found:
        if abbr.get("title") not in seen:
            seen.add(abbr.get("title"))
            continue
        text = (abbr.text or "") + (abbr.tail or "")
        index = list(parent).index(abbr)
        if index == 0:
            parent.text = (parent.text or "") + text
        else:
            before = parent[index - 1]
            before.tail = (before.tail or "") + text
        parent.remove(abbr)


class CJKAbbrExtension(AbbrExtension):
    def extendMarkdown(self, md):
        super().extendMarkdown(md)
        # Same registry name and priority as the original, so it replaces it.
        md.treeprocessors.register(CJKAbbrTreeprocessor(md, self.abbrs), "abbr", 7)


# --- MkDocs hooks -----------------------------------------------------------


def on_config(config):
    """Put our abbr in the place of mkdocs.yml's ``abbr``."""
    extensions = config.markdown_extensions
    for i, extension in enumerate(extensions):
        if extension == "abbr":
            extensions[i] = CJKAbbrExtension()
    return config


def on_page_markdown(markdown, page, config, files):
    if not page.file.src_uri.endswith(".md") or Path(page.file.src_uri).name == "glossary.md":
        return markdown
    language = config.theme["language"]
    terms = glossary(Path(config.docs_dir).parent, language)
    separator = "：" if language == "zh" else ": "
    lines = [f"*[{key}]: {entry.heading}{separator}{entry.definition}" for key, entry in sorted(terms.items())]
    return markdown + "\n\n" + "\n".join(lines) + "\n" if lines else markdown
