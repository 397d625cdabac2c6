"""What a reader takes home (harness/downloads.py), as the built site serves it: the examples zip
(whose lessons tests/test_reader_road.py runs), the install doctor as one file, the Fashion-MNIST files,
the whole site offline (from file:// in Chromium), and a PDF in each language."""

from __future__ import annotations

import io
import re
import shutil
import sys
import zipfile
import zlib
from pathlib import Path
from urllib.parse import urljoin, urlparse
from urllib.request import urlopen

import pytest

from harness import CASES, DOCS, EXAMPLES, LANGUAGES, ROOT, TOOLS
from harness.downloads import (DOCTOR_PYZ, EXAMPLES_ZIP, FASHION_MNIST_FILES, FASHION_MNIST_LICENSE,
                                NAMES, OFFLINE_ZIP, PDF, PICTURES, SITE_URL, ZIP_DATE, chapters, doctor_pyz,
                                examples_files)
from harness.lessons import KERAS_HOME, environment, run, run_lesson
from harness.pages import example_sections, parse_page
from harness.site import SitePage
from tools import install_fashion_mnist


def test_the_site_serves_every_download(site):
    for name in NAMES:
        path = site / "downloads" / name
        if name in FASHION_MNIST_FILES:  # one is 5 kB: the guide's tool says whether it is the real file
            assert install_fashion_mnist.check(path, path.name)[0] == "ok", f"{path} is not the good file"
        elif name != FASHION_MNIST_LICENSE:
            assert path.is_file() and path.stat().st_size > 10_000, f"{path} is missing or a stand-in"
    notice = (site / "downloads" / FASHION_MNIST_LICENSE).read_text(encoding="utf-8")
    for words in ("Zalando SE", "https://github.com/zalandoresearch/fashion-mnist", "The MIT License",
                  "Permission is hereby granted", "THE SOFTWARE IS PROVIDED", "许可证"):
        assert words in notice, f"{FASHION_MNIST_LICENSE} lacks {words!r}"
    for tool in TOOLS.glob("*.py"):
        alone = site / "downloads" / tool.name
        if f"{tool.stem}.pyz" in NAMES:  # it imports modules beside it (tools/doctor/)
            assert not alone.exists(), f"{alone} is served alone, but does not run alone"
        else:
            assert alone.read_bytes() == tool.read_bytes()
    assert (site / "downloads" / DOCTOR_PYZ).read_bytes() == doctor_pyz()


def test_the_examples_zip_holds_the_lessons_and_no_data(site, examples_folder):
    with zipfile.ZipFile(site / "downloads" / EXAMPLES_ZIP) as archive:
        names = archive.namelist()
        served = {name.split("/", 1)[1]: archive.read(name) for name in names}
    assert served == examples_files(), "the zip the site serves is not the one the tests run the lessons from"
    assert {f"examples/{p.name}" for p in EXAMPLES.glob("*.py")} <= set(served)
    assert {f"tools/{p.relative_to(TOOLS).as_posix()}" for p in TOOLS.rglob("*.py")} <= set(served)
    assert not [n for n in names if n.endswith((".gz", ".npz", ".keras", ".h5"))], "datasets or models in the zip"
    assert (site / "downloads" / EXAMPLES_ZIP).stat().st_size < 2_000_000
    readme = served["README.md"].decode("utf-8")
    for path in EXAMPLES.glob("*.py"):
        assert f"examples/{path.name}" in readme
    assert "pip install -r requirements.txt" in readme and "安装" in readme and "Install" in readme
    unpacked = examples_folder / "examples" / "what_is_keras.py"  # tests/conftest.py: what the lessons run from
    assert unpacked.read_bytes() == (EXAMPLES / "what_is_keras.py").read_bytes()


def test_the_requirements_in_the_zip_parse(examples_folder):
    from pip._internal.network.session import PipSession
    from pip._internal.req.req_file import parse_requirements

    names = [r.requirement.split("==")[0] for r in
             parse_requirements(str(examples_folder / "requirements.txt"), session=PipSession())]
    assert {"keras", "tensorflow"} <= set(names)


def test_the_install_doctor_runs_from_its_one_file(site, tmp_path):
    """check_install.pyz as served, alone in a folder, run as the page says from an empty folder."""
    alone, empty = tmp_path / "alone", tmp_path / "empty"
    alone.mkdir()
    empty.mkdir()
    shutil.copyfile(site / "downloads" / DOCTOR_PYZ, alone / DOCTOR_PYZ)
    result = run([sys.executable, alone / DOCTOR_PYZ, "--lang", "en"], cwd=empty,
                 env=environment(KERAS_HOME=str(KERAS_HOME)))
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert result.stdout.startswith("Keras install check\n"), result.stdout + result.stderr
    assert f"[ok]   Python {'.'.join(map(str, sys.version_info[:3]))}, 64-bit" in result.stdout, result.stdout
    assert result.returncode == 0, result.stdout + result.stderr
    assert [p.name for p in alone.iterdir()] == [DOCTOR_PYZ] and not list(empty.iterdir()), "it wrote files"


