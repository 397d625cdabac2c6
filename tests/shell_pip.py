"""Shell kinds: pip, its configuration and installs (tests/shell_commands.py)."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from pip._internal.commands import create_command

from doctor import keras_setup  # tools/doctor/, the check script's own checks
from harness.pages import DOCS, LANGUAGES
from harness.site import free_port
from install_pages import clean_env, isolated_pip, mirrors, pinned_versions, pip, promised_output, section_lines
from shell_commands import Command, _in_block, _once, _page_commands, command

# --- installation and verification pages ----------------------------------
# Commands a reader runs to install, configure pip and check the install. Each
# check runs the command (in a temporary folder, against an isolated home), or,
# for Windows and conda commands that cannot run here, proves what can be
# proved here and says what is only emulated.


_PIP = r"(?:python3? -m )?pip"
_SET_INDEX = _PIP + r" config set global\.index-url https://\S+"


def _apply_page_settings(cmd: Command, env: dict) -> str:
    """Run the page's own `pip config set` command(s); return the URL set last."""
    sets = _page_commands(cmd, _SET_INDEX)
    assert sets, f"{cmd.where}: {cmd.text!r} reads a setting no `pip config set` on this page writes"
    for setting in sets:
        pip(setting.argv, env, check=True)
    return sets[-1].argv[-1]


def _config_lines(env: dict) -> set[str]:
    return set(pip(["pip", "config", "list"], env, check=True).stdout.splitlines())


@command("pip: make a mirror the default", _SET_INDEX)
@_once(_in_block)
def pip_config_set(cmd: Command) -> None:
    """In an isolated home: it writes the user's file, pip reads the URL back,
    and `unset` removes it again. The URL must be HTTPS and in the mirror table."""
    url = cmd.argv[-1]
    assert url in mirrors(), f"{cmd.where}: {url} is not in the mirror table on the installation page"
    with isolated_pip() as (env, home):
        result = pip(cmd.argv, env, check=True)
        user_file = home / ".config" / "pip" / "pip.conf"
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
    with isolated_pip() as (env, _):
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
    with isolated_pip() as (env, _):
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
    with isolated_pip() as (env, home):
        before = _config_lines(env)
        _apply_page_settings(cmd, env)
        assert _config_lines(env) != before
        pip(cmd.argv, env, check=True)
        assert _config_lines(env) == before
        assert pip(["pip", "config", "get", "global.index-url"], env).returncode != 0
        assert "index-url" not in (home / ".config" / "pip" / "pip.conf").read_text()


@command("pip: show the files pip reads", _PIP + r" config debug")
@_once(_in_block)
def pip_config_debug(cmd: Command) -> None:
    """It names the Linux user file of the page's table, ~/.config/pip/pip.conf,
    and shows the page's setting in it."""
    table = "\n".join(section_lines("en", "installation.md", "pip-config-file"))
    assert "| Linux | `~/.config/pip/pip.conf` |" in table
    with isolated_pip() as (env, home):
        url = _apply_page_settings(cmd, env)
        lines = [line.strip() for line in pip(cmd.argv, env, check=True).stdout.splitlines()]
        user_file = f"{home / '.config' / 'pip' / 'pip.conf'}, exists: True"
        assert user_file in lines, lines
        assert lines[lines.index(user_file) + 1] == f"global.index-url: {url}", lines


# What a reader installs: the packages the examples import (the install
# doctor's list), the backends, Jupyter's `notebook` for the notebooks, and pip.
# Keras's ONNX exporters, which the chapter "Try the model in your browser"
# installs for examples/export_onnx.py (Keras imports them; the lesson does not).
EXPORT_PACKAGES = {"tf2onnx", "onnx", "onnxscript"}
READER_PACKAGES = {*keras_setup.LESSON_PACKAGES.values(), *keras_setup.BACKENDS.values(), *EXPORT_PACKAGES, "notebook",
                   "pip"}

# PyTorch's own indexes for its CUDA builds (docs/*/installation.md#gpu-windows-pytorch), as documented:
# PyTorch 2.14 ships CUDA 12.6, 13.0 and 13.2 builds (pytorch/pytorch#190355, #194367), each on
# download.pytorch.org/whl/cuXXX (pytorch.org/get-started/previous-versions: "--index-url
# https://download.pytorch.org/whl/cu130"). The NJU mirror's path is from
# pengwee.wang/blog/how-to-install-torch-elegantly and is untested, as the page says.
PYTORCH_INDEXES = {
    "https://download.pytorch.org/whl/cu126": "documented",
    "https://download.pytorch.org/whl/cu130": "documented",
    "https://mirrors.nju.edu.cn/pytorch/whl/cu130": "untested",
}


@command("install packages with pip", _PIP + r" install(?![^|&;]* -r )(?: [^|&;<>]+)")
def pip_install_packages(cmd: Command) -> None:
    """Parsed by pip's own option parser; every requirement names a package the
    guide uses, which the suite's own environment pins (so the suite runs what
    the reader gets; an extra must exist in the installed package), and any
    index is HTTPS and in the mirror table, or one of PyTorch's CUDA indexes
    above (then only torch, from that index alone; an untested one said so on
    the page)."""
    argv = cmd.argv
    options, args = create_command("install", isolated=True).parse_args(argv[argv.index("install") + 1 :])
    assert args, f"{cmd.where}: {cmd.text!r} installs nothing"
    pinned = pinned_versions()
    for arg in args:
        requirement = Requirement(arg)
        assert requirement.name in READER_PACKAGES, f"{cmd.where}: {requirement.name} is not a package this guide installs"
        if requirement.name != "pip":
            assert requirement.name in pinned, (
                f"{cmd.where}: {requirement.name} is not pinned in requirements*.txt or constraints.txt: the suite does not test it"
            )
        if requirement.extras:
            provided = set(metadata.metadata(requirement.name).get_all("Provides-Extra") or [])
            assert requirement.extras <= provided, f"{cmd.where}: {requirement.name} has no extra {requirement.extras}"
    if options.index_url in PYTORCH_INDEXES:
        assert args == ["torch"] and not options.extra_index_urls, f"{cmd.where}: {cmd.text!r}"
        if PYTORCH_INDEXES[options.index_url] == "untested":
            paragraph = _paragraph_after(cmd)
            assert "没有测试过" in paragraph or "untested" in paragraph, f"{cmd.where}: the page must say it is untested"
        return
    for url in [options.index_url, *options.extra_index_urls]:
        if url != "https://pypi.org/simple":  # pip's default
            assert url in mirrors(), f"{cmd.where}: index {url} is not in the mirror table"


