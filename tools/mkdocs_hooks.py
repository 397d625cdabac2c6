"""MkDocs hooks for this site (mkdocs.yml: hooks)."""

import html as html_lib
import json
import posixpath
import re
import shutil
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

# mkdocs-static-i18n rebuilds every file as a plain File, and a plain File
# with an .ipynb name is an asset, not a page, so the notebooks were copied
# raw instead of being rendered by mkdocs-jupyter
# (ultrabug/mkdocs-static-i18n#198). Count notebooks as pages.
_is_markdown_page = File.is_documentation_page


def _is_page(self):
    return self.src_uri.endswith(".ipynb") or _is_markdown_page(self)


File.is_documentation_page = _is_page

# Figures and outputs in docs/assets/generated/ are shared by both languages,
# but mkdocs-static-i18n (fallback_to_default: false) gives files outside a
# language folder to the default language's build only: an English page's
# ![...](../assets/generated/...) was "not found", and left pointing at
# /en/assets/. Give them to every build, at the one address they have.
@event_priority(-110)  # after mkdocs-static-i18n's on_files (-100)
def on_files(files, config):
    docs = Path(config.docs_dir)
    for path in sorted((docs / "assets" / "generated").rglob("*")):
        src = path.relative_to(docs).as_posix()
        if path.is_file() and path.suffix != ".md" and files.get_file_from_path(src) is None:
            files.append(File(src, config.docs_dir, config.site_dir, config.use_directory_urls))
    return files


# mkdocs-jupyter adds a MathJax loader to every notebook page: from
# cdnjs.cloudflare.com by default, or an empty src that fetches the page
# again. Our notebooks hold no maths, and the site loads nothing from another
# host: drop the loader.
MATHJAX_LOADER = re.compile(r'<script src="(https://cdnjs\.cloudflare\.com/ajax/libs/mathjax/[^"]*)?">\s*</script>')


# Each notebook page offers its .ipynb for download, from the page's own folder.
DOWNLOAD = {"zh": "下载这个 Notebook（.ipynb）", "en": "Download this notebook (.ipynb)"}


def is_notebook(page):
    return page.file.src_uri.endswith(".ipynb")


# A notebook's headings come from its page, without their { #anchor }.
# nbconvert then gives Chinese headings empty or clashing ids (id="",
# id="keras" twice) and mkdocs-jupyter's table of contents links to ids that
# do not exist (#_1, #_2): give each heading, and its entry in the table of
# contents, the anchor the same heading has on the page, in both languages,
# so links and the language switch land on the section.
NOTEBOOK_HEADING = re.compile(
    r'<h(?P<level>[1-6]) id="[^"]*">(?P<text>.*?)<a class="anchor-link" href="#[^"]*">¶</a></h(?P=level)>', re.S)
PAGE_HEADING = re.compile(r"^#{1,6}\s+(?P<text>.*?)\s*\{\s*#(?P<anchor>[A-Za-z0-9_-]+)[^}]*\}\s*$", re.M)


def plain(text):
    return html_lib.unescape(re.sub(r"<[^>]+>|[`*]", "", text)).strip()


def anchor_notebook_headings(html, page):
    source = Path(page.file.abs_src_path)
    markdown = source.parent.parent / f"{source.stem}.md"
    if not markdown.is_file():
        return html
    anchors = [(plain(m["text"]), m["anchor"]) for m in PAGE_HEADING.finditer(markdown.read_text(encoding="utf-8"))]
    by_title = {}

    def anchor(match):
        text = plain(match["text"])
        found = next((a for t, a in anchors if t == text and a not in by_title.values()), None)
        if found is None:
            return match[0]
        by_title[text] = found
        level = match["level"]
        return (f'<h{level} id="{found}">{match["text"]}'
                f'<a class="anchor-link" href="#{found}">¶</a></h{level}>')

    html = NOTEBOOK_HEADING.sub(anchor, html)

    def retarget(items):
        for item in items:
            if plain(item.title) in by_title:
                item.id = by_title[plain(item.title)]
            retarget(item.children)

    retarget(page.toc)
    # mkdocs-jupyter's table of contents also lists things that are no
    # heading on the page (a table's "| --- |" row shows up as "-"): keep
    # only entries that lead somewhere.
    ids = set(re.findall(r'\sid="([^"]+)"', html))

    def prune(items):
        items[:] = [item for item in items if item.id in ids]
        for item in items:
            prune(item.children)

    prune(page.toc.items if hasattr(page.toc, "items") else page.toc)
    return html


