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

import re
import shlex
from dataclasses import dataclass
from typing import Callable

from docblocks import EXAMPLES, ROOT, Fence


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


@command("run an example", r"python3? examples/[a-z0-9_]+\.py")
def run_example(cmd: Command) -> None:
    """Exactly what tests/test_examples.py runs, under every backend."""
    path = ROOT / cmd.argv[1]
    assert path.is_file(), f"{cmd.where}: {cmd.argv[1]} does not exist"
    assert path.parent == EXAMPLES


@command("run an example, Windows path", r"python examples\\[a-z0-9_]+\.py")
def run_example_windows(cmd: Command) -> None:
    """The same file, typed in PowerShell or cmd after setting KERAS_BACKEND
    there: tests/test_examples.py runs it under that backend too."""
    from pathlib import PureWindowsPath

    from harness import BACKENDS

    backend = _fence_environment(cmd).get("KERAS_BACKEND")
    assert backend is None or backend in BACKENDS, f"{cmd.where}: KERAS_BACKEND={backend} is no backend"
    script = cmd.text.split()[1]  # not argv: shlex would eat the backslash
    run_example(Command(cmd.fence, "python " + PureWindowsPath(script).as_posix()))


@command("install from a requirements file", r"(python3? -m )?pip install( [^|&;]*)? -r \S+( [^|&;]*)?")
def pip_install_requirements(cmd: Command) -> None:
    """Parse with pip's own option parser; every file it names must exist and parse."""
    from pip._internal.commands import create_command
    from pip._internal.req.req_file import parse_requirements
    from pip._internal.network.session import PipSession

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
            from install_pages import mirrors

            assert url in mirrors(), f"{cmd.where}: index {url} is not in the installation page's mirror table"


@command("run an example under a backend", r"KERAS_BACKEND=(tensorflow|jax|torch) python3? examples/[a-z0-9_]+\.py")
def run_example_under_backend(cmd: Command) -> None:
    """tests/test_examples.py runs every example with each backend in KERAS_BACKEND."""
    from harness import BACKENDS

    backend = cmd.argv[0].split("=", 1)[1]
    assert backend in BACKENDS
    run_example(Command(cmd.fence, " ".join(cmd.argv[1:])))


@command("install Fashion-MNIST from a folder", r"python3? examples/install_fashion_mnist\.py (\S+|\"[^\"]+\")")
def install_fashion_mnist(cmd: Command) -> None:
    """The folder on the page is the reader's; here it is a folder holding the
    four files (the very folder, when it exists here, as Debian's does). The
    effect: they land, intact, in a fresh Keras cache."""
    from pathlib import Path

    folder = Path(cmd.argv[2])
    install_into_fresh_cache(cmd, ROOT / cmd.argv[1], folder if folder.is_absolute() and folder.is_dir() else None)


