"""What Zensical makes of this site: our checklist for the move before Material's end of life.

    make zensical                                   # installs the newest Zensical that installs, runs this
    .venv/bin/python -m benchmarks.zensical_trial PATH/TO/zensical [--without-properdocs]

Builds each language's config (mkdocs.yml, then mkdocs.en.yml into site/en/) with the given
``zensical``, in a copy of the project in a temporary folder, and prints one line per check,
"ok" or "missing", with the reason, and what ProperDocs' build (python -m harness.downloads's
``mkdocs_build``) gives for the same check. When the configs as they are do not build, it says
why and checks a copy with the two changes in ADAPTED instead. A report, not a test: it exits 0
whatever it finds, and 1 only when zensical cannot be run at all (README: Maintenance).
"""

from __future__ import annotations

import datetime
import json
import posixpath
import re
import shutil
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

from harness import DOCS, LANGUAGES, ROOT
from harness.downloads import CONFIGS, mkdocs_build
from harness.hooks.markdown import PLACEHOLDER
from harness.lessons import run
from harness.hooks.search import SEARCH_PATCHES, SEARCH_WORKER
from harness.site import CJK, site_pages

# Zensical's templates (MiniJinja) have no Python string methods (our partial's `endswith`), and
# its alternate.html iterates extra.alternate, which is `true` here: the changes a move needs.
ADAPTED = "without overrides/partials/alternate.html, extra.alternate as a list"
ALTERNATE = "  alternate:\n    - {name: 简体中文, link: /, lang: zh}\n    - {name: English, link: /en/, lang: en}\n"
# Faults that `--strict` must fail on (README: Maintenance, the strict row).
FAULTS = {
    "a link to a missing page": ("docs/zh/index.md", "\n[x](no_such_page.md)\n"),
    "a nav entry to a missing page": ("mkdocs.yml", "  - x: no_such_page.md\n"),
    "a missing snippet section": ("docs/zh/index.md", '\n```python\n--8<-- "examples/linear_regression.py:no_such"\n```\n'),
    "an unknown placeholder": ("docs/zh/index.md", "\n{{ results.no_such_stem.value }}\n"),
}
LINK = re.compile(r'\s(?:href|src)="([^"]*)"')
HREF = re.compile(r'\shref="([^"]*)"')
MENU_LINK = re.compile(r'<a [^>]*class="md-select__link"[^>]*>')


def copy_project(dest: Path) -> Path:
    """The files git tracks, symlinks kept (docs/<lang>/assets), into dest."""
    names = run(["git", "ls-files", "-z"], cwd=ROOT, check=True).stdout
    for name in filter(None, names.split("\0")):
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, dest / name, follow_symlinks=False)
    return dest


def adapt(project: Path) -> None:
    (project / "overrides/partials/alternate.html").unlink()
    for config in CONFIGS.values():
        path = project / config
        path.write_text(path.read_text(encoding="utf-8").replace("extra:\n", "extra:\n" + ALTERNATE, 1), encoding="utf-8")


def build(zensical: str, project: Path, *flags: str, languages=LANGUAGES) -> dict[str, tuple[int, float, str]]:
    """Each language, in order: (exit status, seconds, the log's last line)."""
    shutil.rmtree(project / "site", ignore_errors=True)
    results = {}
    for language in languages:
        config = CONFIGS[language]
        start = time.perf_counter()
        built = run([zensical, "build", "-f", config, *flags], cwd=project)
        last = ((built.stdout + built.stderr).strip().splitlines() or [""])[-1]
        results[language] = (built.returncode, time.perf_counter() - start, last if len(last) < 120 else "…" + last[-120:])
    return results


def read(site: Path, language: str) -> dict:
    """The language's pages that were built: {SitePage: HTML}."""
    return {page: (site / page.built).read_text(encoding="utf-8")
            for page in site_pages() if page.language == language and (site / page.built).is_file()}


def target(page: str, href: str) -> str:
    """Where a link on the page at URL path `page` leads, as a path from the site's root."""
    path = href.split("#")[0].split("?")[0]
    path = path.lstrip("/") if path.startswith("/") else posixpath.normpath(posixpath.join(page, path))
    return "" if path == "." else path.rstrip("/")


