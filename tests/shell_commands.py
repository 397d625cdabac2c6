"""Which test covers each shell command shown on the site.

A shell block is split into commands (comments dropped, ``\\``/`````
continuations joined). Each command must match exactly one entry of
``COMMANDS``; ``tests/test_shell.py`` then runs that entry's check on it. A
command that matches nothing is a block no test covers, and the accounting
test in ``tests/test_docs.py`` names its page and line.

To show a new kind of command on the site, add an entry here whose check runs
the command, or proves its effect, the way a reader would see it.
"""

from __future__ import annotations

import hashlib
import json
import ntpath
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath
from typing import Callable
from unittest import mock

import pytest
from filelock import FileLock
from pip._internal.commands import create_command
from pip._internal.network.session import PipSession
from pip._internal.req.req_file import parse_requirements

from harness import TOOLS
from doctor_facts import FASHION_MNIST_FILES, copy_fashion_mnist
from harness.lessons import BACKENDS
from harness.pages import EXAMPLES, ROOT, SHELL_LANGS, Fence, parse_page
from install_pages import mirrors


@dataclass(frozen=True)
class Command:
    fence: Fence
    text: str

    @property
    def where(self) -> str:
        return self.fence.where

    @property
    def argv(self) -> list[str]:
        return shlex.split(self.text)


@dataclass(frozen=True)
class Kind:
    name: str
    pattern: re.Pattern
    check: Callable[[Command], None]


COMMANDS: list[Kind] = []


def command(name: str, pattern: str):
    """Register ``check`` for every command that matches ``pattern`` in full."""

    def register(check):
        COMMANDS.append(Kind(name, re.compile(pattern), check))
        return check

    return register


def commands_in(fence: Fence) -> list[Command]:
    commands, pending = [], ""
    for raw in fence.code.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith(("#", "REM ", "::"))):
            continue
        if line.endswith(("\\", "`")) and not line.endswith("``"):
            pending += line[:-1].rstrip() + " "
            continue
        commands.append(Command(fence, pending + line))
        pending = ""
    if pending:
        commands.append(Command(fence, pending.strip()))
    return commands


def kind_of(cmd: Command) -> Kind | None:
    matches = [kind for kind in COMMANDS if kind.pattern.fullmatch(cmd.text)]
    if len(matches) > 1:
        names = ", ".join(kind.name for kind in matches)
        raise AssertionError(f"{cmd.where}: {cmd.text!r} matches several kinds: {names}")
    return matches[0] if matches else None


# --- the kinds ------------------------------------------------------------


@command("run an example or a reader tool", r"python3? (examples|tools)/[a-z0-9_]+\.py")
def run_example(cmd: Command) -> None:
    """Exactly what tests/test_reader_road.py runs: every example and every reader
    tool, with no arguments, under every backend."""
    path = ROOT / cmd.argv[1]
    assert path.is_file(), f"{cmd.where}: {cmd.argv[1]} does not exist"
    assert path.parent in (EXAMPLES, TOOLS), f"{cmd.where}: {cmd.argv[1]} is no example or reader tool"


# An example typed in PowerShell or cmd (a backslash in its path).
WINDOWS_EXAMPLE = r"python examples\\[a-z0-9_]+\.py"


@command("run an example, Windows path", WINDOWS_EXAMPLE)
def run_example_windows(cmd: Command) -> None:
    """The same file, typed in PowerShell or cmd after setting KERAS_BACKEND
    there: tests/test_reader_road.py runs it under that backend too."""
    backend = _fence_environment(cmd).get("KERAS_BACKEND")
    assert backend is None or backend in BACKENDS, f"{cmd.where}: KERAS_BACKEND={backend} is no backend"
    script = cmd.text.split()[1]  # not argv: shlex would eat the backslash
    run_example(Command(cmd.fence, "python " + PureWindowsPath(script).as_posix()))