def install_into_fresh_cache(cmd: Command, script, folder=None) -> None:
    import shutil
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    from harness import KERAS_HOME

    cached = KERAS_HOME / "datasets" / "fashion-mnist"
    names = sorted(p.name for p in cached.glob("*-ubyte.gz"))
    assert len(names) == 4, f"the test cache {cached} is not filled (see README)"
    assert script.is_file() and script.parent == EXAMPLES, f"{cmd.where}: no such tool {script}"
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "keras-home"
        if folder is None:
            folder = Path(tmp) / "downloads"
            folder.mkdir()
            for name in names:
                shutil.copy(cached / name, folder / name)
        result = subprocess.run(
            [sys.executable, str(script), str(folder)],
            env={"PATH": "/usr/bin:/bin", "KERAS_HOME": str(home), "LANG": "zh_CN.UTF-8"},
            capture_output=True, text=True, timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        installed = home / "datasets" / "fashion-mnist"
        for name in names:
            assert (installed / name).read_bytes() == (folder / name).read_bytes()


# --- installation and verification pages ----------------------------------
# Commands a reader runs to install, configure pip and check the install. Each
# check runs the command (in a temporary folder, against an isolated home), or,
# for Windows and conda commands that cannot run here, proves what can be
# proved here and says what is only emulated.


_PASSED: set = set()


def _once(key_of):
    """Run a check once per key: the zh and en pages show the same blocks (a
    test says so), and the same command in the same block needs checking once."""

    def decorate(check):
        def run(cmd: Command) -> None:
            key = (check.__name__, key_of(cmd))
            if key not in _PASSED:
                check(cmd)
                _PASSED.add(key)

        run.__doc__ = check.__doc__
        return run

    return decorate


def _in_block(cmd: Command):
    return cmd.fence.page.name, cmd.text, cmd.fence.code


def _page_commands(cmd: Command, pattern: str) -> list[Command]:
    """Every command on cmd's page (in both languages' order) that matches pattern."""
    from docblocks import SHELL_LANGS, parse_page

    page = parse_page(cmd.fence.page)
    found = [c for f in page.fences if f.lang in SHELL_LANGS for c in commands_in(f)]
    return [c for c in found if re.fullmatch(pattern, c.text)]


_PIP = r"(?:python3? -m )?pip"
_SET_INDEX = _PIP + r" config set global\.index-url https://\S+"


def _apply_page_settings(cmd: Command, env: dict) -> str:
    """Run the page's own `pip config set` command(s); return the URL set last."""
    from install_pages import pip

    sets = _page_commands(cmd, _SET_INDEX)
    assert sets, f"{cmd.where}: {cmd.text!r} reads a setting no `pip config set` on this page writes"
    for command in sets:
        pip(command.argv, env, check=True)
    return sets[-1].argv[-1]


def _config_lines(env: dict) -> set[str]:
    from install_pages import pip

    return set(pip(["pip", "config", "list"], env, check=True).stdout.splitlines())


@command("pip: make a mirror the default", _SET_INDEX)
@_once(_in_block)
def pip_config_set(cmd: Command) -> None:
    """In an isolated home: it writes the user's file, pip reads the URL back,
    and `unset` removes it again. The URL must be HTTPS and in the mirror table."""
    import tempfile
    from pathlib import Path

    from install_pages import isolated_pip_env, mirrors, pip

    url = cmd.argv[-1]
    assert url in mirrors(), f"{cmd.where}: {url} is not in the mirror table on the installation page"
    with tempfile.TemporaryDirectory() as tmp:
        env = isolated_pip_env(Path(tmp))
        result = pip(cmd.argv, env, check=True)
        user_file = Path(tmp) / ".config" / "pip" / "pip.conf"
        assert result.stdout.startswith(f"Writing to {user_file}"), result.stdout
        assert f"index-url = {url}" in user_file.read_text().splitlines(), user_file.read_text()
        assert pip(["pip", "config", "get", "global.index-url"], env, check=True).stdout.strip() == url
        pip(["pip", "config", "unset", "global.index-url"], env, check=True)
        assert pip(["pip", "config", "get", "global.index-url"], env).returncode != 0
        # The page warns that a misspelt section is accepted silently: it is.
        typo = pip(["pip", "config", "set", "gloabl.index-url", url], env)
        assert typo.returncode == 0, typo.stderr
        assert pip(["pip", "config", "get", "global.index-url"], env).returncode != 0


@command("pip: read the index setting", _PIP + r" config get global\.index-url")
@_once(_in_block)
def pip_config_get(cmd: Command) -> None:
    """Fails while nothing is set; after the page's own `set`, prints what the page promises."""
    import tempfile
    from pathlib import Path

    from install_pages import isolated_pip_env, pip, promised_output

    with tempfile.TemporaryDirectory() as tmp:
        env = isolated_pip_env(Path(tmp))
        unset = pip(cmd.argv, env)
        assert unset.returncode != 0 and "No such key" in unset.stderr, unset.stderr
        url = _apply_page_settings(cmd, env)
        printed = pip(cmd.argv, env, check=True).stdout.splitlines()
        assert printed == [url]
        assert printed == promised_output(cmd.fence, cmd.text), f"{cmd.where}: the page promises other output"


@command("pip: list the settings in effect", _PIP + r" config list")
@_once(_in_block)
def pip_config_list(cmd: Command) -> None:
    """What the page's `set` adds is exactly the line the page promises; an
    index set by PIP_INDEX_URL shows as :env:.index-url, as the page says."""
    import tempfile
    from pathlib import Path

    from install_pages import isolated_pip_env, pip, promised_output

    with tempfile.TemporaryDirectory() as tmp:
        env = isolated_pip_env(Path(tmp))
        before = _config_lines(env)  # this machine's global files, which pip always reads
        url = _apply_page_settings(cmd, env)
        added = set(pip(cmd.argv, env, check=True).stdout.splitlines()) - before
        assert added == {f"global.index-url='{url}'"}, added
        promised = promised_output(cmd.fence, cmd.text)
        assert promised and set(promised) <= added, f"{cmd.where}: promises {promised}, pip added {added}"
        with_variable = dict(env, PIP_INDEX_URL=url)
        assert f":env:.index-url='{url}'" in pip(cmd.argv, with_variable, check=True).stdout.splitlines()


@command("pip: undo the mirror", _PIP + r" config unset global\.index-url")
@_once(_in_block)
def pip_config_unset(cmd: Command) -> None:
    """After the page's `set`, this removes the setting, and pip is back to its defaults."""
    import tempfile
    from pathlib import Path

    from install_pages import isolated_pip_env, pip

    with tempfile.TemporaryDirectory() as tmp:
        env = isolated_pip_env(Path(tmp))
        before = _config_lines(env)
        _apply_page_settings(cmd, env)
        assert _config_lines(env) != before
        pip(cmd.argv, env, check=True)
        assert _config_lines(env) == before
        assert pip(["pip", "config", "get", "global.index-url"], env).returncode != 0
        assert "index-url" not in (Path(tmp) / ".config" / "pip" / "pip.conf").read_text()


@command("pip: show the files pip reads", _PIP + r" config debug")
@_once(_in_block)
def pip_config_debug(cmd: Command) -> None:
    """It names the Linux user file of the page's table, ~/.config/pip/pip.conf,
    and shows the page's setting in it."""
    import tempfile
    from pathlib import Path

    from install_pages import isolated_pip_env, pip, section_lines

    table = "\n".join(section_lines("en", "installation.md", "pip-config-file"))
    assert "| Linux | `~/.config/pip/pip.conf` |" in table
    with tempfile.TemporaryDirectory() as tmp:
        env = isolated_pip_env(Path(tmp))
        url = _apply_page_settings(cmd, env)
        lines = [line.strip() for line in pip(cmd.argv, env, check=True).stdout.splitlines()]
        user_file = f"{Path(tmp) / '.config' / 'pip' / 'pip.conf'}, exists: True"
        assert user_file in lines, lines
        assert lines[lines.index(user_file) + 1] == f"global.index-url: {url}", lines


@command("install packages with pip", _PIP + r" install(?![^|&;]* -r )(?: [^|&;<>]+)")
def pip_install_packages(cmd: Command) -> None:
    """Parsed by pip's own option parser; every requirement names a package the
    guide uses (an extra must exist in the installed package), and any index
    is HTTPS and in the mirror table."""
    from importlib import metadata

    from packaging.requirements import Requirement
    from pip._internal.commands import create_command

    from install_pages import mirrors

    argv = cmd.argv
    options, args = create_command("install", isolated=True).parse_args(argv[argv.index("install") + 1 :])
    assert args, f"{cmd.where}: {cmd.text!r} installs nothing"
    for arg in args:
        requirement = Requirement(arg)
        assert requirement.name in {"tensorflow", "keras", "jax", "torch", "pip"}, (
            f"{cmd.where}: {requirement.name} is not a package this guide installs"
        )
        if requirement.name != "pip":
            provided = set(metadata.metadata(requirement.name).get_all("Provides-Extra") or [])
            assert requirement.extras <= provided, f"{cmd.where}: {requirement.name} has no extra {requirement.extras}"
    for url in [options.index_url, *options.extra_index_urls]:
        if url != "https://pypi.org/simple":  # pip's default
            assert url in mirrors(), f"{cmd.where}: index {url} is not in the mirror table"


@command("show Python's version", r"python3? --version")
def python_version(cmd: Command) -> None:
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "--version"], capture_output=True, text=True, timeout=60)
    assert re.fullmatch(r"Python 3\.\d+\.\d+\s*", result.stdout), result.stdout