# nbconvert's lab template writes no alt text for a figure that a cell draws,
# and then fills in "No description has been provided for this image" in
# English on every page. tools/notebooks.py stores each figure's alt text, in
# the page's language, in its cell's metadata; put it on the image.
NO_ALT = 'alt="No description has been provided for this image"'


def figure_alts(notebook_path):
    """The alt text of each figure the notebook's cells draw, in order."""
    notebook = json.loads(Path(notebook_path).read_text(encoding="utf-8"))
    alts = []
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        texts = cell["metadata"].get("alts") or [cell["metadata"].get("alt")]
        images = [o for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
        alts += [texts[n] if n < len(texts) else None for n in range(len(images))]
    return alts


def describe_notebook_figures(html, notebook_path):
    alts = iter(figure_alts(notebook_path))

    def alt(match):
        text = next(alts, None)
        return f'alt="{html_lib.escape(text, quote=True)}"' if text else match[0]

    return re.sub(re.escape(NO_ALT), alt, html)


# Figures sit far down a page, yet the browser fetched all of them at once,
# before Material's script: on the Fashion-MNIST page 132 KiB of images a
# phone reader has not scrolled to held up the page's first paint and its
# script (Lighthouse: "offscreen images"). Load each one when it comes near
# (loading="lazy"), decode it off the main thread, and give it its size so
# the text does not jump when it arrives.
IMG_TAG = re.compile(r"<img\b[^>]*>")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path):
    """(width, height) from a PNG's header, or None if it is not a PNG."""
    try:
        with open(path, "rb") as f:
            head = f.read(24)
    except OSError:
        return None
    if len(head) < 24 or not head.startswith(PNG_SIGNATURE) or head[12:16] != b"IHDR":
        return None
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def lazy_images(html, page_dest_uri, docs_dir):
    """loading="lazy", decoding="async" and the pixel size on each <img> of a page."""

    def rewrite(match):
        tag = match[0]
        extra = []
        if " loading=" not in tag:
            extra.append('loading="lazy"')
        if " decoding=" not in tag:
            extra.append('decoding="async"')
        src = re.search(r'\ssrc="([^"]+)"', tag)
        if src and " width=" not in tag and " height=" not in tag and "://" not in src[1] \
                and not src[1].startswith(("data:", "/")):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page_dest_uri), src[1].split("#")[0]))
            size = png_size(Path(docs_dir) / target)
            if size:
                extra.append(f'width="{size[0]}" height="{size[1]}"')
        if not extra:
            return tag
        end = -2 if tag.endswith("/>") else -1
        return tag[:end].rstrip() + " " + " ".join(extra) + tag[end:]

    return IMG_TAG.sub(rewrite, html)


def on_page_content(html, page, config, files):
    html = MATHJAX_LOADER.sub("", html)
    html = lazy_images(html, page.file.dest_uri, config.docs_dir)
    if is_notebook(page):
        html = anchor_notebook_headings(html, page)
        html = describe_notebook_figures(html, page.file.abs_src_path)
        name = Path(page.file.src_uri).name
        label = DOWNLOAD[config.theme["language"]]
        button = f'<p><a class="md-button" href="{name}" download>{label}</a></p>'
        # Just under the notebook's title, or first if it has none.
        head, found, tail = html.partition("</h1>")
        html = head + found + button + tail if found else button + html
    return html


# mkdocs-static-i18n gives each page <link rel="alternate" hreflang> tags with
# relative URLs (the site has no site_url). Search engines ignore relative
# hreflang URLs (Lighthouse fails them), and Material's script fetches
# sitemap.xml beside each one, which 404s on every page but the home page. The
# language switcher in the header (<a hreflang>) stays and leads to the twin page.
HEAD_ALTERNATE = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">')

