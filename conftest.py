"""pytest set-up shared by the tests and the Markdown pages they run."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

from harness.pages import markdown_it_skipping_includes  # noqa: E402


def pytest_markdown_docs_markdown_it():
    return markdown_it_skipping_includes()