_BACKEND_VALUE = r"(tensorflow|jax|torch)"


@command("set the backend in PowerShell (emulated)", r'\$env:KERAS_BACKEND = "' + _BACKEND_VALUE + '"')
def powershell_backend(cmd: Command) -> None:
    """PowerShell cannot run here. What is proved: the value is a backend, and
    the commands after it in the block run with KERAS_BACKEND set to it (the
    one-liner check below applies it) and print what the block promises."""
    _check_variable_is_used(cmd)


@command("set the backend in cmd (emulated)", r"set KERAS_BACKEND=" + _BACKEND_VALUE)
def cmd_backend(cmd: Command) -> None:
    """cmd.exe cannot run here; as for PowerShell above."""
    _check_variable_is_used(cmd)


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


def _check_variable_is_used(cmd: Command) -> None:
    later = commands_in(cmd.fence)
    later = later[[c.text for c in later].index(cmd.text) + 1 :]
    assert any(re.fullmatch(_ONE_LINER, c.text) for c in later), (
        f"{cmd.where}: nothing after {cmd.text!r} in this block shows its effect"
    )


_ONE_LINER = r'python3? -c "[^"]+"'


_ONE_LINERS_RUN: dict = {}  # (code, environment) -> what it printed


def _run_one_liner(cmd: Command, code: str, backend: str | None) -> None:
    """Run once per code and environment (the bash, PowerShell and cmd blocks of a
    tab run the same thing); check every block's promises against that run."""
    import subprocess
    import sys
    import tempfile

    from install_pages import clean_env, promised_output

    settings = _fence_environment(cmd)
    if backend:
        settings["KERAS_BACKEND"] = backend
    key = (code, tuple(sorted(settings.items())))
    if key not in _ONE_LINERS_RUN:
        with tempfile.TemporaryDirectory() as tmp:
            result = subprocess.run(
                [sys.executable, "-c", code], cwd=tmp, env=clean_env(KERAS_HOME=tmp, **settings),
                capture_output=True, text=True, timeout=300,
            )
        assert result.returncode == 0, f"{cmd.where}: {cmd.text!r} failed:\n{result.stderr[-3000:]}"
        _ONE_LINERS_RUN[key] = [line.rstrip() for line in result.stdout.splitlines()]
    printed = _ONE_LINERS_RUN[key]
    position = 0
    for text in promised_output(cmd.fence, cmd.text):
        assert text in printed[position:], f"{cmd.where}: promises {text!r}, printed {printed}"
        position = printed.index(text, position) + 1


