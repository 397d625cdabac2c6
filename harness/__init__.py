"""The build and what the tests, maintainer commands and benchmarks share; the guide itself lives in
docs/ (pages), examples/ (lessons) and tools/ (reader tools). Each module's docstring says what it does;
the MkDocs hooks (hooks/) are loaded by path from mkdocs.base.yml and import this installed package.
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
