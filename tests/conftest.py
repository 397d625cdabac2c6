"""Fixtures the site's test modules share: the built site, a server, a browser."""

import os
import subprocess
import sys

import pytest

from browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP, SUMMARY, SiteServer, Tab
from docblocks import ROOT


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """``mkdocs build --strict`` once per test run; fails on any warning."""
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{log[-5000:]}"
    warnings = [line for line in log.splitlines() if line.startswith(("WARNING", "ERROR"))]
    assert not warnings, "mkdocs build printed:\n" + "\n".join(warnings)
    return out


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