@command("start Jupyter Notebook", r"jupyter notebook")
@_once(_in_block)
def jupyter_notebook(cmd: Command) -> None:
    """After the page's `pip install notebook`, started as the page says, in a
    terminal (a pseudo-terminal) in a folder holding the site's notebooks: it
    serves the page the browser opens (/tree) and lists the notebooks; one
    Ctrl+C (SIGINT) asks the question the page quotes, a second one stops it.
    Only the browser is not opened here (--no-browser): there is none. On
    Windows Jupyter asks nothing (its source says so); the page says so too."""
    assert _page_commands(cmd, _PIP + r" install notebook( -i \S+)?"), f"{cmd.where}: no `pip install notebook` on this page"
    jupyter = Path(sys.executable).parent / "jupyter"
    version = subprocess.run([str(jupyter), "notebook", "--version"], capture_output=True, text=True, timeout=120)
    assert version.returncode == 0, f"{cmd.where}: `jupyter notebook` does not run here:\n{version.stderr[-2000:]}"
    assert version.stdout.strip() == pinned_versions().get("notebook"), version.stdout
    port, token = free_port(), uuid.uuid4().hex
    notebooks = sorted((DOCS / LANGUAGES[0] / "notebooks").glob("*.ipynb"))
    assert notebooks
    with tempfile.TemporaryDirectory() as tmp:
        for notebook in notebooks:
            shutil.copy(notebook, tmp)
        env = clean_env(
            HOME=tmp, JUPYTER_TOKEN=token, JUPYTER_CONFIG_DIR=f"{tmp}/.jupyter", JUPYTER_RUNTIME_DIR=f"{tmp}/.runtime",
            PATH=f"{jupyter.parent}{os.pathsep}{os.environ['PATH']}",
        )
        argv = [str(jupyter), *cmd.argv[1:], "--no-browser", f"--ServerApp.port={port}", "--ServerApp.port_retries=0"]
        if os.geteuid() == 0:  # a test container runs as root, which Jupyter refuses without this; a reader is not root
            argv.append("--allow-root")
        terminal, terminal_end = os.openpty()  # Jupyter asks before stopping only when its input is a terminal
        log_path = Path(tmp) / ".log"
        with open(log_path, "w", encoding="utf-8") as log:
            server = subprocess.Popen(argv, cwd=tmp, env=env, stdin=terminal_end, stdout=log, stderr=log)
        try:
            try:
                listed = _wait_for(lambda: json.loads(_local(f"http://127.0.0.1:{port}/api/contents?token={token}")), server)
                assert {item["name"] for item in listed["content"]} >= {n.name for n in notebooks}, listed
                assert "<html" in _local(f"http://127.0.0.1:{port}/tree?token={token}").lower()
                server.send_signal(signal.SIGINT)
                _wait_for(lambda: "Shut down this Jupyter server (y/[n])?" in log_path.read_text(encoding="utf-8"), server)
                assert server.poll() is None, "one Ctrl+C stopped it without asking"
                server.send_signal(signal.SIGINT)
                stopped = server.wait(timeout=60)
            except AssertionError as error:
                raise AssertionError(f"{cmd.where}: {error}\n{log_path.read_text(encoding='utf-8')[-3000:]}") from None
        finally:
            if server.poll() is None:
                server.kill()
            os.close(terminal)
            os.close(terminal_end)
        printed = log_path.read_text(encoding="utf-8")
    assert f"http://localhost:{port}/tree" in printed, printed
    assert "Use Control-C to stop this server and shut down all kernels (twice to skip confirmation)." in printed, printed
    assert stopped == 0, printed


def _local(url: str) -> str:
    """The text at an address on 127.0.0.1, never through a proxy."""
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(url, timeout=10) as answer:
        return answer.read().decode()


def _wait_for(find, server: subprocess.Popen, seconds: float = 120):
    """find()'s first true answer (OSError counts as none yet), while the server runs."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, f"the server stopped (exit code {server.returncode})"
        try:
            found = find()
        except OSError:
            found = None
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"nothing within {seconds} s")


def _paragraph_after(cmd: Command) -> str:
    """The text of the page right after cmd's block, up to the next block."""
    lines = cmd.fence.page.read_text(encoding="utf-8").splitlines()[cmd.fence.line + len(cmd.fence.body) + 1 :]
    following = []
    for line in lines:
        if line.strip().startswith("```"):
            break
        following.append(line.strip())
    return " ".join(following)


@command("show Python's version", r"python3? --version")
def python_version(cmd: Command) -> None:
    result = subprocess.run([sys.executable, "--version"], capture_output=True, text=True, timeout=60)
    assert re.fullmatch(r"Python 3\.\d+\.\d+\s*", result.stdout), result.stdout


