"""MkDocs hook: a page's Markdown before it is rendered: measured numbers filled in, Chinese lines joined."""

import json
import re
from pathlib import Path

from harness.pages import parse_lines


# {{ <file>.<stem>.<key> }}: the value from docs/assets/generated/<stem>/<file>.json (README: Generated
# files); dotted keys reach into nested objects.
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


# A browser turns a line break inside a paragraph into a space: joined after Chinese text ("拼起来，再告诉").
CJK = "\u2e80-\u2fff\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
# Never joined: a line that starts a block (list item, quote, heading, table row, attribute list) or is blank.
NEW_BLOCK = r"(?![-*+][ \t]|\d+[.)][ \t]|[>#|{])(?=\S)"
# After a Chinese character, when the next line starts with one too (perhaps inside a link or emphasis).
AFTER_CJK = re.compile(rf"(?<=[{CJK}])\n[ \t]*{NEW_BLOCK}(?=[\[*_]*[{CJK}])")
AFTER_CJK_PUNCTUATION = re.compile(rf"(?<=[\u3000-\u303f\uff00-\uffef])\n[ \t]*{NEW_BLOCK}")


def join_cjk_lines(markdown, path: Path):
    """Remove line breaks after Chinese text, outside code fences (as harness.pages reads them)."""
    lines = markdown.split("\n")
    code = {n for fence in parse_lines(path, lines).fences for n in range(fence.line - 1, fence.line + len(fence.body) + 1)}
    runs, in_code = [[]], False  # text and code in turn
    for n, line in enumerate(lines):
        if (n in code) != in_code:
            runs.append([])
            in_code = not in_code
        runs[-1].append(line)
    texts = ("\n".join(run) for run in runs)
    return "\n".join(AFTER_CJK_PUNCTUATION.sub("", AFTER_CJK.sub("", text)) if n % 2 == 0 else text
                     for n, text in enumerate(texts))


def on_page_markdown(markdown, page, config, files):
    return join_cjk_lines(fill_placeholders(markdown, page.file.src_uri), Path(page.file.abs_src_path))
