"""Build the site and what a reader takes home from it (make site, make serve).

    python -m harness.downloads [--out DIR]   # the site in site/, with site/downloads/ filled
    python -m harness.downloads --serve 8000  # both sites, no downloads, served

Runs ``properdocs build`` (strict) for each language (mkdocs.yml at the root, mkdocs.en.yml under /en/),
once for the site and once for Material's offline copy, then writes into ``<out>/downloads/``: the examples
zip (lessons, reader tools, requirements.txt, notebooks, a README), ``check_install.pyz`` (the install
doctor as one file), the offline copy's zip, one PDF per language (harness/pdf.py), the pictures of "Your
own picture" (harness/pictures.py) and Fashion-MNIST with its licence (not in the offline copy: its links
lead to the site's address). While MkDocs builds, harness/hooks/html.py stands a short note in for each.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import os
import re
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

from harness import DOCS, EXAMPLES, LANGUAGES, ROOT, TOOLS
from harness.lessons import KERAS_HOME, run
from harness.pages import nav, parse_page
from harness.pictures import picture_files, picture_names

# A reader tool is a script, not part of the installed package: loaded from its file.
_spec = importlib.util.spec_from_file_location("install_fashion_mnist", TOOLS / "install_fashion_mnist.py")
install_fashion_mnist = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(install_fashion_mnist)

EXAMPLES_ZIP = "keras-getting-started-examples.zip"
OFFLINE_ZIP = "keras-getting-started-offline.zip"
PDF = {language: f"keras-getting-started-{language}.pdf" for language in LANGUAGES}
DOCTOR_PYZ = "check_install.pyz"
FASHION_MNIST = "fashion-mnist"
FASHION_MNIST_FILES = tuple(f"{FASHION_MNIST}/{name}" for name in install_fashion_mnist.FILES)
FASHION_MNIST_LICENSE = f"{FASHION_MNIST}/LICENSE.txt"
PICTURES = tuple(picture_names())
NAMES = (EXAMPLES_ZIP, DOCTOR_PYZ, OFFLINE_ZIP, *PDF.values(), *PICTURES, *FASHION_MNIST_FILES, FASHION_MNIST_LICENSE)
# Where the site is published (README: Maintenance): sitemap, canonical links, a PDF's links.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000/").rstrip("/") + "/"
# Every zip entry gets this date, so that the same sources give the same zip.
ZIP_DATE = (2026, 1, 1, 0, 0, 0)
# Each language is its own build; the root's goes first, since a build empties its folder.
CONFIGS = {language: "mkdocs.yml" if language == LANGUAGES[0] else f"mkdocs.{language}.yml" for language in LANGUAGES}
# A zip application (PEP 441): `python check_install.pyz` runs its __main__.py.
PYZ_MAIN = b"""import sys

import check_install

