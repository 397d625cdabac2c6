"""The pages and the example files: sections, includes, fences, headings, anchors.

Unlike pytest-markdown-docs, this finds fences at any indentation (inside ``===`` tabs and ``!!!`` boxes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from harness import DEFAULT_LANGUAGE, DOCS, EXAMPLES, LANGUAGES, ROOT, TOOLS  # noqa: F401  (re-exported)

FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<marks>`{3,}|~{3,})\s*(?P<info>.*)$")
HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*$")
ANCHOR = re.compile(r"\{\s*#(?P<anchor>[A-Za-z0-9_-]+)[^}]*\}\s*$")
# pymdownx.snippets: --8<-- "path" or --8<-- "path:section"
INCLUDE = re.compile(r"^\s*-{1,}8<-{1,}\s+\"(?P<target>[^\"]+)\"\s*$")
SECTION_MARK = re.compile(r"-{1,}8<-{1,}\s+\[(?P<kind>start|end):(?P<name>[A-Za-z0-9_-]+)\]")
FIGURE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<path>[^)\s]+)\)")

PYTHON_LANGS = {"python", "py", "python3"}
SHELL_LANGS = {"bash", "sh", "shell", "console", "powershell", "ps1", "pwsh", "bat", "cmd", "batch"}


@dataclass(frozen=True)
class Include:
    path: str
    section: str | None

    @property
    def target(self) -> str:
        return f"{self.path}:{self.section}" if self.section else self.path

    @classmethod
    def parse(cls, target: str) -> "Include":
        path, _, section = target.partition(":")
        return cls(path, section or None)


@dataclass
class Fence:
    page: Path
    line: int  # 1-based line of the opening fence
    indent: str
    info: str
    body: list[str] = field(default_factory=list)

    @property
    def lang(self) -> str:
        info = self.info.strip()
        if info.startswith("{"):
            # superfences brace syntax: {.python title="x" notest}
            for part in info.strip("{}").split():
                if part.startswith("."):
                    return part[1:].lower()
            return ""
        return info.split()[0].lower() if info else ""

    @property
    def options(self) -> set[str]:
        info = self.info.strip().strip("{}")
        return {p for p in info.split() if not p.startswith(".")} - {self.lang}

    @property
    def nested(self) -> bool:
        return bool(self.indent)

    @property
    def code(self) -> str:
        width = len(self.indent)
        lines = [line[width:] if line[:width].strip() == "" else line for line in self.body]
        return "\n".join(lines) + "\n"

    @property
    def includes(self) -> list[Include]:
        return [Include.parse(m["target"]) for m in map(INCLUDE.match, self.body) if m]

    @property
    def include_only(self) -> bool:
        lines = [line for line in self.body if line.strip()]
        return bool(lines) and all(INCLUDE.match(line) for line in lines)

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


@dataclass
class Heading:
    line: int
    level: int
    text: str
    anchor: str | None


@dataclass
class Page:
    path: Path
    fences: list[Fence]
    headings: list[Heading]
    includes: list[Include]  # every include, in page order
    prose: list[tuple[int, str]]  # (line number, text) outside fences

    @property
    def language(self) -> str:
        return self.path.relative_to(DOCS).parts[0]

    @property
    def name(self) -> str:
        return self.path.relative_to(DOCS / self.language).as_posix()


@cache
def parse_page(path: Path) -> Page:
    return parse_lines(path, path.read_text(encoding="utf-8").splitlines())


def parse_lines(path: Path, lines: list[str]) -> Page:
    """A page's lines, as they are or as harness.notebooks rewrote them."""
    fences: list[Fence] = []
    headings: list[Heading] = []
    includes: list[Include] = []
    prose: list[tuple[int, str]] = []
    open_fence: Fence | None = None
    marks = ""
    front_matter = bool(lines) and lines[0].strip() == "---"
    for number, line in enumerate(lines, start=1):
        if front_matter:
            if number > 1 and line.strip() == "---":
                front_matter = False
            continue
        if open_fence is not None:
            stripped = line.strip()
            if stripped.startswith(marks[0] * len(marks)) and set(stripped) <= {marks[0]}:
                fences.append(open_fence)
                open_fence = None
            else:
                open_fence.body.append(line)
                match = INCLUDE.match(line)
                if match:
                    includes.append(Include.parse(match["target"]))
            continue
        match = FENCE_OPEN.match(line)
        if match:
            open_fence = Fence(path, number, match["indent"], match["info"])
            marks = match["marks"]
            continue
        match = INCLUDE.match(line)
        if match:
            includes.append(Include.parse(match["target"]))
            continue
        heading = HEADING.match(line)
        if heading:
            anchor = ANCHOR.search(heading["text"])
            text = ANCHOR.sub("", heading["text"]).strip()
            headings.append(
                Heading(number, len(heading["hashes"]), text, anchor["anchor"] if anchor else None)
            )
        prose.append((number, line))
    if open_fence is not None:
        raise ValueError(f"{path.relative_to(ROOT)}:{open_fence.line}: code fence never closed")
    return Page(path, fences, headings, includes, prose)