def resolves(site: Path, page: str, href: str) -> bool:
    path = target(page, href)
    return (site / path).is_file() or (site / path / "index.html").is_file()


def search_index(site: Path, language: str) -> tuple[str, list[dict]]:
    folder = site if language == LANGUAGES[0] else site / language
    for name in ("search/search_index.json", "search.json"):  # Material's, Zensical's
        if (folder / name).is_file():
            index = json.loads((folder / name).read_text(encoding="utf-8"))
            return name, index.get("docs") or index.get("items") or []
    return "", []


def checks(site: Path, language: str) -> dict[str, tuple[bool, str]]:
    pages, total = read(site, language), sum(page.language == language for page in site_pages())
    other = next(lang for lang in LANGUAGES if lang != language)
    html = "\n".join(pages.values())
    found = {"pages built": (len(pages) == total, f"{len(pages)} of {total}")}
    lang = sum(f'<html lang="{language}"' in text for text in pages.values())
    found["<html lang>"] = (lang == len(pages) > 0, f'lang="{language}" on {lang} of {len(pages)}')
    links = [(page.path, href) for page, text in pages.items() for href in LINK.findall(text)
             if href and not re.match(r"#|[a-z]+:", href)]
    md = [href for _, href in links if re.search(r"\.md(#|$)", href)]
    broken = [href for path, href in links if not resolves(site, path, href)]
    found["internal links and sources"] = (not broken, f"{len(links)}, {len(broken)} broken, {len(md)} to .md"
                                           + (f" (e.g. {', '.join(sorted(set(broken))[::8][:3])})" if broken else ""))
    # docs/<lang>/assets is a symlink to docs/assets: the stylesheet, the scripts, the figures.
    assets = (site / ("" if language == LANGUAGES[0] else language) / "assets/stylesheets/extra.css").is_file()
    found["docs/<lang>/assets (a symlink) copied"] = (assets, "extra.css " + ("there" if assets else "absent"))
    twins = 0
    for page, text in pages.items():
        for tag in MENU_LINK.findall(text):
            href, hreflang = HREF.search(tag), re.search(r'hreflang="([^"]+)"', tag)
            if href and hreflang and hreflang[1] == other \
                    and target(page.path, href[1]) == page.twin[other].path.rstrip("/"):
                twins += 1
    menus = sum('class="md-select__link"' in text for text in pages.values())
    found["language menu"] = (twins == len(pages) > 0, f"on {menus} pages, to the twin page on {twins}")
    raw = PLACEHOLDER.findall(html)
    found["{{ placeholders }} filled"] = (not raw and bool(pages), f"{len(raw)} left raw")
    tooltips = sum("<abbr" in text for text in pages.values())
    found["glossary tooltips (hook glossary.py)"] = (tooltips > 0, f"<abbr> on {tooltips} pages")
    notebooks = sorted((DOCS / language / "notebooks").glob("*.ipynb"))
    root = site / ("" if language == LANGUAGES[0] else language)
    copied = sum((root / "notebooks" / notebook.name).is_file() for notebook in notebooks)
    found["notebooks offered for download"] = (copied == len(notebooks) > 0, f"{copied} of {len(notebooks)} copied")
    name, docs = search_index(site, language)
    chinese = sum(bool(CJK.search(doc.get("title", ""))) for doc in docs)
    own = chinese > len(docs) / 2 if language == "zh" else chinese == 0
    found["own search index"] = (bool(docs) and own, f"{name or 'none'}: {len(docs)} entries, {chinese} titles in Chinese")
    if language == "zh":
        jieba = sum("\u200b" in doc.get("text", "") for doc in docs)
        found["Chinese segmented for search"] = (jieba > 0, f"jieba's zero-width spaces in {jieba} entries")
    breaks = len(re.findall(rf"[\u3000-\u303f\uff00-\uffef]\n\s*{CJK.pattern}", html)) if language == "zh" else 0
    found["hook markdown.py"] = (not raw and not breaks, f"{len(raw)} raw placeholders, {breaks} unjoined Chinese lines")
    lazy, notes = html.count('loading="lazy"'), (site / "downloads/check_install.pyz").is_file()
    found["hook html.py"] = (lazy > 0 and notes, f"{lazy} lazy images, downloads/ notes {'written' if notes else 'absent'}")
    workers = list((site if language == LANGUAGES[0] else site / language).glob(SEARCH_WORKER))
    patched = any(SEARCH_PATCHES["query"][1] in worker.read_text(encoding="utf-8") for worker in workers)
    found["hook search.py"] = (patched, f"Material's search worker {'rewritten' if patched else 'not rewritten' if workers else 'absent'}")
    blocks, left = html.count("<pre"), html.count("--8&lt;--") + html.count("--8<--")
    found["snippets included"] = (blocks > 0 and not left, f"{blocks} code blocks, {left} --8<-- lines left")
    return found


