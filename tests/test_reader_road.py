"""The reader's road: what the pages tell a reader to install, and nothing else,
runs every lesson page as the reader copies it.

A fresh virtual environment follows the installation page's main path: the
shell commands of its sections MAIN_PATH, in page order, in the Linux form
where tabs differ, without a mirror (``-i``). pip comes from inside the
environment, and its download cache is pip's default, kept between runs, so
the packages are downloaded once. Then each lesson page's Python blocks, as the
built site's copy buttons copy them (tests/copy_check.py), joined in page
order, run in that environment in smoke mode (harness.lessons), after the
page's own ``pip install`` commands (the browser chapter's ONNX exporters): a
package a page forgets to install stops the page, as it would stop the reader.

The same road on Python 3.11, the oldest Python the README promises: there
every lesson and reader tool runs from the examples zip under TensorFlow, in
smoke mode (under JAX and PyTorch, which the main path does not install, they
run in the suite's environment).

The suite's other venv, built from requirements*.txt, cannot see any of this.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
from pathlib import Path, PureWindowsPath

import pytest

from copy_check import CLIPBOARD, copied_blocks
from harness import TOOLS
from harness.lessons import (BACKENDS, backends_of, check_expected, check_stops, environment, made_once, prepare_folder,
                             processes_of, run, run_lesson, run_processes, stops_under)
from harness.pages import (DEFAULT_LANGUAGE, DOCS, EXAMPLES, LANGUAGES, PYTHON_LANGS, ROOT, SHELL_LANGS, examples,
                           pages, parse_page, tools)
from harness.site import SitePage
from install_pages import INSTALLATION
from shell import WINDOWS_LESSON, Command, Commands, block_environment, commands, commands_in

# The installation page's main path, by anchor, in reading order.
MAIN_PATH = ("virtual-environment", "install-tensorflow-and-keras", "jupyter")
# The same command through a mirror: the road takes the form without one.
MIRROR = re.compile(r"\s(?:-i|--index-url|--extra-index-url)\b|https?://")
TAB = re.compile(r'^(?P<indent>\s*)===[+!]?\s+"(?P<label>[^"]*)"')
# What the road runs: make the environment, activate it, install into it.
# Other commands on the main path (a version check, starting Jupyter) install
# nothing; their own tests check them (tests/test_installation.py).
MAKE_VENV = re.compile(r"python3? -m venv (?P<folder>\S+)")
ACTIVATE = re.compile(r"(?:source|\.) (?P<folder>\S+)/bin/activate")
INSTALL = re.compile(r"(?:python3? -m )?pip3? install .+")
INSTALL_TIMEOUT = 1200
# Lesson pages the road does not run, and why.
LEFT_OUT = {
    "distributed_training": "its blocks run under two backends (TensorFlow, then JAX) and as two processes",
}


# --- the main path ------------------------------------------------------------


def linux_form(fence) -> bool:
    """A fence outside content tabs, or in the tab whose label names Linux."""
    lines = fence.page.read_text(encoding="utf-8").splitlines()
    width = len(fence.indent)
    for line in reversed(lines[: fence.line - 1]):
        if not line.strip() or len(line) - len(line.lstrip()) >= width:
            continue
        tab = TAB.match(line)
        return tab is None or "Linux" in tab["label"]
    return True


def main_path_commands(language: str = DEFAULT_LANGUAGE) -> list[Command]:
    """The commands a reader types on the main path, in page order."""
    page = parse_page(DOCS / language / INSTALLATION)
    commands = []
    for anchor in MAIN_PATH:
        number = next((n for n, h in enumerate(page.headings) if h.anchor == anchor), None)
        assert number is not None, (
            f"docs/{language}/{INSTALLATION} has no section {{ #{anchor} }}; "
            f"the reader's road follows the sections {', '.join(MAIN_PATH)} (tests/test_reader_road.py)")
        start = page.headings[number].line
        end = page.headings[number + 1].line if number + 1 < len(page.headings) else float("inf")
        for fence in page.fences:
            if start < fence.line < end and fence.lang in SHELL_LANGS and linux_form(fence):
                commands += [c for c in commands_in(fence) if not MIRROR.search(c.text)]
    return commands


def reader_env() -> dict:
    """This process's environment, outside any virtual environment. pip writes no bytecode: Python writes
    it for what the lessons import (the main path on Python 3.11, idle: 28.4 s, against 33.5 s compiling
    all of TensorFlow and Jupyter). pip reads PIP_NO_COMPILE=0 as --no-compile."""
    return environment(PIP_NO_COMPILE="0")


def follow(commands: list[Command], interpreter: Path, project: Path) -> Path:
    """Run the commands in ``project`` as a reader would, ``python3`` being
    ``interpreter``; returns the python of the environment they made."""
    env = reader_env()
    venv = None
    for cmd in commands:
        argv = cmd.argv
        if match := MAKE_VENV.fullmatch(cmd.text):
            argv = [str(venv / "bin" / argv[0]) if venv else str(interpreter), *argv[1:]]
        elif match := ACTIVATE.fullmatch(cmd.text):
            venv = project / match["folder"]
            assert (venv / "bin" / "activate").is_file(), f"{cmd.where}: {cmd.text!r}, but no command made {venv.name}"
            env.update(VIRTUAL_ENV=str(venv), PATH=f"{venv / 'bin'}{os.pathsep}{env['PATH']}")
            continue
        elif INSTALL.fullmatch(cmd.text):
            assert venv, f"{cmd.where}: {cmd.text!r} comes before any command activates a virtual environment"
            argv = [str(venv / "bin" / argv[0]), *argv[1:]]
        else:
            continue
        result = run(argv, cwd=project, env=env, timeout=INSTALL_TIMEOUT)
        assert result.returncode == 0, f"{cmd.where}: {cmd.text!r} failed:\n{(result.stdout + result.stderr)[-4000:]}"
    assert venv, "no command on the main path activates a virtual environment"
    return venv / "bin" / "python"


def reader_venv(interpreter: Path, shared: Path) -> Path:
    """The python of a virtual environment that followed the main path with
    ``interpreter``, made once per test run (harness.lessons.made_once): one
    interpreter, one environment."""
    key = hashlib.sha256(str(interpreter.resolve()).encode()).hexdigest()[:12]

    def make(folder: Path) -> None:
        (folder / "project").mkdir()
        (folder / "python").write_text(str(follow(main_path_commands(), interpreter, folder / "project")))

    try:
        folder = made_once(shared / f"reader-road-{key}", make)
    except AssertionError as error:
        pytest.fail(f"following the installation page with {interpreter}: {error}", pytrace=False)
    return Path((folder / "python").read_text())


def python_311() -> Path:
    """Python 3.11: on PATH as python3.11, or pyenv's."""
    candidates = [shutil.which("python3.11"), *sorted(Path.home().glob(".pyenv/versions/3.11*/bin/python3.11"))]
    for candidate in filter(None, candidates):
        found = run([candidate, "-c", "import sys; print(sys.version_info[:2] == (3, 11), sys.executable)"], timeout=60)
        if found.returncode == 0 and found.stdout.startswith("True "):
            return Path(found.stdout.split(" ", 1)[1].strip())
    pytest.fail("no Python 3.11 here (python3.11 on PATH, or pyenv's ~/.pyenv/versions/3.11*): "
                "the README promises 3.11 to 3.13, and this test runs the lessons on 3.11", pytrace=False)