@command("run a Python one-liner", _ONE_LINER)
def python_one_liner(cmd: Command) -> None:
    """Runs as a reader would (no KERAS_BACKEND unless the block sets one, a fresh
    Keras home); what it prints must include the block's `# ->` lines, in order."""
    _run_one_liner(cmd, cmd.argv[-1], backend=None)


@command("run a Python one-liner under a backend", r"KERAS_BACKEND=" + _BACKEND_VALUE + " " + _ONE_LINER)
def python_one_liner_backend(cmd: Command) -> None:
    _run_one_liner(cmd, cmd.argv[-1], backend=cmd.argv[0].split("=", 1)[1])


@command("make a virtual environment", r"python3? -m venv \.venv")
@_once(lambda cmd: tuple(cmd.argv[1:]))
def make_venv(cmd: Command) -> None:
    """Runs it for real, in a temporary folder."""
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, *cmd.argv[1:]], cwd=tmp, check=True, timeout=300)
        venv = Path(tmp) / ".venv"
        assert (venv / "pyvenv.cfg").is_file() and (venv / "bin" / "pip").exists()
        assert (venv / "bin" / "Activate.ps1").is_file()  # also made on Windows, in Scripts\


@command("activate the virtual environment (bash)", r"source \.venv/bin/activate")
def activate_venv(cmd: Command) -> None:
    """In bash, after sourcing it, `python` is the virtual environment's."""
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", ".venv"], cwd=tmp, check=True, timeout=120)
        result = subprocess.run(
            ["bash", "-c", cmd.text + ' && python -c "import sys; print(sys.prefix)"'],
            cwd=tmp, capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin", "HOME": tmp},
        )
        assert result.stdout.strip() == str(Path(tmp) / ".venv"), result.stdout + result.stderr


@command("activate the virtual environment (PowerShell, emulated)", r"\.venv\\Scripts\\Activate\.ps1")
def activate_venv_powershell(cmd: Command) -> None:
    """PowerShell cannot run here. What is proved: venv puts its scripts in
    `Scripts` on Windows and ships Activate.ps1 in every virtual environment."""
    import sysconfig
    import venv
    from pathlib import Path

    scripts = sysconfig.get_path("scripts", "nt", vars={"base": ".venv", "platbase": ".venv"})
    assert Path(scripts).name == "Scripts", scripts
    assert (Path(venv.__file__).parent / "scripts" / "common" / "Activate.ps1").is_file()


