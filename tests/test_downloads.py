"""What a reader takes home (harness/downloads.py): the examples zip, the whole
site offline, and a PDF in each language, as the built site serves them.

The examples are run from the unpacked zip by tests/test_examples.py (every
lesson and tool, every backend); here: the zip the site serves is that same
zip, the offline copy works from file:// in Chromium, and each PDF holds
every chapter, code from each case, a Chinese font and working links.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from urllib.parse import urlparse

import pytest

from harness import DOCS, EXAMPLES, LANGUAGES, TOOLS
from harness.downloads import EXAMPLES_ZIP, NAMES, OFFLINE_ZIP, PDF, chapters, examples_files
from harness.pages import example_sections, parse_page

CASES = ("linear_regression", "classification", "image_classification")


def test_the_site_serves_every_download(site):
    for name in NAMES:
        path = site / "downloads" / name
        assert path.is_file() and path.stat().st_size > 10_000, f"{path} is missing or a stand-in"
    for tool in TOOLS.glob("*.py"):
        assert (site / "downloads" / tool.name).read_bytes() == tool.read_bytes()


def test_the_examples_zip_holds_the_lessons_and_no_data(site, examples_folder):
    with zipfile.ZipFile(site / "downloads" / EXAMPLES_ZIP) as archive:
        names = archive.namelist()
        served = {name.split("/", 1)[1]: archive.read(name) for name in names}
    assert served == examples_files(), "the zip the site serves is not the one the tests run the lessons from"
    assert {f"examples/{p.name}" for p in EXAMPLES.glob("*.py")} <= set(served)
    assert {f"tools/{p.name}" for p in TOOLS.glob("*.py")} <= set(served)
    assert not [n for n in names if n.endswith((".gz", ".npz", ".keras", ".h5"))], "datasets or models in the zip"
    assert (site / "downloads" / EXAMPLES_ZIP).stat().st_size < 2_000_000
    readme = served["README.md"].decode("utf-8")
    for path in EXAMPLES.glob("*.py"):
        assert f"examples/{path.name}" in readme
    assert "pip install -r requirements.txt" in readme and "安装" in readme and "Install" in readme
    assert (examples_folder / "examples" / "what_is_keras.py").read_bytes() == (EXAMPLES / "what_is_keras.py").read_bytes()


def test_the_requirements_in_the_zip_parse(examples_folder):
    from pip._internal.network.session import PipSession
    from pip._internal.req.req_file import parse_requirements

    names = [r.requirement.split("==")[0] for r in
             parse_requirements(str(examples_folder / "requirements.txt"), session=PipSession())]
    assert {"keras", "tensorflow"} <= set(names)


# --- the offline copy -----------------------------------------------------------


@pytest.fixture(scope="module")
def offline(site, tmp_path_factory):
    folder = tmp_path_factory.mktemp("offline")
    with zipfile.ZipFile(site / "downloads" / OFFLINE_ZIP) as archive:
        archive.extractall(folder)
    (root,) = folder.iterdir()
    return root


@pytest.mark.parametrize("language, query, stem", [("zh", "镜像", "installation"), ("en", "mirror", "installation")])
def test_the_offline_copy_works_from_disk(offline, browser, language, query, stem):
    """Opened from file://: a link leads to a chapter, the language switch to
    its twin, and search finds the right page; nothing is fetched from a host."""
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
    assert "vendor/iframe-worker-shim.js" in html and "unpkg.com" not in html


# --- the PDFs --------------------------------------------------------------------


def pdf_text(path: Path) -> str:
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is missing: make test installs Debian's poppler-utils")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


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
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    if language == "zh":
        assert re.search(r"WenQuanYi\S*\s+CID TrueType\s.*\byes\b", fonts), f"no embedded Chinese font in {PDF[language]}:\n{fonts}"
    # Links inside the document: the contents list and the pages' own cross-references.
    assert path.read_bytes().count(b"/Dest") + path.read_bytes().count(b"/GoTo") >= len(chapters(language))


def test_download_links_are_on_the_home_page_in_both_languages():
    for language in LANGUAGES:
        text = (DOCS / language / "index.md").read_text(encoding="utf-8")
        for name in NAMES:
            assert f"../downloads/{name}" in text, f"docs/{language}/index.md does not link {name}"