@pytest.fixture(scope="session")
def reader_python(shared) -> Path:
    """The main path followed with the suite's own Python."""
    return reader_venv(Path(sys._base_executable), shared)


@pytest.fixture(scope="session")
def reader_python_311(shared) -> Path:
    """The main path followed with Python 3.11 (the same environment as
    reader_python's when the suite runs on 3.11 itself)."""
    return reader_venv(python_311(), shared)


def test_the_main_path_is_the_same_in_both_languages():
    """Both languages' pages tell the reader the same commands, so one road
    serves both: the Linux form, no mirror, an environment made and activated
    before anything is installed."""
    paths = {language: [c.text for c in main_path_commands(language)] for language in LANGUAGES}
    assert paths["zh"] == paths["en"], paths
    texts = paths["en"]
    assert not [c for c in texts if MIRROR.search(c) or c.startswith("py ") or "\\" in c], texts
    made = next(n for n, c in enumerate(texts) if MAKE_VENV.fullmatch(c))
    activated = next(n for n, c in enumerate(texts) if ACTIVATE.fullmatch(c))
    assert made < activated < min(n for n, c in enumerate(texts) if INSTALL.fullmatch(c)), texts


def test_the_road_refuses_an_install_outside_the_environment(tmp_path):
    """A page that said `pip install` before activating would install into
    the reader's system Python: the road stops there, naming the command."""
    fence = parse_page(DOCS / "en" / INSTALLATION).fences[0]
    commands = [Command(fence, "pip install keras"), Command(fence, "python3 -m venv .venv")]
    with pytest.raises(AssertionError, match="'pip install keras' comes before any command activates"):
        follow(commands, Path(sys._base_executable), tmp_path)
    with pytest.raises(AssertionError, match="no command on the main path activates"):
        follow([], Path(sys._base_executable), tmp_path)