@command("make a conda environment (emulated)", r"conda create -n [a-z0-9_-]+ python=3\.\d+")
def conda_create(cmd: Command) -> None:
    """conda is not installed here. What is proved: it asks for Python only, at
    a version inside the window the check script accepts."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("check_install", EXAMPLES / "check_install.py")
    doctor = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(doctor)
    version = tuple(int(n) for n in cmd.argv[-1].split("=", 1)[1].split("."))
    assert doctor.PYTHON_MIN <= version <= doctor.PYTHON_MAX, f"{cmd.where}: python={version} is outside the window"
    assert len(cmd.argv) == 5, f"{cmd.where}: conda should install Python only, not {cmd.argv[4:]}"


@command("activate a conda environment (emulated)", r"conda activate [a-z0-9_-]+")
def conda_activate(cmd: Command) -> None:
    """conda is not installed here; the name must be the one created just before."""
    created = [c.argv[3] for c in commands_in(cmd.fence) if c.text.startswith("conda create -n ")]
    assert cmd.argv[-1] in created, f"{cmd.where}: no `conda create -n {cmd.argv[-1]}` before it"


@command("run the check script with options", r"python3? examples/check_install\.py(?: --network| --lang (?:zh|en))+")
@_once(lambda cmd: cmd.text)
def check_install_options(cmd: Command) -> None:
    """Runs it. With --network every host is made unreachable (a proxy that
    refuses), so the check is fast and the same everywhere: it must report
    each host without a traceback and still exit 0."""
    import subprocess
    import sys
    import tempfile

    from harness import KERAS_HOME
    from install_pages import clean_env

    env = clean_env(KERAS_HOME=str(KERAS_HOME), HTTPS_PROXY="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9")
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run(
            [sys.executable, str(ROOT / cmd.argv[1]), *cmd.argv[2:]],
            cwd=tmp, env=env, capture_output=True, text=True, timeout=300,
        )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    if "--network" in cmd.argv:
        assert "storage.googleapis.com" in result.stdout and "TUNA" in result.stdout, result.stdout
    if "--lang" in cmd.argv:
        title = {"zh": "Keras 安装检查", "en": "Keras install check"}[cmd.argv[cmd.argv.index("--lang") + 1]]
        assert result.stdout.startswith(title), result.stdout

# --- several processes on one machine (docs/*/distributed_training.md) -----

ONE_PROCESS = re.compile(
    r"KERAS_DISTRIBUTION_JOB_ADDRESSES=(?P<host>127\.0\.0\.1):(?P<port>\d+) "
    r"KERAS_DISTRIBUTION_NUM_PROCESSES=(?P<count>\d+) "
    r"KERAS_DISTRIBUTION_PROCESS_ID=(?P<id>\d+) "
    r"python3? (?P<script>examples/[a-z0-9_]+\.py)"
)
_CLUSTER_RUNS: dict[tuple[str, ...], str | None] = {}


@command("run one process of a multi-process example", ONE_PROCESS.pattern)
def run_one_process(cmd: Command) -> None:
    """A reader runs these commands at once, one per terminal: all of them on
    one page are one cluster on 127.0.0.1. Run them all at once, and check
    that every process finishes and prints what the example promises. The
    page's port becomes a free one, so a busy port here cannot fail the check.
    One run serves every command of the cluster, and its twin page's."""
    import pytest

    from docblocks import parse_page

    page = parse_page(cmd.fence.page)
    cluster = [
        c.text for fence in page.fences for c in commands_in(fence) if ONE_PROCESS.fullmatch(c.text)
    ]
    key = tuple(cluster)
    if key not in _CLUSTER_RUNS:
        try:
            _run_cluster(cluster)
            _CLUSTER_RUNS[key] = None
        except (AssertionError, pytest.fail.Exception) as error:
            _CLUSTER_RUNS[key] = f"{cmd.where}: {error}"
    problem = _CLUSTER_RUNS[key]
    assert problem is None, problem