def test_the_install_doctor_file_is_the_same_each_build():
    """Entries sorted and dated ZIP_DATE: the same sources give the same bytes."""
    first = doctor_pyz()
    assert doctor_pyz() == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        infos = archive.infolist()
        assert b"check_install.main()" in archive.read("__main__.py")
    doctor = sorted(f"doctor/{p.name}" for p in (TOOLS / "doctor").glob("*.py"))
    assert [i.filename for i in infos] == ["__main__.py", "check_install.py", *doctor]
    assert {i.date_time for i in infos} == {ZIP_DATE}


def data_links(server, language) -> list[str]:
    """The addresses the served image page links in its data section."""
    from bs4 import BeautifulSoup

    address = f"{server.origin}/{SitePage(language, DOCS / language / 'image_classification.md').path}"
    soup = BeautifulSoup(urlopen(address, timeout=30).read().decode("utf-8"), "html.parser")
    heading = soup.find(id="the-data")
    links = []
    for tag in heading.find_all_next(["a", "h2"]):
        if tag.name == "h2":
            break
        if tag.get("href") and "headerlink" not in tag.get("class", []):
            links.append(urljoin(address, tag["href"]))
    return links


def test_a_reader_gets_fashion_mnist_from_the_site_and_runs_the_lesson(server, tmp_path):
    """The image page's own links, followed: the tool puts the four files into an empty Keras home,
    where the lesson then runs with no network."""
    links = {language: [url for url in data_links(server, language) if "/downloads/" in url] for language in LANGUAGES}
    assert links["zh"] == links["en"], "the two languages link different files"
    wanted = [f"{server.origin}/downloads/{name}" for name in FASHION_MNIST_FILES]
    assert sorted(link for link in links["zh"] if link.endswith(".gz")) == sorted(wanted), links["zh"]
    assert links["zh"].index(wanted[-1]) < links["zh"].index(f"{server.origin}/downloads/install_fashion_mnist.py")
    assert f"{server.origin}/downloads/{FASHION_MNIST_LICENSE}" in links["zh"]
    downloads = tmp_path / "Downloads"  # what a browser saves, under the last part of each address
    downloads.mkdir()
    for url in [*wanted, f"{server.origin}/downloads/install_fashion_mnist.py"]:
        with urlopen(url, timeout=60) as answer:
            (downloads / urlparse(url).path.rsplit("/", 1)[-1]).write_bytes(answer.read())
    home = tmp_path / "keras-home"
    result = run([sys.executable, downloads / "install_fashion_mnist.py", downloads], timeout=120,
                 env=environment(KERAS_HOME=str(home), LC_ALL="zh_CN.UTF-8", LANG="zh_CN.UTF-8"))
    assert result.returncode == 0 and "完成：四个文件都已就绪" in result.stdout, result.stdout + result.stderr
    installed = home / "datasets" / "fashion-mnist"
    assert sorted(p.name for p in installed.iterdir()) == sorted(install_fashion_mnist.FILES)
    lesson = tmp_path / "lesson"
    lesson.mkdir()
    run_lesson(EXAMPLES / "image_classification.py", "tensorflow", lesson, KERAS_HOME=str(home))
    assert sorted(p.name for p in installed.iterdir()) == sorted(install_fashion_mnist.FILES), "Keras changed the cache"


@pytest.fixture(scope="module")
def offline(site, tmp_path_factory):
    folder = tmp_path_factory.mktemp("offline")
    with zipfile.ZipFile(site / "downloads" / OFFLINE_ZIP) as archive:
        archive.extractall(folder)
    (root,) = folder.iterdir()
    return root


@pytest.mark.parametrize("language, query, stem", [("zh", "镜像", "installation"), ("en", "mirror", "installation")])
def test_the_offline_copy_works_from_disk(offline, browser, language, query, stem):
    """From file://: a link leads to a chapter, the language switch to its twin, search finds the
    page; nothing is fetched from a host."""
    context = browser.new_context()
    requested = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    other = "en" if language == "zh" else "zh"
    start = offline / ("index.html" if language == "zh" else "en/index.html")
    page.goto(start.as_uri(), wait_until="load")
    assert page.evaluate("document.documentElement.lang") == language
    page.click(f"a[href$='{stem}.html']")
    page.wait_for_load_state("load")
    assert urlparse(page.url).path.endswith(f"{stem}.html"), page.url
    page.hover(".md-header__option .md-select")
    with page.expect_navigation():
        page.click(f".md-header__option .md-select__link[hreflang='{other}']")
    assert page.evaluate("document.documentElement.lang") == other
    assert urlparse(page.url).path.endswith(f"{stem}.html"), page.url
    page.goto(start.as_uri(), wait_until="load")
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    page.keyboard.press("End")
    first = page.locator(".md-search-result__list .md-search-result__link").first
    first.wait_for(timeout=20_000)
    assert urlparse(first.get_attribute("href")).path.endswith(f"{stem}.html"), first.get_attribute("href")
    hosts = [url for url in requested if not url.startswith(("file:", "data:", "blob:", "about:"))]
    assert not hosts and not errors, (hosts, errors)
    context.close()


