"""The error index: every error text on the page is what the pinned libraries print today.

Each entry of docs/*/common_errors.md (a ``###`` heading with an anchor) shows
error texts in ```text blocks. For each entry, a case below raises the error on
this machine, and every line of the entry's blocks must appear in what was
printed, in order. In a page line, ``…`` stands for anything (times, paths,
numbers). The few lines that cannot be raised here are listed in SOURCED with
where they come from; the page says so too.
"""

from __future__ import annotations

import importlib.util
import inspect
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from harness.pages import DOCS, LANGUAGES, parse_page
from harness.lessons import environment, run
from install_pages import section_lines, venv_without
from pip_errors import (
    long_path_oserror, no_matching_distribution, pip_not_recognized, proxy_error, read_timeout, output, ssl_certificate,
    tensorflow_gpu, windows_arm64,
)

PAGE = "common_errors.md"
TENSORFLOW = Path(importlib.util.find_spec("tensorflow").origin).parent


# --- the cases: how each error is raised here ---------------------------------

@pytest.fixture(scope="module")
def bundled_pip(tmp_path_factory):
    """The pip a reader's new virtual environment holds: the one this Python bundles."""
    folder = tmp_path_factory.mktemp("bundled") / "venv"
    run([sys.executable, "-m", "venv", folder], check=True)
    return folder / "bin" / "python"


BROKEN_NATIVE_LIBRARY = '''
import importlib.abc, sys

class Broken(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "tensorflow.python._pywrap_tensorflow_internal":
            raise ImportError("the native library could not be loaded")

sys.meta_path.insert(0, Broken())
'''


def dll_load_failed(tmp: Path) -> str:
    """TensorFlow's own reaction when its native library fails to load:
    the load is made to fail (a sitecustomize), the rest is TensorFlow's code."""
    (tmp / "sitecustomize.py").write_text(BROKEN_NATIVE_LIBRARY)
    return output([sys.executable, "-c", "import tensorflow"], env=environment(PYTHONPATH=str(tmp)))


def tensorflow_log_lines(tmp: Path) -> str:
    """Import Keras and compute something, with TensorFlow's own log settings."""
    code = "import keras; keras.ops.convert_to_numpy(keras.ops.sum(keras.ops.ones(3)))"
    return output([sys.executable, "-c", code], env=environment(KERAS_HOME=str(tmp)))


def no_module_named(tmp: Path) -> str:
    """Virtual environments that lack TensorFlow, JAX or Keras, as after
    installing only another backend, or installing into another environment."""
    printed = ""
    for missing in ("tensorflow", "jax", "keras"):
        python = venv_without(tmp / f"without-{missing}", missing)
        backend = {"jax": "jax"}.get(missing, "tensorflow")
        out = output([str(python), "-c", "import keras"], env=environment(KERAS_HOME=str(tmp), KERAS_BACKEND=backend))
        assert f"No module named '{missing}'" in out, out[-2000:]
        printed += out
    return printed


def no_module_named_matplotlib(tmp: Path) -> str:
    """A lesson run in a virtual environment with all but Matplotlib, as after
    the old `pip install tensorflow keras`: it stops at its first block."""
    python = venv_without(tmp / "without-matplotlib", "matplotlib")
    lesson = Path(__file__).parents[1] / "examples" / "linear_regression.py"
    out = output([str(python), str(lesson)], cwd=tmp, env=environment(KERAS_HOME=str(tmp)))
    assert 'File "' + str(lesson) + '", line' in out and "import matplotlib.pyplot as plt" in out, out[-2000:]
    return out


def unknown_backend(tmp: Path) -> str:
    return output([sys.executable, "-c", "import keras"], env=environment(KERAS_HOME=str(tmp), KERAS_BACKEND="theano"))


OLD_CODE = '''
import sys
import keras

def attempt(code):
    try:
        code()
    except Exception as error:
        sys.excepthook(type(error), error, error.__traceback__)  # printed as if uncaught

attempt(lambda: keras.optimizers.Adam(lr=0.001))
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3, activation="softmax")])
attempt(lambda: model.predict_classes)
attempt(lambda: model.save("my_model"))
model.save("my_model.keras")
print("saved", keras.models.load_model("my_model.keras").count_params())
keras.Sequential([keras.layers.Dense(3, input_shape=(4,))])
'''


def old_code(tmp: Path) -> str:
    """2018-era Keras code, run with Keras 3; the page's fix for saving works."""
    printed = output([sys.executable, "-c", OLD_CODE], cwd=tmp, env=environment(KERAS_HOME=str(tmp)))
    assert "saved 15" in printed, printed[-3000:]
    return printed


def url_fetch_failure(tmp: Path) -> str:
    """An empty Keras cache and no way out: every connection is refused."""
    env = environment(KERAS_HOME=str(tmp), HTTPS_PROXY="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9")
    code = "import keras; keras.datasets.fashion_mnist.load_data()"
    return output([sys.executable, "-c", code], env=env)


