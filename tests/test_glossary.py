"""The glossary: twin pages, every term explained before it is used, hover definitions in the browser.

A term's words are the hover keys harness/hooks/glossary.py gives it, so a word counts as the term
exactly where it could carry a tooltip. A page EXPLAINS a term where it is in **bold** or is the text
of a link to its glossary entry; it USES it where its words appear in prose (not in code, headings,
link texts, image texts or placeholders). In reading order (nav, the glossary left out), a use before
the first explanation fails, named page:line; so does a term named (in inline code too) a page before
the one its glossary entry sends the reader to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.hooks import glossary
from harness.pages import DOCS, HEADING, LANGUAGES, nav, parse_lines

ENTRIES = {lang: glossary.entries(DOCS / lang / "glossary.md") for lang in LANGUAGES}


def test_glossaries_are_twins():
    for z, e in zip(ENTRIES["zh"], ENTRIES["en"], strict=True):
        assert z.anchor == e.anchor, "zh and en glossaries: different entries or order"
        assert z.english and z.english.lower() == e.english.lower(), (
            f"docs/zh/glossary.md:{z.line}: {z.heading} names {z.english!r}; docs/en has {e.heading!r}")
        for entry, lang in ((z, "zh"), (e, "en")):
            sentences = len(re.findall(r"[。.!?！？](?:\s|$)", entry.definition + " "))
            assert 1 <= sentences <= 3, f"docs/{lang}/glossary.md:{entry.line}: 1-3 sentences, got {sentences}"
        # One link to the first use, the same in both (that it resolves: the build, mkdocs.base.yml).
        assert z.links == e.links and len(z.links) == 1, f"{z.anchor}: first uses {z.links} / {e.links}"


INLINE_CODE = re.compile(r"`[^`]*`")
PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{\s*#[^}]*\}|<[^>]+>")
LINK = re.compile(r"!?\[(?P<text>[^\]]*)\]\((?P<target>[^)]*)\)")
BOLD = re.compile(r"\*\*(?P<text>.+?)\*\*")


@dataclass
class Mark:
    column: int
    anchor: str
    word: str
    kind: str  # "bold", "link" (to the glossary), "use", or "code" (named in inline code)


def marks(line: str, terms: dict, pattern: re.Pattern) -> list[Mark]:
    """Where a line of prose explains, uses or names in code a term, in order."""
    blank = lambda m: " " * len(m[0])  # noqa: E731 (keep the columns)
    found = [Mark(code.start() + word.start(), terms[word[0]].anchor, word[0], "code")
             for code in INLINE_CODE.finditer(PLACEHOLDER.sub(blank, line))
             for word in pattern.finditer(code[0]) if word[0] in terms]
    line = PLACEHOLDER.sub(blank, INLINE_CODE.sub(blank, line))
    for link in LINK.finditer(line):
        page, _, anchor = link["target"].partition("#")
        if page.endswith("glossary.md") and not link[0].startswith("!"):
            found.append(Mark(link.start(), anchor, link["text"], "link"))
    line = LINK.sub(blank, line)
    for bold in BOLD.finditer(line):
        found += [Mark(bold.start(), terms[word[0]].anchor, word[0], "bold")
                  for word in pattern.finditer(bold["text"]) if word[0] in terms]  # not glossary.NOT_TERMS
    line = BOLD.sub(blank, line)
    found += [Mark(word.start(), terms[word[0]].anchor, word[0], "use")
              for word in pattern.finditer(line) if word[0] in terms]
    return sorted(found, key=lambda m: m.column)


def first_use_problems(pages, terms: dict) -> tuple[list[str], dict, dict]:
    """``pages``: (name, Markdown text) in reading order. Returns the uses before any explanation;
    where each term is first in bold (anchor -> (page, section anchor)); and where each is first named
    at all on a page that neither bolds nor links it (anchor -> "page:line")."""
    pattern = glossary.term_pattern(set(terms) | glossary.NOT_TERMS)
    explained, taught, mentioned, problems = set(), {}, {}, []
    for name, text in pages:
        section, covered, named = "", set(), {}
        for number, line in parse_lines(Path(name), text.splitlines()).prose:
            if HEADING.match(line):
                anchor = re.search(r"\{\s*#([\w-]+)", line)
                section = anchor[1] if anchor else section
                continue
            for mark in marks(line, terms, pattern):
                named.setdefault(mark.anchor, f"{name}:{number}")
                if mark.kind == "bold":
                    taught.setdefault(mark.anchor, (name, section))
                if mark.kind in ("bold", "link"):
                    explained.add(mark.anchor)
                    covered.add(mark.anchor)
                elif mark.kind == "use" and mark.anchor not in explained:
                    problems.append(f"{name}:{number}: {mark.word!r} is used before any page explains it")
                    explained.add(mark.anchor)  # report each term once
        for anchor, where in named.items():
            if anchor not in covered:
                mentioned.setdefault(anchor, where)
    return problems, taught, mentioned


def early_mentions(pages, terms: dict, entries) -> list[str]:
    """A term named on a page before the one its glossary entry links, without a bold or a glossary
    link there: the reader meets `Dropout(0.5)` a chapter before the one the glossary sends them to."""
    mentioned = first_use_problems(pages, terms)[2]
    order = [name for name, _ in pages]
    problems = []
    for entry in entries:
        if entry.anchor not in mentioned or not entry.links:
            continue
        where = mentioned[entry.anchor]
        page = where.rpartition(":")[0]
        target = next((n for n in order if n.endswith("/" + entry.links[0].partition("#")[0])), None)
        if target and order.index(page) < order.index(target):
            problems.append(f"{where}: {entry.heading} is named here, before {target}, "
                            f"where the glossary says it is first explained")
    return problems


def reading_order() -> list[str]:
    return [name for name in nav() if name.endswith(".md") and name != "glossary.md"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_term_is_explained_at_or_before_its_first_use(lang):
    terms = glossary.glossary(DOCS, lang)
    pages = [(f"docs/{lang}/{name}", (DOCS / lang / name).read_text(encoding="utf-8")) for name in reading_order()]
    problems, taught, _ = first_use_problems(pages, terms)
    problems += early_mentions(pages, terms, ENTRIES[lang])
    assert not problems, "explain (in **bold**, or a glossary link) where first used:\n" + "\n".join(problems)
    # The glossary's link leads where the guide first explains the term (== not is: read separately).
    for entry in ENTRIES[lang]:
        if not any(terms.get(key) == entry for key in terms):
            continue  # no key to look for (步, 参数: too ambiguous to mark)
        where = taught.get(entry.anchor)
        assert where, f"docs/{lang}/glossary.md:{entry.line}: no page explains {entry.heading} in bold"
        page, section = where
        assert entry.links == (f"{page.removeprefix(f'docs/{lang}/')}#{section}",), (
            f"docs/{lang}/glossary.md:{entry.line}: {entry.heading} is first explained in {page}#{section}, "
            f"but the glossary links to {entry.links}"
        )


def test_a_term_used_before_it_is_explained_fails():
    terms = glossary.glossary(DOCS, "zh")
    pages = [
        ("a.md", "# 甲 { #a }\n\n`张量` 在代码里不算。\n\n把张量相乘。\n\n**张量**是一种多维数组。\n"),
        ("b.md", "# 乙 { #b }\n\n这一页的张量已经讲过了。神经元是[什么](glossary.md#neuron)？\n"),
    ]
    problems = first_use_problems(pages, terms)[0]
    assert problems == ["a.md:5: '张量' is used before any page explains it",
                        "b.md:3: '神经元' is used before any page explains it"]
    # Bold or a glossary link explains; the order in the line counts.
    fixed = [("a.md", "**张量**：多维数组。把张量相乘。[神经元](glossary.md#neuron)是最小的计算单元。神经元")]
    assert first_use_problems(fixed, terms)[:2] == ([], {"tensor": ("a.md", "")})
    # 底层 is not a layer (层), and a word inside a longer ASCII word is not the term.
    assert first_use_problems([("c.md", "不做底层的计算。")], terms)[0] == []
    en = glossary.glossary(DOCS, "en")
    assert first_use_problems([("d.md", "TensorFlow runs. Two tensors here.")], en)[0] == [
        "d.md:1: 'tensors' is used before any page explains it"
    ]


def test_a_term_named_a_page_before_the_glossary_says_fails():
    # The Dropout case: `Dropout(0.5)` in a chapter before the one the glossary
    # names; inside code, so the check above does not see it.
    en = glossary.glossary(DOCS, "en")
    entry = next(e for e in ENTRIES["en"] if e.anchor == "dropout")
    later = entry.links[0].partition("#")[0]
    pages = [("docs/en/a.md", "# A { #a }\n\nAdd `keras.layers.Dropout(0.5)`.\n"),
             (f"docs/en/{later}", "# B { #b }\n\n**Dropout** sets numbers to 0.\n")]
    assert early_mentions(pages, en, [entry]) == [
        f"docs/en/a.md:3: dropout is named here, before docs/en/{later}, where the glossary says it is first explained"
    ]
    # Named on the same page, before its bold: fine (a bullet opens with the code).
    assert early_mentions(pages[1:] + [("docs/en/a.md", pages[0][1])], en, [entry]) == []
    # Linked to the glossary on the earlier page: fine too.
    linked = [("docs/en/a.md", "Add [`Dropout`](glossary.md#dropout)."), pages[1]]
    assert early_mentions(linked, en, [entry]) == []


def test_only_the_first_use_on_a_page_is_marked():
    import markdown

    md = markdown.Markdown(extensions=[glossary.CJKAbbrExtension()])
    html = md.convert("把张量相乘，得到张量。\n\n*再乘*一个**张量**。\n\n*[张量]: 多维数组")
    assert html.count("<abbr") == 1 and html.count("张量") == 3, html
    assert html.startswith('<p>把<abbr title="多维数组">张量</abbr>相乘，得到张量。</p>'), html

HOVER = [("zh", "what_is_keras/", "神经元"), ("en", "en/what_is_keras/", "neurons")]


@pytest.mark.parametrize("lang, path, word", HOVER, ids=[h[0] for h in HOVER])
def test_hovering_a_term_shows_its_definition(open_tab, lang, path, word):
    entry = glossary.glossary(DOCS, lang)[word]
    tab = open_tab()
    page = tab.open(path)
    term = page.locator("article abbr", has_text=word).first
    term.scroll_into_view_if_needed()
    term.hover()
    tooltip = page.locator(".md-tooltip2, .md-tooltip").filter(has_text=entry.definition[:20]).first
    tooltip.wait_for(state="visible", timeout=5_000)
    assert entry.definition in tooltip.inner_text()
    # Never inside code.
    assert page.locator("pre abbr, code abbr").count() == 0
