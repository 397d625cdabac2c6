"""pytest set-up shared by the tests and the Markdown pages they run."""

from harness.pages import markdown_it_skipping_includes


def pytest_markdown_docs_markdown_it():
    return markdown_it_skipping_includes()