def _run_cluster(commands: list[str]) -> None:
    import socket
    import subprocess
    import sys
    import tempfile
    import time
    from pathlib import Path

    from harness import example_env
    from test_examples import backends_of, check_expected

    found = [ONE_PROCESS.fullmatch(text) for text in commands]
    assert len({(m["port"], m["count"], m["script"]) for m in found}) == 1, (
        "the page's commands disagree on the address, the count or the script"
    )
    count, script = int(found[0]["count"]), ROOT / found[0]["script"]
    assert sorted(int(m["id"]) for m in found) == list(range(count)), (
        f"the page must show process ids 0..{count - 1}, once each"
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        processes = []
        for m in found:
            env = example_env(
                backends_of(script)[0], tmp_path,
                KERAS_DISTRIBUTION_JOB_ADDRESSES=f"127.0.0.1:{port}",
                KERAS_DISTRIBUTION_NUM_PROCESSES=m["count"],
                KERAS_DISTRIBUTION_PROCESS_ID=m["id"],
            )
            out = open(tmp_path / f"out-{m['id']}.txt", "w+", encoding="utf-8")
            err = open(tmp_path / f"err-{m['id']}.txt", "w+", encoding="utf-8")
            process = subprocess.Popen([sys.executable, str(script)], cwd=tmp_path, env=env, stdout=out, stderr=err)
            processes.append((m["id"], process, out, err))
        deadline = time.monotonic() + 240
        try:
            while any(p.poll() is None for _, p, _, _ in processes) and time.monotonic() < deadline:
                if any(p.poll() not in (None, 0) for _, p, _, _ in processes):
                    break
                time.sleep(0.2)
        finally:
            for _, p, out, err in processes:
                if p.poll() is None:
                    p.kill()
                p.wait()
        for process_id, p, out, err in processes:
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read(), err.read()
            out.close()
            err.close()
            assert p.returncode == 0, (
                f"process {process_id} exited with {p.returncode}\n{stderr[-3000:]}"
            )
            check_expected(script, stdout)


# --- issue 4: the three cases (Fashion-MNIST without Google) ------------------


@command(
    "install Fashion-MNIST from a folder, Windows path",
    r"python examples\\install_fashion_mnist\.py (\S+|\"[^\"]+\")",
)
def install_fashion_mnist_windows(cmd: Command) -> None:
    """The same tool, typed in PowerShell or cmd. Its script path is the same
    file; its folder is one that Windows Python reads as an absolute path (the
    tool expands ~ itself, in either shell). The effect is checked as above."""
    import ntpath
    import os
    import re
    from pathlib import PureWindowsPath
    from unittest import mock

    match = re.fullmatch(r"python (\S+) (\S+|\"[^\"]+\")", cmd.text)
    script, folder = match[1], match[2].strip('"')
    assert PureWindowsPath(script).as_posix() == "examples/install_fashion_mnist.py"
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
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    import pytest

    if not shutil.which("dpkg"):
        pytest.skip("not a Debian/Ubuntu machine: dpkg is missing")
    listed = subprocess.run(["dpkg", "-L", "dataset-fashion-mnist"], capture_output=True, text=True)
    assert listed.returncode == 0, f"{cmd.where}: dataset-fashion-mnist is not installed here (make data installs it)"
    folder = Path("/usr/share/datasets/fashion-mnist")
    files = sorted(Path(line).name for line in listed.stdout.split() if line.startswith(f"{folder}/") and line.endswith(".gz"))
    assert files == sorted(
        ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
    ), listed.stdout
    result = subprocess.run(
        [sys.executable, "-c", CHECK_FOLDER, str(EXAMPLES / "install_fashion_mnist.py"), str(folder)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0 and result.stdout.split() == ["ok"] * 4, result.stdout + result.stderr


# The tool's own check of each file in a folder, without installing anything.
CHECK_FOLDER = """
import importlib.util, sys
from pathlib import Path
spec = importlib.util.spec_from_file_location("tool", sys.argv[1])
tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tool)
for name in tool.FILES:
    print(tool.check(Path(sys.argv[2]) / name, name)[0])
"""


# --- issue 12: Windows, first-class (docs/*/installation.md) ------------------
# None of these can run here (no Windows, no NVIDIA card). Each check proves
# what can be proved on Linux and its docstring says what is only emulated.


def _doctor():
    import importlib.util

    spec = importlib.util.spec_from_file_location("check_install", EXAMPLES / "check_install.py")
    doctor = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(doctor)
    return doctor


def _in_window(cmd: Command, version: str) -> None:
    doctor = _doctor()
    parsed = tuple(int(n) for n in version.split("."))
    assert doctor.PYTHON_MIN <= parsed <= doctor.PYTHON_MAX, (
        f"{cmd.where}: Python {version} is outside the check script's window "
        f"{doctor.PYTHON_MIN}..{doctor.PYTHON_MAX}"
    )


@command("install a Python with the Windows install manager (emulated)", r"py install 3\.\d+")
def py_install(cmd: Command) -> None:
    """The Python install manager cannot run here. What is proved: the version
    is inside the check script's PYTHON_MIN..PYTHON_MAX window, and it is the
    version the page's `py -X.Y -m venv` later makes the environment with."""
    version = cmd.argv[-1]
    _in_window(cmd, version)
    venvs = _page_commands(cmd, r"py -3\.\d+ -m venv \.venv")
    assert venvs and all(c.argv[1] == "-" + version for c in venvs), (
        f"{cmd.where}: the page installs {version} but makes its environment with {[c.text for c in venvs]}"
    )


@command("list the installed Pythons with the Windows launcher (emulated)", r"py --list")
def py_list(cmd: Command) -> None:
    """The launcher cannot run here. What is proved: the block installs a
    Python just before listing them, so the list the reader sees includes it."""
    earlier = [c.text for c in commands_in(cmd.fence)]
    assert any(re.fullmatch(r"py install 3\.\d+", text) for text in earlier[: earlier.index(cmd.text)]), (
        f"{cmd.where}: nothing before `py --list` in this block installs a Python"
    )


@command("make a virtual environment with the Windows launcher (emulated)", r"py -3\.\d+ -m venv \.venv")
@_once(lambda cmd: cmd.text)
def py_make_venv(cmd: Command) -> None:
    """The launcher cannot run here. What is proved: the version is inside the
    check script's window; the folder is the one the block then activates
    (`.venv\\Scripts\\Activate.ps1`); and `-m venv .venv` itself runs, with
    this machine's Python, as in the bash tab."""
    _in_window(cmd, cmd.argv[1][1:])
    later = [c.text for c in commands_in(cmd.fence)]
    assert later[later.index(cmd.text) + 1 :][:1] == [r".venv\Scripts\Activate.ps1"], (
        f"{cmd.where}: the block does not activate the environment it makes"
    )
    make_venv(Command(cmd.fence, "python -m venv .venv"))


LONG_PATHS_KEY = r"HKLM:\SYSTEM\CurrentControlSet\Control\FileSystem"


@command(
    "allow long paths in PowerShell (emulated)",
    r'New-ItemProperty -Path "HKLM:\\SYSTEM\\CurrentControlSet\\Control\\FileSystem" -Name "LongPathsEnabled" '
    r"-Value 1 -PropertyType DWORD -Force",
)
def allow_long_paths(cmd: Command) -> None:
    """PowerShell and the registry cannot be reached here. What is proved: the
    key and value are the ones CPython's Windows documentation names
    (`LongPathsEnabled` = 1 under HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\FileSystem,
    quoted here), and pip's own message for a path over 260 characters on
    Windows (its WINDOWS flag patched) sends the reader to long-path support,
    as the page says."""
    import errno
    from unittest import mock

    from pip._internal.commands import install

    documented = r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\FileSystem"
    arguments = dict(zip(cmd.argv[1::2], cmd.argv[2::2]))
    assert arguments["-Path"] == LONG_PATHS_KEY == documented.replace("HKEY_LOCAL_MACHINE", "HKLM:")
    assert (arguments["-Name"], arguments["-Value"], arguments["-PropertyType"]) == ("LongPathsEnabled", "1", "DWORD")
    long_path = "C:\\Users\\reader\\keras\\.venv\\Lib\\site-packages" + "\\tensorflow-folder" * 15 + "\\a.h"
    error = FileNotFoundError(errno.ENOENT, "No such file or directory", long_path)
    with mock.patch.object(install, "WINDOWS", True):
        message = install.create_os_error_message(error, False, False)
    assert "does not have Windows Long Path support enabled" in message, message


@command("show each NVIDIA card's compute capability (emulated)", r"nvidia-smi --query-gpu=name,compute_cap --format=csv")
def nvidia_compute_capability(cmd: Command) -> None:
    """There is no NVIDIA card here. What is proved: the lowest compute
    capability the installed TensorFlow was built for (its build info, as the
    check script reads it) is the one the page's section states."""
    from install_pages import section_lines

    build = _doctor().tensorflow_build_info()
    lowest = min(int(re.sub(r"\D", "", arch)) for arch in build["cuda_compute_capabilities"])
    stated = f"{lowest // 10}.{lowest % 10}"
    language = cmd.fence.page.parent.name
    text = " ".join(section_lines(language, "installation.md", "compute-capability"))
    assert f" {stated} " in text, f"{cmd.where}: TensorFlow's lowest compute capability is {stated}; the page does not say so"