@command("install from a requirements file", r"(python3? -m )?pip install( [^|&;]*)? -r \S+( [^|&;]*)?")
def pip_install_requirements(cmd: Command) -> None:
    """Parse with pip's own option parser; every file it names must exist and parse."""
    argv = cmd.argv
    argv = argv[argv.index("install") + 1 :]
    # isolated: read the command line only, not this machine's pip config or PIP_* variables
    options, _ = create_command("install", isolated=True).parse_args(argv)
    assert options.requirements, f"{cmd.where}: no -r file in {cmd.text!r}"
    for name in options.requirements:
        path = ROOT / name
        assert path.is_file(), f"{cmd.where}: {name} does not exist"
        list(parse_requirements(str(path), session=PipSession()))
    for url in [options.index_url, *options.extra_index_urls]:
        assert url.startswith("https://"), f"{cmd.where}: index {url} is not HTTPS"
        if url != "https://pypi.org/simple":  # pip's default
            assert url in mirrors(), f"{cmd.where}: index {url} is not in the installation page's mirror table"


@command("run an example under a backend", r"KERAS_BACKEND=(tensorflow|jax|torch) python3? examples/[a-z0-9_]+\.py")
def run_example_under_backend(cmd: Command) -> None:
    """tests/test_reader_road.py runs every example with each backend in KERAS_BACKEND."""
    backend = cmd.argv[0].split("=", 1)[1]
    assert backend in BACKENDS
    run_example(Command(cmd.fence, " ".join(cmd.argv[1:])))


@command("install Fashion-MNIST from a folder", r"python3? tools/install_fashion_mnist\.py (\S+|\"[^\"]+\")")
def install_fashion_mnist(cmd: Command) -> None:
    """The folder on the page is the reader's; here it is a folder holding the
    four files (the very folder, when it exists here, as Debian's does). The
    effect: they land, intact, in a fresh Keras cache."""
    folder = Path(cmd.argv[2])
    install_into_fresh_cache(cmd, ROOT / cmd.argv[1], folder if folder.is_absolute() and folder.is_dir() else None)


