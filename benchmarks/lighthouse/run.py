"""Lighthouse scores of the built site, in both languages.

    make lighthouse        # npm ci here, then this script: 30 pages, 3 runs each
    python -m benchmarks.lighthouse.run --page installation --runs 1

Builds the site (``properdocs build --strict``) into a temporary folder, serves it
on 127.0.0.1 (text compressed with gzip, as static hosts serve it), and runs
the pinned Lighthouse (package.json; in Debian's Chromium,
CHROME_PATH=/usr/bin/chromium) on every page of the site (docs/<lang>/,
in Chinese and in English, or on those ``--page``
names. Lighthouse's default settings are used: a mid-range phone on a
throttled network, simulated. Each page runs three times
(``--runs``) and the run with the median performance score is kept: on a
shared machine that score moves by several points from run to run.

Writes ``results.json`` beside this file (scores 0-100 per category, each
page's transfer size, the audits short of a full score, the date, the machine
and the versions) and prints a table. A benchmark, not a test: ``make test``
does not run it. Target: 95 or more in every category; the script exits with
an error when a page misses it. Run it on an idle machine: other work slows
Chromium, and each run's CPU benchmark index (Lighthouse's own measure) shows it.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from harness import ROOT
from harness.downloads import mkdocs_build
from harness.lessons import run
from harness.machine import cpu_name
from harness.site import CHROMIUM_ARGS, QuietHandler, SiteServer, site_pages

HERE = Path(__file__).resolve().parent
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = ["--headless=new", *CHROMIUM_ARGS]
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGET = 95  # in every category, for the median run of every page
# Every page in both languages, as the browser tests walk them: (name, language,
# URL path from the site's root); the name is the test id's stem
# (image_classification).
PAGES = [(page.id.removesuffix(f"-{page.language}"), page.language, page.path) for page in site_pages()]


class StaticHost(QuietHandler):
    """Serves the site the way static hosts (GitHub Pages, Netlify, nginx with
    gzip on) do: text compressed with gzip when the browser accepts it.
    Python's plain http.server sends everything uncompressed, and Lighthouse
    would score the server rather than the site."""

    COMPRESSED = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".ipynb")

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        if "gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file() \
                or path.suffix not in self.COMPRESSED:
            return super().do_GET()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


# Milliseconds, but for layout shift (a unitless score).
METRICS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
           "cumulative-layout-shift", "speed-index")


def lighthouse_once(url: str, out: Path) -> dict:
    run([LIGHTHOUSE, url, "--quiet", "--output=json", f"--output-path={out}", f"--only-categories={','.join(CATEGORIES)}",
         f"--chrome-flags={' '.join(CHROME_FLAGS)}"], check=True, env={**os.environ, "CHROME_PATH": CHROME})
    report = json.loads(out.read_text(encoding="utf-8"))
    audits = report["audits"]
    failing = {
        category: [
            ref["id"] for ref in report["categories"][category]["auditRefs"]
            if ref["weight"] > 0 and audits[ref["id"]]["score"] is not None and audits[ref["id"]]["score"] < 1
        ]
        for category in CATEGORIES
    }
    return {
        "scores": {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES},
        "metrics": {m: round(audits[m]["numericValue"], 3 if m == "cumulative-layout-shift" else 0)
                       for m in METRICS},
        "transfer_bytes": int(audits["total-byte-weight"]["numericValue"]),
        "requests": len(audits["network-requests"]["details"]["items"]),
        # Lighthouse's measure of how fast the CPU was during this run: a busy
        # machine shows here first (a lower index), and its scores drop.
        "benchmark_index": round(report["environment"]["benchmarkIndex"]),
        "audits_below_full_score": {c: ids for c, ids in failing.items() if ids},
        "lighthouse": report["lighthouseVersion"],
        "browser": report["environment"]["hostUserAgent"],
    }


def lighthouse(url: str, out: Path, runs: int) -> dict:
    """The median of several runs: the performance score moves a few points
    from run to run with what else the machine is doing."""
    results = [lighthouse_once(url, out) for _ in range(runs)]
    results.sort(key=lambda r: r["scores"]["performance"])
    median = results[len(results) // 2]
    return {"url": url, **median, "runs": runs,
            "performance_of_each_run": [r["scores"]["performance"] for r in results],
            "benchmark_index_of_each_run": [r["benchmark_index"] for r in results]}


def table(results: list[dict]) -> str:
    head = ["page", "lang", *CATEGORIES, "transfer (KiB)", "requests", "performance, each run",
            "CPU benchmark index, each run"]
    rows = [head, ["---"] * len(head)]
    for r in results:
        rows.append([r["page"], r["lang"], *[str(r["scores"][c]) for c in CATEGORIES],
                     f"{r['transfer_bytes'] / 1024:.1f}", str(r["requests"]),
                     " ".join(map(str, r["performance_of_each_run"])),
                     " ".join(map(str, r["benchmark_index_of_each_run"]))])
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def kept_rows(output: Path, measured: list[dict]) -> list[dict]:
    """The rows just measured, with the earlier file's rows of the other pages
    (each row carries its own date and CPU index), in the site's page order:
    measuring a few pages again does not drop the others. A page the site no
    longer has is dropped."""
    earlier = json.loads(output.read_text(encoding="utf-8"))["pages"] if output.is_file() else []
    rows = {(r["page"], r["lang"]): r for r in earlier} | {(r["page"], r["lang"]): r for r in measured}
    order = [(name, lang) for name, lang, _ in PAGES]
    return sorted((r for key, r in rows.items() if key in order), key=lambda r: order.index((r["page"], r["lang"])))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="a site already built (default: build one now)")
    parser.add_argument("--output", type=Path, default=HERE / "results.json")
    parser.add_argument("--runs", type=int, default=3, help="runs per page; the median is kept (default 3)")
    parser.add_argument("--page", action="append", default=[], metavar="NAME",
                        help="only this page, in both languages (index, installation, "
                             "image_classification, ...); may be repeated (default: every page); "
                             "the output keeps the other pages' earlier rows")
    args = parser.parse_args()
    pages = [p for p in PAGES if not args.page or p[0] in args.page]
    if not pages:
        sys.exit(f"no page named {args.page}; the pages: {sorted({p[0] for p in PAGES})}")
    if not LIGHTHOUSE.exists():
        sys.exit(f"{LIGHTHOUSE} is missing: run `npm ci` in {HERE.relative_to(ROOT)}/ first")
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as tmp:
        site = args.site or Path(tmp) / "site"
        if not args.site:
            mkdocs_build(site)
        server = SiteServer(site, StaticHost)
        base = server.origin + "/"
        results = []
        try:
            for name, lang, path in pages:
                row = {"page": name, "lang": lang, "date": datetime.now(timezone.utc).isoformat(timespec="seconds")}
                row.update(lighthouse(base + path, Path(tmp) / f"{name}-{lang}.json", args.runs))
                results.append(row)
                print(f"{name} ({lang}): {row['scores']}, CPU benchmark index {row['benchmark_index_of_each_run']}",
                      file=sys.stderr)
        finally:
            server.close()
    chromium = run([CHROME, "--version"]).stdout.strip()
    results = kept_rows(args.output, results) if args.page else results
    record = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpu": cpu_name(), "cores": os.cpu_count(),
                    "system": platform.platform()},
        "chromium": chromium,
        "node": run(["node", "--version"]).stdout.strip(),
        "settings": "Lighthouse defaults: mobile form factor, simulated throttling; "
                    "each page run several times, the run with the median performance score kept",
        "server": "Python http.server on 127.0.0.1, text gzip-compressed as static hosts do",
        "chrome_flags": CHROME_FLAGS,
        "run_seconds": round(time.time() - started, 1),
        "pages": results,
    }
    args.output.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(results))
    print(f"\nwritten: {args.output}")
    short = [f"{r['page']} ({r['lang']}) {c} {r['scores'][c]}"
             for r in results for c in CATEGORIES if r["scores"][c] < TARGET]
    if short:
        sys.exit(f"below the target of {TARGET}: " + ", ".join(short)
                 + "\n(was the machine idle? see each run's CPU benchmark index)")


if __name__ == "__main__":
    main()