def test_the_offline_copy_hides_the_link_to_itself(offline, site):
    html = (offline / "index.html").read_text(encoding="utf-8")
    assert "offline.css" in html and OFFLINE_ZIP in html and not (offline / "downloads" / OFFLINE_ZIP).exists()
    assert "offline.css" not in (site / "index.html").read_text(encoding="utf-8")
    assert re.search(r"\.online-only\s*\{\s*display:\s*none", (offline / "assets/stylesheets/offline.css").read_text())


def pdf_text(path: Path) -> str:
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is missing: make test installs Debian's poppler-utils")
    return run(["pdftotext", "-layout", str(path), "-"], check=True).stdout


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pdf_holds_every_chapter_and_the_code(site, language):
    path = site / "downloads" / PDF[language]
    assert path.read_bytes()[:5] == b"%PDF-"
    text = re.sub(r"\s+", " ", pdf_text(path))
    for stem in chapters(language):
        title = parse_page(DOCS / language / f"{stem}.md").headings[0].text
        assert re.sub(r"\s+", " ", title) in text, f"{PDF[language]} lacks the chapter {title!r}"
    for case in CASES:
        line = next(l.strip() for l in example_sections(EXAMPLES / f"{case}.py")["model"].splitlines() if "Dense" in l)
        assert line in text, f"{PDF[language]} lacks {line!r} from examples/{case}.py"
    fonts = run(["pdffonts", str(path)], check=True).stdout
    if language == "zh":
        assert re.search(r"WenQuanYi\S*\s+CID TrueType\s.*\byes\b", fonts), f"no Chinese font embedded:\n{fonts}"
    # A font embedded whole, when Chromium's subsetter gives up (harness/pdf.py), made the zh PDF 14 MB, not 4.
    whole = [n for n in map(int, re.findall(rb"/Length1 (\d+)", path.read_bytes())) if n > 2_000_000]
    assert not whole, f"{PDF[language]} embeds whole fonts of {whole} bytes: see PRINT_CSS in harness/pdf.py"
    # Links inside the document: the contents list and the pages' own cross-references.
    assert path.read_bytes().count(b"/Dest") + path.read_bytes().count(b"/GoTo") >= len(chapters(language))


def pdf_links(path: Path) -> tuple[list[str], list[str], set[str]]:
    """(addresses linked, places inside linked, places defined), from the link annotations and the
    /Dests dictionary, which Chromium writes uncompressed."""
    data = path.read_bytes()
    unescape = lambda raw: re.sub(rb"\\(.)", rb"\1", raw).decode("latin-1")  # noqa: E731
    uris = [unescape(m) for m in re.findall(rb"/URI\s*\(((?:[^()\\]|\\.)*)\)", data)]
    name = rb"/([^\s/\[\]<>()]+)"
    dests = [m.decode() for m in re.findall(rb"/Dest\s*" + name, data)]
    table = re.search(rb"/Dests\s+(\d+)\s+0\s+R", data)
    body = re.search(rb"\n" + table[1] + rb" 0 obj\s*<<(.*?)>>\s*endobj", data, re.S)[1] if table else b""
    return uris, dests, {m.decode() for m in re.findall(name + rb"\s*\[", body)}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_pdf_link_leads_somewhere_a_reader_can_go(site, language):
    """Inside the PDF, to a place it has; outside, to a file the site serves or to HTTPS."""
    uris, dests, defined = pdf_links(site / "downloads" / PDF[language])
    assert len(dests) >= len(chapters(language)), "the contents list links no chapters"
    assert not set(dests) - defined, f"{PDF[language]} links places it does not have: {sorted(set(dests) - defined)}"
    ours = [uri for uri in uris if uri.startswith(SITE_URL)]
    others = [uri for uri in uris if not uri.startswith(SITE_URL)]
    assert not [uri for uri in others if not uri.startswith("https://")], others
    lost = [uri for uri in ours if not (site / uri[len(SITE_URL):].split("#")[0]).exists()]
    assert not lost, f"{PDF[language]} links addresses the site does not serve: {lost}"
    for name in (EXAMPLES_ZIP, DOCTOR_PYZ, *PDF.values(), *FASHION_MNIST_FILES):
        if name != PDF[language]:
            assert f"{SITE_URL}downloads/{name}" in ours, f"{PDF[language]} does not link {name} on the site"


