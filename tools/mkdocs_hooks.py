"""MkDocs hooks for this site (mkdocs.yml: hooks)."""

import json
import re
import shutil
from pathlib import Path

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


def on_page_content(html, page, config, files):
    html = MATHJAX_LOADER.sub("", html)
    if is_notebook(page):
        name = Path(page.file.src_uri).name
        label = DOWNLOAD[config.theme["language"]]
        html = f'<p><a class="md-button" href="{name}" download>{label}</a></p>\n' + html
    return html


def on_post_page(output, page, config):
    if is_notebook(page):
        target = Path(page.file.abs_dest_path).parent / Path(page.file.src_uri).name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(page.file.abs_src_path, target)
    return output


# Numbers from real runs, never typed by hand: a page writes
# {{ results.<stem>.<key> }} or {{ run.<stem>.<key> }} and the build fills in the
# value from docs/assets/generated/<stem>/results.json or run.json, which
# tools/notebooks.py writes. Dotted keys reach into nested objects.
# benchmark.json (benchmarks/) and repeat.json (tools/repeat.py) work the same way.
GENERATED = Path(__file__).resolve().parent.parent / "docs" / "assets" / "generated"
WRITERS = {"results": "tools/notebooks.py", "run": "tools/notebooks.py",
           "repeat": "tools/repeat.py", "benchmark": "benchmarks/fashion_mnist.py (for)"}
PLACEHOLDER = re.compile(r"\{\{\s*(?P<file>results|run|benchmark|repeat)\.(?P<stem>[a-z0-9_]+)\.(?P<key>[A-Za-z0-9_.\-]+)\s*\}\}")


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


def on_page_markdown(markdown, page, config, files):
    return fill_placeholders(markdown, page.file.src_uri)
