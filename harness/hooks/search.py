"""MkDocs hook: English whole words found by search.

Material's search appends "*" to every word typed, and lunr does not stem a word with a wildcard, while
the English index holds stemmed words: "convolution*" missed "convolut". Two lines of Material's search
worker are rewritten after the build: (1) each word is searched as typed (stemmed, and ranked first) and as
a prefix (Chinese segments already end in "*"); (2) a word counts as found, not "Missing", when it starts
with a matched index word too.
"""

from pathlib import Path

from mkdocs.exceptions import PluginError

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