def contents(name: str, data: bytes):
    """(where, bytes) for a download and each entry of a zip or stream of a PDF it holds."""
    yield name, data
    if name.endswith((".zip", ".pyz")):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for entry in archive.namelist():
                yield from contents(f"{name}/{entry}", archive.read(entry))
    elif name.endswith(".pdf"):
        for n, stream in enumerate(re.findall(rb"stream\r?\n(.*?)endstream", data, re.S)):
            try:
                yield f"{name} stream {n}", zlib.decompressobj().decompress(stream)
            except zlib.error:
                pass


def test_no_download_names_the_build_machine(site):
    """(Nor links a file:// address: test_every_pdf_link_leads_somewhere_a_reader_can_go.)"""
    paths = [b"kg-offline-", str(ROOT).encode(), str(site).encode(), str(site.resolve()).encode()]
    found = [f"{where}: {path.decode()}"
             for file in sorted((site / "downloads").rglob("*")) if file.is_file()
             for where, data in contents(file.relative_to(site).as_posix(), file.read_bytes())
             for path in paths if path in data]
    assert not found, "downloads that name the build machine:\n" + "\n".join(found[:20])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pdf_says_nothing_that_only_makes_sense_on_screen(site, language):
    """What the pages mark .screen-only is not in the PDF; what they mark .print-only is."""
    from bs4 import BeautifulSoup

    text = re.sub(r"\s+", "", pdf_text(site / "downloads" / PDF[language]))
    marked = {"screen-only": [], "print-only": []}
    for stem in chapters(language):
        page = SitePage(language, DOCS / language / f"{stem}.md")
        soup = BeautifulSoup((site / page.built).read_text(encoding="utf-8"), "html.parser")
        for kind, found in marked.items():
            found += [re.sub(r"\s+", "", tag.get_text()) for tag in soup.select(f"article .{kind}")]
    assert marked["screen-only"] and marked["print-only"], marked
    assert not [t for t in marked["screen-only"] if t in text], marked["screen-only"]
    assert all(t in text for t in marked["print-only"]), [t for t in marked["print-only"] if t not in text]
    for sentence in ("右上角可以切换", "language switch at the top right", "把鼠标停在带虚线的词上就能看到解释；", "menu on the left"):
        assert sentence.replace(" ", "") not in text


def test_a_long_code_line_wraps_under_its_own_indentation():
    """Each code line becomes a block whose wrapped part starts 4 characters further in (PRINT_CSS)."""
    from bs4 import BeautifulSoup

    from harness.pdf import PRINT_CSS, hang_lines

    soup = BeautifulSoup('<pre><code><span class="k">def</span> f():\n    <span class="s">"""two\nlines"""</span>\n\n'
                         "        return 1\n</code></pre>", "html.parser")
    code = soup.find("code")
    hang_lines(soup, code)
    lines = code.find_all("span", class_="print-line", recursive=False)
    assert [line.get_text() for line in lines] == ["def f():", '    """two', 'lines"""', " ", "        return 1"]
    assert [line["style"] for line in lines] == [f"--indent: {n}" for n in (0, 4, 0, 0, 8)]
    assert lines[1].find("span", class_="s").get_text() == '"""two', "the highlighting is lost"
    assert re.search(r"\.print-line \{[^}]*padding-left: calc\(var\(--indent\) \* 1ch \+ 4ch\);"
                     r" text-indent: calc\(var\(--indent\) \* -1ch - 4ch\)", PRINT_CSS)


# The home page offers every download but these, each on the page that needs it.
OFFERED_ON = {DOCTOR_PYZ: "verify_install.md", **dict.fromkeys(PICTURES, "own_picture.md"),
              **dict.fromkeys([*FASHION_MNIST_FILES, FASHION_MNIST_LICENSE], "image_classification.md")}


def test_download_links_are_on_the_pages_in_both_languages():
    for language in LANGUAGES:
        for name in NAMES:
            page = OFFERED_ON.get(name, "index.md")
            text = (DOCS / language / page).read_text(encoding="utf-8")
            assert f"(downloads/{name})" in text, f"docs/{language}/{page} does not link {name}"
        for page in sorted((DOCS / language).rglob("*.md")):
            stale = re.search(r"downloads/check_install\.py(?!z)", page.read_text(encoding="utf-8"))
            assert not stale, f"{page.relative_to(DOCS.parent)} links check_install.py alone, which does not run alone"