# --- the lesson pages, as copied ---------------------------------------------------


def lesson_pages() -> list[str]:
    """Stems of the pages whose Python blocks all come from examples/."""
    stems = []
    for page in pages(DEFAULT_LANGUAGE):
        python = [f for f in page.fences if f.lang in PYTHON_LANGS]
        if python and all(f.include_only and all(i.path.startswith("examples/") for i in f.includes) for f in python):
            stems.append(page.path.stem)
    return stems


def runs_on_the_road(stem: str) -> str | None:
    """Why a lesson page cannot run as one TensorFlow script, or None."""
    page = parse_page(DOCS / DEFAULT_LANGUAGE / f"{stem}.md")
    for path in sorted({EXAMPLES.parent / i.path for f in page.fences for i in f.includes if i.path.startswith("examples/")}):
        if "tensorflow" not in backends_of(path) or processes_of(path) > 1:
            return f"{path.name} runs under {', '.join(backends_of(path))} as {processes_of(path)} process(es)"
    return None


ROAD_PAGES = [stem for stem in lesson_pages() if stem not in LEFT_OUT]


def page_lessons(stem: str) -> list[Path]:
    """The lessons a page shows (in_the_browser shows examples/export_onnx.py)."""
    page = parse_page(DOCS / DEFAULT_LANGUAGE / f"{stem}.md")
    return sorted({EXAMPLES.parent / i.path for f in page.fences for i in f.includes if i.path.startswith("examples/")})


def page_installs(stem: str) -> list[Command]:
    """The ``pip install`` commands of a lesson page, in the Linux form, without a mirror."""
    page = parse_page(DOCS / DEFAULT_LANGUAGE / f"{stem}.md")
    return [c for f in page.fences if f.lang in SHELL_LANGS and linux_form(f)
            for c in commands_in(f) if INSTALL.fullmatch(c.text) and not MIRROR.search(c.text)]


def install(command: Command, python: Path, folder: Path) -> None:
    """One page's ``pip install`` in the reader's environment (its own pip)."""
    env = reader_env()
    argv = [str(python.parent / command.argv[0]), *command.argv[1:]]
    result = run(argv, cwd=folder, env=env, timeout=INSTALL_TIMEOUT)
    assert result.returncode == 0, f"{command.where}: {command.text!r} failed:\n{(result.stdout + result.stderr)[-4000:]}"


def test_the_road_installs_what_a_lesson_page_asks_for():
    """The browser chapter's own install command is on its road; the others install nothing of their own."""
    assert [c.text for c in page_installs("in_the_browser")] == ["pip install tf2onnx onnx onnxscript"]
    assert page_lessons("in_the_browser") == [EXAMPLES / "export_onnx.py"]
    assert not page_installs("image_classification")
    assert [stem for stem in lesson_pages() if EXAMPLES / "export_onnx.py" in page_lessons(stem)] == ["in_the_browser"]


def test_the_pages_left_off_the_road_are_the_ones_that_cannot_run_on_it():
    """A lesson page leaves the road only for a reason (LEFT_OUT), and only while it has one."""
    cannot = {stem for stem in lesson_pages() if runs_on_the_road(stem)}
    assert cannot == set(LEFT_OUT), {stem: runs_on_the_road(stem) for stem in lesson_pages()}
    assert len(ROAD_PAGES) >= 4, ROAD_PAGES


def copied_python(open_tab, stem: str, language: str) -> list[str]:
    """The Python blocks of a page, as its copy buttons copy them, in page order."""
    page = SitePage(language, DOCS / language / f"{stem}.md")
    tab = open_tab()
    tab.context.grant_permissions(CLIPBOARD, origin=tab.origin)
    loaded = tab.open(page.path)
    return [text for fence, text in copied_blocks(loaded, page) if fence.lang in PYTHON_LANGS]