# Material's search box is a role="dialog" without a name; screen readers
# announce nameless dialogs as just "dialog". Name it as its input is named.
SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
SEARCH_LABEL = re.compile(r'<input [^>]*class="md-search__input"[^>]*aria-label="(?P<label>[^"]+)"')


# mkdocs-static-i18n writes one search index for the whole site, both
# languages in it, and every page searches it: an English reader searching
# "mirror" got the Chinese pages too, sometimes first. Split it: the default
# language keeps search/search_index.json, every other language gets
# <lang>/search/search_index.json with its own entries, and its pages look
# there (Material fetches search/search_index.json relative to "base").
CONFIG_BASE = re.compile(r'("base":\s*")([^"]*)(")')


def languages(config):
    """(default language, every language) from mkdocs-static-i18n's settings."""
    plugin = config.plugins.get("i18n")
    if plugin is None:
        return None, []
    return plugin.default_language, [lang.locale for lang in plugin.config.languages]


def search_base(output, language, default):
    """Point an other-language page's search at its language's own index."""
    if not default or language == default:
        return output
    # A trailing slash: "../en" would resolve to the file /en, not the folder.
    return CONFIG_BASE.sub(lambda m: f"{m[1]}{m[2].rstrip('/') or '.'}/{language}/{m[3]}", output, count=1)


def split_search_index(site_dir, default, languages):
    """Rewrite the combined index into one index per language (idempotent)."""
    root = Path(site_dir) / "search" / "search_index.json"
    if not root.is_file():
        return
    index = json.loads(root.read_text(encoding="utf-8"))
    others = [lang for lang in languages if lang != default]
    kept = []
    by_language = {lang: [] for lang in others}
    for doc in index["docs"]:
        first = doc["location"].split("/", 1)[0]
        if first in by_language:
            doc = dict(doc, location=doc["location"][len(first) + 1 :])
            by_language[first].append(doc)
        else:
            kept.append(doc)
    for lang, docs in by_language.items():
        if not docs:
            continue  # already split, or this language's build has not run yet
        target = Path(site_dir) / lang / "search" / "search_index.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        # Its pages are in one language: lunr's pipeline for that language only
        # (with zh beside en, "GPU" and "tensorflow-gpu" ranked the error page
        # above the installation page's GPU section).
        config = dict(index["config"], lang=[lang])
        target.write_text(json.dumps(dict(index, config=config, docs=docs), ensure_ascii=False), encoding="utf-8")
    root.write_text(json.dumps(dict(index, docs=kept), ensure_ascii=False), encoding="utf-8")


# Material's search appends "*" to every word typed, and lunr runs no stemmer
# on a word with a wildcard, while the English index holds stemmed words:
# "convolution*" missed the index's "convolut", "dense*" missed "dens", and an
# English reader searching "convolution" found nothing at all. Two lines of
# Material's search worker are rewritten after the build (its source map still
# shows the originals):
# 1. Search each word twice: as typed (stemmed like the index, so whole words
#    and their forms match) and as a prefix (so a half-typed word still
#    matches). Chinese segments already end in "*" and are left as they were.
#    The exact clause also ranks a page that has the word above one that only
#    has a longer word starting with it ("mirror": pip mirrors before
#    MirroredStrategy).
# 2. A result lists as "Missing" each query word that no matched index word
#    starts with; "convolution" matched through "convolut" was listed as
#    missing on the very page it found. A word counts as found when it also
#    starts with a matched index word.
SEARCH_WORKER = "assets/javascripts/workers/search.*.min.js"
SEARCH_PATCHES = {
    "query": (
        ".map(r=>/(^[+-]|[~^]\\d+$)/.test(r)?r:`${r}*`)",
        ".map(r=>/(^[+-]|[~^]\\d+$)/.test(r)?r:/[*]$/.test(r)?`${r}*`:`${r} ${r}*`)",
    ),
    "missing": (
        "e[s].startsWith(o.term)&&(n[o.term]=!0,r.delete(o))",
        "(e[s].startsWith(o.term)||o.term.startsWith(e[s]))&&(n[o.term]=!0,r.delete(o))",
    ),
}


class SearchWorkerChanged(PluginError):
    pass


