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
    four files. The effect: they land, intact, in a fresh Keras cache."""
    import shutil
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    from harness import KERAS_HOME

    cached = KERAS_HOME / "datasets" / "fashion-mnist"
    names = sorted(p.name for p in cached.glob("*-ubyte.gz"))
    assert len(names) == 4, f"the test cache {cached} is not filled (see README)"
    with tempfile.TemporaryDirectory() as tmp:
        folder, home = Path(tmp) / "downloads", Path(tmp) / "keras-home"
        folder.mkdir()
        for name in names:
            shutil.copy(cached / name, folder / name)
        script = ROOT / cmd.argv[1]
        result = subprocess.run(
            [sys.executable, str(script), str(folder)],
            env={"PATH": "/usr/bin:/bin", "KERAS_HOME": str(home), "LANG": "zh_CN.UTF-8"},
            capture_output=True, text=True, timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        installed = home / "datasets" / "fashion-mnist"
        for name in names:
            assert (installed / name).read_bytes() == (folder / name).read_bytes()


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
