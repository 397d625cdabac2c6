"""What the tests, the maintainer commands and the benchmarks share.

The guide itself lives in ``docs/`` (pages), ``examples/`` (lessons) and
``tools/`` (reader tools); this package only reads, runs and checks them.

- ``harness.pages``: the Markdown pages and the example files, as the tests see them;
- ``harness.lessons``: run a lesson as a reader does (smoke mode) and check its ``# ->`` lines;
- ``harness.outputs``: run a lesson in full and write what the pages show (``python -m harness.outputs``);
- ``harness.notebooks``: a lesson's notebook in each language, made from its chapter and its run;
- ``harness.published``: a file a lesson's run makes for a page to serve (the browser chapter's ONNX model);
- ``harness.repeat``: a second full run, to measure reproducibility (``python -m harness.repeat``);
- ``harness.machine``: the machine and versions a run reports;
- ``harness.site``: the built site's pages, a local server and Chromium's settings;
- ``harness.downloads``: build the site and what a reader takes home (``make site``);
- ``harness.screenshot``: the README's picture of the site;
- ``harness/without_tensorflow/``: hides TensorFlow from a lesson run under JAX or PyTorch;
- ``harness/hooks/``: the MkDocs hooks (mkdocs.yml), one file per concern. MkDocs
  loads each by path; they import ``harness`` (the repository root, from which
  every build runs, is on the path).
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
EXAMPLES = ROOT / "examples"
TOOLS = ROOT / "tools"
GENERATED = DOCS / "assets" / "generated"
LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
BACKENDS = ("tensorflow", "jax", "torch")
# The three first models, in reading order: each has a page, a lesson and results.
CASES = ("linear_regression", "classification", "image_classification")