CASES = {
    "no-matching-distribution": no_matching_distribution,
    "windows-arm64": windows_arm64,
    "pip-not-recognized": pip_not_recognized,
    "read-timeout": read_timeout,
    "ssl-certificate": ssl_certificate,
    "proxy-error": proxy_error,
    "long-path-oserror": long_path_oserror,
    "tensorflow-gpu": tensorflow_gpu,
    "dll-load-failed": dll_load_failed,
    "tensorflow-log-lines": tensorflow_log_lines,
    "no-module-named": no_module_named,
    "no-module-named-matplotlib": no_module_named_matplotlib,
    "unable-to-import-backend": unknown_backend,
    "argument-lr": old_code,
    "predict-classes": old_code,
    "invalid-filepath-extension": old_code,
    "input-shape": old_code,
    "url-fetch-failure": url_fetch_failure,
}

# Lines that cannot be raised on this machine: where they come from, and the
# words by which the page names that source next to them. They are Windows
# console messages; this Linux machine has neither cmd.exe nor Windows PowerShell,
# so the test can only check that the page quotes them and names the source.
SOURCED = {
    "ImportError: DLL load failed while importing _pywrap_tensorflow_internal: The specified module could not be found.":
        ("Windows only; quoted from https://github.com/tensorflow/tensorflow/issues/7623 "
         "(anchors.md 7.4: tensorflow/tensorflow#39502 and its duplicates)", "tensorflow/tensorflow#7623"),
    "'pip' is not recognized as an internal or external command,":
        ("cmd.exe, English; https://github.com/douglaslab/cadnano2/issues/22 (the issue's own text)", "douglaslab/cadnano2#22"),
    "operable program or batch file.":
        ("its second line, same source", "douglaslab/cadnano2#22"),
    "'pip' 不是内部或外部命令，也不是可运行的程序":
        ("cmd.exe, Chinese; README of https://github.com/nhdsd/maimai-b50-image-generator", "nhdsd/maimai-b50-image-generator"),
    "或批处理文件。": ("its second line, same source", "nhdsd/maimai-b50-image-generator"),
    "pip : The term 'pip' is not recognized as the name of a cmdlet, function, script file, or operable program. "
    "Check the spelling of the name, or if a path was included, verify that the path is correct and try again.":
        ("Windows PowerShell 5.1: PowerShell/PowerShell src/System.Management.Automation/resources/"
         "DiscoveryExceptions.resx, CommandNotFoundException (commit 126ac291), the command's name before it",
         "DiscoveryExceptions.resx"),
    "pip: The term 'pip' is not recognized as a name of a cmdlet, function, script file, or executable program.":
        ("PowerShell 7: the same resource at commit f915ade5, first line", "DiscoveryExceptions.resx"),
}

# Lines TensorFlow prints on some CPUs only: checked against the text in its library.
IN_LIBRARY = {
    "oneDNN custom operations are on. You may see slightly different numerical results due to floating-point "
    "round-off errors from different computation orders. To turn them off, set the environment variable "
    "`TF_ENABLE_ONEDNN_OPTS=0`.": TENSORFLOW / "libtensorflow_framework.so.2",
}


# --- reading the page ---------------------------------------------------------


@dataclass
class Entry:
    language: str
    anchor: str
    blocks: list[list[str]] = field(default_factory=list)

    @property
    def id(self):
        return f"common_errors-{self.language}-{self.anchor}"


def entries() -> list[Entry]:
    found = []
    for language in LANGUAGES:
        page = parse_page(DOCS / language / PAGE)
        for heading in page.headings:
            if heading.level != 3:
                continue
            entry = Entry(language, heading.anchor)
            end = next((h.line for h in page.headings if h.line > heading.line and h.level <= 3), 10**9)
            entry.blocks = [f.code.splitlines() for f in page.fences if f.lang == "text" and heading.line < f.line < end]
            found.append(entry)
    return found


def text_fences():
    return [f for language in LANGUAGES for f in parse_page(DOCS / language / PAGE).fences if f.lang == "text"]


def pattern(line: str) -> re.Pattern:
    """A page line as a pattern: `…` stands for anything; it may follow a prefix
    (a path, a time stamp) but must run to the end of the printed line."""
    return re.compile("".join(".*?" if part == "…" else re.escape(part) for part in re.split("(…)", line.strip())) + r"\s*$")


def unmatched(block: list[str], printed: str) -> list[str]:
    """The block's lines not found in order in what was printed."""
    lines = printed.splitlines()
    position, missing = 0, []
    for line in block:
        if not line.strip() or line.strip() == "…" or line.strip() in SOURCED or line.strip() in IN_LIBRARY:
            continue
        regex = pattern(line)
        for n in range(position, len(lines)):
            if regex.search(lines[n]):
                position = n + 1
                break
        else:
            missing.append(line)
    return missing