def patch_search_worker(site_dir):
    """Rewrite the search worker's lines in SEARCH_PATCHES (idempotent)."""
    for worker in sorted(Path(site_dir).glob(SEARCH_WORKER)):
        code = worker.read_text(encoding="utf-8")
        for name, (original, patched) in SEARCH_PATCHES.items():
            if code.count(patched) == 1:
                continue
            if code.count(original) != 1:
                raise SearchWorkerChanged(
                    f"{worker}: Material's search worker no longer has the line this hook rewrites "
                    f"({original}); find the new one and update SEARCH_PATCHES[{name!r}] in "
                    "tools/mkdocs_hooks.py, or English searches for whole words will go wrong again."
                )
            code = code.replace(original, patched)
        worker.write_text(code, encoding="utf-8")


@event_priority(-200)  # after mkdocs-static-i18n has written the combined index
def on_post_build(config):
    default, all_languages = languages(config)
    if default:
        split_search_index(config.site_dir, default, all_languages)
    patch_search_worker(config.site_dir)


# With one palette (mkdocs.yml) Material has no switch and always draws the
# light scheme. Follow the reader's system instead: a script at the top of
# <body>, run before anything below it is parsed, so the page is drawn once,
# in the right scheme; it also follows a change of the system setting.
BODY_TAG = re.compile(r"<body\b[^>]*>")
DARK_SCHEME = (
    "<script>(function(){var m=matchMedia(\"(prefers-color-scheme: dark)\");"
    "function s(){document.body.setAttribute(\"data-md-color-scheme\",m.matches?\"slate\":\"default\")}"
    "if(m.matches)s();m.addEventListener(\"change\",s)})()</script>"
)


def follow_system_scheme(output):
    return BODY_TAG.sub(lambda m: m[0] + DARK_SCHEME, output, count=1)


def on_post_page(output, page, config):
    output = follow_system_scheme(output)
    if page is not None:
        output = search_base(output, config.theme["language"], languages(config)[0])
    if page is not None and is_notebook(page):
        target = Path(page.file.abs_dest_path).parent / Path(page.file.src_uri).name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(page.file.abs_src_path, target)
    output = HEAD_ALTERNATE.sub("", output)
    label = SEARCH_LABEL.search(output)
    if label:
        output = output.replace(SEARCH_DIALOG, SEARCH_DIALOG[:-1] + f' aria-label="{label["label"]}">')
    return output


def on_post_template(output, template_name, config):
    # 404.html is a theme template, not a page: the same two fixes.
    return on_post_page(output, None, config) if template_name == "404.html" else output


# Numbers from real runs, never typed by hand: a page writes
# {{ results.<stem>.<key> }} or {{ run.<stem>.<key> }} and the build fills in the
# value from docs/assets/generated/<stem>/results.json or run.json, which
# tools/notebooks.py writes. Dotted keys reach into nested objects.
# benchmark.json (benchmarks/) and repeat.json (tools/repeat.py) work the same way.
GENERATED = Path(__file__).resolve().parent.parent / "docs" / "assets" / "generated"
WRITERS = {"results": "tools/notebooks.py", "run": "tools/notebooks.py",
           "repeat": "tools/repeat.py", "benchmark": "benchmarks/fashion_mnist.py (for)", "gpu": "benchmarks/gpu.py import <run folder> (for)"}
PLACEHOLDER = re.compile(r"\{\{\s*(?P<file>results|run|benchmark|repeat|gpu)\.(?P<stem>[a-z0-9_]+)\.(?P<key>[A-Za-z0-9_.\-]+)\s*\}\}")


def fill_placeholders(markdown, where="page"):
    def value(match):
        path = GENERATED / match["stem"] / f"{match['file']}.json"
        if not path.is_file():
            raise ValueError(f"{where}: {match[0]} needs {path}; run {WRITERS[match['file']]} {match['stem']}")
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
AFTER_CJK = re.compile(rf"(?<=[{CJK}])\n[ \t]*(?=[{CJK}])")
AFTER_CJK_PUNCTUATION = re.compile(r"(?<=[\u3000-\u303f\uff00-\uffef])\n[ \t]*(?=[^\s\-*+>#|\d])")
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