def pages(language: str | None = None) -> list[Page]:
    languages = [language] if language else list(LANGUAGES)
    return [
        parse_page(path)
        for lang in languages
        for path in sorted((DOCS / lang).rglob("*.md"))
    ]


def all_fences() -> list[Fence]:
    return [fence for page in pages() for fence in page.fences]


@cache
def example_sections(path: Path) -> dict[str, str]:
    """Named sections of an example file: name -> code, as snippets would include it."""
    sections: dict[str, list[str]] = {}
    open_names: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        mark = SECTION_MARK.search(line)
        if mark:
            if mark["kind"] == "start":
                if mark["name"] in sections:
                    raise ValueError(f"{path.name}: section {mark['name']!r} starts twice")
                sections[mark["name"]] = []
                open_names.append(mark["name"])
            else:
                if mark["name"] not in open_names:
                    raise ValueError(f"{path.name}: section {mark['name']!r} ends but never started")
                open_names.remove(mark["name"])
            continue
        for name in open_names:
            sections[name].append(line)
    if open_names:
        raise ValueError(f"{path.name}: section(s) never ended: {', '.join(open_names)}")
    return {name: "\n".join(body) + "\n" for name, body in sections.items()}


def examples() -> list[Path]:
    """The lessons."""
    return sorted(EXAMPLES.glob("*.py"))


def tools() -> list[Path]:
    """The reader tools a reader runs (tools/*.py), not the modules they import (tools/doctor/)."""
    return sorted(TOOLS.glob("*.py"))


def markdown_it_skipping_includes():
    """The parser pytest-markdown-docs uses, minus include-only fences (snippets fills them in; as
    Python they would fail; tests/test_reader_road.py runs their code)."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark")

    def retype_include_fences(state):
        for token in state.tokens:
            lines = [line for line in token.content.splitlines() if line.strip()]
            if token.type == "fence" and lines and all(INCLUDE.match(line) for line in lines):
                token.type = "include_fence"

    parser.core.ruler.push("retype_include_fences", retype_include_fences)
    return parser


PLACEHOLDER = re.compile(r"\{\{[^}]*\}\}")
# Not prose: inline code, link targets, heading anchors.
NOT_PROSE = re.compile(r"`[^`]*`|\]\([^)]*\)|\{\s*#[^}]*\}")
DECIMAL = re.compile(r"(?<![\w.])\d+\.\d+(?![\w.])")
PERCENT = re.compile(r"\d+(?:\.\d+)?\s*(?:%|％|percent\b|个百分点)")
MEASURE = re.compile(r"(?<![\w.])\d+(?:\.\d+)?\s*(?:s|ms|sec|seconds?|minutes?|秒|分钟|毫秒|[KMG]i?B)(?![\w])")


def typed_by_hand(line: str, source: str) -> list[str]:
    """Numbers in a line of prose that look measured but are no placeholder; a decimal the example's
    code holds (a learning rate) is a setting, not a result."""
    text = NOT_PROSE.sub(" ", PLACEHOLDER.sub(" ", line))
    found = PERCENT.findall(text) + MEASURE.findall(text)
    text = PERCENT.sub(" ", MEASURE.sub(" ", text))
    found += [d for d in DECIMAL.findall(text) if not re.search(rf"(?<![\w.]){re.escape(d)}(?![\w.])", source)]
    return found


def nav() -> list[str]:
    """Every file in mkdocs.yml's nav, in reading order."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!ENV", lambda loader, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)

    def walk(items):
        for item in items:
            value = next(iter(item.values())) if isinstance(item, dict) else item
            if isinstance(value, list):
                yield from walk(value)
            else:
                yield value

    return list(walk(config["nav"]))