def in_library(text: str, library: Path) -> bool:
    """True if the text is made of strings stored in the library, each piece at
    least 20 characters long (the message is assembled from a few of them)."""
    data = library.read_bytes()
    encoded, start = text.encode(), 0
    while start < len(encoded):
        low, high = start, len(encoded)
        while low < high:  # the longest piece from `start` that the library holds
            middle = (low + high + 1) // 2
            if encoded[start:middle] in data:
                low = middle
            else:
                high = middle - 1
        if low - start < 20 and low < len(encoded):
            return False
        start = low
    return True


# --- the tests ----------------------------------------------------------------


class Printed(dict):
    """Anchor -> what its case printed, each case run when a test first asks
    for it (and once): pytest-xdist spreads the entries over its workers, so no
    worker runs every case."""

    def __init__(self, tmp_path_factory, request):
        super().__init__()
        self.tmp_path_factory, self.request, self.done = tmp_path_factory, request, {}

    def __missing__(self, anchor):
        case = CASES[anchor]
        if case not in self.done:
            tmp = self.tmp_path_factory.mktemp(anchor)
            needs_bundled = "bundled" in inspect.signature(case).parameters
            self.done[case] = case(tmp, self.request.getfixturevalue("bundled_pip")) if needs_bundled else case(tmp)
        self[anchor] = self.done[case]
        return self[anchor]


@pytest.fixture(scope="module")
def printed(tmp_path_factory, request):
    return Printed(tmp_path_factory, request)


def test_common_errors_every_entry_has_a_case():
    for entry in entries():
        assert entry.blocks, f"docs/{entry.language}/{PAGE}: entry #{entry.anchor} quotes no error text"
    for language in LANGUAGES:
        assert {e.anchor for e in entries() if e.language == language} == set(CASES)


def test_common_errors_every_text_block_is_in_an_entry():
    """The CHECKED_ELSEWHERE predicate accepts every text block of the page: each must be checked here."""
    in_entries = sum(len(e.blocks) for e in entries())
    assert in_entries == len(text_fences())


@pytest.mark.parametrize("entry", entries(), ids=lambda e: e.id)
def test_common_errors_text_is_what_the_libraries_print(entry, printed):
    for block in entry.blocks:
        missing = unmatched(block, printed[entry.anchor])
        assert not missing, (
            f"docs/{entry.language}/{PAGE} #{entry.anchor}: not printed today:\n"
            + "\n".join(missing) + "\n--- what was printed ---\n" + printed[entry.anchor][-4000:]
        )


def test_common_errors_sourced_lines_are_on_the_page_and_said_to_be():
    for text, (_, named) in SOURCED.items():
        for language in LANGUAGES:
            page = (DOCS / language / PAGE).read_text(encoding="utf-8")
            assert text in page.splitlines()
            assert named in page, f"docs/{language}/{PAGE} does not name the source of {text!r}"


def test_common_errors_library_lines_are_in_tensorflow():
    for text, library in IN_LIBRARY.items():
        assert in_library(text, library), f"{text!r} is not in {library}"
        assert not in_library(text.replace("round-off", "rounding"), library)
        for language in LANGUAGES:
            assert text in (DOCS / language / PAGE).read_text(encoding="utf-8").splitlines()


def test_common_errors_matching_can_fail():
    printed = "2026 I0000 00:00:17.5 x.cc:1] Could not find cuda drivers\nValueError: b\n"
    assert unmatched(["I0000 00:00:… x.cc:1] Could not find cuda drivers", "ValueError: b"], printed) == []
    assert unmatched(["ValueError: b", "I0000 00:00:… x.cc:1] Could not find cuda drivers"], printed) != []
    assert unmatched(["ValueError: bc"], printed) == ["ValueError: bc"]
    assert unmatched(["Could not find cuda"], printed) == ["Could not find cuda"]


LINK = re.compile(r"\]\((?P<page>[a-z_]+\.md)(?:#(?P<anchor>[a-z0-9-]+))?\)")


@pytest.mark.parametrize("entry", entries(), ids=lambda e: e.id)
def test_common_errors_entry_links_to_an_explaining_section(entry):
    text = "\n".join(section_lines(entry.language, PAGE, entry.anchor))
    links = [m for m in LINK.finditer(text) if m["page"] != PAGE]
    assert any(m["anchor"] for m in links), f"#{entry.anchor} links to no section of another page"
    for link in links:
        target = parse_page(DOCS / entry.language / link["page"])
        if link["anchor"]:
            assert link["anchor"] in [h.anchor for h in target.headings], (
                f"docs/{entry.language}/{PAGE} #{entry.anchor} links to {link['page']}#{link['anchor']}, "
                "which has no such section"
            )
