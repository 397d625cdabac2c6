"""MkDocs hook (mkdocs.base.yml): English whole words found by search.

Self-contained: MkDocs loads it by path.
"""

from pathlib import Path

from mkdocs.exceptions import PluginError


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
# Building each language on its own does not change this: it is how Material's
# worker treats any stemmed index (the English one; lunr stems the English
# words of the Chinese pages too).
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


def on_post_build(config):
    patch_search_worker(config.site_dir)