def install_into_fresh_cache(cmd: Command, script, folder=None) -> None:
    assert script.is_file() and script.parent == TOOLS, f"{cmd.where}: no such tool {script}"
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "keras-home"
        folder = folder or copy_fashion_mnist(Path(tmp) / "downloads")
        result = subprocess.run(
            [sys.executable, str(script), str(folder)],
            env={"PATH": "/usr/bin:/bin", "KERAS_HOME": str(home), "LANG": "zh_CN.UTF-8"},
            capture_output=True, text=True, timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        installed = home / "datasets" / "fashion-mnist"
        for name in FASHION_MNIST_FILES:
            assert (installed / name).read_bytes() == (folder / name).read_bytes()


# --- helpers the kinds share ------------------------------------------------


# Without pytest-xdist there is one process: its own id, never an earlier run's.
_THIS_RUN = uuid.uuid4().hex


def run_once(key, compute):
    """compute()'s value (JSON), computed once per test run, by whichever
    pytest-xdist worker asks first for this key (JSON too); the others wait for
    it and read it. A compute that fails stores nothing: each asker runs it
    again, and fails too."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", _THIS_RUN)
    folder = Path(tempfile.gettempdir()) / f"kg-once-{run}"
    folder.mkdir(exist_ok=True)
    stored = folder / f"{hashlib.sha256(json.dumps(key).encode()).hexdigest()[:16]}.json"
    with FileLock(str(stored) + ".lock"):
        if not stored.is_file():
            stored.write_text(json.dumps(compute()), encoding="utf-8")
        return json.loads(stored.read_text(encoding="utf-8"))


def _once(key_of):
    """Run a check once per key and test run (run_once): the zh and en pages
    show the same blocks (a test says so), and the same command in the same
    block needs checking once."""

    def decorate(check):
        def run(cmd: Command) -> None:
            run_once(["passed", check.__name__, key_of(cmd)], lambda: check(cmd))

        run.__doc__ = check.__doc__
        return run

    return decorate


def _in_block(cmd: Command):
    return cmd.fence.page.name, cmd.text, cmd.fence.code


def _page_commands(cmd: Command, pattern: str) -> list[Command]:
    """Every command on cmd's page (in both languages' order) that matches pattern."""
    page = parse_page(cmd.fence.page)
    found = [c for f in page.fences if f.lang in SHELL_LANGS for c in commands_in(f)]
    return [c for c in found if re.fullmatch(pattern, c.text)]


def _fence_environment(cmd: Command) -> dict:
    """Environment variables set (the PowerShell or cmd way) before cmd in its block."""
    env = {}
    for earlier in commands_in(cmd.fence):
        if earlier.text == cmd.text:
            break
        match = re.fullmatch(r'\$env:(\w+) = "([^"]*)"|set (\w+)=(\S*)', earlier.text)
        if match:
            name, value = (match[1], match[2]) if match[1] else (match[3], match[4])
            env[name] = value
    return env


# --- the three cases (Fashion-MNIST without Google) ---------------------------


@command(
    "install Fashion-MNIST from a folder, Windows path",
    r"python tools\\install_fashion_mnist\.py (\S+|\"[^\"]+\")",
)
def install_fashion_mnist_windows(cmd: Command) -> None:
    """The same tool, typed in PowerShell or cmd. Its script path is the same
    file; its folder is one that Windows Python reads as an absolute path (the
    tool expands ~ itself, in either shell). The effect is checked as above."""
    match = re.fullmatch(r"python (\S+) (\S+|\"[^\"]+\")", cmd.text)
    script, folder = match[1], match[2].strip('"')
    assert PureWindowsPath(script).as_posix() == "tools/install_fashion_mnist.py"
    with mock.patch.dict(os.environ, {"USERPROFILE": r"C:\Users\reader"}):
        expanded = ntpath.expanduser(folder)
    assert "/" not in folder and ntpath.isabs(expanded), (
        f"{cmd.where}: {folder!r} is not a Windows path the tool can find (expands to {expanded!r})"
    )
    install_into_fresh_cache(cmd, ROOT / PureWindowsPath(script).as_posix())


@command("install Debian's Fashion-MNIST package", r"sudo apt(-get)? install (-y )?dataset-fashion-mnist")
def apt_install_fashion_mnist(cmd: Command) -> None:
    """The package is the one the test command installs (see Makefile): its
    files are the four the page names, where the page says, and they are good."""
    if not shutil.which("dpkg"):
        pytest.skip("not a Debian/Ubuntu machine: dpkg is missing")
    listed = subprocess.run(["dpkg", "-L", "dataset-fashion-mnist"], capture_output=True, text=True)
    assert listed.returncode == 0, f"{cmd.where}: dataset-fashion-mnist is not installed here (make data installs it)"
    folder = Path("/usr/share/datasets/fashion-mnist")
    files = sorted(Path(line).name for line in listed.stdout.split() if line.startswith(f"{folder}/") and line.endswith(".gz"))
    assert files == FASHION_MNIST_FILES, listed.stdout
    result = subprocess.run(
        [sys.executable, "-c", CHECK_FOLDER, str(folder)], cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0 and result.stdout.split() == ["ok"] * 4, result.stdout + result.stderr


# The tool's own check of each file in a folder, without installing anything.
CHECK_FOLDER = """
import sys
from pathlib import Path
from tools import install_fashion_mnist as tool
for name in tool.FILES:
    print(tool.check(Path(sys.argv[1]) / name, name)[0])
"""


# The other kinds, by concern; importing them registers them.
import shell_pip  # noqa: E402,F401
import shell_environments  # noqa: E402,F401
import shell_cluster  # noqa: E402,F401
