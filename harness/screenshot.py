"""The README's picture of the site (readme/screenshot.png): a Chinese page on a desktop screen, its
English twin on a phone beside it.

    .venv/bin/python -m harness.screenshot [page] [--anchor ID]
"""

from __future__ import annotations

import argparse
import io
import tempfile
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

from harness import ROOT
from harness.downloads import mkdocs_build
from harness.site import SiteServer, chromium

OUTPUT = ROOT / "readme" / "screenshot.png"
DESKTOP = {"width": 1240, "height": 720}
PHONE = {"width": 375, "height": 720}
GAP = 24


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("page", nargs="?", default="what_is_keras/", help="URL path of the Chinese page")
    parser.add_argument("--anchor", default="a-first-model", help="section to show ('' for the top)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        mkdocs_build(Path(tmp))
        server = SiteServer(Path(tmp))
        origin = server.origin + "/"
        suffix = f"#{args.anchor}" if args.anchor else ""
        shots = []
        with sync_playwright() as playwright:
            browser = chromium(playwright)
            for path, viewport in ((args.page, DESKTOP), ("en/" + args.page, PHONE)):
                page = browser.new_page(viewport=viewport)
                page.goto(origin + path + suffix, wait_until="networkidle")
                shots.append(Image.open(io.BytesIO(page.screenshot())))
                page.close()
            browser.close()
        server.close()
    width = sum(shot.width for shot in shots) + GAP
    picture = Image.new("RGB", (width, max(shot.height for shot in shots)), "#d0d0d0")
    picture.paste(shots[0], (0, 0))
    picture.paste(shots[1], (shots[0].width + GAP, 0))
    OUTPUT.parent.mkdir(exist_ok=True)
    picture.save(OUTPUT, optimize=True)
    print(f"written: {OUTPUT.relative_to(ROOT)} ({OUTPUT.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