def strict(zensical: str, adapted: bool, work: Path) -> tuple[bool, str]:
    """Whether `zensical build --strict` of the Chinese site fails on each fault, and not without one."""
    passed = []
    for n, (fault, (name, text)) in enumerate([("no fault", ("mkdocs.yml", "")), *FAULTS.items()]):
        project = copy_project(work / f"strict-{n}")
        if adapted:
            adapt(project)
        path = project / name
        content = path.read_text(encoding="utf-8")
        path.write_text(content.replace("nav:\n", "nav:\n" + text) if name.endswith(".yml") else content + text, encoding="utf-8")
        rc, _, last = build(zensical, project, "--strict", languages=["zh"])["zh"]
        if n == 0 and rc:
            return False, f"fails without a fault too: {last}"
        if n and not rc:
            passed.append(fault)
    return not passed, "exits 0 despite " + "; ".join(passed) if passed else f"fails on each of {len(FAULTS)} faults"


def main(zensical: str, properdocs: bool = True) -> int:
    # The builds run in the copy: a path relative to here must still find zensical.
    zensical = str(Path(zensical).absolute()) if "/" in zensical else shutil.which(zensical) or zensical
    try:
        zensical_version = run([zensical, "--version"], check=True).stdout.strip()
    except (OSError, AssertionError) as error:
        print(f"{zensical} does not run: {error}", file=sys.stderr)
        return 1
    print(f"Zensical trial, {datetime.date.today()}: zensical {zensical_version.split()[-1]}, "
          f"Material for MkDocs {version('mkdocs-material')} and ProperDocs {version('properdocs')} beside it")
    with tempfile.TemporaryDirectory(prefix="zensical-trial-") as tmp:
        work = Path(tmp)
        project = copy_project(work / "project")
        rows, adapted = [], False
        for label in ("configs as they are", ADAPTED):
            built = build(zensical, project)
            rows += [(rc == 0, f"build {language}, {label}", f"exit {rc} in {seconds:.1f} s" + (f": {last}" if rc else ""), "")
                     for language, (rc, seconds, last) in built.items()]
            if adapted or not any(rc for rc, _, _ in built.values()):
                break
            adapt(project)
            adapted = True
        compared = {}
        if properdocs:
            start = time.perf_counter()
            try:
                mkdocs_build(work / "properdocs")
                rows.append((True, "ProperDocs build, both languages", f"--strict, {time.perf_counter() - start:.0f} s", ""))
                compared = {language: checks(work / "properdocs", language) for language in LANGUAGES}
            except SystemExit as error:
                rows.append((False, "ProperDocs build, both languages", str(error).splitlines()[0], ""))
        for language in LANGUAGES:
            for name, (ok, reason) in checks(project / "site", language).items():
                theirs = compared.get(language, {}).get(name)
                rows.append((ok, f"{name} ({language})", reason, f"ProperDocs: {'ok' if theirs[0] else 'missing'}, {theirs[1]}" if theirs else ""))
        ok, reason = strict(zensical, adapted, work)
        rows.append((ok, "--strict (zh)", reason, ""))
    for ok, name, reason, beside in rows:
        print(f"{'ok' if ok else 'missing':8} {name}: {reason}" + (f"  [{beside}]" if beside else ""))
    return 0


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if len(arguments) not in (1, 2) or arguments[1:] not in ([], ["--without-properdocs"]):
        raise SystemExit(__doc__)
    raise SystemExit(main(arguments[0], properdocs="--without-properdocs" not in arguments))
