"""Fixtures the site's test modules share: the built site, a server, a browser."""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from harness import ROOT

from harness.lessons import made_once, run
from harness.site import CHROMIUM, CHROMIUM_ARGS, DESKTOP, SUMMARY, SiteServer, Tab


# The site and its downloads take about a minute to build. A whole run starts
# the build at once, in the background, so that the lessons run meanwhile;
# the `site` fixture waits for it. (A narrowed run, -k or some files, builds
# it only when a test asks for it.)
BUILD = "KG_SITE_BUILD"


def pytest_configure(config):
    if hasattr(config, "workerinput") or os.environ.get(BUILD):
        return  # a pytest-xdist worker, or the build is already under way
    if config.option.keyword or config.option.markexpr or config.args != config.getini("testpaths"):
        return
    folder = Path(tempfile.mkdtemp(prefix="kg-site-"))
    command = f'"{sys.executable}" -m harness.downloads --out "{folder}/site" > "{folder}/log" 2>&1; echo $? > "{folder}/status"'
    config.site_build = subprocess.Popen(["sh", "-c", command], cwd=ROOT)
    os.environ[BUILD] = str(folder)


def pytest_xdist_auto_num_workers(config):
    """-n auto (pytest.ini): three workers for two cores. A third of the time
    a worker only waits (on a browser, a page's network going quiet, a
    lesson's process starting), and a third worker fills that time. (Four
    workers on two cores were slower: 7 min 33 s of tests against 6 min 58 s.)"""
    return max(1, (os.cpu_count() or 1) * 3 // 2)


def pytest_collection_modifyitems(config, items):
    """Tests of the built site after the others, in each worker's share:
    pytest-xdist (--dist worksteal) first gives each worker one slice of the
    list, in order, so each starts with tests that need no site while the
    site builds, instead of waiting for it."""
    workers = int(getattr(config, "workerinput", {}).get("workercount", 1))
    needs_site = [item for item in items if "site" in getattr(item, "fixturenames", ())]
    others = [item for item in items if "site" not in getattr(item, "fixturenames", ())]
    items[:] = [item for n in range(workers)
                for item in others[n * len(others) // workers:(n + 1) * len(others) // workers]
                + needs_site[n * len(needs_site) // workers:(n + 1) * len(needs_site) // workers]]


def pytest_unconfigure(config):
    build = getattr(config, "site_build", None)
    if build is not None and build.poll() is None:
        build.kill()


@pytest.fixture(scope="session")
def shared(tmp_path_factory, worker_id) -> Path:
    """A folder every pytest-xdist worker of this run sees."""
    return tmp_path_factory.getbasetemp() if worker_id == "master" else tmp_path_factory.getbasetemp().parent


@pytest.fixture(scope="session")
def lesson_cache(shared) -> Path:
    """Where the lessons that others run after (harness.lessons.prepare_folder) run once per
    backend and Python, for every test of this run."""
    return shared / "earlier-lessons"


@pytest.fixture(scope="session")
def site(shared):
    """The site as `python -m harness.downloads` builds it (``properdocs build
    --strict`` for each language, then the downloads), once per test run: started by
    pytest_configure, or built here by the first worker to need it."""
    if os.environ.get(BUILD):
        folder = Path(os.environ[BUILD])
        while not (folder / "status").is_file():
            time.sleep(1)
        status = (folder / "status").read_text().strip()
        assert status == "0", f"python -m harness.downloads failed ({status}):\n" + (folder / "log").read_text()[-5000:]
        return folder / "site"

    def build(out: Path) -> None:
        # In its own process: the PDFs are printed with Playwright, which
        # cannot start twice in one thread (the browser fixture may be up).
        result = run([sys.executable, "-m", "harness.downloads", "--out", str(out)], cwd=ROOT, timeout=900)
        assert result.returncode == 0, f"python -m harness.downloads failed:\n{(result.stdout + result.stderr)[-5000:]}"

    return made_once(shared / "site", build)


@pytest.fixture(scope="session")
def examples_folder(tmp_path_factory):
    """The examples zip (harness.downloads), unpacked into an empty folder, as a
    reader gets it; tests/test_downloads.py checks the site serves this zip."""
    import zipfile

    from harness.downloads import examples_files, write_zip

    tmp = tmp_path_factory.mktemp("examples-zip")
    write_zip(tmp / "examples.zip", examples_files(), "keras-getting-started-examples")
    with zipfile.ZipFile(tmp / "examples.zip") as archive:
        archive.extractall(tmp / "unpacked")
    return tmp / "unpacked" / "keras-getting-started-examples"


@pytest.fixture(scope="session")
def server(site):
    """The built site at http://127.0.0.1:<free port>/."""
    served = SiteServer(site)
    yield served
    served.close()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium, Debian's, for the whole run."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def open_tab(browser, server):
    """``open_tab(viewport=..., **context options)`` gives a fresh Tab; every
    tab opened in a test must end clean: no request to another host, no failed
    request, no console error."""
    tabs = []

    def open_(viewport=None, **options):
        context = browser.new_context(viewport=viewport or DESKTOP, **options)
        context.set_default_timeout(15_000)
        tab = Tab(context, server.origin)
        tabs.append(tab)
        return tab

    yield open_
    problems = [problem for tab in tabs for problem in tab.problems]
    for tab in tabs:
        tab.context.close()
    assert not problems, "the browser met:\n" + "\n".join(sorted(set(problems)))


def pytest_terminal_summary(terminalreporter, config):
    """What tests recorded for the reader of the run (record_property(SUMMARY, lines));
    the reports carry it back from pytest-xdist's workers."""
    lines = [line for reports in terminalreporter.stats.values() for report in reports
             if getattr(report, "when", None) == "call"
             for name, value in getattr(report, "user_properties", ()) if name == SUMMARY for line in value]
    if lines:
        terminalreporter.section("the built site")
        for line in lines:
            terminalreporter.write_line(line)