sys.exit(check_install.main())
"""
TO_FASHION_MNIST = re.compile(rf'href="(?:\.\./)*downloads/{FASHION_MNIST}/')


def chapters(language: str) -> list[str]:
    """The Markdown pages in reading order (nav), as stems: index, what_is_keras, ..."""
    return [name.removesuffix(".md") for name in nav() if name.endswith(".md")]


def readme() -> str:
    """The examples zip's README, both languages, each lesson with its chapter's title."""
    parts = []
    for language in LANGUAGES:
        lines = []
        for path in sorted(EXAMPLES.glob("*.py")):
            page = DOCS / language / f"{path.stem}.md"
            # A lesson shown on a page of another name (export_onnx: in_the_browser).
            shows = [other for other in sorted((DOCS / language).glob("*.md"))
                     if f'"examples/{path.name}:' in other.read_text(encoding="utf-8")]
            page = page if page.is_file() or not shows else shows[0]
            chapter = parse_page(page).headings[0].text if page.is_file() else None
            lines.append(f"- `examples/{path.name}`" + (f": {chapter}" if chapter else ""))
        template = Path(__file__).with_name(f"examples_readme.{language}.txt").read_text(encoding="utf-8")
        parts.append(template.format(list="\n".join(lines)))
    return "\n".join(parts)


def tools_files() -> dict[str, bytes]:
    """The reader tools by path inside tools/: the scripts and the doctor/ modules."""
    paths = sorted(TOOLS.glob("*.py")) + sorted((TOOLS / "doctor").glob("*.py"))
    return {p.relative_to(TOOLS).as_posix(): p.read_bytes() for p in paths}


def examples_files() -> dict[str, bytes]:
    """What the examples zip holds, by path inside it."""
    files = {f"examples/{p.name}": p.read_bytes() for p in sorted(EXAMPLES.glob("*.py"))}
    files |= {f"tools/{name}": data for name, data in tools_files().items()}
    files["requirements.txt"] = (ROOT / "requirements.txt").read_bytes()
    files |= picture_files()
    for language in LANGUAGES:
        files |= {f"notebooks/{language}/{p.name}": p.read_bytes()
                  for p in sorted((DOCS / language / "notebooks").glob("*.ipynb"))}
    files["README.md"] = readme().encode("utf-8")
    return files


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """A zip of ``files``; the same files give the same bytes (sorted, each dated ZIP_DATE)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in sorted(files.items()):
            archive.writestr(zipfile.ZipInfo(name, ZIP_DATE), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def write_zip(path: Path, files: dict[str, bytes], folder: str) -> None:
    """A zip whose entries all sit under ``folder/``, so it unpacks into one folder."""
    path.write_bytes(zip_bytes({f"{folder}/{name}": data for name, data in files.items()}))


def doctor_pyz() -> bytes:
    """check_install.pyz: __main__.py, check_install.py and doctor/*.py at its root."""
    files = {name: data for name, data in tools_files().items()
             if name == "check_install.py" or name.startswith("doctor/")}
    return zip_bytes({"__main__.py": PYZ_MAIN, **files})


def write_fashion_mnist(downloads: Path, cache: Path = KERAS_HOME / "datasets" / "fashion-mnist") -> None:
    """The four files from the Keras cache, each checked first by the reader's own tool, and LICENSE.txt."""
    folder = downloads / FASHION_MNIST
    folder.mkdir(parents=True, exist_ok=True)
    for name in install_fashion_mnist.FILES:
        problem, _ = install_fashion_mnist.check(cache / name, name)
        if problem != "ok":
            raise SystemExit(f"{cache / name}: {problem}; fill the Keras cache first (make data, see README)")
        shutil.copyfile(cache / name, folder / name)
    shutil.copyfile(Path(__file__).with_name("fashion_mnist_license.txt"), downloads / FASHION_MNIST_LICENSE)


def mkdocs_build(out: Path, offline: bool = False) -> None:
    """Both languages' sites into ``out`` with the console script, as a maintainer types it (strict)."""
    env = {**os.environ, "OFFLINE": "true" if offline else "false", "SITE_URL": SITE_URL,
           "SITE_URL_EN": SITE_URL + "en/"}
    for language, config in CONFIGS.items():
        folder = out if language == LANGUAGES[0] else out / language
        result = run([Path(sys.executable).parent / "properdocs", "build", "-f", config, "--site-dir", folder],
                     cwd=ROOT, env=env, timeout=900)
        if result.returncode:
            log = result.stdout + result.stderr
            problems = [line for line in log.splitlines() if line.startswith(("WARNING", "ERROR", "Aborted"))]
            raise SystemExit(f"properdocs build -f {config}{' (offline)' if offline else ''} failed:\n"
                             + "\n".join(problems or [log[-5000:]]))


def site_address(path: str) -> str:
    """The site's address of a file of the offline copy (``en/notebooks/x.html#a``): directory URLs."""
    path, hash_, anchor = path.partition("#")
    if path.rsplit("/", 1)[-1] == "index.html":
        path = path.removesuffix("index.html")
    elif path.endswith(".html"):
        path = path.removesuffix(".html") + "/"
    return SITE_URL + path + hash_ + anchor


def without_fashion_mnist(offline_site: Path) -> None:
    """The offline copy holds no dataset: its links to it lead to the site's address."""
    shutil.rmtree(offline_site / "downloads" / FASHION_MNIST)
    for page in offline_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        if TO_FASHION_MNIST.search(html):
            page.write_text(TO_FASHION_MNIST.sub(f'href="{SITE_URL}downloads/{FASHION_MNIST}/', html), encoding="utf-8")


def build(out: Path) -> dict[str, int]:
    """The site in ``out``, with its downloads; returns each download's size in bytes."""
    from harness.pdf import print_page, print_pdf  # it imports this module

    with tempfile.TemporaryDirectory(prefix="kg-offline-") as tmp:
        offline = Path(tmp) / "keras-getting-started"
        mkdocs_build(out)
        mkdocs_build(offline, offline=True)
        downloads = out / "downloads"
        write_fashion_mnist(downloads)
        without_fashion_mnist(offline)
        write_zip(downloads / EXAMPLES_ZIP, examples_files(), "keras-getting-started-examples")
        (downloads / DOCTOR_PYZ).write_bytes(doctor_pyz())
        for language in LANGUAGES:
            page = print_page(offline, language)
            print_pdf(page, downloads / PDF[language])
            page.unlink()
        for name, data in picture_files().items():
            (downloads / name).write_bytes(data)
        for name in (EXAMPLES_ZIP, DOCTOR_PYZ, *PDF.values(), *PICTURES):
            shutil.copyfile(downloads / name, offline / "downloads" / name)
        (offline / "downloads" / OFFLINE_ZIP).unlink()  # a copy cannot hold itself
        files = {p.relative_to(offline).as_posix(): p.read_bytes() for p in sorted(offline.rglob("*")) if p.is_file()}
        write_zip(downloads / OFFLINE_ZIP, files, "keras-getting-started")
    return {name: (downloads / name).stat().st_size for name in NAMES}


def serve(out: Path, port: int) -> None:
    """Both languages built into ``out`` (no downloads: their notes stand in)
    and served at http://127.0.0.1:<port>/ until Ctrl+C (make serve)."""
    from harness.site import SiteServer

    mkdocs_build(out)
    server = SiteServer(out, port=port)
    print(f"Serving {out} at {server.origin}/ (English: {server.origin}/en/). Ctrl+C stops.")
    try:
        server.thread.join()
    except KeyboardInterrupt:
        server.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "site", help="where to build the site (default: site/)")
    parser.add_argument("--serve", metavar="PORT", type=int,
                        help="build the two sites only, and serve them on 127.0.0.1:PORT")
    args = parser.parse_args(argv)
    if args.out.exists():
        shutil.rmtree(args.out)
    if args.serve:
        serve(args.out, args.serve)
        return 0
    for name, size in build(args.out).items():
        print(f"{args.out / 'downloads' / name}: {size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
