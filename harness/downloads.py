"""Build the site and what a reader takes home from it.

    python -m harness.downloads              # the site in site/, with site/downloads/ filled
    python -m harness.downloads --out DIR
    python -m harness.downloads --serve 8000 # both sites, no downloads, served (make serve)

Runs ``properdocs build`` (MkDocs 1.x, maintained; strict, as mkdocs.base.yml says) for each language
(mkdocs.yml at the root, mkdocs.en.yml under /en/), twice (the site, and the same site built for
reading from disk by Material's offline plugin), then writes into
``<out>/downloads/``:

- ``keras-getting-started-examples.zip``: the lessons (``examples/``), the reader
  tools (``tools/``), ``requirements.txt``, the notebooks (``notebooks/zh``,
  ``notebooks/en``) and a README in both languages; no datasets;
- ``check_install.pyz``: the install doctor (``tools/check_install.py`` and the
  ``tools/doctor/`` modules it imports) as one file Python runs directly
  (``python check_install.pyz``), for a reader who wants only that;
- ``keras-getting-started-offline.zip``: the whole site, both languages, search
  included, to open from disk (``index.html``);
- ``keras-getting-started-zh.pdf`` and ``keras-getting-started-en.pdf``: every
  chapter in reading order, figures and code included, printed by Debian's
  Chromium from one print page per language (``harness/pdf.py``); a link leads
  to its place in the PDF, or to the site's address (SITE_URL);
- ``pictures/``: the pictures of the chapter "Your own picture", drawn by
  ``harness/pictures.py`` (also in the examples zip, beside ``examples/``);
- ``fashion-mnist/``: the four Fashion-MNIST files, for readers who cannot reach
  Google's storage, from the Keras cache the tests fill (Debian's package),
  each checked by the guide's own tool first, with Zalando SE's MIT licence
  (``LICENSE.txt``). The offline copy does not carry them (30 MB of data for
  one chapter): its links to them lead to the site's address.

The pages link these files; while the site builds, harness/hooks/html.py stands a
short note in for each (what ``mkdocs serve`` shows), and this replaces them.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import importlib.util

from harness import DOCS, EXAMPLES, LANGUAGES, ROOT, TOOLS
from harness.lessons import KERAS_HOME
from harness.pages import nav, parse_page
from harness.pictures import picture_files, picture_names


def reader_tool(name: str):
    """A reader tool (tools/<name>.py), loaded from its file: the tools are
    scripts a reader runs, not part of the installed package, and this module
    is imported by the build's hooks from wherever properdocs runs."""
    spec = importlib.util.spec_from_file_location(name, TOOLS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


install_fashion_mnist = reader_tool("install_fashion_mnist")

EXAMPLES_ZIP = "keras-getting-started-examples.zip"
OFFLINE_ZIP = "keras-getting-started-offline.zip"
PDF = {language: f"keras-getting-started-{language}.pdf" for language in LANGUAGES}
DOCTOR_PYZ = "check_install.pyz"
# The four files keras.datasets.fashion_mnist reads, and their licence, in one folder.
FASHION_MNIST = "fashion-mnist"
FASHION_MNIST_FILES = tuple(f"{FASHION_MNIST}/{name}" for name in install_fashion_mnist.FILES)
FASHION_MNIST_LICENSE = f"{FASHION_MNIST}/LICENSE.txt"
PICTURES = tuple(picture_names())
NAMES = (EXAMPLES_ZIP, DOCTOR_PYZ, OFFLINE_ZIP, *PDF.values(), *PICTURES, *FASHION_MNIST_FILES, FASHION_MNIST_LICENSE)
# Where the site is published: SITE_URL, or the address `make serve` serves it
# at (README: Maintenance). The builds' site_url (sitemap.xml, canonical links)
# and what a reader opens away from the site (a PDF's links) use it.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000/").rstrip("/") + "/"
# Every file a zip holds gets this date, so that the same sources give the same zip.
ZIP_DATE = (2026, 1, 1, 0, 0, 0)


# --- the examples --------------------------------------------------------------


def chapters(language: str) -> list[str]:
    """The Markdown pages in reading order (nav), as stems: index, what_is_keras, ..."""
    return [name.removesuffix(".md") for name in nav() if name.endswith(".md")]


README = {
    "zh": """# Keras 入门指南：示例代码

这个文件夹是《Keras 入门指南》的全部示例代码。

- `examples/`：每一章的示例，一个文件一章，从上到下顺序执行；
- `tools/`：两个小工具，`check_install.py` 检查安装（它的各项检查在 `tools/doctor/` 里），`install_fashion_mnist.py` 把 Fashion-MNIST 数据放进 Keras 的缓存；
- `pictures/`：“用你自己的图片”一章用的几张图片（本指南用程序画的）；
- `notebooks/zh/`、`notebooks/en/`：每一章做成的 Notebook，有讲解、代码和一次完整运行的输出；
- `requirements.txt`：运行示例需要的软件包。

## 安装

需要 64 位的 Python 3.11、3.12 或 3.13。在这个文件夹里打开命令行：

```
python -m venv .venv
pip install -r requirements.txt
```

在 Windows 上先激活虚拟环境：`.venv\\Scripts\\activate`；在 Linux 和 macOS 上：`source .venv/bin/activate`。
下载慢的话，在 `pip install` 那一行后面加上 `-i https://pypi.tuna.tsinghua.edu.cn/simple`。
然后运行 `python tools/check_install.py`，它会告诉你还缺什么。

## 运行

在这个文件夹里运行，例如 `python examples/what_is_keras.py`。每个示例对应的章节：

{list}

Fashion-MNIST 数据不在这个压缩包里。图像分类那一章说明了怎样在不访问 Google 的情况下拿到它。
""",
    "en": """# Keras Getting Started: the example code

This folder holds all the example code of "Keras Getting Started".

- `examples/`: each chapter's example, one file per chapter, run from top to bottom;
- `tools/`: two small tools: `check_install.py` checks your install (its checks are in `tools/doctor/`), `install_fashion_mnist.py` puts the Fashion-MNIST files into Keras's cache;
- `pictures/`: the pictures of the chapter "Your own picture" (drawn by the guide's own code);
- `notebooks/zh/`, `notebooks/en/`: each chapter as a notebook: its text, its code and the outputs of one full run;
- `requirements.txt`: the packages the examples need.

## Install

You need 64-bit Python 3.11, 3.12 or 3.13. Open a terminal in this folder:

```
python -m venv .venv
pip install -r requirements.txt
```

On Windows, activate the virtual environment first with `.venv\\Scripts\\activate`; on Linux and macOS with
`source .venv/bin/activate`. Then run `python tools/check_install.py`: it tells you what is missing.

## Run

Run each example from this folder, for example `python examples/what_is_keras.py`. The chapter of each:

{list}

The Fashion-MNIST data is not in this zip. The image-classification chapter says how to get it without Google.
""",
}


def readme() -> str:
    parts = []
    for language in LANGUAGES:
        lines = []
        for path in sorted(EXAMPLES.glob("*.py")):
            page = DOCS / language / f"{path.stem}.md"
            # A lesson shown on a page of another name (export_onnx: in_the_browser).
            page = page if page.is_file() else next((p for p in sorted((DOCS / language).glob("*.md"))
                                                     if f'"examples/{path.name}:' in p.read_text(encoding="utf-8")), page)
            chapter = parse_page(page).headings[0].text if page.is_file() else None
            lines.append(f"- `examples/{path.name}`" + (f": {chapter}" if chapter else ""))
        parts.append(README[language].format(list="\n".join(lines)))
    return "\n".join(parts)


def tools_files() -> dict[str, bytes]:
    """The reader tools by path inside tools/: the scripts, and the doctor/
    modules that check_install.py imports."""
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
    """A zip of ``files`` (path inside it: content); the same files give the
    same bytes: entries sorted, each dated ZIP_DATE."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in sorted(files.items()):
            archive.writestr(zipfile.ZipInfo(name, ZIP_DATE), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def write_zip(path: Path, files: dict[str, bytes], folder: str) -> None:
    """A zip whose entries all sit under ``folder/``, so it unpacks into one folder."""
    path.write_bytes(zip_bytes({f"{folder}/{name}": data for name, data in files.items()}))


# The install doctor is check_install.py and the doctor/ modules beside it, so
# check_install.py alone does not run. For a reader who wants only the doctor,
# it comes as one file all the same: a zip application (PEP 441), which
# `python check_install.pyz` runs as it runs a script. Its entries sit at the
# root: Python puts the .pyz first on sys.path and runs its __main__.py.
PYZ_MAIN = b"""import sys

import check_install

sys.exit(check_install.main())
"""


def doctor_pyz() -> bytes:
    """check_install.pyz: __main__.py, check_install.py and doctor/*.py."""
    files = {name: data for name, data in tools_files().items()
             if name == "check_install.py" or name.startswith("doctor/")}
    return zip_bytes({"__main__.py": PYZ_MAIN, **files})


# --- Fashion-MNIST ---------------------------------------------------------------

# What downloads/fashion-mnist/LICENSE.txt says: a notice naming Zalando SE and
# the source, then the licence as zalandoresearch/fashion-mnist's LICENSE has it.
FASHION_MNIST_NOTICE = Path(__file__).with_name("fashion_mnist_license.txt")


def write_fashion_mnist(downloads: Path, cache: Path = KERAS_HOME / "datasets" / "fashion-mnist") -> None:
    """The four files from the Keras cache, each first checked by the tool the
    guide gives readers (so the site never serves a file it would refuse),
    and LICENSE.txt, into ``downloads/fashion-mnist/``."""
    folder = downloads / FASHION_MNIST
    folder.mkdir(parents=True, exist_ok=True)
    for name in install_fashion_mnist.FILES:
        problem, _ = install_fashion_mnist.check(cache / name, name)
        if problem != "ok":
            raise SystemExit(f"{cache / name}: {problem}; fill the Keras cache first (make data, see README)")
        shutil.copyfile(cache / name, folder / name)
    shutil.copyfile(FASHION_MNIST_NOTICE, downloads / FASHION_MNIST_LICENSE)


# --- the site, online and offline ---------------------------------------------


# Each language is its own build (mkdocs.yml, mkdocs.en.yml): the default
# language at the site's root, every other under /<language>/. The root build
# goes first, since a build empties its site folder.
CONFIGS = {language: "mkdocs.yml" if language == LANGUAGES[0] else f"mkdocs.{language}.yml" for language in LANGUAGES}


def mkdocs_build(out: Path, offline: bool = False) -> None:
    """Both languages' sites into ``out`` (``properdocs build``, strict)."""
    env = {**os.environ, "OFFLINE": "true" if offline else "false", "SITE_URL": SITE_URL}
    for language, config in CONFIGS.items():
        folder = out if language == LANGUAGES[0] else out / language
        env["SITE_URL_EN"] = SITE_URL + "en/"
        # strict: true (mkdocs.base.yml): any warning fails the build.
        # The console script, as a maintainer types it (not python -m, which
        # would put the root on the path and hide an import the hooks lack).
        result = subprocess.run([str(Path(sys.executable).parent / "properdocs"), "build", "-f", config, "--site-dir", str(folder)],
                                cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
        if result.returncode:
            log = result.stdout + result.stderr
            problems = [line for line in log.splitlines() if line.startswith(("WARNING", "ERROR", "Aborted"))]
            raise SystemExit(f"properdocs build -f {config}{' (offline)' if offline else ''} failed:\n"
                             + "\n".join(problems or [log[-5000:]]))


def site_address(path: str) -> str:
    """The site's address of a file of the offline copy, by its path there
    (``en/notebooks/x.html#a``): the site's pages have directory URLs."""
    path, hash_, anchor = path.partition("#")
    if path.endswith(".html"):
        path = path.removesuffix("index.html") if path.rsplit("/", 1)[-1] == "index.html" else path.removesuffix(".html") + "/"
    return SITE_URL + path + hash_ + anchor


# --- all of it -----------------------------------------------------------------

TO_FASHION_MNIST = re.compile(rf'href="(?:\.\./)*downloads/{FASHION_MNIST}/')


def without_fashion_mnist(offline_site: Path) -> None:
    """The offline copy holds no dataset: its links to the four files (and
    their licence) lead to the site's address instead."""
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
    parser.add_argument("--serve", metavar="PORT", type=int, help="build the two sites only, and serve them on 127.0.0.1:PORT")
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
