"""What a reader takes home (harness/downloads.py): the examples zip, the install
doctor as one file, the whole site offline, and a PDF in each language, as the
built site serves them.

The examples are run from the unpacked zip by tests/test_examples.py (every
lesson and tool, every backend); here: the zip the site serves is that same
zip, the offline copy works from file:// in Chromium, and each PDF holds
every chapter, code from each case, a Chinese font and working links.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import urlparse

import pytest

from harness import CASES, DOCS, EXAMPLES, LANGUAGES, TOOLS
from harness.downloads import (DOCTOR_PYZ, EXAMPLES_ZIP, NAMES, OFFLINE_ZIP, PDF, ZIP_DATE, chapters, doctor_pyz,
                                examples_files)
from harness.lessons import KERAS_HOME
from harness.pages import example_sections, parse_page
from install_pages import clean_env


def test_the_site_serves_every_download(site):
    for name in NAMES:
        path = site / "downloads" / name
        assert path.is_file() and path.stat().st_size > 10_000, f"{path} is missing or a stand-in"
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
    assert (examples_folder / "examples" / "what_is_keras.py").read_bytes() == (EXAMPLES / "what_is_keras.py").read_bytes()


def test_the_requirements_in_the_zip_parse(examples_folder):
    from pip._internal.network.session import PipSession
    from pip._internal.req.req_file import parse_requirements

    names = [r.requirement.split("==")[0] for r in
             parse_requirements(str(examples_folder / "requirements.txt"), session=PipSession())]
    assert {"keras", "tensorflow"} <= set(names)


# --- the install doctor as one file ---------------------------------------------


def test_the_install_doctor_runs_from_its_one_file(site, tmp_path):
    """check_install.pyz as the site serves it, alone in a folder, run as the
    page says (`python check_install.pyz`) from another, empty folder."""
    alone, empty = tmp_path / "alone", tmp_path / "empty"
    alone.mkdir()
    empty.mkdir()
    shutil.copyfile(site / "downloads" / DOCTOR_PYZ, alone / DOCTOR_PYZ)
    result = subprocess.run([sys.executable, str(alone / DOCTOR_PYZ), "--lang", "en"], cwd=empty,
                            env=clean_env(KERAS_HOME=str(KERAS_HOME)), capture_output=True, text=True, timeout=300)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert result.stdout.startswith("Keras install check\n"), result.stdout + result.stderr
    assert f"[ok]   Python {'.'.join(map(str, sys.version_info[:3]))}, 64-bit" in result.stdout, result.stdout
    assert result.returncode == 0, result.stdout + result.stderr
    assert [p.name for p in alone.iterdir()] == [DOCTOR_PYZ] and not list(empty.iterdir()), "it wrote files"


def test_the_install_doctor_file_is_the_same_each_build():
    """A zip application of check_install.py and tools/doctor/, entries sorted
    and dated ZIP_DATE: the same sources give the same bytes."""
    first = doctor_pyz()
    assert doctor_pyz() == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        infos = archive.infolist()
        assert b"check_install.main()" in archive.read("__main__.py")
    doctor = sorted(f"doctor/{p.name}" for p in (TOOLS / "doctor").glob("*.py"))
    assert [i.filename for i in infos] == ["__main__.py", "check_install.py", *doctor]
    assert {i.date_time for i in infos} == {ZIP_DATE}


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


# The home page offers every download but the install doctor's one file, which
# the page that explains the doctor offers.
OFFERED_ON = {DOCTOR_PYZ: "verify_install.md"}


def test_download_links_are_on_the_pages_in_both_languages():
    for language in LANGUAGES:
        for name in NAMES:
            page = OFFERED_ON.get(name, "index.md")
            text = (DOCS / language / page).read_text(encoding="utf-8")
            assert f"(downloads/{name})" in text, f"docs/{language}/{page} does not link {name}"
        for page in sorted((DOCS / language).rglob("*.md")):
            stale = re.search(r"downloads/check_install\.py(?!z)", page.read_text(encoding="utf-8"))
            assert not stale, f"{page.relative_to(DOCS.parent)} links check_install.py alone, which does not run alone"
