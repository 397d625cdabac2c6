"""MkDocs hook (mkdocs.yml): search, one index per language, whole English words.

Self-contained: MkDocs loads it by path.
"""

import json
import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority


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
    # The offline copy reads each index from a script (Material's offline
    # plugin wrote search/search_index.js from the combined index, before this).
    if (Path(site_dir) / "search" / "search_index.js").is_file():
        for folder in [Path(site_dir)] + [Path(site_dir) / lang for lang in others]:
            index_file = folder / "search" / "search_index.json"
            if index_file.is_file():
                (folder / "search" / "search_index.js").write_text(
                    "var __index = " + index_file.read_text(encoding="utf-8"), encoding="utf-8")


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
    workers = sorted(Path(site_dir).glob(SEARCH_WORKER))
    if not workers:
        raise SearchWorkerChanged(f"{site_dir}: no {SEARCH_WORKER}: update SEARCH_WORKER in harness/hooks/search.py")
    for worker in workers:
        code = worker.read_text(encoding="utf-8")
        for name, (original, patched) in SEARCH_PATCHES.items():
            if code.count(patched) == 1:
                continue
            if code.count(original) != 1:
                raise SearchWorkerChanged(
                    f"{worker}: Material's search worker no longer has the line this hook rewrites "
                    f"({original}); find the new one and update SEARCH_PATCHES[{name!r}] in "
                    "harness/hooks/search.py, or English searches for whole words will go wrong again."
                )
            code = code.replace(original, patched)
        worker.write_text(code, encoding="utf-8")


@event_priority(-200)  # after mkdocs-static-i18n has written the combined index
def on_post_build(config):
    default, all_languages = languages(config)
    if default:
        split_search_index(config.site_dir, default, all_languages)
    patch_search_worker(config.site_dir)


def on_post_page(output, page, config):
    return search_base(output, config.theme["language"], languages(config)[0])
