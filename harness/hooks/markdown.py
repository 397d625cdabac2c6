"""MkDocs hook (mkdocs.yml): what a page's Markdown needs before it is rendered.

Self-contained: MkDocs loads it by path.
"""

import json
import re
from pathlib import Path


# Numbers from real runs, never typed by hand: a page writes
# {{ <file>.<stem>.<key> }} and the build fills in the value from
# docs/assets/generated/<stem>/<file>.json (results and run: python -m harness.outputs;
# repeat: python -m harness.repeat; benchmark: benchmarks/; see the README).
# Dotted keys reach into nested objects.
GENERATED = Path(__file__).resolve().parents[2] / "docs" / "assets" / "generated"
PLACEHOLDER = re.compile(r"\{\{\s*(?P<file>[a-z_]+)\.(?P<stem>[a-z0-9_]+)\.(?P<key>[A-Za-z0-9_.\-]+)\s*\}\}")


def fill_placeholders(markdown, where="page"):
    def value(match):
        path = GENERATED / match["stem"] / f"{match['file']}.json"
        if not path.is_file():
            raise ValueError(f"{where}: {match[0]} needs {path}, which a tool writes (README: Generated files)")
        data = json.loads(path.read_text(encoding="utf-8"))
        for part in match["key"].split("."):
            if not isinstance(data, dict) or part not in data:
                raise ValueError(f"{where}: {match[0]}: {path.name} has no {match['key']!r}")
            data = data[part]
        return str(data)

    return PLACEHOLDER.sub(value, markdown)


# Chinese has no spaces between words, but a browser turns every line break
# inside a paragraph into one. Join wrapped lines where a break falls after
# Chinese text, so wrapped sources read "拼起来，再告诉" and not "拼起来， 再告诉".
CJK = "\u2e80-\u2fff\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
# A line that starts a block (a list item, a quote, a heading, a table row, an
# attribute list), is blank, or is not there (the text ends) is never joined
# to the line before it.
NEW_BLOCK = r"(?![-*+][ \t]|\d+[.)][ \t]|[>#|{])(?=\S)"
# After a Chinese character: when the next line starts with one too (perhaps
# inside a link or emphasis); a break before a Latin word stays a space.
AFTER_CJK = re.compile(rf"(?<=[{CJK}])\n[ \t]*{NEW_BLOCK}(?=[\[*_]*[{CJK}])")
# After Chinese punctuation: always, unless the next line starts a block.
AFTER_CJK_PUNCTUATION = re.compile(rf"(?<=[\u3000-\u303f\uff00-\uffef])\n[ \t]*{NEW_BLOCK}")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


def join_cjk_lines(markdown):
    """Remove line breaks after Chinese text, outside code fences."""
    parts, chunk, in_fence = [], [], False
    for line in markdown.split("\n"):
        if FENCE.match(line):
            if not in_fence:
                parts.append(("text", chunk))
                chunk = []
            chunk.append(line)
            if in_fence:
                parts.append(("code", chunk))
                chunk = []
            in_fence = not in_fence
            continue
        chunk.append(line)
    parts.append(("code" if in_fence else "text", chunk))
    out = []
    for kind, lines in parts:
        text = "\n".join(lines)
        if kind == "text":
            text = AFTER_CJK_PUNCTUATION.sub("", AFTER_CJK.sub("", text))
        out.append(text)
    return "\n".join(part for part in out)


def on_page_markdown(markdown, page, config, files):
    return join_cjk_lines(fill_placeholders(markdown, page.file.src_uri))
