"""The built site in a real browser: its pages (known from docs/ before the build), a local server, and
Debian's Chromium driven by Playwright (which never downloads a browser of its own).
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import socket
import ssl
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from harness.pages import DEFAULT_LANGUAGE, DOCS, LANGUAGES

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# Without the background-networking flags Chromium keeps calling Google's services.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
# What a test records (record_property) to be printed after the run.
SUMMARY = "the built site"
# CJK Unified Ideographs (with extension A) and the compatibility block.
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class SitePage:
    """One page of the site in one language, as the build will write it."""
    language: str
    source: Path  # docs/<lang>/...

    @property
    def name(self) -> str:
        return self.source.relative_to(DOCS / self.language).as_posix()

    @property
    def path(self) -> str:
        """URL path from the site root: ``en/what_is_keras/``."""
        prefix = "" if self.language == DEFAULT_LANGUAGE else f"{self.language}/"
        inner = self.name.rsplit(".", 1)[0]
        inner = "" if inner == "index" else inner.removesuffix("/index") + "/"
        return prefix + inner

    @property
    def built(self) -> str:
        """The HTML file inside the built site."""
        return self.path + "index.html"

    @property
    def twin(self) -> dict[str, "SitePage"]:
        return {lang: SitePage(lang, DOCS / lang / self.name) for lang in LANGUAGES}

    @property
    def id(self) -> str:
        return f"{self.name.rsplit('.', 1)[0].replace('/', '-')}-{self.language}"


def site_pages() -> list[SitePage]:
    return [
        SitePage(lang, path)
        for lang in LANGUAGES
        for path in sorted((DOCS / lang).rglob("*.md"))
    ]


def chromium(playwright):
    """Debian's Chromium, headless, launched by Playwright."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    """No traceback when a browser leaves a page mid-download (the demo's 14 MB runtime): not the site's error."""

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class SiteServer:
    """A server on 127.0.0.1, from a thread, until ``close()`` or the end of a ``with`` block: ``handler``
    answers each request, by default with the files under ``root`` (the built site); over HTTPS with
    ``certificate`` (the certificate's and the key's files)."""

    def __init__(self, root: Path | None, handler: type = QuietHandler, port: int = 0, certificate=None):
        if root is not None:
            handler = functools.partial(handler, directory=str(root))
        self.httpd = QuietServer(("127.0.0.1", port), handler)
        if certificate:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*certificate)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.origin = f"{'https' if certificate else 'http'}://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> str:
        return self.origin

    def __exit__(self, *exc):
        self.close()


@dataclass
class Tab:
    """A browser page that records what a reader must never meet: a request to another host (then stopped),
    a failed request, an HTTP error, a console error, an uncaught exception."""

    context: object
    origin: str
    problems: list[str] = field(default_factory=list)
    # Main-frame navigations begun, documents committed; a request belongs to the one committed as it started.
    navigations: int = 0
    committed: int = 0
    address: str = ""
    started_in: dict = field(default_factory=dict)

    def __post_init__(self):
        self.context.route(lambda url: not self.local(url), self._block)
        self.page = self.context.new_page()
        self.page.on("request", self._request)
        self.page.on("framenavigated", self._committed)
        self.page.on("requestfailed", self._failed)
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.problems.append(f"uncaught exception: {e}"))

    def local(self, url: str) -> bool:
        parsed = urlparse(url)
        return parsed.scheme in ("data", "blob", "about") or f"{parsed.scheme}://{parsed.netloc}" == self.origin

    def _block(self, route):
        self.problems.append(f"request to another host: {route.request.url}")
        route.abort("blockedbyclient")

    def _request(self, request):
        if request.is_navigation_request() and request.frame == self.page.main_frame:
            self.navigations += 1
        self.started_in[request] = self.committed
        if not self.local(request.url):
            self.problems.append(f"request to another host: {request.url}")

    def _committed(self, frame):
        address = frame.url.split("#")[0]
        if frame == self.page.main_frame and address != self.address:
            self.committed += 1
            self.address = address

    def _failed(self, request):
        # Leaving a page cancels what it still fetched (net::ERR_ABORTED): the reader's doing, not the site's.
        left = self.navigations > self.started_in.get(request, self.committed)
        if not (left and request.failure == "net::ERR_ABORTED"):
            self.problems.append(f"failed request: {request.url} ({request.failure})")

    def _console(self, message):
        if message.type == "error":
            where = message.location.get("url", "")
            self.problems.append(f"console error: {message.text} {where}".rstrip())

    def open(self, path: str):
        """Go to a page of the site and wait until the network is quiet (the search index loads later)."""
        self.page.goto(f"{self.origin}/{path}", wait_until="networkidle")
        return self.page

    def assert_clean(self, what: str):
        problems = sorted(set(self.problems))
        assert not problems, f"{what}:\n" + "\n".join(problems)
