"""MkDocs hook: the site's files and the HTML of its pages.

Where it rewrites Material's output, the comment above says why; a test fails when a rewrite stops applying.
"""

import posixpath
import re
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

# The downloads belong to the whole site, at its root, and are built after both languages, from them
# (harness/downloads.py). Meanwhile a short note stands in for each, so that links are checked and
# `properdocs serve` shows it; the English site's links lead up to the root's copy.
@event_priority(-110)
def on_files(files, config):
    from harness.downloads import NAMES

    docs = Path(config.docs_dir)
    up = "" if config.theme["language"] == config.extra["languages"][0]["lang"] else ".."
    notes = []
    for name in NAMES:
        note = f"{name} is built by `python -m harness.downloads` (make site), not by properdocs alone.\n"
        notes.append(File.generated(config, f"downloads/{name}", content=note.encode("utf-8")))
    # Each reader tool that runs alone; check_install.py (it imports tools/doctor/) comes as a .pyz.
    for tool in sorted((docs.parent.parent / "tools").glob("*.py")):
        if f"{tool.stem}.pyz" not in NAMES:
            notes.append(File.generated(config, f"downloads/{tool.name}", abs_src_path=str(tool)))
    # Each chapter with a notebook offers the lesson's .py beside it (download_buttons).
    for notebook in sorted((docs / "notebooks").glob("*.ipynb")):
        lesson = docs.parent.parent / "examples" / f"{notebook.stem}.py"
        files.append(File.generated(config, f"notebooks/{lesson.name}", abs_src_path=str(lesson)))
    for file in notes:
        file.abs_dest_path = str(Path(config.site_dir) / up / file.dest_uri)
        files.append(file)
    add_runtime(files, config)
    return files


# ONNX Runtime Web for "Try the model in your browser", beside that page's script (in_the_browser.js).
def add_runtime(files, config):
    from harness.published import ORT, ORT_FILES

    if not (ORT / "dist").is_dir():
        from mkdocs.exceptions import PluginError

        raise PluginError(f"{ORT} is missing: make ort (npm ci in vendor/onnxruntime-web)")
    for name in ORT_FILES:
        files.append(File.generated(config, f"assets/javascripts/ort/{name}", abs_src_path=str(ORT / "dist" / name)))


# From a language under /<language>/, one "../" more than MkDocs wrote, to the root's downloads/.
DOWNLOAD_LINK = re.compile(r'href="((?:\.\./)*)downloads/')


def link_downloads_at_the_root(html, config):
    if config.theme["language"] == config.extra["languages"][0]["lang"]:
        return html
    return DOWNLOAD_LINK.sub(r'href="\1../downloads/', html)


# The offline copy (OFFLINE=true): search from file:// with the vendored iframe-worker shim, so that
# nothing loads from unpkg.com; offline.css hides what only makes sense online.
OFFLINE_SHIM = "assets/javascripts/vendor/iframe-worker-shim.js"


@event_priority(50)  # before the offline plugin's on_config, which adds unpkg.com unless a shim is named
def on_config(config):
    offline = config.plugins.get("material/offline") or config.plugins.get("offline")
    if offline is not None and offline.config.enabled:
        config.extra["polyfills"] = [OFFLINE_SHIM]
        config.extra_css.append("assets/stylesheets/offline.css")
    return config


# A chapter with a notebook offers it, and the lesson's .py, under its title.
DOWNLOAD = {"zh": ("下载 Notebook（.ipynb）", "下载代码（.py）"),
            "en": ("Download the notebook (.ipynb)", "Download the code (.py)")}


def download_buttons(html, page, config):
    stem = Path(page.file.src_uri).stem
    if not (Path(config.docs_dir) / "notebooks" / f"{stem}.ipynb").is_file():
        return html
    up = "../" * page.file.dest_uri.count("/")
    notebook, lesson = DOWNLOAD[config.theme["language"]]
    buttons = (f'<p class="downloads"><a class="md-button" href="{up}notebooks/{stem}.ipynb" download>{notebook}</a>'
               f'<a class="md-button" href="{up}notebooks/{stem}.py" download>{lesson}</a></p>')
    head, found, tail = html.partition("</h1>")
    return head + found + buttons + tail


# Offscreen figures held up the first paint (Lighthouse, the Fashion-MNIST page: 132 KiB): each loads
# when it comes near, decodes off the main thread, and has its size, so the text does not jump.
IMG_TAG = re.compile(r"<img\b[^>]*>")


def png_size(path):
    """(width, height) from a PNG's header, or None if it is not a PNG."""
    from PIL import Image

    try:
        with Image.open(path) as image:
            return image.size if image.format == "PNG" else None
    except OSError:
        return None


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


# The browser demo's script, on its page only.
DEMO = '<div class="browser-demo"'


def on_page_content(html, page, config, files):
    if DEMO in html:
        from mkdocs.utils import get_relative_url

        script = get_relative_url("assets/javascripts/in_the_browser.js", page.url)
        html += f'<script src="{script}" defer></script>'

    html = link_downloads_at_the_root(html, config)
    html = lazy_images(html, page.file.dest_uri, config.docs_dir)
    return download_buttons(html, page, config)


# Material's search box is a role="dialog" without a name (announced as just "dialog"): named as its input.
SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
SEARCH_LABEL = re.compile(r'<input [^>]*class="md-search__input"[^>]*aria-label="(?P<label>[^"]+)"')


def on_post_page(output, page, config):
    label = SEARCH_LABEL.search(output)
    if not label or SEARCH_DIALOG not in output:
        from mkdocs.exceptions import PluginError

        raise PluginError("harness/hooks/html.py: Material's search box is no longer written as SEARCH_DIALOG "
                          "and SEARCH_LABEL expect: update them, so that the dialog keeps its name")
    return output.replace(SEARCH_DIALOG, SEARCH_DIALOG[:-1] + f' aria-label="{label["label"]}">')


def on_post_template(output, template_name, config):
    return on_post_page(output, None, config) if template_name == "404.html" else output