@pytest.mark.parametrize("stem", ROAD_PAGES)
def test_a_reader_runs_the_page_as_copied(stem, reader_python, open_tab, lesson_cache, tmp_path):
    """Both languages copy the same code; joined, it runs in the reader's
    environment and prints what the page promises (its ``# ->`` lines)."""
    copied = {language: copied_python(open_tab, stem, language) for language in LANGUAGES}
    assert copied["zh"] == copied["en"], f"the zh and en pages of {stem} copy different code"
    script = tmp_path / f"{stem}_as_copied.py"
    script.write_text("\n\n".join(copied[DEFAULT_LANGUAGE]) + "\n", encoding="utf-8")
    # What the page itself tells the reader to install (in_the_browser: the
    # ONNX exporters), into the same environment, as the reader does.
    for command in page_installs(stem):
        install(command, reader_python, tmp_path)
    # A page that uses what an earlier page saved (own_picture: the image
    # chapter's model) finds it, as the reader does, in the same folder.
    for lesson in page_lessons(stem):
        prepare_folder(lesson, "tensorflow", tmp_path, python=reader_python, cache=lesson_cache, PYTHONPATH="")
    stdout = run_lesson(script, "tensorflow", tmp_path, python=reader_python, PYTHONPATH="")
    check_expected(script, stdout)


# --- every lesson and reader tool, from the examples zip -------------------------


@pytest.mark.parametrize("example, backend", [pytest.param(path, backend, id=f"{path.stem}-{backend}")
                                              for path in examples() + tools() for backend in backends_of(path)])
def test_example_runs(example, backend, examples_folder, lesson_cache, tmp_path, request):
    """Every lesson and reader tool, with no arguments, from the unpacked zip, under each backend it
    names. Under TensorFlow, in the reader's environment on Python 3.11, the oldest the README promises,
    after what the lesson's page installs (export_onnx: the ONNX exporters); under JAX and PyTorch,
    which the main path does not install, in the suite's."""
    copy = examples_folder / example.parent.name / example.name
    count = processes_of(copy)
    python, env = sys.executable, {}
    if backend == "tensorflow" and count == 1:
        python, env = request.getfixturevalue("reader_python_311"), {"PYTHONPATH": ""}
        for command in [c for stem in lesson_pages() if example in page_lessons(stem) for c in page_installs(stem)]:
            install(command, python, tmp_path)
    prepare_folder(copy, backend, tmp_path, python=python, cache=lesson_cache, **env)
    if backend in stops_under(copy):
        # It must stop there, with its own one-line message (harness.lessons).
        with pytest.raises(AssertionError) as stopped:
            run_lesson(copy, backend, tmp_path, python=python, **env)
        check_stops(copy, backend, stopped.value)
        return
    outputs = (run_processes(copy, backend, tmp_path, count) if count > 1
               else [run_lesson(copy, backend, tmp_path, python=python, **env)])
    for stdout in outputs:
        check_expected(copy, stdout)


# --- the commands on the pages that run a lesson or a reader tool ---------------
# test_example_runs runs every one with no arguments under every backend it
# names; these tests check that a page's command names such a file.


def check_names_a_lesson(cmd: Command, script: str) -> None:
    path = ROOT / script
    assert path.is_file(), f"{cmd.where}: {script} does not exist"
    assert path.parent in (EXAMPLES, TOOLS), f"{cmd.where}: {script} is no example or reader tool"


@pytest.mark.parametrize("twins", commands(r"python3? (examples|tools)/[a-z0-9_]+\.py"))
def test_a_command_runs_a_lesson(twins: Commands):
    for cmd in twins:
        check_names_a_lesson(cmd, cmd.argv[1])


@pytest.mark.parametrize("twins", commands(r"KERAS_BACKEND=(tensorflow|jax|torch) python3? examples/[a-z0-9_]+\.py"))
def test_a_command_runs_a_lesson_under_a_backend(twins: Commands):
    for cmd in twins:
        assert cmd.argv[0].split("=", 1)[1] in BACKENDS
        check_names_a_lesson(cmd, cmd.argv[2])


@pytest.mark.parametrize("twins", commands(WINDOWS_LESSON))
def test_a_windows_command_runs_a_lesson(twins: Commands):
    """The same file, typed in PowerShell or cmd after setting KERAS_BACKEND
    there (if the block sets it, to a backend the lesson runs under)."""
    for cmd in twins:
        backend = block_environment(cmd).get("KERAS_BACKEND")
        assert backend is None or backend in BACKENDS, f"{cmd.where}: KERAS_BACKEND={backend} is no backend"
        check_names_a_lesson(cmd, PureWindowsPath(cmd.text.split()[1]).as_posix())  # not argv: shlex eats backslashes
