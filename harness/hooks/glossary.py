"""MkDocs hook: hover definitions from the glossary (docs/<lang>/glossary.md, the one source).

Each ``### term（English） { #anchor }`` and the paragraph under it is appended to every page of that
language as an abbreviation; ``abbr`` wraps the term's first use in ``<abbr title=…>`` and Material's
``content.tooltips`` shows it. Python-Markdown's ``abbr`` looks for ``\\bterm\\b``, which never matches
between Chinese characters (张量 in 把张量相乘): our copy refuses only ASCII letters and digits around a
term. tests/test_glossary.py reads the glossary through this module too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from markdown.extensions.abbr import AbbrExtension, AbbrTreeprocessor

from harness.pages import parse_lines

# Terms that on the pages mostly mean something else (一共四步, 不带参数): defined, never hovered.
NO_HOVER = {"zh": {"步", "参数"}, "en": {"step", "Step", "steps", "Steps"}}
# Longer words that contain a term but are not it, matched first (longest wins) and left alone:
# 底层 is no layer (层), 标签页 no label (标签), a Jupyter kernel no convolution kernel.
NOT_TERMS = {"底层", "标签页", "层次", "Jupyter kernel"}

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
    """The glossary's entries (its ``###`` headings with an anchor, as harness.pages reads them), in page order."""
    language = path.parent.name
    lines = path.read_text(encoding="utf-8").splitlines()
    headings = parse_lines(path, lines).headings  # not parse_page: `properdocs serve` reloads an edited glossary
    found = []
    for heading, after in zip(headings, [*headings[1:], None]):
        if heading.level != 3 or not heading.anchor:
            continue
        if language == "zh":
            split = ZH_NAMES.match(heading.text)
            # A term written the same in both languages (ReLU) has no brackets.
            names, english = (split["zh"], split["en"]) if split else (heading.text, heading.text)
        else:
            names, english = heading.text, heading.text.split(",")[0]
        body = lines[heading.line : after.line - 1 if after else len(lines)]  # to the next heading
        paragraphs = [p for p in "\n".join(body).split("\n\n") if p.strip()]
        found.append(Entry(
            anchor=heading.anchor,
            heading=heading.text,
            names=tuple(n.strip() for n in re.split(r"[、,]", names) if n.strip()),
            english=english.strip(),
            definition=plain(paragraphs[0]) if paragraphs else "",
            line=heading.line,
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
        # Tensor, tensor, tensors; "MSE" stays "MSE".
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


class CJKAbbrTreeprocessor(AbbrTreeprocessor):
    def iter_element(self, el, parent=None):
        # No tooltips in headings (tests/test_glossary.py counts no use there either).
        if el.tag not in ("h1", "h2", "h3", "h4", "h5", "h6"):
            super().iter_element(el, parent)

    def run(self, root):
        if not self.abbrs:
            return
        # An empty title, which the base class skips: it only stops a shorter term matching inside.
        for word in NOT_TERMS:
            self.abbrs.setdefault(word, "")
        self.RE = term_pattern(self.abbrs)
        self.iter_element(root)
        first_use_only(root)


def first_use_only(root):
    """Keep the tooltip on a term's first use only: one per use (151 on the Fashion-MNIST page) was noisy
    and cost most of that page's load (Lighthouse: total blocking time)."""
    parents = {child: parent for parent in root.iter() for child in parent}
    found = [(parents[abbr], abbr) for abbr in root.iter("abbr")]
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
        md.treeprocessors.register(CJKAbbrTreeprocessor(md, self.abbrs), "abbr", 7)


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
